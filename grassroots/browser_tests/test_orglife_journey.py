"""Browser journey: a village branch's clerk enters a meeting on a phone (390×844) — type,
topic, hours, everybody ticked, one member unticked with a reason — in one screen and one
tap; the month calendar shows it. The same pages are looked at on a 1366×768 desktop."""

import pytest
from playwright.sync_api import expect

from grassroots.core.choices import Role
from grassroots.orglife.models import Meeting

from .helpers import DESKTOP, PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NAMES = ("马有福", "韩秀兰", "李建军", "马玉梅", "冶成林", "张桂英", "祁德明", "鲁永红")


@pytest.fixture
def village(city, make_member, make_user):
    """The city's village branch with eight members, and a clerk of its district."""
    branch = city["west_branch"]
    members = [make_member(branch, name=name) for name in NAMES]
    make_user("village_clerk", role=Role.CLERK, org=city["west"], password=PASSWORD)
    return {"branch": branch, "members": members}


def test_enter_a_meeting_with_an_absentee_on_a_phone(open_page, village, shot):
    branch = village["branch"]
    page = open_page(PHONE)
    log_in(page, "village_clerk")
    page.goto(f"/orgs/{branch.pk}/")
    page.locator("#life").get_by_role("link", name="登记会议").click()
    expect(page.locator("h1")).to_have_text("登记会议")

    # Everyone starts ticked; the save button stays on screen while the list scrolls.
    expect(page.locator("input[name=present]:checked")).to_have_count(len(NAMES))
    expect(page.locator("#attendance-counts")).to_have_text("出席 8 人")
    expect(page.locator("#save-meeting")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-empty")

    page.get_by_text("主题党日", exact=True).click()
    page.fill("#id_topic", "重温入党誓词")
    page.fill("#id_hours", "2")
    page.locator("label.attendee", has_text="韩秀兰").click()
    reason = page.locator("#absence-reasons")
    expect(reason).to_be_visible()
    expect(page.locator("#attendance-counts")).to_have_text("出席 7 人，缺席 1 人")
    reason.get_by_role("button", name="外出务工").click()
    expect(reason.get_by_label("韩秀兰")).to_have_value("外出务工")
    shot(page, "phone-filled")

    page.locator("#save-meeting").click()
    expect(page.locator(".alert-success")).to_contain_text("出席7人，缺席1人")
    expect(page.locator("#month-meetings")).to_contain_text("重温入党誓词")
    expect(page.locator("#type-counts tr[data-type=theme_day]")).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-calendar")

    meeting = Meeting.objects.get()
    assert (meeting.type, meeting.topic, meeting.hours) == ("theme_day", "重温入党誓词", 2)
    absent = meeting.attendances.get(present=False)
    assert (absent.member.name, absent.absence_reason) == ("韩秀兰", "外出务工")
    assert meeting.attendances.filter(present=True).count() == 7

    # The meeting's page on the phone.
    page.locator("#month-meetings").get_by_role("link", name="重温入党誓词").click()
    expect(page.locator("#absent-table")).to_contain_text("外出务工")
    shot(page, "phone-meeting")


def test_an_absentee_without_a_reason_is_asked_for_one(open_page, village, shot):
    page = open_page(PHONE)
    log_in(page, "village_clerk")
    page.goto(f"/orgs/{village['branch'].pk}/life/new/")
    page.get_by_text("支委会", exact=True).click()
    page.fill("#id_topic", "研究发展党员")
    page.locator("label.attendee", has_text="李建军").click()
    page.locator("#save-meeting").click()
    expect(page.locator("#entry-errors")).to_contain_text("请填写每位缺席党员的缺席原因")
    # The ticks survive; the missing reason is marked.
    expect(page.locator("input[name=present]:checked")).to_have_count(len(NAMES) - 1)
    expect(page.locator("#absence-reasons").get_by_label("李建军")).to_have_class(
        "form-control form-control-sm is-invalid"
    )
    shot(page, "phone-missing-reason")
    assert not Meeting.objects.exists()


def test_the_same_pages_on_a_desktop(open_page, village, shot):
    page = open_page(DESKTOP)
    log_in(page, "village_clerk")
    page.goto(f"/orgs/{village['branch'].pk}/life/new/")
    page.get_by_text("集中学习", exact=True).click()
    page.fill("#id_topic", "学习党章")
    page.fill("#id_hours", "1.5")
    page.locator("label.attendee", has_text="马玉梅").click()
    page.locator("#absence-reasons").get_by_label("马玉梅").fill("因病请假")
    shot(page, "desktop-filled")
    page.locator("#save-meeting").click()
    expect(page.locator(".alert-success")).to_be_visible()
    shot(page, "desktop-calendar")
    page.goto("/life/")
    expect(page.locator("#meetings")).to_contain_text("学习党章")
    shot(page, "desktop-overview")
