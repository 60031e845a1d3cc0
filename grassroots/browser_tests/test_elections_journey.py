"""A renewal (换届) request in the browser: the district clerk drafts it and meets the surplus
rule as she types, submits; the district reviewer returns it with a comment; the clerk
corrects and resubmits; the reviewer approves; the timeline shows every step."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, PostKind
from grassroots.orgs.models import Post, Term

from .helpers import PASSWORD, PHONE, log_in

pytestmark = pytest.mark.browser

NAMES = ["王建国", "李秀英", "张卫东", "刘红梅", "陈志强", "杨丽华", "赵明", "黄海", "周平", "吴刚"]
SURPLUS = "应选7名，差额不低于20%，候选人应不少于9名，现有8名"


@pytest.fixture
def district(city, make_org, make_member, make_user):
    """A branch of ten full members in the east district whose term ends in a month, the
    district's clerk and reviewer."""
    branch = make_org("东区税务局党支部", city["east"], category=Category.ORGAN)
    members = [make_member(branch, name=name) for name in NAMES]
    today = timezone.localdate()
    term = Term.objects.create(
        org=branch,
        number=3,
        started_on=today - datetime.timedelta(days=3 * 365 - 30),
        planned_end_on=today + datetime.timedelta(days=30),
    )
    Post.objects.create(
        term=term, member=members[0], post=PostKind.SECRETARY, started_on=term.started_on
    )
    make_user("district_clerk", role=Role.CLERK, org=city["east"], password=PASSWORD)
    make_user("district_reviewer", role=Role.REVIEWER, org=city["east"], password=PASSWORD)
    return {**city, "branch": branch}


def pick(page, name):
    """Add a candidate row and choose `name` in its picker."""
    page.get_by_role("button", name="添加候选人").click()
    row = page.locator("#candidate-rows [data-row]").last
    row.locator("[data-picker-text]").fill(name)
    # Wait for the answer to what was typed (the list shown on focus has everyone).
    expect(row.locator("[data-pick-value]")).to_have_count(1)
    row.locator(f'[data-pick-label="{name}"]').click()
    expect(row.locator("[data-picker-value]")).not_to_have_value("")
    return row


def timeline(page):
    return page.locator("#timeline li strong").all_inner_texts()


def test_renewal_request_returned_corrected_and_approved(open_page, district, shot):
    branch = district["branch"]
    clerk = open_page()
    log_in(clerk, "district_clerk")
    # The home page reminds the clerk of the term ending within 90 days.
    reminders = clerk.locator('[data-reminders="expiring"]')
    # The reminders load after the page (htmx): allow for a busy CI machine.
    expect(reminders).to_contain_text("东区税务局党支部", timeout=15_000)
    shot(clerk, "home-reminders")

    clerk.goto(f"/orgs/{branch.pk}/")
    clerk.click("#lifecycle-link")
    clerk.get_by_role("link", name="发起换届选举").click()
    expect(clerk.locator("h1")).to_contain_text("东区税务局党支部换届选举请示")
    clerk.fill("#id_doc_number", "税党〔2026〕3号")
    clerk.fill("#id_meeting_planned_on", "2026-09-01")
    clerk.fill("#id_seats", "7")
    for i, name in enumerate(NAMES[:8]):
        row = pick(clerk, name)
        if i < 2:
            post = PostKind.SECRETARY if i == 0 else PostKind.DEPUTY_SECRETARY
            row.locator("select").select_option(post)

    # 7 seats, 8 candidates: the surplus rule, next to the candidates and in the summary;
    # submitting is blocked. A committee of 7 is only a warning.
    checks = clerk.locator("#live-checks")
    expect(checks).to_contain_text(SURPLUS)
    expect(checks).to_contain_text("支部委员会一般由3至5人组成，现为7人")
    expect(clerk.locator('[data-field="candidates"] .field-problem')).to_contain_text(SURPLUS)
    expect(clerk.locator("#submit-button")).to_be_disabled()
    shot(clerk, "surplus-too-low")

    pick(clerk, NAMES[8])
    expect(checks).not_to_contain_text(SURPLUS)
    expect(checks).to_contain_text("没有阻止提交的问题")
    expect(clerk.locator("#submit-button")).to_be_enabled()
    clerk.set_viewport_size(PHONE)
    shot(clerk, "request-form-phone")
    clerk.set_viewport_size({"width": 1366, "height": 768})
    clerk.click("#submit-button")
    expect(clerk.locator(".alert-success")).to_contain_text("已保存并提交")
    expect(clerk.locator("[data-state]").first).to_have_text("请示待批复")
    workflow_url = clerk.url
    expect(clerk.locator("#candidates tbody tr")).to_have_count(9)

    reviewer = open_page()
    log_in(reviewer, "district_reviewer")
    expect(reviewer.locator("#queue-alert")).to_contain_text("1")
    reviewer.get_by_role("link", name="去审批").click()
    expect(reviewer.locator("h1")).to_have_text("待我审批")
    reviewer.get_by_role("link", name="换届选举").click()
    expect(reviewer).to_have_url(workflow_url)
    # A return without a comment is refused, and says why.
    reviewer.click('button[data-action="return"]')
    expect(reviewer.locator("#actions")).to_contain_text("请填写退回意见")
    reviewer.fill("#id_comment", "请将拟召开党员大会日期改在任期届满前")
    reviewer.click('button[data-action="return"]')
    expect(reviewer.locator("[data-state]").first).to_have_text("请示已退回")
    expect(reviewer.locator("#timeline")).to_contain_text("请将拟召开党员大会日期改在任期届满前")
    expect(reviewer.locator("#edit-link")).to_have_count(0)
    shot(reviewer, "returned")

    clerk.goto(workflow_url)
    expect(clerk.locator("#timeline")).to_contain_text("请将拟召开党员大会日期改在任期届满前")
    clerk.click("#edit-link")
    expect(clerk.locator("#candidate-rows [data-row]")).to_have_count(9)
    expect(clerk.locator("#live-checks")).to_contain_text("没有阻止提交的问题")
    end = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    clerk.fill("#id_meeting_planned_on", end)
    clerk.click("#submit-button")
    expect(clerk.locator("[data-state]").first).to_have_text("请示待批复")

    reviewer.goto(workflow_url)
    reviewer.fill("#id_comment", "同意")
    reviewer.click('button[data-action="approve"]')
    expect(reviewer.locator("[data-state]").first).to_have_text("已批复，待召开党员大会")
    assert timeline(reviewer) == ["起草请示", "提交请示", "退回请示", "提交请示", "批复同意"]
    shot(reviewer, "approved")
    reviewer.set_viewport_size(PHONE)
    shot(reviewer, "approved-phone")

    # The clerk is now pointed to the count of the election meeting.
    clerk.goto(workflow_url)
    expect(clerk.locator("#workflow-links")).to_contain_text("登记党员大会计票")
    expect(clerk.locator("#documents")).to_contain_text("换届选举及候选人预备人选的请示（模板4）")
    expect(clerk.locator('[data-document-row="agenda"]')).to_contain_text("党员大会议程")
    assert re.search(r"/workflows/\d+/$", workflow_url)
