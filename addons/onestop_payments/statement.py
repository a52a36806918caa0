# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Bank statements in CSV: a column mapping per bank export layout, and the
import that records each credit once and matches it"""
import csv
import datetime as dt
import hashlib
import unicodedata
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .bank import MAX_DESCRIPTION
from .payment import NOTIFIED_METHODS

MAPPED = ['date_column', 'transaction_column', 'amount_column',
    'credit_column', 'debit_column', 'description_column', 'payer_column']


class StatementError(ValueError):
    """A statement file that cannot be read: code is 'encoding',
    'columns', 'date', 'amount' or 'empty'; the other attributes say where"""

    def __init__(self, code, line=None, column=None, value=None):
        super().__init__(code, line, column, value)
        self.code, self.line, self.column, self.value = (
            code, line, column, value)


def parse_amount(text, thousands, decimal):
    """Return the whole Decimal written in text ('1.250.000', '(8,000)',
    '-8000', '8,000.00'); None for an empty cell; raise ValueError for a
    fraction of a đồng or anything else"""
    text = (text or '').strip().replace('\u00a0', ' ')
    for unit in ('VND', 'VNĐ', 'đ', 'Đ'):
        text = text.replace(unit, '')
    text = text.strip()
    if not text:
        return None
    negative = text.startswith('(') and text.endswith(')')
    text = text.strip('()')
    if thousands:
        text = text.replace(thousands, '')
    text = text.replace(' ', '')
    if decimal != '.':
        text = text.replace(decimal, '.')
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(text)
    value = Decimal(int(value))
    return -value if negative else value


def parse_statement(data, mapping):
    """Return the rows of a statement file as dicts (row, transaction_id,
    date, amount, description, payer_name) following mapping, a dict of
    the format's fields; raise StatementError"""
    try:
        text = data.decode(mapping.get('encoding') or 'utf-8-sig')
    except (UnicodeDecodeError, LookupError):
        raise StatementError('encoding', value=mapping.get('encoding')) \
            from None
    # Windows-1258 writes Vietnamese with combining accents
    text = unicodedata.normalize('NFC', text)
    lines = text.splitlines()[mapping.get('skip_rows') or 0:]
    reader = csv.reader(lines, delimiter=mapping.get('delimiter') or ',')
    header = [h.strip() for h in next(reader, [])]
    wanted = {key: unicodedata.normalize('NFC', mapping[key])
        for key in MAPPED if mapping.get(key)}
    missing = [name for name in wanted.values() if name not in header]
    if missing:
        raise StatementError('columns', column=', '.join(missing),
            value=', '.join(h for h in header if h))
    index = {key: header.index(name) for key, name in wanted.items()}
    thousands = mapping.get('thousands_separator') or ''
    decimal = mapping.get('decimal_separator') or '.'
    rows, seen = [], {}
    start = (mapping.get('skip_rows') or 0) + 2
    for number, cells in enumerate(reader, start):
        if not any(c.strip() for c in cells):
            continue

        def cell(key):
            position = index.get(key)
            if position is None or position >= len(cells):
                return ''
            return cells[position].strip()
        try:
            date = dt.datetime.strptime(
                cell('date_column'), mapping['date_format']).date()
        except ValueError:
            raise StatementError('date', number, wanted['date_column'],
                cell('date_column')) from None
        amount = Decimal(0)
        for key, sign in [('amount_column', 1), ('credit_column', 1),
                ('debit_column', -1)]:
            if key not in index:
                continue
            try:
                value = parse_amount(cell(key), thousands, decimal)
            except ValueError:
                raise StatementError('amount', number, wanted[key],
                    cell(key)) from None
            if value is not None:
                amount += sign * abs(value) if key != 'amount_column' \
                    else value
        description = cell('description_column')
        transaction_id = cell('transaction_column')
        if not transaction_id:
            # no bank reference: the same row of a statement imported
            # twice must get the same identifier
            key = f'{date.isoformat()}|{amount}|{description}'
            seen[key] = seen.get(key, 0) + 1
            transaction_id = 'H' + hashlib.sha256(
                f'{key}|{seen[key]}'.encode('utf-8')).hexdigest()[:24]
        rows.append({
                'row': number,
                'transaction_id': transaction_id,
                'date': date,
                'amount': amount,
                'description': description[:MAX_DESCRIPTION],
                'payer_name': cell('payer_column')[:200] or None,
                })
    if not rows:
        raise StatementError('empty')
    return rows


class Format(ModelSQL, ModelView):
    "Bank Statement Format"
    __name__ = 'onestop.bank.statement.format'
    __string__ = "Bank Statement Format"

    name = fields.Char("Name", required=True)
    delimiter = fields.Selection([
            (',', "Comma"),
            (';', "Semicolon"),
            ('\t', "Tab"),
            ], "Delimiter", required=True)
    encoding = fields.Selection([
            ('utf-8-sig', "UTF-8"),
            ('cp1258', "Windows-1258"),
            ], "Encoding", required=True)
    skip_rows = fields.Integer("Rows Before the Header", required=True,
        domain=[('skip_rows', '>=', 0)])
    date_column = fields.Char("Date Column", required=True)
    date_format = fields.Char("Date Format", required=True,
        help="As Python writes it: %d/%m/%Y for 25/08/2025.")
    transaction_column = fields.Char("Transaction Column",
        help="The bank's reference of the transaction.")
    amount_column = fields.Char("Amount Column",
        help="A signed amount: credits positive.")
    credit_column = fields.Char("Credit Column",
        states={'required': ~Eval('amount_column')})
    debit_column = fields.Char("Debit Column")
    description_column = fields.Char("Description Column", required=True)
    payer_column = fields.Char("Payer Column")
    thousands_separator = fields.Selection([
            ('', "None"),
            (',', "Comma"),
            ('.', "Dot"),
            (' ', "Space"),
            ], "Thousands Separator")
    decimal_separator = fields.Selection([
            ('.', "Dot"),
            (',', "Comma"),
            ], "Decimal Separator", required=True)

    @classmethod
    def default_delimiter(cls):
        return ','

    @classmethod
    def default_encoding(cls):
        return 'utf-8-sig'

    @classmethod
    def default_skip_rows(cls):
        return 0

    @classmethod
    def default_date_format(cls):
        return '%d/%m/%Y'

    @classmethod
    def default_decimal_separator(cls):
        return '.'

    @classmethod
    def validate_fields(cls, formats, field_names):
        super().validate_fields(formats, field_names)
        for format_ in formats:
            if format_.thousands_separator == format_.decimal_separator:
                raise ValidationError(gettext(
                        'onestop_payments.msg_format_separators',
                        format=format_.rec_name))

    def mapping(self):
        return {name: getattr(self, name) for name in [
                'delimiter', 'encoding', 'skip_rows', 'date_format',
                'thousands_separator', 'decimal_separator'] + MAPPED}

    def parse(self, data):
        "The rows of a statement file; a clear error naming line and column"
        try:
            return parse_statement(data, self.mapping())
        except StatementError as error:
            raise ValidationError(gettext(
                    f'onestop_payments.msg_statement_{error.code}',
                    format=self.rec_name, line=error.line,
                    column=error.column, value=error.value)) from None


class ImportStart(ModelView):
    "Import Bank Statement"
    __name__ = 'onestop.bank.statement.import.start'
    __string__ = "Import Bank Statement"

    journal = fields.Many2One('account.payment.journal', "Journal",
        required=True, domain=[
            ('process_method', 'in', NOTIFIED_METHODS),
            ('company', '=', Eval('context', {}).get('company', -1)),
            ])
    format = fields.Many2One('onestop.bank.statement.format', "Format",
        required=True)
    file = fields.Binary("File", required=True, filename='file_name')
    file_name = fields.Char("File Name")


class ImportDone(ModelView):
    "Bank Statement Imported"
    __name__ = 'onestop.bank.statement.import.done'
    __string__ = "Bank Statement Imported"

    recorded = fields.Integer("Lines Recorded", readonly=True)
    known = fields.Integer("Lines Already Recorded", readonly=True)
    matched = fields.Integer("Matched", readonly=True)
    queued = fields.Integer("To Review", readonly=True)
    ignored = fields.Integer("Debits", readonly=True)


class Import(Wizard):
    "Import Bank Statement"
    __name__ = 'onestop.bank.statement.import'

    start = StateView('onestop.bank.statement.import.start',
        'onestop_payments.statement_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('onestop.bank.statement.import.done',
        'onestop_payments.statement_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        BankLine = Pool().get('onestop.bank.line')
        journal = self.start.journal
        rows = self.start.format.parse(self.start.file)
        lines, self.done.known = BankLine.from_statement(
            journal, rows, self.start.file_name)
        counts = {'matched': 0, 'queued': 0, 'ignored': 0, 'pending': 0}
        for line in BankLine.browse(lines):
            counts[line.state] += 1
        self.done.recorded = len(lines)
        self.done.matched = counts['matched']
        self.done.queued = counts['queued'] + counts['pending']
        self.done.ignored = counts['ignored']
        return 'done'

    def default_done(self, fields):
        return {name: getattr(self.done, name, 0) for name in [
                'recorded', 'known', 'matched', 'queued', 'ignored']}

