# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Payment references: the short code a transfer description carries

A dossier code (Decree 118/2025 art. 28) is the agency identifier, the
receipt date and a daily number: ``000.31.10999-250812-0001``.  Within one
commune the date and the number are unique, so the payment reference is
``HS`` + ``yymmdd`` + ``nnnn`` (``HS2508120001``): 12 letters and digits that
fit the 25 characters of a VietQR purpose with room to spare (domain
reference §5.4).

Banks upper-case the description, strip dots, dashes and spaces, prepend
their own text and cut long descriptions.  Reading a description is
therefore: fold to upper-case letters and digits, then look for ``HS`` or
the commune's agency identifier followed by the 10 digits.  A reference cut
by the bank (at least the date and 2 digits of the number, at the very end
of the description) gives a range of references; the matching decides
whether exactly one dossier lies in it.  Pure functions.
"""
import datetime as dt
import re
import unicodedata

__all__ = ['PREFIX', 'payment_reference', 'normalize', 'read_references']

PREFIX = 'HS'
DIGITS = 10  # yymmdd + 4-digit daily number
MIN_CUT_DIGITS = 8  # a cut reference keeps the date and 2 digits at least
_CODE = re.compile(r'-(\d{6})-(\d{4})$')
_NOT_ALNUM = re.compile(r'[^0-9A-Z]+')


def payment_reference(code):
    """Return the payment reference of a dossier code, or None when the
    code does not end with the date and the daily number"""
    match = _CODE.search(code or '')
    if not match or not _valid_date(match.group(1)):
        return None
    return PREFIX + match.group(1) + match.group(2)


def normalize(text):
    """Return text as banks keep it: upper-case ASCII letters and digits
    only (diacritics dropped, đ as D)"""
    text = (text or '').translate(str.maketrans({'đ': 'd', 'Đ': 'D'}))
    text = ''.join(c for c in unicodedata.normalize('NFD', text)
        if not unicodedata.combining(c))
    return _NOT_ALNUM.sub('', text.upper())


def _valid_date(digits):
    try:
        dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


def read_references(description, agency_code=None):
    """Return the distinct reference ranges found in a transfer description

    Each is a pair (low, high) of references: equal for a complete
    reference, the smallest and the largest completion of a reference cut
    at the end of the description.  Several pairs mean the description
    names several dossiers (or is garbled): the matching never guesses.
    """
    text = normalize(description)
    anchors = [PREFIX]
    agency = normalize(agency_code)
    if agency:
        anchors.append(re.escape(agency))
    pattern = re.compile(
        '(?:%s)([0-9]{6,%d})' % ('|'.join(anchors), DIGITS))
    found = []
    position = 0
    while match := pattern.search(text, position):
        digits = match.group(1)
        position = match.start() + 1
        if not _valid_date(digits[:6]):
            continue
        if len(digits) == DIGITS:
            pair = (PREFIX + digits, PREFIX + digits)
        elif len(digits) >= MIN_CUT_DIGITS and match.end() == len(text):
            missing = DIGITS - len(digits)
            pair = (PREFIX + digits + '0' * missing,
                PREFIX + digits + '9' * missing)
        else:
            continue
        if pair not in found:
            found.append(pair)
        position = match.end()
    return found
