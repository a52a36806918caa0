# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Helpers shared by the benchmarks: a throw-away PostgreSQL database with
the modules activated by `onestop setup`, bulk loading with SQL, timing
(median of several runs), EXPLAIN, and plain-text tables.

Import this module before trytond: `configure()` points trytond at the
benchmark database through the environment, as the `onestop` command does."""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URI = 'postgresql:///'


def add_arguments(parser, database):
    "The options every benchmark takes"
    parser.add_argument('--uri',
        default=os.environ.get('ONESTOP_BENCH_URI', DEFAULT_URI),
        help="PostgreSQL server (default: the local socket, %(default)s)")
    parser.add_argument('--database', default=database,
        help="name of the throw-away database (default: %(default)s)")
    parser.add_argument('--repeat', type=int, default=7,
        help="runs per timing; the median is reported (default: %(default)s)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database at the end (to look at it, or --reuse it)")
    parser.add_argument('--reuse', action='store_true',
        help="use the database kept by an earlier --keep run as it is")
    return parser


def parse_arguments(parser):
    "Parse the options; refuse to measure with asserts on"
    options = parser.parse_args()
    if not sys.flags.optimize:
        parser.exit(2, "Run with PYTHONOPTIMIZE=1 (python -O): with asserts "
            "on, Tryton's search and browse are quadratic.\n")
    if not urllib.parse.urlparse(options.uri).scheme.startswith('postgresql'):
        parser.error(f"--uri must be a PostgreSQL URI, not {options.uri!r}")
    return options


def positive(text):
    "An argparse type: a positive integer, 1_000_000 and 1e6 accepted"
    value = int(float(text.replace('_', '')))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def data_path(database):
    return Path('/tmp') / 'onestop-bench' / database


def configure(database, uri):
    "Point trytond at the benchmark database (before importing trytond)"
    os.environ['ONESTOP_HOME'] = str(ROOT)
    os.environ['ONESTOP_DATABASE'] = database
    os.environ['TRYTOND_CONFIG'] = str(ROOT / 'trytond.conf')
    os.environ['TRYTOND_DATABASE_URI'] = uri
    os.environ['TRYTOND_DATABASE__URI'] = uri
    os.environ['TRYTOND_DATABASE__PATH'] = str(data_path(database))


def server_uri(uri):
    "The URI of the server's maintenance database"
    parts = urllib.parse.urlparse(uri)
    query = f'?{parts.query}' if parts.query else ''
    return f'{parts.scheme}://{parts.netloc}/postgres{query}'


def database_exists(database, uri):
    import psycopg
    with psycopg.connect(server_uri(uri), autocommit=True) as connection:
        return bool(connection.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (database,)).fetchone())


def drop_database(database, uri):
    "Drop the database and its data folder"
    import shutil

    import psycopg
    if 'trytond.backend' in sys.modules:
        # close this process's connections first (FORCE would cut them)
        from trytond import backend
        if pool := backend.Database._databases[os.getpid()].get(database):
            pool.close()
    with psycopg.connect(server_uri(uri), autocommit=True) as connection:
        connection.execute(
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    shutil.rmtree(data_path(database), ignore_errors=True)


def create_database(database, uri):
    """A new database with the modules activated by `onestop setup`, as an
    administrator does it; returns the seconds it took"""
    drop_database(database, uri)
    env = os.environ.copy()
    env.update({
            'ONESTOP_HOME': str(ROOT),
            'ONESTOP_DATABASE': database,
            'TRYTOND_DATABASE_URI': uri,
            'TRYTOND_DATABASE__PATH': str(data_path(database)),
            })
    start = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / 'onestop'), 'setup'],
        env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"onestop setup failed:\n{result.stderr or result.stdout}")
    return time.perf_counter() - start


def prepare(options, populate):
    """Open the benchmark database: the one kept by an earlier run
    (--reuse), or a new one set up by `onestop setup` and filled by
    populate(options); returns the steps of the generation and their time"""
    steps = []
    if options.reuse:
        if not database_exists(options.database, options.uri):
            sys.exit(f"--reuse: there is no database {options.database!r}; "
                "run once with --keep first.")
        start_pool(options.database)
    else:
        progress("onestop setup (activating the modules)...")
        seconds = create_database(options.database, options.uri)
        steps.append(("onestop setup", f"{seconds:.0f} s"))
        start_pool(options.database)
        steps.extend(populate(options))
    return steps


def finish(options):
    "Keep the database for --reuse, or drop it"
    if options.keep:
        print(f"\nKept the database {options.database!r} (--reuse "
            "measures it again without generating).")
    else:
        drop_database(options.database, options.uri)


def vnd():
    "The Vietnamese đồng, created when the database has no VND yet"
    from trytond.pool import Pool
    Currency = Pool().get('currency.currency')
    currency, = Currency.search([('code', '=', 'VND')]) or Currency.create([{
                'name': "Việt Nam Đồng", 'code': 'VND', 'symbol': '₫',
                'digits': 0, 'rounding': Decimal(1)}])
    return currency


def start_pool(database):
    "The pool of the benchmark database, initialised once per process"
    from trytond.pool import Pool
    pool = Pool(database)
    pool.init()
    return pool


@contextmanager
def transaction(database, user=0, context=None, commit=True,
        readonly=False):
    """A Tryton transaction that is committed, or rolled back when
    commit=False (to time a statement that writes, several times)"""
    from trytond.transaction import Transaction
    current = Transaction().start(
        database, user, readonly=readonly, context=context)
    committed = False
    try:
        yield current
        committed = commit
    finally:
        current.stop(committed)


def rpc_call(database, user, context, function):
    """Call function in a transaction as trytond's RPC dispatcher does:
    when the database reports a conflict (serialization failure, lock
    timeout) roll back and call again, up to [database] retry times.
    Returns (result, retries)."""
    from trytond import backend
    from trytond.config import config
    retry = config.getint('database', 'retry')
    for count in range(retry + 1):
        if count:
            time.sleep(0.02 * count)
        with transaction(database, user, context) as current:
            try:
                return function(), count
            except backend.DatabaseOperationalError:
                if count == retry:
                    raise
                current.rollback()


def run_in_processes(function, shares, database, uri):
    """Run function(share, ready) in one process per share, as server
    workers: each has its own pool, warms up, calls ready() and waits for
    the others, then works. Returns the dicts the functions return, each
    with 'start' and 'end' (time.monotonic, comparable across processes)."""
    import multiprocessing
    import queue
    context = multiprocessing.get_context('spawn')
    barrier, results = context.Barrier(len(shares)), context.Queue()
    processes = [context.Process(target=_process, args=(
                function, share, database, uri, barrier, results))
        for share in shares]
    for process in processes:
        process.start()
    done = []
    while len(done) < len(processes):
        try:
            done.append(results.get(timeout=10))
        except queue.Empty:
            if any(p.exitcode for p in processes):
                barrier.abort()
                sys.exit("A benchmark process failed (see above).")
    for process in processes:
        process.join()
    return done


def _process(function, share, database, uri, barrier, results):
    configure(database, uri)
    start_pool(database)
    times = {}

    def ready():
        barrier.wait()
        times['start'] = time.monotonic()
    result = function(share, ready)
    results.put({**result, **times, 'end': time.monotonic()})


class Timing:
    "The runs of one measurement, in seconds"

    def __init__(self, runs, result=None):
        self.runs = runs
        self.result = result

    @property
    def median(self):
        return statistics.median(self.runs)

    def cells(self):
        "median, min and max in milliseconds, for print_table"
        return ms(self.median), ms(min(self.runs)), ms(max(self.runs))


def measure(function, repeat=7, warmup=1, inner=False):
    """Call function warmup + repeat times; the Timing of the last repeat
    runs (warm caches, as in a running server) with the last result.
    inner=True: function times itself and returns (seconds, result), to
    leave out what should not count (starting a transaction, a rollback)."""
    runs, result = [], None
    for number in range(warmup + repeat):
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        if inner:
            seconds, result = result
        if number >= warmup:
            runs.append(seconds)
    return Timing(runs, result)


def compare(functions, repeat=7, warmup=1, inner=False):
    """measure() several functions, their runs interleaved so that all see
    the same caches and the same dead rows; {name: Timing}"""
    runs = {name: [] for name in functions}
    results = {}
    for number in range(warmup + repeat):
        for name, function in functions.items():
            timing = measure(function, repeat=1, warmup=0, inner=inner)
            results[name] = timing.result
            if number >= warmup:
                runs[name] += timing.runs
    return {name: Timing(runs[name], results[name]) for name in functions}


@contextmanager
def stopwatch():
    "Elapsed seconds of a block: `with stopwatch() as elapsed: ...; elapsed()`"
    start = time.perf_counter()
    end = None

    def elapsed():
        return (end or time.perf_counter()) - start
    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def ms(seconds):
    return f"{seconds * 1000:,.1f} ms"


def ratio(value, reference):
    return f"{value / reference:.2f}×" if reference else "n/a"


def print_table(title, header, rows):
    "A plain-text table: the first column left-aligned, the others right"
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row):
        return '  '.join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    print(f"\n{title}")
    print(line(cells[0]))
    print('  '.join('-' * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    sys.stdout.flush()


def progress(message):
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


class Statement(str):
    "An SQL statement as sent, parameters inlined, with its `seconds`"
    seconds = 0


@contextmanager
def captured_sql():
    """The SQL statements trytond runs in the block (a list of Statement),
    each timed from sending it to having all its rows"""
    from psycopg import ClientCursor
    from trytond.backend.postgresql import database
    original = database.LoggingCursor.execute
    statements = []

    def execute(self, query, params=None, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, query, params, **kwargs)
        finally:
            statement = Statement(
                ClientCursor(self.connection).mogrify(query, params))
            statement.seconds = time.perf_counter() - start
            statements.append(statement)
    database.LoggingCursor.execute = execute
    try:
        yield statements
    finally:
        database.LoggingCursor.execute = original


def explain(cursor, statement, params=None):
    """EXPLAIN ANALYZE of one statement, as text lines. The statement runs:
    call it in a transaction that is rolled back when it writes."""
    cursor.execute(
        'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ' + statement, params)
    return [line for line, in cursor.fetchall()]


def sequential_scans(plan, tables):
    "The tables of `tables` that a plan reads whole"
    return sorted({t for t in tables for line in plan
                if f'Seq Scan on {t} ' in line + ' '})


def print_plan(title, statement, plan):
    print(f"\n{title}")
    print('  SQL: ' + ' '.join(statement.split()))
    for line in plan:
        print('  ' + line)
    sys.stdout.flush()


@contextmanager
def bulk_load(cursor, tables):
    """Load large tables fast: drop their secondary indexes (rebuilt from
    their own definitions at the end) and skip foreign-key triggers for the
    session. The data generated must therefore be consistent by itself.
    Needs a superuser (session_replication_role)."""
    cursor.execute(
        'SELECT i.indexname, i.indexdef FROM pg_indexes i '
        'WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) '
        'AND NOT EXISTS (SELECT 1 FROM pg_constraint c '
        'WHERE c.conname = i.indexname)', (list(tables),))
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET work_mem = '256MB'")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    yield
    # not in a finally: after an error the transaction rolls back the drops
    cursor.execute("SET session_replication_role = DEFAULT")
    for _, definition in indexes:
        cursor.execute(definition)


def vacuum_analyze(uri, database, tables):
    """VACUUM ANALYZE as autovacuum would have done on a live database
    (statistics for the planner, visibility map for index-only scans)"""
    import psycopg
    parts = urllib.parse.urlparse(uri)
    query = f'?{parts.query}' if parts.query else ''
    with psycopg.connect(f'{parts.scheme}://{parts.netloc}/{database}{query}',
            autocommit=True) as connection:
        for table in tables:
            connection.execute(f'VACUUM (ANALYZE) "{table}"')


def show_plans(cursor, plans, tables, in_sequence=False):
    """Print EXPLAIN ANALYZE of each (title, statement, params), name the
    indexes the plans use, and warn when one reads a table of `tables`
    whole. Each statement runs in a savepoint rolled back at once, or, with
    in_sequence, after the effects of the ones before it (to replay what a
    job did); the caller's transaction must be rolled back after."""
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema()")
    definitions = dict(cursor.fetchall())
    used = {}
    for title, statement, params in plans:
        if not in_sequence:
            cursor.execute('SAVEPOINT explain')
        plan = explain(cursor, statement, params)
        if not in_sequence:
            cursor.execute('ROLLBACK TO SAVEPOINT explain')
        if params:
            from psycopg import ClientCursor
            statement = ClientCursor(cursor.connection).mogrify(
                statement, params)
        print_plan(title, statement, plan)
        for name, definition in definitions.items():
            if any(f' {name} ' in f'{line} ' for line in plan):
                used[name] = definition
        for table in sequential_scans(plan, tables):
            print(f"  WARNING: sequential scan of {table}: "
                "no index serves this statement.")
    if used:
        print("\n  Indexes in these plans:")
        for name, definition in sorted(used.items()):
            print(f"    {name}: ON {definition.split(' ON ', 1)[-1]}")
    sys.stdout.flush()


def load():
    "The load average, to tell a quiet machine from a busy one"
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def driver():
    "psycopg's implementation: 'python' is much slower than 'binary' or 'c'"
    import psycopg
    return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})"


def machine():
    "Cores and CPU model, for the report"
    cpu = platform.processor() or 'unknown CPU'
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()}"


def sql_summary(statements):
    """How many statements of each kind: {'UPDATE onestop_dossier': 1,
    'SELECT pg_notify()': 20, ...}"""
    import collections
    return collections.Counter(
        kind for kind, _ in map(_kind, statements))


def sql_timings(statements):
    """Count and time of the statements of each kind, the slowest first:
    [('UPDATE onestop_dossier', 1, 0.105), ...]"""
    kinds = {}
    for kind, seconds in map(_kind, statements):
        count, total = kinds.get(kind, (0, 0))
        kinds[kind] = (count + 1, total + seconds)
    return sorted(((k, c, s) for k, (c, s) in kinds.items()),
        key=lambda row: -row[2])


def _kind(statement):
    "The verb and the table (or function) of a statement, and its seconds"
    import re
    table = r'\s+"?([\w.-]+)\b"?(?!\s*\()'
    verb = (statement.split(None, 1) or ['(empty)'])[0].upper()
    match = (re.match(r'\s*UPDATE' + table, statement, re.I)
        if verb == 'UPDATE'
        else re.search(r'\b(?:FROM|INTO)' + table, statement, re.I))
    function = re.match(r'\s*\w+\s+(\w+)\(', statement)
    kind = (f'{verb} {match.group(1)}' if match
        else f'{verb} {function.group(1)}()' if function
        else ' '.join(statement.split()[:2]) or '(empty)')
    return kind, getattr(statement, 'seconds', 0)


def print_sql_summary(title, statements, total):
    "What a call spent in SQL, by kind of statement, and outside SQL"
    summary = sql_timings(statements)
    in_sql = sum(seconds for _, _, seconds in summary)
    print_table(f"{title}: {ms(total)}, {len(statements)} statements",
        ["statements", "count", "time"],
        [(kind, count, ms(seconds)) for kind, count, seconds in summary]
        + [("(outside SQL: Python, the ORM)", "", ms(max(0, total - in_sql)))])
