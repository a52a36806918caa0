# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Public pages: the counter kiosk and the evaluation page opened by the QR
code, the portal or the e-mail link. Routes run as user 0: every query is
scoped by the kiosk key or the invitation token."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.tools import file_open
from trytond.transaction import Transaction
from trytond.wsgi import app

from onestop_procedures.portal import (
    json_error, json_response, render, with_database)

from .invitation import InvitationError

# no inline script or style: everything comes from /survey/static/
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'")
STATIC = {
    'kiosk.js': 'text/javascript; charset=utf-8',
    'kiosk.css': 'text/css; charset=utf-8',
    'survey.css': 'text/css; charset=utf-8',
    }
ONLINE_CHANNELS = {'qr', 'portal', 'email'}
CONTEXT = {'language': 'vi', '_skip_warnings': True}


def secure(response):
    """Headers of every public answer. The token in the URL never leaves the
    site: no other origin is linked or loaded; no-referrer would make
    browsers post forms with a null origin, which trytond refuses."""
    response.headers['Content-Security-Policy'] = CSP
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Referrer-Policy'] = 'same-origin'
    response.headers['Cache-Control'] = 'no-store'
    return response


def page(template, status=HTTPStatus.OK, **values):
    # self-contained documents: the kiosk is full screen, and the
    # evaluation page is opened by people who have no portal account
    return secure(render(f'onestop_survey/portal/{template}', status=status,
            layout=False, **values))


def message(title, text, status):
    return page('message.html', status=status, title=title, text=text)


def refuse(pool, request):
    "Undo what the request wrote and count the refusal against its address"
    Transaction().rollback()
    pool.get('onestop.survey.attempt').record(request.remote_addr, True)


@app.route('/survey/static/<name>', methods={'GET'})
def static(request, name):
    if name not in STATIC:
        return secure(Response('', status=HTTPStatus.NOT_FOUND))
    with file_open(f'onestop_survey/static/{name}', 'rb') as fp:
        response = Response(fp.read(), content_type=STATIC[name])
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@app.route('/survey/kiosk/<key>', methods={'GET'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
def kiosk_page(request, pool, key):
    Kiosk = pool.get('onestop.survey.kiosk')
    kiosk = Kiosk.from_key(key)
    if not kiosk:
        return message("Không tìm thấy máy đánh giá",
            "Địa chỉ của máy đánh giá không đúng hoặc đã được thay đổi.",
            HTTPStatus.NOT_FOUND)
    return page('kiosk.html', kiosk=kiosk, commune=kiosk.company.rec_name)


@app.route('/survey/kiosk/<key>/current', methods={'GET'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
def kiosk_current(request, pool, key):
    "What the tablet shows now: polled every few seconds"
    Kiosk = pool.get('onestop.survey.kiosk')
    kiosk = Kiosk.from_key(key)
    if not kiosk:
        return secure(json_error(HTTPStatus.NOT_FOUND, "Unknown kiosk"))
    invitation = kiosk.current
    if not invitation:
        return secure(json_response({'state': 'idle'}))
    dossier = invitation.dossier
    return secure(json_response({
                'state': 'evaluate',
                'token': invitation.token,
                'dossier': dossier.code,
                'procedure': dossier.procedure.name,
                'applicant': dossier.applicant_name,
                'officer': invitation.officer.name
                if invitation.officer else None,
                }))


@app.route('/survey/kiosk/<key>/answer', methods={'POST'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
def kiosk_answer(request, pool, key):
    Kiosk = pool.get('onestop.survey.kiosk')
    Attempt = pool.get('onestop.survey.attempt')
    try:
        Attempt.check(request.remote_addr)
    except UserError as error:
        return secure(json_error(HTTPStatus.TOO_MANY_REQUESTS, error.message))
    data = request.get_json(silent=True) or {}
    kiosk = Kiosk.from_key(key)
    if not kiosk:
        Attempt.record(request.remote_addr, True)
        return secure(json_error(HTTPStatus.NOT_FOUND, "Unknown kiosk"))
    try:
        kiosk.answer(str(data.get('token') or ''),
            str(data.get('rating') or ''))
    except UserError as error:
        refuse(pool, request)
        return secure(json_error(
                getattr(error, 'status', HTTPStatus.CONFLICT), error.message))
    return secure(json_response({'state': 'thanks'}))


def _channel(request):
    channel = request.args.get('c') or request.form.get('channel')
    return channel if channel in ONLINE_CHANNELS else 'portal'


@app.route('/survey/<token>', methods={'GET'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
def survey_page(request, pool, token):
    Invitation = pool.get('onestop.survey.invitation')
    Survey = pool.get('onestop.survey')
    try:
        invitation = Invitation.from_token(token)
    except InvitationError as error:
        return message("Không thể đánh giá", error.message, error.status)
    survey = Survey.for_channel(invitation.company, 'online')
    return page('survey.html', invitation=invitation, survey=survey,
        channel=_channel(request), values={}, error=None)


@app.route('/survey/<token>', methods={'POST'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
def survey_answer(request, pool, token):
    Invitation = pool.get('onestop.survey.invitation')
    Survey = pool.get('onestop.survey')
    Attempt = pool.get('onestop.survey.attempt')
    try:
        Attempt.check(request.remote_addr)
    except UserError as error:
        return message("Vui lòng thử lại sau", error.message,
            HTTPStatus.TOO_MANY_REQUESTS)
    try:
        invitation = Invitation.from_token(token, lock=True)
    except InvitationError as error:
        refuse(pool, request)
        return message("Không thể đánh giá", error.message, error.status)
    survey = Survey.for_channel(invitation.company, 'online')
    values = {q.id: request.form.get(f'q{q.id}') for q in survey.questions}
    channel = _channel(request)
    try:
        invitation.answer(survey, channel, values,
            comment=request.form.get('comment'))
    except SQLConstraintError as error:
        # the same dossier answered at the same moment elsewhere
        refuse(pool, request)
        return message("Không thể đánh giá", error.message,
            HTTPStatus.CONFLICT)
    except UserError as error:
        Transaction().rollback()
        return page('survey.html', status=HTTPStatus.BAD_REQUEST,
            invitation=invitation, survey=survey, channel=channel,
            values=values, error=error.message)
    Attempt.record(request.remote_addr, False)
    return message("Xin cảm ơn Quý ông/bà",
        "Ý kiến đánh giá của Quý ông/bà về hồ sơ "
        f"{invitation.dossier.code} đã được ghi nhận.", HTTPStatus.OK)
