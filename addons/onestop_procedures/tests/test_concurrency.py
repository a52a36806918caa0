# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Parallel intake never gives two dossiers the same code.

Transactions run in REPEATABLE READ: a colliding intake fails to serialise
and is run again, as trytond does for every request ([database] retry)."""
import datetime as dt
import threading
import unittest

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction

from .tools import create_commune

THREADS = 20
RETRIES = 50


@unittest.skipUnless(backend.name == 'postgresql',
    "parallel transactions need a database server")
class DossierCodeConcurrencyTestCase(RouteTestCase):
    "Dossier codes under parallel intake"
    module = 'onestop_procedures'

    @classmethod
    def setUpDatabase(cls):
        cls.company_id = create_commune().id

    def test_parallel_codes(self):
        "Twenty intakes at once get twenty consecutive numbers"
        received_at = dt.datetime(2026, 3, 2, 2)
        codes, errors = [], []
        barrier = threading.Barrier(THREADS)

        def intake():
            barrier.wait()
            for _ in range(RETRIES):
                try:
                    with Transaction().start(DB_NAME, 0) as transaction:
                        Dossier = Pool(DB_NAME).get('onestop.dossier')
                        code = Dossier.new_code(self.company_id, received_at)
                        transaction.commit()
                    codes.append(code)
                    return
                except backend.DatabaseOperationalError:
                    continue
                except Exception as exception:
                    errors.append(exception)
                    return
            errors.append('no code after %s attempts' % RETRIES)

        threads = [threading.Thread(target=intake) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(
            sorted(int(c[-4:]) for c in codes), list(range(1, THREADS + 1)))
        self.assertEqual(len(set(codes)), THREADS)
