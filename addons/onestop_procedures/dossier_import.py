# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Migration: historical dossiers from the previous system, as CSV"
import datetime as dt
import re
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .dossier import CHANNELS, VN_TIMEZONE, timeliness
from .identity import check_citizen_id
from .procedure import _read_csv

COLUMNS = [
    'code', 'procedure_code', 'applicant_name', 'applicant_id_number',
    'channel', 'received_at', 'due_at', 'finished_at', 'returned_at',
    'state', 'digitized', 'electronic_result']
STATES = ['returned', 'refused', 'withdrawn', 'in_progress']
FLAGS = {'1': True, '0': False}
# the date and daily number of a code: ...-YYMMDD-NNNN (Decree 118 art. 28)
CODE = re.compile(r'-(\d{6})-(\d{4})$')
# errors listed in one message at the most
MAX_ERRORS = 20


class _Row:
    "One CSV line being checked; errors are collected, not raised"

    def __init__(self, line, row, errors, timezone):
        self.line, self.row, self.errors = line, row, errors
        self.timezone = timezone

    def error(self, column, value, rule):
        self.errors.append(gettext(
                'onestop_procedures.msg_import_dossier_value',
                line=self.line, column=column, value=value, rule=rule))

    def text(self, column, required=True):
        value = (self.row.get(column) or '').strip()
        if required and not value:
            self.error(column, value, gettext(
                    'onestop_procedures.msg_import_rule_required'))
        return value or None

    def moment(self, column, required=False):
        value = self.text(column, required)
        if not value:
            return None
        try:
            local = dt.datetime.strptime(value, '%Y-%m-%d %H:%M')
        except ValueError:
            self.error(column, value, 'YYYY-MM-DD HH:MM')
            return None
        return local.replace(tzinfo=self.timezone).astimezone(
            dt.timezone.utc).replace(tzinfo=None)

    def choice(self, column, allowed):
        value = self.text(column)
        if value is not None and value not in allowed:
            self.error(column, value, ', '.join(allowed))
        return value

    def flag(self, column):
        return FLAGS.get(self.choice(column, list(FLAGS)), False)


def import_dossiers(data, company):
    """Create the dossiers of a CSV file for company (a commune).

    All rows or none: every error is reported with its line. Codes already
    present are skipped and counted, so importing again is safe.
    Returns (created, skipped)."""
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    Procedure = pool.get('onestop.procedure')
    Party = pool.get('party.party')
    Log = pool.get('onestop.dossier.log')
    Counter = pool.get('onestop.dossier.counter')

    rows = _read_csv(data, COLUMNS, COLUMNS, 'dossiers')
    timezone = ZoneInfo(company.timezone or VN_TIMEZONE)
    codes = [r['code'].strip() for _, r in rows]
    existing = {d.code for d in Dossier.search([('code', 'in', codes)])}
    procedures = {}
    for procedure in Procedure.search(
            [('code', 'in', list({r['procedure_code'] for _, r in rows}))],
            order=[('effective_date', 'ASC')]):
        procedures.setdefault(procedure.code, []).append(procedure)
    parties = {p.citizen_id: p for p in Party.search([
                ('citizen_id', 'in',
                    [r['applicant_id_number'] for _, r in rows
                        if r['applicant_id_number']]),
                ])}

    errors, values, seen = [], [], set()
    skipped = 0
    for line, raw in rows:
        row = _Row(line, raw, errors, timezone)
        code = row.text('code')
        if code in existing:
            skipped += 1
            continue
        if code in seen:
            row.error('code', code, gettext(
                    'onestop_procedures.msg_import_rule_unique'))
        seen.add(code)
        received_at = row.moment('received_at', required=True)
        due_at = row.moment('due_at', required=True)
        finished_at = row.moment('finished_at')
        returned_at = row.moment('returned_at')
        state = row.choice('state', STATES)
        channel = row.choice('channel', [c for c, _ in CHANNELS])
        id_number = row.text('applicant_id_number', required=False)
        if id_number and check_citizen_id(id_number):
            row.error('applicant_id_number', id_number, gettext(
                    f'onestop_procedures.msg_import_rule_citizen_id_'
                    f'{check_citizen_id(id_number)}'))
        dates = [d for d in [received_at, finished_at, returned_at] if d]
        if dates != sorted(dates):
            row.error('finished_at', raw['finished_at'], gettext(
                    'onestop_procedures.msg_import_rule_order'))
        if state in {'returned', 'refused'} and not finished_at:
            row.error('finished_at', '', gettext(
                    'onestop_procedures.msg_import_rule_finished'))
        if state == 'returned' and not returned_at:
            row.error('returned_at', '', gettext(
                    'onestop_procedures.msg_import_rule_returned'))
        procedure = None
        if received_at:
            local_day = received_at.replace(tzinfo=dt.timezone.utc
                ).astimezone(timezone).date()
            in_force = [p for p in procedures.get(raw['procedure_code'], [])
                if p.effective_date <= local_day]
            procedure = in_force[-1] if in_force else None
            if not procedure:
                row.error('procedure_code', raw['procedure_code'], gettext(
                        'onestop_procedures.msg_import_rule_procedure'))
        name = row.text('applicant_name')
        digitized = row.flag('digitized')
        electronic_result = row.flag('electronic_result')
        if len(errors) >= MAX_ERRORS:
            break
        if errors:
            continue
        values.append({
                'code': code,
                'company': company.id,
                'procedure': procedure.id,
                'channel': channel,
                'applicant_name': name,
                'applicant_id_number': id_number,
                '_party': (name, id_number),
                'submitted_at': received_at,
                'received_at': received_at,
                'counted_from': received_at,
                'due_at': due_at,
                'index_due_at': due_at,
                'finished_at': finished_at,
                'returned_at': returned_at,
                'timeliness': timeliness(finished_at, due_at),
                'state': state,
                'digitized': digitized,
                'electronic_result': electronic_result,
                })
    if errors:
        raise ValidationError(gettext(
                'onestop_procedures.msg_import_dossier_errors',
                count=len(errors), errors='\n'.join(errors[:MAX_ERRORS])))

    new_parties = {}
    for value in values:
        name, id_number = value.pop('_party')
        party = parties.get(id_number) if id_number else None
        if not party:
            key = id_number or name
            party = new_parties.get(key)
            if not party:
                party = new_parties[key] = Party(name=name,
                    identifiers=[{'type': 'vn_cccd', 'code': id_number}]
                    if id_number else [])
        value['applicant'] = party
    Party.save(list(new_parties.values()))
    for value in values:
        value['applicant'] = value['applicant'].id
    dossiers = Dossier.create(values)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    Log.create([{
                'dossier': d.id, 'action': 'import', 'to_state': d.state,
                'date': now, 'user': Transaction().user}
            for d in dossiers])
    Counter.reserve(company.id, [
            (dt.datetime.strptime(m.group(1), '%y%m%d').date(),
                int(m.group(2)))
            for m in (CODE.search(d.code) for d in dossiers) if m])
    return len(dossiers), skipped


class ImportDossiersStart(ModelView):
    "Import Dossiers"
    __name__ = 'onestop.dossier.import.start'
    __string__ = "Import Dossiers"

    company = fields.Many2One('company.company', "Commune", required=True)
    data = fields.Binary("Dossiers (CSV)", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class ImportDossiersDone(ModelView):
    "Import Dossiers"
    __name__ = 'onestop.dossier.import.done'
    __string__ = "Import Dossiers"

    created = fields.Integer("Created", readonly=True)
    skipped = fields.Integer("Already Present", readonly=True)


class ImportDossiers(Wizard):
    "Import Dossiers"
    __name__ = 'onestop.dossier.import'

    start = StateView('onestop.dossier.import.start',
        'onestop_procedures.dossier_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('onestop.dossier.import.done',
        'onestop_procedures.dossier_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        self.done.created, self.done.skipped = import_dossiers(
            self.start.data, self.start.company)
        return 'done'

    def default_done(self, fields):
        return {'created': self.done.created, 'skipped': self.done.skipped}
