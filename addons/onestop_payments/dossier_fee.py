# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The fee lines of a dossier: quantities entered at intake, the exemption
applied with its evidence and the officer who accepted it"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .fees import reduced_amount
from .procedure import FEE_KINDS, FEE_UNITS


class DossierFee(ModelSQL, ModelView):
    "Dossier Fee"
    __name__ = 'onestop.dossier.fee'
    __string__ = "Dossier Fee"
    _draft = {'readonly': Eval('dossier_state', 'draft') != 'draft'}

    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        ondelete='CASCADE')
    dossier_state = fields.Function(fields.Selection(
            'get_dossier_states', "Dossier State"),
        'on_change_with_dossier_state')
    fee = fields.Many2One('onestop.procedure.fee', "Fee", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[If(Eval('dossier_state', 'draft') == 'draft',
                [('procedure', '=',
                        Eval('_parent_dossier', {}).get('procedure', -1))],
                [])])
    name = fields.Char("Name", required=True, states=_draft)
    kind = fields.Selection(FEE_KINDS, "Kind", required=True, readonly=True)
    unit = fields.Selection(FEE_UNITS, "Unit", required=True, readonly=True)
    quantity = fields.Integer("Quantity", required=True, states=_draft,
        domain=[('quantity', '>', 0)],
        help="Copies, or persons for a fee per person.")
    pages = fields.Integer("Pages of the Original",
        domain=['OR', ('pages', '=', None), ('pages', '>', 0)],
        states={
            'readonly': _draft['readonly'],
            'invisible': Eval('unit') != 'page',
            'required': Eval('unit') == 'page',
            })
    base_amount = fields.Numeric("Base Amount", digits=(16, 0),
        readonly=True)
    exemption = fields.Many2One('onestop.fee.exemption', "Exemption",
        ondelete='RESTRICT', states=_draft,
        domain=[If(Eval('dossier_state', 'draft') == 'draft',
                [('id', 'in', Eval('allowed_exemptions', []))], [])])
    allowed_exemptions = fields.Function(fields.Many2Many(
            'onestop.fee.exemption', None, None, "Allowed Exemptions"),
        'on_change_with_allowed_exemptions')
    exemption_rate = fields.Numeric("Reduction (%)", digits=(5, 2),
        readonly=True)
    exemption_evidence = fields.Char("Evidence",
        states={
            'readonly': _draft['readonly'],
            'invisible': ~Eval('exemption'),
            },
        help="The document shown by the applicant: required to receive "
        "the dossier.")
    exemption_accepted_by = fields.Many2One('res.user', "Accepted By",
        readonly=True, states={'invisible': ~Eval('exemption')})
    amount = fields.Numeric("Amount", digits=(16, 0), readonly=True)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('dossier')
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def get_dossier_states(cls):
        Dossier = Pool().get('onestop.dossier')
        return Dossier.fields_get(['state'])['state']['selection']

    @fields.depends('dossier', '_parent_dossier.state')
    def on_change_with_dossier_state(self, name=None):
        return self.dossier.state if self.dossier else 'draft'

    @fields.depends('fee')
    def on_change_with_allowed_exemptions(self, name=None):
        return [e.id for e in self.fee.exemptions] if self.fee else []

    @fields.depends('fee', methods=['on_change_with_amount'])
    def on_change_fee(self):
        if self.fee:
            self.name = self.fee.name
            self.kind = self.fee.kind
            self.unit = self.fee.unit
            if self.fee.unit == 'page' and not self.pages:
                self.pages = 1
        self.amount = self.on_change_with_amount()

    @fields.depends('exemption', methods=['on_change_with_amount'])
    def on_change_exemption(self):
        self.amount = self.on_change_with_amount()

    def apply_exemption(self, party, date):
        "Apply the most favourable exemption the applicant is entitled to"
        if not self.fee or self.exemption_accepted_by:
            return
        self.exemption = self.fee.exemption_for(party, date) if date else None
        self.amount = self.on_change_with_amount()

    @fields.depends('fee', 'quantity', 'pages', 'exemption')
    def on_change_with_base_amount(self):
        if not self.fee or not self.quantity:
            return None
        return Decimal(self.fee.compute(self.quantity, self.pages))

    @fields.depends('exemption')
    def on_change_with_exemption_rate(self):
        return self.exemption.rate if self.exemption else None

    @fields.depends(methods=[
            'on_change_with_base_amount', 'on_change_with_exemption_rate'])
    def on_change_with_amount(self):
        self.base_amount = self.on_change_with_base_amount()
        self.exemption_rate = self.on_change_with_exemption_rate()
        if self.base_amount is None:
            return None
        return Decimal(reduced_amount(
                self.base_amount, self.exemption_rate or 0))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('fee'):
            fee = Pool().get('onestop.procedure.fee')(values['fee'])
            values.setdefault('name', fee.name)
            values.setdefault('kind', fee.kind)
            values.setdefault('unit', fee.unit)
        return values

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        "Keep the amounts those of the fee, quantity and exemption"
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'delete' or (field_names is not None and not (
                    field_names & {'fee', 'quantity', 'pages', 'exemption'})):
            return
        to_write = []
        for line in cls.browse([l.id for l in lines]):
            amount = line.on_change_with_amount()
            to_write.extend([[line], {'base_amount': line.base_amount,
                        'exemption_rate': line.exemption_rate,
                        'amount': amount}])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'create':
            return
        computed = {'base_amount', 'exemption_rate', 'amount',
            'exemption_accepted_by'}
        if mode == 'write' and not (values.keys() - computed):
            return
        for line in lines:
            if line.dossier.state != 'draft':
                raise ValidationError(gettext(
                        'onestop_payments.msg_fee_line_readonly',
                        dossier=line.dossier.rec_name, fee=line.name))
