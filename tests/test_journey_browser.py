# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The whole citizen journey across the three modules, in headless Chromium:
the procedures' browser journey (search, register, file, received), then the
fee paid with the dossier's VietQR code and the bank's signed notification,
the result returned, and the service evaluated on the survey page.
Screenshots at phone width go to var/screenshots/."""
import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import unittest
import urllib.request
from pathlib import Path
from unittest.mock import patch

from werkzeug.serving import make_server

from trytond import backend
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app

from onestop_payments import vietqr
from onestop_payments.tests.tools import ACCOUNT, BIN, create_fee, signed
from onestop_procedures.tests import test_portal_browser as portal_browser
from onestop_procedures.tests.test_portal import (
    MAIL, PDF, PNG, setup_portal_database)
from onestop_procedures.tests.tools import load_vietnamese

MODULES = ['onestop_procedures', 'onestop_payments', 'onestop_survey']
SURVEY_MAIL = 'onestop_survey.invitation.send_message_transactional'
PHONE = portal_browser.PHONE
# the applicant registered by the procedures' journey
EMAIL = 'dung@example.com'
FEE = 8000


def setup_journey_database():
    """The portal's commune and procedures, Vietnamese for all modules, the
    commune's collection account and VietQR journal, and a fee on the
    marriage procedure"""
    pool = Pool()
    Company = pool.get('company.company')
    Journal = pool.get('account.payment.journal')
    Procedure = pool.get('onestop.procedure')
    data = setup_portal_database(vietnamese=False)
    load_vietnamese(MODULES)
    company = Company(data['company'])
    company.collection_bank_bin = BIN
    company.collection_account_number = ACCOUNT
    company.collection_account_name = 'UBND XA GIA LOC'
    company.save()
    with set_company(company):
        journal, = Journal.create([{
                    'name': "Chuyển khoản VietQR", 'process_method': 'vietqr',
                    'company': company.id, 'currency': company.currency.id,
                    }])
        marriage, = Procedure.search([('code', '=', data['marriage'])])
        create_fee(marriage, FEE, name="Lệ phí đăng ký kết hôn")
    data['journal'] = journal.notification_identifier
    data['secret'] = journal.notification_secret
    return data


@unittest.skipUnless(portal_browser.sync_playwright
    and Path(portal_browser.CHROMIUM).exists(),
    "needs Playwright and Debian's chromium")
class JourneyBrowserTestCase(unittest.TestCase):
    "A citizen's dossier from the search to the evaluation, in a browser"

    # the procedures' browser test: its pages, screenshots and journey
    new_page = portal_browser.PortalBrowserTestCase.new_page
    shot = portal_browser.PortalBrowserTestCase.shot
    _set_config = vars(portal_browser.PortalBrowserTestCase)['_set_config']
    walk_to_received = (
        portal_browser.PortalBrowserTestCase.test_citizen_journey)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix='onestop-journey-')
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        drop_db()
        cls.addClassCleanup(drop_db)
        activate_module(MODULES)
        with Transaction().start(DB_NAME, 1) as transaction:
            cls.data = setup_journey_database()
            transaction.commit()
        cls.database = cls.served_database()

        cls.server = make_server('127.0.0.1', 0, app, threaded=True,
            request_handler=portal_browser.QuietHandler)
        cls.base = f'http://127.0.0.1:{cls.server.server_port}'
        cls._set_config('onestop', 'database', cls.database)
        cls._set_config('onestop', 'portal_url', cls.base)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(thread.join, 10)
        cls.addClassCleanup(cls.server.shutdown)

        for target in [MAIL, SURVEY_MAIL]:
            mail = patch(target)
            setattr(cls, 'survey_mails' if target == SURVEY_MAIL else 'mails',
                mail.start())
            cls.addClassCleanup(mail.stop)

        cls.playwright = portal_browser.sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = cls.playwright.chromium.launch(
            executable_path=portal_browser.CHROMIUM,
            args=portal_browser.CHROMIUM_ARGS)
        cls.addClassCleanup(cls.browser.close)
        portal_browser.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, content in [('to-khai.pdf', PDF), ('xac-nhan.png', PNG)]:
            (Path(cls.folder) / name).write_bytes(content)

    @classmethod
    def served_database(cls):
        """The test database, reachable from the server's threads: an
        in-memory SQLite database belongs to its thread, so it is copied to
        a file (the template comes from DB_CACHE, activation is slow)"""
        if backend.name != 'sqlite' or DB_NAME != ':memory:':
            return DB_NAME
        name = 'journey'
        target = sqlite3.connect(os.path.join(cls.folder, f'{name}.sqlite'))
        backend.Database(DB_NAME).connect()._conn.backup(target)
        target.close()
        cls._set_config('database', 'path', cls.folder)
        Pool(name).init()
        cls.addClassCleanup(Pool.stop, name)
        return name

    def back_office(self):
        "A transaction of the officer (admin) in the served database"
        return Transaction().start(self.database, 1,
            context={'company': self.data['company']})

    def bank_notification(self, amount, purpose):
        "The bank posts the credit, signed with the journal's secret"
        data = {
            'transaction_id': 'FT26001',
            'amount': amount,
            'description': f'MBVCB.8123.{purpose}',
            'booked_at': dt.datetime.now(dt.timezone.utc).isoformat(),
            'account_number': ACCOUNT,
            'payer_name': 'PHAM THI DUNG',
            }
        body, headers = signed(self.data['secret'], data)
        request = urllib.request.Request(
            f'{self.base}/portal/api/payments/notifications/'
            f'{self.data["journal"]}', data=body, headers=headers,
            method='POST')
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(response.status, 200)
            return json.load(response)

    def test_journey(self):
        """Search, file, received; pay with VietQR, paid; returned;
        evaluated on a phone"""
        import zxingcpp
        from PIL import Image

        self.walk_to_received()
        with self.back_office():
            pool = Pool()
            WebUser = pool.get('web.user')
            Dossier = pool.get('onestop.dossier')
            user, = WebUser.search([('email', '=', EMAIL)])
            dossier, = Dossier.search([('applicant', '=', user.party.id)])
            code, reference = dossier.code, dossier.payment_reference
            self.assertEqual(
                (dossier.state, dossier.payment_state), ('received', 'to_pay'))

        # the citizen comes back on her phone to pay
        page = self.new_page(PHONE)
        page.goto('/portal/account/login')
        page.get_by_label('Thư điện tử').fill(EMAIL)
        page.get_by_label('Mật khẩu').fill(portal_browser.PASSWORD)
        page.locator('main').get_by_role('button', name='Đăng nhập').click()
        page.wait_for_url(re.compile(r'.*/portal/my$'))
        self.assertIn(code, page.locator('main').inner_text())
        page.locator('main').get_by_role(
            'link', name='Đăng ký kết hôn').click()
        payment = page.locator('section.payment')
        self.assertIn('Chưa nộp phí', payment.inner_text())
        self.assertIn('8.000', payment.inner_text())
        self.assertIn(reference, payment.inner_text())
        self.shot(page, 'journey-payment-phone')
        # what her banking app reads from the screen
        qr = payment.locator('.vietqr .qr')
        qr.scroll_into_view_if_needed()
        barcode, = zxingcpp.read_barcodes(
            Image.open(io.BytesIO(qr.screenshot())))
        transfer = vietqr.parse(barcode.text)
        self.assertEqual(transfer['amount'], FEE)
        self.assertTrue(transfer['purpose'].startswith(reference))

        # the bank tells the commune's account it was credited
        notified = self.bank_notification(
            transfer['amount'], transfer['purpose'])
        self.assertEqual((notified['status'], notified['state'],
                notified['dossier']), ('recorded', 'matched', code))
        page.reload()
        self.assertIn('Đã nộp đủ', payment.inner_text())
        self.assertIn('Biên lai điện tử', payment.inner_text())
        self.assertEqual(payment.locator('.vietqr').count(), 0)
        self.shot(page, 'journey-paid-phone')

        # the officer returns the result: the citizen is invited
        with self.back_office() as transaction:
            Dossier = Pool().get('onestop.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(dossier.payment_state, 'paid')
            Dossier.assign([dossier])
            Dossier.approve([dossier])
            Dossier.return_result([dossier])
            invitation = dossier.survey_invitation
            self.assertEqual(invitation.state, 'pending')
            token = invitation.token
            until = dossier.local(invitation.expires_at).strftime('%d/%m/%Y')
            transaction.commit()
        mail, = [c.args[0] for c in self.survey_mails.call_args_list]
        self.assertEqual(mail['To'], EMAIL)
        self.assertIn(f'/survey/{token}?c=email', mail.get_content())

        # her dossier's page invites her to evaluate
        page.reload()
        self.assertIn('Đã trả kết quả', page.locator('.status').inner_text())
        self.assertIn(until, page.locator('section.survey').inner_text())
        self.shot(page, 'journey-returned-phone')
        page.get_by_role('link', name='Đánh giá ngay').click()
        page.wait_for_url(
            re.compile(rf'.*/survey/{re.escape(token)}\?c=portal'))
        # in the portal's layout
        self.assertTrue(page.locator('header.site-header').is_visible())
        self.assertIn(code, page.locator('main').inner_text())
        page.get_by_label('Rất hài lòng').first.check()
        page.get_by_label('Trước ngày hẹn trả').check()
        page.get_by_label('Chỉ Bộ phận Một cửa').check()
        page.get_by_label('Ý kiến, góp ý khác').fill(
            "Nộp lệ phí bằng mã QR rất tiện")
        self.shot(page, 'journey-survey-phone')
        page.get_by_role('button', name='Gửi đánh giá').click()
        page.get_by_role('heading', name='Xin cảm ơn Quý ông/bà').wait_for()
        self.assertIn(code, page.locator('main').inner_text())
        self.shot(page, 'journey-thanks-phone')

        with Transaction().start(self.database, 0):
            Response = Pool().get('onestop.survey.response')
            response, = Response.search([('dossier.code', '=', code)])
            self.assertEqual((response.channel, response.rating),
                ('portal', 'very_satisfied'))
            self.assertEqual(
                {a.question.code: a.option or a.text or a.rating
                    for a in response.answers},
                {'overall': 'very_satisfied', 'a': "Trước ngày hẹn trả",
                    'b': "Chỉ Bộ phận Một cửa",
                    'i': "Nộp lệ phí bằng mã QR rất tiện"})
            self.assertFalse(response.followups)

        # the dossier's page now shows the rating, the link is spent
        page.goto(f'/portal/dossiers/{code}')
        self.assertIn(
            'Rất hài lòng', page.locator('section.survey').inner_text())
        self.assertEqual(page.request.get(f'/survey/{token}').status, 409)
