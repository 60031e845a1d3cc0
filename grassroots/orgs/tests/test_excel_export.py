"""Exports: only what the user may see, masked per role, fixed queries; a roster exported and
imported into another organisation gives the same members."""

import datetime
import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from grassroots.core.access import Scope
from grassroots.core.choices import JobState, Role
from grassroots.core.identifiers import build_uscc, mask_id_number, mask_phone
from grassroots.core.models import Job
from grassroots.orgs import services
from grassroots.orgs.excel import exports as excel_exports
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.excel.columns import ROSTER_COLUMNS
from grassroots.orgs.models import HostUnit, Member

ROSTER_HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "籍贯",
    "出生日期",
    "公民身份号码",
    "学历",
    "入党时间",
    "转正时间",
    "党员类别",
    "参加工作时间",
    "现任职务",
    "联系电话",
    "所在党组织",
]
ROSTER_FIELDS = [column.field for column in ROSTER_COLUMNS if column.field not in (None, "org")]


def sheet_rows(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def as_dicts(content):
    header, *rows = sheet_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_roster_columns_are_template_3():
    assert [column.header for column in ROSTER_COLUMNS] == ROSTER_HEADER


def test_roster_masked_for_a_viewer_not_for_a_clerk(make_user, make_member, city):
    member = make_member(city["east_branch"], phone="13812345678", education="college")
    clerk = make_user(role=Role.CLERK, org=city["east"])
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    (clerk_row,) = as_dicts(excel_exports.export_members(clerk))
    (viewer_row,) = as_dicts(excel_exports.export_members(viewer))
    assert clerk_row["公民身份号码"] == member.id_number
    assert clerk_row["联系电话"] == "13812345678"
    assert viewer_row["公民身份号码"] == mask_id_number(member.id_number) != member.id_number
    assert viewer_row["联系电话"] == mask_phone("13812345678") == "138****5678"
    assert viewer_row["姓名"] == member.name
    assert (viewer_row["性别"], viewer_row["学历"], viewer_row["党员类别"]) == (
        "男",
        "大学专科",
        "正式党员",
    )
    # The ID number's hidden characters are the birth date: the viewer gets the year only.
    assert clerk_row["出生日期"].date() == member.birth_date
    assert viewer_row["出生日期"] == f"{member.birth_date.year}年"
    assert viewer_row["所在党组织"] == city["east_branch"].name


def test_roster_only_inside_the_subtree(make_user, make_member, city):
    make_member(city["east_branch"], name="东区党员")
    make_member(city["west_branch"], name="西区党员")
    left = make_member(city["east_branch"], name="已离开党员")
    left.left_on = datetime.date(2024, 1, 1)
    left.save()
    east_clerk = make_user(role=Role.CLERK, org=city["east"])
    admin = make_user(is_superuser=True)
    assert [r["姓名"] for r in as_dicts(excel_exports.export_members(east_clerk))] == ["东区党员"]
    everyone = {r["姓名"] for r in as_dicts(excel_exports.export_members(admin))}
    assert everyone == {"东区党员", "西区党员"}
    west = as_dicts(excel_exports.export_members(admin, city["west"]))
    assert [(r["序号"], r["姓名"]) for r in west] == [(1, "西区党员")]


def test_organisations_export(make_user, city):
    unit = HostUnit.objects.create(name="幸福社区居委会", uscc=build_uscc("51510100MJ0000001"))
    admin = make_user(is_superuser=True)
    services.link_host_unit(admin, city["east_branch"], unit)
    clerk = make_user(role=Role.CLERK, org=city["east"])
    rows = as_dicts(excel_exports.export_organizations(clerk))
    assert [r["名称"] for r in rows] == ["东区党工委", "东区幸福社区党支部"]
    branch = rows[1]
    assert branch["编号"] == city["east_branch"].pk
    assert (branch["上级组织编号"], branch["上级组织"]) == (city["east"].pk, "东区党工委")
    assert (branch["组织类型"], branch["所属领域"], branch["状态"]) == (
        "党支部",
        "城镇社区",
        "正常",
    )
    assert (branch["所在单位名称"], branch["统一社会信用代码"]) == (unit.name, unit.uscc)
    only_branch = as_dicts(excel_exports.export_organizations(admin, city["east_branch"]))
    assert [r["名称"] for r in only_branch] == ["东区幸福社区党支部"]


@pytest.mark.parametrize(
    ("export", "expected"),
    [
        (excel_exports.export_members, 2),  # the user's roles, the members with their organisation
        (excel_exports.export_organizations, 3),  # roles, host units, organisations
    ],
)
def test_exports_use_fixed_queries(
    make_user, make_member, make_org, city, django_assert_num_queries, export, expected
):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    admin = make_user(is_superuser=True)
    make_member(city["east_branch"])
    Scope.forget(clerk)
    with django_assert_num_queries(expected):
        small = export(clerk, city["east"])
    for n in range(15):
        branch = make_org(f"东区第{n}支部", city["east"])
        make_member(branch, phone="13812345678")
        services.link_host_unit(admin, branch, HostUnit.objects.create(name=f"单位{n}"))
    Scope.forget(clerk)
    with django_assert_num_queries(expected):
        large = export(clerk, city["east"])
    assert len(sheet_rows(large)) > len(sheet_rows(small)) + 14


def test_round_trip_into_another_organisation(make_user, make_member, make_org, city):
    """Export a branch's roster, then import it into another branch (after the members left
    the system, so that their ID numbers are free again): the same data comes back."""
    source = city["east_branch"]
    target = make_org("东区新支部", city["east"])
    make_member(source, phone="0971-1234567", education="postgraduate", job_title="主任")
    make_member(source, status="probationary", gender="female", native_place="青海西宁")
    make_member(source, confirmed_on=datetime.date(2001, 7, 1), work_started_on=None)
    clerk = make_user(role=Role.CLERK, org=city["east"])
    before = [
        {name: getattr(m, name) for name in ROSTER_FIELDS}
        for m in Member.objects.filter(org=source).order_by("id")
    ]
    workbook = load_workbook(io.BytesIO(excel_exports.export_members(clerk, source)))
    sheet = workbook.worksheets[0]
    for (cell,) in sheet.iter_rows(min_row=2, min_col=15, max_col=15):
        cell.value = target.pk
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    Member.objects.filter(org=source).delete()

    result = excel_imports.import_members(clerk, buffer)

    assert (result.created, result.errors) == (3, [])
    after = [
        {name: getattr(m, name) for name in ROSTER_FIELDS}
        for m in Member.objects.filter(org=target).order_by("id")
    ]
    assert after == before


@pytest.mark.parametrize("kind", ["orgs", "members"])
def test_export_pages_refuse_other_subtrees(client, make_user, city, kind):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    url = f"/excel/export/{kind}.xlsx"
    assert client.get(url, {"ancestor": city["west"].pk}).status_code == 404
    assert client.get(url, {"ancestor": "abc"}).status_code == 404
    response = client.get(url, {"ancestor": city["east"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_text_that_looks_like_a_formula_stays_text(make_user, make_member, city):
    make_member(city["east_branch"], name="=HYPERLINK(1)", job_title="=1+1")
    admin = make_user(is_superuser=True)
    workbook = load_workbook(io.BytesIO(excel_exports.export_members(admin)))
    row = list(workbook.worksheets[0][2])
    assert (row[1].value, row[1].data_type) == ("=HYPERLINK(1)", "s")
    assert (row[12].value, row[12].data_type) == ("=1+1", "s")


def test_export_leaves_out_characters_a_worksheet_cannot_hold(make_user, city):
    """A control character stored in a name (the API took them once) must not make the
    export fail: the worksheet gets the name without it."""
    city["east_branch"].name = "东区\x05幸福\x1b社区党支部"
    city["east_branch"].save()
    admin = make_user(is_superuser=True)
    rows = as_dicts(excel_exports.export_organizations(admin, city["east_branch"]))
    assert [r["名称"] for r in rows] == ["东区幸福社区党支部"]


def test_a_large_roster_is_exported_by_a_background_job(client, make_user, make_member, city):
    for name in ("东区甲", "东区乙", "东区丙"):
        make_member(city["east_branch"], name=name)
    make_member(city["west_branch"], name="西区党员")
    clerk = make_user(role=Role.CLERK, org=city["east"])
    client.force_login(clerk)
    with override_settings(JOB_ROWS=2):
        response = client.get("/excel/export/members.xlsx")
    job = Job.objects.get(created_by=clerk)
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.state, job.total, job.message) == (JobState.DONE, 3, "已导出党员3名")
    download = client.get(f"/jobs/{job.pk}/result/")
    rows = as_dicts(b"".join(download.streaming_content))
    assert sorted(r["姓名"] for r in rows) == ["东区丙", "东区乙", "东区甲"]
    with override_settings(JOB_ROWS=3):  # small enough for the request itself
        direct = client.get("/excel/export/members.xlsx")
    assert direct["Content-Type"].startswith("application/vnd.openxmlformats")
    # The API answers with the file itself, whatever its size: a client has no job page.
    with override_settings(JOB_ROWS=2):
        api = client.get("/api/v1/members/export/")
    assert api.status_code == 200
    assert api["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Job.objects.filter(created_by=clerk).count() == 1
