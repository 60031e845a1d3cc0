import pytest

from grassroots.core.choices import Role
from grassroots.core.tests.helpers import token_client
from grassroots.orgs.models import HostUnit
from grassroots.orgs.rules import AGE_BANDS


@pytest.fixture
def clerk(east_clerk):
    return token_client(east_clerk)


def test_contract(clerk, scene):
    response = clerk.get("/api/v1/stats/", {"ancestor": scene["east"].pk, "on": "2025-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"orgs", "members", "units", "terms"}
    assert set(body["orgs"]) == {"total", "by_kind", "by_category"}
    assert body["orgs"]["total"] == 2
    assert body["orgs"]["by_kind"]["department"] == 1
    assert body["orgs"]["by_category"]["community"] == 1
    members = body["members"]
    assert set(members) == {"total", "full", "probationary", "female", "by_age", "by_education"}
    assert list(members["by_age"]) == [band.code for band in AGE_BANDS]
    assert (members["total"], members["full"], members["probationary"]) == (4, 3, 1)
    assert body["units"] == {"total": 3, "with_org": 1, "guided_only": 1, "coverage_rate": 0.3333}
    assert set(body["terms"]) == {"overdue", "expiring"}


def test_default_date_and_null_rate(make_user, city):
    client = token_client(make_user(role=Role.VIEWER, org=city["west"]))
    body = client.get("/api/v1/stats/", {"ancestor": city["west"].pk}).json()
    assert body["units"] == {"total": 0, "with_org": 0, "guided_only": 0, "coverage_rate": None}


@pytest.mark.parametrize("on", ["2025-13-01", "yesterday", "2025-02-30"])
def test_malformed_date_is_400(clerk, scene, on):
    response = clerk.get("/api/v1/stats/", {"ancestor": scene["east"].pk, "on": on})
    assert response.status_code == 400
    assert "on" in response.json()


def test_another_subtree_is_404(clerk, scene):
    response = clerk.get("/api/v1/stats/", {"ancestor": scene["west"].pk})
    assert response.status_code == 404
    assert response.json() == {"detail": "党组织不存在或不在您的查看范围内"}
    assert clerk.get("/api/v1/stats/", {"ancestor": 99999999}).status_code == 404


def test_unit_without_an_organisation(clerk, scene):
    response = clerk.post(
        "/api/v1/host-units/",
        {"name": "东区新开超市", "kind": "private_enterprise", "responsible_org": scene["east"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organizations"] == []
    assert body["coverage"] == "none"
    assert HostUnit.objects.get(pk=body["id"]).history.first().history_user is not None
    listed = clerk.get("/api/v1/host-units/", {"should_form": "true"}).json()
    assert [unit["name"] for unit in listed["results"]] == ["东区会计所"]


def test_unit_under_another_subtree_is_refused(clerk, scene):
    response = clerk.post(
        "/api/v1/host-units/",
        {"name": "越界单位", "kind": "other", "responsible_org": scene["west"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "responsible_org" in response.json()
    names = {u["name"] for u in clerk.get("/api/v1/host-units/").json()["results"]}
    assert "西区协会" not in names
