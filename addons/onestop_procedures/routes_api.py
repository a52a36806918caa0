# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The public JSON API (documented in docs/openapi.yaml). Times are Vietnam
time with their offset; errors are {"error": {"status", "message"}}; an
unknown dossier code and a wrong second factor answer the same way."""
import datetime as dt
from http import HTTPStatus

from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.wsgi import app

from .portal import (
    _, json_error, json_response, portal_api, portal_url, procedure_path,
    record_attempt, too_many, tracking_url, with_database)
from .routes import choose_commune, vietnam_now

MAX_RESULTS = 100
DATETIME_FORMAT = '%Y-%m-%dT%H:%M'


def _iso(value, timezone):
    return value.replace(tzinfo=timezone).isoformat() if value else None


def procedure_summary(procedure):
    return {
        'code': procedure.code,
        'name': procedure.name,
        'field': {'code': procedure.field.code, 'name': procedure.field.name},
        'processing_time': procedure.processing_time_text(),
        'online_level': procedure.online_level,
        'url': portal_url(procedure_path(procedure.code)),
        }


@app.route('/portal/api/procedures', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_api
def api_procedures(request, pool):
    "Procedures whose code or name holds every word of q"
    Procedure = pool.get('onestop.procedure')
    procedures = Procedure.portal_search(
        request.args.get('q', '')[:200],
        field=request.args.get('field') or None)
    return json_response({
            'count': len(procedures),
            'procedures': [
                procedure_summary(p) for p in procedures[:MAX_RESULTS]],
            })


@app.route('/portal/api/procedures/<code>', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_api
def api_procedure(request, pool, code):
    Procedure = pool.get('onestop.procedure')
    procedure = Procedure.portal_get(code)
    if not procedure:
        return json_error(HTTPStatus.NOT_FOUND, _('procedure_not_found'))
    return json_response(procedure.portal_data())


@app.route('/portal/api/procedures/<code>/appointment', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_api
def api_appointment(request, pool, code):
    """The appointment of a dossier received at received_at (Vietnam time,
    now by default) in the commune, with its explanation"""
    Procedure = pool.get('onestop.procedure')
    procedure = Procedure.portal_get(code)
    if not procedure:
        return json_error(HTTPStatus.NOT_FOUND, _('procedure_not_found'))
    company, _companies = choose_commune(pool, request.args.get('commune'))
    if not company or (request.args.get('commune')
            and str(company.id) != request.args['commune']):
        return json_error(HTTPStatus.NOT_FOUND, _('no_commune'))
    value = request.args.get('received_at')
    if value:
        try:
            received_at = dt.datetime.strptime(value, DATETIME_FORMAT)
        except ValueError:
            return json_error(HTTPStatus.BAD_REQUEST, _('bad_datetime'))
        if not 2000 <= received_at.year <= 2099:
            return json_error(HTTPStatus.BAD_REQUEST, _('bad_datetime'))
    else:
        received_at = vietnam_now(pool, company).replace(
            second=0, microsecond=0)
    deadline, texts = procedure.portal_appointment(company, received_at)
    timezone = pool.get('onestop.dossier')(company=company).timezone
    return json_response({
            'procedure_code': procedure.code,
            'commune': {'id': company.id, 'name': company.rec_name},
            'received_at': _iso(deadline.received_at, timezone),
            'counted_from': _iso(deadline.counted_from, timezone),
            'due_at': _iso(deadline.due_at, timezone),
            'explanation': [{**step.as_dict(), 'text': text}
                for step, text in zip(deadline.explanation, texts)],
            })


@app.route('/portal/api/dossiers/<code>', methods={'GET'})
@with_database
@with_pool
@with_transaction(readonly=False)
@portal_api
def api_dossier(request, pool, code):
    """A dossier's status and history, for whoever knows its code and the
    last 4 digits of the applicant's phone or citizen ID (rate-limited)"""
    Dossier = pool.get('onestop.dossier')
    if too_many('lookup', code):
        response = json_error(HTTPStatus.TOO_MANY_REQUESTS, _('too_many'))
        response.headers['Retry-After'] = '3600'
        return response
    dossier = Dossier.portal_lookup(code, request.args.get('verify'))
    if not dossier:
        record_attempt('lookup', code)
        return json_error(HTTPStatus.NOT_FOUND, _('dossier_not_found'))
    return json_response(dossier_json(dossier))


def dossier_json(dossier):
    status = dossier.portal_status()
    timezone = dossier.timezone
    for name in ['submitted_at', 'received_at', 'due_at', 'finished_at',
            'returned_at', 'supplement_requested_at']:
        status[name] = _iso(status[name], timezone)
    status['history'] = [{**event, 'date': _iso(event['date'], timezone)}
        for event in status['history']]
    status['url'] = tracking_url(dossier.code)
    return status
