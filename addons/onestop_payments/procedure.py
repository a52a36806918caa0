# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Fees of the procedures and the exemptions that reduce them"
import datetime as dt

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from onestop_procedures.dossier import CHANNELS

from .fees import fee_amount

FEE_KINDS = [
    ('charge', "Charge"),
    ('fee', "Fee"),
    ]
FEE_UNITS = [
    ('dossier', "Per Dossier"),
    ('copy', "Per Copy"),
    ('page', "Per Page of the Original"),
    ('person', "Per Person"),
    ]
CRITERIA = [
    ('declared', "Declared on the Citizen"),
    ('disability', "Person with Disability"),
    ('elderly', "Elderly"),
    ('child', "Child"),
    ('social_protection', "Social Protection Beneficiary"),
    ]
# Law on Children 2016, art. 1: a child is a person under 16
CHILD_AGE = 16


def age(birth_date, on):
    return on.year - birth_date.year - (
        (on.month, on.day) < (birth_date.month, birth_date.day))


class Procedure(metaclass=PoolMeta):
    __name__ = 'onestop.procedure'

    fees = fields.One2Many('onestop.procedure.fee', 'procedure', "Fees")
    payment_before_return = fields.Boolean("Payment Before Return",
        help="The result is returned only once the fees are paid.")

    @classmethod
    def default_payment_before_return(cls):
        return True

    def fees_at(self, date, channel):
        "The fee lines in force on date for a dossier filed through channel"
        return [f for f in self.fees
            if f.in_force_at(date) and f.channel in {None, channel}]


class Fee(sequence_ordered(), ModelSQL, ModelView):
    "Procedure Fee"
    __name__ = 'onestop.procedure.fee'
    __string__ = "Procedure Fee"

    procedure = fields.Many2One(
        'onestop.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    kind = fields.Selection(FEE_KINDS, "Kind", required=True,
        help="A charge (lệ phí) goes entirely to the state budget; a fee "
        "(phí) may be partly retained by the collecting body.")
    unit = fields.Selection(FEE_UNITS, "Unit", required=True)
    amount = fields.Numeric("Amount", digits=(16, 0), required=True,
        domain=[('amount', '>=', 0)],
        help="Per unit; for pages, the amount of each of the first pages.")
    first_pages = fields.Integer("First Pages",
        domain=['OR', ('first_pages', '=', None), ('first_pages', '>=', 0)],
        states={
            'invisible': Eval('unit') != 'page',
            'required': Eval('unit') == 'page',
            })
    next_amount = fields.Numeric("Amount per Further Page", digits=(16, 0),
        domain=['OR', ('next_amount', '=', None), ('next_amount', '>=', 0)],
        states={
            'invisible': Eval('unit') != 'page',
            'required': Eval('unit') == 'page',
            })
    cap = fields.Numeric("Cap per Copy", digits=(16, 0),
        domain=['OR', ('cap', '=', None), ('cap', '>', 0)],
        states={'invisible': Eval('unit') != 'page'})
    channel = fields.Selection([(None, "All Channels")] + CHANNELS,
        "Channel", help="Leave empty when the amount is the same whatever "
        "the channel; online submission often costs less.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>', Eval('start_date', None))])
    legal_basis = fields.Char("Legal Basis")
    exemptions = fields.Many2Many(
        'onestop.procedure.fee-onestop.fee.exemption', 'fee', 'exemption',
        "Exemptions and Reductions")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('procedure')
        cls._sql_indexes.add(
            Index(t, (t.procedure, Index.Equality())))

    @classmethod
    def default_kind(cls):
        return 'charge'

    @classmethod
    def default_unit(cls):
        return 'dossier'

    @classmethod
    def default_start_date(cls):
        return dt.date(2000, 1, 1)

    def in_force_at(self, date):
        return (self.start_date <= date
            and (not self.end_date or date < self.end_date))

    def compute(self, quantity=1, pages=0):
        "The amount for quantity units (copies) of pages pages"
        return fee_amount(self.unit, self.amount, quantity=quantity or 0,
            pages=pages or 0, first_pages=self.first_pages,
            next_amount=self.next_amount, cap=self.cap)

    def exemption_for(self, party, date):
        "The most favourable exemption the party is entitled to, or None"
        best = None
        for exemption in self.exemptions:
            if (exemption.active and exemption.applies_to(party, date)
                    and (not best or exemption.rate > best.rate)):
                best = exemption
        return best


class Exemption(DeactivableMixin, ModelSQL, ModelView):
    "Fee Exemption"
    __name__ = 'onestop.fee.exemption'
    __string__ = "Fee Exemption"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    criterion = fields.Selection(CRITERIA, "Applies To", required=True,
        help="The applicant's flag that entitles to it; categories with no "
        "flag (poor households, people with merit, ...) are declared on "
        "the citizen.")
    rate = fields.Numeric("Reduction (%)", digits=(5, 2), required=True,
        domain=[('rate', '>', 0), ('rate', '<=', 100)],
        help="100 for an exemption.")
    evidence = fields.Char("Evidence",
        help="The document the applicant shows, recorded on the dossier.")
    legal_basis = fields.Char("Legal Basis")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'onestop_payments.msg_exemption_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_criterion(cls):
        return 'declared'

    @classmethod
    def default_rate(cls):
        return 100

    def applies_to(self, party, date):
        if not party:
            return False
        if self.criterion == 'declared':
            return self in party.fee_exemptions
        if self.criterion == 'child':
            return bool(party.birth_date
                and age(party.birth_date, date) < CHILD_AGE)
        return bool(getattr(party, self.criterion))


class FeeExemption(ModelSQL):
    "Procedure Fee - Exemption"
    __name__ = 'onestop.procedure.fee-onestop.fee.exemption'
    __string__ = "Procedure Fee - Exemption"

    fee = fields.Many2One('onestop.procedure.fee', "Fee", required=True,
        ondelete='CASCADE')
    exemption = fields.Many2One('onestop.fee.exemption', "Exemption",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.fee, Index.Equality())))


class PartyExemption(ModelSQL):
    "Citizen - Fee Exemption"
    __name__ = 'party.party-onestop.fee.exemption'
    __string__ = "Citizen - Fee Exemption"

    party = fields.Many2One('party.party', "Citizen", required=True,
        ondelete='CASCADE')
    exemption = fields.Many2One('onestop.fee.exemption', "Exemption",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party, Index.Equality())))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    fee_exemptions = fields.Many2Many(
        'party.party-onestop.fee.exemption', 'party', 'exemption',
        "Fee Exemptions", domain=[('criterion', '=', 'declared')],
        help="Categories without a flag of their own that the citizen "
        "belongs to (poor household, people with merit, ethnic minority "
        "in an area of extreme difficulty, ...).")

