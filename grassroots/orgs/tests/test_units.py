"""Units recorded on their own under the organisation that must cover them: pages, guides,
the members who work there, Excel import and export, another subtree kept out."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.excel.columns import UNIT_IMPORT_COLUMNS
from grassroots.orgs.models import HostUnit, Member, UnitGuide

from .workbooks import errors_of, workbook_file

UNIT_HEADER = [column.header for column in UNIT_IMPORT_COLUMNS]


@pytest.fixture
def clerk(make_user, city):
    return make_user(role=Role.CLERK, org=city["east"])


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def unit_file(rows):
    return workbook_file(UNIT_HEADER, [[row.get(name) for name in UNIT_HEADER] for row in rows])


def test_register_a_unit_guide_and_workers(clerk_client, city, make_member):
    east = city["east"]
    response = clerk_client.post(
        reverse("unit-register", args=[east.pk]),
        {"name": "东区快递站", "kind": "private_enterprise", "staff_count": "12"},
    )
    unit = HostUnit.objects.get(name="东区快递站")
    assert response.status_code == 302
    assert unit.responsible_org == east
    assert unit.history.first().history_user is not None
    clerk_client.post(
        reverse("unit-guide-add", args=[unit.pk]),
        {"role": "instructor", "name": "赵指导", "started_on": "2025-01-01"},
    )
    guide = UnitGuide.objects.get(unit=unit)
    members = [make_member(city["east_branch"], f"党员{n}") for n in range(3)]
    for member in members:
        clerk_client.post(reverse("unit-worker-add", args=[unit.pk]), {"member": member.pk})
    assert Member.objects.filter(work_unit=unit).count() == 3
    page = clerk_client.get(reverse("unit-detail", args=[unit.pk])).content.decode()
    # Three full members and no organisation: 应建未建, whatever the instructor covers.
    assert "赵指导" in page and "工作覆盖" in page and "应建未建" in page
    # Ending the guide keeps the row.
    clerk_client.post(reverse("unit-guide-end", args=[guide.pk]), {"ended_on": "2025-06-01"})
    guide.refresh_from_db()
    assert guide.ended_on == datetime.date(2025, 6, 1)
    listed = clerk_client.get(reverse("unit-list", args=[east.pk]), {"should_form": "true"})
    assert "东区快递站" in listed.content.decode()
    clerk_client.post(reverse("unit-worker-remove", args=[unit.pk, members[0].pk]))
    assert Member.objects.filter(work_unit=unit).count() == 2
    assert members[0].history.first().work_unit_id is None


def test_another_subtree_is_404(clerk_client, city):
    west_unit = HostUnit.objects.create(name="西区协会", responsible_org=city["west"])
    assert clerk_client.get(reverse("unit-detail", args=[west_unit.pk])).status_code == 404
    assert clerk_client.get(reverse("unit-list", args=[city["west"].pk])).status_code == 404
    assert clerk_client.get(reverse("unit-register", args=[city["west"].pk])).status_code == 404
    page = clerk_client.get(reverse("unit-list", args=[city["east"].pk])).content.decode()
    assert "西区协会" not in page


def test_list_queries_are_fixed(clerk_client, city, django_assert_max_num_queries):
    for n in range(5):
        HostUnit.objects.create(name=f"单位{n}", responsible_org=city["east"])
    with django_assert_max_num_queries(12):
        clerk_client.get(reverse("unit-list", args=[city["east"].pk]))
    for n in range(5, 20):
        HostUnit.objects.create(name=f"单位{n}", responsible_org=city["east"])
    with django_assert_max_num_queries(12):
        clerk_client.get(reverse("unit-list", args=[city["east"].pk]))


def test_import_all_or_nothing_with_errors_by_row_and_column(clerk, city):
    rows = [
        {
            "单位名称": "甲公司",
            "单位类型": "非公有制企业",
            "负责覆盖的党组织": city["east"].name,
            "党建工作指导员": "钱指导",
            "职工人数": 30,
        },
        {
            "单位名称": "乙协会",
            "单位类型": "不存在的类型",
            "负责覆盖的党组织": city["west"].name,
            "职工人数": "很多",
        },
    ]
    result = excel_imports.import_units(clerk, unit_file(rows))
    assert not HostUnit.objects.exists()
    messages = {(row, column): message for row, _, column, message in errors_of(result)}
    assert set(messages) == {(3, "单位类型"), (3, "负责覆盖的党组织"), (3, "职工人数")}
    assert "请填写不小于0的整数" in messages[(3, "职工人数")]
    result = excel_imports.import_units(clerk, unit_file(rows[:1]))
    assert result.created == 1 and not result.errors
    unit = HostUnit.objects.get()
    assert (unit.responsible_org, unit.staff_count) == (city["east"], 30)
    assert unit.guides.get().name == "钱指导"


def test_export_lists_coverage(clerk_client, city):
    HostUnit.objects.create(
        name="东区会计所", kind="private_enterprise", responsible_org=city["east"]
    )
    response = clerk_client.get(
        reverse("excel-export", args=["units"]), {"ancestor": city["east"].pk}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "单位名称"
    assert rows[1][:2] == ("东区会计所", "非公有制企业")
    assert rows[1][7] == "未覆盖"
    template = clerk_client.get(reverse("excel-template", args=["units"]))
    assert template.status_code == 200
