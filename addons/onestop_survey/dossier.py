# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"A returned dossier invites its applicant to evaluate the service"
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from onestop_procedures.portal import render_fragment

from .invitation import survey_path
from .survey import RATINGS


class Dossier(metaclass=PoolMeta):
    __name__ = 'onestop.dossier'

    survey_invitations = fields.One2Many(
        'onestop.survey.invitation', 'dossier', "Evaluation Invitation",
        readonly=True)
    survey_rating = fields.Function(
        fields.Selection([(None, '')] + RATINGS, "Citizen's Rating"),
        'get_survey_rating')
    survey_pending = fields.Function(
        fields.Boolean("Waiting for the Evaluation"), 'get_survey_pending')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'survey_kiosk': {
                    'invisible': ~Eval('survey_pending'),
                    'icon': 'tryton-forward',
                    'depends': ['survey_pending']},
                'survey_paper': {
                    'invisible': ~Eval('survey_pending'),
                    'icon': 'tryton-note',
                    'depends': ['survey_pending']},
                })

    @classmethod
    def get_survey_rating(cls, dossiers, name):
        Response = Pool().get('onestop.survey.response')
        ratings = {d.id: None for d in dossiers}
        for response in Response.search(
                [('dossier', 'in', list(ratings))]):
            ratings[response.dossier.id] = response.rating
        return ratings

    def get_survey_pending(self, name):
        invitation = self.survey_invitation
        return bool(invitation) and invitation.state == 'pending'

    @property
    def survey_invitation(self):
        return self.survey_invitations[0] if self.survey_invitations else None

    @classmethod
    def return_result(cls, dossiers):
        super().return_result(dossiers)
        Invitation = Pool().get('onestop.survey.invitation')
        Invitation.invite([d for d in dossiers if d.state == 'returned'])

    @classmethod
    @ModelView.button
    def survey_kiosk(cls, dossiers):
        "Show the dossier on the tablet of the officer's counter"
        Kiosk = Pool().get('onestop.survey.kiosk')
        for dossier in dossiers:
            invitation = dossier.pending_survey_invitation()
            Kiosk.of_user(dossier.company).request(invitation)

    @classmethod
    @ModelView.button_action('onestop_survey.wizard_survey_paper')
    def survey_paper(cls, dossiers):
        pass

    def pending_survey_invitation(self, lock=False):
        """The invitation of the returned dossier while it waits for the
        answer, or the refusal the citizen would get"""
        Invitation = Pool().get('onestop.survey.invitation')
        invitation = self.survey_invitation
        if self.state != 'returned' or not invitation:
            raise ValidationError(gettext(
                    'onestop_survey.msg_kiosk_not_returned',
                    dossier=self.rec_name))
        # answered or expired: the same refusal as on the public page
        return Invitation.from_token(invitation.token, lock=lock)

    def portal_sections(self, web_user=None):
        """Its owner is invited to evaluate the returned dossier on the
        dossier's page, or sees the rating given"""
        sections = super().portal_sections(web_user)
        invitation = self.survey_invitation
        if not web_user or not invitation or invitation.state == 'expired':
            return sections
        rating = None
        if self.survey_rating:
            rating = dict(self.fields_get(['survey_rating'])[
                    'survey_rating']['selection'])[self.survey_rating]
        return sections + [render_fragment(
                'onestop_survey/portal/dossier_survey.html',
                path=survey_path(invitation.token, 'portal'), rating=rating,
                until=self.local(invitation.expires_at))]

    def survey_qr_image(self, size='3cm'):
        "For the return slip: the QR code of the evaluation page"
        if self.survey_invitation:
            return self.survey_invitation.qr_image(size)


class PaperEvaluationStart(ModelView):
    "Record Paper Evaluation"
    __name__ = 'onestop.dossier.survey.paper.start'
    __string__ = "Record Paper Evaluation"

    rating = fields.Selection(RATINGS, "Rating", required=True, sort=False)
    comment = fields.Text("Comment",
        help="What the citizen wrote on the slip, if anything.")


class PaperEvaluation(Wizard):
    """Record the quick rating a citizen ticked on the evaluation slip, for
    those who answer without a phone (domain reference §3.1)"""
    __name__ = 'onestop.dossier.survey.paper'

    start = StateView('onestop.dossier.survey.paper.start',
        'onestop_survey.survey_paper_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'answer', 'tryton-ok', default=True),
            ])
    answer = StateTransition()

    def default_start(self, fields):
        # refused before the officer copies the slip out
        self.record.pending_survey_invitation()
        return {}

    def transition_answer(self):
        Survey = Pool().get('onestop.survey')
        invitation = self.record.pending_survey_invitation(lock=True)
        survey = Survey.for_channel(invitation.company, 'paper')
        invitation.answer(survey, 'paper',
            {survey.overall_question.id: self.start.rating},
            comment=self.start.comment)
        return 'end'
