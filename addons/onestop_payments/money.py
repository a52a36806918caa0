# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Amounts of đồng as receipts write them: in words and in figures

Receipts (biên lai) write the amount twice, "1.250.000 đ" and "Một triệu
hai trăm năm mươi nghìn đồng".  Pure functions, no Tryton import.
"""
from decimal import Decimal

from num2words import num2words

__all__ = ['amount_in_words', 'format_vnd']

# Vietnamese counts in groups of three digits, and after tỷ starts again:
# nghìn tỷ (10^12), triệu tỷ (10^15), tỷ tỷ (10^18).
_GROUPS = ('', 'nghìn', 'triệu')
_BILLION = 10 ** 9


def _whole(amount):
    # Decimal is accepted because Tryton's Numeric fields hold Decimal; a
    # fraction of a đồng is refused rather than rounded away.
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount
    if (isinstance(amount, Decimal) and amount.is_finite()
            and amount == amount.to_integral_value()):
        return int(amount)
    raise ValueError(f"An amount of VND is a whole number, not {amount!r}.")


def _hundreds(number, leading):
    """Return the words of 1 <= number <= 999

    Receipts read every group but the first as three digits, "không trăm"
    included, so 1.001 is "một nghìn không trăm linh một" and never the
    ambiguous "một nghìn lẻ một" (num2words) which reads like 1.100.
    """
    if number < 100 and not leading:
        words = 'không trăm ' + ('linh ' if number < 10 else '')
        words += num2words(number, lang='vi')
    else:
        words = num2words(number, lang='vi')
    words = words.split()
    for index, word in enumerate(words):
        # num2words writes the southern "lẻ" (101 = một trăm lẻ một):
        # official texts use "linh".
        if word == 'lẻ':
            words[index] = 'linh'
        # 4 after "mươi" is read "tư" (24 = hai mươi tư), as on receipts.
        elif word == 'bốn' and index and words[index - 1] == 'mươi':
            words[index] = 'tư'
    return words


def _words(amount, leading):
    # num2words reads big numbers through a float (wrong digits above
    # 2^53) and has no Vietnamese words past 10^15: group by tỷ here and
    # give num2words only numbers below 1000.
    words = []
    if amount >= _BILLION:
        billions, amount = divmod(amount, _BILLION)
        words += _words(billions, leading) + ['tỷ']
        leading = False
    groups = [amount // 10 ** 6, amount // 1000 % 1000, amount % 1000]
    for group, name in zip(groups, reversed(_GROUPS)):
        if group:
            words += _hundreds(group, leading)
            if name:
                words.append(name)
            leading = False
    return words


def amount_in_words(amount: int) -> str:
    """Return amount (whole VND) in Vietnamese words, as on a receipt

    1250000 gives "Một triệu hai trăm năm mươi nghìn đồng", 0 gives
    "Không đồng".  Raise ValueError for a negative or fractional amount.
    """
    amount = _whole(amount)
    if amount < 0:
        raise ValueError(f"An amount to write in words cannot be negative: "
            f"{amount}.")
    words = ' '.join(_words(amount, True)) if amount else 'không'
    return f'{words[0].upper()}{words[1:]} đồng'


def format_vnd(amount: int) -> str:
    """Return amount (whole VND) in figures: 1250000 gives "1.250.000 đ"

    Negative amounts (refunds, differences) keep their sign.  Raise
    ValueError for a fractional amount.
    """
    return f'{_whole(amount):,} đ'.replace(',', '.')
