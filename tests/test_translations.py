# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Every string the one-stop modules show has its Vietnamese translation"
import re
import unittest
from pathlib import Path

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from onestop_procedures.commandline import synchronize_wizards

ADDONS = Path(__file__).resolve().parent.parent / 'addons'
MODULES = ['onestop_procedures', 'onestop_payments', 'onestop_survey']
EXPRESSION = re.compile(r'\s*\$\{[^}]*\}\s*')


class VietnameseTestCase(unittest.TestCase):
    "Complete locale/vi.po files"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    @with_transaction()
    def test_complete(self):
        "No field, selection, help, message, menu or view left in English"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        ModelData = pool.get('ir.model.data')
        vi, = Lang.search([('code', '=', 'vi')])
        Lang.write([vi], {'translatable': True})
        for module in MODULES:
            Translation.translation_import('vi', module,
                [str(ADDONS / module / 'locale' / 'vi.po')])
        synchronize_wizards(vi)
        for module in MODULES:
            with self.subTest(module=module):
                # as the export of the translations: the rows of records
                # the module's files define, with words to translate (a
                # report's record name '${record.code}' has none, and
                # trytond registers it under the id of another action)
                records = {(d.model, d.db_id) for d in ModelData.search(
                        [('module', '=', module)])}
                missing = [t for t in Translation.search([
                            ('lang', '=', 'vi'),
                            ('module', '=', module),
                            ['OR',
                                ('value', 'in', [None, '']),
                                ('fuzzy', '=', True)],
                            ])
                    if not EXPRESSION.fullmatch(t.src or '')
                    and (t.res_id < 0
                        or (t.name.split(',')[0], t.res_id) in records)]
                self.assertEqual(
                    sorted(f'{t.type}:{t.name}: {t.src}' for t in missing),
                    [])
                self.assertTrue(Translation.search([
                            ('lang', '=', 'vi'),
                            ('module', '=', module),
                            ('type', '=', 'view'),
                            ], limit=1))
