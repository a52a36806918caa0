# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Group 3b of the index (online payment) on the March 2026 data set of the
statistics (onestop_procedures.tests.test_statistics), with fees and
payments added; every figure counted by hand."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures.scorecard import GROUPS
from onestop_procedures.tests.test_statistics import (
    APRIL, MARCH, create_report_data)
from onestop_procedures.tests.tools import listed_indicators, load_vietnamese

from .tools import add_collection, create_fee

# fee of 1.004873: 8 000 per dossier; of 2.000815: 2 000 per page (1 page)
# (dossier, method, amount, date, succeeded) of Xã Gia Lộc
PAYMENTS_A = [
    ('D07', 'vietqr', 8000, dt.date(2026, 3, 2), True),
    ('D08', 'cash', 8000, dt.date(2026, 3, 3), True),
    ('D09', 'ewallet', 2000, dt.date(2026, 4, 2), True),
    # the citizen has not transferred yet
    ('D10', 'vietqr', 2000, dt.date(2026, 3, 10), False),
    ('D11', 'vietqr', 8000, dt.date(2026, 3, 16), True),
    ('D13', 'cash', 4000, dt.date(2026, 3, 27), True),
    ('D13', 'vietqr', 4000, dt.date(2026, 3, 28), True),
    ('D14', 'vietqr', 8000, dt.date(2026, 4, 1), True),
    ('D01', 'ewallet', 8000, dt.date(2026, 3, 2), True),
    ]
# Phường Khác: B1 by transfer, B2 in cash
PAYMENTS_B = [
    ('B1', 'vietqr', 8000, dt.date(2026, 3, 5), True),
    ('B2', 'cash', 8000, dt.date(2026, 3, 6), True),
    ]
# March. Fee-bearing procedures in force on 31/03: 1.004873 and 2.000815
# (1.000894 has no fee).
# Gia Lộc: journals other than cash, so both payable online (2 of 2); paid
# without cash in March: 1.004873 only (D07 D11 D13 D01; D09 was paid in
# April): 1 of 2, 2 × 0.5 / 0.8. Dossiers received in March with fees to
# pay: D07 D08 D09 D10 D13 D14 (D11 refused: nothing due; D12 no fee; D15
# withdrawn; D01 received in February); paid online D07 D09 (in April)
# D13 (partly) D14 (in April): 4 of 6.
GIA_LOC = {
    '3.5a': (2, 2, 2.0),
    '3.5b': (1, 2, 1.25),
    '3.6': (4, 6, 4.0),
    }
# Phường Khác: cash and VietQR journals; B1 paid by transfer, B2 in cash
OTHER = {
    '3.5a': (2, 2, 2.0),
    '3.5b': (1, 2, 1.25),
    '3.6': (1, 2, 3.0),
    }
# Xã Thứ Ba: a cash journal, no dossier
THIRD = {
    '3.5a': (0, 2, 0.0),
    '3.5b': (0, 2, 0.0),
    '3.6': (0, 0, 6.0),
    }


def create_payment_data():
    """The communes and dossiers of create_report_data, the fees of the
    procedures, fee lines and the payments of PAYMENTS_A and PAYMENTS_B"""
    pool = Pool()
    Procedure = pool.get('onestop.procedure')
    Line = pool.get('onestop.dossier.fee')
    Journal = pool.get('account.payment.journal')
    Payment = pool.get('account.payment')
    (gia_loc, other, third), dossiers = create_report_data()
    add_collection(gia_loc)
    add_collection(other, methods=['cash', 'vietqr'])
    add_collection(third, methods=['cash'])
    marriage, = Procedure.search([('code', '=', '1.004873')])
    copy, = Procedure.search([('code', '=', '2.000815')])
    fees = {marriage: create_fee(marriage, 8000),
        copy: create_fee(copy, 2000, unit='page', first_pages=2,
            next_amount=Decimal(1000), cap=Decimal(200000),
            name="Phí chứng thực bản sao")}
    # D12 has no fee line: nothing to pay
    with_fees = ['D01', 'D07', 'D08', 'D09', 'D10', 'D11', 'D13', 'D14',
        'D15', 'B1', 'B2']
    Line.create([{'dossier': dossiers[k].id,
                'fee': fees[dossiers[k].procedure].id, 'quantity': 1,
                'pages': 1 if dossiers[k].procedure == copy else None}
            for k in with_fees])
    for company, payments in [(gia_loc, PAYMENTS_A), (other, PAYMENTS_B)]:
        with set_company(company):
            for key, method, amount, date, succeeded in payments:
                dossier = dossiers[key]
                payment = dossier.new_payment(
                    Journal.get_default(company, method), Decimal(amount))
                payment.date = date
                payment.save()
                if succeeded:
                    Payment.settle([payment])
                else:
                    Payment.submit([payment])
                    Payment.process([payment])
    return (gia_loc, other, third), dossiers


class ScorecardPaymentTestCase(unittest.TestCase):
    "Test the online payment indicators of the index scorecard"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_payments'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def assertIndicators(self, estimate, expected):
        lines = {l['code']: l for l in estimate['lines']}
        for code, (numerator, denominator, points) in expected.items():
            line = lines[code]
            self.assertEqual(
                (line['numerator'], line['denominator'], line['points']),
                (numerator, denominator, points), code)
            self.assertEqual(line['group'], '3b')
            self.assertEqual(line['no_data'], not denominator, code)

    @with_transaction()
    def test_estimate(self):
        "3.5a, 3.5b and 3.6 of each commune, the groups and the total"
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, other, third), dossiers = create_payment_data()
        self.assertEqual(dossiers['D13'].payment_state, 'paid')
        estimates = Scorecard.evaluate(
            [gia_loc.id, other.id, third.id], *MARCH)
        for company, expected in [(gia_loc, GIA_LOC), (other, OTHER),
                (third, THIRD)]:
            self.assertIndicators(estimates[company.id], expected)
        estimate = estimates[gia_loc.id]
        lines = {l['code']: l for l in estimate['lines']}
        self.assertAlmostEqual(lines['3.6']['ratio'], 4 / 6)
        self.assertEqual((lines['3.5b']['ratio'], lines['3.5b']['target']),
            (0.5, 0.8))
        # the indicators of the group come after group 3a, before group 4
        self.assertEqual([l['code'] for l in estimate['lines']
                if l['group'] in {'3a', '3b', '4'}][2:6],
            ['3.3', '3.5a', '3.5b', '3.6'])
        # 30.24 for the procedures module's indicators (test_scorecard,
        # without the reused component) + 2 + 1.25 + 4 = 37.49 of 50 + 10
        self.assertEqual(
            [(g['group'], g['max_points'], g['measured_max'], g['points'])
                for g in estimate['groups']],
            [('1', 18, 6, 4.0), ('2', 20, 20, 12.5), ('3a', 12, 12, 8.17),
                ('3b', 10, 10, 7.25), ('4', 22, 12, 5.57)])
        self.assertEqual(
            (estimate['points'], estimate['maximum'], estimate['score']),
            (37.49, 60, 62.48))
        self.assertEqual(estimates[other.id]['groups'][3]['points'], 6.25)
        self.assertEqual(estimates[third.id]['groups'][3]['points'], 6.0)

        # the dossiers that cost points: those with fees to pay not paid
        # online, in their commune only
        name = {d.id: k for k, d in dossiers.items()}

        def missed(company):
            line, = [l for l in estimates[company.id]['lines']
                if l['code'] == '3.6']
            return sorted(name.get(d.id, d.id)
                for d in Dossier.search(line['missed']))
        self.assertEqual(missed(gia_loc), ['D08', 'D10'])
        self.assertEqual(missed(other), ['B2'])
        self.assertEqual(missed(third), [])
        for code in ['3.5a', '3.5b']:
            self.assertIsNone(lines[code]['missed'])

    @with_transaction()
    def test_payment_dates(self):
        """3.5b counts the payments of the period; 3.6 the dossiers received
        in it, whenever they were paid"""
        Scorecard = Pool().get('onestop.scorecard')
        (gia_loc, _, _), _ = create_payment_data()
        estimate = Scorecard.evaluate([gia_loc.id], *APRIL)[gia_loc.id]
        # April: D14 (1.004873) and D09 (2.000815) paid online; D17 received
        # without fee
        self.assertIndicators(estimate, {
                '3.5a': (2, 2, 2.0), '3.5b': (2, 2, 2.0), '3.6': (0, 0, 6.0)})
        # February: D01 received with its fee, paid online in March
        february = Scorecard.evaluate([gia_loc.id], dt.date(2026, 2, 1),
            dt.date(2026, 2, 28))[gia_loc.id]
        self.assertIndicators(february, {
                '3.5b': (0, 2, 0.0), '3.6': (1, 1, 6.0)})

    @with_transaction()
    def test_zero_data(self):
        """Nothing in force and no dossier: no points for the catalogue,
        full points for the dossiers"""
        Scorecard = Pool().get('onestop.scorecard')
        (gia_loc, _, _), _ = create_payment_data()
        estimate = Scorecard.evaluate([gia_loc.id], dt.date(2025, 1, 1),
            dt.date(2025, 1, 31))[gia_loc.id]
        self.assertIndicators(estimate, {
                '3.5a': (0, 0, 0.0), '3.5b': (0, 0, 0.0), '3.6': (0, 0, 6.0)})
        group, = [g for g in estimate['groups'] if g['group'] == '3b']
        self.assertEqual((group['measured_max'], group['points']), (10, 6.0))

    @with_transaction()
    def test_listing(self):
        "Without communes the indicators are listed and nothing is queried"
        Scorecard = Pool().get('onestop.scorecard')
        create_payment_data()
        indicators = listed_indicators(*MARCH)
        payment = [(i.code, i.group, i.max_points, i.target, i.empty,
                i.values) for i in indicators if i.group == '3b']
        self.assertEqual(payment, [
                ('3.5a', '3b', 2, 0.8, 'zero', {}),
                ('3.5b', '3b', 2, 0.8, 'zero', {}),
                ('3.6', '3b', 6, 1.0, 'full', {})])
        names = {i.code: i.name for i in indicators}
        self.assertEqual(names['3.6'], "Dossiers paid online")
        # the labels in Vietnamese, from the module's translation
        load_vietnamese(['onestop_payments'])
        with Transaction().set_context(language='vi'):
            self.assertEqual(
                {i.code: i.name for i in Scorecard.indicators([], *MARCH)
                    if i.group == '3b'},
                {'3.5a': "TTHC có nghĩa vụ tài chính được cung cấp thanh "
                    "toán trực tuyến",
                    '3.5b': "TTHC có nghĩa vụ tài chính phát sinh giao dịch "
                    "thanh toán trực tuyến",
                    '3.6': "Hồ sơ thanh toán trực tuyến"})

    @with_transaction()
    def test_stored_and_board(self):
        """The stored scorecards keep the dossiers that cost points, and the
        board's graph of paid online reads line 3.6"""
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Line = pool.get('onestop.scorecard.line')
        Dossier = pool.get('onestop.dossier')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        (gia_loc, other, _), dossiers = create_payment_data()
        name = {d.id: k for k, d in dossiers.items()}
        first, second = Scorecard.update([gia_loc, other], '2026-03')
        line, = [l for l in first.lines if l.code == '3.6']
        self.assertEqual((line.numerator, line.denominator, line.points,
                line.rate), (4, 6, 4.0, 66.7))
        self.assertEqual(sorted(name[d.id] for d in Dossier.search(
                    PYSONDecoder().decode(line.missed_domain))),
            ['D08', 'D10'])
        action = Action(ModelData.get_id(
                'onestop_procedures', 'act_scorecard_line_cashless'))
        board = Line.search(PYSONDecoder().decode(action.domain))
        self.assertEqual(
            sorted((l.scorecard.company.id, l.code, l.points) for l in board),
            sorted([(gia_loc.id, '3.6', 4.0), (other.id, '3.6', 3.0)]))


class IndexTotalTestCase(unittest.TestCase):
    "The index with the three modules"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_payments', 'onestop_survey'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_hundred_points(self):
        "Every group is complete: 100 points in all"
        Scorecard = Pool().get('onestop.scorecard')
        (gia_loc, _, _), _ = create_payment_data()
        indicators = Scorecard.indicators([], *MARCH)
        self.assertEqual(sum(i.max_points for i in indicators), 100)
        for group, _, maximum in GROUPS:
            self.assertEqual(sum(i.max_points for i in indicators
                    if i.group == group), maximum, group)
        estimate = Scorecard.evaluate([gia_loc.id], *MARCH)[gia_loc.id]
        self.assertEqual(sum(l['max_points'] for l in estimate['lines']), 100)
        self.assertEqual(
            [(g['group'], g['max_points'], g['measured_max'])
                for g in estimate['groups']],
            [('1', 18, 6), ('2', 20, 20), ('3a', 12, 12), ('3b', 10, 10),
                ('4', 22, 12), ('5', 18, 18)])
        self.assertEqual(sum(g['max_points'] for g in estimate['groups']),
            100)
        # 5.4: 7 dossiers finished in March (D01 D03 D07 D08 D09 D10 D11),
        # 2 late, none rated: 5 / 7 against 90 %; no follow-up
        groups = {g['group']: g['points'] for g in estimate['groups']}
        self.assertEqual((groups['3b'], groups['5']), (7.25, 16.76))
        self.assertEqual(estimate['points'], 54.25)
        self.assertEqual(estimate['maximum'], 78)
