"""One function per state change of organisational-life records. Each checks permission
(`Scope`), the rules (`rules.py`) and who may attend, applies the change in a transaction and
records who made it (django-simple-history). Errors are `ValidationError({field: message})`
with Chinese messages; pages show them next to the field and the API answers 400."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from grassroots.core.access import Scope, parent_path
from grassroots.core.history import save_by
from grassroots.core.signals import bulk_written
from grassroots.core.uploads import receive_upload
from grassroots.orgs.choices import PostKind
from grassroots.orgs.models import Member, Post
from grassroots.orgs.services import require_edit

from . import rules
from .choices import FactSource, MeetingType, ReportRating
from .models import (
    Attachment,
    Attendance,
    Meeting,
    SecretaryReport,
    YearlyFact,
    eligible_members,
)

MEETING_FIELDS = (
    "type",
    "date",
    "topic",
    "place",
    "host",
    "lecturer",
    "lecturer_name",
    "hours",
    "minutes",
)


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _ids(values):
    return sorted({int(value) for value in values})


def not_member_message(ids):
    listed = "、".join(str(pk) for pk in ids)
    return f"编号为 {listed} 的党员不是本组织的党员，也未在本组织参加组织生活"


# --- meetings ----------------------------------------------------------------------------------


def check_meeting_org(org, date):
    """A dissolved organisation keeps its meetings up to the day it was dissolved."""
    if not org.is_active and (date is None or org.dissolved_on is None or date > org.dissolved_on):
        raise ValidationError({"org": "该党组织已撤销，不能登记撤销以后的会议"})


def _check_meeting(meeting, today, moved_from=None):
    """The rules, the model's own field checks, host and lecturer being members, and, when
    a recorded meeting moves from the day `moved_from`, its attendance still holding."""
    org = meeting.org
    errors = rules.meeting_field_errors(
        meeting.type,
        meeting.date,
        meeting.hours,
        today,
        org.established_on,
        lecturer_given=bool(meeting.lecturer_id or meeting.lecturer_name.strip()),
        org_kind=org.kind,
    )
    try:
        meeting.full_clean(exclude=["org", "created_by", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if "date" not in errors:
        people = {meeting.host_id, meeting.lecturer_id} - {None}
        members = set(
            eligible_members(org, meeting.date).filter(pk__in=people).values_list("pk", flat=True)
        )
        if meeting.host_id and meeting.host_id not in members:
            errors.setdefault("host", []).append("主持人应为本组织的党员")
        if meeting.lecturer_id and meeting.lecturer_id not in members:
            errors.setdefault("lecturer", []).append(
                "授课人应为本组织的党员；外请的授课人请填写姓名"
            )
        if moved_from not in (None, meeting.date):
            # Only members the move itself rules out: one on the record who has since moved
            # to another organisation stays acceptable, as in `_write_attendance`.
            stranded = list(
                eligible_members(org, moved_from)
                .filter(attendances__meeting=meeting)
                .exclude(pk__in=eligible_members(org, meeting.date).values("pk"))
                .order_by("name", "pk")
            )
            if stranded:
                names = "、".join(f"{m.name}（编号 {m.pk}）" for m in stranded)
                errors.setdefault("date", []).append(
                    f"会议日期不能改为 {meeting.date:%Y-%m-%d}：已登记出席或缺席的党员{names}"
                    "当天不能参加本组织的组织生活（尚未入党、已离开，或不在参加组织生活的期间）"
                )
    _raise(errors)


def _require_open(meeting):
    if meeting.is_cancelled:
        raise ValidationError({"meeting": "该会议记录已作废，不能再修改"})


@transaction.atomic
def record_meeting(user, org, type, date, topic, hours=0, attendees=(), absentees=None, **fields):
    """Record a meeting that has taken place, with who attended (`attendees`: member ids)
    and who did not (`absentees`: {member id: reason}). `fields`: place, host, lecturer,
    lecturer_name, minutes."""
    require_edit(user, org)
    check_meeting_org(org, date)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(
        org=org, type=type, date=date, topic=topic, hours=hours, created_by=user, **fields
    )
    _check_meeting(meeting, timezone.localdate())
    save_by(meeting, user)
    _write_attendance(user, meeting, attendees, absentees or {})
    return meeting


@transaction.atomic
def update_meeting(user, meeting, **fields):
    """Correct a meeting's own fields (not its organisation: void it and record it again)."""
    require_edit(user, meeting.org)
    _require_open(meeting)
    org = fields.pop("org", meeting.org)
    if org.pk != meeting.org_id:
        raise ValidationError({"org": "会议所属党组织不能修改；登记错了组织请作废后重新登记"})
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    moved_from = meeting.date
    for name, value in fields.items():
        setattr(meeting, name, value)
    check_meeting_org(meeting.org, meeting.date)
    _check_meeting(meeting, timezone.localdate(), moved_from)
    return save_by(meeting, user)


@transaction.atomic
def set_attendance(user, meeting, attendees, absentees):
    """Replace the meeting's attendance: `attendees` (member ids present) and `absentees`
    ({member id: reason}); members in neither are taken off the record."""
    require_edit(user, meeting.org)
    _require_open(meeting)
    _write_attendance(user, meeting, attendees, absentees)
    return meeting


def _write_attendance(user, meeting, attendees, absentees):
    present = _ids(attendees)
    absent = {int(pk): (reason or "").strip() for pk, reason in absentees.items()}
    errors = rules.attendance_errors(present, absent)
    existing = {row.member_id: row for row in meeting.attendances.all()}
    wanted = set(present) | set(absent)
    # Members already on the record stay acceptable (they may have moved on since).
    allowed = set(existing) | set(
        eligible_members(meeting.org, meeting.date)
        .filter(pk__in=wanted - set(existing))
        .values_list("pk", flat=True)
    )
    outside_present = [pk for pk in present if pk not in allowed]
    outside_absent = sorted(pk for pk in absent if pk not in allowed)
    if outside_present:
        errors.setdefault("attendees", []).append(not_member_message(outside_present))
    if outside_absent:
        errors.setdefault("absentees", []).append(not_member_message(outside_absent))
    if meeting.type == MeetingType.COMMITTEE_MEETING:
        # A committee meeting is attended by the committee alone (支部工作条例 Art. 12).
        committee = Post.objects.held_on(meeting.date).filter(term__org=meeting.org)
        others = (
            Member.objects.filter(pk__in=(allowed & wanted) - set(existing))
            .exclude(pk__in=committee.values("member"))
            .order_by("name", "pk")
        )
        names = "、".join(m.name for m in others)
        if names:
            errors.setdefault("attendees", []).append(
                f"支委会（委员会会议）只登记当天委员会成员的出席情况，{names}不是委员会成员"
            )
    _raise(errors)

    created, changed = [], []
    for pk in sorted(wanted):
        is_present = pk in present
        reason = "" if is_present else absent[pk]
        row = existing.get(pk)
        if row is None:
            created.append(
                Attendance(meeting=meeting, member_id=pk, present=is_present, absence_reason=reason)
            )
        elif (row.present, row.absence_reason) != (is_present, reason):
            row.present, row.absence_reason = is_present, reason
            changed.append(row)
    if created:
        bulk_create_with_history(created, Attendance, default_user=user)
    if changed:
        bulk_update_with_history(
            changed, Attendance, ["present", "absence_reason"], default_user=user
        )
    if created or changed:
        bulk_written.send(sender=Attendance, objects=created + changed)
    for pk in set(existing) - wanted:
        row = existing[pk]
        row._history_user = user
        row.delete()


@transaction.atomic
def cancel_meeting(user, meeting, reason):
    """Void a meeting recorded in error; it stays on file but no longer counts."""
    require_edit(user, meeting.org)
    if meeting.is_cancelled:
        raise ValidationError({"cancel_reason": "该会议记录已作废"})
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": "请填写作废原因"})
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    return save_by(meeting, user)


@transaction.atomic
def add_attachment(user, meeting, upload):
    """Attach an uploaded photo or PDF (`upload`: a Django UploadedFile) to a meeting."""
    require_edit(user, meeting.org)
    _require_open(meeting)
    name, content_type = receive_upload(upload, rules.ATTACHMENTS, "file")
    attachment = Attachment(
        meeting=meeting,
        file=upload,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    return save_by(attachment, user)


@transaction.atomic
def remove_attachment(user, attachment):
    """Take an attachment off its meeting. Its row and file stay for the record; pages, the
    API and downloads no longer show it."""
    meeting = attachment.meeting
    require_edit(user, meeting.org)
    _require_open(meeting)
    if attachment.removed_at is not None:
        raise ValidationError({"attachment": "该附件已删除"})
    attachment.removed_at, attachment.removed_by = timezone.now(), user
    return save_by(attachment, user)


# --- secretary's yearly report -----------------------------------------------------------------


def current_secretary(org):
    post = (
        Post.objects.current()
        .filter(term__org=org, post=PostKind.SECRETARY)
        .select_related("member")
        .first()
    )
    return post.member if post else None


@transaction.atomic
def submit_secretary_report(user, org, year, text, submitted_on, secretary=None):
    """Submit (or, until it is evaluated, resubmit) the secretary's report for `year`;
    the secretary defaults to the current holder of the post."""
    require_edit(user, org)
    today = timezone.localdate()
    errors = rules.report_errors(year, submitted_on, today)
    if not (text or "").strip():
        errors.setdefault("text", []).append("请填写述职内容")
    secretary = secretary or current_secretary(org)
    if secretary is None:
        errors.setdefault("secretary", []).append("本组织尚未登记书记，请选择述职人")
    elif "submitted_on" not in errors and not (
        eligible_members(org, submitted_on).filter(pk=secretary.pk).exists()
    ):
        errors.setdefault("secretary", []).append("述职人应为本组织的党员")
    _raise(errors)
    report = SecretaryReport.objects.select_for_update().filter(org=org, year=year).first()
    if report is None:
        report = SecretaryReport(org=org, year=year)
    elif report.is_evaluated:
        raise ValidationError({"year": f"{year}年度的述职已经评价，不能再修改"})
    report.secretary, report.text, report.submitted_on = secretary, text.strip(), submitted_on
    return save_by(report, user)


def may_evaluate(user, org):
    """A reviewer of the level above: the approve permission over the organisation's
    parent (a reviewer of the organisation itself does not evaluate its own report)."""
    return Scope.of(user).reviews_from_above(parent_path(org.path))


@transaction.atomic
def evaluate_secretary_report(user, report, rating, comment=""):
    if not may_evaluate(user, report.org):
        raise ValidationError({"rating": "只有上级党组织的审核人可以评价述职"})
    if rating not in ReportRating.values:
        raise ValidationError({"rating": "请选择评价等次"})
    report.rating, report.comment = rating, (comment or "").strip()
    report.evaluated_by, report.evaluated_at = user, timezone.now()
    return save_by(report, user)


# --- yearly facts ------------------------------------------------------------------------------


@transaction.atomic
def set_yearly_fact(user, org, year, code, value, note=""):
    """Enter (or correct) one yearly fact of an organisation."""
    require_edit(user, org)
    errors = rules.fact_value_errors(code, value)
    message = rules.year_error(year, timezone.localdate())
    if message:
        errors.setdefault("year", []).append(message)
    _raise(errors)
    # The organisation enters its own value; a survey's value is written by the survey.
    own = {"org": org, "year": year, "code": code, "source": FactSource.SELF_REPORTED}
    fact = YearlyFact.objects.select_for_update().filter(**own).first() or YearlyFact(**own)
    fact.value, fact.note = value, (note or "").strip()
    fact.full_clean(exclude=["org"])
    return save_by(fact, user)
