# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The public figures of a commune, GET /portal/api/statistics and
/portal/api/scorecard, through werkzeug's client: every answer, figures and
errors, checked against docs/openapi.yaml, on the data set of
test_statistics (its figures were counted by hand there)."""

from jsonschema import ValidationError

from trytond.tests.test_tryton import RouteTestCase

from .test_portal import OpenAPI, use_portal_database
from .test_scorecard import GIA_LOC, add_reuse
from .test_statistics import FIGURES, create_report_data

STATISTICS = '/portal/api/statistics'
SCORECARD = '/portal/api/scorecard'
MARCH = 'from=2026-03-01&to=2026-03-31'


class FiguresAPITestCase(RouteTestCase):
    "The statistics and the index estimate as the API documents them"
    module = 'onestop_procedures'

    @classmethod
    def setUpClass(cls):
        use_portal_database(cls)
        super().setUpClass()

    @classmethod
    def setUpDatabase(cls):
        # Gia Lộc 10999 and Phường Khác 10888 with dossiers, Thứ Ba 10777
        # without
        _, dossiers = create_report_data()
        add_reuse(dossiers['D07'])

    def setUp(self):
        super().setUp()
        self.api = OpenAPI()

    def get(self, path, status=200):
        "The JSON of a GET answered with the status and documented so"
        response = self.client().get(path)
        self.assertEqual(response.status_code, status, response.text)
        self.api.validate(response, path)
        return response.json

    def assertErrors(self, path, cases):
        for query, status in cases:
            with self.subTest(query=query):
                data = self.get(f'{path}?{query}', status)
                self.assertEqual(data['error']['status'], status)
                self.assertTrue(data['error']['message'])

    def test_statistics(self):
        "Columns 3-13 of a month, per field, the rates and the counting rules"
        data = self.get(f'{STATISTICS}?unit=10999&{MARCH}')
        self.assertEqual((data['unit'], data['commune'], data['from'],
                data['to']), ('10999', "UBND xã Gia Lộc", '2026-03-01',
                '2026-03-31'))
        # test_statistics.test_form_06_by_field counted them by hand
        self.assertEqual([data[n] for n in FIGURES],
            [12, 4, 4, 4, 7, 2, 3, 2, 5, 4, 1])
        self.assertEqual((data['on_time_rate'], data['average_days']),
            (62.5, 2.62))
        fields = {f['code']: f for f in data['fields']}
        self.assertEqual({c: [f[n] for n in FIGURES]
                for c, f in fields.items()}, {
                'HT': [9, 4, 2, 3, 4, 2, 2, 0, 5, 4, 1],
                'CT': [3, 0, 2, 1, 3, 0, 1, 2, 0, 0, 0],
                })
        self.assertEqual((fields['HT']['name'], fields['HT']['on_time_rate'],
                fields['CT']['on_time_rate']), ("Hộ tịch", 80.0, 33.3))
        for name in FIGURES:
            self.assertEqual(data[name],
                sum(f[name] for f in data['fields']), name)
        self.assertIn('withdrawn', data['rules'])

    def test_statistics_other_periods_and_communes(self):
        "Carried over into April; another commune; one without dossiers"
        data = self.get(
            f'{STATISTICS}?unit=10999&from=2026-04-01&to=2026-04-30')
        self.assertEqual([data[n] for n in FIGURES],
            [6, 1, 0, 5, 2, 0, 2, 0, 4, 1, 3])
        self.assertEqual(data['on_time_rate'], 40.0)
        data = self.get(f'{STATISTICS}?unit=10888&{MARCH}&lang=en')
        self.assertEqual([data[n] for n in FIGURES],
            [2, 1, 1, 0, 2, 1, 0, 1, 0, 0, 0])
        # one day: from = to
        data = self.get(
            f'{STATISTICS}?unit=10999&from=2026-03-10&to=2026-03-10')
        # D04 D05 D09 carried over, D10 received at the counter; D09
        # finished late, D10 on time
        self.assertEqual([data[n] for n in FIGURES],
            [4, 0, 1, 3, 2, 0, 1, 1, 2, 2, 0])
        data = self.get(f'{STATISTICS}?unit=10777&{MARCH}')
        self.assertEqual([data[n] for n in FIGURES], [0] * len(FIGURES))
        self.assertEqual((data['on_time_rate'], data['average_days'],
                data['fields']), (None, None, []))

    def test_statistics_errors(self):
        "Unknown or missing unit 404; missing, wrong or reversed dates 400"
        self.assertErrors(STATISTICS, [
                (f'unit=99999&{MARCH}', 404),
                (MARCH, 404),
                (f'unit=&{MARCH}', 404),
                # the unit is checked before the dates
                ('unit=99999&from=x', 404),
                ('unit=10999', 400),
                ('unit=10999&from=2026-03-01', 400),
                ('unit=10999&to=2026-03-31', 400),
                ('unit=10999&from=2026-02-30&to=2026-03-31', 400),
                ('unit=10999&from=01/03/2026&to=31/03/2026', 400),
                ('unit=10999&from=2026-03&to=2026-04', 400),
                ('unit=10999&from=2026-03-31&to=2026-03-01', 400),
                ('unit=10999&from=2010-01-01&to=2026-03-01', 400),
                ])

    def test_scorecard(self):
        "The March estimate: totals, groups, every indicator, the label"
        data = self.get(f'{SCORECARD}?unit=10999&period=2026-03')
        self.assertEqual((data['unit'], data['commune'], data['period'],
                data['from'], data['to'], data['estimate']),
            ('10999', "UBND xã Gia Lộc", '2026-03', '2026-03-01',
                '2026-03-31', True))
        self.assertIn('766', data['label'])
        self.assertEqual((data['points'], data['maximum'], data['score'],
                data['grade'], data['grade_name']),
            (30.55, 50, 61.1, 'average', "Average"))
        self.assertEqual([(g['group'], g['max_points'], g['measured_max'],
                    g['points']) for g in data['groups']],
            [('1', 18, 6, 4.0), ('2', 20, 20, 12.5), ('3a', 12, 12, 8.17),
                ('4', 22, 12, 5.88)])
        indicators = {i['code']: i for i in data['indicators']}
        for code, (numerator, denominator, points) in GIA_LOC.items():
            with self.subTest(code=code):
                indicator = indicators[code]
                self.assertEqual((indicator['numerator'],
                        indicator['denominator'], indicator['points']),
                    (numerator, denominator, points))
                self.assertEqual(indicator['measured'],
                    numerator is not None)
        self.assertEqual((indicators['2.1']['ratio'],
                indicators['2.1']['target'], indicators['2.1']['group']),
            (0.625, 1.0, '2'))
        self.assertEqual((indicators['2.2']['kind'],
                indicators['2.2']['ratio']), ('average', 63.0))
        self.assertEqual(sum(i['points'] for i in data['indicators']
                if i['measured']), data['points'])

    def test_scorecard_periods_and_empty_commune(self):
        "A quarter, a year; a commune without dossiers gets full points"
        for period, from_, to in [('2026-Q1', '2026-01-01', '2026-03-31'),
                ('2026', '2026-01-01', '2026-12-31')]:
            with self.subTest(period=period):
                data = self.get(f'{SCORECARD}?unit=10999&period={period}')
                self.assertEqual((data['period'], data['from'], data['to']),
                    (period, from_, to))
        data = self.get(f'{SCORECARD}?unit=10777&period=2026-03&lang=en')
        # the catalogue's points (5.67) and full points on the dossiers but
        # none for online services used: 43.67 of 50
        self.assertEqual((data['points'], data['score'], data['grade']),
            (43.67, 87.34, 'good'))
        indicators = {i['code']: i for i in data['indicators']}
        self.assertEqual((indicators['2.1']['no_data'],
                indicators['2.1']['ratio'], indicators['2.1']['points']),
            (True, None, 20.0))

    def test_scorecard_errors(self):
        "Unknown or missing unit 404; a period missing or not one 400"
        self.assertErrors(SCORECARD, [
                ('unit=99999&period=2026-03', 404),
                ('period=2026-03', 404),
                ('unit=99999&period=x', 404),
                ('unit=10999', 400),
                ('unit=10999&period=', 400),
                ('unit=10999&period=2026-3', 400),
                ('unit=10999&period=2026-13', 400),
                ('unit=10999&period=2026-00', 400),
                ('unit=10999&period=2026-Q5', 400),
                ('unit=10999&period=26-03', 400),
                ('unit=10999&period=2026-03-01', 400),
                ])

    def test_dates_out_of_range(self):
        "Days no report can cover are a documented 400, not a crash"
        self.assertErrors(STATISTICS, [
                ('unit=10999&from=0001-01-01&to=0001-01-01', 400),
                ('unit=10999&from=9999-12-31&to=9999-12-31', 400),
                ])
        self.assertErrors(SCORECARD, [
                ('unit=10999&period=0000', 400),
                ('unit=10999&period=0001-01', 400),
                ('unit=10999&period=9999-12', 400),
                ('unit=10999&period=9999', 400),
                ])

    def test_schemas_are_closed(self):
        "The documented answers allow no key the endpoints do not send"
        for path, rows in [(f'{STATISTICS}?unit=10999&{MARCH}', 'fields'),
                (f'{SCORECARD}?unit=10999&period=2026-03', 'indicators')]:
            data = self.get(path)
            pointer = ('#/paths/' + path.split('?')[0].replace('/', '~1')
                + '/get/responses/200/content/application~1json/schema')
            for extra in [{**data, 'extra': 1},
                    {**data, rows: [{**data[rows][0], 'extra': 1}]}]:
                with self.subTest(path=path), self.assertRaises(
                        ValidationError):
                    self.api.check(extra, pointer)
