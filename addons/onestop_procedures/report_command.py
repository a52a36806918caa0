# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""onestop report: the leaders' reports for scripts.

    onestop report statistics --from 2026-03-01 --to 2026-03-31 \\
        [--unit 10999 ...] [--province 31] [--rows field|unit|procedure] \\
        [--json | --xlsx FILE | --pdf FILE]
    onestop report officers --from ... --to ... [scope] \\
        [--json | --xlsx FILE | --pdf FILE]
    onestop report scorecard --period 2026-03 [scope] [--save] \\
        [--json | --xlsx FILE | --pdf FILE]
    onestop report warning [--days 2] [scope] [--json]
    onestop report assessment --year 2026 --province 31 [--unit ...] \\
        [--json | --xlsx FILE | --pdf FILE]

The scope is the communes of the unit codes given (--unit, repeatable), or
of a province (--province), or every commune. Figures come from the same
queries as the back office; nothing is written unless --save is given.
The PDF of an assessment has one document per commune of the scope that
has an assessment."""
import argparse
import datetime as dt
import json
import sys
from pathlib import Path

FIGURES = ['received', 'received_online', 'received_offline',
    'carried_over', 'finished', 'finished_early', 'finished_on_time',
    'finished_late', 'in_progress', 'in_progress_on_time',
    'in_progress_overdue', 'on_time_rate', 'average_days']
OFFICER = ['received', 'finished', 'finished_early', 'finished_on_time',
    'finished_late', 'in_progress', 'in_progress_overdue', 'on_time_rate',
    'average_days', 'intakes', 'steps', 'steps_on_time']


class ReportError(Exception):
    "A wrong argument, explained in one line"


def date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date")


def get_parser():
    parser = argparse.ArgumentParser(prog='onestop report',
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    reports = parser.add_subparsers(dest='report', required=True)

    def scoped(name, help_):
        command = reports.add_parser(name, help=help_)
        command.add_argument('--unit', action='append', default=[],
            metavar='CODE', help="unit code of a commune (repeatable)")
        command.add_argument('--province', metavar='CODE',
            help="2-digit province code: every commune of the province")
        command.add_argument('--json', action='store_true',
            help="print JSON instead of a table")
        return command

    def period(command):
        command.add_argument('--from', dest='from_date', type=date,
            required=True, help="first day (YYYY-MM-DD, Vietnam time)")
        command.add_argument('--to', dest='to_date', type=date,
            required=True, help="last day, included")

    command = scoped('statistics', "handling statistics (form 06)")
    period(command)
    command.add_argument('--rows', choices=['field', 'unit', 'procedure'],
        default='field')
    command.add_argument('--xlsx', metavar='FILE')
    command.add_argument('--pdf', metavar='FILE')
    command = scoped('officers', "statistics per officer")
    period(command)
    command.add_argument('--xlsx', metavar='FILE')
    command.add_argument('--pdf', metavar='FILE')
    command = scoped('scorecard',
        "Decision 766 index estimate and ranking of the communes")
    command.add_argument('--period', required=True,
        help="2026-03, 2026-Q1 or 2026")
    command.add_argument('--save', action='store_true',
        help="store the scorecards and their ranking in the database")
    command.add_argument('--xlsx', metavar='FILE')
    command.add_argument('--pdf', metavar='FILE')
    command = scoped('warning',
        "dossiers that become late within the next working days")
    command.add_argument('--days', type=int, default=2)
    command = scoped('assessment', "friendly-government assessment")
    command.add_argument('--year', type=int, required=True)
    command.add_argument('--xlsx', metavar='FILE')
    command.add_argument('--pdf', metavar='FILE')
    return parser


def communes(options):
    "The company ids of the scope"
    from trytond.pool import Pool
    Company = Pool().get('company.company')
    domain = []
    if options.unit:
        domain.append(('unit_code', 'in', options.unit))
    if options.province:
        domain.append(('province_code', '=', options.province))
    companies = Company.search(domain, order=[('id', 'ASC')])
    found = {c.unit_code for c in companies}
    missing = [u for u in options.unit if u not in found]
    if missing:
        raise ReportError(f"no commune with unit code {', '.join(missing)}")
    if not companies:
        raise ReportError("no commune in this scope")
    return companies


def table(header, rows, out):
    "Plain columns: the first left-aligned, the others right-aligned"
    cells = [[str(h) for h in header]] + [
        ['' if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for row in cells:
        out.write('  '.join(c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        out.write('\n')


def write(path, content, out):
    Path(path).write_bytes(content)
    out.write(f"{path} written ({len(content):,} bytes).\n")


def statistics(options, out):
    from trytond.pool import Pool

    from .report_export import label_rows, scope_title, statistics_xlsx
    from .statistics import total_row
    Statistics = Pool().get('onestop.statistics')
    ids = [c.id for c in communes(options)]
    rows = label_rows(Statistics.compute(options.from_date, options.to_date,
            ids, rows=options.rows), options.rows)
    if options.xlsx:
        write(options.xlsx, statistics_xlsx(rows, options.from_date,
                options.to_date, scope_title(ids, options.province),
                options.rows), out)
    if options.pdf:
        Report = Pool().get('onestop.statistics.report', type='report')
        _, content, _, _ = Report.execute([], {
                'from_date': options.from_date.isoformat(),
                'to_date': options.to_date.isoformat(),
                'companies': ids, 'rows': options.rows,
                'province_code': options.province})
        write(options.pdf, bytes(content), out)
    total = total_row(rows)
    if options.json:
        json.dump({'from': options.from_date.isoformat(),
                'to': options.to_date.isoformat(),
                'rows': [{'commune': r['commune'], 'label': r['label'],
                        **{n: r[n] for n in FIGURES}} for r in rows],
                'total': {n: total[n] for n in FIGURES}},
            out, ensure_ascii=False, indent=1, default=str)
        out.write('\n')
    elif not (options.xlsx or options.pdf):
        table(['row'] + FIGURES,
            [[f"{r['commune']} / {r['label']}"
                    if options.rows != 'unit' else r['label']]
                + [r[n] for n in FIGURES] for r in rows]
            + [['total'] + [total[n] for n in FIGURES]], out)


def officers(options, out):
    from trytond.pool import Pool

    from .report_export import officers_xlsx, scope_title
    pool = Pool()
    Officer = pool.get('onestop.statistics.officer')
    User = pool.get('res.user')
    ids = [c.id for c in communes(options)]
    rows = Officer.compute(options.from_date, options.to_date, ids)
    names = {u.id: u.rec_name for u in User.browse(
            list({r['user'] for r in rows}))}
    if options.xlsx:
        write(options.xlsx, officers_xlsx(rows, options.from_date,
                options.to_date, scope_title(ids, options.province)), out)
    if options.pdf:
        Report = pool.get('onestop.statistics.officer.report', type='report')
        _, content, _, _ = Report.execute([], {
                'from_date': options.from_date.isoformat(),
                'to_date': options.to_date.isoformat(),
                'companies': ids, 'province_code': options.province})
        write(options.pdf, bytes(content), out)
    if options.json:
        json.dump([{'officer': names[r['user']], 'company': r['company'],
                    **{n: r[n] for n in OFFICER}} for r in rows],
            out, ensure_ascii=False, indent=1, default=str)
        out.write('\n')
    elif not (options.xlsx or options.pdf):
        table(['officer'] + OFFICER, [[names[r['user']]]
                + [r[n] for n in OFFICER] for r in rows], out)


def scorecard(options, out):
    from trytond.pool import Pool

    from .report_export import scope_title, scorecard_xlsx
    from .scorecard import period_dates
    pool = Pool()
    Scorecard = pool.get('onestop.scorecard')
    companies = communes(options)
    dates = period_dates(options.period)
    if not dates:
        raise ReportError(f"{options.period!r} is not a period: write "
            "2026-03, 2026-Q1 or 2026")
    estimates = Scorecard.evaluate([c.id for c in companies], *dates)
    if options.save or options.pdf:
        records = Scorecard.update(companies, options.period)
    if options.xlsx:
        write(options.xlsx, scorecard_xlsx(estimates, options.period,
                scope_title([c.id for c in companies], options.province)),
            out)
    if options.pdf:
        Report = pool.get('onestop.scorecard.report', type='report')
        _, content, _, _ = Report.execute([r.id for r in records], {})
        write(options.pdf, bytes(content), out)
    ranked = sorted(companies,
        key=lambda c: (-(estimates[c.id]['score'] or 0), c.rec_name))
    scores = [estimates[c.id]['score'] or 0 for c in ranked]
    if options.json:
        json.dump([{'rank': scores.index(estimates[c.id]['score'] or 0) + 1,
                    'unit': c.unit_code, 'commune': c.rec_name,
                    **{k: v for k, v in estimates[c.id].items()
                        if k != 'lines'},
                    'indicators': [{k: v for k, v in l.items()
                            if k not in {'missed', 'empty'}}
                        for l in estimates[c.id]['lines']]}
                for c in ranked],
            out, ensure_ascii=False, indent=1, default=str)
        out.write('\n')
    elif not (options.xlsx or options.pdf):
        table(['rank', 'commune', 'points', 'maximum', 'estimate', 'class'],
            [[scores.index(estimates[c.id]['score'] or 0) + 1, c.rec_name,
                    estimates[c.id]['points'], estimates[c.id]['maximum'],
                    estimates[c.id]['score'], estimates[c.id]['grade']]
                for c in ranked], out)


def warning(options, out):
    from trytond.pool import Pool

    from .report_board import becoming_late
    Dossier = Pool().get('onestop.dossier')
    ids = [c.id for c in communes(options)]
    dossiers = Dossier.search(becoming_late(ids, options.days),
        order=[('due_at', 'ASC'), ('id', 'ASC')])
    rows = [[d.code, d.company.rec_name, d.procedure.code,
            d.local(d.due_at).strftime('%d/%m/%Y %H:%M'),
            d.assignee.rec_name if d.assignee else ''] for d in dossiers]
    header = ['code', 'commune', 'procedure', 'appointment', 'assignee']
    if options.json:
        json.dump([dict(zip(header, r)) for r in rows], out,
            ensure_ascii=False, indent=1)
        out.write('\n')
    else:
        table(header, rows, out)


def assessment(options, out):
    from trytond.pool import Pool

    from .report_export import assessment_xlsx, assessments_of
    pool = Pool()
    Set = pool.get('onestop.assessment.set')
    if not options.province:
        raise ReportError("give the province with --province")
    sets = Set.search([('province_code', '=', options.province),
            ('year', '=', options.year)])
    if not sets:
        raise ReportError(f"no criteria for province {options.province} "
            f"in {options.year}")
    criteria, = sets
    if options.xlsx:
        write(options.xlsx, assessment_xlsx(criteria), out)
    if options.pdf:
        assessments = assessments_of(
            criteria, [c.id for c in communes(options)])
        if not assessments:
            raise ReportError("no commune of this scope has an assessment "
                f"against {criteria.name!r}")
        Report = pool.get('onestop.assessment.report', type='report')
        _, content, _, _ = Report.execute([a.id for a in assessments],
            {'model': 'onestop.assessment'})
        write(options.pdf, bytes(content), out)
    if options.xlsx or options.pdf:
        return
    rows = [[a.company.rec_name, a.points, a.meets_standard, a.state]
        for a in sorted(criteria.assessments, key=lambda a: -a.points)]
    standing = {'communes': criteria.communes, 'meeting': criteria.meeting,
        'share': criteria.share, 'target_share': criteria.target_share,
        'needed': criteria.needed}
    if options.json:
        json.dump({**standing, 'assessments': [dict(zip(
                            ['commune', 'points', 'meets_standard',
                                'state'], r)) for r in rows]},
            out, ensure_ascii=False, indent=1)
        out.write('\n')
    else:
        table(['commune', 'points', 'meets standard', 'state'], rows, out)
        out.write(' '.join(f'{k}={v}' for k, v in standing.items()) + '\n')


REPORTS = {'statistics': statistics, 'officers': officers,
    'scorecard': scorecard, 'warning': warning, 'assessment': assessment}


def run(name, options, out=sys.stdout):
    "Run a report on database name; nothing is kept unless --save"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(name).init()
    with Transaction().start(name, 0, context={'language': 'vi'}) as trans:
        try:
            REPORTS[options.report](options, out)
        finally:
            if not getattr(options, 'save', False):
                trans.rollback()


def main(args):
    "onestop report ...: args are the words after 'report'"
    from .commandline import SetupError, environment
    options = get_parser().parse_args(args)
    try:
        _, name, _ = environment()
        run(name, options)
    except (SetupError, ReportError) as exception:
        sys.exit(f"onestop report: {exception}")
    except Exception as exception:
        from trytond.exceptions import UserError
        if isinstance(exception, UserError):
            sys.exit(f"onestop report: {exception.message}")
        raise
