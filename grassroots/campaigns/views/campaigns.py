"""Pages of setting up a campaign (docs/decisions/0027-campaigns.md): the list, the create and
edit form, the dashboard (stages, per-unit progress, checks, a chart of quota against
nominations), the stage moved forward, and the quota table edited in place or imported and
exported as seed 000 附件1. Everything is read through `visible_to` (another subtree: 404);
every change goes through `services.campaigns`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from grassroots.core.access import Scope, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import UploadForm, xlsx_response
from grassroots.core.excel.sheets import export_workbook
from grassroots.core.pages import form_page, page_of
from grassroots.orgs.choices import Severity

from ..choices import InspectionState, NoticeState, StageCode
from ..filtersets import CampaignFilter
from ..forms.campaigns import CampaignForm
from ..models import AwardLevel, Campaign, Inspection, Objection
from ..quota_table import import_quotas, quota_workbook
from ..services import campaigns as services
from ..services.applications import awaiting_opinion, awaiting_ranking
from ..services.notices import UNRESOLVED

LIST_PAGE = 50
SEVERITY_CLASSES = {Severity.ERROR: "danger", Severity.WARNING: "warning", Severity.INFO: "info"}
LIST_HEADERS = [
    "活动名称",
    "类型",
    "组织单位",
    "年度",
    "当前阶段",
    "申报截止日期",
    "称号有效期（年）",
]


def visible_campaign(request, pk):
    levels = AwardLevel.objects.select_related("chosen_from")
    campaigns = Campaign.objects.select_related("organiser").prefetch_related(
        Prefetch("levels", queryset=levels, to_attr="level_list")
    )
    return visible_or_404(request, campaigns, pk)


def managed_campaign(request, pk):
    """The campaign, to an editor of its organiser; 403 to others of its field."""
    campaign = visible_campaign(request, pk)
    if not services.may_manage(request.user, campaign):
        raise PermissionDenied(services.NOT_ORGANISER)
    return campaign


@login_required
def campaign_todo(request):
    """What waits for the user in the campaigns, for the home page (htmx): opinions to
    sign, units to rank, inspections of the user's teams to record, objections to a
    running notice to resolve, survey results to import; one query each."""
    user = request.user
    work = [
        ("待签署意见的申报", awaiting_opinion(user).count(), reverse("application-review")),
        ("待排序上报的申报", awaiting_ranking(user).count(), reverse("application-review")),
        (
            "待录入的考察",
            Inspection.objects.filter(team=user, state=InspectionState.ASSIGNED).count(),
            reverse("inspection-list"),
        ),
    ]
    objections = (
        Objection.objects.visible_to(user, Permission.EDIT)
        .filter(notice__state=NoticeState.RUNNING, state__in=UNRESOLVED)
        .values("notice")
        .annotate(count=Count("pk"))
        .order_by("notice")
    )
    for row in objections:
        url = reverse("notice-detail", args=[row["notice"]])
        work.append(("待处理的公示异议", row["count"], url))
    surveys = Campaign.objects.visible_to(user, Permission.EVALUATE).filter(stage=StageCode.SURVEY)
    for campaign in surveys.order_by("-year", "pk"):
        url = reverse("survey-results-import", args=[campaign.pk])
        work.append((f"待导入测评结果：{campaign.title}", None, url))
    shown = [(label, count, url) for label, count, url in work if count is None or count]
    return render(request, "campaigns/campaigns_todo.html", {"work": shown})


def error_text(exc):
    return "；".join(exc.messages)


# --- the list ----------------------------------------------------------------------------------


def filtered_campaigns(request):
    campaigns = Campaign.objects.visible_to(request.user).select_related("organiser")
    return CampaignFilter.for_page(request, campaigns, ["year", "kind", "stage"])


@login_required
def campaign_list(request):
    filters = filtered_campaigns(request)
    page = page_of(request, filters.qs.order_by("-year", "-pk"), LIST_PAGE)
    context = {
        "page": page,
        "form": filters.form,
        "can_create": Scope.of(request.user).has_any(Permission.EDIT),
        "query": request.GET.urlencode(),
    }
    return render(request, "campaigns/campaigns_list.html", context)


@login_required
def campaign_list_export(request):
    campaigns = filtered_campaigns(request).qs.order_by("-year", "-pk")
    rows = (
        [
            c.title,
            c.get_kind_display(),
            c.organiser.name,
            c.year,
            c.get_stage_display(),
            c.application_deadline,
            c.validity_years,
        ]
        for c in campaigns
    )
    content = export_workbook("示范创建活动", LIST_HEADERS, [40, 14, 24, 8, 12, 14, 10], rows)
    return xlsx_response(content, "示范创建活动.xlsx")


# --- creating and changing ---------------------------------------------------------------------


@login_required
def campaign_new(request):
    if not Scope.of(request.user).has_any(Permission.EDIT):
        raise PermissionDenied("您没有创建示范创建活动的权限")
    form = CampaignForm(request.POST or None, user=request.user)

    def action(data):
        return services.create_campaign(request.user, **form.service_kwargs())

    context = {"title": "新建示范创建活动", "campaign": None}
    return form_page(
        request,
        "campaigns/campaigns_form.html",
        form,
        action,
        lambda campaign: campaign_url(campaign),
        context,
        success="已创建活动：请分配推荐名额",
    )


@login_required
def campaign_edit(request, pk):
    campaign = managed_campaign(request, pk)
    form = CampaignForm(request.POST or None, user=request.user, campaign=campaign)

    def action(data):
        return services.update_campaign(request.user, campaign, **form.service_kwargs())

    context = {"title": f"修改：{campaign.title}", "campaign": campaign}
    return form_page(
        request, "campaigns/campaigns_form.html", form, action, campaign_url(campaign), context
    )


def campaign_url(campaign):
    return reverse("campaign-detail", args=[campaign.pk])


# --- the dashboard -----------------------------------------------------------------------------


def progress_table(campaign, levels):
    """The per-unit rows with their quotas in the order of the levels, and the totals."""
    rows = services.unit_progress(campaign)
    base_codes = [level.code for level in levels if level.chosen_from_id is None]
    for row in rows:
        row["quota_cells"] = [row["quotas"].get(level.code) for level in levels]
        row["base_quota"] = sum(row["quotas"].get(code, 0) for code in base_codes)
    totals = {
        "quota_cells": [sum(r["quotas"].get(level.code, 0) for r in rows) for level in levels],
        **{name: sum(r[name] for r in rows) for name, _ in services.PROGRESS_COLUMNS},
    }
    return rows, totals


@login_required
def campaign_detail(request, pk):
    campaign = visible_campaign(request, pk)
    levels = campaign.level_list
    stages = services.stages_of(campaign)
    codes = [stage.code for stage in stages]
    index = codes.index(campaign.stage) if campaign.stage in codes else 0
    for position, stage in enumerate(stages):
        stage.current = position == index
        stage.done = position < index
        stage.late = stage.is_late() if position <= index else False
    checks = [
        (check, SEVERITY_CLASSES.get(check.severity, "secondary"))
        for check in services.campaign_checks(campaign)
    ]
    rows, totals = progress_table(campaign, levels)
    chart = {
        "units": [row["unit"].short_name or row["unit"].name for row in rows],
        "quota": [row["base_quota"] for row in rows],
        "nominated": [row["nominated"] for row in rows],
    }
    context = {
        "campaign": campaign,
        "levels": levels,
        "stages": stages,
        "next_stage": stages[index + 1] if index + 1 < len(stages) else None,
        "checks": checks,
        "rows": rows,
        "totals": totals,
        "columns": services.PROGRESS_COLUMNS,
        "chart": chart,
        "can_manage": services.may_manage(request.user, campaign),
    }
    return render(request, "campaigns/campaigns_detail.html", context)


@login_required
def campaign_progress_export(request, pk):
    campaign = visible_campaign(request, pk)
    levels = campaign.level_list
    rows, _ = progress_table(campaign, levels)
    headers = [
        "推荐单位",
        *(f"{level.name}名额" for level in levels),
        *(label for _, label in services.PROGRESS_COLUMNS),
    ]
    body = (
        [
            row["unit"].name,
            *row["quota_cells"],
            *(row[name] for name, _ in services.PROGRESS_COLUMNS),
        ]
        for row in rows
    )
    widths = [30] + [14] * (len(levels) + len(services.PROGRESS_COLUMNS))
    content = export_workbook("推进情况", headers, widths, body)
    return xlsx_response(content, f"{campaign.title}推进情况.xlsx")


@login_required
@require_POST
def campaign_advance(request, pk):
    campaign = managed_campaign(request, pk)
    try:
        services.advance_stage(request.user, campaign)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已进入“{campaign.get_stage_display()}”阶段")
    return redirect(campaign_url(campaign))


# --- quotas ------------------------------------------------------------------------------------


def quota_rows(campaign, levels):
    """The units of the table: those with a quota and the units directly below the
    organiser not yet given one."""
    quotas = {}
    for quota in campaign.quotas.all():
        quotas.setdefault(quota.unit_id, {})[quota.level_id] = quota.quota
    units = services.recommending_units(campaign).filter(parent=campaign.organiser)
    units = units | services.recommending_units(campaign).filter(pk__in=quotas)
    return [
        {
            "unit": unit,
            "cells": [(level, quotas.get(unit.pk, {}).get(level.pk)) for level in levels],
        }
        for unit in units.order_by(*services.UNIT_ORDER).only("pk", "name", "path")
    ]


def posted_quotas(request, campaign, levels):
    """The table's cells as service rows, and the cells that are not numbers."""
    rows, errors = [], []
    units = services.recommending_units(campaign).filter(pk__in=_posted_units(request))
    for unit in units.order_by("path").only("pk", "name"):
        for level in levels:
            text = request.POST.get(f"quota-{unit.pk}-{level.pk}", "").strip()
            if not text:
                continue
            if not text.isdigit():
                errors.append(f"{unit.name}的“{level.name}”名额“{text}”不是不小于0的整数")
                continue
            rows.append({"unit": unit.pk, "level": level.code, "quota": int(text)})
    return rows, errors


def _posted_units(request):
    ids = set()
    for key in request.POST:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "quota" and parts[1].isdigit():
            ids.add(int(parts[1]))
    return ids


def render_quotas(request, campaign, upload=None, result=None, errors=(), status=200):
    levels = campaign.level_list
    context = {
        "campaign": campaign,
        "levels": levels,
        "rows": quota_rows(campaign, levels),
        "upload": upload or UploadForm(),
        "result": result,
        "errors": errors,
        "can_manage": services.may_manage(request.user, campaign),
    }
    return render(request, "campaigns/campaigns_quotas.html", context, status=status)


@login_required
def campaign_quotas(request, pk):
    campaign = visible_campaign(request, pk)
    if request.method != "POST":
        return render_quotas(request, campaign)
    campaign = managed_campaign(request, pk)
    rows, errors = posted_quotas(request, campaign, campaign.level_list)
    if not errors:
        try:
            services.set_quotas(request.user, campaign, rows)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "已保存推荐名额")
            return redirect("campaign-quotas", campaign.pk)
    return render_quotas(request, campaign, errors=errors, status=400)


@login_required
@require_POST
def campaign_quotas_import(request, pk):
    campaign = managed_campaign(request, pk)
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return render_quotas(request, campaign, upload=upload, status=400)
    result = import_quotas(request.user, campaign, upload.cleaned_data["file"])
    if result.errors:
        return render_quotas(request, campaign, upload=upload, result=result, status=400)
    messages.success(request, f"导入成功：{result.created}个推荐名额")
    return redirect(campaign_url(campaign))


@login_required
def campaign_quotas_export(request, pk):
    campaign = visible_campaign(request, pk)
    return xlsx_response(quota_workbook(campaign), f"{campaign.title}推荐名额分配表.xlsx")


urlpatterns = [
    path("campaigns/", campaign_list, name="campaign-list"),
    path("campaigns/todo/", campaign_todo, name="campaign-todo"),
    path("campaigns/export/", campaign_list_export, name="campaign-list-export"),
    path("campaigns/new/", campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/export/", campaign_progress_export, name="campaign-progress-export"),
    path("campaigns/<int:pk>/advance/", campaign_advance, name="campaign-advance"),
    path("campaigns/<int:pk>/quotas/", campaign_quotas, name="campaign-quotas"),
    path(
        "campaigns/<int:pk>/quotas/import/", campaign_quotas_import, name="campaign-quotas-import"
    ),
    path(
        "campaigns/<int:pk>/quotas/export/", campaign_quotas_export, name="campaign-quotas-export"
    ),
]
