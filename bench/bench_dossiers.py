#!/usr/bin/env python3
# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Dossiers at scale on PostgreSQL, against hand-written SQL:

1. the scheduled job onestop.dossier|flag_deadlines against the same UPDATE
   written by hand (target: at most 2x);
2. an officer's "my open dossiers" list (search + the list view's fields)
   against the bare SQL query (target: at most 100 ms);
3. intake through the ORM (create with components, then receive: code,
   appointment, log line), in dossiers per second.

The data (communes, users, catalogue, citizens, dossiers over three years
with their log lines) is generated with INSERT ... SELECT, not the ORM.

    PYTHONOPTIMIZE=1 .venv/bin/python bench/bench_dossiers.py
"""
import argparse
import datetime as dt
import json
import random
import sys
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

JOB_TARGET = 2.0
LIST_TARGET = 0.100
TABLES = ['onestop_dossier', 'onestop_dossier_log']


def get_parser():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dossiers', type=common.positive, default=1_000_000,
        help="dossiers generated with SQL (default: %(default)s)")
    parser.add_argument('--communes', type=common.positive, default=20,
        help="communes sharing the database (default: %(default)s)")
    parser.add_argument('--years', type=float, default=3,
        help="received dates spread over that many years (default: 3)")
    parser.add_argument('--intake', type=int, default=10_000,
        help="dossiers created and received through the ORM "
        "(default: %(default)s; 0 skips)")
    parser.add_argument('--workers', type=common.positive, default=2,
        help="intake: processes in parallel, as server workers "
        "(default: %(default)s, one per core)")
    parser.add_argument('--batch', type=common.positive, default=1,
        help="intake: dossiers per transaction (default: %(default)s, as "
        "at the counter: one create, then one receive, per dossier)")
    return common.add_arguments(parser, 'bench_dossiers')


def main():
    options = common.parse_arguments(get_parser())
    common.configure(options.database, options.uri)
    print(f"Database {options.database!r} on {options.uri}: "
        f"{options.dossiers:,} dossiers, {options.communes} communes, "
        f"{options.years:g} years; Python {sys.version.split()[0]} -O")
    print(f"Machine: {common.machine()}; {common.driver()}; "
        f"{common.load()}", flush=True)
    steps = common.prepare(options, populate)
    world = World(options.database)
    try:
        results = [bench_flag_deadlines(options), bench_open_list(options, world)]
        if options.intake:
            results.append(bench_intake(options, world))
        if steps:
            common.print_table("Data generation", ["step", "time"], steps)
        print(f"\nAt the end: {common.load()}")
        common.print_table(f"Summary ({common.machine()}; {common.driver()})",
            ["measurement", "ORM", "SQL", "ratio", "target", "met"], results)
    finally:
        common.finish(options)


# --- data ----------------------------------------------------------------

COMMUNES = ["Gia Lộc", "Gia Lương", "Yết Kiêu", "Hồng Hưng", "Thống Nhất",
    "Trường Tân", "Lê Lợi", "Phạm Trấn", "Đoàn Thượng", "Quang Đức",
    "Nhật Tân", "Tân Kỳ", "Đồng Quang", "Hoàng Diệu", "Toàn Thắng",
    "Thống Kênh", "Tứ Kỳ", "Hà Bắc", "Ninh Giang", "Thanh Miện"]
FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ',
    'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý']
MALE = [['Văn', 'Đức', 'Hữu', 'Minh', 'Quốc'],
    ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Nam', 'Quân', 'Sơn',
        'Tuấn', 'Thắng', 'Long']]
FEMALE = [['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh'],
    ['Hoa', 'Lan', 'Linh', 'Mai', 'Phương', 'Thảo', 'Trang', 'Yến', 'Hà',
        'Hương', 'Nga', 'Huyền']]
# the path of each state through the log: action, from, to, by whom, when
# (share of the time from receipt to the end), step due (share of the time)
RECEIVE = ('receive', 'draft', 'received', 'officer', 0, None)
ASSIGN = ('assign', 'received', 'in_progress', 'officer', 0.1, 0.1)
SUBMIT = ('submit_approval', 'in_progress', 'pending_approval',
    'specialist', 0.6, 0.7)
SUPPLEMENT = ('request_supplement', 'in_progress', 'supplement',
    'specialist', 0.3, None)
APPROVE = ('approve', 'pending_approval', 'ready', 'approver', 1, 0.9)
PATHS = {
    'received': [RECEIVE],
    'in_progress': [RECEIVE, ASSIGN],
    'supplement': [RECEIVE, ASSIGN, SUPPLEMENT],
    'pending_approval': [RECEIVE, ASSIGN, SUBMIT],
    'ready': [RECEIVE, ASSIGN, SUBMIT, APPROVE],
    'returned': [RECEIVE, ASSIGN, SUBMIT, APPROVE,
        ('return_result', 'ready', 'returned', 'officer', None, 1)],
    'refused': [RECEIVE, ASSIGN,
        ('refuse', 'in_progress', 'refused', 'specialist', 1, None)],
    'withdrawn': [RECEIVE,
        ('withdraw', 'received', 'withdrawn', 'officer', 0.5, None)],
    'stopped': [RECEIVE, ASSIGN, SUPPLEMENT,
        ('close_supplement', 'supplement', 'stopped', None, 1, None)],
    }
SPECIALISTS = 4


def utc_now():
    "Naive UTC, as the dossiers store it"
    return dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0)


def populate(options):
    "Communes, users and catalogue with the ORM; the volume with SQL"
    from trytond.transaction import Transaction
    database, steps = options.database, []
    with common.stopwatch() as elapsed:
        with common.transaction(database, 0, {'language': 'vi'}):
            create_communes(options.communes)
    steps.append((f"{options.communes} communes, {options.communes * 6} "
            "users, catalogue (ORM)", f"{elapsed():.1f} s"))
    with common.transaction(database, 0) as transaction:
        explanation = typical_explanation()
        cursor = transaction.connection.cursor()
        parties = max(1000, options.dossiers * 3 // 10)
        with common.stopwatch() as elapsed:
            with common.bulk_load(cursor, ['party_party', 'party_identifier',
                        'party_contact_mechanism']):
                common.progress(f"{parties:,} citizens...")
                generate_citizens(cursor, parties)
        steps.append((f"{parties:,} citizens with ID and phone (SQL)",
                f"{elapsed():.1f} s"))
        with common.stopwatch() as elapsed:
            with common.bulk_load(cursor, TABLES + ['onestop_dossier_counter']):
                common.progress(f"{options.dossiers:,} dossiers...")
                generate_dossiers(cursor, options, explanation)
                common.progress("log lines...")
                logs = generate_logs(cursor)
                common.progress("rebuilding the indexes...")
        steps.append((f"{options.dossiers:,} dossiers, {logs:,} log lines "
                "(SQL, indexes rebuilt)", f"{elapsed():.1f} s"))
        Transaction().commit()
    with common.stopwatch() as elapsed:
        common.progress("VACUUM ANALYZE...")
        common.vacuum_analyze(options.uri, database, TABLES + [
                'onestop_dossier_counter', 'party_party', 'party_identifier',
                'party_contact_mechanism'])
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
    ModelData = pool.get('ir.model.data')
    vnd = common.vnd()
    names = [COMMUNES[i % len(COMMUNES)] + (f" {i // len(COMMUNES) + 1}"
            if i >= len(COMMUNES) else '') for i in range(count)]
    companies = Company.create([{
                'party': Party.create([{'name': f"UBND xã {name}"}])[0].id,
                'currency': vnd.id, 'timezone': 'Asia/Ho_Chi_Minh',
                'province_code': '31', 'unit_code': f'{11000 + i:05d}',
                'agency_code': f'000.31.{11000 + i:05d}',
                } for i, name in enumerate(names)])

    def group(role):
        return ModelData.get_id('onestop_procedures', f'group_onestop_{role}')
    users = []
    for i, company in enumerate(companies):
        roles = [('officer', 'officer'), ('approver', 'approver')] + [
            (f'specialist{k}', 'specialist') for k in range(SPECIALISTS)]
        for login, role in roles:
            users.append({'login': f'bench{i:02d}-{login}',
                    'name': f"{role.title()} {names[i]}",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [group(role)])],
                    })
    User.create(users)
    files = []
    for name in ['procedures', 'documents', 'steps']:
        with file_open(f'onestop_procedures/data/{name}.csv', 'rb') as fp:
            files.append(fp.read())
    import_catalogue(*files)


def typical_explanation():
    "The explanation stored with a 5-working-day appointment (row width)"
    from trytond.pool import Pool

    from onestop_procedures.working_time import due_date
    calendar = Pool().get('onestop.calendar').standard().working_calendar(
        range(2025, 2027))
    deadline = due_date(calendar, dt.datetime(2025, 12, 30, 15, 20), 5, 'day')
    return json.dumps([s.as_dict() for s in deadline.explanation])


def generate_citizens(cursor, count):
    """Citizens with a mobile number and a citizen ID (vn_cccd) that agrees
    with their birth date and gender (Circular 07/2016/TT-BCA: province
    031, century and gender digit, two digits of the year, six digits)"""
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute("""
        INSERT INTO party_party (code, code_alnum, code_digit, name, active,
            birth_date, gender, disability, social_protection, create_uid,
            create_date)
        SELECT 'CD' || lpad(n::text, 7, '0'), 'CD' || lpad(n::text, 7, '0'),
            n, f[1 + floor(r1 * 16)::int] || ' ' || CASE WHEN female
                THEN fm[1 + floor(r2 * 5)::int] || ' '
                    || fg[1 + floor(r3 * 12)::int]
                ELSE mm[1 + floor(r2 * 5)::int] || ' '
                    || mg[1 + floor(r3 * 12)::int] END,
            TRUE, DATE '1940-01-01' + floor(r4 * 24000)::int,
            CASE WHEN female THEN 'female' ELSE 'male' END,
            r5 < 0.02, r5 > 0.95, 0, CURRENT_TIMESTAMP
        FROM (SELECT n, random() < 0.5 AS female, random() AS r1,
                random() AS r2, random() AS r3, random() AS r4,
                random() AS r5, %s::varchar[] AS f, %s::varchar[] AS mm,
                %s::varchar[] AS mg, %s::varchar[] AS fm, %s::varchar[] AS fg
            FROM generate_series(1, %s) AS n) AS g""",
        (FAMILY, *MALE, *FEMALE, count))
    cursor.execute("""
        INSERT INTO party_identifier (party, type, code, code_compact, active,
            create_uid, create_date)
        SELECT id, 'vn_cccd', cccd, cccd, TRUE, 0, CURRENT_TIMESTAMP
        FROM (SELECT id, '031' || ((EXTRACT(YEAR FROM birth_date)::int - 1900)
                / 100 * 2 + (gender = 'female')::int)::text
                || to_char(EXTRACT(YEAR FROM birth_date)::int % 100, 'FM00')
                || lpad((code_digit % 1000000)::text, 6, '0') AS cccd
            FROM party_party WHERE code LIKE 'CD%') AS p""")
    cursor.execute("""
        INSERT INTO party_contact_mechanism (party, type, value,
            value_compact, active, create_uid, create_date)
        SELECT id, 'mobile', m, m, TRUE, 0, CURRENT_TIMESTAMP
        FROM (SELECT id, '09' || lpad((code_digit * 7919 % 100000000)::text,
                8, '0') AS m
            FROM party_party WHERE code LIKE 'CD%') AS p""")


def generate_dossiers(cursor, options, explanation):
    """Dossiers received in working hours (weekends moved to Friday) over
    the years, each state as likely as its age makes it: nearly all open
    until the appointment, a few late ones left open, most closed ones
    returned on time; numbered per commune and day as intake does"""
    world = World(options.database, cursor)
    now = utc_now()
    cursor.execute("""
        CREATE TEMP TABLE bench_commune (ci int, company int,
            agency_code varchar, officer int, approver int, specialists int[])
        """)
    for ci, company in enumerate(world.companies, 1):
        users = world.users[company]
        cursor.execute('INSERT INTO bench_commune VALUES (%s, %s, %s, %s, '
            '%s, %s)', (ci, company, world.agency_codes[company],
                users['officer'], users['approver'], users['specialists']))
    # calendar hours from receipt to appointment, weekends included
    cursor.execute("""
        CREATE TEMP TABLE bench_procedure AS
        SELECT row_number() OVER (ORDER BY id) AS pi, id,
            CASE processing_unit WHEN 'day' THEN processing_time * 33.6
                WHEN 'hour' THEN processing_time * 3 ELSE 4 END AS hours
        FROM onestop_procedure""")
    cursor.execute("SELECT setseed(0.24)")
    # a few procedures (birth, residence, copies) make most dossiers
    cursor.execute("""
        CREATE TEMP TABLE bench_pick AS
        SELECT n, floor(random() * %(communes)s)::int + 1 AS ci,
            floor((SELECT count(*) FROM bench_procedure) * random() ^ 2)::int
                + 1 AS pi,
            floor(random() * %(parties)s)::int AS party_offset,
            floor(random() * %(days)s)::int AS day_offset,
            random() AS r_hour, random() AS r_open, random() AS r_state,
            random() AS r_finish, random() AS r_channel, random() AS r_misc,
            floor(random() * %(specialists)s)::int + 1 AS si
        FROM generate_series(1, %(count)s) AS n""", {
            'communes': options.communes, 'specialists': SPECIALISTS,
            'parties': world.parties[1] - world.parties[0] + 1,
            'days': round(options.years * 365), 'count': options.dossiers})
    cursor.execute("""
        CREATE TEMP TABLE bench_dossier AS
        SELECT s.*, CASE
            WHEN r_open < CASE WHEN elapsed < 1 THEN 0.95
                    WHEN elapsed < 3 THEN 0.10 ELSE 0.003 END
                THEN CASE WHEN r_state < 0.15 THEN 'received'
                    WHEN r_state < 0.70 THEN 'in_progress'
                    WHEN r_state < 0.78 THEN 'supplement'
                    ELSE 'pending_approval' END
            WHEN r_state < 0.03 THEN 'ready'
            WHEN r_state < 0.91 THEN 'returned'
            WHEN r_state < 0.95 THEN 'refused'
            WHEN r_state < 0.98 THEN 'withdrawn' ELSE 'stopped' END AS state
        FROM (SELECT p.*, c.company, c.agency_code, pr.id AS procedure,
                c.specialists[p.si] AS specialist, r.received_at,
                r.received_at + pr.hours * INTERVAL '1 hour' AS due_at,
                EXTRACT(EPOCH FROM %(now)s - r.received_at)
                    / (pr.hours * 3600) AS elapsed
            FROM bench_pick p JOIN bench_commune c ON c.ci = p.ci
            JOIN bench_procedure pr ON pr.pi = p.pi
            CROSS JOIN LATERAL (SELECT %(today)s::date - p.day_offset AS d) x
            CROSS JOIN LATERAL (SELECT x.d - CASE EXTRACT(ISODOW FROM x.d)
                    WHEN 6 THEN 1 WHEN 7 THEN 2 ELSE 0 END AS day) w
            CROSS JOIN LATERAL (SELECT LEAST(w.day + INTERVAL '1 hour'
                    + p.r_hour * INTERVAL '8.5 hours',
                    %(now)s - p.r_hour * INTERVAL '1 hour') AS received_at) r
            ) AS s""", {
            'now': now, 'today': (now + dt.timedelta(hours=7)).date()})
    cursor.execute("""
        INSERT INTO onestop_dossier (code, company, procedure, channel,
            applicant, applicant_name, applicant_id_number, applicant_phone,
            sets, state, assignee, submitted_at, received_at, counted_from,
            due_at, index_due_at, due_explanation, warned_at, new_due_at,
            apologized_at, apology_reason, supplement_items,
            supplement_requested_at, finished_at, returned_at, timeliness,
            digitized, electronic_result, create_uid, create_date)
        SELECT b.agency_code || '-' || to_char(b.received_at
                + INTERVAL '7 hours', 'YYMMDD') || '-' || lpad((row_number()
                OVER (PARTITION BY b.company, (b.received_at
                    + INTERVAL '7 hours')::date
                    ORDER BY b.received_at, b.n))::text, 4, '0'),
            b.company, b.procedure, CASE WHEN b.r_channel < 0.6 THEN 'counter'
                WHEN b.r_channel < 0.95 THEN 'online'
                WHEN b.r_channel < 0.99 THEN 'postal' ELSE 'home' END,
            pa.id, pa.name, i.code, m.value, 1, b.state,
            CASE WHEN b.state NOT IN ('received', 'withdrawn')
                THEN b.specialist END,
            b.received_at - CASE WHEN b.r_channel BETWEEN 0.6 AND 0.99
                THEN b.r_channel * INTERVAL '20 hours' ELSE INTERVAL '0' END,
            b.received_at, b.received_at, b.due_at, b.due_at,
            %(explanation)s,
            CASE WHEN late_open AND b.r_misc < 0.9 OR f.finished_at > b.due_at
                THEN b.due_at - INTERVAL '1 day' END,
            CASE WHEN apology THEN b.due_at + INTERVAL '5 days' END,
            CASE WHEN apology THEN b.due_at END,
            CASE WHEN apology
                THEN 'Chờ kết quả xác minh của cơ quan liên quan' END,
            CASE WHEN b.state IN ('supplement', 'stopped')
                THEN 'Bản sao Giấy khai sinh có chứng thực' END,
            CASE WHEN b.state IN ('supplement', 'stopped') THEN b.received_at
                + (LEAST(%(now)s, b.due_at) - b.received_at) * 0.3 END,
            f.finished_at,
            CASE WHEN b.state = 'returned' THEN LEAST(
                f.finished_at + b.r_misc * INTERVAL '3 days',
                f.finished_at + (%(now)s - f.finished_at) * b.r_misc) END,
            CASE WHEN b.state NOT IN ('ready', 'returned', 'refused') THEN NULL
                WHEN f.finished_at > b.due_at THEN 'late'
                WHEN f.finished_at::date < b.due_at::date THEN 'early'
                ELSE 'on_time' END,
            b.r_finish > 0.2, b.r_channel BETWEEN 0.6 AND 0.95
                AND b.r_hour < 0.5, c.officer, b.received_at
        FROM bench_dossier b JOIN bench_commune c ON c.company = b.company
        JOIN party_party pa ON pa.id = %(party)s + b.party_offset
        LEFT JOIN party_identifier i ON i.party = pa.id
        LEFT JOIN party_contact_mechanism m ON m.party = pa.id
        CROSS JOIN LATERAL (SELECT b.state IN ('received', 'in_progress',
                'supplement', 'pending_approval') AND b.due_at <= %(now)s
                AS late_open) o
        CROSS JOIN LATERAL (SELECT o.late_open AND b.r_misc < 0.3 AS apology,
            CASE WHEN b.state IN ('ready', 'returned', 'refused')
                THEN LEAST(b.received_at + (b.due_at - b.received_at)
                    * (0.2 + 0.85 * b.r_finish),
                    b.received_at + (%(now)s - b.received_at) * b.r_finish)
            WHEN b.state = 'stopped'
                THEN LEAST(%(now)s, b.received_at + INTERVAL '20 days')
            END AS finished_at) f
        ORDER BY b.received_at, b.n""", {
            'now': now, 'party': world.parties[0],
            'explanation': explanation})
    cursor.execute("""
        INSERT INTO onestop_dossier_counter (company, day, last, create_uid,
            create_date)
        SELECT company, (received_at + INTERVAL '7 hours')::date, COUNT(*),
            0, CURRENT_TIMESTAMP
        FROM onestop_dossier GROUP BY 1, 2""")
    cursor.execute('DROP TABLE bench_pick, bench_dossier, bench_procedure')


def generate_logs(cursor):
    "The process control sheet of every dossier, up to its state"
    cursor.execute("""
        CREATE TEMP TABLE bench_path (state varchar, action varchar,
            from_state varchar, to_state varchar, who varchar, at float,
            share float)""")
    for state, path in PATHS.items():
        for step in path:
            cursor.execute('INSERT INTO bench_path VALUES '
                '(%s, %s, %s, %s, %s, %s, %s)', (state, *step))
    cursor.execute("""
        INSERT INTO onestop_dossier_log (dossier, action, from_state,
            to_state, date, "user", step_due_at, on_time, create_uid,
            create_date)
        SELECT d.id, s.action, s.from_state, s.to_state, x.date,
            CASE s.who WHEN 'officer' THEN c.officer
                WHEN 'approver' THEN c.approver
                WHEN 'specialist' THEN d.assignee END,
            x.step_due, x.date <= x.step_due, d.create_uid, x.date
        FROM onestop_dossier d
        JOIN bench_commune c ON c.company = d.company
        JOIN bench_path s ON s.state = d.state
        CROSS JOIN LATERAL (SELECT CASE WHEN s.at IS NULL THEN d.returned_at
                ELSE d.received_at + (COALESCE(d.finished_at,
                    LEAST(%s, d.due_at)) - d.received_at) * s.at END AS date,
            d.received_at + (d.due_at - d.received_at) * s.share
                AS step_due) x""", (utc_now(),))
    count = cursor.rowcount
    cursor.execute('DROP TABLE bench_path, bench_commune')
    return count


class World:
    "The generated communes, users and citizens, read from the database"

    def __init__(self, database, cursor=None):
        if cursor is None:
            with common.transaction(database, 0, readonly=True) as t:
                self._load(t.connection.cursor())
        else:
            self._load(cursor)

    def _load(self, cursor):
        cursor.execute("SELECT id, agency_code FROM company_company "
            "WHERE agency_code LIKE '000.31.1%' ORDER BY id")
        self.agency_codes = dict(cursor.fetchall())
        self.companies = list(self.agency_codes)
        cursor.execute("SELECT id, login, company FROM res_user "
            "WHERE login LIKE 'bench%' ORDER BY login")
        self.users = {c: {'specialists': []} for c in self.companies}
        for user, login, company in cursor.fetchall():
            role = login.split('-', 1)[1]
            if role.startswith('specialist'):
                self.users[company]['specialists'].append(user)
            else:
                self.users[company][role] = user
        cursor.execute("SELECT MIN(id), MAX(id) FROM party_party "
            "WHERE code LIKE 'CD%'")
        self.parties = cursor.fetchone()
        cursor.execute("SELECT id FROM onestop_procedure "
            "WHERE effective_date <= CURRENT_DATE AND (abolished_date IS NULL "
            "OR abolished_date > CURRENT_DATE) ORDER BY id")
        self.procedures = [i for i, in cursor.fetchall()]

    def busiest_assignee(self, database):
        "The specialist with the most open dossiers: (user, company, count)"
        from onestop_procedures.dossier import OPEN_STATES
        with common.transaction(database, 0, readonly=True) as t:
            cursor = t.connection.cursor()
            cursor.execute('SELECT assignee, company, COUNT(*) '
                'FROM onestop_dossier WHERE state = ANY(%s) '
                'AND assignee IS NOT NULL GROUP BY 1, 2 '
                'ORDER BY 3 DESC LIMIT 1', (OPEN_STATES,))
            return cursor.fetchone()

    def intake_plan(self, count, batch):
        """Chunks of (officer, company, procedure, applicant), one commune
        per chunk, the communes in random order"""
        rng = random.Random(7)
        chunks = []
        while count > 0:
            company = rng.choice(self.companies)
            officer = self.users[company]['officer']
            chunks.append([(officer, company, rng.choice(self.procedures),
                        rng.randint(*self.parties))
                    for _ in range(min(batch, count))])
            count -= batch
        return chunks


# --- 1. the scheduled job against its UPDATE -------------------------------

def bench_flag_deadlines(options):
    from trytond.pool import Pool

    from onestop_procedures.dossier import OPEN_STATES
    database = options.database
    print("\n== 1. Scheduled job onestop.dossier|flag_deadlines ==")

    def run_job(capture=False):
        "As trytond-cron runs it; rolled back"
        with common.transaction(database, 0, {'_skip_warnings': True},
                commit=False) as transaction:
            pool = Pool()
            Cron = pool.get('ir.cron')
            cron = Cron(pool.get('ir.model.data').get_id(
                    'onestop_procedures', 'cron_flag_deadlines'))
            start = utc_now()
            with common.stopwatch() as elapsed, common.captured_sql() \
                    if capture else nullcontext() as statements, \
                    transaction.set_context(_cron=cron.method):
                cron.run_once()
            return elapsed(), (flagged_since(start), statements)

    # the statement a DBA writes, with the same thresholds
    thresholds = deadline_thresholds(database)
    values = ', '.join(['(%s, %s::timestamp)'] * len(thresholds))
    update = f"""UPDATE onestop_dossier AS d SET warned_at = %s
        FROM (VALUES {values}) AS t(company, threshold)
        WHERE d.company = t.company AND d.state IN (%s, %s, %s, %s)
            AND d.warned_at IS NULL
            AND COALESCE(d.new_due_at, d.due_at) <= t.threshold"""

    def params():
        return [utc_now(), *(v for pair in thresholds for v in pair),
            *OPEN_STATES]

    def run_sql():
        with common.transaction(database, 0, commit=False) as transaction:
            cursor = transaction.connection.cursor()
            values = params()
            with common.stopwatch() as elapsed:
                cursor.execute(update, values)
            return elapsed(), (flagged_since(values[0]), None)

    timings = common.compare({'job': run_job, 'sql': run_sql},
        options.repeat, inner=True)
    job, sql = timings['job'], timings['sql']
    (job_rows, _), (sql_rows, _) = job.result, sql.result
    common.print_table("Timings (median of runs, each rolled back)",
        ["statement", "median", "min", "max", "dossiers flagged"], [
            ("the job (ir.cron run_once)", *job.cells(), job_rows),
            ("hand-written UPDATE", *sql.cells(), sql_rows),
            ])
    if job_rows != sql_rows:
        print(f"  WARNING: the job flagged {job_rows} dossiers and the "
            f"hand-written UPDATE {sql_rows}: the rule changed; update "
            "deadline_thresholds() in this script.")
    seconds, (_, statements) = run_job(capture=True)
    common.print_sql_summary("Where the job spends its time (one run)",
        statements, seconds)
    plans = [("EXPLAIN ANALYZE: the job's statement, as trytond sent it",
            s, None) for s in statements
        if s.lstrip().startswith(('UPDATE', 'SELECT'))
        and '"onestop_dossier" AS' in s]
    with common.transaction(database, 0, commit=False) as transaction:
        common.show_plans(transaction.connection.cursor(), plans, TABLES,
            in_sequence=True)
    with common.transaction(database, 0, commit=False) as transaction:
        common.show_plans(transaction.connection.cursor(), [
                ("EXPLAIN ANALYZE: the hand-written UPDATE", update,
                    params())], TABLES)
    # the rolled-back runs left dead rows; autovacuum would remove them
    common.vacuum_analyze(options.uri, database, ['onestop_dossier'])
    return ("1. flag_deadlines job / UPDATE", common.ms(job.median),
        common.ms(sql.median), common.ratio(job.median, sql.median),
        f"≤ {JOB_TARGET:g}×",
        "yes" if job.median <= JOB_TARGET * sql.median else "NO")


def deadline_thresholds(database):
    """(company, threshold) of every commune: one working day after its
    next working time, on its calendar, as the job computes them"""
    from zoneinfo import ZoneInfo

    from trytond.pool import Pool

    from onestop_procedures.dossier import VN_TIMEZONE
    now = utc_now().replace(tzinfo=dt.timezone.utc)
    thresholds = []
    with common.transaction(database, 0, readonly=True):
        for company in Pool().get('company.company').search([]):
            tz = ZoneInfo(company.timezone or VN_TIMEZONE)
            local = now.astimezone(tz)
            calendar = company.working_calendar(
                range(local.year, local.year + 2))
            threshold = calendar.add(calendar.next_working_time(
                    local.replace(tzinfo=None)), calendar.day_length())
            thresholds.append((company.id, threshold.replace(tzinfo=tz)
                    .astimezone(dt.timezone.utc).replace(tzinfo=None)))
    return thresholds


def flagged_since(start):
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT COUNT(*) FROM onestop_dossier '
        'WHERE warned_at >= %s', (start,))
    return cursor.fetchone()[0]


# --- 2. an officer's open dossiers ------------------------------------------

def bench_open_list(options, world):
    from trytond.pool import Pool

    from onestop_procedures.dossier import OPEN_STATES
    database = options.database
    user, company, count = world.busiest_assignee(database)
    print(f"\n== 2. \"My open dossiers\" of the busiest specialist "
        f"(user {user}, {count} open dossiers) ==")
    context = {'company': company, '_check_access': True, 'language': 'vi'}
    domain = [('assignee', '=', user), ('state', 'in', OPEN_STATES)]
    order = [('due_at', 'ASC')]
    with common.transaction(database, user, context, readonly=True):
        fields = Pool().get('onestop.dossier').fields_view_get(
            view_type='tree')['fields']
    # what the client reads: the list view's fields and related labels
    names = list(fields) + [f'{n}.rec_name' for n, f in fields.items()
        if f['type'] in {'many2one', 'reference'}]

    def search():
        with common.transaction(database, user, context, readonly=True):
            return [d.id for d in Pool().get('onestop.dossier').search(
                    domain, limit=80, order=order)]

    def search_read():
        "Two calls, each in its transaction, as the client makes them"
        ids = search()
        with common.transaction(database, user, context, readonly=True):
            rows = Pool().get('onestop.dossier').read(ids, names)
        return ids, rows

    orm = common.measure(search_read, options.repeat * 3)
    searched = common.measure(search, options.repeat * 3)
    query = """SELECT d.id, d.code, d.company, cp.name, d.applicant_name,
            d.procedure, p.code || ' - ' || p.name, d.channel, d.received_at,
            d.due_at, d.new_due_at, d.assignee, u.name, d.timeliness, d.state,
            COALESCE(d.new_due_at, d.due_at) < (now() AT TIME ZONE 'UTC')
        FROM onestop_dossier d JOIN onestop_procedure p ON p.id = d.procedure
        JOIN company_company c ON c.id = d.company
        JOIN party_party cp ON cp.id = c.party
        LEFT JOIN res_user u ON u.id = d.assignee
        WHERE d.assignee = %s AND d.state IN (%s, %s, %s, %s)
            AND d.company = %s ORDER BY d.due_at, d.id LIMIT 80"""
    params = [user, *OPEN_STATES, company]

    def bare_sql():
        with common.transaction(database, user, readonly=True) as t:
            cursor = t.connection.cursor()
            cursor.execute(query, params)
            return cursor.fetchall()
    sql = common.measure(bare_sql, options.repeat * 3)
    ids, rows = orm.result
    if ids != [r[0] for r in sql.result] or len(rows) != len(ids):
        print("  WARNING: the ORM and the bare SQL list different dossiers.")
    common.print_table(f"Timings ({len(rows)} rows of {len(names)} fields, "
        "a transaction per call)", ["call", "median", "min", "max"], [
            ("ORM search + read (the list)", *orm.cells()),
            ("  of which the search", *searched.cells()),
            ("bare SQL, one query with joins", *sql.cells()),
            ])
    with common.captured_sql() as statements, common.stopwatch() as elapsed:
        search_read()
    common.print_sql_summary("Where the list spends its time (one run)",
        statements, elapsed())
    plans = [("EXPLAIN ANALYZE: the ORM's search, as trytond sent it", s, None)
        for s in statements if s.lstrip().startswith('SELECT')
        and '"onestop_dossier"' in s and 'LIMIT 80' in s]
    plans.append(("EXPLAIN ANALYZE: the bare SQL", query, params))
    with common.transaction(database, 0, commit=False) as transaction:
        common.show_plans(transaction.connection.cursor(), plans, TABLES)
    return ("2. my open dossiers, search + read", common.ms(orm.median),
        common.ms(sql.median), common.ratio(orm.median, sql.median),
        f"≤ {LIST_TARGET * 1000:g} ms",
        "yes" if orm.median <= LIST_TARGET else "NO")


# --- 3. intake through the ORM ----------------------------------------------

def bench_intake(options, world):
    database, workers = options.database, options.workers
    # one more chunk per process: its warm-up
    chunks = world.intake_plan(
        options.intake + workers * options.batch, options.batch)
    print(f"\n== 3. Intake of {options.intake:,} dossiers through the ORM: "
        f"{workers} process(es), {options.batch} dossier(s) per "
        "transaction, create then receive ==", flush=True)
    done = common.run_in_processes(intake_share,
        [chunks[number::workers] for number in range(workers)],
        database, options.uri)
    start = min(r['start'] for r in done)
    seconds = max(r['end'] for r in done) - start
    ids = [i for r in done for i in r['ids']]
    latencies = sorted(t for r in done for t in r['latencies'])
    retries = sum(r['retries'] for r in done)
    count, rate = len(ids), len(ids) / seconds
    cpu = sum(r['cpu'] for r in done) / count
    warm, measured = world.intake_plan(2, 1)
    ids += intake(database, warm)[0]
    with common.captured_sql() as statements, common.stopwatch() as elapsed:
        ids += intake(database, measured)[0]
    with common.transaction(database, 0, readonly=True) as t:
        cursor = t.connection.cursor()
        cursor.execute("""SELECT COUNT(*) FILTER (WHERE state = 'received'
                AND due_at IS NOT NULL), COUNT(DISTINCT code),
            (SELECT COUNT(*) FROM onestop_dossier_log
                WHERE dossier = ANY(%(ids)s) AND action = 'receive'),
            (SELECT COUNT(*) FROM onestop_dossier_component
                WHERE dossier = ANY(%(ids)s))
            FROM onestop_dossier WHERE id = ANY(%(ids)s)""", {'ids': ids})
        received, codes, logs, components = cursor.fetchone()
    common.print_table(
        f"Intake ({count:,} dossiers in {seconds:.1f} s, after one "
        "warm-up chunk per process)", ["measure", "value"], [
            ("dossiers per second, all processes", f"{rate:,.1f}"),
            ("per dossier, median", common.ms(latencies[len(latencies) // 2])),
            ("per dossier, 95th percentile",
                common.ms(latencies[int(len(latencies) * 0.95)])),
            ("per dossier, CPU time of the Python processes", common.ms(cpu)),
            ("calls retried after a conflict (as the server does)",
                f"{retries:,}"),
            ("received, with code and appointment", f"{received:,}"),
            ("distinct codes", f"{codes:,}"),
            ("log lines 'receive'", f"{logs:,}"),
            ("components", f"{components:,}"),
            ])
    common.print_sql_summary("Where one intake spends its time "
        "(create + receive, warm, alone)", statements, elapsed())
    return ("3. intake, create + receive", f"{rate:,.1f} dossiers/s", "",
        "", "reported", f"{workers} proc.")


def intake_share(chunks, ready):
    "One process's part of the intake, after a warm-up chunk"
    import os
    import time
    database = os.environ['ONESTOP_DATABASE']
    intake(database, chunks[0])
    ready()
    ids, latencies, retries, cpu = [], [], 0, time.process_time()
    for index, chunk in enumerate(chunks[1:], 1):
        with common.stopwatch() as elapsed:
            chunk_ids, chunk_retries = intake(database, chunk)
        ids += chunk_ids
        retries += chunk_retries
        latencies.append(elapsed() / len(chunk))
        if index % max(1, len(chunks) // 5) == 0:
            common.progress(f"process {os.getpid()}: {len(ids):,} received")
    return {'ids': ids, 'latencies': latencies, 'retries': retries,
        'cpu': time.process_time() - cpu}


def intake(database, chunk):
    """The officer's two calls: create the dossiers (with their components
    and codes), then receive them (appointment and log line)"""
    from trytond.pool import Pool
    officer, company = chunk[0][:2]
    context = {'company': company, '_check_access': True, 'language': 'vi'}

    def create():
        Dossier = Pool().get('onestop.dossier')
        dossiers = []
        for _, company, procedure, applicant in chunk:
            dossier = Dossier(company=company, procedure=procedure,
                applicant=applicant, channel='counter')
            dossier.on_change_applicant()
            dossier.on_change_procedure()
            for component in dossier.components:
                component.received = component.digitized = True
            dossiers.append(dossier)
        Dossier.save(dossiers)
        return [d.id for d in dossiers]

    def receive():
        Dossier = Pool().get('onestop.dossier')
        Dossier.receive(Dossier.browse(ids))
    ids, created = common.rpc_call(database, officer, context, create)
    _, received = common.rpc_call(database, officer, context, receive)
    return ids, created + received


if __name__ == '__main__':
    main()
