# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The province's "friendly government" assessment of its communes (domain
reference §8.1): each province defines its criteria as data; some are
scored from the index indicators of the year (on-time rate, satisfaction,
cashless payment, digitisation...), the others by hand with evidence; the
province aims at a share of its communes meeting the standard.  The
result of a commune prints as an official Vietnamese document, whatever
the language of the user who prints it."""
import datetime as dt
import math
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .report_export import number_text
from .scorecard import indicator_points
from .slip import Heading, VietnameseReport


METHODS = [
    ('hand', "Scored by Hand"),
    ('indicator', "From an Index Indicator"),
    ]


class CriteriaSet(ModelSQL, ModelView):
    "Friendly Government Criteria"
    __name__ = 'onestop.assessment.set'
    __string__ = "Friendly Government Criteria"

    name = fields.Char("Name", required=True)
    province_code = fields.Char("Province Code", size=2, required=True)
    year = fields.Integer("Year", required=True)
    threshold = fields.Float("Standard (Points)", digits=(5, 2),
        required=True,
        help="A commune meets the standard with at least these points.")
    target_share = fields.Float("Target Share (%)", digits=(5, 1),
        required=True,
        domain=[('target_share', '>=', 0), ('target_share', '<=', 100)],
        help="Share of the province's communes that should meet the "
        "standard.")
    groups = fields.One2Many('onestop.assessment.group', 'set', "Groups")
    assessments = fields.One2Many(
        'onestop.assessment', 'set', "Assessments", readonly=True)
    maximum = fields.Function(fields.Float("Maximum", digits=(5, 2)),
        'get_maximum')
    communes = fields.Function(fields.Integer("Communes",
            help="Communes of the province."), 'get_standing')
    meeting = fields.Function(fields.Integer("Meeting the Standard",
            help="Communes whose confirmed assessment meets the standard."),
        'get_standing')
    share = fields.Function(fields.Float("Share (%)", digits=(5, 1)),
        'get_standing')
    needed = fields.Function(fields.Integer("Still Needed",
            help="Communes that must still meet the standard to reach the "
            "target share."), 'get_standing')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('province_year_unique', Unique(t, t.province_code, t.year),
                'onestop_procedures.msg_assessment_set_unique'),
            ]
        cls._order = [
            ('year', 'DESC'), ('province_code', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'create_assessments': {'icon': 'tryton-add'},
                })

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_target_share(cls):
        return 60.0

    def get_maximum(self, name):
        return sum(c.max_points for g in self.groups for c in g.criteria)

    @classmethod
    def get_standing(cls, sets, names):
        Company = Pool().get('company.company')
        result = {n: {} for n in names}
        for set_ in sets:
            communes = Company.search_count(
                [('province_code', '=', set_.province_code)])
            meeting = len([a for a in set_.assessments
                    if a.state == 'confirmed' and a.meets_standard])
            values = {
                'communes': communes,
                'meeting': meeting,
                'share': round(100 * meeting / communes, 1)
                if communes else None,
                'needed': max(0, math.ceil(
                        round(set_.target_share * communes / 100, 6))
                    - meeting),
                }
            for name in names:
                result[name][set_.id] = values[name]
        return result

    @classmethod
    @ModelView.button
    def create_assessments(cls, sets):
        "An assessment for each commune of the province that has none"
        pool = Pool()
        Company = pool.get('company.company')
        Assessment = pool.get('onestop.assessment')
        assessments = []
        for set_ in sets:
            done = {a.company for a in set_.assessments}
            for company in Company.search(
                    [('province_code', '=', set_.province_code)]):
                if company not in done:
                    assessments.append(Assessment(set=set_, company=company))
        Assessment.save(assessments)
        Assessment.add_scores(assessments)


class CriteriaGroup(sequence_ordered(), ModelSQL, ModelView):
    "Friendly Government Criteria Group"
    __name__ = 'onestop.assessment.group'
    __string__ = "Friendly Government Criteria Group"

    set = fields.Many2One('onestop.assessment.set', "Criteria",
        required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    criteria = fields.One2Many(
        'onestop.assessment.criterion', 'group', "Criteria")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('set')


class Criterion(sequence_ordered(), ModelSQL, ModelView):
    "Friendly Government Criterion"
    __name__ = 'onestop.assessment.criterion'
    __string__ = "Friendly Government Criterion"

    group = fields.Many2One('onestop.assessment.group', "Group",
        required=True, ondelete='CASCADE')
    code = fields.Char("Code")
    name = fields.Char("Name", required=True)
    description = fields.Text("Description")
    max_points = fields.Float("Maximum Points", digits=(5, 2), required=True,
        domain=[('max_points', '>', 0)])
    method = fields.Selection(METHODS, "Scoring", required=True)
    indicator = fields.Selection('get_indicators', "Indicator",
        states={
            'required': Eval('method') == 'indicator',
            'invisible': Eval('method') != 'indicator',
            },
        help="The index indicator whose rate of the year gives the points.")
    target = fields.Float("Target Rate (%)", digits=(5, 1),
        domain=[('target', '>', 0), ('target', '<=', 100)],
        states={
            'required': Eval('method') == 'indicator',
            'invisible': Eval('method') != 'indicator',
            },
        help="The rate that gives the maximum points; below it the points "
        "are in proportion, as in the index.")
    evidence_required = fields.Boolean("Evidence Required",
        help="The assessment can be confirmed only with a document attached "
        "to this criterion's score.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('group')

    @classmethod
    def default_method(cls):
        return 'hand'

    @classmethod
    def default_target(cls):
        return 100.0

    @classmethod
    def get_indicators(cls):
        "The indicators the activated modules measure"
        Scorecard = Pool().get('onestop.scorecard')
        today = Pool().get('ir.date').today()
        return [(None, '')] + [(i.code, f'{i.code} {i.name}')
            for i in Scorecard.indicators([], today, today) if i.measured]

    def get_rec_name(self, name):
        return f'{self.code} {self.name}' if self.code else self.name


class Assessment(Workflow, ModelSQL, ModelView):
    "Friendly Government Assessment"
    __name__ = 'onestop.assessment'
    __string__ = "Friendly Government Assessment"
    _draft = {'readonly': Eval('state') != 'draft'}

    set = fields.Many2One('onestop.assessment.set', "Criteria",
        required=True, ondelete='RESTRICT', states=_draft)
    company = fields.Many2One('company.company', "Commune", required=True,
        ondelete='CASCADE', states=_draft)
    year = fields.Function(fields.Integer("Year"), 'get_year')
    scores = fields.One2Many('onestop.assessment.score', 'assessment',
        "Scores", states=_draft)
    points = fields.Function(fields.Float("Points", digits=(5, 2)),
        'get_points')
    meets_standard = fields.Function(
        fields.Boolean("Meets the Standard"), 'get_points')
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ], "State", readonly=True, sort=False)
    state_string = state.translated('state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('set_company_unique', Unique(t, t.set, t.company),
                'onestop_procedures.msg_assessment_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.company, Index.Equality())))
        cls._transitions |= {('draft', 'confirmed'), ('confirmed', 'draft')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh', 'depends': ['state']},
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok', 'depends': ['state']},
                'draft': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-back', 'depends': ['state']},
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return f'{self.company.rec_name} {self.set.year}'

    def get_year(self, name):
        return self.set.year

    @classmethod
    def get_points(cls, assessments, names):
        result = {n: {} for n in names}
        for assessment in assessments:
            points = round(sum(s.points or 0 for s in assessment.scores), 2)
            if 'points' in names:
                result['points'][assessment.id] = points
            if 'meets_standard' in names:
                result['meets_standard'][assessment.id] = (
                    points >= assessment.set.threshold)
        return result

    @classmethod
    def add_scores(cls, assessments):
        "A score line for every criterion that has none yet"
        Score = Pool().get('onestop.assessment.score')
        scores = []
        for assessment in assessments:
            present = {s.criterion for s in assessment.scores}
            for group in assessment.set.groups:
                for criterion in group.criteria:
                    if criterion not in present:
                        scores.append(Score(
                                assessment=assessment, criterion=criterion))
        Score.save(scores)

    @classmethod
    @ModelView.button
    def compute(cls, assessments):
        """Score the criteria taken from the index over the year, with the
        index's rule (points in proportion to the target, the indicator's
        own rule when there is nothing to measure)"""
        Scorecard = Pool().get('onestop.scorecard')
        cls.add_scores(assessments)
        by_year = {}
        for assessment in assessments:
            by_year.setdefault(assessment.set.year, []).append(assessment)
        to_save = []
        for year, records in by_year.items():
            estimates = Scorecard.evaluate(
                list({a.company.id for a in records}),
                dt.date(year, 1, 1), dt.date(year, 12, 31))
            for assessment in records:
                lines = {l['code']: l
                    for l in estimates[assessment.company.id]['lines']}
                for score in assessment.scores:
                    criterion = score.criterion
                    if criterion.method != 'indicator':
                        continue
                    line = lines.get(criterion.indicator)
                    if not line or not line['measured']:
                        score.value, score.points = None, 0
                        score.note = gettext(
                            'onestop_procedures.msg_assessment_no_indicator',
                            indicator=criterion.indicator)
                    else:
                        ratio, score.points = indicator_points(
                            line['numerator'], line['denominator'],
                            criterion.max_points, criterion.target / 100,
                            line['empty'])
                        score.value = (round(100 * ratio, 1)
                            if ratio is not None else None)
                        score.note = gettext(
                            'onestop_procedures.msg_assessment_measured',
                            numerator=line['numerator'],
                            denominator=line['denominator'])
                    to_save.append(score)
        Pool().get('onestop.assessment.score').save(to_save)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, assessments):
        "Every hand score given, every required evidence attached"
        cls.add_scores(assessments)
        for assessment in assessments:
            for score in assessment.scores:
                criterion = score.criterion
                if criterion.method == 'hand' and score.points is None:
                    raise ValidationError(gettext(
                            'onestop_procedures.msg_assessment_hand_score',
                            assessment=assessment.rec_name,
                            criterion=criterion.rec_name))
                if criterion.evidence_required and not score.evidence:
                    raise ValidationError(gettext(
                            'onestop_procedures.msg_assessment_evidence',
                            assessment=assessment.rec_name,
                            criterion=criterion.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, assessments):
        pass


class Score(ModelSQL, ModelView):
    "Friendly Government Score"
    __name__ = 'onestop.assessment.score'
    __string__ = "Friendly Government Score"

    assessment = fields.Many2One('onestop.assessment', "Assessment",
        required=True, ondelete='CASCADE')
    criterion = fields.Many2One('onestop.assessment.criterion', "Criterion",
        required=True, ondelete='RESTRICT')
    method = fields.Function(fields.Selection(METHODS, "Scoring"),
        'get_method')
    max_points = fields.Function(
        fields.Float("Maximum", digits=(5, 2)), 'get_method')
    value = fields.Float("Measured Rate (%)", digits=(5, 1), readonly=True)
    points = fields.Float("Points", digits=(5, 2),
        states={'readonly': Eval('method') != 'hand'})
    note = fields.Text("Note")
    evidence = fields.Function(fields.Integer("Evidence",
            help="Documents attached to this score."), 'get_evidence')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('assessment')

    def get_method(self, name):
        if name == 'max_points':
            return self.criterion.max_points
        return self.criterion.method

    @classmethod
    def get_evidence(cls, scores, name):
        Attachment = Pool().get('ir.attachment')
        counts = {s.id: 0 for s in scores}
        for attachment in Attachment.search([
                    ('resource', 'in', [str(s) for s in scores]),
                    ]):
            counts[attachment.resource.id] += 1
        return counts

    @classmethod
    def validate_fields(cls, scores, field_names):
        super().validate_fields(scores, field_names)
        if field_names & {'points', 'criterion'}:
            for score in scores:
                if score.points is not None and not (
                        0 <= score.points <= score.criterion.max_points):
                    raise ValidationError(gettext(
                            'onestop_procedures.msg_assessment_points',
                            criterion=score.criterion.rec_name,
                            maximum=score.criterion.max_points))


def roman(number):
    "The number of a group of criteria: I, II, III, IV..."
    numerals = [(1000, 'M'), (900, 'CM'), (500, 'D'), (400, 'CD'),
        (100, 'C'), (90, 'XC'), (50, 'L'), (40, 'XL'), (10, 'X'), (9, 'IX'),
        (5, 'V'), (4, 'IV'), (1, 'I')]
    result = ''
    for value, numeral in numerals:
        count, number = divmod(number, value)
        result += numeral * count
    return result


class AssessmentSheet(Heading):
    """What the document of an assessment prints: the commune's heading and
    the criteria by group, each with its score and how it was given"""

    def __init__(self, assessment, report, evidence, today):
        super().__init__(assessment.company, report)
        self.assessment = assessment
        self.printed = self.dated(today)
        scores = {s.criterion.id: s for s in assessment.scores}
        self.groups = []
        for number, group in enumerate(assessment.set.groups, 1):
            criteria = []
            for criterion in group.criteria:
                score = scores.get(criterion.id)
                criteria.append({
                        'criterion': criterion,
                        'points': score.points if score else None,
                        'value': score.value if score else None,
                        'note': (score.note or '').strip() if score else '',
                        'evidence': evidence.get(score.id, [])
                        if score else [],
                        })
            self.groups.append({
                    'number': roman(number),
                    'name': group.name,
                    'max_points': sum(c.max_points for c in group.criteria),
                    'points': round(sum(c['points'] or 0 for c in criteria),
                        2),
                    'criteria': criteria,
                    })


class AssessmentReport(VietnameseReport):
    "The result of a commune's friendly-government assessment"
    __name__ = 'onestop.assessment.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        context = super().get_context(records, header, data)
        today = pool.get('ir.date').today()
        evidence = defaultdict(list)
        for attachment in Attachment.search([
                    ('resource', 'in',
                        [str(s) for a in records for s in a.scores]),
                    ], order=[('name', 'ASC'), ('id', 'ASC')]):
            evidence[attachment.resource.id].append(attachment.name)
        context['sheets'] = {a.id: AssessmentSheet(a, cls, evidence, today)
            for a in records}
        context['points'] = lambda v: number_text(v, 2, trim=True)
        context['percent'] = lambda v: number_text(v, 1, trim=True)
        return context
