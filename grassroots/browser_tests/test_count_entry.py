"""Election day on a tablet: the clerk types the count and watches the tally change, a tie at
the last seat goes to a run-off entered ballot by ballot, then the committee meets."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import State, WorkflowKind
from grassroots.orgs.choices import Category, MemberStatus, OrgKind, PostKind

from .helpers import DESKTOP, PASSWORD, log_in

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
NAMES = ["王建国", "李秀英", "张卫东", "刘红梅", "陈志强", "杨丽华", "赵明", "黄海", "周平", "孙丽"]


@pytest.fixture
def approved(city, make_org, make_member, make_user):
    """A branch of ten voters (and a probationary member) whose general election (5 seats, 6
    candidates) the committee above has approved."""
    upper = make_org("东区机关党委", city["east"], kind=OrgKind.COMMITTEE, category=Category.ORGAN)
    branch = make_org("东区财政局党支部", upper, category=Category.ORGAN)
    members = [make_member(branch, name=name) for name in NAMES]
    make_member(branch, name="吴新", status=MemberStatus.PROBATIONARY)
    clerk = make_user("clerk", role=Role.CLERK, org=branch, password=PASSWORD)
    reviewer = make_user("reviewer", role=Role.REVIEWER, org=upper, password=PASSWORD)
    posts = {0: PostKind.SECRETARY, 1: PostKind.DEPUTY_SECRETARY}
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=branch,
        seats=5,
        meeting_planned_on=datetime.date(2026, 3, 2),
        candidates=[
            {"member": m, "proposed_post": posts.get(i, "")} for i, m in enumerate(members[:6])
        ],
    )
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow, "同意")
    return workflow


def test_count_a_general_election_on_a_tablet(open_page, approved, shot):
    page = open_page(TABLET)
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "clerk")
    page.goto(f"/workflows/{approved.pk}/count/")
    expect(page.locator("h1")).to_have_text("党员大会计票")
    expect(page.locator("#expected-figures")).to_contain_text("10")
    tally = page.locator("#tally")
    shot(page, "empty")

    page.fill("#id_held_on", "2026-03-02")
    page.fill("#id_present_members", "8")
    page.fill("#id_present_voters", "8")
    expect(tally.locator(".tally-quorum")).to_contain_text("8/10 ≤ 4/5")
    expect(tally).to_contain_text("未超过五分之四")
    shot(page, "eight-of-ten")

    page.fill("#id_present_members", "9")
    page.fill("#id_present_voters", "9")
    expect(tally.locator(".tally-quorum")).to_contain_text("9/10 > 4/5")
    expect(tally).to_contain_text("超过五分之四，会议有效")
    expect(tally.locator("[data-threshold]")).to_contain_text("至少5票")

    # A figure that cannot be is refused next to its field while typing.
    page.fill("#id_ballots_returned", "9")
    page.fill("#id_ballots_issued", "12")
    expect(page.locator("#errors-ballots_issued")).to_contain_text("不能多于实到会有选举权人数")
    shot(page, "field-error")
    red = "rgb(220, 53, 69)"  # Bootstrap's invalid-field border
    expect(page.locator("#id_ballots_issued")).to_have_css("border-color", red)
    page.fill("#id_ballots_issued", "9")
    expect(page.locator("#errors-ballots_issued")).to_be_empty()
    expect(page.locator("#id_ballots_issued")).not_to_have_css("border-color", red)
    page.fill("#id_invalid_ballots", "0")
    for name, votes in zip(NAMES, [9, 8, 8, 7, 6, 6], strict=False):
        page.get_by_role("spinbutton", name=name, exact=True).fill(str(votes))
    expect(tally.locator("[data-runoff]")).to_contain_text(
        "陈志强、杨丽华得票相等，需在其中另行投票选出1名"
    )
    expect(tally.locator('tr[data-outcome="elected"]')).to_have_count(4)
    shot(page, "tie")

    # The meeting's agenda and its scrutineers and tellers: never a candidate.
    page.locator("#meeting-agenda summary").click()
    expect(page.locator("#meeting-agenda li")).to_have_count(10)  # seven steps, three parts
    page.select_option("#id_scrutineers", label=["王建国", "赵明"])
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#errors-scrutineers")).to_contain_text(
        "王建国是委员候选人，委员候选人不得担任监票人"
    )
    shot(page, "scrutineer-refused")
    page.select_option("#id_scrutineers", label=["赵明", "黄海"])
    page.select_option("#id_tellers", label=["周平"])
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".alert-success").first).to_contain_text("计票已保存")
    expect(page.locator("#id_scrutineers")).to_have_values([re.compile(r"\d+")] * 2)
    shot(page, "officers")

    page.get_by_role("button", name="确认本轮结果").click()
    expect(page.locator(".alert-success").first).to_contain_text("第2轮投票已开始，应选1名")
    expect(page.locator('.confirmed-round[data-round="1"]')).to_contain_text("已冻结")
    expect(page.locator(".round-title")).to_contain_text("第2轮投票 · 应选1名 · 候选人2名")
    shot(page, "runoff-opened")

    # The run-off, ballot by ballot: six for 陈志强, two for 杨丽华, one marking both.
    page.get_by_text("逐张录入选票").click()
    page.fill("#id_ballots_issued", "9")
    page.fill("#id_ballots_returned", "9")
    page.fill("#id_invalid_ballots", "0")
    marks = page.locator(".mark-grid")
    for chosen in [["陈志强"]] * 6 + [["杨丽华"]] * 2 + [["陈志强", "杨丽华"]]:
        for name in chosen:
            marks.get_by_text(name, exact=True).click()
        if len(chosen) > 1:
            expect(page.locator("#ballot-in-hand")).to_contain_text("为无效票")
        page.get_by_role("button", name="下一张").click()
    expect(page.locator("#ballot-list li")).to_have_count(9)
    expect(page.locator("#ballot-list li").first).to_contain_text("无效")
    expect(tally).to_contain_text("有效票8张，无效票1张")
    expect(tally.locator('tr[data-candidate="陈志强"]')).to_have_attribute(
        "data-outcome", "elected"
    )
    shot(page, "runoff-ballots")

    page.get_by_role("button", name="确认本轮结果").click()
    expect(page.locator(".alert-success").first).to_contain_text("选举结束")
    expect(page.locator("#election-result")).to_contain_text(
        "王建国、李秀英、张卫东、刘红梅、陈志强"
    )
    page.set_viewport_size(DESKTOP)
    shot(page, "elected-desktop")

    page.get_by_role("link", name="登记委员会第一次全体会议").click()
    expect(page.locator("h1")).to_have_text("委员会第一次全体会议")
    page.fill("#id_committee_present", "5")
    page.fill("#id_secretary_votes", "2")
    page.fill("#id_deputy_votes", "5")
    page.get_by_label("陈志强").select_option(PostKind.DISCIPLINE)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#errors-posts")).to_contain_text("请选择职务")
    page.get_by_label("张卫东").select_option(PostKind.ORGANIZATION)
    page.get_by_label("刘红梅").select_option(PostKind.PUBLICITY)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#errors-votes")).to_contain_text("书记人选未获得实到会委员半数以上赞成票")
    shot(page, "committee-error")
    page.fill("#id_secretary_votes", "5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("委员会第一次全体会议已登记")
    approved.refresh_from_db()
    assert approved.state == State.CONSTITUTED
    assert re.match(r"\d{4}-\d{2}-\d{2}", approved.committee_met_on.isoformat())


@pytest.mark.parametrize("viewport", [LANDSCAPE, DESKTOP], ids=["1024x768", "1366x768"])
def test_members_left_out_of_the_count(open_page, approved, shot, viewport):
    page = open_page(viewport)
    log_in(page, "clerk")
    page.goto(f"/workflows/{approved.pk}/count/")
    expect(page.locator("#id_held_on")).to_have_value("2026-03-02")  # the planned day
    page.fill("#id_present_voters", "8")
    expect(page.locator("#tally .tally-quorum")).to_contain_text("8/10 ≤ 4/5")
    page.get_by_text("不计入应到会人数的党员").click()
    page.get_by_role("button", name="添加一名").click()
    page.get_by_label("不计入应到会人数的党员", exact=True).select_option(label="孙丽")
    expect(page.locator("#errors-exclusions")).to_contain_text("请填写孙丽不计入应到会人数的原因")
    page.get_by_placeholder("原因").fill("因病住院")
    expect(page.locator("#expected-figures")).to_contain_text("不计入应到会人数1名")
    expect(page.locator("#tally .tally-quorum")).to_contain_text("8/9 > 4/5")
    expect(page.locator("#errors-exclusions")).to_be_empty()
    shot(page, "left-out")


def test_exactly_half_fails_and_more_ballots_back_than_issued_voids(open_page, approved, shot):
    page = open_page(TABLET)
    log_in(page, "clerk")
    page.goto(f"/workflows/{approved.pk}/count/")
    tally = page.locator("#tally")
    for field, value in [
        ("#id_present_members", "10"),
        ("#id_present_voters", "10"),
        ("#id_ballots_issued", "10"),
        ("#id_ballots_returned", "10"),
        ("#id_invalid_ballots", "0"),
    ]:
        page.fill(field, value)
    for name, votes in zip(NAMES, [9, 8, 8, 7, 5, 4], strict=False):
        page.get_by_role("spinbutton", name=name, exact=True).fill(str(votes))
    # 10 voters present: 5 yes-votes is exactly half and fails, the seat stays open.
    expect(tally.locator('tr[data-candidate="陈志强"]')).not_to_have_attribute(
        "data-outcome", "elected"
    )
    expect(tally.locator('tr[data-outcome="elected"]')).to_have_count(4)
    page.get_by_role("spinbutton", name="陈志强", exact=True).fill("6")
    expect(tally.locator('tr[data-candidate="陈志强"]')).to_have_attribute(
        "data-outcome", "elected"
    )
    shot(page, "half-plus-one")

    page.fill("#id_ballots_issued", "9")
    expect(tally).to_contain_text("收回选票多于发出选票")
    expect(tally.locator('tr[data-outcome="elected"]')).to_have_count(0)
    shot(page, "more-back-than-issued")
