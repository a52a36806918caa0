#!/usr/bin/env python3
# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The portal's dossier lookup on PostgreSQL, against hand-written SQL:

    GET /portal/api/dossiers/CODE?verify=NNNN

served in-process by trytond's WSGI application (routing, transaction, rate
limit check, second factor, status and history as JSON: the server's time,
without the network), against the bare SQL lookup (the dossier by its code
with its procedure, then its log lines) on the same connection. Target: a
few milliseconds per lookup; the ratio to SQL is reported.

The dossiers are generated as bench_dossiers.py does (INSERT ... SELECT).

    PYTHONOPTIMIZE=1 .venv/bin/python bench/bench_portal.py
"""
import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TARGET = 0.005
LOOKUPS = 200


def get_parser():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dossiers', type=common.positive, default=200_000,
        help="dossiers generated with SQL (default: %(default)s)")
    parser.add_argument('--communes', type=common.positive, default=5,
        help="communes sharing the database (default: %(default)s)")
    parser.add_argument('--years', type=float, default=2,
        help="received dates spread over that many years (default: 2)")
    parser.add_argument('--lookups', type=common.positive, default=LOOKUPS,
        help="dossiers looked up per run (default: %(default)s)")
    return common.add_arguments(parser, 'bench_portal')


def main():
    options = common.parse_arguments(get_parser())
    common.configure(options.database, options.uri)
    # the portal serves the database of [onestop] database
    os.environ['TRYTOND_ONESTOP__DATABASE'] = options.database
    import bench_dossiers
    print(f"Database {options.database!r} on {options.uri}: "
        f"{options.dossiers:,} dossiers, {options.communes} communes; "
        f"Python {sys.version.split()[0]} -O")
    print(f"Machine: {common.machine()}; {common.driver()}; "
        f"{common.load()}", flush=True)
    steps = common.prepare(options, bench_dossiers.populate)
    try:
        results = bench_lookup(options)
        if steps:
            common.print_table("Data generation", ["step", "time"], steps)
        print(f"\nAt the end: {common.load()}")
        common.print_table(f"Summary ({common.machine()}; {common.driver()})",
            ["measurement", "portal", "SQL", "ratio", "target", "met"],
            [results])
    finally:
        common.finish(options)


def sample(options):
    "Random dossiers: code and the last 4 digits of the phone"
    with common.transaction(options.database, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT code, applicant_phone FROM onestop_dossier '
            'WHERE applicant_phone IS NOT NULL ORDER BY random() LIMIT %s',
            (options.lookups,))
        return [(code, phone[-4:]) for code, phone in cursor.fetchall()]


SQL_DOSSIER = (
    'SELECT d.id, d.code, p.code, d.state, d.received_at, d.due_at, '
    'd.new_due_at, d.finished_at, d.returned_at, d.timeliness, '
    'd.applicant_phone, d.applicant_id_number '
    'FROM onestop_dossier d JOIN onestop_procedure p ON p.id = d.procedure '
    'WHERE d.code = %s')
SQL_LOG = ('SELECT date, action, to_state FROM onestop_dossier_log '
    'WHERE dossier = %s ORDER BY date, id')


def bench_lookup(options):
    from werkzeug.test import Client

    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app

    dossiers = sample(options)
    random.Random(6).shuffle(dossiers)
    client = Client(app, Response)

    def portal():
        start = time.perf_counter()
        for code, verify in dossiers:
            response = client.get(
                f'/portal/api/dossiers/{code}?verify={verify}')
            assert response.status_code == 200, response.text
        return (time.perf_counter() - start) / len(dossiers), response.json

    def bare_sql():
        with common.transaction(options.database, readonly=True) as t:
            cursor = t.connection.cursor()
            start = time.perf_counter()
            for code, verify in dossiers:
                cursor.execute(SQL_DOSSIER, (code,))
                row = cursor.fetchone()
                cursor.execute(SQL_LOG, (row[0],))
                history = cursor.fetchall()
            return (time.perf_counter() - start) / len(dossiers), history

    common.progress(f"{len(dossiers)} lookups per run, "
        f"{options.repeat} runs...")
    timings = common.compare({'portal': portal, 'sql': bare_sql},
        repeat=options.repeat, inner=True)
    api, sql = timings['portal'], timings['sql']
    common.print_table(f"Dossier lookup, per dossier ({len(dossiers)} "
        "dossiers per run; median, min, max of the runs)",
        ["", "median", "min", "max"], [
            ["GET /portal/api/dossiers/CODE", *api.cells()],
            ["bare SQL (dossier + log lines)", *sql.cells()]])
    example = api.result
    print(f"\n  e.g. {example['code']}: {example['state']}, "
        f"{len(example['history'])} history lines")
    with common.captured_sql() as statements:
        code, verify = dossiers[0]
        client.get(f'/portal/api/dossiers/{code}?verify={verify}')
    print("\n  SQL of one lookup: " + ', '.join(
            f'{n} × {s}' for s, n in sorted(
                common.sql_summary(
                    [s for s in statements if s.strip()]).items())))
    return [f"dossier lookup (API, {len(dossiers)} dossiers)",
        common.ms(api.median), common.ms(sql.median),
        common.ratio(api.median, sql.median), common.ms(TARGET),
        "yes" if api.median <= TARGET else "NO"]


if __name__ == '__main__':
    main()
