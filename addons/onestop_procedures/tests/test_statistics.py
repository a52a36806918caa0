# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Handling statistics (form 06), per officer, per month, their drill-down
and exports, on dossiers imported through the historical import. Every
expected figure below was counted by hand from DOSSIERS_A and DOSSIERS_B."""
import datetime as dt
import shutil
import tempfile
import unittest
from io import BytesIO, StringIO
from pathlib import Path
from unittest.mock import patch

from openpyxl import load_workbook

from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures import dossier as dossier_module
from onestop_procedures import report_command
from onestop_procedures import statistics as statistics_module
from onestop_procedures.dossier_import import import_dossiers
from onestop_procedures.report_export import export_xlsx, scope_title
from onestop_procedures.statistics import (
    cell_value, in_scope, period_bounds, scope_rows, total_row)

from .test_slip import odt_text
from .tools import create_citizen, create_commune, create_dossier

HEADER = ('code,procedure_code,applicant_name,applicant_id_number,channel,'
    'received_at,due_at,finished_at,returned_at,state,digitized,'
    'electronic_result\n')
# Xã Gia Lộc: 1.004873 is in the field Hộ tịch (HT), 2.000815 in Chứng
# thực (CT). March 2026 (S = 01/03, E = 01/04):
#   carried over: D01 (finished on time), D03 (finished late), D04 (open,
#   waiting for a supplement asked before its appointment: within deadline),
#   D05 (open, due 03/04: within deadline); D02 finished in February, out.
#   received: D07 early, D08 on time, D09 late, D10 on time, D11 refused
#   early (all finished); D12 open, supplement asked after its appointment
#   (overdue); D13 open, due 01/04 09:00 (within); D14 finished 02/04
#   (open at the end, within). D06 and D15 withdrawn: left out.
DOSSIERS_A = HEADER + '\n'.join([
    'D01,1.004873,Nguyễn Văn An,,counter,2026-02-25 09:00,2026-03-02 09:00,'
    '2026-03-02 08:00,2026-03-02 10:00,returned,1,1',
    'D02,1.004873,Trần Thị Bình,,online,2026-02-26 10:00,2026-03-03 10:00,'
    '2026-02-27 15:00,2026-02-28 09:00,returned,1,1',
    'D03,2.000815,Lê Văn Cường,,postal,2026-02-27 09:00,2026-02-27 17:00,'
    '2026-03-04 09:00,2026-03-04 10:00,returned,0,0',
    'D04,1.004873,Phạm Thị Dung,,counter,2026-02-11 09:00,2026-02-24 09:00,'
    ',,in_progress,1,0',
    'D05,1.004873,Hoàng Văn Em,,online,2026-02-28 09:00,2026-04-03 09:00,'
    ',,in_progress,1,0',
    'D06,1.004873,Vũ Thị Giang,,counter,2026-02-10 09:00,2026-02-13 09:00,'
    ',,withdrawn,0,0',
    'D07,1.004873,Đặng Văn Hải,,online,2026-03-02 09:00,2026-03-05 09:00,'
    '2026-03-04 16:00,2026-03-05 08:00,returned,1,1',
    'D08,1.004873,Bùi Thị Lan,,online,2026-03-03 09:00,2026-03-06 09:00,'
    '2026-03-06 09:00,2026-03-06 10:00,returned,1,0',
    'D09,2.000815,Đỗ Văn Minh,,counter,2026-03-09 15:30,2026-03-10 17:00,'
    '2026-03-10 17:45,2026-03-11 08:00,returned,1,0',
    'D10,2.000815,Hồ Thị Nga,,counter,2026-03-10 08:30,2026-03-10 17:00,'
    '2026-03-10 09:00,2026-03-10 09:05,returned,0,1',
    'D11,1.004873,Ngô Văn Phúc,,postal,2026-03-16 10:00,2026-03-19 10:00,'
    '2026-03-18 10:00,,refused,1,0',
    'D12,1.004873,Dương Thị Quỳnh,,online,2026-03-25 09:00,'
    '2026-03-30 09:00,,,in_progress,1,0',
    'D13,1.004873,Lý Văn Sơn,,counter,2026-03-27 09:00,2026-04-01 09:00,'
    ',,in_progress,0,0',
    'D14,1.004873,Nguyễn Thị Thu,,online,2026-03-30 14:00,'
    '2026-04-02 14:00,2026-04-02 10:00,2026-04-03 09:00,returned,1,1',
    'D15,2.000815,Trần Văn Uy,,counter,2026-03-20 09:00,2026-03-20 17:00,'
    '2026-03-20 10:00,,withdrawn,0,0',
    'D17,2.000815,Lê Thị Vân,,online,2026-04-02 09:00,2026-04-02 17:00,'
    '2026-04-02 11:00,2026-04-02 11:30,returned,1,1',
    ]) + '\n'
# Phường Khác, March 2026: B1 online early, B2 at the counter late
DOSSIERS_B = HEADER + '\n'.join([
    'B1,1.004873,Phan Văn Xuân,,online,2026-03-05 09:00,2026-03-10 09:00,'
    '2026-03-09 09:00,2026-03-09 10:00,returned,1,1',
    'B2,1.004873,Võ Thị Yến,,counter,2026-03-06 09:00,2026-03-11 09:00,'
    '2026-03-12 09:00,2026-03-12 10:00,returned,0,0',
    ]) + '\n'
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
FIGURES = ['received', 'received_online', 'received_offline',
    'carried_over', 'finished', 'finished_early', 'finished_on_time',
    'finished_late', 'in_progress', 'in_progress_on_time',
    'in_progress_overdue']


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


def coded(data, agency):
    "Give each line of a data set a dossier code of the commune"
    lines = data.splitlines()
    for i, line in enumerate(lines[1:], 1):
        key, rest = line.split(',', 1)
        day = rest.split(',')[4][2:10].replace('-', '')
        lines[i] = f'{agency}-{day}-{i:04d},{rest}'
    return ('\n'.join(lines) + '\n').encode()


def create_report_data():
    """Two communes of province 31 (and a third without dossiers), the
    catalogue (1.004873 complete, online, published; 2.000815 complete, not
    online, not published; 1.000894 incomplete, online, published) and the
    dossiers of DOSSIERS_A and DOSSIERS_B, imported. Returns the communes
    and the dossiers by their key (D01, B1...)."""
    pool = Pool()
    Field = pool.get('onestop.procedure.field')
    Procedure = pool.get('onestop.procedure')
    Dossier = pool.get('onestop.dossier')
    gia_loc = create_commune()
    other = create_commune("UBND phường Khác", agency_code='000.31.10888')
    third = create_commune("UBND xã Thứ Ba", agency_code='000.31.10777')
    for company, unit in [(gia_loc, '10999'), (other, '10888'),
            (third, '10777')]:
        company.unit_code, company.province_code = unit, '31'
        company.save()
    civil, certification = Field.create([
            {'code': 'HT', 'name': "Hộ tịch"},
            {'code': 'CT', 'name': "Chứng thực"}])
    steps = [('create', [
                {'name': "Tiếp nhận", 'share': 10, 'role': 'officer',
                    'sequence': 10},
                {'name': "Thẩm định", 'share': 70, 'role': 'specialist',
                    'sequence': 20},
                {'name': "Trả kết quả", 'share': 20, 'role': 'officer',
                    'sequence': 30}])]
    documents = [('create', [{'name': "Tờ khai", 'mandatory': True}])]
    Procedure.create([{
                'code': '1.004873',
                'name': "Cấp Giấy xác nhận tình trạng hôn nhân",
                'field': civil.id, 'processing_time': 3,
                'processing_unit': 'day', 'online_level': 'partial',
                'effective_date': dt.date(2025, 7, 1),
                'documents': documents, 'steps': steps,
                }, {
                'code': '2.000815',
                'name': "Chứng thực bản sao từ bản chính",
                'field': certification.id, 'processing_unit': 'same_day',
                'online_level': 'none', 'published': False,
                'effective_date': dt.date(2025, 7, 1),
                'documents': documents, 'steps': steps,
                }, {
                'code': '1.000894', 'name': "Đăng ký kết hôn",
                'field': civil.id, 'processing_time': 3,
                'processing_unit': 'day', 'online_level': 'full',
                'effective_date': dt.date(2025, 7, 1),
                }])
    with set_company(gia_loc):
        import_dossiers(coded(DOSSIERS_A, gia_loc.agency_code), gia_loc)
    with set_company(other):
        import_dossiers(coded(DOSSIERS_B, other.agency_code), other)
    dossiers = {}
    for data, company in [(DOSSIERS_A, gia_loc), (DOSSIERS_B, other)]:
        keys = [line.split(',')[0] for line in data.splitlines()[1:]]
        found = Dossier.search([('company', '=', company.id)],
            order=[('code', 'ASC')])
        by_number = {int(d.code[-4:]): d for d in found}
        for number, key in enumerate(keys, 1):
            dossiers[key] = by_number[number]
    # D04 waits for a supplement asked before its appointment, D12 for
    # one asked after it
    for key, moment in [('D04', at(2026, 2, 23, 9)),
            ('D12', at(2026, 3, 31, 9))]:
        dossier = dossiers[key]
        dossier.supplement_items = "Bản sao giấy khai sinh"
        dossier.save()
        with patch.object(dossier_module, 'utc_now', return_value=moment):
            Dossier.request_supplement([dossier])
    return (gia_loc, other, third), dossiers


def by_key(rows, key):
    return {r[key]: r for r in rows}


def assign_officers(gia_loc, dossiers):
    """Two officers of Gia Lộc: the first handles D07 and D08 and receives
    a new dossier on 12/03, the second handles D09 and D12"""
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    User = pool.get('res.user')
    first, second = User.create([
            {'login': 'chuyenvien1', 'name': "Chuyên viên 1"},
            {'login': 'chuyenvien2', 'name': "Chuyên viên 2"}])
    Dossier.write([dossiers['D07'], dossiers['D08']],
        {'assignee': first.id})
    Dossier.write([dossiers['D09'], dossiers['D12']],
        {'assignee': second.id})
    with set_company(gia_loc):
        new = create_dossier(Dossier(dossiers['D07'].id).procedure,
            create_citizen(), received_at=at(2026, 3, 12, 9))
        with Transaction().set_user(first.id), \
                patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 12, 9)):
            Dossier.receive([new])
            Dossier.assign([new])
    return first, second


def render(name, data, ids=(), extension=''):
    """Execute the report name: its format and content, as an ODT unless
    extension is given (a copy of the module's action, which cannot be
    changed)"""
    pool = Pool()
    ActionReport = pool.get('ir.action.report')
    Report = pool.get(name, type='report')
    action, = ActionReport.search([('report_name', '=', name)], limit=1)
    if (action.extension or '') != extension:
        action, = ActionReport.copy([action], {'extension': extension})
    oext, content, _, _ = Report.execute(
        list(ids), dict(data, action_id=action.id))
    return oext, bytes(content)


def keep_odt(name):
    "The report name skips its conversion: the command writes the ODT"
    Report = Pool().get(name, type='report')
    return patch.object(Report, 'convert', classmethod(
            lambda cls, report, data, **kwargs: ('odt', data)))


def run_command(args):
    "onestop report args in the test's transaction: (output, file content)"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / 'report.pdf'
        options = report_command.get_parser().parse_args(
            args + ['--pdf', str(path)])
        out = StringIO()
        report_command.REPORTS[options.report](options, out)
        return out.getvalue(), path.read_bytes()


def figures(row):
    return [row[n] for n in FIGURES]


class StatisticsTestCase(unittest.TestCase):
    "Test the handling statistics"
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_procedures'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def assertInvariants(self, row):
        "(3) = (4)+(5)+(6) = (7)+(11); (7) = (8)+(9)+(10); (11) = (12)+(13)"
        self.assertEqual(row['received'], row['received_online']
            + row['received_offline'] + row['carried_over'])
        self.assertEqual(row['received'], row['finished']
            + row['in_progress'])
        self.assertEqual(row['finished'], row['finished_early']
            + row['finished_on_time'] + row['finished_late'])
        self.assertEqual(row['in_progress'], row['in_progress_on_time']
            + row['in_progress_overdue'])

    @with_transaction()
    def test_form_06_by_field(self):
        "Columns 3-13 of March per field, the total and the rates"
        pool = Pool()
        Statistics = pool.get('onestop.statistics')
        (gia_loc, other, _), _ = create_report_data()
        rows = Statistics.compute(*MARCH, [gia_loc.id])
        self.assertEqual(len(rows), 2)
        civil, certification = sorted(rows, key=lambda r: r['field'])
        # HT: online D07 D08 D12 D14, counter/post D11 D13, carried D01 D04
        # D05; finished D01 D07 D08 D11; open D04 D05 D13 D14, D12 overdue
        self.assertEqual(figures(civil), [9, 4, 2, 3, 4, 2, 2, 0, 5, 4, 1])
        # CT: counter D09 D10, carried D03; D03 and D09 late, D10 on time
        self.assertEqual(figures(certification),
            [3, 0, 2, 1, 3, 0, 1, 2, 0, 0, 0])
        total = total_row(rows)
        self.assertEqual(figures(total), [12, 4, 4, 4, 7, 2, 3, 2, 5, 4, 1])
        for row in rows + [total]:
            self.assertInvariants(row)
        # (early + on time) / (finished + overdue unfinished) = 5 / 8
        self.assertEqual(total['on_time_rate'], 62.5)
        self.assertEqual(civil['on_time_rate'], 80.0)
        self.assertEqual(certification['on_time_rate'], 33.3)
        # 119 + 120 + 55 + 72 + 26.25 + 0.5 + 48 hours over 7 dossiers
        self.assertEqual(total['average_days'], 2.62)
        # the other commune and the whole province
        self.assertEqual(figures(total_row(
                    Statistics.compute(*MARCH, [other.id]))),
            [2, 1, 1, 0, 2, 1, 0, 1, 0, 0, 0])
        province = Statistics.compute(*MARCH, rows='unit',
            province_code='31')
        self.assertEqual(
            {r['company']: r['received'] for r in province},
            {gia_loc.id: 12, other.id: 2})
        self.assertEqual(Statistics.compute(*MARCH, province_code='01'), [])

    @with_transaction()
    def test_carried_over_and_still_open(self):
        "April: five dossiers carried over, four still open at its end"
        Statistics = Pool().get('onestop.statistics')
        (gia_loc, _, _), _ = create_report_data()
        row, = Statistics.compute(*APRIL, [gia_loc.id], rows='unit')
        # carried D04 D05 D12 D13 D14, received D17; finished D14 D17 on
        # time; D05 and D13 past due, D12 waiting after its appointment,
        # D04 waiting since before its appointment
        self.assertEqual(figures(row), [6, 1, 0, 5, 2, 0, 2, 0, 4, 1, 3])
        self.assertInvariants(row)
        self.assertEqual(row['on_time_rate'], 40.0)

    @with_transaction()
    def test_period_not_over(self):
        """Asked on 2 April at noon, April judges the open dossiers at that
        moment, not at its end: D05, due on the 3rd, is not overdue yet"""
        pool = Pool()
        Statistics = pool.get('onestop.statistics')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, _, _), dossiers = create_report_data()
        name = {d.id: k for k, d in dossiers.items()}

        def overdue(period):
            return sorted(name[d.id] for d in Dossier.search([
                        ('company', '=', gia_loc.id),
                        ('statistics_cell', '=', cell_value(
                                'in_progress_overdue', *period))]))
        with patch.object(statistics_module, 'utc_now',
                return_value=at(2026, 4, 2, 12)):
            row, = Statistics.compute(*APRIL, [gia_loc.id], rows='unit')
            # D13 was due on 01/04 09:00, D12 waits after its appointment;
            # D05 (03/04 09:00) and D04 are within their deadline
            self.assertEqual(figures(row), [6, 1, 0, 5, 2, 0, 2, 0, 4, 2, 2])
            self.assertInvariants(row)
            self.assertEqual(row['on_time_rate'], 50.0)
            self.assertEqual(overdue(APRIL), ['D12', 'D13'])
            # a period over is judged at its end
            row, = Statistics.compute(*MARCH, [gia_loc.id], rows='unit')
            self.assertEqual(figures(row), [12, 4, 4, 4, 7, 2, 3, 2, 5, 4, 1])
        # asked on 4 April, D05 is overdue too
        with patch.object(statistics_module, 'utc_now',
                return_value=at(2026, 4, 4, 8)):
            self.assertEqual(overdue(APRIL), ['D05', 'D12', 'D13'])

    @with_transaction()
    def test_zero_data(self):
        "A period without dossiers has no row, a zero total and no rate"
        Statistics = Pool().get('onestop.statistics')
        (gia_loc, _, third), _ = create_report_data()
        self.assertEqual(Statistics.compute(
                dt.date(2025, 1, 1), dt.date(2025, 1, 31), [gia_loc.id]), [])
        self.assertEqual(Statistics.compute(*MARCH, [third.id]), [])
        total = total_row([])
        self.assertEqual(figures(total), [0] * 11)
        self.assertIsNone(total['on_time_rate'])
        self.assertIsNone(total['average_days'])
        with self.assertRaises(UserError):
            Statistics.compute(dt.date(2026, 3, 31), dt.date(2026, 3, 1))
        with self.assertRaises(UserError):
            Statistics.compute(dt.date(2020, 1, 1), dt.date(2026, 1, 1))

    @with_transaction()
    def test_scope_rows(self):
        "The two parts read from the index are the dossiers in scope"
        Dossier = Pool().get('onestop.dossier')
        create_report_data()
        cursor = Transaction().connection.cursor()
        for period in [MARCH, APRIL,
                (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
                (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                (dt.date(2025, 1, 1), dt.date(2025, 1, 31))]:
            start, end = period_bounds(*period)
            dossier = Dossier.__table__()
            cursor.execute(*dossier.select(dossier.id,
                    where=in_scope(dossier, start, end)))
            expected = sorted(i for i, in cursor)
            rows = scope_rows(Dossier.__table__(), start, end)
            cursor.execute(*rows.select(rows.id))
            self.assertEqual(sorted(i for i, in cursor), expected, period)

    @with_transaction()
    def test_per_procedure_and_orm(self):
        "Rows per procedure, and the same figures read through the ORM"
        pool = Pool()
        Statistics = pool.get('onestop.statistics')
        (gia_loc, _, _), _ = create_report_data()
        rows = Statistics.compute(*MARCH, [gia_loc.id], rows='procedure')
        procedures = {pool.get('onestop.procedure')(r['procedure']).code: r
            for r in rows}
        self.assertEqual(figures(procedures['1.004873']),
            [9, 4, 2, 3, 4, 2, 2, 0, 5, 4, 1])
        self.assertEqual(figures(procedures['2.000815']),
            [3, 0, 2, 1, 3, 0, 1, 2, 0, 0, 0])
        with Transaction().set_context(from_date=MARCH[0],
                to_date=MARCH[1], commune=gia_loc.id, rows='field'):
            records = Statistics.search([])
            self.assertEqual(sorted(
                    (r.field.code, r.received, r.in_progress_overdue,
                        r.on_time_rate) for r in records),
                [('CT', 3, 0, 33.3), ('HT', 9, 1, 80.0)])

    @with_transaction()
    def test_drill_down(self):
        "Every figure opens exactly the dossiers it counts"
        pool = Pool()
        Statistics = pool.get('onestop.statistics')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, _, _), dossiers = create_report_data()
        name = {d.id: k for k, d in dossiers.items()}

        def cell(figure, period=MARCH, domain=()):
            return sorted(name[d.id] for d in Dossier.search([
                        ('company', '=', gia_loc.id),
                        ('statistics_cell', '=',
                            cell_value(figure, *period)), *domain]))
        self.assertEqual(cell('received_online'),
            ['D07', 'D08', 'D12', 'D14'])
        self.assertEqual(cell('received_offline'),
            ['D09', 'D10', 'D11', 'D13'])
        self.assertEqual(cell('carried_over'), ['D01', 'D03', 'D04', 'D05'])
        self.assertEqual(cell('finished_early'), ['D07', 'D11'])
        self.assertEqual(cell('finished_on_time'), ['D01', 'D08', 'D10'])
        self.assertEqual(cell('finished_late'), ['D03', 'D09'])
        self.assertEqual(cell('in_progress_on_time'),
            ['D04', 'D05', 'D13', 'D14'])
        self.assertEqual(cell('in_progress_overdue'), ['D12'])
        self.assertEqual(cell('in_progress_overdue', APRIL),
            ['D05', 'D12', 'D13'])
        # a row's cell: the field Chứng thực only
        with Transaction().set_context(from_date=MARCH[0],
                to_date=MARCH[1], commune=gia_loc.id, rows='field'):
            row, = [r for r in Statistics.search([])
                if r.field.code == 'CT']
            domain = row.cell_domain('received', *MARCH)
        self.assertEqual(sorted(name[d.id] for d in Dossier.search(domain)),
            ['D03', 'D09', 'D10'])
        with self.assertRaises(UserError):
            Dossier.search([('statistics_cell', '=', 'nothing:2026:03')])
        # paging the drill-down list
        page = Dossier.search([('statistics_cell', '=',
                    cell_value('received', *MARCH))], limit=5, offset=5,
            order=[('received_at', 'DESC'), ('id', 'DESC')])
        self.assertEqual(len(page), 5)

    @with_transaction()
    def test_open_wizard(self):
        "The wizard on a row opens the dossier list of the figure chosen"
        pool = Pool()
        Statistics = pool.get('onestop.statistics')
        Open = pool.get('onestop.statistics.open', type='wizard')
        Dossier = pool.get('onestop.dossier')
        (gia_loc, _, _), dossiers = create_report_data()
        with Transaction().set_context(from_date=MARCH[0],
                to_date=MARCH[1], commune=gia_loc.id, rows='unit'):
            row, = Statistics.search([])
            session_id, _, _ = Open.create()
            wizard = Open(session_id)
            wizard.start.cell = 'finished_late'
            wizard.start.from_date, wizard.start.to_date = MARCH
            with Transaction().set_context(active_model='onestop.statistics',
                    active_id=row.id, active_ids=[row.id]):
                action, _ = wizard.do_open_(
                    pool.get('ir.action.act_window').get(
                        'onestop_procedures.act_dossier_report'))
        found = Dossier.search(PYSONDecoder().decode(action['pyson_domain']))
        self.assertEqual(set(found), {dossiers['D03'], dossiers['D09']})

    @with_transaction()
    def test_per_officer(self):
        "Dossiers per assignee, and each officer's intakes and steps"
        Officer = Pool().get('onestop.statistics.officer')
        (gia_loc, _, _), dossiers = create_report_data()
        first, second = assign_officers(gia_loc, dossiers)
        rows = by_key(Officer.compute(*MARCH, [gia_loc.id]), 'user')
        one, two = rows[first.id], rows[second.id]
        self.assertEqual(
            [one[n] for n in ['received', 'finished', 'finished_early',
                    'finished_on_time', 'finished_late', 'in_progress',
                    'in_progress_overdue', 'intakes', 'steps',
                    'steps_on_time']],
            [2, 2, 1, 1, 0, 0, 0, 1, 1, 1])
        self.assertEqual(one['on_time_rate'], 100.0)
        # (55 + 72) hours / 2
        self.assertEqual(one['average_days'], 2.65)
        self.assertEqual(
            [two[n] for n in ['received', 'finished', 'finished_late',
                    'in_progress', 'in_progress_overdue', 'intakes']],
            [2, 1, 1, 1, 1, 0])
        self.assertEqual(two['on_time_rate'], 0.0)
        self.assertEqual(two['average_days'], 1.09)

    @with_transaction()
    def test_monthly_trend(self):
        "Received and finished per month, by the same rules"
        Trend = Pool().get('onestop.statistics.trend')
        (gia_loc, _, _), _ = create_report_data()
        with Transaction().set_context(from_date=dt.date(2026, 2, 1),
                to_date=dt.date(2026, 4, 30), commune=gia_loc.id):
            months = {t.month: (t.received, t.finished, t.finished_in_time,
                    t.finished_late) for t in Trend.search([])}
        self.assertEqual(months, {
                '2026-02': (5, 1, 1, 0),
                '2026-03': (8, 7, 5, 2),
                '2026-04': (1, 2, 2, 0),
                })

    @with_transaction()
    def test_xlsx(self):
        "Form 06 as a workbook: openpyxl reads the figures back"
        (gia_loc, _, _), _ = create_report_data()
        data, name = export_xlsx('statistics', [gia_loc.id], *MARCH)
        self.assertEqual(name, 'mau-06-20260301-20260331.xlsx')
        sheet = load_workbook(BytesIO(data)).active
        self.assertEqual(sheet.cell(1, 1).value, gia_loc.rec_name)
        self.assertEqual(sheet.cell(7, 3).value, '(3)')
        self.assertEqual(sheet.cell(7, 13).value, '(13)')
        self.assertEqual([sheet.cell(8, c).value for c in range(2, 15)],
            ["Hộ tịch", 9, 4, 2, 3, 4, 2, 2, 0, 5, 4, 1, 80.0])
        self.assertEqual([sheet.cell(9, c).value for c in range(2, 15)],
            ["Chứng thực", 3, 0, 2, 1, 3, 0, 1, 2, 0, 0, 0, 33.3])
        self.assertEqual([sheet.cell(10, c).value for c in range(3, 16)],
            [12, 4, 4, 4, 7, 2, 3, 2, 5, 4, 1, 62.5, 2.62])
        data, _ = export_xlsx('officers', [gia_loc.id], *MARCH)
        self.assertTrue(load_workbook(BytesIO(data)).active)

    @unittest.skipUnless(shutil.which('soffice'), "LibreOffice is needed")
    @with_transaction()
    def test_pdf(self):
        "Form 06 renders to PDF with the commune's heading"
        Report = Pool().get('onestop.statistics.report', type='report')
        (gia_loc, _, _), _ = create_report_data()
        extension, content, _, _ = Report.execute([], {
                'from_date': '2026-03-01', 'to_date': '2026-03-31',
                'companies': [gia_loc.id], 'rows': 'field'})
        self.assertEqual(extension, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))

    # the figures per officer of test_per_officer, as printed: received,
    # finished (early, on time, late), in progress (overdue), on-time rate,
    # average days, intakes, steps (on time)
    FIRST = "Chuyên viên 1\n2\n2\n1\n1\n0\n0\n0\n100,0\n2,65\n1\n1\n1\n"
    SECOND = "Chuyên viên 2\n2\n1\n0\n0\n1\n1\n1\n0,0\n1,09\n0\n"

    @with_transaction()
    def test_officers_pdf(self):
        "The figures per officer print with the commune's heading"
        (gia_loc, _, _), dossiers = create_report_data()
        assign_officers(gia_loc, dossiers)
        data = {'from_date': '2026-03-01', 'to_date': '2026-03-31',
            'companies': [gia_loc.id]}
        oext, content = render('onestop.statistics.officer.report', data)
        self.assertEqual(oext, 'odt')
        text = odt_text(content)
        for expected in [
                "UBND XÃ GIA LỘC\nTRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Gia Lộc, ngày ",
                "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CÁN BỘ",
                "Từ ngày 01/03/2026 đến ngày 31/03/2026",
                "Thời gian giải quyết bình quân (ngày)",
                self.FIRST, self.SECOND,
                "THỦ TRƯỞNG ĐƠN VỊ"]:
            self.assertIn(expected, text)
        # one commune: no line with its name above its officers
        self.assertNotIn("\nUBND xã Gia Lộc\n", text)
        if shutil.which('soffice'):
            oext, content = render(
                'onestop.statistics.officer.report', data, extension='pdf')
            self.assertEqual(oext, 'pdf')
            self.assertTrue(content.startswith(b'%PDF'))

    @with_transaction()
    def test_officers_wizard(self):
        "The export wizard prints the figures per officer of a commune"
        Export = Pool().get('onestop.report.export', type='wizard')
        (gia_loc, _, _), dossiers = create_report_data()
        assign_officers(gia_loc, dossiers)
        session_id, _, _ = Export.create()
        start = {'kind': 'officers', 'format': 'pdf',
            'from_date': MARCH[0], 'to_date': MARCH[1],
            'commune': gia_loc.id, 'rows': 'field'}
        result = Export.execute(session_id, {'start': start}, 'export')
        Export.delete(session_id)
        (action, data), = result['actions']
        self.assertEqual(action['report_name'],
            'onestop.statistics.officer.report')
        self.assertEqual(data['companies'], [gia_loc.id])
        text = odt_text(render(action['report_name'], data)[1])
        self.assertIn("UBND XÃ GIA LỘC", text)
        self.assertIn(self.FIRST, text)
        self.assertIn(self.SECOND, text)

    @with_transaction()
    def test_officers_command(self):
        "onestop report officers --pdf: the communes of a province"
        communes, dossiers = create_report_data()
        assign_officers(communes[0], dossiers)
        with Transaction().set_context(language='vi'):
            scope = scope_title([c.id for c in communes], '31').upper()
        with keep_odt('onestop.statistics.officer.report'):
            out, content = run_command(['officers', '--from', '2026-03-01',
                    '--to', '2026-03-31', '--province', '31'])
        self.assertRegex(out, r'report\.pdf written \([\d,]+ bytes\)')
        text = odt_text(content)
        # several communes: the scope heads the report, each commune its
        # officers
        self.assertIn(f"{scope}\nTRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", text)
        self.assertIn("\nUBND xã Gia Lộc\n1\n", text)
        self.assertIn(self.FIRST, text)
        self.assertIn(self.SECOND, text)
