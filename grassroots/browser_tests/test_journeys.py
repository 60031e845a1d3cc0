"""What a party-affairs worker does in the browser, at 1366×768 and on a phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from grassroots.core.auth import LOCKED_MESSAGE
from grassroots.core.identifiers import build_citizen_id, mask_id_number
from grassroots.orgs.models import Member, Term, Transfer

from .helpers import PASSWORD, PHONE, log_in

pytestmark = pytest.mark.browser

BIRTH = datetime.date(1990, 4, 12)
GOOD_ID = build_citizen_id("110105", BIRTH, 31)


def test_log_in_and_home(open_page, town, shot):
    page = open_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确")
    shot(page, "login-error")

    log_in(page, "clerk")
    expect(page.locator("#org-count")).to_have_text("5")
    expect(page.locator("#member-count")).to_have_text("4")
    expect(page.locator("#severity-counts")).to_contain_text("错误")
    expect(page.locator("main").get_by_role("link", name="市委组织部").first).to_be_visible()
    shot(page, "home")
    page.locator("#severity-counts a").first.click()
    expect(page.locator("h1")).to_have_text("健康检查")
    expect(page.locator("tbody tr").first).to_have_attribute("data-code", re.compile(r"\w+"))


def test_repeated_failures_lock_the_account(open_page, town, settings, shot):
    page = open_page()
    page.goto("/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "viewer")
        page.fill("#id_password", "wrong-password")
        page.click("button[type=submit]")
        expect(page.locator(".alert-danger")).to_be_visible()
    page.fill("#id_password", PASSWORD)  # even the right password is refused now
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_have_text(LOCKED_MESSAGE)
    shot(page, "locked")


def test_expand_the_tree_and_search(open_page, town, shot):
    page = open_page()
    log_in(page, "clerk")
    page.click("nav >> text=组织树")
    tree = page.locator("#org-tree")
    # The single root comes opened; its children are not loaded further down until asked.
    expect(tree.get_by_role("link", name="东区党工委")).to_be_visible()
    expect(tree.get_by_role("link", name="东区幸福社区党支部")).to_have_count(0)
    page.get_by_role("button", name="展开或收起东区党工委").click()
    expect(tree.get_by_role("link", name="东区幸福社区党支部")).to_be_visible()
    page.get_by_role("button", name="展开或收起东区党工委").click()
    expect(tree.get_by_role("link", name="东区幸福社区党支部")).to_be_hidden()
    page.get_by_role("button", name="展开或收起东区党工委").click()
    expect(tree.get_by_role("link", name="东区幸福社区党支部")).to_be_visible()

    page.fill("input[name=q]", "和平")
    results = page.locator("#search-card")
    expect(results).to_contain_text("西区和平村党支部")
    expect(results).to_contain_text("市委组织部 › 西区党工委")
    shot(page, "search")
    results.get_by_role("link", name="西区和平村党支部").click()
    expect(page.locator("h1")).to_have_text("西区和平村党支部")


def test_organisation_page(open_page, town, shot):
    page = open_page()
    log_in(page, "clerk")
    page.goto(f"/orgs/{town['east_branch'].pk}/")
    expect(page.locator("h1")).to_have_text("东区幸福社区党支部")
    expect(page.locator(".breadcrumb")).to_contain_text("市委组织部")
    expect(page.locator("#members tbody tr")).to_have_count(4)
    expect(page.locator("#health [data-code=SECRETARY_VACANT]")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("新建")
    shot(page, "desktop")
    page.get_by_role("button", name="更多操作").click()
    expect(page.get_by_role("link", name="调整上级组织")).to_be_visible()


def test_viewer_sees_masked_personal_data(open_page, town, shot):
    page = open_page()
    log_in(page, "viewer")
    member = town["members"][0]
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("[data-field=id_number]")).to_have_text(mask_id_number(member.id_number))
    expect(page.locator("[data-field=phone]")).to_have_text("138****5678")
    expect(page.locator("#member-actions")).to_have_count(0)
    shot(page, "member")


def test_add_a_member_fixing_a_bad_id_number(open_page, town, shot):
    page = open_page()
    log_in(page, "clerk")
    page.goto(f"/orgs/{town['east_branch'].pk}/")
    page.get_by_role("link", name="登记党员").click()
    page.fill("#id_name", "陈晓明")
    page.select_option("#id_gender", "male")
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.fill("#id_id_number", GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2"))
    page.select_option("#id_status", "probationary")
    page.fill("#id_joined_on", "2024-07-01")
    page.fill("#id_phone", "13900001234")
    page.get_by_role("button", name="保存").click()

    error = page.locator("[data-field=id_number] .invalid-feedback")
    expect(error).to_have_text("公民身份号码校验码错误")
    expect(page.locator("#id_id_number")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_name")).to_have_value("陈晓明")  # the rest is kept
    shot(page, "error")
    assert not Member.objects.filter(name="陈晓明").exists()

    page.fill("#id_id_number", GOOD_ID)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("陈晓明")
    expect(page.locator(".alert-success")).to_have_text("已登记党员")
    expect(page.locator("[data-field=id_number]")).to_have_text(GOOD_ID)
    shot(page, "saved")
    assert Member.objects.get(name="陈晓明").org == town["east_branch"]


def pick(page, field, text, option, shot=None):
    """Type into a picker's search box and choose `option` from the list that comes up."""
    page.fill(f"#id_{field}", text)
    choice = page.locator(f"[data-field={field}] [data-pick-label='{option}']")
    expect(choice).to_be_visible()
    if shot:
        shot(page, f"picker-{field}")
    choice.click()
    expect(page.locator(f"[data-field={field}] input[type=hidden]")).not_to_have_value("")


def test_start_a_term_and_appoint_a_secretary(open_page, town, shot):
    page = open_page()
    log_in(page, "clerk")
    branch = town["east_branch"]
    page.goto(f"/orgs/{branch.pk}/")
    expect(page.locator("#health [data-code=SECRETARY_VACANT]")).to_be_visible()

    page.locator("#committee").get_by_role("link", name="新一届").click()
    page.fill("#id_started_on", "2024-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#committee")).to_contain_text("第1届")
    expect(page.locator("#committee")).to_contain_text("应届满 2029年3月1日")
    assert Term.objects.get(org=branch).number == 1

    page.locator("#committee").get_by_role("link", name="任职").click()
    pick(page, "member", "王", "王建国", shot)
    page.select_option("#id_post", "secretary")
    page.fill("#id_started_on", "2024-03-01")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("#committee [data-post=secretary]")).to_contain_text("王建国")
    expect(page.locator("#health [data-code=SECRETARY_VACANT]")).to_have_count(0)
    shot(page, "appointed")


def test_transfer_a_member(open_page, town, shot):
    page = open_page()
    log_in(page, "clerk")
    member = town["members"][1]
    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="转接组织关系").click()
    pick(page, "to_org", "和平", "西区和平村党支部")
    page.fill("#id_reason", "工作调动")
    shot(page, "form")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_have_text("已转接组织关系")
    expect(page.get_by_text("组织关系所在：西区和平村党支部")).to_be_visible()
    expect(page.locator("#transfers tbody")).to_contain_text("东区幸福社区党支部")
    expect(page.locator("#transfers tbody")).to_contain_text("工作调动")
    shot(page, "done")
    transfer = Transfer.objects.get(member=member)
    assert transfer.to_org == town["west_branch"]


def test_organisation_page_on_a_phone(open_page, town, shot):
    page = open_page(PHONE)
    log_in(page, "clerk")
    page.goto(f"/orgs/{town['east_branch'].pk}/")
    expect(page.locator("h1")).to_have_text("东区幸福社区党支部")
    # The navigation collapses behind the toggler.
    expect(page.locator("#mainnav").get_by_role("link", name="组织树")).to_be_hidden()
    shot(page, "page")
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened
    expect(page.locator("#mainnav").get_by_role("link", name="组织树")).to_be_visible()
    shot(page, "menu")
    # Nothing pushes the page sideways: wide tables scroll inside their own box.
    for path in (
        f"/orgs/{town['east_branch'].pk}/",
        "/members/",
        "/orgs/",
        f"/orgs/{town['east_branch'].pk}/members/new/",
        "/checks/",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    shot(page, "checks")
    page.goto("/members/")
    shot(page, "members")


def test_user_management(open_page, town, make_user, shot):
    make_user("admin1", role="admin", org=town["east"], password=PASSWORD)
    page = open_page()
    log_in(page, "admin1")
    page.click("nav >> text=用户管理")
    page.get_by_role("link", name="新建用户").click()
    page.fill("#id_username", "east_new")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.select_option("#id_role", "clerk")
    pick(page, "org", "幸福", "东区幸福社区党支部")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#roles")).to_contain_text("东区幸福社区党支部")
    shot(page, "created")
    page.get_by_role("button", name="停用账号").click()
    expect(page.locator(".alert-success")).to_have_text("已停用该用户")
