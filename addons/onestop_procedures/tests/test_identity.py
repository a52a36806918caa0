# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
import datetime as dt
import unittest

from onestop_procedures.identity import check_citizen_id, normalize_phone
from onestop_procedures.identity import CITIZEN_ID_ERRORS, PROVINCE_CODES


class CitizenIdTestCase(unittest.TestCase):
    "Citizen ID (Circular 07/2016/TT-BCA)"

    def test_province_table(self):
        "The table holds the 63 pre-2025 provinces, 001 to 096"
        self.assertEqual(len(PROVINCE_CODES), 63)
        self.assertEqual(PROVINCE_CODES['001'], "Hà Nội")
        self.assertEqual(PROVINCE_CODES['030'], "Hải Dương")
        self.assertEqual(PROVINCE_CODES['096'], "Cà Mau")
        self.assertTrue(all(
                len(c) == 3 and c.isdigit() for c in PROVINCE_CODES))

    def test_valid_20th_century_man(self):
        "Man born 1985 in Hà Nội"
        number = '001085012345'
        self.assertIsNone(check_citizen_id(number))
        self.assertIsNone(check_citizen_id(
                number, dt.date(1985, 3, 14), 'male'))

    def test_valid_20th_century_woman(self):
        "Woman born 1999 in Bắc Giang"
        self.assertIsNone(check_citizen_id(
                '024199000001', dt.date(1999, 12, 31), 'female'))

    def test_valid_21st_century_man(self):
        "Man born 2000 in Hồ Chí Minh"
        self.assertIsNone(check_citizen_id(
                '079200123456', dt.date(2000, 1, 1), 'male'))

    def test_valid_21st_century_woman(self):
        "Woman born 2012 in Cà Mau"
        self.assertIsNone(check_citizen_id(
                '096312654321', dt.date(2012, 6, 1), 'female'))

    def test_century_boundaries(self):
        "1900 belongs to the 20th century code, 2099 to the 21st"
        self.assertIsNone(
            check_citizen_id('031000000001', dt.date(1900, 5, 1)))
        self.assertEqual(
            check_citizen_id('031200000001', dt.date(1900, 5, 1)), 'century')
        self.assertIsNone(
            check_citizen_id('031399000001', dt.date(2099, 5, 1)))

    def test_later_century_codes_without_birth_date(self):
        "Codes 4 to 9 are defined by the circular"
        for code in '456789':
            with self.subTest(code=code):
                self.assertIsNone(check_citizen_id(f'001{code}00000001'))

    def test_format(self):
        "Anything but exactly 12 ASCII digits"
        for number in [
                '', '00108501234', '0010850123456', '00108501234a',
                '001 085 012 345', ' 001085012345', '001085012345\n',
                '001-085012345', '٠٠١٠٨٥٠١٢٣٤٥', None, 1085012345]:
            with self.subTest(number=number):
                self.assertEqual(check_citizen_id(number), 'format')

    def test_province(self):
        "Codes not on the list, including the 2025 province codes"
        for prefix in ['000', '003', '005', '097', '099', '100', '999']:
            with self.subTest(prefix=prefix):
                self.assertEqual(
                    check_citizen_id(prefix + '085012345'), 'province')

    def test_gender_mismatch(self):
        "The fourth digit is even for men and odd for women"
        self.assertEqual(
            check_citizen_id('001085012345', gender='female'), 'century')
        self.assertEqual(
            check_citizen_id('001185012345', gender='male'), 'century')
        self.assertEqual(
            check_citizen_id('079200123456', gender='female'), 'century')
        self.assertEqual(
            check_citizen_id('079300123456', gender='male'), 'century')

    def test_century_mismatch(self):
        "The fourth digit gives the century of the birth date"
        self.assertEqual(check_citizen_id(
                '001085012345', dt.date(2085, 3, 14)), 'century')
        self.assertEqual(check_citizen_id(
                '079300123456', dt.date(1900, 1, 1), 'female'), 'century')
        self.assertEqual(check_citizen_id(
                '001085012345', dt.date(1885, 3, 14)), 'century')

    def test_birth_year_mismatch(self):
        "The fifth and sixth digits are the last two digits of the year"
        self.assertEqual(check_citizen_id(
                '001085012345', dt.date(1986, 3, 14)), 'birth_year')
        self.assertEqual(check_citizen_id(
                '079200123456', dt.date(2010, 1, 1), 'male'), 'birth_year')
        self.assertEqual(check_citizen_id(
                '001005012345', dt.date(1950, 1, 1)), 'birth_year')

    def test_datetime_birth_date(self):
        "A datetime works as a birth date"
        self.assertIsNone(check_citizen_id(
                '001085012345', dt.datetime(1985, 3, 14, 8, 30)))

    def test_first_failing_rule(self):
        "Rules are checked in the order of CITIZEN_ID_ERRORS"
        self.assertEqual(
            CITIZEN_ID_ERRORS, ('format', 'province', 'century', 'birth_year'))
        self.assertEqual(check_citizen_id(
                '00108501234', dt.date(1990, 1, 1), 'female'), 'format')
        self.assertEqual(check_citizen_id(
                '003085012345', dt.date(2010, 1, 1), 'female'), 'province')
        self.assertEqual(check_citizen_id(
                '001085012345', dt.date(2010, 1, 1), 'female'), 'century')

    def test_every_result_is_none_or_an_error_code(self):
        "The callers build message ids from the code"
        for number in ['001085012345', '0010850', '003085012345']:
            result = check_citizen_id(number, dt.date(1986, 1, 1), 'female')
            self.assertTrue(result is None or result in CITIZEN_ID_ERRORS)

    def test_invalid_gender(self):
        "A gender other than 'male', 'female' or None is a programming error"
        with self.assertRaises(ValueError):
            check_citizen_id('001085012345', gender='M')


class PhoneTestCase(unittest.TestCase):
    "Vietnamese phone numbers"

    def test_mobile_spellings(self):
        "Every accepted spelling gives the same 10 digits"
        for number in [
                '0912345678', '0912 345 678', '0912.345.678', '0912-345-678',
                ' 091 234 5678 ', '+84912345678', '+84 912 345 678',
                '+84-912-345-678', '84912345678', '84 912.345.678',
                '0912\u00a0345\u00a0678']:
            with self.subTest(number=number):
                self.assertEqual(normalize_phone(number), '0912345678')

    def test_mobile_prefixes(self):
        "03x, 05x, 07x, 08x and 09x are mobile ranges"
        for number in [
                '0321234567', '0561234567', '0701234567', '0861234567',
                '0981234567']:
            with self.subTest(number=number):
                self.assertEqual(normalize_phone(number), number)

    def test_landline(self):
        "Landlines keep their 11 digits"
        self.assertEqual(normalize_phone('024 3825 1234'), '02438251234')
        self.assertEqual(normalize_phone('+84 24 3825 1234'), '02438251234')
        self.assertEqual(normalize_phone('0204.3854.123'), '02043854123')
        self.assertEqual(normalize_phone('84-220-3852-123'), '02203852123')

    def test_rejected(self):
        "Wrong length, prefix or characters"
        for number in [
                '', '0', '091234567', '09123456789', '912345678',
                '0112345678', '0412345678', '0612345678', '0012345678',
                '01689123456', '0243825123', '024382512345',
                '+840912345678', '+8491234567', '+85512345678',
                '0912/345/678', '(024) 3825 1234', '0912345abc',
                '٠٩١٢٣٤٥٦٧٨', '+84', '84', None, 912345678]:
            with self.subTest(number=number):
                self.assertIsNone(normalize_phone(number))


if __name__ == '__main__':
    unittest.main()
