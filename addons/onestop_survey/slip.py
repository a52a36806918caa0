# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The evaluation slip handed with the result: the QR code and the short
link of the dossier's invitation, and the quick rating as tick boxes for
those who answer on paper (domain reference §3.1). Like the procedures'
slips it is a Vietnamese form, rendered in Vietnamese."""
from trytond.pool import Pool

from onestop_procedures.slip import DossierSlip, SlipReport, selection_labels

from .survey import RATINGS


class EvaluationSlipValues(DossierSlip):
    "What the evaluation slip of one dossier prints"

    @property
    def invitation(self):
        return self.dossier.survey_invitation

    @property
    def short_url(self):
        return self.invitation.short_url or self.invitation.qr_url

    @property
    def expires(self):
        return self.date(self.invitation.expires_at)

    @property
    def question(self):
        "The overall question of the questionnaire the ticks are recorded in"
        Survey = Pool().get('onestop.survey')
        return Survey.for_channel(
            self.dossier.company, 'paper').overall_question.text

    @property
    def ratings(self):
        "The labels of the three answers, from the most satisfied"
        labels = selection_labels('onestop.survey.answer', 'rating')
        return [labels[value] for value, _ in RATINGS]


class EvaluationSlip(SlipReport):
    "Evaluation slip with the QR code of the dossier's invitation"
    __name__ = 'onestop.dossier.slip.evaluation'
    _message = 'onestop_survey.msg_slip_evaluation_no_invitation'

    @classmethod
    def printable(cls, dossier):
        invitation = dossier.survey_invitation
        return bool(invitation and invitation.state == 'pending')

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['slips'] = [EvaluationSlipValues(r, cls) for r in records]
        return context
