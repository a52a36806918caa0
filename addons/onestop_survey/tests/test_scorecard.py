# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Group 5 of the index (satisfaction) on the data set of the satisfaction
figures (test_figures), counted by hand and checked against the figures"""
import datetime as dt
import unittest

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures.tests.tools import listed_indicators, load_vietnamese

from ..figures import index_points
from .test_figures import FiguresMixin, at
from .tools import frozen

DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
JANUARY = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
BOTH = (DECEMBER[0], JANUARY[1])
# Xã Gia Lộc. December: 4 dossiers finished, 1 late, 1 rated not
# satisfied; its follow-up closed on time. January: 5 finished, none late,
# 1 not satisfied; its follow-up (the same citizen's second) overdue.
GIA_LOC = {
    # 5.4: (4 - 1 - 1) / 4 = 50 %, 6 × 0.5 / 0.9
    DECEMBER: {'5.2': (1, 1, 6.0), '5.3': (1, 1, 6.0), '5.4': (2, 4, 3.33)},
    # 5.3: the follow-up is overdue; 5.4: 4 / 5 = 80 %
    JANUARY: {'5.2': (0, 0, 6.0), '5.3': (0, 1, 0.0), '5.4': (4, 5, 5.33)},
    # 5.3: 2 - 1 repeated - 1 overdue; 5.4: (9 - 1 - 2) / 9
    BOTH: {'5.2': (1, 1, 6.0), '5.3': (0, 2, 0.0), '5.4': (6, 9, 4.44)},
    }
# Phường Khác: one dossier finished in December, rated satisfied
OTHER = {'5.2': (0, 0, 6.0), '5.3': (0, 0, 6.0), '5.4': (1, 1, 6.0)}


class ScorecardSurveyTestCase(unittest.TestCase):
    "Test the satisfaction indicators of the index scorecard"
    _figures_data = FiguresMixin._figures_data

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_survey'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def lines(self, company, period):
        Scorecard = Pool().get('onestop.scorecard')
        estimate = Scorecard.evaluate([company.id], *period)[company.id]
        return estimate, {l['code']: l for l in estimate['lines']}

    def assertIndicators(self, lines, expected):
        for code, (numerator, denominator, points) in expected.items():
            line = lines[code]
            self.assertEqual(
                (line['numerator'], line['denominator'], line['points']),
                (numerator, denominator, points), code)
            self.assertEqual(line['no_data'], not denominator, code)

    def assertAgree(self, company, period, lines):
        "The scorecard gives the points of the satisfaction figures"
        Figure = Pool().get('onestop.survey.figure')
        points = index_points(Figure.index_inputs(company, *period))
        for code, (ratio, value) in points.items():
            self.assertEqual(lines[code]['points'], round(value, 2), code)
            if lines[code]['denominator']:
                self.assertAlmostEqual(lines[code]['ratio'], ratio)

    @with_transaction()
    def test_estimate(self):
        "5.1 to 5.4 of each commune and period, as the figures give them"
        d = self._figures_data()
        gia_loc, other = d['gia_loc'], d['other']
        for period, expected in GIA_LOC.items():
            estimate, lines = self.lines(gia_loc, period)
            self.assertIndicators(lines, expected)
            self.assertAgree(gia_loc, period, lines)
            self.assertFalse(lines['5.1']['measured'])
            group = estimate['groups'][-1]
            self.assertEqual(
                (group['group'], group['max_points'], group['measured_max'],
                    group['points']),
                ('5', 18, 18, round(sum(p for _, _, p in expected.values()),
                        2)), period)
        # the other commune's dossier and answer are not Gia Lộc's
        _, lines = self.lines(other, BOTH)
        self.assertIndicators(lines, OTHER)
        self.assertAgree(other, BOTH, lines)
        self.assertEqual(
            [l['code'] for l in lines.values() if l['group'] == '5'],
            ['5.1', '5.2', '5.3', '5.4'])
        self.assertEqual((lines['5.4']['target'], lines['5.4']['max_points']),
            (0.9, 6))

    @with_transaction()
    def test_missed_dossiers(self):
        """The dossiers that cost points: late or unhappy, of follow-ups
        overdue, repeated or closed late"""
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Response = pool.get('onestop.survey.response')
        FollowUp = pool.get('onestop.survey.followup')
        d = self._figures_data()
        gia_loc, other = d['gia_loc'], d['other']
        late, = Dossier.search([('company', '=', gia_loc.id),
                ('timeliness', '=', 'late')])
        unhappy = [r.dossier for r in Response.search(
                [('rating', '=', 'not_satisfied')],
                order=[('answered_at', 'ASC')])]
        first, second = FollowUp.search([], order=[('opened_at', 'ASC')])
        self.assertEqual([f.dossier for f in [first, second]], unhappy)

        def missed(company, period):
            _, lines = self.lines(company, period)
            return {code: set(Dossier.search(lines[code]['missed']))
                for code in ['5.2', '5.3', '5.4']}
        self.assertEqual(missed(gia_loc, BOTH), {
                '5.2': set(), '5.3': {second.dossier},
                '5.4': {late, *unhappy}})
        self.assertEqual(missed(gia_loc, DECEMBER), {
                '5.2': set(), '5.3': set(), '5.4': {late, unhappy[0]}})
        self.assertEqual(missed(other, BOTH),
            {'5.2': set(), '5.3': set(), '5.4': set()})

        # the second follow-up closed on 2 February, after its deadline
        second.contact_method = 'phone'
        second.contact_note = "Đã gọi điện"
        second.resolution = "Đã giải thích lại quy trình"
        second.save()
        with set_company(gia_loc), frozen(at(2027, 2, 2, 9)):
            FollowUp.close([second])
        _, lines = self.lines(gia_loc, BOTH)
        # 5.2: 1 of the 2 closed on time
        self.assertIndicators(lines, {
                '5.2': (1, 2, 3.0), '5.3': (0, 2, 0.0), '5.4': (6, 9, 4.44)})
        self.assertAgree(gia_loc, BOTH, lines)
        self.assertEqual(missed(gia_loc, BOTH)['5.2'], {second.dossier})

    @with_transaction()
    def test_repeated_and_closed_late(self):
        """A second complaint of a citizen is repeated; a follow-up closed
        late counts as overdue though the job never flagged it"""
        pool = Pool()
        FollowUp = pool.get('onestop.survey.followup')
        d = self._figures_data()
        gia_loc = d['gia_loc']
        first, second = FollowUp.search([], order=[('opened_at', 'ASC')])
        # both follow-ups in January, the first closed on 2 February
        # without the scheduled job having run
        FollowUp.write([first], {'opened_at': at(2027, 1, 5, 9),
                'due_at': at(2027, 1, 12, 9), 'closed_at': at(2027, 2, 2, 9)})
        FollowUp.write([second], {'overdue': False})
        _, lines = self.lines(gia_loc, JANUARY)
        # 2 follow-ups, 1 repeated (the second), 1 overdue (the first)
        self.assertIndicators(lines, {
                '5.2': (0, 1, 0.0), '5.3': (0, 2, 0.0)})
        self.assertAgree(gia_loc, JANUARY, lines)
        Figure = pool.get('onestop.survey.figure')
        inputs = Figure.index_inputs(gia_loc, *JANUARY)
        self.assertEqual(
            (inputs['followups'], inputs['repeated'],
                inputs['followups_overdue']), (2, 1, 1))

    @with_transaction()
    def test_zero_data(self):
        """No follow-up: full points for 5.2 and 5.3; no dossier finished:
        none for 5.4"""
        d = self._figures_data()
        estimate, lines = self.lines(
            d['gia_loc'], (dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
        self.assertIndicators(lines, {
                '5.2': (0, 0, 6.0), '5.3': (0, 0, 6.0), '5.4': (0, 0, 0.0)})
        self.assertAgree(d['gia_loc'],
            (dt.date(2025, 1, 1), dt.date(2025, 1, 31)), lines)
        self.assertEqual(estimate['groups'][-1]['points'], 12.0)

    @with_transaction()
    def test_listing(self):
        "Without communes the indicators are listed and nothing is queried"
        Scorecard = Pool().get('onestop.scorecard')
        indicators = listed_indicators(*DECEMBER)
        self.assertEqual(
            [(i.code, i.max_points, i.target, i.empty, i.measured, i.values)
                for i in indicators if i.group == '5'], [
                ('5.1', 0, 1.0, 'full', False, {}),
                ('5.2', 6, 1.0, 'full', True, {}),
                ('5.3', 6, 1.0, 'full', True, {}),
                ('5.4', 6, 0.9, 'zero', True, {})])
        load_vietnamese(['onestop_survey'])
        with Transaction().set_context(language='vi'):
            names = {i.code: i.name
                for i in Scorecard.indicators([], *DECEMBER)}
        self.assertEqual(names['5.4'], "Mức độ hài lòng trong tiếp nhận, "
            "giải quyết thủ tục hành chính")

    @with_transaction()
    def test_stored_and_board(self):
        """The stored scorecards keep the dossiers that cost points, and the
        board's graph of satisfaction reads line 5.4"""
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Line = pool.get('onestop.scorecard.line')
        Dossier = pool.get('onestop.dossier')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        d = self._figures_data()
        gia_loc, other = d['gia_loc'], d['other']
        Scorecard.update([gia_loc, other], '2026-12')
        first, second = Scorecard.update([gia_loc, other], '2027-01')
        line, = [l for l in first.lines if l.code == '5.4']
        self.assertEqual((line.numerator, line.denominator, line.points),
            (4, 5, 5.33))
        unhappy, = Dossier.search(PYSONDecoder().decode(line.missed_domain))
        self.assertEqual(unhappy.survey_rating, 'not_satisfied')
        action = Action(ModelData.get_id(
                'onestop_procedures', 'act_scorecard_line_satisfaction'))
        board = Line.search(PYSONDecoder().decode(action.domain))
        # the last month computed of each commune: January, the other
        # commune has no dossier then (no points for 5.4)
        self.assertEqual(
            sorted((l.scorecard.company.id, l.scorecard.period, l.points)
                for l in board),
            sorted([(gia_loc.id, '2027-01', 5.33),
                    (other.id, '2027-01', 0.0)]))
