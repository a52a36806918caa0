# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Dossiers on the portal: tracking with a second factor, the citizen's own
dossiers and drafts, online filing with uploads, the supplement answered
online. Every query is scoped to the logged-in account or to the dossier
whose second factor was verified: routes run as the root user."""
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.protocols.wrappers import (
    Response, redirect, set_max_request_size, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .identity import normalize_phone
from .portal import (
    MAX_FILE_SIZE, MAX_UPLOAD_REQUEST, _, clean_filename, current_user,
    dossier_path, error_page, login_redirect, portal_page, procedure_path,
    record_attempt, render, sniff, too_many, too_many_page, with_database)
from .routes import choose_commune
from .web_draft import reusable_components


def read_upload(storage):
    """(name, data) of an uploaded PDF, JPEG or PNG file checked by its
    content and size; None when no file was chosen"""
    if not storage or not storage.filename:
        return None
    try:
        data = storage.read(MAX_FILE_SIZE + 1)
    finally:
        storage.close()
    if len(data) > MAX_FILE_SIZE:
        raise ValidationError(gettext(
                'onestop_procedures.msg_portal_file_too_large',
                name=clean_filename(storage.filename, '')[:-1],
                size=MAX_FILE_SIZE // (1024 * 1024)))
    kind = sniff(data)
    if not kind:
        raise ValidationError(gettext(
                'onestop_procedures.msg_portal_file_type',
                name=clean_filename(storage.filename, '')[:-1]))
    return clean_filename(storage.filename, kind[1]), data


def read_uploads(request, field, user, errors):
    "The valid uploads of a form field; their errors added to errors"
    uploads = []
    for storage in request.files.getlist(field):
        try:
            upload = read_upload(storage)
        except ValidationError as exception:
            errors.append(exception.message)
            continue
        if upload:
            if too_many('upload', str(user.id)):
                errors.append(_('too_many'))
                break
            record_attempt('upload', str(user.id))
            uploads.append(upload)
    return uploads


def owned_dossier(pool, code, user):
    "The dossier with this code if the account may see it, else None"
    Dossier = pool.get('onestop.dossier')
    if not user or not code:
        return None
    dossiers = Dossier.search([
            ('code', '=', code),
            user.portal_dossier_domain(),
            ], limit=1)
    return dossiers[0] if dossiers else None


def component_files(pool, dossier):
    "{component id: [attachment, ...]} of the dossier"
    Attachment = pool.get('ir.attachment')
    resources = {str(c): c.id for c in dossier.components}
    files = {}
    if resources:
        for attachment in Attachment.search([
                    ('resource', 'in', list(resources)),
                    ], order=[('id', 'ASC')]):
            files.setdefault(
                resources[str(attachment.resource)], []).append(attachment)
    return files


def dossier_page(pool, dossier, owner, status=HTTPStatus.OK, errors=()):
    user = current_user()
    return render('onestop_procedures/portal/dossier.html', status=status,
        title=_('dossier_title', code=dossier.code), dossier=dossier,
        data=dossier.portal_status(), owner=owner,
        files=component_files(pool, dossier) if owner else {},
        sections=dossier.portal_sections(user if owner else None),
        errors=list(errors), path=dossier_path(dossier.code))


def _track(request, pool, code):
    Dossier = pool.get('onestop.dossier')
    dossier = owned_dossier(pool, code, current_user())
    if dossier:
        return dossier_page(pool, dossier, owner=True)
    if request.method == 'GET':
        return render('onestop_procedures/portal/track.html',
            title=_('track_title'), code=code or '', errors=[])
    code = code or request.form.get('code', '').strip()
    if too_many('lookup', code):
        return too_many_page()
    dossier = Dossier.portal_lookup(code, request.form.get('verify'))
    if not dossier:
        record_attempt('lookup', code)
        return render('onestop_procedures/portal/track.html',
            status=HTTPStatus.NOT_FOUND, title=_('track_title'), code=code,
            errors=[_('dossier_not_found')])
    return dossier_page(pool, dossier, owner=False)


@app.route('/portal/track', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def track(request, pool):
    "Find a dossier by its code and the second factor"
    return _track(request, pool, None)


@app.route('/portal/dossiers/<code>', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def dossier(request, pool, code):
    """The page of a dossier (the receipt slip's QR code): in full for its
    owner, the status for whoever gives the second factor"""
    return _track(request, pool, code)


@app.route('/portal/dossiers/<code>/supplement', methods={'POST'})
@set_max_request_size(MAX_UPLOAD_REQUEST)
@with_database
@with_pool
@with_transaction()
@portal_page
def supplement(request, pool, code):
    "The owner sends the missing documents; the clock runs again"
    user = current_user()
    if not user:
        return login_redirect(request)
    dossier = owned_dossier(pool, code, user)
    if not dossier:
        return error_page(HTTPStatus.NOT_FOUND, _('dossier_not_found'))
    errors, files = [], []
    for component in dossier.components:
        for name, data in read_uploads(
                request, f'file_{component.id}', user, errors):
            files.append((component, name, data))
    if not errors:
        try:
            dossier.portal_supplement(files)
        except UserError as exception:
            errors.append(exception.message)
    if errors:
        Transaction().rollback()
        return dossier_page(pool, dossier, owner=True,
            status=HTTPStatus.BAD_REQUEST, errors=errors)
    return redirect(f'{dossier_path(dossier.code)}?supplemented=1')


@app.route('/portal/dossiers/<code>/files/<int:attachment_id>',
    methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def dossier_file(request, pool, code, attachment_id):
    "A document of the owner's dossier (never served to anyone else)"
    user = current_user()
    if not user:
        return login_redirect(request)
    dossier = owned_dossier(pool, code, user)
    attachments = [a for files in (
            component_files(pool, dossier).values() if dossier else [])
        for a in files if a.id == attachment_id]
    if not attachments:
        return error_page(HTTPStatus.NOT_FOUND, _('file_not_found'))
    attachment, = attachments
    data = bytes(attachment.data or b'')
    mimetype = (sniff(data) or ('application/octet-stream', ''))[0]
    response = Response(data, content_type=mimetype)
    response.headers.set('Content-Disposition', 'attachment',
        filename=attachment.name)
    return response


@app.route('/portal/my', methods={'GET'})
@with_database
@with_pool
@with_transaction()
@portal_page
def my_dossiers(request, pool):
    "The account's drafts and dossiers"
    Dossier = pool.get('onestop.dossier')
    Draft = pool.get('onestop.portal.draft')
    user = current_user()
    if not user:
        return login_redirect(request)
    return render('onestop_procedures/portal/my.html',
        title=_('my_title'), drafts=Draft.portal_drafts(user),
        dossiers=Dossier.portal_dossiers(user), dossier_path=dossier_path,
        procedure_path=procedure_path)


@app.route('/portal/drafts/<int:draft_id>/delete', methods={'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def delete_draft(request, pool, draft_id):
    Draft = pool.get('onestop.portal.draft')
    user = current_user()
    if not user:
        return login_redirect(request)
    draft = Draft.portal_get(user, draft_id)
    if draft:
        Draft.delete([draft])
    return redirect('/portal/my')


def _filing_form(pool, procedure, user, draft, errors=(),
        status=HTTPStatus.OK, notice=None):
    company, companies = choose_commune(
        pool, str(draft.company.id) if draft else None)
    party = user.party
    files = draft.files() if draft else {}
    reused = {line.document.id: line.reused_from
        for line in (draft.documents if draft else []) if line.reused_from}
    values = {
        'phone': (draft and draft.applicant_phone)
        or (party.mobile or party.phone if party else ''),
        'email': (draft and draft.applicant_email) or user.email,
        'address': (draft and draft.applicant_address) or '',
        }
    return render('onestop_procedures/portal/file.html', status=status,
        title=_('file_title'), procedure=procedure, party=party,
        company=company, companies=companies, draft=draft, values=values,
        files=files, reused=reused, errors=list(errors), notice=notice,
        reusable={d.id: reusable_components(user, d)
            for d in procedure.documents},
        path=procedure_path(procedure.code))


@app.route('/portal/procedures/<code>/file', methods={'GET', 'POST'})
@set_max_request_size(MAX_UPLOAD_REQUEST)
@with_database
@with_pool
@with_transaction()
@portal_page
def file_online(request, pool, code):
    """Online filing: the applicant's details pre-filled, one upload per
    required document or an earlier digitised one, save or submit"""
    Procedure = pool.get('onestop.procedure')
    Draft = pool.get('onestop.portal.draft')
    user = current_user()
    if not user:
        return login_redirect(request)
    procedure = Procedure.portal_get(code)
    if not procedure:
        return error_page(HTTPStatus.NOT_FOUND, _('procedure_not_found'))
    if procedure.online_level == 'none' or not user.party:
        return error_page(HTTPStatus.BAD_REQUEST, _('not_online'))
    draft_id = request.values.get('draft', type=int)
    draft = Draft.portal_get(user, draft_id) if draft_id else None
    if draft and draft.procedure != procedure:
        draft = None
    if request.method == 'GET':
        return _filing_form(pool, procedure, user, draft,
            notice=_('draft_saved') if request.args.get('saved') else None)

    errors = []
    company, _companies = choose_commune(pool, request.form.get('commune'))
    phone = request.form.get('phone', '').strip()
    if not normalize_phone(phone):
        errors.append(_('phone_format'))
    if not draft:
        draft = Draft(web_user=user, procedure=procedure)
    draft.company = company
    draft.applicant_phone = normalize_phone(phone) or draft.applicant_phone
    draft.applicant_email = request.form.get('email', '').strip()[:200]
    draft.applicant_address = request.form.get('address', '').strip()[:500]
    draft.save()
    _update_documents(request, pool, user, draft, errors)
    # the draft and its valid uploads are kept whatever happens next
    Transaction().commit()
    if not errors and request.form.get('action') == 'submit':
        try:
            dossier = draft.submit()
        except UserError as exception:
            Transaction().rollback()
            errors.append(exception.message)
        else:
            return redirect(f'{dossier_path(dossier.code)}?filed=1')
    if errors:
        draft = Draft(draft.id)
        return _filing_form(pool, procedure, user, draft, errors,
            HTTPStatus.BAD_REQUEST)
    return redirect(
        f'{procedure_path(procedure.code)}/file?draft={draft.id}&saved=1')


def _update_documents(request, pool, user, draft, errors):
    "Store the uploads, the reused documents and the removals of the form"
    Attachment = pool.get('ir.attachment')
    files = draft.files()
    removed = set(request.form.getlist('remove', type=int))
    to_delete = [a for attachments in files.values() for a in attachments
        if a.id in removed]
    if to_delete:
        Attachment.delete(to_delete)
    for document in draft.procedure.documents:
        for name, data in read_uploads(
                request, f'file_{document.id}', user, errors):
            draft.add_file(document, name, data)
        reuse = request.form.get(f'reuse_{document.id}', type=int)
        allowed = {c.id: c for c in reusable_components(user, document)}
        if reuse in allowed:
            draft.set_reuse(document, allowed[reuse])
        elif f'reuse_{document.id}' in request.form:
            line = draft.document_line(document)
            if line.reused_from:
                line.reused_from = None
                line.save()
