"""Pages of compliance: an organisation's standing against a standard (items, overdue
warnings, the year by month) and the matrix of a subtree's organisations × items, with its
Excel export."""

import math
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.assessments.choices import ItemStatus
from grassroots.assessments.compliance import (
    STUDY_HOURS_PACE,
    compliance_for,
    first_measured,
    measured_ids,
    set_items,
    summary,
    warnings_for,
)
from grassroots.assessments.measurement import metric_evidence
from grassroots.assessments.stored import stored_compliance
from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_response
from grassroots.core.excel.sheets import export_workbook
from grassroots.core.jobs import start_job
from grassroots.core.pages import visible_org
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs.models import Organization
from grassroots.orgs.rules import FORMED_KINDS
from grassroots.standards.metrics import METRICS, describe, format_number, short_name
from grassroots.standards.models import StandardSet, applicable_sets

MATRIX_PAGE = 500
FIRST_YEAR = 2000


def chosen_year(request):
    today = timezone.localdate()
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


def chosen_set(request, category=None):
    """The set named by `?standard=` (latest published version of that code), else the
    newest set for the category; None when there is none."""
    sets = applicable_sets(category) if category else None
    code = request.GET.get("standard", "")
    if code:
        found = StandardSet.objects.latest_published().filter(code=code).first()
        if found is None:
            raise Http404("没有该标准")
        return found, sets
    return (first_measured(sets) if sets else None), sets


def widest_set(ancestor):
    """For a subtree whose own category names no set (a department's): the newest set that
    measures something and applies to the most of its organisations."""
    by_category = Counter(
        dict(
            Organization.objects.active()
            .filter(path__startswith=ancestor.path, kind__in=FORMED_KINDS)
            .order_by()
            .values("category")
            .annotate(n=Count("pk"))
            .values_list("category", "n")
        )
    )
    sets = list(StandardSet.objects.latest_published().order_by("-year", "code"))
    measured = measured_ids(sets)
    return max(
        sets,
        key=lambda s: (s.pk in measured, sum(by_category[c] for c in s.categories)),
        default=None,
    )


def shown_value(value, metric):
    if value is None:
        return "—"
    unit = METRICS[metric].unit if metric in METRICS else ""
    rounded = value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value
    return f"{format_number(rounded)}{unit if unit in ('%', 'A') else ' ' + unit}".strip()


@login_required
def org_standing(request, pk):
    org = visible_org(request, pk)
    year = chosen_year(request)
    today = timezone.localdate()
    standard, sets = chosen_set(request, org.category)
    groups, counts = [], {}
    if standard is not None:
        results = compliance_for(Organization.objects.filter(pk=org.pk), standard, year)[org.pk]
        counts = summary(results)
        by_dimension = defaultdict(list)
        for result in results:
            item = result.item
            requirement = (
                describe(item.metric, item.comparator, item.threshold) if item.metric else ""
            )
            by_dimension[item.dimension].append(
                (
                    result,
                    shown_value(result.value, item.metric),
                    requirement,
                    pace_note(result),
                )
            )
        groups = list(by_dimension.items())
    context = {
        "org": org,
        "year": year,
        "years": range(today.year, today.year - 5, -1),
        "standard": standard,
        "sets": sets,
        "groups": groups,
        "counts": counts,
        "warnings": folded(warnings_for(org, today)) if year == today.year else [],
        "trend": monthly_trend(org, year),
        "can_edit": org.is_active and can(request.user, Permission.EDIT, org),
    }
    return render(request, "assessments/standing.html", context)


def pace_note(result):
    """What an item counting months or quarters asks for so far in a year still running:
    "每月" asks for 12, which no organisation has before December."""
    if not result.paced:
        return ""
    unit = METRICS[result.item.metric].unit
    so_far = "截至上季度" if unit == "个季度" else "截至上月"
    return f"按进度{so_far}应达{math.ceil(result.due)}{unit}"


def folded(warnings):
    """The warnings as rows for the page, the members behind on study hours folded into one
    row at the place of the first (one row each pushed the items off a phone's screen)."""
    behind = [w for w in warnings if w.code == STUDY_HOURS_PACE]
    rows = []
    for warning in warnings:
        if warning.code != STUDY_HOURS_PACE:
            rows.append({"light": warning.light, "message": warning.message})
        elif warning is behind[0]:
            rows.append(
                {
                    "light": warning.light,
                    "message": f"{len(behind)}名党员本年学时落后于进度",
                    "details": [w.message for w in behind],
                }
            )
    return rows


def monthly_trend(org, year):
    """Meetings per month by type and study hours credited per month, for the chart."""
    by_type = Meeting.objects.count_by_month(org, year)
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "series": [
            {"name": MeetingType(kind).label, "data": counts} for kind, counts in by_type.items()
        ],
        "hours": Attendance.objects.study_hours_by_month(org, year),
    }


@login_required
def metric_evidence_view(request, pk, code):
    org = visible_org(request, pk)
    if code not in METRICS:
        raise Http404("没有该指标")
    year = chosen_year(request)
    context = {
        "org": org,
        "year": year,
        "metric": METRICS[code],
        "evidence": metric_evidence(org, year, code),
    }
    return render(request, "assessments/_evidence.html", context)


# --- the subtree matrix ----------------------------------------------------------------------


def matrix_orgs(ancestor, standard):
    """The formed organisations of the subtree in the set's categories, in tree order."""
    return (
        Organization.objects.active()
        .filter(path__startswith=ancestor.path, kind__in=FORMED_KINDS)
        .filter(category__in=standard.categories)
        .order_by("path")
    )


def sort_rows(rows, items, key):
    """Rows ordered by `key`: "name", "met" (most items met first) or "item-<id>" (the
    item's value, highest first; organisations without one last)."""
    if key == "met":
        return sorted(rows, key=lambda r: -r["counts"][ItemStatus.MET])
    if key.startswith("item-") and key[5:].isdigit():
        column = next((i for i, item in enumerate(items) if item.pk == int(key[5:])), None)
        if column is not None:
            return sorted(
                rows,
                key=lambda r: (
                    r["results"][column].value is None,
                    -(r["results"][column].value or 0),
                ),
            )
    return rows


def may_recompute(user):
    """An administrator of every root organisation: a full recompute covers the whole
    tree."""
    roots = Organization.objects.filter(parent=None).values_list("path", flat=True)
    scope = Scope.of(user)
    return bool(roots) and all(scope.covers(Permission.MANAGE_USERS, path) for path in roots)


@login_required
@require_POST
def recompute(request, pk):
    """Start the full recompute of the year (and the standard) the matrix shows, as a
    background job; its page shows the progress."""
    visible_org(request, pk)
    if not may_recompute(request.user):
        raise PermissionDenied("只有最高层级党组织的管理员可以重新计算全部达标情况")
    year = chosen_year(request)
    standard = request.POST.get("standard", "")
    job = start_job(
        request.user,
        f"重新计算{year}年度达标情况",
        "grassroots.assessments.stored.recompute_job",
        year=year,
        standard=standard,
    )
    return redirect("job-detail", job.pk)


@login_required
def compliance_matrix(request, pk):
    ancestor = visible_org(request, pk)
    year = chosen_year(request)
    standard, _ = chosen_set(request, ancestor.category)
    standard = standard or widest_set(ancestor)
    if standard is None:
        raise Http404("尚未加载任何标准")
    orgs = matrix_orgs(ancestor, standard).filter(
        pk__in=Organization.objects.visible_to(request.user).values("pk")
    )
    page = Paginator(orgs.values_list("pk", flat=True), MATRIX_PAGE).get_page(
        request.GET.get("page")
    )
    page_ids = list(page.object_list)  # in tree order
    names = dict(Organization.objects.filter(pk__in=page_ids).values_list("pk", "name"))
    items = set_items(standard)
    results = stored_compliance(page_ids, standard, year)
    rows = [
        {"org_id": org_id, "name": names[org_id], "results": found, "counts": summary(found)}
        for org_id, found in results.items()
    ]
    sort = request.GET.get("sort", "name")
    rows = sort_rows(rows, items, sort)
    if wants_xlsx(request):
        return matrix_workbook(ancestor, standard, year, items, rows)
    context = {
        "ancestor": ancestor,
        "standard": standard,
        "sets": StandardSet.objects.latest_published().order_by("-year", "code"),
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "items": items,
        "rows": [
            {**row, "cells": [(r, shown_value(r.value, r.item.metric)) for r in row["results"]]}
            for row in rows
        ],
        "page": page,
        "sort": sort,
        "may_recompute": may_recompute(request.user),
    }
    chart = context["chart"] = matrix_chart(items, rows)
    # The numbers beside the chart, readable without a tooltip (never shown on a phone).
    numbers = ("items", "met", "not_met", "no_data")
    context["chart_rows"] = list(zip(*(chart[key] for key in numbers), strict=True))
    return render(request, "assessments/matrix.html", context)


def matrix_chart(items, rows):
    """Per measurable item, how many organisations meet it, miss it or have no data; and
    how many organisations meet what share of the measurable items."""
    measurable = [i for i, item in enumerate(items) if item.metric]
    per_item = [Counter(row["results"][i].status for row in rows) for i in measurable]
    buckets = Counter()
    # Without a measurable item there is no share: the chart stays empty rather than putting
    # every organisation in the lowest band.
    if measurable:
        for row in rows:
            met = sum(1 for i in measurable if row["results"][i].status == ItemStatus.MET)
            buckets[min(met * 100 // len(measurable) // 25, 3)] += 1
    return {
        "items": [item_name(items[i]) for i in measurable],
        "met": [c[ItemStatus.MET] for c in per_item],
        "not_met": [c[ItemStatus.NOT_MET] for c in per_item],
        "no_data": [c[ItemStatus.NO_DATA] for c in per_item],
        "shares": [
            {"name": label, "value": buckets[b]}
            for b, label in enumerate(["不足25%", "25%–49%", "50%–74%", "75%及以上"])
        ],
    }


def item_name(item):
    return short_name(item.code, item.metric, item.text)


def matrix_workbook(ancestor, standard, year, items, rows):
    headers = ["党组织", "达标项", "未达标项", "无数据项"] + [item_name(item) for item in items]
    body = (
        [
            row["name"],
            *(row["counts"][s] for s in (ItemStatus.MET, ItemStatus.NOT_MET, ItemStatus.NO_DATA)),
        ]
        + [
            r.label + (f"（{shown_value(r.value, r.item.metric)}）" if r.item.metric else "")
            for r in row["results"]
        ]
        for row in rows
    )
    content = export_workbook("达标情况", headers, [30, 8, 8, 8] + [16] * len(items), body)
    return xlsx_response(content, f"{ancestor.name}{year}年{standard.title}达标情况.xlsx")
