# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Invitations to evaluate a returned dossier, and the citizens' answers"
import datetime as dt
import secrets
from email.message import EmailMessage
from urllib.parse import quote

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from onestop_procedures.dossier import utc_now
from onestop_procedures.portal import portal_url
from onestop_procedures.slip import qr_image

from .survey import RATINGS

CHANNELS = [
    ('kiosk', "Counter Kiosk"),
    ('qr', "QR Code"),
    ('portal', "Portal"),
    ('email', "E-mail Link"),
    ('paper', "Paper Slip"),
    ]
# The short link printed on the evaluation slip, for whoever types it:
# Crockford's base32 (no I, L, O or U to misread), 10 characters are 50 bits;
# refused codes count against the address like refused tokens
SHORT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
SHORT_LENGTH = 10
_MISREAD = str.maketrans('OIL', '011', '- ')


class InvitationError(ValidationError):
    "A token refused: forged (404), already answered (409) or expired (410)"

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def survey_path(token, channel=None):
    "The public page where the citizen evaluates the dossier"
    query = f'?c={channel}' if channel else ''
    return f"/survey/{quote(token, safe='')}{query}"


def survey_url(token, channel=None):
    return portal_url(survey_path(token, channel))


def new_short_code():
    return ''.join(
        secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


def parse_short_code(text):
    """The short code typed in text as stored ('k7m3q-9xr2o' gives
    'K7M3Q9XR20'), None when text is not one (a token is longer)"""
    code = (text or '').upper().translate(_MISREAD)
    if len(code) == SHORT_LENGTH and set(code) <= set(SHORT_ALPHABET):
        return code
    return None


def written_short_code(code):
    "In two groups, easier to read out and type: 'K7M3Q-9XR20'"
    return f'{code[:5]}-{code[5:]}'


class Invitation(ModelSQL, ModelView):
    "Survey Invitation"
    __name__ = 'onestop.survey.invitation'
    __string__ = "Survey Invitation"
    _rec_name = 'token'

    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True)
    officer = fields.Many2One('res.user', "Officer", readonly=True,
        help="The officer who returned the result.")
    date = fields.Date("Date", required=True, readonly=True,
        help="The day the result was returned (Vietnam time).")
    period = fields.Char("Period", required=True, readonly=True,
        help="Month of the return, as YYYY-MM.")
    token = fields.Char("Token", required=True, readonly=True)
    short_code = fields.Char("Short Code", readonly=True,
        help="Typed after the portal's address when the QR code cannot be "
        "scanned.")
    expires_at = fields.DateTime("Expires At", required=True, readonly=True)
    responses = fields.One2Many(
        'onestop.survey.response', 'invitation', "Answer", readonly=True)
    state = fields.Function(fields.Selection([
                ('pending', "Waiting for the Answer"),
                ('answered', "Answered"),
                ('expired', "Expired"),
                ], "State"), 'get_state')
    url = fields.Function(fields.Char("Portal Link"), 'get_url')
    qr_url = fields.Function(fields.Char("QR Code Link",
            help="The address printed as a QR code on the return documents."),
        'get_url')
    short_url = fields.Function(fields.Char("Short Link",
            help="The address written out on the evaluation slip."),
        'get_url')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('dossier_unique', Unique(t, t.dossier),
                'onestop_survey.msg_invitation_dossier_unique'),
            ('token_unique', Unique(t, t.token),
                'onestop_survey.msg_invitation_token_unique'),
            ('short_code_unique', Unique(t, t.short_code),
                'onestop_survey.msg_invitation_token_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.token, Index.Equality())),
                Index(t, (t.short_code, Index.Equality())),
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.officer, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return self.dossier.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name', *clause[1:])]

    def get_state(self, name):
        if self.responses:
            return 'answered'
        if self.expires_at <= utc_now():
            return 'expired'
        return 'pending'

    def get_url(self, name):
        if name == 'short_url':
            # typed from the slip: the page counts it as the QR code's
            return (survey_url(written_short_code(self.short_code))
                if self.short_code else None)
        return survey_url(self.token, 'qr' if name == 'qr_url' else 'portal')

    def qr_image(self, size='3cm'):
        "The QR code printed on the return documents (relatorio image)"
        return qr_image(self.qr_url, size)

    @classmethod
    def invite(cls, dossiers):
        "One invitation per returned dossier, with its own secret token"
        pool = Pool()
        Configuration = pool.get('onestop.survey.configuration')
        User = pool.get('res.user')
        config_ = Configuration(1)
        now = utc_now()
        officer = User(Transaction().user) if Transaction().user else None
        done = {i.dossier for i in cls.search(
                [('dossier', 'in', [d.id for d in dossiers])])}
        invitations = []
        for dossier in dossiers:
            if dossier in done:
                continue
            day = dossier.local(now).date()
            invitations.append(cls(dossier=dossier, company=dossier.company,
                    officer=officer, date=day, period=f'{day:%Y-%m}',
                    token=secrets.token_urlsafe(32),
                    short_code=new_short_code(),
                    expires_at=now + dt.timedelta(
                        days=config_.invitation_days)))
        with without_check_access():
            cls.save(invitations)
        for invitation in invitations:
            invitation.send_email()
        return invitations

    def send_email(self):
        "The link in the e-mail telling the citizen the result is returned"
        email = self.dossier.applicant_email
        if not email:
            return
        with Transaction().set_context(language='vi'):
            subject = gettext('onestop_survey.msg_email_subject',
                dossier=self.dossier.code)
            body = gettext('onestop_survey.msg_email_body',
                name=self.dossier.applicant_name, dossier=self.dossier.code,
                url=survey_url(self.token, 'email'),
                expires=self.dossier.local(self.expires_at).strftime(
                    '%d/%m/%Y'))
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = email
        msg['Subject'] = subject
        msg.set_content(body)
        send_message_transactional(msg)

    @classmethod
    def from_token(cls, token, lock=False):
        """The invitation a token or a short code opens, or a clear refusal:
        forged, expired or already answered"""
        code = parse_short_code(token)
        invitations = cls.search([('short_code', '=', code) if code
                else ('token', '=', token or '')], limit=1)
        if not invitations or not token:
            raise InvitationError(gettext(
                    'onestop_survey.msg_invitation_invalid'), 404)
        invitation, = invitations
        if lock:
            cls.lock([invitation])
        if invitation.responses:
            raise InvitationError(gettext(
                    'onestop_survey.msg_invitation_answered',
                    dossier=invitation.dossier.code), 409)
        if invitation.expires_at <= utc_now():
            raise InvitationError(gettext(
                    'onestop_survey.msg_invitation_expired',
                    dossier=invitation.dossier.code,
                    date=invitation.dossier.local(
                        invitation.expires_at).strftime('%d/%m/%Y')), 410)
        return invitation

    def answer(self, survey, channel, values, comment=None):
        """Record the citizen's answers (question id: raw value) given on
        channel; an unhappy answer opens a follow-up"""
        pool = Pool()
        Response = pool.get('onestop.survey.response')
        Answer = pool.get('onestop.survey.answer')
        FollowUp = pool.get('onestop.survey.followup')
        answers = []
        rating = None
        for question in survey.questions:
            answer = Answer.parse(question, values.get(question.id))
            if answer is None:
                continue
            answers.append(answer)
            if question.overall:
                rating = answer.rating
        now = utc_now()
        response = Response(invitation=self, dossier=self.dossier,
            company=self.company, survey=survey, officer=self.officer,
            channel=channel, answered_at=now, rating=rating,
            comment=(comment or '').strip()[:2000] or None,
            answers=answers)
        with without_check_access():
            response.save()
            if rating == 'not_satisfied':
                FollowUp.open_for([response])
        return response


class Response(ModelSQL, ModelView):
    "Survey Response"
    __name__ = 'onestop.survey.response'
    __string__ = "Survey Response"

    invitation = fields.Many2One('onestop.survey.invitation', "Invitation",
        required=True, readonly=True, ondelete='CASCADE')
    dossier = fields.Many2One('onestop.dossier', "Dossier", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Commune", required=True,
        readonly=True)
    survey = fields.Many2One('onestop.survey', "Questionnaire",
        required=True, readonly=True, ondelete='RESTRICT')
    officer = fields.Many2One('res.user', "Officer", readonly=True)
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        readonly=True)
    answered_at = fields.DateTime("Answered At", required=True,
        readonly=True)
    rating = fields.Selection(RATINGS, "Rating", required=True,
        readonly=True, sort=False)
    comment = fields.Text("Comment", readonly=True)
    answers = fields.One2Many(
        'onestop.survey.answer', 'response', "Answers", readonly=True)
    followups = fields.One2Many(
        'onestop.survey.followup', 'response', "Follow-Ups", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # one answer per dossier, whatever the channel or the concurrency
        cls._sql_constraints += [
            ('dossier_unique', Unique(t, t.dossier),
                'onestop_survey.msg_response_dossier_unique'),
            ('invitation_unique', Unique(t, t.invitation),
                'onestop_survey.msg_response_dossier_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.invitation, Index.Equality())),
                Index(t, (t.company, Index.Equality()),
                    (t.answered_at, Index.Range())),
                Index(t, (t.survey, Index.Equality())),
                Index(t, (t.rating, Index.Equality(cardinality='low'))),
                })
        cls._order = [('answered_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return self.dossier.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name', *clause[1:])]

    @classmethod
    def check_modification(cls, mode, responses, values=None,
            external=False):
        super().check_modification(
            mode, responses, values=values, external=external)
        if mode in {'write', 'delete'} and Transaction().check_access:
            raise AccessError(gettext('onestop_survey.msg_response_readonly',
                    dossier=responses[0].dossier.rec_name))


class Answer(ModelSQL, ModelView):
    "Survey Answer"
    __name__ = 'onestop.survey.answer'
    __string__ = "Survey Answer"

    response = fields.Many2One('onestop.survey.response', "Response",
        required=True, readonly=True, ondelete='CASCADE')
    question = fields.Many2One('onestop.survey.question', "Question",
        required=True, readonly=True, ondelete='RESTRICT')
    rating = fields.Selection([(None, '')] + RATINGS, "Rating",
        readonly=True, sort=False)
    scale = fields.Integer("Scale", readonly=True,
        domain=['OR', ('scale', '=', None),
            [('scale', '>=', 1), ('scale', '<=', 5)]])
    option = fields.Char("Option", readonly=True)
    text = fields.Text("Text", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('response')
        cls._sql_indexes.add(Index(t, (t.response, Index.Equality())))

    @classmethod
    def parse(cls, question, raw):
        """The answer to question from the raw value of a form, None when
        it was left empty; bad values are refused"""
        raw = (raw or '').strip()
        if not raw:
            if question.required or question.overall:
                raise ValidationError(gettext(
                        'onestop_survey.msg_answer_required',
                        question=question.text))
            return None
        answer = cls(question=question)
        if question.kind == 'rating' and raw in dict(RATINGS):
            answer.rating = raw
        elif question.kind == 'scale' and raw in {'1', '2', '3', '4', '5'}:
            answer.scale = int(raw)
        elif question.kind == 'choice' and raw in question.option_list:
            answer.option = raw
        elif question.kind == 'text':
            answer.text = raw[:2000]
        else:
            raise ValidationError(gettext(
                    'onestop_survey.msg_answer_invalid',
                    question=question.text))
        return answer
