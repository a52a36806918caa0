# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Entry point of the onestop command.

It checks the database URI before anything imports trytond, whose backend
module is chosen from that URI at import time."""
import os
import sys
import urllib.parse

SCHEMES = {'sqlite', 'postgresql'}


def main(argv=None):
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    if urllib.parse.urlparse(uri).scheme not in SCHEMES:
        sys.exit(f"onestop: unsupported database URI {uri!r}: use sqlite:// "
            "or postgresql://user:password@host:5432/")
    from onestop_procedures.commandline import main
    return main(argv)
