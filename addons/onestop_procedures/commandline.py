# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""The administrator's command: onestop setup | demo | serve | import-...

Paths come from ONESTOP_HOME (default: the current folder): trytond.conf,
var/db (SQLite files and attachments) and var/sao/package (the web client).
The database is ONESTOP_DATABASE (default onestop) on TRYTOND_DATABASE_URI
(default sqlite://)."""
import argparse
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

MODULES = ['onestop_procedures', 'onestop_payments', 'onestop_survey']


class SetupError(Exception):
    "A configuration problem explained in one line, with its fix"


def environment():
    "Point trytond at the product's folders (before trytond is imported)"
    home = Path(os.environ.get('ONESTOP_HOME', os.getcwd())).resolve()
    config = home / 'trytond.conf'
    if not config.exists():
        raise SetupError(
            f"{config} is missing: run onestop from the repository folder "
            "or set ONESTOP_HOME to it.")
    uri = os.environ.setdefault('TRYTOND_DATABASE_URI', 'sqlite://')
    os.environ['TRYTOND_DATABASE__URI'] = uri
    os.environ.setdefault('TRYTOND_DATABASE__PATH', str(home / 'var' / 'db'))
    os.environ.setdefault(
        'TRYTOND_WEB__ROOT', str(home / 'var' / 'sao' / 'package'))
    os.environ['TRYTOND_CONFIG'] = str(config)
    name = os.environ.get('ONESTOP_DATABASE', 'onestop')
    # the database the public portal serves
    os.environ.setdefault('TRYTOND_ONESTOP__DATABASE', name)
    return home, name, uri


def prepare_database(name, uri):
    "Create the empty database if needed; explain what is wrong if it can't"
    scheme = urllib.parse.urlparse(uri).scheme
    if scheme == 'sqlite':
        path = Path(os.environ['TRYTOND_DATABASE__PATH'])
        path.mkdir(parents=True, exist_ok=True)
        (path / f'{name}.sqlite').touch()
    elif scheme == 'postgresql':
        import psycopg
        parts = urllib.parse.urlparse(uri)
        server = f'{parts.scheme}://{parts.netloc}/postgres'
        try:
            with psycopg.connect(server, autocommit=True,
                    connect_timeout=5) as connection:
                exists = connection.execute(
                    'SELECT 1 FROM pg_database WHERE datname = %s',
                    (name,)).fetchone()
                if not exists:
                    connection.execute(
                        f'CREATE DATABASE "{name}" ENCODING \'UTF8\' '
                        'TEMPLATE template0')
        except psycopg.Error as exception:
            reason = str(exception).strip().splitlines()[0]
            raise SetupError(
                f"cannot reach PostgreSQL at {parts.hostname or 'the local socket'}"
                f" ({reason}): start the server or fix TRYTOND_DATABASE_URI.")
    else:
        raise SetupError(
            f"unsupported database URI {uri!r}: use sqlite:// or "
            "postgresql://user:password@host:5432/")


def setup(name, uri, demo=False):
    "Create or upgrade the database, activate the modules, add Vietnamese"
    prepare_database(name, uri)
    env = os.environ.copy()
    if 'TRYTONPASSFILE' not in env:
        password_file = Path(env['TRYTOND_DATABASE__PATH']) / '.admin'
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if not password_file.exists():
            password_file.write_text(
                os.environ.get('ONESTOP_ADMIN_PASSWORD', 'admin-motcua'))
        env['TRYTONPASSFILE'] = str(password_file)
    admin = [script('trytond-admin'), '-d', name]
    run_admin(admin + ['-u', *MODULES, '--activate-dependencies',
            '--email', 'admin@localhost'], env)
    synchronize_translations(name)
    run_admin(admin + ['-u', *MODULES, '-l', 'vi'], env)
    if demo:
        from .demo import load
        return load(name)


def script(name):
    "A command installed beside this Python (the virtual environment's bin)"
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else shutil.which(name) or name


def run_admin(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise SetupError(
            f"activating the modules failed: {lines[-1] if lines else '?'}")


def synchronize_translations(name):
    """Make Vietnamese translatable and create its rows for every module,
    so that locale/override/vi.po can translate the core modules"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0):
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        vi, = Lang.search([('code', '=', 'vi')])
        Lang.write([vi], {'translatable': True})
        synchronize_wizards(vi)
        # the import of locale/vi.po does not fill the empty rows of the
        # records loaded with noupdate (fee exemptions, questionnaires):
        # it creates the rows it does not find
        Translation.delete(Translation.search([
                    ('lang', '=', 'vi'),
                    ('module', 'in', MODULES),
                    ('value', 'in', [None, '']),
                    ]))


def synchronize_wizards(lang):
    "Register the strings of views and reports, then the rows of lang"
    from trytond.pool import Pool
    pool = Pool()
    for wizard, state, data in [
            ('ir.translation.set', 'set_', {}),
            ('ir.translation.update', 'update',
                {'start': {'language': lang.id}}),
            ]:
        Wizard = pool.get(wizard, type='wizard')
        session_id, _, _ = Wizard.create()
        Wizard.execute(session_id, data, state)
        Wizard.delete(session_id)


def serve(name):
    "Start trytond's own server on the configured address"
    root = Path(os.environ['TRYTOND_WEB__ROOT'])
    if not (root / 'index.html').exists():
        raise SetupError(
            f"the web client is not installed in {root}: run make install "
            "(it needs Node.js 20 and npm).")
    command = [script('trytond'), '-d', name]
    os.execvpe(command[0], command, os.environ)


def import_procedures(name, procedures, documents=None, steps=None):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .procedure import import_catalogue
    Pool(name).init()
    with Transaction().start(name, 0, context={'language': 'vi'}):
        return import_catalogue(*(
                Path(f).read_bytes() if f else None
                for f in (procedures, documents, steps)))


def import_dossiers(name, filename, unit_code=None):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .dossier_import import import_dossiers as import_
    Pool(name).init()
    with Transaction().start(name, 0, context={'language': 'vi'}):
        Company = Pool().get('company.company')
        domain = [('unit_code', '=', unit_code)] if unit_code else []
        companies = Company.search(domain)
        if len(companies) != 1:
            raise SetupError(
                f"no commune with unit code {unit_code}" if unit_code else
                "several communes: name one with --commune UNIT_CODE")
        return import_(Path(filename).read_bytes(), companies[0])


def export_procedures(name, folder):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .procedure import export_catalogue
    Pool(name).init()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with Transaction().start(name, 0, readonly=True):
        Procedure = Pool().get('onestop.procedure')
        texts = export_catalogue(Procedure.search([('in_force', '=', True)]))
    for filename, text in zip(
            ['procedures.csv', 'documents.csv', 'steps.csv'], texts):
        (folder / filename).write_text(text, encoding='utf-8')
    return len(texts[0].splitlines()) - 1


def get_parser():
    parser = argparse.ArgumentParser(prog='onestop', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    commands.add_parser('setup',
        help="create or upgrade the database (keeps its data)")
    commands.add_parser('demo',
        help="setup, load the demo commune once, and print the logins")
    commands.add_parser('serve', help="start the server")
    commands.add_parser('report', add_help=False,
        help="print or export the leaders' reports (onestop report -h)")
    command = commands.add_parser('import-procedures',
        help="import the procedure catalogue from CSV")
    command.add_argument('procedures')
    command.add_argument('--documents')
    command.add_argument('--steps')
    command = commands.add_parser('import-dossiers',
        help="import historical dossiers from CSV (all rows or none)")
    command.add_argument('file')
    command.add_argument('--commune', metavar='UNIT_CODE',
        help="5-digit unit code of the commune (needed with several)")
    command = commands.add_parser('export-procedures',
        help="export the procedures in force as CSV files into a folder")
    command.add_argument('folder')
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ['report']:
        # statistics, scorecard, warning, assessment: see onestop report -h
        from .report_command import main as report
        return report(argv[1:])
    options = get_parser().parse_args(argv)
    try:
        _, name, uri = environment()
        if options.command == 'setup':
            setup(name, uri)
            print(f"Database {name!r} is ready.")
        elif options.command == 'demo':
            logins = setup(name, uri, demo=True)
            print(f"Database {name!r} is ready with the demo commune.")
            print("Demo logins (login / password / role):")
            for login, password, role in [('admin', os.environ.get(
                            'ONESTOP_ADMIN_PASSWORD', 'admin-motcua'),
                        "Administrator"), *logins]:
                print(f"  {login:<10} {password:<16} {role}")
        elif options.command == 'serve':
            serve(name)
        elif options.command == 'import-procedures':
            created, updated, unchanged = import_procedures(name,
                options.procedures, options.documents, options.steps)
            print(f"{created} created, {updated} updated, "
                f"{unchanged} unchanged.")
        elif options.command == 'import-dossiers':
            created, skipped = import_dossiers(
                name, options.file, options.commune)
            print(f"{created} dossiers imported, {skipped} already present.")
        elif options.command == 'export-procedures':
            count = export_procedures(name, options.folder)
            print(f"{count} procedures exported to {options.folder}.")
    except SetupError as exception:
        sys.exit(f"onestop: {exception}")
    except Exception as exception:
        from trytond.exceptions import UserError
        if isinstance(exception, UserError):
            sys.exit(f"onestop: {exception.message}")
        raise
