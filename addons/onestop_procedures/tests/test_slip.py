# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"The slips and the logbook, rendered from dossiers in the right state"
import datetime as dt
import io
import re
import shutil
import unittest
import zipfile
from unittest.mock import patch

from lxml import etree

from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures import dossier as dossier_module
from onestop_procedures.portal import tracking_url
from onestop_procedures.slip import commune_unit, place_name, text_lines

from .tools import (
    create_citizen, create_commune, create_dossier, create_procedure,
    create_specialists, load_vietnamese, render_report)

SOFFICE = shutil.which('soffice')
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
# forms that must fit on one A4 page for a usual dossier
ONE_PAGE = [
    'onestop.dossier.slip.receipt', 'onestop.dossier.slip.supplement',
    'onestop.dossier.slip.refusal', 'onestop.dossier.slip.control',
    'onestop.dossier.slip.apology', 'onestop.dossier.logbook']


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


def odt_text(content):
    "The text of an ODT, one line per paragraph, plain spaces"
    with zipfile.ZipFile(io.BytesIO(content)) as odt:
        root = etree.fromstring(odt.read('content.xml'))
    ns = {'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0'}
    lines = [''.join(p.itertext()) for p in root.iterfind('.//text:p', ns)]
    return '\n'.join(lines).replace('\u00a0', ' ')


def odt_pictures(content):
    "The pictures the ODT's text shows"
    with zipfile.ZipFile(io.BytesIO(content)) as odt:
        root = etree.fromstring(odt.read('content.xml'))
        ns = {'draw': 'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0'}
        href = '{http://www.w3.org/1999/xlink}href'
        return [odt.read(i.get(href))
            for i in root.iterfind('.//draw:image', ns)]


def pdf_pages(content):
    return len(re.findall(rb'/Type\s*/Page(?!s)', content))


class SlipTestCase(unittest.TestCase):
    "Test the one-stop slips and logbook"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_procedures'])
        # the slips print the Vietnamese labels of the module's vi.po
        with Transaction().start(DB_NAME, 0) as transaction:
            load_vietnamese()
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def render(self, name, dossiers, extension='odt', data=None):
        "Execute the report name on dossiers; its format and content"
        data = dict(data or {})
        ids = data.pop('ids', [d.id for d in dossiers])
        return render_report(name, ids, extension, data)

    def text(self, name, dossiers, **kwargs):
        oext, content = self.render(name, dossiers, **kwargs)
        self.assertEqual(oext, 'odt')
        return odt_text(content)

    def procedure(self, code='1.004873'):
        "A procedure in force since the 2025 reform"
        procedure = create_procedure(code=code)
        procedure.effective_date = dt.date(2025, 7, 1)
        procedure.save()
        return procedure

    def received(self, **values):
        "A dossier received on Friday 6 March 2026 at 10:00"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Procedure = pool.get('onestop.procedure')
        Party = pool.get('party.party')
        procedure, = (Procedure.search([('code', '=', '1.004873')])
            or [self.procedure()])
        citizen, = (Party.search([('name', '=', "Nguyễn Thị Ánh Tuyết")])
            or [create_citizen(name="Nguyễn Thị Ánh Tuyết",
                    citizen_id='031195001234', gender='female')])
        values.setdefault('received_at', at(2026, 3, 6, 10))
        dossier = create_dossier(procedure, citizen,
            applicant_address="Thôn Phú Lộc, xã Gia Lộc",
            applicant_email='tuyet@example.vn', **values)
        with patch.object(dossier_module, 'utc_now',
                return_value=at(2026, 3, 6, 10)):
            Dossier.receive([dossier])
        return dossier

    def test_names(self):
        "The commune's unit and place come from its name"
        self.assertEqual(commune_unit("UBND xã Gia Lộc"), "xã Gia Lộc")
        self.assertEqual(
            commune_unit("Ủy ban nhân dân phường Hồng Bàng"),
            "phường Hồng Bàng")
        self.assertEqual(place_name("Ủy ban nhân dân xã Gia Lộc"), "Gia Lộc")
        self.assertEqual(place_name("UBND đặc khu Cát Hải"), "Cát Hải")
        self.assertEqual(place_name("Thị trấn Tứ Kỳ"), "Tứ Kỳ")
        self.assertEqual(text_lines(" a \n\n b\n"), ['a', 'b'])

    @with_transaction()
    def test_receipt(self):
        "The receipt names the dossier, the documents and the appointment"
        with set_company(create_commune()):
            dossier = self.received()
            text = self.text('onestop.dossier.slip.receipt', [dossier])
            self.assertEqual(dossier.code, '000.31.10999-260306-0001')
            for expected in [
                    MOTTO, "Độc lập - Tự do - Hạnh phúc", "UBND XÃ GIA LỘC",
                    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                    "Số: 260306-0001/TNHS",
                    "Gia Lộc, ngày 06 tháng 03 năm 2026",
                    f"Mã hồ sơ: {dossier.code}",
                    "Trung tâm Phục vụ hành chính công xã Gia Lộc",
                    "Ông/bà: Nguyễn Thị Ánh Tuyết",
                    "Số định danh cá nhân: 031195001234",
                    "Địa chỉ: Thôn Phú Lộc, xã Gia Lộc",
                    "Số điện thoại: 0912345678; Email: tuyet@example.vn",
                    "Cấp Giấy xác nhận tình trạng hôn nhân "
                    "(mã thủ tục 1.004873)",
                    "Tờ khai\nBản chính\n1", "Giấy tờ chứng minh",
                    "2. Số lượng hồ sơ: 01 bộ.",
                    "theo quy định: 3 ngày làm việc.",
                    "4. Thời gian nhận hồ sơ: 10 giờ 00 phút, "
                    "ngày 06/03/2026.",
                    # Friday 10:00 + 3 working days: Wednesday 10:00
                    "kết quả giải quyết hồ sơ: 10 giờ 00 phút, "
                    "ngày 11/03/2026.",
                    "6. Đăng ký nhận kết quả: Trực tiếp tại Bộ phận Một cửa.",
                    tracking_url(dossier.code),
                    "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    "Administrator"]:
                self.assertIn(expected, text)
            self.assertNotIn('Người nộp thay', text)

    @with_transaction()
    def test_receipt_qr_code(self):
        "The receipt's QR code opens the dossier's tracking page"
        import zxingcpp
        from PIL import Image
        with set_company(create_commune()):
            dossier = self.received()
            _, content = self.render('onestop.dossier.slip.receipt', [dossier])
            picture, = odt_pictures(content)
            barcode, = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))
            self.assertEqual(barcode.format, zxingcpp.BarcodeFormat.QRCode)
            self.assertEqual(barcode.text, tracking_url(dossier.code))
            self.assertIn('/portal/dossiers/000.31.10999-260306-0001',
                barcode.text)

    @with_transaction()
    def test_receipt_needs_received_dossier(self):
        "A dossier not yet received has no receipt slip"
        with set_company(create_commune()):
            dossier = create_dossier(self.procedure(), create_citizen())
            with self.assertRaisesRegex(UserError, dossier.code):
                self.render('onestop.dossier.slip.receipt', [dossier])

    @with_transaction()
    def test_receipt_of_several_dossiers(self):
        "Printing several dossiers gives one slip each, in one document"
        with set_company(create_commune()):
            first = self.received()
            second = self.received(received_at=at(2026, 3, 6, 14, 30))
            text = self.text('onestop.dossier.slip.receipt', [first, second])
            self.assertEqual(text.count("GIẤY TIẾP NHẬN HỒ SƠ"), 2)
            self.assertIn(second.code, text)
            self.assertIn("14 giờ 30 phút, ngày 06/03/2026", text)
            _, content = self.render(
                'onestop.dossier.slip.receipt', [first, second])
            self.assertEqual(len(odt_pictures(content)), 2)

    @with_transaction()
    def test_supplement_request(self):
        "The supplement request lists every item once, with its deadline"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            with self.assertRaisesRegex(UserError, dossier.code):
                self.render('onestop.dossier.slip.supplement', [dossier])
            dossier.supplement_items = (
                "Bản sao Giấy chứng tử của vợ/chồng trước\n"
                "Tờ khai ghi thiếu nơi cư trú")
            dossier.supplement_reason = (
                "Hồ sơ chưa chứng minh được tình trạng hôn nhân trước đây")
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 9, 9)):
                Dossier.request_supplement([dossier])
            text = self.text('onestop.dossier.slip.supplement', [dossier])
            for expected in [
                    MOTTO, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                    "/HD", "Gia Lộc, ngày 09 tháng 03 năm 2026",
                    f"Mã hồ sơ: {dossier.code}",
                    "Hồ sơ của ông/bà: Nguyễn Thị Ánh Tuyết",
                    "Ngày nộp hồ sơ: 06/03/2026.",
                    "1. Bản sao Giấy chứng tử của vợ/chồng trước",
                    "2. Tờ khai ghi thiếu nơi cư trú",
                    # the reason, under the items
                    "2. Tờ khai ghi thiếu nơi cư trú\nLý do:\n"
                    "- Hồ sơ chưa chứng minh được tình trạng hôn nhân trước "
                    "đây\nThời hạn bổ sung",
                    # 15 days after the request (Decree 118/2025 art. 19)
                    "Thời hạn bổ sung: trước ngày 24/03/2026.",
                    "được tính lại từ đầu khi nhận đủ hồ sơ bổ sung",
                    "NGƯỜI HƯỚNG DẪN"]:
                self.assertIn(expected, text)

    @with_transaction()
    def test_refusal(self):
        "The refusal gives its reasons; at intake it refuses to receive"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            with self.assertRaisesRegex(UserError, dossier.code):
                self.render('onestop.dossier.slip.refusal', [dossier])
            dossier.refusal_reason = (
                "Người yêu cầu không cư trú tại xã Gia Lộc\n"
                "Đã được cấp Giấy xác nhận còn thời hạn sử dụng")
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 9, 15)):
                Dossier.refuse([dossier])
            text = self.text('onestop.dossier.slip.refusal', [dossier])
            for expected in [
                    MOTTO, "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
                    "Gia Lộc, ngày 09 tháng 03 năm 2026",
                    f"Mã hồ sơ: {dossier.code}",
                    "Ông/bà: Nguyễn Thị Ánh Tuyết",
                    "UBND xã Gia Lộc từ chối giải quyết hồ sơ này",
                    "1. Người yêu cầu không cư trú tại xã Gia Lộc",
                    "2. Đã được cấp Giấy xác nhận còn thời hạn sử dụng",
                    "Ngày nộp hồ sơ: 06/03/2026.",
                    "NGƯỜI GIẢI QUYẾT HỒ SƠ"]:
                self.assertIn(expected, text)

            draft = create_dossier(self.procedure(code='1.000894'),
                create_citizen(citizen_id='031095001235'),
                refusal_reason="Không thuộc thẩm quyền của xã")
            Dossier.refuse([draft])
            text = self.text('onestop.dossier.slip.refusal', [draft])
            self.assertIn("PHIẾU TỪ CHỐI TIẾP NHẬN HỒ SƠ", text)
            self.assertIn("xã Gia Lộc từ chối tiếp nhận hồ sơ này", text)
            self.assertIn("1. Không thuộc thẩm quyền của xã", text)
            self.assertIn("NGƯỜI TIẾP NHẬN HỒ SƠ", text)

    @with_transaction()
    def test_supplement_request_without_reason(self):
        "Without a reason, the request prints no reason heading"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received(supplement_items="Tờ khai có chữ ký")
            Dossier.request_supplement([dossier])
            text = self.text('onestop.dossier.slip.supplement', [dossier])
            self.assertIn("1. Tờ khai có chữ ký", text)
            self.assertNotIn("Lý do:", text)

    @with_transaction()
    def test_stop_notice(self):
        "The stop notice gives the legal ground, only for a stopped dossier"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            with self.assertRaisesRegex(UserError, dossier.code):
                self.render('onestop.dossier.slip.stop', [dossier])
            Dossier.assign([dossier])
            dossier.stop_reason = (
                "Có tranh chấp về nội dung yêu cầu đang được Tòa án thụ lý\n"
                "Theo đề nghị của cơ quan điều tra bằng văn bản")
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 9, 15)):
                Dossier.stop([dossier])
            text = self.text('onestop.dossier.slip.stop', [dossier])
            for expected in [
                    MOTTO, "Độc lập - Tự do - Hạnh phúc", "UBND XÃ GIA LỘC",
                    "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                    "Số: 260306-0001/TB",
                    "Gia Lộc, ngày 09 tháng 03 năm 2026",
                    f"Mã hồ sơ: {dossier.code}",
                    "Trung tâm Phục vụ hành chính công xã Gia Lộc đã tiếp "
                    "nhận hồ sơ của:",
                    "Ông/bà: Nguyễn Thị Ánh Tuyết",
                    "Số định danh cá nhân: 031195001234",
                    "Nội dung yêu cầu giải quyết: Cấp Giấy xác nhận tình "
                    "trạng hôn nhân (mã thủ tục 1.004873)",
                    "Ngày nộp hồ sơ: 06/03/2026.",
                    "UBND xã Gia Lộc thông báo dừng giải quyết hồ sơ này kể "
                    "từ ngày 09/03/2026 với căn cứ pháp lý như sau:",
                    "1. Có tranh chấp về nội dung yêu cầu đang được Tòa án "
                    "thụ lý",
                    "2. Theo đề nghị của cơ quan điều tra bằng văn bản",
                    "- Ông/bà Nguyễn Thị Ánh Tuyết (trao trực tiếp);",
                    "THỦ TRƯỞNG CƠ QUAN\nGIẢI QUYẾT HỒ SƠ\n"
                    "(Ký, ghi rõ họ tên và đóng dấu)\nAdministrator"]:
                self.assertIn(expected, text)

            # a returned dossier has no stop notice either
            returned = self.received(received_at=at(2026, 3, 6, 14))
            for action in ['assign', 'approve', 'return_result']:
                getattr(Dossier, action)([returned])
            with self.assertRaisesRegex(UserError, returned.code):
                self.render('onestop.dossier.slip.stop', [returned])

    @with_transaction()
    def test_stop_notice_unsupplemented(self):
        "A dossier closed for want of its supplement prints the decree's case"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received(supplement_items="Tờ khai có chữ ký")
            with patch.object(dossier_module, 'utc_now',
                    return_value=dossier_module.utc_now()
                    - dt.timedelta(days=16)):
                Dossier.request_supplement([dossier])
            Dossier.close_unsupplemented()
            dossier = Dossier(dossier.id)
            text = self.text('onestop.dossier.slip.stop', [dossier])
            for expected in [
                    "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                    f"Mã hồ sơ: {dossier.code}",
                    "1. Người nộp hồ sơ không bổ sung, hoàn thiện hồ sơ trong "
                    "thời hạn 15 ngày kể từ ngày có yêu cầu bổ sung (Điều 19 "
                    "Nghị định 118/2025/NĐ-CP).",
                    dossier.local(dossier.finished_at).strftime(
                        'ngày %d tháng %m năm %Y')]:
                self.assertIn(expected, text)

    @with_transaction()
    def test_control_sheet(self):
        "The control sheet is the log: who, role, when, step due, on time"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            for action, moment in [
                    ('assign', at(2026, 3, 6, 11)),
                    ('submit_approval', at(2026, 3, 10, 16)),
                    ('approve', at(2026, 3, 11, 9))]:
                with patch.object(dossier_module, 'utc_now',
                        return_value=moment):
                    getattr(Dossier, action)([dossier])
            text = self.text('onestop.dossier.slip.control', [dossier])
            for expected in [
                    MOTTO, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                    f"Mã hồ sơ: {dossier.code}",
                    "(Kèm theo hồ sơ của ông/bà: Nguyễn Thị Ánh Tuyết)",
                    "Cơ quan giải quyết hồ sơ: UBND xã Gia Lộc",
                    "Nhận hồ sơ: 10:00 06/03/2026; hẹn trả kết quả: "
                    "10:00 11/03/2026.",
                    # received, handed over within the officer's 10 %
                    "1\nĐã tiếp nhận\n\nAdministrator",
                    "2\nChuyển xử lý\nTiếp nhận\nAdministrator\n"
                    "Cán bộ một cửa (tiếp nhận)\n11:00\n06/03/2026\n"
                    "13:45\n06/03/2026\nĐúng hạn",
                    # 3 days of 7.5 working hours: the specialist's step
                    # ends at 70 % (15.75 h), the approver's at 90 %
                    "3\nTrình ký duyệt\nThẩm định\nAdministrator\n"
                    "Chuyên viên xử lý\n16:00\n10/03/2026\n"
                    "10:45\n10/03/2026\nQuá hạn",
                    "4\nĐã ký duyệt kết quả\nKý duyệt\nAdministrator\n"
                    "Lãnh đạo ký duyệt\n09:00\n11/03/2026\n"
                    "16:45\n10/03/2026\nQuá hạn",
                    "Kết quả giải quyết hồ sơ: Đúng hạn (kết thúc xử lý "
                    "09:00 11/03/2026)."]:
                self.assertIn(expected, text)

    @with_transaction()
    def test_control_sheet_reassignment(self):
        "The control sheet names who received each hand-over"
        Dossier = Pool().get('onestop.dossier')
        first, second = create_specialists()
        with set_company(create_commune()):
            dossier = self.received(assignee=first)
            Dossier.assign([dossier])
            Dossier.write([dossier], {'assignee': second.id})
            text = self.text('onestop.dossier.slip.control', [dossier])
            self.assertIn("2\nChuyển xử lý → Chuyên viên Một\nTiếp nhận", text)
            self.assertIn("3\nChuyển người xử lý → Chuyên viên Hai\n\n"
                "Administrator", text)

    @with_transaction()
    def test_apology(self):
        "The apology gives the first and the new appointment and why"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received(channel='online',
                submitted_at=at(2026, 3, 6, 10))
            with self.assertRaisesRegex(UserError, dossier.code):
                self.render('onestop.dossier.slip.apology', [dossier])
            dossier.apology_reason = "Phải xác minh nơi cư trú với Công an xã"
            dossier.new_due_at = at(2026, 3, 13, 16)
            dossier.save()
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 10, 8, 30)):
                Dossier.apologize([dossier])
            text = self.text('onestop.dossier.slip.apology', [dossier])
            for expected in [
                    MOTTO, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                    "/PXL", "Gia Lộc, ngày 10 tháng 03 năm 2026",
                    f"Mã hồ sơ: {dossier.code}",
                    "Ngày 06/03/2026, Trung tâm Phục vụ hành chính công xã "
                    "Gia Lộc tiếp nhận hồ sơ",
                    "của ông/bà Nguyễn Thị Ánh Tuyết.",
                    "thời gian trả kết quả giải quyết hồ sơ là 10 giờ 00 phút,"
                    " ngày 11/03/2026.",
                    "- Phải xác minh nơi cư trú với Công an xã",
                    "hẹn trả kết quả giải quyết hồ sơ vào 16 giờ 00 phút, "
                    "ngày 13/03/2026.",
                    "(gửi qua thư điện tử tuyet@example.vn)",
                    "THỦ TRƯỞNG CƠ QUAN"]:
                self.assertIn(expected, text)

    @with_transaction()
    def test_logbook_wizard(self):
        "The logbook of a period lists the dossiers received in it"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Wizard = pool.get('onestop.dossier.logbook.print', type='wizard')
        company = create_commune()
        with set_company(company):
            before = self.received(received_at=at(2026, 2, 28, 16))
            first = self.received(received_at=at(2026, 3, 2, 7, 30))
            last = self.received(received_at=at(2026, 3, 31, 16))
            after = self.received(received_at=at(2026, 4, 1, 0, 5))
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 3, 9)):
                Dossier.assign([first])
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 4, 15)):
                Dossier.approve([first])
            with patch.object(dossier_module, 'utc_now',
                    return_value=at(2026, 3, 5, 8)):
                Dossier.return_result([first])

            session_id, _, _ = Wizard.create()
            start = {'company': company.id,
                'start_date': dt.date(2026, 3, 31),
                'end_date': dt.date(2026, 3, 1)}
            with self.assertRaisesRegex(UserError, '31/03/2026'):
                Wizard.execute(session_id, {'start': start}, 'print_')
            start['start_date'] = dt.date(2026, 3, 1)
            start['end_date'] = dt.date(2026, 3, 31)
            result = Wizard.execute(session_id, {'start': start}, 'print_')
            (action, data), = result['actions']
            Wizard.delete(session_id)
            self.assertEqual(action['report_name'], 'onestop.dossier.logbook')
            self.assertEqual(data['ids'], [first.id, last.id])

            text = self.text('onestop.dossier.logbook', [], data=data)
            for expected in [
                    MOTTO, "SỔ THEO DÕI HỒ SƠ",
                    "Từ ngày 01/03/2026 đến ngày 31/03/2026 "
                    "(tổng số: 2 hồ sơ)",
                    "Cơ quan chủ trì giải quyết", "(14)",
                    # received, appointment, handed over, result, returned
                    f"1\n{first.code}\nCấp Giấy xác nhận tình trạng hôn nhân"
                    "\n1\nNguyễn Thị Ánh Tuyết\nThôn Phú Lộc, xã Gia Lộc\n"
                    "0912345678\nUBND xã Gia Lộc\n07:30\n02/03/2026\n"
                    # before opening hours: counted from 08:00
                    "17:00\n04/03/2026\n09:00\n03/03/2026\n15:00\n04/03/2026"
                    "\n08:00\n05/03/2026\n\n\n2\n",
                    f"2\n{last.code}"]:
                self.assertIn(expected, text)
            for other in [before, after]:
                self.assertNotIn(other.code, text)

            # the same report on dossiers selected in the list
            text = self.text('onestop.dossier.logbook', [after, before])
            self.assertIn("Từ ngày 28/02/2026 đến ngày 01/04/2026", text)
            self.assertLess(text.index(before.code), text.index(after.code))

    @unittest.skipUnless(SOFFICE, "LibreOffice (soffice) is not installed: "
        "the PDF conversion cannot run")
    @with_transaction()
    def test_pdf(self):
        "Every form converts to a one-page A4 PDF with embedded fonts"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            dossier.supplement_items = "Bản sao Giấy chứng tử"
            dossier.save()
            Dossier.assign([dossier])
            Dossier.request_supplement([dossier])
            Dossier.resume([dossier])
            dossier.apology_reason = "Phải xác minh nơi cư trú"
            dossier.new_due_at = dossier.due_at + dt.timedelta(days=3)
            dossier.save()
            Dossier.apologize([dossier])
            dossier.refusal_reason = "Không đủ điều kiện theo quy định"
            dossier.save()
            Dossier.refuse([dossier])
            for name in ONE_PAGE:
                with self.subTest(report=name):
                    self.assertOnePageA4(name, dossier)

    @unittest.skipUnless(SOFFICE, "LibreOffice (soffice) is not installed: "
        "the PDF conversion cannot run")
    @with_transaction()
    def test_stop_notice_pdf(self):
        "The stop notice converts to a one-page A4 PDF with embedded fonts"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_commune()):
            dossier = self.received()
            dossier.stop_reason = "Có tranh chấp về nội dung yêu cầu"
            dossier.save()
            Dossier.stop([dossier])
            self.assertOnePageA4('onestop.dossier.slip.stop', dossier)

    def assertOnePageA4(self, name, dossier):
        oext, content = self.render(name, [dossier], extension='pdf')
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        self.assertEqual(pdf_pages(content), 1)
        # A4 in points, portrait or landscape for the logbook
        self.assertRegex(content,
            rb'/MediaBox\s*\[\s*0 0 (595\.\d+ 841\.\d+|'
            rb'841\.\d+ 595\.\d+)\s*\]')
        self.assertRegex(content, rb'/FontFile[23]?')
