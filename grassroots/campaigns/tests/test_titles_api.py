"""API v1 of decisions, titles, re-reviews, spot checks and the filing register: the same
services as the pages, errors as 400 naming the field, 403 for a role that may not act,
404 for another subtree on every endpoint, lists with a fixed number of queries, and the
public list without authentication."""

import pytest
from rest_framework.test import APIClient

from grassroots.campaigns.choices import TitleState
from grassroots.campaigns.models import Filing, Title
from grassroots.core.choices import Role

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


@pytest.fixture
def stranger(make_org, make_user):
    elsewhere = make_org("另一个市委组织部")
    return make_user("stranger", role=Role.ADMIN, org=elsewhere)


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def decision_body(naming, demo, top=()):
    return {
        "decided_on": str(TODAY),
        "body": "部务会",
        "named_on": str(TODAY),
        "document_number": "青组〔2026〕8号",
        "names": {"demo": ids(naming, *demo), "top": ids(naming, *top)},
    }


def test_recording_and_reading_the_decision(naming):
    url = f"/api/v1/campaigns/{naming['campaign'].pk}/decision/"
    client = client_of(naming["organiser_reviewer"])
    assert client.get(url).status_code == 404
    over = decision_body(naming, ["community", "village", "west_village", "more", "extra"])
    refused = client.post(url, over, format="json")
    assert refused.status_code == 400
    assert "“示范基层党组织”拟命名4个，名单有5个" in refused.json()["names"]
    created = client.post(url, decision_body(naming, ["community"], ["community"]), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["body"] == "部务会"
    assert sorted(t["certificate_number"] for t in body["titles"]) == [
        f"{TODAY.year}-十佳-0001",
        f"{TODAY.year}-示范-0001",
    ]
    assert client.get(url).json()["id"] == body["id"]


def test_the_decision_is_the_organisers_reviewers(naming, stranger):
    url = f"/api/v1/campaigns/{naming['campaign'].pk}/decision/"
    body = decision_body(naming, ["community"])
    assert client_of(naming["organiser_clerk"]).post(url, body, format="json").status_code == 403
    assert client_of(stranger).post(url, body, format="json").status_code == 404
    assert client_of(stranger).get(url).status_code == 404


def test_the_titles_list_filters_and_reads_fixed_queries(
    named, make_org, django_assert_max_num_queries
):
    client = client_of(named["organiser_reviewer"])
    for i in range(10):
        org = make_org(f"第{i}党支部", named["west"])
        TitleFactory(campaign=named["campaign"], level=named["demo"], org=org, named_on=TODAY)
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/titles/")
    assert listed.json()["count"] == 13
    assert client.get("/api/v1/titles/?expiring=3650").json()["count"] == 13
    ancestor = f"/api/v1/titles/?ancestor={named['street'].pk}"
    assert client.get(ancestor).json()["count"] == 3
    campaign = f"/api/v1/titles/?campaign={named['campaign'].pk}&state=warned"
    assert client.get(campaign).json()["count"] == 0
    assert client.get("/api/v1/titles/?expiring=-1").status_code == 400
    assert client.get("/api/v1/titles/?expiring=5000").status_code == 400
    # A district sees its own subtree's titles only.
    west = client_of(named["west_reviewer"]).get("/api/v1/titles/").json()
    assert west["count"] == 10


def test_warning_and_revoking_a_title(named):
    title = named["title"]
    client = client_of(named["organiser_reviewer"])
    base = f"/api/v1/titles/{title.pk}/"
    refused = client.post(f"{base}revoke/", {"reason": "效果差"}, format="json")
    assert refused.status_code == 400
    assert "称号尚未预警整改" in refused.json()["title"][0]
    warned = client.post(f"{base}warn/", {"reason": "组织生活不规范", "deadline": str(TODAY)})
    assert warned.status_code == 200, warned.json()
    assert warned.json()["state"] == TitleState.WARNED
    assert warned.json()["warnings"][0]["task_status"] == "open"
    assert client.post(f"{base}lift-warning/").status_code == 400
    revoked = client.post(
        f"{base}revoke/", {"reason": "拒不整改", "without_warning": True}, format="json"
    )
    assert revoked.json()["state"] == TitleState.REVOKED
    assert client.get(base).json()["revoked_reason"] == "未经预警整改直接撤销：拒不整改"


def test_title_actions_are_refused_to_others(named, stranger):
    base = f"/api/v1/titles/{named['title'].pk}/"
    body = {"reason": "原因", "deadline": str(TODAY)}
    assert client_of(named["east_reviewer"]).post(f"{base}warn/", body).status_code == 403
    assert client_of(stranger).post(f"{base}warn/", body).status_code == 404
    assert client_of(stranger).get(base).status_code == 404
    assert client_of(stranger).get("/api/v1/titles/").json()["count"] == 0


def test_completing_a_re_review(named, stranger):
    re_review = named["title"].re_reviews.get()
    url = f"/api/v1/re-reviews/{re_review.pk}/complete/"
    assert client_of(stranger).post(url, {"result": "passed"}).status_code == 404
    assert client_of(named["east_reviewer"]).post(url, {"result": "passed"}).status_code == 403
    client = client_of(named["organiser_reviewer"])
    assert client.post(url, {"result": "rectify"}).status_code == 400
    done = client.post(url, {"result": "passed", "note": "合格"})
    assert done.status_code == 200
    assert done.json()["done_on"] == str(TODAY)


def test_drawing_a_spot_check(named, stranger):
    url = f"/api/v1/campaigns/{named['campaign'].pk}/spot-checks/"
    body = {"share": "1", "seed": 42, "team": [named["inspector"].pk]}
    assert client_of(stranger).post(url, body, format="json").status_code == 404
    assert client_of(named["east_clerk"]).post(url, body, format="json").status_code == 403
    drawn = client_of(named["organiser_reviewer"]).post(url, body, format="json")
    assert drawn.status_code == 201, drawn.json()
    assert drawn.json()["seed"] == 42
    assert drawn.json()["drawn"] == sorted([named["community"].pk, named["village"].pk])
    assert len(drawn.json()["inspections"]) == 2


def test_the_filing_register(filing, stranger, make_user, django_assert_max_num_queries):
    url = f"/api/v1/campaigns/{filing['filing'].pk}/filings/"
    clerk = client_of(filing["east_clerk"])
    body = {
        "unit": filing["east"].pk,
        "org": filing["community"].pk,
        "leader": "王建国",
        "covered_people": 1200,
        "phone": "13812345678",
        "address": "幸福路1号",
    }
    created = clerk.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["org_type"] == "城镇社区"
    clerk.post(url, {**body, "org": filing["village"].pk}, format="json")
    over = clerk.post(url, {**body, "org": filing["street"].pk}, format="json")
    assert over.status_code == 400
    assert "unit" in over.json()
    viewer = make_user("east_viewer", role=Role.VIEWER, org=filing["east"])
    with django_assert_max_num_queries(8):
        listed = client_of(viewer).get(url).json()
    assert listed["count"] == 2
    assert {row["phone"] for row in listed["results"]} == {"138****5678"}
    row = Filing.objects.get(org=filing["village"])
    withdraw = f"/api/v1/filings/{row.pk}/withdraw/"
    assert client_of(stranger).post(withdraw).status_code == 404
    assert client_of(viewer).post(withdraw).status_code == 403
    assert clerk.post(withdraw).json()["withdrawn"] is True
    assert clerk.get(url).json()["count"] == 1
    assert clerk.get(f"{url}?withdrawn=true").json()["count"] == 1
    assert client_of(stranger).get(url).status_code == 404
    assert client_of(stranger).post(url, body, format="json").status_code == 404


def test_the_public_list_needs_no_authentication(named):
    Title.objects.filter(pk=named["title"].pk).update(state=TitleState.REVOKED)
    listed = APIClient().get("/api/v1/public/titles/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert {row["org_name"] for row in rows} == {"幸福社区党支部"}
    assert set(rows[0]) == {"org_name", "title", "campaign", "organiser", "named_on", "valid_until"}
