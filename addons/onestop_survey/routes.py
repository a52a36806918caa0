# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Public pages: the counter kiosk and the evaluation page opened by the QR
code, the short link of the slip, the portal or the e-mail link. Routes run
as user 0: every query is scoped by the kiosk key or the invitation token."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.tools import file_open
from trytond.transaction import Transaction
from trytond.wsgi import app

from onestop_procedures import portal
from onestop_procedures.portal import (
    RATE_LIMITS, _, json_error, json_response, portal_page, record_attempt,
    too_many, with_database)

from .invitation import InvitationError, parse_short_code
from .survey import RATINGS

# the kiosk: no inline script or style, everything from /survey/static/
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'")
STATIC = {
    'kiosk.js': 'text/javascript; charset=utf-8',
    'kiosk.css': 'text/css; charset=utf-8',
    'survey.css': 'text/css; charset=utf-8',
    }
ONLINE_CHANNELS = {'qr', 'portal', 'email'}
# flooding from one network (the portal's attempts): forged or refused
# requests in 15 minutes, answers in an hour
RATE_LIMITS.update({
        'survey_refused': (None, 10, 15 * 60),
        'survey_answer': (None, 20, 3600),
        })
CONTEXT = {'language': 'vi', '_skip_warnings': True}


def secure(response):
    """Headers of every kiosk answer. The key in the URL never leaves the
    site: no other origin is linked or loaded; no-referrer would make
    browsers post with a null origin, which trytond refuses."""
    response.headers['Content-Security-Policy'] = CSP
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Referrer-Policy'] = 'same-origin'
    response.headers['Cache-Control'] = 'no-store'
    return response


def page(template, status=HTTPStatus.OK, **values):
    "A kiosk document: full screen, without the portal's layout"
    return secure(portal.render(f'onestop_survey/portal/{template}',
            status=status, layout=False, **values))


def message(title, text, status):
    return page('message.html', status=status, title=title, text=text)


def citizen_page(template, title, status=HTTPStatus.OK, **values):
    """A page of the evaluation in the portal's layout (header, navigation,
    language switch, security headers), never stored: its address holds
    the token"""
    return portal.secure(portal.render(template, status=status, title=title,
            **values), private=True)


def refused_page(text, status):
    return citizen_page('onestop_procedures/portal/error.html',
        _('onestop_survey.msg_portal_survey_refused'), status=status,
        message=text, code=int(status))


def flooded():
    "Whether the request's network sent too many refused requests or answers"
    return too_many('survey_refused') or too_many('survey_answer')


def refuse():
    "Undo what the request wrote and count the refusal against its network"
    Transaction().rollback()
    record_attempt('survey_refused')


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
    if flooded():
        return secure(json_error(HTTPStatus.TOO_MANY_REQUESTS,
                _('onestop_survey.msg_too_many')))
    data = request.get_json(silent=True) or {}
    kiosk = Kiosk.from_key(key)
    if not kiosk:
        record_attempt('survey_refused')
        return secure(json_error(HTTPStatus.NOT_FOUND, "Unknown kiosk"))
    try:
        kiosk.answer(str(data.get('token') or ''),
            str(data.get('rating') or ''))
    except UserError as error:
        refuse()
        return secure(json_error(
                getattr(error, 'status', HTTPStatus.CONFLICT), error.message))
    return secure(json_response({'state': 'thanks'}))


def _channel(request, token):
    channel = request.args.get('c') or request.form.get('channel')
    if channel in ONLINE_CHANNELS:
        return channel
    # the short link is typed from the slip that carries the QR code
    return 'qr' if parse_short_code(token) else 'portal'


def _choices(question):
    "(value, label) of the answers to a question; None for free text"
    if question.kind == 'rating':
        Answer = Pool().get('onestop.survey.answer')
        labels = dict(Answer.fields_get(['rating'])['rating']['selection'])
        return [(v, labels[v]) for v, _label in RATINGS]
    if question.kind == 'scale':
        return [(str(v), _(f'onestop_survey.msg_portal_survey_scale_{v}'))
            for v in range(5, 0, -1)]
    if question.kind == 'choice':
        return [(o, o) for o in question.option_list]
    return None


def survey_form(invitation, survey, token, channel, values, error=None,
        status=HTTPStatus.OK):
    dossier = invitation.dossier
    return citizen_page('onestop_survey/portal/survey.html',
        _('onestop_survey.msg_portal_survey_title', dossier=dossier.code),
        status=status, invitation=invitation, dossier=dossier, token=token,
        expires=dossier.local(invitation.expires_at),
        questions=[(q, _choices(q)) for q in survey.questions],
        channel=channel, values=values, error=error)


# The evaluation page is a portal page: its language, the citizen's session,
# the CSRF token of its form; the secret token in the address is what
# allows the answer.

@app.route('/survey/<token>', methods={'GET'})
@with_database
@with_pool
@with_transaction(readonly=False, context=CONTEXT)
@portal_page
def survey_page(request, pool, token):
    Invitation = pool.get('onestop.survey.invitation')
    Survey = pool.get('onestop.survey')
    if flooded():
        return refused_page(_('onestop_survey.msg_too_many'),
            HTTPStatus.TOO_MANY_REQUESTS)
    try:
        invitation = Invitation.from_token(token)
    except InvitationError as error:
        if error.status == HTTPStatus.NOT_FOUND:
            # short codes are easier to guess than tokens
            refuse()
        return refused_page(error.message, error.status)
    survey = Survey.for_channel(invitation.company, 'online')
    return survey_form(invitation, survey, token, _channel(request, token),
        values={})


@app.route('/survey/<token>', methods={'POST'})
@with_database
@with_pool
@with_transaction(context=CONTEXT)
@portal_page
def survey_answer(request, pool, token):
    Invitation = pool.get('onestop.survey.invitation')
    Survey = pool.get('onestop.survey')
    if flooded():
        return refused_page(_('onestop_survey.msg_too_many'),
            HTTPStatus.TOO_MANY_REQUESTS)
    try:
        invitation = Invitation.from_token(token, lock=True)
    except InvitationError as error:
        refuse()
        return refused_page(error.message, error.status)
    survey = Survey.for_channel(invitation.company, 'online')
    values = {q.id: request.form.get(f'q{q.id}') for q in survey.questions}
    channel = _channel(request, token)
    try:
        invitation.answer(survey, channel, values,
            comment=request.form.get('comment'))
    except SQLConstraintError as error:
        # the same dossier answered at the same moment elsewhere
        refuse()
        return refused_page(error.message, HTTPStatus.CONFLICT)
    except UserError as error:
        Transaction().rollback()
        return survey_form(invitation, survey, token, channel, values,
            error=error.message, status=HTTPStatus.BAD_REQUEST)
    record_attempt('survey_answer')
    return citizen_page('onestop_procedures/portal/message.html',
        _('onestop_survey.msg_portal_survey_thanks'),
        message=_('onestop_survey.msg_portal_survey_recorded',
            dossier=invitation.dossier.code),
        link='/portal/', link_text=_('back_home'))
