# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"The evaluation slip handed with the result"
import datetime as dt
import io
import unittest
from pathlib import Path

from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from onestop_procedures.tests.test_slip import (
    SOFFICE, odt_pictures, odt_text, pdf_pages)
from onestop_procedures.tests.tools import (
    create_citizen, create_commune, create_dossier, create_procedure,
    load_vietnamese, render_report)

from .tools import MODULES, answer_online, frozen, returned_dossier

NAME = 'onestop.dossier.slip.evaluation'
SCREENSHOTS = Path(__file__).resolve().parents[3] / 'var' / 'screenshots'


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


class EvaluationSlipTestCase(unittest.TestCase):
    "Test the evaluation slip"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['onestop_survey'])
        # the slip prints the Vietnamese labels of the ratings
        with Transaction().start(DB_NAME, 0) as transaction:
            load_vietnamese(MODULES)
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def render(self, dossiers, extension='odt'):
        "Execute the slip on dossiers: its format and content"
        # printed the day after the return of self.returned()
        with frozen(at(2026, 3, 12, 9)):
            return render_report(NAME, [d.id for d in dossiers], extension)

    def returned(self):
        "A dossier received on 6 March 2026, returned on 11 March at 15:30"
        procedure = create_procedure()
        procedure.effective_date = dt.date(2025, 7, 1)
        procedure.save()
        citizen = create_citizen(name="Nguyễn Thị Ánh Tuyết",
            citizen_id='031195001234', gender='female')
        with frozen(at(2026, 3, 11, 15, 30)):
            return returned_dossier(procedure, citizen,
                received_at=at(2026, 3, 6, 10))

    @with_transaction()
    def test_slip(self):
        "The slip names the dossier and prints the link and tick boxes"
        with set_company(create_commune()), \
                Transaction().set_context(language='en'):
            dossier = self.returned()
            invitation = dossier.survey_invitation
            oext, content = self.render([dossier])
            self.assertEqual(oext, 'odt')
            text = odt_text(content)
            for expected in [
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND XÃ GIA LỘC",
                    "Gia Lộc, ngày 11 tháng 03 năm 2026",
                    "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG",
                    f"Mã hồ sơ: {dossier.code}",
                    "Ông/bà: Nguyễn Thị Ánh Tuyết",
                    "Thủ tục: Cấp Giấy xác nhận tình trạng hôn nhân "
                    "(mã thủ tục 1.004873)",
                    "Ngày trả kết quả: 11/03/2026",
                    "Cán bộ trả kết quả: Administrator",
                    invitation.short_url,
                    # 30 days after the return
                    "có hiệu lực đến ngày 10/04/2026",
                    "Quý ông/bà có hài lòng với việc giải quyết hồ sơ không?",
                    "Rất hài lòng\n\nHài lòng\n\nKhông hài lòng"]:
                self.assertIn(expected, text)
            # written out to be typed: short, in two groups
            self.assertRegex(invitation.short_url,
                r'/survey/[0-9A-Z]{5}-[0-9A-Z]{5}$')

    @with_transaction()
    def test_slip_qr_code(self):
        "The QR code opens the invitation's page"
        import zxingcpp
        from PIL import Image
        with set_company(create_commune()):
            dossier = self.returned()
            _, content = self.render([dossier])
            picture, = odt_pictures(content)
            barcode, = zxingcpp.read_barcodes(
                Image.open(io.BytesIO(picture)))
            self.assertEqual(
                barcode.text, dossier.survey_invitation.qr_url)
            self.assertIn('?c=qr', barcode.text)

    @with_transaction()
    def test_slip_needs_pending_invitation(self):
        "No slip before the return, after the answer or once expired"
        Invitation = Pool().get('onestop.survey.invitation')
        with set_company(create_commune()):
            received = create_dossier(create_procedure(), create_citizen())
            Pool().get('onestop.dossier').receive([received])
            with self.assertRaisesRegex(UserError, received.code):
                self.render([received])

            answered = returned_dossier(
                received.procedure, received.applicant)
            answer_online(answered.survey_invitation, 'satisfied')
            with self.assertRaisesRegex(UserError, answered.code):
                self.render([answered])

            expired = returned_dossier(
                received.procedure, received.applicant)
            Invitation.write([expired.survey_invitation],
                {'expires_at': dt.datetime(2020, 1, 1)})
            with self.assertRaisesRegex(UserError, expired.code):
                self.render([expired])

    @unittest.skipUnless(SOFFICE, "LibreOffice (soffice) is not installed: "
        "the PDF conversion cannot run")
    @with_transaction()
    def test_pdf(self):
        "The slip converts to one A4 page with embedded fonts"
        with set_company(create_commune()):
            dossier = self.returned()
            oext, content = self.render([dossier], extension='pdf')
            self.assertEqual(oext, 'pdf')
            self.assertEqual(pdf_pages(content), 1)
            self.assertRegex(content,
                rb'/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+\s*\]')
            self.assertRegex(content, rb'/FontFile[23]?')
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / 'survey-evaluation-slip.pdf').write_bytes(content)
