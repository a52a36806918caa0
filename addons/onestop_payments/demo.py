# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Demo data of payments for xã Gia Lộc: the collection account and the
payment journals, fees on a handful of procedures, and the demo dossiers
paid in cash, paid by VietQR transfer or still to pay

Called by the procedures' demo once its dossiers exist; everything goes
through the module's own methods (the officer's buttons, the accountant's
statement import), as a commune would have done it."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

from onestop_procedures.dossier import CHANNELS

from .reference import normalize

# Agribank (BIN 970405, domain reference §5.3); a fictitious account number
# and the holder's name as the bank prints it
COLLECTION_ACCOUNT = {
    'collection_bank_bin': '970405',
    'collection_account_number': '2100205001999',
    'collection_account_name': 'UBND XA GIA LOC',
    }
JOURNALS = [
    ('cash', "Tiền mặt tại Bộ phận Một cửa"),
    ('vietqr', "Chuyển khoản VietQR - Agribank"),
    ('ewallet', "Ví điện tử"),
    ]
# exemptions of the module's data (procedure.xml) by code
CIVIL_STATUS_EXEMPTIONS = ['KT', 'NCC', 'HN']  # Luật Hộ tịch 2014, Điều 11
RESIDENCE_EXEMPTIONS = ['TE', 'NCT', 'KT', 'NCC', 'HN', 'DTTS', 'BTXH']
# Civil-status charges are set by the city's People's Council: the amounts
# below are an illustration for the demo, to check against the resolution
CITY_CHARGES = ("Luật Hộ tịch 2014, Điều 11; mức thu theo Nghị quyết của "
    "HĐND thành phố Hải Phòng (số liệu minh họa)")
# procedure code, name, kind, unit, amount (at the counter, online),
# other values, exemptions, legal basis: domain reference §6.2.  Domestic
# marriage registration and on-time birth registration are free for
# everyone (Luật Hộ tịch 2014, Điều 11): they have no fee.
FEES = [
    ('2.000815', "Phí chứng thực bản sao từ bản chính", 'fee', 'page',
        (2000, 2000),
        {'first_pages': 2, 'next_amount': Decimal(1000),
            'cap': Decimal(200000)},
        [], "Thông tư 226/2016/TT-BTC"),
    ('2.000884', "Phí chứng thực chữ ký", 'fee', 'dossier', (10000, 10000),
        {}, [], "Thông tư 226/2016/TT-BTC"),
    ('2.000635', "Phí cấp bản sao trích lục hộ tịch", 'fee', 'copy',
        (8000, 8000), {}, [], "Thông tư 281/2016/TT-BTC"),
    ('1.004873', "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 'charge',
        'dossier', (10000, 10000), {}, CIVIL_STATUS_EXEMPTIONS,
        CITY_CHARGES),
    ('1.004884', "Lệ phí đăng ký lại khai sinh", 'charge', 'dossier',
        (5000, 5000), {}, CIVIL_STATUS_EXEMPTIONS, CITY_CHARGES),
    ('1.004746', "Lệ phí đăng ký lại kết hôn", 'charge', 'dossier',
        (10000, 10000), {}, CIVIL_STATUS_EXEMPTIONS, CITY_CHARGES),
    ('1.004222', "Lệ phí đăng ký thường trú", 'charge', 'dossier',
        (20000, 10000), {}, RESIDENCE_EXEMPTIONS, "Thông tư 75/2022/TT-BTC"),
    ('1.004194', "Lệ phí đăng ký tạm trú", 'charge', 'dossier',
        (15000, 7000), {}, RESIDENCE_EXEMPTIONS, "Thông tư 75/2022/TT-BTC"),
    ]
# the demo's citizens (by citizen ID) and what they pay
CASH = '031070002468'  # Lê Văn Cường: 3 certified copies of 5 pages
COPIES, PAGES = 3, 5
TRANSFERS = ['031190009753', '031060001357']  # Bùi Thị Lan, Vũ Văn Hải
POOR_HOUSEHOLD = '031085003579'  # Hoàng Văn Em
# what the citizen showed for an exemption, by exemption code
EVIDENCE = {'HN': "Giấy chứng nhận hộ nghèo số 47/GCN-UBND"}


def load(company):
    "The payments part of the demo commune"
    _load_account(company)
    _load_fees()
    _load_payments(company)


def _load_account(company):
    Journal = Pool().get('account.payment.journal')
    for name, value in COLLECTION_ACCOUNT.items():
        setattr(company, name, value)
    company.save()
    Journal.save([Journal(name=name, process_method=method, company=company,
                currency=company.currency) for method, name in JOURNALS])


def _load_fees():
    pool = Pool()
    Procedure = pool.get('onestop.procedure')
    Fee = pool.get('onestop.procedure.fee')
    Exemption = pool.get('onestop.fee.exemption')
    fees = []
    for (code, name, kind, unit, (amount, online), values, exemptions,
            legal_basis) in FEES:
        procedure, = Procedure.search(
            [('code', '=', code), ('in_force', '=', True)])
        exemptions = Exemption.search([('code', 'in', exemptions)])
        # TT 75/2022: online registration costs less than the other channels
        channels = ([(None, amount)] if amount == online
            else [(c, online if c == 'online' else amount)
                for c, _ in CHANNELS])
        for channel, channel_amount in channels:
            fees.append(Fee(procedure=procedure, name=name, kind=kind,
                    unit=unit, amount=Decimal(channel_amount),
                    channel=channel, legal_basis=legal_basis,
                    exemptions=exemptions, **values))
    Fee.save(fees)


def _load_payments(company):
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    Line = pool.get('onestop.dossier.fee')
    Exemption = pool.get('onestop.fee.exemption')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    officer, = User.search([('login', '=', 'tiepnhan')])
    poor_household, = Exemption.search([('code', '=', 'HN')])
    citizen, = Party.search([('citizen_id', '=', POOR_HOUSEHOLD)])
    Party.write([citizen], {'fee_exemptions': [('add', [poor_household.id])]})
    dossiers = {d.applicant.citizen_id: d for d in Dossier.search(
            [('company', '=', company.id)])}

    # registered online: the lines are filled as the officer's button does
    Dossier.compute_fees([d for d in dossiers.values() if d.state == 'draft'])
    # received before the fees existed: the lines receiving fills, with the
    # evidence of the exemption shown and accepted by the officer
    received = [d for d in dossiers.values() if d.state != 'draft']
    lines = []
    for dossier in received:
        for line in dossier.fee_lines():
            line.dossier = dossier
            if dossier.applicant.citizen_id == CASH:
                line.quantity, line.pages = COPIES, PAGES
            if line.exemption:
                line.exemption_evidence = EVIDENCE[line.exemption.code]
                line.exemption_accepted_by = officer
            lines.append(line)
    Line.save(lines)
    received = Dossier.browse(received)
    # the VietQR codes printed on the fee notices at intake
    Dossier.expect_transfers(received)

    with Transaction().set_user(officer.id):
        Dossier.pay_cash([dossiers[CASH]])
    _import_statement(company, [dossiers[c] for c in TRANSFERS])


def _import_statement(company, paid):
    """The accountant imports the Agribank statement of the last two days:
    the transfers for the dossiers paid are matched, a donation without a
    dossier reference is left for review, the bank's charge is ignored"""
    pool = Pool()
    Dossier = pool.get('onestop.dossier')
    Journal = pool.get('account.payment.journal')
    BankLine = pool.get('onestop.bank.line')
    Format = pool.get('onestop.bank.statement.format')
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    accountant, = User.search([('login', '=', 'ketoan')])
    journal = Journal.get_default(company, 'vietqr')
    agribank = Format(ModelData.get_id(
            'onestop_payments', 'statement_format_agribank'))
    today = pool.get('ir.date').today()
    rows = ['Ngày GD;Số bút toán;Phát sinh nợ;Phát sinh có;Nội dung;'
        'Tên đối ứng']
    for number, dossier in enumerate(Dossier.browse(paid), 1):
        day = today - dt.timedelta(days=len(paid) - number + 1)
        payer = _bank_text(dossier.applicant_name)
        rows.append(f'{day:%d/%m/%Y};2100{day:%y%m%d}{number:05d};;'
            f'{_amount(dossier.amount_to_pay)};'
            f'MBVCB.{8810 + number}.{dossier.payment_reference} LE PHI.'
            f'CT tu 03510006463{number:02d} {payer};{payer}')
    day = today - dt.timedelta(days=1)
    rows += [
        f'{day:%d/%m/%Y};2100{day:%y%m%d}00091;;200.000;'
        'NGUYEN VAN TAM UNG HO QUY KHUYEN HOC XA GIA LOC;NGUYEN VAN TAM',
        f'{day:%d/%m/%Y};2100{day:%y%m%d}00092;11.000;;'
        'PHI QUAN LY TAI KHOAN THANG;',
        ]
    data = '\n'.join(rows).encode('utf-8')
    with Transaction().set_user(accountant.id):
        BankLine.from_statement(journal, agribank.parse(data),
            f'agribank-sao-ke-{day:%Y%m%d}.csv')


def _amount(value):
    "As Agribank writes it: dots between thousands"
    return f'{int(value):,}'.replace(',', '.')


def _bank_text(text):
    "Upper case without diacritics, as banks print names"
    return ' '.join(normalize(word) for word in text.split())
