# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Helpers shared by the one-stop modules' tests"
from decimal import Decimal

from trytond.modules.company.tests import create_company
from trytond.pool import Pool


def create_commune(name="UBND xã Gia Lộc", agency_code='000.31.10999'):
    "A commune as a company in VND, Vietnam time"
    Currency = Pool().get('currency.currency')
    vnd, = Currency.search([('code', '=', 'VND')]) or Currency.create([{
                'name': "Việt Nam Đồng", 'code': 'VND', 'symbol': '₫',
                'digits': 0, 'rounding': Decimal(1)}])
    company = create_company(name, currency=vnd)
    company.timezone = 'Asia/Ho_Chi_Minh'
    company.agency_code = agency_code
    company.save()
    return company


def create_procedure(code='1.004873', unit='day', time=3, documents=(
            ("Tờ khai", True), ("Giấy tờ chứng minh", False))):
    pool = Pool()
    Field = pool.get('onestop.procedure.field')
    Procedure = pool.get('onestop.procedure')
    field, = Field.search([('code', '=', 'HT')]) or Field.create([{
                'code': 'HT', 'name': "Hộ tịch"}])
    procedure, = Procedure.create([{
                'code': code, 'name': "Cấp Giấy xác nhận tình trạng hôn nhân",
                'field': field.id, 'processing_time': time,
                'processing_unit': unit,
                'documents': [('create', [
                                {'name': n, 'mandatory': m}
                                for n, m in documents])],
                'steps': [('create', [
                                {'name': "Tiếp nhận", 'share': 10,
                                    'role': 'officer', 'sequence': 10},
                                {'name': "Thẩm định", 'share': 60,
                                    'role': 'specialist', 'sequence': 20},
                                {'name': "Ký duyệt", 'share': 20,
                                    'role': 'approver', 'sequence': 30},
                                {'name': "Trả kết quả", 'share': 10,
                                    'role': 'officer', 'sequence': 40},
                                ])],
                }])
    return procedure


def create_citizen(name="Nguyễn Văn An", citizen_id='031095001234',
        birth_date=None, gender='male'):
    import datetime as dt
    Party = Pool().get('party.party')
    party, = Party.create([{
                'name': name, 'gender': gender,
                'birth_date': birth_date or dt.date(1995, 3, 2),
                'identifiers': [('create', [
                                {'type': 'vn_cccd', 'code': citizen_id}])],
                'contact_mechanisms': [('create', [
                                {'type': 'mobile', 'value': '0912345678'}])],
                }])
    return party


def create_dossier(procedure, applicant, **values):
    Dossier = Pool().get('onestop.dossier')
    dossier = Dossier(procedure=procedure, applicant=applicant)
    dossier.on_change_applicant()
    dossier.on_change_procedure()
    for name, value in values.items():
        setattr(dossier, name, value)
    for component in dossier.components:
        component.received = component.digitized = True
    dossier.save()
    return dossier


def setup_commune(config):
    "Scenario set-up: the commune Gia Lộc, officers' roles, and a procedure"
    from proteus import Model
    from trytond.modules.company.tests.tools import create_company

    Currency = Model.get('currency.currency', config=config)
    Party = Model.get('party.party', config=config)
    vnd = Currency(name="Việt Nam Đồng", code='VND', symbol='₫', digits=0,
        rounding=Decimal(1))
    vnd.save()
    create_company(Party(name="UBND xã Gia Lộc"), vnd, config=config)
    Company = Model.get('company.company', config=config)
    company, = Company.find()
    company.timezone = 'Asia/Ho_Chi_Minh'
    company.agency_code = '000.31.10999'
    company.save()

    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    for login, group in [('tiepnhan', 'One-Stop Officer'),
            ('chuyenvien', 'One-Stop Specialist'),
            ('lanhdao', 'One-Stop Approver')]:
        user = User(login=login, name=login)
        user.groups.append(Group.find([('name', '=', group)])[0])
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.save()
