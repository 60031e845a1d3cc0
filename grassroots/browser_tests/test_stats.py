"""The statistics tried on the demo as `make run` loads it: the city's administrator opens the
city's page and sees coverage, member structure and terms due as charts with their numbers,
follows a number to the list behind it and finds the 应建未建 unit; the same on a phone."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD
from grassroots.stats.demo import SHOULD_FORM_UNIT

from .helpers import PHONE, log_in, no_sideways_scroll

pytestmark = pytest.mark.browser


def charts_drawn(page):
    for key in ("units", "member_age", "member_gender", "terms"):
        expect(page.locator(f"#chart-{key} canvas")).to_have_count(1)


def test_city_statistics_drill_down(demo, open_page, shot):
    page = open_page()
    log_in(page, "city_admin", DEMO_PASSWORD)
    page.goto("/stats/")
    expect(page.locator("h1")).to_contain_text("青川市")
    charts_drawn(page)
    units = page.locator("#table-units")
    expect(units).to_contain_text("组织覆盖率")
    expect(page.locator("#table-terms")).to_contain_text("任期已届满未换届")
    shot(page, "city-1366")

    # A number leads to the members behind it: the age band's list counts as many.
    row = page.locator("#table-member_age tr[data-code='<=30']")
    shown = int(row.locator("td").nth(1).inner_text())
    row.locator("td").nth(1).locator("a").click()
    expect(page.locator("h1")).to_have_text("党员")
    expect(page.locator("#id_born_from")).not_to_have_value("")
    if shown:
        expect(page.locator("table tbody tr").first).not_to_contain_text("没有党员")

    # The 应建未建 unit from its number.
    page.go_back()
    page.locator("#table-units tr[data-code='should_form'] a").first.click()
    expect(page.locator("#unit-rows")).to_contain_text(SHOULD_FORM_UNIT)
    page.get_by_role("link", name=SHOULD_FORM_UNIT).click()
    expect(page.locator("#unit-coverage")).to_contain_text("应建未建")
    expect(page.locator("#workers li")).to_have_count(3)

    # The yearly report: one sheet per table.
    page.goto("/stats/")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出年度统计表（Excel）").click()
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    assert book.sheetnames[0] == "概况"
    assert "单位覆盖（两个覆盖）" in book.sheetnames
    assert len(book.sheetnames) > 10


def test_statistics_on_a_phone(demo, open_page, shot):
    page = open_page(PHONE)
    log_in(page, "city_admin", DEMO_PASSWORD)
    page.goto("/stats/")
    charts_drawn(page)
    no_sideways_scroll(page)
    shot(page, "city-375")
    page.goto(
        page.locator("#table-units tr[data-code='should_form'] a").first.get_attribute("href")
    )
    no_sideways_scroll(page)
    shot(page, "units-375")
    page.goto("/stats/print/")
    no_sideways_scroll(page)
    shot(page, "print-375")
