# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Dossiers: intake, the legal clock, the workflow and its log"
import datetime as dt
import json
from collections import Counter
from zoneinfo import ZoneInfo

from sql import Flavor, Literal, Null, Values
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .identity import check_citizen_id, normalize_phone
from .working_time import due_date

VN_TIMEZONE = 'Asia/Ho_Chi_Minh'
# national status codes synchronised with the National Public Service
# Portal (domain reference §1.2 and reform-2025 §10.4)
STATES = [
    ('draft', "Registered"),
    ('received', "Received"),
    ('in_progress', "In Progress"),
    ('supplement', "Waiting for Supplement"),
    ('pending_approval', "Pending Approval"),
    ('ready', "Result Ready"),
    ('returned', "Returned"),
    ('refused', "Refused"),
    ('withdrawn', "Withdrawn"),
    ('stopped', "Stopped"),
    ]
STATUS_CODES = {
    'draft': 1, 'received': 2, 'in_progress': 4, 'supplement': 5,
    'pending_approval': 4, 'ready': 9, 'returned': 10, 'refused': 3,
    'withdrawn': 7, 'stopped': 8,
    }
OPEN_STATES = ['received', 'in_progress', 'supplement', 'pending_approval']
CLOSED_STATES = ['returned', 'refused', 'withdrawn', 'stopped']
CHANNELS = [
    ('counter', "At the Counter"),
    ('online', "Online"),
    ('postal', "By Post"),
    ('home', "At Home"),
    ]
TIMELINESS = [
    (None, ''),
    ('early', "Early"),
    ('on_time', "On Time"),
    ('late', "Late"),
    ]
ACTIONS = [
    ('register', "Registered"),
    ('receive', "Received"),
    ('assign', "Handed Over for Processing"),
    ('request_supplement', "Supplement Requested"),
    ('resume', "Supplement Received"),
    ('submit_approval', "Submitted for Approval"),
    ('send_back', "Sent Back"),
    ('approve', "Result Approved"),
    ('return_result', "Result Returned"),
    ('refuse', "Refused"),
    ('withdraw', "Withdrawn"),
    ('stop', "Stopped"),
    ('reassign', "Reassigned"),
    ('apologize', "Apology and New Appointment"),
    ('start_verification', "Verification Started"),
    ('end_verification', "Verification Ended"),
    ('warn', "Late Warning"),
    ('close_supplement', "Closed: Supplement Not Provided"),
    ('import', "Imported"),
    ]
# the role whose step an action completes (the process control sheet); a
# reassignment completes none: the new assignee takes over the same step
ACTION_ROLES = {
    'assign': 'officer',
    'submit_approval': 'specialist',
    'approve': 'approver',
    'return_result': 'officer',
    }
# the actions that hand the dossier over to its assignee: their log line
# names who received it
HANDOVER_ACTIONS = {'assign', 'reassign'}
# Decree 118/2025 art. 19: the dossier is closed when the supplement does not
# come within 15 days (calendar days: the decree does not say working days)
SUPPLEMENT_DAYS = 15


def timeliness(finished_at, due_at):
    """Early, on time or late (domain reference D14): on time when finished
    no later than the appointment, early when finished a day before"""
    if not finished_at or not due_at:
        return None
    if finished_at > due_at:
        return 'late'
    if finished_at.date() < due_at.date():
        return 'early'
    return 'on_time'


def utc_now():
    "Now in UTC, to the second like the DateTime columns (timestamp(0))"
    return dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0)


class Dossier(Workflow, ModelSQL, ModelView):
    "Dossier"
    __name__ = 'onestop.dossier'
    __string__ = "Dossier"
    _rec_name = 'code'
    _intake = {'readonly': Eval('state') != 'draft'}

    code = fields.Char("Code", readonly=True,
        help="Receiving agency identifier, receipt date and daily number "
        "(Decree 118/2025 art. 28).")
    company = fields.Many2One(
        'company.company', "Commune", required=True, states=_intake)
    procedure = fields.Many2One(
        'onestop.procedure', "Procedure", required=True, states=_intake,
        domain=[If(Eval('state') == 'draft', [('in_force', '=', True)], [])])
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, states=_intake)
    applicant = fields.Many2One(
        'party.party', "Applicant", required=True, states=_intake,
        ondelete='RESTRICT', context={'company': Eval('company', -1)},
        depends={'company'})
    applicant_name = fields.Char("Full Name", required=True, states=_intake)
    applicant_id_number = fields.Char("Citizen ID", states=_intake)
    applicant_phone = fields.Char("Phone", states=_intake)
    applicant_email = fields.Char("Email", states=_intake)
    applicant_address = fields.Char("Address", states=_intake)
    representative = fields.Many2One(
        'party.party', "Authorised Representative", states=_intake,
        ondelete='RESTRICT', context={'company': Eval('company', -1)},
        depends={'company'},
        help="The person who files on the applicant's behalf.")
    sets = fields.Integer("Sets", required=True, states=_intake,
        domain=[('sets', '>', 0)], help="Number of dossier sets received.")
    note = fields.Text("Note")
    components = fields.One2Many(
        'onestop.dossier.component', 'dossier', "Components",
        states={'readonly': Eval('state').in_(CLOSED_STATES)})
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    status_code = fields.Function(
        fields.Integer("National Status Code"), 'get_status_code')
    assignee = fields.Many2One('res.user', "Assigned To",
        states={'readonly': ~Eval('state').in_(['received', 'in_progress'])})
    submitted_at = fields.DateTime("Submitted At", required=True,
        states=_intake,
        help="When the applicant filed: online, or delivered by post.")
    received_at = fields.DateTime("Received At", readonly=True)
    counted_from = fields.DateTime("Counted From", readonly=True)
    due_at = fields.DateTime("Appointment", readonly=True,
        help="Due date on the legal working-day clock.")
    index_due_at = fields.DateTime("Index Due Date", readonly=True,
        help="Due date with the applicant's waiting time deducted "
        "(Decision 766/QĐ-TTg).")
    due_explanation = fields.Text("Due Date Explanation", readonly=True)
    due_explanation_text = fields.Function(
        fields.Text("How the Appointment Was Computed"),
        'get_due_explanation_text')
    warned_at = fields.DateTime("Late Warning", readonly=True)
    supplement_items = fields.Text("Items to Supplement",
        states={
            'readonly': Bool(Eval('supplement_requested_at')),
            'invisible': ~Eval('state').in_(
                ['draft', 'received', 'in_progress', 'supplement']),
            },
        help="Everything missing, at once (the supplement is asked once).")
    supplement_reason = fields.Text("Reason for the Supplement",
        states={
            'readonly': Bool(Eval('supplement_requested_at')),
            'invisible': ~Eval('state').in_(
                ['draft', 'received', 'in_progress', 'supplement']),
            },
        help="Why the dossier is not complete or valid, as printed on the "
        "supplement request.")
    supplement_requested_at = fields.DateTime(
        "Supplement Requested At", readonly=True)
    supplemented_at = fields.DateTime("Supplemented At", readonly=True)
    refusal_reason = fields.Text("Reasons for Refusal",
        states={'readonly': Eval('state').in_(CLOSED_STATES)})
    stop_reason = fields.Text("Legal Ground for Stopping",
        states={
            'readonly': Eval('state').in_(CLOSED_STATES),
            'invisible': ~Eval('state').in_(OPEN_STATES + ['stopped']),
            },
        help="The case set by law in which the processing stops, as printed "
        "on the stop notice.")
    apology_reason = fields.Text("Reason for the Delay",
        states={'readonly': Bool(Eval('apologized_at'))})
    new_due_at = fields.DateTime("New Appointment",
        states={'readonly': Bool(Eval('apologized_at'))})
    apologized_at = fields.DateTime("Apologized At", readonly=True)
    finished_at = fields.DateTime("Finished At", readonly=True)
    returned_at = fields.DateTime("Returned At", readonly=True)
    timeliness = fields.Selection(TIMELINESS, "Timeliness", readonly=True)
    digitized = fields.Boolean("Digitised", readonly=True,
        help="Every component was scanned at intake.")
    electronic_result = fields.Boolean("Electronic Result",
        states={'readonly': Eval('state').in_(CLOSED_STATES)})
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    due_soon = fields.Function(
        fields.Boolean("Due Soon"), 'get_due_soon',
        searcher='search_due_soon')
    pauses = fields.One2Many(
        'onestop.dossier.pause', 'dossier', "Pauses", readonly=True)
    verifying = fields.Function(
        fields.Boolean("Under Verification"), 'get_verifying')
    logs = fields.One2Many(
        'onestop.dossier.log', 'dossier', "Log", readonly=True)
    del _intake

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'onestop_procedures.msg_dossier_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality()),
                    (t.received_at, Index.Range())),
                Index(t, (t.applicant, Index.Equality())),
                Index(t, (t.procedure, Index.Equality())),
                Index(t, (t.assignee, Index.Equality()),
                    (t.due_at, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.due_at, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('received_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'received'),
            ('draft', 'supplement'),
            ('draft', 'refused'),
            ('draft', 'withdrawn'),
            ('received', 'in_progress'),
            ('received', 'supplement'),
            ('in_progress', 'supplement'),
            ('supplement', 'in_progress'),
            ('supplement', 'draft'),
            ('in_progress', 'pending_approval'),
            ('pending_approval', 'in_progress'),
            ('in_progress', 'ready'),
            ('pending_approval', 'ready'),
            ('ready', 'returned'),
            ('received', 'refused'),
            ('in_progress', 'refused'),
            ('pending_approval', 'refused'),
            ('received', 'withdrawn'),
            ('in_progress', 'withdrawn'),
            ('supplement', 'withdrawn'),
            ('pending_approval', 'withdrawn'),
            ('received', 'stopped'),
            ('in_progress', 'stopped'),
            ('supplement', 'stopped'),
            ('pending_approval', 'stopped'),
            }
        open_ = Eval('state').in_(OPEN_STATES)
        cls._buttons.update({
                'receive': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'assign': {
                    'invisible': Eval('state') != 'received',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'request_supplement': {
                    'invisible': (
                        ~Eval('state').in_(['draft', 'received', 'in_progress'])
                        | Bool(Eval('supplement_requested_at'))),
                    'depends': ['state', 'supplement_requested_at']},
                'resume': {
                    'invisible': (
                        (Eval('state') != 'supplement')
                        | ~Eval('received_at')),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'received_at']},
                'resubmit': {
                    'invisible': (
                        (Eval('state') != 'supplement')
                        | Bool(Eval('received_at'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'received_at']},
                'submit_approval': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'send_back': {
                    'invisible': Eval('state') != 'pending_approval',
                    'icon': 'tryton-back', 'depends': ['state']},
                'approve': {
                    'invisible': ~Eval('state').in_(
                        ['in_progress', 'pending_approval']),
                    'icon': 'tryton-ok', 'depends': ['state']},
                'return_result': {
                    'invisible': Eval('state') != 'ready',
                    'icon': 'tryton-ok', 'depends': ['state']},
                'refuse': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'received', 'in_progress',
                            'pending_approval']),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'withdraw': {
                    'invisible': ~Eval('state').in_(['draft'] + OPEN_STATES),
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'stop': {
                    'invisible': ~open_,
                    'icon': 'tryton-cancel', 'depends': ['state']},
                'start_verification': {
                    'invisible': (~Eval('state').in_(
                            ['received', 'in_progress'])
                        | Bool(Eval('verifying'))),
                    'depends': ['state', 'verifying']},
                'end_verification': {
                    'invisible': ~Eval('verifying'),
                    'depends': ['verifying']},
                'apologize': {
                    'invisible': ~open_ | Bool(Eval('apologized_at')),
                    'depends': ['state', 'apologized_at']},
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        return 'counter'

    @classmethod
    def default_sets(cls):
        return 1

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_submitted_at(cls):
        return utc_now()

    @classmethod
    def default_digitized(cls):
        return False

    @classmethod
    def default_electronic_result(cls):
        return False

    @fields.depends('applicant')
    def on_change_applicant(self):
        if self.applicant:
            self.applicant_name = self.applicant.name
            self.applicant_id_number = self.applicant.citizen_id
            self.applicant_phone = (
                self.applicant.mobile or self.applicant.phone)
            self.applicant_email = self.applicant.email
            address = self.applicant.address_get()
            self.applicant_address = (
                address.full_address.replace('\n', ', ') if address else None)

    @fields.depends('procedure', 'components')
    def on_change_procedure(self):
        Component = Pool().get('onestop.dossier.component')
        if self.procedure:
            self.components = [
                Component(document=d, name=d.name, kind=d.kind,
                    quantity=d.quantity, mandatory=d.mandatory,
                    received=False, digitized=False, reused=False)
                for d in self.procedure.documents]

    def get_verifying(self, name):
        return any(
            p.kind == 'verification' and not p.end for p in self.pauses)

    def get_status_code(self, name):
        if self.state == 'refused' and self.received_at:
            # refusal after appraisal stops the processing
            return STATUS_CODES['stopped']
        return STATUS_CODES[self.state]

    def get_overdue(self, name):
        return bool(self.state in OPEN_STATES
            and self.appointment and self.appointment < utc_now())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        now = utc_now()
        overdue = [('state', 'in', OPEN_STATES), ['OR',
                [('new_due_at', '=', None), ('due_at', '<', now)],
                [('new_due_at', '<', now)],
                ]]
        not_overdue = ['OR',
            ('state', 'not in', OPEN_STATES),
            [('new_due_at', '=', None), ['OR',
                    ('due_at', '=', None), ('due_at', '>=', now)]],
            [('new_due_at', '>=', now)],
            ]
        return overdue if (operator == '=') == bool(value) else not_overdue

    def get_due_soon(self, name):
        return bool(self.state in OPEN_STATES and self.warned_at
            and not self.get_overdue(name))

    @classmethod
    def search_due_soon(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('warned_at', '!=', None), ('overdue', '=', False)]
        return ['OR', ('warned_at', '=', None), ('overdue', '=', True)]

    @property
    def appointment(self):
        "The date the applicant was given: the new one after an apology"
        return self.new_due_at or self.due_at

    def get_due_explanation_text(self, name):
        if not self.due_explanation:
            return None
        return '\n'.join(
            explain_step(step, self.timezone)
            for step in json.loads(self.due_explanation))

    @property
    def timezone(self):
        return ZoneInfo(self.company.timezone or VN_TIMEZONE)

    def local(self, value):
        "A stored UTC datetime as naive Vietnam (company) time"
        return value.replace(tzinfo=dt.timezone.utc).astimezone(
            self.timezone).replace(tzinfo=None)

    def utc(self, value):
        return value.replace(tzinfo=self.timezone).astimezone(
            dt.timezone.utc).replace(tzinfo=None)

    def deadline(self, received_at, pauses=()):
        "The Deadline of this dossier's procedure if received at (UTC)"
        received = self.local(received_at)
        local_pauses = [
            (self.local(s), self.local(e), label) for s, e, label in pauses]
        procedure = self.procedure
        years = range(received.year, received.year + 2)
        calendar = self.company.working_calendar(years)
        return due_date(calendar, received, procedure.processing_time or 0,
            procedure.processing_unit, pauses=local_pauses)

    def set_deadline(self):
        """Compute the legal and the index due dates from the pauses.

        A supplement that restarts the clock counts the processing time
        again from the complete dossier (Decree 118/2025 art. 19); the index
        due date deducts the applicant's waiting time instead (D9)."""
        def intervals(pauses):
            return [(p.start, p.end or utc_now(), p.reason or p.kind_string)
                for p in pauses]
        index = self.deadline(self.received_at, intervals(self.pauses))
        if (self.procedure.supplement_rule == 'restart'
                and self.supplemented_at):
            # verification time is never counted (Decree 123/2015 art. 3)
            legal = self.deadline(self.supplemented_at, intervals(
                    p for p in self.pauses if p.kind == 'verification'
                    and (p.end or utc_now()) > self.supplemented_at))
        else:
            legal = index
        self.counted_from = self.utc(legal.counted_from)
        self.due_at = self.utc(legal.due_at)
        self.index_due_at = self.utc(index.due_at)
        self.due_explanation = json.dumps(
            [s.as_dict() for s in legal.explanation])

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('code'):
            values['code'] = cls.new_code(
                values.get('company') or cls.default_company(),
                values.get('received_at') or values.get('submitted_at')
                or utc_now())
        return values

    @classmethod
    def new_code(cls, company_id, at):
        "The next code of the company for the day of at (UTC)"
        pool = Pool()
        Company = pool.get('company.company')
        Counter = pool.get('onestop.dossier.counter')
        company = Company(company_id)
        if not company.agency_code:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_company_agency_code',
                    company=company.rec_name))
        day = at.replace(tzinfo=dt.timezone.utc).astimezone(
            ZoneInfo(company.timezone or VN_TIMEZONE)).date()
        number = Counter.next(company.id, day)
        return f'{company.agency_code}-{day:%y%m%d}-{number:04d}'

    @classmethod
    def validate_fields(cls, dossiers, field_names):
        super().validate_fields(dossiers, field_names)
        for dossier in dossiers:
            if field_names & {'applicant_id_number', 'applicant'}:
                dossier.check_id_number()
            if field_names & {'applicant_phone'}:
                dossier.check_phone()
            if field_names & {
                    'submitted_at', 'received_at', 'finished_at',
                    'returned_at'}:
                dossier.check_dates()

    def check_id_number(self):
        if not self.applicant_id_number:
            return
        error = check_citizen_id(self.applicant_id_number,
            self.applicant.birth_date, self.applicant.gender)
        if error:
            raise ValidationError(gettext(
                    f'onestop_procedures.msg_citizen_id_{error}',
                    code=self.applicant_id_number,
                    party=self.applicant_name))

    def check_phone(self):
        if self.applicant_phone and not normalize_phone(self.applicant_phone):
            raise ValidationError(gettext(
                    'onestop_procedures.msg_dossier_phone',
                    phone=self.applicant_phone, dossier=self.rec_name))

    def check_dates(self):
        dates = [self.received_at, self.finished_at, self.returned_at]
        if self.channel in {'online', 'postal'}:
            dates.insert(0, self.submitted_at)
        dates = [d for d in dates if d]
        if dates != sorted(dates):
            raise ValidationError(gettext(
                    'onestop_procedures.msg_dossier_dates_order',
                    dossier=self.rec_name))

    @classmethod
    def check_modification(cls, mode, dossiers, values=None, external=False):
        super().check_modification(
            mode, dossiers, values=values, external=external)
        if mode == 'delete':
            for dossier in dossiers:
                if dossier.state != 'draft':
                    raise AccessError(gettext(
                            'onestop_procedures.msg_dossier_delete_draft',
                            dossier=dossier.rec_name))
        elif mode == 'write':
            for dossier in dossiers:
                if (dossier.supplement_requested_at and values.keys()
                        & {'supplement_items', 'supplement_reason'}):
                    raise AccessError(gettext(
                            'onestop_procedures.msg_dossier_supplement_once',
                            dossier=dossier.rec_name))
                if (dossier.apologized_at
                        and values.keys() & {'new_due_at', 'apology_reason'}):
                    raise AccessError(gettext(
                            'onestop_procedures.msg_dossier_apology_once',
                            dossier=dossier.rec_name))
                if external and dossier.state in CLOSED_STATES:
                    raise AccessError(gettext(
                            'onestop_procedures.msg_dossier_closed',
                            dossier=dossier.rec_name,
                            state=dossier.state_string))

    state_string = state.translated('state')

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default is not None else {}
        # a copy is a new registration: submitted now, not yet received
        default.setdefault('state', 'draft')
        default.setdefault('submitted_at', utc_now())
        for name in ['code', 'received_at', 'counted_from', 'due_at',
                'index_due_at', 'due_explanation', 'warned_at',
                'supplement_items', 'supplement_reason',
                'supplement_requested_at', 'supplemented_at',
                'refusal_reason', 'stop_reason', 'apology_reason',
                'new_due_at', 'apologized_at', 'finished_at', 'returned_at',
                'timeliness', 'pauses', 'logs', 'assignee']:
            default.setdefault(name)
        return super().copy(dossiers, default=default)

    @classmethod
    def write(cls, *args):
        "Log every hand-over of a dossier in processing to another assignee"
        actions = iter(args)
        assignees = {}
        for dossiers, values in zip(actions, actions):
            if 'assignee' in values:
                for dossier in dossiers:
                    assignees[dossier.id] = values['assignee']
        # read again: the records written may already hold the new values
        handed_over = [d.id for d in cls.browse(list(assignees))
            if d.handed_over
            and (d.assignee.id if d.assignee else None) != assignees[d.id]]
        super().write(*args)
        if handed_over:
            cls._log(cls.browse(handed_over), 'reassign')

    @property
    def handed_over(self):
        "Whether a change of assignee hands the dossier over to another one"
        return self.state == 'in_progress' or (
            self.state == 'received' and bool(self.assignee))

    def add_log(self, action, from_state, to_state, at=None):
        "A line of the process control sheet"
        pool = Pool()
        Log = pool.get('onestop.dossier.log')
        User = pool.get('res.user')
        transaction = Transaction()
        at = at or utc_now()
        step = self.next_step(ACTION_ROLES.get(action))
        step_due_at = self.step_due_at(step) if step else None
        return Log(dossier=self, action=action, from_state=from_state,
            to_state=to_state, user=User(transaction.user),
            assignee=(self.assignee if action in HANDOVER_ACTIONS
                else None),
            date=at, step=step, step_due_at=step_due_at,
            on_time=(at <= step_due_at) if step_due_at else None)

    def next_step(self, role):
        "The procedure step that an action of role completes now"
        if not role:
            return None
        done = {log.step for log in self.logs if log.step}
        for step in self.procedure.steps:
            if step not in done and step.role == role:
                return step

    def step_due_at(self, step):
        "The statutory end of a step: its cumulated share of the time"
        if not self.counted_from or not self.due_at:
            return None
        share = 0
        for other in self.procedure.steps:
            share += other.share
            if other == step:
                break
        calendar = self.company.working_calendar(
            range(self.counted_from.year, self.due_at.year + 2))
        start, end = self.local(self.counted_from), self.local(self.due_at)
        total = calendar.working_time(start, end)
        return self.utc(calendar.add(start, total * share / 100))

    @classmethod
    def _log(cls, dossiers, action, to_state=None):
        Log = Pool().get('onestop.dossier.log')
        logs = [d.add_log(action, d.state, to_state or d.state)
            for d in dossiers]
        Log.save(logs)

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    def receive(cls, dossiers):
        "Accept the complete dossier and issue the receipt slip"
        now = utc_now()
        for dossier in dossiers:
            if not dossier.procedure.in_force_at(
                    dossier.local(now).date()):
                raise ValidationError(gettext(
                        'onestop_procedures.msg_procedure_not_in_force',
                        procedure=dossier.procedure.rec_name))
            missing = [c.name for c in dossier.components
                if c.mandatory and not c.received]
            if missing:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_missing_documents',
                        dossier=dossier.rec_name,
                        documents=', '.join(missing)))
            if not dossier.received_at:
                # online and postal dossiers count from their submission,
                # the next working time if it was outside working hours
                dossier.received_at = (dossier.submitted_at
                    if dossier.channel in {'online', 'postal'} else now)
            dossier.digitized = bool(dossier.components) and all(
                c.digitized for c in dossier.components if c.received)
            dossier.set_deadline()
        cls._log(dossiers, 'receive', 'received')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def assign(cls, dossiers):
        "Hand the dossier over to the specialist"
        cls._log(dossiers, 'assign', 'in_progress')

    @classmethod
    @ModelView.button
    @Workflow.transition('supplement')
    def request_supplement(cls, dossiers):
        "Ask the applicant, once, for everything that is missing"
        Pause = Pool().get('onestop.dossier.pause')
        now = utc_now()
        pauses = []
        for dossier in dossiers:
            if dossier.supplement_requested_at:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_supplement_once',
                        dossier=dossier.rec_name))
            if not dossier.supplement_items:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_supplement_items',
                        dossier=dossier.rec_name))
            dossier.supplement_requested_at = now
            if dossier.received_at:
                pauses.append(Pause(dossier=dossier, start=now,
                        kind='supplement'))
        cls._log(dossiers, 'request_supplement', 'supplement')
        Pause.save(pauses)
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def resume(cls, dossiers):
        "The applicant brought the supplement: the clock runs again"
        now = utc_now()
        for dossier in dossiers:
            for pause in dossier.pauses:
                if not pause.end:
                    pause.end = now
            dossier.pauses = dossier.pauses
            dossier.supplemented_at = now
            dossier.set_deadline()
        cls._log(dossiers, 'resume', 'in_progress')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def resubmit(cls, dossiers):
        "The applicant completed an online dossier not yet received"
        for dossier in dossiers:
            dossier.supplemented_at = utc_now()
        cls._log(dossiers, 'resume', 'draft')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('pending_approval')
    def submit_approval(cls, dossiers):
        "Send the draft result to the leader for signature"
        cls._log(dossiers, 'submit_approval', 'pending_approval')

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def send_back(cls, dossiers):
        "The leader sends the draft back to the specialist"
        cls._log(dossiers, 'send_back', 'in_progress')

    @classmethod
    @ModelView.button
    @Workflow.transition('ready')
    def approve(cls, dossiers):
        "The result is signed: processing ends"
        cls._finish(dossiers)
        cls._log(dossiers, 'approve', 'ready')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_result(cls, dossiers):
        "The applicant received the result"
        now = utc_now()
        for dossier in dossiers:
            dossier.returned_at = now
        cls._log(dossiers, 'return_result', 'returned')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, dossiers):
        "Refuse the dossier with its legal reasons"
        cls._require(dossiers, 'refusal_reason',
            'onestop_procedures.msg_dossier_refusal_reason')
        cls._finish(dossiers)
        cls._log(dossiers, 'refuse', 'refused')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, dossiers):
        "The applicant takes the dossier back"
        cls._log(dossiers, 'withdraw', 'withdrawn')

    @classmethod
    @ModelView.button
    @Workflow.transition('stopped')
    def stop(cls, dossiers):
        "Stop processing in the cases set by law, with the legal ground"
        cls._require(dossiers, 'stop_reason',
            'onestop_procedures.msg_dossier_stop_reason')
        cls._finish(dossiers)
        cls._log(dossiers, 'stop', 'stopped')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    def start_verification(cls, dossiers):
        "Verification starts: its time is not counted (D10)"
        Pause = Pool().get('onestop.dossier.pause')
        now = utc_now()
        dossiers = [d for d in dossiers
            if d.state in {'received', 'in_progress'} and not d.verifying]
        Pause.save([Pause(dossier=d, kind='verification', start=now)
                for d in dossiers])
        cls._log(dossiers, 'start_verification')

    @classmethod
    @ModelView.button
    def end_verification(cls, dossiers):
        "Verification is over: the clock runs again"
        now = utc_now()
        dossiers = [d for d in dossiers if d.verifying]
        for dossier in dossiers:
            for pause in dossier.pauses:
                if pause.kind == 'verification' and not pause.end:
                    pause.end = now
            dossier.pauses = dossier.pauses
            dossier.set_deadline()
        cls._log(dossiers, 'end_verification')
        cls.save(dossiers)

    @classmethod
    @ModelView.button
    def apologize(cls, dossiers):
        "Apologise for the delay and give a new appointment, once"
        for dossier in dossiers:
            if dossier.state not in OPEN_STATES:
                continue
            if dossier.apologized_at:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_apology_once',
                        dossier=dossier.rec_name))
            if not dossier.apology_reason or not dossier.new_due_at:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_apology_fields',
                        dossier=dossier.rec_name))
            if dossier.new_due_at <= dossier.due_at:
                raise ValidationError(gettext(
                        'onestop_procedures.msg_dossier_apology_date',
                        dossier=dossier.rec_name))
            dossier.apologized_at = utc_now()
        cls._log(dossiers, 'apologize')
        cls.save(dossiers)

    @classmethod
    def _require(cls, dossiers, field, message):
        "Refuse a transition of dossiers without the text its slip prints"
        for dossier in dossiers:
            if not getattr(dossier, field):
                raise ValidationError(gettext(
                        message, dossier=dossier.rec_name))

    @classmethod
    def _finish(cls, dossiers):
        now = utc_now()
        for dossier in dossiers:
            dossier.finished_at = now
            dossier.timeliness = timeliness(now, dossier.due_at)
            for pause in dossier.pauses:
                if not pause.end:
                    pause.end = now
            dossier.pauses = dossier.pauses

    @classmethod
    def flag_deadlines(cls):
        """Flag dossiers due within one working day and notify their
        assignees and the approvers of their commune.

        Set-based: one threshold per commune (its calendar), then a single
        UPDATE over all of them."""
        pool = Pool()
        Company = pool.get('company.company')
        dossier = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = utc_now()
        thresholds = []
        for company in Company.search([]):
            tz = ZoneInfo(company.timezone or VN_TIMEZONE)
            local = now.replace(tzinfo=dt.timezone.utc).astimezone(tz)
            calendar = company.working_calendar(
                range(local.year, local.year + 2))
            local = local.replace(tzinfo=None)
            threshold = calendar.add(
                calendar.next_working_time(local), calendar.day_length())
            thresholds.append((company.id, threshold.replace(
                        tzinfo=tz).astimezone(dt.timezone.utc).replace(
                        tzinfo=None)))
        if not thresholds:
            return
        limits = Values(thresholds)
        limit = limits.select(limits.column1.as_('company'),
            limits.column2.as_('threshold'))
        query = dossier.update([dossier.warned_at], [now],
            from_=[limit],
            where=dossier.state.in_(OPEN_STATES)
            & (dossier.warned_at == Null)
            & (dossier.company == limit.company)
            & (Coalesce(dossier.new_due_at, dossier.due_at)
                <= limit.threshold))
        database = Transaction().database
        if database.has_returning():
            query.returning = [dossier.company, dossier.assignee]
        cursor.execute(*query)
        if database.has_returning():
            flagged = cursor.fetchall()
        elif not cursor.rowcount:
            flagged = []
        else:
            cursor.execute(*dossier.select(dossier.company, dossier.assignee,
                    # the partial index on open dossiers serves this
                    where=(dossier.warned_at == now)
                    & dossier.state.in_(OPEN_STATES)))
            flagged = cursor.fetchall()
        cls._clear_transaction_cache()
        if flagged:
            cls.notify_due_soon(flagged)

    @classmethod
    def notify_due_soon(cls, flagged):
        """Tell each assignee, and the approvers of each commune, how many
        of their dossiers were just flagged due soon; flagged holds the
        (commune, assignee) of each dossier"""
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Configuration = pool.get('ir.configuration')
        per_user = Counter(a for _, a in flagged if a)
        per_company = Counter(c for c, _ in flagged)
        approver = ModelData.get_id(
            'onestop_procedures', 'group_onestop_approver')
        for user in User.search([
                    ('groups', '=', approver),
                    ('companies', 'in', list(per_company)),
                    ]):
            per_user[user.id] = max(per_user.get(user.id, 0), sum(
                    per_company.get(c.id, 0) for c in user.companies))
        action = ModelData.get_id('onestop_procedures', 'act_dossier_form')
        default = Configuration.get_language()
        notifications = []
        # each in the language of its reader, not of the scheduler
        for user in User.browse(list(per_user)):
            language = user.language.code if user.language else default
            notifications.append(Notification(
                    user=user, icon='tryton-warning',
                    label=gettext(
                        'onestop_procedures.msg_due_soon_label', language),
                    description=gettext(
                        'onestop_procedures.msg_dossiers_due_soon', language,
                        count=per_user[user.id]),
                    action=action))
        Notification.save(notifications)

    @classmethod
    def close_unsupplemented(cls):
        """Close dossiers whose supplement never came (Decree 118 art. 19).

        Two set-based statements: the log lines, then the state and the
        legal ground printed on the stop notice."""
        pool = Pool()
        Log = pool.get('onestop.dossier.log')
        dossier = cls.__table__()
        log = Log.__table__()
        cursor = Transaction().connection.cursor()
        now = utc_now()
        limit = now - dt.timedelta(days=SUPPLEMENT_DAYS)
        expired = ((dossier.state == 'supplement')
            & (dossier.supplement_requested_at < limit))
        cursor.execute(*log.insert(
                [log.dossier, log.action, log.from_state, log.to_state,
                    log.date, log.create_uid, log.create_date],
                dossier.select(dossier.id, Literal('close_supplement'),
                    dossier.state, Literal('stopped'), Literal(now),
                    Literal(0), CurrentTimestamp(), where=expired)))
        # the stop notice is a Vietnamese form (slip.py): so is its ground
        reason = gettext(
            'onestop_procedures.msg_dossier_stop_unsupplemented', 'vi',
            days=SUPPLEMENT_DAYS)
        cursor.execute(*dossier.update(
                [dossier.state, dossier.finished_at, dossier.stop_reason],
                ['stopped', now, reason], where=expired))
        cls._close_pauses(now)
        cls._clear_transaction_cache()

    @classmethod
    def _clear_transaction_cache(cls):
        "Records read before a set-based UPDATE must be read again"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            for name in [cls.__name__, 'onestop.dossier.pause']:
                if name in cache:
                    cache[name].clear()

    @classmethod
    def _close_pauses(cls, now):
        Pause = Pool().get('onestop.dossier.pause')
        pause = Pause.__table__()
        dossier = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*pause.update([pause.end], [now],
                where=(pause.end == Null) & pause.dossier.in_(
                    dossier.select(dossier.id,
                        where=dossier.state.in_(CLOSED_STATES)))))


def explain_step(step, timezone):
    "One line of a due date's explanation, in the user's language"
    def format_(value):
        if not value:
            return ''
        if 'T' in value:
            return dt.datetime.fromisoformat(value).strftime('%H:%M %d/%m/%Y')
        return dt.date.fromisoformat(value).strftime('%d/%m/%Y')
    return gettext(f'onestop_procedures.msg_explain_{step["kind"]}',
        start=format_(step.get('start')), end=format_(step.get('end')),
        label=step.get('label') or '', hours=step.get('hours') or 0)


class DossierCounter(ModelSQL):
    "Daily Dossier Counter"
    __name__ = 'onestop.dossier.counter'
    __string__ = "Daily Dossier Counter"

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    day = fields.Date("Day", required=True)
    last = fields.Integer("Last Number", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_day_unique', Unique(t, t.company, t.day),
                'onestop_procedures.msg_dossier_counter_unique'),
            ]

    @classmethod
    def next(cls, company_id, day):
        """The next number of the day, concurrency-safe: one atomic upsert
        (parallel intakes wait on the row lock instead of colliding)"""
        # written by hand: SQLite rejects the table alias python-sql adds
        # to INSERT ... ON CONFLICT and UPDATE ... RETURNING
        table, p = cls._table, Flavor.get().param
        cursor = Transaction().connection.cursor()
        cursor.execute(
            f'INSERT INTO "{table}" (company, day, last, create_uid, '
            f'create_date) VALUES ({p}, {p}, 0, {p}, CURRENT_TIMESTAMP) '
            'ON CONFLICT (company, day) DO NOTHING',
            (company_id, day, Transaction().user))
        cursor.execute(
            f'UPDATE "{table}" SET last = last + 1 '
            f'WHERE company = {p} AND day = {p} RETURNING last',
            (company_id, day))
        number, = cursor.fetchone()
        return number

    @classmethod
    def reserve(cls, company_id, numbers):
        "Keep the counters above imported codes: numbers of (day, number)"
        highest = {}
        for day, number in numbers:
            highest[day] = max(number, highest.get(day, 0))
        table, p = cls._table, Flavor.get().param
        cursor = Transaction().connection.cursor()
        for day, number in highest.items():
            cursor.execute(
                f'INSERT INTO "{table}" (company, day, last, create_uid, '
                f'create_date) VALUES ({p}, {p}, 0, {p}, CURRENT_TIMESTAMP) '
                'ON CONFLICT (company, day) DO NOTHING',
                (company_id, day, Transaction().user))
            cursor.execute(
                f'UPDATE "{table}" SET last = {p} '
                f'WHERE company = {p} AND day = {p} AND last < {p}',
                (number, company_id, day, number))


class Component(sequence_ordered(), ModelSQL, ModelView):
    "Dossier Component"
    __name__ = 'onestop.dossier.component'
    __string__ = "Dossier Component"

    dossier = fields.Many2One(
        'onestop.dossier', "Dossier", required=True, ondelete='CASCADE')
    document = fields.Many2One(
        'onestop.procedure.document', "Required Document",
        ondelete='RESTRICT')
    name = fields.Char("Name", required=True)
    kind = fields.Selection('get_kinds', "Kind", required=True)
    quantity = fields.Integer("Quantity", required=True,
        domain=[('quantity', '>', 0)])
    mandatory = fields.Boolean("Mandatory", readonly=True)
    received = fields.Boolean("Received")
    digitized = fields.Boolean("Digitised",
        help="Scanned and attached to this line.")
    reused = fields.Boolean("Reused",
        help="Taken from an earlier dossier's digitised documents.")
    reused_from = fields.Many2One(
        'onestop.dossier.component', "Reused From", ondelete='RESTRICT',
        domain=[
            ('digitized', '=', True),
            ('dossier.applicant', '=',
                Eval('_parent_dossier', {}).get('applicant', -1)),
            ],
        states={'invisible': ~Eval('reused')},
        help="A digitised document of the applicant's earlier dossier: "
        "its files are attached again without scanning.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')

    @classmethod
    def get_kinds(cls):
        Document = Pool().get('onestop.procedure.document')
        return Document.fields_get(['kind'])['kind']['selection']

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def default_kind(cls):
        return 'original'

    @fields.depends('reused_from')
    def on_change_reused_from(self):
        if self.reused_from:
            self.reused = self.digitized = self.received = True

    @classmethod
    def on_modification(cls, mode, components, field_names=None):
        super().on_modification(mode, components, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or 'reused_from' in field_names):
            cls.attach_reused(components)

    @classmethod
    def attach_reused(cls, components):
        "Copy the files of the reused documents (the store keeps one copy)"
        Attachment = Pool().get('ir.attachment')
        components = [c for c in components if c.reused_from]
        if not components:
            return
        sources = {str(c.reused_from): c for c in components}
        attached = {str(a.resource) for a in Attachment.search([
                    ('resource', 'in', [str(c) for c in components]),
                    ])}
        for attachment in Attachment.search([
                    ('resource', 'in', list(sources)),
                    ]):
            target = sources[str(attachment.resource)]
            if str(target) not in attached:
                Attachment.copy([attachment], default={'resource': str(target)})


class Pause(ModelSQL, ModelView):
    "Dossier Pause"
    __name__ = 'onestop.dossier.pause'
    __string__ = "Dossier Pause"

    dossier = fields.Many2One(
        'onestop.dossier', "Dossier", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('supplement', "Waiting for Supplement"),
            ('verification', "Verification"),
            ], "Kind", required=True)
    start = fields.DateTime("Start", required=True)
    end = fields.DateTime("End",
        domain=['OR', ('end', '=', None), ('end', '>=', Eval('start'))])
    reason = fields.Char("Reason")
    kind_string = kind.translated('kind')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        cls._order.insert(0, ('start', 'ASC'))


class Log(ModelSQL, ModelView):
    "Dossier Log"
    __name__ = 'onestop.dossier.log'
    __string__ = "Dossier Log"

    dossier = fields.Many2One(
        'onestop.dossier', "Dossier", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    action = fields.Selection(ACTIONS, "Action", required=True, readonly=True)
    from_state = fields.Selection(
        [(None, '')] + STATES, "From State", readonly=True)
    to_state = fields.Selection(STATES, "To State", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    assignee = fields.Many2One('res.user', "Handed Over To", readonly=True,
        help="Who received the dossier, when the action handed it over.")
    role = fields.Function(fields.Char("Role"), 'get_role')
    step = fields.Many2One(
        'onestop.procedure.step', "Step", readonly=True, ondelete='RESTRICT')
    step_due_at = fields.DateTime("Step Due", readonly=True)
    on_time = fields.Boolean("On Time", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('dossier')
        cls._sql_indexes.add(
            Index(t, (t.dossier, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    def get_role(self, name):
        "The one-stop roles the user held (from their groups)"
        ModelData = Pool().get('ir.model.data')
        if not self.user:
            return None
        names = []
        for role in ['officer', 'specialist', 'approver', 'leader']:
            group_id = ModelData.get_id(
                'onestop_procedures', f'group_onestop_{role}')
            if any(g.id == group_id for g in self.user.groups):
                names.append(Pool().get('res.group')(group_id).rec_name)
        return ', '.join(names)

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode == 'write' or (mode == 'delete'
                and any(log.dossier.state != 'draft' for log in logs)):
            raise AccessError(gettext('onestop_procedures.msg_log_readonly'))
