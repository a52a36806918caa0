# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""What the citizen portal shows of fees: the fees of a procedure, what is
due on a dossier with its VietQR code, the commune's cashless rate"""
import datetime as dt

from genshi.core import Markup

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from onestop_procedures.portal import render_fragment

from . import qr
from .money import format_vnd


def _selection(record, name):
    return dict(record.fields_get([name])[name]['selection']).get(
        getattr(record, name))


class Procedure(metaclass=PoolMeta):
    __name__ = 'onestop.procedure'

    def portal_fees(self):
        "The fees in force today, as the portal and the API list them"
        today = Pool().get('ir.date').today()
        return [{
                'name': f.name,
                'kind': f.kind,
                'unit': f.unit,
                'unit_text': _selection(f, 'unit'),
                'amount': int(f.amount),
                'amount_text': format_vnd(f.amount),
                'channel': f.channel,
                'exemptions': [e.name for e in f.exemptions if e.active],
                } for f in self.fees if f.in_force_at(today)]

    def portal_data(self):
        data = super().portal_data()
        data['fees'] = self.portal_fees()
        return data

    def portal_sections(self):
        return super().portal_sections() + [render_fragment(
                'onestop_payments/portal/procedure_fees.html',
                fees=self.portal_fees())]


class Dossier(metaclass=PoolMeta):
    __name__ = 'onestop.dossier'

    def portal_sections(self, web_user=None):
        sections = super().portal_sections(web_user)
        if not self.fees:
            return sections
        payload = self.vietqr_payload
        return sections + [render_fragment(
                'onestop_payments/portal/dossier_payment.html',
                dossier=self, data=self.payment_data(),
                state=_selection(self, 'payment_state'),
                format_vnd=format_vnd,
                qr_svg=Markup(qr.svg(payload).split('?>', 1)[-1])
                if payload else None)]

    @classmethod
    def portal_figures_sections(cls, company, year):
        Cashless = Pool().get('onestop.payment.cashless')
        sections = super().portal_figures_sections(company, year)
        with Transaction().set_context(from_date=dt.date(year, 1, 1),
                to_date=dt.date(year, 12, 31)):
            rows = Cashless.search([('company', '=', company.id)])
        payments = sum(r.payments for r in rows)
        if not payments:
            return sections
        cashless = sum(r.cashless_payments for r in rows)
        return sections + [render_fragment(
                'onestop_payments/portal/figures_cashless.html',
                year=year, payments=payments,
                rate=round(100 * cashless / payments, 1))]
