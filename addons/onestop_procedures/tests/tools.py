# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Helpers shared by the one-stop modules' tests"
from decimal import Decimal
from unittest.mock import Mock, patch

from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction


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


def create_specialists():
    "Two users to hand dossiers over to"
    return Pool().get('res.user').create([
            {'login': 'chuyenvien1', 'name': "Chuyên viên Một"},
            {'login': 'chuyenvien2', 'name': "Chuyên viên Hai"}])


def load_vietnamese(modules=('onestop_procedures',)):
    "Vietnamese as a commune's database has it: the modules' vi.po loaded"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    Lang.write(Lang.search([('code', '=', 'vi')]), {'translatable': True})
    for module in modules:
        with file_open(f'{module}/locale/vi.po') as po:
            Translation.translation_import('vi', module, [po.name])


def listed_indicators(from_date, to_date):
    """The scorecard's indicators listed without communes, failing if a
    query runs"""
    Scorecard = Pool().get('onestop.scorecard')
    Scorecard.indicators([], from_date, to_date)  # the messages in the cache
    connection = Mock()
    connection.cursor.side_effect = AssertionError("a query was run")
    with patch.object(Transaction(), 'connection', connection):
        return Scorecard.indicators([], from_date, to_date)


def render_report(name, ids, extension='odt', data=None):
    """Execute the report name on ids with a copy of its action (the
    module's cannot be changed; extension '' is the template's): its format
    and content"""
    pool = Pool()
    ActionReport = pool.get('ir.action.report')
    Report = pool.get(name, type='report')
    action, = ActionReport.search([('report_name', '=', name)],
        order=[('id', 'ASC')], limit=1)
    action, = ActionReport.copy([action], {
            'extension': '' if extension == 'odt' else extension})
    oext, content, _, _ = Report.execute(
        ids, dict(data or {}, action_id=action.id))
    return oext, bytes(content)


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
