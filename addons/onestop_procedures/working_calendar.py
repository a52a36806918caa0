# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Working calendars: office hours, days off and make-up working days"
import datetime as dt

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool

from . import working_time


class Calendar(DeactivableMixin, ModelSQL, ModelView):
    "Working Calendar"
    __name__ = 'onestop.calendar'
    __string__ = "Working Calendar"

    name = fields.Char("Name", required=True, translate=True)
    morning_start = fields.Time("Morning Start", required=True)
    morning_end = fields.Time("Morning End", required=True)
    afternoon_start = fields.Time("Afternoon Start", required=True)
    afternoon_end = fields.Time("Afternoon End", required=True)
    cutoff = fields.Time("Same-Day Cut-Off", required=True,
        help="Dossiers of same-day procedures received after this time "
        "are returned on the next working day.")
    days = fields.One2Many('onestop.calendar.day', 'calendar', "Days",
        help="Days off announced by the government and make-up working "
        "days; public holidays of the Labour Code are added automatically.")
    _working_cache = Cache('onestop.calendar.working', context=False)

    # Domain reference §10: 08:00-12:00 and 13:30-17:00 is the common pattern
    @classmethod
    def default_morning_start(cls):
        return dt.time(8)

    @classmethod
    def default_morning_end(cls):
        return dt.time(12)

    @classmethod
    def default_afternoon_start(cls):
        return dt.time(13, 30)

    @classmethod
    def default_afternoon_end(cls):
        return dt.time(17)

    @classmethod
    def default_cutoff(cls):
        # Domain reference D3: received after 15:00, returned the next day
        return dt.time(15)

    @classmethod
    def validate_fields(cls, calendars, field_names):
        super().validate_fields(calendars, field_names)
        for calendar in calendars:
            if not (calendar.morning_start < calendar.morning_end
                    <= calendar.afternoon_start < calendar.afternoon_end):
                raise ValidationError(gettext(
                        'onestop_procedures.msg_calendar_hours',
                        calendar=calendar.rec_name))
            if not (calendar.morning_start < calendar.cutoff
                    <= calendar.afternoon_end):
                raise ValidationError(gettext(
                        'onestop_procedures.msg_calendar_cutoff',
                        calendar=calendar.rec_name))

    @classmethod
    def standard(cls):
        "The calendar shipped with the module, for communes without one"
        ModelData = Pool().get('ir.model.data')
        return cls(ModelData.get_id('onestop_procedures', 'calendar_default'))

    def working_calendar(self, years):
        "The pure calendar (working_time.Calendar) covering years"
        years = tuple(sorted(set(years)))
        key = (self.id, years)
        calendar = self._working_cache.get(key)
        if calendar is None:
            days = [d for d in self.days if d.date.year in years]
            calendar = working_time.Calendar(
                shifts=(
                    (self.morning_start, self.morning_end),
                    (self.afternoon_start, self.afternoon_end)),
                holidays=working_time.vietnam_holidays(years),
                days_off={
                    d.date: d.name for d in days if d.kind == 'day_off'},
                makeup_days={
                    d.date: d.name for d in days if d.kind == 'makeup_day'},
                cutoff=self.cutoff)
            self._working_cache.set(key, calendar)
        return calendar

    @classmethod
    def on_modification(cls, mode, calendars, field_names=None):
        super().on_modification(mode, calendars, field_names=field_names)
        cls._working_cache.clear()


class CalendarDay(ModelSQL, ModelView):
    "Calendar Day"
    __name__ = 'onestop.calendar.day'
    __string__ = "Calendar Day"

    calendar = fields.Many2One(
        'onestop.calendar', "Calendar", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            ('day_off', "Day Off"),
            ('makeup_day', "Make-Up Working Day"),
            ], "Kind", required=True)
    name = fields.Char("Name", required=True, translate=True)
    legal_reference = fields.Char("Legal Reference",
        help="The announcement that sets this day, "
        "e.g. Thông báo 6150/TB-BNV.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('calendar_date_unique', Unique(t, t.calendar, t.date),
                'onestop_procedures.msg_calendar_day_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'ASC'))

    @classmethod
    def on_modification(cls, mode, days, field_names=None):
        super().on_modification(mode, days, field_names=field_names)
        Pool().get('onestop.calendar')._working_cache.clear()
