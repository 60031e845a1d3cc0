"""Browser journey: the city administrator opens the working-day calendar, imports the
State Council's arrangement for 2027, and the API then counts working days in 2027."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from grassroots.core.choices import Role
from grassroots.workdays.package import load_holidays

from .helpers import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR_2027 = [
    ("日期", "类型", "名称"),
    ("2027-10-01", "休", "国庆节"),
    ("2027-10-04", "休", "国庆节"),
    ("2027-10-05", "休", "国庆节"),
    ("2027-10-06", "休", "国庆节"),
    ("2027-10-07", "休", "国庆节"),
    ("2027-09-26", "班", "国庆节"),
    ("2027-10-09", "班", "国庆节"),
]


def test_the_administrator_imports_2027_and_the_api_counts_in_it(
    open_page, city, make_user, shot, tmp_path
):
    load_holidays()
    make_user("city_admin", role=Role.ADMIN, org=city["root"], password=PASSWORD)
    book = Workbook()
    for row in YEAR_2027:
        book.active.append(row)
    path = tmp_path / "2027.xlsx"
    book.save(path)

    page = open_page()
    log_in(page, "city_admin")
    answer = page.request.get("/api/v1/calendar/working-days/?start=2027-09-30&days=5")
    assert answer.status == 409 and answer.json()["year"] == 2027

    page.get_by_role("link", name="工作日历").first.click()
    expect(page.locator("h1")).to_contain_text("工作日历")
    page.get_by_role("link", name="Excel 导入").click()
    page.locator("#import-calendar input[type=file]").set_input_files(path)
    page.get_by_role("button", name="上传并导入").click()

    expect(page.locator(".alert-success")).to_contain_text("2027年录入7个日期")
    expect(page.locator("h1")).to_contain_text("2027年")
    expect(page.locator("#calendar-days tbody tr")).to_have_count(7)
    expect(page.locator("#year-status")).to_contain_text("已录入完整")
    shot(page, "imported")

    answer = page.request.get("/api/v1/calendar/working-days/?start=2027-09-30&days=5")
    assert answer.status == 200
    # Oct 1–7 off except the ordinary weekend; Oct 8 (Fri) 1, Oct 9 (Sat, 班) 2, 11, 12, 13.
    assert answer.json() == {"start": "2027-09-30", "days": 5, "end": "2027-10-13"}
