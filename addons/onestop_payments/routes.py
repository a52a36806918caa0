# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Public endpoints of payments: the bank's transaction notifications, what
is due on a dossier and its VietQR code (PNG and SVG) for the portal"""
from http import HTTPStatus

from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.wsgi import app

from onestop_procedures.portal import (
    _, json_error, json_response, portal_api, record_attempt, too_many,
    with_database)

from . import qr
from .exceptions import NotificationError
from .payment import NOTIFIED_METHODS

TIMESTAMP_HEADER = 'X-Timestamp'
SIGNATURE_HEADER = 'X-Signature'


@app.route('/portal/api/payments/notifications/<identifier>',
    methods={'POST'})
@with_database
@with_pool
@with_transaction(readonly=False)
def bank_notification(request, pool, identifier):
    """A credit on a collection account, posted by the bank

    The body is JSON: transaction_id, amount (whole VND), description,
    booked_at (ISO 8601 with its offset) and optionally account_number,
    payer_name, payer_account.  X-Timestamp holds the Unix time of the
    sending and X-Signature "sha256=" + the hex HMAC-SHA256 of
    "<timestamp>.<body>" with the journal's secret.  A transaction already
    recorded answers 200 with the status "duplicate"."""
    Journal = pool.get('account.payment.journal')
    BankLine = pool.get('onestop.bank.line')
    journals = Journal.search([
            ('notification_identifier', '=', identifier),
            ('process_method', 'in', NOTIFIED_METHODS),
            ], limit=1)
    if not journals:
        return json_error(HTTPStatus.NOT_FOUND, gettext(
                'onestop_payments.msg_notification_journal'))
    journal, = journals
    try:
        line, created = BankLine.notify(journal,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER), request.get_data())
    except NotificationError as error:
        return json_error(HTTPStatus(error.status), error.message)
    return json_response({
            'status': 'recorded' if created else 'duplicate',
            'transaction_id': line.transaction_id,
            'state': line.state,
            'reason': line.reason,
            'dossier': line.dossier.code if line.dossier else None,
            })


def lookup(request, pool, code):
    """The dossier for whoever knows its code and the last 4 digits of the
    applicant's phone or citizen ID (?verify=), rate-limited as the dossier
    API is; else an error response"""
    Dossier = pool.get('onestop.dossier')
    if too_many('lookup', code):
        response = json_error(HTTPStatus.TOO_MANY_REQUESTS, _('too_many'))
        response.headers['Retry-After'] = '3600'
        return None, response
    dossier = Dossier.portal_lookup(code, request.args.get('verify'))
    if not dossier:
        record_attempt('lookup', code)
        return None, json_error(
            HTTPStatus.NOT_FOUND, _('dossier_not_found'))
    return dossier, None


@app.route('/portal/api/dossiers/<code>/payment', methods={'GET'})
@with_database
@with_pool
@with_transaction(readonly=False)
@portal_api
def api_dossier_payment(request, pool, code):
    "What is due on a dossier and the VietQR payload to pay it"
    dossier, error = lookup(request, pool, code)
    if error:
        return error
    return json_response(dossier.payment_data())


def _qr(request, pool, code, render, content_type):
    dossier, error = lookup(request, pool, code)
    if error:
        return error
    if not dossier.vietqr_payload:
        return json_error(HTTPStatus.NOT_FOUND, gettext(
                'onestop_payments.msg_nothing_to_pay', dossier=code))
    return Response(render(dossier.vietqr_payload),
        content_type=content_type, headers={'Cache-Control': 'no-store'})


@app.route('/portal/dossiers/<code>/vietqr.png', methods={'GET'})
@with_database
@with_pool
@with_transaction(readonly=False)
@portal_api
def dossier_vietqr_png(request, pool, code):
    "The VietQR code of what remains to pay on the dossier, as PNG"
    return _qr(request, pool, code, qr.png, 'image/png')


@app.route('/portal/dossiers/<code>/vietqr.svg', methods={'GET'})
@with_database
@with_pool
@with_transaction(readonly=False)
@portal_api
def dossier_vietqr_svg(request, pool, code):
    "The VietQR code of what remains to pay on the dossier, as SVG"
    return _qr(request, pool, code, qr.svg, 'image/svg+xml')
