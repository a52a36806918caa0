# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Group 3b of the Decision 766 index, online payment (10 points), in the
commune's scorecard (domain reference §2.2). Paid online means paid
without cash: a succeeded collection (figures.collections) through a
journal other than cash (VietQR, e-wallet), as the cashless rate counts.

- 3.5a fee-bearing procedures payable online / fee-bearing procedures,
  2 points at 80 %. The index counts the procedures whose fees are offered
  on the national portal's payment platform; the product is not connected
  to it, so it counts those the commune's citizens can pay without cash:
  every one when the commune has an active journal other than cash (our
  choice).
- 3.5b fee-bearing procedures with a payment without cash in the period /
  fee-bearing procedures, 2 points at 80 %.
- 3.6 dossiers paid online / dossiers with fees to pay, 6 points at
  100 %: the dossiers received in the period (withdrawn and stopped left
  out as in the statistics, nothing due on a refused one) whose fees after
  exemptions are above zero; paid online when at least one of their
  payments was made without cash, whenever it was made (our choice).

Fee-bearing procedures: in force at the end of the period with a fee in
force then above zero, counted by code. The points of 3.5a and 3.5b stop
at their 2 points, min(2, 2.5 × ratio): the reference observed it for
3.5b and assumes it, unverified, for 3.5a. Without a fee-bearing
procedure 3.5a and 3.5b give no points, like the catalogue indicators of
the procedures; without a dossier to pay 3.6 gives its full points, like
the dossier indicators (both our choice: the reference is silent)."""
from sql import Literal, Null
from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from onestop_procedures.scorecard import (
    Indicator, missed_cell, procedures_in_force)
from onestop_procedures.statistics import (
    DOSSIER_CELLS, counted, period_bounds)

from .dossier import NOTHING_DUE, fee_amount
from .figures import collections

# group 3b: 2 + 2 + 6 points; 3.5a and 3.5b reach theirs at 80 %
POINTS = {'3.5a': 2, '3.5b': 2, '3.6': 6}
TARGET_3_5 = 0.8


def paid_without_cash(from_date=None, to_date=None):
    """The collections without cash paid from from_date to to_date (every
    date when not given): figures.collections' tables, payment, journal and
    dossier tables and its condition"""
    with Transaction().set_context(from_date=from_date, to_date=to_date):
        tables, payment, journal, dossier, where = collections()
    return tables, payment, journal, dossier, where & (
        journal.process_method != 'cash')


def payment_conditions(d, start, end):
    """Indicator 3.6 on the dossier table d, received in [start, end) (UTC):
    the dossiers with fees to pay, those paid online and the others"""
    pool = Pool()
    line = pool.get('onestop.dossier.fee').__table__()
    dossier = pool.get('onestop.dossier').__table__()
    tables, payment, _, paid, where = paid_without_cash()
    in_period = (dossier.received_at >= start) & (dossier.received_at < end)
    fees = line.join(dossier, condition=dossier.id == line.dossier).select(
        line.dossier, where=in_period, group_by=[line.dossier],
        having=Sum(fee_amount(line)) > 0)
    online = tables.select(payment.dossier,
        where=where & (paid.received_at >= start) & (paid.received_at < end))
    to_pay = (counted(d) & (d.received_at >= start) & (d.received_at < end)
        & ~d.state.in_(NOTHING_DUE) & d.id.in_(fees))
    return {
        'to_pay': to_pay,
        'paid_online': to_pay & d.id.in_(online),
        'not_paid_online': to_pay & ~d.id.in_(online),
        }


def fee_procedure_codes(date):
    """A query of the codes of the procedures in force on date with a fee
    in force then above zero"""
    pool = Pool()
    p = pool.get('onestop.procedure').__table__()
    fee = pool.get('onestop.procedure.fee').__table__()
    return p.join(fee, condition=fee.procedure == p.id).select(p.code,
        where=procedures_in_force(p, date) & (fee.start_date <= date)
        & ((fee.end_date == Null) | (fee.end_date > date))
        & (fee_amount(fee) > 0))


# the drill-down of the dossiers that cost points (Dossier.statistics_cell)
DOSSIER_CELLS['index_not_paid_online'] = (
    lambda d, start, end: payment_conditions(d, start, end)['not_paid_online'])


class Scorecard(metaclass=PoolMeta):
    __name__ = 'onestop.scorecard'

    @classmethod
    def indicators(cls, companies, from_date, to_date):
        indicators = super().indicators(companies, from_date, to_date)

        def _(name):
            return gettext(f'onestop_payments.msg_indicator_{name}')
        offered = Indicator('3.5a', '3b', _('3_5a'), POINTS['3.5a'],
            target=TARGET_3_5, empty='zero')
        used = Indicator('3.5b', '3b', _('3_5b'), POINTS['3.5b'],
            target=TARGET_3_5, empty='zero')
        paid = Indicator('3.6', '3b', _('3_6'), POINTS['3.6'],
            missed=missed_cell('index_not_paid_online', from_date, to_date))
        if companies:
            procedures = cls._fee_procedure_counts(
                companies, from_date, to_date)
            dossiers = cls._paid_online_counts(companies, from_date, to_date)
            for company in companies:
                total, offering, paid_procedures = procedures.get(
                    company, (0, False, 0))
                offered.set(company, total if offering else 0, total)
                used.set(company, paid_procedures, total)
                paid.set(company, *dossiers.get(company, (0, 0)))
        return indicators + [offered, used, paid]

    @classmethod
    def _fee_procedure_counts(cls, companies, from_date, to_date):
        """{commune: (fee-bearing procedures, whether the commune offers a
        payment without cash, fee-bearing procedures paid without cash in
        the period)}, in one query"""
        pool = Pool()
        Company = pool.get('company.company')
        c = Company.__table__()
        j = pool.get('account.payment.journal').__table__()
        p = pool.get('onestop.procedure').__table__()
        codes = fee_procedure_codes(to_date)
        tables, _, _, dossier, where = paid_without_cash(from_date, to_date)
        used = tables.join(p, condition=p.id == dossier.procedure).select(
            Count(p.code, distinct=True),
            where=where & (dossier.company == c.id) & p.code.in_(codes))
        offering = j.select(Count(j.id),
            where=(j.company == c.id) & (j.active == Literal(True))
            & (j.process_method != 'cash'))
        total = codes.select(Count(codes.code, distinct=True))
        cursor = Transaction().connection.cursor()
        cursor.execute(*c.select(c.id, total, offering, used,
                where=c.id.in_(list(companies))))
        return {company: (total or 0, bool(offering), used or 0)
            for company, total, offering, used in cursor}

    @classmethod
    def _paid_online_counts(cls, companies, from_date, to_date):
        """{commune: (dossiers paid online, dossiers with fees to pay)} of
        the dossiers received in the period, in one query"""
        d = Pool().get('onestop.dossier').__table__()
        start, end = period_bounds(from_date, to_date)
        conditions = payment_conditions(d, start, end)
        cursor = Transaction().connection.cursor()
        cursor.execute(*d.select(d.company,
                Count(d.id, filter_=conditions['paid_online']),
                Count(d.id),
                where=d.company.in_(list(companies)) & conditions['to_pay'],
                group_by=[d.company]))
        return {company: (paid, to_pay) for company, paid, to_pay in cursor}
