#!/usr/bin/env python3
# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Run the whole suite (module tests, scenarios, route and server tests) on
SQLite, then on a throw-away PostgreSQL database.

    python tests/run.py              # both backends
    python tests/run.py sqlite       # one of them

PostgreSQL is reached at ONESTOP_TEST_POSTGRESQL_URI (default: the local
server's socket, postgresql:///)."""
import hashlib
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ['sqlite', 'postgresql']


def code_hash():
    "The test database cache is only valid for this exact code"
    digest = hashlib.sha256()
    for path in sorted((ROOT / 'addons').rglob('*')):
        if path.is_file() and '__pycache__' not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def environment(backend):
    env = os.environ.copy()
    env['ONESTOP_HOME'] = str(ROOT)
    # both backends print PDFs at the same time: LibreOffice instances that
    # share a profile hand their work to each other and fail now and then
    profile = (ROOT / 'var' / f'libreoffice-{backend}').as_uri()
    env['TRYTOND_REPORT__CONVERT_COMMAND'] = (
        f'soffice -env:UserInstallation={profile} --headless --nolockcheck '
        '--nodefault --norestore --convert-to "%(output_extension)s" '
        '--outdir "%(directory)s" "%(input_path)s"')
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(ROOT), env.get('PYTHONPATH')]))
    if backend == 'sqlite':
        env['TRYTOND_DATABASE_URI'] = 'sqlite://'
        env['DB_CACHE'] = str(ROOT / 'var' / 'test-cache' / code_hash())
    else:
        env['TRYTOND_DATABASE_URI'] = os.environ.get(
            'ONESTOP_TEST_POSTGRESQL_URI', 'postgresql:///')
        env['DB_CACHE'] = 'postgresql://'
        env['DB_NAME'] = f'test_onestop_{os.getpid()}'
    return env


def server_uri(uri):
    "The URI of the server's maintenance database"
    parts = urllib.parse.urlparse(uri)
    query = f'?{parts.query}' if parts.query else ''
    return f'{parts.scheme}://{parts.netloc}/postgres{query}'


def drop_test_databases(uri):
    "Template databases of an earlier run may hold an older schema"
    import psycopg
    with psycopg.connect(server_uri(uri), autocommit=True) as connection:
        names = [n for n, in connection.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'test-%' OR datname LIKE 'test_onestop_%'")]
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_backend(backend):
    "Run the suite in a fresh process (trytond picks its backend at import)"
    env = environment(backend)
    if backend == 'postgresql':
        drop_test_databases(env['TRYTOND_DATABASE_URI'])
    log = open(ROOT / 'var' / f'test-{backend}.log', 'w+')
    process = subprocess.Popen(
        [sys.executable, __file__, '--in-process'], env=env, cwd=ROOT,
        stdout=log, stderr=subprocess.STDOUT, text=True)
    return process, log, time.monotonic()


def finish_backend(backend, process, log, start):
    "Wait for a backend's run, print its output and count its tests"
    code = process.wait()
    log.seek(0)
    output = log.read()
    log.close()
    print(f"== {backend} ==\n{output}", flush=True)
    ran = re.findall(r'^Ran (\d+) test', output, re.M)
    failed = re.findall(
        r'^FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?', output, re.M)
    skipped = re.findall(r'skipped=(\d+)', output)
    total = int(ran[-1]) if ran else 0
    bad = sum(int(n or 0) for f in failed for n in f)
    print(f"== {backend}: {total} tests in {time.monotonic() - start:.0f} s ==",
        flush=True)
    return total, bad, int(skipped[-1]) if skipped else 0, code


def in_process():
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    suite.addTests(loader.discover(
            str(ROOT / 'addons'), pattern='test_*.py',
            top_level_dir=str(ROOT / 'addons')))
    suite.addTests(loader.discover(
            str(ROOT / 'tests'), pattern='test_*.py', top_level_dir=str(ROOT)))
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    return 0 if result.wasSuccessful() and result.testsRun else 1


def main(argv):
    if argv[:1] == ['--in-process']:
        return in_process()
    backends = argv or BACKENDS
    (ROOT / 'var').mkdir(exist_ok=True)
    # the backends run side by side: the machine has more than one core
    runs = [(b, *start_backend(b)) for b in backends]
    passed = failed = skipped = 0
    status = 0
    for backend, *run in runs:
        total, bad, skip, code = finish_backend(backend, *run)
        passed += total - bad - skip
        failed += bad
        skipped += skip
        status = status or code or (not total)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if status else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
