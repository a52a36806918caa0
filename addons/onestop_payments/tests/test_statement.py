# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Reading bank statement files, fee amounts and payment references"
import datetime as dt
import unicodedata
import unittest
from decimal import Decimal

from onestop_payments.fees import fee_amount, reduced_amount
from onestop_payments.reference import (
    normalize, payment_reference, read_references)
from onestop_payments.statement import (
    StatementError, parse_amount, parse_statement)

VCB = {
    'delimiter': ',', 'encoding': 'utf-8-sig', 'skip_rows': 0,
    'date_column': 'Ngày giao dịch', 'date_format': '%d/%m/%Y',
    'transaction_column': 'Số tham chiếu',
    'credit_column': 'Số tiền ghi có', 'debit_column': 'Số tiền ghi nợ',
    'description_column': 'Mô tả', 'thousands_separator': ',',
    'decimal_separator': '.',
    }
VCB_FILE = '''\ufeffSTT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả
1,02/03/2026,5243.65937,,"8,000",152000,MBVCB.4525077405.HS2603020001 LE PHI.CT tu 0351000646393
2,02/03/2026,5243.65938,"3,300",,148700,PHI SMS BANKING

3,03/03/2026,5243.65939,,"1,250,000.00",1398700,IBFT NGUYEN VAN AN HS260303
'''.encode('utf-8')


def windows_1258(text):
    """text as Windows-1258 writes it: letters with their circumflex, breve
    or horn, then the tone mark as a combining accent"""
    tones = {'\u0300', '\u0301', '\u0303', '\u0309', '\u0323'}
    out = ''
    for char in unicodedata.normalize('NFC', text):
        marks = unicodedata.normalize('NFD', char)
        out += unicodedata.normalize('NFC', ''.join(
                m for m in marks if m not in tones)) + ''.join(
            m for m in marks if m in tones)
    return out.encode('cp1258')


class StatementTestCase(unittest.TestCase):
    "Statement files"

    def test_vcb(self):
        "Credits and debits, thousands separators, a blank line skipped"
        rows = parse_statement(VCB_FILE, VCB)
        self.assertEqual([(r['row'], r['transaction_id'], r['date'],
                    r['amount']) for r in rows], [
                (2, '5243.65937', dt.date(2026, 3, 2), Decimal(8000)),
                (3, '5243.65938', dt.date(2026, 3, 2), Decimal(-3300)),
                (5, '5243.65939', dt.date(2026, 3, 3), Decimal(1250000)),
                ])
        self.assertTrue(rows[0]['description'].startswith('MBVCB'))

    def test_semicolon_windows_1258(self):
        "Agribank-like: semicolons, dots for thousands, legacy encoding"
        mapping = dict(VCB, delimiter=';', encoding='cp1258',
            date_column='Ngày GD', transaction_column='Số bút toán',
            credit_column='Phát sinh có', debit_column='Phát sinh nợ',
            description_column='Nội dung', thousands_separator='.',
            decimal_separator=',')
        data = ('Ngày GD;Số bút toán;Phát sinh nợ;Phát sinh có;Nội dung\n'
            '02/03/2026;AB1;;8.000;HS2603020001 LE PHI\n'
            '02/03/2026;AB2;;15.000,00;HS2603020002\n')
        rows = parse_statement(windows_1258(data), mapping)
        self.assertEqual([r['amount'] for r in rows],
            [Decimal(8000), Decimal(15000)])

    def test_unknown_columns(self):
        "A file of another layout names the columns it lacks"
        data = 'date,ref,amount,memo\n2026-03-02,1,8000,x\n'.encode()
        with self.assertRaises(StatementError) as context:
            parse_statement(data, VCB)
        error = context.exception
        self.assertEqual(error.code, 'columns')
        self.assertIn('Ngày giao dịch', error.column)
        self.assertIn('memo', error.value)

    def test_bad_cells(self):
        "A fraction of a đồng, a wrong date, an empty file: line and column"
        for text, code, line, column in [
                ('1,02/03/2026,R1,,"8,000.50",0,x', 'amount', 2,
                    'Số tiền ghi có'),
                ('1,02/03/2026,R1,,tám nghìn,0,x', 'amount', 2,
                    'Số tiền ghi có'),
                ('1,2026-03-02,R1,,"8,000",0,x', 'date', 2,
                    'Ngày giao dịch'),
                ]:
            data = VCB_FILE.splitlines()[0] + b'\n' + text.encode()
            with self.subTest(text=text):
                with self.assertRaises(StatementError) as context:
                    parse_statement(data, VCB)
                self.assertEqual(
                    (context.exception.code, context.exception.line,
                        context.exception.column), (code, line, column))
        with self.assertRaises(StatementError) as context:
            parse_statement(VCB_FILE.splitlines()[0], VCB)
        self.assertEqual(context.exception.code, 'empty')
        with self.assertRaises(StatementError) as context:
            parse_statement(b'\xff\xfe\x00', VCB)
        self.assertEqual(context.exception.code, 'encoding')

    def test_no_bank_reference(self):
        "Without a reference column, the same file gives the same ids"
        mapping = dict(VCB, transaction_column=None)
        data = VCB_FILE + VCB_FILE.splitlines()[1] + b'\n'
        first = [r['transaction_id'] for r in parse_statement(data, mapping)]
        second = [r['transaction_id'] for r in parse_statement(data, mapping)]
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), 4)

    def test_amounts(self):
        for text, thousands, decimal, value in [
                ('1.250.000', '.', ',', 1250000), ('(8,000)', ',', '.', -8000),
                ('-8000', '', '.', -8000), ('8 000 VND', ' ', ',', 8000),
                ('', ',', '.', None)]:
            with self.subTest(text=text):
                self.assertEqual(parse_amount(text, thousands, decimal),
                    value if value is None else Decimal(value))
        for text in ['8.000,5', 'abc', 'NaN', 'Infinity']:
            with self.subTest(text=text):
                with self.assertRaises(ValueError):
                    parse_amount(text, '.', ',')


class FeeTestCase(unittest.TestCase):
    "Fee units and reductions"

    def test_units(self):
        self.assertEqual(fee_amount('dossier', 8000, quantity=3), 8000)
        self.assertEqual(fee_amount('copy', 8000, quantity=3), 24000)
        self.assertEqual(fee_amount('person', Decimal(10000), quantity=4),
            40000)
        # TT 226/2016: 2 000 đ pages 1-2, 1 000 đ further, 200 000 đ cap
        certified = dict(first_pages=2, next_amount=1000, cap=200000)
        for pages, per_copy in [(1, 2000), (2, 4000), (3, 5000),
                (10, 12000), (198, 200000), (1000, 200000)]:
            with self.subTest(pages=pages):
                self.assertEqual(fee_amount('page', 2000, quantity=2,
                        pages=pages, **certified), 2 * per_copy)

    def test_refused(self):
        for args in [('hour', 8000), ('copy', 8000.5), ('copy', -1),
                ('copy', Decimal('0.5')), ('copy', True)]:
            with self.subTest(args=args):
                with self.assertRaises(ValueError):
                    fee_amount(*args)
        with self.assertRaises(ValueError):
            fee_amount('copy', 8000, quantity=-1)

    def test_reduction(self):
        self.assertEqual(reduced_amount(15000, 100), 0)
        self.assertEqual(reduced_amount(15000, 50), 7500)
        self.assertEqual(reduced_amount(15001, 50), 7500)
        self.assertEqual(reduced_amount(15000, 0), 15000)
        with self.assertRaises(ValueError):
            reduced_amount(15000, 120)


class ReferenceTestCase(unittest.TestCase):
    "Payment references in transfer descriptions"

    def test_payment_reference(self):
        self.assertEqual(payment_reference('000.31.10999-250812-0001'),
            'HS2508120001')
        self.assertIsNone(payment_reference('000.31.10999-251312-0001'))
        self.assertIsNone(payment_reference('HS-2025-00001'))
        self.assertIsNone(payment_reference(None))

    def test_normalize(self):
        self.assertEqual(normalize('Hồ sơ: hs-250812.0001 Đ'),
            'HOSOHS2508120001D')

    def test_read(self):
        full = [('HS2508120001', 'HS2508120001')]
        for text, agency, found in [
                ('HS2508120001 LE PHI', None, full),
                ('hs 250812-0001', None, full),
                ('MBVCB.45.HS2508120001100000.CT tu 0351', None, full),
                ('NOP 000.31.10999-250812-0001', '000.31.10999', full),
                ('NOP 000311099925081200 01', '000.31.10999', full),
                ('HS2508120001 va HS2508120001', None, full),
                ('CT TU NGUYEN VAN AN HS25081200', None,
                    [('HS2508120000', 'HS2508120099')]),
                # cut before the daily number, or not at the end: nothing
                ('CT TU NGUYEN VAN AN HS250812', None, []),
                ('HS25081200 LE PHI', None, []),
                # not a date
                ('THS0351000646393', None, []),
                ('CHUYEN TIEN', None, []),
                ('HS2508120001 HS2508120002', None, [
                        ('HS2508120001', 'HS2508120001'),
                        ('HS2508120002', 'HS2508120002')]),
                ]:
            with self.subTest(text=text):
                self.assertEqual(read_references(text, agency), found)
