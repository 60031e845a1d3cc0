"""Public notice and satisfaction survey in the browser: the organiser publishes the proposed
list for 5 working days across the National Day holiday (30 September 2026 → 13 October),
an anonymous visitor on a phone objects without logging in, the organiser upholds it (the
candidate leaves the list) and closes the notice after its end; survey tokens are printed
as QR codes, one is answered on a phone, and the rate appears on the tally page and in the
applicant's yearly facts and compliance, the self-reported value still shown."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.campaigns.tests.conftest import scene  # noqa: F401 - the campaign scene
from grassroots.campaigns.tests.notices_helpers import approved, load_calendar
from grassroots.core.tests.factories import PASSWORD
from grassroots.orglife.services import set_yearly_fact
from grassroots.standards.tests.factories import ItemFactory

from .helpers import PHONE, log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def today(monkeypatch):
    """Today for the live server (same process): set with `today.day = …`."""

    class Today:
        day = datetime.date(2026, 9, 30)

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: Today.day)
    return Today


def test_a_notice_across_national_day_an_objection_and_a_survey_on_phones(
    open_page,
    scene,  # noqa: F811 - the imported fixture
    today,
    shot,
):
    load_calendar()
    community = approved(scene)
    village = approved(scene, "west_village", "west")
    campaign = scene["campaign"]
    # The village reported 80% itself; its standard asks for at least 90%.
    set_yearly_fact(
        scene["west_clerk"], scene["west_village"], 2026, "satisfaction_rate", Decimal(80)
    )
    ItemFactory(
        dimension__set__categories=["village"],
        dimension__set__year=2026,
        text="群众满意率不低于90%。",
        metric="satisfaction_rate",
        comparator=">=",
        threshold=90,
    )

    # The organiser publishes: the end date is computed as the form is filled.
    organiser = open_page()
    log_in(organiser, "organiser_clerk", PASSWORD)
    organiser.goto(f"/campaigns/{campaign.pk}/notices/")
    organiser.fill("#id_published_on", "2026-09-30")
    organiser.fill("#id_working_days", "5")
    organiser.locator("#id_working_days").dispatch_event("change")
    expect(organiser.locator("#ends-on")).to_have_text("公示截止日期：2026年10月13日（星期二）")
    organiser.get_by_label("幸福社区党支部（示范基层党组织）").check()
    organiser.get_by_label("西山村党支部（示范基层党组织）").check()
    organiser.fill("#id_contact", "电话 028-12345678")
    shot(organiser, "publish")
    organiser.get_by_role("button", name="发布公示").click()
    expect(organiser.locator(".alert-success")).to_contain_text("公示期至2026年10月13日（星期二）")
    public_url = organiser.locator("#public-url").inner_text()

    # A visitor on a phone, not logged in, objects during the period.
    today.day = datetime.date(2026, 10, 9)
    phone = open_page(PHONE)
    phone.goto(public_url)
    expect(phone.locator(".notice-title")).to_contain_text("拟命名对象的公示")
    expect(phone.locator("#public-candidates li")).to_have_count(2)
    expect(phone.locator(".notice-body")).to_contain_text("2026年9月30日至2026年10月13日")
    no_sideways_scroll(phone)
    shot(phone, "public-notice")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("[data-error-for=contact]")).to_contain_text("请填写联系方式")
    phone.fill("#id_contact", "13812345678")
    phone.select_option("#id_application", label="幸福社区党支部")
    phone.fill("#id_text", "该支部去年主题党日多次未开展，请核实。")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".alert-success")).to_contain_text("已收到您反映的情况")
    no_sideways_scroll(phone)
    shot(phone, "objected")

    # The organiser verifies and upholds it; the candidate leaves the list.
    organiser.reload()
    objection = organiser.locator(".objection").first
    expect(objection).to_contain_text("13812345678")
    objection.locator(".verify-form textarea").fill("经实地核查，反映情况属实。")
    objection.get_by_role("button", name="登记核查情况").click()
    expect(organiser.locator(".objection-state")).to_have_text("核查中")
    objection = organiser.locator(".objection").first
    objection.locator(".resolve-form select[name$=upheld]").select_option("1")
    objection.locator(".resolve-form textarea").fill("反映属实，取消该对象拟命名资格。")
    objection.get_by_role("button", name="处理").click()
    expect(organiser.locator(".alert-success")).to_contain_text("已从公示名单中取消该对象")
    expect(organiser.locator("#notice-candidates del")).to_have_text("幸福社区党支部")
    shot(organiser, "resolved")
    phone.goto(public_url)
    expect(phone.locator("#public-candidates li")).to_have_count(1)

    organiser.get_by_role("button", name="结束公示").click()
    expect(organiser.locator(".alert-danger")).to_contain_text("期满后方可结束公示")
    today.day = datetime.date(2026, 10, 14)
    organiser.get_by_role("button", name="结束公示").click()
    expect(organiser.locator("#notice-state")).to_have_text("已结束")

    # Survey tokens for the village, printed as QR codes.
    organiser.goto(f"/applications/{village.pk}/survey-tokens/")
    organiser.fill("#id_count", "6")
    organiser.get_by_role("button", name="生成测评码").click()
    cards = organiser.locator(".token-card")
    expect(cards).to_have_count(6)
    for index in range(6):
        box = cards.nth(index).locator("svg").bounding_box()
        assert box and box["width"] > 80 and box["height"] > 80
        assert cards.nth(index).locator("svg path").get_attribute("d")
    shot(organiser, "tokens")
    organiser.emulate_media(media="print")
    shot(organiser, "tokens-print")
    organiser.emulate_media(media="screen")
    survey_url = cards.first.locator(".token-url").inner_text()
    assert re.fullmatch(r"http://[^/]+/public/survey/[\w-]+/", survey_url)

    # One answered on a phone.
    phone.goto(survey_url)
    expect(phone.locator("#survey")).to_contain_text("西山村党支部")
    no_sideways_scroll(phone)
    shot(phone, "survey")
    phone.get_by_text("满意", exact=True).click()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#survey-done")).to_contain_text("提交成功")
    shot(phone, "thanks")
    phone.goto(survey_url)
    expect(phone.locator("#survey-done")).to_contain_text("该测评码已经使用过")

    # The rate: on the tally page, in the village's yearly facts and compliance.
    organiser.goto(f"/campaigns/{campaign.pk}/surveys/")
    expect(organiser.locator("[data-tally=西山村党支部] .tally-rate")).to_have_text("100.0%")
    shot(organiser, "tallies")
    organiser.goto(f"/orgs/{scene['west_village'].pk}/life/facts/?year=2026")
    facts = organiser.locator("#surveyed-facts")
    expect(facts).to_contain_text("群众满意率：100%")
    expect(facts).to_contain_text("自报：80%")
    shot(organiser, "facts")
    organiser.goto(f"/orgs/{scene['west_village'].pk}/standing/?year=2026")
    expect(organiser.locator("body")).to_contain_text("100%")
    shot(organiser, "standing")
    organiser.goto(
        f"/orgs/{scene['west_village'].pk}/standing/evidence/satisfaction_rate/?year=2026"
    )
    expect(organiser.locator("#fact-sources")).to_contain_text("满意度测评：100%（采用）")
    expect(organiser.locator("#fact-sources")).to_contain_text("自报：80%")
    assert community.pk  # the removed candidate stays on record
