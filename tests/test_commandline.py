# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Wrong configuration stops the onestop command with one line and the fix"
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONESTOP = Path(sys.executable).parent / 'onestop'


class CommandLineTestCase(unittest.TestCase):
    "The administrator's command"

    def run_onestop(self, *args, **env):
        environ = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_'))}
        environ['ONESTOP_HOME'] = str(ROOT)
        environ.update(env)
        return subprocess.run([str(ONESTOP), *args], env=environ,
            capture_output=True, text=True, timeout=120)

    def assertOneLine(self, result, *words):
        self.assertNotEqual(result.returncode, 0)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertNotIn('Traceback', result.stderr)
        for word in words:
            self.assertIn(word, lines[0])

    def test_wrong_uri(self):
        "A database URI of another kind is refused with the accepted ones"
        result = self.run_onestop('setup',
            TRYTOND_DATABASE_URI='mysql://root@localhost/')
        self.assertOneLine(result, 'sqlite://', 'postgresql://')

    def test_unreachable_database(self):
        "An unreachable PostgreSQL server is named with the fix"
        result = self.run_onestop('setup',
            TRYTOND_DATABASE_URI='postgresql://nobody@127.0.0.1:9/')
        self.assertOneLine(result, 'PostgreSQL', 'TRYTOND_DATABASE_URI')

    def test_missing_configuration(self):
        "Run outside the repository, the command says where to run it"
        with tempfile.TemporaryDirectory() as folder:
            result = self.run_onestop('setup', ONESTOP_HOME=folder)
        self.assertOneLine(result, 'trytond.conf', 'ONESTOP_HOME')

    def test_missing_web_client(self):
        "Serving without the web client says how to install it"
        with tempfile.TemporaryDirectory() as folder:
            result = self.run_onestop('serve',
                TRYTOND_WEB__ROOT=folder)
        self.assertOneLine(result, 'make install')
