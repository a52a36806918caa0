# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Citizens' accounts (web_user): register with e-mail verification, log in
and out, reset the password. Answers never tell whether an address has an
account."""
import datetime as dt
from http import HTTPStatus

from trytond import config
from trytond.exceptions import RateLimitException, UserError
from trytond.protocols.wrappers import redirect, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from .identity import normalize_phone
from .portal import (
    _, current_page, current_user, login, logout, portal_page,
    record_attempt, render, safe_next, too_many, too_many_page,
    with_database)

GENDERS = ['male', 'female']


def message_page(title, message, link=None, link_text=None,
        status=HTTPStatus.OK):
    return render('onestop_procedures/portal/message.html', status=status,
        title=title, message=message, link=link, link_text=link_text)


def _register_form(values, errors=(), status=HTTPStatus.OK):
    return render('onestop_procedures/portal/register.html', status=status,
        title=_('register_title'), values=values, errors=list(errors))


def _parse_registration(form):
    values = {name: form.get(name, '').strip() for name in [
            'name', 'citizen_id', 'birth_date', 'gender', 'phone', 'email']}
    errors = []
    if not values['name']:
        errors.append(_('name_required'))
    if not values['citizen_id'].isdigit() or len(values['citizen_id']) != 12:
        errors.append(_('citizen_id_format'))
    try:
        values['birth_date_value'] = dt.date.fromisoformat(
            values['birth_date'])
    except ValueError:
        errors.append(_('birth_date_required'))
    if values['gender'] not in GENDERS:
        errors.append(_('gender_required'))
    if not normalize_phone(values['phone']):
        errors.append(_('phone_format'))
    if '@' not in values['email']:
        errors.append(_('email_format'))
    password = form.get('password', '')
    if password != form.get('password2', ''):
        errors.append(_('password_mismatch'))
    if not form.get('consent'):
        errors.append(_('consent_required'))
    return values, password, errors


@app.route('/portal/account/register', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def register(request, pool):
    WebUser = pool.get('web.user')
    if request.method == 'GET':
        return _register_form({})
    values, password, errors = _parse_registration(request.form)
    if errors:
        return _register_form(values, errors, HTTPStatus.BAD_REQUEST)
    if too_many('account', values['email'].lower()):
        return too_many_page()
    record_attempt('account', values['email'].lower())
    try:
        WebUser.portal_register(values['email'], password, values['name'],
            values['citizen_id'], values['birth_date_value'],
            values['gender'], normalize_phone(values['phone']),
            current_page().language)
    except UserError as exception:
        Transaction().rollback()
        # the attempt counts even when the registration fails
        record_attempt('account', values['email'].lower())
        return _register_form(
            values, [exception.message], HTTPStatus.BAD_REQUEST)
    return message_page(_('register_title'), _('register_sent'))


@app.route('/portal/account/verify', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def verify_email(request, pool):
    """The link of the verification mail: a button confirms it, so that
    mail scanners opening the link change nothing"""
    WebUser = pool.get('web.user')
    if request.method == 'GET':
        return render('onestop_procedures/portal/verify.html',
            title=_('verify_title'), token=request.args.get('token', ''))
    token = request.form.get('token', '')
    if token and WebUser.validate_email_token([token]):
        return message_page(_('verify_title'), _('verify_done'),
            '/portal/account/login', _('login'))
    return message_page(_('verify_title'), _('verify_invalid'),
        status=HTTPStatus.BAD_REQUEST)


def _login_form(next_, email='', errors=(), status=HTTPStatus.OK):
    return render('onestop_procedures/portal/login.html', status=status,
        title=_('login_title'), next=next_, email=email,
        errors=list(errors))


@app.route('/portal/account/login', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def login_page(request, pool):
    WebUser = pool.get('web.user')
    next_ = safe_next(request.values.get('next'))
    if request.method == 'GET':
        if current_user():
            return redirect(next_)
        return _login_form(next_)
    email = request.form.get('email', '').strip()
    if too_many('login'):
        return too_many_page()
    try:
        user = WebUser.authenticate(email, request.form.get('password', ''))
    except RateLimitException:
        return too_many_page()
    if not user:
        record_attempt('login')
        return _login_form(next_, email, [_('login_failed')],
            HTTPStatus.FORBIDDEN)
    if not user.email_valid:
        if not too_many('account', user.email):
            record_attempt('account', user.email)
            WebUser.validate_email([user])
        return _login_form(next_, email, [_('login_not_verified')],
            HTTPStatus.FORBIDDEN)
    return login(redirect(next_), user)


@app.route('/portal/account/logout', methods={'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def logout_page(request, pool):
    return logout(redirect('/portal/'))


@app.route('/portal/account/reset', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def reset_password(request, pool):
    "Mail a link to choose a new password (the same answer for any address)"
    WebUser = pool.get('web.user')
    if request.method == 'GET':
        return render('onestop_procedures/portal/reset.html',
            title=_('reset_title'))
    email = request.form.get('email', '').strip().lower()
    if too_many('account', email):
        return too_many_page()
    record_attempt('account', email)
    users = WebUser.search([
            ('email', '=', email), ('email_valid', '=', True)], limit=1)
    if users:
        WebUser.reset_password(users)
    return message_page(_('reset_title'), _('reset_sent'))


@app.route('/portal/account/password', methods={'GET', 'POST'})
@with_database
@with_pool
@with_transaction()
@portal_page
def new_password(request, pool):
    "The link of the reset mail: choose the new password"
    pool_user = pool.get('res.user')
    WebUser = pool.get('web.user')
    token = request.values.get('token', '')
    if request.method == 'GET':
        return render('onestop_procedures/portal/password.html',
            title=_('password_title'), token=token, errors=[])
    password = request.form.get('password', '')
    user = WebUser.portal_user_by_reset_token(token)
    if not user:
        return message_page(_('password_title'), _('password_invalid'),
            '/portal/account/reset', _('reset_title'),
            status=HTTPStatus.BAD_REQUEST)
    errors = []
    if password != request.form.get('password2', ''):
        errors.append(_('password_mismatch'))
    else:
        try:
            pool_user.validate_password(password, [user])
        except UserError:
            errors.append(_('password_rule',
                    length=config.getint('password', 'length', default=8)))
    if errors or not WebUser.set_password_token(user.email, token, password):
        return render('onestop_procedures/portal/password.html',
            status=HTTPStatus.BAD_REQUEST, title=_('password_title'),
            token=token, errors=errors or [_('password_invalid')])
    return message_page(_('password_title'), _('password_done'),
        '/portal/account/login', _('login'))
