"""Exports of what the user may see: a subtree's organisations, and the member roster (seed
004 template 3) with personal data as `orgs.personal_data` shows it (as on the pages and in
the API). Each is a fixed number of queries, streamed into a write-only workbook."""

from collections import defaultdict

from django.utils import timezone

from grassroots.core.excel.sheets import export_workbook
from grassroots.core.jobs import JobOutcome, report

from ..choices import Coverage, UnitKind
from ..models import HostUnit, HostUnitLink, Member, Organization
from ..personal_data import shown_personal_data
from ..tables import ROSTER_EXPORT_COLUMNS, cell, choice_labels
from .columns import ROSTER_COLUMNS

ITERATOR_CHUNK = 2000

ORG_EXPORT_COLUMNS = [
    # (header, width)
    ("编号", 8),
    ("名称", 30),
    ("简称", 14),
    ("组织类型", 14),
    ("所属领域", 14),
    ("上级组织编号", 12),
    ("上级组织", 30),
    ("成立日期", 12),
    ("状态", 8),
    ("撤销日期", 12),
    ("所在单位名称", 30),
    ("统一社会信用代码", 21),
]


def export_organizations(user, ancestor=None) -> bytes:
    """The organisations the user may see (within `ancestor`'s subtree if given), in tree
    order, with their current host units."""
    orgs = Organization.objects.visible_to(user)
    if ancestor is not None:
        orgs = orgs.filter(path__startswith=ancestor.path)
    units = defaultdict(list)
    links = HostUnitLink.objects.filter(ended_on__isnull=True, org__in=orgs.values("pk"))
    for org_id, name, uscc in links.order_by("unit__name").values_list(
        "org_id", "unit__name", "unit__uscc"
    ):
        units[org_id].append((name, uscc or ""))
    kinds, categories = choice_labels(Organization, "kind"), choice_labels(Organization, "category")
    statuses = choice_labels(Organization, "status")
    fields = ["id", "name", "short_name", "kind", "category", "parent_id", "parent__name"]
    fields += ["established_on", "status", "dissolved_on"]

    def rows():
        for org in orgs.order_by("path").values(*fields).iterator(chunk_size=ITERATOR_CHUNK):
            own_units = units[org["id"]]
            yield [
                org["id"],
                org["name"],
                org["short_name"],
                kinds[org["kind"]],
                categories[org["category"]],
                org["parent_id"],
                org["parent__name"] or "",
                org["established_on"],
                statuses[org["status"]],
                org["dissolved_on"],
                "、".join(name for name, _ in own_units),
                "、".join(code for _, code in own_units if code),
            ]

    headers, widths = zip(*ORG_EXPORT_COLUMNS, strict=True)
    return export_workbook("党组织", headers, widths, rows())


UNIT_EXPORT_COLUMNS = [
    ("单位名称", 28),
    ("单位类型", 14),
    ("统一社会信用代码", 21),
    ("地址", 28),
    ("联系电话", 14),
    ("职工人数", 10),
    ("负责覆盖的党组织", 28),
    ("覆盖情况", 16),
    ("在本单位工作的正式党员", 12),
    ("应建未建", 8),
]


def unit_rows(units):
    """Rows of `units` (annotated by `HostUnitQuerySet.with_coverage`) as the export and
    the yearly report list them."""
    for unit in units.select_related("responsible_org").iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            unit.name,
            UnitKind(unit.kind).label if unit.kind else "",
            unit.uscc or "",
            unit.address,
            unit.phone,
            unit.staff_count,
            unit.responsible_org.name if unit.responsible_org_id else "",
            Coverage(unit.coverage).label,
            unit.full_workers,
            "是" if unit.should_form else "",
        ]


def export_units(user, ancestor=None, today=None) -> bytes:
    """The units the user may see (within `ancestor`'s subtree if given) with how each is
    covered."""
    units = HostUnit.objects.visible_to(user)
    if ancestor is not None:
        units = units.within(ancestor.path)
    return unit_workbook(units.with_coverage(today or timezone.localdate()))


def unit_workbook(units) -> bytes:
    """`units` (annotated by `HostUnitQuerySet.with_coverage`) as the unit export."""
    headers, widths = zip(*UNIT_EXPORT_COLUMNS, strict=True)
    return export_workbook("单位", headers, widths, unit_rows(units.order_by("name", "pk")))


def roster_members(user, ancestor=None):
    """The current members the user may see (within `ancestor`'s subtree if given)."""
    members = Member.objects.visible_to(user).current()
    if ancestor is not None:
        members = members.filter(org__path__startswith=ancestor.path)
    return members


def export_members(user, ancestor=None, progress=None) -> bytes:
    """The roster of current members the user may see (within `ancestor`'s subtree if given),
    ordered by organisation."""
    members = roster_members(user, ancestor).order_by("org__path", "id")
    return roster_workbook(user, members, progress)


def roster_workbook(user, members, progress=None) -> bytes:
    """`members` (visible to `user`, in the order given) as the roster, personal data as
    `user` may see it: the import/export page's roster and the member list's export.
    `progress(rows written)` is called after each chunk (a background job's progress)."""
    members = members.select_related("org")

    def rows():
        for sequence, member in enumerate(members.iterator(chunk_size=ITERATOR_CHUNK), start=1):
            shown = shown_personal_data(user, member)
            yield [sequence, *(cell(member, column, shown) for column in ROSTER_EXPORT_COLUMNS)]
            if progress and sequence % ITERATOR_CHUNK == 0:
                progress(sequence)

    headers = [column.header for column in ROSTER_COLUMNS]
    widths = [column.width for column in ROSTER_COLUMNS]
    return export_workbook("党员名册", headers, widths, rows())


def roster_job(job, ancestor=None):
    """The roster export as a background job (`core.jobs`): what a page would time out on."""
    user = job.created_by
    scope = Organization.objects.visible_to(user).get(pk=ancestor) if ancestor else None
    total = roster_members(user, scope).count()
    report(job, 0, total)
    content = export_members(user, scope, progress=lambda done: report(job, done))
    report(job, total)
    filename = f"{scope.name if scope else '全部'}党员名册{timezone.localdate():%Y%m%d}.xlsx"
    return JobOutcome(f"已导出党员{total}名", content, filename)
