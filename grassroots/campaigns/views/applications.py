"""Pages of the applications: the applicant's page (apply; what to do next), an
application (its form, evidence, the chain as a timeline with each opinion, the actions of
whoever may act, history), the review queue, the unit's ranking, the campaign's list, the
inspections and the inspection form. Phone first for the applicant and the inspector.
Everything is read through `visible_to` (another subtree: 404) and changed through
`services/applications.py`; every list exports to Excel (`?format=xlsx`)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.assessments.models import InspectionSample
from grassroots.assessments.rules import EVIDENCE_FILES
from grassroots.core.access import Scope, can, visible, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_list
from grassroots.core.forms import apply_service_errors
from grassroots.core.history import history_entries
from grassroots.core.pages import page_of
from grassroots.core.uploads import stored_file_response
from grassroots.documents.pdf import PdfUnavailable
from grassroots.elections.views.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, file_response
from grassroots.orgs.models import Organization

from ..choices import ApplicationState, ChainStep, InspectionMethod, Opinion
from ..documents import applications as documents
from ..filtersets import ApplicationFilter
from ..forms.applications import (
    ApplicationForm,
    ApplyForm,
    AssignForm,
    EvidenceForm,
    OpinionForm,
    RecordForm,
    SelfAssessmentForm,
    team_choices,
)
from ..models import Application, ApplicationFile, Campaign, Quota, ReviewOpinion
from ..services import applications as services

LIST_PAGE = 50
STEP_LABELS = dict(ChainStep.choices)


def error_text(exc):
    return "；".join(exc.messages)


def step_label(step, campaign):
    """The opinion's label as the 申报表 prints it (the organiser's by its name)."""
    if step == ChainStep.ORGANISER:
        return f"{campaign.organiser.name}意见"
    return STEP_LABELS[step]


def next_step(application, today=None):
    """What the applicant does next, or waits for, in words."""
    today = today or timezone.localdate()
    state = application.state
    if state == ApplicationState.DRAFT:
        deadline = application.campaign.application_deadline
        late = "（已过申报截止日期）" if today > deadline else ""
        return (
            f"填写申报理由、上传佐证材料、关联本组织自评，确认无误后提交审核。"
            f"申报截止：{deadline:%Y年%-m月%-d日}{late}"
        )
    if state == ApplicationState.RETURNED:
        return "申报已被退回：请按退回意见修改后重新提交，将从退回的环节继续审核。"
    if state == ApplicationState.IN_REVIEW:
        return f"等待{application.pending_org}填写“{STEP_LABELS[application.pending_step]}”。"
    if state == ApplicationState.RECOMMENDED:
        return f"{application.unit}已同意，等待其按名额排序上报。"
    if state == ApplicationState.APPROVED:
        return "已列为拟命名对象，等待考察、公示和群众满意度测评。"
    if state == ApplicationState.REJECTED:
        return "申报未通过审核。"
    return application.get_state_display()


# --- applying -----------------------------------------------------------------------------------


def eligible_orgs(user, campaign):
    """Organisations `user` may apply for: edited by the user, active, below a recommending
    unit, not yet applying."""
    units = Quota.objects.filter(campaign=campaign).values_list("unit__path", flat=True)
    orgs = Organization.objects.none()
    below = Organization.objects.active().visible_to(user, Permission.EDIT)
    for unit_path in set(units):
        orgs |= below.filter(path__startswith=unit_path).exclude(path=unit_path)
    applied = Application.objects.filter(campaign=campaign).values("org_id")
    return orgs.exclude(pk__in=applied).order_by("path")


@login_required
def apply(request, pk):
    user = request.user
    campaign = visible_or_404(request, Campaign.objects.select_related("organiser"), pk)
    orgs = eligible_orgs(user, campaign)
    form = ApplyForm(request.POST or None, campaign=campaign, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.start_application(
                user, campaign, data["org"], data["level"], data["reason"], data.get("top_level")
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存申报草稿：请上传佐证材料、关联自评后提交审核")
            return redirect("application-detail", application.pk)
    chosen = request.GET.get("org") or request.POST.get("org")
    if not chosen and orgs.count() == 1:
        chosen = orgs.first().pk
        form.initial["org"] = chosen
    prefill = orgs.filter(pk=chosen).select_related("parent").first() if chosen else None
    mine = (
        Application.objects.visible_to(user, Permission.EDIT)
        .filter(campaign=campaign)
        .select_related("campaign", "pending_org", "unit", "level")
        .order_by("pk")
    )
    for application in mine:
        application.next_step = next_step(application)
    context = {
        "campaign": campaign,
        "form": form,
        "prefill": prefill,
        "leader": services.leader_of(prefill) if prefill else "",
        "mine": mine,
        "deadline_passed": timezone.localdate() > campaign.application_deadline,
    }
    return render(request, "campaigns/applications_apply.html", context)


# --- one application ----------------------------------------------------------------------------


def visible_application(request, pk):
    related = ("campaign__organiser", "org", "unit", "level", "top_level", "pending_org")
    return visible_or_404(request, Application.objects.select_related(*related), pk)


def timeline(application):
    """The chain as steps, each with the opinions given at it (every round), in order."""
    opinions = list(
        ReviewOpinion.objects.filter(application=application)
        .select_related("org", "signed_by")
        .order_by("pk")
    )
    names = dict(
        Organization.objects.filter(pk__in=[pk for _, pk in application.chain]).values_list(
            "pk", "name"
        )
    )
    steps = []
    for step, org in application.chain:
        given = [o for o in opinions if o.step == step]
        steps.append(
            {
                "step": step,
                "label": step_label(step, application.campaign),
                "org": names.get(org, ""),
                "opinions": given,
                "pending": application.pending_step == step,
            }
        )
    return steps


def render_application(request, application, forms=None):
    user = request.user
    forms = forms or {}
    editable = application.is_editable and services.can_edit(user, application)
    campaign = application.campaign
    context = {
        "application": application,
        "campaign": campaign,
        "next_step": next_step(application),
        "timeline": timeline(application),
        "files": application.files.filter(removed=False).order_by("pk"),
        "editable": editable,
        "may_review": application.state == ApplicationState.IN_REVIEW
        and services.may_review(user, application),
        "history": history_entries(application.history.select_related("history_user")),
    }
    if editable:
        context["form"] = forms.get("form") or ApplicationForm(
            initial={
                name: getattr(application, name)
                for name in ("leader", "category", "location", "reason")
            }
        )
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
        context["assessment_form"] = forms.get("assessment_form") or SelfAssessmentForm(
            campaign=campaign
        )
    if context["may_review"]:
        context["opinion_form"] = forms.get("opinion_form") or OpinionForm()
    return render(request, "campaigns/applications_detail.html", context)


@login_required
def application_detail(request, pk):
    return render_application(request, visible_application(request, pk))


@login_required
@require_POST
def application_edit(request, pk):
    application = visible_application(request, pk)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.update_application(request.user, application, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存申报表")
            return redirect("application-detail", application.pk)
    return render_application(request, application, {"form": form})


@login_required
@require_POST
def application_file_add(request, pk):
    application = visible_application(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_file(request.user, application, form.cleaned_data["file"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已上传佐证材料")
            return redirect(reverse("application-detail", args=[pk]) + "#files")
    return render_application(request, application, {"evidence_form": form})


@login_required
@require_POST
def application_file_remove(request, pk):
    evidence = visible_or_404(request, ApplicationFile.objects.select_related("application"), pk)
    try:
        services.remove_file(request.user, evidence)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已移除“{evidence.name}”")
    return redirect(reverse("application-detail", args=[evidence.application_id]) + "#files")


@login_required
def application_file(request, pk):
    evidence = get_object_or_404(ApplicationFile.objects.visible_to(request.user), pk=pk)
    return stored_file_response(
        evidence.file, evidence.name, EVIDENCE_FILES.content_type(evidence.name)
    )


@login_required
@require_POST
def application_act(request, pk):
    """Submit, or attach the self-assessment (the one the organisation has, or one started
    against the standard chosen)."""
    application = visible_application(request, pk)
    user = request.user
    action = request.POST.get("action")
    try:
        if action == "submit":
            services.submit_application(user, application)
            messages.success(request, "已提交审核")
        elif action == "assessment":
            form = SelfAssessmentForm(request.POST, campaign=application.campaign)
            standard_set = form.cleaned_data["standard_set"] if form.is_valid() else None
            services.attach_self_assessment(user, application, standard_set=standard_set)
            messages.success(request, "已关联本组织自评")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("application-detail", application.pk)


@login_required
@require_POST
def application_opinion(request, pk):
    application = visible_application(request, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.give_opinion(request.user, application, data["opinion"], data["text"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已填写{Opinion(data['opinion']).label}意见")
            return redirect("application-detail", application.pk)
    return render_application(request, application, {"opinion_form": form})


@login_required
def application_document(request, pk):
    """The 申报表 as .docx, or PDF (`?format=pdf`) where LibreOffice is installed."""
    application = visible_application(request, pk)
    name = documents.filename(application)
    if request.GET.get("format") != "pdf":
        return file_response(documents.render(application), DOCX_CONTENT_TYPE, name)
    try:
        content = documents.render_pdf(application)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return file_response(content, PDF_CONTENT_TYPE, name.removesuffix(".docx") + ".pdf")


# --- lists --------------------------------------------------------------------------------------

HEADERS = ["推荐单位", "申报党组织", "申报称号", "党组织负责人", "所属类别", "状态", "待审单位"]
WIDTHS = [24, 36, 20, 14, 14, 22, 24]


def list_row(application):
    return [
        application.unit.name,
        application.org_name,
        application.level.name,
        application.leader,
        application.category,
        application.get_state_display(),
        application.pending_org.name if application.pending_org_id else "",
    ]


def with_list_related(applications):
    return applications.select_related("unit", "level", "pending_org", "campaign")


@login_required
def campaign_applications(request, pk):
    campaign = visible_or_404(request, Campaign, pk)
    applications = with_list_related(visible(request, Application).filter(campaign=campaign))
    filters = ApplicationFilter.for_page(request, applications, ["unit", "level", "state"])
    filters.form.fields["unit"].queryset = Organization.objects.filter(
        pk__in=Quota.objects.filter(campaign=campaign).values("unit")
    )
    filters.form.fields["level"].queryset = campaign.levels.all()
    rows = filters.qs.order_by("unit__path", "rank", "pk")
    if wants_xlsx(request):
        return xlsx_list(
            "申报", HEADERS, WIDTHS, map(list_row, rows), f"{campaign.title}申报名单.xlsx"
        )
    context = {
        "campaign": campaign,
        "form": filters.form,
        "page": page_of(request, rows, LIST_PAGE),
    }
    return render(request, "campaigns/applications_list.html", context)


@login_required
def review_queue(request):
    """Applications waiting for an opinion of an organisation the user approves for, by
    step; and those agreed by a unit the user approves for, to be ranked."""
    user = request.user
    waiting = with_list_related(services.awaiting_opinion(user)).order_by(
        "pending_step", "campaign_id", "unit__path", "pk"
    )
    ranking = with_list_related(services.awaiting_ranking(user)).order_by(
        "campaign_id", "unit__path", "pk"
    )
    if wants_xlsx(request):
        return xlsx_list(
            "待审核",
            ["审核环节", *HEADERS],
            [20, *WIDTHS],
            ([STEP_LABELS[a.pending_step], *list_row(a)] for a in waiting),
            "待审核申报.xlsx",
        )
    steps = [
        (STEP_LABELS[step], list(group))
        for step, group in groupby(waiting, key=lambda a: a.pending_step)
    ]
    units = sorted(
        {(a.campaign, a.unit) for a in ranking}, key=lambda pair: (pair[0].pk, pair[1].path)
    )
    return render(
        request,
        "campaigns/applications_review.html",
        {"steps": steps, "units": units, "ranking": ranking},
    )


@login_required
def rank_unit(request, pk, unit):
    """排序上报: the unit's agreed applications, a rank number each (blank: not sent this
    time), the quota of each level shown; the ranked ones go to the organiser."""
    user = request.user
    campaign = visible_or_404(request, Campaign.objects.select_related("organiser"), pk)
    unit = visible_or_404(request, Organization, unit)
    if not Quota.objects.filter(campaign=campaign, unit=unit).exists():
        raise Http404("该单位不是本次创建的推荐单位")
    if not can(user, Permission.APPROVE, unit):
        raise PermissionDenied("只有推荐单位的审核人可以排序上报")
    applications = list(
        Application.objects.filter(campaign=campaign, unit=unit)
        .filter(state=ApplicationState.RECOMMENDED)
        .select_related("level", "top_level")
        .order_by("pk")
    )
    forwarded = with_list_related(
        Application.objects.filter(campaign=campaign, unit=unit, forwarded_on__isnull=False)
    ).order_by("rank")
    error = ""
    if request.method == "POST":
        ranks = {}
        for application in applications:
            value = request.POST.get(f"rank-{application.pk}", "").strip()
            if value:
                if not value.isdigit():
                    error = f"“{application.org_name}”的排序应为正整数"
                ranks[application.pk] = int(value) if value.isdigit() else 0
        if not error:
            ordered = sorted(ranks, key=lambda pk: (ranks[pk], pk))
            try:
                services.forward_ranked(user, campaign, unit, ordered)
            except ValidationError as exc:
                error = error_text(exc)
            else:
                messages.success(request, f"已排序上报{len(ordered)}个申报")
                return redirect("application-review")
        for application in applications:
            application.rank_input = request.POST.get(f"rank-{application.pk}", "")
    quotas = Quota.objects.filter(campaign=campaign, unit=unit).select_related("level")
    sent = list(forwarded)
    for quota in quotas:
        quota.sent = sum(1 for a in sent if quota.level_id in (a.level_id, a.top_level_id))
    context = {
        "campaign": campaign,
        "unit": unit,
        "applications": applications,
        "forwarded": sent,
        "quotas": quotas,
        "error": error,
    }
    return render(request, "campaigns/applications_rank.html", context)


# --- inspections --------------------------------------------------------------------------------

INSPECTION_HEADERS = [
    "被考察党组织",
    "组织考察单位",
    "考察期限",
    "状态",
    "考察日期",
    "得分",
    "考察意见",
]


@login_required
def inspection_list(request):
    """The inspections of the teams the user is on, then those the user sees."""
    user = request.user
    inspections = (
        services.inspections_of(user)
        .select_related("org", "assigned_by_org")
        .prefetch_related("team")
        .order_by("state", "due_on", "-pk")
    )
    if wants_xlsx(request):
        rows = (
            [
                i.org.name,
                i.assigned_by_org.name,
                i.due_on,
                i.get_state_display(),
                i.inspected_on,
                i.score,
                i.opinion,
            ]
            for i in inspections
        )
        return xlsx_list("考察", INSPECTION_HEADERS, [30, 24, 12, 10, 12, 8, 40], rows, "考察.xlsx")
    page = page_of(request, inspections, LIST_PAGE)
    for inspection in page:
        inspection.mine = any(member.pk == user.pk for member in inspection.team.all())
    return render(request, "campaigns/applications_inspections.html", {"page": page})


def assigners_for(user, org):
    """The organisations above `org` where `user` may assign an inspection, the highest
    first (an organisation does not inspect itself)."""
    scope = Scope.of(user)
    return (
        Organization.objects.filter(pk__in=org.ancestor_ids())
        .filter(scope.q(Permission.EDIT, "path") | scope.q(Permission.APPROVE, "path"))
        .order_by("depth")
    )


@login_required
def inspection_new(request):
    """Assign a team to an application's organisation (`?application=`) or to every
    organisation of an inspection sample (`?sample=`)."""
    user = request.user
    application = sample = None
    if request.GET.get("application", "").isdigit():
        application = visible_application(request, int(request.GET["application"]))
        target = application.org
    elif request.GET.get("sample", "").isdigit():
        sample = visible_or_404(
            request, InspectionSample.objects.select_related("org"), int(request.GET["sample"])
        )
        target = sample.org
    else:
        raise Http404
    assigners = assigners_for(user, target)
    if not assigners.exists():
        raise PermissionDenied("您没有安排考察的权限")
    form = AssignForm(request.POST or None, assigners=assigners, team=team_choices(target))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.assign_inspection(
                user,
                data["assigned_by_org"],
                data["team"],
                data["due_on"],
                application=application,
                sample=sample,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已安排考察{len(made)}个党组织")
            return redirect("inspection-list")
    context = {"form": form, "application": application, "sample": sample, "target": target}
    return render(request, "campaigns/applications_inspection_new.html", context)


@login_required
def inspection_detail(request, pk):
    user = request.user
    inspection = get_object_or_404(
        services.inspections_of(user).select_related(
            "org", "assigned_by_org", "application", "recorded_by"
        ),
        pk=pk,
    )
    on_team = inspection.team.filter(pk=user.pk).exists()
    form = None
    if on_team and inspection.state == "assigned":
        form = RecordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.record_inspection(
                    user,
                    inspection,
                    form.findings(),
                    data["score"],
                    data["opinion"],
                    data["inspected_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已录入考察情况")
                return redirect("inspection-detail", inspection.pk)
    elif request.method == "POST":
        raise PermissionDenied(services.NOT_TEAM)
    findings = inspection.findings.select_related("task").order_by("pk")
    context = {
        "inspection": inspection,
        "form": form,
        "findings": findings,
        "methods": InspectionMethod.choices,
        "team": inspection.team.all(),
    }
    return render(request, "campaigns/applications_inspection.html", context)


urlpatterns = [
    path("campaigns/<int:pk>/apply/", apply, name="campaign-apply"),
    path(
        "campaigns/<int:pk>/applications/",
        campaign_applications,
        name="campaign-applications",
    ),
    path("campaigns/<int:pk>/units/<int:unit>/rank/", rank_unit, name="campaign-unit-rank"),
    path("applications/review/", review_queue, name="application-review"),
    path("applications/<int:pk>/", application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", application_edit, name="application-edit"),
    path("applications/<int:pk>/files/", application_file_add, name="application-file-add"),
    path("applications/<int:pk>/act/", application_act, name="application-act"),
    path("applications/<int:pk>/opinion/", application_opinion, name="application-opinion"),
    path("applications/<int:pk>/document/", application_document, name="application-document"),
    path("applications/files/<int:pk>/", application_file, name="application-file"),
    path(
        "applications/files/<int:pk>/remove/",
        application_file_remove,
        name="application-file-remove",
    ),
    path("inspections/", inspection_list, name="inspection-list"),
    path("inspections/new/", inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection-detail"),
]
