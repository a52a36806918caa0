#!/usr/bin/env python3
# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The leaders' reports at province scale on PostgreSQL, against the single
hand-written SQL aggregate that computes the same numbers:

1. the handling statistics (form 06) of every commune of the province for a
   calendar year, one row per commune and field (onestop.statistics.compute,
   the path of the API, the exports and the command; the back office's
   search + read of the same table_query is shown too);
2. the Decision 766 estimate of every commune for a month
   (onestop.scorecard.evaluate: the catalogue and one dossier aggregate for
   the procedures' indicators, and those payments and survey add);
3. a drill-down page: the late dossiers of one commune over the year, 80
   per page, with the list's fields and the count.

Targets: 1 and 2 within 1.5x of the SQL and under 2 s; 3 under 100 ms.
The data (communes, catalogue, citizens and dossiers over the years) is
generated with INSERT ... SELECT, not the ORM; the due-date explanations
are left empty (no report reads them).

    PYTHONOPTIMIZE=1 .venv/bin/python bench/bench_reports.py [--dossiers N]
"""
import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RATIO_TARGET = 1.5
TIME_TARGET = 2.0
PAGE_TARGET = 0.100
PROVINCE = '31'
SPECIALISTS = 2
TABLES = ['onestop_dossier']


def get_parser():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dossiers', type=common.positive,
        default=10_000_000,
        help="dossiers generated with SQL (default: %(default)s)")
    parser.add_argument('--communes', type=common.positive, default=100,
        help="communes of the province (default: %(default)s)")
    parser.add_argument('--years', type=float, default=5,
        help="receipt dates spread over that many years up to today "
        "(default: %(default)s)")
    parser.add_argument('--year', type=int,
        help="calendar year of the statistics (default: last year)")
    parser.add_argument('--month',
        help="month of the scorecards, YYYY-MM (default: last month)")
    parser.add_argument('--plans', action='store_true',
        help="print the EXPLAIN ANALYZE of the hand-written statements")
    return common.add_arguments(parser, 'bench_reports')


def main():
    options = common.parse_arguments(get_parser())
    common.configure(options.database, options.uri)
    today = dt.date.today()
    year = options.year or today.year - 1
    month = options.month or (today.replace(day=1)
        - dt.timedelta(days=1)).strftime('%Y-%m')
    print(f"Database {options.database!r} on {options.uri}: "
        f"{options.dossiers:,} dossiers, {options.communes} communes, "
        f"{options.years:g} years; statistics of {year}, scorecards of "
        f"{month}; Python {sys.version.split()[0]} -O")
    print(f"Machine: {common.machine()}", flush=True)
    steps = common.prepare(options, populate)
    try:
        results = [
            bench_statistics(options, year),
            bench_scorecard(options, month),
            bench_drill_down(options, year),
            ]
        if steps:
            common.print_table("Data generation", ["step", "time"], steps)
        common.print_table(f"Summary ({common.machine()})",
            ["measurement", "Tryton", "SQL", "ratio", "target", "met"],
            results)
    finally:
        common.finish(options)


# --- data ----------------------------------------------------------------

def populate(options):
    "Communes and catalogue with the ORM; citizens and dossiers with SQL"
    from trytond.transaction import Transaction
    database, steps = options.database, []
    with common.stopwatch() as elapsed:
        with common.transaction(database, 0, {'language': 'vi'}):
            create_communes(options.communes)
    steps.append((f"{options.communes} communes, "
            f"{options.communes * SPECIALISTS} specialists, catalogue (ORM)",
            f"{elapsed():.1f} s"))
    with common.transaction(database, 0) as transaction:
        cursor = transaction.connection.cursor()
        with common.stopwatch() as elapsed:
            common.progress("20,000 citizens...")
            generate_citizens(cursor, 20_000)
            with common.bulk_load(cursor, TABLES):
                common.progress(f"{options.dossiers:,} dossiers...")
                generate_dossiers(cursor, options)
                common.progress("rebuilding the indexes...")
        steps.append((f"{options.dossiers:,} dossiers (SQL, indexes "
                "rebuilt)", f"{elapsed():.1f} s"))
        Transaction().commit()
    with common.stopwatch() as elapsed:
        common.progress("VACUUM ANALYZE...")
        common.vacuum_analyze(options.uri, database,
            TABLES + ['party_party'])
    steps.append(("VACUUM ANALYZE", f"{elapsed():.1f} s"))
    return steps


def create_communes(count):
    from trytond.pool import Pool
    from trytond.tools import file_open

    from onestop_procedures.procedure import import_catalogue
    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    Procedure = pool.get('onestop.procedure')
    ModelData = pool.get('ir.model.data')
    vnd = common.vnd()
    parties = Party.create([{'name': f"UBND xã Thử Nghiệm {i + 1}"}
            for i in range(count)])
    companies = Company.create([{
                'party': party.id, 'currency': vnd.id,
                'timezone': 'Asia/Ho_Chi_Minh', 'province_code': PROVINCE,
                'unit_code': f'{20000 + i:05d}',
                'agency_code': f'000.{PROVINCE}.{20000 + i:05d}',
                } for i, party in enumerate(parties)])
    specialist = ModelData.get_id(
        'onestop_procedures', 'group_onestop_specialist')
    User.create([{'login': f'bench{i:03d}-specialist{k}',
                'name': f"Chuyên viên {k + 1} xã {i + 1}",
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [specialist])]}
            for i, company in enumerate(companies)
            for k in range(SPECIALISTS)])
    files = []
    for name in ['procedures', 'documents', 'steps']:
        with file_open(f'onestop_procedures/data/{name}.csv', 'rb') as fp:
            files.append(fp.read())
    import_catalogue(*files)
    # in force over the whole history
    Procedure.write(Procedure.search([]),
        {'effective_date': dt.date(2000, 1, 1)})


def generate_citizens(cursor, count):
    cursor.execute(
        'INSERT INTO party_party (code, code_alnum, code_digit, name, '
        'active, create_uid, create_date) '
        "SELECT 'BR' || lpad(n::text, 7, '0'), "
        "'BR' || lpad(n::text, 7, '0'), n, 'Công dân ' || n, TRUE, 0, "
        'CURRENT_TIMESTAMP FROM generate_series(1, %s) AS n', (count,))


def generate_dossiers(cursor, options):
    """Dossiers received in order over the years, in every commune; the
    states follow their age: most closed (returned, some refused, withdrawn
    or stopped; about 15 % finished late), a few old ones stuck open, the
    recent ones mostly open; 3 % with a supplement request"""
    now = dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0)
    start = now - dt.timedelta(days=round(options.years * 365))
    cursor.execute('CREATE TEMP TABLE bench_commune AS SELECT '
        'row_number() OVER (ORDER BY c.id) AS ci, c.id AS company, '
        'c.agency_code, array_agg(u.id ORDER BY u.id) AS specialists '
        'FROM company_company c JOIN res_user u ON u.company = c.id '
        "WHERE c.province_code = %s AND u.login LIKE 'bench%%' "
        'GROUP BY c.id', (PROVINCE,))
    cursor.execute('CREATE TEMP TABLE bench_procedure AS SELECT '
        'row_number() OVER (ORDER BY id) AS pi, id, '
        # calendar hours from receipt to the appointment, weekends included
        "CASE processing_unit WHEN 'day' THEN GREATEST(processing_time, 1) "
        "* 33.6 WHEN 'hour' THEN processing_time * 3 ELSE 8 END AS hours "
        'FROM onestop_procedure')
    cursor.execute('SELECT count(*) FROM bench_procedure')
    procedures, = cursor.fetchone()
    cursor.execute("SELECT MIN(id) FROM party_party WHERE code LIKE 'BR%%'")
    first_party, = cursor.fetchone()
    cursor.execute("SELECT setseed(0.766)")
    cursor.execute(
        'INSERT INTO onestop_dossier (code, company, procedure, channel, '
        'applicant, applicant_name, sets, state, assignee, submitted_at, '
        'received_at, counted_from, due_at, index_due_at, supplement_items, '
        'supplement_requested_at, supplemented_at, finished_at, '
        'returned_at, timeliness, digitized, electronic_result, '
        'create_uid, create_date) '
        "SELECT c.agency_code || '-' || to_char(g.received_at "
        "+ INTERVAL '7 hours', 'YYMMDD') || '-' || g.n, c.company, pr.id, "
        "CASE WHEN g.r_channel < 0.45 THEN 'online' WHEN g.r_channel < 0.93 "
        "THEN 'counter' WHEN g.r_channel < 0.99 THEN 'postal' ELSE 'home' "
        "END, %(party)s + g.n %% 20000, 'Công dân ' || g.n %% 20000, 1, "
        's.state, CASE WHEN s.state NOT IN (\'withdrawn\') '
        'THEN c.specialists[1 + (g.n %% %(specialists)s)] END, '
        'g.received_at, g.received_at, g.received_at, d.due_at, d.due_at, '
        "CASE WHEN g.r_supplement < 0.03 THEN 'Bản sao có chứng thực' END, "
        'CASE WHEN g.r_supplement < 0.03 THEN g.received_at '
        '+ (d.due_at - g.received_at) * 0.3 END, '
        "CASE WHEN g.r_supplement < 0.03 AND s.state NOT IN "
        "('supplement', 'stopped') THEN g.received_at "
        "+ (d.due_at - g.received_at) * 0.3 + INTERVAL '2 days' END, "
        'f.finished_at, '
        "CASE WHEN s.state = 'returned' THEN f.finished_at "
        "+ INTERVAL '3 hours' END, "
        "CASE WHEN s.state NOT IN ('ready', 'returned', 'refused') "
        "THEN NULL WHEN f.finished_at > d.due_at THEN 'late' "
        "WHEN f.finished_at::date < d.due_at::date THEN 'early' "
        "ELSE 'on_time' END, "
        'g.r_digitized < 0.85, f.finished_at IS NOT NULL '
        'AND g.r_digitized > 0.3, 0, g.received_at '
        'FROM (SELECT n, '
        '%(start)s::timestamp + (n - 1)::float8 / %(count)s '
        '* (%(now)s::timestamp - %(start)s::timestamp) AS received_at, '
        '1 + floor(random() * %(communes)s)::int AS ci, '
        '1 + floor(%(procedures)s * random() ^ 2)::int AS pi, '
        'random() AS r_channel, random() AS r_state, random() AS r_open, '
        'random() AS r_finish, random() AS r_supplement, '
        'random() AS r_digitized '
        'FROM generate_series(1, %(count)s) AS n) AS g '
        'JOIN bench_commune c ON c.ci = g.ci '
        'JOIN bench_procedure pr ON pr.pi = g.pi '
        "CROSS JOIN LATERAL (SELECT g.received_at + pr.hours "
        "* INTERVAL '1 hour' AS due_at) AS d "
        # open: most of the recent ones, 3 in 1000 of the older ones
        'CROSS JOIN LATERAL (SELECT CASE WHEN g.r_open < CASE '
        'WHEN %(now)s - g.received_at < (d.due_at - g.received_at) * 1.5 '
        'THEN 0.9 ELSE 0.003 END THEN CASE '
        "WHEN g.r_supplement < 0.03 THEN 'supplement' "
        "WHEN g.r_state < 0.2 THEN 'received' "
        "WHEN g.r_state < 0.8 THEN 'in_progress' "
        "ELSE 'pending_approval' END "
        "WHEN g.r_state < 0.02 THEN 'ready' "
        "WHEN g.r_state < 0.90 THEN 'returned' "
        "WHEN g.r_state < 0.94 THEN 'refused' "
        "WHEN g.r_state < 0.98 THEN 'withdrawn' "
        "WHEN g.r_supplement < 0.03 THEN 'stopped' "
        "ELSE 'returned' END AS state) AS s "
        "CROSS JOIN LATERAL (SELECT CASE "
        "WHEN s.state IN ('ready', 'returned', 'refused') THEN LEAST("
        'g.received_at + (d.due_at - g.received_at) '
        '* (0.2 + 0.95 * g.r_finish), %(now)s::timestamp) '
        "WHEN s.state = 'stopped' THEN g.received_at + INTERVAL '15 days' "
        'END AS finished_at) AS f', {
            'now': now, 'start': start, 'count': options.dossiers,
            'communes': options.communes, 'procedures': procedures,
            'specialists': SPECIALISTS, 'party': first_party})
    for table in ['bench_commune', 'bench_procedure']:
        cursor.execute(f'DROP TABLE {table}')


# --- measurements ----------------------------------------------------------

# The dossiers in scope of a period, written by hand as an expert would:
# finished from its start or still open, received before its end, read
# from the index alone (two disjoint parts)
SCOPE_SQL = """(
    SELECT id, company, procedure, channel, received_at, finished_at,
        due_at, timeliness, supplement_requested_at, supplemented_at,
        digitized, electronic_result
    FROM onestop_dossier
    WHERE received_at IS NOT NULL
        AND NOT state IN ('draft', 'withdrawn', 'stopped')
        AND company = ANY(%(companies)s) AND received_at < %(e)s
        AND finished_at >= %(s)s
    UNION ALL
    SELECT id, company, procedure, channel, received_at, finished_at,
        due_at, timeliness, supplement_requested_at, supplemented_at,
        digitized, electronic_result
    FROM onestop_dossier
    WHERE received_at IS NOT NULL
        AND NOT state IN ('draft', 'withdrawn', 'stopped')
        AND company = ANY(%(companies)s) AND received_at < %(e)s
        AND finished_at IS NULL) AS d"""
OVERDUE_SQL = """CROSS JOIN LATERAL (SELECT d.due_at IS NOT NULL AND CASE
    WHEN d.supplement_requested_at >= d.received_at
        AND d.supplement_requested_at < %(e)s
        AND (d.supplemented_at IS NULL OR d.supplemented_at >= %(e)s)
    THEN d.supplement_requested_at > d.due_at
    ELSE d.due_at < %(e)s END AS overdue) AS o"""
# Form 06 by commune and field, written by hand: the same counting rules
STATISTICS_SQL = f'''
SELECT d.company, p.field,
    count(*),
    count(*) FILTER (WHERE d.received_at >= %(s)s AND d.channel = 'online'),
    count(*) FILTER (WHERE d.received_at >= %(s)s
        AND d.channel <> 'online'),
    count(*) FILTER (WHERE d.received_at < %(s)s),
    count(*) FILTER (WHERE d.finished_at < %(e)s),
    count(*) FILTER (WHERE d.finished_at < %(e)s
        AND d.timeliness = 'early'),
    count(*) FILTER (WHERE d.finished_at < %(e)s
        AND COALESCE(d.timeliness, 'on_time') NOT IN ('early', 'late')),
    count(*) FILTER (WHERE d.finished_at < %(e)s AND d.timeliness = 'late'),
    count(*) FILTER (WHERE d.finished_at IS NULL OR d.finished_at >= %(e)s),
    count(*) FILTER (WHERE (d.finished_at IS NULL OR d.finished_at >= %(e)s)
        AND NOT o.overdue),
    count(*) FILTER (WHERE (d.finished_at IS NULL OR d.finished_at >= %(e)s)
        AND o.overdue),
    sum(date_part('epoch', d.finished_at - d.received_at))
        FILTER (WHERE d.finished_at < %(e)s)
FROM {SCOPE_SQL}
JOIN onestop_procedure p ON p.id = d.procedure
{OVERDUE_SQL}
GROUP BY d.company, p.field
'''
# The dossier part of the index for a month (2.1, 2.2, 3.2, 3.3, 4.1-4.3)
# and the catalogue part (1.2, 1.3, 3.1), written by hand
SCORECARD_SQL = f'''
SELECT d.company,
    count(*) FILTER (WHERE d.received_at >= %(s)s),
    count(*) FILTER (WHERE d.received_at >= %(s)s AND d.channel = 'online'
        AND NOT (d.finished_at IS NOT NULL AND d.finished_at < %(e)s
            AND NOT COALESCE(d.electronic_result, FALSE))),
    count(*) FILTER (WHERE d.finished_at < %(e)s),
    count(*) FILTER (WHERE d.finished_at < %(e)s AND d.electronic_result),
    count(*) FILTER (WHERE d.received_at >= %(s)s AND d.digitized),
    count(*) FILTER (WHERE d.received_at >= %(s)s AND d.id IN (
        SELECT dossier FROM onestop_dossier_component WHERE reused)),
    count(*) FILTER (WHERE d.finished_at < %(e)s OR (
        (d.finished_at IS NULL OR d.finished_at >= %(e)s) AND o.overdue)),
    count(*) FILTER (WHERE d.finished_at < %(e)s
        AND COALESCE(d.timeliness, 'on_time') <> 'late'),
    count(DISTINCT p.code) FILTER (WHERE d.received_at >= %(s)s
        AND d.channel = 'online'),
    sum(date_part('epoch', d.finished_at - d.received_at))
        FILTER (WHERE d.finished_at < %(e)s)
FROM {SCOPE_SQL}
JOIN onestop_procedure p ON p.id = d.procedure
{OVERDUE_SQL}
GROUP BY d.company
'''
CATALOGUE_SQL = '''
SELECT count(*), count(*) FILTER (WHERE published),
    count(*) FILTER (WHERE id IN (SELECT procedure
            FROM onestop_procedure_step)
        AND id IN (SELECT procedure FROM onestop_procedure_document)
        AND (processing_time > 0 OR processing_unit = 'same_day')
        AND applicant_types IS NOT NULL AND applicant_types <> '[]'),
    count(*) FILTER (WHERE online_level IN ('full', 'partial'))
FROM onestop_procedure
WHERE effective_date <= %(to)s
    AND (abolished_date IS NULL OR abolished_date > %(to)s)
'''

# the indicators onestop_payments adds: 3.5a and 3.5b (fee-bearing
# procedures, journals without cash, procedures paid without cash), 3.6
PAYMENT_CATALOGUE_SQL = """
WITH fee_codes AS (
    SELECT DISTINCT p.code FROM onestop_procedure p
    JOIN onestop_procedure_fee f ON f.procedure = p.id
    WHERE p.effective_date <= %(to)s
        AND (p.abolished_date IS NULL OR p.abolished_date > %(to)s)
        AND f.start_date <= %(to)s
        AND (f.end_date IS NULL OR f.end_date > %(to)s) AND f.amount > 0)
SELECT c.id, (SELECT count(*) FROM fee_codes),
    (SELECT count(*) FROM account_payment_journal j WHERE j.company = c.id
        AND j.active AND j.process_method <> 'cash'),
    (SELECT count(DISTINCT pr.code) FROM account_payment pa
        JOIN account_payment_journal j ON j.id = pa.journal
        JOIN onestop_dossier d ON d.id = pa.dossier
        JOIN onestop_procedure pr ON pr.id = d.procedure
        WHERE pa.state = 'succeeded' AND pa.kind = 'receivable'
            AND pa.date BETWEEN %(from)s AND %(to)s
            AND j.process_method <> 'cash' AND d.company = c.id
            AND pr.code IN (SELECT code FROM fee_codes))
FROM company_company c WHERE c.id = ANY(%(companies)s)
"""
PAYMENT_SQL = """
SELECT d.company, count(*), count(*) FILTER (WHERE d.id IN (
        SELECT pa.dossier FROM account_payment pa
        JOIN account_payment_journal j ON j.id = pa.journal
        WHERE pa.state = 'succeeded' AND pa.kind = 'receivable'
            AND j.process_method <> 'cash'))
FROM onestop_dossier d
WHERE d.company = ANY(%(companies)s)
    AND d.received_at >= %(s)s AND d.received_at < %(e)s
    AND d.state NOT IN ('draft', 'refused', 'withdrawn', 'stopped')
    AND d.id IN (SELECT f.dossier FROM onestop_dossier_fee f
        JOIN onestop_dossier fd ON fd.id = f.dossier
        WHERE fd.received_at >= %(s)s AND fd.received_at < %(e)s
        GROUP BY f.dossier HAVING sum(f.amount) > 0)
GROUP BY d.company
"""
# the indicators onestop_survey adds: 5.2 and 5.3 (follow-ups), 5.4
FOLLOWUP_SQL = """
SELECT f.company, count(*),
    count(*) FILTER (WHERE f.overdue
        OR (f.state = 'closed' AND f.closed_at > f.due_at)),
    count(*) FILTER (WHERE f.state = 'closed'),
    count(*) FILTER (WHERE f.state = 'closed' AND f.closed_at <= f.due_at),
    count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM onestop_survey_followup g
        JOIN onestop_dossier gd ON gd.id = g.dossier
        JOIN onestop_dossier fd ON fd.id = f.dossier
        WHERE g.company = f.company AND gd.applicant = fd.applicant
            AND g.opened_at >= %(s)s AND (g.opened_at < f.opened_at
                OR (g.opened_at = f.opened_at AND g.id < f.id))))
FROM onestop_survey_followup f
WHERE f.company = ANY(%(companies)s)
    AND f.opened_at >= %(s)s AND f.opened_at < %(e)s
GROUP BY f.company
"""
SATISFACTION_SQL = """
SELECT d.company, count(*), count(*) FILTER (WHERE d.timeliness = 'late'),
    count(*) FILTER (WHERE d.id IN (SELECT dossier
            FROM onestop_survey_response WHERE rating = 'not_satisfied'))
FROM onestop_dossier d
WHERE d.company = ANY(%(companies)s) AND d.received_at IS NOT NULL
    AND d.state NOT IN ('draft', 'withdrawn', 'stopped')
    AND d.finished_at >= %(s)s AND d.finished_at < %(e)s
GROUP BY d.company
"""


def bounds(first, last):
    from onestop_procedures.statistics import period_bounds
    return period_bounds(first, last)


def sql_timing(options, statements):
    "Median time of running the statements, with a fresh cursor each time"
    def run():
        with common.transaction(options.database, 0, readonly=True) as t:
            cursor = t.connection.cursor()
            rows = []
            with common.stopwatch() as elapsed:
                for statement, params in statements:
                    cursor.execute(statement, params)
                    rows.append(cursor.fetchall())
            return elapsed(), rows
    return common.measure(run, options.repeat, inner=True)


def explain(options, statements):
    if not options.plans:
        return
    with common.transaction(options.database, 0, commit=False) as t:
        common.show_plans(t.connection.cursor(), [
                (title, statement, params)
                for title, statement, params in statements], TABLES)


def province_communes(options):
    with common.transaction(options.database, 0, readonly=True) as t:
        cursor = t.connection.cursor()
        cursor.execute('SELECT id FROM company_company WHERE '
            'province_code = %s ORDER BY id', (PROVINCE,))
        return [i for i, in cursor.fetchall()]


def bench_statistics(options, year):
    from trytond.pool import Pool
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = bounds(first, last)
    common.progress(f"statistics of {year}...")

    def orm():
        with common.transaction(options.database, 0, {'language': 'vi'},
                readonly=True):
            Statistics = Pool().get('onestop.statistics')
            with common.stopwatch() as elapsed:
                rows = Statistics.compute(first, last, rows='field',
                    province_code=PROVINCE)
            return elapsed(), rows
    tryton = common.measure(orm, options.repeat, inner=True)
    params = {'s': start, 'e': end, 'companies': province_communes(options)}
    sql = sql_timing(options, [(STATISTICS_SQL, params)])
    # the same figures
    by_sql = {(r[0], r[1]): list(r[2:13]) for r in sql.result[0]}
    by_orm = {(r['company'], r['field']): [r[n] for n in [
                'received', 'received_online', 'received_offline',
                'carried_over', 'finished', 'finished_early',
                'finished_on_time', 'finished_late', 'in_progress',
                'in_progress_on_time', 'in_progress_overdue']]
        for r in tryton.result}
    if by_sql != by_orm:
        sys.exit("statistics: the ORM and the SQL disagree")
    total = sum(v[0] for v in by_sql.values())

    def back_office():
        with common.transaction(options.database, 0, {
                    'language': 'vi', 'from_date': first, 'to_date': last,
                    'province_code': PROVINCE, 'rows': 'field'},
                readonly=True):
            Statistics = Pool().get('onestop.statistics')
            with common.stopwatch() as elapsed:
                records = Statistics.search([])
                Statistics.read([r.id for r in records], [
                        'company.rec_name', 'field.rec_name', 'received',
                        'finished', 'in_progress_overdue', 'on_time_rate'])
            return elapsed(), len(records)
    sao = common.measure(back_office, max(3, options.repeat // 2),
        inner=True)
    common.print_table(
        f"Statistics of {year}: {len(by_sql)} rows, {total:,} dossiers "
        "counted", ["path", "median", "min", "max"], [
            ("Statistics.compute (API, exports, command)", *tryton.cells()),
            ("hand-written SQL", *sql.cells()),
            ("back office: search + read of the table_query",
                *sao.cells()),
            ])
    explain(options, [("statistics, hand-written", STATISTICS_SQL, params)])
    return result_row(f"province statistics of {year} "
        f"({options.communes} communes)", tryton, sql)


def bench_scorecard(options, month):
    from trytond.pool import Pool

    from onestop_procedures.scorecard import period_dates
    first, last = period_dates(month)
    start, end = bounds(first, last)
    common.progress(f"scorecards of {month}...")
    companies = province_communes(options)

    def orm():
        with common.transaction(options.database, 0, {'language': 'vi'},
                readonly=True):
            Scorecard = Pool().get('onestop.scorecard')
            with common.stopwatch() as elapsed:
                estimates = Scorecard.evaluate(companies, first, last)
            return elapsed(), estimates
    tryton = common.measure(orm, options.repeat, inner=True)
    period = {'s': start, 'e': end, 'companies': companies}
    statements = [
        (SCORECARD_SQL, period),
        (CATALOGUE_SQL, {'to': last}),
        (PAYMENT_CATALOGUE_SQL,
            {'from': first, 'to': last, 'companies': companies}),
        (PAYMENT_SQL, period),
        (FOLLOWUP_SQL, period),
        (SATISFACTION_SQL, period),
        ]
    sql = sql_timing(options, statements)
    by_sql = {r[0]: (r[8], r[7]) for r in sql.result[0]}
    satisfaction = {r[0]: r[1:] for r in sql.result[5]}

    def line(estimate, code):
        return next((l['numerator'], l['denominator'])
            for l in estimate['lines'] if l['code'] == code)
    for company, estimate in tryton.result.items():
        if line(estimate, '2.1') != by_sql.get(company, (0, 0)):
            sys.exit("scorecard: the ORM and the SQL disagree on 2.1")
        finished, late, unhappy = satisfaction.get(company, (0, 0, 0))
        if line(estimate, '5.4') != (
                max(0, finished - late - unhappy), finished):
            sys.exit("scorecard: the ORM and the SQL disagree on 5.4")
    scores = sorted(e['score'] for e in tryton.result.values())
    common.print_table(
        f"Index estimate of {month}: {len(companies)} communes, estimates "
        f"{scores[0]} to {scores[-1]}", ["path", "median", "min", "max"], [
            ("Scorecard.evaluate (API, command, stored scorecards)",
                *tryton.cells()),
            (f"hand-written SQL ({len(statements)} statements)",
                *sql.cells()),
            ])
    with common.transaction(options.database, 0, {'language': 'vi'},
            readonly=True), common.stopwatch() as elapsed, \
            common.captured_sql() as captured:
        Pool().get('onestop.scorecard').evaluate(companies, first, last)
    common.print_table("Scorecard.evaluate, its slowest statements (one run)",
        ["statement", "time"], [(' '.join(s.split())[:100], common.ms(s.seconds))
            for s in sorted(captured, key=lambda s: -s.seconds)[:8]]
        + [("all statements / the whole call",
                f"{common.ms(sum(s.seconds for s in captured))} / "
                f"{common.ms(elapsed())}")])
    explain(options, [("scorecard, hand-written", *statements[0])])
    return result_row(f"scorecards of {month} ({len(companies)} communes)",
        tryton, sql)


def bench_drill_down(options, year):
    "A page of the late dossiers of the busiest commune, with its count"
    from trytond.pool import Pool

    from onestop_procedures.statistics import cell_value
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with common.transaction(options.database, 0, readonly=True) as t:
        cursor = t.connection.cursor()
        cursor.execute('SELECT company FROM onestop_dossier '
            'GROUP BY company ORDER BY count(*) DESC LIMIT 1')
        company, = cursor.fetchone()
    fields = ['code', 'company.rec_name', 'procedure.rec_name',
        'applicant_name', 'channel', 'received_at', 'due_at', 'finished_at',
        'timeliness', 'assignee.rec_name', 'state']
    domain = [('company', '=', company), ('statistics_cell', '=',
            cell_value('late', first, last, [company]))]

    def page(offset):
        def run():
            with common.transaction(options.database, 0, {'language': 'vi'},
                    readonly=True):
                Dossier = Pool().get('onestop.dossier')
                with common.stopwatch() as elapsed:
                    records = Dossier.search(domain, offset=offset,
                        limit=80,
                        order=[('received_at', 'DESC'), ('id', 'DESC')])
                    rows = Dossier.read([r.id for r in records], fields)
                    count = Dossier.search_count(domain)
                return elapsed(), (len(rows), count)
        return run
    first_page = common.measure(page(0), options.repeat, inner=True)
    later_page = common.measure(page(800), options.repeat, inner=True)
    rows, count = first_page.result
    common.print_table(f"Drill-down: late dossiers of commune {company} "
        f"in {year} ({count:,}), 80 per page with the count",
        ["page", "median", "min", "max"], [
            ("first page", *first_page.cells()),
            ("page 11", *later_page.cells()),
            ])
    slowest = max(first_page.median, later_page.median)
    return ("drill-down page (search, read, count)", common.ms(slowest),
        "", "", f"< {PAGE_TARGET * 1000:.0f} ms",
        "yes" if slowest < PAGE_TARGET else "NO")


def result_row(title, tryton, sql):
    ratio = tryton.median / sql.median
    met = ratio <= RATIO_TARGET and tryton.median < TIME_TARGET
    return (title, common.ms(tryton.median), common.ms(sql.median),
        common.ratio(tryton.median, sql.median),
        f"<= {RATIO_TARGET}x, < {TIME_TARGET:.0f} s", "yes" if met else "NO")


if __name__ == '__main__':
    main()
