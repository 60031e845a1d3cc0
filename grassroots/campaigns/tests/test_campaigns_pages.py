"""The campaign pages: the list and its export, creating and changing a campaign, the
dashboard (stages with the late one marked, per-unit progress, checks, chart data) in a
number of queries that does not grow with units and applications, the stage advanced, and
the quota table edited, imported (seed 000 附件1 layout, errors by row and column, all or
nothing) and exported. Another subtree: 404; the field without edit rights: 403."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from grassroots.campaigns.choices import ApplicationState, CampaignKind, StageCode
from grassroots.campaigns.models import Campaign, Quota, Stage
from grassroots.campaigns.tests.factories import (
    ApplicationFactory,
    InspectionFactory,
    ObjectionFactory,
)
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind

TODAY = timezone.localdate()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def stranger(make_org, make_user):
    elsewhere = make_org("另一个市委组织部", kind=OrgKind.DEPARTMENT)
    return make_user("stranger", role=Role.CLERK, org=elsewhere)


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "名额.xlsx"
    return buffer


def with_stages(campaign, late=False):
    deadline = TODAY - datetime.timedelta(days=1) if late else campaign.application_deadline
    Stage.objects.create(
        campaign=campaign, code=StageCode.APPLICATION, deadline=deadline, started_on=TODAY
    )
    Stage.objects.create(campaign=campaign, code=StageCode.REVIEW)
    return campaign


# --- list --------------------------------------------------------------------------------------


def test_the_list_offers_new_to_editors_and_exports(scene, login):
    page = login(scene["organiser_clerk"]).get("/campaigns/")
    assert page.status_code == 200
    assert "新建" in page.content.decode()
    assert scene["campaign"].title in page.content.decode()
    reviewer = login(scene["organiser_reviewer"]).get("/campaigns/").content.decode()
    assert 'id="new-campaign"' not in reviewer
    export = login(scene["branch_clerk"]).get("/campaigns/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [
        scene["campaign"].title,
        "示范命名",
        "市委组织部",
    ]


def test_the_menu_leads_to_campaigns(scene, login):
    assert "示范创建" in login(scene["branch_clerk"]).get("/").content.decode()


# --- create and edit ---------------------------------------------------------------------------


def form_data(scene, **changes):
    deadline = TODAY + datetime.timedelta(days=30)
    return {
        "title": "2026年示范行动",
        "kind": CampaignKind.NAMING,
        "organiser": scene["root"].pk,
        "year": TODAY.year,
        "application_deadline": deadline.isoformat(),
        "validity_years": 3,
        "surplus_percent": 20,
        "village_share_percent": 60,
        "village_band_points": 10,
        "level1_name": "示范基层党组织",
        "level1_to_name": 260,
        "level2_name": "十佳示范基层党组织",
        "level2_to_name": 10,
        "level2_from": "level1",
        "deadline_review": (deadline + datetime.timedelta(days=20)).isoformat(),
        **changes,
    }


def test_creating_a_campaign_on_the_page(scene, login):
    response = login(scene["organiser_clerk"]).post("/campaigns/new/", form_data(scene))
    campaign = Campaign.objects.get(title="2026年示范行动")
    assert response.status_code == 302
    assert response.url == f"/campaigns/{campaign.pk}/"
    top = campaign.levels.get(code="level2")
    assert (top.to_name, top.chosen_from.code) == (10, "level1")
    assert campaign.stages.get(code=StageCode.REVIEW).deadline is not None


def test_service_errors_show_on_the_form_and_nothing_is_saved(scene, login):
    before = Campaign.objects.count()
    data = form_data(scene, level2_to_name=300)
    response = login(scene["organiser_clerk"]).post("/campaigns/new/", data)
    assert response.status_code == 200
    assert "拟命名数不能多于" in response.content.decode()
    assert Campaign.objects.count() == before


def test_editing_a_campaign(scene, login):
    campaign = with_stages(scene["campaign"])
    page = login(scene["organiser_clerk"]).get(f"/campaigns/{campaign.pk}/edit/")
    assert page.status_code == 200
    data = {
        "title": "改名后的活动",
        "year": campaign.year,
        "application_deadline": campaign.application_deadline.isoformat(),
        "validity_years": 5,
        "surplus_percent": 20,
        "village_share_percent": 60,
        "village_band_points": 10,
        "level1_name": "示范基层党组织",
        "level1_to_name": 5,
        "level2_name": "十佳示范基层党组织",
        "level2_to_name": 1,
    }
    response = login(scene["organiser_clerk"]).post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.title, campaign.validity_years) == ("改名后的活动", 5)
    assert campaign.levels.get(code="demo").to_name == 5


def test_the_field_reads_but_does_not_change(scene, login):
    campaign = with_stages(scene["campaign"])
    east = login(scene["east_clerk"])
    assert east.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert east.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
    assert east.post(f"/campaigns/{campaign.pk}/advance/").status_code == 403
    assert east.post(f"/campaigns/{campaign.pk}/quotas/", {}).status_code == 403
    assert login(scene["organiser_reviewer"]).get("/campaigns/new/").status_code == 403


@pytest.mark.parametrize("suffix", ["", "edit/", "export/", "quotas/", "quotas/export/"])
def test_another_subtree_gets_404(scene, login, stranger, suffix):
    response = login(stranger).get(f"/campaigns/{scene['campaign'].pk}/{suffix}")
    assert response.status_code == 404


# --- dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_stages_progress_and_checks(scene, login):
    campaign = with_stages(scene["campaign"], late=True)
    ApplicationFactory(
        campaign=campaign,
        level=scene["top"],
        unit=scene["west"],
        org=scene["west_village"],
        state=ApplicationState.IN_REVIEW,
        created_by=scene["west_clerk"],
    )
    page = login(scene["organiser_clerk"]).get(f"/campaigns/{campaign.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-late" in html
    assert "推进到下一阶段（初审/考察）" in html
    assert 'data-check="TOP_NOT_NOMINATED"' in html
    assert 'alert-danger py-2 mb-2" role="alert" data-check="TOP_NOT_NOMINATED"' in html
    assert 'alert-warning py-2 mb-2" role="alert" data-check="VILLAGE_SHARE"' in html
    chart = page.context["chart"]
    assert chart["units"] == ["东区区委组织部", "西区区委组织部"]
    assert chart["quota"] == [4, 2]
    assert chart["nominated"] == [0, 1]
    export = login(scene["organiser_clerk"]).get(f"/campaigns/{campaign.pk}/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [cell.value for cell in sheet[3]] == ["西区区委组织部", 2, 1, 1, 0, 0, 0, 0, 0]


def grow(scene, make_org, units, per_unit):
    campaign = scene["campaign"]
    for index in range(units):
        unit = make_org(f"增加的区{index}", scene["root"], kind=OrgKind.DEPARTMENT)
        Quota.objects.create(campaign=campaign, unit=unit, level=scene["demo"], quota=3)
        for _ in range(per_unit):
            ApplicationFactory(
                campaign=campaign,
                level=scene["demo"],
                top_level=scene["top"],
                unit=unit,
                org=make_org(parent=unit, category=Category.VILLAGE),
                state=ApplicationState.IN_REVIEW,
                created_by=scene["organiser_clerk"],
            )


def test_the_dashboard_queries_do_not_grow(scene, login, make_org, django_assert_max_num_queries):
    campaign = with_stages(scene["campaign"])
    browser = login(scene["organiser_clerk"])
    grow(scene, make_org, 1, 1)
    with django_assert_max_num_queries(20) as few:
        browser.get(f"/campaigns/{campaign.pk}/")
    grow(scene, make_org, 5, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = browser.get(f"/campaigns/{campaign.pk}/")
    assert len(page.context["rows"]) == 8


def test_advance_on_the_page(scene, login):
    campaign = with_stages(scene["campaign"], late=True)
    campaign.application_deadline = TODAY - datetime.timedelta(days=1)
    campaign.save()
    response = login(scene["organiser_clerk"]).post(f"/campaigns/{campaign.pk}/advance/")
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.stage == StageCode.REVIEW


# --- quotas ------------------------------------------------------------------------------------


def test_editing_quotas_in_the_table(scene, login):
    campaign = scene["campaign"]
    demo, top = scene["demo"], scene["top"]
    browser = login(scene["organiser_clerk"])
    page = browser.get(f"/campaigns/{campaign.pk}/quotas/").content.decode()
    assert f'name="quota-{scene["outside"].pk}-{demo.pk}"' in page
    data = {
        f"quota-{scene['east'].pk}-{demo.pk}": "5",
        f"quota-{scene['east'].pk}-{top.pk}": "",
        f"quota-{scene['outside'].pk}-{demo.pk}": "2",
    }
    response = browser.post(f"/campaigns/{campaign.pk}/quotas/", data)
    assert response.status_code == 302
    table = {
        (q.unit.name, q.level.code): q.quota
        for q in campaign.quotas.select_related("unit", "level")
    }
    assert table == {("东区区委组织部", "demo"): 5, ("南区区委组织部", "demo"): 2}
    bad = browser.post(
        f"/campaigns/{campaign.pk}/quotas/", {**data, f"quota-{scene['west'].pk}-{demo.pk}": "三"}
    )
    assert bad.status_code == 400
    assert "不是不小于0的整数" in bad.content.decode()
    assert campaign.quotas.count() == 2


def test_importing_the_seed_table(scene, login):
    campaign = scene["campaign"]
    scene["west"].short_name = "西区"
    scene["west"].save()
    table = xlsx(
        [
            ["单位", "示范基层党组织", "十佳示范基层党组织"],
            ["东区区委组织部", 13, 1],
            ["西区", 13, 1],
            ["南区区委组织部", 12, None],
            ["合计", "38（含差额34个）", "2（含差额1个）"],
        ]
    )
    response = login(scene["organiser_clerk"]).post(
        f"/campaigns/{campaign.pk}/quotas/import/", {"file": table}
    )
    assert response.status_code == 302
    table = {
        (q.unit.name, q.level.code): q.quota
        for q in campaign.quotas.select_related("unit", "level")
    }
    assert table == {
        ("东区区委组织部", "demo"): 13,
        ("东区区委组织部", "top"): 1,
        ("西区区委组织部", "demo"): 13,
        ("西区区委组织部", "top"): 1,
        ("南区区委组织部", "demo"): 12,
    }


def test_a_bad_table_names_row_and_column_and_imports_nothing(scene, login):
    campaign = scene["campaign"]
    before = sorted(campaign.quotas.values_list("unit_id", "level_id", "quota"))
    table = xlsx(
        [
            ["单位", "示范基层党组织", "十佳示范基层党组织"],
            ["东区区委组织部", 13, 1],
            ["北区区委组织部", 13, 1],
            ["西区区委组织部", -2, "一"],
            ["东区区委组织部", 1, 1],
            ["合计", 30, 3],
        ]
    )
    response = login(scene["organiser_clerk"]).post(
        f"/campaigns/{campaign.pk}/quotas/import/", {"file": table}
    )
    assert response.status_code == 400
    errors = [(e.row, e.letter, e.message) for e in response.context["result"].errors]
    assert errors == [
        (3, "A", "“北区区委组织部”不是市委组织部的下级单位"),
        (4, "B", "推荐名额应为不小于0的整数（填写的是“-2”）"),
        (4, "C", "推荐名额应为不小于0的整数（填写的是“一”）"),
        (5, "A", "与第2行是同一单位"),
    ]
    assert "第3行" in response.content.decode()
    assert sorted(campaign.quotas.values_list("unit_id", "level_id", "quota")) == before


def test_a_missing_level_column_is_refused(scene, login):
    table = xlsx([["单位", "示范基层党组织"], ["东区区委组织部", 13]])
    response = login(scene["organiser_clerk"]).post(
        f"/campaigns/{scene['campaign'].pk}/quotas/import/", {"file": table}
    )
    assert response.status_code == 400
    assert "缺少必填列“十佳示范基层党组织”" in response.content.decode()


def test_the_export_is_the_seed_table_and_imports_back(scene, login):
    campaign = scene["campaign"]
    browser = login(scene["organiser_clerk"])
    export = browser.get(f"/campaigns/{campaign.pk}/quotas/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["单位", "示范基层党组织", "十佳示范基层党组织"],
        ["东区区委组织部", 4, 1],
        ["西区区委组织部", 2, 1],
        ["合计", "6（含差额2个）", "2（含差额1个）"],
    ]
    again = io.BytesIO(export.content)
    again.name = "名额.xlsx"
    response = browser.post(f"/campaigns/{campaign.pk}/quotas/import/", {"file": again})
    assert response.status_code == 302
    assert campaign.quotas.count() == 4


def test_the_home_page_to_do_lists_each_users_campaign_work(
    scene, client, django_assert_max_num_queries
):
    campaign = scene["campaign"]
    ApplicationFactory(
        campaign=campaign,
        level=scene["demo"],
        org=scene["community"],
        unit=scene["east"],
        state=ApplicationState.IN_REVIEW,
        pending_step="basic_committee",
        pending_org=scene["street"],
        created_by=scene["branch_clerk"],
    )
    inspection = InspectionFactory(org=scene["village"], assigned_by_org=scene["east"])
    inspection.team.add(scene["inspector"])
    ObjectionFactory(notice__campaign=campaign)
    campaign.stage = StageCode.SURVEY
    campaign.save()

    def todo(user):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            page = client.get("/campaigns/todo/")
        return page.content.decode()

    assert "待签署意见的申报" in todo(scene["street_reviewer"])
    assert "待签署意见的申报" not in todo(scene["west_reviewer"])
    assert "待录入的考察" in todo(scene["inspector"])
    assert "待处理的公示异议" in todo(scene["organiser_clerk"])
    assert "待导入测评结果：2026年基层党组织示范行动" in todo(scene["evaluator"])
    assert todo(scene["outside_clerk"]).strip() == ""
