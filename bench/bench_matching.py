#!/usr/bin/env python3
# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Matching bank lines to dossiers, set-based, on PostgreSQL

    .venv/bin/python bench/bench_matching.py [--dossiers 1000000]
        [--lines 100000] [--database bench_matching] [--reuse]

Creates (or, with --reuse, keeps) a PostgreSQL database with
onestop_payments activated, loads the dossiers (one fee line each) and the
pending bank lines with plain SQL, then times:

- the bare SQL join of the pending lines to the dossiers on their
  reference, the floor any matching pays;
- the set-based pass of BankLine.classify(): references and cut
  references, candidates counted per line, amounts due and paid, duplicates
  in the pass, one UPDATE of every line (rolled back after);
- for scale, settling the payments of 1 000 matched lines through the ORM.

The database is reached at TRYTOND_DATABASE_URI (default postgresql:///).
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'addons'))

# lines of each kind out of 100, the rest being exact matches
UNDERPAID, CUT, UNKNOWN, DUPLICATE = 5, 5, 5, 5
FEE = 8000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dossiers', type=int, default=1_000_000)
    parser.add_argument('--lines', type=int, default=100_000)
    parser.add_argument('--database', default='bench_matching')
    parser.add_argument('--reuse', action='store_true',
        help="keep the database and data of an earlier run")
    return parser.parse_args()


def setup_environment(database):
    os.environ.setdefault('TRYTOND_DATABASE_URI', 'postgresql:///')
    os.environ['DB_NAME'] = database
    os.environ.setdefault('PYTHONOPTIMIZE', '1')
    if not os.environ['TRYTOND_DATABASE_URI'].startswith('postgresql'):
        sys.exit("The benchmark needs PostgreSQL (TRYTOND_DATABASE_URI).")


def create_database(database):
    from trytond.tests.test_tryton import activate_module
    print(f"Creating {database} and activating onestop_payments...",
        flush=True)
    start = time.monotonic()
    activate_module(['onestop_payments'])
    print(f"  {time.monotonic() - start:.0f} s", flush=True)


def load(dossiers, lines):
    "The commune, the procedure and its fee, then bulk rows in SQL"
    from trytond.modules.company.tests import set_company
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    from onestop_payments.tests.tools import (
        create_citizen, create_fee, create_payment_commune, create_procedure)

    pool = Pool(DB_NAME)
    Journal = pool.get('account.payment.journal')
    company = create_payment_commune()
    with set_company(company):
        procedure = create_procedure()
        create_fee(procedure, FEE)
        citizen = create_citizen()
        journal = Journal.get_default(company, 'vietqr')
    cursor = Transaction().connection.cursor()
    start = time.monotonic()
    # 1 000 dossiers a day from 2023-01-01: codes and references unique
    cursor.execute("""
        INSERT INTO onestop_dossier (code, company, procedure, channel,
            applicant, applicant_name, sets, state, submitted_at,
            received_at, digitized, electronic_result, payment_reference,
            create_uid, create_date)
        SELECT '000.31.10999-' || to_char(day, 'YYMMDD') || '-'
                || lpad(number::text, 4, '0'),
            %s, %s, 'counter', %s, 'Nguyen Van An', 1, 'received',
            day, day, false, false,
            'HS' || to_char(day, 'YYMMDD') || lpad(number::text, 4, '0'),
            0, now()
        FROM (SELECT DATE '2023-01-01' + ((g - 1) / 1000)::int AS day,
                (g - 1) %% 1000 + 1 AS number
            FROM generate_series(1, %s) AS g) AS s""",
        (company.id, procedure.id, citizen.id, dossiers))
    fee, = procedure.fees
    cursor.execute("""
        INSERT INTO onestop_dossier_fee (dossier, fee, name, kind, unit,
            quantity, base_amount, amount, create_uid, create_date)
        SELECT id, %s, 'Le phi', 'charge', 'dossier', 1, %s, %s, 0, now()
        FROM onestop_dossier""", (fee.id, FEE, FEE))
    print(f"  {dossiers} dossiers and fee lines in "
        f"{time.monotonic() - start:.0f} s", flush=True)
    start = time.monotonic()
    # line g pays the dossier at a scattered position; a share of lines is
    # short, cut by the bank, unknown or a second transfer
    cursor.execute("""
        WITH numbered AS (
            SELECT g, (g * 7919) %% %(dossiers)s AS position,
                g %% 100 AS kind
            FROM generate_series(1, %(lines)s) AS g),
        target AS (
            -- a duplicate pays the dossier of the line 50 before it
            SELECT n.g, n.kind, d.payment_reference AS ref
            FROM numbered AS n
            JOIN onestop_dossier AS d
                ON d.id = (SELECT min(id) FROM onestop_dossier)
                    + CASE WHEN n.kind < %(duplicate)s AND n.g > 50
                        THEN ((n.g - 50) * 7919) %% %(dossiers)s
                        ELSE n.position END)
        INSERT INTO onestop_bank_line (company, journal, source,
            transaction_id, date, amount, description, reference,
            reference_low, reference_high, references_found, state,
            create_uid, create_date)
        SELECT %(company)s, %(journal)s, 'statement', 'FT' || g,
            DATE '2026-03-02',
            CASE WHEN kind BETWEEN %(duplicate)s AND %(underpaid)s
                THEN %(fee)s / 2 ELSE %(fee)s END,
            'MBVCB.' || g || '.' || ref || ' LE PHI',
            ref,
            CASE WHEN kind BETWEEN %(underpaid)s + 1 AND %(cut)s
                    THEN substr(ref, 1, 10) || '00'
                WHEN kind BETWEEN %(cut)s + 1 AND %(unknown)s
                    THEN 'HS991231' || lpad((g %% 10000)::text, 4, '0')
                ELSE ref END,
            CASE WHEN kind BETWEEN %(underpaid)s + 1 AND %(cut)s
                    THEN substr(ref, 1, 10) || '99'
                WHEN kind BETWEEN %(cut)s + 1 AND %(unknown)s
                    THEN 'HS991231' || lpad((g %% 10000)::text, 4, '0')
                ELSE ref END,
            1, 'pending', 0, now()
        FROM target""", {
            'dossiers': dossiers, 'lines': lines, 'company': company.id,
            'journal': journal.id, 'fee': FEE,
            'duplicate': DUPLICATE, 'underpaid': DUPLICATE + UNDERPAID - 1,
            'cut': DUPLICATE + UNDERPAID + CUT - 1,
            'unknown': DUPLICATE + UNDERPAID + CUT + UNKNOWN - 1})
    print(f"  {lines} bank lines in {time.monotonic() - start:.0f} s",
        flush=True)


def timed(function, runs=3):
    "The best of runs (warm caches), in seconds"
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def vacuum():
    "Clear the dead rows an earlier rolled-back pass left"
    import psycopg
    from trytond.tests.test_tryton import DB_NAME
    with psycopg.connect(dbname=DB_NAME, autocommit=True) as connection:
        connection.execute(
            'VACUUM ANALYZE onestop_bank_line, onestop_dossier')


def bench(dossiers, lines):
    from sql import Null

    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT count(*) FROM onestop_dossier')
        loaded, = cursor.fetchone()
        if loaded < dossiers:
            load(dossiers, lines)
            transaction.commit()
    vacuum()
    pool = Pool(DB_NAME)
    BankLine = pool.get('onestop.bank.line')
    Dossier = pool.get('onestop.dossier')
    results = {'join': [], 'classify': [], 'touch': []}
    for _ in range(3):
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute("SELECT count(*) FROM onestop_bank_line "
                "WHERE state = 'pending'")
            pending, = cursor.fetchone()
            cursor.execute('SELECT count(*) FROM onestop_dossier')
            loaded, = cursor.fetchone()
            cursor.execute('SET LOCAL jit = off')
            start = time.perf_counter()
            cursor.execute("""
                SELECT l.id, d.id
                FROM onestop_bank_line AS l
                JOIN onestop_dossier AS d
                    ON d.company = l.company
                    AND d.payment_reference = l.reference_low
                WHERE l.state = 'pending'""")
            joined = len(cursor.fetchall())
            results['join'].append(time.perf_counter() - start)
            # the pass of BankLine.classify(), its two statements timed
            line = BankLine.__table__()
            classified = BankLine.classify_query()
            start = time.perf_counter()
            cursor.execute(*line.update(
                    [line.dossier, line.state, line.reason],
                    [classified.dossier, classified.state,
                        classified.reason],
                    from_=[classified], where=line.id == classified.line))
            results['classify'].append(time.perf_counter() - start)
            start = time.perf_counter()
            Dossier.touch_payments(line.select(line.dossier,
                    where=(line.state == 'matched') & (line.payment == Null)))
            results['touch'].append(time.perf_counter() - start)
            transaction.rollback()
        vacuum()
    with Transaction().start(DB_NAME, 0) as transaction:
        cursor = transaction.connection.cursor()
        BankLine.classify()
        cursor.execute("SELECT state, reason, count(*) "
            "FROM onestop_bank_line GROUP BY state, reason ORDER BY 1, 2")
        outcome = cursor.fetchall()
        cursor.execute("SELECT id FROM onestop_bank_line "
            "WHERE state = 'matched' ORDER BY id LIMIT 1000")
        sample = BankLine.browse([i for i, in cursor])
        start = time.perf_counter()
        # e-receipts are numbered after commit, as for notifications
        with transaction.set_context(receipt_later=True):
            BankLine.settle(sample)
        settle_time = time.perf_counter() - start
        transaction.rollback()
    vacuum()

    join_time = min(results['join'])
    classify_time = min(results['classify'])
    touch_time = min(results['touch'])
    print()
    print(f"{pending} pending bank lines against {loaded} dossiers "
        "(PostgreSQL, best of 3)")
    print(f"  bare SQL join on the reference:  {join_time:8.3f} s "
        f"({joined} rows)")
    print(f"  set-based classification UPDATE: {classify_time:8.3f} s "
        f"(ratio {classify_time / join_time:.1f})")
    print(f"  + locking the matched dossiers:  {touch_time:8.3f} s "
        f"(ratio of the whole pass "
        f"{(classify_time + touch_time) / join_time:.1f})")
    for state, reason, count in outcome:
        print(f"      {state:8} {reason or '':10} {count:8}")
    print(f"  settling 1 000 matched lines (ORM payments): "
        f"{settle_time:.1f} s")


def main():
    args = parse_args()
    setup_environment(args.database)
    if not args.reuse:
        create_database(args.database)
    else:
        from trytond.tests.test_tryton import db_exist
        if not db_exist():
            create_database(args.database)
    bench(args.dossiers, args.lines)


if __name__ == '__main__':
    main()
