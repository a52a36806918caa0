# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"A company is a commune (or ward) and its one-stop centre"
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    agency_code = fields.Char("Agency Identifier",
        help="Identifier code (mã định danh) of the receiving agency: "
        "the first part of every dossier code (Decree 118/2025 art. 28).")
    unit_code = fields.Char("Administrative Unit Code", size=5,
        help="5-digit code of the commune in Decision 19/2025/QĐ-TTg.")
    province_code = fields.Char("Province Code", size=2,
        help="2-digit code of the province in Decision 19/2025/QĐ-TTg.")
    calendar = fields.Many2One(
        'onestop.calendar', "Working Calendar", ondelete='RESTRICT',
        help="Working days and hours used to compute appointment dates.")

    def working_calendar(self, years):
        "The pure working calendar of the commune for the given years"
        Calendar = Pool().get('onestop.calendar')
        calendar = self.calendar or Calendar.standard()
        return calendar.working_calendar(years)
