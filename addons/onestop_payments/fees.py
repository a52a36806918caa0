# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Fee amounts: the unit rules and reductions, on plain values

Pure functions (no Tryton import) shared by the fee lines, the portal and
the tests.  Amounts are whole đồng (int or a whole Decimal).
"""
from decimal import ROUND_HALF_UP, Decimal

__all__ = ['UNITS', 'fee_amount', 'reduced_amount', 'whole_vnd']

# per dossier (case), per copy, per page of the original (certified copy
# formula), per person (registration by list)
UNITS = ('dossier', 'copy', 'page', 'person')
# TT 226/2016/TT-BTC: certified copy from the original, 2 000 đ per page
# for pages 1-2, 1 000 đ from page 3, at most 200 000 đ per copy
CERTIFIED_COPY = {
    'amount': 2000, 'first_pages': 2, 'next_amount': 1000, 'cap': 200000}


def whole_vnd(value, name='amount'):
    """Return value as an int of đồng; raise ValueError for a negative or
    fractional value (a fraction of a đồng is never rounded away)"""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"The {name} must be a whole number of VND, "
            f"not {value!r}.")
    if isinstance(value, int):
        number = value
    elif (isinstance(value, Decimal) and value.is_finite()
            and value == value.to_integral_value()):
        number = int(value)
    else:
        raise ValueError(f"The {name} must be a whole number of VND, "
            f"not {value!r}.")
    if number < 0:
        raise ValueError(f"The {name} cannot be negative: {number}.")
    return number


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"The {name} must be a whole number, not {value!r}.")
    return value


def fee_amount(unit, amount, quantity=1, pages=0, first_pages=None,
        next_amount=None, cap=None):
    """Return the amount of a fee line before any reduction

    dossier: amount once, whatever the quantity.
    copy, person: amount x quantity.
    page: the certified-copy formula, per copy of a document of `pages`
    pages: `amount` for each of the `first_pages` first pages,
    `next_amount` for each further page, at most `cap` per copy; x
    quantity copies.
    """
    if unit not in UNITS:
        raise ValueError(f"Unknown fee unit {unit!r}.")
    amount = whole_vnd(amount)
    quantity = _count(quantity, 'quantity')
    if unit == 'dossier':
        return amount
    if unit in {'copy', 'person'}:
        return amount * quantity
    pages = _count(pages or 0, 'number of pages')
    first_pages = _count(
        first_pages if first_pages is not None else pages, 'first pages')
    next_amount = (whole_vnd(next_amount, 'amount per further page')
        if next_amount is not None else amount)
    per_copy = (amount * min(pages, first_pages)
        + next_amount * max(pages - first_pages, 0))
    if cap:
        per_copy = min(per_copy, whole_vnd(cap, 'cap'))
    return per_copy * quantity


def reduced_amount(amount, rate):
    """Return amount after a reduction of rate percent (100: exempt),
    rounded half up to the đồng"""
    amount = whole_vnd(amount)
    rate = Decimal(rate or 0)
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValueError(f"A reduction rate is between 0 and 100, not {rate}.")
    reduction = (amount * rate / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return amount - int(reduction)
