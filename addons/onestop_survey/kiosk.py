# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The rating tablet at a counter: the officer sends a returned dossier to
it, the citizen taps a rating, the tablet goes back to its welcome screen.
SQLite has no bus channels, so the tablet polls for its current request."""
import datetime as dt
import secrets
from urllib.parse import quote

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from onestop_procedures.dossier import utc_now
from onestop_procedures.portal import portal_url


def kiosk_url(key):
    return portal_url(f"/survey/kiosk/{quote(key, safe='')}")


class Kiosk(DeactivableMixin, ModelSQL, ModelView):
    "Counter Kiosk"
    __name__ = 'onestop.survey.kiosk'
    __string__ = "Counter Kiosk"

    company = fields.Many2One('company.company', "Commune", required=True)
    name = fields.Char("Name", required=True,
        help="The counter where the tablet stands, e.g. \"Quầy số 1\".")
    officers = fields.Many2Many('onestop.survey.kiosk-res.user', 'kiosk',
        'user', "Officers",
        help="The officers whose \"Evaluate at Kiosk\" button uses this "
        "tablet.")
    key = fields.Char("Key", required=True, readonly=True,
        help="The secret part of the tablet's address.")
    url = fields.Function(fields.Char("Tablet Address"), 'get_url')
    invitation = fields.Many2One('onestop.survey.invitation',
        "Dossier to Evaluate", readonly=True, ondelete='SET NULL')
    requested_at = fields.DateTime("Requested At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.key),
                'onestop_survey.msg_kiosk_key_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.key, Index.Equality())),
                Index(t, (t.company, Index.Equality())),
                })
        cls._buttons.update({
                'new_key': {'icon': 'tryton-refresh'},
                'clear': {
                    'invisible': ~Bool(Eval('invitation')),
                    'icon': 'tryton-clear', 'depends': ['invitation']},
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_key(cls):
        return secrets.token_urlsafe(32)

    def get_url(self, name):
        return kiosk_url(self.key) if self.key else None

    @classmethod
    def copy(cls, kiosks, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('key', None)
        default.setdefault('invitation')
        default.setdefault('requested_at')
        return super().copy(kiosks, default=default)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('key'):
            values['key'] = cls.default_key()
        return values

    @classmethod
    @ModelView.button
    def new_key(cls, kiosks):
        "A new address for the tablet: the old one stops working"
        for kiosk in kiosks:
            kiosk.key = cls.default_key()
        cls.save(kiosks)

    @classmethod
    @ModelView.button
    def clear(cls, kiosks):
        "Send the tablet back to its welcome screen"
        cls.write(kiosks, {'invitation': None, 'requested_at': None})

    @classmethod
    def of_user(cls, company):
        "The kiosk at the counter of the current user"
        User = Pool().get('res.user')
        user = User(Transaction().user)
        with without_check_access():
            kiosks = cls.search([
                    ('company', '=', company.id),
                    ('officers', '=', user.id),
                    ], limit=1)
        if not kiosks:
            raise ValidationError(gettext('onestop_survey.msg_kiosk_none',
                    user=user.rec_name, company=company.rec_name))
        return kiosks[0]

    @classmethod
    def from_key(cls, key):
        "The active kiosk of a tablet address, or None"
        kiosks = cls.search([('key', '=', key or '')], limit=1)
        return kiosks[0] if kiosks and key else None

    def request(self, invitation):
        "Ask the tablet to rate the dossier of invitation now"
        self.invitation = invitation
        self.requested_at = utc_now()
        with without_check_access():
            self.save()

    @property
    def current(self):
        "The invitation the tablet shows, unless answered or too old"
        Configuration = Pool().get('onestop.survey.configuration')
        if not self.invitation or not self.requested_at:
            return None
        minutes = Configuration(1).kiosk_minutes
        if (self.requested_at + dt.timedelta(minutes=minutes) <= utc_now()
                or self.invitation.state != 'pending'):
            return None
        return self.invitation

    def answer(self, token, rating):
        """The citizen tapped a rating for the dossier shown: only that
        dossier, only once"""
        Invitation = Pool().get('onestop.survey.invitation')
        current = self.current
        if not current:
            raise ValidationError(gettext('onestop_survey.msg_kiosk_idle'))
        if current.token != token:
            raise ValidationError(gettext(
                    'onestop_survey.msg_kiosk_other_dossier'))
        invitation = Invitation.from_token(token, lock=True)
        survey = Pool().get('onestop.survey').for_channel(
            invitation.company, 'kiosk')
        response = invitation.answer(survey, 'kiosk',
            {survey.overall_question.id: rating})
        self.invitation = None
        self.requested_at = None
        with without_check_access():
            self.save()
        return response


class KioskUser(ModelSQL):
    "Counter Kiosk - User"
    __name__ = 'onestop.survey.kiosk-res.user'
    __string__ = "Counter Kiosk - User"

    kiosk = fields.Many2One('onestop.survey.kiosk', "Kiosk", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.kiosk, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                })
