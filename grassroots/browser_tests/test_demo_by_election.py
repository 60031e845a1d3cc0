"""A by-election on the demo, as a new user tries it after `make run`: the district's clerk
sees the secretary's vacancy on her home page and answers it; the district's reviewer
approves; on election day the clerk counts on a tablet, the committee meets, the result goes
up and is approved; the branch's page shows its new secretary and every document opens."""

import re

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD

from .helpers import log_in

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}


def test_a_by_election_on_the_demo(open_page, demo, shot):
    today = timezone.localdate()
    clerk = open_page()
    clerk.on("dialog", lambda dialog: dialog.accept())
    log_in(clerk, "district_clerk", DEMO_PASSWORD)
    vacancy = clerk.locator('[data-reminders="vacant"] li').filter(has_text="书记空缺")
    expect(vacancy).to_have_count(1)
    branch = vacancy.get_by_role("link").first.inner_text()
    shot(clerk, "home-vacancy")
    vacancy.get_by_role("link", name="发起补选").click()

    # The form starts from what the registry knows of the vacancy.
    expect(clerk.locator("h1")).to_have_text(f"{branch}补选请示")
    expect(clerk.locator("#id_seats")).to_have_value("1")
    # Who left which post and when come from the registry; the clerk only says why.
    vacancy_row = clerk.locator("#vacancies [data-vacancy]")
    expect(vacancy_row).to_have_count(1)
    expect(vacancy_row).to_contain_text(re.compile(r"原书记.+离任"))
    expect(clerk.locator("#live-checks")).to_contain_text("离任的原因")
    vacancy_row.locator("select").select_option(label="工作变动")
    expect(clerk.locator("#template-names")).to_contain_text("委员补选的请示（模板7）")
    clerk.fill("#id_doc_number", "北门党〔2026〕5号")
    clerk.fill("#id_meeting_planned_on", today.isoformat())
    clerk.get_by_role("button", name="添加候选人").click()
    row = clerk.locator("#candidate-rows [data-row]").last
    row.locator("[data-picker-text]").click()
    first = row.locator("[data-pick-value]").first
    candidate = first.get_attribute("data-pick-label")
    first.click()
    row.locator("select").select_option(label="书记")
    expect(clerk.locator("#live-checks")).to_contain_text("检查通过")
    shot(clerk, "request")
    clerk.click("#submit-button")
    expect(clerk.locator("[data-state]").first).to_have_text("请示待批复")
    workflow_url = clerk.url

    reviewer = open_page()
    log_in(reviewer, "district_reviewer", DEMO_PASSWORD)
    reviewer.goto(reverse("elections-queue"))
    path = re.sub(r"^https?://[^/]+", "", workflow_url)
    reviewer.locator(f'a[href="{path}"]').first.click()
    reviewer.fill("#id_comment", "同意补选")
    reviewer.click('button[data-action="approve"]')
    expect(reviewer.locator("[data-state]").first).to_have_text("已批复，待召开党员大会")

    # Election day, on a tablet.
    clerk.set_viewport_size(TABLET)
    clerk.goto(workflow_url)
    clerk.get_by_role("link", name="登记党员大会计票").click()
    expected = int(clerk.locator("#expected-figures").get_attribute("data-expected-voters"))
    present = expected - 2
    clerk.fill("#id_present_members", str(present))
    clerk.fill("#id_present_voters", str(present))
    clerk.fill("#id_ballots_issued", str(present))
    clerk.fill("#id_ballots_returned", str(present))
    clerk.fill("#id_invalid_ballots", "0")
    clerk.get_by_role("spinbutton", name=candidate, exact=True).fill(str(present - 1))
    # Seed 004: scrutineers and tellers, never a candidate.
    names = clerk.locator("#id_scrutineers option").all_inner_texts()
    others = [name for name in names if name != candidate]
    clerk.select_option("#id_scrutineers", label=others[:2])
    clerk.select_option("#id_tellers", label=others[2:3])
    tally = clerk.locator("#tally")
    expect(tally).to_contain_text("超过五分之四，会议有效")
    expect(tally.locator('tr[data-outcome="elected"]')).to_have_count(1)
    shot(clerk, "count-tablet")
    clerk.get_by_role("button", name="确认本轮结果").click()
    expect(clerk.locator(".alert-success").first).to_contain_text("选举结束")

    clerk.get_by_role("link", name="登记委员会第一次全体会议").click()
    expect(clerk.locator("#id_committee_expected")).to_have_value("3")
    clerk.fill("#id_committee_present", "3")
    clerk.fill("#id_secretary_votes", "3")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.locator(".alert-success")).to_contain_text("委员会第一次全体会议已登记")
    clerk.goto(workflow_url)
    clerk.fill("#id_result_doc_number", "北门党〔2026〕6号")
    clerk.click('button[data-action="submit_result"]')
    expect(clerk.locator("[data-state]").first).to_have_text("结果报告待批准")

    reviewer.goto(workflow_url)
    reviewer.fill("#id_comment", f"同意{candidate}任书记")
    reviewer.click('button[data-action="approve_result"]')
    expect(reviewer.locator("[data-state]").first).to_have_text("已批准生效")
    shot(reviewer, "completed")

    # The result report opens with the count in it; each document named by its template,
    # as Word and (LibreOffice installed) PDF.
    documents = reviewer.locator("#documents")
    expect(documents.locator('[data-document-row="result"]')).to_contain_text(
        "委员补选结果的请示（模板9）"
    )
    expect(documents.locator('[data-document-pdf="request"]')).to_have_count(1)
    shot(reviewer, "documents")
    with reviewer.expect_download() as download:
        documents.locator('[data-document="result"]').click()
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert f"{candidate}同志得票{present - 1}票" in text and "北门党〔2026〕6号" in text
    # The request's reason is built from the vacancy: nothing to fix in Word.
    with reviewer.expect_download() as download:
        documents.locator('[data-document="request"]').click()
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert re.search(r"因1位党支部委员工作变动（原书记.+于.+因工作变动离任），不能继续", text)
    with reviewer.expect_download() as download:
        documents.locator('[data-document="agenda"]').click()
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert f"监票人：{others[0]}、{others[1]}" in text and f"计票人：{others[2]}" in text

    # The branch's committee now has its secretary; the vacancy is gone.
    reviewer.locator(".breadcrumb a").last.click()
    secretary = reviewer.locator("#committee tbody tr").first
    expect(secretary).to_contain_text("书记")
    expect(secretary).to_contain_text(candidate)
    clerk.set_viewport_size({"width": 1366, "height": 768})
    clerk.goto("/")
    expect(clerk.locator('[data-reminders="vacant"]')).not_to_contain_text("书记空缺")
