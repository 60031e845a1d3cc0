"""The organisational-life pages: calendar, quick entry, meeting, reports, facts, import;
another subtree answers 404, a reader may not change anything."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.orglife import services
from grassroots.orglife.choices import FactKind, MeetingType, ReportRating
from grassroots.orglife.models import Attachment, Meeting, SecretaryReport, YearlyFact
from grassroots.standards.tests.factories import DimensionFactory, ItemFactory, StandardSetFactory

from .helpers import DAY, D, meeting_file, row

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def add_meeting(scene, **changes):
    fields = {
        "org": scene["east_branch"],
        "type": MeetingType.STUDY,
        "date": DAY,
        "topic": "集中学习党章",
        "hours": Decimal(2),
        "attendees": [m.pk for m in scene["members"][:3]],
        "absentees": {scene["members"][3].pk: "外出务工"},
    }
    fields.update(changes)
    return services.record_meeting(scene["clerk"], **fields)


def entry_post(scene, absent_reason="因病请假", **changes):
    members = scene["members"]
    data = {
        "type": "general_meeting",
        "date": DAY.isoformat(),
        "topic": "研究发展党员",
        "hours": "1",
        "listed": [m.pk for m in members],
        "present": [m.pk for m in members[:3]],
        f"reason_{members[3].pk}": absent_reason,
    }
    data.update(changes)
    return data


# --- calendar and quick entry ------------------------------------------------------------------


def test_calendar_shows_the_months_meetings_and_counts_by_type(scene, as_user):
    add_meeting(scene)
    add_meeting(scene, type=MeetingType.THEME_DAY, date=datetime.date(2025, 3, 28), topic="党日")
    add_meeting(scene, type=MeetingType.THEME_DAY, date=datetime.date(2025, 1, 10), topic="一月")
    client = as_user(scene["clerk"])
    response = client.get(f"/orgs/{scene['east_branch'].pk}/life/", {"month": "2025-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年3月" in html and "集中学习党章" in html and "一月" not in html
    types = {t["code"]: (t["month"], t["year"]) for t in response.context["types"]}
    assert types[MeetingType.THEME_DAY] == (1, 2)
    assert types[MeetingType.STUDY] == (1, 1)
    assert len(response.context["in_month"]) == 2
    assert response.context["in_month"][0].present_count == 3


def test_calendar_links_to_the_standing_of_its_year(scene, as_user):
    org = scene["east_branch"]
    response = as_user(scene["viewer"]).get(f"/orgs/{org.pk}/life/", {"month": "2025-03"})
    assert (
        f'href="/orgs/{org.pk}/standing/?year=2025" id="standing-link"' in response.content.decode()
    )


def test_quick_entry_lists_every_member_ticked(scene, as_user):
    response = as_user(scene["clerk"]).get(f"/orgs/{scene['east_branch'].pk}/life/new/")
    listed = [(m.name, present) for m, present, _ in response.context["listed"]]
    assert sorted(listed) == sorted(
        (name, True) for name in ("王建国", "李秀英", "张卫东", "刘红梅", "陈小组", "赵流动")
    )
    assert "孙西区" not in response.content.decode()


def test_quick_entry_marks_the_committee_for_a_committee_meeting(scene, as_user):
    """The page marks the committee (the secretary, here) so that a committee meeting lists
    only them; what it sends then is recorded, and nobody else is marked absent."""
    client = as_user(scene["clerk"])
    url = f"/orgs/{scene['east_branch'].pk}/life/new/"
    response = client.get(url, {"type": "committee_meeting"})
    secretary = scene["members"][0]
    assert response.context["committee"] == {secretary.pk}
    page = response.content.decode()
    assert 'id="committee-only"' in page
    assert page.count("data-committee") == 1
    assert re.search(f'id="present-{secretary.pk}"[^>]* data-committee', page)
    data = entry_post(scene, listed=[secretary.pk], present=[secretary.pk])
    assert client.post(url, data).status_code == 302
    assert [(a.member, a.present) for a in Meeting.objects.get().attendances.all()] == [
        (secretary, True)
    ]


def test_quick_entry_of_an_organisation_without_a_committee_marks_nobody(scene, as_user):
    response = as_user(scene["west_clerk"]).get(f"/orgs/{scene['west_branch'].pk}/life/new/")
    assert response.context["committee"] == set()
    assert "data-committee" not in response.content.decode()


def test_quick_entry_saves_a_meeting_with_an_absentee(scene, as_user):
    client = as_user(scene["clerk"])
    url = f"/orgs/{scene['east_branch'].pk}/life/new/"
    page = client.get(url).content.decode()
    assert f'<option value="{scene["members"][0].pk}">王建国</option>' in page  # host choices
    response = client.post(url, entry_post(scene, host=scene["members"][0].pk))
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2025-03")
    meeting = Meeting.objects.get()
    assert meeting.host == scene["members"][0]
    assert (meeting.type, meeting.topic, meeting.hours) == ("general_meeting", "研究发展党员", 1)
    absent = meeting.attendances.get(present=False)
    assert (absent.member, absent.absence_reason) == (scene["members"][3], "因病请假")
    assert meeting.attendances.filter(present=True).count() == 3


def test_quick_entry_offers_the_types_held_and_remembers_the_last(scene, as_user, make_user):
    client = as_user(scene["clerk"])
    url = f"/orgs/{scene['east_branch'].pk}/life/new/"
    page = client.get(url)
    codes = [t["code"] for t in page.context["types"]]
    assert MeetingType.GROUP_MEETING not in codes and MeetingType.COMMITTEE_MEETING in codes
    assert page.context["form"]["type"].value() is None
    client.post(url, entry_post(scene, type=MeetingType.THEME_DAY))
    assert client.get(url).context["form"]["type"].value() == MeetingType.THEME_DAY
    # Another user has recorded nothing here: nothing chosen for them.
    other = as_user(make_user("east_clerk_2", role=Role.CLERK, org=scene["east"]))
    assert other.get(url).context["form"]["type"].value() is None
    group = as_user(scene["clerk"]).get(f"/orgs/{scene['group'].pk}/life/new/")
    assert [t["code"] for t in group.context["types"]] == [
        t
        for t in MeetingType.values
        if t not in ("general_meeting", "committee_meeting", "democratic_review")
    ]


def test_quick_entry_at_a_managing_body_says_where_to_record(scene, as_user):
    client = as_user(scene["clerk"])
    response = client.get(f"/orgs/{scene['east'].pk}/life/new/", follow=True)
    assert response.redirect_chain[-1][0] == f"/orgs/{scene['east'].pk}/"
    assert "请在其机关党支部或下级党组织登记" in response.content.decode()


def test_quick_entry_keeps_the_ticks_when_a_reason_is_missing(scene, as_user):
    client = as_user(scene["clerk"])
    url = f"/orgs/{scene['east_branch'].pk}/life/new/"
    response = client.post(url, entry_post(scene, absent_reason=""))
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert "请填写每位缺席党员的缺席原因" in response.content.decode()
    state = {m.name: present for m, present, _ in response.context["listed"]}
    assert state["刘红梅"] is False and state["王建国"] is True
    assert response.context["reasons_needed"]


def test_quick_entry_reports_field_errors(scene, as_user):
    client = as_user(scene["clerk"])
    url = f"/orgs/{scene['east_branch'].pk}/life/new/"
    response = client.post(url, entry_post(scene, hours="30", type=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"hours", "type"}
    response = client.post(url, entry_post(scene, type="party_lecture"))
    assert "lecturer" in response.context["form"].errors


def test_edit_changes_fields_and_attendance(scene, as_user):
    meeting = add_meeting(scene, attendees=[scene["members"][0].pk], absentees={})
    client = as_user(scene["clerk"])
    url = f"/meetings/{meeting.pk}/edit/"
    page = client.get(url)
    # Recorded members are listed; the others may be added as present.
    assert [m.name for m, *_ in page.context["listed"]] == ["王建国"]
    assert len(page.context["extra"]) == 5
    data = entry_post(scene, type="study", topic="改后的主题")
    data["listed"] = [scene["members"][0].pk]
    data["present"] = [scene["members"][1].pk]
    data[f"reason_{scene['members'][0].pk}"] = "公务外出"
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "改后的主题"
    assert dict(meeting.attendances.values_list("member__name", "present")) == {
        "王建国": False,
        "李秀英": True,
    }


def test_meeting_page_shows_attendance_and_attachments(scene, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    client = as_user(scene["clerk"])
    upload = client.post(
        f"/meetings/{meeting.pk}/attachments/", {"file": SimpleUploadedFile("签到表.png", PNG)}
    )
    assert upload.status_code == 302
    bad = client.post(
        f"/meetings/{meeting.pk}/attachments/",
        {"file": SimpleUploadedFile("假.pdf", PNG)},
        follow=True,
    )
    assert "文件内容不是 PDF 格式" in bad.content.decode()
    attachment = Attachment.objects.get()
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "签到表.png" in page and "外出务工" in page and "出席 3 人，缺席 1 人" in page
    download = client.get(f"/life/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PNG
    assert "inline" in download["Content-Disposition"]


def test_edit_refuses_a_date_before_a_recorded_member_joined(scene, newcomer, as_user):
    """李秀英 joined the Party on day D: the meeting moves to D, not to the day before."""
    meeting = add_meeting(scene)
    client = as_user(scene["clerk"])
    url = f"/meetings/{meeting.pk}/edit/"
    before = (D - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, entry_post(scene, date=before, topic="改后的主题"))
    assert response.status_code == 200
    message = (
        f"会议日期不能改为 {before}：已登记出席或缺席的党员李秀英（编号 {newcomer.pk}）"
        "当天不能参加本组织的组织生活（尚未入党、已离开，或不在参加组织生活的期间）"
    )
    assert response.context["form"].errors == {"date": [message]}
    assert f'<div class="invalid-feedback d-block" data-error-for="date">{message}</div>' in (
        response.content.decode()
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.topic) == (DAY, "集中学习党章")
    assert client.post(url, entry_post(scene, date=D.isoformat())).status_code == 302
    meeting.refresh_from_db()
    assert meeting.date == D


def test_an_attachment_is_removed_from_the_meeting_page(scene, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    attachment = services.add_attachment(
        scene["clerk"], meeting, SimpleUploadedFile("签到表.png", PNG)
    )
    client = as_user(scene["clerk"])
    url = f"/meetings/{meeting.pk}/attachments/{attachment.pk}/remove/"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'action="{url}"' in page
    assert 'data-confirm="确定删除附件“签到表.png”？' in page
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/meetings/{meeting.pk}/#attachments", 302)]
    html = response.content.decode()
    assert "已删除附件“签到表.png”" in html and "没有附件" in html
    assert f"/life/attachments/{attachment.pk}/" not in html
    assert client.get(f"/life/attachments/{attachment.pk}/").status_code == 404
    assert (tmp_path / attachment.file.name).read_bytes() == PNG
    assert client.post(url).status_code == 404  # already removed


def test_an_attachment_of_a_voided_meeting_stays(scene, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    attachment = services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile("a.png", PNG))
    services.cancel_meeting(scene["clerk"], meeting, "重复登记")
    client = as_user(scene["clerk"])
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "attachment-remove" not in page
    url = f"/meetings/{meeting.pk}/attachments/{attachment.pk}/remove/"
    response = client.post(url, follow=True)
    assert "该会议记录已作废，不能再修改" in response.content.decode()
    assert Attachment.objects.kept().filter(pk=attachment.pk).exists()


def test_voiding_a_meeting(scene, as_user):
    meeting = add_meeting(scene)
    client = as_user(scene["clerk"])
    response = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200 and not Meeting.objects.get().is_cancelled
    client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "重复登记"})
    assert Meeting.objects.get().is_cancelled
    assert "已作废" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 302


# --- who may --------------------------------------------------------------------------------


def test_another_subtree_gets_404_everywhere(scene, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    attachment = services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile("a.png", PNG))
    report = services.submit_secretary_report(
        scene["clerk"], scene["east_branch"], 2025, "述职", datetime.date(2026, 1, 5)
    )
    client = as_user(scene["west_clerk"])
    org = scene["east_branch"].pk
    for url in (
        f"/orgs/{org}/life/",
        f"/orgs/{org}/life/new/",
        f"/orgs/{org}/life/reports/",
        f"/orgs/{org}/life/facts/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/edit/",
        f"/meetings/{meeting.pk}/cancel/",
        f"/life/attachments/{attachment.pk}/",
        f"/life/reports/{report.pk}/evaluate/",
    ):
        assert client.get(url).status_code == 404, url
    assert "集中学习党章" not in client.get("/life/").content.decode()
    remove = f"/meetings/{meeting.pk}/attachments/{attachment.pk}/remove/"
    assert client.post(remove).status_code == 404
    assert Attachment.objects.kept().filter(pk=attachment.pk).exists()


def test_a_viewer_reads_but_may_not_change(scene, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    attachment = services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile("a.png", PNG))
    client = as_user(scene["viewer"])
    org = scene["east_branch"].pk
    assert client.get(f"/orgs/{org}/life/").status_code == 200
    page = client.get(f"/meetings/{meeting.pk}/")
    assert page.status_code == 200 and "attachment-remove" not in page.content.decode()
    remove = f"/meetings/{meeting.pk}/attachments/{attachment.pk}/remove/"
    assert client.post(remove).status_code == 403
    assert Attachment.objects.kept().filter(pk=attachment.pk).exists()
    assert client.get(f"/orgs/{org}/life/new/").status_code == 403
    assert client.post(f"/orgs/{org}/life/new/", entry_post(scene)).status_code == 403
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client.post(f"/orgs/{org}/life/facts/", {"value_venue_area": "1"}).status_code == 403
    assert client.post(f"/orgs/{org}/life/reports/", {"year": "2025"}).status_code == 403
    assert Meeting.objects.count() == 1 and not YearlyFact.objects.exists()


# --- reports and facts -------------------------------------------------------------------------


def test_report_submitted_by_the_branch_and_evaluated_by_the_level_above(scene, as_user):
    org = scene["east_branch"]
    client = as_user(scene["clerk"])
    data = {"year": "2025", "submitted_on": "2026-01-08", "text": "一年来……"}
    assert client.post(f"/orgs/{org.pk}/life/reports/", data).status_code == 302
    report = SecretaryReport.objects.get()
    assert report.secretary == scene["members"][0]
    page = client.get(f"/orgs/{org.pk}/life/reports/")
    assert "待上级评价" in page.content.decode() and not page.context["can_evaluate"]
    assert f'<option value="{scene["visitor"].pk}">赵流动</option>' in page.content.decode()
    assert client.get(f"/life/reports/{report.pk}/evaluate/").status_code == 403

    reviewer = as_user(scene["reviewer"])
    waiting = reviewer.get("/life/").context["to_evaluate"]
    assert waiting == [report]
    response = reviewer.post(
        f"/life/reports/{report.pk}/evaluate/", {"rating": ReportRating.GOOD, "comment": "好"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.rating, report.evaluated_by) == (ReportRating.GOOD, scene["reviewer"])
    assert reviewer.get("/life/").context["to_evaluate"] == []
    branch_reviewer = as_user(scene["branch_reviewer"])
    assert branch_reviewer.get(f"/life/reports/{report.pk}/evaluate/").status_code == 403


def measuring(org, *metrics):
    """A published standard of `org`'s category with an item measuring each of `metrics`."""
    dimension = DimensionFactory(set=StandardSetFactory(categories=[org.category]))
    for metric in metrics:
        ItemFactory(dimension=dimension, metric=metric, comparator=">=", threshold=1)


def test_yearly_facts_form_saves_all_or_nothing(scene, as_user):
    org = scene["east_branch"]
    measuring(org, FactKind.SATISFACTION_RATE, FactKind.RESERVE_CADRES)
    client = as_user(scene["clerk"])
    url = f"/orgs/{org.pk}/life/facts/?year=2025"
    bad = client.post(url, {"value_satisfaction_rate": "96", "value_reserve_cadres": "2.5"})
    assert bad.status_code == 200
    assert "应为整数" in bad.content.decode()
    assert not YearlyFact.objects.exists()
    good = client.post(url, {"value_satisfaction_rate": "96", "note_satisfaction_rate": "入户调查"})
    assert good.status_code == 302
    fact = YearlyFact.objects.get()
    assert (fact.year, fact.code, fact.value, fact.note) == (
        2025,
        FactKind.SATISFACTION_RATE,
        Decimal(96),
        "入户调查",
    )
    page = client.get(url)
    assert page.context["form"]["value_satisfaction_rate"].value() == Decimal("96.00")


def test_yearly_facts_form_asks_only_what_the_standards_measure(scene, as_user):
    """A village's form asks the village standards' facts, not a society's rating; a fact
    entered before for an item not measured stays on file and is listed."""
    org = scene["east_branch"]
    client = as_user(scene["clerk"])
    url = f"/orgs/{org.pk}/life/facts/?year=2025"
    assert client.get(url).context["form"].codes == []
    assert "没有需要填报的年度数据" in client.get(url).content.decode()
    measuring(org, FactKind.COLLECTIVE_INCOME, FactKind.RESERVE_CADRES)
    other = StandardSetFactory(categories=["social_org"])
    ItemFactory(
        dimension=DimensionFactory(set=other),
        metric=FactKind.SOCIAL_ORG_RATING,
        comparator=">=",
        threshold=3,
    )
    services.set_yearly_fact(scene["clerk"], org, 2025, FactKind.VOLUNTEER_ACTIVITIES, Decimal(8))
    page = client.get(url)
    assert page.context["form"].codes == [FactKind.COLLECTIVE_INCOME, FactKind.RESERVE_CADRES]
    html = page.content.decode()
    assert "社会组织评估等级" not in html and 'name="value_volunteer_activities"' not in html
    assert "志愿服务活动8" in html
    # A value posted for a fact not asked is not saved.
    client.post(url, {"value_social_org_rating": "5", "value_reserve_cadres": "2"})
    assert set(YearlyFact.objects.values_list("code", flat=True)) == {
        FactKind.VOLUNTEER_ACTIVITIES,
        FactKind.RESERVE_CADRES,
    }


# --- overview, import, organisation page -------------------------------------------------------


def test_overview_lists_in_a_fixed_number_of_queries(scene, as_user, django_assert_max_num_queries):
    client = as_user(scene["clerk"])
    for n in range(3):
        add_meeting(scene, topic=f"学习{n}")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/life/").status_code == 200
    budget = len(small)  # read now: the next request clears the connection's query log
    for n in range(3, 30):
        add_meeting(scene, topic=f"学习{n}")
    with django_assert_max_num_queries(budget):
        response = client.get("/life/")
    assert response.context["meetings"].paginator.count == 30
    filtered = client.get("/life/", {"type": "theme_day"})
    assert filtered.context["meetings"].paginator.count == 0
    # The export holds what the filter finds, every page of it, in as few queries.
    with django_assert_max_num_queries(budget):
        export = client.get("/life/", {"format": "xlsx", "page": "2"})
    header, *rows = load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    assert header[:3] == ("日期", "类型", "主题") and len(rows) == 30
    assert "学习29" in {row[2] for row in rows}
    export = client.get("/life/", {"format": "xlsx", "type": "theme_day"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 1


def test_import_page_shows_row_errors_then_imports(scene, as_user):
    client = as_user(scene["clerk"])
    org = scene["east_branch"]
    bad = client.post("/life/import/", {"file": meeting_file([row(org, 计入学时=30)])})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert (
        "没有导入任何数据" in html
        and "第2行" in html
        and "一次会议计入的学时不能超过24小时" in html
    )
    assert not Meeting.objects.exists()
    good = client.post("/life/import/", {"file": meeting_file([row(org)])}, follow=True)
    assert "导入成功：新建会议1次" in good.content.decode()
    assert Meeting.objects.count() == 1
    template = client.get("/life/import/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert as_user(scene["viewer"]).post("/life/import/", {}).status_code == 403


def test_organisation_page_has_the_life_summary(scene, as_user):
    add_meeting(scene, date=timezone.localdate())
    page = as_user(scene["clerk"]).get(f"/orgs/{scene['east_branch'].pk}/").content.decode()
    assert 'id="life"' in page
    assert f"{timezone.localdate().year}年已登记会议 <strong>1</strong> 次" in page
    assert "集中学习 1" in page
    assert f"/orgs/{scene['east_branch'].pk}/life/new/" in page
