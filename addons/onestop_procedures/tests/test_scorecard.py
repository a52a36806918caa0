# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The Decision 766 estimate, the ranking, the dossiers that cost points,
the early warning, the friendly-government assessment and the public JSON
figures, on the data set of test_statistics (figures counted by hand)."""
import datetime as dt
import shutil
import unittest
from io import BytesIO
from unittest.mock import patch

from openpyxl import load_workbook

from trytond import config
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    DB_NAME, RouteTestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures import portal, report_command
from onestop_procedures import statistics as statistics_module
from onestop_procedures.report_board import becoming_late
from onestop_procedures.report_export import assessment_xlsx, export_xlsx
from onestop_procedures.scorecard import (
    Indicator, grade, indicator_points, period_dates)

from .test_slip import odt_text
from .test_statistics import (
    APRIL, MARCH, at, create_report_data, keep_odt, render, run_command)

# March 2026, Gia Lộc. Catalogue in force on 31/03: 3 procedures, 2
# published, 2 complete, 2 online. Dossiers: 5 early or on time of 8 judged
# (7 finished + D12 overdue); 441 hours over 7 finished; online 3 of 8
# received (D08 finished with a paper result only); 1 online procedure of 2
# used; electronic results 3 of 7 finished; digitised 6 of 8; reused 1 of 8
# (a component of D07).
GIA_LOC = {
    '1.1': (None, None, None),
    '1.2': (2, 3, 2.67),
    '1.3': (2, 3, 1.33),
    '1.4': (None, None, None),
    '2.1': (5, 8, 12.5),
    '2.2': (441, 7, 0.0),
    '3.1': (2, 3, 1.67),
    '3.2': (1, 2, 2.0),
    '3.3': (3, 8, 4.5),
    '4.1': (3, 7, 2.57),
    '4.2': (6, 8, 3.0),
    '4.2b': (None, None, None),
    '4.3': (1, 8, 0.31),
    '4.4': (None, None, None),
    '4.5a': (None, None, None),
    '4.5b': (None, None, None),
    }
# Phường Khác: B1 online, early, digitised, electronic; B2 at the counter,
# late, on paper
OTHER = {
    '1.2': (2, 3, 2.67), '1.3': (2, 3, 1.33), '2.1': (1, 2, 10.0),
    '2.2': (240, 2, 0.0), '3.1': (2, 3, 1.67), '3.2': (1, 2, 2.0),
    '3.3': (1, 2, 6.0), '4.1': (1, 2, 3.0), '4.2': (1, 2, 2.0),
    '4.3': (0, 2, 0.0),
    }


def create_criteria(year=2026):
    """The province's criteria: two from the index (on time, digitised),
    one by hand with evidence; 14 of 20 points meet the standard"""
    Set = Pool().get('onestop.assessment.set')
    criteria, = Set.create([{
                'name': f"Chính quyền thân thiện {year}",
                'province_code': '31', 'year': year, 'threshold': 14,
                'target_share': 60,
                'groups': [('create', [{
                                'name': "Cải cách thủ tục hành chính",
                                'criteria': [('create', [{
                                                'code': 'TT1',
                                                'name': "Đúng hạn",
                                                'max_points': 10,
                                                'method': 'indicator',
                                                'indicator': '2.1',
                                                'target': 90}, {
                                                'code': 'TT2',
                                                'name': "Số hóa",
                                                'max_points': 5,
                                                'method': 'indicator',
                                                'indicator': '4.2',
                                                'target': 100}, {
                                                'code': 'TT3',
                                                'name': "Văn hóa công sở",
                                                'max_points': 5,
                                                'method': 'hand',
                                                'evidence_required': True,
                                                }])]}])],
                }])
    return criteria


def create_assessments():
    """The criteria of 2026 and an assessment for each of the three
    communes: Gia Lộc confirmed with 14.77 points (6.84 and 3.93 from the
    index, 4 by hand with its evidence), Phường Khác scored from the index
    only (5.56 + 2.5), Xã Thứ Ba as created"""
    pool = Pool()
    Set = pool.get('onestop.assessment.set')
    Assessment = pool.get('onestop.assessment')
    Attachment = pool.get('ir.attachment')
    communes, _ = create_report_data()
    criteria = create_criteria()
    Set.create_assessments([criteria])
    assessments = {a.company: a for a in criteria.assessments}
    first, second = assessments[communes[0]], assessments[communes[1]]
    Assessment.compute([first, second])
    score, = [s for s in Assessment(first.id).scores
        if s.criterion.code == 'TT3']
    score.points = 4
    score.note = "Kiểm tra thực tế ngày 20/11/2026: đạt 4/5 điểm."
    score.save()
    Attachment.create([{'resource': str(score),
                'name': 'biên-bản-kiểm-tra.pdf', 'data': b'%PDF-1.4'}])
    Assessment.confirm([Assessment(first.id)])
    return (communes, Set(criteria.id), Assessment(first.id),
        Assessment(second.id))


def add_reuse(dossier):
    "A component of the dossier taken from an earlier dossier"
    Component = Pool().get('onestop.dossier.component')
    Component.create([{'dossier': dossier.id, 'name': "Giấy khai sinh",
                'kind': 'copy', 'quantity': 1, 'received': True,
                'digitized': True, 'reused': True}])


class ScorecardTestCase(unittest.TestCase):
    "Test the index scorecard and the friendly-government assessment"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_procedures'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_points_rule(self):
        "max × min(1, ratio / target); the empty rule without denominator"
        self.assertEqual(indicator_points(5, 8, 20), (0.625, 12.5))
        self.assertEqual(indicator_points(3, 8, 6, 0.5), (0.375, 4.5))
        self.assertEqual(indicator_points(9, 10, 6, 0.5), (0.9, 6.0))
        self.assertEqual(indicator_points(0, 0, 20), (None, 20.0))
        self.assertEqual(indicator_points(0, 0, 4, empty='zero'), (None, 0))
        self.assertEqual([grade(s) for s in [95, 90, 85, 70, 69.9, 50, 10]],
            ['excellent', 'excellent', 'good', 'fair', 'average',
                'average', 'weak'])
        self.assertEqual(period_dates('2026-02'),
            (dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
        self.assertEqual(period_dates('2026-Q4'),
            (dt.date(2026, 10, 1), dt.date(2026, 12, 31)))
        self.assertEqual(period_dates('2026'),
            (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
        for wrong in ['2026-13', '2026-Q5', '26-03', '', None]:
            self.assertIsNone(period_dates(wrong))

    @with_transaction()
    def test_estimate(self):
        "Every indicator of March: numerator, denominator and points"
        Scorecard = Pool().get('onestop.scorecard')
        (gia_loc, other, _), dossiers = create_report_data()
        add_reuse(dossiers['D07'])
        estimates = Scorecard.evaluate([gia_loc.id, other.id], *MARCH)
        for company, expected in [(gia_loc, GIA_LOC), (other, OTHER)]:
            lines = {l['code']: l for l in estimates[company.id]['lines']}
            for code, (numerator, denominator, points) in expected.items():
                line = lines[code]
                self.assertEqual(
                    (line['numerator'], line['denominator'], line['points']),
                    (numerator, denominator, points), code)
                self.assertEqual(line['measured'], numerator is not None)
        self.assertEqual([l['code'] for l in estimates[gia_loc.id]['lines']],
            list(GIA_LOC))
        estimate = estimates[gia_loc.id]
        self.assertEqual(estimate['points'], 30.55)
        self.assertEqual(estimate['maximum'], 50)
        self.assertEqual(estimate['score'], 61.1)
        self.assertEqual(estimate['grade'], 'average')
        self.assertEqual(
            [(g['group'], g['max_points'], g['measured_max'], g['points'])
                for g in estimate['groups']],
            [('1', 18, 6, 4.0), ('2', 20, 20, 12.5), ('3a', 12, 12, 8.17),
                ('4', 22, 12, 5.88)])
        self.assertEqual(estimates[other.id]['points'], 28.67)
        self.assertEqual(estimates[other.id]['score'], 57.34)

    @with_transaction()
    def test_zero_data(self):
        """No dossier: full points on dossiers; nothing in force: no points
        on the catalogue"""
        Scorecard = Pool().get('onestop.scorecard')
        (gia_loc, _, _), _ = create_report_data()
        estimate = Scorecard.evaluate(
            [gia_loc.id], dt.date(2025, 1, 1), dt.date(2025, 1, 31))[
            gia_loc.id]
        points = {l['code']: (l['points'], l['no_data'])
            for l in estimate['lines'] if l['measured']}
        self.assertEqual(points, {
                '1.2': (0, True), '1.3': (0, True), '2.1': (20.0, True),
                '2.2': (0.0, True), '3.1': (0, True), '3.2': (0, True),
                '3.3': (6.0, True), '4.1': (6.0, True), '4.2': (4.0, True),
                '4.3': (2.0, True)})
        self.assertEqual(estimate['points'], 38.0)
        self.assertEqual(estimate['score'], 76.0)
        self.assertEqual(estimate['grade'], 'fair')

    @with_transaction()
    def test_ranking_and_missed_dossiers(self):
        "Stored scorecards, the ranking and the dossiers that cost points"
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, other, third), dossiers = create_report_data()
        add_reuse(dossiers['D07'])
        name = {d.id: k for k, d in dossiers.items()}
        scorecards = Scorecard.update([gia_loc, other, third], '2026-03')
        first, second, empty = scorecards
        self.assertEqual((first.score, first.rank, first.ranked),
            (61.1, 2, 3))
        self.assertEqual((second.score, second.rank), (57.34, 3))
        # a commune without dossiers: full points on its dossiers, the
        # catalogue's (5.67) and none for online procedures used: 43.67 / 50
        self.assertEqual((empty.points, empty.score, empty.rank),
            (43.67, 87.34, 1))
        self.assertEqual(len(first.lines), 16)
        self.assertEqual(Scorecard.search([('latest', '=', True)]),
            sorted(scorecards, key=lambda s: (s.rank, s.id)))
        lines = {l.code: l for l in first.lines}

        def missed(code):
            domain = PYSONDecoder().decode(lines[code].missed_domain)
            return sorted(name[d.id] for d in Dossier.search(domain))
        self.assertEqual(missed('2.1'), ['D03', 'D09', 'D12'])
        self.assertEqual(missed('3.3'), ['D08', 'D09', 'D10', 'D11', 'D13'])
        self.assertEqual(missed('4.1'), ['D03', 'D08', 'D09', 'D11'])
        self.assertEqual(missed('4.2'), ['D10', 'D13'])
        self.assertEqual(len(missed('4.3')), 7)
        self.assertIsNone(lines['1.2'].missed_domain)
        action = Scorecard.open_missed([first])
        self.assertEqual(sorted(name[d.id] for d in Dossier.search(
                    PYSONDecoder().decode(action['pyson_domain']))),
            ['D03', 'D08', 'D09', 'D10', 'D11', 'D12', 'D13', 'D14'])
        # computing again replaces the lines and keeps the ranking
        Scorecard.compute([first])
        self.assertEqual((first.score, first.rank, len(first.lines)),
            (61.1, 2, 16))
        with self.assertRaises(UserError):
            Scorecard.update([gia_loc], '2026-3')
        # the XLSX of the estimates: ranking, then every indicator
        data, name_ = export_xlsx('scorecard', [gia_loc.id, other.id],
            period='2026-03')
        self.assertEqual(name_, 'chi-so-766-2026-03.xlsx')
        book = load_workbook(BytesIO(data))
        ranking, indicators = book.worksheets
        self.assertEqual([ranking.cell(6, c).value for c in (1, 2)],
            [1, gia_loc.rec_name])
        self.assertEqual([ranking.cell(6, c).value for c in range(7, 10)],
            [30.55, 50, 61.1])
        self.assertEqual([ranking.cell(7, c).value for c in (1, 9)],
            [2, 57.34])
        row = [r for r in indicators.iter_rows(values_only=True)
            if r[0] == gia_loc.rec_name and r[1] == '2.1'][0]
        self.assertEqual(row[3:9], (5, 8, 62.5, 100.0, 20, 12.5))

    @with_transaction()
    def test_period_not_over(self):
        """April asked on 2 April at noon: an open dossier due later (D05,
        03/04) is not late yet, neither in 2.1 nor among the missed"""
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, _, _), dossiers = create_report_data()
        name = {d.id: k for k, d in dossiers.items()}

        def on_time(now):
            with patch.object(statistics_module, 'utc_now',
                    return_value=now):
                estimate = Scorecard.evaluate([gia_loc.id], *APRIL)[
                    gia_loc.id]
                line, = [l for l in estimate['lines'] if l['code'] == '2.1']
                return (line['numerator'], line['denominator'],
                    line['points'], sorted(name[d.id]
                        for d in Dossier.search(line['missed'])))
        # D14 and D17 finished on time; D12 and D13 overdue
        self.assertEqual(on_time(at(2026, 4, 2, 12)),
            (2, 4, 10.0, ['D12', 'D13']))
        # from 3 April 09:00 D05 is overdue too, as at the end of April
        self.assertEqual(on_time(at(2026, 4, 3, 10)),
            (2, 5, 8.0, ['D05', 'D12', 'D13']))
        self.assertEqual(on_time(at(2026, 6, 1, 0)),
            (2, 5, 8.0, ['D05', 'D12', 'D13']))

    @with_transaction()
    def test_becoming_late(self):
        "Dossiers due within N working days, not late, clock running"
        Dossier = Pool().get('onestop.dossier')
        (gia_loc, other, _), dossiers = create_report_data()
        name = {d.id: k for k, d in dossiers.items()}
        now = at(2026, 3, 31, 10)

        def late_within(days):
            return sorted(name[d.id] for d in Dossier.search(
                    becoming_late([gia_loc.id, other.id], days, now)))
        # D13 due Wed 01/04 09:00, D05 Fri 03/04 09:00; D04 and D12 wait
        # for their supplement; D14 was returned
        self.assertEqual(late_within(0), [])
        self.assertEqual(late_within(1), ['D13'])
        self.assertEqual(late_within(3), ['D05', 'D13'])
        self.assertEqual(Dossier.search(becoming_late([], 3, now)), [])

    @with_transaction()
    def test_extension(self):
        "A module adds its indicators by extending one classmethod"
        Scorecard = Pool().get('onestop.scorecard')
        Criterion = Pool().get('onestop.assessment.criterion')
        (gia_loc, _, _), _ = create_report_data()
        indicators = Scorecard.indicators.__func__

        def with_satisfaction(cls, companies, from_date, to_date):
            result = indicators(cls, companies, from_date, to_date)
            satisfaction = Indicator('5.4', '5', "Satisfaction", 6,
                target=0.9, empty='zero')
            for company in companies:
                satisfaction.set(company, 9, 10)
            return result + [satisfaction]
        with patch.object(Scorecard, 'indicators',
                classmethod(with_satisfaction)):
            estimate = Scorecard.evaluate([gia_loc.id], *MARCH)[gia_loc.id]
            self.assertIn(('5.4', 'Satisfaction'),
                [(c, n.split(' ', 1)[1]) for c, n in
                    Criterion.get_indicators() if c])
        line = estimate['lines'][-1]
        self.assertEqual((line['code'], line['points']), ('5.4', 6.0))
        # 30.55 without the reused component of D07 (0.31) + 6
        self.assertEqual(estimate['points'], 36.24)
        self.assertEqual(estimate['maximum'], 56)
        self.assertEqual(estimate['groups'][-1]['points'], 6.0)

    @with_transaction()
    def test_assessment(self):
        "Criteria scored from the index and by hand with evidence"
        pool = Pool()
        Set = pool.get('onestop.assessment.set')
        Assessment = pool.get('onestop.assessment')
        Attachment = pool.get('ir.attachment')
        (gia_loc, other, third), _ = create_report_data()
        criteria = create_criteria()
        Set.create_assessments([criteria])
        self.assertEqual(len(criteria.assessments), 3)
        first, second = [a for a in criteria.assessments
            if a.company in {gia_loc, other}]
        if first.company != gia_loc:
            first, second = second, first
        Assessment.compute([first, second])
        first, second = Assessment.browse([first.id, second.id])
        # 2026: 8 early or on time of 13 judged (10 finished, D05 D12 D13
        # overdue); 11 of 14 received digitised
        scores = {s.criterion.code: s for s in first.scores}
        self.assertEqual((scores['TT1'].value, scores['TT1'].points),
            (61.5, 6.84))
        self.assertEqual((scores['TT2'].value, scores['TT2'].points),
            (78.6, 3.93))
        self.assertIsNone(scores['TT3'].points)
        with self.assertRaises(UserError):
            Assessment.confirm([first])
        scores['TT3'].points = 6
        with self.assertRaises(UserError):
            scores['TT3'].save()
        scores['TT3'].points = 4
        scores['TT3'].save()
        with self.assertRaises(UserError):
            Assessment.confirm(Assessment.browse([first.id]))
        Attachment.create([{'resource': str(scores['TT3']),
                    'name': 'bien-ban-kiem-tra.pdf', 'data': b'%PDF-1.4'}])
        Assessment.confirm(Assessment.browse([first.id]))
        first = Assessment(first.id)
        self.assertEqual(first.state, 'confirmed')
        self.assertEqual((first.points, first.meets_standard), (14.77, True))
        # B: 1 of 2 on time (5.56), 1 of 2 digitised (2.5), 5 by hand
        other_scores = {s.criterion.code: s for s in second.scores}
        self.assertEqual(other_scores['TT1'].points, 5.56)
        other_scores['TT3'].points = 5
        other_scores['TT3'].save()
        Attachment.create([{'resource': str(other_scores['TT3']),
                    'name': 'bien-ban.pdf', 'data': b'%PDF-1.4'}])
        Assessment.confirm(Assessment.browse([second.id]))
        second = Assessment(second.id)
        self.assertEqual((second.points, second.meets_standard),
            (13.06, False))
        # 1 of the 3 communes meets the standard; 60 % needs 2
        criteria = Set(criteria.id)
        self.assertEqual(
            (criteria.communes, criteria.meeting, criteria.share,
                criteria.needed), (3, 1, 33.3, 1))
        sheet = load_workbook(BytesIO(assessment_xlsx(criteria))).active
        self.assertEqual(sheet.cell(7, 1).value, gia_loc.rec_name)
        self.assertEqual(sheet.cell(7, 5).value, 14.77)

    @unittest.skipUnless(shutil.which('soffice'), "LibreOffice is needed")
    @with_transaction()
    def test_pdf(self):
        "The scorecard renders to PDF"
        pool = Pool()
        Scorecard = pool.get('onestop.scorecard')
        Report = pool.get('onestop.scorecard.report', type='report')
        (gia_loc, other, _), _ = create_report_data()
        scorecards = Scorecard.update([gia_loc, other], '2026-03')
        # printed by a leader who reads both communes
        with Transaction().set_context(_companies=[gia_loc.id, other.id]):
            extension, content, _, _ = Report.execute(
                [s.id for s in scorecards], {})
        self.assertEqual(extension, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))


    # Gia Lộc's document: the group, each criterion with how it was scored,
    # the total, the standard and the conclusion
    GIA_LOC_RESULT = [
        "UBND XÃ GIA LỘC\n",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "Gia Lộc, ngày ",
        "KẾT QUẢ ĐÁNH GIÁ, CHẤM ĐIỂM",
        "XÂY DỰNG CHÍNH QUYỀN THÂN THIỆN\nNăm 2026 của xã Gia Lộc\n",
        "Căn cứ bộ tiêu chí Chính quyền thân thiện 2026, kết quả đánh giá, "
        "chấm điểm của xã Gia Lộc như sau:",
        "I\nCải cách thủ tục hành chính\n20\n\n14,77\n",
        "1\nTT1 Đúng hạn\n10\nTự động từ số liệu của hệ thống: chỉ số 2.1 "
        "của Bộ chỉ số 766, chỉ tiêu 90 %.\n"
        "Tỷ lệ đạt được trong năm: 61,5 %.\n6,84\n",
        "2\nTT2 Số hóa\n5\nTự động từ số liệu của hệ thống: chỉ số 4.2 "
        "của Bộ chỉ số 766, chỉ tiêu 100 %.\n"
        "Tỷ lệ đạt được trong năm: 78,6 %.\n3,93\n",
        "3\nTT3 Văn hóa công sở\n5\nChấm thủ công.\n"
        "Kiểm tra thực tế ngày 20/11/2026: đạt 4/5 điểm.\n"
        "Minh chứng: biên-bản-kiểm-tra.pdf.\n4\n",
        "Tổng cộng\n20\n\n14,77\n",
        "Điểm chuẩn: đạt từ 14 điểm trở lên trên tổng số 20 điểm.",
        "Kết luận: xã Gia Lộc đạt 14,77 điểm, ĐẠT CHUẨN chính quyền thân "
        "thiện năm 2026.",
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        ]
    # Phường Khác's draft: no hand score, no evidence yet
    OTHER_RESULT = [
        "UBND PHƯỜNG KHÁC\n",
        "3\nTT3 Văn hóa công sở\n5\nChấm thủ công.\n"
        "Chưa có minh chứng (bắt buộc).\nChưa chấm điểm.\n\n",
        "Tổng cộng\n20\n\n8,06\n",
        "Kết luận: phường Khác đạt 8,06 điểm, CHƯA ĐẠT CHUẨN chính quyền "
        "thân thiện năm 2026.\n"
        "Kết quả tạm tính: bản đánh giá chưa được xác nhận.",
        ]

    @with_transaction()
    def test_assessment_pdf(self):
        "The result of a commune prints from its assessment"
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        communes, _, first, second = create_assessments()
        action, = Keyword.get_keyword(
            'form_print', ('onestop.assessment', first.id))
        self.assertEqual(action['report_name'], 'onestop.assessment.report')
        # printed by a leader who reads the communes
        with Transaction().set_context(_companies=[c.id for c in communes]):
            oext, content = render(
                'onestop.assessment.report', {}, [first.id])
            self.assertEqual(oext, 'odt')
            text = odt_text(content)
            for expected in self.GIA_LOC_RESULT:
                self.assertIn(expected, text)
            self.assertNotIn("Kết quả tạm tính", text)
            if shutil.which('soffice'):
                oext, content = render('onestop.assessment.report', {},
                    [first.id, second.id], extension='pdf')
                self.assertEqual(oext, 'pdf')
                self.assertTrue(content.startswith(b'%PDF'))

    @with_transaction()
    def test_assessment_wizard(self):
        "The export wizard prints the communes' results, best first"
        Export = Pool().get('onestop.report.export', type='wizard')
        (gia_loc, other, third), criteria, first, second = (
            create_assessments())

        def export(criteria, commune=None):
            session_id, _, _ = Export.create()
            # a leader who reads the three communes
            try:
                with Transaction().set_context(
                        _companies=[gia_loc.id, other.id, third.id]):
                    return Export.execute(session_id, {'start': {
                                'kind': 'assessment', 'format': 'pdf',
                                'criteria': criteria.id,
                                'commune': commune.id if commune else None,
                                'rows': 'field'}}, 'export')
            finally:
                Export.delete(session_id)
        (action, data), = export(criteria)['actions']
        self.assertEqual(action['report_name'], 'onestop.assessment.report')
        third_assessment, = [a for a in criteria.assessments
            if a.company == third]
        self.assertEqual(data['ids'],
            [first.id, second.id, third_assessment.id])
        with Transaction().set_context(
                _companies=[gia_loc.id, other.id, third.id]):
            text = odt_text(
                render(action['report_name'], data, data['ids'])[1])
        for expected in self.GIA_LOC_RESULT + self.OTHER_RESULT:
            self.assertIn(expected, text)
        self.assertLess(text.index("UBND XÃ GIA LỘC"),
            text.index("UBND PHƯỜNG KHÁC"))
        self.assertIn("UBND XÃ THỨ BA", text)

        (action, data), = export(criteria, other)['actions']
        self.assertEqual(data['ids'], [second.id])
        # criteria without assessments: nothing to print
        with self.assertRaisesRegex(UserError, "Chính quyền thân thiện 2027"):
            export(create_criteria(2027))

    @with_transaction()
    def test_assessment_command(self):
        "onestop report assessment --pdf: the communes of the scope"
        create_assessments()
        with keep_odt('onestop.assessment.report'):
            out, content = run_command(['assessment', '--year', '2026',
                    '--province', '31', '--unit', '10888'])
        self.assertRegex(out, r'report\.pdf written \([\d,]+ bytes\)')
        text = odt_text(content)
        for expected in self.OTHER_RESULT:
            self.assertIn(expected, text)
        self.assertNotIn("GIA LỘC", text)
        create_criteria(2027)
        with self.assertRaisesRegex(report_command.ReportError,
                "no commune of this scope has an assessment"):
            run_command(['assessment', '--year', '2027', '--province', '31'])

def use_database(test_class):
    "Point the public routes at the test database for the test class"
    if not config.has_section('onestop'):
        config.add_section('onestop')
        test_class.addClassCleanup(config.remove_section, 'onestop')
    previous = config.get('onestop', 'database', portal.DEFAULT_DATABASE)
    config.set('onestop', 'database', DB_NAME)
    test_class.addClassCleanup(config.set, 'onestop', 'database', previous)


class FiguresRouteTestCase(RouteTestCase):
    "The public JSON figures"
    module = 'onestop_procedures'

    @classmethod
    def setUpClass(cls):
        use_database(cls)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        _, dossiers = create_report_data()
        add_reuse(dossiers['D07'])

    def get(self, path):
        response = self.client().get(path)
        return response.status_code, response.json

    def test_statistics(self):
        "GET /portal/api/statistics: columns 3-13 and a row per field"
        status, data = self.get('/portal/api/statistics?unit=10999'
            '&from=2026-03-01&to=2026-03-31')
        self.assertEqual(status, 200)
        self.assertEqual(
            [data[k] for k in ['received', 'received_online',
                    'received_offline', 'carried_over', 'finished',
                    'finished_early', 'finished_on_time', 'finished_late',
                    'in_progress', 'in_progress_on_time',
                    'in_progress_overdue', 'on_time_rate']],
            [12, 4, 4, 4, 7, 2, 3, 2, 5, 4, 1, 62.5])
        self.assertEqual({f['code']: f['received'] for f in data['fields']},
            {'HT': 9, 'CT': 3})
        self.assertEqual(data['commune'], "UBND xã Gia Lộc")
        status, data = self.get('/portal/api/statistics?unit=10999'
            '&from=2025-01-01&to=2025-01-31')
        self.assertEqual((status, data['received'], data['on_time_rate'],
                data['fields']), (200, 0, None, []))
        for query, expected in [
                ('unit=99999&from=2026-03-01&to=2026-03-31', 404),
                ('unit=10999&from=2026-03-01', 400),
                ('unit=10999&from=2026-03-31&to=2026-03-01', 400),
                ('unit=10999&from=2010-01-01&to=2026-03-01', 400)]:
            status, data = self.get('/portal/api/statistics?' + query)
            self.assertEqual(status, expected, query)
            self.assertIn('message', data['error'])

    def test_scorecard(self):
        "GET /portal/api/scorecard: the estimate with every indicator"
        status, data = self.get(
            '/portal/api/scorecard?unit=10999&period=2026-03')
        self.assertEqual(status, 200)
        self.assertTrue(data['estimate'])
        self.assertEqual((data['points'], data['maximum'], data['score'],
                data['grade']), (30.55, 50, 61.1, 'average'))
        indicators = {i['code']: i for i in data['indicators']}
        self.assertEqual(set(indicators), set(GIA_LOC))
        for code, (numerator, denominator, points) in GIA_LOC.items():
            self.assertEqual((indicators[code]['numerator'],
                    indicators[code]['denominator'],
                    indicators[code]['points']),
                (numerator, denominator, points), code)
        status, data = self.get(
            '/portal/api/scorecard?unit=10999&period=2026-3')
        self.assertEqual(status, 400)
        status, _ = self.get('/portal/api/scorecard?unit=1&period=2026-03')
        self.assertEqual(status, 404)

