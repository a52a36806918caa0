# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""E-receipts (biên lai điện tử) of the fees collected: series and a number
without gaps, payer, content, amount in figures and in words, method"""
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from onestop_procedures.slip import VietnameseReport

from . import qr
from .money import amount_in_words, format_vnd
from .payment import PROCESS_METHODS

DEFAULT_SERIES = 'BL'


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Payment Configuration"
    __name__ = 'onestop.payment.configuration'
    __string__ = "Payment Configuration"

    receipt_series = fields.MultiValue(fields.Char("E-Receipt Series",
            help="Printed before the number (ký hiệu biên lai)."))
    receipt_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence.strict', "E-Receipt Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('onestop_payments', 'sequence_type_receipt')),
                ]))

    @classmethod
    def multivalue_model(cls, field):
        if field in {'receipt_series', 'receipt_sequence'}:
            return Pool().get('onestop.payment.configuration.receipt')
        return super().multivalue_model(field)

    @classmethod
    def default_receipt_series(cls, **pattern):
        return DEFAULT_SERIES

    @classmethod
    def default_receipt_sequence(cls, **pattern):
        return cls.multivalue_model(
            'receipt_sequence').default_receipt_sequence()


class ConfigurationReceipt(ModelSQL, CompanyValueMixin):
    "Payment Configuration E-Receipt"
    __name__ = 'onestop.payment.configuration.receipt'
    __string__ = "Payment Configuration E-Receipt"

    receipt_series = fields.Char("E-Receipt Series")
    receipt_sequence = fields.Many2One(
        'ir.sequence.strict', "E-Receipt Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('onestop_payments', 'sequence_type_receipt')),
            ])

    @classmethod
    def default_receipt_series(cls):
        return DEFAULT_SERIES

    @classmethod
    def default_receipt_sequence(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'onestop_payments', 'sequence_receipt')
        except KeyError:
            return None


class Receipt(ModelSQL, ModelView):
    "E-Receipt"
    __name__ = 'onestop.receipt'
    __string__ = "E-Receipt"

    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True)
    series = fields.Char("Series", readonly=True)
    number = fields.Char("Number", required=True, readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        readonly=True, ondelete='RESTRICT')
    payment = fields.Many2One('account.payment', "Payment", required=True,
        readonly=True, ondelete='RESTRICT')
    payer_name = fields.Char("Payer", required=True, readonly=True)
    payer_address = fields.Char("Address", readonly=True)
    content = fields.Text("Content", required=True, readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 0), required=True,
        readonly=True)
    amount_text = fields.Function(fields.Char("Amount"), 'get_amount_text')
    amount_in_words = fields.Function(
        fields.Char("Amount in Words"), 'get_amount_text')
    method = fields.Selection(PROCESS_METHODS, "Method", required=True,
        readonly=True)
    method_string = method.translated('method')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.company, t.series, t.number),
                'onestop_payments.msg_receipt_number_unique'),
            ('payment_unique', Unique(t, t.payment),
                'onestop_payments.msg_receipt_payment_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.number, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.series} {self.number}' if self.series else self.number

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op, ('number', *clause[1:]), ('series', *clause[1:])]

    def get_amount_text(self, name):
        if self.amount is None:
            return None
        if name == 'amount_in_words':
            return amount_in_words(self.amount)
        return format_vnd(self.amount)

    @classmethod
    def issue(cls, payments):
        "Number an e-receipt for each payment that has none yet"
        pool = Pool()
        Configuration = pool.get('onestop.payment.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        receipts = []
        for payment in payments:
            if payment.receipts:
                continue
            company = payment.company
            dossier = payment.dossier
            with Transaction().set_context(company=company.id):
                sequence = config.get_multivalue(
                    'receipt_sequence', company=company.id)
                series = config.get_multivalue(
                    'receipt_series', company=company.id)
                today = Date.today()
                number = sequence.get()
            receipts.append(cls(company=company, series=series,
                    number=number, date=today, dossier=dossier,
                    payment=payment, payer_name=dossier.applicant_name,
                    payer_address=dossier.applicant_address,
                    content=dossier.fee_content(),
                    amount=payment.amount,
                    method=payment.journal.process_method))
        cls.save(receipts)
        return receipts

    def qr_image(self, size='3cm'):
        "The dossier's VietQR code, as relatorio places it in a frame"
        payload = self.dossier.vietqr(self.amount)
        if not payload:
            return (qr.BLANK, 'image/png', '0.1cm', '0.1cm')
        return (qr.png(payload), 'image/png', size, size)

    @classmethod
    def check_modification(cls, mode, receipts, values=None, external=False):
        super().check_modification(
            mode, receipts, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'onestop_payments.msg_receipt_readonly',
                    receipt=receipts[0].rec_name))


class ReceiptReport(VietnameseReport):
    "E-Receipt"
    __name__ = 'onestop.receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['format_vnd'] = format_vnd
        return context
