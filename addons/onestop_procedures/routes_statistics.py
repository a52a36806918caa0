# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Public figures of a commune as JSON, for the portal's figures page:

    GET /portal/api/statistics?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD
    GET /portal/api/scorecard?unit=CODE&period=YYYY-MM

Routes run as user 0 without record rules: every query is scoped to the
commune of the unit code given. The figures come from the same queries as
the back office (onestop.statistics.compute, onestop.scorecard.evaluate)."""
import datetime as dt
from http import HTTPStatus

from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.wsgi import app

from .portal import _, json_error, json_response, portal_api, with_database
from .scorecard import period_dates
from .statistics import FIGURES, total_row

MESSAGE = 'onestop_procedures.msg_report_api_{}'


def commune(pool, request):
    "The commune of the unit code, or None"
    Company = pool.get('company.company')
    unit = (request.args.get('unit') or '').strip()
    if not unit:
        return None
    companies = Company.search([('unit_code', '=', unit)],
        order=[('id', 'ASC')], limit=1)
    return companies[0] if companies else None


def parse_date(request, name):
    try:
        return dt.date.fromisoformat(request.args.get(name) or '')
    except ValueError:
        return None


def figures(row):
    "The form 06 figures of a row under their column names"
    values = {n: int(row[n] or 0) for n in FIGURES}
    values['on_time_rate'] = row['on_time_rate']
    values['average_days'] = row['average_days']
    return values


@app.route('/portal/api/statistics', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_api
def statistics(request, pool):
    "The handling statistics (form 06) of a commune, with a row per field"
    Statistics = pool.get('onestop.statistics')
    Field = pool.get('onestop.procedure.field')
    company = commune(pool, request)
    if not company:
        return json_error(HTTPStatus.NOT_FOUND, _(MESSAGE.format('unit'),
                unit=request.args.get('unit') or ''))
    from_date, to_date = parse_date(request, 'from'), parse_date(request, 'to')
    if not from_date or not to_date:
        return json_error(HTTPStatus.BAD_REQUEST, _(MESSAGE.format('dates')))
    rows = Statistics.compute(from_date, to_date, [company.id], rows='field')
    names = {f.id: f for f in Field.browse(
            [r['field'] for r in rows if r['field']])}
    return json_response({
            'unit': company.unit_code,
            'commune': company.rec_name,
            'from': from_date.isoformat(),
            'to': to_date.isoformat(),
            **figures(total_row(rows)),
            'fields': [{
                    'code': names[r['field']].code,
                    'name': names[r['field']].name,
                    **figures(r)} for r in rows if r['field']],
            'rules': _('onestop_procedures.msg_report_rules'),
            })


@app.route('/portal/api/scorecard', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_api
def scorecard(request, pool):
    "The commune's estimate of the Decision 766 index for a period"
    Scorecard = pool.get('onestop.scorecard')
    company = commune(pool, request)
    if not company:
        return json_error(HTTPStatus.NOT_FOUND, _(MESSAGE.format('unit'),
                unit=request.args.get('unit') or ''))
    period = (request.args.get('period') or '').strip()
    dates = period_dates(period)
    if not dates:
        return json_error(HTTPStatus.BAD_REQUEST, _(
                'onestop_procedures.msg_scorecard_period', period=period))
    estimate = Scorecard.evaluate([company.id], *dates)[company.id]
    grades = dict(Scorecard.fields_get(['grade'])['grade']['selection'])
    return json_response({
            'unit': company.unit_code,
            'commune': company.rec_name,
            'period': period,
            'from': dates[0].isoformat(),
            'to': dates[1].isoformat(),
            'estimate': True,
            'label': _(MESSAGE.format('estimate')),
            'points': estimate['points'],
            'maximum': estimate['maximum'],
            'score': estimate['score'],
            'grade': estimate['grade'],
            'grade_name': grades.get(estimate['grade']),
            'groups': estimate['groups'],
            'indicators': [{
                    'code': l['code'], 'group': l['group'],
                    'name': l['name'], 'kind': l['kind'],
                    'numerator': l['numerator'],
                    'denominator': l['denominator'],
                    'ratio': (round(l['ratio'], 4)
                        if l['ratio'] is not None else None),
                    'target': l['target'], 'max_points': l['max_points'],
                    'points': l['points'], 'measured': l['measured'],
                    'no_data': l['no_data'],
                    } for l in estimate['lines']],
            'rules': _('onestop_procedures.msg_scorecard_rules'),
            })
