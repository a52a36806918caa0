# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The drill-down of the reports: the dossiers behind a figure, searched
with the same conditions as the figure itself, and the index that serves
both"""
from sql import Literal

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.wizard import Button, StateAction, StateView, Wizard

from .statistics import (
    FIGURES, SCOPE_COLUMNS, cell_condition, check_period, context_period,
    counted)


class Dossier(metaclass=PoolMeta):
    __name__ = 'onestop.dossier'

    statistics_cell = fields.Function(fields.Char("Statistics Cell",
            help="Search only: the dossiers behind a figure of the "
            "reports, as 'cell:YYYY-MM-DD:YYYY-MM-DD'."),
        'get_statistics_cell')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the dossiers in scope of a period (statistics.scope_rows), per
        # commune: finished from its start or open, received before its
        # end; the columns the reports read are included (the database
        # reads no table row) and the dossiers left out are not indexed
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality()),
                    (t.finished_at, Index.Range()),
                    (t.received_at, Index.Range()),
                    include=[getattr(t, c) for c in SCOPE_COLUMNS
                        if c not in {'company', 'finished_at', 'received_at'}],
                    where=counted(t)),
                })

    def get_statistics_cell(self, name):
        return None

    @classmethod
    def domain_statistics_cell(cls, domain, tables):
        "The condition itself, not an id subquery: it stays indexable"
        table, _ = tables[None]
        _, operator, value = domain
        if value is None:
            # no dossier belongs to "no figure"
            return Literal(operator != '=')
        condition = cell_condition(table, value)
        if operator == '!=':
            return ~condition
        if operator != '=':
            raise ValidationError(gettext(
                    'onestop_procedures.msg_report_cell', value=value))
        return condition


class OpenStart(ModelView):
    "Open the Dossiers of a Figure"
    __name__ = 'onestop.statistics.open.start'
    __string__ = "Open the Dossiers of a Figure"

    cell = fields.Selection('get_cells', "Figure", required=True)
    cell_string = cell.translated('cell')
    from_date = fields.Date("From", required=True)
    to_date = fields.Date("To", required=True)

    @classmethod
    def get_cells(cls):
        Statistics = Pool().get('onestop.statistics')
        names = Statistics.fields_get(FIGURES)
        return [(n, names[n]['string']) for n in FIGURES]

    @classmethod
    def default_cell(cls):
        return 'received'

    @classmethod
    def default_from_date(cls):
        return context_period()[0]

    @classmethod
    def default_to_date(cls):
        return context_period()[1]


class Open(Wizard):
    "Open the dossiers behind a figure of the handling statistics"
    __name__ = 'onestop.statistics.open'

    start = StateView('onestop.statistics.open.start',
        'onestop_procedures.statistics_open_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Open", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('onestop_procedures.act_dossier_report')

    def do_open_(self, action):
        start = self.start
        check_period(start.from_date, start.to_date)
        domain = ['OR'] + [
            r.cell_domain(start.cell, start.from_date, start.to_date)
            for r in self.records]
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        action['name'] += f' ({self.start.cell_string})'
        return action, {}

    def transition_open_(self):
        return 'end'
