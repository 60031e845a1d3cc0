"""One tap to the work, on the demo, as a village branch's secretary tries it on a 375×812
phone: the home page is the branch's summary (登记会议, 本月待办, its standing); one tap opens
the quick entry with the branch's own members ticked (no one from elsewhere), a theme day is
saved and 本月待办 counts it; the entry then remembers the type; the branch's 年度数据 form asks
only what the village standards measure and fits on one screen."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.orglife.models import eligible_members
from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD

from .helpers import PHONE, log_in

pytestmark = pytest.mark.browser


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def theme_days(page):
    """How many theme days 本月待办 counts this month (0 when it says 未开)."""
    row = page.locator("#month-todo [data-type=theme_day]")
    if row.get_attribute("data-done") == "no":
        return 0
    return int(re.search(r"已开(\d+)次", row.inner_text()).group(1))


def test_a_village_secretary_records_a_meeting_in_one_tap(open_page, demo, shot):
    user = get_user_model().objects.get(username="village_secretary")
    branch = user.role_assignments.get().org
    own = list(eligible_members(branch, timezone.localdate()).values_list("name", flat=True))
    page = open_page(PHONE)
    log_in(page, "village_secretary", DEMO_PASSWORD)

    # Home is the branch: its name, the button, the month's meetings due, its standing.
    expect(page.locator("#own-org-name")).to_have_text(branch.name)
    expect(page.locator("#user-name")).to_have_text(user.first_name)
    expect(page.locator("#user-name")).to_have_attribute("title", "登录名：village_secretary")
    expect(page.locator("#own-standing")).to_contain_text("已达标")
    expect(page.locator("#month-todo [data-type=theme_day]")).to_be_visible()
    before = theme_days(page)
    assert page.locator("#record-meeting").bounding_box()["y"] < PHONE["height"]
    assert fits(page)
    shot(page, "home")

    # One tap: the quick entry, the branch's own members ticked, nobody from elsewhere.
    page.locator("#record-meeting").click()
    expect(page.locator("h1")).to_have_text("登记会议")
    page.get_by_text("主题党日", exact=True).click()
    names = [t.split("\n")[0] for t in page.locator("label.attendee").all_inner_texts()]
    assert sorted(names) == sorted(own) and len(names) < 100
    expect(page.locator("input[name=present]:checked")).to_have_count(len(own))
    # The types a branch does not hold are not offered.
    expect(page.get_by_text("小组会", exact=True)).to_have_count(0)
    # A tapped name stays a button (it stays hovered on a phone): marked absent, then back.
    name = page.locator("label.attendee").first
    for _ in range(2):
        name.click()
        colours = name.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colours != "rgba(0, 0, 0, 0)"
    page.fill("#id_topic", "重温入党誓词")
    page.fill("#id_hours", "1")
    assert fits(page)
    shot(page, "entry")
    page.locator("#save-meeting").click()
    expect(page.locator(".alert-success")).to_contain_text(f"出席{len(own)}人")

    # Home again: 本月待办 counts it.
    page.locator(".navbar-brand").click()
    expect(page.locator("#month-todo [data-type=theme_day]")).to_have_attribute("data-done", "yes")
    assert theme_days(page) == before + 1
    shot(page, "home-after")

    # The quick entry remembers the type last recorded.
    page.locator("#record-meeting").click()
    expect(page.locator("#type-theme_day")).to_be_checked()

    # The yearly facts: only the village standards' facts, on one screen.
    page.goto(f"/orgs/{branch.pk}/life/facts/")
    form = page.locator("#facts")
    expect(form).not_to_contain_text("社会组织评估等级")
    expect(form).not_to_contain_text("社区生活性服务新场景")
    expect(form.locator("[data-fact=collective_income]")).to_be_visible()
    box = form.bounding_box()
    assert box["height"] <= PHONE["height"], box
    assert page.locator("#save-facts").bounding_box()["y"] < box["y"] + PHONE["height"]
    assert fits(page)
    shot(page, "facts")
