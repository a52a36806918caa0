# make demo: install and start the product with the demo commune (SQLite)
# make test: install and run the whole test suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAO := var/sao
SAO_VERSION := 8.0

.PHONY: install demo serve test clean

install: $(VENV)/.installed $(SAO)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed (python3 --version)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "python3 -m venv failed: apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -e .
	touch $@

$(SAO)/.installed: sao/locale/vi.po sao/custom.css sao/custom.js
	@command -v npm >/dev/null || \
		{ echo "npm (Node.js 20) is needed for the web client: apt-get install nodejs npm"; exit 1; }
	rm -rf $(SAO) && mkdir -p $(SAO)
	cd $(SAO) && npm pack --silent tryton-sao@$(SAO_VERSION) >/dev/null && \
		tar xzf tryton-sao-*.tgz && rm tryton-sao-*.tgz
	cd $(SAO)/package && npm install --silent --omit=dev --legacy-peer-deps \
		--no-audit --no-fund >/dev/null
	cp sao/custom.css sao/custom.js $(SAO)/package/
	$(BIN)/python sao/po2json.py sao/locale/vi.po $(SAO)/package/locale/vi.json
	touch $@

demo: install
	$(BIN)/onestop demo
	$(BIN)/onestop serve

serve: install
	$(BIN)/onestop serve

test: install
	$(BIN)/python tests/run.py

clean:
	rm -rf $(VENV) var
