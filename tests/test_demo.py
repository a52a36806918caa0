# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The demo commune shows what the README promises once the three modules
are activated: fees, the collection account, dossiers paid in cash, by
VietQR transfer and still to pay, kiosk and QR answers, a follow-up"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from onestop_payments import vietqr
from onestop_procedures import demo
from onestop_procedures.commandline import MODULES


class DemoTestCase(unittest.TestCase):
    "The demo loaded once on a fresh database with all the modules"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        cls.addClassCleanup(drop_db)
        activate_module(MODULES)
        with Transaction().start(DB_NAME, 0):
            # as onestop setup leaves it: the users' language
            Lang = Pool().get('ir.lang')
            Lang.write(Lang.search([('code', '=', 'vi')]),
                {'translatable': True})
        cls.logins = demo.load(DB_NAME)
        cls.logins_again = demo.load(DB_NAME)
        with Transaction().start(DB_NAME, 0, readonly=True):
            Company = Pool().get('company.company')
            cls.company_id, = [c.id for c in Company.search(
                    [('party.name', '=', demo.COMPANY_NAME)])]

    def setUp(self):
        transaction = Transaction().start(DB_NAME, 0, readonly=True,
            context={'company': self.company_id})
        self.addCleanup(transaction.stop)
        self.company = Pool().get('company.company')(self.company_id)

    def dossier(self, citizen_id):
        Dossier = Pool().get('onestop.dossier')
        dossier, = Dossier.search([('applicant.citizen_id', '=', citizen_id)])
        return dossier

    def test_loaded_once(self):
        "Loading again keeps the one commune and gives the same logins"
        self.assertEqual(self.logins_again, self.logins)
        Company = Pool().get('company.company')
        self.assertEqual(Company.search_count(
                [('party.name', '=', demo.COMPANY_NAME)]), 1)

    def test_fees(self):
        "Fees on the demo catalogue, certified copies by page with the cap"
        Fee = Pool().get('onestop.procedure.fee')
        fees = Fee.search([('procedure.code', '=', '2.000815')])
        self.assertEqual(len(fees), 1)
        self.assertEqual(fees[0].compute(1, 500), 200000)
        residence = Fee.search([('procedure.code', '=', '1.004222')])
        self.assertEqual(
            {f.channel: f.amount for f in residence}['online'], 10000)
        self.assertTrue(all(f.exemptions for f in residence))

    def test_collection_account(self):
        "The collection account builds a valid VietQR payload"
        payload = vietqr.parse(self.company.vietqr_payload(8000, 'LE PHI'))
        self.assertEqual(payload['bin'], '970405')
        self.assertEqual(
            payload['account'], self.company.collection_account_number)
        self.assertEqual(payload['amount'], 8000)
        Journal = Pool().get('account.payment.journal')
        for method in ['cash', 'vietqr', 'ewallet']:
            self.assertTrue(Journal.get_default(self.company, method))

    def test_paid_in_cash(self):
        "Three certified copies of five pages paid in cash, with a receipt"
        dossier = self.dossier('031070002468')
        self.assertEqual(dossier.payment_state, 'paid')
        self.assertEqual(dossier.amount_paid, 21000)
        receipt, = dossier.receipts
        self.assertEqual(
            (receipt.method, receipt.amount), ('cash', 21000))

    def test_paid_by_transfer(self):
        "Transfers matched from the statement, each with its receipt"
        BankLine = Pool().get('onestop.bank.line')
        for citizen_id in ['031190009753', '031060001357']:
            dossier = self.dossier(citizen_id)
            self.assertEqual(dossier.payment_state, 'paid')
            receipt, = dossier.receipts
            self.assertEqual(receipt.method, 'vietqr')
            line, = BankLine.search([('dossier', '=', dossier.id)])
            self.assertEqual(line.state, 'matched')
            self.assertEqual(line.payment, receipt.payment)
        self.assertEqual(
            BankLine.search_count([('state', '=', 'queued')]), 1)
        # paid, the result waits for the officer trying the demo
        self.assertEqual(self.dossier('031060001357').state, 'ready')

    def test_to_pay(self):
        "A dossier still to pay shows its VietQR code"
        dossier = self.dossier('031199007531')
        self.assertEqual(dossier.payment_state, 'to_pay')
        payload = vietqr.parse(dossier.vietqr_payload)
        self.assertEqual(payload['amount'], dossier.amount_to_pay)
        self.assertTrue(
            payload['purpose'].startswith(dossier.payment_reference))

    def test_exemption(self):
        "A poor household's fee is waived on the evidence shown"
        dossier = self.dossier('031085003579')
        line, = dossier.fees
        self.assertEqual(line.exemption.code, 'HN')
        self.assertTrue(line.exemption_evidence)
        self.assertEqual(line.amount, 0)
        self.assertEqual(dossier.payment_state, 'none')

    def test_kiosk_answer(self):
        "The returned dossier is rated satisfied at the kiosk"
        dossier = self.dossier('031190009753')
        invitation = dossier.survey_invitation
        self.assertEqual(invitation.state, 'answered')
        response, = invitation.responses
        self.assertEqual(
            (response.channel, response.rating), ('kiosk', 'satisfied'))

    def test_followup(self):
        "A not satisfied answer by QR code is followed up by the leader"
        dossier = self.dossier('031095001234')
        self.assertEqual(dossier.state, 'returned')
        response, = dossier.survey_invitation.responses
        self.assertEqual(
            (response.channel, response.rating), ('qr', 'not_satisfied'))
        followup, = response.followups
        self.assertEqual(followup.state, 'contacted')
        self.assertEqual(followup.leader.login, 'lanhdao')
        self.assertTrue(followup.contact_note)
