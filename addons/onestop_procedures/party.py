# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Citizens as parties: citizen ID, date of birth and the flags fees depend on"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta

from .identity import check_citizen_id

# Law on the Elderly 2009, art. 2: citizens aged 60 and over
ELDERLY_AGE = 60


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.identifier_types.selection.append(
            ('vn_cccd', "Vietnamese Citizen ID"))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    citizen_id = fields.Function(
        fields.Char("Citizen ID"), 'get_citizen_id',
        searcher='search_citizen_id')
    birth_date = fields.Date("Date of Birth")
    gender = fields.Selection([
            (None, ''),
            ('male', "Male"),
            ('female', "Female"),
            ], "Gender")
    elderly = fields.Function(
        fields.Boolean("Elderly",
            help="Aged 60 or over (Law on the Elderly)."),
        'on_change_with_elderly')
    disability = fields.Boolean("Person with Disability")
    social_protection = fields.Boolean("Social Protection Beneficiary",
        help="Receives social allowances (poor or near-poor household, "
        "people with merit, ...).")

    @classmethod
    def default_disability(cls):
        return False

    @classmethod
    def default_social_protection(cls):
        return False

    def get_citizen_id(self, name):
        for identifier in self.identifiers:
            if identifier.type == 'vn_cccd':
                return identifier.code

    @classmethod
    def search_citizen_id(cls, name, clause):
        _, operator, *value = clause
        return [('identifiers', 'where', [
                    ('type', '=', 'vn_cccd'),
                    ('code', operator, *value),
                    ])]

    @fields.depends('birth_date')
    def on_change_with_elderly(self, name=None):
        if not self.birth_date:
            return False
        today = Pool().get('ir.date').today()
        age = today.year - self.birth_date.year - (
            (today.month, today.day)
            < (self.birth_date.month, self.birth_date.day))
        return age >= ELDERLY_AGE

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        if field_names & {'birth_date', 'gender'}:
            for party in parties:
                party.check_birth_date()
                for identifier in party.identifiers:
                    identifier.check_citizen_id()

    def check_birth_date(self):
        if self.birth_date and self.birth_date > dt.date.today():
            raise ValidationError(gettext(
                    'onestop_procedures.msg_birth_date_future',
                    party=self.rec_name))


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def validate_fields(cls, identifiers, field_names):
        super().validate_fields(identifiers, field_names)
        if field_names & {'type', 'code'}:
            for identifier in identifiers:
                identifier.check_citizen_id()

    def check_citizen_id(self):
        if self.type != 'vn_cccd':
            return
        error = check_citizen_id(
            self.code, self.party.birth_date, self.party.gender)
        if error:
            raise ValidationError(gettext(
                    f'onestop_procedures.msg_citizen_id_{error}',
                    code=self.code, party=self.party.rec_name))
