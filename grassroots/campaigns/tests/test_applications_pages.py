"""The applications' pages: applying pre-filled from the registry, the application with its
chain and actions, the review queue, the unit's ranking, the lists and their Excel, the
inspections; another subtree gets 404; lists read a fixed number of queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from grassroots.campaigns.choices import ApplicationState, InspectionState, Opinion
from grassroots.campaigns.models import Application, Inspection
from grassroots.campaigns.services import applications as services
from grassroots.orgs.choices import OrgKind

REASON = "对照示范建设标准，组织体系健全，服务群众成效明显。"


@pytest.fixture
def as_user(client, scene):
    def log_in(name):
        client.force_login(scene[name])
        return client

    return log_in


def started(scene, org="community", user="branch_clerk"):
    return services.start_application(
        scene[user], scene["campaign"], scene[org], scene["demo"], REASON
    )


def in_review(scene):
    return services.submit_application(scene["branch_clerk"], started(scene))


def sheet_rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_apply_page_prefills_and_creates(as_user, scene):
    client = as_user("branch_clerk")
    url = f"/campaigns/{scene['campaign'].pk}/apply/"
    page = client.get(url).content.decode()
    # The clerk edits one organisation: it is chosen and its registry data shown.
    assert "幸福社区党支部" in page and "中共幸福街道工作委员会" in page
    assert 'data-counter="1000"' in page
    response = client.post(
        url, {"org": scene["community"].pk, "level": scene["demo"].pk, "reason": "字" * 1001}
    )
    assert "申报理由不超过1000字" in response.content.decode()
    response = client.post(
        url, {"org": scene["community"].pk, "level": scene["demo"].pk, "reason": REASON}
    )
    application = Application.objects.get()
    assert response.url == f"/applications/{application.pk}/"
    page = client.get(url).content.decode()
    assert "接下来要做什么" in page and "提交审核" in page


def test_the_applicant_corrects_uploads_and_submits(as_user, scene):
    application = started(scene)
    client = as_user("branch_clerk")
    base = f"/applications/{application.pk}/"
    data = {"leader": "李书记", "category": "城镇社区", "location": "幸福街道", "reason": REASON}
    assert client.post(base + "edit/", data).status_code == 302
    pdf = SimpleUploadedFile("活动.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(base + "files/", {"file": pdf})
    evidence = application.files.get()
    assert client.get(f"/applications/files/{evidence.pk}/").status_code == 200
    client.post(base + "act/", {"action": "submit"})
    application.refresh_from_db()
    assert (application.leader, application.state) == ("李书记", ApplicationState.IN_REVIEW)
    page = client.get(base).content.decode()
    assert "等待中共幸福街道工作委员会填写“基层党委意见”" in page
    assert 'id="submit-button"' not in page


def test_the_reviewer_signs_on_the_page(as_user, scene):
    application = in_review(scene)
    client = as_user("street_reviewer")
    page = client.get("/applications/review/").content.decode()
    assert "基层党委意见" in page and "幸福社区党支部" in page
    base = f"/applications/{application.pk}/"
    assert 'id="opinion-button"' in client.get(base).content.decode()
    client.post(base + "opinion/", {"opinion": Opinion.AGREE, "text": "同意推荐。"})
    application.refresh_from_db()
    assert application.pending_org == scene["east"]
    assert "同意推荐。" in client.get(base).content.decode()


def test_the_unit_ranks_and_forwards(as_user, scene, make_org):
    ids = []
    for name in ("一", "二", "三"):
        org = make_org(f"西区{name}村党支部", scene["west"], kind=OrgKind.BRANCH)
        application = services.start_application(
            scene["west_clerk"], scene["campaign"], org, scene["demo"], REASON
        )
        application = services.submit_application(scene["west_clerk"], application)
        services.give_opinion(scene["west_reviewer"], application, Opinion.AGREE, "同意")
        ids.append(application.pk)
    client = as_user("west_reviewer")
    assert "排序上报" in client.get("/applications/review/").content.decode()
    url = f"/campaigns/{scene['campaign'].pk}/units/{scene['west'].pk}/rank/"
    page = client.get(url).content.decode()
    assert "名额 <strong>2</strong>" in page
    response = client.post(url, {f"rank-{pk}": str(i + 1) for i, pk in enumerate(ids)})
    assert "超出名额2个" in response.content.decode()
    response = client.post(url, {f"rank-{ids[2]}": "1", f"rank-{ids[0]}": "2"})
    assert response.status_code == 302
    assert dict(Application.objects.filter(rank__isnull=False).values_list("pk", "rank")) == {
        ids[2]: 1,
        ids[0]: 2,
    }
    assert as_user("east_reviewer").get(url).status_code == 404


def test_the_document_downloads(as_user, scene):
    application = in_review(scene)
    response = as_user("east_reviewer").get(f"/applications/{application.pk}/document/")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response.headers["Content-Disposition"]


def test_lists_export_to_excel(as_user, scene):
    in_review(scene)
    client = as_user("organiser_reviewer")
    rows = sheet_rows(
        client.get(f"/campaigns/{scene['campaign'].pk}/applications/", {"format": "xlsx"})
    )
    assert rows[0][:3] == ("推荐单位", "申报党组织", "申报称号")
    assert rows[1][:2] == ("东区区委组织部", "幸福社区党支部")
    rows = sheet_rows(as_user("street_reviewer").get("/applications/review/?format=xlsx"))
    assert rows[1][:3] == ("基层党委意见", "东区区委组织部", "幸福社区党支部")


def test_another_subtree_gets_404(as_user, scene):
    application = in_review(scene)
    client = as_user("west_clerk")
    for url in ("", "document/"):
        assert client.get(f"/applications/{application.pk}/{url}").status_code == 404
    assert (
        client.post(f"/applications/{application.pk}/act/", {"action": "submit"}).status_code == 404
    )
    assert "幸福社区" not in client.get("/applications/review/").content.decode()


def test_inspection_pages(as_user, scene):
    application = in_review(scene)
    client = as_user("east_reviewer")
    url = f"/inspections/new/?application={application.pk}"
    page = client.get(url).content.decode()
    assert "inspector" in page
    client.post(
        url,
        {"assigned_by_org": scene["east"].pk, "team": [scene["inspector"].pk], "due_on": ""},
    )
    inspection = Inspection.objects.get()
    client = as_user("inspector")
    assert "幸福社区党支部" in client.get("/inspections/").content.decode()
    detail = f"/inspections/{inspection.pk}/"
    response = client.post(detail, {"opinion": "同意", "inspected_on": "2026-12-01"})
    assert "请至少按一种方式填写发现情况" in response.content.decode()
    response = client.post(
        detail,
        {
            "documents_text": "台账齐全。",
            "site_text": "阵地规范。",
            "site_shortfall": "on",
            "score": "93",
            "opinion": "同意推荐。",
            "inspected_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECORDED and inspection.findings.count() == 2
    rows = sheet_rows(client.get("/inspections/?format=xlsx"))
    assert rows[1][0] == "幸福社区党支部"
    assert as_user("west_clerk").get(detail).status_code == 404


def test_lists_in_fixed_queries(as_user, scene, make_org, django_assert_max_num_queries):
    for index in range(8):
        org = make_org(f"东区{index}支部", scene["street"], kind=OrgKind.BRANCH)
        application = services.start_application(
            scene["east_clerk"], scene["campaign"], org, scene["demo"], REASON
        )
        services.submit_application(scene["east_clerk"], application)
    client = as_user("street_reviewer")
    with django_assert_max_num_queries(12):
        client.get("/applications/review/")
    client = as_user("organiser_reviewer")
    with django_assert_max_num_queries(14):
        client.get(f"/campaigns/{scene['campaign'].pk}/applications/")
