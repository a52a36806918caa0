# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The bank notification endpoint, what is due on a dossier and its QR code,
through werkzeug's client, the notifications against docs/openapi.yaml;
concurrent deliveries on PostgreSQL"""
import datetime as dt
import unittest
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import BytesIO
from threading import Barrier

from jsonschema import ValidationError

from trytond import backend, config
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from onestop_payments import vietqr
from onestop_procedures import portal
from onestop_procedures.tests.test_portal import OpenAPI

from .tools import (
    create_citizen, create_dossier, create_fee, create_payment_commune,
    create_procedure, signed)

URL = '/portal/api/payments/notifications/%s'
DOSSIERS = 8
NOTIFICATION = '#/components/schemas/BankNotification'


def use_portal_database(test_class, name=DB_NAME):
    "Point the public routes at the test database for the test class"
    if not config.has_section('onestop'):
        config.add_section('onestop')
        test_class.addClassCleanup(config.remove_section, 'onestop')
    previous = config.get('onestop', 'database', portal.DEFAULT_DATABASE)
    config.set('onestop', 'database', name)
    test_class.addClassCleanup(config.set, 'onestop', 'database', previous)


class PaymentRouteTestCase(RouteTestCase):
    "Bank notifications and the dossier's payment for the portal"
    module = 'onestop_payments'

    @classmethod
    def setUpClass(cls):
        use_portal_database(cls)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Journal = pool.get('account.payment.journal')
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            # in force whatever the day in UTC (the portal has no commune)
            procedure.effective_date = dt.date(2020, 1, 1)
            procedure.save()
            create_fee(procedure, 8000)
            dossiers = [create_dossier(procedure, create_citizen())
                for _ in range(DOSSIERS)]
            Dossier.receive(dossiers)
            journal, = Journal.search([('process_method', '=', 'vietqr')])
        cls.journal = journal.notification_identifier
        cls.secret = journal.notification_secret
        cls.dossiers = [(d.id, d.code, d.payment_reference)
            for d in dossiers]

    def setUp(self):
        super().setUp()
        self.api = OpenAPI()

    def notification(self, index, transaction_id, amount=8000, **extra):
        _, _, reference = self.dossiers[index]
        data = {
            'transaction_id': transaction_id,
            'amount': amount,
            'description': f'MBVCB.123.{reference} LE PHI',
            'booked_at': dt.datetime.now(dt.timezone.utc).isoformat(),
            'account_number': '1234567890123',
            'payer_name': 'NGUYEN VAN AN',
            }
        data.update(extra)
        return data

    def post(self, data, secret=None, timestamp=None, body=None,
            headers=None, journal=None):
        body_, headers_ = signed(
            secret or self.secret, data, timestamp, body=body)
        headers_.update(headers or {})
        return self.client().post(URL % (journal or self.journal),
            data=body_, headers=headers_)

    def assertDocumented(self, response, data=None):
        """The answer is documented for its status; the notification sent,
        when given, is a documented body with documented headers"""
        self.api.validate(response, URL % self.journal, 'post', body=data,
            headers=signed(self.secret, data)[1] if data else None)

    def counts(self):
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            return (pool.get('onestop.bank.line').search_count([]),
                pool.get('account.payment').search_count([
                        ('state', '=', 'succeeded')]))

    def payment_state(self, index):
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('onestop.dossier')
            return Dossier(self.dossiers[index][0]).payment_state

    def test_notification_matches(self):
        "A signed notification is recorded, matched and the dossier paid"
        data = self.notification(0, 'FT25001')
        response = self.post(data)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertDocumented(response, data)
        self.assertEqual(response.json['status'], 'recorded')
        self.assertEqual(response.json['state'], 'matched')
        self.assertEqual(response.json['dossier'], self.dossiers[0][1])
        self.assertEqual(self.payment_state(0), 'paid')

    def test_notification_replayed(self):
        "The same transaction delivered again records nothing more"
        data = self.notification(1, 'FT25002')
        response = self.post(data)
        self.assertEqual(response.json['status'], 'recorded')
        self.assertDocumented(response, data)
        before = self.counts()
        response = self.post(data)
        self.assertEqual(response.status_code, 200)
        self.assertDocumented(response, data)
        self.assertEqual(response.json['status'], 'duplicate')
        self.assertEqual(response.json['state'], 'matched')
        self.assertEqual(self.counts(), before)

    def test_notification_refused(self):
        "Bad signature, stale time, malformed body: a clear error, no line"
        before = self.counts()
        data = self.notification(2, 'FT25003')
        now = int(dt.datetime.now(dt.timezone.utc).timestamp())
        cases = [
            (self.post(data, secret='wrong'), 401, 'signature'),
            (self.post(data, timestamp=now - 3600), 401, 'seconds'),
            (self.post(data, timestamp=now + 3600), 401, 'seconds'),
            (self.post(data, headers={'X-Timestamp': 'yesterday'}), 400,
                'timestamp'),
            (self.post(data, headers={'X-Signature': ''}), 401, 'signature'),
            (self.post(data, journal='unknown'), 404, 'journal'),
            (self.post(None, body=b'{"transaction_id": '), 400, 'JSON'),
            (self.post(None, body=b'[1, 2]'), 400, 'JSON'),
            (self.post(self.notification(2, 'N1', amount=-8000)), 400,
                'amount'),
            (self.post(self.notification(2, 'N2', amount=8000.5)), 400,
                'amount'),
            (self.post(self.notification(2, 'N3', amount='8000')), 400,
                'amount'),
            (self.post(self.notification(2, 'N4', amount=True)), 400,
                'amount'),
            (self.post(self.notification(2, 'N5', amount=0)), 400, 'amount'),
            (self.post(self.notification(2, '')), 400, 'transaction_id'),
            (self.post(self.notification(2, 'N6', booked_at='2026-03-02')),
                400, 'booked_at'),
            (self.post(self.notification(2, 'N7', account_number='999')),
                400, 'account_number'),
            ]
        for response, status, word in cases:
            with self.subTest(status=status, word=word):
                self.assertEqual(response.status_code, status, response.text)
                self.assertDocumented(response)
                self.assertIn(word, response.json['error']['message'])
        self.assertEqual(self.counts(), before)
        # the documented body refuses what the endpoint refuses (but the
        # account number, which depends on the commune)
        self.api.check(data, NOTIFICATION)
        for name, value in [('amount', -8000), ('amount', 8000.5),
                ('amount', '8000'), ('amount', True), ('amount', 0),
                ('transaction_id', ''), ('transaction_id', 'N' * 101),
                ('transaction_id', 8), ('booked_at', '2026-03-02'),
                ('booked_at', '2026-03-02T10:00:00'), ('description', 5)]:
            with self.subTest(name=name, value=value), self.assertRaises(
                    ValidationError):
                self.api.check({**data, name: value}, NOTIFICATION)
        for name in ['transaction_id', 'amount', 'booked_at']:
            with self.subTest(missing=name), self.assertRaises(
                    ValidationError):
                self.api.check({k: v for k, v in data.items() if k != name},
                    NOTIFICATION)
        self.assertEqual(self.payment_state(2), 'to_pay')

    def test_notification_example(self):
        "The document's example notification is recorded as documented"
        template = self.api.operation(URL % self.journal, 'post')
        example = self.api.spec['paths'][template]['post']['requestBody'][
            'content']['application/json']['example']
        response = self.post(example)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertDocumented(response, example)
        # its reference is no dossier's: queued for the accountant
        self.assertEqual((response.json['status'], response.json['state'],
                response.json['reason']), ('recorded', 'queued', 'unknown'))

    def test_notification_booked_out_of_range(self):
        "A booked_at that cannot be brought to UTC is a documented 400"
        for booked_at in ['0001-01-01T00:00:00+07:00',
                '9999-12-31T23:59:59-07:00']:
            with self.subTest(booked_at=booked_at):
                response = self.post(self.notification(
                        2, 'N-RANGE', booked_at=booked_at))
                self.assertEqual(response.status_code, 400)
                self.assertDocumented(response)

    def test_notification_underpaid_queued(self):
        "An underpayment is recorded for the accountant, not matched"
        data = self.notification(3, 'FT25004', amount=5000)
        response = self.post(data)
        self.assertEqual(response.status_code, 200)
        self.assertDocumented(response, data)
        self.assertEqual((response.json['state'], response.json['reason']),
            ('queued', 'underpaid'))
        self.assertEqual(self.payment_state(3), 'to_pay')

    def test_payment_api_and_qr(self):
        "What is due and the QR code, for whoever knows code and digits"
        import zxingcpp
        from PIL import Image
        _, code, reference = self.dossiers[4]
        client = self.client()
        response = client.get(
            f'/portal/api/dossiers/{code}/payment?verify=5678')
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json
        self.assertEqual((data['amount_due'], data['amount_paid'],
                data['currency']), (8000, 0, 'VND'))
        parsed = vietqr.parse(data['vietqr'])
        self.assertEqual(parsed['amount'], 8000)
        self.assertTrue(parsed['purpose'].startswith(reference))
        response = client.get(
            f'/portal/dossiers/{code}/vietqr.png?verify=5678')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content_type, 'image/png')
        result, = zxingcpp.read_barcodes(
            Image.open(BytesIO(response.data)))
        self.assertEqual(result.text, data['vietqr'])
        response = client.get(
            f'/portal/dossiers/{code}/vietqr.svg?verify=5678')
        self.assertEqual(response.content_type, 'image/svg+xml')
        self.assertIn(b'<svg', response.data)
        for url in [f'/portal/api/dossiers/{code}/payment?verify=0000',
                f'/portal/dossiers/{code}/vietqr.png',
                '/portal/api/dossiers/000.00.00-000000-0000/payment'
                '?verify=5678']:
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 404)

    def test_portal_sections(self):
        "The portal shows the fees, what is due with its QR, the figures"
        _, code, reference = self.dossiers[7]
        client = self.client()
        response = client.get('/portal/api/procedures/1.004873')
        fee, = response.json['fees']
        self.assertEqual((fee['amount'], fee['amount_text'], fee['unit']),
            (8000, '8.000 đ', 'dossier'))
        self.assertIn('8.000 đ', client.get(
                '/portal/procedures/1.004873?lang=en').text)
        client.get('/portal/track')
        token = client.get_cookie(portal.CSRF_COOKIE, path='/').value
        response = client.post('/portal/track?lang=en', data={
                'code': code, 'verify': '5678', 'csrf_token': token})
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn('Fees and charges', page)
        self.assertIn('<svg', page)
        self.assertIn(reference, page)
        self.post(self.notification(7, 'FT-PORTAL'))
        response = client.post('/portal/track?lang=en', data={
                'code': code, 'verify': '5678', 'csrf_token': token})
        self.assertNotIn('<svg', response.text)
        self.assertIn('E-receipts: BL', response.text)
        self.assertIn('made without cash',
            client.get('/portal/figures?lang=en').text)

    @unittest.skipUnless(backend.name == 'postgresql', "needs PostgreSQL")
    def test_concurrent_deliveries(self):
        "A thousand concurrent deliveries of one notification: one payment"
        data = self.notification(5, 'FT-CONCURRENT')
        before = self.counts()
        barrier = Barrier(32)

        def deliver(number):
            if number < 32:
                barrier.wait()
            response = self.post(data)
            return response.status_code, (response.json or {}).get(
                'status', response.text[:300])
        with ThreadPoolExecutor(max_workers=32) as executor:
            results = list(executor.map(deliver, range(1000)))
        self.assertEqual({code for code, _ in results}, {200},
            {r for r in results if r[0] != 200})
        statuses = [status for _, status in results]
        self.assertEqual(statuses.count('recorded'), 1)
        self.assertEqual(statuses.count('duplicate'), 999)
        lines, payments = self.counts()
        self.assertEqual((lines, payments), (before[0] + 1, before[1] + 1))
        self.assertEqual(self.payment_state(5), 'paid')

    @unittest.skipUnless(backend.name == 'postgresql', "needs PostgreSQL")
    def test_concurrent_transfers_one_dossier(self):
        "Two transfers for one dossier at once: one matched, one duplicate"
        barrier = Barrier(2)

        def deliver(transaction_id):
            barrier.wait()
            return self.post(self.notification(6, transaction_id)).json
        with ThreadPoolExecutor(max_workers=2) as executor:
            results = list(executor.map(deliver, ['FT-A', 'FT-B']))
        self.assertEqual(sorted((r['state'], r['reason']) for r in results),
            [('matched', None), ('queued', 'duplicate')])
        with Transaction().start(DB_NAME, 0):
            Dossier = Pool().get('onestop.dossier')
            dossier = Dossier(self.dossiers[6][0])
            self.assertEqual(dossier.amount_paid, Decimal(8000))

