# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Satisfaction figures computed by the database: rates by commune, month,
procedure, field and officer, and the inputs of index indicators 5.2-5.4"""
import datetime as dt
from zoneinfo import ZoneInfo

from sql import Cast, Literal, Null
from sql.aggregate import Count, Min
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from onestop_procedures.dossier import VN_TIMEZONE

# Decision 766/QĐ-TTg, group 5 (domain reference §2.2): 6 points each;
# 5.4 reaches its 6 points at 90 %
INDEX_POINTS = 6
TARGET_5_4 = 0.9


def rate(numerator, denominator):
    "A percentage with one decimal, None without a denominator"
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def index_points(inputs):
    """Estimated points of indicators 5.2, 5.3 and 5.4 from their inputs.

    5.2 follow-ups handled on time / handled (6 points when none);
    5.3 (follow-ups - repeated complaints - overdue) / follow-ups (6 when
    none); 5.4 100 % - (late dossier rate + unhappy rating rate), 6 points
    at 90 %, 0 without finished dossiers."""
    closed = inputs['followups_closed']
    ratio_2 = inputs['followups_closed_on_time'] / closed if closed else 1
    total = inputs['followups']
    ratio_3 = (max(0, total - inputs['repeated'] - inputs['followups_overdue'])
        / total) if total else 1
    finished = inputs['finished']
    if finished:
        ratio_4 = max(0, 1 - (inputs['late'] + inputs['not_satisfied'])
            / finished)
        points_4 = INDEX_POINTS * min(1, ratio_4 / TARGET_5_4)
    else:
        ratio_4, points_4 = None, 0
    return {
        '5.2': (ratio_2, INDEX_POINTS * min(1, ratio_2)),
        '5.3': (ratio_3, INDEX_POINTS * min(1, ratio_3)),
        '5.4': (ratio_4, points_4),
        }


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
            Count(followup.id, filter_=followup.overdue).as_(
                'overdue_followups'),
            where=where, group_by=group_by)

    def get_rates(self, name):
        if name == 'satisfaction_rate':
            return rate(self.very_satisfied + self.satisfied, self.answered)
        return rate(self.answered, self.invited)

    @classmethod
    def index_inputs(cls, company, from_date, to_date):
        """What indicators 5.2-5.4 are computed from, for a commune and the
        days from_date to to_date (Vietnam time), in four queries"""
        pool = Pool()
        dossier = pool.get('onestop.dossier').__table__()
        invitation = pool.get('onestop.survey.invitation').__table__()
        response = pool.get('onestop.survey.response').__table__()
        followup = pool.get('onestop.survey.followup').__table__()
        cursor = Transaction().connection.cursor()
        tz = ZoneInfo(company.timezone or VN_TIMEZONE)

        def utc(day):
            return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(
                dt.timezone.utc).replace(tzinfo=None)
        start, end = utc(from_date), utc(to_date + dt.timedelta(days=1))

        cursor.execute(*dossier.select(
                Count(dossier.id),
                Count(dossier.id, filter_=dossier.timeliness == 'late'),
                where=(dossier.company == company.id)
                & (dossier.finished_at >= start)
                & (dossier.finished_at < end)))
        finished, late = cursor.fetchone()

        unhappy = (invitation
            .join(response, condition=response.invitation == invitation.id)
            .join(dossier, condition=dossier.id == invitation.dossier))
        cursor.execute(*unhappy.select(
                Count(response.id),
                Count(Coalesce(dossier.applicant, 0), distinct=True),
                where=(invitation.company == company.id)
                & (invitation.date >= from_date)
                & (invitation.date <= to_date)
                & (response.rating == 'not_satisfied')))
        not_satisfied, applicants = cursor.fetchone()

        cursor.execute(*followup.select(
                Count(followup.id),
                Count(followup.id, filter_=followup.overdue),
                Count(followup.id, filter_=followup.state == 'closed'),
                Count(followup.id, filter_=(followup.state == 'closed')
                    & (followup.closed_at <= followup.due_at)),
                where=(followup.company == company.id)
                & (followup.opened_at >= start)
                & (followup.opened_at < end)))
        followups, overdue, closed, closed_on_time = cursor.fetchone()
        return {
            'finished': finished,
            'late': late,
            'not_satisfied': not_satisfied,
            # a citizen unhappy more than once in the period
            'repeated': not_satisfied - applicants,
            'followups': followups,
            'followups_overdue': overdue,
            'followups_closed': closed,
            'followups_closed_on_time': closed_on_time,
            }


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
