# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Payment journals and payments of the one-stop: cash at the counter,
VietQR transfers and e-wallets, each payment linked to its dossier"""
import secrets

from trytond.model import Index, ModelView, Unique, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

PROCESS_METHODS = [
    ('cash', "Cash at the Counter"),
    ('vietqr', "VietQR Bank Transfer"),
    ('ewallet', "E-Wallet"),
    ]
# journals whose payments are confirmed by the bank or the wallet
NOTIFIED_METHODS = ['vietqr', 'ewallet']
# seconds a signed notification stays acceptable (clock skew + delivery)
NOTIFICATION_WINDOW = 300


class Journal(metaclass=PoolMeta):
    __name__ = 'account.payment.journal'

    notification_identifier = fields.Char("Notification Identifier",
        readonly=True, strip=False,
        states={
            'invisible': ~Eval('process_method').in_(NOTIFIED_METHODS),
            },
        help="Names the journal in the address the bank posts its "
        "transaction notifications to.")
    notification_secret = fields.Char("Notification Secret", strip=False,
        states={
            'invisible': ~Eval('process_method').in_(NOTIFIED_METHODS),
            },
        help="Shared with the bank: it signs every notification with "
        "HMAC-SHA256.")
    notification_window = fields.Integer("Notification Window",
        domain=['OR',
            ('notification_window', '=', None),
            ('notification_window', '>', 0),
            ],
        states={
            'invisible': ~Eval('process_method').in_(NOTIFIED_METHODS),
            },
        help="In seconds: older or future notifications are refused as "
        "replays.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for method in PROCESS_METHODS:
            if method not in cls.process_method.selection:
                cls.process_method.selection.append(method)
        t = cls.__table__()
        cls._sql_constraints += [
            ('notification_identifier_unique',
                Unique(t, t.notification_identifier),
                'onestop_payments.msg_journal_identifier_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.notification_identifier, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.process_method, Index.Equality())),
                })

    @classmethod
    def preprocess_values(cls, mode, values):
        # per record: a default is computed once for all the records created
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('notification_identifier'):
                values['notification_identifier'] = secrets.token_hex(8)
            if not values.get('notification_secret'):
                values['notification_secret'] = secrets.token_hex(32)
        return values

    @classmethod
    def default_notification_window(cls):
        return NOTIFICATION_WINDOW

    @classmethod
    def copy(cls, journals, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('notification_identifier')
        default.setdefault('notification_secret')
        return super().copy(journals, default=default)

    @classmethod
    def get_default(cls, company, method):
        "The commune's first active journal of the process method"
        journals = cls.search([
                ('company', '=', company.id),
                ('process_method', '=', method),
                ], order=[('id', 'ASC')], limit=1)
        return journals[0] if journals else None


class Payment(metaclass=PoolMeta):
    __name__ = 'account.payment'

    dossier = fields.Many2One('onestop.dossier', "Dossier",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    receipts = fields.One2Many(
        'onestop.receipt', 'payment', "E-Receipts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.dossier, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['onestop.bank.line', 'account.payment']

    def process_cash(self):
        "Cash is counted at the counter: the officer notes the success"

    def process_vietqr(self):
        """The citizen scans the VietQR code and transfers: the payment
        waits for the bank line that matches it"""

    def process_ewallet(self):
        "The wallet confirms with a signed notification, as banks do"

    @classmethod
    def copy(cls, payments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('receipts')
        return super().copy(payments, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('succeeded')
    def succeed(cls, payments):
        super().succeed(payments)
        collected = [p for p in payments
            if p.kind == 'receivable' and p.dossier]
        if Transaction().context.get('receipt_later'):
            # the strict receipt sequence serialises its users: a bank
            # notification commits first and numbers the receipt after
            cls.__queue__.issue_receipts(collected)
        else:
            Pool().get('onestop.receipt').issue(collected)

    @classmethod
    def issue_receipts(cls, payments):
        Pool().get('onestop.receipt').issue(
            [p for p in payments if p.state == 'succeeded'])

    @classmethod
    def settle(cls, payments):
        "Submit, process and note the success of draft payments at once"
        cls.submit([p for p in payments if p.state == 'draft'])
        cls.approve([p for p in payments
                if p.state == 'submitted' and p.kind == 'payable'])
        cls.process([p for p in payments
                if p.state in {'submitted', 'approved'}])
        cls.succeed(payments)
