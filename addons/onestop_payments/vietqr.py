# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""VietQR payloads (NAPAS bank-transfer QR): build, parse and validate

VietQR is NAPAS's profile of the EMVCo merchant-presented QR code.  A payload
is a string of data objects, each ``ID (2 digits) + LEN (2 decimal digits) +
VALUE``; templates (38, 62) hold data objects of their own; the CRC object 63
always comes last.  The encoding table is §5.1 of the domain reference
one-stop-shop-vn.md.

Pure functions on plain values, so reports, the portal and the API share them
and tests need no database.
"""
import re
import unicodedata
from decimal import Decimal

__all__ = ['VietQRError', 'crc16', 'build', 'parse', 'ascii_purpose']

GUID = 'A000000727'  # NAPAS application identifier, tag 38.00
TO_ACCOUNT, TO_CARD = 'QRIBFTTA', 'QRIBFTTC'  # service codes, tag 38.02
STATIC, DYNAMIC = '11', '12'  # point of initiation, tag 01
CURRENCY = '704'  # ISO 4217 numeric code of the đồng, tag 53
COUNTRY = 'VN'  # tag 58
MAX_PAYLOAD = 512  # EMVCo MPM: longest payload
MAX_AMOUNT_DIGITS = 13  # NAPAS: tag 54 holds at most 13 characters
MAX_PURPOSE = 25  # NAPAS: tag 62.08 holds at most 25 characters

# Longest value of the optional objects (domain reference §5.1): too long
# values are rejected rather than cut, a cut reference would never match.
_MAX_LENGTH = {'59': 25, '60': 15}
_MAX_ADDITIONAL = {
    '01': 25, '02': 25, '03': 25, '04': 25, '05': 25, '06': 25, '07': 25,
    '08': MAX_PURPOSE, '09': 3}

_DIGITS = re.compile(r'[0-9]+')
_BIN = re.compile(r'[0-9]{6}')
_ACCOUNT = re.compile(r'[0-9A-Za-z]{1,19}')  # account or card number
_PRINTABLE = re.compile(r'[ -~]*')  # printable ASCII, space included

# Banks reject or mangle diacritics in the transfer description, even on
# 'Đ' (domain reference §5.1).  'đ' has no Unicode decomposition, so it is
# mapped by hand; 'Ð' (U+00D0) is what legacy TCVN3/VNI conversions leave
# in place of 'Đ'.
_NO_DECOMPOSITION = str.maketrans({'đ': 'd', 'Đ': 'D', 'Ð': 'D'})


class VietQRError(ValueError):
    """A VietQR payload or one of its values breaks the encoding rules

    ``code`` is a short stable string (callers map it to a translated
    message): 'crc', 'length', 'tag', 'format', 'guid', 'currency',
    'country', 'amount' or 'purpose'.  ``detail`` is an English sentence,
    also returned by ``str()``.
    """

    def __init__(self, code, detail):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """Return the CRC-16/CCITT-FALSE of data

    Polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR:
    the CRC of EMVCo QR codes.  Check value: crc16(b'123456789') == 0x29B1.
    """
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def _crc_text(text):
    return f'{crc16(text.encode("ascii")):04X}'


def ascii_purpose(text: str) -> str:
    """Return text without Vietnamese diacritics, for the transfer purpose

    "Lệ phí hồ sơ" gives "Le phi ho so"; đ/Đ give d/D.  Raise VietQRError
    ('purpose') if a character has no ASCII form (€, “, emoji...) or is a
    control character.  The length is not checked here: build() does it.
    """
    if not isinstance(text, str):
        raise VietQRError(
            'purpose',
            f"The transfer purpose must be text, not {type(text).__name__}.")
    decomposed = unicodedata.normalize(
        'NFD', text.translate(_NO_DECOMPOSITION))
    result = ''.join(c for c in decomposed if not unicodedata.combining(c))
    for char in result:
        if not _PRINTABLE.fullmatch(char):
            name = unicodedata.name(char, f'U+{ord(char):04X}')
            raise VietQRError(
                'purpose',
                f"The transfer purpose contains {char!r} ({name}), which "
                "has no ASCII form; banks accept only unaccented letters, "
                "digits, spaces and punctuation.")
    return result


def _object(tag, value):
    return f'{tag}{len(value):02d}{value}'


def _amount_digits(amount):
    # A transfer is in whole đồng: 180000.5 must not become 180000 silently.
    # Decimal is accepted because Tryton's Numeric fields hold Decimal.
    whole = (
        (isinstance(amount, int) and not isinstance(amount, bool))
        or (isinstance(amount, Decimal) and amount.is_finite()
            and amount == amount.to_integral_value()))
    if not whole:
        raise VietQRError(
            'amount',
            f"The amount must be a whole number of VND, not {amount!r}.")
    digits = str(int(amount))
    if int(amount) <= 0:
        raise VietQRError(
            'amount', f"The amount must be positive, not {digits}.")
    if len(digits) > MAX_AMOUNT_DIGITS:
        raise VietQRError(
            'amount',
            f"The amount {digits} has {len(digits)} digits; VietQR allows "
            f"at most {MAX_AMOUNT_DIGITS}.")
    return digits


def build(bin: str, account: str, amount: int | None = None,
        purpose: str | None = None, service: str = TO_ACCOUNT, *,
        bill: str | None = None) -> str:
    """Return the VietQR payload of a NAPAS 247 transfer

    bin: 6-digit bank identification number (970405 is Agribank).
    account: account number (service QRIBFTTA) or card number (QRIBFTTC),
    at most 19 letters or digits.
    amount: whole đồng; given, the QR is dynamic (one payment, tag 01 = 12);
    None, it is static (reusable, tag 01 = 11) and the payer types the
    amount.
    purpose: transfer description (tag 62.08), converted by ascii_purpose()
    and at most 25 characters: put the payment reference first.
    bill: bill number (tag 62.01), at most 25 ASCII characters.
    """
    if not isinstance(bin, str) or not _BIN.fullmatch(bin):
        raise VietQRError(
            'format',
            f"The bank identification number must be 6 digits, not {bin!r}.")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise VietQRError(
            'format',
            "The account or card number must be 1 to 19 unaccented letters "
            f"or digits, not {account!r}.")
    if service not in {TO_ACCOUNT, TO_CARD}:
        raise VietQRError(
            'format',
            f"The service code must be {TO_ACCOUNT} (to an account) or "
            f"{TO_CARD} (to a card), not {service!r}.")
    additional = ''
    if bill:
        if not isinstance(bill, str) or not _PRINTABLE.fullmatch(bill):
            raise VietQRError(
                'format',
                "The bill number must be unaccented printable text, "
                f"not {bill!r}.")
        if len(bill) > _MAX_ADDITIONAL['01']:
            raise VietQRError(
                'length',
                f"The bill number {bill!r} has {len(bill)} characters; "
                f"VietQR allows at most {_MAX_ADDITIONAL['01']}.")
        additional += _object('01', bill)
    if purpose:
        text = ascii_purpose(purpose)
        if len(text) > MAX_PURPOSE:
            raise VietQRError(
                'purpose',
                f"The transfer purpose {text!r} has {len(text)} characters; "
                f"VietQR allows at most {MAX_PURPOSE}.")
        additional += _object('08', text)

    beneficiary = _object('00', bin) + _object('01', account)
    account_information = (
        _object('00', GUID) + _object('01', beneficiary)
        + _object('02', service))
    payload = (
        _object('00', '01')
        + _object('01', STATIC if amount is None else DYNAMIC)
        + _object('38', account_information)
        + _object('53', CURRENCY))
    if amount is not None:
        payload += _object('54', _amount_digits(amount))
    payload += _object('58', COUNTRY)
    if additional:
        payload += _object('62', additional)
    # The CRC covers its own ID and length (EMVCo MPM 4.7.3)
    payload += '6304'
    return payload + _crc_text(payload)


def _decode(text, prefix):
    "Return the data objects of text by ID, in payload order"
    where = f"object {prefix[:-1]}" if prefix else "the payload"
    objects = {}
    position = 0
    while position < len(text):
        head = text[position:position + 4]
        if len(head) < 4:
            raise VietQRError(
                'length',
                f"{where.capitalize()} ends with {head!r}, too short for a "
                "data object: a length is wrong or the payload is cut.")
        tag, length = head[:2], head[2:]
        if not _DIGITS.fullmatch(tag):
            raise VietQRError(
                'tag',
                f"{where.capitalize()} has {tag!r} at character {position} "
                "where a 2-digit ID is expected: a length is wrong.")
        if not _DIGITS.fullmatch(length) or length == '00':
            raise VietQRError(
                'length',
                f"Object {prefix}{tag} has the length {length!r}; a length "
                "is 2 decimal digits from 01 to 99.")
        end = position + 4 + int(length)
        if end > len(text):
            raise VietQRError(
                'length',
                f"Object {prefix}{tag} declares {int(length)} characters but "
                f"only {len(text) - position - 4} remain in {where}: "
                "it is cut or its length is wrong.")
        if tag in objects:
            raise VietQRError(
                'tag', f"Object {prefix}{tag} appears twice in {where}.")
        objects[tag] = text[position + 4:end]
        position = end
    return objects


def _required(objects, tag, prefix=''):
    try:
        return objects[tag]
    except KeyError:
        raise VietQRError(
            'tag', f"The mandatory object {prefix}{tag} is missing.") \
            from None


def parse(payload: str) -> dict:
    """Validate a VietQR payload and return what it says

    Returns a dict with 'bin', 'account', 'service', 'amount' (int or None),
    'currency', 'country', 'purpose' (str or None), 'dynamic' (bool) and
    'tags' (the raw value of every top-level object by ID).

    The CRC is checked first: when it fails nothing else in the payload can
    be trusted, so any altered or cut payload raises 'crc'.  Then: 'length'
    for a length that is not 01-99 or runs past its template and for values
    over their maximum, 'tag' for an ID that is not 2 digits, an object
    twice or a missing mandatory object, 'format' for non-ASCII text and
    wrong format, initiation, BIN or account values, 'guid' when tag 38 is
    not NAPAS's, 'currency', 'country', 'amount' and 'purpose' for those
    objects.
    """
    if not isinstance(payload, str):
        raise VietQRError(
            'format',
            "A VietQR payload is text, not "
            f"{type(payload).__name__}.")
    if not payload.isascii():
        char = next(c for c in payload if not c.isascii())
        raise VietQRError(
            'format',
            f"The payload contains {char!r}; VietQR payloads are ASCII.")
    if len(payload) > MAX_PAYLOAD:
        raise VietQRError(
            'length',
            f"The payload has {len(payload)} characters; EMVCo allows at "
            f"most {MAX_PAYLOAD}.")
    if len(payload) < 8 or payload[-8:-4] != '6304':
        raise VietQRError(
            'crc',
            "The payload does not end with a CRC object (6304 and 4 "
            "hexadecimal digits): it is cut or it is not a VietQR code.")
    written, computed = payload[-4:], _crc_text(payload[:-4])
    if written != computed:
        raise VietQRError(
            'crc',
            f"The payload's CRC is {written!r} but its content gives "
            f"{computed}: the payload was altered or misread.")

    objects = _decode(payload, '')
    if list(objects)[-1] != '63':
        raise VietQRError(
            'crc',
            "The CRC object (63) is not the last object of the payload: "
            f"it sits inside object {list(objects)[-1]}.")
    if list(objects)[0] != '00' or objects['00'] != '01':
        raise VietQRError(
            'format',
            "The payload must begin with the format indicator 000201.")
    method = _required(objects, '01')
    if method not in {STATIC, DYNAMIC}:
        raise VietQRError(
            'format',
            f"The point of initiation (object 01) is {method!r}; it must "
            f"be {STATIC} (static) or {DYNAMIC} (dynamic).")

    account_information = _decode(_required(objects, '38'), '38.')
    guid = account_information.get('00')
    if guid != GUID:
        raise VietQRError(
            'guid',
            f"Object 38 has the GUID {guid!r} instead of NAPAS's {GUID}: "
            "it is not a VietQR code.")
    beneficiary = _decode(
        _required(account_information, '01', '38.'), '38.01.')
    bank = _required(beneficiary, '00', '38.01.')
    if not _BIN.fullmatch(bank):
        raise VietQRError(
            'format',
            f"The bank identification number (38.01.00) is {bank!r}; it "
            "must be 6 digits.")
    account = _required(beneficiary, '01', '38.01.')
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError(
            'format',
            f"The account or card number (38.01.01) is {account!r}; it "
            "must be 1 to 19 letters or digits.")
    service = _required(account_information, '02', '38.')

    currency = _required(objects, '53')
    if currency != CURRENCY:
        raise VietQRError(
            'currency',
            f"The currency (object 53) is {currency!r}; VietQR transfers "
            f"are in VND ({CURRENCY}).")
    amount = objects.get('54')
    if amount is not None:
        if (not _DIGITS.fullmatch(amount)
                or len(amount) > MAX_AMOUNT_DIGITS or not int(amount)):
            raise VietQRError(
                'amount',
                f"The amount (object 54) is {amount!r}; it must be a "
                f"positive whole number of at most {MAX_AMOUNT_DIGITS} "
                "digits.")
        amount = int(amount)
    country = _required(objects, '58')
    if country != COUNTRY:
        raise VietQRError(
            'country',
            f"The country (object 58) is {country!r}, not {COUNTRY}.")
    for tag, maximum in _MAX_LENGTH.items():
        _check_length(objects, tag, maximum, '')

    additional = _decode(objects.get('62', ''), '62.')
    purpose = additional.get('08')
    if purpose is not None and len(purpose) > MAX_PURPOSE:
        raise VietQRError(
            'purpose',
            f"The transfer purpose (62.08) has {len(purpose)} characters; "
            f"VietQR allows at most {MAX_PURPOSE}.")
    for tag, maximum in _MAX_ADDITIONAL.items():
        _check_length(additional, tag, maximum, '62.')

    return {
        'bin': bank,
        'account': account,
        'service': service,
        'amount': amount,
        'currency': currency,
        'country': country,
        'purpose': purpose,
        'dynamic': method == DYNAMIC,
        'tags': objects,
        }


def _check_length(objects, tag, maximum, prefix):
    value = objects.get(tag)
    if value is not None and len(value) > maximum:
        raise VietQRError(
            'length',
            f"Object {prefix}{tag} has {len(value)} characters; VietQR "
            f"allows at most {maximum}.")
