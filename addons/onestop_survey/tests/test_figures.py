# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Satisfaction figures checked against numbers computed by hand"
import datetime as dt

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from onestop_procedures.tests.tools import (
    create_citizen, create_commune, create_dossier, create_procedure)

from ..figures import index_points
from .tools import answer_online, frozen, returned_dossier


def at(*args):
    return dt.datetime(*args) - dt.timedelta(hours=7)


DECEMBER, JANUARY = at(2026, 12, 10, 9), at(2027, 1, 12, 9)


class FiguresMixin:
    "Nine dossiers of xã Gia Lộc, one of another commune"

    def _figures_data(self):
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Field = pool.get('onestop.procedure.field')
        User = pool.get('res.user')
        FollowUp = pool.get('onestop.survey.followup')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        hoa, nam = User.create([
                {'login': 'hoa', 'name': "Hoa"},
                {'login': 'nam', 'name': "Nam"}])
        data = {'gia_loc': gia_loc, 'other': other, 'hoa': hoa, 'nam': nam}
        with set_company(gia_loc):
            citizen = create_citizen()
            p1 = create_procedure()
            p2 = create_procedure('1.000894')
            building, = Field.create([{'code': 'XD', 'name': "Xây dựng"}])
            p2.field = building
            p2.save()
            data.update(p1=p1, p2=p2)
            # (moment, procedure, officer, rating)
            plan = [
                (DECEMBER, p1, hoa, 'very_satisfied'),
                (DECEMBER, p1, hoa, 'satisfied'),
                (DECEMBER, p1, nam, 'not_satisfied'),
                (DECEMBER, p2, nam, None),
                (JANUARY, p2, hoa, 'satisfied'),
                (JANUARY, p2, nam, 'not_satisfied'),
                (JANUARY, p1, hoa, None),
                (JANUARY, p1, nam, 'very_satisfied'),
                (JANUARY, p2, hoa, 'very_satisfied'),
                ]
            for i, (moment, procedure, officer, rating) in enumerate(plan):
                if i == 3:
                    # received on 1 December, due in 3 working days:
                    # returned late
                    with frozen(at(2026, 12, 1, 9)):
                        dossier = create_dossier(procedure, citizen)
                        Dossier.receive([dossier])
                        Dossier.assign([dossier])
                    with frozen(moment), Transaction().set_user(officer.id):
                        Dossier.approve([dossier])
                        Dossier.return_result([dossier])
                    continue
                with frozen(moment):
                    with Transaction().set_user(officer.id):
                        dossier = returned_dossier(procedure, citizen)
                    if rating:
                        answer_online(dossier.survey_invitation, rating)
            unhappy = FollowUp.search([], order=[('opened_at', 'ASC')])
            first = unhappy[0]
            first.contact_method = 'phone'
            first.contact_note = "Đã gọi điện"
            first.resolution = "Đã xin lỗi và hướng dẫn"
            first.save()
            with frozen(DECEMBER + dt.timedelta(days=1)):
                FollowUp.close([first])
            with frozen(at(2027, 2, 1, 9)):
                FollowUp.flag_overdue()
        with set_company(other):
            with frozen(DECEMBER):
                dossier = returned_dossier(create_procedure('1.004884'),
                    create_citizen("Trần C", '031096001235',
                        dt.date(1996, 1, 1)))
                answer_online(dossier.survey_invitation, 'satisfied')
        return data

    def _rows(self, **context):
        Figure = Pool().get('onestop.survey.figure')
        names = ['company', 'period', 'procedure', 'field', 'officer']
        with Transaction().set_context(**context):
            figures = Figure.search([])
            return {tuple(getattr(f, n).id if hasattr(getattr(f, n), 'id')
                        else getattr(f, n) for n in names): (
                    f.invited, f.answered, f.very_satisfied, f.satisfied,
                    f.not_satisfied, f.satisfaction_rate, f.response_rate,
                    f.followups, f.open_followups, f.overdue_followups)
                for f in figures}

    @with_transaction()
    def test_figures(self):
        "Rates by commune, month, procedure, field and officer"
        d = self._figures_data()
        a, b = d['gia_loc'].id, d['other'].id
        p1, p2 = d['p1'], d['p2']
        hoa, nam = d['hoa'].id, d['nam'].id
        self.assertEqual(self._rows(), {
                (a, '2026-12', None, None, None):
                (4, 3, 1, 1, 1, 66.7, 75.0, 1, 0, 0),
                (a, '2027-01', None, None, None):
                (5, 4, 2, 1, 1, 75.0, 80.0, 1, 1, 1),
                (b, '2026-12', None, None, None):
                (1, 1, 0, 1, 0, 100.0, 100.0, 0, 0, 0),
                })
        self.assertEqual(self._rows(by_period=False), {
                (a, None, None, None, None):
                (9, 7, 3, 2, 2, 71.4, 77.8, 2, 1, 1),
                (b, None, None, None, None):
                (1, 1, 0, 1, 0, 100.0, 100.0, 0, 0, 0),
                })
        by_procedure = self._rows(by_period=False, by_procedure=True)
        self.assertEqual(by_procedure[(a, None, p1.id, None, None)],
            (5, 4, 2, 1, 1, 75.0, 80.0, 1, 0, 0))
        self.assertEqual(by_procedure[(a, None, p2.id, None, None)],
            (4, 3, 1, 1, 1, 66.7, 75.0, 1, 1, 1))
        by_field = self._rows(by_period=False, by_field=True)
        self.assertEqual(by_field[(a, None, None, p2.field.id, None)],
            (4, 3, 1, 1, 1, 66.7, 75.0, 1, 1, 1))
        by_officer = self._rows(by_period=False, by_officer=True)
        self.assertEqual(by_officer[(a, None, None, None, hoa)],
            (5, 4, 2, 2, 0, 100.0, 80.0, 0, 0, 0))
        self.assertEqual(by_officer[(a, None, None, None, nam)],
            (4, 3, 1, 0, 2, 33.3, 75.0, 2, 1, 1))
        self.assertEqual(self._rows(from_date=dt.date(2027, 1, 1)), {
                (a, '2027-01', None, None, None):
                (5, 4, 2, 1, 1, 75.0, 80.0, 1, 1, 1),
                })

    @with_transaction()
    def test_index_inputs(self):
        "The inputs and points of indicators 5.2 to 5.4"
        Figure = Pool().get('onestop.survey.figure')
        d = self._figures_data()
        inputs = Figure.index_inputs(
            d['gia_loc'], dt.date(2026, 12, 1), dt.date(2027, 1, 31))
        self.assertEqual(inputs, {
                'finished': 9, 'late': 1, 'not_satisfied': 2, 'repeated': 1,
                'followups': 2, 'followups_overdue': 1,
                'followups_closed': 1, 'followups_closed_on_time': 1})
        points = index_points(inputs)
        self.assertEqual(points['5.2'], (1, 6))
        self.assertEqual(points['5.3'], (0, 0))
        ratio, score = points['5.4']
        # 100 % - (1 late + 2 unhappy) / 9 = 66.7 %, target 90 %
        self.assertAlmostEqual(ratio, 6 / 9)
        self.assertAlmostEqual(score, 6 * (6 / 9) / 0.9)
        december = Figure.index_inputs(
            d['gia_loc'], dt.date(2026, 12, 1), dt.date(2026, 12, 31))
        self.assertEqual((december['finished'], december['followups'],
                december['repeated']), (4, 1, 0))

    def test_index_points_without_data(self):
        "No follow-up gives full marks; no dossier gives none for 5.4"
        points = index_points({
                'finished': 0, 'late': 0, 'not_satisfied': 0, 'repeated': 0,
                'followups': 0, 'followups_overdue': 0,
                'followups_closed': 0, 'followups_closed_on_time': 0})
        self.assertEqual(points, {
                '5.2': (1, 6), '5.3': (1, 6), '5.4': (None, 0)})
