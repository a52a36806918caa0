# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
# the portal's endpoints are attached to trytond's WSGI app on import
from . import routes, routes_account, routes_api, routes_dossier

__all__ = ['routes', 'routes_account', 'routes_api', 'routes_dossier']
from . import routes_statistics  # noqa: E402,F401 public figures (JSON)
