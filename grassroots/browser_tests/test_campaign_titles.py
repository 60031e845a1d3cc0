"""Naming and after naming in the browser: the organiser's reviewer picks the list per level
from the approved applications (the count against the number to name shown as she ticks),
records the decision, downloads the 命名通知 and the certificates (read back with
python-docx); a title is warned (a rectification task opens), its deadline passes and it
is revoked, staying in the register as revoked; the public list (phone, no login) shows
the titles in force; a district clerk files organisations in the filing register and
exports it as the seed's table (.xlsx and .docx)."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from grassroots.assessments.models import RectificationTask
from grassroots.campaigns.choices import ApplicationState, CampaignKind, StageCode, TitleState
from grassroots.campaigns.models import Application, AwardLevel, Campaign, Quota, Title
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind

from .helpers import PASSWORD, PHONE, log_in

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def city_campaigns(make_org, make_user):
    D, B = OrgKind.DEPARTMENT, OrgKind.BRANCH
    root = make_org("青川市委组织部", kind=D, category=Category.OTHER)
    east = make_org("江北区委组织部", root, kind=D, category=Category.OTHER)
    street = make_org("中共幸福街道工作委员会", east, kind=D, category=Category.COMMUNITY)
    branches = [
        make_org(name, street, kind=B, category=category)
        for name, category in (
            ("幸福社区党支部", Category.COMMUNITY),
            ("和平村党支部", Category.VILLAGE),
            ("红星社区党支部", Category.COMMUNITY),
            ("江北区机关党支部", Category.ORGAN),
            ("东山村党支部", Category.VILLAGE),
        )
    ]
    reviewer = make_user("city_reviewer", role=Role.REVIEWER, org=root, password=PASSWORD)
    make_user("district_clerk", role=Role.CLERK, org=east, password=PASSWORD)
    naming = Campaign.objects.create(
        organiser=root,
        title="2026年“青川先锋”基层党组织示范行动",
        kind=CampaignKind.NAMING,
        year=TODAY.year,
        application_deadline=TODAY,
        stage=StageCode.DECISION,
        review_every_years=3,
        created_by=reviewer,
    )
    demo = AwardLevel.objects.create(
        campaign=naming, code="demo", name="示范基层党组织", to_name=2, order=1
    )
    top = AwardLevel.objects.create(
        campaign=naming, code="top", name="十佳示范基层党组织", to_name=1, chosen_from=demo, order=2
    )
    for index, org in enumerate(branches[:3]):
        Application.objects.create(
            campaign=naming,
            org=org,
            unit=east,
            level=demo,
            top_level=top if index == 0 else None,
            org_name=org.name,
            leader="王建国",
            category=org.get_category_display(),
            location="青川市江北区",
            reason="对照标准，成效明显。",
            state=ApplicationState.APPROVED,
            rank=index + 1,
            created_by=reviewer,
        )
    filing = Campaign.objects.create(
        organiser=root,
        title="2026年“青川先锋”基层党组织示范点备案登记",
        kind=CampaignKind.FILING,
        year=TODAY.year,
        application_deadline=TODAY,
        created_by=reviewer,
    )
    point = AwardLevel.objects.create(campaign=filing, code="point", name="示范点", to_name=20)
    Quota.objects.create(campaign=filing, unit=east, level=point, quota=2)
    return {"naming": naming, "filing": filing, "branches": branches}


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    return info.value


def docx_text(download_):
    document = Document(download_.path())
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += ["|".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def test_naming_warning_revocation_and_the_filing_register(open_page, city_campaigns, shot):
    naming = city_campaigns["naming"]
    page = open_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "city_reviewer")
    page.goto(f"/campaigns/{naming.pk}/decision/")
    expect(page.locator("h1")).to_contain_text("审定命名")
    page.fill("#id_body", "部务会")
    page.fill("#id_document_number", "青组〔2026〕8号")
    demo = page.locator("[data-level='demo']")
    for name in ("幸福社区党支部", "和平村党支部", "红星社区党支部"):
        demo.get_by_label(name).check()
    expect(demo.locator("[data-picked]")).to_have_text("3")
    expect(demo.locator("[data-picked]")).to_have_class("text-danger")
    shot(page, "decision-over")
    page.click("#decide-button")
    expect(page.locator("[data-error-for], .alert-danger").first).to_contain_text(
        "“示范基层党组织”拟命名2个，名单有3个"
    )
    demo = page.locator("[data-level='demo']")
    demo.get_by_label("红星社区党支部").uncheck()
    page.locator("[data-level='top']").get_by_label("幸福社区党支部").check()
    page.click("#decide-button")
    expect(page.locator(".alert-success")).to_have_text("已记录审定结果并命名")
    shot(page, "decided")

    notice = docx_text(download(page, "#notice-docx"))
    assert "关于命名" in notice and "青组〔2026〕8号" in notice
    assert "一、示范基层党组织（2个）" in notice
    assert "二、十佳示范基层党组织（1个）" in notice
    certificates = docx_text(download(page, "#certificates-docx"))
    assert certificates.count("荣 誉 证 书") == 3
    assert "和平村党支部：" in certificates

    # The village branch's title is warned, its deadline passes and it is revoked.
    title = Title.objects.get(org_name="和平村党支部")
    page.goto("/titles/")
    expect(page.locator("#title-table tbody tr")).to_have_count(3)
    shot(page, "register")
    page.get_by_role("link", name="和平村党支部").click()
    page.fill("#id_warn-reason", "组织生活不规范，示范效应弱化")
    page.fill("#id_warn-deadline", str(TODAY + datetime.timedelta(days=30)))
    page.click("#warn-button")
    expect(page.locator("#title-standing")).to_contain_text("预警整改中")
    expect(page.locator("#warnings")).to_contain_text("整改任务：待整改")
    page.fill("#id_revoke-reason", "整改不到位")
    page.click("#revoke-button")
    expect(page.locator("[data-error-for='title'], .alert-danger").first).to_contain_text(
        "整改期限"
    )
    shot(page, "warned")
    RectificationTask.objects.filter(org=title.org).update(
        deadline=TODAY - datetime.timedelta(days=1)
    )
    page.goto(f"/titles/{title.pk}/")
    expect(page.locator("#warnings")).to_contain_text("已逾期")
    page.fill("#id_revoke-reason", "逾期未完成整改，取消命名")
    page.click("#revoke-button")
    expect(page.locator("#title-standing")).to_contain_text("已撤销")
    expect(page.locator("#revoked-reason")).to_have_text("逾期未完成整改，取消命名")
    shot(page, "revoked")
    title.refresh_from_db()
    assert title.state == TitleState.REVOKED
    page.goto("/titles/?state=revoked")
    expect(page.locator("#title-table tbody tr")).to_have_count(1)

    public = open_page(PHONE)
    public.goto("/public/titles/")
    expect(public.locator("[data-title]")).to_have_count(2)
    expect(public.locator("#public-titles")).not_to_contain_text("和平村党支部")
    assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(public, "public-phone")

    # The district clerk files two organisations and exports the register; one that
    # applied to this year's naming campaign is refused.
    clerk = open_page(PHONE)
    clerk.on("dialog", lambda dialog: dialog.accept())
    log_in(clerk, "district_clerk")
    clerk.goto(f"/campaigns/{city_campaigns['filing'].pk}/filings/")

    def file(name):
        picker = clerk.locator("[data-field='org']")
        picker.locator("[data-picker-text]").fill(name[:3])
        picker.locator(f'[data-pick-label="{name}"]').click()
        clerk.fill("#id_leader", "王建国")
        clerk.fill("#id_covered_people", "1200")
        clerk.fill("#id_phone", "13812345678")
        clerk.fill("#id_address", "幸福路1号")
        clerk.click("#file-button")

    file("红星社区党支部")
    expect(clerk.locator("[data-error-for='org']")).to_have_text(
        "该党组织今年已申报命名，不重复备案"
    )
    shot(clerk, "filing-refused")
    for name in ("东山村党支部", "江北区机关党支部"):
        file(name)
        expect(clerk.locator(".alert-success")).to_contain_text(f"已备案：{name}")
    expect(clerk.locator("[data-check]")).to_have_count(0)  # 1 village of 2: 50%
    assert clerk.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(clerk, "filings-phone")
    heading = f"“青川先锋”基层党组织示范建设备案登记表（{TODAY.year}年）"
    register = docx_text(download(clerk, "#export-docx"))
    assert heading in register
    assert "填报单位：江北区委组织部" in register
    assert "1|东山村党支部|农村|0|1200|王建国|13812345678|幸福路1号" in register
    xlsx = download(clerk, "#export-xlsx").path().read_bytes()
    workbook = load_workbook(io.BytesIO(xlsx))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert rows[0][0] == heading
    assert rows[2][:4] == ["序号", "党组织名称", "类型", "党员\n人数"]
    assert rows[4][1] == "江北区机关党支部"
