"""A demonstration application in the browser (seed 000 附件2): a branch clerk applies on a
phone with a 1,000-character reason and a photo as evidence; the street committee, the
district (which then ranks and forwards within its quota) and the city's organisation
department give their opinions; the 申报表 downloads with the three opinions signed; an
inspector records the inspection on a phone."""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from grassroots.assessments.tests.helpers import PNG
from grassroots.campaigns.tests.conftest import scene  # noqa: F401 - the campaigns' scene

from .helpers import PASSWORD, PHONE, log_in, no_sideways_scroll, record_inspection

pytestmark = pytest.mark.browser

REASON = ("坚持“三会一课”，组织体系健全，服务群众成效明显。" * 40)[:1000]
NAMES = {
    "branch_clerk": "赵支部",
    "street_reviewer": "张街道",
    "east_reviewer": "李区委",
    "organiser_reviewer": "王市委",
    "inspector": "刘考察",
}


@pytest.fixture
def people(scene):  # noqa: F811
    for username, name in NAMES.items():
        user = scene[username]
        user.first_name = name
        user.set_password(PASSWORD)
        user.save()
    return scene


def sign(page, username, application_id, text, shot, step):
    log_in(page, username)
    page.goto("/applications/review/")
    expect(page.locator(f"[data-application='{application_id}']")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"{step}-queue")
    page.locator(f"[data-application='{application_id}'] a").click()
    page.fill("#id_text", text)
    shot(page, step)
    page.click("#opinion-button")
    expect(page.locator(".alert-success")).to_have_text("已填写同意意见")


def test_an_application_up_the_chain_and_an_inspection(open_page, people, shot, tmp_path):
    photo = tmp_path / "阵地照片.png"
    photo.write_bytes(PNG)

    clerk = open_page(PHONE)
    log_in(clerk, "branch_clerk")
    clerk.goto(f"/campaigns/{people['campaign'].pk}/apply/")
    expect(clerk.locator("#id_org")).to_have_value(str(people["community"].pk))
    expect(clerk.locator("[data-prefill]")).to_contain_text("中共幸福街道工作委员会")
    clerk.fill("#id_reason", REASON)
    expect(clerk.locator("#id_reason-counter")).to_have_text("1000/1000")
    no_sideways_scroll(clerk)
    shot(clerk, "apply-phone")
    clerk.click("#apply-button")
    expect(clerk.locator("h1")).to_have_text("幸福社区党支部")
    application_id = int(re.search(r"/applications/(\d+)/", clerk.url).group(1))
    clerk.set_input_files("#id_file", str(photo))
    clerk.click("#upload-button")
    expect(clerk.locator("#files [data-file]")).to_have_text(re.compile("阵地照片.png"))
    no_sideways_scroll(clerk)
    shot(clerk, "draft-phone")
    clerk.click("#submit-button")
    expect(clerk.locator("#application-state [data-state]")).to_have_text("审核中")
    expect(clerk.locator("[data-next-step]")).to_contain_text("等待中共幸福街道工作委员会")
    expect(clerk.locator("#reason")).to_contain_text(REASON[:20])
    shot(clerk, "submitted-phone")

    street = open_page(PHONE)
    sign(street, "street_reviewer", application_id, "情况属实，同意推荐。", shot, "street")
    no_sideways_scroll(street)

    district = open_page()
    sign(district, "east_reviewer", application_id, "同意上报。", shot, "district")
    expect(district.locator("#application-state [data-state]")).to_contain_text("待排序上报")
    district.goto("/applications/review/")
    district.click(f"[data-rank-link='{people['east'].pk}']")
    expect(district.locator("#quotas [data-level='demo']")).to_contain_text("名额 4")
    district.fill(f"#rank-{application_id}", "1")
    shot(district, "rank")
    district.click("#forward-button")
    expect(district.locator(".alert-success")).to_have_text("已排序上报1个申报")

    city = open_page()
    sign(city, "organiser_reviewer", application_id, "同意命名。", shot, "organiser")
    expect(city.locator("#application-state [data-state]")).to_have_text("拟命名对象")
    expect(city.locator("#chain [data-opinion]")).to_have_count(3)
    shot(city, "approved")
    with city.expect_download() as download:
        city.click("#document-docx")
    table = Document(io.BytesIO(download.value.path().read_bytes())).tables[0]
    texts = [row.cells[-1].text for row in table.rows]
    assert texts[2] == REASON
    assert "签\u3000\u3000字：张街道" in texts[4] and "情况属实，同意推荐。" in texts[4]
    assert "签\u3000\u3000字：李区委" in texts[5]
    assert "签\u3000\u3000字：王市委" in texts[6] and "同意命名。" in texts[6]
    assert table.rows[6].cells[0].text == "市委组织部意见"

    district.goto(f"/inspections/new/?application={application_id}")
    district.get_by_label("刘考察").check()
    district.click("#assign-button")
    expect(district.locator(".alert-success")).to_have_text("已安排考察1个党组织")

    inspector = open_page(PHONE)
    log_in(inspector, "inspector")
    inspector.goto("/inspections/")
    inspector.locator("#inspection-list a").first.click()
    record_inspection(inspector, 92)
    expect(inspector.locator(".alert-success")).to_have_text("已录入考察情况")
    expect(inspector.locator("#score")).to_have_text("92.00")
    expect(inspector.locator("[data-finding]")).to_have_count(3)
    shot(inspector, "inspected-phone")
