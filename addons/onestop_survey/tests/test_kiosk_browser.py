# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The counter kiosk in a real headless Chromium, served by the trytond WSGI
application on 127.0.0.1, with the officer pressing the button meanwhile"""
import os
import shutil
import sqlite3
import tempfile
import threading
import unittest
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from trytond import backend, config
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction
from trytond.wsgi import app

from .test_routes import survey_data, use_database

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
SCREENSHOTS = Path(__file__).resolve().parents[3] / 'var' / 'screenshots'
PHONE = {'width': 390, 'height': 844}
TABLET = {'width': 1280, 'height': 800}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@unittest.skipUnless(sync_playwright and os.path.exists(CHROMIUM),
    "needs the playwright package and Debian's chromium")
class KioskBrowserTestCase(RouteTestCase):
    "Test the counter kiosk in a browser"
    module = 'onestop_survey'

    @classmethod
    def setUpDatabase(cls):
        survey_data(cls, dossiers=4)

    def setUp(self):
        super().setUp()
        self.database = self.served_database()
        use_database(self, self.database)
        server = make_server('127.0.0.1', 0, app, threaded=True,
            request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(server.shutdown)
        self.base = f'http://127.0.0.1:{server.server_port}'
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def served_database(self):
        """The committed test database, reachable from the server's
        threads: an in-memory SQLite database belongs to its thread, so it
        is copied to a file"""
        if backend.name != 'sqlite' or DB_NAME != ':memory:':
            return DB_NAME
        folder = tempfile.mkdtemp(prefix='onestop-kiosk-')
        self.addCleanup(shutil.rmtree, folder, True)
        name = 'kiosk'
        target = sqlite3.connect(os.path.join(folder, f'{name}.sqlite'))
        backend.Database(DB_NAME).connect()._conn.backup(target)
        target.close()
        old_path = config.get('database', 'path')
        config.set('database', 'path', folder)
        self.addCleanup(config.set, 'database', 'path', old_path)
        Pool(name).init()
        self.addCleanup(Pool.stop, name)
        return name

    def send_to_kiosk(self, index):
        "The officer presses Evaluate at Kiosk on a returned dossier"
        with Transaction().start(self.database, self.officer_id,
                context={'company': self.company_id}):
            Dossier = Pool().get('onestop.dossier')
            Dossier.survey_kiosk([Dossier(self.dossier_ids[index])])

    def stored(self, index):
        with Transaction().start(self.database, 0):
            Response = Pool().get('onestop.survey.response')
            return [(r.channel, r.rating, len(r.followups))
                for r in Response.search(
                    [('dossier', '=', self.dossier_ids[index])])]

    def test_kiosk(self):
        "Idle, the officer's dossier, a tap, thanks, idle again"
        problems = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                self.evaluate_twice(browser, problems)
            finally:
                browser.close()
        self.assertEqual(problems, [])

    def evaluate_twice(self, browser, problems):
        "The phone first, then the counter's tablet"
        page = browser.new_page(viewport=PHONE, has_touch=True,
            is_mobile=True, locale='vi-VN')
        page.on('console', lambda m: problems.append(m.text)
            if m.type in {'error', 'warning'} else None)
        page.on('pageerror', lambda e: problems.append(str(e)))
        page.goto(f'{self.base}/survey/kiosk/{self.key}')
        page.wait_for_selector('#idle:not([hidden])')
        self.assertTrue(page.is_hidden('#evaluate'))
        self.assertEqual(page.get_attribute('html', 'lang'), 'vi')
        page.screenshot(path=str(SCREENSHOTS / 'kiosk-idle-phone.png'))

        self.send_to_kiosk(0)
        page.wait_for_selector('#evaluate:not([hidden])', timeout=15000)
        self.assertEqual(
            page.inner_text('#dossier-code'), self.codes[0])
        buttons = page.locator('button.choice')
        self.assertEqual(buttons.count(), 3)
        for i in range(3):
            box = buttons.nth(i).bounding_box()
            # touch targets far above the 48 px minimum
            self.assertGreaterEqual(box['height'], 96)
            self.assertGreaterEqual(box['width'], 300)
        self.assertEqual(
            page.get_by_role('button', name='Không hài lòng').count(), 1)
        page.screenshot(path=str(SCREENSHOTS / 'kiosk-phone.png'))

        page.tap('button[data-rating="not_satisfied"]')
        page.wait_for_selector('#thanks:not([hidden])', timeout=10000)
        self.assertEqual(self.stored(0), [('kiosk', 'not_satisfied', 1)])
        page.wait_for_selector('#idle:not([hidden])', timeout=15000)

        # the same kiosk on the counter's tablet, landscape
        page.set_viewport_size(TABLET)
        self.send_to_kiosk(1)
        page.wait_for_selector('#evaluate:not([hidden])', timeout=15000)
        self.assertEqual(
            page.inner_text('#dossier-code'), self.codes[1])
        page.screenshot(path=str(SCREENSHOTS / 'kiosk-tablet.png'))
        page.tap('button[data-rating="very_satisfied"]')
        page.wait_for_selector('#thanks:not([hidden])', timeout=10000)
        page.screenshot(path=str(SCREENSHOTS / 'kiosk-thanks.png'))
        self.assertEqual(self.stored(1), [('kiosk', 'very_satisfied', 0)])

    def test_questionnaire_on_phone(self):
        "The QR code's page filled in and sent from a phone"
        problems = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport=PHONE, has_touch=True,
                    is_mobile=True, locale='vi-VN')
                page.on('console', lambda m: problems.append(m.text)
                    if m.type in {'error', 'warning'} else None)
                page.goto(f'{self.base}/survey/{self.tokens[2]}?c=qr')
                page.screenshot(path=str(SCREENSHOTS / 'survey-phone.png'),
                    full_page=True)
                # the browser itself asks for the overall rating first
                page.click('button.submit')
                self.assertEqual(self.stored(2), [])
                page.get_by_label('Không hài lòng').first.check()
                page.get_by_label('Trước ngày hẹn trả').check()
                page.get_by_label('Ý kiến, góp ý khác').fill(
                    "Phải chờ lâu ở quầy")
                page.click('button.submit')
                page.wait_for_selector('text=Xin cảm ơn')
                page.screenshot(
                    path=str(SCREENSHOTS / 'survey-thanks-phone.png'))
            finally:
                browser.close()
        self.assertEqual(self.stored(2), [('qr', 'not_satisfied', 1)])
        self.assertEqual(problems, [])
