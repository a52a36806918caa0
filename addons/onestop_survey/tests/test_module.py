# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from onestop_procedures.portal import record_attempt
from onestop_procedures.tests.tools import (
    create_citizen, create_commune, create_procedure, load_vietnamese)

from .. import invitation as invitation_module
from .. import routes
from ..invitation import parse_short_code
from ..followup import followup_due
from .tools import (
    MODULES, answer_online, create_kiosk, frozen, returned_dossier)
from .test_figures import FiguresMixin


def at(*args):
    "A moment in Vietnam time, as stored (UTC)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


def create_user(login, company, role='officer'):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': login.title(),
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [ModelData.get_id(
                                'onestop_procedures',
                                f'group_onestop_{role}')])],
                }])
    return user


def record_paper(dossier, rating, comment=None):
    "The officer copies the answer ticked on the dossier's evaluation slip"
    Wizard = Pool().get('onestop.dossier.survey.paper', type='wizard')
    with Transaction().set_context(active_model='onestop.dossier',
            active_id=dossier.id, active_ids=[dossier.id]):
        session_id, _, _ = Wizard.create()
        Wizard.execute(session_id, {}, 'start')
        Wizard.execute(session_id, {'start': {
                    'rating': rating, 'comment': comment}}, 'answer')
        Wizard.delete(session_id)


def in_force(procedure):
    procedure.effective_date = dt.date(2026, 1, 1)
    procedure.save()
    return procedure


class OnestopSurveyTestCase(FiguresMixin, CompanyTestMixin, ModuleTestCase):
    "Test the one-stop survey module"
    module = 'onestop_survey'

    @property
    def _skip_company_rule(self):
        # a questionnaire without commune serves every commune
        return super()._skip_company_rule | {('onestop.survey', 'company')}

    @with_transaction()
    def test_return_creates_invitation(self):
        "Returning the result invites the applicant once, with a secret"
        Invitation = Pool().get('onestop.survey.invitation')
        with set_company(create_commune()), \
                patch.object(invitation_module,
                    'send_message_transactional') as send:
            with frozen(at(2026, 11, 30, 23, 30)):
                dossier = returned_dossier(applicant_email='an@example.com')
            invitation, = dossier.survey_invitations
            self.assertGreaterEqual(len(invitation.token), 40)
            self.assertEqual(invitation.expires_at,
                at(2026, 11, 30, 23, 30) + dt.timedelta(days=30))
            # the day of the return in Vietnam time, not in UTC
            self.assertEqual(invitation.date, dt.date(2026, 11, 30))
            self.assertEqual(invitation.period, '2026-11')
            self.assertEqual(invitation.officer.id, Transaction().user)
            self.assertEqual(invitation.state, 'pending')
            other = returned_dossier(dossier.procedure, dossier.applicant)
            self.assertNotEqual(
                other.survey_invitations[0].token, invitation.token)
            Invitation.invite([dossier])
            self.assertEqual(
                Invitation.search_count([('dossier', '=', dossier.id)]), 1)
            msg, = [c.args[0] for c in send.call_args_list]
            self.assertEqual(msg['To'], 'an@example.com')
            self.assertIn(invitation.token, msg.get_content())
            self.assertIn('c=email', msg.get_content())

    def test_parse_short_code(self):
        "The slip's short code is read however it is typed"
        self.assertEqual(parse_short_code('k7m3q-9xr2o'), 'K7M3Q9XR20')
        self.assertEqual(parse_short_code('K7M3Q 9XR2D'), 'K7M3Q9XR2D')
        self.assertEqual(parse_short_code('k7m3q-9xr2l'), 'K7M3Q9XR21')
        for text in ['', None, 'K7M3Q-9XR2', 'K7M3Q-9XR2U', 'K7M3Q/9XR2D',
                'a' * 43]:
            self.assertIsNone(parse_short_code(text), text)

    @with_transaction()
    def test_short_link(self):
        "The short link opens the invitation, like its token"
        Invitation = Pool().get('onestop.survey.invitation')
        with set_company(create_commune()):
            invitation, = returned_dossier().survey_invitations
            other, = returned_dossier(invitation.dossier.procedure,
                invitation.dossier.applicant).survey_invitations
            self.assertNotEqual(invitation.short_code, other.short_code)
            self.assertRegex(invitation.short_url,
                r'/survey/[0-9A-Z]{5}-[0-9A-Z]{5}$')
            written = invitation.short_url.rsplit('/', 1)[1]
            self.assertEqual(
                Invitation.from_token(written.lower()), invitation)
            self.assertEqual(
                Invitation.from_token(invitation.short_code), invitation)
            answer_online(invitation, 'satisfied')
            with self.assertRaises(invitation_module.InvitationError) as cm:
                Invitation.from_token(written)
            self.assertEqual(cm.exception.status, 409)

    @with_transaction()
    def test_one_answer_per_dossier(self):
        "A dossier is answered once, whatever the channel"
        pool = Pool()
        Invitation = pool.get('onestop.survey.invitation')
        Response = pool.get('onestop.survey.response')
        with set_company(create_commune()):
            invitation, = returned_dossier().survey_invitations
            response = answer_online(invitation, 'satisfied', e='5')
            self.assertEqual(response.channel, 'qr')
            self.assertEqual(response.rating, 'satisfied')
            self.assertEqual(
                sorted(str(a.scale or a.rating) for a in response.answers),
                ['5', 'satisfied'])
            with self.assertRaises(invitation_module.InvitationError) as cm:
                Invitation.from_token(invitation.token)
            self.assertEqual(cm.exception.status, 409)
            with self.assertRaises(UserError):
                Response.create([{
                            'invitation': invitation.id,
                            'dossier': invitation.dossier.id,
                            'company': invitation.company.id,
                            'survey': response.survey.id,
                            'channel': 'kiosk', 'rating': 'not_satisfied',
                            'answered_at': response.answered_at,
                            }])

    @with_transaction()
    def test_refused_tokens(self):
        "Forged and expired tokens are refused with their own status"
        Invitation = Pool().get('onestop.survey.invitation')
        with set_company(create_commune()):
            with frozen(at(2026, 12, 1, 9)):
                invitation, = returned_dossier().survey_invitations
            forged = invitation.token[:-1] + (
                'A' if invitation.token.endswith('0') else '0')
            for token in ['', 'x', forged]:
                with self.assertRaises(
                        invitation_module.InvitationError) as cm:
                    Invitation.from_token(token)
                self.assertEqual(cm.exception.status, 404)
            with frozen(at(2026, 12, 31, 8, 59)):
                self.assertEqual(
                    Invitation.from_token(invitation.token), invitation)
            with frozen(at(2026, 12, 31, 9)), self.assertRaisesRegex(
                    invitation_module.InvitationError, '31/12/2026'):
                Invitation.from_token(invitation.token)

    @with_transaction()
    def test_answer_validation(self):
        "Missing overall ratings and unknown choices are refused"
        Survey = Pool().get('onestop.survey')
        with set_company(create_commune()):
            invitation, = returned_dossier().survey_invitations
            survey = Survey.for_channel(invitation.company, 'online')
            with self.assertRaisesRegex(UserError, 'Nhìn chung'):
                invitation.answer(survey, 'qr', {})
            with self.assertRaisesRegex(UserError, 'cơ quan'):
                answer_online(invitation, 'satisfied', b="Bảy cơ quan")
            with self.assertRaises(UserError):
                answer_online(invitation, 'happy')
            with self.assertRaises(UserError):
                answer_online(invitation, 'satisfied', d='6')
            self.assertEqual(invitation.state, 'pending')
            response = answer_online(invitation, 'very_satisfied',
                b="Chỉ Bộ phận Một cửa", i="  Cảm ơn  ")
            self.assertEqual(
                {a.question.code: a.option or a.text or a.rating
                    for a in response.answers},
                {'overall': 'very_satisfied',
                    'b': "Chỉ Bộ phận Một cửa", 'i': "Cảm ơn"})

    @with_transaction()
    def test_unhappy_answer_opens_followup(self):
        "Not satisfied opens a follow-up due in working days"
        with set_company(create_commune()):
            with frozen(at(2026, 12, 4, 16)):
                invitation, = returned_dossier().survey_invitations
                response = answer_online(invitation, 'not_satisfied')
            followup, = response.followups
            self.assertEqual(followup.state, 'open')
            self.assertEqual(followup.opened_at, at(2026, 12, 4, 16))
            # Friday 16:00 + 5 working days: the next Friday 16:00
            self.assertEqual(followup.due_at, at(2026, 12, 11, 16))
            self.assertEqual(followup.officer, invitation.officer)
            self.assertEqual(followup.dossier, invitation.dossier)
            happy, = returned_dossier(invitation.dossier.procedure,
                invitation.dossier.applicant).survey_invitations
            self.assertFalse(answer_online(happy, 'satisfied').followups)

    def test_followup_due_skips_holidays(self):
        "The follow-up clock skips weekends and the holidays"
        from onestop_procedures.working_time import (
            Calendar, vietnam_holidays)
        calendar = Calendar(
            shifts=((dt.time(8), dt.time(12)), (dt.time(13, 30), dt.time(17))),
            holidays=vietnam_holidays([2026]), days_off={}, makeup_days={},
            cutoff=dt.time(15))
        # Wednesday 29 April 10:00; 30 April and 1 May are holidays
        self.assertEqual(
            followup_due(calendar, dt.datetime(2026, 4, 29, 10), 2),
            dt.datetime(2026, 5, 5, 10))
        # Saturday evening counts from Monday 08:00: one working day
        # ends on Monday at 17:00
        self.assertEqual(
            followup_due(calendar, dt.datetime(2026, 3, 7, 19), 1),
            dt.datetime(2026, 3, 9, 17))

    @with_transaction()
    def test_followup_contact_and_close(self):
        "A follow-up records the contact, then the resolution"
        FollowUp = Pool().get('onestop.survey.followup')
        with set_company(create_commune()):
            invitation, = returned_dossier().survey_invitations
            followup, = answer_online(invitation, 'not_satisfied').followups
            with self.assertRaisesRegex(UserError, 'contacted'):
                FollowUp.contact([followup])
            followup.contact_method = 'phone'
            followup.contact_note = "Gọi điện cho công dân, xin lỗi"
            followup.save()
            FollowUp.contact([followup])
            self.assertEqual(followup.state, 'contacted')
            self.assertTrue(followup.contacted_at)
            with self.assertRaisesRegex(UserError, 'resolution'):
                FollowUp.close([followup])
            followup.resolution = "Nhắc nhở cán bộ, trả lời công dân"
            followup.save()
            FollowUp.close([followup])
            self.assertEqual(followup.state, 'closed')
            self.assertTrue(followup.on_time)

    @with_transaction()
    def test_flag_overdue_followups(self):
        """The scheduled job flags open follow-ups past their deadline and
        tells the subscribers of that commune only"""
        pool = Pool()
        FollowUp = pool.get('onestop.survey.followup')
        Notification = pool.get('res.notification')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        method = 'onestop.survey.followup|flag_overdue'
        here, there = [create_user(login, company, 'approver')
            for login, company in [('lanhdao', gia_loc), ('khac', other)]]
        for user in [here, there]:
            user.notifications = [method]
            user.save()
        with set_company(gia_loc):
            procedure = create_procedure()
            with frozen(at(2026, 12, 1, 9)):
                late, closed, recent = [answer_online(
                        returned_dossier(procedure, create_citizen(
                                name, cid, dt.date(1990, 1, 1))
                            ).survey_invitations[0],
                        'not_satisfied').followups[0]
                    for name, cid in [("Lê A", '031090001231'),
                        ("Lê B", '031090001232'), ("Lê C", '031090001233')]]
            recent.due_at = at(2026, 12, 30, 9)
            recent.save()
            closed.contact_method = 'meeting'
            closed.contact_note = "Gặp trực tiếp"
            closed.resolution = "Đã giải quyết"
            closed.save()
            FollowUp.close([closed])
            with frozen(at(2026, 12, 20, 9)), \
                    Transaction().set_context(_cron=method):
                self.assertEqual(FollowUp.flag_overdue(), 1)
                self.assertEqual(FollowUp.flag_overdue(), 0)
            self.assertEqual(
                FollowUp.search([('overdue', '=', True)]), [late])
            self.assertTrue(FollowUp(late.id).overdue)
        notification, = Notification.search([('user', '=', here.id)])
        self.assertIn('1', notification.description)
        self.assertFalse(Notification.search([('user', '=', there.id)]))

    @with_transaction()
    def test_kiosk(self):
        "The officer's button sends the dossier to the counter's tablet"
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Kiosk = pool.get('onestop.survey.kiosk')
        company = create_commune()
        with set_company(company):
            officer = create_user('tiepnhan', company)
            dossier = returned_dossier()
            first, second = dossier, returned_dossier(
                dossier.procedure, dossier.applicant)
            with Transaction().set_user(officer.id), \
                    self.assertRaisesRegex(UserError, 'Tiepnhan'):
                Dossier.survey_kiosk([first])
            kiosk = create_kiosk(company, [officer])
            self.assertTrue(kiosk.url.endswith('/survey/kiosk/' + kiosk.key))
            self.assertIsNone(Kiosk.from_key(kiosk.key).current)
            with frozen(at(2026, 12, 1, 9)):
                with Transaction().set_user(officer.id):
                    Dossier.survey_kiosk([first])
                kiosk = Kiosk.from_key(kiosk.key)
                self.assertEqual(kiosk.current, first.survey_invitation)
                with self.assertRaisesRegex(UserError, 'another'):
                    kiosk.answer(second.survey_invitation.token, 'satisfied')
                with Transaction().set_user(officer.id):
                    Dossier.survey_kiosk([second])
            # the request is forgotten after 10 minutes
            with frozen(at(2026, 12, 1, 9, 10)):
                self.assertIsNone(Kiosk(kiosk.id).current)
                with self.assertRaisesRegex(UserError, 'no dossier'):
                    Kiosk(kiosk.id).answer(
                        second.survey_invitation.token, 'satisfied')
            with frozen(at(2026, 12, 1, 9, 9)):
                response = Kiosk(kiosk.id).answer(
                    second.survey_invitation.token, 'very_satisfied')
                self.assertIsNone(Kiosk(kiosk.id).current)
            self.assertEqual(response.channel, 'kiosk')
            self.assertEqual(response.survey.usage, 'kiosk')
            self.assertEqual(second.survey_rating, 'very_satisfied')
            with Transaction().set_user(officer.id), \
                    self.assertRaisesRegex(UserError, 'already'):
                Dossier.survey_kiosk([second])
            old_key = kiosk.key
            Kiosk.new_key([kiosk])
            self.assertIsNone(Kiosk.from_key(old_key))

    @with_transaction()
    def test_paper_evaluation(self):
        """The officer records the rating ticked on the paper slip: counted
        like the others, for the officer who served"""
        pool = Pool()
        Dossier = pool.get('onestop.dossier')
        Figure = pool.get('onestop.survey.figure')
        company = create_commune()
        with set_company(company):
            served = create_user('tiepnhan', company)
            clerk = create_user('vanthu', company)
            leader = create_user('lanhdao', company, 'leader')
            with Transaction().set_user(served.id):
                dossier = returned_dossier()
            self.assertTrue(dossier.survey_pending)
            with Transaction().set_user(leader.id), \
                    self.assertRaises(UserError):
                record_paper(dossier, 'satisfied')
            with Transaction().set_user(clerk.id):
                record_paper(dossier, 'very_satisfied', "  Cán bộ tận tình ")
            dossier = Dossier(dossier.id)
            response, = dossier.survey_invitation.responses
            self.assertEqual(
                (response.channel, response.rating, response.comment),
                ('paper', 'very_satisfied', "Cán bộ tận tình"))
            self.assertEqual(response.officer, served)
            # the slip prints the counter's quick rating
            self.assertEqual(response.survey.usage, 'kiosk')
            self.assertEqual([a.rating for a in response.answers],
                ['very_satisfied'])
            self.assertFalse(response.followups)
            self.assertEqual(dossier.survey_rating, 'very_satisfied')
            self.assertFalse(dossier.survey_pending)
            figure, = Figure.search([])
            self.assertEqual((figure.answered, figure.very_satisfied),
                (1, 1))

    @with_transaction()
    def test_paper_evaluation_unhappy(self):
        "Not satisfied ticked on paper opens the follow-up"
        company = create_commune()
        with set_company(company):
            officer = create_user('tiepnhan', company)
            with frozen(at(2026, 12, 4, 16)):
                with Transaction().set_user(officer.id):
                    dossier = returned_dossier()
                    record_paper(dossier, 'not_satisfied',
                        "Phải đi lại ba lần")
            response, = dossier.survey_invitation.responses
            followup, = response.followups
            self.assertEqual(followup.state, 'open')
            self.assertEqual(followup.officer, officer)
            self.assertEqual(followup.due_at, at(2026, 12, 11, 16))
            self.assertEqual(response.comment, "Phải đi lại ba lần")

    @with_transaction()
    def test_paper_evaluation_refused(self):
        """A dossier answered already, or whose evaluation has closed, is
        refused as on the public page, in the officer's language"""
        Response = Pool().get('onestop.survey.response')
        company = create_commune()
        with set_company(company):
            officer = create_user('tiepnhan', company)
            with frozen(at(2026, 12, 1, 9)):
                answered = returned_dossier()
                expired = returned_dossier(
                    answered.procedure, answered.applicant)
            answer_online(answered.survey_invitation, 'satisfied')
            load_vietnamese(MODULES)
            with Transaction().set_user(officer.id), \
                    Transaction().set_context(language='vi'):
                with self.assertRaisesRegex(UserError, 'đã được đánh giá'):
                    record_paper(answered, 'not_satisfied')
                with frozen(at(2026, 12, 31, 9)):
                    self.assertFalse(expired.survey_pending)
                    with self.assertRaisesRegex(UserError,
                            'đã kết thúc vào ngày 31/12/2026'):
                        record_paper(expired, 'satisfied')
            self.assertEqual(len(Response.search([])), 1)

    @with_transaction()
    def test_rate_limit(self):
        """A network refused too often is turned away, another is not; an
        IPv6 network is its /56"""
        def request_from(address):
            return Transaction().set_context(
                _request={'remote_addr': address})
        with request_from('203.0.113.7'):
            for _ in range(9):
                record_attempt('survey_refused')
            self.assertFalse(routes.flooded())
            record_attempt('survey_refused')
            self.assertTrue(routes.flooded())
        with request_from('203.0.113.8'):
            self.assertFalse(routes.flooded())
            for _ in range(20):
                record_attempt('survey_answer')
            self.assertTrue(routes.flooded())
        with request_from('2001:db8:0:1::1'):
            for _ in range(10):
                record_attempt('survey_refused')
        with request_from('2001:db8:0:1::ffff'):
            self.assertTrue(routes.flooded())
        with request_from('2001:db8:0:100::1'):
            self.assertFalse(routes.flooded())

    @with_transaction()
    def test_survey_versions(self):
        "An answered questionnaire changes only through a new version"
        pool = Pool()
        Survey = pool.get('onestop.survey')
        Question = pool.get('onestop.survey.question')
        company = create_commune()
        with set_company(company):
            invitation, = returned_dossier().survey_invitations
            survey = Survey.for_channel(company, 'online')
            self.assertEqual(len(survey.questions), 10)
            answer_online(invitation, 'satisfied')
            with self.assertRaisesRegex(UserError, 'new version'):
                Survey.write([survey], {'usage': 'kiosk'})
            with self.assertRaises(UserError):
                Question.write([survey.questions[1]], {'text': "Changed"})
            new, = Survey.browse(Survey.new_version([survey]))
            self.assertEqual((new.code, new.version), (survey.code, 2))
            self.assertFalse(Survey(survey.id).active)
            self.assertEqual(Survey.for_channel(company, 'online'), new)
            Question.write([new.questions[1]], {'text': "Changed"})
            own, = Survey.copy([new], default={
                    'code': 'GIALOC', 'company': company.id})
            self.assertEqual(Survey.for_channel(company, 'online'), own)
            with self.assertRaisesRegex(UserError, 'overall'):
                Question.write([own.questions[1]], {'overall': True,
                        'kind': 'rating'})

    @with_transaction()
    def test_commune_isolation(self):
        "An officer of one commune sees only its evaluations"
        pool = Pool()
        Response = pool.get('onestop.survey.response')
        gia_loc = create_commune()
        other = create_commune("UBND phường Khác", agency_code='000.31.99999')
        with set_company(gia_loc):
            answer_online(
                returned_dossier().survey_invitations[0], 'satisfied')
        with set_company(other):
            answer_online(returned_dossier(
                    create_procedure('1.000894'),
                    create_citizen("Trần C", '031096001235',
                        dt.date(1996, 1, 1))).survey_invitations[0],
                'not_satisfied')
        officer = create_user('officer', other)
        with Transaction().set_user(officer.id), \
                Transaction().set_context(
                    _check_access=True, company=other.id):
            response, = Response.search([])
            self.assertEqual(response.company, other)
            with self.assertRaises(UserError):
                Response.write([response], {'comment': "sửa"})


del ModuleTestCase
