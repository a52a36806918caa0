# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
from zoneinfo import ZoneInfo

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .dossier import VN_TIMEZONE


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('onestop.dossier|flag_deadlines',
                    "Flag Dossiers Due Soon"),
                ('onestop.dossier|close_unsupplemented',
                    "Close Dossiers Not Supplemented"),
                ])


class Date(metaclass=PoolMeta):
    __name__ = 'ir.date'

    @classmethod
    def today(cls, timezone=None):
        """The day in Vietnam when neither the caller nor the commune gives
        a time zone (the portal, scheduled jobs): not the UTC day, which is
        a day behind before 07:00"""
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if timezone is None and not (
                company_id is not None and company_id >= 0
                and Company(company_id).timezone):
            timezone = ZoneInfo(VN_TIMEZONE)
        return super().today(timezone=timezone)
