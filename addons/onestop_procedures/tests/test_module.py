# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
import datetime as dt
from types import SimpleNamespace
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.ir import date as ir_date
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from onestop_procedures import dossier as dossier_module

from .tools import (
    create_citizen, create_commune, create_dossier, create_procedure,
    create_specialists, load_vietnamese)


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


def clock(moment):
    "Stop the clock of ir.date at moment (naive UTC)"
    class Clock:
        @staticmethod
        def now(timezone=None):
            if timezone is None:
                return moment
            return moment.replace(tzinfo=dt.timezone.utc).astimezone(timezone)
    return patch.object(ir_date, 'datetime', SimpleNamespace(datetime=Clock))


class OnestopProceduresTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the one-stop procedures module"
    module = 'onestop_procedures'

    @with_transaction()
    def test_dossier_code_daily_sequence(self):
        "Codes are agency, receipt date and a number that restarts each day"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            procedure = create_procedure()
            citizen = create_citizen()
            first = create_dossier(procedure, citizen,
                received_at=at(2026, 3, 2, 9))
            second = create_dossier(procedure, citizen,
                received_at=at(2026, 3, 2, 16))
            next_day = create_dossier(procedure, citizen,
                received_at=at(2026, 3, 3, 0, 30))
            self.assertEqual(first.code, '000.31.10999-260302-0001')
            self.assertEqual(second.code, '000.31.10999-260302-0002')
            self.assertEqual(next_day.code, '000.31.10999-260303-0001')
            self.assertEqual(
                Dossier.search([('code', '=', second.code)]), [second])

    @with_transaction()
    def test_receive_needs_mandatory_documents(self):
        "A dossier without its mandatory documents is not received"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            dossier.components[0].received = False
            dossier.components[0].save()
            with self.assertRaisesRegex(UserError, 'Tờ khai'):
                Dossier.receive([dossier])
            self.assertEqual(dossier.state, 'draft')
            self.assertFalse(dossier.logs)

    @with_transaction()
    def test_receive_computes_appointment(self):
        "Receiving sets the appointment on the working-day clock and logs"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            # Friday 10:00 with 3 working days: Wednesday 10:00
            dossier = create_dossier(create_procedure(), create_citizen(),
                received_at=at(2026, 3, 6, 10))
            Dossier.receive([dossier])
            self.assertEqual(dossier.state, 'received')
            self.assertEqual(dossier.due_at, at(2026, 3, 11, 10))
            self.assertEqual(dossier.index_due_at, dossier.due_at)
            self.assertTrue(dossier.digitized)
            self.assertIn('07/03/2026', dossier.due_explanation_text)
            log, = dossier.logs
            self.assertEqual(
                (log.action, log.from_state, log.to_state),
                ('receive', 'draft', 'received'))
            self.assertEqual(log.user.id, Transaction().user)

    @with_transaction()
    def test_supplement_restarts_clock_once(self):
        "The supplement is asked once and restarts the processing time"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen(),
                received_at=at(2026, 3, 2, 9))
            Dossier.receive([dossier])
            Dossier.assign([dossier])
            with self.assertRaisesRegex(UserError, 'supplement'):
                Dossier.request_supplement([dossier])
            dossier.supplement_items = "Bản sao giấy chứng tử"
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 3, 9)):
                Dossier.request_supplement([dossier])
            self.assertEqual(dossier.state, 'supplement')
            self.assertEqual(dossier.status_code, 5)
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 9, 14)):
                Dossier.resume([dossier])
            self.assertEqual(dossier.state, 'in_progress')
            # restarted: 3 working days from Monday 9 March 14:00
            self.assertEqual(dossier.due_at, at(2026, 3, 12, 14))
            # the index deducts the applicant's 4 working days of waiting
            self.assertEqual(dossier.index_due_at, at(2026, 3, 11, 14))
            pause, = dossier.pauses
            self.assertEqual(pause.end, at(2026, 3, 9, 14))
            with self.assertRaises(UserError):
                Dossier.request_supplement([dossier])
            self.assertEqual(dossier.state, 'in_progress')

    @with_transaction()
    def test_verification_not_counted(self):
        "Verification time moves the appointment by the time it took"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen(),
                received_at=at(2026, 3, 2, 9))
            Dossier.receive([dossier])
            self.assertEqual(dossier.due_at, at(2026, 3, 5, 9))
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 3, 9)):
                Dossier.start_verification([dossier])
            self.assertTrue(dossier.verifying)
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 4, 9)):
                Dossier.end_verification([dossier])
            self.assertFalse(dossier.verifying)
            # one working day of verification is not counted
            self.assertEqual(dossier.due_at, at(2026, 3, 6, 9))
            self.assertEqual(dossier.index_due_at, at(2026, 3, 6, 9))
            self.assertLessEqual({'start_verification', 'end_verification'},
                {l.action for l in dossier.logs})

    @with_transaction()
    def test_reuse_digitized_document(self):
        "An earlier scan of the applicant is attached again"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Component = pool.get('onestop.dossier.component')
        with set_company(create_commune()):
            procedure = create_procedure()
            citizen = create_citizen()
            earlier = create_dossier(procedure, citizen)
            Attachment.create([{'resource': str(earlier.components[0]),
                        'name': 'to-khai.pdf', 'data': b'%PDF-1.4 scan'}])
            dossier = create_dossier(procedure, citizen)
            component = dossier.components[0]
            Component.write([component], {
                    'reused': True, 'reused_from': earlier.components[0].id})
            attachment, = Attachment.search(
                [('resource', '=', str(component))])
            self.assertEqual(attachment.data, b'%PDF-1.4 scan')

    @with_transaction()
    def test_timeliness(self):
        "Early before the appointment date, on time up to it, late after"
        due = dt.datetime(2026, 3, 11, 10)
        self.assertEqual(dossier_module.timeliness(
                dt.datetime(2026, 3, 10, 16), due), 'early')
        self.assertEqual(dossier_module.timeliness(
                dt.datetime(2026, 3, 11, 9), due), 'on_time')
        self.assertEqual(dossier_module.timeliness(due, due), 'on_time')
        self.assertEqual(dossier_module.timeliness(
                dt.datetime(2026, 3, 11, 10, 1), due), 'late')
        self.assertIsNone(dossier_module.timeliness(None, due))

    @with_transaction()
    def test_full_path_and_closed_dossier(self):
        "Received to returned; a returned dossier cannot be edited"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            Dossier.receive([dossier])
            Dossier.assign([dossier])
            Dossier.submit_approval([dossier])
            Dossier.approve([dossier])
            self.assertEqual(dossier.state, 'ready')
            self.assertEqual(dossier.timeliness, 'early')
            Dossier.return_result([dossier])
            self.assertEqual(dossier.state, 'returned')
            self.assertEqual(dossier.status_code, 10)
            self.assertEqual(
                [l.action for l in dossier.logs],
                ['receive', 'assign', 'submit_approval', 'approve',
                    'return_result'])
            self.assertEqual(
                [l.step.name for l in dossier.logs if l.step],
                ["Tiếp nhận", "Thẩm định", "Ký duyệt", "Trả kết quả"])
            self.assertTrue(all(l.on_time for l in dossier.logs if l.step))
            with self.assertRaises(UserError), \
                    Transaction().set_context(_check_access=True):
                Dossier.write([dossier], {'note': "sửa"})
            with self.assertRaises(UserError):
                Pool().get('onestop.dossier.log').write(
                    list(dossier.logs), {'on_time': False})

    @with_transaction()
    def test_refusal_needs_reasons(self):
        "A refusal names its legal reasons"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            with self.assertRaises(UserError):
                Dossier.refuse([dossier])
            dossier.refusal_reason = "Không thuộc thẩm quyền của xã"
            dossier.save()
            Dossier.refuse([dossier])
            self.assertEqual(dossier.state, 'refused')
            self.assertEqual(dossier.status_code, 3)

    @with_transaction()
    def test_stop_needs_legal_ground(self):
        "Stopping names its legal ground, finishes the dossier and logs"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Procedure = pool.get('onestop.procedure')
        with set_company(create_commune()):
            procedure = create_procedure()
            Procedure.write([procedure], {
                    'effective_date': dt.date(2025, 7, 1)})
            dossier = create_dossier(procedure, create_citizen(),
                received_at=at(2026, 3, 2, 9))
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 2, 9)):
                Dossier.receive([dossier])
                Dossier.assign([dossier])
            with self.assertRaisesRegex(UserError, dossier.code):
                Dossier.stop([dossier])
            self.assertEqual(dossier.state, 'in_progress')
            self.assertIsNone(dossier.finished_at)
            self.assertEqual(dossier.logs[-1].action, 'assign')

            dossier.stop_reason = "Có tranh chấp về nội dung yêu cầu"
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 4, 10)):
                Dossier.stop([dossier])
            self.assertEqual(dossier.state, 'stopped')
            self.assertEqual(dossier.status_code, 8)
            self.assertEqual(dossier.finished_at, at(2026, 3, 4, 10))
            # due Thursday 5 March 9:00: stopped the day before
            self.assertEqual(dossier.timeliness, 'early')
            self.assertEqual(
                dossier.stop_reason, "Có tranh chấp về nội dung yêu cầu")
            log = dossier.logs[-1]
            self.assertEqual(
                (log.action, log.from_state, log.to_state, log.date),
                ('stop', 'in_progress', 'stopped', at(2026, 3, 4, 10)))
            self.assertEqual(log.user.id, Transaction().user)
            with self.assertRaises(UserError), \
                    Transaction().set_context(_check_access=True):
                Dossier.write([dossier], {'stop_reason': "sửa"})

            copy, = Dossier.copy([dossier])
            self.assertEqual(copy.state, 'draft')
            self.assertIsNone(copy.stop_reason)
            self.assertIsNone(copy.finished_at)

    @with_transaction()
    def test_supplement_reason_once(self):
        "The reason of the supplement is written once, with its items"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            Dossier.receive([dossier])
            dossier.supplement_items = "Tờ khai có chữ ký"
            dossier.supplement_reason = "Tờ khai chưa có chữ ký"
            dossier.save()
            Dossier.request_supplement([dossier])
            self.assertEqual(
                dossier.supplement_reason, "Tờ khai chưa có chữ ký")
            with self.assertRaisesRegex(UserError, dossier.code):
                Dossier.write([dossier], {'supplement_reason': "Khác"})
            copy, = Dossier.copy([dossier])
            self.assertIsNone(copy.supplement_reason)
            self.assertIsNone(copy.supplement_items)

    @with_transaction()
    def test_reassignment_logged(self):
        "Every change of hands after the hand-over is on the control sheet"
        Dossier = Pool().get('onestop.dossier')
        first, second = create_specialists()
        with set_company(create_commune()):
            procedure = create_procedure()
            dossier = create_dossier(procedure, create_citizen())
            Dossier.receive([dossier])
            # choosing the first assignee before the hand-over is no change
            Dossier.write([dossier], {'assignee': first.id})
            Dossier.assign([dossier])
            self.assertEqual(
                [(l.action, l.assignee) for l in dossier.logs],
                [('receive', None), ('assign', first)])

            Dossier.write([dossier], {'assignee': second.id})
            log = dossier.logs[-1]
            self.assertEqual(len(dossier.logs), 3)
            self.assertEqual(
                (log.action, log.from_state, log.to_state, log.assignee),
                ('reassign', 'in_progress', 'in_progress', second))
            self.assertEqual(log.user.id, Transaction().user)
            self.assertIsNone(log.step)

            # the same assignee again, by write or by save: no hand-over
            Dossier.write([dossier], {'assignee': second.id})
            dossier.assignee = second
            dossier.save()
            self.assertEqual(len(dossier.logs), 3)
            # by save, the change is seen too
            dossier.assignee = first
            dossier.save()
            self.assertEqual(
                [(l.action, l.assignee) for l in dossier.logs[3:]],
                [('reassign', first)])
            # the steps still follow the procedure
            Dossier.submit_approval([dossier])
            self.assertEqual(dossier.logs[-1].step.name, "Thẩm định")

            # received and already assigned: a change hands it over
            received = create_dossier(procedure, create_citizen(
                    "Lê Văn Bình", '031096001239', dt.date(1996, 2, 2)))
            Dossier.receive([received])
            Dossier.write([received], {'assignee': first.id})
            Dossier.write([received], {'assignee': second.id})
            self.assertEqual(
                [(l.action, l.from_state, l.assignee) for l in received.logs],
                [('receive', 'draft', None),
                    ('reassign', 'received', second)])

    @with_transaction()
    def test_apology_once(self):
        "One apology with a later appointment"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            Dossier.receive([dossier])
            dossier.apology_reason = "Cần xác minh thêm"
            dossier.new_due_at = dossier.due_at - dt.timedelta(hours=1)
            dossier.save()
            with self.assertRaises(UserError):
                Dossier.apologize([dossier])
            dossier.new_due_at = dossier.due_at + dt.timedelta(days=2)
            dossier.save()
            Dossier.apologize([dossier])
            self.assertTrue(dossier.apologized_at)
            self.assertEqual(dossier.appointment, dossier.new_due_at)
            with self.assertRaises(UserError):
                Dossier.apologize([dossier])

    @with_transaction()
    def test_invalid_citizen_id_and_phone(self):
        "Citizen IDs and phone numbers are checked"
        with set_company(create_commune()):
            procedure = create_procedure()
            citizen = create_citizen()
            with self.assertRaisesRegex(UserError, '12'):
                create_dossier(procedure, citizen,
                    applicant_id_number='12345')
            with self.assertRaises(UserError):
                create_dossier(procedure, citizen, applicant_phone='12345')
            with self.assertRaises(UserError):
                # 1990 birth year against a 1995 date of birth
                create_citizen(name="Lê B", citizen_id='031090001234')

    @with_transaction()
    def test_commune_isolation(self):
        "An officer of one commune does not see another commune's dossiers"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        with set_company(gia_loc):
            create_dossier(create_procedure(), create_citizen())
        with set_company(other):
            create_dossier(create_procedure('1.000894'), create_citizen(
                    "Trần C", '031096001235', dt.date(1996, 1, 1)))
        officer, = User.create([{
                    'login': 'officer', 'name': "Officer",
                    'companies': [('add', [other.id])], 'company': other.id,
                    'groups': [('add', [ModelData.get_id(
                                    'onestop_procedures',
                                    'group_onestop_officer')])],
                    }])
        with Transaction().set_user(officer.id), \
                Transaction().set_context(
                    _check_access=True, company=other.id):
            dossiers = Dossier.search([])
            self.assertEqual(len(dossiers), 1)
            self.assertEqual(dossiers[0].company, other)

    @with_transaction()
    def test_leader_reads_overseen_communes(self):
        "A leader reads every commune they oversee and changes nothing"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        third = create_commune("UBND xã Thứ Ba", agency_code='000.31.88888')
        for company, code in [(gia_loc, '1.004873'), (other, '1.000894'),
                (third, '1.004884')]:
            with set_company(company):
                create_dossier(create_procedure(code), create_citizen(
                        "Công dân " + code, '031096001235',
                        dt.date(1996, 1, 1)))
        leader, = User.create([{
                    'login': 'leader', 'name': "Leader",
                    'companies': [('add', [gia_loc.id, other.id])],
                    'company': gia_loc.id, 'company_filter': 'all',
                    'groups': [('add', [ModelData.get_id(
                                    'onestop_procedures',
                                    'group_onestop_leader')])],
                    }])
        with Transaction().set_user(leader.id), \
                Transaction().set_context(
                    _check_access=True, company=gia_loc.id):
            dossiers = Dossier.search([])
            self.assertEqual(
                {d.company for d in dossiers}, {gia_loc, other})
            with self.assertRaises(UserError):
                Dossier.write(dossiers, {'note': "ghi chú"})
            with self.assertRaises(UserError):
                Dossier.receive(dossiers)

    @with_transaction()
    def test_flag_deadlines(self):
        """Dossiers due within a working day are flagged in one statement;
        the assignee and the approvers of that commune only are told"""
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        Lang = pool.get('ir.lang')
        load_vietnamese()
        vi, = Lang.search([('code', '=', 'vi')])
        approver = ModelData.get_id(
            'onestop_procedures', 'group_onestop_approver')
        here, there = User.create([{
                    'login': login, 'name': login.title(),
                    'companies': [('add', [company.id])],
                    'company': company.id, 'language': vi.id,
                    'groups': [('add', [approver])],
                    } for login, company in [
                    ('approver', gia_loc), ('elsewhere', other)]])
        with set_company(gia_loc):
            procedure = create_procedure(unit='hour', time=2)
            soon = create_dossier(procedure, create_citizen(),
                received_at=dossier_module.utc_now())
            later = create_dossier(create_procedure('1.004884', time=20),
                create_citizen("Lê D", '031096001239', dt.date(1996, 2, 2)),
                received_at=dossier_module.utc_now())
            Dossier.receive([soon, later])
            soon.assignee = Transaction().user
            soon.save()
            Dossier.flag_deadlines()
            soon, later = Dossier.browse([soon.id, later.id])
            self.assertTrue(soon.warned_at)
            self.assertFalse(later.warned_at)
            self.assertEqual(Dossier.search([('due_soon', '=', True)]
                + [('overdue', '=', False)]), [soon])
            notification, = Notification.search([
                    ('user', '=', Transaction().user)])
            self.assertIn('1', notification.description)
            # each in the language of its reader
            self.assertEqual(notification.label, "Dossiers due soon")
            notification, = Notification.search([('user', '=', here.id)])
            self.assertEqual(notification.description,
                "Có 1 hồ sơ đến hạn trả trong vòng một ngày làm việc.")
            self.assertFalse(Notification.search([('user', '=', there.id)]))
            Dossier.flag_deadlines()
            self.assertEqual(Notification.search([], count=True), 2)

    @with_transaction()
    def test_close_unsupplemented(self):
        "Dossiers whose supplement never came are stopped after 15 days"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = create_dossier(create_procedure(), create_citizen())
            Dossier.receive([dossier])
            dossier.supplement_items = "Tờ khai có chữ ký"
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=dossier_module.utc_now()
                    - dt.timedelta(days=16)):
                Dossier.request_supplement([dossier])
            Dossier.close_unsupplemented()
            dossier = Dossier(dossier.id)
            self.assertEqual(dossier.state, 'stopped')
            self.assertEqual(dossier.logs[-1].action, 'close_supplement')
            self.assertTrue(all(p.end for p in dossier.pauses))
            self.assertTrue(dossier.finished_at)
            # the legal ground of the stop notice
            self.assertEqual(dossier.stop_reason, gettext(
                    'onestop_procedures.msg_dossier_stop_unsupplemented', 'vi',
                    days=15))
            self.assertIn('118/2025', dossier.stop_reason)

    @with_transaction()
    def test_import_catalogue(self):
        "The shipped catalogue imports, and importing again changes nothing"
        from trytond.tools import file_open

        from onestop_procedures.procedure import import_catalogue
        Procedure = Pool().get('onestop.procedure')
        files = []
        for name in ['procedures', 'documents', 'steps']:
            with file_open(f'onestop_procedures/data/{name}.csv', 'rb') as fp:
                files.append(fp.read())
        created, updated, unchanged = import_catalogue(*files)
        self.assertGreaterEqual(created, 30)
        self.assertEqual(
            Procedure.search_count([('in_force', '=', True)]), created)
        birth, = Procedure.search([('code', '=', '1.001193')])
        self.assertEqual(birth.processing_unit, 'same_day')
        self.assertTrue(birth.documents)
        self.assertEqual(sum(s.share for s in birth.steps), 100)
        self.assertEqual(import_catalogue(*files), (0, 0, created))
        with self.assertRaisesRegex(UserError, 'colour'):
            import_catalogue(b'code,name,colour\n1.1,x,red\n')

    @with_transaction()
    def test_procedure_new_version(self):
        "A procedure with dossiers changes only through a new version"
        Procedure = Pool().get('onestop.procedure')
        with set_company(create_commune()):
            procedure = create_procedure()
            create_dossier(procedure, create_citizen())
            with self.assertRaises(UserError):
                Procedure.write([procedure], {'processing_time': 5})
            new, = Procedure.browse(Procedure.new_version([procedure]))
            self.assertEqual(new.version, 2)
            self.assertEqual(len(new.documents), 2)
            self.assertEqual(
                Procedure.search([('in_force', '=', True)]), [new])

    @with_transaction()
    def test_in_force_on_vietnam_date(self):
        "A procedure is in force from its date in Vietnam, not in UTC"
        pool = Pool()
        Procedure = pool.get('onestop.procedure')
        Company = pool.get('company.company')
        commune = create_commune()
        without_zone = create_commune(
            "UBND phường Khác", agency_code='000.31.99999')
        Company.write([without_zone], {'timezone': None})
        procedure = create_procedure()
        Procedure.write([procedure], {'effective_date': dt.date(2026, 3, 7)})

        def check(in_force):
            "in_force as read and as searched"
            self.assertEqual(Procedure(procedure.id).in_force, in_force)
            self.assertEqual(
                Procedure.search([('in_force', '=', in_force)]), [procedure])
            self.assertEqual(
                Procedure.search([('in_force', '!=', in_force)]), [])

        # 23:30 UTC on 6 March is 06:30 on 7 March in Vietnam: in the
        # commune, without a time zone (Vietnam's) or a company (portal)
        with clock(dt.datetime(2026, 3, 6, 23, 30)):
            for company in [commune, without_zone, None]:
                with self.subTest(company=company), \
                        Transaction().set_context(
                            company=company.id if company else None):
                    check(True)
        # 16:30 UTC is 23:30 on 6 March in Vietnam
        with clock(dt.datetime(2026, 3, 6, 16, 30)), \
                Transaction().set_context(company=None):
            check(False)

    @with_transaction()
    def test_import_dossiers(self):
        "Historical dossiers: all or none, errors by line, safe to re-run"
        from onestop_procedures.dossier_import import import_dossiers
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Procedure = pool.get('onestop.procedure')
        company = create_commune()
        with set_company(company):
            procedure = create_procedure()
            Procedure.write([procedure], {
                    'effective_date': dt.date(2025, 7, 1)})
            header = ('code,procedure_code,applicant_name,'
                'applicant_id_number,channel,received_at,due_at,'
                'finished_at,returned_at,state,digitized,'
                'electronic_result\n')
            good = header + (
                '000.31.10999-250801-0007,1.004873,Nguyễn Văn An,'
                '031095001234,counter,2025-08-01 09:00,2025-08-06 09:00,'
                '2025-08-05 10:00,2025-08-06 08:00,returned,1,1\n'
                '000.31.10999-250801-0008,1.004873,Trần Thị Bình,,online,'
                '2025-08-01 20:00,2025-08-06 17:00,2025-08-07 09:00,'
                '2025-08-07 10:00,returned,0,0\n'
                '000.31.10999-250802-0001,1.004873,Lê Văn Cường,,postal,'
                '2025-08-02 09:00,2025-08-07 09:00,,,in_progress,0,0\n')
            bad = header + (
                '000.31.10999-250801-0009,9.999999,X,12345,fax,'
                '2025-08-01 09:00,2025/08/06,,,returned,2,0\n')
            with self.assertRaises(UserError) as context:
                import_dossiers(bad.encode(), company)
            message = context.exception.message
            for column in ['procedure_code', 'applicant_id_number',
                    'channel', 'due_at', 'finished_at', 'returned_at',
                    'digitized']:
                self.assertIn(column, message)
            self.assertIn('2', message)
            self.assertEqual(Dossier.search_count([]), 0)

            self.assertEqual(import_dossiers(good.encode(), company), (3, 0))
            early, late, open_ = Dossier.search([], order=[('code', 'ASC')])
            self.assertEqual(early.timeliness, 'early')
            self.assertEqual(late.timeliness, 'late')
            self.assertEqual(open_.state, 'in_progress')
            self.assertEqual(early.received_at, at(2025, 8, 1, 9))
            self.assertEqual(early.applicant.citizen_id, '031095001234')
            self.assertTrue(early.digitized and early.electronic_result)
            self.assertEqual([l.action for l in early.logs], ['import'])
            self.assertEqual(import_dossiers(good.encode(), company), (0, 3))
            # new codes of that day continue after the imported ones
            self.assertEqual(Dossier.new_code(company.id,
                    at(2025, 8, 1, 15)), '000.31.10999-250801-0009')


del ModuleTestCase
