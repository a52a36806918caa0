# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Convert the web client's vi.po into the JSON sao loads (locale/vi.json).

sao reads a two-item list as a plain string, so one-form plurals repeat
their form."""
import json
import sys

import polib


def convert(po_path, lang, plural_forms='nplurals=1; plural=0;'):
    data = {'': {'language': lang, 'plural-forms': plural_forms,
            'content-type': 'text/plain; charset=utf-8'}}
    for entry in polib.pofile(po_path).translated_entries():
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i]
                for i in sorted(entry.msgstr_plural)]
            if len(forms) == 1:
                forms *= 2
            data[entry.msgid] = [entry.msgid_plural, *forms]
        else:
            data[entry.msgid] = [None, entry.msgstr]
    return data


if __name__ == '__main__':
    po, out = sys.argv[1], sys.argv[2]
    with open(out, 'w', encoding='utf-8') as fp:
        json.dump(convert(po, 'vi'), fp, ensure_ascii=False)
