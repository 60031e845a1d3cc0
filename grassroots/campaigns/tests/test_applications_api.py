"""The applications' API contract: applying answers the review chain, a reason over 1,000
characters is a 400 naming `reason`, a second application of an organisation a 400, after
the deadline a 409 DEADLINE_PASSED; opinions, ranked forwarding, evidence files, the
satisfaction survey, inspections; another subtree sees nothing; lists in fixed queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from grassroots.assessments.tests.factories import InspectionSampleFactory
from grassroots.campaigns.choices import ApplicationState, Opinion
from grassroots.campaigns.models import Application
from grassroots.campaigns.services import applications as services
from grassroots.campaigns.tests.factories import SurveyTallyFactory
from grassroots.orgs.choices import OrgKind

REASON = "对照示范建设标准，组织体系健全，服务群众成效明显。"


@pytest.fixture
def as_user(scene):
    def client(name):
        found = APIClient()
        found.force_authenticate(scene[name])
        return found

    return client


def url(scene):
    return f"/api/v1/campaigns/{scene['campaign'].pk}/applications/"


def apply(as_user, scene, org="community", user="branch_clerk", reason=REASON, level="demo"):
    body = {"org": scene[org].pk, "level": scene[level].pk, "reason": reason}
    return as_user(user).post(url(scene), body, format="json")


def test_apply_answers_the_chain(as_user, scene):
    response = apply(as_user, scene)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["chain"] == ["basic_committee", "upper_committee", "organiser"]
    assert body["id"] == Application.objects.get().pk
    assert body["satisfaction"] == {"responses": 0, "rate": None}
    # The basic committee applying for itself skips its own step.
    response = apply(as_user, scene, org="street", user="east_clerk")
    assert response.json()["chain"] == ["upper_committee", "organiser"]


def test_a_reason_of_1001_characters_names_the_field(as_user, scene):
    response = apply(as_user, scene, reason="理" * 1001)
    assert response.status_code == 400
    assert "reason" in response.json()
    assert apply(as_user, scene, reason="理" * 1000).status_code == 201


def test_a_second_application_of_one_org_is_refused(as_user, scene):
    assert apply(as_user, scene).status_code == 201
    response = apply(as_user, scene, user="east_clerk")
    assert response.status_code == 400
    assert response.json()["org"] == ["该党组织已申报本次创建，不能重复申报"]


def test_after_the_deadline_409(as_user, scene):
    created = apply(as_user, scene).json()
    campaign = scene["campaign"]
    campaign.application_deadline = datetime.date.today() - datetime.timedelta(days=1)
    campaign.save()
    response = apply(as_user, scene, org="village", user="east_clerk")
    assert response.status_code == 409
    assert response.json()["code"] == "DEADLINE_PASSED"
    response = as_user("branch_clerk").post(f"/api/v1/applications/{created['id']}/submit/")
    assert response.status_code == 409 and response.json()["code"] == "DEADLINE_PASSED"


def test_up_the_chain_by_the_api(as_user, scene):
    pk = apply(as_user, scene).json()["id"]
    detail = f"/api/v1/applications/{pk}/"
    clerk = as_user("branch_clerk")
    response = clerk.patch(detail, {"leader": "李书记"}, format="json")
    assert response.status_code == 200 and response.json()["leader"] == "李书记"
    assert clerk.patch(detail, {"reason": "字" * 1001}, format="json").status_code == 400
    response = clerk.post(detail + "submit/")
    assert response.json()["pending_step"] == "basic_committee"
    agree = {"opinion": Opinion.AGREE, "text": "同意推荐。"}
    # Not the reviewer of the step it waits at: 403; a clerk cannot give opinions.
    assert as_user("west_reviewer").post(detail + "opinions/", agree).status_code == 404
    assert as_user("organiser_clerk").post(detail + "opinions/", agree).status_code == 403
    assert as_user("street_reviewer").post(detail + "opinions/", agree).status_code == 200
    response = as_user("east_reviewer").post(detail + "opinions/", agree)
    assert response.json()["state"] == ApplicationState.RECOMMENDED
    forward = f"/api/v1/campaigns/{scene['campaign'].pk}/units/{scene['east'].pk}/forward/"
    assert as_user("east_clerk").post(forward, {"applications": [pk]}).status_code == 403
    response = as_user("east_reviewer").post(forward, {"applications": [pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()[0]["rank"] == 1
    response = as_user("organiser_reviewer").post(detail + "opinions/", agree)
    body = response.json()
    assert body["state"] == ApplicationState.APPROVED
    assert [(o["step"], o["signed_by"]) for o in body["opinions"]] == [
        ("basic_committee", scene["street_reviewer"].get_full_name() or "street_reviewer"),
        ("upper_committee", scene["east_reviewer"].get_full_name() or "east_reviewer"),
        ("organiser", scene["organiser_reviewer"].get_full_name() or "organiser_reviewer"),
    ]


def test_forward_over_the_quota_is_a_400(as_user, scene, make_org):
    ids = []
    for name in ("一", "二", "三"):
        org = make_org(f"西区{name}村党支部", scene["west"], kind=OrgKind.BRANCH)
        application = services.start_application(
            scene["west_clerk"], scene["campaign"], org, scene["demo"], REASON
        )
        application = services.submit_application(scene["west_clerk"], application)
        services.give_opinion(scene["west_reviewer"], application, Opinion.AGREE, "同意")
        ids.append(application.pk)
    forward = f"/api/v1/campaigns/{scene['campaign'].pk}/units/{scene['west'].pk}/forward/"
    response = as_user("west_reviewer").post(forward, {"applications": ids}, format="json")
    assert response.status_code == 400
    assert response.json()["applications"] == ["“示范基层党组织”上报3个，超出名额2个"]
    # Another subtree's unit is unknown; a unit without a quota is no recommending unit.
    assert as_user("east_reviewer").post(forward, {"applications": ids}).status_code == 404
    other = f"/api/v1/campaigns/{scene['campaign'].pk}/units/{scene['street'].pk}/forward/"
    assert as_user("east_reviewer").post(other, {"applications": ids}).status_code == 404


def test_the_satisfaction_of_the_application(as_user, scene):
    pk = apply(as_user, scene).json()["id"]
    SurveyTallyFactory(
        campaign=scene["campaign"],
        org=scene["community"],
        application_id=pk,
        satisfied=7,
        basically_satisfied=1,
        dissatisfied=2,
    )
    body = as_user("east_reviewer").get(f"/api/v1/applications/{pk}/").json()
    assert body["satisfaction"] == {"responses": 10, "rate": 80.0}


def test_evidence_files(as_user, scene):
    pk = apply(as_user, scene).json()["id"]
    pdf = SimpleUploadedFile("活动记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    clerk = as_user("branch_clerk")
    response = clerk.post(f"/api/v1/applications/{pk}/files/", {"file": pdf}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "活动记录.pdf"
    download = clerk.get(response.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert as_user("west_clerk").get(response.json()["url"]).status_code == 404
    bad = SimpleUploadedFile("a.pdf", b"nope")
    response = clerk.post(f"/api/v1/applications/{pk}/files/", {"file": bad}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_another_subtree_sees_nothing(as_user, scene):
    pk = apply(as_user, scene).json()["id"]
    outsider = as_user("west_clerk")
    assert outsider.get(url(scene)).json()["count"] == 0
    assert outsider.get(f"/api/v1/applications/{pk}/").status_code == 404
    assert outsider.patch(f"/api/v1/applications/{pk}/", {"leader": "x"}).status_code == 404
    assert outsider.post(f"/api/v1/applications/{pk}/submit/").status_code == 404
    assert outsider.post(f"/api/v1/applications/{pk}/opinions/", {}).status_code == 404
    assert outsider.post(f"/api/v1/applications/{pk}/files/", {}).status_code == 404
    # Applying for another subtree's organisation: it does not exist for the caller.
    response = apply(as_user, scene, org="village", user="west_clerk")
    assert response.status_code == 400 and "org" in response.json()
    assert as_user("east_reviewer").get(url(scene)).json()["count"] == 1


def test_the_list_filters_and_reads_in_fixed_queries(
    as_user, scene, make_org, django_assert_max_num_queries
):
    for index in range(6):
        org = make_org(f"东区{index}支部", scene["street"], kind=OrgKind.BRANCH)
        services.start_application(scene["east_clerk"], scene["campaign"], org, scene["demo"])
    reader = as_user("organiser_reviewer")
    with django_assert_max_num_queries(6):
        body = reader.get(url(scene)).json()
    assert body["count"] == 6
    assert reader.get(url(scene), {"unit": scene["west"].pk}).json()["count"] == 0
    assert reader.get(url(scene), {"state": "draft"}).json()["count"] == 6
    assert reader.get(url(scene), {"state": "approved"}).json()["count"] == 0
    assert reader.get(url(scene), {"level": scene["top"].pk}).json()["count"] == 0
    assert reader.get(url(scene), {"unit": "x"}).status_code == 400


def test_inspections(as_user, scene):
    pk = apply(as_user, scene).json()["id"]
    as_user("branch_clerk").post(f"/api/v1/applications/{pk}/submit/")
    body = {
        "assigned_by_org": scene["east"].pk,
        "team": [scene["inspector"].pk],
        "application": pk,
    }
    assert as_user("inspector").post("/api/v1/inspections/", body).status_code == 403
    response = as_user("east_reviewer").post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.json()
    (made,) = response.json()
    inspector = as_user("inspector")
    assert [i["id"] for i in inspector.get("/api/v1/inspections/").json()["results"]] == [
        made["id"]
    ]
    record = {
        "findings": [{"method": "site", "text": "阵地规范。", "shortfall": False}],
        "score": "95",
        "opinion": "同意推荐。",
    }
    path = f"/api/v1/inspections/{made['id']}/record/"
    assert as_user("east_reviewer").post(path, record, format="json").status_code == 403
    assert as_user("west_reviewer").post(path, record, format="json").status_code == 404
    response = inspector.post(path, record, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "recorded" and response.json()["score"] == 95
    assert inspector.post(path, record, format="json").status_code == 400
    assert as_user("west_clerk").get("/api/v1/inspections/").json()["count"] == 0


def test_a_sample_inspection_api(as_user, scene):
    sample = InspectionSampleFactory(
        org=scene["street"], drawn=[scene["community"].pk, scene["village"].pk]
    )
    body = {"assigned_by_org": scene["street"].pk, "team": [scene["inspector"].pk]}
    response = as_user("street_reviewer").post(
        "/api/v1/inspections/", {**body, "sample": sample.pk}, format="json"
    )
    assert response.status_code == 201 and len(response.json()) == 2
    response = as_user("west_reviewer").post(
        "/api/v1/inspections/",
        {**body, "assigned_by_org": scene["west"].pk, "sample": sample.pk},
        format="json",
    )
    assert response.status_code == 400
