"""API v1 of campaigns: the contract (create → 201 with "id", checks with their codes, the
quota table replaced whole, the stage advanced), another subtree's 404 on every endpoint,
the wrong role's 403, bad input as 400 naming the field with nothing saved, and a list in a
fixed number of queries."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grassroots.campaigns.choices import ApplicationState, CampaignKind, CheckCode, StageCode
from grassroots.campaigns.models import Campaign, Quota
from grassroots.campaigns.tests.factories import ApplicationFactory
from grassroots.core.choices import Role
from grassroots.orgs.choices import OrgKind
from grassroots.standards.tests.factories import StandardSetFactory

DEADLINE = timezone.localdate() + datetime.timedelta(days=20)


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(scene, **changes):
    return {
        "title": "2026年“青川先锋”基层党组织示范行动",
        "kind": "naming",
        "organiser": scene["root"].pk,
        "year": timezone.localdate().year,
        "levels": [
            {"code": "demo", "name": "示范基层党组织", "to_name": 260},
            {"code": "top", "name": "十佳示范基层党组织", "to_name": 10, "chosen_from": "demo"},
        ],
        "validity_years": 3,
        "application_deadline": DEADLINE.isoformat(),
        "standards": ["s000-village"],
        **changes,
    }


@pytest.fixture
def stranger(make_org, make_user):
    elsewhere = make_org("另一个市委组织部", kind=OrgKind.DEPARTMENT)
    return make_user("stranger", role=Role.CLERK, org=elsewhere)


def test_create_answers_201_with_the_campaign(scene):
    StandardSetFactory(code="s000-village")
    response = client(scene["organiser_clerk"]).post("/api/v1/campaigns/", body(scene), "json")
    assert response.status_code == 201, response.data
    data = response.json()
    campaign = Campaign.objects.get(pk=data["id"])
    assert campaign.kind == CampaignKind.NAMING
    assert data["stage"] == "application"
    assert [level["code"] for level in data["levels"]] == ["demo", "top"]
    assert data["levels"][1]["chosen_from"] == "demo"
    assert data["standards"] == ["s000-village"]
    assert [stage["code"] for stage in data["stages"]] == [
        "application",
        "review",
        "notice",
        "survey",
        "decision",
        "naming",
    ]
    assert data["stages"][0]["deadline"] == DEADLINE.isoformat()
    assert data["stages"][0]["late"] is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"year": 1999}, "year"),
        ({"levels": []}, "levels"),
        ({"levels": [{"code": "demo", "name": "示范"}]}, "levels"),
        (
            {"levels": [{"code": "top", "name": "十佳", "to_name": 1, "chosen_from": "demo"}]},
            "levels",
        ),
        ({"standards": ["nowhere"]}, "standards"),
        ({"application_deadline": "2026-13-01"}, "application_deadline"),
        ({"validity_years": 0}, "validity_years"),
        ({"stages": [{"code": "review", "deadline": "2000-01-01"}]}, "deadlines"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(scene, changes, field):
    StandardSetFactory(code="s000-village")
    before = Campaign.objects.count()
    response = client(scene["organiser_clerk"]).post(
        "/api/v1/campaigns/", body(scene, **changes), "json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Campaign.objects.count() == before


def test_an_organiser_out_of_reach_is_a_400_on_organiser(scene, stranger):
    StandardSetFactory(code="s000-village")
    other = client(stranger).post("/api/v1/campaigns/", body(scene), "json")
    assert other.status_code == 400
    assert "不在您的管辖范围内" in other.json()["organiser"][0]
    below = client(scene["east_clerk"]).post("/api/v1/campaigns/", body(scene), "json")
    assert below.status_code == 400
    assert "organiser" in below.json()
    reviewer = client(scene["organiser_reviewer"]).post("/api/v1/campaigns/", body(scene), "json")
    assert reviewer.status_code == 403


def test_list_and_detail_are_seen_by_the_field(scene, stranger):
    campaign = scene["campaign"]
    for name in ("organiser_clerk", "branch_clerk", "west_reviewer", "evaluator"):
        listed = client(scene[name]).get("/api/v1/campaigns/").json()["results"]
        assert [row["id"] for row in listed] == [campaign.pk]
    detail = client(scene["branch_clerk"]).get(f"/api/v1/campaigns/{campaign.pk}/")
    assert detail.status_code == 200
    assert detail.json()["title"] == campaign.title
    assert client(stranger).get("/api/v1/campaigns/").json()["results"] == []


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("get", "checks/", None),
        ("get", "quotas/", None),
        ("put", "quotas/", []),
        ("post", "advance/", None),
    ],
)
def test_another_subtree_gets_404_on_every_endpoint(scene, stranger, method, suffix, payload):
    url = f"/api/v1/campaigns/{scene['campaign'].pk}/{suffix}"
    response = getattr(client(stranger), method)(url, payload, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "suffix"), [("put", "quotas/"), ("post", "advance/")])
def test_the_field_sees_but_does_not_change(scene, method, suffix):
    url = f"/api/v1/campaigns/{scene['campaign'].pk}/{suffix}"
    response = getattr(client(scene["east_clerk"]), method)(url, [], format="json")
    assert response.status_code == 403


def test_checks_answer_code_severity_and_message(scene):
    campaign = scene["campaign"]  # 4 demo to name with 6 quotas: 20% is 5, kept
    ApplicationFactory(
        campaign=campaign,
        level=scene["top"],
        unit=scene["west"],
        org=scene["west_village"],
        state=ApplicationState.IN_REVIEW,
        created_by=scene["branch_clerk"],
    )
    response = client(scene["west_clerk"]).get(f"/api/v1/campaigns/{campaign.pk}/checks/")
    assert response.status_code == 200
    checks = {check["code"]: check for check in response.json()}
    assert set(checks) == {CheckCode.TOP_NOT_NOMINATED, CheckCode.VILLAGE_SHARE}
    top = checks[CheckCode.TOP_NOT_NOMINATED]
    assert set(top) == {"code", "severity", "message", "unit", "level"}
    assert (top["severity"], top["level"]) == ("error", "top")
    assert "西山村党支部" in top["message"]
    share = checks[CheckCode.VILLAGE_SHARE]  # west: its one nomination is a village
    assert (share["severity"], share["unit"]) == ("warning", scene["west"].pk)


def test_put_quotas_replaces_the_table_and_get_reads_it(scene):
    campaign = scene["campaign"]
    url = f"/api/v1/campaigns/{campaign.pk}/quotas/"
    rows = [
        {"unit": scene["east"].pk, "level": "demo", "quota": 3},
        {"unit": scene["outside"].pk, "level": "top", "quota": 0},
    ]
    response = client(scene["organiser_clerk"]).put(url, rows, format="json")
    assert response.status_code == 200, response.data
    assert response.json() == [
        {"unit": scene["east"].pk, "unit_name": "东区区委组织部", "level": "demo", "quota": 3},
        {"unit": scene["outside"].pk, "unit_name": "南区区委组织部", "level": "top", "quota": 0},
    ]
    assert client(scene["east_clerk"]).get(url).json() == response.json()
    checks = client(scene["east_clerk"]).get(f"/api/v1/campaigns/{campaign.pk}/checks/").json()
    assert {c["code"] for c in checks} == {CheckCode.SURPLUS_TOO_LOW}


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"level": "demo", "quota": -1}, "quota"),
        ({"level": "demo", "quota": "x"}, "quota"),
        ({"level": "gold", "quota": 1}, "level"),
        ({"unit": 10**9, "level": "demo", "quota": 1}, "unit"),
    ],
)
def test_a_bad_quota_row_is_a_400_and_nothing_changes(scene, row, field):
    campaign = scene["campaign"]
    before = sorted(Quota.objects.values_list("unit_id", "level_id", "quota"))
    rows = [
        {"unit": scene["west"].pk, "level": "demo", "quota": 7},
        {"unit": scene["east"].pk, **row},
    ]
    response = client(scene["organiser_clerk"]).put(
        f"/api/v1/campaigns/{campaign.pk}/quotas/", rows, format="json"
    )
    assert response.status_code == 400
    data = response.json()
    # Row errors come as the schema's non_field_errors, "第2行 quota：…"; the service's as
    # the field.
    messages = data.get("non_field_errors", [])
    assert field in data or any(m.startswith(f"第2行 {field}") for m in messages)
    assert sorted(Quota.objects.values_list("unit_id", "level_id", "quota")) == before


def test_the_organiser_itself_holds_no_quota(scene):
    campaign = scene["campaign"]
    rows = [{"unit": scene["root"].pk, "level": "demo", "quota": 1}]
    response = client(scene["organiser_clerk"]).put(
        f"/api/v1/campaigns/{campaign.pk}/quotas/", rows, format="json"
    )
    assert response.status_code == 400
    assert "第1行" in response.json()["unit"][0]


def test_advance_moves_the_stage(scene):
    StandardSetFactory(code="s000-village")
    api = client(scene["organiser_clerk"])
    today = timezone.localdate().isoformat()
    created = api.post("/api/v1/campaigns/", body(scene, application_deadline=today), "json").json()
    response = api.post(f"/api/v1/campaigns/{created['id']}/advance/")
    assert response.status_code == 200
    data = response.json()
    assert data["stage"] == StageCode.REVIEW
    assert data["stages"][0]["closed_on"] == data["stages"][1]["started_on"] == today


def test_advance_before_the_deadline_is_a_400_on_stage(scene):
    StandardSetFactory(code="s000-village")
    api = client(scene["organiser_clerk"])
    created = api.post("/api/v1/campaigns/", body(scene), "json").json()
    response = api.post(f"/api/v1/campaigns/{created['id']}/advance/")
    assert response.status_code == 400
    assert "stage" in response.json()


def test_the_list_reads_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    for index in range(5):
        Campaign.objects.create(
            organiser=scene["root"],
            title=f"活动{index}",
            kind=CampaignKind.BASE,
            year=2026,
            application_deadline=DEADLINE,
            created_by=scene["organiser_clerk"],
        )
    api = client(scene["east_clerk"])
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/campaigns/")
    assert response.json()["count"] == 6
