"""Browser journey: the city administrator (a clerk at the city's organisation department)
creates a naming campaign (260 示范, 10 十佳 chosen from them), sees the 差额 check while no
quota is allotted, imports the seed 000 附件1 table (the 26 recommending units with their
13/1 … quotas, 325 and 26 in all), sees the surplus kept, and, once two districts have
nominated, the 60% village and community check on the one whose nominations are all
organs."""

import datetime
import re

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from grassroots.campaigns.choices import ApplicationState
from grassroots.campaigns.models import Campaign
from grassroots.campaigns.tests.factories import ApplicationFactory
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind
from grassroots.standards.tests.factories import StandardSetFactory

from .helpers import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Seed 000 附件1: the districts' quotas (示范, 十佳), then the four 工委's.
DISTRICTS = [
    "成都天府新区",
    "成都高新区（含东部新区）",
    "锦江区",
    "青羊区",
    "金牛区",
    "武侯区",
    "成华区",
    "龙泉驿区",
    "青白江区",
    "新都区",
    "温江区",
    "双流区",
    "郫都区",
    "简阳市（含东部新区）",
    "都江堰市",
    "彭州市",
    "邛崃市",
    "崇州市",
    "金堂县",
    "新津县",
    "大邑县",
    "蒲江县",
]
COMMITTEES = [
    ("市直机关工委", 12),
    ("市委教育工委", 8),
    ("市委国资国企工委", 12),
    ("市委“两新”工委", 7),
]
SEED_TABLE = [
    ("单位", "示范基层党组织", "十佳示范基层党组织"),
    *((name, 13, 1) for name in DISTRICTS),
    *((name, quota, 1) for name, quota in COMMITTEES),
    ("合计", "325（含差额65个）", "26（含差额16个）"),
]


@pytest.fixture
def chengdu(make_org, make_user):
    D = OrgKind.DEPARTMENT
    root = make_org("中共成都市委组织部", kind=D, category=Category.OTHER)
    units = {}
    for name in DISTRICTS:
        district = make_org(name, root, kind=D, category=Category.OTHER)
        make_org(f"{name}示范村党支部", district, category=Category.VILLAGE)
        units[name] = district
    for name, _ in COMMITTEES:
        units[name] = make_org(name, root, kind=D, category=Category.ORGAN)
    StandardSetFactory(code="s000-basic", title="“蓉城先锋”基层党组织示范建设基本标准")
    clerk = make_user("city_clerk", role=Role.CLERK, org=root, password=PASSWORD)
    return {"root": root, "units": units, "clerk": clerk}


def nominate(campaign, unit, make_org, villages, organs):
    level = campaign.levels.get(code="level1")
    orgs = [make_org(parent=unit, category=Category.VILLAGE) for _ in range(villages)]
    orgs += [make_org(parent=unit, category=Category.ORGAN) for _ in range(organs)]
    for org in orgs:
        ApplicationFactory(
            campaign=campaign,
            level=level,
            unit=unit,
            org=org,
            state=ApplicationState.IN_REVIEW,
            created_by=campaign.created_by,
        )


def test_the_city_creates_a_campaign_imports_the_quota_table_and_sees_the_checks(
    open_page, chengdu, make_org, shot, tmp_path
):
    book = Workbook()
    for row in SEED_TABLE:
        book.active.append(row)
    table = tmp_path / "附件1推荐名额分配表.xlsx"
    book.save(table)
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    page = open_page()
    log_in(page, "city_clerk")
    page.get_by_role("link", name="示范创建").first.click()
    expect(page.locator("h1")).to_contain_text("示范创建")
    page.get_by_role("link", name="新建").click()
    page.fill("#id_title", "2020年“蓉城先锋·基层党组织示范行动”")
    page.fill("#id_application_deadline", deadline.isoformat())
    page.fill("#id_level1_name", "示范基层党组织")
    page.fill("#id_level1_to_name", "260")
    page.fill("#id_level2_name", "十佳示范基层党组织")
    page.fill("#id_level2_to_name", "10")
    page.select_option("#id_level2_from", label="第1级")
    page.get_by_label(re.compile(r"^“蓉城先锋”基层党组织示范建设基本标准（\d{4}年）$")).check()
    shot(page, "form")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("已创建活动")
    expect(page.locator("h1")).to_contain_text("蓉城先锋")
    surplus = page.locator('[data-check="SURPLUS_TOO_LOW"]')
    expect(surplus).to_have_count(2)
    expect(surplus.first).to_contain_text("至少312个")
    expect(page.locator('[data-stage="application"]')).to_contain_text("当前")
    shot(page, "no-quotas")

    page.get_by_role("link", name="推荐名额").click()
    page.locator("#quota-import input[type=file]").set_input_files(table)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入成功：52个推荐名额")
    expect(page.locator('[data-check="SURPLUS_TOO_LOW"]')).to_have_count(0)
    expect(page.locator("#progress-table tfoot")).to_contain_text("325")
    expect(page.locator("#progress-table tbody tr")).to_have_count(26)

    # Two districts nominate: 锦江区 only organs, 青羊区 three villages of five (60%).
    campaign = Campaign.objects.get()
    assert [s.code for s in campaign.standards.all()] == ["s000-basic"]
    nominate(campaign, chengdu["units"]["锦江区"], make_org, villages=0, organs=4)
    nominate(campaign, chengdu["units"]["青羊区"], make_org, villages=3, organs=2)
    page.reload()
    share = page.locator('[data-check="VILLAGE_SHARE"]')
    expect(share).to_have_count(1)
    expect(share).to_contain_text("锦江区推荐对象中村（社区）0个，占0%，应在50%至70%之间")
    expect(share).to_have_class(re.compile(r"alert-warning"))
    expect(page.locator("#quota-chart canvas")).to_have_count(1)
    shot(page, "checks")

    page.get_by_role("link", name="推荐名额").click()
    expect(page.locator("#quota-table tbody tr")).to_have_count(26)
    shot(page, "quotas")
