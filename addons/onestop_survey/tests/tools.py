# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"Helpers shared by the survey tests"
from unittest.mock import patch

from trytond.pool import Pool

from onestop_procedures import dossier as dossier_module
from onestop_procedures.tests.tools import (
    create_citizen, create_dossier, create_procedure)

# the modules whose Vietnamese the survey's pages and slips print
MODULES = ('onestop_procedures', 'onestop_survey')

from .. import followup as followup_module
from .. import invitation as invitation_module
from .. import kiosk as kiosk_module


def frozen(moment):
    "Run the survey and the dossier clocks at moment (UTC)"
    class Clock:
        def __enter__(self):
            self.patches = [patch.object(m, 'utc_now', return_value=moment)
                for m in [dossier_module, invitation_module,
                    followup_module, kiosk_module]]
            for p in self.patches:
                p.start()

        def __exit__(self, *args):
            for p in self.patches:
                p.stop()
    return Clock()


def returned_dossier(procedure=None, applicant=None, **values):
    "A dossier taken from intake to the return of its result"
    Dossier = Pool().get('onestop.dossier')
    dossier = create_dossier(procedure or create_procedure(),
        applicant or create_citizen(), **values)
    Dossier.receive([dossier])
    Dossier.assign([dossier])
    Dossier.approve([dossier])
    Dossier.return_result([dossier])
    return dossier


def create_kiosk(company, users, name="Quầy số 1"):
    Kiosk = Pool().get('onestop.survey.kiosk')
    kiosk = Kiosk(company=company, name=name, officers=users)
    kiosk.save()
    return kiosk


def answer_online(invitation, rating, channel='qr', **others):
    "Answer the full questionnaire: the overall rating and others by code"
    Survey = Pool().get('onestop.survey')
    survey = Survey.for_channel(invitation.company, 'online')
    values = {}
    for question in survey.questions:
        if question.overall:
            values[question.id] = rating
        elif question.code in others:
            values[question.id] = others[question.code]
    return invitation.answer(survey, channel, values)


def public_client(address='198.51.100.1', client=None):
    """A browser of the public pages, from address, on the test database
    (citizens' URLs carry no database name); its forms post back the
    portal's CSRF token"""
    from werkzeug.test import Client

    from trytond import config
    from trytond.protocols.wrappers import Response
    from trytond.tests.test_tryton import DB_NAME
    from trytond.wsgi import app

    from onestop_procedures import portal

    if client is None:
        if not config.has_section('onestop'):
            config.add_section('onestop')
        config.set('onestop', 'database', DB_NAME)
        client = Client(app, Response)
    open_ = client.open

    def csrf_token():
        if not client.get_cookie(portal.CSRF_COOKIE, path='/'):
            client.get('/portal/')
        return client.get_cookie(portal.CSRF_COOKIE, path='/').value

    def open_from(*args, **kwargs):
        kwargs.setdefault('environ_base', {'REMOTE_ADDR': address})
        if isinstance(kwargs.get('data'), dict):
            kwargs['data'] = {portal.CSRF_FIELD: csrf_token(), **kwargs['data']}
        return open_(*args, **kwargs)
    client.open = open_from
    return client


def setup_survey(config):
    "Scenario set-up: the commune, its officers and a procedure"
    import datetime as dt

    from proteus import Model

    from onestop_procedures.tests.tools import setup_commune
    setup_commune(config)
    Field = Model.get('onestop.procedure.field', config=config)
    Procedure = Model.get('onestop.procedure', config=config)
    field = Field(code='HT', name="Hộ tịch")
    field.save()
    procedure = Procedure(code='1.004873',
        name="Cấp Giấy xác nhận tình trạng hôn nhân", field=field,
        processing_time=3, processing_unit='day',
        effective_date=dt.date(2025, 7, 1))
    procedure.documents.new(name="Tờ khai", mandatory=True)
    procedure.save()


def scenario_return(procedure, name, citizen_id, config):
    """A citizen's dossier taken from intake to the return of its result:
    the officer receives and returns it, the leader signs it"""
    import datetime as dt

    from proteus import Model

    from trytond.tests.tools import set_user
    User = Model.get('res.user', config=config)
    officer, = User.find([('login', '=', 'tiepnhan')])
    leader, = User.find([('login', '=', 'lanhdao')])
    set_user(officer, config=config)
    Party = Model.get('party.party', config=config)
    Dossier = Model.get('onestop.dossier', config=config)
    citizen = Party(name=name, birth_date=dt.date(1990, 1, 1),
        gender='female')
    citizen.identifiers.new(type='vn_cccd', code=citizen_id)
    citizen.save()
    dossier = Dossier(procedure=procedure, applicant=citizen)
    dossier.components[0].received = True
    dossier.save()
    dossier.click('receive')
    dossier.click('assign')
    set_user(leader, config=config)
    dossier = Dossier(dossier.id)
    dossier.click('approve')
    set_user(officer, config=config)
    dossier = Dossier(dossier.id)
    dossier.click('return_result')
    return dossier
