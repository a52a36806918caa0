# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""A citizen in a real browser (headless Chromium driven by Playwright):
search, read the procedure, register, file with uploads; an officer receives
the dossier; the citizen sees the new status. Screenshots of the main pages
at phone and desktop width go to var/screenshots/."""
import re
import shutil
import tempfile
import threading
import unittest
from pathlib import Path
from unittest.mock import patch
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server

from trytond import backend, config
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, create_db, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app

from .test_portal import MAIL, PDF, PNG, setup_portal_database

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
SCREENSHOTS = Path(__file__).resolve().parents[3] / 'var' / 'screenshots'
PHONE = {'width': 390, 'height': 844}
DESKTOP = {'width': 1280, 'height': 900}
PASSWORD = 'Dung-mat-khau-2026'


class QuietHandler(WSGIRequestHandler):
    "No access log: the test output stays readable"

    def log_request(self, *args, **kwargs):
        pass


def activate(name):
    "A new database with onestop_procedures activated"
    create_db(name)
    with Transaction().start(name, 1, close=True) as transaction:
        pool = Pool()
        Module = pool.get('ir.module')
        Module.activate(Module.search([('name', '=', 'onestop_procedures')]))
        transaction.commit()
        ActivateUpgrade = pool.get(
            'ir.module.activate_upgrade', type='wizard')
        instance_id, _, _ = ActivateUpgrade.create()
        transaction.commit()
        ActivateUpgrade(instance_id).transition_upgrade()
        ActivateUpgrade.delete(instance_id)
        transaction.commit()


@unittest.skipUnless(sync_playwright and Path(CHROMIUM).exists(),
    "needs Playwright and Debian's chromium")
class PortalBrowserTestCase(unittest.TestCase):
    "The citizen's journey in headless Chromium"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix='onestop-portal-')
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        if backend.name == 'sqlite':
            # the server thread needs a file: :memory: is per thread
            cls.database = 'portal_browser'
            cls._set_config('database', 'path', cls.folder)
        else:
            cls.database = f'{DB_NAME}_browser'
        drop_db(cls.database)
        activate(cls.database)
        cls.addClassCleanup(drop_db, cls.database)
        with Transaction().start(cls.database, 1) as transaction:
            cls.data = setup_portal_database()
            transaction.commit()

        cls.server = make_server('127.0.0.1', 0, app, threaded=True,
            request_handler=QuietHandler)
        cls.base = f'http://127.0.0.1:{cls.server.server_port}'
        cls._set_config('onestop', 'database', cls.database)
        cls._set_config('onestop', 'portal_url', cls.base)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(thread.join, 10)
        cls.addClassCleanup(cls.server.shutdown)

        mail = patch(MAIL)
        cls.mails = mail.start()
        cls.addClassCleanup(mail.stop)

        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cls.addClassCleanup(cls.browser.close)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, content in [('to-khai.pdf', PDF), ('xac-nhan.png', PNG)]:
            (Path(cls.folder) / name).write_bytes(content)

    @classmethod
    def _set_config(cls, section, option, value):
        if not config.has_section(section):
            config.add_section(section)
            cls.addClassCleanup(config.remove_section, section)
        previous = config.get(section, option)
        config.set(section, option, value)
        if previous is not None:
            cls.addClassCleanup(config.set, section, option, previous)

    def new_page(self, viewport):
        context = self.browser.new_context(
            viewport=viewport, locale='vi-VN', base_url=self.base)
        self.addCleanup(context.close)
        page = context.new_page()
        errors = []
        page.on('console',
            lambda m: errors.append(m.text) if m.type == 'error' else None)
        page.on('pageerror', lambda e: errors.append(str(e)))
        self.addCleanup(lambda: self.assertEqual(errors, [],
                "the browser reported errors (Content-Security-Policy?)"))
        return page

    def shot(self, page, name):
        "Save a screenshot; on a phone nothing may scroll sideways"
        page.screenshot(path=str(SCREENSHOTS / f'{name}.png'), full_page=True)
        width = page.viewport_size['width']
        self.assertLessEqual(
            page.evaluate('document.documentElement.scrollWidth'), width,
            f"{name} is wider than the screen")

    def test_citizen_journey(self):
        """Search → procedure → register → file with uploads → received by
        the officer → the citizen sees it; on a phone"""
        page = self.new_page(PHONE)
        page.goto('/portal/')
        self.assertEqual(page.locator('html').get_attribute('lang'), 'vi')
        self.shot(page, 'portal-home-phone')
        # keyboard users get the skip link first
        page.keyboard.press('Tab')
        self.assertEqual(page.evaluate('document.activeElement.className'),
            'skip-link')

        page.get_by_label('Tìm thủ tục').fill('dang ky ket hon')
        # the live search answers through the JSON API
        page.locator('#results .card-title', has_text='Đăng ký kết hôn'
            ).wait_for()
        page.get_by_label('Tìm thủ tục').press('Enter')
        page.wait_for_url(re.compile(r'.*\?q=dang'))
        page.get_by_role('link', name='Đăng ký kết hôn').click()
        page.get_by_role('heading', level=1, name='Đăng ký kết hôn'
            ).wait_for()
        self.assertIn('Ngày hẹn trả kết quả',
            page.locator('.appointment').inner_text())
        self.assertTrue(page.locator('.qr img').evaluate(
                'img => img.complete && img.naturalWidth > 0'))
        self.shot(page, 'portal-procedure-phone')

        page.get_by_role('link', name='Nộp hồ sơ trực tuyến').first.click()
        page.wait_for_url(re.compile(r'.*/portal/account/login\?next=.*'))
        page.locator('main').get_by_role(
            'link', name='Đăng ký tài khoản').click()
        page.get_by_label('Họ và tên').fill('Phạm Thị Dung')
        page.get_by_label('Số định danh cá nhân').fill('031192007777')
        page.get_by_label('Ngày sinh').fill('1992-08-20')
        page.get_by_label('Nữ').check()
        page.get_by_label('Số điện thoại').fill('0977 123 456')
        page.get_by_label('Thư điện tử').fill('dung@example.com')
        page.get_by_label('Mật khẩu', exact=True).fill(PASSWORD)
        page.get_by_label('Nhập lại mật khẩu').fill(PASSWORD)
        page.get_by_label(re.compile('Tôi đồng ý')).check()
        self.shot(page, 'portal-register-phone')
        page.get_by_role('button', name='Đăng ký tài khoản').click()
        page.get_by_text('đường dẫn xác thực').wait_for()

        message = self.mails.call_args.args[0]
        link = re.search(r'http://\S+/portal/account/verify\?token=\w+',
            message.get_body().get_content()).group(0)
        page.goto(link)
        page.get_by_role('button', name='Xác nhận địa chỉ').click()
        page.get_by_role('link', name='Đăng nhập').last.click()
        page.get_by_label('Thư điện tử').fill('dung@example.com')
        page.get_by_label('Mật khẩu').fill(PASSWORD)
        page.locator('main').get_by_role('button', name='Đăng nhập').click()
        page.wait_for_url(re.compile(r'.*/portal/my$'))

        page.goto(f'/portal/procedures/{self.data["marriage"]}/file')
        self.assertEqual(page.get_by_label('Số điện thoại').input_value(),
            '0977123456')
        uploads = page.locator('input[type=file]')
        uploads.nth(0).set_input_files(str(Path(self.folder) / 'to-khai.pdf'))
        uploads.nth(1).set_input_files(
            str(Path(self.folder) / 'xac-nhan.png'))
        page.get_by_label('Địa chỉ').fill('Thôn Đông, xã Gia Lộc')
        self.shot(page, 'portal-file-phone')
        page.get_by_role('button', name='Gửi hồ sơ').click()
        page.get_by_text('Hồ sơ của bạn đã được gửi').wait_for()
        code = urlsplit(page.url).path.rsplit('/', 1)[1]
        self.assertIn('Mới đăng ký', page.locator('.status').inner_text())
        self.assertIn('to-khai.pdf', page.locator('main').inner_text())

        # the officer receives it in the back office
        with Transaction().start(self.database, 1) as transaction:
            Dossier = Pool().get('onestop.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            self.assertEqual(
                (dossier.channel, dossier.state), ('online', 'draft'))
            with transaction.set_context(company=dossier.company.id):
                Dossier.receive([dossier])
            due = dossier.local(dossier.due_at).strftime('%H:%M %d/%m/%Y')
            transaction.commit()

        page.goto(f'/portal/dossiers/{code}')
        self.assertIn('Đã tiếp nhận', page.locator('.status').inner_text())
        self.assertIn(due, page.locator('.status-card').inner_text())
        self.assertIn('Mới đăng ký', page.locator('.timeline').inner_text())
        self.shot(page, 'portal-dossier-phone')
        page.goto('/portal/my')
        self.assertIn(code, page.locator('main').inner_text())
        self.shot(page, 'portal-my-phone')

        # anyone with the receipt's QR code and the 4 digits
        visitor = self.new_page(PHONE)
        visitor.goto(f'/portal/dossiers/{code}')
        visitor.get_by_label('4 số cuối').fill('3456')
        visitor.get_by_role('button', name='Xem hồ sơ').click()
        self.assertIn('Đã tiếp nhận',
            visitor.locator('.status').inner_text())
        self.assertNotIn('to-khai.pdf', visitor.locator('main').inner_text())
        self.shot(visitor, 'portal-track-phone')

    def test_desktop_pages(self):
        "The main pages at desktop width, in both languages"
        page = self.new_page(DESKTOP)
        for path, name in [
                ('/portal/', 'portal-home-desktop'),
                ('/portal/?q=khai+sinh', 'portal-search-desktop'),
                (f'/portal/procedures/{self.data["marriage"]}',
                    'portal-procedure-desktop'),
                ('/portal/figures', 'portal-figures-desktop'),
                ('/portal/track', 'portal-track-desktop'),
                ('/portal/account/register', 'portal-register-desktop'),
                ('/portal/?lang=en', 'portal-home-desktop-en')]:
            with self.subTest(path=path):
                response = page.goto(path)
                self.assertEqual(response.status, 200)
                self.shot(page, name)
        self.assertEqual(page.locator('html').get_attribute('lang'), 'en')
        phone = self.new_page(PHONE)
        phone.goto('/portal/figures')
        self.shot(phone, 'portal-figures-phone')

    def test_checklist_prints_on_one_page(self):
        "The procedure page prints as one A4 page: the checklist and QR"
        page = self.new_page(DESKTOP)
        page.goto(f'/portal/procedures/{self.data["marriage"]}')
        pdf = page.pdf(format='A4')
        (SCREENSHOTS / 'portal-procedure-print.pdf').write_bytes(pdf)
        pages = len(re.findall(rb'/Type\s*/Page[^s]', pdf))
        self.assertEqual(pages, 1)
