# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Citizen IDs and phone numbers as citizens type them

Pure functions, without the database, so that the party form, the public
portal and the API check and store these numbers the same way.
"""
import re

# Circular 07/2016/TT-BCA, annex: the first three digits of a personal
# identification number are the code of the province where the birth was
# registered. Numbers are issued once for life, so the 63 codes of the
# provinces before the 2025 merger (Resolution 202/2025/QH15) stay valid; they
# are not the 2-digit unit codes of Decision 19/2025/QĐ-TTg.
PROVINCE_CODES = {
    '001': "Hà Nội",
    '002': "Hà Giang",
    '004': "Cao Bằng",
    '006': "Bắc Kạn",
    '008': "Tuyên Quang",
    '010': "Lào Cai",
    '011': "Điện Biên",
    '012': "Lai Châu",
    '014': "Sơn La",
    '015': "Yên Bái",
    '017': "Hòa Bình",
    '019': "Thái Nguyên",
    '020': "Lạng Sơn",
    '022': "Quảng Ninh",
    '024': "Bắc Giang",
    '025': "Phú Thọ",
    '026': "Vĩnh Phúc",
    '027': "Bắc Ninh",
    '030': "Hải Dương",
    '031': "Hải Phòng",
    '033': "Hưng Yên",
    '034': "Thái Bình",
    '035': "Hà Nam",
    '036': "Nam Định",
    '037': "Ninh Bình",
    '038': "Thanh Hóa",
    '040': "Nghệ An",
    '042': "Hà Tĩnh",
    '044': "Quảng Bình",
    '045': "Quảng Trị",
    '046': "Thừa Thiên Huế",
    '048': "Đà Nẵng",
    '049': "Quảng Nam",
    '051': "Quảng Ngãi",
    '052': "Bình Định",
    '054': "Phú Yên",
    '056': "Khánh Hòa",
    '058': "Ninh Thuận",
    '060': "Bình Thuận",
    '062': "Kon Tum",
    '064': "Gia Lai",
    '066': "Đắk Lắk",
    '067': "Đắk Nông",
    '068': "Lâm Đồng",
    '070': "Bình Phước",
    '072': "Tây Ninh",
    '074': "Bình Dương",
    '075': "Đồng Nai",
    '077': "Bà Rịa - Vũng Tàu",
    '079': "Hồ Chí Minh",
    '080': "Long An",
    '082': "Tiền Giang",
    '083': "Bến Tre",
    '084': "Trà Vinh",
    '086': "Vĩnh Long",
    '087': "Đồng Tháp",
    '089': "An Giang",
    '091': "Kiên Giang",
    '092': "Cần Thơ",
    '093': "Hậu Giang",
    '094': "Sóc Trăng",
    '095': "Bạc Liêu",
    '096': "Cà Mau",
    }

CITIZEN_ID_ERRORS = ('format', 'province', 'century', 'birth_year')

_CITIZEN_ID = re.compile(r'[0-9]{12}')
# Circular 07/2016/TT-BCA, art. 7: the fourth digit is 0/1 for men/women born
# 1900-1999, 2/3 for 2000-2099, and so on up to 8/9 for 2300-2399.
_FIRST_CENTURY_YEAR = 1900
_GENDERS = {'male': 0, 'female': 1}

# Mobile numbers have had 10 digits since the 2018 conversion of the 11-digit
# 012x/016x/018x/019x ranges; landlines have had 11 digits (0 + area code
# 2x or 2xx + subscriber number) since the 2017 area-code change, so a
# landline cannot fit in 10 digits.
_MOBILE = re.compile(r'0[35789][0-9]{8}')
_LANDLINE = re.compile(r'02[0-9]{9}')
_PHONE_SEPARATORS = re.compile(r'[\s.\-]')
_COUNTRY_CODE = '84'


def check_citizen_id(number, birth_date=None, gender=None):
    """None when `number` is a valid 12-digit citizen ID, else the code of
    the first rule it breaks, one of CITIZEN_ID_ERRORS:

    - 'format': not exactly 12 ASCII digits;
    - 'province': the first three digits are not in PROVINCE_CODES;
    - 'century': the fourth digit does not match `gender` ('male' or
      'female') or the century of `birth_date`;
    - 'birth_year': the fifth and sixth digits are not the last two digits of
      the year of `birth_date`.

    `birth_date` and `gender` are optional; the rules that need them are
    skipped when they are None."""
    if gender is not None and gender not in _GENDERS:
        raise ValueError(
            f"gender must be 'male', 'female' or None, not {gender!r}")
    if not isinstance(number, str) or not _CITIZEN_ID.fullmatch(number):
        return 'format'
    if number[:3] not in PROVINCE_CODES:
        return 'province'
    century, female = divmod(int(number[3]), 2)
    if gender is not None and female != _GENDERS[gender]:
        return 'century'
    if birth_date is not None:
        if (birth_date.year - _FIRST_CENTURY_YEAR) // 100 != century:
            return 'century'
        if number[4:6] != f'{birth_date.year % 100:02d}':
            return 'birth_year'
    return None


def normalize_phone(number):
    """`number` as the national form of a Vietnamese phone number, or None
    when it is not one.

    Spaces, dots and dashes are ignored, and a +84 or 84 country code
    replaces the leading 0. Mobile numbers (03x, 05x, 07x, 08x, 09x) come out
    as 10 digits, landlines (02x) as 11 digits, both starting with 0."""
    if not isinstance(number, str):
        return None
    digits = _PHONE_SEPARATORS.sub('', number)
    if digits.startswith('+' + _COUNTRY_CODE):
        digits = '0' + digits[len(_COUNTRY_CODE) + 1:]
    elif digits.startswith(_COUNTRY_CODE):
        # a national number always starts with 0, so 84 is the country code
        digits = '0' + digits[len(_COUNTRY_CODE):]
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None
