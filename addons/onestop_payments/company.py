# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"The commune's collection account: where VietQR transfers go"
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import PoolMeta

from . import vietqr


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    collection_bank_bin = fields.Char("Bank BIN", size=6,
        help="6-digit bank identification number of the collection "
        "account's bank (970405 for Agribank).")
    collection_account_number = fields.Char("Collection Account Number",
        size=19)
    collection_account_name = fields.Char("Collection Account Name",
        help="The account holder's name as the bank shows it.")

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names & {
                'collection_bank_bin', 'collection_account_number'}:
            for company in companies:
                company.check_collection_account()

    def check_collection_account(self):
        if not (self.collection_bank_bin or self.collection_account_number):
            return
        try:
            vietqr.build(self.collection_bank_bin or '',
                self.collection_account_number or '')
        except vietqr.VietQRError:
            raise ValidationError(gettext(
                    'onestop_payments.msg_collection_account',
                    company=self.rec_name,
                    bin=self.collection_bank_bin or '',
                    account=self.collection_account_number or '')) from None

    def vietqr_payload(self, amount=None, purpose=None, bill=None):
        "The VietQR payload of a transfer to the collection account"
        if not (self.collection_bank_bin and self.collection_account_number):
            return None
        return vietqr.build(self.collection_bank_bin,
            self.collection_account_number, amount, purpose, bill=bill)
