# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"VietQR payloads: worked examples, broken payloads and round trips"
import unicodedata
import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop_payments.vietqr import (
    VietQRError, ascii_purpose, build, crc16, parse)

# Domain reference §5.2: NAPAS specification example 6.1.3 (dynamic QR to
# an account) and the other published NAPAS vectors.
NAPAS_DYNAMIC_ACCOUNT = (
    '00020101021238570010A00000072701270006970403011300110123456780208'
    'QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang'
    '63042E2E')
NAPAS_STATIC_CARD = (
    '00020101021138600010A000000727013000069704030116970403110123456702'
    '08QRIBFTTC53037045802VN63044F52')
NAPAS_DYNAMIC_CARD = (
    '00020101021238600010A000000727013000069704030116970403110123456702'
    '08QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don '
    'hang6304A203')
# Published with a length typo: 38.01.01 says 12 characters but the account
# has 13; its CRC F4E5 is right for the string as published.
NAPAS_STATIC_ACCOUNT_TYPO = (
    '00020101021138570010A00000072701270006970403011200110123456780208'
    'QRIBFTTA53037045802VN6304F4E5')
# Domain reference §5.2, commune example (Agribank, fee 8 000 đ)
COMMUNE_DYNAMIC = (
    '00020101021238570010A00000072701270006970405011312345678901230208'
    'QRIBFTTA5303704540480005802VN6237011025081200010819HS2508120001 LE PHI'
    '6304B0F6')
COMMUNE_STATIC = (
    '00020101021138570010A00000072701270006970405011312345678901230208'
    'QRIBFTTA53037045802VN6304EF9A')
WORKED_EXAMPLES = (
    NAPAS_DYNAMIC_ACCOUNT, NAPAS_STATIC_CARD, NAPAS_DYNAMIC_CARD,
    NAPAS_STATIC_ACCOUNT_TYPO, COMMUNE_DYNAMIC, COMMUNE_STATIC)

# Domain reference §5.3
BINS = (
    '970405', '970436', '970415', '970418', '970407', '970422', '970416',
    '970432', '970437', '970423', '970403', '970441', '970443', '970449',
    '971005', '971011')

# The NAPAS example as nested (ID, value) pairs, to derive broken payloads
NAPAS_OBJECTS = [
    ('00', '01'),
    ('01', '12'),
    ('38', [
        ('00', 'A000000727'),
        ('01', [('00', '970403'), ('01', '0011012345678')]),
        ('02', 'QRIBFTTA')]),
    ('53', '704'),
    ('54', '180000'),
    ('58', 'VN'),
    ('62', [('01', 'NPS6869'), ('08', 'thanh toan don hang')]),
    ]

# Every Vietnamese letter written under the ASCII letter it must become
VIETNAMESE_LETTERS = {
    'a': 'aàáảãạăằắẳẵặâầấẩẫậ',
    'A': 'AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ',
    'd': 'dđ',
    'D': 'DĐ',
    'e': 'eèéẻẽẹêềếểễệ',
    'E': 'EÈÉẺẼẸÊỀẾỂỄỆ',
    'i': 'iìíỉĩị',
    'I': 'IÌÍỈĨỊ',
    'o': 'oòóỏõọôồốổỗộơờớởỡợ',
    'O': 'OÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ',
    'u': 'uùúủũụưừứửữự',
    'U': 'UÙÚỦŨỤƯỪỨỬỮỰ',
    'y': 'yỳýỷỹỵ',
    'Y': 'YỲÝỶỸỴ',
    }
PRINTABLE_ASCII = ''.join(map(chr, range(0x20, 0x7F)))


def encode(objects):
    "Encode (ID, value) pairs; a value that is a list is a template"
    text = ''
    for tag, value in objects:
        if isinstance(value, list):
            value = encode(value)
        text += f'{tag}{len(value):02d}{value}'
    return text


def sign(body):
    "Append a correct CRC object to body"
    body += '6304'
    return body + f'{crc16(body.encode("ascii")):04X}'


def napas_variant(changes=None, extra=()):
    """Return the NAPAS example, signed, with objects changed by path

    changes maps a path ('53', '38.01.00') to its new value, None to drop
    the object; extra objects are appended before the CRC.
    """
    changes = changes or {}

    def walk(objects, prefix):
        result = []
        for tag, value in objects:
            path = prefix + tag
            if path in changes:
                value = changes[path]
                if value is None:
                    continue
            elif isinstance(value, list):
                value = walk(value, path + '.')
            result.append((tag, value))
        return result
    return sign(encode(walk(NAPAS_OBJECTS, '') + list(extra)))


# Hypothesis strategies
accounts = st.text(
    alphabet='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    min_size=1, max_size=19)
amounts = st.none() | st.integers(min_value=1, max_value=10 ** 12)
# (character typed by the officer, character the bank must receive)
purpose_letters = st.sampled_from(
    [(v, ascii) for ascii, letters in VIETNAMESE_LETTERS.items()
        for v in letters]
    + [(c, c) for c in PRINTABLE_ASCII])
purposes = st.lists(purpose_letters, max_size=25)
services = st.sampled_from(['QRIBFTTA', 'QRIBFTTC'])
EXAMPLES = settings(max_examples=200, deadline=None, database=None)


class CRCTestCase(unittest.TestCase):
    "CRC-16/CCITT-FALSE"

    def test_check_value(self):
        "The catalogue check value of CRC-16/CCITT-FALSE"
        self.assertEqual(crc16(b'123456789'), 0x29B1)

    def test_empty(self):
        "The CRC of nothing is the initial value"
        self.assertEqual(crc16(b''), 0xFFFF)

    def test_worked_examples(self):
        "The CRC of every worked example covers its text up to 6304"
        for payload in WORKED_EXAMPLES:
            with self.subTest(payload=payload):
                self.assertEqual(
                    crc16(payload[:-4].encode('ascii')),
                    int(payload[-4:], 16))


class BuildTestCase(unittest.TestCase):
    "Build payloads"

    def test_napas_dynamic_account(self):
        "NAPAS example 6.1.3, character for character"
        self.assertEqual(
            build('970403', '0011012345678', 180000, 'thanh toan don hang',
                bill='NPS6869'),
            NAPAS_DYNAMIC_ACCOUNT)

    def test_napas_card(self):
        "NAPAS vectors to a card, static and dynamic"
        self.assertEqual(
            build('970403', '9704031101234567', service='QRIBFTTC'),
            NAPAS_STATIC_CARD)
        self.assertEqual(
            build('970403', '9704031101234567', 180000,
                'thanh toan don hang', 'QRIBFTTC', bill='NPS6869'),
            NAPAS_DYNAMIC_CARD)

    def test_napas_static_account(self):
        "The NAPAS static vector with its length typo corrected"
        payload = build('970403', '0011012345678')
        self.assertEqual(
            payload,
            '00020101021138570010A00000072701270006970403011300110123456780'
            '208QRIBFTTA53037045802VN63049E6F')
        self.assertNotEqual(payload, NAPAS_STATIC_ACCOUNT_TYPO)

    def test_commune(self):
        "The commune examples, dynamic with a fee and static"
        self.assertEqual(
            build('970405', '1234567890123', 8000, 'HS2508120001 LE PHI',
                bill='2508120001'),
            COMMUNE_DYNAMIC)
        self.assertEqual(build('970405', '1234567890123'), COMMUNE_STATIC)

    def test_point_of_initiation(self):
        "An amount makes the QR dynamic (12), none makes it static (11)"
        self.assertEqual(build('970405', '1234567890123', 8000)[6:12],
            '010212')
        static = build('970405', '1234567890123', purpose='LE PHI')
        self.assertEqual(static[6:12], '010211')
        self.assertNotIn('54', parse(static)['tags'])

    def test_decimal_amount(self):
        "A whole Decimal (Tryton Numeric) gives the same payload as an int"
        self.assertEqual(
            build('970405', '1234567890123', Decimal('8000.00'),
                'HS2508120001 LE PHI', bill='2508120001'),
            COMMUNE_DYNAMIC)

    def test_largest_amount(self):
        "13 digits is the longest amount"
        payload = build('970405', '1234567890123', 10 ** 13 - 1)
        self.assertIn('54139999999999999', payload)

    def test_purpose_without_diacritics(self):
        "The purpose loses its diacritics, đ included"
        payload = build('970405', '1234567890123', 8000,
            'HS2508120001 Lệ phí đủ')
        self.assertIn('62260822HS2508120001 Le phi du6304', payload)
        self.assertEqual(parse(payload)['purpose'], 'HS2508120001 Le phi du')

    def test_empty_purpose(self):
        "An empty purpose writes no additional data template"
        self.assertEqual(
            build('970405', '1234567890123', purpose=''), COMMUNE_STATIC)

    def test_wrong_bin(self):
        "The BIN is a 6-digit string"
        for bin in ['97040', '9704055', '97040A', 970405, '', None]:
            with self.subTest(bin=bin):
                with self.assertRaises(VietQRError) as cm:
                    build(bin, '1234567890123')
                self.assertEqual(cm.exception.code, 'format')

    def test_wrong_account(self):
        "The account is 1 to 19 ASCII letters or digits"
        for account in [
                '', '1' * 20, '1234-5678', '1234 5678', 'Số1', '١٢٣',
                1234567890123]:
            with self.subTest(account=account):
                with self.assertRaises(VietQRError) as cm:
                    build('970405', account)
                self.assertEqual(cm.exception.code, 'format')
        self.assertIn('0119' + '1' * 19, build('970405', '1' * 19))

    def test_wrong_service(self):
        "Only transfers to an account or a card are built"
        for service in ['QRPUSH', 'qribftta', '']:
            with self.subTest(service=service):
                with self.assertRaises(VietQRError) as cm:
                    build('970405', '1234567890123', 8000, service=service)
                self.assertEqual(cm.exception.code, 'format')

    def test_wrong_amount(self):
        "The amount is a positive whole number of at most 13 digits"
        for amount in [
                0, -8000, 10 ** 13, 8000.0, 8000.5, Decimal('8000.5'),
                Decimal('NaN'), Decimal('Infinity'), True, '8000']:
            with self.subTest(amount=amount):
                with self.assertRaises(VietQRError) as cm:
                    build('970405', '1234567890123', amount)
                self.assertEqual(cm.exception.code, 'amount')
                self.assertIsInstance(cm.exception, ValueError)

    def test_purpose_too_long(self):
        "A purpose over 25 characters is refused, never cut"
        with self.assertRaises(VietQRError) as cm:
            build('970405', '1234567890123', 8000,
                'Lệ phí hồ sơ 000.00.20.H23-250115-0003')
        self.assertEqual(cm.exception.code, 'purpose')
        self.assertIn('38', str(cm.exception))
        payload = build('970405', '1234567890123', 8000, 'X' * 25)
        self.assertEqual(parse(payload)['purpose'], 'X' * 25)
        with self.assertRaises(VietQRError) as cm:
            build('970405', '1234567890123', 8000, 'X' * 26)
        self.assertEqual(cm.exception.code, 'purpose')

    def test_purpose_not_ascii(self):
        "A purpose character without an ASCII form is refused"
        for purpose in ['Phí 5€', '“HS1”', 'HS1\n', 'HS1\t', '日本']:
            with self.subTest(purpose=purpose):
                with self.assertRaises(VietQRError) as cm:
                    build('970405', '1234567890123', 8000, purpose)
                self.assertEqual(cm.exception.code, 'purpose')

    def test_wrong_bill(self):
        "The bill number is printable ASCII of at most 25 characters"
        with self.assertRaises(VietQRError) as cm:
            build('970405', '1234567890123', 8000, bill='1' * 26)
        self.assertEqual(cm.exception.code, 'length')
        with self.assertRaises(VietQRError) as cm:
            build('970405', '1234567890123', 8000, bill='Số 1')
        self.assertEqual(cm.exception.code, 'format')


class ParseTestCase(unittest.TestCase):
    "Parse and validate payloads"

    def assertRefused(self, payload, code):
        with self.assertRaises(VietQRError) as cm:
            parse(payload)
        self.assertEqual(cm.exception.code, code, str(cm.exception))
        self.assertTrue(str(cm.exception).endswith('.'))
        return cm.exception

    def test_helper(self):
        "The helper that derives broken payloads encodes the NAPAS example"
        self.assertEqual(napas_variant(), NAPAS_DYNAMIC_ACCOUNT)

    def test_napas_dynamic_account(self):
        "NAPAS example 6.1.3"
        self.assertEqual(parse(NAPAS_DYNAMIC_ACCOUNT), {
                'bin': '970403',
                'account': '0011012345678',
                'service': 'QRIBFTTA',
                'amount': 180000,
                'currency': '704',
                'country': 'VN',
                'purpose': 'thanh toan don hang',
                'dynamic': True,
                'tags': {
                    '00': '01',
                    '01': '12',
                    '38': '0010A00000072701270006970403011300110123456780208'
                    'QRIBFTTA',
                    '53': '704',
                    '54': '180000',
                    '58': 'VN',
                    '62': '0107NPS68690819thanh toan don hang',
                    '63': '2E2E',
                    },
                })

    def test_napas_card(self):
        "NAPAS vectors to a card"
        static = parse(NAPAS_STATIC_CARD)
        self.assertEqual(
            (static['bin'], static['account'], static['service'],
                static['amount'], static['purpose'], static['dynamic']),
            ('970403', '9704031101234567', 'QRIBFTTC', None, None, False))
        dynamic = parse(NAPAS_DYNAMIC_CARD)
        self.assertEqual(
            (dynamic['account'], dynamic['service'], dynamic['amount'],
                dynamic['purpose'], dynamic['dynamic']),
            ('9704031101234567', 'QRIBFTTC', 180000, 'thanh toan don hang',
                True))

    def test_commune(self):
        "The commune examples"
        dynamic = parse(COMMUNE_DYNAMIC)
        self.assertEqual(
            (dynamic['bin'], dynamic['account'], dynamic['amount'],
                dynamic['purpose'], dynamic['dynamic'], dynamic['tags']['62']),
            ('970405', '1234567890123', 8000, 'HS2508120001 LE PHI', True,
                '011025081200010819HS2508120001 LE PHI'))
        static = parse(COMMUNE_STATIC)
        self.assertEqual(
            (static['bin'], static['account'], static['service'],
                static['amount'], static['currency'], static['country'],
                static['purpose'], static['dynamic']),
            ('970405', '1234567890123', 'QRIBFTTA', None, '704', 'VN', None,
                False))
        self.assertEqual(list(static['tags']),
            ['00', '01', '38', '53', '58', '63'])

    def test_napas_length_typo(self):
        "The published static vector has a right CRC but a wrong length"
        exception = self.assertRefused(NAPAS_STATIC_ACCOUNT_TYPO, 'length')
        self.assertIn('38.01', str(exception))

    def test_one_character_changed(self):
        "Any character changed anywhere makes the CRC fail"
        for payload in [NAPAS_DYNAMIC_ACCOUNT, COMMUNE_STATIC]:
            for index, char in enumerate(payload):
                for other in {'0', '7', 'A', 'f', ' ', chr(ord(char) ^ 1)}:
                    if other == char:
                        continue
                    tampered = payload[:index] + other + payload[index + 1:]
                    with self.subTest(tampered=tampered):
                        self.assertRefused(tampered, 'crc')

    def test_two_characters_swapped(self):
        "Two neighbours swapped make the CRC fail"
        payload = COMMUNE_DYNAMIC
        for index in range(len(payload) - 1):
            if payload[index] == payload[index + 1]:
                continue
            swapped = (payload[:index] + payload[index + 1]
                + payload[index] + payload[index + 2:])
            with self.subTest(swapped=swapped):
                self.assertRefused(swapped, 'crc')

    def test_lower_case_crc(self):
        "The CRC is written in upper case"
        self.assertRefused(NAPAS_DYNAMIC_ACCOUNT[:-4] + '2e2e', 'crc')

    def test_cut(self):
        "A payload cut anywhere has no CRC to check"
        for end in range(len(COMMUNE_DYNAMIC)):
            with self.subTest(end=end):
                self.assertRefused(COMMUNE_DYNAMIC[:end], 'crc')

    def test_trailing_characters(self):
        "Nothing may follow the CRC, not even a newline from a scanner"
        self.assertRefused(COMMUNE_STATIC + '\n', 'crc')
        self.assertRefused(' ' + COMMUNE_STATIC, 'crc')

    def test_no_crc(self):
        "A payload without its CRC object"
        self.assertRefused(COMMUNE_STATIC[:-8], 'crc')
        self.assertRefused(COMMUNE_STATIC[:-8] + '6304', 'crc')

    def test_crc_inside_template(self):
        "The CRC object must be a top-level object, not inside template 62"
        # '6220' makes template 62 swallow '6304' and the CRC itself
        body = encode(NAPAS_OBJECTS[:-1]) + '6220' + '0808ABCDEFGH'
        self.assertRefused(sign(body), 'crc')

    def test_cut_template(self):
        "A sub-object running past the end of its template"
        # 38.01.01 declares 20 characters, the account has 13
        payload = napas_variant({'38.01': '0006970403' '0120' '0011012345678'})
        exception = self.assertRefused(payload, 'length')
        self.assertIn('38.01.01', str(exception))

    def test_object_past_end(self):
        "A top-level object running past the end of the payload"
        body = encode(NAPAS_OBJECTS[:-1]) + '6299ABC'
        self.assertRefused(sign(body), 'length')

    def test_wrong_lengths(self):
        "Lengths that are not 2 decimal digits from 01 to 99"
        for bad in ['5X', '0A', ' 3', '00']:
            body = encode(NAPAS_OBJECTS[:3]) + '53' + bad + '704'
            with self.subTest(length=bad):
                self.assertRefused(sign(body), 'length')
        # An empty object, well-formed otherwise (EMVCo: no empty values)
        self.assertRefused(napas_variant(extra=[('52', '')]), 'length')

    def test_length_one_too_few(self):
        "A length one too low leaves a character where an ID is expected"
        # 38 declaring 56 characters leaves the 'A' of QRIBFTTA outside
        body = NAPAS_DYNAMIC_ACCOUNT[:-8].replace('3857', '3856')
        exception = self.assertRefused(sign(body), 'tag')
        self.assertIn("'A5'", str(exception))

    def test_too_long(self):
        "A payload over 512 characters"
        extra = [(str(tag), 'X' * 99) for tag in range(80, 85)]
        payload = napas_variant({'62': None}, extra)
        self.assertGreater(len(payload), 512)
        self.assertRefused(payload, 'length')

    def test_wrong_tag(self):
        "An ID that is not 2 digits"
        body = encode(NAPAS_OBJECTS[:3]) + 'A303704'
        self.assertRefused(sign(body), 'tag')

    def test_duplicate(self):
        "An object twice"
        self.assertRefused(napas_variant(extra=[('53', '704')]), 'tag')
        # 38.01.00 (the BIN) twice inside its template
        self.assertRefused(
            napas_variant({'38.01': '0006970403' '0006970405'}), 'tag')

    def test_missing(self):
        "A mandatory object missing"
        for path in ['01', '38', '53', '58', '38.01', '38.02', '38.01.00',
                '38.01.01']:
            with self.subTest(path=path):
                exception = self.assertRefused(
                    napas_variant({path: None}), 'tag')
                self.assertIn(path, str(exception))

    def test_guid(self):
        "Template 38 must carry NAPAS's GUID"
        for guid in ['A000000728', 'A000000727 ', 'a000000727', None]:
            with self.subTest(guid=guid):
                self.assertRefused(napas_variant({'38.00': guid}), 'guid')

    def test_format(self):
        "Format indicator, point of initiation, BIN, account and ASCII"
        for changes in [
                {'00': '02'}, {'01': '13'}, {'01': '1'},
                {'38.01.00': '97040'}, {'38.01.00': '97040A'},
                {'38.01.01': '1' * 20}, {'38.01.01': '0011-0123'}]:
            with self.subTest(changes=changes):
                self.assertRefused(napas_variant(changes), 'format')
        first_not_00 = sign(encode(NAPAS_OBJECTS[1:2] + NAPAS_OBJECTS[0:1]
                + NAPAS_OBJECTS[2:]))
        self.assertRefused(first_not_00, 'format')
        self.assertRefused(
            NAPAS_DYNAMIC_ACCOUNT.replace('thanh toan', 'thành toán'),
            'format')
        self.assertRefused(NAPAS_DYNAMIC_ACCOUNT.encode('ascii'), 'format')

    def test_currency(self):
        "Only đồng"
        for currency in ['840', 'VND', '0704']:
            with self.subTest(currency=currency):
                self.assertRefused(napas_variant({'53': currency}), 'currency')

    def test_country(self):
        "Only Viet Nam"
        for country in ['US', 'vn', 'VNM']:
            with self.subTest(country=country):
                self.assertRefused(napas_variant({'58': country}), 'country')

    def test_amount(self):
        "The amount is a positive whole number of at most 13 digits"
        for amount in ['180000.00', '180000.5', '180,000', '-180000', '0',
                '000', '18e4', ' 180000', '1' * 14]:
            with self.subTest(amount=amount):
                self.assertRefused(napas_variant({'54': amount}), 'amount')
        self.assertEqual(
            parse(napas_variant({'54': '9' * 13}))['amount'], 10 ** 13 - 1)

    def test_purpose_too_long(self):
        "A purpose over 25 characters"
        self.assertRefused(
            napas_variant({'62.08': 'X' * 26}), 'purpose')

    def test_optional_lengths(self):
        "Other optional objects keep their maximum lengths"
        self.assertRefused(napas_variant({'62.01': 'X' * 26}), 'length')
        self.assertRefused(
            napas_variant({'62.01': None}, [('59', 'X' * 26)]), 'length')
        self.assertRefused(
            napas_variant({'62': None}, [('60', 'X' * 16)]), 'length')

    def test_other_objects_kept(self):
        "Objects this module does not use are kept raw"
        payload = napas_variant(
            {'62': None}, [('52', '9399'), ('59', 'UBND XA AN PHU'),
                ('60', 'AN GIANG')])
        parsed = parse(payload)
        self.assertEqual(
            (parsed['tags']['52'], parsed['tags']['59'],
                parsed['tags']['60'], parsed['purpose'], parsed['amount']),
            ('9399', 'UBND XA AN PHU', 'AN GIANG', None, 180000))

    def test_static_with_amount(self):
        "A static QR carrying an amount is read as it is"
        parsed = parse(napas_variant({'01': '11'}))
        self.assertEqual((parsed['dynamic'], parsed['amount']),
            (False, 180000))


class PurposeTestCase(unittest.TestCase):
    "Transfer purpose without diacritics"

    def test_example(self):
        "A fee of a dossier"
        self.assertEqual(
            ascii_purpose('Lệ phí hồ sơ 000.00.20.H23-250115-0003'),
            'Le phi ho so 000.00.20.H23-250115-0003')

    def test_d(self):
        "đ and Đ, which Unicode does not decompose"
        self.assertEqual(ascii_purpose('Đăng ký đất đai'),
            'Dang ky dat dai')
        # U+00D0 (Icelandic eth) stands for Đ in text from TCVN3/VNI fonts
        self.assertEqual(ascii_purpose('\u00D0IEN'), 'DIEN')

    def test_every_letter(self):
        "Every Vietnamese letter, both cases"
        for ascii, letters in VIETNAMESE_LETTERS.items():
            with self.subTest(letters=letters):
                self.assertEqual(ascii_purpose(letters), ascii * len(letters))

    def test_decomposed(self):
        "Text typed with combining marks gives the same result"
        text = 'Nguyễn Thị Hướng nộp lệ phí'
        decomposed = unicodedata.normalize('NFD', text)
        self.assertNotEqual(decomposed, text)
        self.assertEqual(ascii_purpose(decomposed),
            'Nguyen Thi Huong nop le phi')
        self.assertEqual(ascii_purpose(text), 'Nguyen Thi Huong nop le phi')

    def test_ascii_unchanged(self):
        "Printable ASCII passes unchanged, length not checked here"
        self.assertEqual(ascii_purpose(PRINTABLE_ASCII), PRINTABLE_ASCII)
        self.assertEqual(ascii_purpose(''), '')

    def test_refused(self):
        "Characters without an ASCII form and control characters"
        for text in ['5 €', '“HS1”', 'HS–1', 'ß', 'ø', '😀', 'A\nB', 'A\x00',
                '\x7f', 'ﬁ']:
            with self.subTest(text=text):
                with self.assertRaises(VietQRError) as cm:
                    ascii_purpose(text)
                self.assertEqual(cm.exception.code, 'purpose')
        with self.assertRaises(VietQRError) as cm:
            ascii_purpose(None)
        self.assertEqual(cm.exception.code, 'purpose')


class RoundTripTestCase(unittest.TestCase):
    "Properties over many generated payloads"

    @EXAMPLES
    @given(bin=st.sampled_from(BINS), account=accounts, amount=amounts,
        purpose=purposes, service=services)
    def test_build_parse(self, bin, account, amount, purpose, service):
        "parse() gives back what build() was given"
        typed = ''.join(typed for typed, _ in purpose)
        expected = ''.join(sent for _, sent in purpose) or None
        payload = build(bin, account, amount, typed, service)
        self.assertTrue(payload.isascii())
        self.assertLessEqual(len(payload), 512)
        self.assertRegex(payload, r'6304[0-9A-F]{4}\Z')
        self.assertEqual(parse(payload), {
                'bin': bin,
                'account': account,
                'service': service,
                'amount': amount,
                'currency': '704',
                'country': 'VN',
                'purpose': expected,
                'dynamic': amount is not None,
                'tags': parse(payload)['tags'],
                })
        self.assertEqual(''.join(
                f'{tag}{len(value):02d}{value}'
                for tag, value in parse(payload)['tags'].items()),
            payload)

    @EXAMPLES
    @given(bin=st.sampled_from(BINS), account=accounts, amount=amounts,
        data=st.data())
    def test_tampered(self, bin, account, amount, data):
        "One character changed anywhere is caught by the CRC"
        payload = build(bin, account, amount, 'HS2508120001 LE PHI')
        index = data.draw(st.integers(0, len(payload) - 1))
        char = data.draw(st.sampled_from(PRINTABLE_ASCII).filter(
                lambda c: c != payload[index]))
        with self.assertRaises(VietQRError) as cm:
            parse(payload[:index] + char + payload[index + 1:])
        self.assertEqual(cm.exception.code, 'crc')

    @EXAMPLES
    @given(bin=st.sampled_from(BINS), account=accounts, amount=amounts,
        data=st.data())
    def test_cut(self, bin, account, amount, data):
        "A payload cut anywhere is refused"
        payload = build(bin, account, amount)
        end = data.draw(st.integers(0, len(payload) - 1))
        with self.assertRaises(VietQRError) as cm:
            parse(payload[:end])
        self.assertEqual(cm.exception.code, 'crc')
