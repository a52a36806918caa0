# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The citizen portal and the public JSON API, through werkzeug's client:
every page and endpoint, the API against docs/openapi.yaml, and the scoping
of every query to the citizen (routes run as the root user)."""
import datetime as dt
import re
import unittest
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from trytond import config
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from onestop_procedures import portal
from onestop_procedures.commandline import synchronize_wizards

from .tools import create_commune, create_dossier

OPENAPI = Path(__file__).resolve().parents[3] / 'docs' / 'openapi.yaml'
PDF = b'%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
PASSWORD = 'Mat-khau-dai-2026'
MAIL = 'trytond.modules.web_user.user.send_message_transactional'


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


def setup_portal_database(vietnamese=True):
    """A commune, three procedures, two citizens with accounts and a
    dossier each; Vietnamese loaded as the portal's language"""
    pool = Pool()
    Field = pool.get('onestop.procedure.field')
    Procedure = pool.get('onestop.procedure')
    Party = pool.get('party.party')
    WebUser = pool.get('web.user')
    Dossier = pool.get('onestop.dossier')
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    if vietnamese:
        # as onestop setup does: the rows of every module, then the
        # module's strings and its translations of the core modules
        vi, = Lang.search([('code', '=', 'vi')])
        vi.translatable = True
        vi.save()
        synchronize_wizards(vi)
        locale = Path(__file__).resolve().parents[1] / 'locale'
        Translation.translation_import('vi', 'onestop_procedures', [
                str(locale / 'vi.po'), str(locale / 'override' / 'vi.po')])
    company = create_commune()
    civil, = Field.create([{'code': 'HT', 'name': "Hộ tịch"}])
    land, = Field.create([{'code': 'DD', 'name': "Đất đai"}])
    steps = [('create', [
                {'name': "Tiếp nhận", 'share': 20, 'role': 'officer'},
                {'name': "Thẩm định", 'share': 60, 'role': 'specialist'},
                {'name': "Trả kết quả", 'share': 20, 'role': 'officer'}])]
    marriage, birth, land_ = Procedure.create([{
                'code': '1.000894', 'name': "Đăng ký kết hôn",
                'field': civil.id, 'processing_time': 3,
                'processing_unit': 'day', 'online_level': 'full',
                'legal_basis': "Luật Hộ tịch 2014",
                'documents': [('create', [
                            {'name': "Tờ khai đăng ký kết hôn",
                                'mandatory': True, 'sequence': 1,
                                'template': b'%PDF-1.4 form',
                                'template_name': 'to-khai.pdf'},
                            {'name': "Giấy xác nhận tình trạng hôn nhân",
                                'mandatory': True, 'sequence': 2},
                            {'name': "Giấy tờ khác", 'mandatory': False,
                                'sequence': 3}])],
                'steps': steps,
                }, {
                'code': '1.001193', 'name': "Khai sinh",
                'field': civil.id, 'processing_unit': 'same_day',
                'online_level': 'full',
                'documents': [('create', [
                            {'name': "Tờ khai đăng ký khai sinh",
                                'mandatory': True}])],
                }, {
                'code': '2.000001', 'name': "Hòa giải tranh chấp đất đai",
                'field': land.id, 'processing_time': 30,
                'processing_unit': 'day', 'online_level': 'none',
                }])
    accounts = {}
    for key, name, citizen_id, phone, email in [
            ('an', "Nguyễn Văn An", '031095001234', '0912345678',
                'an@example.com'),
            ('binh', "Trần Thị Bình", '031188004321', '0987654321',
                'binh@example.com')]:
        party = Party(name=name, gender='male' if key == 'an' else 'female',
            birth_date=dt.date(1995 if key == 'an' else 1988, 3, 2),
            identifiers=[{'type': 'vn_cccd', 'code': citizen_id}],
            contact_mechanisms=[{'type': 'mobile', 'value': phone}])
        party.save()
        user = WebUser(email=email, party=party, email_valid=True)
        user.password = PASSWORD
        user.save()
        with Transaction().set_context(company=company.id):
            dossier = create_dossier(marriage, party,
                received_at=at(2026, 3, 6, 10))
            Dossier.receive([dossier])
            Pool().get('ir.attachment').create([{
                        'resource': str(dossier.components[0]),
                        'name': f'{key}.pdf', 'data': PDF}])
        accounts[key] = {'party': party.id, 'user': user.id,
            'email': email, 'dossier': dossier.code,
            'dossier_id': dossier.id, 'phone': phone,
            'citizen_id': citizen_id}
    return {'company': company.id, 'marriage': marriage.code,
        'birth': birth.code, 'land': land_.code, 'accounts': accounts}


def use_portal_database(test_class, name=DB_NAME):
    "Point the portal at the test database for the test class"
    if not config.has_section('onestop'):
        config.add_section('onestop')
        test_class.addClassCleanup(config.remove_section, 'onestop')
    previous = config.get('onestop', 'database', portal.DEFAULT_DATABASE)
    config.set('onestop', 'database', name)
    test_class.addClassCleanup(config.set, 'onestop', 'database', previous)


class OpenAPI:
    """Requests and responses of the API checked against
    docs/openapi.yaml"""

    def __init__(self):
        self.spec = yaml.safe_load(OPENAPI.read_text(encoding='utf-8'))
        self.registry = Registry().with_resource('urn:openapi',
            Resource.from_contents(
                self.spec, default_specification=DRAFT202012))

    def operation(self, path, method='get'):
        "The spec's path template matching a concrete path for the method"
        parts = path.split('/')
        for template, item in self.spec['paths'].items():
            pattern = template.split('/')
            if method in item and len(pattern) == len(parts) and all(
                    p == q or (p.startswith('{') and q)
                    for p, q in zip(pattern, parts)):
                return template
        raise AssertionError(
            f'{method.upper()} {path} is not in the OpenAPI document')

    def check(self, instance, pointer):
        "The instance matches the schema at the pointer of the document"
        schema = {'$ref': 'urn:openapi' + pointer}
        Draft202012Validator(schema, registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
            instance)

    def validate(self, response, path, method='get', body=None,
            headers=None):
        """The response is documented for its status and matches its
        schema; the request's JSON body and headers, when given, match the
        operation's request body and header parameters"""
        template = self.operation(urlsplit(path).path, method)
        base = '/'.join(['#/paths', template.replace('/', '~1'), method])
        operation = self.spec['paths'][template][method]
        if body is not None:
            assert 'requestBody' in operation, (
                f'no request body documented for {method.upper()} '
                f'{template}')
            self.check(body, base
                + '/requestBody/content/application~1json/schema')
        if headers is not None:
            for i, parameter in enumerate(operation.get('parameters', [])):
                name = parameter.get('name')
                if parameter.get('in') != 'header':
                    continue
                assert name in headers or not parameter.get('required'), (
                    f'header {name} missing')
                if name in headers:
                    self.check(headers[name],
                        f'{base}/parameters/{i}/schema')
        responses = operation['responses']
        status = str(response.status_code)
        assert status in responses, (
            f'{status} not documented for {method.upper()} {template}')
        assert response.content_type.startswith('application/json'), (
            f'{response.content_type} answer: {response.text[:200]}')
        pointer = base + '/responses/' + status
        if '$ref' in responses[status]:
            pointer = responses[status]['$ref']
        self.check(response.json,
            pointer + '/content/application~1json/schema')


class PortalUnitTestCase(unittest.TestCase):
    "Pure helpers of the portal"

    def test_fold(self):
        "Lower case without diacritics, đ as d"
        self.assertEqual(portal.fold("Đăng ký  KẾT HÔN"), 'dang ky ket hon')
        self.assertEqual(portal.fold("Khai sinh"), 'khai sinh')
        self.assertEqual(portal.fold(None), '')

    def test_sniff(self):
        "Files are recognised by their content, not their name"
        self.assertEqual(portal.sniff(PDF), ('application/pdf', 'pdf'))
        self.assertEqual(portal.sniff(PNG), ('image/png', 'png'))
        self.assertEqual(
            portal.sniff(b'\xff\xd8\xff\xe0rest'), ('image/jpeg', 'jpg'))
        self.assertIsNone(portal.sniff(b'MZ\x90\x00 executable'))
        self.assertIsNone(portal.sniff(b'<html><script>'))

    def test_clean_filename(self):
        "No path, no odd characters, the real extension"
        self.assertEqual(portal.clean_filename(
                '../../etc/passwd.pdf', 'pdf'), 'passwd.pdf')
        self.assertEqual(portal.clean_filename(
                'C:\\Users\\an\\tờ khai.exe', 'png'), 'tờ khai.png')
        self.assertEqual(portal.clean_filename('<script>', 'jpg'),
            'script.jpg')
        self.assertEqual(portal.clean_filename('', 'pdf'), 'document.pdf')

    def test_last_digits(self):
        self.assertEqual(portal.last_digits('0912 345 678'), '5678')
        self.assertEqual(portal.last_digits('123'), '')
        self.assertEqual(portal.last_digits(None), '')

    def test_safe_next(self):
        "Only portal paths after logging in: no open redirect"
        self.assertEqual(portal.safe_next('/portal/my'), '/portal/my')
        self.assertEqual(
            portal.safe_next('/portal/procedures/1.0/file?draft=3'),
            '/portal/procedures/1.0/file?draft=3')
        for value in ['https://evil.example/portal/',
                '//evil.example/portal/', '/onestop/rpc/', None, '']:
            self.assertEqual(portal.safe_next(value), '/portal/my')

    def test_openapi_paths_exist(self):
        "Every documented path is routed (payments are another module's)"
        spec = OpenAPI().spec
        rules = {re.sub(r'<(?:[^:>]+:)?([^>]+)>', r'{\1}', r.rule)
            for r in app.url_map.iter_rules()}
        for path, item in spec['paths'].items():
            if item.get('x-provided-by'):
                continue
            with self.subTest(path=path):
                self.assertIn(path, rules)
class PortalRouteTestCase(RouteTestCase):
    "Every page and API endpoint of the portal"
    module = 'onestop_procedures'

    @classmethod
    def setUpClass(cls):
        use_portal_database(cls)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        cls.data = setup_portal_database()

    def setUp(self):
        super().setUp()
        self.api = OpenAPI()
        self.ip = 1

    def client_from(self, address):
        "A client from its own IP address (rate limits count per network)"
        client = self.client()
        open_ = client.open

        def open(*args, **kwargs):
            kwargs.setdefault('environ_base', {})['REMOTE_ADDR'] = address
            return open_(*args, **kwargs)
        client.open = open
        return client

    def csrf(self, client):
        client.get('/portal/')
        return client.get_cookie(portal.CSRF_COOKIE, path='/').value

    def login(self, key):
        client = self.client()
        account = self.data['accounts'][key]
        response = client.post('/portal/account/login', data={
                'csrf_token': self.csrf(client), 'email': account['email'],
                'password': PASSWORD, 'next': '/portal/my'})
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        return client

    def get_json(self, client, path):
        response = client.get(path)
        self.api.validate(response, path)
        return response

    def post_form(self, client, path, data, **kwargs):
        data = {'csrf_token': client.get_cookie(
                portal.CSRF_COOKIE, path='/').value, **data}
        return client.post(path, data=data, **kwargs)

    # pages

    def test_home_search_without_diacritics(self):
        "Search finds procedures with or without Vietnamese diacritics"
        client = self.client()
        for query, expected in [
                ('dang ky ket hon', "Đăng ký kết hôn"),
                ('ĐĂNG KÝ kết', "Đăng ký kết hôn"),
                ('khai sinh', "Khai sinh"),
                ('1.001193', "Khai sinh")]:
            with self.subTest(query=query):
                response = client.get('/portal/', query_string={'q': query})
                self.assertEqual(response.status_code, HTTPStatus.OK)
                self.assertIn(expected, response.text)
        response = client.get('/portal/', query_string={'q': 'ket hon'})
        self.assertNotIn("Khai sinh</a>", response.text)
        response = client.get('/portal/', query_string={'q': 'xyz'})
        self.assertIn("Không có thủ tục nào phù hợp", response.text)

    def test_home_browse_by_field(self):
        "The fields are listed with their counts and filter the list"
        response = self.client().get('/portal/')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("Hộ tịch", response.text)
        self.assertIn("2 thủ tục", response.text)
        response = self.client().get('/portal/?field=DD')
        self.assertIn("Hòa giải tranh chấp đất đai", response.text)
        self.assertNotIn("Đăng ký kết hôn</a>", response.text)

    def test_language_choice(self):
        "Vietnamese by default, English on request, remembered in a cookie"
        client = self.client()
        response = client.get('/portal/')
        self.assertIn('lang="vi"', response.text)
        self.assertIn("Tra cứu hồ sơ", response.text)
        response = client.get('/portal/?lang=en')
        self.assertIn('lang="en"', response.text)
        self.assertIn("Track a dossier", response.text)
        self.assertEqual(client.get_cookie(
                portal.LANGUAGE_COOKIE, path='/').value, 'en')
        self.assertIn("Track a dossier", client.get('/portal/track').text)

    def test_security_headers(self):
        "Pages and API answers carry a Content-Security-Policy and others"
        client = self.client()
        for path in ['/portal/', '/portal/api/procedures?q=a',
                '/portal/static/portal.css']:
            with self.subTest(path=path):
                response = client.get(path)
                self.assertIn("default-src 'self'",
                    response.headers['Content-Security-Policy'])
                self.assertEqual(
                    response.headers['X-Content-Type-Options'], 'nosniff')
                self.assertEqual(response.headers['X-Frame-Options'], 'DENY')
        cookie = client.get_cookie(portal.CSRF_COOKIE, path='/')
        self.assertTrue(cookie.http_only)
        self.assertEqual(cookie.same_site, 'Strict')

    def test_templates_escape(self):
        "What a citizen types is escaped, never markup"
        response = self.client().get(
            '/portal/', query_string={'q': '<script>alert(1)</script>'})
        self.assertNotIn('<script>alert(1)</script>', response.text)
        self.assertIn('&lt;script&gt;', response.text)

    def test_static_files(self):
        client = self.client()
        response = client.get('/portal/static/portal.css')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertTrue(response.content_type.startswith('text/css'))
        self.assertEqual(client.get('/portal/static/portal.js').status_code,
            HTTPStatus.OK)
        self.assertEqual(client.get('/portal/static/tryton.cfg').status_code,
            HTTPStatus.NOT_FOUND)
        self.assertNotEqual(
            client.get('/portal/static/..%2f..%2fportal.py').status_code,
            HTTPStatus.OK)

    def test_procedure_page(self):
        """The checklist, the time, the steps, the legal basis, the form to
        download, the appointment if filed now and the QR code"""
        client = self.client()
        response = client.get(f'/portal/procedures/{self.data["marriage"]}')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        text = response.text
        for expected in ["Đăng ký kết hôn", "Tờ khai đăng ký kết hôn",
                "3 ngày làm việc", "Thẩm định", "Luật Hộ tịch 2014",
                "Ngày hẹn trả kết quả", "Cách tính ngày hẹn",
                "/qr.png", "Nộp hồ sơ trực tuyến"]:
            self.assertIn(expected, text)
        match = re.search(r'href="(/portal/procedures/[^"]+/forms/\d+)"', text)
        form = client.get(match.group(1))
        self.assertEqual(form.status_code, HTTPStatus.OK)
        self.assertEqual(form.data, b'%PDF-1.4 form')
        self.assertIn('to-khai.pdf', form.headers['Content-Disposition'])
        qr = client.get(f'/portal/procedures/{self.data["marriage"]}/qr.png')
        self.assertEqual(qr.status_code, HTTPStatus.OK)
        self.assertTrue(qr.data.startswith(b'\x89PNG'))
        self.assertEqual(client.get(
                '/portal/procedures/9.999999').status_code,
            HTTPStatus.NOT_FOUND)
        land = client.get(f'/portal/procedures/{self.data["land"]}')
        self.assertNotIn("Nộp hồ sơ trực tuyến</a>", land.text)

    def test_figures_page(self):
        "The commune's figures of the year with the chart by field"
        response = self.client().get('/portal/figures?year=2026')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('<svg', response.text)
        self.assertIn("Hộ tịch", response.text)
        self.assertRegex(response.text,
            r'class="kpi-value">\s*(\d+)\s*</span>\s*<span class="kpi-label">'
            r'Hồ sơ tiếp nhận')

    # the JSON API

    def test_api_procedures(self):
        "Search and details, as documented"
        client = self.client()
        response = self.get_json(
            client, '/portal/api/procedures?q=dang%20ky%20ket%20hon')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual([p['code'] for p in response.json['procedures']],
            [self.data['marriage']])
        response = self.get_json(client, '/portal/api/procedures?field=HT')
        self.assertEqual(response.json['count'], 2)
        response = self.get_json(client,
            f'/portal/api/procedures/{self.data["marriage"]}?lang=en')
        self.assertEqual(response.json['processing_time'],
            {'amount': 3, 'unit': 'day', 'text': "3 working day(s)"})
        self.assertEqual(
            [d['mandatory'] for d in response.json['documents']],
            [True, True, False])
        self.assertTrue(response.json['documents'][0]['template_url'])
        response = self.get_json(client, '/portal/api/procedures/0.000000')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        self.assertEqual(response.json['error']['status'], 404)

    def test_api_appointment(self):
        """Friday 10:00 + 3 working days: Wednesday 10:00, the weekend
        explained (Vietnam time)"""
        client = self.client()
        path = (f'/portal/api/procedures/{self.data["marriage"]}/appointment'
            '?received_at=2026-03-06T10:00&lang=en')
        response = self.get_json(client, path)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.json['received_at'],
            '2026-03-06T10:00:00+07:00')
        self.assertEqual(response.json['due_at'], '2026-03-11T10:00:00+07:00')
        texts = [s['text'] for s in response.json['explanation']]
        self.assertIn("07/03/2026 is a weekend day: not counted.", texts)
        # after 17:00 it counts from the next working morning
        response = self.get_json(client, path.replace('T10:00', 'T20:15'))
        self.assertEqual(response.json['counted_from'],
            '2026-03-09T08:00:00+07:00')
        response = self.get_json(client,
            f'/portal/api/procedures/{self.data["marriage"]}/appointment')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        for bad in ['06/03/2026', '2026-03-06', '1900-01-01T08:00']:
            with self.subTest(received_at=bad):
                response = self.get_json(client, path.replace(
                        '2026-03-06T10:00', bad))
                self.assertEqual(response.status_code,
                    HTTPStatus.BAD_REQUEST)
        response = self.get_json(client,
            f'/portal/api/procedures/{self.data["marriage"]}/appointment'
            '?commune=999999')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)

    def test_api_dossier(self):
        "The status and history with the code and either second factor"
        client = self.client_from('10.1.0.1')
        an = self.data['accounts']['an']
        for verify in [an['phone'][-4:], an['citizen_id'][-4:]]:
            with self.subTest(verify=verify):
                response = self.get_json(client,
                    f'/portal/api/dossiers/{an["dossier"]}?verify={verify}')
                self.assertEqual(response.status_code, HTTPStatus.OK)
                data = response.json
                self.assertEqual(data['code'], an['dossier'])
                self.assertEqual(data['procedure_code'],
                    self.data['marriage'])
                self.assertEqual((data['state'], data['status_code']),
                    ('received', 2))
                self.assertEqual(data['received_at'],
                    '2026-03-06T10:00:00+07:00')
                self.assertEqual(data['due_at'], '2026-03-11T10:00:00+07:00')
                self.assertEqual([e['action'] for e in data['history']],
                    ['receive'])
                # no personal data
                self.assertNotIn(an['phone'], response.text)
                self.assertNotIn("Nguyễn", response.text)

    def test_api_dossier_no_probing(self):
        "Unknown code and wrong second factor answer alike"
        client = self.client_from('10.2.0.1')
        an = self.data['accounts']['an']
        wrong = self.get_json(client,
            f'/portal/api/dossiers/{an["dossier"]}?verify=0000')
        unknown = self.get_json(client,
            '/portal/api/dossiers/000.31.10999-200101-9999?verify=5678')
        missing = self.get_json(client,
            f'/portal/api/dossiers/{an["dossier"]}')
        self.assertEqual(wrong.status_code, HTTPStatus.NOT_FOUND)
        self.assertEqual(wrong.json, unknown.json)
        self.assertEqual(wrong.json, missing.json)
        # Binh's digits do not open An's dossier
        binh = self.data['accounts']['binh']
        response = self.get_json(client,
            f'/portal/api/dossiers/{an["dossier"]}?verify={binh["phone"][-4:]}')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)

    def test_api_dossier_rate_limit(self):
        "Wrong second factors are limited per code, then per network"
        binh = self.data['accounts']['binh']
        path = f'/portal/api/dossiers/{binh["dossier"]}'
        for i in range(8):
            response = self.client_from(f'10.3.{i}.1').get(
                f'{path}?verify={1000 + i}')
            self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        # even the right digits wait now: guessing cannot go on
        response = self.get_json(self.client_from('10.3.99.1'),
            f'{path}?verify={binh["phone"][-4:]}')
        self.assertEqual(response.status_code, HTTPStatus.TOO_MANY_REQUESTS)
        self.assertEqual(response.headers['Retry-After'], '3600')
        client = self.client_from('10.4.0.1')
        for i in range(30):
            client.get(f'/portal/api/dossiers/UNKNOWN-{i}?verify=1234')
        response = self.get_json(client,
            '/portal/api/dossiers/UNKNOWN-31?verify=1234')
        self.assertEqual(response.status_code, HTTPStatus.TOO_MANY_REQUESTS)

    # tracking

    def test_tracking_page(self):
        "The QR code's page asks for the 4 digits, then shows the status"
        client = self.client_from('10.5.0.1')
        an = self.data['accounts']['an']
        path = f'/portal/dossiers/{an["dossier"]}'
        response = client.get(path)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('name="verify"', response.text)
        self.assertNotIn("Quá trình xử lý", response.text)
        response = self.post_form(client, path, {'verify': '0000'})
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        self.assertIn("Không tìm thấy hồ sơ", response.text)
        response = self.post_form(client, path,
            {'verify': an['phone'][-4:]})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        for expected in ["Đã tiếp nhận", "10:00 11/03/2026",
                "Quá trình xử lý", "Đăng ký kết hôn"]:
            self.assertIn(expected, response.text)
        # the verified visitor is not the owner: no documents
        self.assertNotIn('an.pdf', response.text)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        response = self.post_form(client, '/portal/track',
            {'code': an['dossier'], 'verify': an['citizen_id'][-4:]})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("Đã tiếp nhận", response.text)

    def test_csrf_required(self):
        "A form posted without its token is refused"
        client = self.client()
        an = self.data['accounts']['an']
        response = client.post(f'/portal/dossiers/{an["dossier"]}',
            data={'verify': an['phone'][-4:]})
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.csrf(client)
        response = client.post(f'/portal/dossiers/{an["dossier"]}',
            data={'verify': an['phone'][-4:], 'csrf_token': 'forged'})
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)

    # accounts

    @patch(MAIL)
    def test_register_verify_login(self, send_again):
        "Register, verify the address from the mail, log in, log out"
        client = self.client_from('10.6.0.1')
        self.assertEqual(client.get('/portal/account/register').status_code,
            HTTPStatus.OK)
        self.csrf(client)
        form = {'name': "Lê Văn Cường", 'citizen_id': '001090012345',
            'birth_date': '1990-05-17', 'gender': 'male',
            'phone': '0901 234 567', 'email': 'Cuong@Example.com',
            'password': PASSWORD, 'password2': PASSWORD, 'consent': '1'}
        with patch(MAIL) as send:
            response = self.post_form(
                client, '/portal/account/register', form)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("đường dẫn xác thực", response.text)
        message, = [c.args[0] for c in send.call_args_list]
        self.assertEqual(message['To'], 'cuong@example.com')
        # web_user's mail, in the citizen's language
        self.assertEqual(message['Subject'], "Xác thực thư điện tử")
        self.assertIn("Chỉ còn một bước", message.get_body().get_content())
        link = re.search(r'(http://localhost:8000/portal/account/verify'
            r'\?token=\w+)', message.get_body().get_content()).group(1)
        # not verified yet: no session
        response = self.post_form(client, '/portal/account/login',
            {'email': 'cuong@example.com', 'password': PASSWORD})
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.assertIn("chưa được xác thực", response.text)
        token = parse_qs(urlsplit(link).query)['token'][0]
        # the link is mailed again, the same one
        again, = [c.args[0] for c in send_again.call_args_list]
        self.assertIn(token, again.get_body().get_content())
        response = client.get(urlsplit(link).path + '?token=' + token)
        self.assertIn(token, response.text)
        response = self.post_form(client, '/portal/account/verify',
            {'token': token})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        response = self.post_form(client, '/portal/account/verify',
            {'token': token})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        response = self.post_form(client, '/portal/account/login', {
                'email': 'cuong@example.com', 'password': PASSWORD,
                'next': 'https://evil.example/'})
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        self.assertEqual(urlsplit(response.location).path, '/portal/my')
        session = client.get_cookie(portal.SESSION_COOKIE, path='/')
        self.assertTrue(session.http_only)
        self.assertEqual(session.same_site, 'Lax')
        response = client.get('/portal/my')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("Lê Văn Cường", response.text)
        self.assertIn("Bạn chưa nộp hồ sơ nào", response.text)
        with Transaction().start(DB_NAME, 0):
            user, = Pool().get('web.user').search(
                [('email', '=', 'cuong@example.com')])
            self.assertEqual(user.party.citizen_id, '001090012345')
            self.assertEqual(user.party.mobile, '0901234567')
        response = self.post_form(client, '/portal/account/logout', {})
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        response = client.get('/portal/my')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        self.assertIn('/portal/account/login', response.location)

    def test_register_errors(self):
        "Bad fields are listed; a taken address gets the same answer"
        client = self.client_from('10.7.0.1')
        self.csrf(client)
        response = self.post_form(client, '/portal/account/register', {
                'name': '', 'citizen_id': '12', 'birth_date': 'x',
                'phone': '123', 'email': 'no', 'password': 'a',
                'password2': 'b'})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        for expected in ["Vui lòng nhập họ và tên", "gồm đúng 12 chữ số",
                "Hai mật khẩu không khớp", "Cần có sự đồng ý"]:
            self.assertIn(expected, response.text)
        form = {'name': "Nguyễn Văn An", 'citizen_id': '031095001299',
            'birth_date': '1995-03-02', 'gender': 'male',
            'phone': '0912345678', 'email': 'an@example.com',
            'password': PASSWORD, 'password2': PASSWORD, 'consent': '1'}
        with patch(MAIL) as send:
            response = self.post_form(
                client, '/portal/account/register', form)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("đường dẫn xác thực", response.text)
        send.assert_not_called()
        # the citizen ID must match the date of birth (model rule)
        with patch(MAIL) as send:
            response = self.post_form(client, '/portal/account/register',
                {**form, 'email': 'other@example.com',
                    'birth_date': '1980-01-01'})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        send.assert_not_called()
        self.assertIn('031095001299', response.text)

    def test_login_failure_and_limit(self):
        "Wrong passwords are refused, then the network is limited"
        client = self.client_from('10.8.0.1')
        self.csrf(client)
        response = self.post_form(client, '/portal/account/login',
            {'email': 'nobody@example.com', 'password': 'wrong'})
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)
        self.assertIn("Sai địa chỉ thư điện tử hoặc mật khẩu", response.text)
        self.assertIsNone(
            client.get_cookie(portal.SESSION_COOKIE, path='/'))
        with Transaction().start(DB_NAME, 0) as transaction:
            Attempt = Pool().get('onestop.portal.attempt')
            with transaction.set_context(
                    _request={'remote_addr': '10.8.0.1'}):
                for i in range(30):
                    Attempt.add('login')
            transaction.commit()
        response = self.post_form(client, '/portal/account/login',
            {'email': 'an@example.com', 'password': PASSWORD})
        self.assertEqual(response.status_code, HTTPStatus.TOO_MANY_REQUESTS)

    def test_reset_password(self):
        "The mailed link carries only a token; the new password works"
        client = self.client_from('10.9.0.1')
        self.assertEqual(client.get('/portal/account/reset').status_code,
            HTTPStatus.OK)
        self.csrf(client)
        with patch(MAIL) as send:
            response = self.post_form(client, '/portal/account/reset',
                {'email': 'binh@example.com'})
            unknown = self.post_form(client, '/portal/account/reset',
                {'email': 'nobody@example.com'})
        self.assertEqual(response.text, unknown.text)
        message, = [c.args[0] for c in send.call_args_list]
        body = message.get_body().get_content()
        self.assertEqual(message['Subject'], "Đặt lại mật khẩu")
        self.assertIn("Bạn có thể đặt lại mật khẩu", body)
        link = re.search(r'http://localhost:8000(/portal/account/password'
            r'\?token=\w+)', body).group(1)
        self.assertNotIn('binh%40example.com', link)
        self.assertNotIn('email=', link)
        token = parse_qs(urlsplit(link).query)['token'][0]
        self.assertIn(token, client.get(link).text)
        response = self.post_form(client, '/portal/account/password',
            {'token': token, 'password': 'short', 'password2': 'short'})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        new = 'Mat-khau-moi-2026'
        response = self.post_form(client, '/portal/account/password',
            {'token': token, 'password': new, 'password2': new})
        self.assertEqual(response.status_code, HTTPStatus.OK)
        response = self.post_form(client, '/portal/account/password',
            {'token': token, 'password': new, 'password2': new})
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        response = self.post_form(client, '/portal/account/login',
            {'email': 'binh@example.com', 'password': new})
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        with Transaction().start(DB_NAME, 0) as transaction:
            user, = Pool().get('web.user').search(
                [('email', '=', 'binh@example.com')])
            user.password = PASSWORD
            user.save()
            transaction.commit()

    # online filing

    def test_file_online(self):
        """Log in, upload one file per required document, submit: a
        registered online dossier, its files on the components"""
        client = self.login('an')
        path = f'/portal/procedures/{self.data["marriage"]}/file'
        response = client.get(path)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('0912345678', response.text)
        self.assertIn('031095001234', response.text)
        with Transaction().start(DB_NAME, 0):
            procedure = Pool().get('onestop.procedure').portal_get(
                self.data['marriage'])
            first, second, other = [d.id for d in procedure.documents]
        response = self.post_form(client, path, {
                'action': 'submit', 'phone': '0912 345 678',
                'email': 'an@example.com', 'address': "Thôn 1, Gia Lộc",
                f'file_{first}': (BytesIO(PDF), 'tờ khai.pdf'),
                f'file_{second}': (BytesIO(PNG), 'xac-nhan.png'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        code = urlsplit(response.location).path.rsplit('/', 1)[1]
        response = client.get(response.location)
        self.assertIn("Hồ sơ của bạn đã được gửi", response.text)
        self.assertIn("tờ khai.pdf", response.text)
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Dossier = pool.get('onestop.dossier')
            Attachment = pool.get('ir.attachment')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual((dossier.channel, dossier.state,
                    dossier.status_code), ('online', 'draft', 1))
            self.assertEqual(dossier.web_user.email, 'an@example.com')
            self.assertEqual(dossier.applicant.id,
                self.data['accounts']['an']['party'])
            self.assertEqual(dossier.applicant_address, "Thôn 1, Gia Lộc")
            self.assertTrue(dossier.submitted_at)
            self.assertEqual([(c.received, c.digitized)
                    for c in dossier.components],
                [(True, True), (True, True), (False, False)])
            attachment, = Attachment.search(
                [('resource', '=', str(dossier.components[0]))])
            self.assertEqual(attachment.name, 'tờ khai.pdf')
            self.assertEqual(bytes(attachment.data), PDF)
            self.assertEqual([log.action for log in dossier.logs],
                ['register'])
            # the draft is gone
            self.assertFalse(pool.get('onestop.portal.draft').search([
                        ('web_user', '=', dossier.web_user.id)]))
        response = client.get('/portal/my')
        self.assertIn(code, response.text)
        self.assertIn("Đăng ký kết hôn", response.text)

    def test_upload_checks(self):
        "Only PDF, JPEG or PNG by content, at most 5 MB; drafts keep them"
        client = self.login('binh')
        path = f'/portal/procedures/{self.data["marriage"]}/file'
        with Transaction().start(DB_NAME, 0):
            procedure = Pool().get('onestop.procedure').portal_get(
                self.data['marriage'])
            first, second, other = [d.id for d in procedure.documents]
        client.get(path)
        response = self.post_form(client, path, {
                'action': 'submit', 'phone': '0987654321',
                f'file_{first}': (BytesIO(b'MZ\x90 not a pdf'), 'virus.pdf'),
                f'file_{second}': (
                    BytesIO(PDF + b'0' * portal.MAX_FILE_SIZE), 'big.pdf'),
                f'file_{other}': (BytesIO(PNG), 'ok.png'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertIn('không phải tệp PDF, JPEG hoặc PNG', response.text)
        self.assertIn('lớn hơn 5 MB', response.text)
        # the valid upload is kept in a draft, nothing was filed
        self.assertIn('ok.png', response.text)
        draft = re.search(r'name="draft" value="(\d+)"', response.text)
        self.assertTrue(draft)
        response = self.post_form(client, path, {
                'action': 'submit', 'phone': '0987654321',
                'draft': draft.group(1)}, content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        self.assertIn("Vui lòng tải lên hoặc dùng lại", response.text)
        response = self.post_form(client, path, {
                'action': 'save', 'phone': '0987654321',
                'draft': draft.group(1),
                f'file_{first}': (BytesIO(PDF), 'to-khai.pdf'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        self.assertIn(f'draft={draft.group(1)}', response.location)
        response = client.get(response.location)
        self.assertIn("Đã lưu hồ sơ đang soạn", response.text)
        self.assertIn('to-khai.pdf', response.text)
        my = client.get('/portal/my')
        self.assertIn(f'file?draft={draft.group(1)}', my.text)
        response = self.post_form(client,
            f'/portal/drafts/{draft.group(1)}/delete', {})
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        self.assertNotIn(f'file?draft={draft.group(1)}',
            client.get('/portal/my').text)

    def test_file_needs_login_and_online_procedure(self):
        client = self.client()
        path = f'/portal/procedures/{self.data["marriage"]}/file'
        response = client.get(path)
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        self.assertIn('/portal/account/login?next=', response.location)
        client = self.login('an')
        response = client.get(f'/portal/procedures/{self.data["land"]}/file')
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)

    # scoping: routes run as root, every query is the citizen's own

    def test_other_citizens_dossier(self):
        """Binh, logged in, asks for An's dossier, its document and its
        list: the page asks for the second factor, the rest is not found"""
        an = self.data['accounts']['an']
        client = self.login('binh')
        response = client.get(f'/portal/dossiers/{an["dossier"]}')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn('name="verify"', response.text)
        self.assertNotIn('an.pdf', response.text)
        with Transaction().start(DB_NAME, 0):
            Attachment = Pool().get('ir.attachment')
            attachment, = Attachment.search([('name', '=', 'an.pdf')])
            attachment_id = attachment.id
            component_id = attachment.resource.id
            document_id = attachment.resource.document.id
        response = client.get(
            f'/portal/dossiers/{an["dossier"]}/files/{attachment_id}')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        binh = self.data['accounts']['binh']
        # nor through Binh's own dossier code
        response = client.get(
            f'/portal/dossiers/{binh["dossier"]}/files/{attachment_id}')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        response = client.get('/portal/my')
        self.assertNotIn(an['dossier'], response.text)
        self.assertIn(binh['dossier'], response.text)
        response = self.post_form(client,
            f'/portal/dossiers/{an["dossier"]}/supplement',
            {f'file_{component_id}': (BytesIO(PDF), 'x.pdf')},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
        # reusing An's component in Binh's draft is ignored
        path = f'/portal/procedures/{self.data["marriage"]}/file'
        response = self.post_form(client, path, {
                'action': 'save', 'phone': '0987654321',
                f'reuse_{document_id}': str(component_id)},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        with Transaction().start(DB_NAME, 0):
            Draft = Pool().get('onestop.portal.draft')
            for draft in Draft.search([]):
                self.assertFalse(
                    [line for line in draft.documents if line.reused_from])
        # and An's own copy is there for An
        client = self.login('an')
        response = client.get(
            f'/portal/dossiers/{an["dossier"]}/files/{attachment_id}')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.data, PDF)
        self.assertEqual(response.content_type, 'application/pdf')
        self.assertIn('attachment', response.headers['Content-Disposition'])

    def test_other_citizens_draft(self):
        "A draft is only its account's"
        an = self.login('an')
        path = f'/portal/procedures/{self.data["birth"]}/file'
        response = self.post_form(an, path, {
                'action': 'save', 'phone': '0912345678'},
            content_type='multipart/form-data')
        draft_id = parse_qs(urlsplit(response.location).query)['draft'][0]
        binh = self.login('binh')
        response = binh.get(f'{path}?draft={draft_id}')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertNotIn(f'name="draft" value="{draft_id}"', response.text)
        self.assertNotIn('0912345678', response.text)
        self.post_form(binh, f'/portal/drafts/{draft_id}/delete', {})
        with Transaction().start(DB_NAME, 0):
            self.assertTrue(
                Pool().get('onestop.portal.draft').search(
                    [('id', '=', int(draft_id))]))

    def test_reuse_and_supplement_online(self):
        """An reuses the digitised document of the earlier dossier; the
        officer asks for a supplement; An answers it online"""
        client = self.login('an')
        path = f'/portal/procedures/{self.data["marriage"]}/file'
        response = client.get(path)
        with Transaction().start(DB_NAME, 0):
            procedure = Pool().get('onestop.procedure').portal_get(
                self.data['marriage'])
            first, second, other = [d.id for d in procedure.documents]
        option = re.search(
            rf'name="reuse_{first}">\s*<option value="">[^<]*</option>\s*'
            r'<option value="(\d+)"', response.text)
        self.assertTrue(option, "An's earlier document is offered")
        response = self.post_form(client, path, {
                'action': 'submit', 'phone': '0912345678',
                f'reuse_{first}': option.group(1),
                f'file_{second}': (BytesIO(PDF), 'xac-nhan.pdf'),
                }, content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        code = urlsplit(response.location).path.rsplit('/', 1)[1]
        with Transaction().start(DB_NAME, 1) as transaction:
            pool = Pool()
            Dossier = pool.get('onestop.dossier')
            Attachment = pool.get('ir.attachment')
            dossier, = Dossier.search([('code', '=', code)])
            reused = dossier.components[0]
            self.assertTrue(reused.reused)
            self.assertEqual(reused.reused_from.id, int(option.group(1)))
            self.assertEqual(
                [a.name for a in Attachment.search(
                        [('resource', '=', str(reused))])],
                [a.name for a in Attachment.search(
                        [('resource', '=', str(reused.reused_from))])])
            dossier.supplement_items = "Bản sao giấy khai sinh"
            dossier.supplement_reason = "Thiếu giấy khai sinh của con"
            dossier.save()
            Dossier.request_supplement([dossier])
            transaction.commit()
        response = client.get(f'/portal/dossiers/{code}')
        self.assertIn("Bản sao giấy khai sinh", response.text)
        self.assertIn("Thiếu giấy khai sinh của con", response.text)
        component = re.search(r'name="file_(\d+)"', response.text).group(1)
        response = self.post_form(client,
            f'/portal/dossiers/{code}/supplement', {},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.BAD_REQUEST)
        response = self.post_form(client,
            f'/portal/dossiers/{code}/supplement',
            {f'file_{component}': (BytesIO(PDF), 'khai-sinh.pdf')},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, HTTPStatus.FOUND)
        with Transaction().start(DB_NAME, 0):
            dossier, = Pool().get('onestop.dossier').search(
                [('code', '=', code)])
            self.assertEqual(dossier.state, 'draft')
            self.assertTrue(dossier.supplemented_at)
        response = client.get(f'/portal/dossiers/{code}?supplemented=1')
        self.assertIn("khai-sinh.pdf", response.text)
        self.assertIn("Hồ sơ bổ sung của bạn đã được gửi", response.text)
        with Transaction().start(DB_NAME, 1) as transaction:
            Dossier = Pool().get('onestop.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            Dossier.receive([dossier])
            dossier.stop_reason = "Người yêu cầu đã chết"
            dossier.save()
            Dossier.stop([dossier])
            transaction.commit()
        response = client.get(f'/portal/dossiers/{code}')
        self.assertIn("Dừng giải quyết hồ sơ", response.text)
        self.assertIn("Người yêu cầu đã chết", response.text)

    # model methods

    @with_transaction()
    def test_search_text_follows_the_name(self):
        "Renaming a procedure updates what citizens can type"
        pool = Pool()
        Procedure = pool.get('onestop.procedure')
        Field = pool.get('onestop.procedure.field')
        field, = Field.create([{'code': 'X', 'name': "X"}])
        procedure, = Procedure.create([{'code': '9.000001',
                    'name': "Chứng thực bản sao", 'field': field.id,
                    'processing_time': 1}])
        self.assertEqual(procedure.search_text, '9.000001 chung thuc ban sao')
        self.assertEqual(Procedure.portal_search('chung thuc'), [procedure])
        Procedure.write([procedure], {'name': "Chứng thực chữ ký"})
        self.assertEqual(Procedure.portal_search('chu ky'), [procedure])
        self.assertEqual(Procedure.portal_search('ban sao'), [])
        self.assertEqual(Procedure.portal_search('100%'), [])
        Procedure.write([procedure], {'published': False})
        self.assertEqual(Procedure.portal_search('chu ky'), [])

    @with_transaction()
    def test_second_factor(self):
        "Last 4 digits of the phone or the citizen ID, nothing else"
        Dossier = Pool().get('onestop.dossier')
        dossier = Dossier(applicant_phone='0912 345 678',
            applicant_id_number='031095001234')
        for verify, expected in [('5678', True), ('1234', True),
                ('0000', False), ('678', False), ('56789', False),
                ('', False), (None, False), ('abcd', False)]:
            with self.subTest(verify=verify):
                self.assertEqual(
                    dossier.check_second_factor(verify), expected)
        self.assertFalse(Dossier(applicant_phone=None,
                applicant_id_number=None).check_second_factor('0000'))

    @with_transaction()
    def test_lookup_reads_only_the_status(self):
        """The lookup reads the status in one query; anything else a module
        asks of the dossier (a portal section) is still read on demand"""
        Dossier = Pool().get('onestop.dossier')
        an = self.data['accounts']['an']
        dossier = Dossier.portal_lookup(an['dossier'], an['phone'][-4:])
        self.assertEqual(dossier.id, an['dossier_id'])
        self.assertEqual(dossier.procedure.code, self.data['marriage'])
        self.assertEqual(dossier.applicant_name, "Nguyễn Văn An")
        self.assertEqual(len(dossier.components), 3)
        self.assertEqual(dossier.portal_status()['status_code'], 2)
        self.assertIsNone(Dossier.portal_lookup(an['dossier'], '0000'))
        self.assertIsNone(Dossier.portal_lookup('x' * 65, '5678'))
