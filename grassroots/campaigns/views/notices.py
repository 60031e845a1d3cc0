"""Pages of the public notice, the satisfaction survey and seed 004's grading.

The organiser's pages read through `visible_to` (another subtree: 404); changes go through
`services.notices`. The public pages (the notice with its objection form, the survey) need
no login, are phone first, show no personal data and count their posts against the public
rate per address."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.assessments.choices import Grade
from grassroots.assessments.rules import DEFAULT_BANDS
from grassroots.core.access import visible_or_404
from grassroots.core.excel import UploadForm, wants_xlsx, xlsx_response
from grassroots.core.excel.sheets import export_workbook
from grassroots.core.forms import apply_service_errors
from grassroots.documents.pdf import PdfUnavailable, docx_to_pdf
from grassroots.elections.views.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    file_response,
)
from grassroots.workdays.rules import MissingYear, weekday_name
from grassroots.workdays.services import working_days_after

from ..api.views.notices import PublicThrottle
from ..choices import NOMINATED_STATES, ApplicationState, CampaignKind, NoticeState
from ..documents.notices import notice_filename, notice_text, notice_title, render_notice
from ..forms.notices import (
    ObjectionForm,
    OrgTokensForm,
    PublishForm,
    ResolveForm,
    SurveyForm,
    TokensForm,
    VerifyForm,
)
from ..models import (
    Application,
    Campaign,
    FieldGrade,
    Notice,
    Objection,
    SurveyResponse,
    SurveyTally,
    SurveyToken,
)
from ..services import notices as services

TOO_MANY = "提交过于频繁，请稍后再试"


def _campaign(request, pk):
    return visible_or_404(request, Campaign.objects.select_related("organiser"), pk)


def _notice(request, pk):
    return visible_or_404(request, Notice.objects.select_related("campaign__organiser"), pk)


def _require_organiser(request, campaign):
    if not services.may_organise(request.user, campaign):
        raise PermissionDenied(services.NOT_ORGANISER)


def _throttled(request):
    return not PublicThrottle().allow_request(request, None)


def _too_many(request):
    context = {
        "code": 429,
        "heading": TOO_MANY,
        "hint": "为防止恶意提交，同一网络每分钟提交次数有限。",
    }
    return render(request, "error_page.html", context, status=429)


def _errors(request, exc):
    for message in exc.messages:
        messages.error(request, message)


def _context(campaign, tab, **extra):
    return {"campaign": campaign, "tab": tab, **extra}


def _shown(day):
    return f"{day.year}年{day.month}月{day.day}日（{weekday_name(day)}）"


# --- notices (organiser) ---------------------------------------------------------------------


def _candidates(campaign):
    """Approved applications not already in a running notice."""
    running = Notice.objects.filter(state=NoticeState.RUNNING, applications=OuterRef("pk"))
    return (
        campaign.applications.filter(state=ApplicationState.APPROVED)
        .exclude(Exists(running))
        .select_related("level")
        .order_by("level__order", "unit__path", "rank", "pk")
    )


@login_required
def campaign_notices(request, pk):
    campaign = _campaign(request, pk)
    notices = campaign.notices.annotate(
        listed=Count("applications", distinct=True),
        open_objections=Count(
            "objections", filter=Q(objections__state__in=services.UNRESOLVED), distinct=True
        ),
    ).order_by("-published_on", "-pk")
    if wants_xlsx(request):
        rows = (
            [n.published_on, n.ends_on, n.working_days, n.listed, n.get_state_display()]
            for n in notices
        )
        headers = ["公示开始日期", "公示截止日期", "工作日", "公示对象数", "状态"]
        content = export_workbook("公示", headers, [14, 14, 8, 12, 10], rows)
        return xlsx_response(content, f"{campaign.title}公示.xlsx")
    may_publish = services.may_organise(request.user, campaign)
    form = None
    if may_publish:
        form = PublishForm(
            request.POST or None,
            candidates=_candidates(campaign),
            initial={"published_on": timezone.localdate()},
        )
        for name in ("published_on", "working_days"):
            form.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("notice-end"),
                    "hx-trigger": "change",
                    "hx-target": "#ends-on",
                    "hx-include": "#id_published_on, #id_working_days",
                }
            )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.publish_notice(
                    request.user,
                    campaign,
                    data["published_on"],
                    data["working_days"],
                    data["applications"],
                    data["contact"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已发布公示，公示期至{_shown(notice.ends_on)}")
                return redirect("notice-detail", notice.pk)
    elif request.method == "POST":
        raise PermissionDenied(services.NOT_ORGANISER)
    context = _context(campaign, "notices", notices=notices, form=form)
    return render(request, "campaigns/notices_list.html", context)


@login_required
def notice_end(request):
    """The end date of a period as the publish form is filled (htmx)."""
    form = PublishForm(request.GET, candidates=Application.objects.none())
    form.is_valid()
    day, days = form.cleaned_data.get("published_on"), form.cleaned_data.get("working_days")
    if day is None or days is None:
        text = "请填写公示开始日期和工作日数"
    else:
        try:
            text = f"公示截止日期：{_shown(working_days_after(day, days))}"
        except MissingYear as exc:
            text = str(exc)
    return HttpResponse(text)


@login_required
def notice_detail(request, pk):
    notice = _notice(request, pk)
    campaign = notice.campaign
    may_act = services.may_organise(request.user, campaign)
    candidates = list(
        notice.applications.select_related("level").order_by("level__order", "unit__path", "pk")
    )
    objections = []
    if may_act:
        objections = list(notice.objections.select_related("application", "resolved_by"))
        if wants_xlsx(request):
            return _objections_export(notice, objections)
        listed = [a for a in candidates if a.state != ApplicationState.REMOVED]
        for objection in objections:
            objection.verify_form = VerifyForm(prefix=f"v{objection.pk}")
            objection.resolve_form = ResolveForm(prefix=f"r{objection.pk}", candidates=listed)
    context = _context(
        campaign,
        "notices",
        notice=notice,
        candidates=candidates,
        objections=objections,
        may_act=may_act,
        public_url=request.build_absolute_uri(reverse("public-notice", args=[notice.pk])),
        running=services.running_on(notice, timezone.localdate()),
    )
    return render(request, "campaigns/notices_detail.html", context)


def _objections_export(notice, objections):
    headers = [
        "收到时间",
        "反映人",
        "联系方式",
        "所涉对象",
        "反映内容",
        "状态",
        "核查情况",
        "处理意见",
    ]
    rows = (
        [
            timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
            o.name,
            o.contact,
            o.application.org_name if o.application else "",
            o.text,
            o.get_state_display(),
            o.verification,
            o.resolution,
        ]
        for o in objections
    )
    content = export_workbook("异议", headers, [16, 10, 16, 24, 40, 10, 30, 30], rows)
    return xlsx_response(content, f"{notice_title(notice)}异议.xlsx")


def _objection(request, pk):
    related = Objection.objects.select_related("notice__campaign__organiser", "application")
    return visible_or_404(request, related, pk)


@login_required
@require_POST
def objection_verify(request, pk):
    objection = _objection(request, pk)
    form = VerifyForm(request.POST, prefix=f"v{objection.pk}")
    form.is_valid()
    try:
        services.verify_objection(
            request.user, objection, form.cleaned_data.get("verification", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已登记核查情况")
    return redirect("notice-detail", objection.notice_id)


@login_required
@require_POST
def objection_resolve(request, pk):
    objection = _objection(request, pk)
    notice = objection.notice
    form = ResolveForm(request.POST, prefix=f"r{objection.pk}", candidates=services.listed(notice))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("notice-detail", notice.pk)
    data = form.cleaned_data
    application = None
    if data.get("application"):
        application = services.listed(notice).filter(pk=data["application"]).first()
    try:
        services.resolve_objection(
            request.user, objection, data["upheld"], data["reasons"], application
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        done = "异议成立，已从公示名单中取消该对象" if data["upheld"] else "已处理：不予采纳"
        messages.success(request, done)
    return redirect("notice-detail", notice.pk)


@login_required
@require_POST
def notice_close(request, pk):
    notice = _notice(request, pk)
    try:
        services.close_notice(request.user, notice)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "公示已结束")
    return redirect("notice-detail", notice.pk)


@login_required
def notice_document(request, pk):
    notice = _notice(request, pk)
    content = render_notice(notice)
    if request.GET.get("format") != "pdf":
        return file_response(content, DOCX_CONTENT_TYPE, notice_filename(notice))
    try:
        pdf = docx_to_pdf(content)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return file_response(
        pdf, PDF_CONTENT_TYPE, notice_filename(notice).removesuffix(".docx") + ".pdf"
    )


def _notice_page(notice):
    candidates = list(services.listed(notice))
    return {
        "notice": notice,
        "title": notice_title(notice),
        "paragraphs": notice_text(notice, candidates),
        "candidates": candidates,
    }


@login_required
def notice_print(request, pk):
    return render(request, "campaigns/notices_print.html", _notice_page(_notice(request, pk)))


# --- the public notice -----------------------------------------------------------------------


def public_notice(request, pk):
    """The notice for everyone (no login): the list, the period, how to object."""
    notice = get_object_or_404(Notice.objects.select_related("campaign__organiser"), pk=pk)
    context = _notice_page(notice)
    running = services.running_on(notice, timezone.localdate())
    posted = request.POST if request.method == "POST" else None
    form = ObjectionForm(posted, candidates=context["candidates"])
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request)
        if running and form.is_valid():
            data = form.cleaned_data
            application = next(
                (a for a in context["candidates"] if a.pk == data.get("application")), None
            )
            try:
                services.object_to_notice(
                    notice,
                    data["name"],
                    data["contact"],
                    data["text"],
                    application=application,
                    address=PublicThrottle().get_ident(request),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已收到您反映的情况。我们将认真核实，必要时与您联系。")
                return redirect("public-notice", notice.pk)
    context.update(form=form, running=running)
    return render(request, "campaigns/notices_public.html", context)


# --- survey (organiser) ----------------------------------------------------------------------


def _survey_url(request, token):
    return request.build_absolute_uri(reverse("public-survey", args=[token]))


def _qr_svg(url):
    # M: a printed sheet may be creased or smudged.
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def _token_sheet(request, tally, form):
    answered = SurveyResponse.objects.filter(token=OuterRef("pk"))
    tokens = list(tally.tokens.annotate(answered=Exists(answered)).order_by("pk"))
    unused = [t for t in tokens if not t.answered]
    if wants_xlsx(request):
        rows = (
            [t.token, _survey_url(request, t.token), "已使用" if t.answered else "未使用"]
            for t in tokens
        )
        content = export_workbook("测评码", ["测评码", "测评网址", "状态"], [26, 70, 10], rows)
        return xlsx_response(content, f"{tally.org.name}满意度测评码.xlsx")
    for token in unused:
        token.url = _survey_url(request, token.token)
        token.qr = _qr_svg(token.url)
    context = _context(
        tally.campaign,
        "surveys",
        tally=tally,
        tokens=unused,
        issued=len(tokens),
        form=form,
    )
    return render(request, "campaigns/notices_tokens.html", context)


@login_required
def application_tokens(request, pk):
    related = Application.objects.select_related("campaign__organiser", "org", "unit", "level")
    application = visible_or_404(request, related, pk)
    form = TokensForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tokens = services.issue_tokens(request.user, application, form.cleaned_data["count"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已生成{len(tokens)}个测评码")
            return redirect("application-survey-tokens", application.pk)
    tally = SurveyTally.objects.filter(campaign=application.campaign, org=application.org).first()
    if tally is None:
        tally = SurveyTally(campaign=application.campaign, org=application.org)
        context = _context(
            application.campaign, "surveys", tally=tally, tokens=[], issued=0, form=form
        )
        return render(request, "campaigns/notices_tokens.html", context)
    return _token_sheet(request, tally, form)


@login_required
def tally_tokens(request, pk):
    related = SurveyTally.objects.select_related("campaign__organiser", "org")
    tally = visible_or_404(request, related, pk)
    form = TokensForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tokens = services.issue_tokens(
                request.user, tally.org, form.cleaned_data["count"], campaign=tally.campaign
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已生成{len(tokens)}个测评码")
            return redirect("tally-tokens", tally.pk)
    return _token_sheet(request, tally, form)


def _tallies_export(campaign, tallies):
    headers = ["党组织", "来源", "满意", "基本满意", "不满意", "有效答卷", "满意率（%）"]
    rows = (
        [
            t.org.name,
            t.get_source_display(),
            t.satisfied,
            t.basically_satisfied,
            t.dissatisfied,
            t.responses,
            t.rate,
        ]
        for t in tallies
    )
    content = export_workbook("满意度测评", headers, [30, 10, 8, 8, 8, 10, 12], rows)
    return xlsx_response(content, f"{campaign.title}满意度测评.xlsx")


@login_required
def campaign_surveys(request, pk):
    campaign = _campaign(request, pk)
    tallies = list(
        SurveyTally.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("org", "application")
        .annotate(issued=Count("tokens"))
        .order_by("org__path")
    )
    if wants_xlsx(request):
        return _tallies_export(campaign, tallies)
    surveyed = {t.org_id for t in tallies}
    applications = [
        a
        for a in Application.objects.visible_to(request.user)
        .filter(campaign=campaign, state__in=NOMINATED_STATES)
        .select_related("level")
        .order_by("unit_id", "rank", "pk")
        if a.org_id not in surveyed
    ]
    form = None
    if services.may_organise(request.user, campaign):
        form = OrgTokensForm(request.POST or None, orgs=services.field_orgs(campaign))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.issue_tokens(request.user, data["org"], data["count"], campaign=campaign)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                tally = SurveyTally.objects.get(campaign=campaign, org=data["org"])
                messages.success(request, f"已生成{data['count']}个测评码")
                return redirect("tally-tokens", tally.pk)
    elif request.method == "POST":
        raise PermissionDenied(services.NOT_ORGANISER)
    context = _context(
        campaign,
        "surveys",
        tallies=tallies,
        applications=applications,
        form=form,
        may_import=services.may_import_results(request.user, campaign),
    )
    return render(request, "campaigns/notices_tallies.html", context)


@login_required
def results_import(request, pk):
    campaign = _campaign(request, pk)
    if not services.may_import_results(request.user, campaign):
        raise PermissionDenied("只有第三方测评机构（测评权限）可以导入测评结果")
    if request.GET.get("template"):
        return xlsx_response(services.results_template(campaign), "满意度测评结果导入模板.xlsx")
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_results(request.user, campaign, form.cleaned_data["file"])
        if not result.errors:
            messages.success(request, f"导入成功：{result.created}个党组织的测评结果")
            return redirect("campaign-surveys", campaign.pk)
    context = _context(campaign, "surveys", form=form, result=result)
    return render(request, "campaigns/notices_import.html", context, status=400 if result else 200)


# --- the public survey -----------------------------------------------------------------------


def public_survey(request, token):
    try:
        found = services.token_for(token)
    except SurveyToken.DoesNotExist:
        raise Http404("测评码不存在，请核对链接或重新扫码") from None
    campaign = found.tally.campaign
    questions = services.questions(campaign)
    posted = request.POST if request.method == "POST" else None
    form = SurveyForm(posted, questions=questions)
    context = {"token": found, "campaign": campaign, "org": found.tally.org, "form": form}
    if services.answered(found):
        return render(request, "campaigns/notices_survey_done.html", {**context, "used": True})
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request)
        if form.is_valid():
            try:
                services.answer_survey(found, form.cleaned_data["answer"], form.extra_answers)
            except services.AlreadyAnswered as exc:
                context.update(used=True, reason=str(exc))
                return render(request, "campaigns/notices_survey_done.html", context, status=409)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return render(request, "campaigns/notices_survey_done.html", context, status=201)
    return render(request, "campaigns/notices_survey.html", context)


# --- seed 004 grading ------------------------------------------------------------------------


@login_required
def campaign_grades(request, pk):
    campaign = _campaign(request, pk)
    if campaign.kind != CampaignKind.DEMONSTRATION_POINT:
        raise Http404("只有示范点创建活动需要分类定级")
    may_grade = services.may_organise(request.user, campaign)
    if request.method == "POST":
        if not may_grade:
            raise PermissionDenied(services.NOT_ORGANISER)
        try:
            graded = services.grade_field(request.user, campaign)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已为{len(graded)}个党组织分类定级")
        return redirect("campaign-grades", campaign.pk)
    grades = list(
        FieldGrade.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("org")
        .order_by("org__path")
    )
    if wants_xlsx(request):
        headers = ["党组织", "满意度（%）", "单位自评", "上级综合考评", "综合得分", "等次"]
        rows = (
            [g.org.name, g.satisfaction, g.self_assessment, g.upper_assessment, g.score, g.label]
            for g in _labelled(grades)
        )
        content = export_workbook("分类定级", headers, [30, 12, 10, 12, 10, 8], rows)
        return xlsx_response(content, f"{campaign.title}分类定级.xlsx")
    context = _context(
        campaign,
        "grades",
        grades=_labelled(grades),
        may_grade=may_grade,
        bands=DEFAULT_BANDS,
        counts=_grade_counts(grades),
    )
    return render(request, "campaigns/notices_grades.html", context)


def _labelled(grades):
    for grade in grades:
        grade.label = Grade(grade.grade).label if grade.grade else "未定级（无数据）"
    return grades


def _grade_counts(grades):
    counts = {}
    for grade in grades:
        counts[grade.label] = counts.get(grade.label, 0) + 1
    return sorted(counts.items())


urlpatterns = [
    path("campaigns/<int:pk>/notices/", campaign_notices, name="campaign-notices"),
    path("campaigns/notices/end/", notice_end, name="notice-end"),
    path("notices/<int:pk>/", notice_detail, name="notice-detail"),
    path("notices/<int:pk>/close/", notice_close, name="notice-close"),
    path("notices/<int:pk>/document/", notice_document, name="notice-document"),
    path("notices/<int:pk>/print/", notice_print, name="notice-print"),
    path("objections/<int:pk>/verify/", objection_verify, name="objection-verify"),
    path("objections/<int:pk>/resolve/", objection_resolve, name="objection-resolve"),
    path("public/notices/<int:pk>/", public_notice, name="public-notice"),
    path("public/survey/<str:token>/", public_survey, name="public-survey"),
    path(
        "applications/<int:pk>/survey-tokens/",
        application_tokens,
        name="application-survey-tokens",
    ),
    path("survey-tallies/<int:pk>/tokens/", tally_tokens, name="tally-tokens"),
    path("campaigns/<int:pk>/surveys/", campaign_surveys, name="campaign-surveys"),
    path("campaigns/<int:pk>/surveys/import/", results_import, name="survey-results-import"),
    path("campaigns/<int:pk>/grades/", campaign_grades, name="campaign-grades"),
]
