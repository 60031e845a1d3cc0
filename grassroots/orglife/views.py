"""Pages of organisational life: a calendar per organisation, quick entry of a meeting (made
for a phone), the meeting with its attendance and attachments, the secretary's yearly
report and its evaluation, yearly facts, and the Excel import of meetings. Records are read
through `visible_to(request.user)` (another subtree answers 404) and changed only through
`services.py`."""

import calendar
import datetime
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.core.access import Scope, can, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_list, xlsx_response
from grassroots.core.excel.background import BackgroundUploadForm, import_in_background
from grassroots.core.forms import apply_service_errors
from grassroots.core.pages import ancestors, form_page, page_of, require_edit, visible_org
from grassroots.orgs.models import Post
from grassroots.standards.models import fact_metrics

from . import excel, forms, rules, services
from .attachments import attachment_response
from .choices import (
    ABSENCE_REASONS,
    FACT_UNITS,
    SHORT_LABELS,
    TYPE_MARKS,
    FactSource,
    MeetingType,
)
from .filtersets import MeetingFilter
from .history import meeting_history
from .models import Meeting, SecretaryReport, eligible_members

MEETINGS_PAGE = 30
REPORTS_TO_EVALUATE = 20


def visible_meeting(request, pk):
    meetings = Meeting.objects.select_related("org", "host", "lecturer", "created_by")
    return visible_or_404(request, meetings, pk)


def org_context(request, org, **extra):
    can_edit = can(request.user, Permission.EDIT, org)
    return {"org": org, "trail": ancestors(request.user, org), "can_edit": can_edit, **extra}


def parse_month(value, today):
    """The first day of `?month=YYYY-MM`, or of this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def type_rows(month_counts=None, year_counts=None):
    return [
        {
            "code": code,
            "label": label,
            "short": SHORT_LABELS[code],
            "mark": TYPE_MARKS[code],
            "month": (month_counts or {}).get(code, 0),
            "year": (year_counts or {}).get(code, 0),
        }
        for code, label in MeetingType.choices
    ]


# --- overview and calendar ---------------------------------------------------------------------


@login_required
def home(request):
    """Meetings across the user's subtree, newest first, with filters; reports waiting for
    the user's evaluation."""
    user = request.user
    filters = MeetingFilter.for_page(
        request, Meeting.objects.visible_to(user), ["ancestor", "type", "year"]
    )
    meetings = filters.qs.select_related("org").order_by("-date", "-id")
    if wants_xlsx(request):
        rows = (
            [
                m.date,
                m.get_type_display(),
                m.topic,
                m.org.name,
                m.present_count,
                m.absent_count,
                m.hours,
            ]
            for m in meetings
        )
        headers = ["日期", "类型", "主题", "党组织", "出席", "缺席", "学时"]
        return xlsx_list("会议", headers, [12, 14, 40, 30, 6, 6, 6], rows, "组织生活会议.xlsx")
    scope = Scope.of(user)
    to_evaluate = []
    if scope.has_any(Permission.APPROVE):
        waiting = (
            SecretaryReport.objects.visible_to(user, Permission.APPROVE)
            .filter(rating="")
            .select_related("org", "secretary")
            .order_by("-year", "org__path")
        )
        # A reviewer evaluates the reports of the organisations below the one reviewed.
        to_evaluate = [
            r for r in waiting[: REPORTS_TO_EVALUATE * 2] if services.may_evaluate(user, r.org)
        ]
    context = {
        "form": filters.form,
        "meetings": page_of(request, meetings, MEETINGS_PAGE),
        "to_evaluate": to_evaluate[:REPORTS_TO_EVALUATE],
        "can_import": scope.has_any(Permission.EDIT),
    }
    return render(request, "orglife/home.html", context)


@login_required
def calendar_page(request, pk):
    # Meetings name their lecturers and attendees: the roster's readers only.
    org = visible_org(request, pk, Permission.ROSTER)
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    shown = (
        org.meetings.held()
        .filter(date__gte=weeks[0][0], date__lte=weeks[-1][-1])
        .order_by("date", "id")
    )
    by_day = defaultdict(list)
    for meeting in shown:
        by_day[meeting.date].append(meeting)
    in_month = [m for m in shown if m.date.month == month.month]
    year_counts = dict(
        org.meetings.held()
        .in_year(month.year)
        .order_by()
        .values("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    context = org_context(
        request,
        org,
        month=month,
        weeks=[[(day, by_day.get(day, [])) for day in week] for week in weeks],
        today=today,
        in_month=in_month,
        types=type_rows(Counter(m.type for m in in_month), year_counts),
        previous=previous,
        following=following if following <= today.replace(day=1) else None,
    )
    return render(request, "orglife/calendar.html", context)


# --- entering a meeting ------------------------------------------------------------------------


def _day(value, default):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _attendance_rows(members, state):
    """[(member, present, reason)] for the entry grid; `state`: {id: (present, reason)}."""
    return [(m, *state.get(m.pk, (True, ""))) for m in members]


def _entry_page(request, org, form, listed, extra, meeting=None, committee=frozenset(), held=None):
    names = Counter(m.name for m, *_ in [*listed, *extra])
    for m, *_ in [*listed, *extra]:
        # Two members of one name are told apart by their year of birth (shown to all).
        m.hint = f"{m.birth_date.year}年生" if names[m.name] > 1 else ""
    context = org_context(
        request,
        org,
        form=form,
        listed=listed,
        extra=extra,
        meeting=meeting,
        committee=committee,
        # Only the types the organisation holds (a meeting kept from before keeps its own).
        types=[
            t
            for t in type_rows()
            if t["code"] in (held or rules.meeting_types_held(org.kind))
            or (meeting and t["code"] == meeting.type)
        ],
        reasons=ABSENCE_REASONS,
        reasons_needed=any(not present for _, present, _ in listed),
        submitted=request.method == "POST",
        title="修改会议" if meeting else "登记会议",
    )
    return render(request, "orglife/entry.html", context)


def _posted_state(post, member_ids):
    ticked = forms.ticked_ids(post)
    return {pk: (pk in ticked, post.get(f"reason_{pk}", "")) for pk in member_ids}


@login_required
def meeting_new(request, pk):
    """Quick entry: type, date, topic, hours, and every member ticked as present (for a
    committee meeting, every committee member); untick the absent and give a reason. One
    screen, one tap to save."""
    org = visible_org(request, pk)
    require_edit(request, org)
    held = rules.meeting_types_held(org.kind)
    if not held:
        messages.error(request, rules.meeting_kind_error(org.kind, MeetingType.GENERAL_MEETING))
        return redirect("org-detail", pk=org.pk)
    today = timezone.localdate()
    day = _day(request.POST.get("date"), today) if request.method == "POST" else today
    eligible = eligible_members(org, min(day, today)).select_related("org").order_by("name", "pk")
    members = list(eligible)
    # The type asked for, else the one this user recorded last here: a secretary who records
    # the monthly committee meeting finds it chosen.
    chosen = (
        request.GET.get("type")
        or (
            org.meetings.filter(created_by=request.user)
            .order_by("-id")
            .values_list("type", flat=True)
        ).first()
    )
    initial = {"type": chosen} if chosen in held else {}
    form = forms.MeetingForm(request.POST or None, members=eligible, initial=initial)
    state = {}
    if request.method == "POST":
        listed = forms.listed_ids(request.POST)
        state = _posted_state(request.POST, listed)
        if form.is_valid():
            present, absent = forms.attendance_from_post(request.POST, listed)
            try:
                meeting = services.record_meeting(
                    request.user,
                    org,
                    attendees=present,
                    absentees=absent,
                    **form.meeting_fields(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已登记{meeting.get_type_display()}“{meeting.topic}”：出席{len(present)}人"
                    + (f"，缺席{len(absent)}人" if absent else ""),
                )
                month = f"{meeting.date:%Y-%m}"
                return redirect(reverse("orglife-calendar", args=[org.pk]) + f"?month={month}")
    listed = _attendance_rows(members, state)
    # A committee meeting is the committee's: the page lists only its members for that type.
    committee = set(
        Post.objects.held_on(min(day, today)).filter(term__org=org).values_list("member", flat=True)
    )
    return _entry_page(request, org, form, listed, [], committee=committee, held=held)


@login_required
def meeting_edit(request, pk):
    meeting = visible_meeting(request, pk)
    org = meeting.org
    require_edit(request, org)
    if meeting.is_cancelled:
        messages.error(request, "该会议记录已作废，不能再修改")
        return redirect("orglife-meeting", pk=meeting.pk)
    recorded = {row.member_id: row for row in meeting.attendances.select_related("member__org")}
    eligible = eligible_members(org, meeting.date).select_related("org").order_by("name", "pk")
    others = [m for m in eligible if m.pk not in recorded]
    listed_members = sorted((row.member for row in recorded.values()), key=lambda m: (m.name, m.pk))
    fields = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    form = forms.MeetingForm(request.POST or None, members=eligible, initial=fields)
    state = {pk: (row.present, row.absence_reason) for pk, row in recorded.items()}
    extra_state = {m.pk: False for m in others}
    if request.method == "POST":
        state = _posted_state(request.POST, list(recorded))
        ticked = forms.ticked_ids(request.POST)
        extra_state = {m.pk: m.pk in ticked for m in others}
        if form.is_valid():
            present, absent = forms.attendance_from_post(request.POST, list(recorded))
            present += [pk for pk, ticked_extra in extra_state.items() if ticked_extra]
            try:
                with transaction.atomic():
                    services.update_meeting(request.user, meeting, **form.meeting_fields())
                    services.set_attendance(request.user, meeting, present, absent)
            except ValidationError as exc:
                meeting.refresh_from_db()  # the service set the fields before checking them
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("orglife-meeting", pk=meeting.pk)
    listed = [(m, *state[m.pk]) for m in listed_members]
    extra = [(m, extra_state[m.pk]) for m in others]
    return _entry_page(request, org, form, listed, extra, meeting)


# --- one meeting -------------------------------------------------------------------------------


@login_required
def meeting_detail(request, pk):
    meeting = visible_meeting(request, pk)
    rows = list(
        meeting.attendances.select_related("member__org").order_by("-present", "member__name")
    )
    context = org_context(
        request,
        meeting.org,
        meeting=meeting,
        present=[row for row in rows if row.present],
        absent=[row for row in rows if not row.present],
        attachments=meeting.attachments.kept().order_by("id"),
        can_change=not meeting.is_cancelled and can(request.user, Permission.EDIT, meeting.org),
        upload_form=forms.AttachmentForm(),
        history=meeting_history(meeting),
    )
    return render(request, "orglife/meeting_detail.html", context)


def _form_page(request, org, form, action, done, title, back, **extra):
    """A small form about one organisation's records (see `core.pages.form_page`)."""
    return form_page(
        request,
        "orglife/form_page.html",
        form,
        action,
        done,
        lambda: org_context(request, org, title=title, back=back, **extra),
    )


@login_required
def meeting_cancel(request, pk):
    meeting = visible_meeting(request, pk)
    require_edit(request, meeting.org)
    back = reverse("orglife-meeting", args=[meeting.pk])
    return _form_page(
        request,
        meeting.org,
        forms.CancelForm(request.POST or None),
        lambda data: services.cancel_meeting(request.user, meeting, data["reason"]),
        reverse("orglife-calendar", args=[meeting.org_id]) + f"?month={meeting.date:%Y-%m}",
        f"作废会议记录：{meeting}",
        back,
        intro="作废后该记录保留备查，但不再计入组织生活统计。",
    )


@login_required
@require_POST
def attachment_add(request, pk):
    meeting = visible_meeting(request, pk)
    require_edit(request, meeting.org)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, meeting, form.cleaned_data["file"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, "已上传附件")
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect(reverse("orglife-meeting", args=[meeting.pk]) + "#attachments")


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    meeting = visible_meeting(request, pk)
    require_edit(request, meeting.org)
    attachment = get_object_or_404(meeting.attachments.kept(), pk=attachment_pk)
    try:
        services.remove_attachment(request.user, attachment)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, f"已删除附件“{attachment.name}”")
    return redirect(reverse("orglife-meeting", args=[meeting.pk]) + "#attachments")


@login_required
def attachment_download(request, pk):
    return attachment_response(request.user, pk)


# --- secretary's report ------------------------------------------------------------------------


@login_required
def reports(request, pk):
    org = visible_org(request, pk, Permission.ROSTER)
    user = request.user
    today = timezone.localdate()
    can_edit = can(user, Permission.EDIT, org)
    form = None
    if can_edit:
        members = eligible_members(org, today).order_by("name", "pk")
        default_year = today.year if today.month > 6 else today.year - 1
        form = forms.ReportForm(
            request.POST or None, members=members, initial={"year": default_year}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_secretary_report(user, org, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "述职已提交")
                return redirect("orglife-reports", pk=org.pk)
    elif request.method == "POST":
        raise PermissionDenied("您没有在该党组织录入或修改数据的权限")
    context = org_context(
        request,
        org,
        reports=org.secretary_reports.select_related("secretary", "evaluated_by").order_by("-year"),
        form=form,
        can_evaluate=services.may_evaluate(user, org),
        secretary=services.current_secretary(org),
    )
    return render(request, "orglife/reports.html", context)


@login_required
def report_evaluate(request, pk):
    report = visible_or_404(request, SecretaryReport.objects.select_related("org", "secretary"), pk)
    if not services.may_evaluate(request.user, report.org):
        raise PermissionDenied("只有上级党组织的审核人可以评价述职")
    initial = {"rating": report.rating, "comment": report.comment}
    return _form_page(
        request,
        report.org,
        forms.EvaluationForm(request.POST or None, initial=initial),
        lambda data: services.evaluate_secretary_report(request.user, report, **data),
        reverse("orglife-reports", args=[report.org_id]),
        f"评价{report.year}年度书记述职",
        reverse("orglife-reports", args=[report.org_id]),
        report=report,
    )


# --- yearly facts ------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@login_required
def facts(request, pk):
    org = visible_org(request, pk)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today)
    existing, surveyed = {}, {}
    for fact in org.yearly_facts.filter(year=year):
        own = fact.source == FactSource.SELF_REPORTED
        (existing if own else surveyed)[fact.code] = fact
    initial = {}
    for code, fact in existing.items():
        # 3 rather than 3.00; 203000 rather than 2.03E+5
        value = fact.value.quantize(1) if fact.value == fact.value.to_integral() else fact.value
        initial[f"value_{code}"], initial[f"note_{code}"] = value, fact.note
    # Only what the category's standards measure; a fact entered before for another item
    # stays on file and is listed beside the form.
    asked = fact_metrics(org.category)
    form = forms.FactsForm(request.POST or None, initial=initial, codes=asked)
    if request.method == "POST":
        require_edit(request, org)
        if form.is_valid() and _save_facts(request.user, org, year, form):
            messages.success(request, f"已保存{year}年度数据")
            return redirect(reverse("orglife-facts", args=[org.pk]) + f"?year={year}")
    context = org_context(
        request,
        org,
        form=form,
        year=year,
        years=list(range(today.year, today.year - 5, -1)),
        units=FACT_UNITS,
        not_asked=[fact for code, fact in sorted(existing.items()) if code not in asked],
        # A survey's rate is what compliance reads; the value entered stays shown as 自报.
        surveyed=[
            (fact, existing.get(code), FACT_UNITS[code]) for code, fact in sorted(surveyed.items())
        ],
    )
    return render(request, "orglife/facts.html", context)


def _year(value, today):
    return (
        int(value) if (value or "").isdigit() and 2000 <= int(value) <= today.year else today.year
    )


def _save_facts(user, org, year, form):
    """Set every fact given a value, all or none; False with the errors on the form."""
    try:
        with transaction.atomic():
            for code in form.codes:
                value = form.cleaned_data[f"value_{code}"]
                if value is None:
                    continue
                note = form.cleaned_data[f"note_{code}"]
                try:
                    services.set_yearly_fact(user, org, year, code, value, note)
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(
                            f"value_{code}" if field in ("value", "code") else None, errors
                        )
            if form.errors:
                raise _Rollback
    except _Rollback:
        return False
    return True


# --- Excel import ------------------------------------------------------------------------------

MEETING_IMPORTER = "grassroots.orglife.excel.import_meetings"  # a large file's, in the worker


@login_required
def import_page(request):
    can_import = Scope.of(request.user).has_any(Permission.EDIT)
    form = BackgroundUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("您没有录入数据的权限")
        if form.is_valid():
            upload, done = form.cleaned_data["file"], "导入成功：新建会议{created}次"
            job = import_in_background(request.user, upload, "会议", MEETING_IMPORTER, done)
            if job is not None:
                return redirect("job-detail", job.pk)
            result = excel.import_meetings(request.user, upload)
            if not result.errors:
                messages.success(request, done.format(created=result.created))
                return redirect("orglife-import")
    context = {"form": form, "result": result, "can_import": can_import}
    return render(request, "orglife/import.html", context, status=400 if result else 200)


@login_required
def import_template(request):
    return xlsx_response(excel.meeting_template(), "会议导入模板.xlsx")
