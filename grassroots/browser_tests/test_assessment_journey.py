"""A yearly assessment in the browser, from self-assessment to rectification: the district
clerk starts a branch's self-assessment (measurable items already filled from its records),
attests the manual items with evidence (a photo uploaded for one) and submits; the district
reviewer scores item by item, the total and grade changing as she types, and completes; the
grade and the gap list are shown and every shortfall is a rectification task; the clerk
closes one with follow-up evidence. The assessment screen and the review work on a phone."""

import pytest
from playwright.sync_api import expect

from grassroots.assessments.tests.helpers import PNG, build_set
from grassroots.core.choices import Role

from .helpers import PASSWORD, PHONE, log_in

pytestmark = pytest.mark.browser

# (dimension, code, text, metric, comparator, threshold, veto)
ITEMS = [
    ("1", "1.1", "党员人数不少于3名。", "members_total", ">=", 3, False),
    ("1", "1.2", "全年不少于32学时。", "study_hours_per_member", ">=", 32, False),
    ("2", "2.1", "建立“群众的事群众办”制度、党员干部联系服务群众制度。", None, None, None, False),
    ("2", "2.2", "无非法上访信访事件、重大治安刑事案件发生。", None, None, None, True),
]
SET_TITLE = "城镇社区党组织考核标准（试行）"


@pytest.fixture
def district(city, make_member, make_user):
    """The east district with its clerk and reviewer (as district_clerk and
    district_reviewer cover 江北区 in the demo), a branch of four members and a standard."""
    for name in ("王建国", "李秀英", "张卫东", "刘红梅"):
        make_member(city["east_branch"], name=name)
    make_user("district_clerk", role=Role.CLERK, org=city["east"], password=PASSWORD)
    make_user("district_reviewer", role=Role.REVIEWER, org=city["east"], password=PASSWORD)
    standard_set = build_set("t-community", items=ITEMS)
    standard_set.title = SET_TITLE
    standard_set.save()
    return {**city, "set": standard_set}


def item(page, code):
    return page.locator(f".item-row[data-code='{code}']")


def review_row(page, code):
    return page.locator(f".review-row[data-code='{code}']")


def test_assessment_from_self_assessment_to_rectification(open_page, district, shot, tmp_path):
    photo = tmp_path / "活动照片.png"
    photo.write_bytes(PNG)
    clerk = open_page()
    log_in(clerk, "district_clerk")
    clerk.click("nav >> text=考核评定")
    expect(clerk.locator("h1")).to_have_text("考核评定")
    clerk.click("#start-link")

    picker = clerk.locator("[data-field='org']")
    picker.locator("[data-picker-text]").fill("幸福社区")
    picker.locator('[data-pick-label="东区幸福社区党支部"]').click()
    clerk.select_option("#id_standard_set", str(district["set"].pk))
    shot(clerk, "start")
    clerk.get_by_role("button", name="开始自评").click()

    expect(clerk.locator("h1")).to_contain_text("东区幸福社区党支部 2026年度考核")
    expect(item(clerk, "1.1").locator("[data-status]")).to_have_text("达标")
    expect(item(clerk, "1.1").locator("[data-value]")).to_have_text("4")
    expect(item(clerk, "1.2").locator("[data-status]")).to_have_text("未达标")
    expect(item(clerk, "1.2")).to_contain_text("人均学习时长 ≥ 32 学时")
    expect(clerk.locator("#submit-button")).to_be_disabled()
    expect(clerk.locator("#submit-problems")).to_contain_text("请对第 2.1、2.2 条作出自评")

    row = item(clerk, "2.1")
    row.locator("input[value='met']").check()
    row.locator("textarea[name$='-evidence']").fill("《联系服务群众制度》2026年修订版，见党建台账")
    row.locator("input[type=file]").set_input_files(str(photo))
    row.get_by_role("button", name="保存本条").click()
    expect(clerk.locator(".alert-success")).to_have_text("已保存第 2.1 条自评")
    expect(item(clerk, "2.1").locator("[data-evidence-file]")).to_have_text("活动照片.png")
    expect(item(clerk, "2.1").locator("[data-status]")).to_have_text("达标")

    row = item(clerk, "2.2")
    row.locator("input[value='met']").check()
    row.locator("textarea[name$='-evidence']").fill("经派出所和信访办核实，本年度无相关事件")
    row.get_by_role("button", name="保存本条").click()
    expect(clerk.locator("#submit-button")).to_be_enabled()
    shot(clerk, "self-assessed")
    clerk.locator("#submit-button").click()
    expect(clerk.locator("#assessment-state [data-state]")).to_have_text("待审核")
    expect(clerk.locator("#review-link")).to_have_count(0)  # a clerk does not review

    reviewer = open_page()
    reviewer.on("dialog", lambda dialog: dialog.accept())
    log_in(reviewer, "district_reviewer")
    reviewer.goto("/assessments/")
    reviewer.click("#queue-link")
    reviewer.get_by_role("link", name="东区幸福社区党支部").click()
    reviewer.click("#review-link")
    expect(reviewer.locator("h1")).to_contain_text("审核评分")
    total, grade = reviewer.locator("#live-total"), reviewer.locator("#live-grade")
    expect(total).to_have_text("75.00")
    expect(grade).to_have_text("良好")
    score = review_row(reviewer, "2.1").locator("input[name^='score-']")
    score.fill("20")
    review_row(reviewer, "2.1").locator("input[name^='comment-']").fill("缺少活动照片以外的记录")
    expect(total).to_have_text("70.00")
    expect(grade).to_have_text("一般")
    score.fill("25")
    expect(grade).to_have_text("良好")
    review_row(reviewer, "2.2").locator("input[name^='score-']").fill("24")
    expect(total).to_have_text("74.00")
    expect(grade).to_have_text("较差")  # a veto item short of full marks caps the grade
    expect(reviewer.locator("#live-veto")).to_be_visible()
    review_row(reviewer, "2.2").locator("input[name^='score-']").fill("25")
    score.fill("20")
    expect(grade).to_have_text("一般")
    reviewer.fill("#id_comment", "制度健全，学习时长不足，请抓紧整改。")
    shot(reviewer, "review")
    reviewer.click("#complete-button")

    expect(reviewer.locator(".alert-success")).to_contain_text("总分 70.00，等次 一般")
    expect(reviewer.locator("#total")).to_have_text("70.00")
    expect(reviewer.locator("#grade")).to_have_text("一般")
    gaps = reviewer.locator("#gaps [data-gap]")
    expect(gaps).to_have_count(2)
    expect(reviewer.locator("#gaps [data-gap='1.2']")).to_contain_text("待整改")
    expect(reviewer.locator("#gaps [data-gap='2.1']")).to_contain_text("得分 20/25")
    shot(reviewer, "graded")

    clerk.goto("/rectification/")
    tasks = clerk.locator("#task-table tbody tr[data-task]")
    expect(tasks).to_have_count(2)
    expect(clerk.locator("#task-counts")).to_contain_text("未完成 2 项")
    tasks.filter(has_text="第 1.2 条").get_by_role("link").click()
    expect(clerk.locator("#task")).to_contain_text("要求人均学习时长 ≥ 32 学时")
    clerk.fill("#id_follow_up", "组织全体党员补学党的二十大精神8学时，人均达到32学时。")
    clerk.locator("#id_follow_up_file").set_input_files(str(photo))
    shot(clerk, "closing-task")
    clerk.click("#close-button")
    expect(clerk.locator(".alert-success")).to_have_text("整改已完成，任务已销号")
    expect(clerk.locator("#task-status [data-status]")).to_have_text("已完成")
    expect(clerk.locator("#follow-up-file")).to_have_text("活动照片.png")
    clerk.goto("/rectification/")
    expect(clerk.locator("#task-counts")).to_contain_text("未完成 1 项")
    shot(clerk, "tasks-left")

    # On a phone: the assessment screen and the gap list fit the screen.
    phone = open_page(PHONE)
    log_in(phone, "district_clerk")
    phone.goto(reviewer.url)
    expect(phone.locator("#grade")).to_have_text("一般")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "phone-assessment")


def test_review_on_a_phone_and_return(open_page, district, shot):
    from grassroots.assessments import services
    from grassroots.assessments.tests.helpers import attest
    from grassroots.core.models import RoleAssignment

    clerk = RoleAssignment.objects.get(user__username="district_clerk").user
    assessment = services.start_assessment(clerk, district["east_branch"], district["set"], 2026)
    attest(clerk, assessment)
    services.submit_assessment(clerk, assessment)

    page = open_page(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "district_reviewer")
    page.goto(f"/assessments/{assessment.pk}/review/")
    expect(page.locator("#live-total")).to_have_text("75.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator(".review-bar")).to_be_in_viewport()  # the total stays in sight
    shot(page, "phone-review")
    page.click("#return-button")
    expect(page.locator("[data-error-for='comment']")).to_have_text("请填写退回理由")
    page.fill("#id_comment", "2.1 请补充制度原件照片")
    page.click("#return-button")
    expect(page.locator("#assessment-state [data-state]")).to_have_text("已退回")
    shot(page, "phone-returned")
