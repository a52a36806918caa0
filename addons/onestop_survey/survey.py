# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Questionnaires: the quick counter rating and the full evaluation"
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

# Domain reference §3.1: the three levels every dossier is rated on
RATINGS = [
    ('very_satisfied', "Very Satisfied"),
    ('satisfied', "Satisfied"),
    ('not_satisfied', "Not Satisfied"),
    ]
SATISFIED = ['very_satisfied', 'satisfied']
KINDS = [
    ('rating', "Satisfaction (3 Levels)"),
    ('scale', "Scale from 1 to 5"),
    ('choice', "Single Choice"),
    ('text', "Free Text"),
    ]
USAGES = [
    ('kiosk', "Counter Kiosk"),
    ('online', "QR Code, Portal and E-mail"),
    ]


class Survey(DeactivableMixin, ModelSQL, ModelView):
    "Satisfaction Questionnaire"
    __name__ = 'onestop.survey'
    __string__ = "Satisfaction Questionnaire"

    # questionnaires are written for citizens, in Vietnamese, like the
    # procedure catalogue: their texts are data, not translated strings
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="Stays the same from one version to the next.")
    version = fields.Integer("Version", required=True, readonly=True)
    usage = fields.Selection(USAGES, "Used For", required=True,
        help="The kiosk and the paper slip show the quick rating; the QR "
        "code, the portal and the e-mail link open the full questionnaire.")
    company = fields.Many2One('company.company', "Commune",
        help="Leave empty to use the questionnaire in every commune.")
    questions = fields.One2Many(
        'onestop.survey.question', 'survey', "Questions")
    answered = fields.Function(fields.Boolean("Answered"), 'get_answered')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_version_unique', Unique(t, t.code, t.version),
                'onestop_survey.msg_survey_code_version_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.usage, Index.Equality(cardinality='low')),
                (t.company, Index.Equality())))
        cls._order = [('code', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'new_version': {
                    'invisible': ~Eval('active'),
                    'icon': 'tryton-copy', 'depends': ['active']},
                })

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_usage(cls):
        return 'online'

    @classmethod
    def get_answered(cls, surveys, name):
        Response = Pool().get('onestop.survey.response')
        # answers of every commune count, whatever the user may read
        with without_check_access():
            answered = {r.survey.id for r in Response.search(
                    [('survey', 'in', [s.id for s in surveys])])}
        return {s.id: s.id in answered for s in surveys}

    def get_rec_name(self, name):
        return f'{self.name} (v{self.version})'

    @classmethod
    def validate(cls, surveys):
        super().validate(surveys)
        for survey in surveys:
            survey.check_overall()

    def check_overall(self):
        "The questions, once there are some, hold one overall rating"
        if not self.questions:
            return
        overall = [q for q in self.questions if q.overall]
        if len(overall) != 1 or overall[0].kind != 'rating':
            raise ValidationError(gettext(
                    'onestop_survey.msg_survey_overall',
                    survey=self.rec_name))

    @classmethod
    def check_modification(cls, mode, surveys, values=None, external=False):
        super().check_modification(
            mode, surveys, values=values, external=external)
        frozen = {'code', 'usage', 'questions'}
        if ((mode == 'delete' or (mode == 'write' and values.keys() & frozen))
                and any(s.answered for s in surveys)):
            survey = next(s for s in surveys if s.answered)
            raise AccessError(gettext(
                    'onestop_survey.msg_survey_answered',
                    survey=survey.rec_name))

    @property
    def overall_question(self):
        return next(q for q in self.questions if q.overall)

    @classmethod
    def for_channel(cls, company, channel):
        "The questionnaire in force for a commune and a channel"
        # the evaluation slip prints the counter's quick rating
        usage = 'kiosk' if channel in {'kiosk', 'paper'} else 'online'
        surveys = [s for s in cls.search([
                    ('usage', '=', usage),
                    ('company', 'in', [company.id, None]),
                    ], order=[('version', 'DESC'), ('id', 'DESC')])
            if any(q.overall for q in s.questions)]
        # the commune's own questionnaire wins over the shared one
        surveys.sort(key=lambda s: s.company is None)
        if not surveys:
            raise ValidationError(gettext(
                    'onestop_survey.msg_survey_missing',
                    usage=dict(cls.fields_get(['usage'])['usage'][
                            'selection'])[usage],
                    company=company.rec_name))
        return surveys[0]

    @classmethod
    @ModelView.button
    def new_version(cls, surveys):
        """Copy the questionnaire as its next version and retire this one:
        answers keep the version they were given on"""
        new = []
        for survey in surveys:
            last, = cls.search([('code', '=', survey.code)],
                order=[('version', 'DESC')], limit=1)
            new.extend(cls.copy([survey], default={
                        'version': last.version + 1}))
        with Transaction().set_context(_check_access=False):
            cls.write(surveys, {'active': False})
        return [s.id for s in new]


class Question(sequence_ordered(), ModelSQL, ModelView):
    "Survey Question"
    __name__ = 'onestop.survey.question'
    __string__ = "Survey Question"

    survey = fields.Many2One(
        'onestop.survey', "Questionnaire", required=True, ondelete='CASCADE')
    code = fields.Char("Code",
        help="The content evaluated, e.g. the letter of Decree 118/2025 "
        "art. 33(1).")
    text = fields.Char("Question", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    overall = fields.Boolean("Overall Rating",
        states={'invisible': Eval('kind') != 'rating'},
        help="The answer that counts in the satisfaction rate.")
    required = fields.Boolean("Required")
    options = fields.Text("Options",
        states={
            'invisible': Eval('kind') != 'choice',
            'required': Eval('kind') == 'choice',
            },
        help="One option per line.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('survey')

    @classmethod
    def default_kind(cls):
        return 'rating'

    @classmethod
    def default_overall(cls):
        return False

    @classmethod
    def default_required(cls):
        return False

    @classmethod
    def validate(cls, questions):
        super().validate(questions)
        for survey in {q.survey for q in questions}:
            survey.check_overall()

    @property
    def option_list(self):
        return [o.strip() for o in (self.options or '').splitlines()
            if o.strip()]

    @classmethod
    def check_modification(cls, mode, questions, values=None, external=False):
        super().check_modification(
            mode, questions, values=values, external=external)
        if mode in {'write', 'delete'}:
            for question in questions:
                if question.survey.answered:
                    raise AccessError(gettext(
                            'onestop_survey.msg_survey_answered',
                            survey=question.survey.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('survey'):
            survey = Pool().get('onestop.survey')(values['survey'])
            if survey.answered:
                raise AccessError(gettext(
                        'onestop_survey.msg_survey_answered',
                        survey=survey.rec_name))
        return values
