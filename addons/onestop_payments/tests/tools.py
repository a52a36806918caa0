# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Helpers shared by the payments tests"
import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal

from trytond.pool import Pool

from onestop_procedures.tests.tools import (
    create_citizen, create_commune, create_dossier, create_procedure)

__all__ = ['create_citizen', 'create_dossier', 'create_procedure',
    'create_payment_commune', 'add_collection', 'create_fee', 'signed',
    'BIN', 'ACCOUNT']

BIN, ACCOUNT = '970405', '1234567890123'


JOURNALS = {
    'cash': "Tiền mặt",
    'vietqr': "Chuyển khoản VietQR",
    'ewallet': "Ví điện tử",
    }


def create_payment_commune(name="UBND xã Gia Lộc",
        agency_code='000.31.10999', account=ACCOUNT):
    """A commune with its collection account and three journals: cash,
    VietQR transfer, e-wallet"""
    company = create_commune(name, agency_code)
    add_collection(company, account)
    return company


def add_collection(company, account=ACCOUNT, methods=tuple(JOURNALS)):
    "The collection account of a commune and its journals of methods"
    Journal = Pool().get('account.payment.journal')
    company.collection_bank_bin = BIN
    company.collection_account_number = account
    company.collection_account_name = 'UBND XA GIA LOC'
    company.save()
    Journal.create([{
                'name': JOURNALS[method], 'process_method': method,
                'company': company.id, 'currency': company.currency.id,
                'notification_secret': f'secret-{method}-{company.id}',
                } for method in methods])


def create_fee(procedure, amount=8000, unit='dossier', exemptions=(),
        **values):
    Fee = Pool().get('onestop.procedure.fee')
    Exemption = Pool().get('onestop.fee.exemption')
    fee, = Fee.create([{
                'procedure': procedure.id,
                'name': values.pop('name', "Lệ phí cấp giấy xác nhận"),
                'amount': Decimal(amount), 'unit': unit,
                'exemptions': [('add', [
                                e.id for e in Exemption.search([
                                        ('code', 'in', list(exemptions))])])],
                **values}])
    return fee


def signed(secret, data, timestamp=None, body=None):
    """(body, headers) of a notification as a bank signs it: data as JSON,
    or the raw body given"""
    if body is None:
        body = json.dumps(data).encode('utf-8')
    timestamp = int(timestamp if timestamp is not None
        else dt.datetime.now(dt.timezone.utc).timestamp())
    signature = hmac.new(secret.encode('utf-8'),
        str(timestamp).encode('ascii') + b'.' + body,
        hashlib.sha256).hexdigest()
    return body, {
        'X-Timestamp': str(timestamp),
        'X-Signature': f'sha256={signature}',
        'Content-Type': 'application/json',
        }


def setup_payments(config):
    """Scenario set-up: the commune Gia Lộc with its officers, an
    accountant, the collection account and the three payment journals"""
    from proteus import Model

    from onestop_procedures.tests.tools import setup_commune

    setup_commune(config)
    Company = Model.get('company.company', config=config)
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Journal = Model.get('account.payment.journal', config=config)
    company, = Company.find()
    company.collection_bank_bin = BIN
    company.collection_account_number = ACCOUNT
    company.collection_account_name = 'UBND XA GIA LOC'
    company.save()
    user = User(login='ketoan', name='ketoan')
    user.groups.append(
        Group.find([('name', '=', 'One-Stop Accountant')])[0])
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.save()
    for name, method in [("Tiền mặt", 'cash'),
            ("Chuyển khoản VietQR", 'vietqr'), ("Ví điện tử", 'ewallet')]:
        Journal(name=name, process_method=method, company=company,
            currency=company.currency).save()
