"""Server-rendered registry pages. Every object is read through `visible_to(request.user)`
(another subtree answers 404) and every change goes through `services.py`."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from grassroots.core.access import Scope, can, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_response
from grassroots.core.excel.sheets import export_workbook
from grassroots.core.history import history_entries
from grassroots.core.pages import (
    PICKER_LIMIT,
    ancestors,
    form_page,
    page_of,
    picker_query,
    render_picker,
    require_edit,
    subtree_roots,
    visible_org,
)
from grassroots.core.replica import on_replica
from grassroots.orgs import forms, services
from grassroots.orgs.choices import OrgKind, OrgStatus, Severity
from grassroots.orgs.excel.exports import roster_workbook
from grassroots.orgs.filtersets import MemberFilter, OrganizationFilter, matching_findings
from grassroots.orgs.health import findings_for
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    post_order,
)
from grassroots.orgs.personal_data import member_history
from grassroots.orgs.tables import PERSONAL_FIELDS
from grassroots.orgs.views.units import unit_form

TREE_PAGE = 100  # children shown per request when a node is expanded
SEARCH_LIMIT = 50
MEMBERS_PAGE = 20
LIST_PAGE = 50
CHILDREN_SHOWN = 50


# --- helpers ---------------------------------------------------------------------------------


def visible_member(request, pk):
    return visible_or_404(request, Member.objects.select_related("org"), pk)


def with_breadcrumbs(user, orgs):
    """Attach `.trail` (visible ancestors' names) to each organisation, in one query."""
    wanted = {pk for org in orgs for pk in org.ancestor_ids()}
    names = dict(
        Organization.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", "name")
    )
    for org in orgs:
        org.trail = [names[pk] for pk in org.ancestor_ids() if pk in names]
    return orgs


# --- tree ------------------------------------------------------------------------------------


def count_of(queryset, field):
    """A correlated subquery counting `queryset` rows whose `field` is the outer row."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def tree_nodes(queryset):
    """Organisations with their number of children: one query per level expanded. Siblings
    come in registration order ("第2党支部" before "第10党支部", unlike sorting by name)."""
    return queryset.annotate(child_count=count_of(Organization.objects.all(), "parent")).order_by(
        "pk"
    )


@login_required
def org_tree(request):
    roots = list(tree_nodes(subtree_roots(request.user)))
    if len(roots) == 1 and roots[0].child_count:
        # A single root is shown opened: its children come with the page.
        roots[0].opened = children_page(roots[0], 0)
    return render(request, "orgs/tree.html", {"nodes": roots})


def children_page(org, offset):
    nodes = list(tree_nodes(org.children.all())[offset : offset + TREE_PAGE + 1])
    more = len(nodes) > TREE_PAGE
    return {
        "nodes": nodes[:TREE_PAGE],
        "parent": org,
        "next_offset": offset + TREE_PAGE if more else None,
    }


@login_required
def org_children(request, pk):
    org = visible_org(request, pk)
    try:
        offset = max(int(request.GET.get("offset") or 0), 0)
    except ValueError:
        offset = 0
    return render(request, "orgs/_tree_nodes.html", children_page(org, offset))


@login_required
def org_search(request):
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        results = list(
            Organization.objects.visible_to(request.user)
            .filter(Q(name__icontains=query) | Q(short_name__icontains=query))
            .order_by("path")[: SEARCH_LIMIT + 1]
        )
        with_breadcrumbs(request.user, results)
    return render(
        request,
        "orgs/_search_results.html",
        {"query": query, "results": results[:SEARCH_LIMIT], "more": len(results) > SEARCH_LIMIT},
    )


# --- pickers (htmx search-as-you-type) ------------------------------------------------------


PICKER_PURPOSES = {
    # purpose: (permission, filter)
    "view": (Permission.VIEW, Q()),
    "edit": (Permission.EDIT, Q(status=OrgStatus.ACTIVE)),
    "manage": (Permission.MANAGE_USERS, Q(status=OrgStatus.ACTIVE)),
    "transfer": (
        Permission.EDIT,
        Q(status=OrgStatus.ACTIVE) & ~Q(kind__in=[OrgKind.FUNCTIONAL_BRANCH, OrgKind.DEPARTMENT]),
    ),
}


@login_required
def org_picker(request):
    permission, condition = PICKER_PURPOSES.get(request.GET.get("purpose"), PICKER_PURPOSES["view"])
    orgs = Organization.objects.visible_to(request.user, permission).filter(condition)
    query = picker_query(request)
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    orgs = list(orgs.select_related("parent").order_by("depth", "name")[:PICKER_LIMIT])
    items = [
        {"pk": o.pk, "label": o.name, "hint": o.parent.name if o.parent_id else ""} for o in orgs
    ]
    return render_picker(request, items)


@login_required
def member_picker(request):
    """Members who may hold a post in `org`: its subtree's members and its functional
    members (two queries: an OR across both would defeat the indexes)."""
    org_id = request.GET.get("org", "")
    org = visible_org(request, int(org_id) if org_id.isdigit() else 0)
    visible = Member.objects.visible_to(request.user).current().select_related("org")
    query = picker_query(request)
    if query:
        visible = visible.filter(name__icontains=query)
    own = visible.filter(org__path__startswith=org.path).order_by("name", "pk")
    functional = visible.filter(memberships__org=org, memberships__ended_on__isnull=True).order_by(
        "name", "pk"
    )
    found = {*own[:PICKER_LIMIT], *functional[:PICKER_LIMIT]}
    members = sorted(found, key=lambda m: (m.name, m.pk))
    items = [{"pk": m.pk, "label": m.name, "hint": m.org.name} for m in members]
    return render_picker(request, items)


@login_required
def unit_picker(request):
    units = HostUnit.objects.visible_to(request.user, Permission.EDIT)
    query = picker_query(request)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(uscc__startswith=query.upper()))
    units = units.order_by("name", "pk")[:PICKER_LIMIT]
    items = [{"pk": u.pk, "label": u.name, "hint": u.uscc or ""} for u in units]
    return render_picker(request, items)


# --- organisation page -----------------------------------------------------------------------


@login_required
def org_detail(request, pk):
    org = visible_org(request, pk)
    user = request.user
    # Without the roster (the evaluator) the page shows the organisation but no people.
    shows_roster = can(user, Permission.ROSTER, org)
    term = org.terms.current().first()
    posts = []
    if term and shows_roster:
        posts = sorted(
            term.posts.filter(ended_on__isnull=True).select_related("member__org"),
            key=post_order,
        )
    members = org.members.current() if shows_roster else Member.objects.none()
    members = page_of(request, members.order_by("name", "pk"), MEMBERS_PAGE, "mpage")
    functional = org.functional_memberships.filter(
        ended_on__isnull=True, member__left_on__isnull=True
    )
    children = tree_nodes(org.children.all())  # each with its own member_count
    context = {
        "org": org,
        "trail": ancestors(user, org),
        "can_edit": can(user, Permission.EDIT, org),
        "unit_links": org.unit_links.filter(ended_on__isnull=True).select_related("unit"),
        "term": term,
        "posts": posts,
        "shows_roster": shows_roster,
        "members": members,
        "functional": functional.select_related("member__org") if shows_roster else [],
        "children": children[:CHILDREN_SHOWN],
        "child_total": org.children.count(),
        "findings": findings_for([org])[org.pk],
        "designations": org.weak_designations.order_by("-year"),
        "history": history_entries(org.history.select_related("history_user")),
    }
    return render(request, "orgs/org_detail.html", context)


def org_form_page(request, org, form, action, title, success="已保存", done=None):
    return form_page(
        request,
        "orgs/form_page.html",
        form,
        action,
        done or reverse("org-detail", args=[org.pk]),
        {"title": title, "org": org, "trail": ancestors(request.user, org)},
        success,
    )


@login_required
def org_create(request, pk):
    parent = visible_org(request, pk)
    require_edit(request, parent)
    form = forms.OrganizationForm(request.POST or None)
    return org_form_page(
        request,
        parent,
        form,
        lambda data: services.create_organization(request.user, parent=parent, **data),
        "新建下级组织",
        "已新建下级组织",
        done=lambda created: reverse("org-detail", args=[created.pk]),
    )


@login_required
def org_edit(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    initial = {name: getattr(org, name) for name in forms.ORG_FIELDS}
    form = forms.OrganizationForm(request.POST or None, initial=initial)

    def action(data):
        try:
            services.update_organization(request.user, org, **data)
        except ValidationError:
            org.refresh_from_db()  # the service set the fields before checking them
            raise

    return org_form_page(request, org, form, action, "修改组织信息")


@login_required
def org_move(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.MoveForm(request.POST or None, user=request.user)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.move_organization(request.user, org, data["parent"]),
        "调整上级组织",
        "已调整上级组织（下级组织随之移动）",
    )


@login_required
def org_dissolve(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.DissolveForm(request.POST or None, initial={"dissolved_on": timezone.localdate()})
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.dissolve_organization(
            request.user, org, data["dissolved_on"], data["reason"]
        ),
        "撤销党组织",
        "已撤销（记录保留）",
    )


@login_required
def org_designate_weak(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.WeakDesignationForm(
        request.POST or None, initial={"year": timezone.localdate().year}
    )
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.designate_weak(request.user, org, data["year"], data["reason"]),
        "认定软弱涣散党组织",
    )


# --- host units ------------------------------------------------------------------------------


@login_required
def unit_add(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.HostUnitForm(request.POST or None)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.save_host_unit(request.user, HostUnit(**data), org),
        "登记所在单位",
        "已登记并关联单位",
    )


@login_required
def unit_link(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.LinkUnitForm(request.POST or None, user=request.user)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.link_host_unit(request.user, org, data["unit"]),
        "关联已登记的单位",
        "已关联单位",
    )


def current_link_to_edit(request, pk):
    """A current host-unit link whose organisation the user edits (404 / 403 otherwise)."""
    link = visible_or_404(
        request,
        HostUnitLink.objects.filter(ended_on__isnull=True).select_related("org", "unit"),
        pk,
    )
    require_edit(request, link.org)
    return link


@login_required
def unit_edit(request, pk):
    link = current_link_to_edit(request, pk)
    form, action = unit_form(request, link.unit)
    return org_form_page(request, link.org, form, action, f"修改“{link.unit.name}”")


@login_required
def unit_unlink(request, pk):
    link = current_link_to_edit(request, pk)
    form = forms.EndDateForm(request.POST or None)
    return org_form_page(
        request,
        link.org,
        form,
        lambda data: services.unlink_host_unit(request.user, link, data["ended_on"]),
        f"解除与“{link.unit.name}”的关联",
        "已解除关联",
    )


# --- committee -------------------------------------------------------------------------------


@login_required
def term_start(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.TermForm(request.POST or None)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.start_term(
            request.user, org, data["started_on"], data["number"], data["planned_end_on"]
        ),
        "新一届委员会",
        "已登记新一届委员会",
    )


@login_required
def post_appoint(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    term = org.terms.current().first()
    if term is None:
        messages.error(request, "请先登记本届委员会")
        return redirect("org-detail", org.pk)
    form = forms.PostForm(
        request.POST or None,
        user=request.user,
        org=org,
        initial={"started_on": max(term.started_on, timezone.localdate())},
    )
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.appoint_post(
            request.user, term, data["member"], data["post"], data["started_on"]
        ),
        f"{term}委员会任职",
        "已登记任职",
    )


@login_required
def post_end(request, pk):
    post = visible_or_404(
        request,
        Post.objects.filter(ended_on__isnull=True).select_related("term__org", "member"),
        pk,
    )
    org = post.term.org
    require_edit(request, org)
    form = forms.EndDateForm(request.POST or None)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.end_post(request.user, post, data["ended_on"]),
        f"免去{post.member.name}的{post.get_post_display()}职务",
        "已登记离任",
    )


# --- members ---------------------------------------------------------------------------------


@login_required
def member_create(request, pk):
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.MemberForm(request.POST or None)
    return org_form_page(
        request,
        org,
        form,
        lambda data: services.create_member(request.user, org=org, **data),
        "登记党员",
        "已登记党员",
        done=lambda member: reverse("member-detail", args=[member.pk]),
    )


def member_detail_fields(member):
    """(label, value) of every field shown on the member page; personal data comes from the
    `personal` tag so that it is masked per role."""
    shown = []
    for name in forms.MEMBER_FIELDS:
        if name in PERSONAL_FIELDS or name == "resume":
            shown.append((name, Member._meta.get_field(name).verbose_name, None))
            continue
        field = Member._meta.get_field(name)
        value = getattr(member, name)
        if field.choices:
            value = getattr(member, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = "是" if value else "否"
        shown.append((name, field.verbose_name, value))
    return shown


@login_required
def member_detail(request, pk):
    member = visible_member(request, pk)
    user = request.user
    context = {
        "member": member,
        "fields": member_detail_fields(member),
        "can_edit": can(user, Permission.EDIT, member.org),
        "trail": ancestors(user, member.org),
        "posts": Post.objects.visible_to(user)
        .filter(member=member)
        .select_related("term__org")
        .order_by("-started_on", "-pk"),
        "memberships": member.memberships.select_related("org").order_by("-started_on", "-pk"),
        "transfers": member.transfers.select_related("from_org", "to_org", "recorded_by"),
        "history": member_history(user, member),
        "flags_form": forms.FlagsForm(
            initial={"is_mobile": member.is_mobile, "is_lost_contact": member.is_lost_contact}
        ),
    }
    return render(request, "orgs/member_detail.html", context)


def member_form_page(request, member, form, action, title, success="已保存"):
    return form_page(
        request,
        "orgs/form_page.html",
        form,
        action,
        reverse("member-detail", args=[member.pk]),
        {
            "title": title,
            "member": member,
            "org": member.org,
            "trail": ancestors(request.user, member.org),
        },
        success,
    )


def editable_member(request, pk):
    member = visible_member(request, pk)
    require_edit(request, member.org)
    return member


@login_required
def member_edit(request, pk):
    member = editable_member(request, pk)
    initial = {name: getattr(member, name) for name in forms.MEMBER_FIELDS}
    form = forms.MemberForm(request.POST or None, initial=initial)

    def action(data):
        try:
            services.update_member(request.user, member, **data)
        except ValidationError:
            member.refresh_from_db()  # the service set the fields before checking them
            raise

    return member_form_page(request, member, form, action, f"修改党员信息：{member.name}")


@login_required
def member_flags(request, pk):
    member = editable_member(request, pk)
    if request.method != "POST":
        return redirect("member-detail", member.pk)
    form = forms.FlagsForm(request.POST)

    def action(data):
        try:
            services.update_member(request.user, member, **data)
        except ValidationError:
            member.refresh_from_db()
            raise

    return member_form_page(request, member, form, action, "流动党员、失联党员标记")


@login_required
def member_transfer(request, pk):
    member = editable_member(request, pk)
    form = forms.TransferForm(request.POST or None, user=request.user)
    return member_form_page(
        request,
        member,
        form,
        lambda data: services.transfer_member(
            request.user, member, data["to_org"], data["transferred_on"], data["reason"]
        ),
        f"转接组织关系：{member.name}",
        "已转接组织关系",
    )


@login_required
def member_leave(request, pk):
    member = editable_member(request, pk)
    form = forms.LeaveForm(request.POST or None)
    return member_form_page(
        request,
        member,
        form,
        lambda data: services.record_member_leaving(
            request.user, member, data["left_on"], data["reason"]
        ),
        f"登记离开：{member.name}",
        "已登记离开（记录保留）",
    )


@login_required
def membership_add(request, pk):
    member = visible_member(request, pk)
    if not Scope.of(request.user).has_any(Permission.EDIT):
        raise PermissionDenied("您没有录入数据的权限")
    form = forms.MembershipForm(request.POST or None, user=request.user)
    return member_form_page(
        request,
        member,
        form,
        lambda data: services.add_membership(request.user, member, data["org"], data["started_on"]),
        f"参加其他党组织的组织生活：{member.name}",
        "已登记参加组织生活",
    )


@login_required
def membership_end(request, pk):
    membership = visible_or_404(
        request,
        Membership.objects.filter(ended_on__isnull=True).select_related("member__org", "org"),
        pk,
    )
    require_edit(request, membership.org)
    form = forms.EndDateForm(request.POST or None)
    return member_form_page(
        request,
        membership.member,
        form,
        lambda data: services.end_membership(request.user, membership, data["ended_on"]),
        f"结束在“{membership.org.name}”的组织生活",
        "已结束",
    )


MEMBER_LIST_FILTERS = [
    "search",
    "ancestor",
    "status",
    "is_mobile",
    "is_lost_contact",
    "include_left",
]
# Shown only when a link (the statistics page's drill-down) sets them, so that the form
# stays short on a phone.
MEMBER_DRILL_FILTERS = [
    "gender",
    "education",
    "ethnicity",
    "work_unit",
    "born_from",
    "born_to",
    "joined_from",
    "joined_to",
]


@login_required
def member_list(request):
    members = Member.objects.visible_to(request.user).select_related("org")
    drill = [name for name in MEMBER_DRILL_FILTERS if request.GET.get(name)]
    filters = MemberFilter.for_page(request, members, MEMBER_LIST_FILTERS + drill)
    # Grouped by organisation: the (org, status) index serves this order on large tables.
    members = filters.qs.order_by("org_id", "name", "pk")
    if wants_xlsx(request):
        with on_replica():
            return xlsx_response(roster_workbook(request.user, members), "党员名册.xlsx")
    page = page_of(request, members, LIST_PAGE)
    return render(request, "orgs/member_list.html", {"form": filters.form, "page": page})


# --- health check across a subtree -----------------------------------------------------------


# The organisation fields the health check reads; loading only these keeps a large subtree
# cheap to read.
HEALTH_FIELDS = ("id", "name", "path", "kind", "category", "status")


def subtree_findings(orgs):
    """[(org, finding)] of the active organisations among `orgs`, in tree order."""
    orgs = list(orgs.active().only(*HEALTH_FIELDS).order_by("path"))
    findings = findings_for(orgs)
    return [(org, finding) for org in orgs for finding in findings[org.pk]]


def severity_summary(rows):
    counts = Counter(finding.severity for _, finding in rows)
    return [(severity, counts.get(severity.value, 0)) for severity in Severity]


@login_required
def check_summary(request):
    """Finding counts by severity across the user's subtree (loaded by the home page with
    htmx, so that the page itself does not wait for a large subtree's health check)."""
    summary = severity_summary(subtree_findings(Organization.objects.visible_to(request.user)))
    return render(request, "orgs/_check_summary.html", {"summary": summary})


def check_workbook(rows):
    """The findings as the page lists them (the codes stay in the API)."""
    body = ([org.name, Severity(f.severity).label, f.message] for org, f in rows)
    content = export_workbook("健康检查", ["党组织", "问题等级", "问题"], [36, 10, 80], body)
    return xlsx_response(content, "健康检查发现的问题.xlsx")


@login_required
def check_list(request):
    user = request.user
    chosen = None  # named in the title; another subtree's organisation answers 404
    ancestor = request.GET.get("ancestor")
    if ancestor and ancestor.isdigit():
        chosen = visible_org(request, ancestor)
    filters = OrganizationFilter.for_page(
        request, Organization.objects.visible_to(user), ["ancestor"]
    )
    rows = subtree_findings(filters.qs)
    summary = severity_summary(rows)
    # Severity and code narrow the findings, which are computed, not queried.
    form = forms.CheckFilterForm(request.GET or None, codes=sorted({f.code for _, f in rows}))
    if form.is_valid():
        rows = matching_findings(rows, form.cleaned_data["severity"], form.cleaned_data["code"])
    if wants_xlsx(request):
        return check_workbook(rows)
    page = page_of(request, rows, LIST_PAGE)
    context = {"forms": [filters.form, form], "page": page, "chosen": chosen, "summary": summary}
    return render(request, "orgs/check_list.html", context)
