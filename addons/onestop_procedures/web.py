# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""What the citizen portal needs from the models: accounts, procedures found
with or without diacritics, dossiers tracked with a second factor, public
figures, and the rate limits of the public routes"""
import datetime as dt
import hmac
from urllib.parse import urlencode

from sql import Column, Literal, Null
from sql.aggregate import Count
from sql.conditionals import Coalesce

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PasswordError
from trytond.tools import escape_wildcard
from trytond.transaction import Transaction

from .dossier import OPEN_STATES, explain_step, utc_now
from .portal import RATE_LIMITS, fold, last_digits, portal_url
from .working_time import SAME_DAY

# the longest window of RATE_LIMITS: older attempts are deleted
ATTEMPT_RETENTION = dt.timedelta(days=1)


def search_text(code, name):
    "What a citizen may type to find a procedure"
    return fold(f'{code or ""} {name or ""}')


def selection_text(record, name):
    "The label of a selection value in the current language"
    selection = dict(record.fields_get([name])[name]['selection'])
    return selection.get(getattr(record, name), '')


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    def get_email_validation_url(self, url=None):
        if url is None and not config.get('web', 'email_validation_url'):
            url = portal_url('/portal/account/verify')
        return super().get_email_validation_url(url=url)

    def get_email_reset_password_url(self, url=None):
        # only the token: no e-mail address in URLs
        if url is None:
            url = config.get('web', 'reset_password_url',
                default=portal_url('/portal/account/password'))
        return f'{url}?{urlencode({"token": self.reset_password_token})}'

    def set_email_token(self, nbytes=None):
        # mailing the link again keeps the link already sent valid
        if not self.email_token:
            super().set_email_token(nbytes)

    @classmethod
    def portal_register(cls, email, password, name, citizen_id, birth_date,
            gender, phone, language):
        """Create the citizen's party and account, and mail the link that
        verifies the address; None when the address is taken"""
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        email = email.strip().lower()
        if cls.search([('email', '=', email)], limit=1):
            return None
        user = cls(email=email)
        try:
            User.validate_password(password, [user])
        except PasswordError as exception:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_portal_password_rule',
                    length=config.getint('password', 'length', default=8))
                ) from exception
        langs = Lang.search([('code', '=', language)], limit=1)
        party = Party(name=name.strip(), birth_date=birth_date,
            gender=gender, lang=langs[0] if langs else None,
            identifiers=[{'type': 'vn_cccd', 'code': citizen_id.strip()}],
            contact_mechanisms=[
                {'type': 'mobile', 'value': phone.strip()},
                {'type': 'email', 'value': email},
                ])
        party.save()
        user.party = party
        user.password = password
        user.save()
        cls.validate_email([user])
        return user

    @classmethod
    def portal_user_by_reset_token(cls, token):
        "The account whose password reset token this is, if still valid"
        if not token:
            return None
        users = cls.search([
                ('reset_password_token', '=', token),
                ('reset_password_token_expire', '>', dt.datetime.now()),
                ], limit=1)
        return users[0] if users else None

    def portal_dossier_domain(self):
        "The dossiers this account may see: filed by it or for its party"
        domain = ['OR', ('web_user', '=', self.id)]
        if self.party:
            domain.append(('applicant', '=', self.party.id))
        return domain


class Procedure(metaclass=PoolMeta):
    __name__ = 'onestop.procedure'

    search_text = fields.Char("Search Text", readonly=True,
        help="Code and name in lower case without diacritics.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.search_text, Index.Similarity())))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.code, table.name,
                where=table.search_text == Null))
        for id_, code, name in cursor.fetchall():
            cursor.execute(*table.update([table.search_text],
                    [search_text(code, name)], where=table.id == id_))

    @classmethod
    def on_modification(cls, mode, procedures, field_names=None):
        super().on_modification(mode, procedures, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and field_names & {'code', 'name'}):
            to_write = []
            for procedure in procedures:
                text = search_text(procedure.code, procedure.name)
                if procedure.search_text != text:
                    to_write.extend([[procedure], {'search_text': text}])
            if to_write:
                cls.write(*to_write)

    @classmethod
    def portal_domain(cls):
        "Procedures citizens see: published and in force"
        return [('published', '=', True), ('in_force', '=', True)]

    @classmethod
    def portal_search(cls, text='', field=None, limit=None):
        """Procedures whose code or name holds every word of text, with or
        without diacritics, names starting with the text first"""
        domain = cls.portal_domain()
        query = fold(text)
        for word in query.split():
            domain.append(
                ('search_text', 'like', f'%{escape_wildcard(word)}%'))
        if field:
            domain.append(('field.code', '=', field))
        procedures = cls.search(domain, limit=limit,
            order=[('name', 'ASC'), ('code', 'ASC')])
        if query:
            procedures.sort(key=lambda p: not fold(p.name).startswith(query))
        return procedures

    @classmethod
    def portal_get(cls, code):
        "The version of the procedure citizens see now, or None"
        procedures = cls.search(cls.portal_domain() + [('code', '=', code)],
            order=[('version', 'DESC')], limit=1)
        return procedures[0] if procedures else None

    @classmethod
    def portal_fields(cls):
        "The fields with their number of procedures citizens see"
        Field = Pool().get('onestop.procedure.field')
        procedure = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*procedure.select(
                procedure.field, Count(Literal(1)),
                where=procedure.id.in_(
                    cls.search(cls.portal_domain(), order=[], query=True)),
                group_by=[procedure.field]))
        counts = dict(cursor.fetchall())
        return [(f, counts[f.id]) for f in Field.browse(list(counts))]

    def portal_data(self):
        "What the portal and the API show of the procedure"
        from .portal import procedure_path
        path = procedure_path(self.code)
        return {
            'code': self.code,
            'name': self.name,
            'version': self.version,
            'field': {'code': self.field.code, 'name': self.field.name},
            'level': self.level,
            'processing_time': {
                'amount': (self.processing_time
                    if self.processing_unit != SAME_DAY else 0),
                'unit': self.processing_unit,
                'text': self.processing_time_text(),
                },
            'online_level': self.online_level,
            'online_level_text': selection_text(self, 'online_level'),
            'result': self.result,
            'legal_basis': self.legal_basis,
            'applicant_types': list(self.applicant_types or []),
            'supplement_rule': self.supplement_rule,
            'effective_date': self.effective_date.isoformat(),
            'documents': [{
                    'id': d.id,
                    'name': d.name,
                    'kind': d.kind,
                    'kind_text': selection_text(d, 'kind'),
                    'quantity': d.quantity,
                    'mandatory': bool(d.mandatory),
                    'template_url': (portal_url(f'{path}/forms/{d.id}')
                        if d.template_name else None),
                    } for d in self.documents],
            'steps': [{
                    'name': s.name,
                    'share': s.share,
                    'role': s.role,
                    'role_text': selection_text(s, 'role'),
                    } for s in self.steps],
            'url': portal_url(path),
            }

    def portal_appointment(self, company, received_at):
        """The Deadline a dossier received at (naive Vietnam time) would get
        in the commune, and its explanation in the current language"""
        Dossier = Pool().get('onestop.dossier')
        dossier = Dossier(company=company, procedure=self)
        deadline = dossier.deadline(dossier.utc(received_at))
        texts = [explain_step(step.as_dict(), dossier.timezone)
            for step in deadline.explanation]
        return deadline, texts

    def portal_sections(self):
        """Sections other modules add to the procedure page (fees, ...):
        a list of Markup, see portal.render_fragment"""
        return []


class Dossier(metaclass=PoolMeta):
    __name__ = 'onestop.dossier'

    web_user = fields.Many2One('web.user', "Filed by Account",
        readonly=True, ondelete='SET NULL',
        help="The portal account that filed the dossier online.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.web_user, Index.Equality()), where=t.web_user != Null))

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('web_user')
        return super().copy(dossiers, default=default)

    # what the status shows, read alone so that the lookup stays fast
    _portal_fields = ['code', 'company', 'procedure', 'channel', 'state',
        'submitted_at', 'received_at', 'due_at', 'new_due_at', 'finished_at',
        'returned_at', 'timeliness', 'due_explanation', 'supplement_items',
        'supplement_reason', 'supplement_requested_at', 'refusal_reason',
        'stop_reason', 'applicant_phone', 'applicant_id_number']

    @classmethod
    def portal_lookup(cls, code, verify):
        """The dossier with this code whose applicant's phone or citizen ID
        ends with verify, else None (the same answer for an unknown code).

        One query for the dossier, its procedure and its commune's time
        zone: the dossier gets only the values its status shows."""
        pool = Pool()
        Company = pool.get('company.company')
        Procedure = pool.get('onestop.procedure')
        if not code or len(code) > 64:
            return None
        dossier = cls.__table__()
        procedure = Procedure.__table__()
        company = Company.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*dossier
            .join(procedure, condition=dossier.procedure == procedure.id)
            .join(company, condition=dossier.company == company.id)
            .select(dossier.id,
                *(Column(dossier, name) for name in cls._portal_fields),
                procedure.code, procedure.name, company.timezone,
                where=dossier.code == code, limit=1))
        row = cursor.fetchone()
        if not row:
            return None
        values = dict(zip(['id'] + cls._portal_fields, row))
        procedure_code, procedure_name, timezone = row[-3:]
        values['company'] = Company(values['company'], timezone=timezone)
        values['procedure'] = Procedure(values['procedure'],
            code=procedure_code, name=procedure_name)
        dossier = cls(**values)
        return dossier if dossier.check_second_factor(verify) else None

    def check_second_factor(self, verify):
        verify = (verify or '').strip()
        if len(verify) != 4 or not verify.isdigit():
            return False
        # both compared in constant time: the answer time tells nothing
        matches = [hmac.compare_digest(verify, last_digits(v) or '----')
            for v in [self.applicant_phone, self.applicant_id_number]]
        return any(matches)

    @classmethod
    def portal_dossiers(cls, web_user):
        "The dossiers of the account, newest first"
        return cls.search(web_user.portal_dossier_domain(),
            order=[('submitted_at', 'DESC'), ('id', 'DESC')])

    def portal_owned_by(self, web_user):
        return bool(web_user) and bool(self.search([
                    ('id', '=', self.id),
                    web_user.portal_dossier_domain(),
                    ], limit=1, order=[]))

    def portal_history(self):
        "The status timeline: each action of the log, in Vietnam time"
        pool = Pool()
        Log = pool.get('onestop.dossier.log')
        actions = dict(Log.fields_get(['action'])['action']['selection'])
        states = dict(self.fields_get(['state'])['state']['selection'])
        log = Log.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*log.select(log.date, log.action, log.to_state,
                where=log.dossier == self.id,
                order_by=[log.date.asc, log.id.asc]))
        logs = [{'date': d, 'action': a, 'to_state': s}
            for d, a, s in cursor]
        history = []
        if (self.channel in {'online', 'postal'}
                and not any(log['action'] == 'register' for log in logs)):
            history.append({'date': self.local(self.submitted_at),
                    'action': 'register', 'action_text': actions['register'],
                    'state': 'draft', 'state_text': states['draft']})
        for log in logs:
            history.append({'date': self.local(log['date']),
                    'action': log['action'],
                    'action_text': actions.get(log['action'], log['action']),
                    'state': log['to_state'],
                    'state_text': states.get(log['to_state'], '')})
        return history

    def portal_status(self):
        """What a citizen sees of the dossier: no personal data, times in
        Vietnam time (naive datetimes)"""
        local = (lambda v: self.local(v) if v else None)
        explanation = self.get_due_explanation_text(None)
        return {
            'code': self.code,
            'procedure_code': self.procedure.code,
            'procedure_name': self.procedure.name,
            'channel': self.channel,
            'state': self.state,
            'state_text': self.state_string,
            'status_code': self.get_status_code(None),
            'submitted_at': local(self.submitted_at),
            'received_at': local(self.received_at),
            'due_at': local(self.appointment),
            'finished_at': local(self.finished_at),
            'returned_at': local(self.returned_at),
            'timeliness': self.timeliness,
            'timeliness_text': (selection_text(self, 'timeliness')
                if self.timeliness else None),
            'due_explanation': explanation.split('\n') if explanation else [],
            'supplement_items': (self.supplement_items
                if self.supplement_requested_at else None),
            'supplement_reason': (self.supplement_reason
                if self.supplement_requested_at else None),
            'supplement_requested_at': local(self.supplement_requested_at),
            'refusal_reason': (self.refusal_reason
                if self.state == 'refused' else None),
            'stop_reason': (self.stop_reason
                if self.state == 'stopped' else None),
            'history': self.portal_history(),
            }

    def portal_sections(self, web_user=None):
        """Sections other modules add to the dossier page (payment, survey):
        a list of Markup, see portal.render_fragment. web_user is the owner
        when logged in, None when the second factor was verified instead."""
        return []

    def portal_supplement(self, files):
        """The applicant sends the supplement online: files is a list of
        (component, name, data); the clock runs again"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Component = pool.get('onestop.dossier.component')
        if self.state != 'supplement':
            raise ValidationError(gettext(
                    'onestop_procedures.msg_portal_no_supplement',
                    dossier=self.rec_name))
        if not files:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_portal_supplement_files',
                    dossier=self.rec_name))
        components = {c.id: c for c in self.components}
        attachments = []
        for component, name, data in files:
            component = components[component.id]
            component.received = component.digitized = True
            attachments.append(Attachment(
                    resource=component, name=name, data=data))
        Component.save(list(components.values()))
        Attachment.save(attachments)
        if self.received_at:
            self.resume([self])
        else:
            self.resubmit([self])

    @classmethod
    def portal_figures(cls, company, year):
        """The commune's public figures of the year: dossiers received,
        finished early, on time and late, open and overdue, online, and
        received by field (set-based SQL)"""
        pool = Pool()
        Procedure = pool.get('onestop.procedure')
        Field = pool.get('onestop.procedure.field')
        dossier = cls.__table__()
        procedure = Procedure.__table__()
        cursor = Transaction().connection.cursor()
        start = cls._year_start(company, year)
        end = cls._year_start(company, year + 1)
        now = utc_now()
        received = ((dossier.received_at >= start)
            & (dossier.received_at < end))
        finished = ((dossier.finished_at >= start)
            & (dossier.finished_at < end))
        overdue = (dossier.state.in_(OPEN_STATES)
            & (Coalesce(dossier.new_due_at, dossier.due_at) < now))
        cursor.execute(*dossier.select(
                Count(Literal(1), filter_=received),
                Count(Literal(1), filter_=received
                    & (dossier.channel == 'online')),
                Count(Literal(1), filter_=finished
                    & (dossier.timeliness == 'early')),
                Count(Literal(1), filter_=finished
                    & (dossier.timeliness == 'on_time')),
                Count(Literal(1), filter_=finished
                    & (dossier.timeliness == 'late')),
                Count(Literal(1), filter_=dossier.state.in_(OPEN_STATES)),
                Count(Literal(1), filter_=overdue),
                where=dossier.company == company.id))
        (received_count, online, early, on_time, late, open_,
            overdue_count) = cursor.fetchone()
        cursor.execute(*dossier.join(procedure,
                condition=dossier.procedure == procedure.id).select(
                procedure.field, Count(Literal(1)),
                where=(dossier.company == company.id) & received,
                group_by=[procedure.field]))
        by_field = dict(cursor.fetchall())
        fields_ = Field.browse(list(by_field))
        # Decision 766/QĐ-TTg: unfinished dossiers already past due count
        # as late in the on-time rate
        counted = early + on_time + late + overdue_count
        return {
            'year': year,
            'received': received_count,
            'online': online,
            'early': early,
            'on_time': on_time,
            'late': late,
            'open': open_,
            'overdue': overdue_count,
            'on_time_rate': (
                round(100 * (early + on_time) / counted, 1)
                if counted else None),
            'by_field': sorted(
                ((f.name, by_field[f.id]) for f in fields_),
                key=lambda x: (-x[1], x[0])),
            }

    @classmethod
    def portal_figures_sections(cls, company, year):
        """Sections other modules add to the figures page (satisfaction):
        a list of Markup, see portal.render_fragment"""
        return []

    @classmethod
    def _year_start(cls, company, year):
        dossier = cls(company=company)
        return dossier.utc(dt.datetime(year, 1, 1))


class PortalAttempt(ModelSQL):
    "Portal Attempt"
    __name__ = 'onestop.portal.attempt'
    __string__ = "Portal Attempt"

    kind = fields.Char("Kind", required=True)
    key = fields.Char("Key")
    ip_network = fields.Char("IP Network")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.kind, Index.Equality()), (t.key, Index.Equality()),
                    (t.create_date, Index.Range())),
                Index(t, (t.kind, Index.Equality()),
                    (t.ip_network, Index.Equality()),
                    (t.create_date, Index.Range())),
                })

    @classmethod
    def _network(cls):
        _, network = Transaction().remote_address()
        return str(network) if network else None

    @classmethod
    def add(cls, kind, key=None):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.create_date < dt.datetime.now()
                - ATTEMPT_RETENTION))
        cls.create([{
                    'kind': kind,
                    'key': key[:128] if key else None,
                    'ip_network': cls._network(),
                    }])

    @classmethod
    def exceeded(cls, kind, key=None):
        "Whether the attempts of kind for key or this network are too many"
        per_key, per_network, window = RATE_LIMITS[kind]
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        network = cls._network()
        key = key[:128] if key else None
        by_key = (table.key == key) if key else Literal(False)
        by_network = ((table.ip_network == network) if network
            else Literal(False))
        cursor.execute(*table.select(
                Count(Literal(1), filter_=by_key),
                Count(Literal(1), filter_=by_network),
                where=(table.kind == kind)
                & (table.create_date >= dt.datetime.now()
                    - dt.timedelta(seconds=window))
                & (by_key | by_network)))
        key_count, network_count = cursor.fetchone()
        return bool((per_key and key and key_count >= per_key)
            or (per_network and network_count >= per_network))
