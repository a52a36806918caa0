# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Demo data: xã Gia Lộc (thành phố Hải Phòng), which absorbed Gia Lương in
the 2025 reform, with one user per role and the starter catalogue"""
import datetime as dt
import importlib
from decimal import Decimal

from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction, TransactionError

# login, password, group, name
USERS = [
    ('tiepnhan', 'GiaLoc@TiepNhan1', 'officer', "Nguyễn Thị Hoa"),
    ('chuyenvien', 'GiaLoc@XuLy2', 'specialist', "Trần Văn Nam"),
    ('lanhdao', 'GiaLoc@KyDuyet3', 'approver', "Phạm Quốc Hưng"),
    ('ketoan', 'GiaLoc@KeToan4', 'accountant', "Lê Thị Mai"),
    ('baocao', 'GiaLoc@BaoCao5', 'leader', "Vũ Đức Thắng"),
    ('quantri', 'GiaLoc@QuanTri6', 'admin', "Đỗ Minh Quân"),
    ]
COMPANY_NAME = "Ủy ban nhân dân xã Gia Lộc"


def load(database):
    "Load the demo commune once; return the logins (login, password, role)"
    Pool(database).init()
    extras = {}
    while True:
        with Transaction().start(database, 0, context={'language': 'vi'},
                **extras) as transaction:
            pool = Pool()
            Company = pool.get('company.company')
            Group = pool.get('res.group')
            ModelData = pool.get('ir.model.data')
            logins = []
            for login, password, role, _ in USERS:
                group = Group(ModelData.get_id(
                        'onestop_procedures', f'group_onestop_{role}'))
                logins.append((login, password, group.rec_name))
            if not Company.search([('party.name', '=', COMPANY_NAME)]):
                try:
                    _load()
                except TransactionError as error:
                    # numbering an e-receipt locks its sequence: start
                    # again with it locked, as trytond's dispatcher does
                    transaction.rollback()
                    error.fix(extras)
                    continue
        return logins


def _load():
    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    Calendar = pool.get('onestop.calendar')

    vnd, = Currency.search([('code', '=', 'VND')]) or Currency.create([{
                'name': "Việt Nam Đồng", 'code': 'VND', 'numeric_code': '704',
                'symbol': '₫', 'digits': 0, 'rounding': Decimal(1),
                }])
    calendar = Calendar(name="Lịch làm việc xã Gia Lộc")
    calendar.save()
    party = Party(name=COMPANY_NAME, addresses=[{
                'street': "Trụ sở UBND xã Gia Lộc",
                'city': "thành phố Hải Phòng"}])
    party.save()
    # Decision 19/2025/QĐ-TTg: Hải Phòng is 31, xã Gia Lộc keeps 10999 from
    # the old Gia Lộc town; the agency identifier is an illustration
    company = Company(party=party, currency=vnd,
        timezone='Asia/Ho_Chi_Minh', province_code='31', unit_code='10999',
        agency_code='000.31.10999', calendar=calendar)
    company.save()

    vi, = Lang.search([('code', '=', 'vi')])
    admin, = User.search([('login', '=', 'admin')])
    admin.companies = [company]
    admin.company = company
    admin.language = vi
    admin.save()
    for login, password, role, name in USERS:
        person = Party(name=name)
        person.save()
        employee = Employee(party=person, company=company)
        employee.save()
        user = User(login=login, name=name, password=password, language=vi,
            companies=[company], company=company, employees=[employee],
            employee=employee, groups=[ModelData.get_id(
                    'onestop_procedures', f'group_onestop_{role}')],
            # leaders read every commune they oversee at once
            company_filter='all' if role == 'leader' else 'one')
        user.save()

    with Transaction().set_context(company=company.id):
        _load_catalogue()
        _load_dossiers(company)
        # the other modules add their part of the demo when activated
        Module = pool.get('ir.module')
        for module in ['onestop_payments', 'onestop_survey']:
            if Module.search(
                    [('name', '=', module), ('state', '=', 'activated')]):
                importlib.import_module(f'{module}.demo').load(company)


def _load_catalogue():
    from .procedure import import_catalogue
    files = []
    for name in ['procedures', 'documents', 'steps']:
        with file_open(f'onestop_procedures/data/{name}.csv', 'rb') as fp:
            files.append(fp.read())
    import_catalogue(*files)


# citizen, citizen ID, date of birth, gender, procedure code, channel,
# days ago it was submitted, the steps it went through
DOSSIERS = [
    ("Nguyễn Văn An", '031095001234', dt.date(1995, 3, 2), 'male',
        '1.001193', 'online', 0, []),
    ("Trần Thị Bình", '031188004321', dt.date(1988, 7, 9), 'female',
        '1.004873', 'online', 0, []),
    ("Lê Văn Cường", '031070002468', dt.date(1970, 1, 15), 'male',
        '2.000815', 'counter', 0, ['receive']),
    ("Phạm Thị Dung", '031192008642', dt.date(1992, 11, 30), 'female',
        '1.001612', 'counter', 1, ['receive', 'assign']),
    ("Hoàng Văn Em", '031085003579', dt.date(1985, 5, 5), 'male',
        '1.004194', 'postal', 2, ['receive', 'assign', 'request_supplement']),
    ("Đỗ Thị Giang", '031199007531', dt.date(1999, 2, 14), 'female',
        '1.004873', 'counter', 2, ['receive', 'assign', 'submit_approval']),
    ("Vũ Văn Hải", '031060001357', dt.date(1960, 9, 2), 'male',
        '1.004884', 'counter', 3, ['receive', 'assign', 'submit_approval',
            'approve']),
    ("Bùi Thị Lan", '031190009753', dt.date(1990, 4, 30), 'female',
        '1.004873', 'counter', 4, ['receive', 'assign', 'submit_approval',
            'approve', 'return_result']),
    ("Ngô Văn Minh", '031078004680', dt.date(1978, 6, 1), 'male',
        '1.004222', 'postal', 20, ['receive', 'assign']),
    ]


def _load_dossiers(company):
    "A day at the counter: dossiers in every state, one of them overdue"
    pool = Pool()
    Party = pool.get('party.party')
    Procedure = pool.get('onestop.procedure')
    Dossier = pool.get('onestop.dossier')
    User = pool.get('res.user')
    officer, = User.search([('login', '=', 'tiepnhan')])
    specialist, = User.search([('login', '=', 'chuyenvien')])
    approver, = User.search([('login', '=', 'lanhdao')])
    actors = {
        'receive': officer, 'assign': officer, 'return_result': officer,
        'request_supplement': specialist, 'submit_approval': specialist,
        'approve': approver}
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for (name, citizen_id, birth_date, gender, code, channel, days,
            steps) in DOSSIERS:
        citizen = Party(name=name, birth_date=birth_date, gender=gender,
            identifiers=[{'type': 'vn_cccd', 'code': citizen_id}],
            contact_mechanisms=[{'type': 'mobile',
                    'value': '09' + citizen_id[-8:]}])
        citizen.save()
        procedure, = Procedure.search(
            [('code', '=', code), ('in_force', '=', True)])
        submitted_at = now - dt.timedelta(days=days, hours=1)
        dossier = Dossier(company=company, procedure=procedure,
            applicant=citizen, channel=channel, submitted_at=submitted_at,
            received_at=submitted_at if channel == 'counter' and steps
            else None)
        dossier.on_change_applicant()
        dossier.on_change_procedure()
        for component in dossier.components:
            component.received = component.digitized = component.mandatory
        if 'request_supplement' in steps:
            dossier.supplement_items = "Bản sao giấy tờ chứng minh chỗ ở"
        if 'assign' in steps:
            dossier.assignee = specialist
        dossier.save()
        for step in steps:
            with Transaction().set_user(actors[step].id):
                getattr(Dossier, step)([Dossier(dossier.id)])
