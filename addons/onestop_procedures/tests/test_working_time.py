"""Tests of the working-time calculator (pure: no database)."""
import copy
import datetime as dt
import json
import pickle
import unittest

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from onestop_procedures.working_time import (
    DAY, HOUR, SAME_DAY, Calendar, Deadline, Step, due_date, vietnam_holidays)

D, T = dt.date, dt.datetime
H = dt.timedelta(hours=1)
HOLIDAYS = vietnam_holidays(range(2025, 2028))
# Swap announced for 2025: Friday 2 May off, worked on Saturday 26 April
# (the library lists the day off, the make-up Saturday is entered by hand).
VN = Calendar(
    holidays=HOLIDAYS,
    makeup_days={D(2025, 4, 26): 'Làm bù cho ngày 02/05/2025'})
PLAIN = Calendar()


def kinds(deadline):
    return [s.kind for s in deadline.explanation]


class CalendarTestCase(unittest.TestCase):

    def test_day_length(self):
        self.assertEqual(PLAIN.day_length(), 7.5 * H)
        self.assertEqual(
            Calendar(shifts=((dt.time(7, 30), dt.time(11, 30)),)).day_length(),
            4 * H)

    def test_day_off_reason(self):
        cal = Calendar(
            holidays={D(2026, 1, 1): 'Tết Dương lịch'},
            days_off={D(2026, 1, 2): 'Nghỉ bù'},
            makeup_days={D(2026, 1, 3): 'Làm bù'})
        self.assertEqual(cal.day_off_reason(D(2026, 1, 1)),
            ('holiday', 'Tết Dương lịch'))
        self.assertEqual(cal.day_off_reason(T(2026, 1, 2, 9)),
            ('day_off', 'Nghỉ bù'))
        self.assertIsNone(cal.day_off_reason(D(2026, 1, 3)))  # make-up Sat
        self.assertEqual(cal.day_off_reason(D(2026, 1, 4)), ('weekend', ''))
        self.assertIsNone(cal.day_off_reason(D(2026, 1, 5)))
        self.assertTrue(cal.is_working_day(D(2026, 1, 3)))
        self.assertFalse(cal.is_working_day(D(2026, 1, 4)))

    def test_calendar_is_frozen_and_hashable(self):
        holidays = {D(2026, 1, 1): 'Tết Dương lịch'}
        cal = Calendar(holidays=holidays)
        holidays[D(2026, 1, 5)] = 'added later'
        self.assertTrue(cal.is_working_day(D(2026, 1, 5)))
        self.assertEqual(hash(cal), hash(Calendar(holidays=holidays)))
        self.assertEqual(
            cal, Calendar(holidays={D(2026, 1, 1): 'Tết Dương lịch'}))
        with self.assertRaises(TypeError):
            cal.holidays[D(2026, 1, 6)] = 'x'
        self.assertEqual(pickle.loads(pickle.dumps(VN)), VN)
        self.assertEqual(copy.deepcopy(VN), VN)

    def test_invalid_calendar(self):
        for kwargs in [
                {'shifts': ()},
                {'shifts': ((dt.time(12), dt.time(8)),)},
                {'shifts': (
                    (dt.time(8), dt.time(12)), (dt.time(11), dt.time(17)))},
                {'weekend': range(7)}]:
            with self.subTest(kwargs=kwargs), self.assertRaises(ValueError):
                Calendar(**kwargs)

    def test_next_working_time(self):
        nwt = PLAIN.next_working_time
        self.assertEqual(nwt(T(2026, 3, 2, 9, 15)), T(2026, 3, 2, 9, 15))
        self.assertEqual(nwt(T(2026, 3, 2, 8)), T(2026, 3, 2, 8))
        self.assertEqual(nwt(T(2026, 3, 2, 6)), T(2026, 3, 2, 8))
        self.assertEqual(nwt(T(2026, 3, 2, 12)), T(2026, 3, 2, 13, 30))
        self.assertEqual(nwt(T(2026, 3, 2, 17)), T(2026, 3, 3, 8))
        self.assertEqual(nwt(T(2026, 3, 6, 17)), T(2026, 3, 9, 8))
        self.assertEqual(nwt(T(2026, 3, 7, 10)), T(2026, 3, 9, 8))

    def test_working_time(self):
        wt = PLAIN.working_time
        self.assertEqual(wt(T(2026, 3, 2, 11), T(2026, 3, 2, 14)), 1.5 * H)
        self.assertEqual(wt(T(2026, 3, 2, 16), T(2026, 3, 3, 9)), 2 * H)
        self.assertEqual(wt(T(2026, 3, 6, 8), T(2026, 3, 9, 8)), 7.5 * H)
        self.assertEqual(
            wt(T(2026, 3, 7, 8), T(2026, 3, 8, 17)), dt.timedelta())
        self.assertEqual(wt(T(2026, 3, 3, 9), T(2026, 3, 2, 16)), -2 * H)

    def test_add(self):
        add = PLAIN.add
        # Ends exactly at a shift's end: stays there.
        self.assertEqual(add(T(2026, 3, 2, 8), 4 * H), T(2026, 3, 2, 12))
        self.assertEqual(add(T(2026, 3, 2, 8), 7.5 * H), T(2026, 3, 2, 17))
        self.assertEqual(add(T(2026, 3, 2, 11), 2 * H), T(2026, 3, 2, 14, 30))
        self.assertEqual(add(T(2026, 3, 6, 16), 2 * H), T(2026, 3, 9, 9))
        self.assertEqual(
            add(T(2026, 3, 2, 17), dt.timedelta()), T(2026, 3, 3, 8))
        with self.assertRaises(ValueError):
            add(T(2026, 3, 2, 8), -H)


class HolidaysTestCase(unittest.TestCase):

    def test_tet_2026(self):
        holidays = vietnam_holidays(2026)
        # Tết Bính Ngọ: 17 February 2026, eve on the 16th, to the 4th day.
        self.assertEqual(
            [d for d in holidays if D(2026, 2, 1) <= d <= D(2026, 2, 28)],
            [D(2026, 2, d) for d in range(16, 21)])
        self.assertEqual(holidays[D(2026, 2, 17)], 'Tết Nguyên Đán')
        self.assertEqual(holidays[D(2026, 2, 16)], 'Giao thừa Tết Nguyên Đán')
        self.assertEqual(holidays[D(2026, 1, 1)], 'Tết Dương lịch')
        self.assertEqual(holidays[D(2026, 9, 2)], 'Quốc khánh')
        self.assertEqual(list(holidays), sorted(holidays))

    def test_several_years(self):
        holidays = vietnam_holidays([2025, 2026])
        self.assertIn(D(2025, 1, 29), holidays)  # Tết Ất Tỵ
        self.assertIn(D(2026, 2, 17), holidays)
        self.assertIn(D(2025, 5, 2), holidays)  # swapped day off


class DayTestCase(unittest.TestCase):

    def test_examples(self):
        self.assertEqual(
            due_date(PLAIN, T(2026, 3, 2, 8), 3, DAY).due_at,
            T(2026, 3, 4, 17))
        self.assertEqual(
            due_date(PLAIN, T(2026, 3, 2, 10), 1, DAY).due_at,
            T(2026, 3, 3, 10))
        deadline = due_date(PLAIN, T(2026, 3, 2, 10), 0, DAY)
        self.assertEqual(deadline.due_at, T(2026, 3, 2, 10))

    def test_across_weekend(self):
        deadline = due_date(PLAIN, T(2026, 3, 5, 14), 2, DAY)
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 14))
        self.assertEqual(kinds(deadline), [
            'received', 'counted_from', 'weekend', 'weekend', 'due'])
        self.assertEqual(
            [s.start for s in deadline.explanation[2:4]],
            [D(2026, 3, 7), D(2026, 3, 8)])
        self.assertEqual(deadline.explanation[-1].hours, 15)

    def test_across_tet(self):
        deadline = due_date(VN, T(2026, 2, 13, 10), 3, DAY)
        # Friday 5.5 h, then nine days off (14-22 February), Monday 7.5 h,
        # Tuesday 7.5 h, Wednesday 2 h.
        self.assertEqual(deadline.due_at, T(2026, 2, 25, 10))
        skipped = [(s.kind, s.start, s.label) for s in deadline.explanation
            if s.kind in {'weekend', 'holiday'}]
        self.assertEqual(skipped, [
            ('weekend', D(2026, 2, 14), ''),
            ('weekend', D(2026, 2, 15), ''),
            ('holiday', D(2026, 2, 16), 'Giao thừa Tết Nguyên Đán'),
            ('holiday', D(2026, 2, 17), 'Tết Nguyên Đán'),
            ('holiday', D(2026, 2, 18), 'Mùng hai Tết Nguyên Đán'),
            ('holiday', D(2026, 2, 19), 'Mùng ba Tết Nguyên Đán'),
            ('holiday', D(2026, 2, 20), 'Mùng bốn Tết Nguyên Đán'),
            ('weekend', D(2026, 2, 21), ''),
            ('weekend', D(2026, 2, 22), ''),
            ])

    def test_thirty_days_across_tet(self):
        deadline = due_date(VN, T(2026, 2, 2, 8), 30, DAY)
        self.assertEqual(deadline.due_at, T(2026, 3, 20, 17))
        self.assertEqual(
            VN.working_time(deadline.counted_from, deadline.due_at),
            30 * VN.day_length())

    def test_makeup_saturday(self):
        deadline = due_date(VN, T(2025, 4, 25, 10), 2, DAY)
        # Friday 5.5 h, make-up Saturday 7.5 h, Monday 2 h.
        self.assertEqual(deadline.due_at, T(2025, 4, 28, 10))
        self.assertEqual(kinds(deadline), [
            'received', 'counted_from', 'makeup_day', 'weekend', 'due'])
        self.assertEqual(
            deadline.explanation[2].label, 'Làm bù cho ngày 02/05/2025')

    def test_makeup_saturday_not_counted(self):
        # Received after hours on the make-up Saturday: nothing counted on it.
        deadline = due_date(VN, T(2025, 4, 26, 18), 1, DAY)
        self.assertEqual(deadline.due_at, T(2025, 4, 28, 17))
        self.assertEqual(kinds(deadline), [
            'received', 'outside_hours', 'weekend', 'counted_from', 'due'])

    def test_government_day_off(self):
        cal = Calendar(days_off={D(2026, 3, 10): 'Nghỉ theo thông báo'})
        deadline = due_date(cal, T(2026, 3, 9, 8), 2, DAY)
        self.assertEqual(deadline.due_at, T(2026, 3, 11, 17))
        step, = [s for s in deadline.explanation if s.kind == 'day_off']
        self.assertEqual((step.start, step.label),
            (D(2026, 3, 10), 'Nghỉ theo thông báo'))

    def test_swapped_day_off_from_library(self):
        # 30 April and 1 May, then Friday 2 May (off in exchange for
        # Saturday 26 April), then the weekend.
        deadline = due_date(VN, T(2025, 4, 29, 10), 1, DAY)
        self.assertEqual(deadline.due_at, T(2025, 5, 5, 10))
        self.assertEqual(
            [(s.kind, s.start) for s in deadline.explanation[2:-1]],
            [('holiday', D(2025, 4, 30)), ('holiday', D(2025, 5, 1)),
                ('holiday', D(2025, 5, 2)), ('weekend', D(2025, 5, 3)),
                ('weekend', D(2025, 5, 4))])


class ReceptionTestCase(unittest.TestCase):

    def test_at_night(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 22, 5), 1, DAY)
        self.assertEqual(deadline.counted_from, T(2026, 3, 3, 8))
        self.assertEqual(deadline.due_at, T(2026, 3, 3, 17))
        self.assertEqual(kinds(deadline),
            ['received', 'outside_hours', 'counted_from', 'due'])

    def test_at_lunch(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 12, 10), 2, HOUR)
        self.assertEqual(deadline.counted_from, T(2026, 3, 2, 13, 30))
        self.assertEqual(deadline.due_at, T(2026, 3, 2, 15, 30))

    def test_on_sunday(self):
        deadline = due_date(PLAIN, T(2026, 3, 8, 10), 1, DAY)
        self.assertEqual(deadline.counted_from, T(2026, 3, 9, 8))
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 17))
        self.assertEqual(kinds(deadline),
            ['received', 'weekend', 'counted_from', 'due'])
        self.assertEqual(deadline.explanation[1].start, D(2026, 3, 8))

    def test_friday_evening(self):
        deadline = due_date(PLAIN, T(2026, 3, 6, 19), 1, HOUR)
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 9))
        self.assertEqual(kinds(deadline), ['received', 'outside_hours',
            'weekend', 'weekend', 'counted_from', 'due'])

    def test_on_holiday(self):
        deadline = due_date(VN, T(2026, 9, 2, 9), 1, DAY)
        self.assertEqual(deadline.counted_from, T(2026, 9, 3, 8))
        self.assertEqual(kinds(deadline),
            ['received', 'holiday', 'counted_from', 'due'])
        self.assertEqual(deadline.explanation[1].label, 'Quốc khánh')


class HourTestCase(unittest.TestCase):

    def test_across_lunch(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 11), 2, HOUR)
        self.assertEqual(deadline.due_at, T(2026, 3, 2, 14, 30))
        self.assertEqual(deadline.explanation[-1].hours, 2)

    def test_across_night(self):
        self.assertEqual(
            due_date(PLAIN, T(2026, 3, 2, 16), 4, HOUR).due_at,
            T(2026, 3, 3, 11))
        self.assertEqual(
            due_date(PLAIN, T(2026, 3, 2, 8), 8, HOUR).due_at,
            T(2026, 3, 3, 8, 30))

    def test_ends_at_noon(self):
        self.assertEqual(
            due_date(PLAIN, T(2026, 3, 2, 8), 4, HOUR).due_at,
            T(2026, 3, 2, 12))


class SameDayTestCase(unittest.TestCase):

    def due(self, received_at, amount=1, calendar=PLAIN):
        return due_date(calendar, received_at, amount, SAME_DAY)

    def test_cutoff(self):
        before = self.due(T(2026, 3, 2, 14, 59))
        self.assertEqual(before.due_at, T(2026, 3, 2, 17))
        self.assertNotIn('after_cutoff', kinds(before))
        for received_at in [T(2026, 3, 2, 15), T(2026, 3, 2, 16, 30)]:
            with self.subTest(received_at=received_at):
                after = self.due(received_at)
                self.assertEqual(after.due_at, T(2026, 3, 3, 17))
                self.assertEqual(kinds(after),
                    ['received', 'after_cutoff', 'counted_from', 'due'])
                self.assertEqual(after.explanation[1].label, '15:00')

    def test_friday_after_cutoff(self):
        deadline = self.due(T(2026, 3, 6, 15, 30))
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 17))
        self.assertEqual(kinds(deadline), ['received', 'after_cutoff',
            'counted_from', 'weekend', 'weekend', 'due'])

    def test_before_opening_and_lunch(self):
        morning = self.due(T(2026, 3, 2, 7, 15))
        self.assertEqual(morning.due_at, T(2026, 3, 2, 17))
        self.assertEqual(kinds(morning),
            ['received', 'outside_hours', 'counted_from', 'due'])
        self.assertEqual(self.due(T(2026, 3, 2, 12, 45)).due_at,
            T(2026, 3, 2, 17))

    def test_after_closing(self):
        deadline = self.due(T(2026, 3, 2, 18))
        self.assertEqual(deadline.due_at, T(2026, 3, 3, 17))
        self.assertEqual(kinds(deadline), ['received', 'after_cutoff',
            'outside_hours', 'counted_from', 'due'])

    def test_office_closed_before_cutoff(self):
        # A morning-only office is closed at 12:00 although it is before
        # the cut-off: the dossier is due the next working day.
        morning = Calendar(shifts=((dt.time(7, 30), dt.time(11, 30)),))
        deadline = self.due(T(2026, 3, 2, 12), calendar=morning)
        self.assertEqual(deadline.due_at, T(2026, 3, 3, 11, 30))
        self.assertEqual(kinds(deadline),
            ['received', 'outside_hours', 'counted_from', 'due'])

    def test_day_off(self):
        self.assertEqual(self.due(T(2026, 3, 8, 9)).due_at, T(2026, 3, 9, 17))
        deadline = self.due(T(2026, 2, 17, 10), calendar=VN)
        self.assertEqual(deadline.due_at, T(2026, 2, 23, 17))
        self.assertNotIn('after_cutoff', kinds(deadline))

    def test_amount(self):
        self.assertEqual(self.due(T(2026, 3, 2, 9), 0).due_at,
            self.due(T(2026, 3, 2, 9), 1).due_at)
        with self.assertRaises(ValueError):
            self.due(T(2026, 3, 2, 9), 2)

    def test_pause(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 9), 1, SAME_DAY,
            [(T(2026, 3, 2, 10), T(2026, 3, 2, 11), 'Xác minh')])
        self.assertEqual(deadline.due_at, T(2026, 3, 3, 9))


class PauseTestCase(unittest.TestCase):

    def test_one_pause(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 8), 3, DAY,
            [(T(2026, 3, 3, 8), T(2026, 3, 3, 12), 'Chờ bổ sung')])
        self.assertEqual(deadline.due_at, T(2026, 3, 5, 12))
        pause = deadline.explanation[2]
        self.assertEqual(pause, Step('pause', T(2026, 3, 3, 8),
            T(2026, 3, 3, 12), 'Chờ bổ sung', 4))
        self.assertEqual(deadline.explanation[-1].hours, 22.5)

    def test_overlapping_pauses(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 8), 3, DAY, [
            (T(2026, 3, 3, 10), T(2026, 3, 3, 15, 30), 'Xác minh'),
            (T(2026, 3, 3, 8), T(2026, 3, 3, 12), 'Chờ bổ sung'),
            ])
        # Union 08:00-15:30 = 6 h, not 4 h + 4 h.
        self.assertEqual(deadline.due_at, T(2026, 3, 5, 15, 30))
        pauses = [(s.label, s.hours) for s in deadline.explanation
            if s.kind == 'pause']
        self.assertEqual(pauses, [('Chờ bổ sung', 4), ('Xác minh', 2)])

    def test_same_pause_twice(self):
        pause = (T(2026, 3, 3, 8), T(2026, 3, 3, 12), 'Chờ bổ sung')
        deadline = due_date(PLAIN, T(2026, 3, 2, 8), 3, DAY, [pause, pause])
        self.assertEqual(deadline.due_at, T(2026, 3, 5, 12))
        self.assertEqual(
            [s.hours for s in deadline.explanation if s.kind == 'pause'],
            [4, 0])

    def test_nested_pauses(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 8), 3, DAY, [
            (T(2026, 3, 3, 8), T(2026, 3, 4, 17), 'Xác minh'),
            (T(2026, 3, 3, 9), T(2026, 3, 3, 10), 'Chờ bổ sung'),
            (T(2026, 3, 3, 14), T(2026, 3, 3, 15), 'Chờ bổ sung'),
            ])
        self.assertEqual(deadline.due_at, T(2026, 3, 6, 17))
        self.assertEqual(
            [s.hours for s in deadline.explanation if s.kind == 'pause'],
            [15, 0, 0])

    def test_pause_over_weekend(self):
        deadline = due_date(PLAIN, T(2026, 3, 5, 8), 2, DAY,
            [(T(2026, 3, 6, 15), T(2026, 3, 9, 10), 'Chờ bổ sung')])
        # Friday 15:00-17:00 and Monday 08:00-10:00 are deducted.
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 12))
        self.assertEqual(kinds(deadline), ['received', 'counted_from',
            'pause', 'weekend', 'weekend', 'due'])
        self.assertEqual(deadline.explanation[2].hours, 4)

    def test_pause_before_counted_from(self):
        deadline = due_date(PLAIN, T(2026, 3, 7, 9), 1, DAY,
            [(T(2026, 3, 7, 9), T(2026, 3, 8, 18), 'Xác minh')])
        self.assertEqual(deadline.due_at, T(2026, 3, 9, 17))
        self.assertEqual(kinds(deadline), ['received', 'weekend', 'pause',
            'weekend', 'counted_from', 'due'])
        self.assertEqual(deadline.explanation[1].hours, 0)

    def test_pause_across_counted_from(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 17, 30), 1, DAY,
            [(T(2026, 3, 2, 16), T(2026, 3, 3, 9), 'Xác minh')])
        self.assertEqual(deadline.due_at, T(2026, 3, 4, 9))
        self.assertEqual(
            [s.hours for s in deadline.explanation if s.kind == 'pause'], [1])

    def test_pause_after_due(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 8), 1, DAY,
            [(T(2026, 3, 4, 8), T(2026, 3, 4, 12), 'Chờ bổ sung')])
        self.assertEqual(deadline.due_at, T(2026, 3, 2, 17))
        self.assertEqual(kinds(deadline)[-2:], ['pause', 'due'])
        self.assertEqual(deadline.explanation[-2].hours, 0)


class ExplanationTestCase(unittest.TestCase):

    def test_as_dict_is_json(self):
        deadline = due_date(VN, T(2026, 2, 13, 18), 2, DAY,
            [(T(2026, 2, 23, 9), T(2026, 2, 23, 10), 'Chờ bổ sung')])
        data = json.loads(json.dumps(deadline.as_dict()))
        self.assertEqual(data['received_at'], '2026-02-13T18:00:00')
        self.assertEqual(data['counted_from'], '2026-02-23T08:00:00')
        self.assertEqual(data['due_at'], '2026-02-25T09:00:00')
        self.assertEqual(data['explanation'][0], {'kind': 'received',
            'start': '2026-02-13T18:00:00', 'end': None, 'label': '',
            'hours': 0})
        self.assertIn({'kind': 'holiday', 'start': '2026-02-17', 'end': None,
            'label': 'Tết Nguyên Đán', 'hours': 0}, data['explanation'])
        self.assertIn({'kind': 'pause', 'start': '2026-02-23T09:00:00',
            'end': '2026-02-23T10:00:00', 'label': 'Chờ bổ sung',
            'hours': 1.0}, data['explanation'])
        self.assertEqual(data['explanation'][-1]['kind'], 'due')

    def test_deadline_fields(self):
        deadline = due_date(PLAIN, T(2026, 3, 2, 10), 1, DAY)
        self.assertIsInstance(deadline, Deadline)
        self.assertEqual(deadline.explanation, (
            Step('received', T(2026, 3, 2, 10)),
            Step('counted_from', T(2026, 3, 2, 10)),
            Step('due', T(2026, 3, 3, 10), hours=7.5),
            ))


class ValidationTestCase(unittest.TestCase):

    def test_amount_and_unit(self):
        for amount, unit in [(-1, DAY), (1.5, DAY), (True, HOUR), ('3', DAY),
                (None, HOUR), (1, 'week'), (-1, SAME_DAY)]:
            with self.subTest(amount=amount, unit=unit), \
                    self.assertRaises(ValueError):
                due_date(PLAIN, T(2026, 3, 2, 8), amount, unit)

    def test_received_at(self):
        aware = T(2026, 3, 2, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        for received_at in [D(2026, 3, 2), aware, '2026-03-02T08:00']:
            with self.subTest(received_at=received_at), \
                    self.assertRaises(ValueError):
                due_date(PLAIN, received_at, 1, DAY)

    def test_pauses(self):
        for pause in [
                (T(2026, 3, 3, 8), None, 'Chờ bổ sung'),
                (T(2026, 3, 3, 8), T(2026, 3, 3, 7), 'Chờ bổ sung'),
                (D(2026, 3, 3), T(2026, 3, 3, 9), 'Chờ bổ sung'),
                (T(2026, 3, 3, 8), T(2026, 3, 3, 9)),
                ]:
            with self.subTest(pause=pause), self.assertRaises(ValueError):
                due_date(PLAIN, T(2026, 3, 2, 8), 1, DAY, [pause])


# Properties, on the Vietnamese calendar and on a commune that opens at
# 07:30 and on Saturday mornings.
SATURDAY = Calendar(
    shifts=((dt.time(7, 30), dt.time(11, 30)), (dt.time(13), dt.time(17))),
    weekend={6}, holidays=HOLIDAYS,
    days_off={D(2026, 3, 16): 'Nghỉ theo thông báo'})
calendars = st.sampled_from([VN, SATURDAY])
moments = st.datetimes(T(2025, 1, 1), T(2027, 6, 30))
pauses = st.lists(
    st.tuples(moments, st.timedeltas(dt.timedelta(), dt.timedelta(days=10)))
    .map(lambda p: (p[0], p[0] + p[1], 'Chờ bổ sung')),
    max_size=3)
units = st.sampled_from([DAY, HOUR, SAME_DAY])
durations = st.timedeltas(dt.timedelta(), dt.timedelta(days=60))


def amounts(unit):
    return st.integers(0, 1 if unit == SAME_DAY else 40)


def check_in_shift(test, calendar, moment):
    test.assertTrue(calendar.is_working_day(moment))
    test.assertTrue(any(s <= moment.time() <= e for s, e in calendar.shifts))


class PropertyTestCase(unittest.TestCase):

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, units.flatmap(
            lambda u: st.tuples(st.just(u), amounts(u))), pauses)
    def test_due_after_counted_from_after_received(
            self, calendar, received_at, unit_amount, pauses):
        unit, amount = unit_amount
        deadline = due_date(calendar, received_at, amount, unit, pauses)
        self.assertLessEqual(deadline.received_at, deadline.counted_from)
        self.assertLessEqual(deadline.counted_from, deadline.due_at)
        check_in_shift(self, calendar, deadline.due_at)
        # The working time until the due date is the processing time plus
        # the deducted pauses.
        explanation = deadline.explanation
        self.assertAlmostEqual(
            calendar.working_time(deadline.counted_from, deadline.due_at) / H,
            explanation[-1].hours
            + sum(s.hours for s in explanation if s.kind == 'pause'))

    @settings(max_examples=200, deadline=None)
    @given(
        calendars, moments, st.integers(0, 40), st.sampled_from([DAY, HOUR]))
    def test_processing_time(self, calendar, received_at, amount, unit):
        deadline = due_date(calendar, received_at, amount, unit)
        expected = amount * (calendar.day_length() if unit == DAY else H)
        self.assertEqual(
            calendar.working_time(deadline.counted_from, deadline.due_at),
            expected)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments)
    def test_same_day(self, calendar, received_at):
        due_at = due_date(calendar, received_at, 1, SAME_DAY).due_at
        self.assertEqual(due_at.time(), calendar.shifts[-1][1])
        day = received_at.date()
        if (calendar.is_working_day(day) and received_at.time() < dt.time(15)):
            self.assertEqual(due_at.date(), day)
        else:
            # Due on the first working day after the day of receipt.
            self.assertGreater(due_at.date(), day)
            self.assertEqual(calendar.working_time(
                    T.combine(day + dt.timedelta(days=1), dt.time()),
                    T.combine(due_at.date(), dt.time())),
                dt.timedelta())

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, st.integers(0, 30), st.integers(0, 10),
        st.sampled_from([DAY, HOUR]), pauses)
    def test_monotonic_in_amount(
            self, calendar, received_at, amount, more, unit, pauses):
        self.assertLessEqual(
            due_date(calendar, received_at, amount, unit, pauses).due_at,
            due_date(
                calendar, received_at, amount + more, unit, pauses).due_at)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, st.integers(0, 30), units, pauses, pauses)
    def test_pause_never_advances(
            self, calendar, received_at, amount, unit, pauses, more):
        amount = min(amount, 1) if unit == SAME_DAY else amount
        self.assertLessEqual(
            due_date(calendar, received_at, amount, unit, pauses).due_at,
            due_date(
                calendar, received_at, amount, unit, pauses + more).due_at)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, durations)
    def test_add_inverts_working_time(self, calendar, start, duration):
        end = calendar.add(start, duration)
        self.assertEqual(calendar.working_time(start, end), duration)
        check_in_shift(self, calendar, end)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, durations, durations)
    def test_working_time_inverts_add(self, calendar, anchor, duration, back):
        # A moment strictly inside a shift is reached back exactly.
        end = calendar.add(anchor, duration)
        assume(any(s < end.time() < e for s, e in calendar.shifts))
        start = end - back
        self.assertEqual(
            calendar.add(start, calendar.working_time(start, end)), end)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, st.integers(0, 40), pauses)
    def test_explanation(self, calendar, received_at, amount, pauses):
        deadline = due_date(calendar, received_at, amount, DAY, pauses)
        steps = deadline.explanation
        self.assertEqual(steps[0], Step('received', received_at))
        self.assertEqual(steps[-1].kind, 'due')
        self.assertEqual(steps[-1].start, deadline.due_at)
        self.assertEqual(
            [s.start for s in steps if s.kind == 'counted_from'],
            [deadline.counted_from])

        def moment(step):
            if isinstance(step.start, dt.datetime):
                return step.start
            return dt.datetime.combine(step.start, dt.time())
        middle = [moment(s) for s in steps[1:-1]]
        self.assertEqual(middle, sorted(middle))
        # Every day off up to the due date appears once, with its reason.
        day, days_off = received_at.date(), []
        while day <= deadline.due_at.date():
            if not calendar.is_working_day(day):
                days_off.append((calendar.day_off_reason(day)[0], day))
            day += dt.timedelta(days=1)
        self.assertEqual(days_off, [(s.kind, s.start) for s in steps
                if s.kind in {'weekend', 'holiday', 'day_off'}])
