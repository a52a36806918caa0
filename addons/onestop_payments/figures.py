# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Figures for the leaders: amounts collected and the cashless rate by
commune, month, method and procedure, computed by the database"""
from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import NullIf
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .payment import PROCESS_METHODS


class FigureContext(ModelView):
    "Payment Figures Context"
    __name__ = 'onestop.payment.figure.context'
    __string__ = "Payment Figures Context"

    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")


def collections():
    """The succeeded collections (receivable payments of dossiers) in the
    context's period: (payment, journal, dossier) tables and the condition"""
    pool = Pool()
    payment = pool.get('account.payment').__table__()
    journal = pool.get('account.payment.journal').__table__()
    dossier = pool.get('onestop.dossier').__table__()
    context = Transaction().context
    where = ((payment.state == 'succeeded')
        & (payment.kind == 'receivable')
        & (payment.dossier != Null))
    if context.get('from_date'):
        where &= payment.date >= context['from_date']
    if context.get('to_date'):
        where &= payment.date <= context['to_date']
    tables = (payment
        .join(journal, condition=journal.id == payment.journal)
        .join(dossier, condition=dossier.id == payment.dossier))
    return tables, payment, journal, dossier, where


class Figure(ModelSQL, ModelView):
    "Payment Figures"
    __name__ = 'onestop.payment.figure'
    __string__ = "Payment Figures"

    company = fields.Many2One('company.company', "Commune")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    method = fields.Selection(PROCESS_METHODS, "Method")
    procedure = fields.Many2One('onestop.procedure', "Procedure")
    payments = fields.Integer("Payments")
    dossiers = fields.Integer("Dossiers")
    amount = fields.Numeric("Amount", digits=(16, 0))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        tables, payment, journal, dossier, where = collections()
        year = Extract('YEAR', payment.date)
        month = Extract('MONTH', payment.date)
        return tables.select(
            Min(payment.id).as_('id'),
            payment.company.as_('company'),
            year.as_('year'), month.as_('month'),
            journal.process_method.as_('method'),
            dossier.procedure.as_('procedure'),
            Count(payment.id).as_('payments'),
            Count(payment.dossier, distinct=True).as_('dossiers'),
            Sum(payment.amount).as_('amount'),
            where=where,
            group_by=[payment.company, year, month,
                journal.process_method, dossier.procedure])


class CashlessRate(ModelSQL, ModelView):
    "Cashless Rate"
    __name__ = 'onestop.payment.cashless'
    __string__ = "Cashless Rate"

    company = fields.Many2One('company.company', "Commune")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    payments = fields.Integer("Payments")
    cashless_payments = fields.Integer("Cashless Payments")
    rate = fields.Float("Cashless Rate (%)", digits=(5, 2),
        help="Share of the payments made without cash.")
    amount = fields.Numeric("Amount", digits=(16, 0))
    cashless_amount = fields.Numeric("Cashless Amount", digits=(16, 0))
    amount_rate = fields.Float("Cashless Amount Rate (%)", digits=(5, 2),
        help="Share of the amount collected without cash.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        tables, payment, journal, dossier, where = collections()
        year = Extract('YEAR', payment.date)
        month = Extract('MONTH', payment.date)
        cashless = journal.process_method != 'cash'
        count = Count(payment.id)
        cashless_count = Count(payment.id, filter_=cashless)
        amount = Sum(payment.amount)
        cashless_amount = Sum(payment.amount, filter_=cashless)
        hundred = Literal(100.0)
        return tables.select(
            Min(payment.id).as_('id'),
            payment.company.as_('company'),
            year.as_('year'), month.as_('month'),
            count.as_('payments'),
            cashless_count.as_('cashless_payments'),
            (cashless_count * hundred / NullIf(count, 0)).as_('rate'),
            amount.as_('amount'),
            cashless_amount.as_('cashless_amount'),
            (cashless_amount * hundred / NullIf(amount, 0)).as_(
                'amount_rate'),
            where=where,
            group_by=[payment.company, year, month])
