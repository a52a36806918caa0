# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
import datetime as dt
from decimal import Decimal
from io import BytesIO

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from onestop_payments import vietqr

from .tools import (
    ACCOUNT, BIN, create_citizen, create_dossier, create_fee,
    create_payment_commune, create_procedure)


def received(procedure, citizen, **values):
    "A dossier received at the counter, its fees computed"
    Dossier = Pool().get('onestop.dossier')
    dossier = create_dossier(procedure, citizen, **values)
    Dossier.receive([dossier])
    return dossier


def bank_line(journal, description, amount, transaction_id, date=None):
    "A credit read from a statement, not matched yet"
    BankLine = Pool().get('onestop.bank.line')
    line, = BankLine.from_statement(journal, [{
                'transaction_id': transaction_id,
                'date': date or dt.date.today(),
                'amount': Decimal(amount), 'description': description,
                'payer_name': None}])[0] or [None]
    return BankLine(line) if line else None


def journal(company, method):
    return Pool().get('account.payment.journal').get_default(company, method)


class OnestopPaymentsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the one-stop payments module"
    module = 'onestop_payments'

    @with_transaction()
    def test_fee_lines_from_procedure(self):
        "Intake fills the fee lines in force for the channel"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000, name="Lệ phí tại quầy",
                channel='counter')
            create_fee(procedure, 4000, name="Lệ phí trực tuyến",
                channel='online')
            create_fee(procedure, 5000, name="Phí cũ",
                end_date=dt.date(2020, 1, 1), start_date=dt.date(2019, 1, 1))
            dossier = received(procedure, create_citizen())
            self.assertEqual([l.name for l in dossier.fees],
                ["Lệ phí tại quầy"])
            self.assertEqual(dossier.fee_total, Decimal(8000))
            self.assertEqual(dossier.amount_to_pay, Decimal(8000))
            self.assertEqual(dossier.payment_state, 'to_pay')
            self.assertEqual(
                Dossier.search([('payment_state', '=', 'to_pay')]), [dossier])

    @with_transaction()
    def test_payment_reference_migration(self):
        "Dossiers received before the module get the same reference"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            dossier = create_dossier(procedure, create_citizen())
            reference = dossier.payment_reference
            self.assertEqual(reference[:2], 'HS')
            table = Dossier.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.payment_reference], [None]))
            Dossier.fill_payment_references()
            cursor.execute(*table.select(table.payment_reference,
                    where=table.id == dossier.id))
            self.assertEqual(cursor.fetchone()[0], reference)

    @with_transaction()
    def test_certified_copy_fee(self):
        "Per page of the original, the cheaper further pages, the cap"
        Line = Pool().get('onestop.dossier.fee')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 2000, unit='page', first_pages=2,
                next_amount=Decimal(1000), cap=Decimal(200000),
                name="Phí chứng thực bản sao")
            dossier = create_dossier(procedure, create_citizen())
            line, = dossier.fees
            Line.write([line], {'pages': 5, 'quantity': 3})
            # 2 x 2 000 + 3 x 1 000 = 7 000 per copy, 3 copies
            self.assertEqual(line.amount, Decimal(21000))
            Line.write([line], {'pages': 500, 'quantity': 2})
            self.assertEqual(line.amount, Decimal(400000))

    @with_transaction()
    def test_exemption_from_applicant_flags(self):
        "A disabled applicant is exempted once the evidence is recorded"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Line = pool.get('onestop.dossier.fee')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000, exemptions=['KT', 'NCT'])
            citizen = create_citizen()
            citizen.disability = True
            citizen.save()
            dossier = create_dossier(procedure, citizen)
            line, = dossier.fees
            self.assertEqual(line.exemption.code, 'KT')
            self.assertEqual(line.base_amount, Decimal(8000))
            self.assertEqual(line.amount, Decimal(0))
            with self.assertRaisesRegex(UserError, 'evidence'):
                Dossier.receive([dossier])
            Line.write([line], {'exemption_evidence': "Giấy xác nhận KT 12"})
            Dossier.receive([dossier])
            self.assertEqual(line.exemption_accepted_by.id,
                Transaction().user)
            self.assertEqual(dossier.payment_state, 'none')
            self.assertFalse(dossier.payments)
            with self.assertRaises(UserError):
                Line.write([line], {'quantity': 2})

    @with_transaction()
    def test_declared_exemption_and_reduction(self):
        "Declared categories count; the most favourable one applies"
        pool = Pool()
        Exemption = pool.get('onestop.fee.exemption')
        with set_company(create_payment_commune()):
            half, = Exemption.create([{'code': 'H50', 'name': "Half",
                        'criterion': 'elderly', 'rate': 50}])
            procedure = create_procedure()
            create_fee(procedure, 15000, exemptions=['HN', 'H50'])
            citizen = create_citizen(
                citizen_id='031050001234', birth_date=dt.date(1950, 1, 1))
            line, = create_dossier(procedure, citizen).fees
            self.assertEqual(line.exemption, half)
            self.assertEqual(line.amount, Decimal(7500))
            citizen.fee_exemptions = Exemption.search([('code', '=', 'HN')])
            citizen.save()
            line, = create_dossier(procedure, citizen).fees
            self.assertEqual(line.exemption.code, 'HN')
            self.assertEqual(line.amount, Decimal(0))

    @with_transaction()
    def test_fractional_fee_refused(self):
        "A fee is a whole number of đồng"
        Fee = Pool().get('onestop.procedure.fee')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            with self.assertRaises(UserError):
                Fee.create([{'procedure': procedure.id, 'name': "Lẻ",
                            'amount': Decimal('8000.5')}])
            with self.assertRaises(UserError):
                Fee.create([{'procedure': procedure.id, 'name': "Âm",
                            'amount': Decimal('-8000')}])

    @with_transaction()
    def test_vietqr_of_dossier(self):
        "Receiving opens a VietQR payment; the payload names the dossier"
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            payment, = dossier.payments
            self.assertEqual(payment.state, 'processing')
            self.assertEqual(payment.journal.process_method, 'vietqr')
            self.assertEqual(payment.amount, Decimal(8000))
            data = vietqr.parse(dossier.vietqr_payload)
            self.assertEqual((data['bin'], data['account'], data['amount']),
                (BIN, ACCOUNT, 8000))
            self.assertTrue(dossier.code.endswith(
                    dossier.payment_reference[-4:]))
            self.assertEqual(data['purpose'],
                f'{dossier.payment_reference} LE PHI')

    @with_transaction()
    def test_vietqr_png_decodes(self):
        "The QR image of the fee notice decodes to a valid payload"
        import zxingcpp
        from PIL import Image
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 25000)
            dossier = received(procedure, create_citizen())
            png, mimetype, *_ = dossier.vietqr_image()
            self.assertEqual(mimetype, 'image/png')
            result, = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
            self.assertEqual(result.format, zxingcpp.BarcodeFormat.QRCode)
            self.assertEqual(result.text, dossier.vietqr_payload)
            self.assertEqual(vietqr.parse(result.text)['amount'], 25000)
            self.assertEqual(result.text[-4:],
                f'{vietqr.crc16(result.text[:-4].encode()):04X}')

    @with_transaction()
    def test_pay_cash(self):
        "Cash at the counter: paid, e-receipt numbered, QR payment dropped"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 1250000)
            first = received(procedure, create_citizen())
            second = received(procedure, create_citizen())
            Dossier.pay_cash([first, second])
            self.assertEqual(first.payment_state, 'paid')
            self.assertEqual(first.amount_to_pay, Decimal(0))
            states = sorted((p.journal.process_method, p.state)
                for p in first.payments)
            self.assertEqual(states,
                [('cash', 'succeeded'), ('vietqr', 'failed')])
            receipt, = first.receipts
            self.assertEqual(receipt.amount_in_words,
                "Một triệu hai trăm năm mươi nghìn đồng")
            self.assertEqual(receipt.amount_text, "1.250.000 đ")
            self.assertEqual(receipt.method, 'cash')
            numbers = sorted(
                int(r.number) for r in first.receipts + second.receipts)
            self.assertEqual(numbers[1], numbers[0] + 1)
            with self.assertRaises(UserError):
                receipt.payer_name = "Khác"
                receipt.save()

    @with_transaction()
    def test_return_needs_payment(self):
        "The result is returned only once the fees are paid"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            Dossier.assign([dossier])
            Dossier.approve([dossier])
            with self.assertRaisesRegex(UserError, '8000'):
                Dossier.return_result([dossier])
            self.assertEqual(dossier.state, 'ready')
            Dossier.pay_cash([dossier])
            Dossier.return_result([dossier])
            self.assertEqual(dossier.state, 'returned')

    @with_transaction()
    def test_return_without_payment_rule(self):
        "A procedure may let the result go before payment"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            procedure.payment_before_return = False
            procedure.save()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            Dossier.assign([dossier])
            Dossier.approve([dossier])
            Dossier.return_result([dossier])
            self.assertEqual(dossier.state, 'returned')
            self.assertEqual(dossier.payment_state, 'to_pay')

    @with_transaction()
    def test_match_exact_and_tolerant(self):
        "Dots, dashes, spaces and case stripped; the full code works too"
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            first = received(procedure, create_citizen())
            second = received(procedure, create_citizen())
            vietqr_journal = journal(company, 'vietqr')
            reference = first.payment_reference
            spaced = (f'{reference[:2].lower()} {reference[2:8]}'
                f'-{reference[8:]}')
            line = bank_line(vietqr_journal,
                f'MBVCB.4525077405.{spaced} le phi.CT tu 0351000646393',
                8000, 'FT1')
            self.assertEqual(line.state, 'matched')
            self.assertEqual(line.dossier, first)
            self.assertEqual(first.payment_state, 'paid')
            # the QR payment waiting for it is the one that succeeded
            payment, = first.payments
            self.assertEqual(payment, line.payment)
            self.assertEqual(payment.state, 'succeeded')
            self.assertEqual(len(first.receipts), 1)
            line = bank_line(vietqr_journal,
                f'NOP PHI HO SO {second.code.replace(".", "")}', 8000, 'FT2')
            self.assertEqual((line.state, line.dossier), ('matched', second))

    @with_transaction()
    def test_match_queue(self):
        "Under- and over-payments, unknown codes, duplicates wait for review"
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossiers = [received(procedure, create_citizen())
                for _ in range(4)]
            vq = journal(company, 'vietqr')
            refs = [d.payment_reference for d in dossiers]
            under = bank_line(vq, f'{refs[0]} LE PHI', 5000, 'U')
            over = bank_line(vq, f'{refs[1]} LE PHI', 10000, 'O')
            unknown = bank_line(vq, 'HS9912310001 LE PHI', 8000, 'X')
            nothing = bank_line(vq, 'CHUYEN TIEN', 8000, 'N')
            first = bank_line(vq, f'{refs[2]} LE PHI', 8000, 'D1')
            again = bank_line(vq, f'{refs[2]} LE PHI', 8000, 'D2')
            both = bank_line(vq, f'{refs[3]} {refs[0]}', 8000, 'B')
            self.assertEqual(
                [(l.state, l.reason) for l in [under, over, unknown, nothing,
                        first, again, both]],
                [('queued', 'underpaid'), ('queued', 'overpaid'),
                    ('queued', 'unknown'), ('queued', 'unknown'),
                    ('matched', None), ('queued', 'duplicate'),
                    ('queued', 'ambiguous')])
            self.assertEqual(under.dossier, dossiers[0])
            self.assertEqual(dossiers[0].payment_state, 'to_pay')
            self.assertEqual(dossiers[2].payment_state, 'paid')

    @with_transaction()
    def test_match_same_pass_duplicates(self):
        "Two credits for one dossier in one statement: the first matches"
        BankLine = Pool().get('onestop.bank.line')
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            ids, known = BankLine.from_statement(journal(company, 'vietqr'), [
                    {'transaction_id': t, 'date': dt.date(2026, 3, d),
                        'amount': Decimal(8000), 'payer_name': None,
                        'description': dossier.payment_reference}
                    for t, d in [('LATE', 3), ('EARLY', 2)]])
            self.assertEqual(known, 0)
            lines = {l.transaction_id: (l.state, l.reason)
                for l in BankLine.browse(ids)}
            self.assertEqual(lines, {'EARLY': ('matched', None),
                    'LATE': ('queued', 'duplicate')})

    @with_transaction()
    def test_match_cut_reference(self):
        "A reference cut by the bank matches only when one dossier fits"
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            day = dt.datetime(2026, 3, 2, 2)
            first = received(procedure, create_citizen(), received_at=day)
            vq = journal(company, 'vietqr')
            cut = first.payment_reference[:-1]
            line = bank_line(vq, f'CT TU 0351000646393 NGUYEN VAN AN {cut}',
                8000, 'C1')
            self.assertEqual((line.state, line.dossier), ('matched', first))
            second = received(procedure, create_citizen(), received_at=day)
            line = bank_line(vq, f'CT TU NGUYEN VAN BINH {cut}', 8000, 'C2')
            self.assertEqual((line.state, line.reason),
                ('queued', 'ambiguous'))
            self.assertEqual(set(line.candidates), {first, second})
            self.assertIsNone(line.dossier)

    @with_transaction()
    def test_match_stays_in_commune(self):
        "A reference of another commune's dossier is unknown here"
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
        other = create_payment_commune("UBND xã Gia Lương",
            '000.31.10998', account='9876543210')
        with set_company(other):
            line = bank_line(journal(other, 'vietqr'),
                dossier.payment_reference, 8000, 'G1')
            self.assertEqual((line.state, line.reason), ('queued', 'unknown'))

    @with_transaction()
    def test_manual_match(self):
        "One click matches a queued line to the dossier chosen"
        BankLine = Pool().get('onestop.bank.line')
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            line = bank_line(journal(company, 'vietqr'),
                'NGUYEN VAN AN NOP LE PHI', 8000, 'M1')
            self.assertEqual(line.reason, 'unknown')
            with self.assertRaises(UserError):
                BankLine.match([line])
            line.dossier = dossier
            line.save()
            BankLine.match([line])
            self.assertEqual(line.state, 'matched')
            self.assertEqual(line.matched_by.id, Transaction().user)
            self.assertEqual(dossier.payment_state, 'paid')
            self.assertEqual(line.payment.state, 'succeeded')

    @with_transaction()
    def test_statement_reimport(self):
        "A statement imported twice records each line once"
        BankLine = Pool().get('onestop.bank.line')
        rows = [{'transaction_id': 'S1', 'date': dt.date(2026, 3, 2),
                'amount': Decimal(8000), 'description': 'X',
                'payer_name': None},
            {'transaction_id': 'S2', 'date': dt.date(2026, 3, 2),
                'amount': Decimal(-3000), 'description': 'PHI SMS',
                'payer_name': None}]
        company = create_payment_commune()
        with set_company(company):
            vq = journal(company, 'vietqr')
            ids, known = BankLine.from_statement(vq, rows)
            self.assertEqual((len(ids), known), (2, 0))
            self.assertEqual(sorted(l.state for l in BankLine.browse(ids)),
                ['ignored', 'queued'])
            ids, known = BankLine.from_statement(vq, rows)
            self.assertEqual((ids, known), ([], 2))
            self.assertEqual(BankLine.search_count([]), 2)

    @with_transaction()
    def test_refund_on_refusal(self):
        "Refusing a paid dossier refunds it; the refund is then paid"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            Dossier.pay_cash([dossier])
            dossier.refusal_reason = "Không đủ điều kiện"
            dossier.save()
            Dossier.refuse([dossier])
            self.assertEqual(dossier.payment_state, 'refunding')
            refund, = [p for p in dossier.payments if p.kind == 'payable']
            self.assertEqual((refund.amount, refund.state),
                (Decimal(8000), 'submitted'))
            self.assertEqual(refund.journal.process_method, 'cash')
            Dossier.pay_refunds([dossier])
            self.assertEqual(refund.state, 'succeeded')
            self.assertEqual(dossier.payment_state, 'refunded')
            self.assertEqual(dossier.amount_paid, Decimal(0))
            self.assertEqual(dossier.amount_to_pay, Decimal(0))

    @with_transaction()
    def test_refusal_unpaid_drops_qr_payment(self):
        "Refusing an unpaid dossier leaves nothing to pay"
        Dossier = Pool().get('onestop.dossier')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            dossier.refusal_reason = "Không đủ điều kiện"
            dossier.save()
            Dossier.refuse([dossier])
            payment, = dossier.payments
            self.assertEqual(payment.state, 'failed')
            self.assertEqual(dossier.amount_to_pay, Decimal(0))
            self.assertEqual(dossier.payment_state, 'none')
            self.assertIsNone(dossier.vietqr_payload)

    @with_transaction()
    def test_cashless_figures(self):
        "The cashless rate against numbers computed by hand"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Cashless = pool.get('onestop.payment.cashless')
        Figure = pool.get('onestop.payment.figure')
        company = create_payment_commune()
        with set_company(company):
            procedure = create_procedure()
            create_fee(procedure, 10000)
            other = create_procedure(code='2.000001')
            create_fee(other, 30000)
            vq = journal(company, 'vietqr')
            # 3 cash (10 000, 10 000, 30 000), 2 transfers (10 000, 30 000)
            cash = [received(procedure, create_citizen()) for _ in range(2)]
            cash.append(received(other, create_citizen()))
            Dossier.pay_cash(cash)
            # payments are dated in Vietnam time
            today, = {p.date for p in cash[0].payments}
            for proc, tx in [(procedure, 'T1'), (other, 'T2')]:
                dossier = received(proc, create_citizen())
                bank_line(vq, dossier.payment_reference,
                    dossier.amount_to_pay, tx, date=today)
            received(procedure, create_citizen())  # not paid: not counted
            row, = Cashless.search([])
            self.assertEqual((row.company, row.year, row.month),
                (company, today.year, today.month))
            self.assertEqual((row.payments, row.cashless_payments), (5, 2))
            self.assertAlmostEqual(row.rate, 40.0)
            self.assertEqual((row.amount, row.cashless_amount),
                (Decimal(90000), Decimal(40000)))
            self.assertAlmostEqual(row.amount_rate, 40000 * 100 / 90000)
            figures = {(f.method, f.procedure.code): (f.payments, f.amount)
                for f in Figure.search([])}
            self.assertEqual(figures, {
                    ('cash', procedure.code): (2, Decimal(20000)),
                    ('cash', '2.000001'): (1, Decimal(30000)),
                    ('vietqr', procedure.code): (1, Decimal(10000)),
                    ('vietqr', '2.000001'): (1, Decimal(30000)),
                    })
            with Transaction().set_context(from_date=today
                    + dt.timedelta(days=1)):
                self.assertEqual(Cashless.search([]), [])

    @with_transaction()
    def test_receipt_pdf(self):
        "The e-receipt prints to PDF with its QR code"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Report = pool.get('onestop.receipt', type='report')
        Notice = pool.get('onestop.dossier.payment_notice', type='report')
        with set_company(create_payment_commune()):
            procedure = create_procedure()
            create_fee(procedure, 8000)
            dossier = received(procedure, create_citizen())
            extension, content, _, _ = Notice.execute([dossier.id], {})
            self.assertEqual(extension, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
            Dossier.pay_cash([dossier])
            receipt, = dossier.receipts
            extension, content, _, name = Report.execute([receipt.id], {})
            self.assertEqual(extension, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))


del ModuleTestCase
