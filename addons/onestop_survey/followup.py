# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Follow-up of every unhappy evaluation by the commune leader"
import datetime as dt
from zoneinfo import ZoneInfo

from sql import Literal
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from onestop_procedures.dossier import VN_TIMEZONE, utc_now

from .survey import RATINGS

STATES = [
    ('open', "Open"),
    ('contacted', "Citizen Contacted"),
    ('closed', "Closed"),
    ]
CONTACT_METHODS = [
    (None, ''),
    ('phone', "Phone Call"),
    ('meeting', "Meeting"),
    ('email', "E-mail"),
    ('letter', "Letter"),
    ]


def followup_due(calendar, opened_at, days):
    """The deadline of a follow-up opened at (Vietnam time): days working
    days on the commune's calendar, counted from the next working time"""
    start = calendar.next_working_time(opened_at)
    return calendar.add(start, days * calendar.day_length())


class FollowUp(Workflow, ModelSQL, ModelView):
    "Survey Follow-Up"
    __name__ = 'onestop.survey.followup'
    __string__ = "Survey Follow-Up"
    _closed = {'readonly': Eval('state') == 'closed'}

    response = fields.Many2One('onestop.survey.response', "Evaluation",
        required=True, readonly=True, ondelete='CASCADE')
    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True)
    rating = fields.Function(
        fields.Selection(RATINGS, "Rating"), 'get_response_field')
    comment = fields.Function(fields.Text("Citizen's Comment"),
        'get_response_field')
    applicant_name = fields.Function(fields.Char("Citizen"),
        'get_dossier_field')
    applicant_phone = fields.Function(fields.Char("Phone"),
        'get_dossier_field')
    leader = fields.Many2One('res.user', "Leader in Charge", states=_closed)
    opened_at = fields.DateTime("Opened At", required=True, readonly=True)
    due_at = fields.DateTime("Deadline", required=True, readonly=True)
    step = fields.Many2One('onestop.procedure.step', "Step Concerned",
        states=_closed, ondelete='RESTRICT',
        domain=[('procedure', '=', Eval('procedure', -1))])
    procedure = fields.Function(
        fields.Many2One('onestop.procedure', "Procedure"),
        'get_dossier_field')
    officer = fields.Many2One('res.user', "Officer Concerned",
        states=_closed)
    contacted_at = fields.DateTime("Contacted At", states=_closed)
    contact_method = fields.Selection(CONTACT_METHODS, "Contact Method",
        states=_closed)
    contact_note = fields.Text("Contact with the Citizen", states=_closed)
    resolution = fields.Text("Resolution", states=_closed)
    closed_at = fields.DateTime("Closed At", readonly=True)
    overdue = fields.Boolean("Overdue", readonly=True,
        help="Flagged by the scheduled job once the deadline passed "
        "before the follow-up was closed.")
    on_time = fields.Function(fields.Boolean("Closed on Time"),
        'get_on_time')
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    del _closed

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('response_unique', Unique(t, t.response),
                'onestop_survey.msg_followup_response_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.response, Index.Equality())),
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.opened_at, Index.Range())),
                Index(t, (t.due_at, Index.Range()),
                    where=t.state.in_(['open', 'contacted'])),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('due_at', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'contacted'),
            ('open', 'closed'),
            ('contacted', 'closed'),
            }
        cls._buttons.update({
                'contact': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-forward', 'depends': ['state']},
                'close': {
                    'invisible': Eval('state') == 'closed',
                    'icon': 'tryton-ok', 'depends': ['state']},
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_overdue(cls):
        return False

    def get_rec_name(self, name):
        return self.dossier.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name', *clause[1:])]

    def get_response_field(self, name):
        return getattr(self.response, name)

    def get_dossier_field(self, name):
        value = getattr(self.dossier, name)
        return value.id if isinstance(value, ModelSQL) else value

    def get_on_time(self, name):
        if self.closed_at:
            return self.closed_at <= self.due_at

    @classmethod
    def open_for(cls, responses):
        "One follow-up per unhappy evaluation, due in working days"
        pool = Pool()
        Configuration = pool.get('onestop.survey.configuration')
        days = Configuration(1).followup_days
        now = utc_now()
        followups = []
        for response in responses:
            dossier = response.dossier
            company = dossier.company
            tz = ZoneInfo(company.timezone or VN_TIMEZONE)
            local = now.replace(tzinfo=dt.timezone.utc).astimezone(
                tz).replace(tzinfo=None)
            calendar = company.working_calendar(
                range(local.year, local.year + 2))
            due = followup_due(calendar, local, days)
            followups.append(cls(response=response, dossier=dossier,
                    company=company, opened_at=now, officer=response.officer,
                    due_at=due.replace(tzinfo=tz).astimezone(
                        dt.timezone.utc).replace(tzinfo=None)))
        cls.save(followups)
        return followups

    @classmethod
    @ModelView.button
    @Workflow.transition('contacted')
    def contact(cls, followups):
        "The leader reached the citizen"
        for followup in followups:
            followup.check_contact()
            if not followup.contacted_at:
                followup.contacted_at = utc_now()
        cls.save(followups)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, followups):
        "The citizen's complaint is resolved"
        for followup in followups:
            followup.check_contact()
            if not followup.resolution:
                raise ValidationError(gettext(
                        'onestop_survey.msg_followup_resolution',
                        followup=followup.rec_name))
            if not followup.contacted_at:
                followup.contacted_at = utc_now()
            followup.closed_at = utc_now()
        cls.save(followups)

    def check_contact(self):
        if not self.contact_method or not self.contact_note:
            raise ValidationError(gettext(
                    'onestop_survey.msg_followup_contact',
                    followup=self.rec_name))

    @classmethod
    def flag_overdue(cls):
        """Flag the follow-ups past their deadline, in one statement, and
        tell the subscribers of each commune how many of theirs"""
        Cron = Pool().get('ir.cron')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        late = (table.state.in_(['open', 'contacted'])
            & (table.overdue == Literal(False))
            & (table.due_at < utc_now()))
        cursor.execute(*table.select(table.company, Count(table.id),
                where=late, group_by=[table.company]))
        per_company = cursor.fetchall()
        cursor.execute(*table.update(
                [table.overdue], [Literal(True)], where=late))
        count = cursor.rowcount
        if count:
            # records read before the UPDATE must be read again
            transaction = Transaction()
            transaction.counter += 1
            for cache in transaction.cache.values():
                cache.pop(cls.__name__, None)
        for company, flagged in per_company:
            Cron.notify('tryton-warning',
                'onestop_survey.act_followup_form', None,
                'onestop_survey.msg_followups_overdue',
                user_domain=('companies', '=', company), count=flagged)
        return count
