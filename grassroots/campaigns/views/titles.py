"""Pages of the decision and the titles: the decision (the list picked per level from the
approved applications, the counts against the number to name), its 命名通知 and
certificates (.docx, PDF where LibreOffice exists); the titles register with its export, a
title's page (history, re-reviews, warnings and their tasks, the organiser's actions); spot
checks of the titles in force (drawn, printed, exported); the public list of titles (no
login, phone first); the filing register of a filing campaign.
Everything is read through `visible_to` (another subtree: 404); every change goes through
`services.titles`."""

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.assessments.models import InspectionSample
from grassroots.assessments.services import may_sample
from grassroots.core.access import Scope, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import xlsx_response
from grassroots.core.excel.sheets import export_workbook
from grassroots.core.forms import apply_service_errors
from grassroots.core.history import history_entries
from grassroots.core.pages import page_of
from grassroots.documents.pdf import PdfUnavailable, docx_to_pdf, pdf_available
from grassroots.elections.views.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, file_response
from grassroots.orgs.models import Organization

from ..choices import ApplicationState, CampaignKind, TitleState
from ..documents import titles as documents
from ..filtersets import TitleFilter
from ..forms.applications import team_choices
from ..forms.titles import (
    DecisionForm,
    FilingForm,
    ReReviewForm,
    RevokeForm,
    SpotCheckForm,
    WarnForm,
)
from ..models import Application, Campaign, Decision, Filing, Inspection, Quota, Title
from ..services import titles as services

LIST_PAGE = 50
PUBLIC_PAGE = 30
TITLE_RELATED = ("campaign__organiser", "level", "org")


def visible_campaign(request, pk):
    return visible_or_404(request, Campaign.objects.select_related("organiser"), pk)


def document_response(content, filename, as_pdf):
    """The .docx, or its PDF where LibreOffice is installed (503 without it)."""
    if not as_pdf:
        return file_response(content, DOCX_CONTENT_TYPE, filename + ".docx")
    try:
        pdf = docx_to_pdf(content)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return file_response(pdf, PDF_CONTENT_TYPE, filename + ".pdf")


# --- the decision -----------------------------------------------------------------------------


def candidates(campaign, levels):
    """Per level, the approved applications it may name: those of the level, or for a
    level chosen from another, those nominated for it (two queries)."""
    approved = list(
        Application.objects.filter(campaign=campaign, state=ApplicationState.APPROVED)
        .select_related("unit")
        .order_by("unit__path", "rank", "pk")
    )
    return [
        (
            level,
            [
                a
                for a in approved
                if (a.top_level_id == level.pk if level.chosen_from_id else a.level_id == level.pk)
            ],
        )
        for level in levels
    ]


def decision_titles(campaign):
    return list(
        Title.objects.filter(campaign=campaign)
        .select_related("level", "campaign__organiser")
        .order_by("level__order", "certificate_number")
    )


@login_required
def decision_page(request, pk):
    user = request.user
    campaign = visible_campaign(request, pk)
    decision = Decision.objects.filter(campaign=campaign).select_related("recorded_by").first()
    levels = list(campaign.levels.select_related("chosen_from").order_by("order", "pk"))
    can_decide = decision is None and services.may_decide(user, campaign)
    form = DecisionForm(request.POST or None)
    chosen = {
        level.code: [int(v) for v in request.POST.getlist(f"names-{level.code}") if v.isdigit()]
        for level in levels
    }
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(services.NOT_ORGANISER)
        if form.is_valid():
            try:
                services.record_decision(user, campaign, names=chosen, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已记录审定结果并命名")
                return redirect("campaign-decision", campaign.pk)
    titles = decision_titles(campaign) if decision else []
    context = {
        "campaign": campaign,
        "decision": decision,
        "form": form,
        "can_decide": can_decide,
        "levels": candidates(campaign, levels) if can_decide else [],
        "chosen": {pk for picked in chosen.values() for pk in picked},
        "by_level": [(level, list(group)) for level, group in groupby(titles, lambda t: t.level)],
        "pdf": pdf_available(),
    }
    return render(request, "campaigns/titles_decision.html", context)


def addressees(campaign):
    units = Quota.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    return list(dict.fromkeys(quota.unit.name for quota in units))


@login_required
def naming_notice(request, pk):
    campaign = visible_campaign(request, pk)
    decision = Decision.objects.filter(campaign=campaign).select_related("campaign").first()
    if decision is None:
        raise Http404("本次创建尚未审定")
    decision.campaign = campaign
    content = documents.naming_notice(decision, decision_titles(campaign), addressees(campaign))
    as_pdf = request.GET.get("format") == "pdf"
    return document_response(content, f"{campaign.title}命名通知", as_pdf)


@login_required
def campaign_certificates(request, pk):
    campaign = visible_campaign(request, pk)
    titles = decision_titles(campaign)
    if not titles:
        raise Http404("本次创建尚未命名")
    as_pdf = request.GET.get("format") == "pdf"
    return document_response(documents.certificates(titles), f"{campaign.title}证书", as_pdf)


@login_required
def title_certificate(request, pk):
    title = visible_or_404(request, Title.objects.select_related(*TITLE_RELATED), pk)
    filename = f"{title.org_name}{title.level.name}证书"
    as_pdf = request.GET.get("format") == "pdf"
    return document_response(documents.certificates([title]), filename, as_pdf)


# --- the titles register ----------------------------------------------------------------------


REGISTER_FILTERS = ["q", "state", "expiring", "expired", "campaign", "ancestor"]


def register_rows(request):
    titles = Title.objects.visible_to(request.user).select_related(*TITLE_RELATED)
    campaigns = Campaign.objects.visible_to(request.user).exclude(kind=CampaignKind.FILING)
    choices = [("", "全部"), *campaigns.values_list("pk", "title")]
    filters = TitleFilter.for_page(
        request, titles, REGISTER_FILTERS, {"campaign": forms.Select(choices=choices)}
    )
    return filters, filters.qs.order_by("-named_on", "pk")


@login_required
def title_list(request):
    filters, titles = register_rows(request)
    page = page_of(request, titles, LIST_PAGE)
    today = timezone.localdate()
    for title in page:
        title.standing = services.standing(title, today)
    scope = Scope.of(request.user)
    context = {
        "page": page,
        "form": filters.form,
        "labels": services.STANDING_LABELS,
        "query": request.GET.urlencode(),
        "can_sample": scope.has_any(Permission.APPROVE) or scope.has_any(Permission.MANAGE_USERS),
        "campaign": request.GET.get("campaign", "")[:12],
    }
    return render(request, "campaigns/titles_list.html", context)


REGISTER_COLUMNS = [
    ("证书编号", 16),
    ("党组织", 30),
    ("称号", 20),
    ("创建活动", 30),
    ("组织单位", 20),
    ("命名日期", 12),
    ("有效期至", 12),
    ("状态", 12),
    ("撤销日期", 12),
    ("撤销原因", 30),
]


@login_required
def title_export(request):
    _, titles = register_rows(request)
    today = timezone.localdate()
    labels = services.STANDING_LABELS
    rows = (
        [
            t.certificate_number,
            t.org_name,
            t.level.name,
            t.campaign.title,
            t.campaign.organiser.name,
            t.named_on,
            t.valid_until,
            labels[services.standing(t, today)],
            t.revoked_on,
            t.revoked_reason,
        ]
        for t in titles.iterator(chunk_size=2000)
    )
    headers, widths = zip(*REGISTER_COLUMNS, strict=True)
    return xlsx_response(export_workbook("称号登记", headers, widths, rows), "示范称号登记.xlsx")


# --- one title --------------------------------------------------------------------------------


TITLE_ACTIONS = {"warn": WarnForm, "revoke": RevokeForm, "re_review": ReReviewForm}


def act(user, title, action, data, re_review):
    if action == "warn":
        services.warn_title(user, title, data["reason"], data["deadline"])
        return "已发出预警提示，并生成整改任务"
    if action == "revoke":
        services.revoke_title(
            user, title, data["reason"], data["revoked_on"], data["without_warning"]
        )
        return "称号已撤销"
    services.complete_re_review(user, re_review, data["result"], data["note"], data["done_on"])
    return "已记录复查结果"


@login_required
def title_detail(request, pk):
    user = request.user
    title = visible_or_404(request, Title.objects.select_related(*TITLE_RELATED), pk)
    may_act = services.may_decide(user, title.campaign)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and (action not in (*TITLE_ACTIONS, "lift") or not may_act):
        raise PermissionDenied(services.NOT_ORGANISER)
    re_reviews = list(title.re_reviews.select_related("done_by"))
    re_review = None
    if action == "re_review":
        wanted = request.POST.get("re_review")
        re_review = next((r for r in re_reviews if str(r.pk) == wanted), None)
        if re_review is None:
            raise Http404
    forms = {
        name: form_class(request.POST if action == name else None, prefix=name)
        for name, form_class in TITLE_ACTIONS.items()
    }
    if action == "lift":
        try:
            services.lift_warning(user, title)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已解除预警，称号恢复有效")
        return redirect("title-detail", title.pk)
    if action and forms[action].is_valid():
        try:
            done = act(user, title, action, forms[action].cleaned_data, re_review)
        except ValidationError as exc:
            apply_service_errors(forms[action], exc)
        else:
            messages.success(request, done)
            return redirect("title-detail", title.pk)
    warnings = list(title.warnings.select_related("task", "issued_by"))
    open_warning = services.open_warning(title)
    context = {
        "title": title,
        "standing": services.standing(title),
        "labels": services.STANDING_LABELS,
        "re_reviews": re_reviews,
        "warnings": warnings,
        "inspections": list(title.inspections.select_related("sample").order_by("-pk")),
        "open_warning": open_warning,
        "may_act": may_act and title.state != TitleState.REVOKED,
        "forms": forms,
        "open_form": action,
        "open_re_review": re_review.pk if re_review else None,
        "history": history_entries(title.history.select_related("history_user")),
        "pdf": pdf_available(),
    }
    return render(request, "campaigns/titles_detail.html", context)


# --- spot checks ------------------------------------------------------------------------------


def spot_check_campaigns(user):
    """The campaigns (not filings) whose titles the user may spot check: as a reviewer or
    an administrator of the organiser (`assessments.services.may_sample`, as the API)."""
    campaigns = (
        Campaign.objects.visible_to(user)
        .exclude(kind=CampaignKind.FILING)
        .select_related("organiser")
        .order_by("-year", "-pk")
    )
    return [c for c in campaigns if may_sample(user, c.organiser)]


def spot_checks(user):
    """The samples the user sees whose inspections visit titles (an assessment sample is
    not one), each with the campaign of its titles."""
    titled = Inspection.objects.filter(sample=OuterRef("pk"), title__isnull=False)
    return (
        InspectionSample.objects.visible_to(user)
        .filter(Exists(titled))
        .annotate(
            campaign_pk=Subquery(titled.values("title__campaign_id")[:1]),
            campaign_title=Subquery(titled.values("title__campaign__title")[:1]),
        )
        .select_related("org", "drawn_by")
        .order_by("-created_at", "-pk")
    )


@login_required
def spot_check_list(request):
    """The spot checks drawn, and the form drawing one (`?campaign=` picks the campaign
    and narrows the team to those who may see its organiser)."""
    user = request.user
    campaigns = spot_check_campaigns(user)
    form = None
    if campaigns:
        wanted = request.POST.get("campaign") or request.GET.get("campaign")
        chosen = next((c for c in campaigns if str(c.pk) == wanted), None)
        organisers = [chosen.organiser] if chosen else {c.organiser for c in campaigns}
        form = SpotCheckForm(
            request.POST or None,
            campaigns=campaigns,
            team=team_choices(*organisers),
            initial={"campaign": chosen.pk if chosen else None},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有组织单位的审核人或管理员可以抽查")
        if form.is_valid():
            data = form.cleaned_data
            campaign = next(c for c in campaigns if c.pk == data["campaign"].pk)
            try:
                sample = services.draw_spot_check(
                    user,
                    campaign,
                    data["percent"] / 100,
                    data["seed"],
                    team=data["team"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已抽取 {len(sample.drawn)} 个党组织")
                return redirect("title-spot-check", sample.pk)
    page = page_of(request, spot_checks(user), LIST_PAGE)
    return render(request, "campaigns/titles_spot_checks.html", {"form": form, "page": page})


def drawn_titles(user, sample):
    """The inspections of a spot check the user sees, with their titles, by organisation."""
    inspections = list(
        Inspection.objects.visible_to(user)
        .filter(sample=sample, title__isnull=False)
        .select_related("title__level", "title__campaign", "org")
        .prefetch_related("team")
        .order_by("org__path", "pk")
    )
    today = timezone.localdate()
    for inspection in inspections:
        inspection.standing = services.standing(inspection.title, today)
        inspection.members = "、".join(
            u.get_full_name() or u.get_username() for u in inspection.team.all()
        )
    return inspections


@login_required
def spot_check_detail(request, pk):
    sample = visible_or_404(request, spot_checks(request.user), pk)
    context = {"sample": sample, "inspections": drawn_titles(request.user, sample)}
    return render(request, "campaigns/titles_spot_check.html", context)


SPOT_CHECK_COLUMNS = [
    ("序号", 6),
    ("党组织", 30),
    ("称号", 20),
    ("证书编号", 16),
    ("有效期至", 12),
    ("称号状态", 12),
    ("检查组", 24),
    ("检查期限", 12),
    ("检查情况", 10),
]


@login_required
def spot_check_export(request, pk):
    sample = visible_or_404(request, spot_checks(request.user), pk)
    labels = services.STANDING_LABELS
    rows = (
        [
            index,
            i.title.org_name,
            i.title.level.name,
            i.title.certificate_number,
            i.title.valid_until,
            labels[i.standing],
            i.members,
            i.due_on,
            i.get_state_display(),
        ]
        for index, i in enumerate(drawn_titles(request.user, sample), 1)
    )
    headers, widths = zip(*SPOT_CHECK_COLUMNS, strict=True)
    workbook = export_workbook("抽查名单", headers, widths, rows)
    drawn_on = timezone.localtime(sample.created_at)
    filename = f"{sample.campaign_title}称号抽查名单（{drawn_on:%Y-%m-%d}）.xlsx"
    return xlsx_response(workbook, filename)


# --- the public list --------------------------------------------------------------------------


def public_titles(request):
    """The titles in force, without login: no person, no phone (seed 000 命名表扬 is
    public)."""
    titles = services.current_titles(Title.objects.all()).select_related(
        "level", "campaign__organiser"
    )
    query = request.GET.get("q", "").strip()[:50]
    if query:
        titles = titles.filter(org_name__icontains=query)
    page = page_of(request, titles.order_by("-named_on", "org_name", "pk"), PUBLIC_PAGE)
    return render(request, "campaigns/titles_public.html", {"page": page, "q": query})


# --- the filing register ----------------------------------------------------------------------


def filing_campaign(request, pk):
    campaign = visible_campaign(request, pk)
    if campaign.kind != CampaignKind.FILING:
        raise Http404("该创建活动不是示范点备案登记")
    return campaign


def fileable_units(user, campaign):
    """The units with a quota whose clerk the user is."""
    units = Quota.objects.filter(campaign=campaign).values("unit")
    return (
        Organization.objects.visible_to(user, Permission.EDIT).filter(pk__in=units).order_by("path")
    )


def visible_filings(user, campaign):
    return (
        Filing.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("unit", "org")
        .order_by("unit__path", "pk")
    )


@login_required
def filing_register(request, pk):
    user = request.user
    campaign = filing_campaign(request, pk)
    units = fileable_units(user, campaign)
    form = FilingForm(request.POST or None, user=user, units=units)
    if request.method == "POST":
        if not units.exists():
            raise PermissionDenied("只有填报单位的党务工作者可以备案登记")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.file_org(user, campaign, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已备案：{data['org'].name}")
                return redirect("campaign-filings", campaign.pk)
    filings = visible_filings(user, campaign)
    rows = list(filings)
    for row in rows:
        row.shown_phone = services.shown_phone(user, row)
    per_unit = services.filing_units(campaign, filings)
    scope = Scope.of(user)
    per_unit = [u for u in per_unit if scope.covers(Permission.VIEW, u["unit"].path)]
    context = {
        "campaign": campaign,
        "form": form,
        "can_file": units.exists(),
        "rows": rows,
        "units": per_unit,
        "checks": services.filing_checks(campaign, per_unit),
        "heading": services.register_heading(campaign),
        "may_withdraw": {u.pk for u in units},
    }
    return render(request, "campaigns/titles_filings.html", context)


@login_required
@require_POST
def filing_withdraw(request, pk):
    filing = visible_or_404(request, Filing.objects.select_related("unit", "org"), pk)
    if not services.may_file(request.user, filing.unit):
        raise PermissionDenied("只有填报单位的党务工作者可以撤回备案")
    try:
        services.withdraw_filing(request.user, filing)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤回：{filing.org_name}")
    return redirect("campaign-filings", filing.campaign_id)


def register_tables(user, campaign):
    """[(unit name, rows of the seed's eight cells)], unit by unit, withdrawn rows left out."""
    filings = visible_filings(user, campaign).filter(withdrawn=False)
    tables = []
    for unit, group in groupby(filings, key=lambda f: f.unit):
        rows = [
            [
                index,
                f.org_name,
                f.org_type,
                f.member_count,
                "" if f.covered_people is None else f.covered_people,
                f.leader,
                services.shown_phone(user, f),
                f.address,
            ]
            for index, f in enumerate(group, 1)
        ]
        tables.append((unit.name, rows))
    return tables


@login_required
def filing_export(request, pk, fmt):
    campaign = filing_campaign(request, pk)
    heading = services.register_heading(campaign)
    tables = register_tables(request.user, campaign)
    if fmt == "docx":
        content = documents.filing_register(heading, tables)
        return file_response(content, DOCX_CONTENT_TYPE, f"{heading}.docx")
    if fmt == "xlsx":
        return xlsx_response(documents.filing_workbook(heading, tables), f"{heading}.xlsx")
    raise Http404


urlpatterns = [
    path("campaigns/<int:pk>/decision/", decision_page, name="campaign-decision"),
    path("campaigns/<int:pk>/decision/notice/", naming_notice, name="campaign-naming-notice"),
    path(
        "campaigns/<int:pk>/decision/certificates/",
        campaign_certificates,
        name="campaign-certificates",
    ),
    path("campaigns/<int:pk>/filings/", filing_register, name="campaign-filings"),
    path(
        "campaigns/<int:pk>/filings/export/<str:fmt>/",
        filing_export,
        name="campaign-filings-export",
    ),
    path("filings/<int:pk>/withdraw/", filing_withdraw, name="filing-withdraw"),
    path("titles/", title_list, name="title-list"),
    path("titles/export/", title_export, name="title-export"),
    path("titles/spot-checks/", spot_check_list, name="title-spot-checks"),
    path("titles/spot-checks/<int:pk>/", spot_check_detail, name="title-spot-check"),
    path("titles/spot-checks/<int:pk>/export/", spot_check_export, name="title-spot-check-export"),
    path("titles/<int:pk>/", title_detail, name="title-detail"),
    path("titles/<int:pk>/certificate/", title_certificate, name="title-certificate"),
    path("public/titles/", public_titles, name="public-titles"),
]
