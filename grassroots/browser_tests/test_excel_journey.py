"""Browser journey: an Excel import with a bad row changes nothing and names the row; the
corrected file imports every row."""

import pytest
from playwright.sync_api import expect

from grassroots.orgs.models import Member
from grassroots.orgs.tests.workbooks import member_file, member_row

from .helpers import log_in

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
