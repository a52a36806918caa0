# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The product boots the way the README says: onestop demo, then trytond's
WSGI application under gunicorn, serving the back office (sao)"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class ServerTestCase(unittest.TestCase):
    "Set up the demo database and serve it as in production"

    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.mkdtemp(prefix='onestop-server-')
        cls.database = f'onestop_server_{os.getpid()}'
        cls.env = dict(os.environ,
            ONESTOP_HOME=str(ROOT), ONESTOP_DATABASE=cls.database,
            TRYTOND_DATABASE__PATH=cls.data)
        for key in ['DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG']:
            cls.env.pop(key, None)
        demo = subprocess.run([str(BIN / 'onestop'), 'demo'], env=cls.env,
            capture_output=True, text=True, cwd=ROOT)
        if demo.returncode:
            raise AssertionError(demo.stderr[-2000:])
        cls.demo_output = demo.stdout
        cls.port = free_port()
        env = dict(cls.env, TRYTOND_CONFIG=str(ROOT / 'trytond.conf'),
            TRYTOND_DATABASE_NAMES=cls.database,
            TRYTOND_WEB__ROOT=str(ROOT / 'var' / 'sao' / 'package'),
            TRYTOND_DATABASE__URI=cls.env.get(
                'TRYTOND_DATABASE_URI', 'sqlite://'),
            PYTHONOPTIMIZE='1')
        cls.server = subprocess.Popen([str(BIN / 'gunicorn'), '--preload',
                '-w', '2', '--worker-class', 'gthread', '--threads', '4',
                '-b', f'127.0.0.1:{cls.port}', 'trytond.application:app'],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(('127.0.0.1', cls.port), 1).close()
                break
            except OSError:
                if cls.server.poll() is not None:
                    raise AssertionError(cls.server.stderr.read().decode())
                time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(30)
        cls.server.stderr.close()
        shutil.rmtree(cls.data, ignore_errors=True)
        uri = cls.env.get('TRYTOND_DATABASE_URI', '')
        if uri.startswith('postgresql'):
            import psycopg

            from tests.run import server_uri
            with psycopg.connect(server_uri(uri),
                    autocommit=True) as connection:
                connection.execute(
                    f'DROP DATABASE IF EXISTS "{cls.database}" WITH (FORCE)')

    def url(self, path):
        return f'http://127.0.0.1:{self.port}{path}'

    def rpc(self, path, method, params):
        request = urllib.request.Request(self.url(path),
            data=json.dumps({'id': 1, 'method': method,
                    'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def test_demo_logins_printed(self):
        "The demo prints a login per role"
        for login in ['admin', 'tiepnhan', 'chuyenvien', 'lanhdao',
                'ketoan', 'baocao', 'quantri']:
            self.assertIn(login, self.demo_output)

    def test_back_office_page(self):
        "The sao login page and its Vietnamese strings are served"
        with urllib.request.urlopen(self.url('/'), timeout=30) as response:
            self.assertEqual(response.status, 200)
            self.assertIn(b'tryton-sao', response.read())
        with urllib.request.urlopen(
                self.url('/locale/vi.json'), timeout=30) as response:
            strings = json.load(response)
        self.assertEqual(strings['Login'][1], 'Đăng nhập')

    def officer_call(self, method, params):
        "A call of the demo officer, logged in over JSON-RPC"
        result = self.rpc(f'/{self.database}/rpc/', 'common.db.login',
            ['tiepnhan', {'password': 'GiaLoc@TiepNhan1'}, 'vi'])
        self.assertNotIn('error', result)
        user_id, session = result['result'][:2]
        self.assertTrue(session)
        request = urllib.request.Request(
            self.url(f'/{self.database}/rpc/'),
            data=json.dumps({'id': 2, 'method': method,
                    'params': params}).encode(),
            headers={'Content-Type': 'application/json',
                'Authorization': 'Session ' + base64.b64encode(
                    f'tiepnhan:{user_id}:{session}'.encode()).decode()})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)['result']

    def test_officer_logs_in(self):
        "A demo officer logs in over JSON-RPC and sees her commune"
        preferences = self.officer_call(
            'model.res.user.get_preferences', [True, {}])
        self.assertEqual(preferences['language'], 'vi')

    def test_data_in_vietnamese(self):
        "The records the modules ship read in Vietnamese, noupdate ones too"
        exemptions = self.officer_call(
            'model.onestop.fee.exemption.search_read',
            [[('code', '=', 'HN')], 0, None, None, ['name'],
                {'language': 'vi'}])
        self.assertEqual([e['name'] for e in exemptions], ["Hộ nghèo"])

    def test_wrong_password_refused(self):
        "A wrong password is refused"
        with self.assertRaises(urllib.error.HTTPError) as context:
            self.rpc(f'/{self.database}/rpc/', 'common.db.login',
                ['tiepnhan', {'password': 'wrong'}, 'vi'])
        self.assertEqual(context.exception.code, 401)
