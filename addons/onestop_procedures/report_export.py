# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Exports of the leaders' reports: XLSX workbooks (openpyxl) and PDF
through the .fodt templates (form 06, the figures per officer, the index
scorecard and, in assessment.py, the friendly-government assessment), with
the commune's heading. The back office, the command and the tests share these
functions; the figures always come from the reports' own queries."""
import datetime as dt
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from .scorecard import period_dates
from .slip import Heading, VietnameseReport
from .statistics import (
    COLUMNS, FIGURES, ROWS, TOTALS, check_period, readable, total_row)

THIN = Side(style='thin', color='000000')
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill('solid', fgColor='EEEEEE')
# form 06 columns, in order, after STT (1) and the row label (2)
FORM_06 = ['received', 'received_online', 'received_offline',
    'carried_over', 'finished', 'finished_early', 'finished_on_time',
    'finished_late', 'in_progress', 'in_progress_on_time',
    'in_progress_overdue']
# what a total of the officers' rows adds up
OFFICER_SUMS = FIGURES + [
    'handling_seconds', 'intakes', 'steps', 'steps_on_time']


def _(name, **variables):
    return gettext(f'onestop_procedures.msg_report_{name}', **variables)


def date_text(value):
    return value.strftime('%d/%m/%Y') if value else ''


def number_text(value, digits=0, trim=False):
    """A number as written in Vietnamese: '.' between thousands, ',' before
    the decimals (1.234,5); trim drops the zero decimals (10,00 -> 10)"""
    if value is None:
        return ''
    text = f'{value:,.{digits}f}'
    if trim and '.' in text:
        text = text.rstrip('0').rstrip('.')
    return text.translate(str.maketrans(',.', '.,'))


def label_rows(rows, mode):
    "Add the label of each statistics row: field, commune or procedure"
    pool = Pool()
    Company = pool.get('company.company')
    Field = pool.get('onestop.procedure.field')
    Procedure = pool.get('onestop.procedure')
    companies = {c.id: c.rec_name for c in Company.browse(
            list({r['company'] for r in rows}))}
    fields_ = {f.id: f.rec_name for f in Field.browse(
            list({r['field'] for r in rows if r.get('field')}))}
    procedures = {p.id: p.rec_name for p in Procedure.browse(
            list({r['procedure'] for r in rows if r.get('procedure')}))}
    for row in rows:
        row['commune'] = companies.get(row['company'], '')
        if mode == 'procedure' and row.get('procedure'):
            row['label'] = procedures[row['procedure']]
        elif mode == 'field' and row.get('field'):
            row['label'] = fields_[row['field']]
        else:
            row['label'] = row['commune']
    return rows


def scope_title(companies=None, province_code=None):
    "Who the figures cover: one commune, a province, or several communes"
    Company = Pool().get('company.company')
    if companies and len(companies) == 1:
        return Company(companies[0]).rec_name
    if province_code:
        return _('scope_province', code=province_code)
    return _('scope_communes', count=len(companies or []))


def scope_heading(report, companies=None, province_code=None):
    """The heading of a report on the figures of communes: the commune's
    own when there is one, else the scope without a place before the date"""
    pool = Pool()
    Company = pool.get('company.company')
    company = Company(companies[0]) if companies and len(
        companies) == 1 else None
    heading = Heading(company, report)
    heading.printed = heading.dated(pool.get('ir.date').today())
    if not company:
        heading.agency = scope_title(companies, province_code).upper()
        heading.printed = heading.printed.lstrip(', ')
    return heading


def report_period(data):
    "The period and the readable communes of a report's data"
    from_date = dt.date.fromisoformat(data['from_date'])
    to_date = dt.date.fromisoformat(data['to_date'])
    companies = data.get('companies')
    if Transaction().check_access:
        companies = readable(companies)
    return from_date, to_date, companies


class Sheet:
    "A worksheet written row by row with the report's styles"

    def __init__(self, workbook, title, first=False):
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title[:31]
        self.row = 1

    def heading(self, lines, width):
        for i, text in enumerate(lines):
            cell = self.ws.cell(self.row, 1, text)
            cell.font = Font(bold=i < 2, size=12 if i < 2 else 11)
            cell.alignment = Alignment(horizontal='center')
            self.ws.merge_cells(start_row=self.row, start_column=1,
                end_row=self.row, end_column=width)
            self.row += 1
        self.row += 1

    def cells(self, values, bold=False, head=False):
        for column, value in enumerate(values, 1):
            cell = self.ws.cell(self.row, column, value)
            cell.border = BOX
            cell.font = Font(bold=bold or head)
            if head:
                cell.fill = HEAD_FILL
                cell.alignment = Alignment(horizontal='center',
                    vertical='center', wrap_text=True)
        self.row += 1

    def merge(self, row, column, rows=1, columns=1):
        self.ws.merge_cells(start_row=row, start_column=column,
            end_row=row + rows - 1, end_column=column + columns - 1)

    def note(self, text):
        self.row += 1
        for line in text.splitlines():
            self.ws.cell(self.row, 1, line).font = Font(italic=True)
            self.row += 1

    def widths(self, widths):
        for column, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(column)].width = width


def save(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statistics_xlsx(rows, from_date, to_date, scope, mode='field'):
    """Form 06 as a workbook: the heading, the two header rows with their
    column numbers, a line per row, the total and the counting rules"""
    Statistics = Pool().get('onestop.statistics')
    names = Statistics.fields_get(FORM_06 + ['on_time_rate', 'average_days'])
    workbook = Workbook()
    sheet = Sheet(workbook, _('form_06_sheet'), first=True)
    sheet.heading([scope, _('form_06_title'),
            _('period_line', start=date_text(from_date),
                end=date_text(to_date))],
        15)
    top = sheet.row
    label = dict(ROWS)[mode]
    groups = [(_('received_group'), 'received'),
        (_('finished_group'), 'finished'),
        (_('in_progress_group'), 'in_progress')]
    first = [_('number'), label]
    for title, total in groups:
        members = TOTALS[total][1]
        first += [title] + [''] * len(members)
    first += [names['on_time_rate']['string'],
        names['average_days']['string']]
    sheet.cells(first, head=True)
    sheet.cells(['', ''] + [names[n]['string'] for n in FORM_06]
        + ['', ''], head=True)
    sheet.merge(top, 1, rows=2)
    sheet.merge(top, 2, rows=2)
    column = 3
    for _title, total in groups:
        span = len(TOTALS[total][1]) + 1
        sheet.merge(top, column, columns=span)
        column += span
    sheet.merge(top, 14, rows=2)
    sheet.merge(top, 15, rows=2)
    numbers = {n: c for n, c in COLUMNS}
    numbers.update({n: c for n, (c, _) in TOTALS.items()})
    sheet.cells(['(1)', '(2)'] + [f'({numbers[n]})' for n in FORM_06]
        + ['', ''], head=True)
    for i, row in enumerate(rows, 1):
        sheet.cells([i, row['label']] + [row[n] for n in FORM_06]
            + [row['on_time_rate'], row['average_days']])
    total = total_row(rows)
    sheet.cells(['', _('total')] + [total[n] for n in FORM_06]
        + [total['on_time_rate'], total['average_days']], bold=True)
    sheet.note(gettext('onestop_procedures.msg_report_rules'))
    sheet.widths([5, 38] + [11] * 11 + [12, 10])
    return save(workbook)


def officers_xlsx(rows, from_date, to_date, scope):
    "The per-officer figures as a workbook"
    pool = Pool()
    Officer = pool.get('onestop.statistics.officer')
    User = pool.get('res.user')
    Company = pool.get('company.company')
    names = ['received', 'finished', 'finished_early', 'finished_on_time',
        'finished_late', 'in_progress', 'in_progress_overdue',
        'on_time_rate', 'average_days', 'intakes', 'steps', 'steps_on_time']
    strings = Officer.fields_get(names + ['company', 'user'])
    users = {u.id: u.rec_name for u in User.browse(
            list({r['user'] for r in rows}))}
    companies = {c.id: c.rec_name for c in Company.browse(
            list({r['company'] for r in rows}))}
    workbook = Workbook()
    sheet = Sheet(workbook, _('officers_sheet'), first=True)
    sheet.heading([scope, _('officers_title'),
            _('period_line', start=date_text(from_date),
                end=date_text(to_date))],
        len(names) + 2)
    sheet.cells([strings['company']['string'], strings['user']['string']]
        + [strings[n]['string'] for n in names], head=True)
    for row in rows:
        sheet.cells([companies[row['company']], users[row['user']]]
            + [row[n] for n in names])
    sheet.note(gettext('onestop_procedures.msg_report_rules'))
    sheet.widths([28, 24] + [11] * len(names))
    return save(workbook)


def scorecard_xlsx(estimates, period, scope):
    """The index estimates: the ranking (one line per commune) and every
    indicator of every commune"""
    pool = Pool()
    Company = pool.get('company.company')
    Line = pool.get('onestop.scorecard.line')
    Scorecard = pool.get('onestop.scorecard')
    grades = dict(Scorecard.fields_get(['grade'])['grade']['selection'])
    strings = Line.fields_get(['code', 'name', 'numerator', 'denominator',
            'rate', 'target', 'max_points', 'points', 'measured'])
    companies = {c.id: c.rec_name for c in Company.browse(list(estimates))}
    ranked = sorted(estimates.items(),
        key=lambda i: (-(i[1]['score'] or 0), companies[i[0]]))
    workbook = Workbook()
    sheet = Sheet(workbook, _('ranking_sheet'), first=True)
    sheet.heading([scope, _('scorecard_title', period=period),
            _('estimate_note')], 8)
    groups = ranked[0][1]['groups'] if ranked else []
    sheet.cells([_('rank'), _('commune')] + [g['name'] for g in groups]
        + [_('points'), _('maximum'), _('score'), _('grade')], head=True)
    scores = [e['score'] or 0 for _c, e in ranked]
    for company, estimate in ranked:
        sheet.cells([scores.index(estimate['score'] or 0) + 1,
                companies[company]]
            + [g['points'] for g in estimate['groups']]
            + [estimate['points'], estimate['maximum'], estimate['score'],
                grades.get(estimate['grade'])])
    sheet.widths([7, 30] + [12] * (len(groups) + 4))
    sheet = Sheet(workbook, _('indicators_sheet'))
    sheet.heading([scope, _('scorecard_title', period=period)], 10)
    columns = ['code', 'name', 'numerator', 'denominator', 'rate', 'target',
        'max_points', 'points', 'measured']
    sheet.cells([_('commune')] + [strings[c]['string'] for c in columns],
        head=True)
    for company, estimate in ranked:
        for line in estimate['lines']:
            rate = line['ratio']
            if rate is not None and line['kind'] == 'rate':
                rate = round(100 * rate, 1)
            elif rate is not None:
                rate = round(rate, 1)
            sheet.cells([companies[company], line['code'], line['name'],
                    line['numerator'], line['denominator'], rate,
                    round(100 * line['target'], 1), line['max_points'],
                    line['points'], _('yes') if line['measured'] else _('no')])
    sheet.note(gettext('onestop_procedures.msg_scorecard_rules'))
    sheet.widths([28, 8, 50, 11, 11, 9, 9, 9, 9, 9])
    return save(workbook)


def assessment_xlsx(criteria_set):
    "The assessments of a province's communes against its criteria"
    workbook = Workbook()
    sheet = Sheet(workbook, _('assessment_sheet'), first=True)
    criteria = [c for g in criteria_set.groups for c in g.criteria]
    sheet.heading([_('scope_province', code=criteria_set.province_code),
            criteria_set.name,
            _('assessment_standing', meeting=criteria_set.meeting,
                communes=criteria_set.communes,
                share=criteria_set.share or 0,
                target=criteria_set.target_share,
                needed=criteria_set.needed)],
        len(criteria) + 4)
    sheet.cells([_('commune')] + [c.rec_name for c in criteria]
        + [_('points'), _('standard'), _('state')], head=True)
    sheet.cells([_('maximum')] + [c.max_points for c in criteria]
        + [criteria_set.maximum, criteria_set.threshold, ''], bold=True)
    for assessment in sorted(criteria_set.assessments,
            key=lambda a: -(a.points or 0)):
        points = {s.criterion.id: s.points for s in assessment.scores}
        sheet.cells([assessment.company.rec_name]
            + [points.get(c.id) for c in criteria]
            + [assessment.points,
                _('yes') if assessment.meets_standard else _('no'),
                assessment.state_string])
    sheet.widths([30] + [14] * len(criteria) + [10, 10, 12])
    return save(workbook)


class StatisticsReport(VietnameseReport):
    "Form 06: handling statistics of a period, with the commune's heading"
    __name__ = 'onestop.statistics.report'

    @classmethod
    def get_context(cls, records, header, data):
        Statistics = Pool().get('onestop.statistics')
        context = super().get_context(records, header, data)
        from_date, to_date, companies = report_period(data)
        mode = data.get('rows') or 'field'
        rows = label_rows(Statistics.compute(from_date, to_date, companies,
                rows=mode, province_code=data.get('province_code')), mode)
        context.update({
                'heading': scope_heading(
                    cls, companies, data.get('province_code')),
                'rows': rows,
                'total': total_row(rows),
                'from_date': date_text(from_date),
                'to_date': date_text(to_date),
                'mode': mode,
                'percent': lambda v: number_text(v, 1),
                'rules': gettext('onestop_procedures.msg_report_rules'),
                })
        return context


class StatisticsOfficerReport(VietnameseReport):
    "The figures per officer of a period, with the commune's heading"
    __name__ = 'onestop.statistics.officer.report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Officer = pool.get('onestop.statistics.officer')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        context = super().get_context(records, header, data)
        from_date, to_date, companies = report_period(data)
        province_code = data.get('province_code')
        rows = Officer.compute(from_date, to_date, companies,
            province_code=province_code)
        users = {u.id: u.rec_name for u in User.browse(
                list({r['user'] for r in rows}))}
        communes = {c.id: c.rec_name for c in Company.browse(
                list({r['company'] for r in rows}))}
        groups = {}
        for row in sorted(rows, key=lambda r: (
                    communes[r['company']], users[r['user']])):
            row['officer'] = users[row['user']]
            groups.setdefault(communes[row['company']], []).append(row)
        context.update({
                'heading': scope_heading(cls, companies, province_code),
                'groups': list(groups.items()),
                'total': total_row(rows, OFFICER_SUMS),
                'from_date': date_text(from_date),
                'to_date': date_text(to_date),
                'number': number_text,
                'rules': gettext('onestop_procedures.msg_report_rules'),
                })
        return context


class ScorecardReport(VietnameseReport):
    "The index estimate of communes, with the commune's heading"
    __name__ = 'onestop.scorecard.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        today = Pool().get('ir.date').today()
        headings = {}
        for record in records:
            heading = Heading(record.company, cls)
            heading.printed = heading.dated(today)
            headings[record.id] = heading
        context['headings'] = headings
        context['rules'] = gettext('onestop_procedures.msg_scorecard_rules')
        context['percent'] = lambda v: (
            '' if v is None else f'{100 * v:.1f}'.replace('.', ','))
        context['number'] = lambda v: (
            '' if v is None else f'{v:.2f}'.replace('.', ','))
        return context


class ExportStart(ModelView):
    "Export a Report"
    __name__ = 'onestop.report.export.start'
    __string__ = "Export a Report"

    kind = fields.Selection([
            ('statistics', "Handling Statistics (Form 06)"),
            ('officers', "Statistics per Officer"),
            ('scorecard', "Index Scorecards and Ranking"),
            ('assessment', "Friendly Government Assessment"),
            ], "Report", required=True)
    format = fields.Selection([
            ('xlsx', "Spreadsheet (XLSX)"),
            ('pdf', "PDF"),
            ], "Format", required=True)
    from_date = fields.Date("From",
        states={
            'required': Eval('kind').in_(['statistics', 'officers']),
            'invisible': ~Eval('kind').in_(['statistics', 'officers']),
            })
    to_date = fields.Date("To",
        states={
            'required': Eval('kind').in_(['statistics', 'officers']),
            'invisible': ~Eval('kind').in_(['statistics', 'officers']),
            })
    criteria = fields.Many2One('onestop.assessment.set', "Criteria",
        states={
            'required': Eval('kind') == 'assessment',
            'invisible': Eval('kind') != 'assessment',
            })
    period = fields.Char("Period",
        states={
            'required': Eval('kind') == 'scorecard',
            'invisible': Eval('kind') != 'scorecard',
            },
        help="A month (2026-03), a quarter (2026-Q1) or a year (2026).")
    rows = fields.Selection(ROWS, "Rows",
        states={'invisible': Eval('kind') != 'statistics'})
    commune = fields.Many2One('company.company', "Commune",
        help="Empty: every commune you may read.")
    province_code = fields.Char("Province Code", size=2)

    @classmethod
    def default_kind(cls):
        return 'statistics'

    @classmethod
    def default_format(cls):
        return 'xlsx'

    @classmethod
    def default_rows(cls):
        return 'field'

    @classmethod
    def default_from_date(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_period(cls):
        today = Pool().get('ir.date').today()
        return (today.replace(day=1) - dt.timedelta(days=1)).strftime('%Y-%m')

    def companies(self):
        "The communes of the export: the one chosen or the user's"
        Company = Pool().get('company.company')
        if self.commune:
            return readable([self.commune.id])
        domain = [('id', 'in', readable())]
        if self.province_code:
            domain.append(('province_code', '=', self.province_code))
        return [c.id for c in Company.search(domain)]


class ExportResult(ModelView):
    "Export a Report"
    __name__ = 'onestop.report.export.result'
    __string__ = "Export a Report"

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class Export(Wizard):
    "Export the leaders' reports to a spreadsheet or a PDF"
    __name__ = 'onestop.report.export'

    start = StateView('onestop.report.export.start',
        'onestop_procedures.report_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('onestop.report.export.result',
        'onestop_procedures.report_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    statistics_pdf = StateReport('onestop.statistics.report')
    officers_pdf = StateReport('onestop.statistics.officer.report')
    scorecard_pdf = StateReport('onestop.scorecard.report')
    assessment_pdf = StateReport('onestop.assessment.report')

    def transition_export(self):
        start = self.start
        if start.kind == 'scorecard' and not period_dates(start.period):
            raise ValidationError(gettext(
                    'onestop_procedures.msg_scorecard_period',
                    period=start.period))
        if start.format == 'pdf':
            return f'{start.kind}_pdf'
        if start.kind == 'assessment':
            self.result.file = assessment_xlsx(start.criteria)
            self.result.filename = (f'chinh-quyen-than-thien-'
                f'{start.criteria.province_code}-{start.criteria.year}.xlsx')
        else:
            check_period_of(start)
            self.result.file, self.result.filename = export_xlsx(
                start.kind, start.companies(), start.from_date,
                start.to_date, start.period, start.rows, start.province_code)
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}

    def do_statistics_pdf(self, action):
        start = self.start
        check_period_of(start)
        return action, {
            'from_date': start.from_date.isoformat(),
            'to_date': start.to_date.isoformat(),
            'companies': start.companies(),
            'rows': start.rows or 'field',
            }

    def do_officers_pdf(self, action):
        start = self.start
        check_period_of(start)
        return action, {
            'from_date': start.from_date.isoformat(),
            'to_date': start.to_date.isoformat(),
            'companies': start.companies(),
            'province_code': start.province_code,
            }

    def do_scorecard_pdf(self, action):
        Scorecard = Pool().get('onestop.scorecard')
        scorecards = Scorecard.update(self.start.companies(),
            self.start.period.strip())
        ids = [s.id for s in scorecards]
        return action, {'model': 'onestop.scorecard', 'ids': ids,
            'id': ids[0] if ids else None}

    def do_assessment_pdf(self, action):
        start = self.start
        ids = [a.id for a in assessments_of(start.criteria,
                start.companies())]
        if not ids:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_report_no_assessment',
                    criteria=start.criteria.rec_name))
        return action, {'model': 'onestop.assessment', 'ids': ids,
            'id': ids[0]}


def assessments_of(criteria_set, companies):
    "The assessments of the communes against the criteria, best first"
    companies = set(companies)
    return sorted((a for a in criteria_set.assessments
            if a.company.id in companies),
        key=lambda a: (-(a.points or 0), a.company.rec_name))


def check_period_of(start):
    if start.kind in {'statistics', 'officers'}:
        check_period(start.from_date, start.to_date)


def export_xlsx(kind, companies, from_date=None, to_date=None, period=None,
        rows='field', province_code=None):
    "(XLSX bytes, file name) of a report, for the wizard and the command"
    pool = Pool()
    scope = scope_title(companies, province_code)
    if kind == 'statistics':
        Statistics = pool.get('onestop.statistics')
        rows = rows or 'field'
        data = label_rows(Statistics.compute(
                from_date, to_date, companies, rows=rows), rows)
        return (statistics_xlsx(data, from_date, to_date, scope, rows),
            f'mau-06-{from_date:%Y%m%d}-{to_date:%Y%m%d}.xlsx')
    if kind == 'officers':
        Officer = pool.get('onestop.statistics.officer')
        data = Officer.compute(from_date, to_date, companies)
        return (officers_xlsx(data, from_date, to_date, scope),
            f'can-bo-{from_date:%Y%m%d}-{to_date:%Y%m%d}.xlsx')
    Scorecard = pool.get('onestop.scorecard')
    period = period.strip()
    estimates = Scorecard.evaluate(companies, *period_dates(period))
    return (scorecard_xlsx(estimates, period, scope),
        f'chi-so-766-{period}.xlsx')
