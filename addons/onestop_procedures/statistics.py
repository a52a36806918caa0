# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Handling statistics (form 06/VPCP/KSTT of Circular 01/2020/TT-VPCP,
domain reference §4), computed by the database.

Every figure is a COUNT over onestop_dossier with one of the conditions of
CELLS, so that a cell of the table, its drill-down list and the index
estimate of scorecard.py count exactly the same dossiers. The counting
rules, which the reference leaves open, are chosen here once (RULES)."""
import datetime as dt
from zoneinfo import ZoneInfo

from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import DatePart, Function

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .dossier import VN_TIMEZONE, utc_now

VIETNAM = ZoneInfo(VN_TIMEZONE)
# Rule 1 (domain reference §4 leaves it open): withdrawn and stopped
# dossiers produced no result that was due, so they are left out of every
# column and of the index; a refusal after receipt is a result (finished).
LEFT_OUT_STATES = ['draft', 'withdrawn', 'stopped']
# form 06 columns 4-6, 8-10 and 12-13; the totals 3, 7 and 11 add them up
COLUMNS = [
    ('received_online', 4), ('received_offline', 5), ('carried_over', 6),
    ('finished_early', 8), ('finished_on_time', 9), ('finished_late', 10),
    ('in_progress_on_time', 12), ('in_progress_overdue', 13),
    ]
TOTALS = {
    'received': (3, ['received_online', 'received_offline', 'carried_over']),
    'finished': (7, ['finished_early', 'finished_on_time', 'finished_late']),
    'in_progress': (11, ['in_progress_on_time', 'in_progress_overdue']),
    }
FIGURES = ['received', 'received_online', 'received_offline',
    'carried_over', 'finished', 'finished_early', 'finished_on_time',
    'finished_late', 'in_progress', 'in_progress_on_time',
    'in_progress_overdue']
ROWS = [
    ('field', "By Field"),
    ('unit', "By Commune"),
    ('procedure', "By Procedure"),
    ]
# the public API and the command refuse longer periods
MAX_DAYS = 366 * 5 + 1
# the years a report can cover: beyond them the days do not convert to UTC
YEARS = range(1900, 3000)


def utc(day):
    "Midnight starting day in Vietnam, as stored (naive UTC)"
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def period_bounds(from_date, to_date):
    "[start, end) in UTC of the days from_date to to_date in Vietnam time"
    return utc(from_date), utc(to_date + dt.timedelta(days=1))


def check_period(from_date, to_date):
    if (not from_date or not to_date or to_date < from_date
            or from_date.year not in YEARS or to_date.year not in YEARS):
        raise ValidationError(gettext('onestop_procedures.msg_report_period',
                start=from_date.strftime('%d/%m/%Y') if from_date else '',
                end=to_date.strftime('%d/%m/%Y') if to_date else ''))
    if (to_date - from_date).days >= MAX_DAYS:
        raise ValidationError(gettext(
                'onestop_procedures.msg_report_period_long',
                years=MAX_DAYS // 366))


def counted(d):
    "Dossiers the statistics count at all (rule 1)"
    return (d.received_at != Null) & ~d.state.in_(LEFT_OUT_STATES)


def in_scope(d, start, end):
    """Column 3: received in the period, or carried over (received before
    it and not finished when it started)"""
    return (counted(d) & (d.received_at < end)
        & ((d.finished_at == Null) | (d.finished_at >= start)))


# the columns the reports read from the dossiers in scope: all of them are
# in the dossier index below, so that the database reads no table row
SCOPE_COLUMNS = ['id', 'company', 'procedure', 'channel', 'assignee',
    'received_at', 'finished_at', 'due_at', 'timeliness',
    'supplement_requested_at', 'supplemented_at', 'digitized',
    'electronic_result']


def waiting(d, end):
    "Waiting for the applicant's supplement at the end of the period"
    return ((d.supplement_requested_at != Null)
        & (d.supplement_requested_at >= d.received_at)
        & (d.supplement_requested_at < end)
        & ((d.supplemented_at == Null) | (d.supplemented_at >= end)))


def finished_by(d, end):
    "Finished before the end of the period (NULL-safe: it is negated)"
    return (d.finished_at != Null) & (d.finished_at < end)


def judged_at(end):
    """The moment the unfinished dossiers are judged at: the end of the
    period, or now while the period is not over (asked on the 10th, the
    current month must not count a dossier due tomorrow as overdue)"""
    return min(end, utc_now())


def overdue_at(d, end):
    """Rule 3: an unfinished dossier is overdue when its appointment is
    before the end of the period (before now for a period not over yet);
    one waiting for the applicant is judged at the supplement request
    instead (Decision 766 method)"""
    wait = waiting(d, end)
    return ~finished_by(d, end) & (d.due_at != Null) & (
        (wait & (d.supplement_requested_at > d.due_at))
        | (~wait & (d.due_at < judged_at(end))))


def scope_rows(d, start, end, condition=Literal(True)):
    """The dossiers in scope (in_scope) with their state at the end of the
    period (finished, overdue), as two disjoint parts that the database
    reads from the dossier index alone: finished from the start on, and
    not finished"""
    columns = [getattr(d, c).as_(c) for c in SCOPE_COLUMNS] + [
        finished_by(d, end).as_('finished'),
        overdue_at(d, end).as_('overdue')]
    where = counted(d) & (d.received_at < end) & condition
    return Union(
        d.select(*columns, where=where & (d.finished_at >= start)),
        d.select(*columns, where=where & (d.finished_at == Null)),
        all_=True)


def filters(d, start, end):
    """The condition of each column among the dossiers in scope, d being
    scope_rows(..., start, end).

    Rule 2: early/on time/late is the stored timeliness, judged against
    the legal appointment (due_at) at the finish; an apology's new date
    does not make a late dossier on time."""
    received = d.received_at >= start
    online = d.channel == 'online'
    finished = d.finished
    timeliness = Coalesce(d.timeliness, 'on_time')
    open_ = ~d.finished
    overdue = d.overdue
    return {
        'received': Literal(True),
        'received_online': received & online,
        'received_offline': received & ~online,
        'carried_over': d.received_at < start,
        'finished': finished,
        'finished_early': finished & (timeliness == 'early'),
        'finished_on_time': finished & ~timeliness.in_(['early', 'late']),
        'finished_late': finished & (timeliness == 'late'),
        'in_progress': open_,
        'in_progress_on_time': open_ & ~overdue,
        'in_progress_overdue': overdue,
        # the dossiers judged by the on-time rate, and the late ones
        'judged': finished | overdue,
        'late': (finished & (timeliness == 'late')) | overdue,
        }


# Named conditions on the dossier table for a period: the drill-down of
# every figure (Dossier.statistics_cell). scorecard.py adds its own.
def _cell(name):
    return lambda d, start, end: filters(d, start, end)[name]


CELLS = {name: _cell(name) for name in FIGURES + ['judged', 'late']}
# Named conditions on the dossier table itself, d, for the figures that
# are not taken among the dossiers in scope of the period (a follow-up of
# a dossier returned before it): the modules that count them add theirs.
DOSSIER_CELLS = {}


def cell_value(cell, from_date, to_date, companies=None):
    """The statistics_cell search value of a cell over the days given, for
    the communes (ids) given or all of them"""
    value = f'{cell}:{from_date.isoformat()}:{to_date.isoformat()}'
    if companies:
        value += ':' + ','.join(str(c) for c in companies)
    return value


def cell_condition(d, value):
    """The SQL condition of a statistics_cell value on dossier table d: its
    id among the dossiers in scope that the figure counts, found in the
    index (a page of the drill-down reads only the rows it shows); among
    all the dossiers of the communes for a cell of DOSSIER_CELLS"""
    try:
        cell, from_date, to_date, *companies = value.split(':')
        from_date = dt.date.fromisoformat(from_date)
        to_date = dt.date.fromisoformat(to_date)
        condition = CELLS.get(cell) or DOSSIER_CELLS[cell]
        if companies:
            companies, = companies
            companies = [int(c) for c in companies.split(',')]
    except (ValueError, KeyError, AttributeError):
        raise ValidationError(gettext(
                'onestop_procedures.msg_report_cell', value=value))
    start, end = period_bounds(from_date, to_date)
    dossier = Pool().get('onestop.dossier').__table__()
    scope = scope_condition(dossier, companies or None)
    if cell in DOSSIER_CELLS:
        return d.id.in_(dossier.select(dossier.id,
                where=scope & condition(dossier, start, end)))
    rows = scope_rows(dossier, start, end, scope)
    return d.id.in_(rows.select(rows.id,
            where=condition(rows, start, end)))


class JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def elapsed_seconds(end, start):
    "Seconds from start to end, on either database"
    if backend.name == 'sqlite':
        return (JulianDay(end) - JulianDay(start)) * 86400
    # a float: EXTRACT would compute in numeric, several times slower
    return DatePart('epoch', end - start)


def rate(numerator, denominator):
    "A percentage with one decimal; None without a denominator"
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def on_time_rate(row):
    """The one on-time rate of every report (rule 4): finished early or on
    time among the finished and the overdue unfinished"""
    return rate(row['finished_early'] + row['finished_on_time'],
        row['finished'] + row['in_progress_overdue'])


def average_days(seconds, finished):
    "Average calendar days from receipt to finish"
    if not finished or seconds is None:
        return None
    return round(float(seconds) / finished / 86400, 2)


def readable(companies=None):
    """The communes (ids) among companies that the user reads, by the rule
    of the records (the user's communes and company filter); every
    readable commune when companies is None"""
    pool = Pool()
    Company = pool.get('company.company')
    User = pool.get('res.user')
    if Transaction().user == 0:
        if companies is None:
            return [c.id for c in Company.search([])]
        return list(companies)
    allowed = list(User.get_companies())
    if companies is None:
        return allowed
    return [c for c in companies if c in allowed]


def scope_condition(d, companies=None, province_code=None):
    """The communes a query covers: ids, a province, or every commune; the
    ids are given as values (a join on the communes would make the
    database read the dossiers commune by commune)"""
    Company = Pool().get('company.company')
    domain = [('province_code', '=', province_code)] if province_code else []
    if companies is None or domain:
        ids = {c.id for c in Company.search(domain)}
        companies = ids if companies is None else ids & set(companies)
    return d.company.in_(sorted(companies) or [-1])


def figure_columns(d, start, end):
    "The COUNT of each figure, for a query already restricted to in_scope"
    conditions = filters(d, start, end)
    columns = []
    for name in FIGURES:
        if name == 'received':
            columns.append(Count(d.id).as_(name))
        else:
            columns.append(Count(d.id, filter_=conditions[name]).as_(name))
    columns.append(Sum(elapsed_seconds(d.finished_at, d.received_at),
            filter_=conditions['finished']).as_('handling_seconds'))
    return columns


class PeriodContext(ModelView):
    "Report Period"
    __name__ = 'onestop.statistics.period.context'
    __string__ = "Report Period"

    from_date = fields.Date("From", required=True,
        help="First day of the period (Vietnam time).")
    to_date = fields.Date("To", required=True,
        help="Last day of the period, included.")
    commune = fields.Many2One('company.company', "Commune",
        help="Only this commune; empty: every commune you may read.")
    province_code = fields.Char("Province Code", size=2,
        help="Only the communes of this province.")
    rules = fields.Text("Counting Rules", readonly=True)

    @classmethod
    def default_from_date(cls):
        return Pool().get('ir.date').today().replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_rules(cls):
        return gettext('onestop_procedures.msg_report_rules')


class StatisticsContext(PeriodContext):
    "Handling Statistics Context"
    __name__ = 'onestop.statistics.context'
    __string__ = "Handling Statistics Context"

    rows = fields.Selection(ROWS, "Rows", required=True,
        help="One row per field of each commune (form 06), per commune, "
        "or per procedure.")

    @classmethod
    def default_rows(cls):
        return Transaction().context.get('rows') or 'field'


def context_period():
    "The period and scope a report reads from the context"
    context = Transaction().context
    today = Pool().get('ir.date').today()
    from_date = context.get('from_date') or today.replace(month=1, day=1)
    to_date = context.get('to_date') or today
    companies = context.get('report_companies')
    if context.get('commune'):
        companies = [context['commune']]
    return from_date, to_date, companies, context.get('province_code')


class _Figures:
    "Fields shared by the statistics tables"
    __slots__ = ()
    received = fields.Integer("Received (3)",
        help="Column 3 of form 06: columns 4 + 5 + 6.")
    finished = fields.Integer("Finished (7)",
        help="Column 7: columns 8 + 9 + 10.")
    finished_early = fields.Integer("Early (8)",
        help="Finished on a day before the appointment day.")
    finished_on_time = fields.Integer("On Time (9)",
        help="Finished on the appointment day, by its time.")
    finished_late = fields.Integer("Late (10)",
        help="Finished after the appointment.")
    in_progress = fields.Integer("In Progress (11)",
        help="Column 11: not finished at the end of the period, "
        "columns 12 + 13.")
    in_progress_overdue = fields.Integer("Overdue (13)",
        help="Not finished and past the appointment at the end of the "
        "period (now, while the period is not over); a dossier waiting for "
        "a supplement counts when the supplement was requested after its "
        "appointment.")
    handling_seconds = fields.Float("Handling Time (s)")
    on_time_rate = fields.Function(fields.Float("On-Time Rate (%)",
            digits=(5, 1),
            help="Early and on time among the finished and the overdue "
            "unfinished dossiers."), 'get_rates')
    average_days = fields.Function(fields.Float("Average Days",
            digits=(6, 2),
            help="Average calendar days from receipt to finish of the "
            "dossiers finished in the period."), 'get_rates')

    def get_rates(self, name):
        if name == 'on_time_rate':
            return on_time_rate({n: getattr(self, n) or 0 for n in [
                        'finished_early', 'finished_on_time', 'finished',
                        'in_progress_overdue']})
        return average_days(self.handling_seconds, self.finished)


class Statistics(_Figures, ModelSQL, ModelView):
    "Handling Statistics"
    __name__ = 'onestop.statistics'
    __string__ = "Handling Statistics"

    company = fields.Many2One('company.company', "Commune")
    field = fields.Many2One('onestop.procedure.field', "Field")
    procedure = fields.Many2One('onestop.procedure', "Procedure")
    received_online = fields.Integer("Online (4)",
        help="Received in the period online.")
    received_offline = fields.Integer("Counter and Post (5)",
        help="Received in the period at the counter, by post or at home.")
    carried_over = fields.Integer("Carried Over (6)",
        help="Received before the period and not finished when it began.")
    in_progress_on_time = fields.Integer("Within Deadline (12)",
        help="Not finished and not yet due at the end of the period (now, "
        "while the period is not over).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('field', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'open_dossiers': {},
                })

    @classmethod
    def table_query(cls):
        pool = Pool()
        d = pool.get('onestop.dossier').__table__()
        p = pool.get('onestop.procedure').__table__()
        from_date, to_date, companies, province = context_period()
        start, end = period_bounds(from_date, to_date)
        rows = Transaction().context.get('rows') or 'field'
        u = scope_rows(d, start, end,
            scope_condition(d, companies, province))
        group_by = [u.company]
        field, procedure = Cast(Null, 'INTEGER'), Cast(Null, 'INTEGER')
        if rows == 'field':
            field = p.field
            group_by.append(p.field)
        elif rows == 'procedure':
            field, procedure = Max(p.field), Max(p.id)
            group_by.append(p.code)
        return u.join(p, condition=p.id == u.procedure).select(
            Min(u.id).as_('id'),
            u.company.as_('company'),
            field.as_('field'),
            procedure.as_('procedure'),
            *figure_columns(u, start, end),
            group_by=group_by)

    @classmethod
    def compute(cls, from_date, to_date, companies=None, rows='field',
            province_code=None):
        """The rows of the table as dictionaries, in one query: the path
        of the public API, the exports and the command"""
        check_period(from_date, to_date)
        context = {'from_date': from_date, 'to_date': to_date,
            'report_companies': companies, 'commune': None,
            'province_code': province_code, 'rows': rows}
        with Transaction().set_context(context):
            query = cls.table_query()
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        names = [c[0] for c in cursor.description]
        result = []
        for values in cursor:
            row = dict(zip(names, values))
            row['on_time_rate'] = on_time_rate(row)
            row['average_days'] = average_days(
                row['handling_seconds'], row['finished'])
            result.append(row)
        result.sort(key=lambda r: (r['company'], r['field'] or 0,
                r['procedure'] or 0))
        return result

    def cell_domain(self, cell, from_date, to_date):
        "The dossiers behind a figure of this row over the days given"
        domain = [
            ('company', '=', self.company.id),
            ('statistics_cell', '=', cell_value(
                    cell, from_date, to_date, [self.company.id])),
            ]
        if self.procedure:
            domain.append(('procedure.code', '=', self.procedure.code))
        elif self.field:
            domain.append(('procedure.field', '=', self.field.id))
        return domain

    @classmethod
    @ModelView.button_action('onestop_procedures.wizard_statistics_open')
    def open_dossiers(cls, rows):
        pass


def total_row(rows, names=FIGURES + ['handling_seconds']):
    "The sum of rows, with its rates"
    total = {n: sum(r.get(n) or 0 for r in rows) for n in names}
    total['on_time_rate'] = on_time_rate(total)
    total['average_days'] = average_days(
        total['handling_seconds'], total['finished'])
    return total


class StatisticsOfficer(_Figures, ModelSQL, ModelView):
    "Handling Statistics per Officer"
    __name__ = 'onestop.statistics.officer'
    __string__ = "Handling Statistics per Officer"

    company = fields.Many2One('company.company', "Commune")
    user = fields.Many2One('res.user', "Officer")
    intakes = fields.Integer("Intakes",
        help="Dossiers the officer received in the period (log).")
    steps = fields.Integer("Steps",
        help="Steps of the process control sheet the officer completed in "
        "the period (log).")
    steps_on_time = fields.Integer("Steps on Time")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('user', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """Dossiers assigned to each officer, with the form 06 figures, and
        the officer's work from the log, in one UNION"""
        pool = Pool()
        d = pool.get('onestop.dossier').__table__()
        d2 = pool.get('onestop.dossier').__table__()
        log = pool.get('onestop.dossier.log').__table__()
        from_date, to_date, companies, province = context_period()
        start, end = period_bounds(from_date, to_date)
        zero = Cast(Literal(0), 'INTEGER')
        figures = FIGURES + ['handling_seconds']
        u = scope_rows(d, start, end, (d.assignee != Null)
            & scope_condition(d, companies, province))
        assigned = u.select(
            Min(u.id * 2).as_('id'), u.company.as_('company'),
            u.assignee.as_('user'),
            *figure_columns(u, start, end),
            zero.as_('intakes'), zero.as_('steps'), zero.as_('steps_on_time'),
            group_by=[u.company, u.assignee])
        step = log.step != Null
        work = log.join(d2, condition=d2.id == log.dossier).select(
            Min(log.id * 2 + 1).as_('id'), d2.company.as_('company'),
            log.user.as_('user'),
            *[zero.as_(n) for n in FIGURES],
            Cast(Null, 'NUMERIC').as_('handling_seconds'),
            Count(log.id, filter_=log.action == 'receive').as_('intakes'),
            Count(log.id, filter_=step).as_('steps'),
            Count(log.id, filter_=step & (log.on_time == Literal(True))).as_(
                'steps_on_time'),
            where=(log.date >= start) & (log.date < end)
            & (log.user != Null) & counted(d2)
            & scope_condition(d2, companies, province),
            group_by=[d2.company, log.user])
        union = Union(assigned, work, all_=True)
        return union.select(
            Min(union.id).as_('id'), union.company.as_('company'),
            union.user.as_('user'),
            *[Sum(getattr(union, n)).as_(n) for n in figures],
            *[Sum(getattr(union, n)).as_(n)
                for n in ['intakes', 'steps', 'steps_on_time']],
            group_by=[union.company, union.user])

    @classmethod
    def compute(cls, from_date, to_date, companies=None, province_code=None):
        "The rows as dictionaries, in one query"
        check_period(from_date, to_date)
        with Transaction().set_context(from_date=from_date, to_date=to_date,
                report_companies=companies, commune=None,
                province_code=province_code):
            query = cls.table_query()
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        names = [c[0] for c in cursor.description]
        result = []
        for values in cursor:
            row = dict(zip(names, values))
            for name in FIGURES + ['intakes', 'steps', 'steps_on_time']:
                row[name] = int(row[name] or 0)
            row['on_time_rate'] = on_time_rate(row)
            row['average_days'] = average_days(
                row['handling_seconds'], row['finished'])
            result.append(row)
        result.sort(key=lambda r: (r['company'], r['user']))
        return result
