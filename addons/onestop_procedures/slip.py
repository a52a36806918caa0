# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The one-stop centre's slips and logbook (forms of Circular 01/2018/TT-VPCP
carried over by Circular 03/2025/TT-VPCP, which adds the stop notice;
domain reference §1.4 A-G).

The forms are official Vietnamese documents: the templates hold their
Vietnamese wording and are always rendered in Vietnamese, whatever the
language of the user who prints them.  This file only prepares the values
(times in the commune's time zone, labels, the QR code)."""
import datetime as dt
import re
import unicodedata
from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

from .dossier import SUPPLEMENT_DAYS, timeliness
from .portal import tracking_url

LANGUAGE = 'vi'
_COUNCIL = re.compile(r'^\s*(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+', re.I)
_UNIT = re.compile(r'^(xã|phường|thị trấn|đặc khu)\s+', re.I)


def commune_unit(name):
    "The commune without its council: 'UBND xã Gia Lộc' gives 'xã Gia Lộc'"
    name = unicodedata.normalize('NFC', name or '')
    return _COUNCIL.sub('', name).strip()


def place_name(name):
    "The place written before a form's date: 'UBND xã Gia Lộc' → 'Gia Lộc'"
    return _UNIT.sub('', commune_unit(name)).strip()


def qr_image(text, size='2.6cm'):
    "A QR code of text as relatorio's image tuple (PNG, size × size)"
    image = qrcode.make(text, error_correction=ERROR_CORRECT_M, border=4)
    buffer = BytesIO()
    image.save(buffer, format='PNG')
    return buffer.getvalue(), 'image/png', size, size


def text_lines(text):
    "The non-empty lines of a text, to print as a numbered list"
    return [line.strip() for line in (text or '').splitlines()
        if line.strip()]


def selection_labels(model, field):
    "The labels of a selection field, in the transaction's language"
    Model = Pool().get(model)
    return dict(Model.fields_get([field])[field]['selection'])


class Heading:
    "The commune's heading and dates, written as on official forms"

    def __init__(self, company, report):
        self.company = company
        self._report = report
        self._lang = Pool().get('ir.lang').get()
        name = unicodedata.normalize(
            'NFC', company.rec_name if company else '')
        self.council = name
        self.agency = name.upper()
        self.unit = commune_unit(name)
        self.place = place_name(name)
        self.phone = company.party.phone if company else None

    def local(self, value):
        "A stored (UTC) datetime in the commune's time"
        Dossier = Pool().get('onestop.dossier')
        return Dossier(company=self.company).local(value)

    def format(self, value, format):
        "A date, or a stored datetime in the commune's time"
        if value is None:
            return ''
        if isinstance(value, dt.datetime):
            return self._report.format_datetime(
                self.local(value), self._lang, format=format)
        return self._report.format_date(value, self._lang, format=format)

    def date(self, value):
        return self.format(value, '%d/%m/%Y')

    def hour(self, value):
        return self.format(value, '%H:%M')

    def time(self, value):
        return self.format(value, '%H:%M %d/%m/%Y')

    def moment(self, value):
        "As on the receipt: '10 giờ 00 phút, ngày 11/03/2026'"
        # the language keeps the parts together (no-break spaces): let the
        # line break after the comma
        return self.format(value, '%H giờ %M phút, ngày %d/%m/%Y').replace(
            ',\u00a0', ', ')

    def dated(self, value):
        "The place and date line: 'Gia Lộc, ngày 06 tháng 03 năm 2026'"
        if value is None:
            return f'{self.place}, ngày … tháng … năm …'
        return self.place + ', ' + self.format(
            value, 'ngày %d tháng %m năm %Y')


class DossierSlip(Heading):
    "What the slips of one dossier print"

    def __init__(self, dossier, report):
        super().__init__(dossier.company, report)
        self.dossier = dossier

    def local(self, value):
        return self.dossier.local(value)

    @property
    def number(self):
        "The slip's number: the receipt date and daily number of the code"
        return '-'.join((self.dossier.code or '').split('-')[-2:])

    @property
    def request(self):
        "The request: the procedure's name and national code"
        procedure = self.dossier.procedure
        return f'{procedure.name} (mã thủ tục {procedure.code})'

    @property
    def components(self):
        "The documents handed in: (name, kind label, quantity)"
        kinds = selection_labels('onestop.procedure.document', 'kind')
        return [(c.name, kinds.get(c.kind, ''), c.quantity)
            for c in self.dossier.components if c.received]

    @property
    def processing_time(self):
        procedure = self.dossier.procedure
        unit = selection_labels(
            'onestop.procedure', 'processing_unit')[procedure.processing_unit]
        if procedure.processing_unit == 'same_day':
            return unit
        return f'{procedure.processing_time or 0} {unit.lower()}'

    @property
    def delivery(self):
        "Where the result is received: the channel, and electronically"
        channel = selection_labels(
            'onestop.dossier', 'channel')[self.dossier.channel]
        if self.dossier.electronic_result:
            channel += '; kết quả điện tử trên Cổng Dịch vụ công quốc gia'
        return channel

    @property
    def contact(self):
        "The applicant's phone and e-mail on one line"
        dossier = self.dossier
        parts = []
        if dossier.applicant_phone:
            parts.append(f'Số điện thoại: {dossier.applicant_phone}')
        if dossier.applicant_email:
            parts.append(f'Email: {dossier.applicant_email}')
        return '; '.join(parts) or 'Số điện thoại: …'

    @property
    def apology_delivery(self):
        "How the apology reaches the applicant (by the dossier's channel)"
        dossier = self.dossier
        if dossier.channel == 'online':
            if dossier.applicant_email:
                return f'gửi qua thư điện tử {dossier.applicant_email}'
            return f'gửi tin nhắn đến số {dossier.applicant_phone or "…"}'
        if dossier.channel == 'postal':
            return 'gửi qua dịch vụ bưu chính'
        return 'trao trực tiếp'

    @property
    def tracking_url(self):
        return tracking_url(self.dossier.code)

    def qr(self, size='2.6cm'):
        "The QR code that opens the dossier's tracking page"
        return qr_image(self.tracking_url, size)

    def _last_log(self, action):
        logs = [log for log in self.dossier.logs if log.action == action]
        return logs[-1] if logs else None

    def officer(self, action):
        "The name of who did action last (the slip's signatory)"
        log = self._last_log(action)
        if log and log.user:
            return log.user.name
        return ''

    def logged_at(self, action):
        "When action was done first (UTC)"
        for log in self.dossier.logs:
            if log.action == action:
                return log.date

    @property
    def supplement_items(self):
        return text_lines(self.dossier.supplement_items)

    @property
    def supplement_reasons(self):
        return text_lines(self.dossier.supplement_reason)

    @property
    def supplement_deadline(self):
        "Decree 118/2025 art. 19: closed when not supplemented in 15 days"
        requested = self.dossier.supplement_requested_at
        if requested:
            return requested + dt.timedelta(days=SUPPLEMENT_DAYS)

    @property
    def refusal_reasons(self):
        return text_lines(self.dossier.refusal_reason)

    @property
    def refused_at_intake(self):
        "Refused before the dossier was accepted: a refusal to receive it"
        return not self.dossier.received_at

    @property
    def stop_reasons(self):
        return text_lines(self.dossier.stop_reason)

    @property
    def apology_reasons(self):
        return text_lines(self.dossier.apology_reason)

    @property
    def control_rows(self):
        "The process control sheet: one row per log line"
        actions = selection_labels('onestop.dossier.log', 'action')
        roles = selection_labels('onestop.procedure.step', 'role')
        results = selection_labels('onestop.dossier', 'timeliness')
        rows = []
        for log in self.dossier.logs:
            result = timeliness(log.date, log.step_due_at)
            action = actions.get(log.action, '')
            if log.assignee:
                # the hand-over names who received the dossier
                action += f' → {log.assignee.name}'
            rows.append({
                    'action': action,
                    'step': log.step.name if log.step else '',
                    'user': log.user.name if log.user else '',
                    'role': (roles.get(log.step.role, '') if log.step
                        else log.role or ''),
                    'date': log.date,
                    'due_at': log.step_due_at,
                    'result': results.get(result, '') if result else '',
                    })
        return rows

    @property
    def timeliness(self):
        if self.dossier.timeliness:
            return selection_labels(
                'onestop.dossier', 'timeliness')[self.dossier.timeliness]
        return ''

    @property
    def handed_over_at(self):
        "The logbook's transfer to the processing officer"
        return self.logged_at('assign')

    @property
    def result_at(self):
        "The logbook's result back from processing"
        if self.dossier.state in {'ready', 'returned'}:
            return self.dossier.finished_at

    @property
    def logbook_note(self):
        "Remarks of the logbook line: channel, outcome, delays"
        dossier = self.dossier
        notes = []
        if dossier.channel != 'counter':
            notes.append(selection_labels(
                    'onestop.dossier', 'channel')[dossier.channel])
        if dossier.state not in {'received', 'in_progress',
                'pending_approval', 'ready', 'returned'}:
            notes.append(selection_labels(
                    'onestop.dossier', 'state')[dossier.state])
        if dossier.new_due_at:
            notes.append(f'Hẹn lại {self.hour(dossier.new_due_at)} '
                f'{self.date(dossier.new_due_at)}')
        if dossier.timeliness == 'late':
            notes.append(self.timeliness)
        return '; '.join(notes)


class VietnameseReport(Report):
    "An official document: rendered in Vietnamese, whoever prints it"

    @classmethod
    def execute(cls, ids, data):
        with Transaction().set_context(language=LANGUAGE):
            return super().execute(ids, data)


class SlipReport(VietnameseReport):
    "A slip of the dossiers, in Vietnamese, when their state allows it"
    _message = None

    @classmethod
    def printable(cls, dossier):
        return True

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        for record in records:
            if not cls.printable(record):
                raise UserError(gettext(cls._message,
                        dossier=record.rec_name))
        context['slips'] = [DossierSlip(r, cls) for r in records]
        return context


class ReceiptSlip(SlipReport):
    "Receipt and appointment slip (form A)"
    __name__ = 'onestop.dossier.slip.receipt'
    _message = 'onestop_procedures.msg_slip_receipt_not_received'

    @classmethod
    def printable(cls, dossier):
        return bool(dossier.received_at and dossier.due_at)


class SupplementSlip(SlipReport):
    "Supplement request (form B)"
    __name__ = 'onestop.dossier.slip.supplement'
    _message = 'onestop_procedures.msg_slip_supplement_not_requested'

    @classmethod
    def printable(cls, dossier):
        return bool(dossier.supplement_requested_at)


class RefusalSlip(SlipReport):
    "Refusal with its reasons (form C)"
    __name__ = 'onestop.dossier.slip.refusal'
    _message = 'onestop_procedures.msg_slip_refusal_not_refused'

    @classmethod
    def printable(cls, dossier):
        return dossier.state == 'refused'


class StopNotice(SlipReport):
    "Notice that the processing stops, with its legal ground (form F)"
    __name__ = 'onestop.dossier.slip.stop'
    _message = 'onestop_procedures.msg_slip_stop_not_stopped'

    @classmethod
    def printable(cls, dossier):
        return dossier.state == 'stopped'


class ControlSheet(SlipReport):
    "Process control sheet, from the dossier's log (form D)"
    __name__ = 'onestop.dossier.slip.control'


class ApologySlip(SlipReport):
    "Apology with the new appointment (form E)"
    __name__ = 'onestop.dossier.slip.apology'
    _message = 'onestop_procedures.msg_slip_apology_not_given'

    @classmethod
    def printable(cls, dossier):
        return bool(dossier.apologized_at and dossier.new_due_at)


class Logbook(SlipReport):
    """Dossier logbook (form G) of the dossiers printed, in order of
    receipt; the period is the wizard's or that of the dossiers"""
    __name__ = 'onestop.dossier.logbook'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        records = sorted(records, key=lambda r: (
                r.received_at is None, r.received_at or dt.datetime.min,
                r.id))
        context = super().get_context(records, header, data)
        if data.get('company'):
            company = Company(data['company'])
        elif records:
            company = records[0].company
        else:
            company = Company(Transaction().context.get('company'))
        book = Heading(company, cls)
        received = [r.received_at for r in records if r.received_at]
        start = data.get('start') or (min(received) if received else None)
        end = data.get('end') or (max(received) if received else None)
        book.start, book.end = book.date(start), book.date(end)
        book.printed = book.dated(Pool().get('ir.date').today())
        context['book'] = book
        return context


class LogbookStart(ModelView):
    "Dossier Logbook"
    __name__ = 'onestop.dossier.logbook.start'
    __string__ = "Dossier Logbook"

    company = fields.Many2One('company.company', "Commune", required=True,
        domain=[('id', 'in', Eval('context', {}).get('companies', []))])
    start_date = fields.Date("From", required=True,
        help="First day of receipt, in the commune's time.")
    end_date = fields.Date("To", required=True,
        domain=[('end_date', '>=', Eval('start_date', None))],
        help="Last day of receipt, included.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_end_date(cls):
        return Pool().get('ir.date').today()


class PrintLogbook(Wizard):
    "Print the dossier logbook of a period"
    __name__ = 'onestop.dossier.logbook.print'

    start = StateView('onestop.dossier.logbook.start',
        'onestop_procedures.dossier_logbook_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('onestop.dossier.logbook')

    def do_print_(self, action):
        "The dossiers the commune received in the period, by receipt time"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        start, end = self.start.start_date, self.start.end_date
        if end < start:
            raise UserError(gettext(
                    'onestop_procedures.msg_logbook_period',
                    start=start.strftime('%d/%m/%Y'),
                    end=end.strftime('%d/%m/%Y')))
        company = self.start.company
        midnight = Dossier(company=company).utc
        day = dt.timedelta(days=1)
        dossiers = Dossier.search([
                ('company', '=', company.id),
                ('received_at', '>=', midnight(dt.datetime.combine(
                            start, dt.time()))),
                ('received_at', '<', midnight(dt.datetime.combine(
                            end + day, dt.time()))),
                ], order=[('received_at', 'ASC'), ('id', 'ASC')])
        return action, {
            'ids': [d.id for d in dossiers],
            'model': 'onestop.dossier',
            'company': company.id,
            'start': start,
            'end': end,
            }
