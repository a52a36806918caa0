# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Bank lines: credits on the collection account, from statements and from
the bank's notifications, matched to dossiers in one set-based pass"""
import datetime as dt
import hashlib
import hmac
import json
import os
from decimal import Decimal
from zoneinfo import ZoneInfo

from sql import Cast, Flavor, Literal, Null, Window
from sql.aggregate import Count, Max, Min
from sql.conditionals import Case
from sql.functions import RowNumber

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from onestop_procedures.dossier import VN_TIMEZONE, utc_now

from .dossier import NOTHING_DUE, due_amount, to_pay_amount
from .exceptions import NotificationError
from .reference import read_references

STATES = [
    ('pending', "To Match"),
    ('matched', "Matched"),
    ('queued', "To Review"),
    ('ignored', "Ignored"),
    ]
REASONS = [
    (None, ''),
    ('underpaid', "Underpayment"),
    ('overpaid', "Overpayment"),
    ('unknown', "Unknown Reference"),
    ('duplicate', "Duplicate"),
    ('ambiguous', "Ambiguous"),
    ]
SOURCES = [
    ('statement', "Statement"),
    ('notification', "Notification"),
    ]
MAX_DESCRIPTION = 500


def whole_amount(value):
    """Return a JSON or CSV amount as a positive whole Decimal of đồng,
    or raise ValueError"""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"not a whole number: {value!r}")
    if isinstance(value, Decimal) and (not value.is_finite()
            or value != value.to_integral_value()):
        raise ValueError(f"not a whole number: {value}")
    if value <= 0:
        raise ValueError(f"not positive: {value}")
    return Decimal(int(value))


def signature(secret, timestamp, body):
    "HMAC-SHA256 of '<timestamp>.<body>' with the journal's secret, in hex"
    message = str(timestamp).encode('ascii') + b'.' + body
    return hmac.new(
        secret.encode('utf-8'), message, hashlib.sha256).hexdigest()


class BankLine(ModelSQL, ModelView):
    "Bank Line"
    __name__ = 'onestop.bank.line'
    __string__ = "Bank Line"
    _rec_name = 'transaction_id'

    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True)
    journal = fields.Many2One('account.payment.journal', "Journal",
        required=True, readonly=True, ondelete='RESTRICT')
    source = fields.Selection(SOURCES, "Source", required=True,
        readonly=True)
    source_name = fields.Char("Source Name", readonly=True,
        help="The statement file the line comes from.")
    transaction_id = fields.Char("Bank Transaction", required=True,
        readonly=True, strip=False)
    date = fields.Date("Date", required=True, readonly=True)
    booked_at = fields.DateTime("Booked At", readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 0), required=True,
        readonly=True)
    description = fields.Char("Description", readonly=True)
    payer_name = fields.Char("Payer", readonly=True)
    payer_account = fields.Char("Payer Account", readonly=True)
    reference = fields.Char("Reference Read", readonly=True)
    reference_low = fields.Char("Lowest Reference", readonly=True)
    reference_high = fields.Char("Highest Reference", readonly=True)
    references_found = fields.Integer("References Found", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    reason = fields.Selection(REASONS, "Reason", readonly=True,
        states={'invisible': Eval('state') != 'queued'})
    dossier = fields.Many2One('onestop.dossier', "Dossier",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state').in_(['matched', 'ignored'])})
    candidates = fields.Function(fields.Many2Many(
            'onestop.dossier', None, None, "Candidate Dossiers",
            states={'invisible': Eval('reason') != 'ambiguous'}),
        'get_candidates')
    payment = fields.Many2One('account.payment', "Payment", readonly=True,
        ondelete='RESTRICT')
    matched_by = fields.Many2One('res.user', "Matched By", readonly=True,
        states={'invisible': ~Eval('matched_by')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('transaction_unique', Unique(t, t.journal, t.transaction_id),
                'onestop_payments.msg_bank_line_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['pending', 'queued'])),
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.dossier, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'match': {
                    'invisible': Eval('state').in_(['matched', 'ignored']),
                    'readonly': ~Eval('dossier'),
                    'icon': 'tryton-ok', 'depends': ['state', 'dossier']},
                'ignore': {
                    'invisible': Eval('state').in_(['matched', 'ignored']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'reset': {
                    'invisible': Eval('state') != 'queued',
                    'icon': 'tryton-refresh', 'depends': ['state']},
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'queued', 'warning', ''), ['state'])]

    @classmethod
    def read_description(cls, description, company):
        "The reference columns of a line from its description"
        found = read_references(description, company.agency_code)
        low, high = found[0] if len(found) == 1 else (None, None)
        return {
            'reference': ' '.join(
                low if low == high else os.path.commonprefix([low, high]) + '*'
                for low, high in found) or None,
            'reference_low': low,
            'reference_high': high,
            'references_found': len(found),
            }

    def get_candidates(self, name):
        Dossier = Pool().get('onestop.dossier')
        if not self.description:
            return []
        found = read_references(self.description, self.company.agency_code)
        domain = ['OR'] + [[
                ('payment_reference', '>=', low),
                ('payment_reference', '<=', high)] for low, high in found]
        if len(domain) == 1:
            return []
        return [d.id for d in Dossier.search([
                    ('company', '=', self.company.id), domain])]

    # Statements

    @classmethod
    def from_statement(cls, journal, rows, source_name=None):
        """Create the lines of statement rows not yet recorded for the journal
        and match them; return (line ids, number of rows already recorded)"""
        company = journal.company
        known = set()
        ids = list({r['transaction_id'] for r in rows})
        for start in range(0, len(ids), 500):
            known.update(l.transaction_id for l in cls.search([
                        ('journal', '=', journal.id),
                        ('transaction_id', 'in', ids[start:start + 500]),
                        ]))
        vlist, seen = [], set()
        for row in rows:
            if row['transaction_id'] in known or row['transaction_id'] in seen:
                continue
            seen.add(row['transaction_id'])
            values = {
                'company': company.id,
                'journal': journal.id,
                'source': 'statement',
                'source_name': source_name,
                'transaction_id': row['transaction_id'],
                'date': row['date'],
                'amount': row['amount'],
                'description': row['description'],
                'payer_name': row['payer_name'],
                'state': 'pending' if row['amount'] > 0 else 'ignored',
                }
            if row['amount'] > 0:
                values.update(
                    cls.read_description(row['description'], company))
            vlist.append(values)
        with Transaction().set_context(company=company.id):
            lines = cls.create(vlist)
        cls.match_lines([l.id for l in lines])
        return [l.id for l in lines], len(rows) - len(vlist)

    # Notifications

    @classmethod
    def notify(cls, journal, timestamp, signature_, body, now=None):
        """Record a signed bank notification once and match it

        Return (line, created).  Raise NotificationError with an HTTP
        status and a message otherwise; nothing is recorded then."""
        now = now or utc_now()
        try:
            timestamp = int(timestamp)
        except (TypeError, ValueError):
            raise NotificationError(400, gettext(
                    'onestop_payments.msg_notification_timestamp')) from None
        window = journal.notification_window or 300
        moment = now.replace(tzinfo=dt.timezone.utc).timestamp()
        if abs(moment - timestamp) > window:
            raise NotificationError(401, gettext(
                    'onestop_payments.msg_notification_stale',
                    window=window))
        expected = signature(journal.notification_secret or '', timestamp,
            body)
        given = (signature_ or '').removeprefix('sha256=')
        if (not journal.notification_secret
                or not hmac.compare_digest(expected, given)):
            raise NotificationError(401, gettext(
                    'onestop_payments.msg_notification_signature'))
        values = cls.notification_values(journal, body)
        line_id = cls._insert_once(values)
        created = line_id is not None
        if not created:
            line, = cls.search([
                    ('journal', '=', journal.id),
                    ('transaction_id', '=', values['transaction_id']),
                    ])
            return line, False
        with Transaction().set_context(receipt_later=True):
            cls.match_lines([line_id])
        return cls(line_id), True

    @classmethod
    def notification_values(cls, journal, body):
        "The columns of a line from a notification's JSON body"
        def error(field):
            return NotificationError(400, gettext(
                    'onestop_payments.msg_notification_field', field=field))
        try:
            data = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            raise NotificationError(400, gettext(
                    'onestop_payments.msg_notification_json')) from None
        if not isinstance(data, dict):
            raise NotificationError(400, gettext(
                    'onestop_payments.msg_notification_json'))
        transaction_id = data.get('transaction_id')
        if (not isinstance(transaction_id, str) or not transaction_id.strip()
                or len(transaction_id) > 100):
            raise error('transaction_id')
        try:
            amount = whole_amount(data.get('amount'))
        except ValueError:
            raise NotificationError(400, gettext(
                    'onestop_payments.msg_notification_amount',
                    amount=data.get('amount'))) from None
        description = data.get('description') or ''
        if not isinstance(description, str):
            raise error('description')
        company = journal.company
        try:
            booked_at = dt.datetime.fromisoformat(data['booked_at'])
            if booked_at.tzinfo is None:
                raise ValueError
            # the year 1 or 9999 in another zone does not exist in UTC
            local = booked_at.astimezone(
                ZoneInfo(company.timezone or VN_TIMEZONE))
            booked_at = booked_at.astimezone(dt.timezone.utc)
        except (KeyError, TypeError, ValueError, OverflowError):
            raise error('booked_at') from None
        account = data.get('account_number')
        if (account is not None and company.collection_account_number
                and account != company.collection_account_number):
            raise error('account_number')
        values = {
            'company': company.id,
            'journal': journal.id,
            'source': 'notification',
            'transaction_id': transaction_id.strip(),
            'date': local.date(),
            'booked_at': booked_at.replace(tzinfo=None),
            'amount': amount,
            'description': description[:MAX_DESCRIPTION],
            'payer_name': _text(data.get('payer_name')),
            'payer_account': _text(data.get('payer_account')),
            'state': 'pending',
            }
        values.update(cls.read_description(description, company))
        return values

    @classmethod
    def _insert_once(cls, values):
        """Insert the line unless the bank's transaction id is known:
        one atomic statement, so concurrent deliveries insert one row"""
        # written by hand: SQLite rejects the table alias python-sql adds
        # to INSERT ... ON CONFLICT
        param = Flavor.get().param
        columns = list(values) + ['create_uid', 'create_date']
        params = list(values.values()) + [Transaction().user]
        placeholders = ', '.join([param] * len(values)) + (
            f', {param}, CURRENT_TIMESTAMP')
        cursor = Transaction().connection.cursor()
        cursor.execute(
            f'INSERT INTO "{cls._table}" ('
            + ', '.join(f'"{c}"' for c in columns)
            + f') VALUES ({placeholders}) '
            'ON CONFLICT (journal, transaction_id) DO NOTHING RETURNING id',
            params)
        row = cursor.fetchone()
        return row[0] if row else None

    # Matching

    @classmethod
    def match_pending(cls):
        "Match every line still to match (scheduled)"
        cls.match_lines()

    @classmethod
    def classify_query(cls, line_ids=None):
        """The set-based classification of the pending lines: a query of
        (line, dossier, state, reason)

        A line names one dossier when its description holds one reference
        (range) and exactly one dossier of its commune lies in it.  It is
        matched when its amount is the dossier's amount to pay and no
        earlier line of the same pass claims the dossier; otherwise it goes
        to the accountant's queue with the reason."""
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        line = cls.__table__()
        other = cls.__table__()
        dossier = Dossier.__table__()
        pending = line.state == 'pending'
        if line_ids is not None:
            pending &= fields.SQL_OPERATORS['in'](line.id, line_ids)
        # complete references by equality, cut ones by range: the planner
        # then estimates the common case right
        exact = line.reference_low == line.reference_high
        closed = Case((dossier.state.in_(NOTHING_DUE), 1), else_=0)
        found = (line
            .join(dossier, condition=(dossier.company == line.company)
                & (dossier.payment_reference == line.reference_low))
            .select(line.id.as_('line'), dossier.id.as_('dossier'),
                closed.as_('closed'),
                where=pending & (line.references_found == 1) & exact)
            | line
            .join(dossier, condition=(dossier.company == line.company)
                & (dossier.payment_reference >= line.reference_low)
                & (dossier.payment_reference <= line.reference_high))
            .select(line.id.as_('line'), dossier.id.as_('dossier'),
                closed.as_('closed'),
                where=pending & (line.references_found == 1) & ~exact))
        found.all_ = True
        candidates = found.select(found.line.as_('line'),
            Count(found.dossier).as_('count'),
            Min(found.dossier).as_('dossier'),
            Max(found.closed).as_('closed'), group_by=[found.line])
        named = Case((candidates.count == 1, candidates.dossier), else_=Null)
        # the amounts of the one dossier named: subqueries run per line on
        # the indexes, whatever the planner estimates
        ranked = (other
            .join(candidates, 'LEFT', condition=candidates.line == other.id)
            .select(other.id.as_('line'), named.as_('dossier'),
                candidates.count.as_('count'),
                other.references_found.as_('found'),
                Cast(other.amount, 'NUMERIC').as_('amount'),
                Dossier.fee_total_column(named).as_('total'),
                Dossier.amount_paid_column(named).as_('paid'),
                candidates.closed.as_('closed'),
                RowNumber(window=Window([named],
                        order_by=[other.date.asc, other.id.asc])
                    ).as_('rank'),
                where=(other.state == 'pending') & (
                    fields.SQL_OPERATORS['in'](other.id, line_ids)
                    if line_ids is not None else Literal(True))))
        to_pay = to_pay_amount(
            due_amount(ranked.total, ranked.closed == 1), ranked.paid)
        reason = Case(
            (ranked.found > 1, 'ambiguous'),
            (ranked.count > 1, 'ambiguous'),
            (ranked.dossier == Null, 'unknown'),
            (ranked.rank > 1, 'duplicate'),
            (ranked.amount == to_pay, Null),
            ((to_pay == 0) & (ranked.paid > 0), 'duplicate'),
            (ranked.amount < to_pay, 'underpaid'),
            else_='overpaid')
        state = Case((reason == Null, 'matched'), else_='queued')
        return ranked.select(ranked.line, ranked.dossier,
            state.as_('state'), reason.as_('reason'))

    @classmethod
    def classify(cls, line_ids=None):
        "Classify the pending lines (all, or these) in one statement"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        line = cls.__table__()
        cursor = Transaction().connection.cursor()
        if backend.name == 'postgresql':
            # compiling the plan costs more than running it
            cursor.execute('SET LOCAL jit = off')
        classified = cls.classify_query(line_ids)
        cursor.execute(*line.update(
                [line.dossier, line.state, line.reason],
                [classified.dossier, classified.state, classified.reason],
                from_=[classified], where=line.id == classified.line))
        Dossier.touch_payments(line.select(line.dossier,
                where=(line.state == 'matched') & (line.payment == Null)))
        cls._clear_transaction_cache()

    @classmethod
    def match_lines(cls, line_ids=None):
        """Classify the pending lines in one statement, then settle the
        payments of the matched ones"""
        cls.classify(line_ids)
        lines = cls.search([
                ('state', '=', 'matched'),
                ('payment', '=', None),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        cls.settle(lines)
        return lines

    @classmethod
    def _clear_transaction_cache(cls):
        "Lines read before a set-based UPDATE must be read again"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                cache[cls.__name__].clear()

    @classmethod
    def settle(cls, lines, user=None):
        """Succeed the dossier's payment waiting for this transfer, or
        record one, and link it to the line"""
        pool = Pool()
        Payment = pool.get('account.payment')
        Dossier = pool.get('onestop.dossier')
        expected, new = [], []
        for line in lines:
            dossier = line.dossier
            waiting = [p for p in dossier.payments
                if p.state == 'processing' and p.kind == 'receivable'
                and p.journal == line.journal and p.amount == line.amount
                and p not in expected]
            if waiting:
                payment = waiting[0]
                payment.date = line.date
                expected.append(payment)
            else:
                payment = dossier.new_payment(line.journal, line.amount,
                    origin=line)
                payment.date = line.date
                new.append(payment)
            line.payment = payment
        Payment.save(expected + new)
        Payment.submit(new)
        Payment.process(new)
        Payment.succeed(expected + new)
        for line in lines:
            line.state = 'matched'
            line.reason = None
            if user:
                line.matched_by = user
        cls.save(lines)
        Dossier.notify_paid(list({l.dossier for l in lines}))

    @classmethod
    @ModelView.button
    def match(cls, lines):
        "Match the line to the dossier chosen by the accountant"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        User = pool.get('res.user')
        for line in lines:
            if not line.dossier:
                raise ValidationError(gettext(
                        'onestop_payments.msg_bank_line_no_dossier',
                        line=line.rec_name))
        lines = [l for l in lines if l.state in {'pending', 'queued'}]
        Dossier.touch_payments([l.dossier.id for l in lines])
        cls.settle(lines, user=User(Transaction().user))

    @classmethod
    @ModelView.button
    def ignore(cls, lines):
        "Not a fee: the line stays on record and out of the queue"
        cls.write([l for l in lines if l.state in {'pending', 'queued'}],
            {'state': 'ignored', 'reason': None})

    @classmethod
    @ModelView.button
    def reset(cls, lines):
        "Match the line again (a dossier was corrected meanwhile)"
        lines = [l for l in lines if l.state == 'queued']
        cls.write(lines, {'state': 'pending', 'reason': None, 'dossier': None})
        cls.match_lines([l.id for l in lines])

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete' or (external and mode == 'write'
                and values.keys() - {'dossier'}):
            raise ValidationError(gettext(
                    'onestop_payments.msg_bank_line_readonly',
                    line=lines[0].rec_name))


def _text(value):
    return value[:200] if isinstance(value, str) else None

