# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""What every public route shares: the database from the configuration (no
database name in citizens' URLs), the citizen's session, language and CSRF
token, security headers, rate limits, JSON answers and HTML rendering.

A portal page of any module is written as::

    @app.route('/portal/dossiers/<code>/pay', methods={'GET'})
    @with_database
    @with_pool
    @with_transaction()
    @portal_page
    def pay(request, pool, code):
        user = current_user()
        ...
        return render('onestop_payments/portal/pay.html',
            title=_('onestop_payments.msg_portal_pay'), dossier=dossier)

`render` puts the page (a template fragment with one root element) into the
shared layout (portal/layout.html) with the navigation, the language switch
and the CSRF token every form must post back as `csrf_token`."""
import contextvars
import datetime as dt
import hmac
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import wraps
from http import HTTPStatus
from urllib.parse import quote, urlencode, urlsplit

from genshi.core import Markup
from genshi.template import TemplateLoader
from werkzeug.exceptions import HTTPException

from trytond import config
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, redirect
from trytond.tools import file_open
from trytond.transaction import Transaction

DEFAULT_DATABASE = 'onestop'
LANGUAGES = ['vi', 'en']
DEFAULT_LANGUAGE = 'vi'
SESSION_COOKIE = 'onestop_session'
CSRF_COOKIE = 'onestop_csrf'
LANGUAGE_COOKIE = 'onestop_lang'
# the evaluation pages (/survey) are the portal's too
COOKIE_PATH = '/'
CSRF_FIELD = 'csrf_token'
CSRF_HEADER = 'X-CSRF-Token'
UNSAFE_METHODS = {'POST', 'PUT', 'PATCH', 'DELETE'}
# Only the portal's own files: no inline script or style, no framing
CONTENT_SECURITY_POLICY = '; '.join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        ])
SECURITY_HEADERS = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    }
# kind: (attempts per key, attempts per IP network, window in seconds)
RATE_LIMITS = {
    # wrong code or second factor: 4 digits must not be guessable
    'lookup': (8, 30, 3600),
    'login': (None, 30, 3600),
    # registration, password reset and verification mails
    'account': (5, 10, 3600),
    'upload': (60, 120, 3600),
    }
VN_OFFSET = dt.timezone(dt.timedelta(hours=7))
_NEXT_PATH = re.compile(r'/portal(/[\w\-./%]*)?')


def database_name():
    "The database citizens reach: [onestop] database (default onestop)"
    return config.get('onestop', 'database', default=DEFAULT_DATABASE)


def portal_url(path):
    "An absolute URL of the portal (for QR codes and e-mails)"
    base = config.get('onestop', 'portal_url', default='http://localhost:8000')
    return base.rstrip('/') + path


def tracking_url(code):
    "The public page where a dossier is tracked (printed as a QR code)"
    return portal_url(f"/portal/dossiers/{quote(code, safe='')}")


def procedure_path(code):
    return f"/portal/procedures/{quote(code, safe='')}"


def dossier_path(code):
    return f"/portal/dossiers/{quote(code, safe='')}"


def with_database(func):
    "Pass the configured database name on, for trytond's with_pool"
    @wraps(func)
    def wrapper(request, *args, **kwargs):
        return func(request, database_name(), *args, **kwargs)
    return wrapper


def fold(text):
    """Lower case without Vietnamese diacritics, spaces collapsed:
    'Đăng ký  kết hôn' gives 'dang ky ket hon'"""
    text = (text or '').replace('đ', 'd').replace('Đ', 'd')
    text = unicodedata.normalize('NFD', text)
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return ' '.join(text.lower().split())


def last_digits(value, count=4):
    "The last digits of a phone number or citizen ID, '' when too short"
    digits = ''.join(c for c in (value or '') if c.isdigit())
    return digits[-count:] if len(digits) >= count else ''


def as_vietnam(value):
    "A naive Vietnam time as ISO 8601 with its offset, for the JSON API"
    if value is None:
        return None
    return value.replace(tzinfo=VN_OFFSET).isoformat()


def format_date(value):
    return value.strftime('%d/%m/%Y') if value else ''


def format_datetime(value):
    return value.strftime('%H:%M %d/%m/%Y') if value else ''


def format_number(value, digits=0):
    "A number as the page's language writes it (1.234,5 in Vietnamese)"
    Lang = Pool().get('ir.lang')
    return Lang.get().format(f'%.{digits}f', value, grouping=True)


def json_response(data, status=HTTPStatus.OK):
    response = Response(
        json.dumps(data, ensure_ascii=False, default=str), status=status,
        content_type='application/json; charset=utf-8')
    return secure(response)


def json_error(status, message):
    "Errors of the public API: an HTTP status and a message"
    return json_response(
        {'error': {'status': int(status), 'message': message}},
        status=status)


def secure(response, private=False):
    "Add the security headers; private answers are never cached"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    request = _current.get(None)
    if request is not None and request.request.is_secure:
        response.headers.setdefault(
            'Strict-Transport-Security', 'max-age=31536000')
    if private:
        response.headers['Cache-Control'] = 'no-store'
    else:
        response.headers.setdefault('Cache-Control', 'no-cache')
    return response


def _load(filename, relative_to=None, cls=None, encoding=None):
    "Genshi loader reading templates with trytond's file_open"
    fileobj = file_open(filename, 'rb')
    return filename, filename, fileobj, lambda: False


_loader = TemplateLoader([_load], auto_reload=False)


@dataclass
class Page:
    "What a portal request knows about its citizen"
    request: object
    language: str = DEFAULT_LANGUAGE
    user: object = None
    csrf_token: str = ''
    cookies: dict = field(default_factory=dict)
    private: bool = False

    @property
    def path(self):
        return self.request.path

    def language_url(self, language):
        "This page in another language"
        args = [(k, v) for k, v in self.request.args.items(multi=True)
            if k != 'lang']
        args.append(('lang', language))
        return f'{self.request.path}?{urlencode(args)}'


_current = contextvars.ContextVar('onestop_portal_page')


def current_page():
    return _current.get()


def current_user():
    "The logged-in citizen (web.user) or None"
    page = _current.get(None)
    return page.user if page else None


def _(message, /, **variables):
    """A portal message in the page's language: 'search' is
    onestop_procedures.msg_portal_search; other modules give full ids"""
    if '.' not in message:
        message = f'onestop_procedures.msg_portal_{message}'
    return gettext(message, **variables)


def choose_language(request):
    for value in [request.args.get('lang'),
            request.cookies.get(LANGUAGE_COOKIE)]:
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def _set_cookie(response, request, name, value, max_age=None,
        samesite='Lax'):
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH,
        secure=request.is_secure, httponly=True, samesite=samesite)


def login(response, user):
    "Open a session for the web user on the response"
    page = current_page()
    _set_cookie(response, page.request, SESSION_COOKIE, user.new_session())
    # a new session gets a new CSRF token (no fixation)
    _set_cookie(response, page.request, CSRF_COOKIE,
        secrets.token_urlsafe(32), samesite='Strict')
    return response


def logout(response):
    page = current_page()
    key = page.request.cookies.get(SESSION_COOKIE)
    if key:
        Pool().get('web.user.session').remove(key)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def _session_user(request):
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    user = Pool().get('web.user').get_user(key)
    if user and user.active and user.email_valid:
        return user
    return None


def check_csrf(request, token):
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    return bool(sent and token) and hmac.compare_digest(sent, token)


def portal_page(func):
    """Set up a portal page inside trytond's with_transaction: the language,
    the citizen's session, the CSRF check of unsafe methods, the security
    headers; user errors become a page with their message."""
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        transaction = Transaction()
        page = Page(request, language=choose_language(request))
        token = request.cookies.get(CSRF_COOKIE)
        if not token:
            token = secrets.token_urlsafe(32)
            page.cookies[CSRF_COOKIE] = (token, 'Strict', None)
        page.csrf_token = token
        if request.args.get('lang') in LANGUAGES:
            page.cookies[LANGUAGE_COOKIE] = (
                page.language, 'Lax', 365 * 24 * 3600)
        reset = _current.set(page)
        try:
            with transaction.set_context(language=page.language):
                page.user = _session_user(request)
                page.private = bool(page.user)
                if (request.method in UNSAFE_METHODS
                        and not check_csrf(request, token)):
                    response = error_page(
                        HTTPStatus.FORBIDDEN, _('csrf_error'))
                else:
                    try:
                        response = func(request, pool, *args, **kwargs)
                    except (UserError, UserWarning) as exception:
                        transaction.rollback()
                        response = error_page(
                            HTTPStatus.BAD_REQUEST, exception.message)
                    except HTTPException as exception:
                        response = exception.get_response()
            for name, (value, samesite, max_age) in page.cookies.items():
                _set_cookie(response, request, name, value,
                    max_age=max_age, samesite=samesite)
            return secure(response, private=page.private
                or request.method in UNSAFE_METHODS)
        finally:
            _current.reset(reset)
    return wrapper


def portal_api(func):
    """Set up a JSON API endpoint: language from ?lang= (Vietnamese by
    default), security headers, user errors as JSON"""
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        transaction = Transaction()
        page = Page(request, language=choose_language(request))
        reset = _current.set(page)
        try:
            with transaction.set_context(language=page.language):
                try:
                    return func(request, pool, *args, **kwargs)
                except (UserError, UserWarning) as exception:
                    transaction.rollback()
                    return json_error(
                        HTTPStatus.BAD_REQUEST, exception.message)
        finally:
            _current.reset(reset)
    return wrapper


def safe_next(value, default='/portal/my'):
    "Where to go after logging in: a portal path, never another site"
    parts = urlsplit(value or '')
    if (not parts.scheme and not parts.netloc
            and _NEXT_PATH.fullmatch(parts.path)
            and not value.startswith('//')):
        return value
    return default


def login_redirect(request):
    "Ask for a log in, then come back here"
    return redirect('/portal/account/login?' + urlencode(
            {'next': request.full_path.rstrip('?')}))


def too_many(kind, key=None):
    "True when the attempts of this kind exceed the limits"
    return Pool().get('onestop.portal.attempt').exceeded(kind, key)


def record_attempt(kind, key=None):
    Pool().get('onestop.portal.attempt').add(kind, key)


def template_values(**values):
    page = _current.get(None)
    return {
        '_': _,
        'page': page,
        'user': page.user if page else None,
        'csrf_field': CSRF_FIELD,
        'format_date': format_date,
        'format_datetime': format_datetime,
        'format_number': format_number,
        'quote': quote,
        'Markup': Markup,
        **values,
        }


def render_fragment(template, **values):
    """A template rendered as Markup, for a section another module adds to
    a page (see Dossier.portal_sections)"""
    html = _loader.load(template).generate(
        **template_values(**values)).render('html', encoding=None)
    return Markup(html)


def render(template, status=HTTPStatus.OK, layout=True, **values):
    """Render a Genshi template given as '<module>/portal/<name>.html' in the
    shared layout; values are escaped unless marked with Markup. Without
    layout, the template is a whole document."""
    values = template_values(**values)
    stream = _loader.load(template).generate(**values)
    if layout:
        values['content'] = Markup(stream.render('html', encoding=None))
        stream = _loader.load(
            'onestop_procedures/portal/layout.html').generate(**values)
    html = stream.render('html', doctype='html5', encoding='utf-8')
    response = Response(html, status=status,
        content_type='text/html; charset=utf-8')
    if _current.get(None) is None:
        secure(response)
    return response


def error_page(status, message):
    return render('onestop_procedures/portal/error.html', status=status,
        title=_('error_title'), message=message, code=int(status))


def too_many_page():
    response = error_page(HTTPStatus.TOO_MANY_REQUESTS, _('too_many'))
    response.headers['Retry-After'] = '3600'
    return response


# Uploads: PDF, JPEG and PNG only, recognised by their first bytes
FILE_TYPES = [
    (b'%PDF-', 'application/pdf', 'pdf'),
    (b'\xff\xd8\xff', 'image/jpeg', 'jpg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png', 'png'),
    ]
MAX_FILE_SIZE = 5 * 1024 * 1024
# a dossier's documents in one request
MAX_UPLOAD_REQUEST = 40 * 1024 * 1024
_UNSAFE_NAME = re.compile(r'[^\w\- .()]+')


def sniff(data):
    "(mimetype, extension) of a PDF, JPEG or PNG file, else None"
    for magic, mimetype, extension in FILE_TYPES:
        if data.startswith(magic):
            return mimetype, extension
    return None


def clean_filename(name, extension):
    "A file name safe to store and send back, with the real extension"
    name = (name or '').replace('\\', '/').rsplit('/', 1)[-1]
    stem = name.rsplit('.', 1)[0] if '.' in name else name
    stem = _UNSAFE_NAME.sub('_', stem).strip(' ._')[:80] or 'document'
    return f'{stem}.{extension}'
