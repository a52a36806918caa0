# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The citizen portal's public pages: find a procedure, read it, the
commune's figures, and the portal's static files. Accounts, online filing
and tracking are in routes_account.py and routes_dossier.py, the JSON API in
routes_api.py."""
import datetime as dt
from http import HTTPStatus
from io import BytesIO

import qrcode

from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.tools import file_open
from trytond.wsgi import app

from .portal import (
    _, error_page, portal_page, portal_url, procedure_path, render, secure,
    with_database)

STATIC_FILES = {
    'portal.css': 'text/css; charset=utf-8',
    'portal.js': 'text/javascript; charset=utf-8',
    }
MAX_RESULTS = 50


def communes(pool):
    "The communes of the database, the first one first"
    Company = pool.get('company.company')
    return Company.search([], order=[('id', 'ASC')])


def choose_commune(pool, value):
    "The commune asked for by id, else the first one"
    companies = communes(pool)
    for company in companies:
        if str(company.id) == (value or ''):
            return company, companies
    return (companies[0] if companies else None), companies


def vietnam_now(pool, company):
    "The commune's local time now"
    Dossier = pool.get('onestop.dossier')
    return Dossier(company=company).local(
        dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))


def qr_png(data):
    buffer = BytesIO()
    qrcode.make(data, border=2).save(buffer, format='PNG')
    return buffer.getvalue()


@app.route('/portal', methods={'GET'})
@app.route('/portal/', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def home(request, pool):
    "Search procedures by words, with or without diacritics; browse by field"
    Procedure = pool.get('onestop.procedure')
    query = request.args.get('q', '').strip()[:200]
    field = request.args.get('field', '').strip()[:20]
    procedures = None
    if query or field:
        procedures = Procedure.portal_search(query, field=field or None)
    fields_ = sorted(Procedure.portal_fields(), key=lambda f: f[0].name)
    field_name = next(
        (f.name for f, count in fields_ if f.code == field), None)
    return render('onestop_procedures/portal/home.html',
        title=_('home_title'), query=query, field=field,
        field_name=field_name, fields=fields_,
        procedures=procedures[:MAX_RESULTS] if procedures else procedures,
        total=len(procedures or []), procedure_path=procedure_path)


@app.route('/portal/procedures/<code>', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def procedure_page(request, pool, code):
    """The procedure: documents as a checklist, time, steps, legal basis,
    form templates, the appointment if filed now and its QR code"""
    Procedure = pool.get('onestop.procedure')
    procedure = Procedure.portal_get(code)
    if not procedure:
        return error_page(HTTPStatus.NOT_FOUND, _('procedure_not_found'))
    company, companies = choose_commune(pool, request.args.get('commune'))
    deadline = texts = None
    if company:
        deadline, texts = procedure.portal_appointment(
            company, vietnam_now(pool, company))
    return render('onestop_procedures/portal/procedure.html',
        title=procedure.name, procedure=procedure,
        data=procedure.portal_data(), company=company, companies=companies,
        deadline=deadline, explanation=texts,
        sections=procedure.portal_sections(),
        path=procedure_path(procedure.code))


@app.route('/portal/procedures/<code>/qr.png', methods={'GET'})
@with_database
@with_pool
@with_transaction()
def procedure_qr(request, pool, code):
    "The QR code of the procedure page, for the notice board"
    Procedure = pool.get('onestop.procedure')
    procedure = Procedure.portal_get(code)
    if not procedure:
        return secure(Response('', status=HTTPStatus.NOT_FOUND))
    response = Response(qr_png(portal_url(procedure_path(procedure.code))),
        content_type='image/png')
    response.headers['Cache-Control'] = 'public, max-age=86400'
    return secure(response)


@app.route('/portal/procedures/<code>/forms/<int:document_id>',
    methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def procedure_form(request, pool, code, document_id):
    "The blank form of a required document (public)"
    Procedure = pool.get('onestop.procedure')
    procedure = Procedure.portal_get(code)
    documents = [d for d in (procedure.documents if procedure else [])
        if d.id == document_id and d.template_name and d.template]
    if not documents:
        return error_page(HTTPStatus.NOT_FOUND, _('form_not_found'))
    document, = documents
    response = Response(bytes(document.template),
        content_type='application/octet-stream')
    response.headers.set('Content-Disposition', 'attachment',
        filename=document.template_name)
    return response


@app.route('/portal/figures', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def figures(request, pool):
    """The commune's public figures of the year: on-time rate, dossiers
    by field (with a chart) and what other modules add (satisfaction)"""
    Dossier = pool.get('onestop.dossier')
    company, companies = choose_commune(pool, request.args.get('commune'))
    if not company:
        return error_page(HTTPStatus.NOT_FOUND, _('no_commune'))
    this_year = vietnam_now(pool, company).year
    try:
        year = int(request.args.get('year', this_year))
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year:
        year = this_year
    data = Dossier.portal_figures(company, year)
    return render('onestop_procedures/portal/figures.html',
        title=_('figures_title'), company=company, companies=companies,
        year=year, years=range(this_year, this_year - 5, -1), data=data,
        sections=Dossier.portal_figures_sections(company, year))


@app.route('/portal/static/<name>', methods={'GET'})
def static(request, name):
    "The portal's style sheet and script"
    if name not in STATIC_FILES:
        return secure(Response('', status=HTTPStatus.NOT_FOUND))
    with file_open(f'onestop_procedures/portal/static/{name}', 'rb') as fp:
        response = Response(fp.read(), content_type=STATIC_FILES[name])
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return secure(response)
