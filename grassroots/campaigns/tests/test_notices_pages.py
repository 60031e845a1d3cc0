"""The notice and survey pages: the public ones without login, the organiser's behind the
subtree gate, the exports, the document and the token sheet's QR codes."""

import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from grassroots.campaigns.choices import ApplicationState, CampaignKind, NoticeState
from grassroots.campaigns.models import Objection, SurveyResponse, SurveyTally
from grassroots.campaigns.services import notices as services
from grassroots.core.choices import Role

from .notices_helpers import (
    DURING,
    ENDS,
    approved,
    load_calendar,
    on_day,
    sample_notice,
    workbook,
)


@pytest.fixture
def holidays(db):
    load_calendar()


@pytest.fixture
def notice(scene, holidays):
    return sample_notice(scene)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stranger(make_org, make_user):
    return make_user("stranger", role=Role.CLERK, org=make_org("外市委组织部"))


# --- the public notice -----------------------------------------------------------------------


def test_the_public_notice_shows_the_list_and_period_without_login(notice, monkeypatch):
    on_day(monkeypatch, DURING)
    page = Client().get(f"/public/notices/{notice.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "关于2026年基层党组织示范行动拟命名对象的公示" in text
    assert "幸福社区党支部" in text and "西山村党支部" in text
    assert "2026年9月30日至2026年10月13日（5个工作日）" in text
    assert "028-12345678" in text and "王建国" not in text
    assert 'name="contact"' in text


def test_an_objection_from_the_page_is_taken_and_a_bad_one_saves_nothing(notice, monkeypatch):
    on_day(monkeypatch, DURING)
    client = Client()
    page = client.post(f"/public/notices/{notice.pk}/", {"name": "李", "text": "反映问题"})
    assert page.status_code == 200
    assert "请填写联系方式" in page.content.decode()
    assert not Objection.objects.exists()
    target = notice.applications.first()
    page = client.post(
        f"/public/notices/{notice.pk}/",
        {"contact": "13812345678", "text": "反映问题", "application": target.pk},
        follow=True,
    )
    assert "已收到您反映的情况" in page.content.decode()
    assert Objection.objects.get().application == target


def test_after_the_period_the_form_is_gone(notice, monkeypatch):
    on_day(monkeypatch, ENDS.replace(day=14))
    page = Client().get(f"/public/notices/{notice.pk}/")
    assert 'name="contact"' not in page.content.decode()
    Client().post(f"/public/notices/{notice.pk}/", {"contact": "1", "text": "x"})
    assert not Objection.objects.exists()


# --- the organiser's notice pages ------------------------------------------------------------


def test_the_organiser_publishes_from_the_page_and_sees_the_end_date(scene, holidays):
    app = approved(scene)
    client = logged_in(scene["organiser_clerk"])
    campaign = scene["campaign"]
    end = client.get("/campaigns/notices/end/?published_on=2026-09-30&working_days=5")
    assert end.content.decode() == "公示截止日期：2026年10月13日（星期二）"
    missing = client.get("/campaigns/notices/end/?published_on=2031-09-30&working_days=5")
    assert "2031年" in missing.content.decode()
    page = client.post(
        f"/campaigns/{campaign.pk}/notices/",
        {"published_on": "2026-09-30", "working_days": 5, "applications": [app.pk]},
        follow=True,
    )
    assert "公示期至2026年10月13日（星期二）" in page.content.decode()
    assert campaign.notices.get().ends_on.isoformat() == "2026-10-13"


def test_notice_pages_of_another_subtree_are_404(scene, notice, stranger):
    client = logged_in(stranger)
    for url in (
        f"/campaigns/{scene['campaign'].pk}/notices/",
        f"/notices/{notice.pk}/",
        f"/notices/{notice.pk}/document/",
        f"/campaigns/{scene['campaign'].pk}/surveys/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_unit_sees_the_notice_but_not_the_objections(scene, notice):
    Objection.objects.create(notice=notice, contact="13812345678", text="反映问题")
    page = logged_in(scene["east_clerk"]).get(f"/notices/{notice.pk}/")
    assert page.status_code == 200 and "13812345678" not in page.content.decode()
    page = logged_in(scene["organiser_clerk"]).get(f"/notices/{notice.pk}/")
    assert "13812345678" in page.content.decode()


def test_the_organiser_resolves_and_closes_from_the_page(scene, notice, monkeypatch):
    on_day(monkeypatch, DURING)
    target = notice.applications.get(org=scene["community"])
    objection = services.object_to_notice(notice, "", "13812345678", "问题", application=target)
    client = logged_in(scene["organiser_clerk"])
    client.post(
        f"/objections/{objection.pk}/resolve/",
        {f"r{objection.pk}-upheld": "1", f"r{objection.pk}-reasons": "属实"},
    )
    target.refresh_from_db()
    assert target.state == ApplicationState.REMOVED
    page = client.post(f"/notices/{notice.pk}/close/", follow=True)
    assert "期满后方可结束公示" in page.content.decode()
    on_day(monkeypatch, ENDS.replace(day=14))
    client.post(f"/notices/{notice.pk}/close/")
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED


def test_the_notice_document_and_exports(scene, notice, django_assert_max_num_queries):
    services.object_to_notice(notice, "李", "13812345678", "问题", today=DURING)
    client = logged_in(scene["organiser_clerk"])
    answer = client.get(f"/notices/{notice.pk}/document/")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "关于2026年基层党组织示范行动拟命名对象的公示" in text
    assert "2026年9月30日至2026年10月13日（5个工作日）" in text and "市委组织部" in text
    table = Document(io.BytesIO(answer.content)).tables[0]
    assert [c.text for c in table.rows[1].cells][1:3] == ["幸福社区党支部", "示范基层党组织"]
    sheet = load_workbook(io.BytesIO(client.get(f"/notices/{notice.pk}/?format=xlsx").content))
    assert sheet.active["C2"].value == "13812345678"
    listed = client.get(f"/campaigns/{scene['campaign'].pk}/notices/?format=xlsx")
    assert load_workbook(io.BytesIO(listed.content)).active["D2"].value == 2
    assert "拟命名对象名单" in client.get(f"/notices/{notice.pk}/print/").content.decode()
    with django_assert_max_num_queries(20):
        assert client.get(f"/campaigns/{scene['campaign'].pk}/notices/").status_code == 200


# --- surveys ---------------------------------------------------------------------------------


def test_the_token_sheet_prints_qr_codes_with_their_urls(scene):
    app = approved(scene)
    client = logged_in(scene["east_clerk"])
    page = client.post(f"/applications/{app.pk}/survey-tokens/", {"count": 3}, follow=True)
    text = page.content.decode()
    assert text.count('<svg width="') == 3 and text.count('class="token-card"') == 3
    token = SurveyTally.objects.get().tokens.first().token
    assert f"http://testserver/public/survey/{token}/" in text
    sheet = client.get(f"/applications/{app.pk}/survey-tokens/?format=xlsx")
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == 4
    page = client.post(f"/applications/{app.pk}/survey-tokens/", {"count": 501})
    assert "500" in page.content.decode()


def test_the_survey_page_answers_once_without_login(scene):
    token = services.issue_tokens(scene["organiser_clerk"], approved(scene), 1)[0].token
    client = Client()
    page = client.get(f"/public/survey/{token}/")
    assert page.status_code == 200 and "幸福社区党支部" in page.content.decode()
    assert "满意" in page.content.decode() and "基本满意" in page.content.decode()
    page = client.post(f"/public/survey/{token}/", {})
    assert "请选择一项" in page.content.decode() and not SurveyResponse.objects.exists()
    page = client.post(f"/public/survey/{token}/", {"answer": "satisfied"})
    assert page.status_code == 201 and "感谢您的参与" in page.content.decode()
    page = client.get(f"/public/survey/{token}/")
    assert "该测评码已经使用过" in page.content.decode()
    assert Client().get("/public/survey/nothing/").status_code == 404


def test_the_tally_page_and_its_export(scene, django_assert_max_num_queries):
    tokens = services.issue_tokens(scene["organiser_clerk"], approved(scene), 2)
    services.answer_survey(tokens[0].token, "satisfied")
    services.answer_survey(tokens[1].token, "dissatisfied")
    client = logged_in(scene["organiser_clerk"])
    with django_assert_max_num_queries(20):
        page = client.get(f"/campaigns/{scene['campaign'].pk}/surveys/")
    assert "50.0%" in page.content.decode()
    sheet = client.get(f"/campaigns/{scene['campaign'].pk}/surveys/?format=xlsx")
    assert load_workbook(io.BytesIO(sheet.content)).active["G2"].value == 50


def template_names(client, url):
    sheet = load_workbook(io.BytesIO(client.get(url + "?template=1").content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_evaluator_imports_on_the_page(scene, tmp_path):
    url = f"/campaigns/{scene['campaign'].pk}/surveys/import/"
    assert logged_in(scene["organiser_clerk"]).get(url).status_code == 403
    client = logged_in(scene["evaluator"])
    assert client.get(url + "?template=1")["Content-Type"].startswith("application/vnd")
    # The template lists the approved applicants still to be evaluated, not the scanned.
    approved(scene)
    scanned = approved(scene, "west_village", "west")
    assert template_names(client, url) == ["幸福社区党支部", "西山村党支部"]
    token = services.issue_tokens(scene["organiser_clerk"], scanned, 1)[0]
    services.answer_survey(token.token, "satisfied")
    assert template_names(client, url) == ["幸福社区党支部"]
    page = client.post(url, {"file": workbook(tmp_path, [("没有这个支部", 1, 0, 0)])})
    assert page.status_code == 400 and "未找到" in page.content.decode()
    page = client.post(
        url, {"file": workbook(tmp_path, [("幸福社区党支部", 9, 1, 0)])}, follow=True
    )
    assert "导入成功" in page.content.decode()


def test_the_grading_page_says_how_it_grades(scene):
    campaign = scene["campaign"]
    assert (
        logged_in(scene["organiser_clerk"]).get(f"/campaigns/{campaign.pk}/grades/").status_code
        == 404
    )
    campaign.kind = CampaignKind.DEMONSTRATION_POINT
    campaign.save()
    client = logged_in(scene["organiser_clerk"])
    page = client.post(f"/campaigns/{campaign.pk}/grades/", follow=True)
    text = page.content.decode()
    assert "已为3个党组织分类定级" in text
    assert "文件未规定权重和分数线" in text and "优秀 ≥ 90" in text
    assert (
        logged_in(scene["east_clerk"]).post(f"/campaigns/{campaign.pk}/grades/").status_code == 403
    )
