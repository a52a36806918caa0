# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Fees of a dossier, what was paid and refunded, the payment state, the
VietQR code, and the payment rules of returning and refusing a result"""
from decimal import Decimal

from sql import Cast, Literal, Null, Query
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Function
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from onestop_procedures.dossier import CLOSED_STATES, utc_now
from onestop_procedures.slip import VietnameseReport

from . import qr
from .money import amount_in_words, format_vnd
from .reference import PREFIX, payment_reference

PAYMENT_STATES = [
    ('none', "Nothing Due"),
    ('to_pay', "To Pay"),
    ('partial', "Partly Paid"),
    ('paid', "Paid"),
    ('refunding', "Refund Pending"),
    ('refunded', "Refunded"),
    ]
NOTHING_DUE = ['refused', 'withdrawn', 'stopped']
# VietQR purpose (62.08, 25 characters at most): the reference first
PURPOSE = '{reference} LE PHI'


class Substr(Function):
    __slots__ = ()
    _function = 'SUBSTR'


class Length(Function):
    __slots__ = ()
    _function = 'LENGTH'


class Dossier(metaclass=PoolMeta):
    __name__ = 'onestop.dossier'

    fees = fields.One2Many('onestop.dossier.fee', 'dossier', "Fees",
        states={'readonly': Eval('state') != 'draft'})
    payment_reference = fields.Char("Payment Reference", readonly=True,
        help="What the transfer description must contain: the receipt "
        "date and the daily number of the code.")
    fee_total = fields.Function(fields.Numeric("Total Fees",
            digits=(16, 0)), 'get_payment_amounts')
    amount_paid = fields.Function(fields.Numeric("Amount Paid",
            digits=(16, 0)), 'get_payment_amounts')
    amount_to_pay = fields.Function(fields.Numeric("Amount to Pay",
            digits=(16, 0)), 'get_payment_amounts')
    payment_state = fields.Function(fields.Selection(
            PAYMENT_STATES, "Payment State"),
        'get_payment_amounts', searcher='search_payment_state')
    payments = fields.One2Many(
        'account.payment', 'dossier', "Payments", readonly=True)
    receipts = fields.One2Many(
        'onestop.receipt', 'dossier', "E-Receipts", readonly=True)
    vietqr_payload = fields.Function(
        fields.Char("VietQR Payload"), 'get_vietqr_payload')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()),
                (t.payment_reference, Index.Range())))
        unpaid = Eval('payment_state').in_(['to_pay', 'partial'])
        cls._buttons.update({
                'compute_fees': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh', 'depends': ['state']},
                'pay_cash': {
                    'invisible': ~unpaid | Eval('state').in_(CLOSED_STATES),
                    'icon': 'tryton-ok',
                    'depends': ['payment_state', 'state']},
                'pay_refunds': {
                    'invisible': Eval('payment_state') != 'refunding',
                    'icon': 'tryton-ok', 'depends': ['payment_state']},
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls.fill_payment_references()

    @classmethod
    def fill_payment_references(cls):
        """The payment reference of the dossiers that have none (received
        before the module was activated), in one statement"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        length = Length(table.code)
        cursor.execute(*table.update([table.payment_reference], [
                    Concat(Concat(Literal(PREFIX),
                            Substr(table.code, length - 10, 6)),
                        Substr(table.code, length - 3, 4))],
                where=(table.payment_reference == Null)
                & table.code.like('%-______-____')))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('code') and not values.get('payment_reference'):
            values['payment_reference'] = payment_reference(values['code'])
        return values

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default is not None else {}
        for name in ['payment_reference', 'payments', 'receipts']:
            default.setdefault(name)
        return super().copy(dossiers, default=default)

    # Fees

    def fee_date(self):
        "The day whose fee schedule applies: the submission, local time"
        return self.local(self.submitted_at or utc_now()).date()

    def fee_lines(self):
        "New fee lines from the procedure's schedule, exemptions applied"
        Line = Pool().get('onestop.dossier.fee')
        if not self.procedure:
            return []
        date = self.fee_date() if self.company else None
        if date is None:
            date = Pool().get('ir.date').today()
        lines = []
        for fee in self.procedure.fees_at(date, self.channel):
            line = Line(fee=fee, quantity=1,
                pages=1 if fee.unit == 'page' else None, exemption=None,
                exemption_evidence=None, exemption_accepted_by=None)
            line.on_change_fee()
            line.apply_exemption(self.applicant, date)
            lines.append(line)
        return lines

    @fields.depends('procedure', 'channel', 'applicant', 'company',
        'submitted_at', 'fees')
    def on_change_procedure(self):
        super().on_change_procedure()
        self.fees = self.fee_lines()

    @fields.depends('procedure', 'channel', 'applicant', 'company',
        'submitted_at', 'fees')
    def on_change_channel(self):
        self.fees = self.fee_lines()

    @fields.depends('applicant', 'fees', 'company', 'submitted_at')
    def on_change_applicant(self):
        super().on_change_applicant()
        date = self.fee_date() if self.company else None
        for line in self.fees or []:
            line.apply_exemption(self.applicant, date)
        self.fees = self.fees

    def fee_content(self):
        "What was paid for, as an e-receipt writes it"
        names = [line.name for line in self.fees if line.amount]
        return (f'{self.procedure.name} ({self.code}): '
            + '; '.join(names or [line.name for line in self.fees]))

    @classmethod
    @ModelView.button
    def compute_fees(cls, dossiers):
        "Fill the fee lines again from the procedure's schedule"
        Line = Pool().get('onestop.dossier.fee')
        Line.delete([l for d in dossiers if d.state == 'draft'
                for l in d.fees])
        lines = []
        for dossier in dossiers:
            if dossier.state != 'draft':
                continue
            for line in dossier.fee_lines():
                line.dossier = dossier
                lines.append(line)
        Line.save(lines)

    # Amounts and state, in SQL so that lists, searches and the matching
    # of bank lines share one rule

    @classmethod
    def payment_amounts_query(cls, dossier_ids=None):
        """A query of the id, total, paid, to_pay and state of dossiers
        (all, or those of dossier_ids)

        paid is what was collected net of refunds; the state is the
        payment state of PAYMENT_STATES."""
        pool = Pool()
        Line = pool.get('onestop.dossier.fee')
        Payment = pool.get('account.payment')
        dossier = cls.__table__()
        line = Line.__table__()
        payment = Payment.__table__()
        line_where = payment_where = where = Literal(True)
        if dossier_ids is not None:
            line_where = _in(line.dossier, dossier_ids)
            payment_where = _in(payment.dossier, dossier_ids)
            where = _in(dossier.id, dossier_ids)
        totals = line.select(line.dossier.as_('dossier'),
            Sum(fee_amount(line)).as_('total'),
            where=line_where, group_by=[line.dossier])
        succeeded = payment.state == 'succeeded'
        refund = payment.kind == 'payable'
        payments = payment.select(payment.dossier.as_('dossier'),
            Sum(paid_amount(payment), filter_=succeeded).as_('paid'),
            Sum(Cast(payment.amount, 'NUMERIC'),
                filter_=succeeded & refund).as_('refunded'),
            Count(payment.id,
                filter_=refund & ~payment.state.in_(['succeeded', 'failed'])
                ).as_('refunding'),
            where=payment_where & (payment.dossier != Null),
            group_by=[payment.dossier])
        total = Coalesce(totals.total, 0)
        due = due_amount(total, dossier.state.in_(NOTHING_DUE))
        paid = Coalesce(payments.paid, 0)
        state = Case(
            (Coalesce(payments.refunding, 0) > 0, 'refunding'),
            ((Coalesce(payments.refunded, 0) > 0) & (paid <= 0), 'refunded'),
            ((paid > 0) & (paid >= due), 'paid'),
            (due <= 0, 'none'),
            (paid <= 0, 'to_pay'),
            else_='partial')
        return (dossier
            .join(totals, 'LEFT', condition=totals.dossier == dossier.id)
            .join(payments, 'LEFT', condition=payments.dossier == dossier.id)
            .select(dossier.id.as_('id'), total.as_('total'),
                paid.as_('paid'), to_pay_amount(due, paid).as_('to_pay'),
                state.as_('state'), where=where))

    @classmethod
    def fee_total_column(cls, dossier_id):
        "The total of the fees of the dossier dossier_id (a subquery)"
        line = Pool().get('onestop.dossier.fee').__table__()
        return line.select(Coalesce(Sum(fee_amount(line)), 0),
            where=line.dossier == dossier_id)

    @classmethod
    def amount_paid_column(cls, dossier_id):
        "What was paid for the dossier dossier_id net of refunds (a subquery)"
        payment = Pool().get('account.payment').__table__()
        return payment.select(Coalesce(Sum(paid_amount(payment)), 0),
            where=(payment.dossier == dossier_id)
            & (payment.state == 'succeeded'))

    @classmethod
    def touch_payments(cls, dossier_ids):
        """Serialise the payments of these dossiers across transactions

        Each transaction recording payments writes the dossiers' lock rows:
        a concurrent one writing one of them fails and is retried, and then
        sees the payment recorded (PostgreSQL, repeatable read), so two
        transfers are never both matched to one amount."""
        Pool().get('onestop.dossier.payment_lock').touch(dossier_ids)

    @classmethod
    def get_payment_amounts(cls, dossiers, names):
        cursor = Transaction().connection.cursor()
        columns = {'fee_total': 'total', 'amount_paid': 'paid',
            'amount_to_pay': 'to_pay', 'payment_state': 'state'}
        result = {name: {d.id: None for d in dossiers} for name in names}
        ids = [d.id for d in dossiers if d.id is not None and d.id >= 0]
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS // 3):
            query = cls.payment_amounts_query(list(sub_ids))
            cursor.execute(*query)
            for id_, total, paid, to_pay, state in cursor:
                values = {'total': _whole(total), 'paid': _whole(paid),
                    'to_pay': _whole(to_pay), 'state': state}
                for name in names:
                    result[name][id_] = values[columns[name]]
        return result

    @classmethod
    def search_payment_state(cls, name, clause):
        _, operator, value = clause
        query = cls.payment_amounts_query()
        states = query.select(query.id,
            where=fields.SQL_OPERATORS[operator](query.state, value))
        return [('id', 'in', states)]

    # VietQR

    def vietqr(self, amount=None):
        "The VietQR payload of a transfer of amount for this dossier"
        if not self.payment_reference or not amount:
            return None
        reference = self.payment_reference
        return self.company.vietqr_payload(int(amount),
            PURPOSE.format(reference=reference), bill=reference)

    def get_vietqr_payload(self, name):
        return self.vietqr(self.amount_to_pay)

    def vietqr_image(self, size='3cm'):
        "The QR code of the amount to pay, as relatorio places it"
        payload = self.vietqr_payload
        if not payload:
            return (qr.BLANK, 'image/png', '0.1cm', '0.1cm')
        return (qr.png(payload), 'image/png', size, size)

    def payment_data(self):
        "What the portal and the API show of what is due"
        return {
            'amount_due': int(self.amount_to_pay or 0),
            'amount_paid': int(max(self.amount_paid or 0, 0)),
            'currency': 'VND',
            'vietqr': self.vietqr_payload,
            }

    # Payments

    def new_payment(self, journal, amount, kind='receivable', origin=None):
        Payment = Pool().get('account.payment')
        return Payment(company=self.company, journal=journal, kind=kind,
            party=self.applicant, amount=amount, dossier=self,
            date=self.local(utc_now()).date(), origin=origin,
            reference=self.payment_reference)

    @classmethod
    def expect_transfers(cls, dossiers):
        """Open a processing VietQR payment for the amount to pay: the QR
        printed for the citizen, succeeded when the bank line comes"""
        pool = Pool()
        Journal = pool.get('account.payment.journal')
        Payment = pool.get('account.payment')
        payments = []
        for dossier in dossiers:
            journal = Journal.get_default(dossier.company, 'vietqr')
            if (not journal or not dossier.amount_to_pay
                    or any(p.state == 'processing' and p.kind == 'receivable'
                        for p in dossier.payments)):
                continue
            payments.append(dossier.new_payment(
                    journal, dossier.amount_to_pay))
        Payment.save(payments)
        Payment.submit(payments)
        Payment.process(payments)
        return payments

    @classmethod
    @ModelView.button
    def pay_cash(cls, dossiers):
        "The applicant pays the amount to pay in cash at the counter"
        pool = Pool()
        Journal = pool.get('account.payment.journal')
        Payment = pool.get('account.payment')
        payments, replaced = [], []
        for dossier in dossiers:
            if not dossier.amount_to_pay:
                continue
            journal = Journal.get_default(dossier.company, 'cash')
            if not journal:
                raise ValidationError(gettext(
                        'onestop_payments.msg_no_journal',
                        company=dossier.company.rec_name,
                        method=gettext('onestop_payments.msg_method_cash')))
            payments.append(dossier.new_payment(
                    journal, dossier.amount_to_pay))
            replaced.extend(p for p in dossier.payments
                if p.state == 'processing' and p.kind == 'receivable')
        Payment.fail(replaced)
        Payment.save(payments)
        Payment.settle(payments)
        cls.notify_paid([p.dossier for p in payments])

    @classmethod
    def notify_paid(cls, dossiers):
        "Tell the officer who received each dossier that it is paid"
        for dossier in dossiers:
            user = dossier.receiving_user()
            if user:
                cls.notify_user([dossier], 'tryton-ok',
                    gettext('onestop_payments.msg_dossier_paid',
                        dossier=dossier.rec_name),
                    user=user.id)

    def receiving_user(self):
        for log in self.logs:
            if log.action == 'receive' and log.user:
                return log.user
        return self.create_uid

    @classmethod
    @ModelView.button
    def pay_refunds(cls, dossiers):
        "The accountant paid the refunds back to the applicant"
        Payment = Pool().get('account.payment')
        Payment.settle([p for d in dossiers for p in d.payments
                if p.kind == 'payable'
                and p.state not in {'succeeded', 'failed'}])

    @classmethod
    def refund(cls, dossiers):
        """Refund what was paid, one refund per payment; payments still
        waiting for the citizen are dropped"""
        Payment = Pool().get('account.payment')
        refunds, dropped = [], []
        for dossier in dossiers:
            refunded = sum(p.amount for p in dossier.payments
                if p.kind == 'payable' and p.state != 'failed')
            for payment in dossier.payments:
                if payment.kind != 'receivable':
                    continue
                if payment.state == 'processing':
                    dropped.append(payment)
                elif payment.state == 'succeeded':
                    amount = payment.amount - min(refunded, payment.amount)
                    refunded -= payment.amount - amount
                    if amount:
                        refunds.append(dossier.new_payment(payment.journal,
                                amount, kind='payable', origin=payment))
        Payment.fail(dropped)
        Payment.save(refunds)
        Payment.submit(refunds)
        return refunds

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    def receive(cls, dossiers):
        pool = Pool()
        Line = pool.get('onestop.dossier.fee')
        User = pool.get('res.user')
        user = User(Transaction().user)
        lines = []
        for dossier in dossiers:
            if not dossier.fees:
                for line in dossier.fee_lines():
                    line.dossier = dossier
                    lines.append(line)
        Line.save(lines)
        accepted = []
        for dossier in dossiers:
            for line in dossier.fees:
                if line.exemption and not line.exemption_evidence:
                    raise ValidationError(gettext(
                            'onestop_payments.msg_exemption_evidence',
                            dossier=dossier.rec_name, fee=line.name,
                            exemption=line.exemption.rec_name))
                if line.exemption and not line.exemption_accepted_by:
                    accepted.append(line)
        if accepted:
            Line.write(accepted, {'exemption_accepted_by': user.id})
        super().receive(dossiers)
        cls.expect_transfers(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_result(cls, dossiers):
        for dossier in dossiers:
            if (dossier.procedure.payment_before_return
                    and dossier.payment_state in {'to_pay', 'partial'}):
                raise ValidationError(gettext(
                        'onestop_payments.msg_dossier_unpaid',
                        dossier=dossier.rec_name,
                        amount=dossier.amount_to_pay))
        super().return_result(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, dossiers):
        super().refuse(dossiers)
        cls.refund(dossiers)


def fee_amount(line):
    # SQLite keeps Numeric values as text
    return Cast(line.amount, 'NUMERIC')


def paid_amount(payment):
    "A payment's amount as collected: refunds count negative"
    amount = Cast(payment.amount, 'NUMERIC')
    return Case((payment.kind == 'payable', -amount), else_=amount)


def due_amount(total, closed):
    "Nothing is due on a refused, withdrawn or stopped dossier (closed)"
    return Case((closed, 0), else_=total)


def to_pay_amount(due, paid):
    return Case((due > paid, due - paid), else_=0)


def _in(column, ids):
    "column IN a list of ids or a query"
    if isinstance(ids, Query):
        return column.in_(ids)
    return fields.SQL_OPERATORS['in'](column, ids)


def _whole(value):
    return Decimal(str(value or 0)).quantize(Decimal(1))


class PaymentNotice(VietnameseReport):
    "Fee Notice"
    __name__ = 'onestop.dossier.payment_notice'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['format_vnd'] = format_vnd
        context['amount_in_words'] = amount_in_words
        return context


class PaymentLock(ModelSQL):
    "Dossier Payment Lock"
    __name__ = 'onestop.dossier.payment_lock'
    __string__ = "Dossier Payment Lock"

    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        ondelete='CASCADE')
    counter = fields.Integer("Counter", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('dossier_unique', Unique(t, t.dossier),
                'onestop_payments.msg_payment_lock_unique'),
            ]

    @classmethod
    def touch(cls, dossier_ids):
        """Write the lock row of each dossier (a list of ids or a query of
        one column): narrow rows, cheaper to write than the dossiers"""
        dossier = Pool().get('onestop.dossier').__table__()
        if isinstance(dossier_ids, Query):
            where = dossier.id.in_(dossier_ids)
        elif dossier_ids:
            where = fields.SQL_OPERATORS['in'](dossier.id, dossier_ids)
        else:
            return
        select, params = tuple(dossier.select(dossier.id, where=where))
        # written by hand: python-sql has no ON CONFLICT ... DO UPDATE
        table = cls._table
        cursor = Transaction().connection.cursor()
        cursor.execute(
            f'INSERT INTO "{table}" (dossier, counter, create_uid, '
            f'create_date) SELECT a.id, 1, 0, CURRENT_TIMESTAMP '
            f'FROM ({select}) AS a WHERE true '
            f'ON CONFLICT (dossier) DO UPDATE '
            f'SET counter = "{table}".counter + 1', params)
