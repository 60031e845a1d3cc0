"""Browser journey: an Excel import with a bad row changes nothing and names the row; the
corrected file imports every row."""

import pytest
from playwright.sync_api import expect

from grassroots.orgs.models import Member
from grassroots.orgs.tests.workbooks import member_file, member_row

from .helpers import PHONE, log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(member_file(rows).read())
    return path


def test_import_with_a_bad_row_then_the_corrected_file(open_page, town, shot, tmp_path):
    branch = town["east_branch"]
    rows = [member_row(branch, n) for n in (11, 12, 13)]
    bad_rows = [dict(row) for row in rows]
    bad_rows[1]["公民身份号码"] = bad_rows[1]["公民身份号码"][:-1] + (
        "0" if bad_rows[1]["公民身份号码"][-1] != "0" else "1"
    )
    before = Member.objects.count()

    page = open_page()
    log_in(page, "clerk")
    page.get_by_role("link", name="导入导出").first.click()
    members_card = page.locator("#import-members")
    members_card.locator("input[type=file]").set_input_files(write(tmp_path, "bad.xlsx", bad_rows))
    members_card.get_by_role("button", name="上传并导入").click()

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("没有导入任何数据")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first).to_contain_text("第3行")
    expect(errors.locator("tbody tr").first).to_contain_text("公民身份号码校验码错误")
    shot(page, "errors")
    assert Member.objects.count() == before

    members_card = page.locator("#import-members")
    members_card.locator("input[type=file]").set_input_files(write(tmp_path, "good.xlsx", rows))
    members_card.get_by_role("button", name="上传并导入").click()
    expect(page.locator(".alert-success")).to_contain_text("3")
    shot(page, "imported")
    assert Member.objects.count() == before + 3


def test_a_large_import_on_a_phone_shows_the_job(open_page, town, shot, tmp_path, settings):
    """More than JOB_ROWS rows: the job's page with its bar, then the problems to download;
    the corrected file imports every row."""
    settings.JOB_ROWS = 2
    branch = town["east_branch"]
    rows = [member_row(branch, n) for n in (21, 22, 23)]
    bad_rows = [dict(row) for row in rows]
    bad_rows[2]["姓名"] = ""
    before = Member.objects.count()
    page = open_page(PHONE)
    log_in(page, "clerk")
    page.goto("/excel/")
    members_card = page.locator("#import-members")
    expect(members_card).to_contain_text("超过2行的文件转入后台导入")
    members_card.locator("input[type=file]").set_input_files(write(tmp_path, "bad.xlsx", bad_rows))
    members_card.get_by_role("button", name="上传并导入").click()
    expect(page.locator("h1")).to_have_text("导入党员（bad.xlsx）")
    expect(page.locator("#job-state")).to_have_text("未完成")
    expect(page.locator("#job-message")).to_contain_text("文件中发现1处问题，没有导入任何数据")
    expect(page.locator("#job-download")).to_contain_text("下载问题清单")
    no_sideways_scroll(page)
    shot(page, "large-import-refused-375")
    assert Member.objects.count() == before

    page.goto("/excel/")
    members_card = page.locator("#import-members")
    members_card.locator("input[type=file]").set_input_files(write(tmp_path, "good.xlsx", rows))
    members_card.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#job-message")).to_have_text("导入成功：新建党员3名")
    no_sideways_scroll(page)
    shot(page, "large-import-done-375")
    assert Member.objects.count() == before + 3
