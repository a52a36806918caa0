# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"The catalogue of administrative procedures"
import csv
import datetime as dt
import io

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .working_time import DAY, HOUR, SAME_DAY

PROCESSING_UNITS = [
    (DAY, "Working Days"),
    (HOUR, "Working Hours"),
    (SAME_DAY, "Same Day"),
    ]
ONLINE_LEVELS = [
    ('full', "Fully Online"),
    ('partial', "Partly Online"),
    ('none', "Not Online"),
    ]
DOCUMENT_KINDS = [
    ('original', "Original"),
    ('copy', "Copy"),
    ('certified_copy', "Certified Copy"),
    ('e_form', "Electronic Form"),
    ]
ROLES = [
    ('officer', "One-Stop Officer"),
    ('specialist', "Specialist"),
    ('approver', "Approver"),
    ]
PROCEDURE_COLUMNS = [
    'code', 'name', 'field_code', 'field_name', 'processing_time',
    'processing_unit', 'online_level', 'level', 'result', 'legal_basis',
    'applicant_types', 'supplement_rule']
REQUIRED_PROCEDURE_COLUMNS = PROCEDURE_COLUMNS[:7]
DOCUMENT_COLUMNS = [
    'procedure_code', 'sequence', 'name', 'kind', 'quantity', 'mandatory']
STEP_COLUMNS = ['procedure_code', 'sequence', 'name', 'share', 'role']
# Changing one of these on a procedure that has dossiers needs a new version
VERSIONED_FIELDS = {
    'processing_time', 'processing_unit', 'supplement_rule', 'documents',
    'steps', 'online_level', 'result', 'legal_basis'}


class Field(ModelSQL, ModelView):
    "Procedure Field"
    __name__ = 'onestop.procedure.field'
    __string__ = "Procedure Field"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    procedures = fields.One2Many('onestop.procedure', 'field', "Procedures")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'onestop_procedures.msg_field_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class Procedure(ModelSQL, ModelView):
    "Administrative Procedure"
    __name__ = 'onestop.procedure'
    __string__ = "Administrative Procedure"

    code = fields.Char("National Code", required=True,
        help="Code of the procedure in the national database, "
        "e.g. 1.001193.")
    name = fields.Char("Name", required=True)
    field = fields.Many2One(
        'onestop.procedure.field', "Field", required=True,
        ondelete='RESTRICT')
    level = fields.Selection([
            ('commune', "Commune"),
            ('province', "Province"),
            ], "Level", required=True)
    processing_time = fields.Integer("Processing Time",
        states={'invisible': Eval('processing_unit') == SAME_DAY},
        domain=[('processing_time', '>=', 0)])
    processing_unit = fields.Selection(
        PROCESSING_UNITS, "Processing Unit", required=True)
    online_level = fields.Selection(
        ONLINE_LEVELS, "Online Level", required=True)
    result = fields.Char("Result")
    legal_basis = fields.Text("Legal Basis")
    applicant_types = fields.MultiSelection([
            ('individual', "Individual"),
            ('organisation', "Organisation"),
            ], "Applicant Types")
    supplement_rule = fields.Selection([
            ('restart', "Restart the Clock"),
            ('pause', "Pause the Clock"),
            ], "On Supplement", required=True,
        help="Whether the processing time counts again from the start "
        "when the complete dossier arrives, or only stops while waiting.")
    version = fields.Integer("Version", readonly=True, required=True)
    effective_date = fields.Date("Effective Date", required=True)
    abolished_date = fields.Date("Abolished Date",
        domain=['OR',
            ('abolished_date', '=', None),
            ('abolished_date', '>=', Eval('effective_date', None)),
            ])
    decision = fields.Char("Publishing Decision",
        help="The decision that published this version of the procedure.")
    published = fields.Boolean("Published",
        help="Shown on the public portal.")
    documents = fields.One2Many(
        'onestop.procedure.document', 'procedure', "Required Documents")
    steps = fields.One2Many('onestop.procedure.step', 'procedure', "Steps")
    in_force = fields.Function(fields.Boolean("In Force"),
        'get_in_force', searcher='search_in_force')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_version_unique', Unique(t, t.code, t.version),
                'onestop_procedures.msg_procedure_code_version_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.code, Index.Similarity())),
                Index(t, (t.field, Index.Equality())),
                Index(t, (t.effective_date, Index.Range()),
                    (Coalesce(t.abolished_date, dt.date.max),
                        Index.Range())),
                })
        cls._order = [('code', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'new_version': {
                    'invisible': ~Eval('in_force'),
                    'depends': ['in_force'],
                    },
                })

    @classmethod
    def default_level(cls):
        return 'commune'

    @classmethod
    def default_processing_time(cls):
        return 0

    @classmethod
    def default_processing_unit(cls):
        return DAY

    @classmethod
    def default_online_level(cls):
        return 'partial'

    @classmethod
    def default_supplement_rule(cls):
        return 'restart'

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_effective_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_published(cls):
        return True

    @classmethod
    def default_applicant_types(cls):
        return ['individual']

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    def in_force_at(self, date):
        return (self.effective_date <= date
            and (not self.abolished_date or date < self.abolished_date))

    def get_in_force(self, name):
        return self.in_force_at(Pool().get('ir.date').today())

    @classmethod
    def search_in_force(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        in_force = [
            ('effective_date', '<=', today),
            ['OR',
                ('abolished_date', '=', None),
                ('abolished_date', '>', today),
                ],
            ]
        if (operator == '=') == bool(value):
            return in_force
        return ['OR',
            ('effective_date', '>', today),
            ('abolished_date', '<=', today),
            ]

    def processing_time_text(self):
        "The statutory processing time as a citizen reads it"
        if self.processing_unit == SAME_DAY:
            return gettext('onestop_procedures.msg_time_same_day')
        return gettext(
            f'onestop_procedures.msg_time_{self.processing_unit}',
            amount=self.processing_time)

    @classmethod
    def validate_fields(cls, procedures, field_names):
        super().validate_fields(procedures, field_names)
        if field_names & {'processing_time', 'processing_unit'}:
            for procedure in procedures:
                if (procedure.processing_unit != SAME_DAY
                        and not procedure.processing_time):
                    raise ValidationError(gettext(
                            'onestop_procedures.msg_procedure_time_required',
                            procedure=procedure.rec_name))
        if field_names & {'steps'}:
            for procedure in procedures:
                if (procedure.steps
                        and sum(s.share for s in procedure.steps) != 100):
                    raise ValidationError(gettext(
                            'onestop_procedures.msg_procedure_step_shares',
                            procedure=procedure.rec_name))

    @classmethod
    def check_modification(
            cls, mode, procedures, values=None, external=False):
        super().check_modification(
            mode, procedures, values=values, external=external)
        if mode == 'delete' or (
                mode == 'write' and VERSIONED_FIELDS & values.keys()):
            Dossier = Pool().get('onestop.dossier')
            for procedure in procedures:
                if Dossier.search([
                            ('procedure', '=', procedure.id),
                            ], limit=1, order=[]):
                    raise AccessError(gettext(
                            'onestop_procedures.msg_procedure_has_dossiers',
                            procedure=procedure.rec_name))

    @classmethod
    @ModelView.button
    def new_version(cls, procedures, date=None):
        "Create the next version, in force from date; the old one ends"
        date = date or Pool().get('ir.date').today()
        versions = []
        for procedure in procedures:
            version, = cls.copy([procedure], default={
                    'version': procedure.version + 1,
                    'effective_date': date,
                    'abolished_date': None,
                    })
            versions.append(version)
        cls.write(procedures, {'abolished_date': date})
        return [v.id for v in versions]


class Document(sequence_ordered(), ModelSQL, ModelView):
    "Required Document"
    __name__ = 'onestop.procedure.document'
    __string__ = "Required Document"

    procedure = fields.Many2One(
        'onestop.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    kind = fields.Selection(DOCUMENT_KINDS, "Kind", required=True)
    quantity = fields.Integer("Quantity", required=True,
        domain=[('quantity', '>', 0)])
    mandatory = fields.Boolean("Mandatory")
    template = fields.Binary("Form Template", filename='template_name',
        file_id='template_id')
    template_name = fields.Char("Form Template Name")
    template_id = fields.Char("Form Template ID", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')

    @classmethod
    def default_kind(cls):
        return 'original'

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def default_mandatory(cls):
        return True


class Step(sequence_ordered(), ModelSQL, ModelView):
    "Procedure Step"
    __name__ = 'onestop.procedure.step'
    __string__ = "Procedure Step"

    procedure = fields.Many2One(
        'onestop.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    share = fields.Integer("Share (%)", required=True,
        domain=[('share', '>=', 0), ('share', '<=', 100)],
        help="Part of the processing time given to this step.")
    role = fields.Selection(ROLES, "Role", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')


def _read_csv(data, columns, required, kind):
    "Rows of a CSV file as dicts, with errors naming the line"
    if isinstance(data, bytes):
        try:
            data = data.decode('utf-8-sig')
        except UnicodeDecodeError:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_csv_encoding', file=kind))
    reader = csv.DictReader(io.StringIO(data))
    header = reader.fieldnames or []
    unknown = set(header) - set(columns)
    missing = set(required) - set(header)
    if unknown or missing:
        raise ValidationError(gettext(
                'onestop_procedures.msg_csv_columns', file=kind,
                unknown=', '.join(sorted(unknown)) or '-',
                missing=', '.join(sorted(missing)) or '-'))
    return [(reader.line_num, row) for row in reader]


def _choice(value, choices, line, column):
    keys = [k for k, _ in choices]
    if value not in keys:
        raise ValidationError(gettext(
                'onestop_procedures.msg_csv_value', line=line, column=column,
                value=value, allowed=', '.join(keys)))
    return value


def _integer(value, line, column):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(gettext(
                'onestop_procedures.msg_csv_value', line=line, column=column,
                value=value, allowed='0, 1, 2, ...'))


def import_catalogue(procedures_csv, documents_csv=None, steps_csv=None):
    """Create or update procedures from the catalogue CSV files.

    All rows or none: the first error raises and the transaction rolls back.
    Returns (created, updated, unchanged)."""
    pool = Pool()
    Field = pool.get('onestop.procedure.field')
    Procedure = pool.get('onestop.procedure')
    Document = pool.get('onestop.procedure.document')
    Step = pool.get('onestop.procedure.step')

    rows = _read_csv(procedures_csv, PROCEDURE_COLUMNS,
        REQUIRED_PROCEDURE_COLUMNS, 'procedures')
    documents, steps = {}, {}
    if documents_csv:
        for line, row in _read_csv(documents_csv, DOCUMENT_COLUMNS,
                DOCUMENT_COLUMNS, 'documents'):
            documents.setdefault(row['procedure_code'], []).append({
                    'sequence': _integer(row['sequence'], line, 'sequence'),
                    'name': row['name'],
                    'kind': _choice(row['kind'], DOCUMENT_KINDS, line, 'kind'),
                    'quantity': _integer(row['quantity'], line, 'quantity'),
                    'mandatory': _choice(
                        row['mandatory'], [('1', ''), ('0', '')],
                        line, 'mandatory') == '1',
                    })
    if steps_csv:
        for line, row in _read_csv(
                steps_csv, STEP_COLUMNS, STEP_COLUMNS, 'steps'):
            steps.setdefault(row['procedure_code'], []).append({
                    'sequence': _integer(row['sequence'], line, 'sequence'),
                    'name': row['name'],
                    'share': _integer(row['share'], line, 'share'),
                    'role': _choice(row['role'], ROLES, line, 'role'),
                    })

    fields_ = {f.code: f for f in Field.search([])}
    current = {p.code: p for p in Procedure.search([('in_force', '=', True)])}
    codes = {row['code'] for _, row in rows}
    for code in (documents.keys() | steps.keys()) - codes:
        raise ValidationError(gettext(
                'onestop_procedures.msg_csv_unknown_procedure', code=code))

    created = updated = unchanged = 0
    seen = set()
    for line, row in rows:
        code = row['code'].strip()
        if not code or code in seen:
            raise ValidationError(gettext(
                    'onestop_procedures.msg_csv_duplicate_code',
                    line=line, code=code))
        seen.add(code)
        field = fields_.get(row['field_code'])
        if not field:
            field = fields_[row['field_code']] = Field(
                code=row['field_code'], name=row['field_name'])
            field.save()
        values = {
            'name': row['name'].strip(),
            'field': field.id,
            'processing_time': _integer(
                row['processing_time'], line, 'processing_time'),
            'processing_unit': _choice(row['processing_unit'],
                PROCESSING_UNITS, line, 'processing_unit'),
            'online_level': _choice(
                row['online_level'], ONLINE_LEVELS, line, 'online_level'),
            }
        if row.get('level'):
            values['level'] = _choice(row['level'],
                Procedure.level.selection, line, 'level')
        for name in ['result', 'legal_basis']:
            if row.get(name) is not None:
                values[name] = row[name] or None
        if row.get('applicant_types'):
            values['applicant_types'] = [
                _choice(t, Procedure.applicant_types.selection, line,
                    'applicant_types')
                for t in row['applicant_types'].split(';')]
        if row.get('supplement_rule'):
            values['supplement_rule'] = _choice(row['supplement_rule'],
                Procedure.supplement_rule.selection, line, 'supplement_rule')
        lines = {}
        if code in documents:
            lines['documents'] = documents[code]
        if code in steps:
            lines['steps'] = steps[code]

        procedure = current.get(code)
        if procedure is None:
            Procedure.create([{
                        'code': code, **values,
                        **{k: [('create', v)] for k, v in lines.items()},
                        }])
            created += 1
            continue
        if not _differs(procedure, values, lines):
            unchanged += 1
            continue
        try:
            with Transaction().set_context(_check_access=False):
                Procedure.check_modification('write', [procedure],
                    values={**values, **lines})
        except AccessError:
            procedure = Procedure(Procedure.new_version([procedure])[0])
        Procedure.write([procedure], values)
        if 'documents' in lines:
            Document.delete(procedure.documents)
            Document.create([
                    {'procedure': procedure.id, **d}
                    for d in lines['documents']])
        if 'steps' in lines:
            Step.delete(procedure.steps)
            Step.create([
                    {'procedure': procedure.id, **s} for s in lines['steps']])
        updated += 1
    return created, updated, unchanged


def _differs(procedure, values, lines):
    for name, value in values.items():
        current = getattr(procedure, name)
        if isinstance(current, ModelSQL):
            current = current.id
        elif isinstance(current, tuple):
            current, value = sorted(current), sorted(value)
        if current != value:
            return True
    for name, new in lines.items():
        old = [
            {k: getattr(r, k) for k in new[0]} if new else {}
            for r in getattr(procedure, name)]
        if old != new:
            return True
    return False


def export_catalogue(procedures):
    "The procedures, their documents and steps as three CSV texts"
    outputs = []
    for columns, rows in [
            (PROCEDURE_COLUMNS, [{
                        'code': p.code, 'name': p.name,
                        'field_code': p.field.code,
                        'field_name': p.field.name,
                        'processing_time': p.processing_time or 0,
                        'processing_unit': p.processing_unit,
                        'online_level': p.online_level,
                        'level': p.level, 'result': p.result or '',
                        'legal_basis': p.legal_basis or '',
                        'applicant_types': ';'.join(p.applicant_types or []),
                        'supplement_rule': p.supplement_rule,
                        } for p in procedures]),
            (DOCUMENT_COLUMNS, [{
                        'procedure_code': p.code, 'sequence': d.sequence,
                        'name': d.name, 'kind': d.kind,
                        'quantity': d.quantity,
                        'mandatory': int(bool(d.mandatory)),
                        } for p in procedures for d in p.documents]),
            (STEP_COLUMNS, [{
                        'procedure_code': p.code, 'sequence': s.sequence,
                        'name': s.name, 'share': s.share, 'role': s.role,
                        } for p in procedures for s in p.steps]),
            ]:
        output = io.StringIO()
        writer = csv.DictWriter(output, columns, lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
        outputs.append(output.getvalue())
    return outputs


class ImportStart(ModelView):
    "Import Procedures"
    __name__ = 'onestop.procedure.import.start'
    __string__ = "Import Procedures"

    procedures = fields.Binary("Procedures (CSV)", required=True)
    documents = fields.Binary("Required Documents (CSV)")
    steps = fields.Binary("Steps (CSV)")


class Import(Wizard):
    "Import Procedures"
    __name__ = 'onestop.procedure.import'
    __string__ = "Import Procedures"

    start = StateView('onestop.procedure.import.start',
        'onestop_procedures.procedure_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('onestop.procedure.import.done',
        'onestop_procedures.procedure_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        self.done.created, self.done.updated, self.done.unchanged = (
            import_catalogue(self.start.procedures, self.start.documents,
                self.start.steps))
        return 'done'

    def default_done(self, fields):
        return {
            'created': self.done.created,
            'updated': self.done.updated,
            'unchanged': self.done.unchanged,
            }


class ImportDone(ModelView):
    "Import Procedures"
    __name__ = 'onestop.procedure.import.done'
    __string__ = "Import Procedures"

    created = fields.Integer("Created", readonly=True)
    updated = fields.Integer("Updated", readonly=True)
    unchanged = fields.Integer("Unchanged", readonly=True)
