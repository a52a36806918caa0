# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Satisfaction figures computed by the database: rates by commune, month,
procedure, field and officer, and the inputs of index indicators 5.2-5.4
(index_inputs), which the index scorecard reads too (scorecard.py)"""
from sql import Cast, Literal, Null
from sql.aggregate import Count, Min

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from onestop_procedures.statistics import counted, period_bounds

# Decision 766/QĐ-TTg, group 5 (domain reference §2.2): 6 points each;
# 5.4 reaches its 6 points at 90 %
INDEX_POINTS = 6
TARGET_5_4 = 0.9
INPUTS = ['finished', 'late', 'not_satisfied', 'repeated', 'followups',
    'followups_overdue', 'followups_closed', 'followups_closed_on_time']


def rate(numerator, denominator):
    "A percentage with one decimal, None without a denominator"
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def index_fractions(inputs):
    """(numerator, denominator) of indicators 5.2, 5.3 and 5.4.

    5.2 follow-ups closed on time / closed; 5.3 (follow-ups - repeated
    complaints - overdue) / follow-ups; 5.4 (finished dossiers - late -
    rated not satisfied) / finished dossiers, i.e. 100 % - (late rate +
    unhappy rate); the numerators do not go below 0."""
    followups, finished = inputs['followups'], inputs['finished']
    return {
        '5.2': (inputs['followups_closed_on_time'],
            inputs['followups_closed']),
        '5.3': (max(0, followups - inputs['repeated']
                - inputs['followups_overdue']), followups),
        '5.4': (max(0, finished - inputs['late'] - inputs['not_satisfied']),
            finished),
        }


def index_points(inputs):
    """Estimated points of indicators 5.2, 5.3 and 5.4 from their inputs
    (index_fractions): 6 points each, 5.4 at 90 %; 5.2 and 5.3 give 6
    points without follow-up, 5.4 none without finished dossiers."""
    fractions = index_fractions(inputs)
    result = {}
    for code in ['5.2', '5.3']:
        numerator, denominator = fractions[code]
        ratio = numerator / denominator if denominator else 1
        result[code] = (ratio, INDEX_POINTS * min(1, ratio))
    numerator, finished = fractions['5.4']
    if finished:
        ratio = numerator / finished
        result['5.4'] = (ratio, INDEX_POINTS * min(1, ratio / TARGET_5_4))
    else:
        result['5.4'] = (None, 0)
    return result


def dossier_conditions(d, start, end):
    """Indicator 5.4 on the dossier table d: the dossiers finished in
    [start, end) (UTC) as the handling statistics count them (withdrawn
    and stopped left out); among them, the late ones and those their
    applicant rated not satisfied (conditions to combine with finished:
    repeated, they keep PostgreSQL from reading only the index); the
    finished ones that cost points"""
    response = Pool().get('onestop.survey.response').__table__()
    finished = (counted(d) & (d.finished_at >= start)
        & (d.finished_at < end))
    late = d.timeliness == 'late'
    not_satisfied = d.id.in_(response.select(response.dossier,
            where=response.rating == 'not_satisfied'))
    return {
        'finished': finished,
        'late': late,
        'not_satisfied': not_satisfied,
        'missed': finished & (late | not_satisfied),
        }


def followup_overdue(f):
    """A follow-up flagged overdue by the scheduled job, or closed after its
    deadline before the job saw it"""
    return (f.overdue == Literal(True)) | (
        (f.state == 'closed') & (f.closed_at > f.due_at))


def followup_conditions(f, start, end):
    """Indicators 5.2 and 5.3 on the follow-up table f (the feedback of
    unhappy citizens): opened in [start, end) (UTC), closed, closed on
    time, closed late, overdue, and repeated (its citizen had an earlier
    follow-up of the commune opened in the period)"""
    pool = Pool()
    FollowUp = pool.get('onestop.survey.followup')
    Dossier = pool.get('onestop.dossier')
    later, earlier = FollowUp.__table__(), FollowUp.__table__()
    later_dossier, earlier_dossier = Dossier.__table__(), Dossier.__table__()

    def opened(t):
        return (t.opened_at >= start) & (t.opened_at < end)
    repeated = (later
        .join(later_dossier, condition=later_dossier.id == later.dossier)
        .join(earlier, condition=(earlier.company == later.company)
            & ((earlier.opened_at < later.opened_at)
                | ((earlier.opened_at == later.opened_at)
                    & (earlier.id < later.id))))
        .join(earlier_dossier,
            condition=(earlier_dossier.id == earlier.dossier)
            & (earlier_dossier.applicant == later_dossier.applicant))
        .select(later.id, where=opened(later) & opened(earlier)))
    closed = opened(f) & (f.state == 'closed')
    return {
        'opened': opened(f),
        'closed': closed,
        'on_time': closed & (f.closed_at <= f.due_at),
        'late': closed & (f.closed_at > f.due_at),
        'overdue': opened(f) & followup_overdue(f),
        'repeated': opened(f) & f.id.in_(repeated),
        }


def index_inputs(companies, from_date, to_date):
    """{commune: the inputs of indicators 5.2-5.4} for the communes (ids)
    and the days from_date to to_date (Vietnam time), in two queries over
    all the communes"""
    pool = Pool()
    d = pool.get('onestop.dossier').__table__()
    f = pool.get('onestop.survey.followup').__table__()
    start, end = period_bounds(from_date, to_date)
    result = {c: dict.fromkeys(INPUTS, 0) for c in companies}
    if not companies:
        return result
    cursor = Transaction().connection.cursor()
    dossiers = dossier_conditions(d, start, end)
    cursor.execute(*d.select(d.company, Count(d.id),
            Count(d.id, filter_=dossiers['late']),
            Count(d.id, filter_=dossiers['not_satisfied']),
            where=d.company.in_(list(companies)) & dossiers['finished'],
            group_by=[d.company]))
    for company, *values in cursor:
        result[company].update(zip(
                ['finished', 'late', 'not_satisfied'], values))
    followups = followup_conditions(f, start, end)
    cursor.execute(*f.select(f.company, Count(f.id),
            *[Count(f.id, filter_=followups[n])
                for n in ['overdue', 'closed', 'on_time', 'repeated']],
            where=f.company.in_(list(companies)) & followups['opened'],
            group_by=[f.company]))
    for company, *values in cursor:
        result[company].update(zip(['followups', 'followups_overdue',
                    'followups_closed', 'followups_closed_on_time',
                    'repeated'], values))
    return result


class Figure(ModelSQL, ModelView):
    "Satisfaction Figures"
    __name__ = 'onestop.survey.figure'
    __string__ = "Satisfaction Figures"

    company = fields.Many2One('company.company', "Commune")
    period = fields.Char("Month")
    procedure = fields.Many2One('onestop.procedure', "Procedure")
    field = fields.Many2One('onestop.procedure.field', "Field")
    officer = fields.Many2One('res.user', "Officer")
    invited = fields.Integer("Returned Dossiers")
    answered = fields.Integer("Answers")
    very_satisfied = fields.Integer("Very Satisfied")
    satisfied = fields.Integer("Satisfied")
    not_satisfied = fields.Integer("Not Satisfied")
    satisfaction_rate = fields.Function(
        fields.Float("Satisfaction Rate (%)", digits=(5, 1)), 'get_rates')
    response_rate = fields.Function(
        fields.Float("Response Rate (%)", digits=(5, 1)), 'get_rates')
    followups = fields.Integer("Follow-Ups")
    open_followups = fields.Integer("Open Follow-Ups")
    overdue_followups = fields.Integer("Overdue Follow-Ups")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        invitation = pool.get('onestop.survey.invitation').__table__()
        response = pool.get('onestop.survey.response').__table__()
        followup = pool.get('onestop.survey.followup').__table__()
        dossier = pool.get('onestop.dossier').__table__()
        procedure = pool.get('onestop.procedure').__table__()
        context = Transaction().context

        query = (invitation
            .join(dossier, condition=dossier.id == invitation.dossier)
            .join(procedure, condition=procedure.id == dossier.procedure)
            .join(response, 'LEFT',
                condition=response.invitation == invitation.id)
            .join(followup, 'LEFT',
                condition=followup.response == response.id))
        where = Literal(True)
        if context.get('from_date'):
            where &= invitation.date >= context['from_date']
        if context.get('to_date'):
            where &= invitation.date <= context['to_date']

        # the commune is always a dimension: the record rule needs it
        dimensions = {
            'period': (invitation.period, 'VARCHAR'),
            'procedure': (dossier.procedure, 'INTEGER'),
            'field': (procedure.field, 'INTEGER'),
            'officer': (invitation.officer, 'INTEGER'),
            }
        columns, group_by = [invitation.company.as_('company')], [
            invitation.company]
        for name, (column, type_) in dimensions.items():
            if context.get(f'by_{name}', name == 'period'):
                columns.append(column.as_(name))
                group_by.append(column)
            else:
                columns.append(Cast(Null, type_).as_(name))
        open_ = followup.state.in_(['open', 'contacted'])
        return query.select(
            Min(invitation.id).as_('id'),
            *columns,
            Count(invitation.id).as_('invited'),
            Count(response.id).as_('answered'),
            Count(response.id,
                filter_=response.rating == 'very_satisfied').as_(
                'very_satisfied'),
            Count(response.id, filter_=response.rating == 'satisfied').as_(
                'satisfied'),
            Count(response.id,
                filter_=response.rating == 'not_satisfied').as_(
                'not_satisfied'),
            Count(followup.id).as_('followups'),
            Count(followup.id, filter_=open_).as_('open_followups'),
            Count(followup.id, filter_=followup_overdue(followup)).as_(
                'overdue_followups'),
            where=where, group_by=group_by)

    def get_rates(self, name):
        if name == 'satisfaction_rate':
            return rate(self.very_satisfied + self.satisfied, self.answered)
        return rate(self.answered, self.invited)

    @classmethod
    def index_inputs(cls, company, from_date, to_date):
        """What indicators 5.2-5.4 are computed from, for a commune and the
        days from_date to to_date (Vietnam time)"""
        return index_inputs([company.id], from_date, to_date)[company.id]


class FigureContext(ModelView):
    "Satisfaction Figures Context"
    __name__ = 'onestop.survey.figure.context'
    __string__ = "Satisfaction Figures Context"

    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    by_period = fields.Boolean("By Month")
    by_procedure = fields.Boolean("By Procedure")
    by_field = fields.Boolean("By Field")
    by_officer = fields.Boolean("By Officer")

    @classmethod
    def default_by_period(cls):
        return True
