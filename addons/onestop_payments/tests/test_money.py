# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Amounts of đồng in words and in figures, as receipts write them"
import unittest
from decimal import Decimal

from onestop_payments.money import amount_in_words, format_vnd

# Written out by hand.  Receipt conventions: "linh" (not "lẻ") before a
# single digit, "mốt" for 1 and "lăm" for 5 after a ten, "tư" for 4 after
# "mươi", "nghìn" for thousands, and every group after the first read as
# three digits ("không trăm").
IN_WORDS = {
    0: "Không đồng",
    1: "Một đồng",
    4: "Bốn đồng",
    5: "Năm đồng",
    10: "Mười đồng",
    11: "Mười một đồng",
    14: "Mười bốn đồng",
    15: "Mười lăm đồng",
    20: "Hai mươi đồng",
    21: "Hai mươi mốt đồng",
    24: "Hai mươi tư đồng",
    25: "Hai mươi lăm đồng",
    44: "Bốn mươi tư đồng",
    55: "Năm mươi lăm đồng",
    100: "Một trăm đồng",
    101: "Một trăm linh một đồng",
    104: "Một trăm linh bốn đồng",
    105: "Một trăm linh năm đồng",
    110: "Một trăm mười đồng",
    115: "Một trăm mười lăm đồng",
    121: "Một trăm hai mươi mốt đồng",
    1000: "Một nghìn đồng",
    1001: "Một nghìn không trăm linh một đồng",
    1010: "Một nghìn không trăm mười đồng",
    1100: "Một nghìn một trăm đồng",
    2000: "Hai nghìn đồng",
    7000: "Bảy nghìn đồng",
    8000: "Tám nghìn đồng",
    10000: "Mười nghìn đồng",
    10005: "Mười nghìn không trăm linh năm đồng",
    15000: "Mười lăm nghìn đồng",
    20000: "Hai mươi nghìn đồng",
    34000: "Ba mươi tư nghìn đồng",
    50000: "Năm mươi nghìn đồng",
    100000: "Một trăm nghìn đồng",
    105000: "Một trăm linh năm nghìn đồng",
    200000: "Hai trăm nghìn đồng",
    1000000: "Một triệu đồng",
    1000005: "Một triệu không trăm linh năm đồng",
    1005000: "Một triệu không trăm linh năm nghìn đồng",
    1050000: "Một triệu không trăm năm mươi nghìn đồng",
    1250000: "Một triệu hai trăm năm mươi nghìn đồng",
    2000000: "Hai triệu đồng",
    21000000: "Hai mươi mốt triệu đồng",
    123456789: (
        "Một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm "
        "tám mươi chín đồng"),
    1000000000: "Một tỷ đồng",
    1000000005: "Một tỷ không trăm linh năm đồng",
    2500000000: "Hai tỷ năm trăm triệu đồng",
    1001000000000: "Một nghìn không trăm linh một tỷ đồng",
    2000000000000: "Hai nghìn tỷ đồng",
    10 ** 15: "Một triệu tỷ đồng",
    10 ** 18: "Một tỷ tỷ đồng",
    # 2^53 + 1: num2words reads through a float and loses the last digit
    9007199254740993: (
        "Chín triệu không trăm linh bảy nghìn một trăm chín mươi chín tỷ "
        "hai trăm năm mươi tư triệu bảy trăm bốn mươi nghìn chín trăm chín "
        "mươi ba đồng"),
    }

IN_FIGURES = {
    0: "0 đ",
    5: "5 đ",
    999: "999 đ",
    1000: "1.000 đ",
    8000: "8.000 đ",
    200000: "200.000 đ",
    1250000: "1.250.000 đ",
    1000000000: "1.000.000.000 đ",
    -8000: "-8.000 đ",
    }

NOT_WHOLE = [1.0, 8000.5, Decimal('8000.5'), Decimal('NaN'), True, '8000',
    None]


class AmountInWordsTestCase(unittest.TestCase):
    "Amounts in words"

    def test_amounts(self):
        "Hand-checked amounts"
        for amount, words in IN_WORDS.items():
            with self.subTest(amount=amount):
                self.assertEqual(amount_in_words(amount), words)

    def test_decimal(self):
        "A whole Decimal, as Tryton's Numeric fields hold"
        self.assertEqual(amount_in_words(Decimal('1250000.00')),
            "Một triệu hai trăm năm mươi nghìn đồng")

    def test_refused(self):
        "Negative and fractional amounts"
        for amount in [-1, -1250000, Decimal('-5')] + NOT_WHOLE:
            with self.subTest(amount=amount):
                with self.assertRaises(ValueError):
                    amount_in_words(amount)

    def test_receipt_wording(self):
        "No southern 'lẻ', no English, the right forms of 1, 4 and 5"
        for amount in list(range(0, 3000)) + list(range(0, 10 ** 7, 997)):
            words = amount_in_words(amount)
            with self.subTest(amount=amount, words=words):
                self.assertTrue(words[0].isupper())
                self.assertEqual(words[1:], words[1:].lower())
                self.assertTrue(words.endswith(' đồng'))
                self.assertNotIn(' lẻ ', words)
                self.assertNotIn('ngàn', words)
                for wrong in ['mươi một', 'mươi năm', 'mười năm',
                        'mươi bốn', 'linh mười', 'linh mốt', 'linh lăm',
                        'linh tư', '  ']:
                    self.assertNotIn(wrong, words)
                self.assertRegex(words, r'^[^\W\d_]+( [^\W\d_]+)*$')


class FormatVNDTestCase(unittest.TestCase):
    "Amounts in figures"

    def test_amounts(self):
        "Hand-checked amounts"
        for amount, text in IN_FIGURES.items():
            with self.subTest(amount=amount):
                self.assertEqual(format_vnd(amount), text)

    def test_decimal(self):
        "A whole Decimal, as Tryton's Numeric fields hold"
        self.assertEqual(format_vnd(Decimal('1250000.00')), "1.250.000 đ")

    def test_refused(self):
        "Fractional amounts"
        for amount in NOT_WHOLE:
            with self.subTest(amount=amount):
                with self.assertRaises(ValueError):
                    format_vnd(amount)
