"""The state changes of organisational life: who may make them, what they refuse, and that
each is recorded with its author."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.orglife import services
from grassroots.orglife.choices import FactKind, MeetingType, ReportRating
from grassroots.orglife.models import (
    Attachment,
    Attendance,
    Meeting,
    SecretaryReport,
    eligible_members,
)
from grassroots.orgs.choices import OrgKind

from .helpers import DAY, D

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"\0" * 64


def record(scene, user=None, **changes):
    members = scene["members"]
    fields = {
        "org": scene["east_branch"],
        "type": MeetingType.THEME_DAY,
        "date": DAY,
        "topic": "重温入党誓词",
        "hours": Decimal(2),
        "attendees": [m.pk for m in members[:3]],
        "absentees": {members[3].pk: "外出务工"},
    }
    fields.update(changes)
    return services.record_meeting(user or scene["clerk"], **fields)


def messages(exc):
    return exc.value.message_dict


# --- recording a meeting -----------------------------------------------------------------------


def test_a_meeting_is_recorded_with_its_attendance_and_author(scene):
    meeting = record(scene)
    rows = {row.member_id: row for row in meeting.attendances.all()}
    members = scene["members"]
    assert [rows[m.pk].present for m in members] == [True, True, True, False]
    assert rows[members[3].pk].absence_reason == "外出务工"
    assert meeting.created_by == scene["clerk"]
    assert meeting.history.get().history_user == scene["clerk"]
    assert Attendance.history.filter(history_user=scene["clerk"]).count() == 4


def test_a_managing_body_holds_no_meetings(scene):
    """A city or district department (the whole city's 5,920 members) records none: its
    own 机关党支部 does."""
    with pytest.raises(ValidationError) as exc:
        record(scene, org=scene["east"], attendees=[], absentees={})
    assert messages(exc)["type"] == [
        "组织部门、工委是管理机关，不召开组织生活会议：请在其机关党支部或下级党组织登记"
    ]
    assert not Meeting.objects.exists()


def test_the_party_group_holds_its_meeting_and_the_branch_its_own(scene):
    branch_only = {"attendees": [scene["in_group"].pk], "absentees": {}}
    with pytest.raises(ValidationError) as exc:
        record(scene, org=scene["group"], type=MeetingType.GENERAL_MEETING, **branch_only)
    assert messages(exc)["type"] == ["党员大会由党支部召开，请在所在党支部登记"]
    with pytest.raises(ValidationError) as exc:
        record(scene, type=MeetingType.GROUP_MEETING)
    assert messages(exc)["type"] == ["党小组会由党小组召开，请在该党小组下登记"]
    record(scene, org=scene["group"], type=MeetingType.GROUP_MEETING, **branch_only)
    record(scene, org=scene["group"], type=MeetingType.STUDY, **branch_only)


def test_a_meeting_is_attended_by_its_own_members_not_a_subtree(scene, make_org, make_member):
    """A committee's meeting lists its own members (and its party groups'), not those of
    the branches below it; a branch's lists its party group's member."""
    committee = make_org("东区街道党委", scene["east"], kind=OrgKind.COMMITTEE)
    below = make_org("东区街道第一党支部", committee, kind=OrgKind.BRANCH)
    own = make_member(committee, name="周委员")
    make_member(below, name="吴支部")
    assert list(eligible_members(committee, DAY).values_list("name", flat=True)) == ["周委员"]
    branch = set(eligible_members(scene["east_branch"], DAY).values_list("name", flat=True))
    assert branch == {"王建国", "李秀英", "张卫东", "刘红梅", "陈小组", "赵流动"}
    with pytest.raises(ValidationError) as exc:
        record(
            scene,
            org=committee,
            type=MeetingType.STUDY,
            attendees=[own.pk, *below.members.values_list("pk", flat=True)],
            absentees={},
        )
    assert "不是本组织的党员" in messages(exc)["attendees"][0]


def test_a_committee_meeting_is_attended_by_the_committee_alone(scene):
    members = scene["members"]  # the first is the secretary, the only one on the committee
    with pytest.raises(ValidationError) as exc:
        record(scene, type=MeetingType.COMMITTEE_MEETING)
    assert messages(exc) == {
        "attendees": [
            "支委会（委员会会议）只登记当天委员会成员的出席情况，"
            "刘红梅、张卫东、李秀英不是委员会成员"
        ]
    }
    meeting = record(
        scene, type=MeetingType.COMMITTEE_MEETING, attendees=[members[0].pk], absentees={}
    )
    assert [row.member for row in meeting.attendances.all()] == [members[0]]


def test_an_absent_member_without_a_reason_is_refused_and_nothing_is_saved(scene):
    with pytest.raises(ValidationError) as exc:
        record(scene, absentees={scene["members"][3].pk: "  "})
    assert messages(exc) == {"absentees": ["请填写每位缺席党员的缺席原因"]}
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()


def test_an_attendee_from_another_organisation_is_refused(scene):
    outsider = scene["outsider"]
    with pytest.raises(ValidationError) as exc:
        record(scene, attendees=[scene["members"][0].pk, outsider.pk])
    assert messages(exc) == {
        "attendees": [f"编号为 {outsider.pk} 的党员不是本组织的党员，也未在本组织参加组织生活"]
    }
    assert not Meeting.objects.exists()


def test_an_absentee_from_another_organisation_is_refused(scene):
    with pytest.raises(ValidationError) as exc:
        record(scene, absentees={scene["outsider"].pk: "生病"})
    assert list(messages(exc)) == ["absentees"]


def test_functional_members_and_members_of_party_groups_below_may_attend(scene):
    meeting = record(scene, attendees=[scene["visitor"].pk, scene["in_group"].pk], absentees={})
    assert sorted(meeting.attendances.values_list("member_id", flat=True)) == sorted(
        [scene["visitor"].pk, scene["in_group"].pk]
    )


def test_a_functional_member_attends_only_while_the_membership_lasts(scene):
    membership = scene["visitor"].memberships.get()
    membership.ended_on = DAY - datetime.timedelta(days=1)
    membership.save()
    with pytest.raises(ValidationError) as exc:
        record(scene, attendees=[scene["visitor"].pk], absentees={})
    assert list(messages(exc)) == ["attendees"]
    before = record(scene, date=DAY - datetime.timedelta(days=1), attendees=[scene["visitor"].pk])
    assert before.attendances.filter(member=scene["visitor"]).exists()


def test_a_member_who_had_left_before_the_meeting_cannot_attend(scene):
    member = scene["members"][1]
    member.left_on = DAY - datetime.timedelta(days=1)
    member.save()
    with pytest.raises(ValidationError):
        record(scene, attendees=[member.pk], absentees={})
    member.left_on = DAY
    member.save()
    assert record(scene, attendees=[member.pk], absentees={}).attendances.count() == 1


def test_a_member_attends_from_the_day_of_joining_the_party(scene):
    member = scene["members"][1]
    member.joined_on = DAY + datetime.timedelta(days=1)
    member.save()
    with pytest.raises(ValidationError) as exc:
        record(scene, attendees=[member.pk], absentees={})
    assert list(messages(exc)) == ["attendees"]
    member.joined_on = DAY
    member.save()
    assert record(scene, attendees=[member.pk], absentees={}).attendances.count() == 1


@pytest.mark.parametrize("hours", [Decimal(0), Decimal("0.5"), Decimal(24)])
def test_hours_within_bounds_are_credited(scene, hours):
    assert record(scene, hours=hours).hours == hours


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal("24.5"), "一次会议计入的学时不能超过24小时"),
        (Decimal("-1"), "学时不能为负数"),
        (Decimal("1.25"), "学时最多保留一位小数，如 1.5"),
    ],
)
def test_hours_out_of_bounds_are_refused(scene, hours, message):
    with pytest.raises(ValidationError) as exc:
        record(scene, hours=hours)
    assert messages(exc) == {"hours": [message]}


def test_a_meeting_in_the_future_is_refused(scene):
    from django.utils import timezone

    with pytest.raises(ValidationError) as exc:
        record(scene, date=timezone.localdate() + datetime.timedelta(days=1))
    assert list(messages(exc)) == ["date"]


def test_a_party_lecture_needs_a_lecturer_from_the_organisation_or_by_name(scene):
    with pytest.raises(ValidationError) as exc:
        record(scene, type=MeetingType.PARTY_LECTURE)
    assert list(messages(exc)) == ["lecturer"]
    with pytest.raises(ValidationError) as exc:
        record(scene, type=MeetingType.PARTY_LECTURE, lecturer=scene["outsider"])
    assert messages(exc)["lecturer"] == ["授课人应为本组织的党员；外请的授课人请填写姓名"]
    by_secretary = record(scene, type=MeetingType.PARTY_LECTURE, lecturer=scene["members"][0])
    assert by_secretary.lecturer == scene["members"][0]
    invited = record(scene, type=MeetingType.PARTY_LECTURE, lecturer_name="区委党校教师")
    assert invited.lecturer_name == "区委党校教师"


def test_the_host_must_be_a_member(scene):
    with pytest.raises(ValidationError) as exc:
        record(scene, host=scene["outsider"])
    assert messages(exc) == {"host": ["主持人应为本组织的党员"]}


def test_a_topic_is_required(scene):
    with pytest.raises(ValidationError) as exc:
        record(scene, topic="")
    assert list(messages(exc)) == ["topic"]


@pytest.mark.parametrize("who", ["west_clerk", "viewer", "reviewer"])
def test_only_an_editor_of_the_organisation_records_its_meetings(scene, who):
    with pytest.raises(ValidationError) as exc:
        record(scene, user=scene[who])
    assert list(messages(exc)) == ["org"]


def test_a_dissolved_organisation_keeps_meetings_up_to_its_dissolution(scene):
    org = scene["east_branch"]
    org.status, org.dissolved_on = "dissolved", DAY
    org.save()
    assert record(scene, date=DAY).pk
    with pytest.raises(ValidationError) as exc:
        record(scene, date=DAY + datetime.timedelta(days=1))
    assert list(messages(exc)) == ["org"]


# --- changing, attendance, voiding -------------------------------------------------------------


def test_updating_a_meeting_keeps_its_organisation(scene):
    meeting = record(scene)
    services.update_meeting(scene["clerk"], meeting, topic="主题党日：义务清扫", hours=Decimal(3))
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.hours) == ("主题党日：义务清扫", Decimal(3))
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(scene["clerk"], meeting, org=scene["west_branch"])
    assert list(messages(exc)) == ["org"]
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(scene["west_clerk"], meeting, topic="改")
    assert list(messages(exc)) == ["org"]


def test_set_attendance_replaces_the_record(scene):
    meeting = record(scene)
    members = scene["members"]
    services.set_attendance(
        scene["clerk"],
        meeting,
        [members[0].pk, members[3].pk],
        {members[1].pk: "因病请假"},
    )
    state = dict(meeting.attendances.values_list("member_id", "present"))
    assert state == {members[0].pk: True, members[1].pk: False, members[3].pk: True}
    # The member taken off the record keeps a deletion in the history.
    assert Attendance.history.filter(member_id=members[2].pk, history_type="-").exists()
    assert Attendance.history.filter(member_id=members[3].pk, history_type="~").exists()


def test_a_member_already_on_the_record_stays_acceptable_after_moving_away(scene):
    meeting = record(scene)
    moved = scene["members"][2]
    moved.org = scene["west_branch"]
    moved.save()
    services.set_attendance(scene["clerk"], meeting, [moved.pk], {})
    assert list(meeting.attendances.values_list("member_id", flat=True)) == [moved.pk]


def test_a_voided_meeting_stays_on_file_but_no_longer_counts(scene):
    meeting = record(scene)
    with pytest.raises(ValidationError) as exc:
        services.cancel_meeting(scene["clerk"], meeting, " ")
    assert messages(exc) == {"cancel_reason": ["请填写作废原因"]}
    services.cancel_meeting(scene["clerk"], meeting, "重复登记")
    assert meeting.is_cancelled
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert not Meeting.objects.held().filter(pk=meeting.pk).exists()
    assert not Attendance.objects.held().filter(meeting=meeting).exists()
    with pytest.raises(ValidationError):
        services.cancel_meeting(scene["clerk"], meeting, "再次作废")
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(scene["clerk"], meeting, topic="改")
    assert list(messages(exc)) == ["meeting"]
    with pytest.raises(ValidationError):
        services.set_attendance(scene["clerk"], meeting, [], {})


# --- moving a meeting to another day -----------------------------------------------------------

BEFORE_D, AFTER_D = D - datetime.timedelta(days=1), D + datetime.timedelta(days=1)


def joined_on_d(member):
    member.joined_on = D
    member.save()


def left_on_d(member):
    member.left_on = D
    member.save()


def functional_from_d(member):
    member.memberships.update(started_on=D)


def functional_until_d(member):
    member.memberships.update(ended_on=D)


@pytest.mark.parametrize(
    ("limit", "who", "start", "refused"),
    [
        (joined_on_d, 1, AFTER_D, BEFORE_D),
        (joined_on_d, 3, AFTER_D, BEFORE_D),  # an absentee as much as an attendee
        (left_on_d, 1, BEFORE_D, AFTER_D),
        (functional_from_d, "visitor", AFTER_D, BEFORE_D),
        (functional_until_d, "visitor", BEFORE_D, AFTER_D),
    ],
)
def test_a_meeting_moves_only_to_a_day_its_recorded_members_could_attend(
    scene, limit, who, start, refused
):
    """A member joined the Party, left, or began or ended organisational life here on day D:
    the meeting moves to D, not to the day beyond it."""
    member = scene["visitor"] if who == "visitor" else scene["members"][who]
    limit(member)
    present = [m.pk for m in scene["members"][:3]] + [scene["visitor"].pk]
    meeting = record(scene, date=start, attendees=present)
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(scene["clerk"], meeting, date=refused, topic="改了")
    assert messages(exc) == {
        "date": [
            f"会议日期不能改为 {refused:%Y-%m-%d}：已登记出席或缺席的党员{member.name}"
            f"（编号 {member.pk}）当天不能参加本组织的组织生活"
            "（尚未入党、已离开，或不在参加组织生活的期间）"
        ]
    }
    meeting.refresh_from_db()
    assert (meeting.date, meeting.topic) == (start, "重温入党誓词")
    services.update_meeting(scene["clerk"], meeting, date=D)
    meeting.refresh_from_db()
    assert meeting.date == D


def test_a_member_who_has_moved_away_does_not_stop_a_meeting_moving(scene):
    meeting = record(scene)
    moved = scene["members"][2]
    moved.org = scene["west_branch"]
    moved.save()
    services.update_meeting(scene["clerk"], meeting, date=DAY - datetime.timedelta(days=1))
    meeting.refresh_from_db()
    assert meeting.date == DAY - datetime.timedelta(days=1)


# --- attachments -------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("签到表.png", PNG, "image/png"), ("会议记录.PDF", PDF, "application/pdf")],
)
def test_a_photo_or_pdf_is_attached_under_a_random_name(scene, media, name, content, content_type):
    meeting = record(scene)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    attachment = services.add_attachment(scene["clerk"], meeting, upload)
    assert (attachment.name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    stored = media / attachment.file.name
    assert stored.read_bytes() == content
    assert name not in attachment.file.name
    assert attachment.history.get().history_user == scene["clerk"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.png", b"MZ\x90\x00" + b"\0" * 64),  # an executable renamed
        ("照片.gif", b"GIF89a" + b"\0" * 64),
        ("空.pdf", b""),
    ],
)
def test_other_files_are_refused(scene, media, name, content):
    meeting = record(scene)
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile(name, content))
    assert list(messages(exc)) == ["file"]
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_ten_megabytes_is_refused(scene, media):
    meeting = record(scene)
    limit = 10 * 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        big = SimpleUploadedFile("大.png", PNG + b"\0" * (limit + 1 - len(PNG)))
        services.add_attachment(scene["clerk"], meeting, big)
    assert messages(exc) == {"file": ["文件超过10MB，请压缩后再上传"]}
    exact = SimpleUploadedFile("刚好.png", PNG + b"\0" * (limit - len(PNG)))
    assert services.add_attachment(scene["clerk"], meeting, exact).size == limit


def test_another_subtree_cannot_attach(scene, media):
    meeting = record(scene)
    with pytest.raises(ValidationError):
        services.add_attachment(scene["west_clerk"], meeting, SimpleUploadedFile("a.png", PNG))


def test_a_removed_attachment_stays_on_file_with_who_removed_it(scene, media):
    meeting = record(scene)
    attachment = services.add_attachment(
        scene["clerk"], meeting, SimpleUploadedFile("签到表.png", PNG)
    )
    services.remove_attachment(scene["clerk"], attachment)
    attachment.refresh_from_db()
    assert attachment.removed_by == scene["clerk"] and attachment.removed_at is not None
    assert (media / attachment.file.name).read_bytes() == PNG
    assert not meeting.attachments.kept().exists()
    latest = attachment.history.latest()
    assert (latest.history_type, latest.history_user, latest.removed_by) == (
        "~",
        scene["clerk"],
        scene["clerk"],
    )
    with pytest.raises(ValidationError) as exc:
        services.remove_attachment(scene["clerk"], attachment)
    assert messages(exc) == {"attachment": ["该附件已删除"]}


def test_an_attachment_of_a_voided_meeting_is_not_removed(scene, media):
    meeting = record(scene)
    attachment = services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile("a.png", PNG))
    services.cancel_meeting(scene["clerk"], meeting, "重复登记")
    with pytest.raises(ValidationError) as exc:
        services.remove_attachment(scene["clerk"], attachment)
    assert messages(exc) == {"meeting": ["该会议记录已作废，不能再修改"]}
    attachment.refresh_from_db()
    assert attachment.removed_at is None


@pytest.mark.parametrize("who", ["west_clerk", "viewer"])
def test_only_an_editor_of_the_organisation_removes_attachments(scene, media, who):
    meeting = record(scene)
    attachment = services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile("a.png", PNG))
    with pytest.raises(ValidationError) as exc:
        services.remove_attachment(scene[who], attachment)
    assert list(messages(exc)) == ["org"]
    attachment.refresh_from_db()
    assert attachment.removed_at is None


# --- secretary's report ------------------------------------------------------------------------


def submit(scene, user=None, **changes):
    fields = {
        "org": scene["east_branch"],
        "year": 2025,
        "text": "一年来，支部认真落实三会一课制度……",
        "submitted_on": datetime.date(2026, 1, 10),
    }
    fields.update(changes)
    return services.submit_secretary_report(user or scene["clerk"], **fields)


def test_the_report_is_the_current_secretarys_by_default(scene):
    report = submit(scene)
    assert report.secretary == scene["members"][0]
    assert not report.is_evaluated


def test_a_report_without_a_secretary_needs_one_chosen(scene, make_org, make_member):
    org = make_org("东区新建党支部", scene["east"])
    member = make_member(org)
    with pytest.raises(ValidationError) as exc:
        submit(scene, org=org)
    assert list(messages(exc)) == ["secretary"]
    assert submit(scene, org=org, secretary=member).secretary == member
    with pytest.raises(ValidationError) as exc:
        submit(scene, org=org, secretary=scene["outsider"])
    assert messages(exc) == {"secretary": ["述职人应为本组织的党员"]}


def test_a_report_is_resubmitted_until_it_is_evaluated(scene):
    first = submit(scene)
    second = submit(scene, text="修改后的述职内容")
    assert first.pk == second.pk
    assert SecretaryReport.objects.get().text == "修改后的述职内容"
    services.evaluate_secretary_report(scene["reviewer"], second, ReportRating.GOOD, "很好")
    with pytest.raises(ValidationError) as exc:
        submit(scene, text="再改")
    assert messages(exc) == {"year": ["2025年度的述职已经评价，不能再修改"]}


def test_report_dates(scene):
    with pytest.raises(ValidationError) as exc:
        submit(scene, submitted_on=datetime.date(2024, 12, 31))
    assert list(messages(exc)) == ["submitted_on"]
    with pytest.raises(ValidationError) as exc:
        submit(scene, text="")
    assert list(messages(exc)) == ["text"]


def test_the_report_is_evaluated_by_a_reviewer_of_the_level_above(scene, make_user):
    report = submit(scene)
    for who in ("branch_reviewer", "clerk", "west_clerk", "viewer"):
        with pytest.raises(ValidationError) as exc:
            services.evaluate_secretary_report(scene[who], report, ReportRating.GOOD)
        assert messages(exc) == {"rating": ["只有上级党组织的审核人可以评价述职"]}, who
    with pytest.raises(ValidationError) as exc:
        services.evaluate_secretary_report(scene["reviewer"], report, "excellent")
    assert messages(exc) == {"rating": ["请选择评价等次"]}
    services.evaluate_secretary_report(scene["reviewer"], report, ReportRating.FAIRLY_GOOD, " 好 ")
    report.refresh_from_db()
    assert (report.rating, report.comment, report.evaluated_by) == (
        ReportRating.FAIRLY_GOOD,
        "好",
        scene["reviewer"],
    )
    assert report.evaluated_at is not None
    superuser = make_user(is_superuser=True)
    services.evaluate_secretary_report(superuser, report, ReportRating.GOOD)


# --- yearly facts ------------------------------------------------------------------------------


def test_a_yearly_fact_is_entered_and_corrected(scene):
    org = scene["east_branch"]
    fact = services.set_yearly_fact(
        scene["clerk"], org, 2025, FactKind.COLLECTIVE_INCOME, Decimal(210000)
    )
    again = services.set_yearly_fact(
        scene["clerk"], org, 2025, FactKind.COLLECTIVE_INCOME, Decimal(190000), "审计后更正"
    )
    assert fact.pk == again.pk
    assert (again.value, again.note) == (Decimal(190000), "审计后更正")
    assert [h.history_type for h in again.history.order_by("history_date")] == ["+", "~"]


@pytest.mark.parametrize(
    ("year", "code", "value", "field"),
    [
        (2025, FactKind.SATISFACTION_RATE, Decimal("100.5"), "value"),
        (2025, FactKind.RESERVE_CADRES, Decimal("1.5"), "value"),
        (2025, FactKind.VENUE_AREA, Decimal("-3"), "value"),
        (2999, FactKind.VENUE_AREA, Decimal("30"), "year"),
    ],
)
def test_impossible_yearly_facts_are_refused(scene, year, code, value, field):
    with pytest.raises(ValidationError) as exc:
        services.set_yearly_fact(scene["clerk"], scene["east_branch"], year, code, value)
    assert list(messages(exc)) == [field]


def test_another_subtree_cannot_enter_facts(scene):
    with pytest.raises(ValidationError):
        services.set_yearly_fact(
            scene["west_clerk"], scene["east_branch"], 2025, FactKind.VENUE_AREA, Decimal(30)
        )
