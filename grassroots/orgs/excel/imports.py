"""Importing organisations and members from workbooks laid out like the templates, on the
importer of `core.excel.imports`.

Every row is read and checked first; organisations named in the file and ID numbers or
credit codes already registered are looked up in a few queries for the whole file, not one
per row. Only if no row has an error is anything written: in one transaction, in batches,
with history records attributed to the importing user (docs/decisions/0004-excel-import.md).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from grassroots.core.choices import Permission
from grassroots.core.excel import ImportResult
from grassroots.core.excel.cells import CellError
from grassroots.core.excel.imports import Importer

from .. import services, tallies
from ..choices import GuideRole, OrgStatus
from ..models import HostUnit, HostUnitLink, Member, Organization, UnitGuide
from ..rules import date_error, member_field_errors
from .columns import (
    MEMBER_COLUMNS,
    MEMBER_ORG,
    ORG_COLUMNS,
    ORG_FIELD_COLUMNS,
    ORG_PARENT,
    UNIT_COLUMNS,
    UNIT_FIELD_COLUMNS,
    UNIT_IMPORT_COLUMNS,
    UNIT_INSTRUCTOR,
    UNIT_NAME,
    UNIT_RESPONSIBLE,
    UNIT_USCC,
)

UPDATE_BATCH = 2000
LOOKUP_BATCH = 2000


def _first_message(exc):
    return next(iter(exc.message_dict.values()))[0]


def _batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OrgDirectory:
    """The organisations in the user's edit scope that the file names, by number (编号) and
    by exact name, read in a few queries."""

    def __init__(self, user, references):
        ids = sorted({ref for ref in references if isinstance(ref, int)})
        names = sorted({ref for ref in references if isinstance(ref, str)})
        editable = Organization.objects.visible_to(user, Permission.EDIT).only(
            "id", "name", "path", "status", "kind"
        )
        self.by_id = {}
        self.by_name = defaultdict(list)
        for batch in _batches(ids, LOOKUP_BATCH):
            self.by_id.update((org.pk, org) for org in editable.filter(pk__in=batch))
        for batch in _batches(names, LOOKUP_BATCH):
            for org in editable.filter(name__in=batch).order_by("path"):
                self.by_name[org.name].append(org)

    def find(self, reference):
        """The organisation a cell names; raises CellError saying why none fits."""
        if isinstance(reference, int):
            org = self.by_id.get(reference)
            if org is None:
                raise CellError(f"编号为{reference}的党组织不存在，或不在您可以录入的范围内")
            return org
        found = self.by_name.get(reference, [])
        # A dissolved organisation keeps its name; a live one of the same name is meant.
        candidates = [org for org in found if org.is_active] or found
        if not candidates:
            raise CellError(f"未找到名称为“{reference}”的党组织（须在您可以录入的范围内）")
        if len(candidates) > 1:
            raise CellError(f"名称为“{reference}”的党组织有{len(candidates)}个，请改填组织编号")
        return candidates[0]


# --- members -----------------------------------------------------------------------------------

MEMBER_FIELD_COLUMNS = [c for c in MEMBER_COLUMNS if c.field and c is not MEMBER_ORG]
_MEMBER_HEADER = {column.field: column.header for column in MEMBER_FIELD_COLUMNS}
# member_field_errors needs these cells read without error.
_RULE_HEADERS = {
    _MEMBER_HEADER[name]
    for name in ("birth_date", "id_number", "joined_on", "confirmed_on", "status")
}


class _MemberImport(Importer):
    columns = MEMBER_COLUMNS

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.pending = []  # (row number, member, organisation reference or None)
        self.first_row_of_id = {}

    def check_row(self, row):
        member = self.instance(Member, row, MEMBER_FIELD_COLUMNS)
        if not _RULE_HEADERS & row.failed:
            problems = member_field_errors(
                member.id_number.upper(),
                member.birth_date,
                member.joined_on,
                member.confirmed_on,
                member.status,
                self.today,
                member.work_started_on,
            )
            if problems:
                self.errors.add_validation(row.number, ValidationError(problems), _MEMBER_HEADER)
        id_header = _MEMBER_HEADER["id_number"]
        if id_header not in row.failed:
            first = self.first_row_of_id.setdefault(member.id_number, row.number)
            if first != row.number:
                self.errors.add(row.number, id_header, f"与第{first}行的公民身份号码重复")
        self.pending.append((row.number, member, row.values.get(MEMBER_ORG.header)))

    def check_file(self):
        directory = OrgDirectory(self.user, {ref for _, _, ref in self.pending if ref})
        registered = set()
        for batch in _batches(list(self.first_row_of_id), LOOKUP_BATCH):
            registered.update(
                Member.objects.filter(id_number__in=batch).values_list("id_number", flat=True)
            )
        id_header = _MEMBER_HEADER["id_number"]
        for number, member, reference in self.pending:
            if member.id_number in registered and self.first_row_of_id[member.id_number] == number:
                self.errors.add(number, id_header, "该公民身份号码已在系统中登记")
            if reference is None:
                continue
            try:
                member.org = directory.find(reference)
                services.check_relation_org(member.org)
            except CellError as exc:
                self.errors.add(number, MEMBER_ORG.header, str(exc))
            except ValidationError as exc:
                self.errors.add(number, MEMBER_ORG.header, _first_message(exc))

    def write(self):
        members = [member for _, member, _ in self.pending]
        self.pending = []
        self.create(Member, members)
        # The bulk insert bypasses Member.save, which counts a single new member.
        Organization.objects.add_members(Counter(member.org_id for member in members))
        tallies.added(Member, [member.pk for member in members])
        return len(members)


def import_members(user, fileobj, *, today=None, progress=None) -> ImportResult:
    """Create a member for every row of `fileobj` (an .xlsx laid out like the member
    template), or none at all if any row has an error."""
    return _MemberImport(user, today).run(fileobj, progress)


# --- organisations -----------------------------------------------------------------------------

_NAME, _UNIT_NAME, _USCC = ORG_FIELD_COLUMNS[0].header, UNIT_NAME.header, UNIT_USCC.header
_ESTABLISHED = ORG_FIELD_COLUMNS[4].header


@dataclass
class _PendingOrg:
    number: int
    org: Organization
    reference: object  # the parent as written: number, name or None
    unit: HostUnit | None
    named: bool  # the name cell was read without error
    parent_row: "_PendingOrg | None" = None
    generation: int = 0  # 0: the parent exists already; n: parent created in generation n-1


class _OrganizationImport(Importer):
    columns = ORG_COLUMNS

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.pending = []
        self.by_number = {}
        self.rows_named = defaultdict(list)  # name -> rows defining an organisation of it
        self.first_row_of_uscc = {}

    def check_row(self, row):
        org = self.instance(Organization, row, ORG_FIELD_COLUMNS)
        message = date_error(org.established_on, _ESTABLISHED, self.today)
        if message and _ESTABLISHED not in row.failed:
            self.errors.add(row.number, _ESTABLISHED, message)
        named = _NAME not in row.failed
        if named:
            self.rows_named[org.name].append(row.number)
        unit = None
        if row.values.get(_UNIT_NAME) or row.values.get(_USCC):
            if not row.values.get(_UNIT_NAME) and _UNIT_NAME not in row.failed:
                self.errors.add(
                    row.number, _UNIT_NAME, "填写了统一社会信用代码，请同时填写所在单位名称"
                )
                row.failed.add(_UNIT_NAME)
            unit = self.instance(HostUnit, row, UNIT_COLUMNS)
            if unit.uscc and _USCC not in row.failed:
                first = self.first_row_of_uscc.setdefault(unit.uscc, row.number)
                if first != row.number:
                    self.errors.add(row.number, _USCC, f"与第{first}行的统一社会信用代码重复")
        pending = _PendingOrg(row.number, org, row.values.get(ORG_PARENT.header), unit, named)
        self.pending.append(pending)
        self.by_number[row.number] = pending

    def check_file(self):
        references = {p.reference for p in self.pending if p.reference is not None}
        directory = OrgDirectory(self.user, references)
        for pending in self.pending:
            try:
                self._place(pending, directory)
            except CellError as exc:
                self.errors.add(pending.number, ORG_PARENT.header, str(exc))
            except ValidationError as exc:
                self.errors.add(pending.number, ORG_PARENT.header, _first_message(exc))
        self._check_siblings()
        registered = set()
        for batch in _batches(list(self.first_row_of_uscc), LOOKUP_BATCH):
            registered.update(
                HostUnit.objects.filter(uscc__in=batch).values_list("uscc", flat=True)
            )
        for uscc in registered:
            self.errors.add(self.first_row_of_uscc[uscc], _USCC, "该统一社会信用代码已在系统中登记")

    def _place(self, pending, directory):
        """Find the parent: an organisation on an earlier row of the file, else an existing one."""
        reference = pending.reference
        if isinstance(reference, str) and reference in self.rows_named:
            earlier = [n for n in self.rows_named[reference] if n < pending.number]
            later = [n for n in self.rows_named[reference] if n > pending.number]
            if len(earlier) > 1:
                rows = "、".join(map(str, earlier))
                raise CellError(
                    f"第{rows}行都名为“{reference}”，无法确定上级组织，请使用不同的名称"
                )
            if earlier:
                pending.parent_row = self.by_number[earlier[0]]
                pending.generation = pending.parent_row.generation + 1
                return
            if reference not in directory.by_name:
                if later:
                    raise CellError(
                        f"上级组织“{reference}”在第{later[0]}行，请把上级组织排在下级组织之前"
                    )
                raise CellError("上级组织不能是本行的组织")
        parent = directory.find(reference) if reference is not None else None
        services.check_parent(self.user, parent)
        pending.org.parent = parent

    def _check_siblings(self):
        """No two active organisations of one name under one parent (e.g. a file imported
        twice): neither against the database nor within the file."""
        names_under = defaultdict(set)  # existing parent id -> names the file puts under it
        for pending in self.pending:
            if pending.org.parent_id:
                names_under[pending.org.parent_id].add(pending.org.name)
        taken = set()
        for parent_ids in _batches(list(names_under), LOOKUP_BATCH):
            names = set().union(*(names_under[pk] for pk in parent_ids))
            taken.update(
                Organization.objects.filter(
                    parent_id__in=parent_ids, name__in=names, status=OrgStatus.ACTIVE
                ).values_list("parent_id", "name")
            )
        first_row = {}
        for pending in self.pending:
            org = pending.org
            if not pending.named:
                continue
            if (org.parent_id, org.name) in taken:
                self.errors.add(pending.number, _NAME, f"上级组织下已有名为“{org.name}”的组织")
            parent = ("row", pending.parent_row.number) if pending.parent_row else org.parent_id
            first = first_row.setdefault((parent, org.name), pending.number)
            if first != pending.number:
                self.errors.add(
                    pending.number,
                    _NAME,
                    f"与第{first}行重复：同一上级组织下不能有两个“{org.name}”",
                )

    def write(self):
        generations = defaultdict(list)
        for pending in self.pending:
            generations[pending.generation].append(pending)
        for generation in sorted(generations):
            rows = generations[generation]
            for pending in rows:
                if pending.parent_row is not None:
                    pending.org.parent = pending.parent_row.org
            self.create(Organization, [pending.org for pending in rows])
            # As Organization.save does: the path is the parent's plus the new primary key.
            for pending in rows:
                org = pending.org
                org.path = (org.parent.path if org.parent_id else "/") + f"{org.pk}/"
                org.depth = org.path.count("/") - 2
            Organization.objects.bulk_update(
                [pending.org for pending in rows], ["path", "depth"], batch_size=UPDATE_BATCH
            )
            tallies.added(Organization, [pending.org.pk for pending in rows])
        with_units = [pending for pending in self.pending if pending.unit is not None]
        self.create(HostUnit, [pending.unit for pending in with_units])
        self.create(
            HostUnitLink,
            [HostUnitLink(org=pending.org, unit=pending.unit) for pending in with_units],
        )
        tallies.added(HostUnit, [pending.unit.pk for pending in with_units])
        return len(self.pending)


def import_organizations(user, fileobj, *, today=None, progress=None) -> ImportResult:
    """Create an organisation (and its host unit, if given) for every row of `fileobj` (an
    .xlsx laid out like the organisation template), or none at all if any row has an error."""
    return _OrganizationImport(user, today).run(fileobj, progress)


# --- units without an organisation -------------------------------------------------------------

_UNIT_HEADER = {column.field: column.header for column in UNIT_FIELD_COLUMNS}


class _UnitImport(Importer):
    """Units recorded on their own under the organisation that must cover them, each with
    its 党建工作指导员 if one is named."""

    columns = UNIT_IMPORT_COLUMNS

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.pending = []  # (row number, unit, organisation reference, instructor name)
        self.first_row_of_uscc = {}

    def check_row(self, row):
        unit = self.instance(HostUnit, row, UNIT_FIELD_COLUMNS)
        uscc_header = _UNIT_HEADER["uscc"]
        if unit.uscc and uscc_header not in row.failed:
            first = self.first_row_of_uscc.setdefault(unit.uscc, row.number)
            if first != row.number:
                self.errors.add(row.number, uscc_header, f"与第{first}行的统一社会信用代码重复")
        unit.uscc = unit.uscc or None
        self.pending.append(
            (
                row.number,
                unit,
                row.values.get(UNIT_RESPONSIBLE.header),
                row.values.get(UNIT_INSTRUCTOR.header) or "",
            )
        )

    def check_file(self):
        directory = OrgDirectory(self.user, {ref for _, _, ref, _ in self.pending if ref})
        for number, unit, reference, _ in self.pending:
            if reference is None:
                continue
            try:
                unit.responsible_org = directory.find(reference)
                if not unit.responsible_org.is_active:
                    raise CellError("该党组织已撤销")
            except CellError as exc:
                self.errors.add(number, UNIT_RESPONSIBLE.header, str(exc))
        registered = set()
        for batch in _batches(list(self.first_row_of_uscc), LOOKUP_BATCH):
            registered.update(
                HostUnit.objects.filter(uscc__in=batch).values_list("uscc", flat=True)
            )
        for uscc in registered:
            self.errors.add(
                self.first_row_of_uscc[uscc],
                _UNIT_HEADER["uscc"],
                "该统一社会信用代码已在系统中登记",
            )

    def write(self):
        units = [unit for _, unit, _, _ in self.pending]
        self.create(HostUnit, units)
        guides = [
            UnitGuide(unit=unit, role=GuideRole.INSTRUCTOR, name=name, started_on=self.today)
            for _, unit, _, name in self.pending
            if name
        ]
        self.create(UnitGuide, guides)
        tallies.added(HostUnit, [unit.pk for unit in units])
        return len(units)


def import_units(user, fileobj, *, today=None, progress=None) -> ImportResult:
    """Create a unit for every row of `fileobj` (an .xlsx laid out like the unit template),
    or none at all if any row has an error."""
    return _UnitImport(user, today).run(fileobj, progress)
