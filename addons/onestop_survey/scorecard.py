# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Group 5 of the Decision 766 index, satisfaction (18 points), in the
commune's scorecard (domain reference §2.2), from the inputs the
satisfaction figures show (figures.index_inputs): the follow-ups of the
unhappy evaluations are the commune's feedback (PAKN).

- 5.1 feedback classified: tracked with no points by the index; the
  follow-ups are not classified, so it is listed as not measured.
- 5.2 follow-ups opened in the period and closed by their deadline /
  closed, 6 points; full points when none was closed.
- 5.3 (follow-ups - repeated complaints - overdue) / follow-ups opened in
  the period, 6 points; full points when none. A complaint is repeated
  when its citizen had an earlier follow-up in the period (our reading of
  "repeated"); overdue: flagged by the scheduled job or closed late.
- 5.4 100 % - (late rate + unhappy rate) of the dossiers finished in the
  period, 6 points at 90 %; none when no dossier was finished."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from onestop_procedures.scorecard import Indicator, missed_cell
from onestop_procedures.statistics import DOSSIER_CELLS

from .figures import (
    INDEX_POINTS, TARGET_5_4, dossier_conditions, followup_conditions,
    index_fractions, index_inputs)


def _followup_dossiers(*names):
    """The cell of the dossiers with a follow-up opened in the period that
    meets one of the conditions names (figures.followup_conditions)"""
    def condition(d, start, end):
        f = Pool().get('onestop.survey.followup').__table__()
        conditions = followup_conditions(f, start, end)
        where = conditions[names[0]]
        for name in names[1:]:
            where |= conditions[name]
        return d.id.in_(f.select(f.dossier,
                where=conditions['opened'] & where))
    return condition


# the drill-down of the dossiers that cost points (Dossier.statistics_cell):
# the follow-ups closed late, those overdue or repeated, and the dossiers
# finished late or rated not satisfied
DOSSIER_CELLS.update({
        'index_5_2': _followup_dossiers('late'),
        'index_5_3': _followup_dossiers('overdue', 'repeated'),
        'index_5_4': (
            lambda d, start, end: dossier_conditions(d, start, end)['missed']),
        })


class Scorecard(metaclass=PoolMeta):
    __name__ = 'onestop.scorecard'

    @classmethod
    def indicators(cls, companies, from_date, to_date):
        indicators = super().indicators(companies, from_date, to_date)

        def _(name):
            return gettext(f'onestop_survey.msg_indicator_{name}')

        def missed(code):
            return missed_cell(f'index_{code}', from_date, to_date)
        result = [
            Indicator('5.1', '5', _('5_1'), 0, measured=False),
            Indicator('5.2', '5', _('5_2'), INDEX_POINTS,
                missed=missed('5_2')),
            Indicator('5.3', '5', _('5_3'), INDEX_POINTS,
                missed=missed('5_3')),
            Indicator('5.4', '5', _('5_4'), INDEX_POINTS, target=TARGET_5_4,
                empty='zero', missed=missed('5_4')),
            ]
        inputs = index_inputs(companies, from_date, to_date)
        for company in companies:
            fractions = index_fractions(inputs[company])
            for indicator in result[1:]:
                indicator.set(company, *fractions[indicator.code])
        return indicators + result
