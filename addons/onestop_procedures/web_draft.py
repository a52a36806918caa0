# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"""Online filing: the citizen's draft, kept until it is submitted.

A draft is not a dossier: it takes no dossier code and officers do not see
it. Submitting it creates the dossier (channel online, registered, status 1)
with one component per required document, the uploads attached to them."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .dossier import utc_now


class Draft(ModelSQL, ModelView):
    "Online Filing Draft"
    __name__ = 'onestop.portal.draft'
    __string__ = "Online Filing Draft"

    web_user = fields.Many2One('web.user', "Account", required=True,
        ondelete='CASCADE')
    company = fields.Many2One('company.company', "Commune", required=True,
        ondelete='CASCADE')
    procedure = fields.Many2One('onestop.procedure', "Procedure",
        required=True, ondelete='CASCADE')
    applicant_phone = fields.Char("Phone")
    applicant_email = fields.Char("Email")
    applicant_address = fields.Char("Address")
    note = fields.Text("Note")
    documents = fields.One2Many(
        'onestop.portal.draft.document', 'draft', "Documents")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Equality())))
        cls._order = [('write_date', 'DESC NULLS LAST'), ('id', 'DESC')]

    @classmethod
    def portal_drafts(cls, web_user):
        return cls.search([('web_user', '=', web_user.id)])

    @classmethod
    def portal_get(cls, web_user, draft_id):
        "The draft of this account, or None"
        drafts = cls.search([
                ('id', '=', draft_id),
                ('web_user', '=', web_user.id),
                ], limit=1)
        return drafts[0] if drafts else None

    def document_line(self, document):
        "The line of the draft for a required document, created if needed"
        Line = Pool().get('onestop.portal.draft.document')
        for line in self.documents:
            if line.document == document:
                return line
        line = Line(draft=self, document=document)
        line.save()
        self.documents += (line,)
        return line

    def files(self):
        "{document id: [attachment, ...]} of the uploads"
        Attachment = Pool().get('ir.attachment')
        lines = {str(line): line.document.id for line in self.documents}
        result = {}
        if lines:
            for attachment in Attachment.search([
                        ('resource', 'in', list(lines)),
                        ], order=[('id', 'ASC')]):
                result.setdefault(
                    lines[str(attachment.resource)], []).append(attachment)
        return result

    def add_file(self, document, name, data):
        Attachment = Pool().get('ir.attachment')
        attachment = Attachment(
            resource=self.document_line(document), name=name, data=data)
        attachment.save()
        return attachment

    def set_reuse(self, document, component):
        "Reuse an earlier digitised component of the account's dossiers"
        line = self.document_line(document)
        line.reused_from = component
        line.save()

    def missing_documents(self):
        "The mandatory documents with neither upload nor reuse"
        files = self.files()
        reused = {line.document.id for line in self.documents
            if line.reused_from}
        return [d for d in self.procedure.documents
            if d.mandatory and d.id not in files and d.id not in reused]

    def submit(self):
        """File the dossier: registered (status 1) on the online channel,
        submitted now; the officer receives it in the back office"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Component = pool.get('onestop.dossier.component')
        Dossier = pool.get('onestop.dossier')
        Log = pool.get('onestop.dossier.log')
        if not self.procedure.in_force:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_portal_procedure_changed',
                    procedure=self.procedure.rec_name))
        missing = self.missing_documents()
        if missing:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_portal_missing_documents',
                    documents=', '.join(d.name for d in missing)))
        files = self.files()
        lines = {line.document.id: line for line in self.documents}
        now = utc_now()
        dossier = Dossier(company=self.company, procedure=self.procedure,
            channel='online', applicant=self.web_user.party,
            submitted_at=now, web_user=self.web_user)
        dossier.on_change_applicant()
        for name in ['applicant_phone', 'applicant_email',
                'applicant_address']:
            if getattr(self, name):
                setattr(dossier, name, getattr(self, name))
        components = []
        for document in self.procedure.documents:
            line = lines.get(document.id)
            reused = line.reused_from if line else None
            present = bool(files.get(document.id) or reused)
            components.append(Component(document=document,
                    sequence=document.sequence, name=document.name,
                    kind=document.kind, quantity=document.quantity,
                    mandatory=document.mandatory, received=present,
                    digitized=present, reused=bool(reused),
                    reused_from=reused))
        dossier.components = components
        dossier.save()
        # the files of reused components are copied by the component
        moved = []
        for component in dossier.components:
            if files.get(component.document.id):
                moved.extend([files[component.document.id],
                        {'resource': str(component)}])
        if moved:
            Attachment.write(*moved)
        with Transaction().set_context(_skip_warnings=True):
            Log.save([dossier.add_log('register', None, 'draft', at=now)])
        self.delete([self])
        return dossier


class DraftDocument(ModelSQL, ModelView):
    "Online Filing Draft Document"
    __name__ = 'onestop.portal.draft.document'
    __string__ = "Online Filing Draft Document"

    draft = fields.Many2One('onestop.portal.draft', "Draft", required=True,
        ondelete='CASCADE')
    document = fields.Many2One('onestop.procedure.document',
        "Required Document", required=True, ondelete='CASCADE')
    reused_from = fields.Many2One('onestop.dossier.component',
        "Reused From", ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('draft')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.draft, Index.Equality())))


def reusable_components(web_user, document):
    """Digitised components of the account's earlier dossiers with the same
    document name, the newest first"""
    Component = Pool().get('onestop.dossier.component')
    return Component.search([
            ('dossier', 'where', web_user.portal_dossier_domain()),
            ('digitized', '=', True),
            ('name', '=', document.name),
            ], order=[('id', 'DESC')], limit=5)
