import pytest

from grassroots.core.choices import Role


@pytest.mark.django_db
def test_health_without_login(client):
    assert client.get("/api/v1/health/").json() == {"status": "ok"}


def test_subtree_list_and_404(api, city):
    clerk = api(Role.CLERK, city["east"])
    data = clerk.get("/api/v1/orgs/").json()
    assert {o["name"] for o in data["results"]} == {"东区党工委", "东区幸福社区党支部"}
    assert clerk.get(f"/api/v1/orgs/{city['west_branch'].pk}/").status_code == 404
    created = clerk.post(
        "/api/v1/orgs/",
        {
            "name": "新支部",
            "kind": "branch",
            "category": "community",
            "parent": city["east"].pk,
            "established_on": "2024-01-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    refused = clerk.post(
        "/api/v1/orgs/",
        {"name": "外部支部", "kind": "branch", "category": "community", "parent": city["west"].pk},
        format="json",
    )
    assert refused.status_code == 400
    assert "parent" in refused.json()


def test_member_masking_and_bad_id(api, city, make_member):
    member = make_member(city["east_branch"], phone="13812345678")
    viewer = api(Role.VIEWER, city["east"])
    data = viewer.get(f"/api/v1/members/{member.pk}/").json()
    assert "*" in data["id_number"] and data["phone"] == "138****5678"
    clerk = api(Role.CLERK, city["east"])
    assert clerk.get(f"/api/v1/members/{member.pk}/").json()["id_number"] == member.id_number
    bad = clerk.post(
        "/api/v1/members/",
        {
            "name": "张三",
            "gender": "male",
            "birth_date": "1980-01-01",
            "id_number": "110105198001010010",
            "status": "full",
            "joined_on": "2005-01-01",
            "org": city["east_branch"].pk,
        },
        format="json",
    )
    assert bad.status_code == 400 and "id_number" in bad.json()


def test_checks_and_committee(api, city, make_member):
    admin = api(superuser=True)
    checks = admin.get(f"/api/v1/orgs/{city['east_branch'].pk}/checks/").json()
    assert {"TOO_FEW_MEMBERS", "SECRETARY_VACANT", "TERM_MISSING"} <= {c["code"] for c in checks}
    members = [make_member(city["east_branch"]) for _ in range(3)]
    term = admin.post(
        "/api/v1/terms/", {"org": city["east_branch"].pk, "started_on": "2024-01-01"}, format="json"
    )
    assert term.status_code == 201, term.json()
    assert term.json()["planned_end_on"] == "2029-01-01"
    post = admin.post(
        "/api/v1/posts/",
        {
            "term": term.json()["id"],
            "member": members[0].pk,
            "post": "secretary",
            "started_on": "2024-01-01",
        },
        format="json",
    )
    assert post.status_code == 201, post.json()
    committee = admin.get(f"/api/v1/orgs/{city['east_branch'].pk}/committee/").json()
    assert committee["term"]["ends_on"] == "2029-01-01"
    assert committee["posts"][0]["member_name"] == members[0].name
    history = admin.get(f"/api/v1/orgs/{city['east_branch'].pk}/history/")
    assert history.status_code == 200
