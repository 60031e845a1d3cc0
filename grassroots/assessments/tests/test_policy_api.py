"""API v1 of grading policies: setting, listing and changing the bands through the same
service as the page, errors as 400 naming the field in Chinese, another subtree 404, a role
that may not set bands 403, and a list whose query count does not grow with the rows."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grassroots.assessments import services
from grassroots.assessments.models import GradingPolicy
from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.orgs.choices import OrgStatus

from .helpers import YEAR

URL = "/api/v1/grading-policies/"
POLICY_KEYS = {
    "id",
    "org",
    "org_name",
    "year",
    "excellent",
    "good",
    "fair",
    "veto_cap",
    "note",
    "created_at",
    "updated_at",
}
ORDER_ERROR = "等次分数线应满足：0 ≤ 一般 ≤ 良好 ≤ 优秀"
NOT_ADMIN = "只有管理员可以设置考核等次分数线"
NEXT_YEAR = timezone.localdate().year + 1


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin(people):
    return client_of(people["admin"])


@pytest.fixture
def body(people):
    return {
        "org": people["east"].pk,
        "excellent": "95",
        "good": "80",
        "fair": "60",
        "veto_cap": "fair",
        "note": "东区从严",
    }


@pytest.fixture
def policy(people):
    return services.set_grading_policy(people["admin"], people["east"], None, 95, 80, 60, "fair")


def test_set_list_retrieve_and_change(people, admin, body):
    response = admin.post(URL, body, format="json")
    assert response.status_code == 201, response.data
    created = response.json()
    assert set(created) == POLICY_KEYS
    assert {k: created[k] for k in ("org", "org_name", "year", "excellent", "veto_cap")} == {
        "org": people["east"].pk,
        "org_name": "东区党工委",
        "year": None,
        "excellent": 95.0,
        "veto_cap": "fair",
    }
    # Setting the same organisation and year again replaces it, as the page does.
    again = admin.post(URL, body | {"excellent": "96"}, format="json")
    assert again.status_code == 200, again.data
    assert (again.json()["id"], again.json()["excellent"]) == (created["id"], 96.0)
    for_year = admin.post(URL, body | {"year": YEAR, "good": "85"}, format="json")
    assert for_year.status_code == 201, for_year.data

    clerk = client_of(people["clerk"])
    listed = clerk.get(URL).json()
    assert [(p["year"], p["good"]) for p in listed["results"]] == [(None, 80.0), (YEAR, 85.0)]
    assert [p["id"] for p in clerk.get(URL, {"year": YEAR}).json()["results"]] == [
        for_year.json()["id"]
    ]
    assert clerk.get(URL, {"ancestor": people["east"].pk}).json()["count"] == 2
    assert clerk.get(URL, {"org": people["branch"].pk}).json()["count"] == 0
    detail = clerk.get(f"{URL}{created['id']}/")
    assert detail.status_code == 200
    assert detail.json() == again.json()

    response = admin.patch(f"{URL}{created['id']}/", {"good": "85.5"}, format="json")
    assert response.status_code == 200, response.data
    changed = response.json()
    assert (changed["excellent"], changed["good"], changed["fair"]) == (96.0, 85.5, 60.0)
    assert (changed["veto_cap"], changed["note"], changed["year"]) == ("fair", "东区从严", None)
    # The bands grade the subtree and the change is recorded as the administrator's.
    assert services.bands_for(people["branch"], YEAR - 1).good == 85.5
    latest = GradingPolicy.history.filter(id=created["id"]).latest("history_date")
    assert latest.history_user == people["admin"]


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"good": "96"}, {"excellent": [ORDER_ERROR]}),
        ({"excellent": "101"}, {"excellent": ["分数线不能超过100分"]}),
        ({"veto_cap": "best"}, {"veto_cap": ["请选择一票否决时的最高等次"]}),
        ({"year": NEXT_YEAR}, {"year": ["年度不能晚于今年"]}),
        ({"year": 1999}, {"year": ["年度应在2000年以后"]}),
        ({"excellent": "九十"}, {"excellent": ["请填写合法的数字。"]}),
        ({"excellent": "90.125"}, {"excellent": ["请确保总计不超过 2 个小数位。"]}),
        ({"excellent": None}, {"excellent": ["该字段不能为 null。"]}),
    ],
)
def test_bad_input_names_the_field(admin, body, change, errors):
    response = admin.post(URL, body | change, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not GradingPolicy.objects.exists()


def test_a_missing_band_and_an_organisation_out_of_reach(people, admin, body, make_org, make_user):
    response = admin.post(URL, {k: v for k, v in body.items() if k != "fair"}, format="json")
    assert response.json() == {"fair": ["该字段是必填项。"]}
    response = admin.post(URL, body | {"org": people["west"].pk}, format="json")
    assert response.status_code == 400
    assert "不存在或不在您的管辖范围内" in response.json()["org"][0]
    dissolved = make_org("东区已撤销党支部", people["east"], status=OrgStatus.DISSOLVED)
    response = admin.post(URL, body | {"org": dissolved.pk}, format="json")
    assert "不存在或不在您的管辖范围内" in response.json()["org"][0]
    # An administrator of a branch who also views the district: the district is not theirs.
    branch_admin = make_user(role=Role.ADMIN, org=people["branch"])
    RoleAssignment.objects.create(user=branch_admin, org=people["east"], role=Role.VIEWER)
    response = client_of(branch_admin).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["只有该组织的管理员可以设置考核等次分数线"]}
    assert not GradingPolicy.objects.exists()


def test_a_change_is_checked_like_a_new_policy(admin, policy):
    url = f"{URL}{policy.pk}/"
    response = admin.patch(url, {"fair": "81"}, format="json")
    assert (response.status_code, response.json()) == (400, {"excellent": [ORDER_ERROR]})
    response = admin.patch(url, {"veto_cap": "best"}, format="json")
    assert response.json() == {"veto_cap": ["请选择一票否决时的最高等次"]}
    policy.refresh_from_db()
    assert (policy.fair, policy.veto_cap) == (60, "fair")


def test_another_subtree_sees_nothing(people, policy, make_user):
    for user in (people["west_clerk"], make_user(role=Role.ADMIN, org=people["west"])):
        client = client_of(user)
        assert client.get(URL).json()["count"] == 0
        assert client.get(f"{URL}{policy.pk}/").status_code == 404
        response = client.patch(f"{URL}{policy.pk}/", {"good": "70"}, format="json")
        assert response.status_code == 404


def test_only_an_administrator_of_the_organisation_sets_bands(people, policy, body, make_user):
    url = f"{URL}{policy.pk}/"
    viewer = client_of(make_user(role=Role.VIEWER, org=people["east"]))
    assert viewer.get(url).status_code == 200
    for client in (viewer, client_of(people["clerk"]), client_of(people["reviewer"])):
        response = client.post(URL, body | {"year": YEAR}, format="json")
        assert (response.status_code, response.json()) == (403, {"detail": NOT_ADMIN})
        response = client.patch(url, {"good": "70"}, format="json")
        assert (response.status_code, response.json()) == (403, {"detail": NOT_ADMIN})
    # An administrator lower down sees the district's policy but may not change it.
    branch_admin = make_user(role=Role.ADMIN, org=people["branch"])
    RoleAssignment.objects.create(user=branch_admin, org=people["east"], role=Role.VIEWER)
    assert client_of(branch_admin).patch(url, {"good": "70"}, format="json").status_code == 403
    policy.refresh_from_db()
    assert policy.good == 80


def test_list_queries_do_not_grow_with_rows(
    people, make_org, django_assert_max_num_queries, policy
):
    client = client_of(people["clerk"])
    services.set_grading_policy(people["admin"], people["east"], YEAR, 92, 80, 60, "poor")
    with django_assert_max_num_queries(3) as small:
        assert client.get(URL).json()["count"] == 2
    for i in range(8):
        branch = make_org(f"东区批量第{i}党支部", people["east"])
        services.set_grading_policy(people["admin"], branch, None, 90, 75, 60, "poor")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).json()["count"] == 10
