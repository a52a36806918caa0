# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
from trytond.pool import PoolMeta


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
        cls._notifications.add('onestop.dossier|flag_deadlines')
