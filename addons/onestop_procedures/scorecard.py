# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The commune's estimate of the Decision 766/QĐ-TTg index (domain
reference §2): five groups, 100 points, a ranking of the communes of a
province, the dossiers that cost points and those about to be late.

Each module adds its own indicators by extending one classmethod,
`onestop.scorecard.indicators(companies, from_date, to_date)`::

    class Scorecard(metaclass=PoolMeta):
        __name__ = 'onestop.scorecard'

        @classmethod
        def indicators(cls, companies, from_date, to_date):
            indicators = super().indicators(companies, from_date, to_date)
            paid = Indicator('3.6', '3b', gettext(
                    'onestop_payments.msg_indicator_3_6'),
                6, missed=missed_cell('index_not_paid_online',
                    from_date, to_date))   # or a lambda: company -> domain
            for company, numerator, denominator in <one SQL query>:
                paid.set(company, numerator, denominator)
            return indicators + [paid]

Points follow the index's rule (indicator_points): max × min(1, ratio /
target); an indicator without a denominator scores its full points unless
it says empty='zero'. With no commune the method only lists the
indicators (the assessment's criteria offer them): run no query then.
The board's graphs read indicators 5.4 (satisfaction) and 3.6 (paid
online)."""
import datetime as dt
import re

from sql import Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction

from .dossier import utc_now
from .statistics import (
    CELLS, YEARS, cell_value, check_period, elapsed_seconds, filters,
    period_bounds, scope_rows)

# Decision 766/QĐ-TTg groups and their maxima (domain reference §2.1; the
# portal splits group 3 into online services 12 and online payment 10)
GROUPS = [
    ('1', "Publicity and Transparency", 18),
    ('2', "Progress and Results", 20),
    ('3a', "Online Services", 12),
    ('3b', "Online Payment", 10),
    ('4', "Digitisation", 22),
    ('5', "Satisfaction", 18),
    ]
# §2.3: 90 and 50 are known, 80 and 70 are likely but unverified
GRADES = [
    (90, 'excellent', "Excellent"),
    (80, 'good', "Good"),
    (70, 'fair', "Fair"),
    (50, 'average', "Average"),
    (0, 'weak', "Weak"),
    ]
PERIOD = re.compile(r'^(\d{4})(?:-(\d{2})|-Q([1-4]))?$')


def indicator_points(numerator, denominator, max_points, target=1.0,
        empty='full'):
    """(ratio, points): max × min(1, ratio / target), two decimals; with no
    denominator the ratio is None and `empty` decides: 'full' or 'zero'"""
    if not denominator:
        return None, float(max_points) if empty == 'full' else 0.0
    ratio = numerator / denominator
    return ratio, round(max_points * min(1.0, ratio / target), 2)


def procedures_in_force(p, date):
    "The condition of the procedures (table p) in force on date"
    return (p.effective_date <= date) & (
        (p.abolished_date == Null) | (p.abolished_date > date))


def grade(score):
    "The class of a score on 100"
    for minimum, name, _ in GRADES:
        if score is not None and score >= minimum:
            return name
    return 'weak'


def period_dates(period):
    """(from_date, to_date) of 'YYYY-MM', 'YYYY-Qn' or 'YYYY'; None when
    the text is none of them"""
    match = PERIOD.match((period or '').strip())
    if not match:
        return None
    year, month, quarter = match.groups()
    year = int(year)
    if year not in YEARS:
        return None
    if month:
        month = int(month)
        if not 1 <= month <= 12:
            return None
        first, months = dt.date(year, month, 1), 1
    elif quarter:
        first, months = dt.date(year, 3 * int(quarter) - 2, 1), 3
    else:
        first, months = dt.date(year, 1, 1), 12
    month = first.month - 1 + months
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


class Indicator:
    """One indicator of the index: what it is and, per commune, its
    numerator and denominator. `missed(company_id)` gives the domain of the
    dossiers that cost points; measured=False lists an indicator the
    product has no data for (no points, left out of the maximum)."""

    def __init__(self, code, group, name, max_points, target=1.0,
            empty='full', measured=True, missed=None, kind='rate'):
        self.code, self.group, self.name = code, group, name
        self.kind = kind
        self.max_points, self.target, self.empty = max_points, target, empty
        self.measured, self.missed = measured, missed
        self.values = {}

    def set(self, company, numerator, denominator):
        self.values[company] = (int(numerator or 0), int(denominator or 0))

    def line(self, company):
        "The scorecard line of a commune, as a dictionary"
        numerator, denominator = self.values.get(company, (0, 0))
        if self.measured:
            ratio, points = indicator_points(numerator, denominator,
                self.max_points, self.target, self.empty)
        else:
            numerator = denominator = ratio = points = None
        return {
            'code': self.code, 'group': self.group, 'name': self.name,
            'kind': self.kind,
            'numerator': numerator, 'denominator': denominator,
            'ratio': ratio, 'target': self.target,
            'max_points': self.max_points, 'points': points,
            'measured': self.measured, 'empty': self.empty,
            'no_data': bool(self.measured and not denominator),
            'missed': (self.missed(company)
                if self.measured and self.missed else None),
            }


def index_filters(d, start, end):
    """The conditions of the dossier-based indicators of this module, among
    the dossiers in scope of the period (statistics.in_scope)"""
    Component = Pool().get('onestop.dossier.component')
    c = Component.__table__()
    figures = filters(d, start, end)
    received = d.received_at >= start
    electronic = Coalesce(d.electronic_result, Literal(False))
    # 3.3: filed online, not finished with a paper result only
    online = (received & (d.channel == 'online')
        & ~(figures['finished'] & ~electronic))
    digitized = received & Coalesce(d.digitized, Literal(False))
    reused = received & d.id.in_(
        c.select(c.dossier, where=c.reused == Literal(True)))
    return {
        'received': received,
        'online_received': received & (d.channel == 'online'),
        'online': online,
        'finished': figures['finished'],
        'electronic': figures['finished'] & electronic,
        'digitized': digitized,
        'reused': reused,
        'judged': figures['judged'],
        'on_time': figures['finished_early'] | figures['finished_on_time'],
        'not_online': received & ~online,
        'no_electronic_result': figures['finished'] & ~electronic,
        'not_digitized': received & ~digitized,
        'not_reused': received & ~reused,
        }


def _index_cell(name):
    return lambda d, start, end: index_filters(d, start, end)[name]


# the drill-down of the dossiers that cost points (Dossier.statistics_cell)
CELLS.update({f'index_{name}': _index_cell(name) for name in [
            'not_online', 'no_electronic_result', 'not_digitized',
            'not_reused']})


def missed_cell(cell, from_date, to_date):
    """The `missed` of an indicator whose dossiers that cost points are a
    statistics cell (CELLS or DOSSIER_CELLS) over the days given"""
    def domain(company):
        return [('company', '=', company),
            ('statistics_cell', '=',
                cell_value(cell, from_date, to_date, [company]))]
    return domain


class Scorecard(ModelSQL, ModelView):
    "Index Scorecard"
    __name__ = 'onestop.scorecard'
    __string__ = "Index Scorecard"

    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True, ondelete='CASCADE')
    province_code = fields.Function(
        fields.Char("Province Code"), 'get_province_code')
    period = fields.Char("Period", required=True, readonly=True,
        help="A month (2026-03), a quarter (2026-Q1) or a year (2026).")
    from_date = fields.Date("From", readonly=True)
    to_date = fields.Date("To", readonly=True)
    computed_at = fields.DateTime("Computed At", readonly=True)
    points = fields.Float("Points", digits=(5, 2), readonly=True,
        help="Sum of the points of the measured indicators.")
    maximum = fields.Float("Measured Maximum", digits=(5, 2), readonly=True,
        help="Points the measured indicators can give; indicators without "
        "data in the product are listed but left out.")
    score = fields.Float("Estimate (/100)", digits=(5, 2), readonly=True,
        help="Estimate of the Decision 766 index, not the official score: "
        "the points brought back to 100 (points / measured maximum × 100).")
    grade = fields.Selection([(None, '')] + [(n, s) for _, n, s in GRADES],
        "Class", readonly=True,
        help="Excellent from 90, weak below 50; the limits 80 (good) and "
        "70 (fair) are not confirmed by the legal text.")
    rank = fields.Integer("Rank", readonly=True,
        help="Rank among the communes of the province for the same period "
        "(equal estimates share a rank).")
    ranked = fields.Integer("Communes Ranked", readonly=True)
    lines = fields.One2Many('onestop.scorecard.line', 'scorecard', "Lines",
        readonly=True)
    latest = fields.Function(fields.Boolean("Latest Month"),
        'get_latest', searcher='search_latest')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_period_unique', Unique(t, t.company, t.period),
                'onestop_procedures.msg_scorecard_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.period, Index.Equality()),
                    (t.rank, Index.Range())),
                })
        cls._order = [('period', 'DESC'), ('rank', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'compute': {'icon': 'tryton-refresh'},
                'open_missed': {'icon': 'tryton-search'},
                })

    def get_rec_name(self, name):
        return f'{self.company.rec_name} {self.period}'

    def get_province_code(self, name):
        return self.company.province_code

    @classmethod
    def indicators(cls, companies, from_date, to_date):
        """The indicators of the index for the communes (ids) over the days
        from_date to to_date (Vietnam time). Extend it to add indicators;
        every SQL query covers all the communes at once."""
        catalogue = cls._catalogue_counts(companies, to_date)
        return (cls._catalogue_indicators(companies, catalogue)
            + cls._dossier_indicators(
                companies, from_date, to_date, catalogue))

    @classmethod
    def _catalogue_counts(cls, companies, to_date):
        """Procedures in force at the end of the period: all, published,
        with complete components, offered online"""
        pool = Pool()
        Procedure = pool.get('onestop.procedure')
        Step = pool.get('onestop.procedure.step')
        Document = pool.get('onestop.procedure.document')
        p, s, c = (Procedure.__table__(), Step.__table__(),
            Document.__table__())
        in_force = procedures_in_force(p, to_date)
        # §7.1 / indicator 1.3: steps, dossier composition, time limit and
        # applicant types given (name, method and agency always are)
        complete = (p.id.in_(s.select(s.procedure))
            & p.id.in_(c.select(c.procedure))
            & ((p.processing_time > 0) | (p.processing_unit == 'same_day'))
            & (p.applicant_types != Null) & (p.applicant_types != '[]'))
        online = p.online_level.in_(['full', 'partial'])
        if not companies:
            return {'total': 0, 'published': 0, 'complete': 0, 'online': 0}
        cursor = Transaction().connection.cursor()
        cursor.execute(*p.select(Count(p.id),
                Count(p.id, filter_=p.published == Literal(True)),
                Count(p.id, filter_=complete),
                Count(p.id, filter_=online),
                where=in_force))
        return dict(zip(['total', 'published', 'complete', 'online'],
                cursor.fetchone()))

    @classmethod
    def _catalogue_indicators(cls, companies, catalogue):
        "Group 1 and 3.1: the catalogue, the same for every commune"
        def _(name):
            return gettext(f'onestop_procedures.msg_indicator_{name}')
        result = [
            Indicator('1.1', '1', _('1_1'), 6, measured=False),
            Indicator('1.2', '1', _('1_2'), 4, empty='zero'),
            Indicator('1.3', '1', _('1_3'), 2, empty='zero'),
            Indicator('1.4', '1', _('1_4'), 6, measured=False),
            Indicator('3.1', '3a', _('3_1'), 2, target=0.8, empty='zero'),
            ]
        total = catalogue['total']
        for company in companies:
            result[1].set(company, catalogue['published'], total)
            result[2].set(company, catalogue['complete'], total)
            result[4].set(company, catalogue['online'], total)
        return result

    @classmethod
    def _dossier_indicators(cls, companies, from_date, to_date, catalogue):
        """Groups 2, 3a (3.2, 3.3) and 4, from one aggregate over the
        dossiers of the period, grouped by commune"""
        pool = Pool()
        d = pool.get('onestop.dossier').__table__()
        p = pool.get('onestop.procedure').__table__()
        start, end = period_bounds(from_date, to_date)
        names = ['received', 'online', 'finished', 'electronic', 'digitized',
            'reused', 'judged', 'on_time']
        values = {}
        if companies:
            u = scope_rows(d, start, end, d.company.in_(list(companies)))
            conditions = index_filters(u, start, end)
            cursor = Transaction().connection.cursor()
            cursor.execute(*u.join(p, condition=p.id == u.procedure).select(
                    u.company,
                    *[Count(u.id, filter_=conditions[n]) for n in names],
                    Count(p.code, distinct=True,
                        filter_=conditions['online_received']),
                    Sum(elapsed_seconds(u.finished_at, u.received_at),
                        filter_=conditions['finished']),
                    group_by=[u.company]))
            for row in cursor:
                values[row[0]] = dict(zip(
                        names + ['services', 'seconds'], row[1:]))

        def _(name):
            return gettext(f'onestop_procedures.msg_indicator_{name}')

        def missed(cell):
            return missed_cell(cell, from_date, to_date)
        on_time = Indicator('2.1', '2', _('2_1'), 20, missed=missed('late'))
        average = Indicator('2.2', '2', _('2_2'), 0, kind='average')
        services = Indicator('3.2', '3a', _('3_2'), 4, empty='zero')
        online = Indicator('3.3', '3a', _('3_3'), 6, target=0.5,
            missed=missed('index_not_online'))
        electronic = Indicator('4.1', '4', _('4_1'), 6,
            missed=missed('index_no_electronic_result'))
        digitized = Indicator('4.2', '4', _('4_2'), 4,
            missed=missed('index_not_digitized'))
        reused = Indicator('4.3', '4', _('4_3'), 2, target=0.8,
            missed=missed('index_not_reused'))
        for company in companies:
            v = values.get(company, {})
            on_time.set(company, v.get('on_time'), v.get('judged'))
            # tracked, no points: hours from receipt to finish (§2.2), the
            # ratio is the average
            average.set(company, round(float(v.get('seconds') or 0) / 3600),
                v.get('finished'))
            services.set(company,
                min(v.get('services') or 0, catalogue['online']),
                catalogue['online'])
            online.set(company, v.get('online'), v.get('received'))
            electronic.set(company, v.get('electronic'), v.get('finished'))
            digitized.set(company, v.get('digitized'), v.get('received'))
            reused.set(company, v.get('reused'), v.get('received'))
        return [on_time, average, services, online, electronic, digitized,
            reused,
            Indicator('4.2b', '4', _('4_2b'), 2, measured=False),
            Indicator('4.4', '4', _('4_4'), 4, measured=False),
            Indicator('4.5a', '4', _('4_5a'), 2, measured=False),
            Indicator('4.5b', '4', _('4_5b'), 2, measured=False),
            ]

    @classmethod
    def evaluate(cls, companies, from_date, to_date):
        """The estimate of each commune (id): its lines, points, measured
        maximum, score on 100 and class"""
        check_period(from_date, to_date)
        indicators = cls.indicators(list(companies), from_date, to_date)
        order = {g: i for i, (g, _, _) in enumerate(GROUPS)}
        indicators.sort(key=lambda i: (order.get(i.group, 99),
                [int(x) if x.isdigit() else x
                    for x in re.split(r'(\d+)', i.code)]))
        result = {}
        for company in companies:
            lines = [i.line(company) for i in indicators]
            measured = [l for l in lines if l['measured']]
            points = round(sum(l['points'] for l in measured), 2)
            maximum = sum(l['max_points'] for l in measured)
            score = round(100 * points / maximum, 2) if maximum else None
            result[company] = {
                'lines': lines, 'points': points, 'maximum': maximum,
                'score': score, 'grade': grade(score),
                'groups': group_totals(lines),
                }
        return result

    @classmethod
    def update(cls, companies, period):
        """Compute (or recompute) the scorecards of the communes for the
        period, then rank every commune of their provinces"""
        dates = period_dates(period)
        if not dates:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_scorecard_period', period=period))
        company_ids = [getattr(c, 'id', c) for c in companies]
        existing = {s.company.id: s for s in cls.search([
                    ('company', 'in', company_ids), ('period', '=', period)])}
        scorecards = [existing.get(c) or cls(company=c, period=period)
            for c in company_ids]
        cls._fill(scorecards, *dates)
        cls.rank_period([period])
        return scorecards

    @classmethod
    def _fill(cls, scorecards, from_date, to_date):
        Line = Pool().get('onestop.scorecard.line')
        encoder = PYSONEncoder()
        estimates = cls.evaluate(
            [s.company.id for s in scorecards], from_date, to_date)
        now = utc_now()
        Line.delete([l for s in scorecards if s.id is not None
                for l in s.lines])
        for scorecard in scorecards:
            estimate = estimates[scorecard.company.id]
            scorecard.from_date, scorecard.to_date = from_date, to_date
            scorecard.computed_at = now
            for name in ['points', 'maximum', 'score', 'grade']:
                setattr(scorecard, name, estimate[name])
            scorecard.lines = [Line(sequence=i, **{
                        k: v for k, v in line.items()
                        if k not in {'missed', 'empty'}},
                    missed_domain=(encoder.encode(line['missed'])
                        if line['missed'] else None))
                for i, line in enumerate(estimate['lines'])]
        cls.save(scorecards)

    @classmethod
    def rank_period(cls, periods):
        "Rank the communes of each province for each period"
        for period in periods:
            groups = {}
            for scorecard in cls.search([('period', '=', period)]):
                groups.setdefault(scorecard.company.province_code, []
                    ).append(scorecard)
            to_save = []
            for scorecards in groups.values():
                scores = sorted((s.score or 0 for s in scorecards),
                    reverse=True)
                for scorecard in scorecards:
                    scorecard.rank = scores.index(scorecard.score or 0) + 1
                    scorecard.ranked = len(scorecards)
                    to_save.append(scorecard)
            cls.save(to_save)

    @classmethod
    @ModelView.button
    def compute(cls, scorecards):
        "Compute the scorecards again from the current data"
        by_period = {}
        for scorecard in scorecards:
            by_period.setdefault(scorecard.period, []).append(scorecard)
        for period, records in by_period.items():
            cls._fill(records, *period_dates(period))
        cls.rank_period(list(by_period))

    @classmethod
    @ModelView.button_action('onestop_procedures.act_dossier_report')
    def open_missed(cls, scorecards):
        "The dossiers that cost points"
        decoder = PYSONDecoder()
        domain = ['OR']
        for scorecard in scorecards:
            domain.extend(decoder.decode(l.missed_domain)
                for l in scorecard.lines if l.missed_domain)
        return {
            'pyson_domain': PYSONEncoder().encode(
                domain if len(domain) > 1 else [('id', '=', -1)]),
            }

    @classmethod
    def get_latest(cls, scorecards, name):
        latest = {s.id for s in cls.search([
                    ('id', 'in', [s.id for s in scorecards]),
                    ('latest', '=', True)])}
        return {s.id: s.id in latest for s in scorecards}

    @classmethod
    def search_latest(cls, name, clause):
        "The last month computed for each commune"
        s = cls.__table__()
        s2 = cls.__table__()
        last = s2.select(Max(s2.to_date), where=(s2.company == s.company)
            & (s2.period.like('____-__')))
        query = s.select(s.id, where=s.period.like('____-__')
            & (s.to_date == last))
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('id', 'in', query)]
        return [('id', 'not in', query)]


def group_totals(lines):
    "Points and maxima of each group of the index"
    totals = []
    for code, name, legal_max in GROUPS:
        members = [l for l in lines if l['group'] == code]
        if not members:
            continue
        measured = [l for l in members if l['measured']]
        totals.append({
                'group': code,
                'name': gettext(f'onestop_procedures.msg_index_group_{code}'),
                'max_points': legal_max,
                'measured_max': sum(l['max_points'] for l in measured),
                'points': round(sum(l['points'] for l in measured), 2),
                })
    return totals


class ScorecardLine(ModelSQL, ModelView):
    "Index Scorecard Line"
    __name__ = 'onestop.scorecard.line'
    __string__ = "Index Scorecard Line"

    scorecard = fields.Many2One('onestop.scorecard', "Scorecard",
        required=True, ondelete='CASCADE', readonly=True)
    company = fields.Function(fields.Many2One('company.company', "Commune"),
        'get_company')
    sequence = fields.Integer("Sequence", readonly=True)
    group = fields.Selection([(g, n) for g, n, _ in GROUPS], "Group",
        readonly=True)
    code = fields.Char("Indicator", readonly=True)
    name = fields.Char("Name", readonly=True)
    numerator = fields.Integer("Numerator", readonly=True)
    denominator = fields.Integer("Denominator", readonly=True)
    kind = fields.Selection([
            ('rate', "Rate"),
            ('average', "Average"),
            ], "Kind", readonly=True,
        help="Average: the ratio is a mean (hours per dossier), not a share.")
    ratio = fields.Float("Ratio", readonly=True)
    rate = fields.Function(fields.Float("Rate (%)", digits=(5, 1)),
        'get_rate')
    target = fields.Float("Target", digits=(4, 2), readonly=True,
        help="Ratio that gives the full points.")
    max_points = fields.Float("Maximum", digits=(5, 2), readonly=True)
    points = fields.Float("Points", digits=(5, 2), readonly=True)
    measured = fields.Boolean("Measured", readonly=True,
        help="Unticked: the product has no data for this indicator yet.")
    no_data = fields.Boolean("No Data", readonly=True,
        help="Nothing to measure in the period: full points, or none "
        "where the index says so.")
    missed_domain = fields.Char("Dossiers That Cost Points", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('scorecard')
        cls._order = [
            ('scorecard', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'open_missed': {
                    'invisible': ~Eval('missed_domain'),
                    'depends': ['missed_domain'],
                    'icon': 'tryton-search',
                    },
                })

    def get_company(self, name):
        return self.scorecard.company.id

    def get_rate(self, name):
        if self.ratio is None:
            return None
        if self.kind == 'average':
            return round(self.ratio, 1)
        return round(100 * self.ratio, 1)

    @classmethod
    @ModelView.button_action('onestop_procedures.act_dossier_report')
    def open_missed(cls, lines):
        domain = ['OR'] + [PYSONDecoder().decode(l.missed_domain)
            for l in lines if l.missed_domain]
        return {'pyson_domain': PYSONEncoder().encode(
                domain if len(domain) > 1 else [('id', '=', -1)])}
