"""Importing members and organisations: every row checked, all rows or none, history kept."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_uscc
from grassroots.orgs import services
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.excel import columns as excel_columns
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.models import HostUnit, HostUnitLink, Member, Organization

from .workbooks import (
    MEMBER_HEADER,
    ORG_HEADER,
    TODAY,
    errors_of,
    member_file,
    member_row,
    org_file,
    org_row,
    workbook_file,
)


@pytest.fixture
def clerk(make_user, city):
    return make_user(role=Role.CLERK, org=city["east"])


# --- members: a good file ---------------------------------------------------------------------


def test_members_import_creates_all_rows_with_history(clerk, city):
    branch = city["east_branch"]
    rows = [member_row(branch, 1), member_row(branch, 2, 所在党组织=branch.pk)]
    rows[1].update({"性别": "female", "党员类别": "预备", "转正时间": None, "流动党员": "是"})
    result = excel_imports.import_members(clerk, member_file(rows, MEMBER_HEADER), today=TODAY)
    assert errors_of(result) == []
    assert result.created == 2
    first, second = Member.objects.filter(org=branch).order_by("name")
    assert (first.gender, first.status, first.education) == ("male", "full", "university")
    assert first.id_number == rows[0]["公民身份号码"]
    assert (second.gender, second.status, second.is_mobile) == ("female", "probationary", True)
    record = first.history.get()
    assert record.history_type == "+" and record.history_user == clerk
    assert record.history_change_reason == "Excel导入"


def test_text_dates_and_aliases_are_read(clerk, city):
    row = member_row(city["east_branch"], 3)
    birth = row["出生日期"]
    row.update(
        {
            "出生日期": f"{birth.year}年{birth.month}月{birth.day}日",
            "入党时间": "2005.7.1",
            "转正时间": "2006/7/1",
            "参加工作时间": 20030701,
            "学历": "大专",
            "民族": None,
            "公民身份号码": row["公民身份号码"].lower(),
        }
    )
    result = excel_imports.import_members(clerk, member_file([row]), today=TODAY)
    assert errors_of(result) == []
    member = Member.objects.get(name=row["姓名"])
    assert member.birth_date == birth and member.joined_on == datetime.date(2005, 7, 1)
    assert member.work_started_on == datetime.date(2003, 7, 1)
    assert (member.education, member.ethnicity) == ("college", "汉族")
    assert member.id_number == row["公民身份号码"].upper()


def test_headers_with_marks_hints_and_any_order(clerk, city):
    row = member_row(city["east_branch"], 4)
    header = {name: name for name in row}
    header["姓名"] = "姓名*"
    header["所在党组织"] = "所在党组织（编号或名称）"
    names = list(reversed(list(row)))
    file = workbook_file([header[n] for n in names], [[row[n] for n in names]])
    assert errors_of(excel_imports.import_members(clerk, file, today=TODAY)) == []


# --- members: each bad cell at its edge ---------------------------------------------------------


def one_error(clerk, city, **overrides):
    row = member_row(city["east_branch"], 5, **overrides)
    before = Member.objects.count()
    result = excel_imports.import_members(clerk, member_file([row], MEMBER_HEADER), today=TODAY)
    assert result.created == 0
    assert Member.objects.count() == before
    assert len(result.errors) == 1, errors_of(result)
    return result.errors[0]


def test_wrong_check_character(clerk, city):
    good = member_row(city["east_branch"], 5)["公民身份号码"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    error = one_error(clerk, city, 公民身份号码=wrong)
    assert (error.row, error.letter, error.column) == (2, "G", "公民身份号码")
    assert error.message == "公民身份号码校验码错误"


def test_birth_date_one_day_off_the_id_number(clerk, city):
    birth = member_row(city["east_branch"], 5)["出生日期"]
    row = member_row(city["east_branch"], 5, 出生日期=birth + datetime.timedelta(days=1))
    result = excel_imports.import_members(clerk, member_file([row], MEMBER_HEADER), today=TODAY)
    assert result.created == 0
    # Either cell may be the wrong one, so both are named (as on the member form).
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (2, "F", "出生日期与公民身份号码不一致"),
        (2, "G", "出生日期与公民身份号码不一致"),
    ]


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("13812345678", True), ("1381234567", False), ("138123456789", False), ("0971-1234567", True)],
)
def test_phone_length(clerk, city, phone, ok):
    row = member_row(city["east_branch"], 6, 联系电话=phone)
    result = excel_imports.import_members(clerk, member_file([row]), today=TODAY)
    if ok:
        assert errors_of(result) == []
    else:
        assert [(e.letter, e.column) for e in result.errors] == [("N", "联系电话")]


def test_date_today_is_accepted_tomorrow_is_not(clerk, city):
    accepted = member_row(city["east_branch"], 7, 参加工作时间=TODAY)
    assert (
        errors_of(excel_imports.import_members(clerk, member_file([accepted]), today=TODAY)) == []
    )
    error = one_error(clerk, city, 参加工作时间=TODAY + datetime.timedelta(days=1))
    assert (error.letter, error.message) == ("L", "日期不能晚于今天")


@pytest.mark.parametrize(
    ("header", "value", "letter", "message"),
    [
        ("性别", "男性", "C", "“男性”不是可选值，应为：男、女"),
        ("党员类别", "积极分子", "K", "“积极分子”不是可选值，应为：正式党员、预备党员"),
        ("姓名", "  ", "B", "必填，不能为空"),
        ("入党时间", "2005.7", "I", "“2005.7”缺少日，请填写完整的年月日，如 2020-01-05"),
        ("入党时间", "2005-02-30", "I", "日期“2005-02-30”不存在"),
        ("公民身份号码", 510104198001060051, "G", None),
        ("转正时间", datetime.date(2005, 6, 30), "J", "转正时间不能早于入党时间"),
        ("所在党组织", "不存在的支部", "O", None),
        ("流动党员", "也许", "V", "请填写“是”或“否”"),
        ("姓名", "名" * 51, "B", None),
    ],
)
def test_bad_cells(clerk, city, header, value, letter, message):
    error = one_error(clerk, city, **{header: value})
    assert (error.row, error.letter) == (2, letter)
    if message:
        assert error.message == message


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("姓名", "名" * 50),  # the field's max_length
        ("转正时间", datetime.date(2005, 7, 1)),  # the day of joining
        ("出生日期", "1980年1月6日"),
        ("参加工作时间", datetime.date(1980, 1, 6)),  # not before birth
    ],
)
def test_cells_at_the_accepted_edge(clerk, city, header, value):
    row = member_row(city["east_branch"], 5, **{header: value})
    assert errors_of(excel_imports.import_members(clerk, member_file([row]), today=TODAY)) == []


def test_probationary_member_with_confirmation_date(clerk, city):
    error = one_error(clerk, city, 党员类别="预备党员")
    assert (error.letter, error.message) == ("J", "预备党员不应有转正时间")


def test_duplicate_id_numbers_in_file_and_database(clerk, city, make_member):
    branch = city["east_branch"]
    existing = make_member(branch)
    rows = [
        member_row(branch, 10),
        member_row(branch, 11),
        member_row(branch, 12, 公民身份号码=existing.id_number, 出生日期=existing.birth_date),
    ]
    rows[1]["公民身份号码"], rows[1]["出生日期"] = rows[0]["公民身份号码"], rows[0]["出生日期"]
    result = excel_imports.import_members(clerk, member_file(rows), today=TODAY)
    assert result.created == 0
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (3, "G", "与第2行的公民身份号码重复"),
        (4, "G", "该公民身份号码已在系统中登记"),
    ]
    assert Member.objects.count() == 1


def test_all_or_nothing_names_the_bad_row_and_column(clerk, city):
    branch = city["east_branch"]
    rows = [member_row(branch, n) for n in range(20, 25)]
    rows[3]["性别"] = "未知"
    result = excel_imports.import_members(clerk, member_file(rows, MEMBER_HEADER), today=TODAY)
    assert result.created == 0
    assert errors_of(result) == [(5, "C", "性别", "“未知”不是可选值，应为：男、女")]
    assert not Member.objects.exists()
    assert not Member.history.exists()


def test_organisation_references(clerk, city, make_org, make_user):
    east, branch = city["east"], city["east_branch"]
    make_org("同名支部", east)
    make_org("同名支部", east)
    dissolved = make_org("已撤销支部", east)
    services.dissolve_organization(make_user(is_superuser=True), dissolved, TODAY)
    functional = make_org("功能型支部", east, kind=OrgKind.FUNCTIONAL_BRANCH)
    rows = [
        member_row(branch, 30, 所在党组织=branch.pk),
        member_row(branch, 31, 所在党组织=str(city["west_branch"].pk)),
        member_row(branch, 32, 所在党组织=city["west_branch"].name),
        member_row(branch, 33, 所在党组织="同名支部"),
        member_row(branch, 34, 所在党组织="已撤销支部"),
        member_row(branch, 35, 所在党组织=functional.name),
        member_row(branch, 36, 所在党组织=""),
        member_row(branch, 37, 所在党组织="1" * 30),
    ]
    result = excel_imports.import_members(clerk, member_file(rows), today=TODAY)
    west = city["west_branch"]
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (3, "O", f"编号为{west.pk}的党组织不存在，或不在您可以录入的范围内"),
        (4, "O", f"未找到名称为“{west.name}”的党组织（须在您可以录入的范围内）"),
        (5, "O", "名称为“同名支部”的党组织有2个，请改填组织编号"),
        (6, "O", "该党组织已撤销"),
        (7, "O", "功能型党支部不接转组织关系"),
        (8, "O", "必填，不能为空"),
        (9, "O", f"未找到名称为“{'1' * 30}”的党组织（须在您可以录入的范围内）"),
    ]


def test_user_without_edit_scope_there_cannot_import(make_user, city):
    viewer = make_user(role=Role.VIEWER, org=city["root"])
    west_clerk = make_user(role=Role.CLERK, org=city["west"])
    for user in (viewer, west_clerk):
        row = member_row(city["east_branch"], 40)
        result = excel_imports.import_members(user, member_file([row]), today=TODAY)
        assert [(e.row, e.letter) for e in result.errors] == [(2, "O")]
    assert not Member.objects.exists()


# --- the header and the file ---------------------------------------------------------------------


def test_header_problems(clerk, city):
    row = member_row(city["east_branch"], 50)
    header = [name for name in row if name != "公民身份号码"] + ["备注", "姓名"]
    file = workbook_file(header, [[row.get(name) for name in header]])
    result = excel_imports.import_members(clerk, file, today=TODAY)
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (1, "", "缺少必填列“公民身份号码”"),
        (1, "O", "无法识别的列名“备注”，请使用导入模板中的列名（不需要的列可删除）"),
        (1, "P", "“姓名”列出现了不止一次"),
    ]


def test_blank_rows_are_skipped_and_an_empty_file_is_refused(clerk, city):
    assert errors_of(excel_imports.import_members(clerk, member_file([], MEMBER_HEADER))) == [
        (2, "", "", "文件中没有数据：从第2行起每行填写一条记录")
    ]
    rows = [member_row(city["east_branch"], 51), {"序号": 2}, member_row(city["east_branch"], 52)]
    result = excel_imports.import_members(clerk, member_file(rows, MEMBER_HEADER), today=TODAY)
    assert (result.created, result.errors) == (2, [])


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_not_an_xlsx(clerk, content):
    result = excel_imports.import_members(clerk, io.BytesIO(content))
    assert result.created == 0
    assert [(e.row, e.column) for e in result.errors] == [(None, "")]
    assert ".xlsx" in result.errors[0].message


def test_the_template_imports_once_filled(clerk, city):
    template = load_workbook(io.BytesIO(excel_columns.member_template()))
    assert template.sheetnames == ["党员", "说明"]
    header = [cell.value for cell in template["党员"][1]]
    assert header == MEMBER_HEADER
    notes = {row[0]: row for row in template["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["性别"][1:] == ("必填", "从可选值中选择", "男、女")
    assert notes["学历"][3].startswith("研究生、大学本科")
    template["党员"].append([member_row(city["east_branch"], 53).get(name) for name in header])
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    assert excel_imports.import_members(clerk, buffer, today=TODAY).created == 1


def test_too_many_errors_stop_early(clerk, city, monkeypatch):
    from grassroots.core.excel import imports

    monkeypatch.setattr(imports, "MAX_ERRORS", 5)
    rows = [member_row(city["east_branch"], n, 性别="?") for n in range(60, 70)]
    result = excel_imports.import_members(clerk, member_file(rows), today=TODAY)
    assert len(result.errors) == 6
    assert result.errors[-1].row is None and "错误超过5条" in result.errors[-1].message


# --- organisations ---------------------------------------------------------------------------


def test_organisation_tree_from_one_file(clerk, city):
    east = city["east"]
    uscc = build_uscc("91510100MA6C00001")
    rows = [
        org_row("东区新建党委", east.pk, 组织类型="基层党委", 所属领域="非公有制企业"),
        org_row(
            "新建第一支部",
            "东区新建党委",
            成立日期="2021-03-01",
            所在单位名称="某公司",
            统一社会信用代码=uscc,
        ),
        org_row("新建第一支部第一党小组", "新建第一支部", 组织类型="党小组"),
        org_row("东区另一支部", east.name, 组织类型="branch", 所属领域="village", 简称="另一支部"),
    ]
    result = excel_imports.import_organizations(clerk, org_file(rows), today=TODAY)
    assert errors_of(result) == []
    assert result.created == 4
    committee = Organization.objects.get(name="东区新建党委")
    branch = Organization.objects.get(name="新建第一支部")
    group = Organization.objects.get(name="新建第一支部第一党小组")
    other = Organization.objects.get(name="东区另一支部")
    assert committee.parent == east and branch.parent == committee and group.parent == branch
    for org in (committee, branch, group, other):
        assert org.path == org.parent.path + f"{org.pk}/"
        assert org.depth == org.parent.depth + 1
        record = org.history.get()
        assert record.history_user == clerk and record.history_type == "+"
    assert (committee.kind, committee.category) == (OrgKind.COMMITTEE, Category.PRIVATE_ENTERPRISE)
    assert (other.category, other.short_name) == (Category.VILLAGE, "另一支部")
    assert branch.established_on == datetime.date(2021, 3, 1)
    link = HostUnitLink.objects.get(org=branch)
    assert (link.unit.name, link.unit.uscc) == ("某公司", uscc)
    assert link.unit.history.get().history_user == clerk
    # The saved tree behaves like one built by Organization.save: a subtree query finds it.
    subtree = set(Organization.objects.subtree(committee).values_list("name", flat=True))
    assert subtree == {"东区新建党委", "新建第一支部", "新建第一支部第一党小组"}


def test_organisation_rows_checked(clerk, city, make_org):
    east = city["east"]
    taken = build_uscc("91510100MA6C00002")
    HostUnit.objects.create(name="已登记单位", uscc=taken)
    bad_uscc = build_uscc("91510100MA6C00003")[:17] + "0"
    if bad_uscc == build_uscc("91510100MA6C00003"):
        bad_uscc = bad_uscc[:17] + "1"
    twice = build_uscc("91510100MA6C00004")
    rows = [
        org_row("甲支部", "乙支部"),  # parent defined below
        org_row("乙支部", east.pk),
        org_row("丙支部", east.pk, 统一社会信用代码=twice),  # code without a unit name
        org_row("丁支部", east.pk, 所在单位名称="丁单位", 统一社会信用代码=twice),
        org_row("戊支部", east.pk, 所在单位名称="戊单位", 统一社会信用代码=taken),
        org_row("己支部", east.pk, 所在单位名称="己单位", 统一社会信用代码=bad_uscc),
        org_row("东区幸福社区党支部", east.pk),  # already there
        org_row("乙支部", east.pk),  # twice in the file
        org_row("庚支部", city["west"].pk),  # outside the clerk's subtree
        org_row("辛支部", ""),  # no parent
        org_row("壬支部", east.pk, 组织类型="党委会"),
        org_row("癸支部", "癸支部"),
    ]
    before = Organization.objects.count()
    result = excel_imports.import_organizations(clerk, org_file(rows), today=TODAY)
    assert result.created == 0
    assert Organization.objects.count() == before
    assert HostUnit.objects.count() == 1
    assert [(e.row, e.letter, e.message) for e in result.errors] == [
        (2, "E", "上级组织“乙支部”在第3行，请把上级组织排在下级组织之前"),
        (4, "G", "填写了统一社会信用代码，请同时填写所在单位名称"),
        (5, "H", "与第4行的统一社会信用代码重复"),
        (6, "H", "该统一社会信用代码已在系统中登记"),
        (7, "H", "统一社会信用代码校验码错误"),
        (8, "A", "上级组织下已有名为“东区幸福社区党支部”的组织"),
        (9, "A", "与第3行重复：同一上级组织下不能有两个“乙支部”"),
        (10, "E", f"编号为{city['west'].pk}的党组织不存在，或不在您可以录入的范围内"),
        (11, "E", "请选择上级组织"),
        (12, "C", "“党委会”不是可选值，应为：" + "、".join(OrgKind.labels)),
        (13, "E", "上级组织不能是本行的组织"),
    ]


def test_superuser_may_import_a_root(make_user):
    admin = make_user(is_superuser=True)
    rows = [org_row("新市委组织部", None, 组织类型="组织部/工委/党工委", 所属领域="其他")]
    rows.append(org_row("新区党工委", "新市委组织部", 组织类型="department", 所属领域="other"))
    result = excel_imports.import_organizations(admin, org_file(rows), today=TODAY)
    assert errors_of(result) == []
    root = Organization.objects.get(name="新市委组织部")
    child = Organization.objects.get(name="新区党工委")
    assert (root.path, root.depth) == (f"/{root.pk}/", 0)
    assert (child.path, child.depth) == (f"/{root.pk}/{child.pk}/", 1)


def test_organisation_template(clerk):
    template = load_workbook(io.BytesIO(excel_columns.organization_template()))
    assert [cell.value for cell in template.worksheets[0][1]] == ORG_HEADER
    notes = {row[0]: row for row in template["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["组织类型"][3] == "、".join(OrgKind.labels)
    assert notes["所属领域"][3].startswith("农村、城镇社区")
    assert notes["上级组织"][1] == "必填"


def test_a_duplicate_registered_meanwhile_writes_nothing(clerk, city, make_member, monkeypatch):
    """Between the check and the write someone registers one of the ID numbers: the unique
    index refuses it and the whole import is rolled back."""
    from grassroots.orgs.excel import imports

    existing = make_member(city["west_branch"])
    rows = [
        member_row(city["east_branch"], 80),
        member_row(
            city["east_branch"], 81, 公民身份号码=existing.id_number, 出生日期=existing.birth_date
        ),
    ]
    original = imports._MemberImport.check_file

    def check_without_database_duplicates(self):
        self.first_row_of_id.clear()  # as if the ID numbers were all still free
        original(self)

    monkeypatch.setattr(imports._MemberImport, "check_file", check_without_database_duplicates)
    result = excel_imports.import_members(clerk, member_file(rows), today=TODAY)
    assert result.created == 0
    assert [(e.row, e.message[:9]) for e in result.errors] == [(None, "导入时数据已被他人")]
    assert Member.objects.count() == 1
    assert Member.history.count() == 1


def test_an_oversized_upload_is_refused_unread(clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grassroots.core.excel.sheets import MAX_UPLOAD_BYTES

    upload = SimpleUploadedFile("大.xlsx", b"x")
    upload.size = MAX_UPLOAD_BYTES + 1
    result = excel_imports.import_members(clerk, upload)
    assert [(e.row, e.message) for e in result.errors] == [
        (None, "文件超过50MB，请分成几个文件导入")
    ]
