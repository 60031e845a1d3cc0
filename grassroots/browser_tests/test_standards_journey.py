"""The standards library in the browser: a branch's viewer browses a set on a phone; an
administrator copies it for their district, edits an item of the draft and publishes it."""

import re

import pytest
from playwright.sync_api import expect

from grassroots.core.choices import Role
from grassroots.standards.loader import load_standards
from grassroots.standards.models import StandardSet

from .helpers import PASSWORD, PHONE, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def library(town, make_user):
    load_standards()
    admin = make_user("east_admin", role=Role.ADMIN, org=town["east"], password=PASSWORD)
    return {**town, "admin": admin}


def test_browse_a_set_on_a_phone(open_page, library, shot):
    page = open_page(PHONE)
    log_in(page, "viewer")
    page.goto("/standards/")
    expect(page.locator("h1")).to_have_text("标准库")
    page.select_option("#id_category", "village")
    page.click("button:has-text('筛选')")
    rows = page.locator("#standard-sets tbody tr")
    expect(rows.filter(has_text="农村基层党组织建设示范标准")).to_have_count(1)  # seed 001
    expect(rows.filter(has_text="城镇社区党组织示范建设基本标准")).to_have_count(0)
    shot(page, "list")
    rows.get_by_role("link", name="村（涉农社区）党组织示范建设基本标准").click()

    expect(page.locator("h1")).to_have_text("村（涉农社区）党组织示范建设基本标准")
    study = page.locator(".standard-item[data-code='2.2.3']")
    expect(study).to_contain_text("全年不少于32学时。")
    expect(study.locator(".requirement")).to_have_text("人均学习时长 ≥ 32 学时")
    income = page.locator(".standard-item[data-code='4.1.1']")
    expect(income.locator(".requirement")).to_have_text("村集体经济年收入 > 200,000 元")
    expect(page.locator(".standard-item[data-code='1.1'] .evidence")).to_have_text("需佐证材料")
    expect(page.locator(".standard-item[data-code='4.3']")).to_contain_text("一票否决")
    expect(page.locator("#copy")).to_have_count(0)  # a viewer only reads
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "village-set")


def test_admin_copies_edits_and_publishes(open_page, library, shot):
    page = open_page()
    log_in(page, "east_admin")
    page.click("nav >> text=标准库")
    shot(page, "list")
    page.get_by_role("link", name="城镇社区党组织示范建设基本标准").click()
    page.click("#copy")

    expect(page.locator("h1")).to_contain_text("复制并改编")
    page.fill("#id_code", "east-2025-community")
    page.fill("#id_title", "东区城镇社区党组织示范建设标准（2025年）")
    page.fill("#id_jurisdiction", "东区")
    page.fill("#id_year", "2025")
    page.fill("input[name=owner_search]", "东区党工委")
    page.locator("[data-pick-value]", has_text="东区党工委").first.click()
    shot(page, "copy-form")
    page.click("button:has-text('保存')")

    expect(page).to_have_url(re.compile(r"/standards/east-2025-community/v1/$"))
    expect(page.locator("#status")).to_have_text("草稿")
    item = page.locator(".standard-item[data-code='2.2.3']")
    item.get_by_role("link", name="修改").click()
    expect(page.locator("#id_text")).to_have_value("全年不少于32学时。")
    page.fill("#id_threshold", "40")
    shot(page, "item-form")
    page.click("button:has-text('保存')")
    expect(item.locator(".requirement")).to_have_text("人均学习时长 ≥ 40 学时")
    shot(page, "draft")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    expect(page.locator("#status")).to_have_text("已发布")
    expect(page.locator(".alert-success")).to_contain_text("已发布第1版")
    expect(page.locator("#new-version")).to_be_visible()
    published = StandardSet.objects.get(code="east-2025-community")
    assert published.based_on.code == "s000-community" and published.owner == library["east"]

    page.get_by_role("link", name="版本历史").click()
    diff = page.locator("#version-1 .version-diff")
    expect(diff).to_contain_text("人均学习时长 ≥ 32 学时")
    expect(diff).to_contain_text("人均学习时长 ≥ 40 学时")
    expect(page.locator("#version-1")).to_contain_text("east_admin")
    shot(page, "versions")
