"""Working time on a commune's legal calendar, and explained due dates.

Pure functions and values: no Tryton, no database. All datetimes are naive and
in Vietnam local time (UTC+7, no daylight saving); callers convert before
calling, so that a receipt printed at 16:30 is computed as 16:30.
"""
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import holidays as holidays_lib

DAY, HOUR, SAME_DAY = 'day', 'hour', 'same_day'
UNITS = (DAY, HOUR, SAME_DAY)

_ONE_DAY = dt.timedelta(days=1)
_ONE_HOUR = dt.timedelta(hours=1)
# Order of steps that start at the same moment: the reason for a jump comes
# before the moment it explains (a day's steps sort from its midnight).
_RANK = {
    'after_cutoff': 0, 'outside_hours': 1,
    'weekend': 2, 'holiday': 2, 'day_off': 2, 'makeup_day': 2,
    'counted_from': 3, 'pause': 4,
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def _as_date(day):
    return day.date() if isinstance(day, dt.datetime) else day


def _check_moment(value, name):
    if not isinstance(value, dt.datetime) or value.tzinfo is not None:
        raise ValueError(f'{name} must be a naive datetime in Vietnam time')


@dataclass(frozen=True)
class Step:
    """One line of a due date's explanation.

    kind: received, counted_from, outside_hours, after_cutoff, weekend,
    holiday, day_off, makeup_day, pause or due. hours: working hours
    deducted by a pause, or counted for the due date.
    """
    kind: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    label: str = ''
    hours: float = 0

    def as_dict(self):
        return {
            'kind': self.kind,
            'start': _iso(self.start),
            'end': _iso(self.end),
            'label': self.label,
            'hours': self.hours,
            }


@dataclass(frozen=True)
class Deadline:
    """A due date with the steps that explain it: 'received' first, 'due'
    last, the others in chronological order (a day's steps from midnight)."""
    received_at: dt.datetime
    counted_from: dt.datetime
    due_at: dt.datetime
    explanation: tuple[Step, ...]

    def as_dict(self):
        return {
            'received_at': _iso(self.received_at),
            'counted_from': _iso(self.counted_from),
            'due_at': _iso(self.due_at),
            'explanation': [s.as_dict() for s in self.explanation],
            }


def _mapping_field():
    return field(default_factory=lambda: MappingProxyType({}), hash=False)


@dataclass(frozen=True)
class Calendar:
    """A commune's working calendar.

    Office hours are set by each province (domain reference §10), hence the
    configurable shifts. Working intervals are half-open: 17:00 is not inside
    the 13:30-17:00 shift, so a dossier received at 17:00 counts from the next
    morning, while a duration that ends exactly at 17:00 stays at 17:00.
    """
    shifts: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(8), dt.time(12)), (dt.time(13, 30), dt.time(17)))
    # Civil servants work Monday to Friday (domain reference §10).
    weekend: frozenset[int] = frozenset({5, 6})
    # Labour Code 2019 art. 112, see vietnam_holidays().
    holidays: Mapping[dt.date, str] = _mapping_field()
    # Days off announced by the government (swaps, compensatory days).
    days_off: Mapping[dt.date, str] = _mapping_field()
    # Saturdays worked in exchange for a day off ("làm bù").
    makeup_days: Mapping[dt.date, str] = _mapping_field()
    # Domain reference D3: received after 15:00, returned the next working day.
    cutoff: dt.time = dt.time(15)

    def __post_init__(self):
        # Copy the mappings so that the caller's dicts cannot change a
        # calendar after the fact.
        for name in ('holidays', 'days_off', 'makeup_days'):
            object.__setattr__(
                self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(self, 'shifts', tuple(map(tuple, self.shifts)))
        object.__setattr__(self, 'weekend', frozenset(self.weekend))
        if not self.shifts:
            raise ValueError('a calendar needs at least one shift')
        bounds = [t for shift in self.shifts for t in shift]
        if any(a >= b for a, b in zip(bounds, bounds[1:])):
            raise ValueError('shifts must be ordered and must not overlap')
        # Searching the next working time must end somewhere.
        if len(self.weekend) >= 7:
            raise ValueError('a calendar needs at least one working weekday')

    def __reduce__(self):
        # mappingproxy cannot be pickled: rebuild from plain dicts, so that a
        # calendar can be deep-copied or sent to a worker process.
        return type(self), (
            self.shifts, self.weekend, dict(self.holidays),
            dict(self.days_off), dict(self.makeup_days), self.cutoff)

    def day_off_reason(self, day):
        "Return (kind, label) why `day` is not worked, None on a working day."
        day = _as_date(day)
        # The government's swap notice overrides the weekend; a holiday's
        # name tells more than "weekend" when both apply.
        if day in self.makeup_days:
            return None
        if day in self.holidays:
            return 'holiday', self.holidays[day]
        if day in self.days_off:
            return 'day_off', self.days_off[day]
        if day.weekday() in self.weekend:
            return 'weekend', ''
        return None

    def is_working_day(self, day):
        return self.day_off_reason(day) is None

    def day_length(self):
        return sum(
            (dt.datetime.combine(dt.date.min, e)
                - dt.datetime.combine(dt.date.min, s)
                for s, e in self.shifts),
            dt.timedelta())

    def _intervals(self, moment):
        "Yield the working intervals [a, b) from `moment` on, day by day."
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for start, end in self.shifts:
                    start = dt.datetime.combine(day, start)
                    end = dt.datetime.combine(day, end)
                    if end > moment:
                        yield max(start, moment), end
            day += _ONE_DAY

    def next_working_time(self, moment):
        "Return `moment` if it is inside a shift, else the next shift start."
        return next(self._intervals(moment))[0]

    def working_time(self, start, end):
        "Return the working time between two moments (negative if reversed)."
        if end < start:
            return -self.working_time(end, start)
        total = dt.timedelta()
        for a, b in self._intervals(start):
            if a >= end:
                break
            total += min(b, end) - a
        return total

    def add(self, start, duration):
        "Return the moment `duration` of working time after `start`."
        if duration < dt.timedelta():
            raise ValueError('duration must not be negative')
        return _consume(self._intervals(start), duration)


def _consume(intervals, duration):
    # ">=" keeps a result that fills a shift exactly at the shift's end
    # (17:00 on the last day), not at the next morning's opening.
    for a, b in intervals:
        if b - a >= duration:
            return a + duration
        duration -= b - a


def _without(intervals, pauses):
    "Yield the parts of `intervals` outside `pauses` (sorted by start)."
    for a, b in intervals:
        # Pauses may overlap: one that ends before `a` is already covered.
        for pause_start, pause_end, _ in pauses:
            if pause_end <= a or pause_start >= b:
                continue
            if pause_start > a:
                yield a, pause_start
            a = pause_end
            if a >= b:
                break
        if a < b:
            yield a, b


def _hours(delta):
    return delta / _ONE_HOUR


def _check_amount(amount, unit):
    if unit not in UNITS:
        raise ValueError(f'unit must be one of {", ".join(UNITS)}')
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError('amount must be a non-negative integer')
    if unit == SAME_DAY and amount > 1:
        raise ValueError('a same-day procedure takes amount 0 or 1')


def _check_pauses(pauses):
    checked = []
    for start, end, label in pauses:
        if end is None:
            raise ValueError('a pause must be closed: pass end=now if open')
        _check_moment(start, 'pause start')
        _check_moment(end, 'pause end')
        if end < start:
            raise ValueError('a pause must not end before it starts')
        checked.append((start, end, label))
    return sorted(checked, key=lambda p: (p[0], p[1]))


def _same_day_target(calendar, received_at, counted_from):
    "Return the end of the working day a same-day dossier is due."
    day = received_at.date()
    # Domain reference D3: "ngay trong ngày; nếu nhận sau 15 giờ thì trả
    # trong ngày làm việc tiếp theo". Received before opening or at lunch
    # still counts as "in the day"; on a day off, the next working day is
    # the first one.
    if not (calendar.is_working_day(day)
            and received_at.time() < calendar.cutoff
            and counted_from.date() == day):
        day += _ONE_DAY
        while not calendar.is_working_day(day):
            day += _ONE_DAY
    return dt.datetime.combine(day, calendar.shifts[-1][1])


def due_date(calendar, received_at, amount, unit, pauses=()):
    """Due date of `amount` units of processing time for a dossier received
    at `received_at`, with the steps that explain it.

    DAY counts `amount` × day_length of working time and HOUR `amount`
    working hours from `counted_from`; SAME_DAY (amount 0 or 1, both meaning
    "same day") is due at the end of the receipt day or of the next working
    day. `pauses` are (start, end, label) intervals during which the clock
    stops. They must be closed: an open pause has no due date yet, so callers
    pass end=now to show the date as it stands. A supplement request during
    appraisal restarts the clock (domain reference D6, Decree 118/2025 art.
    19): pass the supplement's receipt as `received_at`, not a pause.
    """
    _check_moment(received_at, 'received_at')
    _check_amount(amount, unit)
    pauses = _check_pauses(pauses)

    # Domain reference D1 (Decree 118/2025 art. 17): the clock starts at
    # receipt, and only working time counts (D2), so a dossier filed online
    # at night, on a weekend or a holiday counts from the next opening.
    counted_from = calendar.next_working_time(received_at)
    steps = [Step('counted_from', counted_from)]
    if counted_from != received_at and calendar.is_working_day(received_at):
        steps.append(Step('outside_hours', received_at))

    if unit == DAY:
        # Domain reference D15: deployed systems add N working days of
        # working time to the receipt time, not whole calendar days.
        duration = amount * calendar.day_length()
    elif unit == HOUR:
        duration = amount * _ONE_HOUR
    else:
        target = _same_day_target(calendar, received_at, counted_from)
        duration = calendar.working_time(counted_from, target)
        if (calendar.is_working_day(received_at)
                and received_at.time() >= calendar.cutoff):
            steps.append(Step(
                    'after_cutoff', received_at,
                    label=calendar.cutoff.strftime('%H:%M')))

    # Domain reference D9 (QĐ 766 method) and D10 (Decree 123/2015 art. 3):
    # time waiting for the applicant or for verification is not counted.
    due_at = _consume(
        _without(calendar._intervals(counted_from), pauses), duration)

    # Pauses are sorted by start, so the part of a pause that earlier pauses
    # already cover is the part before their furthest end: deducting only
    # the rest never counts an overlap twice.
    reach = dt.datetime.min
    for start, end, label in pauses:
        lo, hi = max(start, counted_from, reach), min(end, due_at)
        deducted = calendar.working_time(lo, hi) if lo < hi else dt.timedelta()
        steps.append(Step('pause', start, end, label, _hours(deducted)))
        reach = max(reach, end)

    day = received_at.date()
    while day <= due_at.date():
        reason = calendar.day_off_reason(day)
        if reason:
            steps.append(Step(reason[0], day, label=reason[1]))
        elif day in calendar.makeup_days and day >= counted_from.date():
            steps.append(Step('makeup_day', day,
                    label=calendar.makeup_days[day]))
        day += _ONE_DAY

    steps.sort(key=lambda s: (
            s.start if isinstance(s.start, dt.datetime)
            else dt.datetime.combine(s.start, dt.time()),
            _RANK[s.kind]))
    # Receipt first and due date last, whatever the pauses' dates.
    explanation = (
        Step('received', received_at),
        *steps,
        Step('due', due_at, hours=_hours(duration)))
    return Deadline(received_at, counted_from, due_at, explanation)


def vietnam_holidays(years):
    """Public holidays of Viet Nam from the `holidays` library (Labour Code
    2019 art. 112), Vietnamese names when the library has them.

    The library also lists observed days (nghỉ bù) and the days off of the
    government's swaps, but not the Saturdays worked in exchange: enter
    those as the calendar's `makeup_days`.
    """
    vietnamese = 'vi' in holidays_lib.list_localized_countries().get('VN', ())
    result = holidays_lib.country_holidays(
        'VN', years=years, language='vi' if vietnamese else None)
    return dict(sorted(result.items()))
