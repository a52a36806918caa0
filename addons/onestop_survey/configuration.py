# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Settings of the satisfaction evaluation"
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Survey Configuration"
    __name__ = 'onestop.survey.configuration'
    __string__ = "Survey Configuration"

    invitation_days = fields.Integer("Invitation Validity (Days)",
        required=True, domain=[('invitation_days', '>', 0)],
        help="Calendar days during which the citizen can evaluate the "
        "dossier after its result is returned.")
    followup_days = fields.Integer("Follow-Up Time (Working Days)",
        required=True, domain=[('followup_days', '>', 0)],
        help="Working days the leader has to contact the citizen and "
        "resolve an unhappy evaluation.")
    kiosk_minutes = fields.Integer("Kiosk Request Validity (Minutes)",
        required=True, domain=[('kiosk_minutes', '>', 0)],
        help="How long the counter kiosk waits for the citizen's rating "
        "before it returns to its welcome screen.")

    @classmethod
    def default_invitation_days(cls):
        return 30

    @classmethod
    def default_followup_days(cls):
        # Decision 766 indicator 5.2 expects feedback to be answered
        # within 15 working days; a commune's own rating is closer to the
        # citizen: one working week by default
        return 5

    @classmethod
    def default_kiosk_minutes(cls):
        return 10
