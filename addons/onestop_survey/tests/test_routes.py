# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"The public pages: evaluation page and kiosk endpoints over HTTP"
import datetime as dt
import re

from trytond import config
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from onestop_procedures.tests.tools import (
    create_citizen, create_commune, create_procedure, load_vietnamese)

from onestop_procedures import portal
from onestop_procedures.portal import database_name

from .tools import (
    MODULES, create_kiosk, public_client, returned_dossier)


def use_database(test, name):
    "Public routes reach the configured database, not one in the URL"
    if not config.has_section('onestop'):
        config.add_section('onestop')
    old = database_name()
    config.set('onestop', 'database', name)
    test.addCleanup(config.set, 'onestop', 'database', old)


def survey_data(cls, dossiers=6):
    "A commune, an officer at a kiosk and returned dossiers (committed)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Invitation = pool.get('onestop.survey.invitation')
    # citizens read the public pages in Vietnamese
    load_vietnamese(MODULES)
    company = create_commune()
    officer, = User.create([{
                'login': 'tiepnhan', 'name': "Nguyễn Thị Hoa",
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [ModelData.get_id(
                                'onestop_procedures',
                                'group_onestop_officer')])],
                }])
    with set_company(company), Transaction().set_user(officer.id):
        procedure = create_procedure()
        citizen = create_citizen()
        cls.dossiers = [returned_dossier(procedure, citizen)
            for _ in range(dossiers)]
        cls.kiosk = create_kiosk(company, [officer])
    cls.company_id, cls.officer_id = company.id, officer.id
    cls.codes = [d.code for d in cls.dossiers]
    cls.dossier_ids = [d.id for d in cls.dossiers]
    cls.tokens = [d.survey_invitation.token for d in cls.dossiers]
    cls.key = cls.kiosk.key
    expired = cls.dossiers[-1].survey_invitation
    Invitation.write([expired], {
            'expires_at': dt.datetime(2020, 1, 1)})


class SurveyRouteTestCase(RouteTestCase):
    "Test the survey's public routes"
    module = 'onestop_survey'

    @classmethod
    def setUpDatabase(cls):
        survey_data(cls, dossiers=8)

    def setUp(self):
        super().setUp()
        use_database(self, DB_NAME)

    def client(self, address='198.51.100.1'):
        return public_client(address, super().client())

    def overall_field(self, html):
        return re.search(
            r'name="(q\d+)" value="very_satisfied"', html).group(1)

    def test_static_files(self):
        "Scripts and styles come from files, nothing else is served"
        response = self.client().get('/survey/static/kiosk.js')
        self.assertEqual(response.status_code, 200)
        self.assertIn('javascript', response.content_type)
        self.assertIn('fetch(', response.text)
        self.assertIn(
            self.client().get('/survey/static/../tryton.cfg').status_code,
            {404, 405})
        self.assertEqual(
            self.client().get('/survey/static/survey.py').status_code, 404)

    def test_survey_page(self):
        "The QR code opens the questionnaire, without inline code"
        response = self.client().get(f'/survey/{self.tokens[0]}?c=qr')
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(self.codes[0], html)
        self.assertIn('lang="vi"', html)
        self.assertIn("script-src 'self'",
            response.headers['Content-Security-Policy'])
        self.assertEqual(response.headers['Referrer-Policy'], 'same-origin')
        self.assertIsNone(re.search(r'<script(?![^>]*\bsrc=)', html))
        self.assertNotIn('style=', html)
        self.assertNotIn('<style', html)
        # overall, 4 single choices (a, b, c, f), 4 scales (d, e, g, h)
        self.assertEqual(html.count('type="radio"'), 3 + 4 * 3 + 4 * 5)
        self.assertIn('value="qr"', html)

    def test_survey_page_in_portal_layout(self):
        "The page has the portal's header, navigation and language switch"
        token = self.tokens[0]
        response = self.client().get(f'/survey/{token}?c=qr')
        self.assertEqual(response.status_code, 200)
        html = response.text
        for part in ['class="site-header"', 'class="main-nav"',
                'href="/portal/"', 'href="/portal/track"',
                'href="/portal/account/login"', 'class="site-footer"',
                'href="/portal/static/portal.css"',
                'src="/portal/static/portal.js"',
                f'href="/survey/{token}?c=qr&amp;lang=en"']:
            self.assertIn(part, html)
        self.assertEqual(response.headers['Content-Security-Policy'],
            portal.CONTENT_SECURITY_POLICY)
        self.assertEqual(response.headers['X-Frame-Options'], 'DENY')
        # the token is in the address: nothing is stored; the only cookie
        # is the CSRF token of the form
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        cookie, = response.headers.getlist('Set-Cookie')
        self.assertTrue(cookie.startswith(f'{portal.CSRF_COOKIE}='))
        self.assertNotIn(token, cookie)
        self.assertIn('SameSite=Strict', cookie)

        english = self.client().get(f'/survey/{token}?c=qr&lang=en')
        self.assertIn('lang="en"', english.text)
        self.assertIn('Send the evaluation', english.text)
        self.assertIn('Very Satisfied', english.text)
        self.assertIn(f'action="/survey/{token}?lang=en"', english.text)
        # the questionnaire is data, in Vietnamese
        self.assertIn('Nhìn chung', english.text)

        refused = self.client().get('/survey/forged-token?lang=en')
        self.assertEqual(refused.status_code, 404)
        self.assertIn('class="main-nav"', refused.text)
        self.assertIn('role="alert"', refused.text)

    def test_short_link(self):
        "The slip's short link opens the page as the QR code does, once"
        with Transaction().start(DB_NAME, 0):
            Invitation = Pool().get('onestop.survey.invitation')
            invitation, = Invitation.search(
                [('dossier', '=', self.dossier_ids[5])])
            short_url = invitation.short_url
        path = short_url[short_url.index('/survey/'):]
        self.assertRegex(path, r'^/survey/[0-9A-Z]{5}-[0-9A-Z]{5}$')
        client = self.client('198.51.100.2')
        # typed in lower case, with an O for a 0
        typed = path.lower().replace('0', 'o')
        page = client.get(typed)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.codes[5], page.text)
        self.assertIn('name="channel" value="qr"', page.text)
        field = self.overall_field(page.text)
        response = client.post(typed, data={field: 'very_satisfied'})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(client.get(path).status_code, 409)
        with Transaction().start(DB_NAME, 0):
            Response = Pool().get('onestop.survey.response')
            response, = Response.search(
                [('dossier', '=', self.dossier_ids[5])])
            self.assertEqual((response.channel, response.rating),
                ('qr', 'very_satisfied'))

    def test_short_link_guessing(self):
        "Guessed short codes are counted like forged tokens"
        client = self.client('203.0.113.99')
        for i in range(10):
            self.assertEqual(
                client.get(f'/survey/ABCDE-{i:05d}').status_code, 404)
        self.assertEqual(client.get(f'/survey/{self.tokens[0]}').status_code,
            429)

    def test_answer_once(self):
        "An answer is recorded once; the second is refused"
        client = self.client()
        url = f'/survey/{self.tokens[1]}'
        field = self.overall_field(client.get(url).text)
        response = client.post(url, data={
                field: 'not_satisfied', 'channel': 'qr'})
        self.assertEqual(response.status_code, 200)
        self.assertIn('Xin cảm ơn', response.text)
        again = client.post(url, data={field: 'very_satisfied'})
        self.assertEqual(again.status_code, 409)
        self.assertIn(self.codes[1], again.text)
        self.assertEqual(client.get(url).status_code, 409)
        with Transaction().start(DB_NAME, 0):
            Response = Pool().get('onestop.survey.response')
            response, = Response.search(
                [('dossier', '=', self.dossier_ids[1])])
            self.assertEqual(
                (response.channel, response.rating), ('qr', 'not_satisfied'))
            self.assertEqual(len(response.followups), 1)
            self.assertEqual(response.officer.id, self.officer_id)

    def test_answer_needs_csrf_token(self):
        "An answer posted without the portal's CSRF token is refused"
        client = self.client()
        url = f'/survey/{self.tokens[6]}'
        page = client.get(url)
        self.assertIn(f'name="{portal.CSRF_FIELD}"', page.text)
        field = self.overall_field(page.text)
        response = client.open(url, method='POST',
            data=f'{field}=very_satisfied',
            content_type='application/x-www-form-urlencoded')
        self.assertEqual(response.status_code, 403)
        self.assertEqual(client.get(url).status_code, 200)

    def test_answer_missing(self):
        "A form without the overall rating is shown again, nothing saved"
        url = f'/survey/{self.tokens[2]}'
        response = self.client().post(url, data={'channel': 'email'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('role="alert"', response.text)
        self.assertIn('value="email"', response.text)
        self.assertEqual(self.client().get(url).status_code, 200)

    def test_forged_and_expired(self):
        "Forged tokens are unknown, expired ones are gone"
        self.assertEqual(
            self.client().get('/survey/forged-token').status_code, 404)
        response = self.client().get(f'/survey/{self.tokens[-1]}')
        self.assertEqual(response.status_code, 410)
        self.assertIn('01/01/2020', response.text)

    def test_kiosk(self):
        "The tablet shows the dossier sent by the officer, once"
        client = self.client('192.0.2.10')
        base = f'/survey/kiosk/{self.key}'
        page = client.get(base)
        self.assertEqual(page.status_code, 200, page.text)
        self.assertIn('/survey/static/kiosk.js', page.text)
        self.assertIn('Rất hài lòng', page.text)
        self.assertEqual(client.get(base + '/current').json, {'state': 'idle'})
        self.assertEqual(
            client.get('/survey/kiosk/wrong/current').status_code, 404)
        with Transaction().start(DB_NAME, self.officer_id,
                context={'company': self.company_id}):
            Dossier = Pool().get('onestop.dossier')
            Dossier.survey_kiosk([Dossier(self.dossier_ids[3])])
        current = client.get(base + '/current').json
        self.assertEqual(current['state'], 'evaluate')
        self.assertEqual(current['dossier'], self.codes[3])
        self.assertEqual(current['officer'], "Nguyễn Thị Hoa")
        wrong = client.post(base + '/answer', json={
                'token': self.tokens[4], 'rating': 'satisfied'})
        self.assertEqual(wrong.status_code, 409)
        self.assertIn('hồ sơ khác', wrong.json['error']['message'])
        bad = client.post(base + '/answer', json={
                'token': current['token'], 'rating': 'great'})
        self.assertEqual(bad.status_code, 409)
        done = client.post(base + '/answer', json={
                'token': current['token'], 'rating': 'very_satisfied'})
        self.assertEqual(done.status_code, 200)
        self.assertEqual(client.get(base + '/current').json, {'state': 'idle'})
        again = client.post(base + '/answer', json={
                'token': current['token'], 'rating': 'not_satisfied'})
        self.assertEqual(again.status_code, 409)
        with Transaction().start(DB_NAME, 0):
            Response = Pool().get('onestop.survey.response')
            response, = Response.search(
                [('dossier', '=', self.dossier_ids[3])])
            self.assertEqual((response.channel, response.rating),
                ('kiosk', 'very_satisfied'))

    def test_flooding(self):
        "An address sending forged tokens is turned away"
        client = self.client('203.0.113.66')
        for i in range(10):
            response = client.post(f'/survey/forged-{i}', data={})
            self.assertEqual(response.status_code, 404)
        blocked = client.post(f'/survey/{self.tokens[4]}', data={})
        self.assertEqual(blocked.status_code, 429)
        self.assertEqual(self.client('203.0.113.67').post(
                '/survey/forged', data={}).status_code, 404)
        self.assertEqual(client.post(
                f'/survey/kiosk/{self.key}/answer', json={}).status_code, 429)
