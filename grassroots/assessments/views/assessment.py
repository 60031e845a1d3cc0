"""Pages of the assessment (docs/decisions/0010-assessment.md): the list, the self-assessment screen
(items by dimension, measurable ones pre-filled, manual ones with evidence), the review
screen (scores per item, total and grade live), the gap list, the rectification list and
task page, and the inspection sample. Everything is read through `visible_to` (another
subtree answers 404) and every change goes through `services.py`."""

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.assessments import services
from grassroots.assessments.choices import (
    AssessmentState,
    Grade,
    ItemStatus,
    TaskStatus,
)
from grassroots.assessments.filtersets import AssessmentListFilter, TaskListFilter, awaiting_review
from grassroots.assessments.forms import (
    CloseTaskForm,
    PolicyForm,
    ReviewForm,
    SampleForm,
    SelfAssessmentForm,
    StartForm,
    TaskForm,
    year_choices,
)
from grassroots.assessments.models import (
    Assessment,
    AssessmentItem,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)
from grassroots.assessments.rules import DEFAULT_BANDS, EVIDENCE_FILES
from grassroots.core.access import Scope, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_list
from grassroots.core.forms import apply_service_errors
from grassroots.core.history import history_entries
from grassroots.core.pages import ancestors, page_of, visible_org
from grassroots.core.uploads import stored_file_response
from grassroots.orgs.models import Organization
from grassroots.standards.metrics import format_number

LIST_PAGE = 50
# The step that leads into each state, as the timeline names it.
STEP_LABELS = {
    AssessmentState.DRAFT: "发起自评",
    AssessmentState.SUBMITTED: "提交审核",
    AssessmentState.RETURNED: "退回修改",
    AssessmentState.RESUBMITTED: "重新提交审核",
    AssessmentState.REVIEWED: "完成评定",
}


def error_text(exc):
    return "；".join(exc.messages)


def evidence_response(field_file, name):
    """An evidence or follow-up file, to someone who may see its record."""
    return stored_file_response(field_file, name, EVIDENCE_FILES.content_type(name))


# --- reading ----------------------------------------------------------------------------------


def visible_assessment(request, pk):
    related = ("org", "standard_set", "started_by", "submitted_by", "returned_by", "reviewed_by")
    return visible_or_404(request, Assessment.objects.select_related(*related), pk)


def item_rows(assessment):
    """The assessment's rows in reading order with their items, dimensions and tasks, and
    their numbers as text ("31.5", "33.34")."""
    rows = list(
        assessment.items.select_related("item__dimension", "task__owner_user").order_by("position")
    )
    for row in rows:
        row.value_text = format_number(row.value) if row.value is not None else "—"
        row.points_text = format_number(row.max_points)
        row.score_text = format_number(row.review_score) if row.review_score is not None else ""
    return rows


def by_dimension(rows):
    grouped = groupby(rows, key=lambda r: r.item.dimension)
    return [(dimension, list(group)) for dimension, group in grouped]


def task_of(row):
    try:
        return row.task
    except RectificationTask.DoesNotExist:
        return None


def timeline(assessment):
    """The state changes from the history (one query): when, who, to which state, and the
    comment given with it."""
    records = assessment.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    steps, previous = [], None
    for record in records:
        if record.state != previous:
            comment = ""
            if record.state == AssessmentState.RETURNED:
                comment = record.return_comment
            elif record.state == AssessmentState.REVIEWED:
                comment = record.review_comment
            user = record.history_user
            steps.append(
                {
                    "at": record.history_date,
                    "by": (user.get_full_name() or user.get_username()) if user else "系统",
                    "state": record.state,
                    "label": STEP_LABELS[record.state],
                    "comment": comment,
                }
            )
            previous = record.state
    return list(reversed(steps))


def outcome_counts(rows):
    counts = dict.fromkeys(ItemStatus.values, 0)
    for row in rows:
        counts[row.outcome] += 1
    return counts


def year_select():
    """The lists' year filter as a choice of the recent years."""
    return forms.Select(choices=[("", "全部"), *year_choices()])


# --- lists ------------------------------------------------------------------------------------


@login_required
def assessment_list(request):
    user = request.user
    assessments = Assessment.objects.visible_to(user).select_related("org", "standard_set")
    filters = AssessmentListFilter.for_page(
        request, assessments, ["year", "state", "grade"], {"year": year_select()}
    )
    assessments = filters.qs.order_by("-year", "org__path")
    if wants_xlsx(request):
        rows = (
            [
                a.year,
                a.org.name,
                a.standard_set.title,
                a.get_state_display(),
                a.total,
                a.get_grade_display() if a.grade else "",
                a.submitted_at.date() if a.submitted_at else None,
            ]
            for a in assessments
        )
        headers = ["年度", "党组织", "考核标准", "状态", "总分", "等次", "提交日期"]
        return xlsx_list("考核", headers, [8, 30, 30, 10, 8, 8, 12], rows, "考核评定.xlsx")
    page = page_of(request, assessments, LIST_PAGE)
    scope = Scope.of(user)
    context = {
        "page": page,
        "form": filters.form,
        "queue_count": awaiting_review(user).count(),
        "can_start": scope.has_any(Permission.EDIT),
        "can_sample": scope.has_any(Permission.APPROVE) or scope.has_any(Permission.MANAGE_USERS),
    }
    return render(request, "assessments/assessment_list.html", context)


@login_required
def assessment_new(request):
    user = request.user
    org_id = request.GET.get("org", "")
    org = visible_org(request, int(org_id)) if org_id.isdigit() else None
    form = StartForm(request.POST or None, user=user, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.start_assessment(
                user, data["org"], data["standard_set"], data["year"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已发起自评：可计量条目已按本组织记录预填")
            return redirect("assessment-detail", assessment.pk)
    trail = ancestors(user, org) if org else []
    return render(
        request, "assessments/assessment_start.html", {"form": form, "org": org, "trail": trail}
    )


# --- the assessment and self-assessment -------------------------------------------------------


def render_assessment(request, assessment, bound=None):
    """The assessment screen; `bound`: (row id, form) of a self-assessment that failed."""
    user = request.user
    org = assessment.org
    rows = item_rows(assessment)
    can_edit = assessment.is_editable and services.may_edit(user, org)
    for row in rows:
        row.existing_task = task_of(row)
        if can_edit:
            if bound and bound[0] == row.pk:
                row.form = bound[1]
            else:
                row.form = SelfAssessmentForm(
                    prefix=f"item-{row.pk}",
                    manual=row.is_manual,
                    initial={
                        "self_status": row.self_status,
                        "evidence": row.evidence,
                        "self_comment": row.self_comment,
                    },
                )
    gaps = [row for row in rows if row.is_gap] if assessment.is_reviewed else []
    context = {
        "assessment": assessment,
        "org": org,
        "trail": ancestors(user, org),
        "dimensions": by_dimension(rows),
        "rows": rows,
        "counts": outcome_counts(rows),
        "statuses": ItemStatus,
        "can_edit": can_edit,
        "can_review": assessment.in_review and services.may_review(user, org),
        "problems": services.submission_errors(rows) if can_edit else {},
        "timeline": timeline(assessment),
        "gaps": gaps,
        "today": timezone.localdate(),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_detail(request, pk):
    return render_assessment(request, visible_assessment(request, pk))


@login_required
@require_POST
def assessment_item_save(request, pk):
    row = visible_or_404(request, AssessmentItem.objects.select_related("item", "assessment"), pk)
    assessment = visible_assessment(request, row.assessment_id)
    form = SelfAssessmentForm(
        request.POST, request.FILES, prefix=f"item-{row.pk}", manual=row.is_manual
    )
    if form.is_valid():
        try:
            services.update_self_assessment(request.user, row, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存第 {row.item.code} 条自评")
            return redirect(reverse("assessment-detail", args=[assessment.pk]) + f"#item-{row.pk}")
    return render_assessment(request, assessment, bound=(row.pk, form))


@login_required
@require_POST
def assessment_act(request, pk):
    assessment = visible_assessment(request, pk)
    action = request.POST.get("action")
    user = request.user
    try:
        if action == "submit":
            services.submit_assessment(user, assessment)
            messages.success(request, "已提交上级党组织审核；可计量条目已按提交时的记录锁定")
        elif action == "discard":
            services.discard_assessment(user, assessment)
            messages.success(request, "已删除本自评")
            return redirect("assessment-list")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("assessment-detail", assessment.pk)


@login_required
def evidence_file(request, pk):
    row = get_object_or_404(AssessmentItem.objects.visible_to(request.user), pk=pk)
    return evidence_response(row.evidence_file, row.evidence_name)


# --- review -----------------------------------------------------------------------------------


def posted_scores(request, rows):
    return {
        row.pk: (
            request.POST.get(f"score-{row.pk}", "").strip(),
            request.POST.get(f"comment-{row.pk}", ""),
        )
        for row in rows
    }


@login_required
def assessment_review(request, pk):
    """Scores per item with the total and grade updated as the reviewer types; save, return
    to the organisation, or complete the review (grade and rectification tasks)."""
    user = request.user
    assessment = visible_assessment(request, pk)
    if not services.may_review(user, assessment.org):
        raise PermissionDenied(services.NOT_REVIEWER)
    if not assessment.in_review:
        messages.info(request, f"考核{assessment.get_state_display()}，不在审核阶段")
        return redirect("assessment-detail", assessment.pk)
    rows = item_rows(assessment)
    days = services.rectification_days()
    form = ReviewForm(request.POST or None, rectification_days=days)
    errors = []
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        data = form.cleaned_data
        scores = posted_scores(request, rows)
        try:
            if action == "return":
                services.return_assessment(user, assessment, data["comment"])
                messages.success(request, "已退回，等待该组织修改后重新提交")
                return redirect("assessment-detail", assessment.pk)
            services.review_items(user, assessment, scores)
            if action == "complete":
                done = services.complete_review(
                    user, assessment, data["comment"], deadline=data["deadline"]
                )
                tasks = done.org.rectification_tasks.filter(
                    assessment_item__assessment=done
                ).count()
                messages.success(
                    request,
                    f"已完成评定：总分 {done.total}，等次 {done.get_grade_display()}"
                    f"{'（一票否决）' if done.veto_failed else ''}；生成整改任务 {tasks} 项",
                )
                return redirect("assessment-detail", assessment.pk)
            messages.success(request, "已保存评分")
            return redirect("assessment-review", assessment.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            errors = exc.messages
    posted = posted_scores(request, rows) if request.method == "POST" else {}
    for row in rows:
        if row.pk in posted:
            row.score_input, row.comment_input = posted[row.pk]
        else:
            score = row.review_score if row.review_score is not None else row.suggested_score
            row.score_input, row.comment_input = format_number(score), row.review_comment
    bands = services.bands_for(assessment.org, assessment.year)
    context = {
        "assessment": assessment,
        "org": assessment.org,
        "trail": ancestors(user, assessment.org),
        "dimensions": by_dimension(rows),
        "form": form,
        "errors": errors,
        "bands": bands,
        "default_bands": bands == DEFAULT_BANDS,
        "veto_cap_label": Grade(bands.veto_cap).label,
    }
    return render(request, "assessments/assessment_review.html", context)


# --- rectification ----------------------------------------------------------------------------


def visible_tasks(user):
    return RectificationTask.objects.visible_to(user).select_related(
        "org", "owner_user", "assessment_item__item", "assessment_item__assessment"
    )


@login_required
def rectification_list(request):
    """Rectification tasks across the user's subtree (or `?ancestor=` one organisation's
    subtree): not done by default, overdue ones in red."""
    user = request.user
    ancestor = request.GET.get("ancestor", "")
    org = visible_org(request, int(ancestor)) if ancestor.isdigit() else None
    tasks = visible_tasks(user)
    widgets = {"ancestor": forms.HiddenInput, "year": year_select()}
    filters = TaskListFilter.for_page(request, tasks, ["ancestor", "status", "year"], widgets)
    tasks_shown = filters.qs.order_by("deadline", "pk")
    if wants_xlsx(request):
        rows = (
            [
                t.deadline,
                t.org.name,
                t.heading,
                t.assessment_item.item.text if t.assessment_item_id else t.description,
                str(t.owner),
                t.get_status_display(),
            ]
            for t in tasks_shown
        )
        headers = ["整改期限", "党组织", "整改事项", "内容", "责任人", "状态"]
        return xlsx_list("整改任务", headers, [12, 30, 20, 50, 12, 10], rows, "整改任务.xlsx")
    page = page_of(request, tasks_shown, LIST_PAGE)
    # The counts are the chosen subtree's, whatever the other filters.
    subtree = filters.filters["ancestor"].filter(tasks, filters.form.cleaned_data.get("ancestor"))
    today = timezone.localdate()
    counts = subtree.aggregate(
        open=Count("pk", filter=~Q(status=TaskStatus.DONE)),
        overdue=Count("pk", filter=~Q(status=TaskStatus.DONE) & Q(deadline__lt=today)),
    )
    context = {"page": page, "form": filters.form, "org": org, "counts": counts, "today": today}
    return render(request, "assessments/rectification_list.html", context)


@login_required
def rectification_detail(request, pk):
    user = request.user
    task = get_object_or_404(visible_tasks(user), pk=pk)
    can_change = not task.is_done and services.may_change_task(user, task)
    can_close = not task.is_done and services.may_edit(user, task.org)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not (can_close if action == "close" else can_change):
        raise PermissionDenied("您没有修改该整改任务的权限")
    update_form = TaskForm(
        request.POST if action == "update" else None,
        initial={
            "description": task.description,
            "owner_name": task.owner_name or task.owner,
            "deadline": task.deadline,
            "status": task.status,
            "follow_up": task.follow_up,
        },
    )
    close_form = CloseTaskForm(
        request.POST if action == "close" else None,
        request.FILES if action == "close" else None,
        initial={"follow_up": task.follow_up},
    )
    form = update_form if action == "update" else close_form
    if action and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "update":
                owner = {}
                if data["owner_name"] != task.owner:  # a name typed replaces the owner
                    owner = {"owner_name": data["owner_name"], "owner_user": None}
                services.update_task(
                    user,
                    task,
                    description=data["description"],
                    deadline=data["deadline"],
                    status=data["status"],
                    follow_up=data["follow_up"],
                    **owner,
                )
                messages.success(request, "已保存整改任务")
            else:
                services.close_task(
                    user,
                    task,
                    follow_up=data["follow_up"],
                    follow_up_file=data["follow_up_file"],
                    follow_up_on=data["follow_up_on"],
                )
                messages.success(request, "整改已完成，任务已销号")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("rectification-detail", task.pk)
    context = {
        "task": task,
        "assessment": task.assessment_item.assessment if task.assessment_item_id else None,
        "org": task.org,
        "trail": ancestors(user, task.org),
        "update_form": update_form,
        "close_form": close_form,
        "can_change": can_change,
        "can_close": can_close,
        "history": history_entries(task.history.select_related("history_user")),
        "open_form": action,
    }
    return render(request, "assessments/rectification_detail.html", context)


@login_required
def rectification_file(request, pk):
    task = get_object_or_404(RectificationTask.objects.visible_to(request.user), pk=pk)
    return evidence_response(task.follow_up_file, task.follow_up_name)


# --- grading policies -----------------------------------------------------------------------


@login_required
def policy_list(request):
    """The grade bands set over the user's subtree, and (administrators) the form setting
    them for an organisation's subtree, for one year or all years."""
    user = request.user
    scope = Scope.of(user)
    can_set = scope.has_any(Permission.MANAGE_USERS)
    form = PolicyForm(request.POST or None, user=user)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied("只有管理员可以设置考核等次分数线")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_grading_policy(
                    user,
                    data["org"],
                    data["year"],
                    data["excellent"],
                    data["good"],
                    data["fair"],
                    data["veto_cap"],
                    data["note"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已保存考核等次分数线")
                return redirect("assessment-policies")
    policies = (
        GradingPolicy.objects.visible_to(request.user)
        .select_related("org")
        .order_by("org__path", "year")
    )
    context = {
        "form": form,
        "can_set": can_set,
        "policies": policies,
        "defaults": DEFAULT_BANDS,
    }
    return render(request, "assessments/assessment_policies.html", context)


# --- inspection sample ------------------------------------------------------------------------


@login_required
def sample_list(request):
    """Samples drawn in the user's subtree, and the form drawing a new one (also used to
    draw again with a recorded seed)."""
    user = request.user
    form = SampleForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sample = services.draw_inspection_sample(
                user, data["org"], data["year"], data["percent"] / 100, data["seed"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已抽取 {len(sample.drawn)} 个党组织")
            return redirect("sample-detail", sample.pk)
    samples = InspectionSample.objects.visible_to(user).select_related("org", "drawn_by")
    samples = samples.order_by("-created_at", "-pk")
    if wants_xlsx(request):
        rows = (
            [
                timezone.localtime(s.created_at).replace(tzinfo=None),
                s.org.name,
                s.year,
                f"{s.percent}%",
                len(s.drawn),
                len(s.population),
                s.seed,
                s.drawn_by.get_full_name() or s.drawn_by.get_username(),
            ]
            for s in samples
        )
        headers = ["抽取时间", "抽查单位", "年度", "比例", "抽中", "范围", "随机种子", "抽取人"]
        widths = [18, 30, 8, 8, 8, 8, 22, 12]
        return xlsx_list("抽查名单", headers, widths, rows, "抽查名单.xlsx")
    page = page_of(request, samples, LIST_PAGE)
    scope = Scope.of(user)
    context = {
        "form": form,
        "page": page,
        "can_draw": scope.has_any(Permission.APPROVE) or scope.has_any(Permission.MANAGE_USERS),
    }
    return render(request, "assessments/sample_list.html", context)


@login_required
def sample_detail(request, pk):
    user = request.user
    sample = visible_or_404(user, InspectionSample.objects.select_related("org", "drawn_by"), pk)
    drawn = list(
        Organization.objects.filter(pk__in=sample.drawn).select_related("parent").order_by("path")
    )
    found = Assessment.objects.visible_to(user).filter(org_id__in=sample.drawn, year=sample.year)
    assessments = {a.org_id: a for a in found}
    for org in drawn:
        org.assessment = assessments.get(org.pk)
    same_draws = list(
        InspectionSample.objects.visible_to(user)
        .filter(org=sample.org, year=sample.year, share=sample.share, seed=sample.seed)
        .exclude(pk=sample.pk)
        .order_by("created_at", "pk")
    )
    context = {
        "sample": sample,
        "drawn": drawn,
        "verified": services.verify_sample(sample),
        "same_draws": [(s, s.drawn == sample.drawn) for s in same_draws],
        "can_draw": services.may_sample(user, sample.org),
        "trail": ancestors(user, sample.org),
        "org": sample.org,
    }
    return render(request, "assessments/sample_detail.html", context)
