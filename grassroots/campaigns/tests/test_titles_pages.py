"""The decision, titles and filing pages: the decision recorded from the ticked boxes, the
命名通知 and certificates as Word files, the register (fixed queries, export), a title's
warning and revocation, the public list without login and without personal data, the
filing register with its quota, withdrawal and the seed's table; another subtree 404."""

import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from grassroots.campaigns.choices import TitleState
from grassroots.campaigns.models import Decision, Filing, Title
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind

from .factories import TitleFactory
from .test_titles_services import TODAY, ids, with_approved, with_filing, with_titles


@pytest.fixture
def naming(scene, make_org):
    return with_approved(scene, make_org)


@pytest.fixture
def named(naming):
    return with_titles(naming)


@pytest.fixture
def filing(scene):
    return with_filing(scene)


def docx_text(response):
    document = Document(io.BytesIO(b"".join(response)))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("|".join(cell.text for cell in row.cells))
    return "\n".join(lines)


@pytest.fixture
def stranger(make_org, make_user):
    elsewhere = make_org("另一个市委组织部")
    return make_user("stranger", role=Role.REVIEWER, org=elsewhere)


def test_the_organiser_records_the_decision_from_the_ticked_boxes(naming, client):
    client.force_login(naming["organiser_reviewer"])
    url = f"/campaigns/{naming['campaign'].pk}/decision/"
    page = client.get(url)
    assert page.status_code == 200
    assert "幸福社区党支部" in page.content.decode()
    over = ids(naming, "community", "village", "west_village", "more", "extra")
    form = {"decided_on": TODAY, "body": "部务会", "named_on": TODAY, "document_number": ""}
    refused = client.post(url, {**form, "names-demo": over})
    assert "“示范基层党组织”拟命名4个，名单有5个" in refused.content.decode()
    assert not Decision.objects.exists()
    done = client.post(
        url,
        {
            **form,
            "document_number": "青组〔2026〕8号",
            "names-demo": ids(naming, "community", "village"),
            "names-top": ids(naming, "community"),
        },
    )
    assert done.status_code == 302
    assert Title.objects.count() == 3
    shown = client.get(url).content.decode()
    assert "命名通知（Word）" in shown

    notice = docx_text(client.get(f"{url}notice/"))
    assert "关于命名" in notice and "“十佳示范基层党组织”的通知" in notice
    assert "青组〔2026〕8号" in notice
    assert "一、示范基层党组织（2个）" in notice
    assert "幸福社区党支部、和平村党支部" in notice
    assert "东区区委组织部，西区区委组织部：" in notice
    certificates = client.get(f"{url}certificates/")
    text = docx_text(certificates)
    assert text.count("荣 誉 证 书") == 3
    assert "被命名为“十佳示范基层党组织”" in text
    assert f"有效期至：{TODAY.year + 3}年" in text


def test_a_clerk_may_not_record_the_decision(naming, client):
    client.force_login(naming["organiser_clerk"])
    url = f"/campaigns/{naming['campaign'].pk}/decision/"
    assert "记录审定并命名" not in client.get(url).content.decode()
    assert client.post(url, {"body": "部务会"}).status_code == 403


def test_another_tree_sees_no_decision_title_or_register(named, client, stranger):
    client.force_login(stranger)
    campaign = named["campaign"]
    title = named["title"]
    for url in (
        f"/campaigns/{campaign.pk}/decision/",
        f"/campaigns/{campaign.pk}/decision/notice/",
        f"/titles/{title.pk}/",
        f"/titles/{title.pk}/certificate/",
    ):
        assert client.get(url).status_code == 404, url
    assert "和平村党支部" not in client.get("/titles/").content.decode()


def test_the_register_reads_a_fixed_number_of_queries(
    named, client, make_org, django_assert_max_num_queries
):
    client.force_login(named["organiser_reviewer"])
    with django_assert_max_num_queries(12):
        page = client.get("/titles/")
    assert page.content.decode().count("data-title=") == 3
    for i in range(20):
        org = make_org(f"第{i}党支部", named["west"])
        TitleFactory(campaign=named["campaign"], level=named["demo"], org=org, named_on=TODAY)
    with django_assert_max_num_queries(12):
        page = client.get("/titles/?state=current")
    assert page.content.decode().count("data-title=") == 23
    export = client.get("/titles/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:3] == ["证书编号", "党组织", "称号"]
    assert sheet.max_row == 24


def test_the_register_filters_expiring_and_revoked(named, client):
    client.force_login(named["organiser_reviewer"])
    Title.objects.filter(pk=named["title"].pk).update(
        valid_until=TODAY + datetime.timedelta(days=10)
    )
    page = client.get("/titles/?expiring=30").content.decode()
    assert page.count("data-title=") == 1
    Title.objects.filter(pk=named["title"].pk).update(state=TitleState.REVOKED)
    assert client.get("/titles/?expiring=30").content.decode().count("data-title=") == 0
    assert client.get("/titles/?state=revoked").content.decode().count("data-title=") == 1


def test_a_title_is_warned_then_revoked_on_its_page(named, client):
    title = named["title"]
    client.force_login(named["organiser_reviewer"])
    url = f"/titles/{title.pk}/"
    refused = client.post(url, {"action": "revoke", "revoke-reason": "效果差"})
    assert "称号尚未预警整改" in refused.content.decode()
    client.post(
        url,
        {"action": "warn", "warn-reason": "组织生活不规范", "warn-deadline": TODAY},
    )
    title.refresh_from_db()
    assert title.state == TitleState.WARNED
    page = client.get(url).content.decode()
    assert "整改任务：待整改" in page
    client.post(
        url,
        {
            "action": "revoke",
            "revoke-reason": "限期内未完成整改",
            "revoke-without_warning": "on",
        },
    )
    title.refresh_from_db()
    assert title.state == TitleState.REVOKED


def test_a_district_reviewer_sees_but_does_not_act(named, client):
    client.force_login(named["east_reviewer"])
    url = f"/titles/{named['title'].pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "warn-form" not in page.content.decode()
    assert client.post(url, {"action": "warn"}).status_code == 403


def test_the_public_list_needs_no_login_and_shows_current_titles_only(named, client):
    Title.objects.filter(pk=named["title"].pk).update(state=TitleState.REVOKED)
    page = client.get("/public/titles/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("data-title") == 2
    assert "和平村党支部" not in text
    assert "幸福社区党支部" in text


# --- the filing register ----------------------------------------------------------------------


def test_the_filing_register_page_files_withdraws_and_exports(filing, client, make_org):
    client.force_login(filing["east_clerk"])
    url = f"/campaigns/{filing['filing'].pk}/filings/"
    assert client.get(url).status_code == 200
    data = {
        "unit": filing["east"].pk,
        "org": filing["community"].pk,
        "leader": "王建国",
        "covered_people": "1200",
        "phone": "13812345678",
        "address": "幸福路1号",
    }
    assert client.post(url, data).status_code == 302
    organ = make_org("东区机关党支部", filing["east"], kind=OrgKind.BRANCH, category=Category.ORGAN)
    client.post(url, {**data, "org": organ.pk})
    over = client.post(url, {**data, "org": filing["street"].pk}).content.decode()
    assert "备案名额2个，已备案2个" in over
    assert "data-check" not in client.get(url).content.decode()  # 1 community of 2: 50%
    row = Filing.objects.get(org=organ)
    client.post(f"/filings/{row.pk}/withdraw/")
    row.refresh_from_db()
    assert row.withdrawn
    assert "村（社区）1个，占100%" in client.get(url).content.decode()

    text = docx_text(client.get(f"{url}export/docx/"))
    assert f"“青川先锋”基层党组织示范建设备案登记表（{TODAY.year}年）" in text
    assert "填报单位：东区区委组织部" in text
    assert "序号|党组织名称|类型|党员\n人数|覆盖\n群众|党组织\n负责人|联系电话|地\u3000址" in text
    assert "1|幸福社区党支部|城镇社区|0|1200|王建国|13812345678|幸福路1号" in text
    assert "东区机关党支部" not in text  # withdrawn

    sheet = load_workbook(io.BytesIO(client.get(f"{url}export/xlsx/").content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("“青川先锋”基层党组织示范建设备案登记表")
    assert values[1][0] == "填报单位：东区区委组织部"
    assert values[2][0] == "序号"
    assert values[3][:3] == [1, "幸福社区党支部", "城镇社区"]


def test_the_phone_is_masked_in_the_export_without_personal_data(filing, client, make_user):
    client.force_login(filing["east_clerk"])
    url = f"/campaigns/{filing['filing'].pk}/filings/"
    client.post(
        url,
        {
            "unit": filing["east"].pk,
            "org": filing["community"].pk,
            "leader": "王建国",
            "phone": "13812345678",
        },
    )
    viewer = make_user("east_viewer", role=Role.VIEWER, org=filing["east"])
    client.force_login(viewer)
    text = docx_text(client.get(f"{url}export/docx/"))
    assert "138****5678" in text and "13812345678" not in text
    assert client.post(url, {"unit": filing["east"].pk}).status_code == 403
