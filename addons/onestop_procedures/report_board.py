# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The leaders' board: the monthly trend, the wizards that compute the
index scorecards of a period and list the dossiers about to be late"""
import datetime as dt
from zoneinfo import ZoneInfo

from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Function, ToChar

from trytond import backend

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .dossier import OPEN_STATES, VN_TIMEZONE, utc_now
from .statistics import readable, scope_condition, scope_rows, utc
from .scorecard import period_dates

# dossiers still open whose clock runs (not waiting for the applicant)
RUNNING_STATES = [s for s in OPEN_STATES if s != 'supplement']
TREND_MONTHS = 12


def becoming_late(companies, days, now=None):
    """The domain of the dossiers whose appointment falls within the next
    `days` working days of their commune: not late yet, clock running"""
    Company = Pool().get('company.company')
    now = now or utc_now()
    branches = []
    for company in Company.browse(companies):
        tz = ZoneInfo(company.timezone or VN_TIMEZONE)
        local = now.replace(tzinfo=dt.timezone.utc).astimezone(tz)
        calendar = company.working_calendar(
            range(local.year, local.year + 2 + days // 200))
        local = local.replace(tzinfo=None)
        limit = calendar.add(calendar.next_working_time(local),
            calendar.day_length() * days)
        limit = limit.replace(tzinfo=tz).astimezone(
            dt.timezone.utc).replace(tzinfo=None)
        branches.append([('company', '=', company.id),
                ('due_at', '<=', limit)])
    if not branches:
        return [('id', '=', -1)]
    return [('state', 'in', RUNNING_STATES), ('due_at', '>=', now),
        ['OR', *branches]]


class Trend(ModelSQL, ModelView):
    "Monthly Trend"
    __name__ = 'onestop.statistics.trend'
    __string__ = "Monthly Trend"

    company = fields.Many2One('company.company', "Commune")
    month = fields.Char("Month")
    received = fields.Integer("Received",
        help="Dossiers received in the month.")
    finished = fields.Integer("Finished",
        help="Dossiers finished in the month.")
    finished_in_time = fields.Integer("Finished Early or On Time")
    finished_late = fields.Integer("Finished Late")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """Received and finished per commune and month (the last
        TREND_MONTHS months unless the context gives a period), counted
        by the rules of the statistics, from the dossiers in scope"""
        pool = Pool()
        d = pool.get('onestop.dossier').__table__()
        context = Transaction().context
        today = pool.get('ir.date').today()
        to_date = context.get('to_date') or today
        from_date = context.get('from_date') or (
            to_date.replace(day=1) - dt.timedelta(days=31 * (
                    TREND_MONTHS - 1))).replace(day=1)
        start, end = utc(from_date), utc(to_date + dt.timedelta(days=1))
        companies = context.get('report_companies')
        if context.get('commune'):
            companies = [context['commune']]
        rows = scope_rows(d, start, end, scope_condition(
                d, companies, context.get('province_code')))
        timeliness = Coalesce(rows.timeliness, 'on_time')
        base = rows.select(rows.id, rows.company, rows.received_at,
            rows.finished_at,
            vietnam_month(rows.received_at).as_('received_month'),
            vietnam_month(rows.finished_at).as_('finished_month'),
            (timeliness == 'late').as_('late'))
        zero = Cast(Literal(0), 'BIGINT')
        # a dossier is received in one month and finished in one month:
        # the two parts have ids of opposite parity, so ids stay unique
        received = base.select(
            Min(base.id * 2).as_('id'), base.company.as_('company'),
            base.received_month.as_('month'), Count(base.id).as_('received'),
            zero.as_('finished'), zero.as_('finished_in_time'),
            zero.as_('finished_late'),
            where=base.received_at >= start,
            group_by=[base.company, base.received_month])
        finished = base.select(
            Min(base.id * 2 + 1).as_('id'), base.company.as_('company'),
            base.finished_month.as_('month'), zero.as_('received'),
            Count(base.id).as_('finished'),
            Count(base.id, filter_=~base.late).as_('finished_in_time'),
            Count(base.id, filter_=base.late).as_('finished_late'),
            where=(base.finished_at != Null) & (base.finished_at < end),
            group_by=[base.company, base.finished_month])
        union = Union(received, finished, all_=True)
        return union.select(
            Min(union.id).as_('id'), union.company.as_('company'),
            union.month.as_('month'),
            *[Sum(getattr(union, n)).as_(n) for n in [
                    'received', 'finished', 'finished_in_time',
                    'finished_late']],
            group_by=[union.company, union.month])


def vietnam_month(column):
    "'YYYY-MM' of a stored (UTC) datetime in Vietnam time"
    if backend.name == 'sqlite':
        return Strftime('%Y-%m', column, '+7 hours')
    return ToChar(column + dt.timedelta(hours=7), 'YYYY-MM')


class Strftime(Function):
    __slots__ = ()
    _function = 'STRFTIME'


class ComputeStart(ModelView):
    "Compute Index Scorecards"
    __name__ = 'onestop.scorecard.compute.start'
    __string__ = "Compute Index Scorecards"

    period = fields.Char("Period", required=True,
        help="A month (2026-03), a quarter (2026-Q1) or a year (2026).")
    province_code = fields.Char("Province Code", size=2,
        help="The communes of this province; empty: every commune you "
        "may read.")

    @classmethod
    def default_period(cls):
        today = Pool().get('ir.date').today()
        return (today.replace(day=1) - dt.timedelta(days=1)).strftime('%Y-%m')


class Compute(Wizard):
    "Compute the index scorecards of the communes for a period"
    __name__ = 'onestop.scorecard.compute'

    start = StateView('onestop.scorecard.compute.start',
        'onestop_procedures.scorecard_compute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'compute', 'tryton-ok', default=True),
            ])
    compute = StateAction('onestop_procedures.act_scorecard_form')

    def do_compute(self, action):
        pool = Pool()
        Company = pool.get('company.company')
        Scorecard = pool.get('onestop.scorecard')
        period = (self.start.period or '').strip()
        if not period_dates(period):
            raise ValidationError(gettext(
                    'onestop_procedures.msg_scorecard_period', period=period))
        domain = [('id', 'in', readable())]
        if self.start.province_code:
            domain.append(('province_code', '=', self.start.province_code))
        companies = Company.search(domain)
        Scorecard.update(companies, period)
        action['pyson_domain'] = PYSONEncoder().encode([
                ('period', '=', period),
                ('company', 'in', [c.id for c in companies]),
                ])
        action['name'] += f' {period}'
        return action, {}

    def transition_compute(self):
        return 'end'


class WarningStart(ModelView):
    "Dossiers About to Be Late"
    __name__ = 'onestop.scorecard.warning.start'
    __string__ = "Dossiers About to Be Late"

    days = fields.Integer("Working Days", required=True,
        domain=[('days', '>=', 0), ('days', '<=', 60)],
        help="Dossiers whose appointment falls within this many working "
        "days of their commune, not late yet and not waiting for the "
        "applicant.")
    commune = fields.Many2One('company.company', "Commune",
        help="Empty: every commune you may read.")

    @classmethod
    def default_days(cls):
        return 2


class Warning_(Wizard):
    "List the dossiers that become late in the next working days"
    __name__ = 'onestop.scorecard.warning'

    start = StateView('onestop.scorecard.warning.start',
        'onestop_procedures.scorecard_warning_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Open", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('onestop_procedures.act_dossier_report')

    def do_open_(self, action):
        companies = readable(
            [self.start.commune.id] if self.start.commune else None)
        action['pyson_domain'] = PYSONEncoder().encode(
            becoming_late(companies, self.start.days))
        action['name'] = gettext(
            'onestop_procedures.msg_warning_title', days=self.start.days)
        return action, {}

    def transition_open_(self):
        return 'end'
