"""A month of a village branch's meetings on the demo, as a new user tries it after
`make run`: the district's clerk opens the district's 达标矩阵 on a phone (it shows a spread
of met and unmet items), picks the village branch that meets fewest items, and enters this
month's committee meeting, members' meeting, party lecture, theme day and collective study
through the quick entry; the branch's standing then counts one more month of theme days and
of collective study, one more lecture by a committee member, and the hours of those
present."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD

from .helpers import PHONE, log_in

pytestmark = pytest.mark.browser

VILLAGE_2020 = "s000-village"  # measures collective study, study hours and lectures
VILLAGE_2021 = "s001-village"  # measures theme days
DISTRICT = "中共青川市江北区委组织部"


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def show_standard(page, code):
    page.select_option("#standard", code)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"[?&]standard={code}"))


def item_of(page, metric):
    """The standing page's item measured by `metric` (found by its evidence link)."""
    return page.locator("[data-item]").filter(has=page.locator(f'a[href*="/evidence/{metric}/"]'))


def value_of(page, metric):
    """The organisation's value of the item, as the page shows it ("1 个月", "35.58 学时")."""
    shown = item_of(page, metric).locator("strong").inner_text()
    return Decimal(re.match(r"[\d,.]+", shown).group().replace(",", ""))


def hours_of(page, name):
    """A member's study hours from the evidence of the hours item (loaded by htmx)."""
    item = item_of(page, "study_hours_per_member")
    item.get_by_role("link", name="依据").click()
    row = item.locator("tr").filter(has=page.get_by_role("cell", name=name, exact=True))
    return Decimal(row.locator("td").last.inner_text())


def matrix_rows(page):
    """[(organisation, met, not met)] of the matrix on the page."""
    rows = []
    for row in page.locator("#matrix tbody tr").all():
        rows.append(
            (
                row.locator("td").first.inner_text(),
                row.locator("td.cell-met").count(),
                row.locator("td.cell-not_met").count(),
            )
        )
    return rows


def enter(page, kind, day, topic, hours="", absent=(), lecturer=None):
    """One meeting on the open quick entry; `absent`: names, each given the first of the
    common reasons."""
    page.get_by_text(kind, exact=True).click()
    page.fill("#id_date", day.isoformat())
    page.fill("#id_topic", topic)
    if hours:
        page.fill("#id_hours", hours)
    if lecturer:
        page.select_option("#id_lecturer", label=lecturer)
    reasons = page.locator("#absence-reasons")
    for name in absent:
        page.locator("label.attendee", has_text=name).click()
        row = reasons.locator("[data-reason-for]").filter(has=page.get_by_label(name))
        row.locator("[data-reason-pick]").first.click()
    page.locator("#save-meeting").click()
    expect(page.locator(".alert-success")).to_contain_text(f"“{topic}”")


def test_a_village_branch_enters_a_month_on_a_phone(open_page, demo, shot):
    today = timezone.localdate()
    page = open_page(PHONE)
    log_in(page, "district_clerk", DEMO_PASSWORD)
    page.get_by_role("link", name=DISTRICT).first.click()
    page.get_by_role("link", name="下级组织达标矩阵").click()

    # The district's matrix opens on a standard that measures: a spread of met and unmet.
    rows = matrix_rows(page)
    assert sum(1 for _, met, _ in rows if met) >= 3
    assert sum(1 for _, _, not_met in rows if not_met) >= 3
    assert len({met for _, met, _ in rows}) >= 3
    shot(page, "district-matrix")

    # The villages against their 2020 standard, most items met first: the last is lagging.
    show_standard(page, VILLAGE_2020)
    page.get_by_role("link", name="按达标项数").click()
    villages = [r for r in matrix_rows(page) if r[0].endswith("村党支部")]
    assert len(villages) >= 3
    assert villages[0][1] > villages[-1][1]
    assert any(not_met for _, _, not_met in villages)
    branch = villages[-1][0]
    shot(page, "village-matrix")
    page.get_by_role("link", name=branch, exact=True).click()

    # Before: read from the branch's standing; its secretary from its page.
    expect(page.locator("h1")).to_contain_text(branch)
    page.locator(".breadcrumb a").first.click()
    secretary = page.locator("#committee tbody tr").filter(has_text="书记").first
    secretary = secretary.locator("td").nth(1).inner_text()
    page.go_back()
    before = {
        metric: value_of(page, metric)
        for metric in (
            "collective_study_months",
            "committee_member_lectures",
            "study_hours_per_member",
        )
    }
    secretary_before = hours_of(page, secretary)
    assert fits(page)
    shot(page, "standing-before")
    show_standard(page, VILLAGE_2021)
    before["theme_day_months"] = value_of(page, "theme_day_months")

    # Nothing of this month yet: each meeting entered adds a month.
    page.locator("#life-links").get_by_role("link", name="组织生活").click()
    counts = page.locator("#type-counts")
    for kind in ("theme_day", "study", "committee_meeting"):
        expect(counts.locator(f"tr[data-type={kind}] td").nth(1)).to_have_text("—")

    def day(back):
        return max(today.replace(day=1), today - datetime.timedelta(days=back))

    # A committee meeting lists the committee only, everyone ticked.
    page.locator("#new-meeting").click()
    page.get_by_text("支委会", exact=True).click()
    committee = page.locator("label.attendee:visible").all_inner_texts()
    assert secretary in committee and 1 < len(committee) < 10
    expect(page.locator("#committee-only")).to_be_visible()
    expect(page.locator("#attendance-counts")).to_have_text(f"出席 {len(committee)} 人")
    assert fits(page)
    shot(page, "entry-committee")
    enter(page, "支委会", day(8), "研究本月组织生活安排")
    expect(page.locator(".alert-success")).not_to_contain_text("缺席")

    # Members' meeting: everybody is listed; two members away. The entry remembers the
    # committee meeting just recorded (committee only) until another type is chosen.
    page.locator("#new-meeting").click()
    expect(page.locator("#type-committee_meeting")).to_be_checked()
    page.get_by_text("党员大会", exact=True).click()
    # A label's first line is the name (a second, the birth year, tells namesakes apart).
    everyone = [text.split("\n")[0] for text in page.locator("label.attendee").all_inner_texts()]
    assert len(everyone) > len(committee)
    committee_names = {text.split("\n")[0] for text in committee}
    # Names no other label contains, so that each picks one member.
    unique = [n for n in everyone if sum(n in other for other in everyone) == 1]
    away = [name for name in unique if name not in committee_names][-2:]
    enter(page, "党员大会", day(6), "传达学习上级会议精神", "1", absent=away)
    expect(page.locator(".alert-success")).to_contain_text("缺席2人")
    for kind, back, topic, hours, lecturer in (
        ("党课", 4, "学习贯彻党的二十大精神", "1.5", secretary),
        ("主题党日", 2, "重温入党誓词", "2", None),
        ("集中学习", 0, "学习党章", "2", None),
    ):
        page.locator("#new-meeting").click()
        enter(page, kind, day(back), topic, hours, away[:1], lecturer)
    for kind in ("theme_day", "study", "committee_meeting", "general_meeting", "party_lecture"):
        expect(counts.locator(f"tr[data-type={kind}] td").nth(1)).to_have_text("1")
    assert fits(page)
    shot(page, "calendar-after")

    # After: the calendar links to the standing of its year.
    page.locator("#standing-link").click()
    expect(page.locator("#warnings")).to_contain_text("本月已召开支委会")
    show_standard(page, VILLAGE_2021)
    assert value_of(page, "theme_day_months") == before["theme_day_months"] + 1
    show_standard(page, VILLAGE_2020)
    assert value_of(page, "collective_study_months") == before["collective_study_months"] + 1
    lectures = value_of(page, "committee_member_lectures")
    assert lectures == before["committee_member_lectures"] + 1
    assert value_of(page, "study_hours_per_member") > before["study_hours_per_member"]
    # The secretary was at every meeting crediting hours: 1 + 1.5 + 2 + 2.
    assert hours_of(page, secretary) == secretary_before + Decimal("6.5")
    assert fits(page)
    shot(page, "standing-after")
