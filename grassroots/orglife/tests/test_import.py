"""Importing meetings from Excel: every row checked, all rows or none, each error with its row,
column and a Chinese message."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from grassroots.core.choices import JobState, Role
from grassroots.core.models import Job
from grassroots.orglife import excel, services
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs.tests.workbooks import errors_of

from .helpers import DAY, HEADER, meeting_file, row

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


def run(scene, rows, user=None, **options):
    return excel.import_meetings(user or scene["clerk"], meeting_file(rows, **options), today=TODAY)


def test_a_good_file_creates_every_meeting_with_its_attendance_and_history(scene):
    org = scene["east_branch"]
    rows = [
        row(org),
        row(
            org,
            会议类型="党课",
            日期=datetime.date(2025, 5, 20),
            主题="学习党章",
            授课人="王建国",
            出席人员="全体",
            缺席人员及原因="李秀英(因病请假)；赵流动（流动在外）",
        ),
        # A committee meeting's 全体 is the committee: the secretary alone here.
        row(
            org,
            会议类型="支委会",
            日期="2025年6月3日",
            主题="研究发展党员",
            计入学时=None,
            出席人员="全体",
            缺席人员及原因=None,
        ),
    ]
    result = run(scene, rows)
    assert result.errors == []
    assert result.created == 3
    theme_day, lecture, committee = Meeting.objects.order_by("date")
    members = scene["members"]
    assert (theme_day.type, theme_day.hours, theme_day.created_by) == (
        MeetingType.THEME_DAY,
        2,
        scene["clerk"],
    )
    assert dict(theme_day.attendances.values_list("member__name", "absence_reason")) == {
        "王建国": "",
        "李秀英": "",
        "张卫东": "",
        "刘红梅": "外出务工",
    }
    assert lecture.lecturer == members[0]
    # 全体: every member who may attend (the group's member and the functional member too)
    # except the absent ones.
    present = set(lecture.attendances.filter(present=True).values_list("member__name", flat=True))
    assert present == {"王建国", "张卫东", "刘红梅", "陈小组"}
    assert lecture.attendances.filter(present=False).count() == 2
    assert committee.type == MeetingType.COMMITTEE_MEETING and committee.hours == 0
    assert list(committee.attendances.values_list("member", flat=True)) == [members[0].pk]
    assert theme_day.history.get().history_user == scene["clerk"]
    assert Attendance.history.filter(history_change_reason="Excel导入").count() == 4 + 6 + 1


def test_one_bad_row_imports_nothing_and_names_row_column_and_problem(scene):
    org = scene["east_branch"]
    rows = [
        row(org),
        row(org, 主题="第二次", 出席人员="王建国、孙西区"),
        row(org, 主题="第三次", 缺席人员及原因="刘红梅"),
        row(org, 主题="第四次", 计入学时=25),
        row(org, 主题="第五次", 会议类型="座谈会"),
        row(org, 主题="", 日期="2025-13-01"),
    ]
    result = run(scene, rows)
    assert result.created == 0
    assert not Meeting.objects.exists() and not Attendance.objects.exists()
    assert errors_of(result) == [
        (3, "K", "出席人员", "“孙西区”不是本组织的党员（会议当天），请核对姓名"),
        (
            4,
            "L",
            "缺席人员及原因",
            "“刘红梅”缺少缺席原因：请写成 姓名（原因），如 刘红梅（外出务工）",
        ),
        (5, "G", "计入学时", "一次会议计入的学时不能超过24小时"),
        (6, "C", "会议类型", "“座谈会”不是可选值，应为：" + "、".join(MeetingType.labels)),
        (7, "D", "日期", "日期“2025-13-01”不存在"),
        (7, "E", "主题", "必填，不能为空"),
    ]


def test_names_are_resolved_among_the_organisations_members_only(scene, make_member):
    org = scene["east_branch"]
    twin = make_member(org, name="王建国")
    result = run(scene, [row(org, 出席人员="王建国")])
    assert errors_of(result) == [(2, "K", "出席人员", "本组织有2名党员叫“王建国”，请改填党员编号")]
    result = run(scene, [row(org, 出席人员=f"{twin.pk}、李秀英", 缺席人员及原因=None)])
    assert result.errors == []
    meeting = Meeting.objects.get()
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {
        twin.pk,
        scene["members"][1].pk,
    }


def test_a_member_who_joined_after_the_meeting_is_not_found(scene):
    org = scene["east_branch"]
    member = scene["members"][2]
    member.joined_on = DAY + datetime.timedelta(days=1)
    member.save()
    result = run(scene, [row(org)])
    assert errors_of(result) == [
        (2, "K", "出席人员", "“张卫东”不是本组织的党员（会议当天），请核对姓名")
    ]


def test_the_same_member_present_and_absent_is_an_error(scene):
    org = scene["east_branch"]
    result = run(scene, [row(org, 缺席人员及原因="王建国（生病）")])
    assert errors_of(result) == [(2, "L", "缺席人员及原因", "王建国同时填在出席人员和缺席人员中")]


def test_an_organisation_outside_the_users_scope_is_not_found(scene):
    result = run(scene, [row(scene["west_branch"], 出席人员="孙西区", 缺席人员及原因=None)])
    assert errors_of(result) == [
        (
            2,
            "B",
            "党组织",
            f"未找到名称为“{scene['west_branch'].name}”的党组织（须在您可以录入的范围内）",
        )
    ]


def test_a_party_lecture_needs_a_lecturer(scene):
    org = scene["east_branch"]
    result = run(scene, [row(org, 会议类型="党课")])
    assert [e[2] for e in errors_of(result)] == ["授课人"]
    result = run(scene, [row(org, 会议类型="党课", 外请授课人="区委党校教师")])
    assert result.errors == []
    assert Meeting.objects.get().lecturer_name == "区委党校教师"


def test_duplicates_in_the_file_and_a_file_imported_twice(scene):
    org = scene["east_branch"]
    result = run(scene, [row(org), row(org)])
    assert errors_of(result) == [(3, "E", "主题", "与第2行重复")]
    assert run(scene, [row(org)]).created == 1
    again = run(scene, [row(org)])
    assert errors_of(again) == [(2, "E", "主题", excel.ALREADY_RECORDED)]
    # A voided meeting does not block its corrected import.
    services.cancel_meeting(scene["clerk"], Meeting.objects.get(), "录错了")
    assert run(scene, [row(org)]).created == 1


def test_a_dissolved_organisations_meetings_after_its_dissolution_are_refused(scene):
    org = scene["east_branch"]
    org.status, org.dissolved_on = "dissolved", DAY
    org.save()
    result = run(scene, [row(org, 日期=DAY + datetime.timedelta(days=1))])
    assert [e[2] for e in errors_of(result)] == ["党组织"]


def test_unknown_columns_and_missing_required_ones(scene):
    org = scene["east_branch"]
    header = ["党组织", "会议类型", "日期", "会议主题"]
    result = run(scene, [{"党组织": org.name, "会议类型": "党课", "日期": DAY}], header=header)
    messages = [e[3] for e in errors_of(result)]
    assert "无法识别的列名“会议主题”，请使用导入模板中的列名（不需要的列可删除）" in messages
    assert "缺少必填列“主题”" in messages


def test_the_template_has_the_columns_and_a_notes_sheet(scene):
    workbook = load_workbook(io.BytesIO(excel.meeting_template()))
    sheet, notes = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == HEADER
    assert notes.title == "说明"
    assert any("全体" in str(cell.value) for cell in notes["A"] if cell.value)


def test_a_workbook_bomb_is_refused(api, client, make_user, city, xlsx_bomb):
    """A 3 MiB workbook whose shared strings unpack to 500 MiB, posted to the API and to the
    import page: 400 naming the problem, nothing imported."""
    message = "文件解压后过大（其中“xl/sharedStrings.xml”超过32MB），请分成几个文件上传"
    clerk = api(Role.CLERK, city["east"])
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    for post, url in ((clerk.post, "/api/v1/meetings/import/"), (client.post, "/life/import/")):
        file = io.BytesIO(xlsx_bomb.read_bytes())
        file.name = "会议.xlsx"
        response = post(url, {"file": file})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_large_file_is_imported_by_a_background_job(client, scene, settings):
    """More than JOB_ROWS meetings: the job's page, then every meeting with its attendance
    (all or nothing, as in the request)."""
    settings.JOB_ROWS = 1
    client.force_login(scene["clerk"])
    org = scene["east_branch"]
    file = meeting_file([row(org), row(org, 主题="学习党章")])
    file.name = "会议.xlsx"
    response = client.post("/life/import/", {"file": file})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.state, job.message) == (JobState.DONE, "导入成功：新建会议2次")
    assert Meeting.objects.count() == 2 and Attendance.objects.count() == 8
    assert "超过1行的文件转入后台导入" in client.get("/life/import/").content.decode()
