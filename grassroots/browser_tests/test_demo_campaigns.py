"""The demonstration campaigns tried on the demo as `make run` loads it, each journey by the
demo users the README lists: the city's administrator creates a campaign, imports the quota
table and sees the checks; a village branch applies on a phone through 江北区's clerk, the
opinions go up the chain, the 申报表 prints with them and the organiser lists it in a
notice whose five working days span the National Day holiday; the city's inspector records the
inspection waiting for him; the running notice takes an objection without login and the
city's administrator resolves it; survey tokens print as QR codes, one is answered on a phone and
the rate reaches the applicant's compliance; the third-party evaluator imports the survey
phase's results; the city names the list and prints the 命名通知 and certificates; a title
is warned and later revoked; the filing register exports as the seed's table."""

import datetime
import io
import re

import docx
import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from grassroots.assessments.models import RectificationTask
from grassroots.campaigns.demo import UNITS
from grassroots.campaigns.models import Application, Campaign, Notice, Title
from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD
from grassroots.workdays.services import working_days_after

from .helpers import PHONE, log_in, no_sideways_scroll, record_inspection

pytestmark = pytest.mark.browser

REASON = ("坚持“三会一课”，村级组织体系健全，为民服务成效明显。" * 40)[:1000]
APPLICANT = "马坊镇上庄村党支部"


def enter(page, username):
    log_in(page, username, DEMO_PASSWORD)


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    return info.value.path().read_bytes()


def docx_text(data):
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += ["|".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def quota_table(path):
    """The seed's 附件1 for the demo's recommending units: 2 示范 and 1 十佳 each."""
    book = Workbook()
    book.active.append(("单位", "示范基层党组织", "十佳示范基层党组织"))
    for name, *_ in UNITS:
        book.active.append((name, 2, 1))
    book.save(path)
    return path


def dismiss(page, has_text, finding):
    """Verify an objection to the notice on `page` and dismiss it."""
    objection = page.locator(".objection").filter(has_text=has_text)
    objection.locator(".verify-form textarea").fill(finding)
    objection.get_by_role("button", name="登记核查情况").click()
    objection = page.locator(".objection").filter(has_text=has_text)
    objection.locator(".resolve-form select[name$=upheld]").select_option("0")
    objection.locator(".resolve-form textarea").fill("反映情况不属实，予以澄清。")
    objection.get_by_role("button", name="处理").click()
    expect(page.locator(".alert-success")).to_be_visible()


def sign(page, application_id, text, shot, step):
    page.goto("/applications/review/")
    page.locator(f"[data-application='{application_id}'] a").first.click()
    page.fill("#id_text", text)
    shot(page, step)
    page.click("#opinion-button")
    expect(page.locator(".alert-success")).to_have_text("已填写同意意见")


def test_a_campaign_is_set_up_applied_to_reviewed_and_inspected_on_the_demo(
    open_page, demo, shot, tmp_path
):
    today = timezone.localdate()
    admin = open_page()
    enter(admin, "city_admin")
    admin.goto("/campaigns/")
    # The campaign in progress: the 60% check warns on 江南区, whose nominations are all
    # villages and communities.
    admin.get_by_role("link", name=re.compile("青川先锋·基层党组织示范行动")).click()
    share = admin.locator('[data-check="VILLAGE_SHARE"]')
    expect(share).to_have_count(1)
    expect(share).to_contain_text("中共青川市江南区委组织部")
    shot(admin, "dashboard")

    admin.goto("/campaigns/new/")
    admin.fill("#id_title", f"{today.year}年青川市基层党组织示范行动（第二批）")
    admin.fill("#id_application_deadline", (today + datetime.timedelta(days=30)).isoformat())
    admin.fill("#id_level1_name", "示范基层党组织")
    admin.fill("#id_level1_to_name", "12")
    admin.fill("#id_level2_name", "十佳示范基层党组织")
    admin.fill("#id_level2_to_name", "3")
    admin.select_option("#id_level2_from", label="第1级")
    admin.get_by_label(re.compile(r"村（涉农社区）党组织示范建设基本标准（2020年）")).check()
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".alert-success")).to_contain_text("已创建活动")
    surplus = admin.locator('[data-check="SURPLUS_TOO_LOW"]')
    expect(surplus.first).to_contain_text("至少15个")
    campaign_url = admin.url
    campaign = Campaign.objects.get(title__endswith="（第二批）")

    admin.get_by_role("link", name="推荐名额").click()
    admin.locator("#quota-import input[type=file]").set_input_files(
        quota_table(tmp_path / "附件1推荐名额分配表.xlsx")
    )
    admin.get_by_role("button", name="上传并导入").click()
    expect(admin.locator(".alert-success")).to_contain_text(f"导入成功：{2 * len(UNITS)}个")
    admin.goto(campaign_url)
    expect(admin.locator('[data-check="SURPLUS_TOO_LOW"]')).to_have_count(0)
    expect(admin.locator("#progress-table tbody tr")).to_have_count(len(UNITS))
    shot(admin, "new-campaign")

    # 江北区's clerk applies for a village branch on a phone.
    clerk = open_page(PHONE)
    enter(clerk, "district_clerk")
    clerk.goto(f"/campaigns/{campaign.pk}/apply/")
    clerk.select_option("#id_org", label=APPLICANT)
    expect(clerk.locator("[data-prefill]")).to_contain_text("中共马坊镇委员会")
    clerk.fill("#id_reason", REASON)
    expect(clerk.locator("#id_reason-counter")).to_have_text("1000/1000")
    no_sideways_scroll(clerk)
    shot(clerk, "apply-phone")
    clerk.click("#apply-button")
    expect(clerk.locator("h1")).to_have_text(APPLICANT)
    application_id = int(re.search(r"/applications/(\d+)/", clerk.url).group(1))
    clerk.click("#submit-button")
    expect(clerk.locator("#application-state [data-state]")).to_have_text("审核中")
    expect(clerk.locator("[data-next-step]")).to_contain_text("中共马坊镇委员会")
    expect(clerk.locator("#chain [data-step]")).to_have_count(3)
    no_sideways_scroll(clerk)
    shot(clerk, "submitted-phone")

    # The town committee's opinion and the district's are signed by 江北区's reviewer, who
    # then ranks and forwards within the quota; the city's reviewer signs last.
    district = open_page()
    enter(district, "district_reviewer")
    sign(district, application_id, "情况属实，同意推荐。", shot, "basic")
    sign(district, application_id, "同意上报。", shot, "upper")
    unit = Application.objects.get(pk=application_id).unit
    district.goto("/applications/review/")
    district.click(f"a[href='/campaigns/{campaign.pk}/units/{unit.pk}/rank/']")
    district.fill(f"#rank-{application_id}", "1")
    district.click("#forward-button")
    expect(district.locator(".alert-success")).to_have_text("已排序上报1个申报")

    city = open_page()
    enter(city, "city_reviewer")
    sign(city, application_id, "同意命名。", shot, "organiser")
    expect(city.locator("#application-state [data-state]")).to_have_text("拟命名对象")
    expect(city.locator("#chain [data-opinion]")).to_have_count(3)
    table = docx.Document(io.BytesIO(download(city, "#document-docx"))).tables[0]
    opinions = [row.cells[-1].text for row in table.rows]
    assert opinions[2] == REASON
    assert "情况属实，同意推荐。" in opinions[4] and "签\u3000\u3000字：" in opinions[4]
    assert "同意上报。" in opinions[5]
    assert "同意命名。" in opinions[6]

    # The organiser lists it in a notice published before the National Day holiday: five
    # working days end on 13 October (shared/RULES.md "Working days").
    admin.goto(f"/campaigns/{campaign.pk}/notices/")
    admin.fill("#id_published_on", "2026-09-30")
    admin.fill("#id_working_days", "5")
    admin.locator("#id_working_days").dispatch_event("change")
    expect(admin.locator("#ends-on")).to_have_text("公示截止日期：2026年10月13日（星期二）")
    admin.get_by_label(re.compile(APPLICANT)).check()
    admin.get_by_role("button", name="发布公示").click()
    expect(admin.locator(".alert-success")).to_contain_text("公示期至2026年10月13日（星期二）")
    shot(admin, "notice")

    # An applicant that is itself a basic committee has no basic opinion (seed 000 附件2).
    city.goto(f"/applications/{Application.objects.get(org_name='北门社区党委').pk}/")
    expect(city.locator("#chain [data-step]")).to_have_count(2)
    expect(city.locator("#chain [data-step='basic_committee']")).to_have_count(0)

    # The city's inspector records the inspection assigned to him, on a phone.
    inspector = open_page(PHONE)
    enter(inspector, "city_inspector")
    inspector.goto("/inspections/")
    inspector.locator("#inspection-list a").filter(has_text="江北区财政局党支部").first.click()
    record_inspection(inspector, 90)
    expect(inspector.locator(".alert-success")).to_have_text("已录入考察情况")
    expect(inspector.locator("[data-finding]")).to_have_count(3)
    shot(inspector, "inspected-phone")


def test_the_notice_takes_an_objection_and_a_survey_reaches_compliance_on_the_demo(
    open_page, demo, shot, tmp_path
):
    notice = Notice.objects.get(campaign__kind="naming")
    assert notice.ends_on == working_days_after(notice.published_on, 5)
    reviewer = open_page()
    enter(reviewer, "city_admin")

    phone = open_page(PHONE)
    phone.goto(f"/public/notices/{notice.pk}/")
    expect(phone.locator(".notice-body")).to_contain_text(f"{notice.ends_on:%Y年%-m月%-d日}")
    no_sideways_scroll(phone)
    phone.fill("#id_name", "张群众")
    phone.fill("#id_contact", "13900001111")
    phone.select_option("#id_application", label="南关社区党委")
    phone.fill("#id_text", "该社区党委今年多次未按时开展主题党日，请核实。")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".alert-success")).to_contain_text("已收到您反映的情况")
    shot(phone, "objected-phone")

    reviewer.goto(f"/notices/{notice.pk}/")
    dismiss(reviewer, "13900001111", "经查阅会议记录，主题党日均按时开展。")
    expect(reviewer.locator("#notice-candidates")).to_contain_text("南关社区党委")
    shot(reviewer, "resolved")

    # Tokens for 北门社区党委, printed as QR codes; an unused one answered on a phone.
    applicant = Application.objects.get(org_name="北门社区党委")
    reviewer.goto(f"/applications/{applicant.pk}/survey-tokens/")
    cards = reviewer.locator(".token-card")
    expect(cards.first.locator("svg")).to_be_visible()
    shot(reviewer, "tokens")
    before = reviewer.locator(".token-card:not(.used)").count()
    survey_url = reviewer.locator(".token-card:not(.used) .token-url").first.inner_text()
    phone.goto(survey_url)
    expect(phone.locator("#survey")).to_contain_text("北门社区党委")
    no_sideways_scroll(phone)
    phone.get_by_text("满意", exact=True).click()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#survey-done")).to_contain_text("提交成功")
    shot(phone, "survey-phone")
    reviewer.reload()
    expect(reviewer.locator(".token-card:not(.used)")).to_have_count(before - 1)

    year = notice.campaign.year
    reviewer.goto(f"/campaigns/{notice.campaign_id}/surveys/")
    rate = reviewer.locator("[data-tally=北门社区党委] .tally-rate").inner_text()
    assert rate.endswith("%")
    reviewer.goto(f"/orgs/{applicant.org_id}/standing/?year={year}")
    expect(reviewer.locator("main")).to_contain_text("群众满意度测评结果")
    shot(reviewer, "compliance")

    # The third-party evaluator's work: the survey phase of 江北区's demonstration points.
    evaluator = open_page()
    enter(evaluator, "evaluator")
    point = Campaign.objects.get(kind="demonstration_point")
    evaluator.goto(f"/campaigns/{point.pk}/surveys/import/")
    template = load_workbook(io.BytesIO(download_link(evaluator, "下载导入模板")))
    rows = [[c.value for c in row] for row in template.active.iter_rows()]
    book = Workbook()
    book.active.append(rows[0])
    for index, row in enumerate(rows[1:6]):
        book.active.append([row[0], 40 + index, 8, 2])
    results = tmp_path / "测评结果.xlsx"
    book.save(results)
    evaluator.locator("#import-results input[type=file]").set_input_files(results)
    evaluator.get_by_role("button", name="上传并导入").click()
    expect(evaluator.locator(".alert-success")).to_contain_text("导入成功：5个党组织")
    # 江北区, the organiser, grades its field with the imported rates (seed 004 分类定级).
    district = open_page()
    enter(district, "district_clerk")
    district.goto(f"/campaigns/{point.pk}/grades/")
    district.get_by_role("button", name=re.compile("定级")).click()
    graded = district.locator(f"[data-grade='{rows[1][0]}']")
    expect(graded).to_contain_text("96.0")  # (40 + 8) / 50
    expect(graded).not_to_contain_text("未定级")
    shot(district, "grades")


def download_link(page, name):
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    return info.value.path().read_bytes()


def test_naming_a_warning_a_revocation_and_the_filing_register_on_the_demo(open_page, demo, shot):
    today = timezone.localdate()
    campaign = Campaign.objects.get(kind="naming")
    # Time passes: the notice has run its five working days.
    published_on = today - datetime.timedelta(days=20)
    Notice.objects.filter(campaign=campaign).update(
        published_on=published_on, ends_on=working_days_after(published_on, 5)
    )
    admin = open_page()
    admin.on("dialog", lambda dialog: dialog.accept())
    enter(admin, "city_admin")
    notice = Notice.objects.get(campaign=campaign)
    admin.goto(f"/notices/{notice.pk}/")
    received = notice.objections.get(state="received")
    dismiss(admin, received.text[:12], "经核查，反映问题已整改到位。")
    admin.get_by_role("button", name="结束公示").click()
    expect(admin.locator("#notice-state")).to_have_text("已结束")
    admin.goto(f"/campaigns/{campaign.pk}/")
    for stage in ("测评", "审定"):
        admin.get_by_role("button", name=re.compile(f"推进到下一阶段（{stage}）")).click()
        expect(admin.locator('[data-stage="decision"]')).to_be_visible()
    expect(admin.locator('[data-stage="decision"]')).to_contain_text("当前")

    reviewer = open_page()
    reviewer.on("dialog", lambda dialog: dialog.accept())
    enter(reviewer, "city_reviewer")
    reviewer.goto(f"/campaigns/{campaign.pk}/decision/")
    reviewer.fill("#id_body", "市委组织部部务会")
    reviewer.fill("#id_document_number", f"青组〔{today.year}〕18号")
    named = ["北门社区党委", "南关社区党委", "河湟社区党委"]
    for name in named:
        reviewer.locator("[data-level='demo']").get_by_label(name).check()
    top = reviewer.locator("[data-level='top']")
    for box in top.locator("input[type=checkbox]").all():
        box.uncheck()
    top.get_by_label("北门社区党委").check()
    shot(reviewer, "decision")
    reviewer.click("#decide-button")
    shot(reviewer, "decided")
    expect(reviewer.locator(".alert-success")).to_have_text("已记录审定结果并命名")
    notice = docx_text(download(reviewer, "#notice-docx"))
    assert f"青组〔{today.year}〕18号" in notice
    assert "一、示范基层党组织（3个）" in notice
    certificates = docx_text(download(reviewer, "#certificates-docx"))
    assert certificates.count("荣 誉 证 书") == 4

    # The base campaign's title due for re-review is warned; its deadline passes unmet and
    # it is revoked, staying in the register.
    liangxin = open_page()
    liangxin.on("dialog", lambda dialog: dialog.accept())
    enter(liangxin, "liangxin_reviewer")
    title = Title.objects.get(org_name="中共青川市律师行业委员会")
    liangxin.goto("/titles/")
    liangxin.get_by_role("link", name=title.org_name).first.click()
    liangxin.fill("#id_warn-reason", "复查发现组织生活不规范")
    liangxin.fill("#id_warn-deadline", str(today + datetime.timedelta(days=30)))
    liangxin.click("#warn-button")
    expect(liangxin.locator("#title-standing")).to_contain_text("预警整改中")
    RectificationTask.objects.filter(org=title.org).update(
        deadline=today - datetime.timedelta(days=1)
    )
    liangxin.reload()
    liangxin.fill("#id_revoke-reason", "逾期未完成整改，撤销称号")
    liangxin.click("#revoke-button")
    expect(liangxin.locator("#title-standing")).to_contain_text("已撤销")
    shot(liangxin, "revoked")
    liangxin.goto("/titles/?state=revoked")
    expect(liangxin.locator("#title-table")).to_contain_text(title.org_name)

    # 江北区's clerk exports the filing register as the seed's 附件3.
    clerk = open_page()
    enter(clerk, "district_clerk")
    filing = Campaign.objects.get(kind="filing")
    clerk.goto(f"/campaigns/{filing.pk}/filings/")
    shot(clerk, "filings")
    heading = f"“青川先锋”基层党组织示范建设备案登记表（{filing.year}年）"
    register = docx_text(download(clerk, "#export-docx"))
    assert heading in register
    workbook = load_workbook(io.BytesIO(download(clerk, "#export-xlsx")))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert rows[0][0] == heading
    assert rows[2][:4] == ["序号", "党组织名称", "类型", "党员\n人数"]
