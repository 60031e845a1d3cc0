"""The member and health-check lists filter through one FilterSet each: for the same query
string the page and the API list the same rows; another subtree's user gets none of them; a
parameter out of its bounds is a 400 in the API and an error next to the field on the page."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.orgs.choices import MemberStatus

MEMBER_FILTERS = [
    {},
    {"search": "王"},
    {"ancestor": "east_branch"},
    {"ancestor": "east"},
    {"ancestor": "group"},
    {"status": MemberStatus.PROBATIONARY},
    {"is_mobile": "true"},
    {"is_mobile": "false"},
    {"is_lost_contact": "true"},
    {"include_left": "true"},
    {"search": "党员", "ancestor": "east", "include_left": "true"},
]


@pytest.fixture
def world(city, make_org, make_member, make_user):
    east_branch = city["east_branch"]
    group = make_org("幸福社区第一党小组", east_branch, kind="group")
    make_member(east_branch, name="王东")
    make_member(east_branch, name="李预备", status=MemberStatus.PROBATIONARY)
    make_member(group, name="王流动", is_mobile=True)
    make_member(group, name="赵失联", is_lost_contact=True)
    make_member(east_branch, name="钱离开", left_on=datetime.date(2024, 5, 1))
    make_member(city["west_branch"], name="王西区")
    return {
        **city,
        "group": group,
        "clerk": make_user(role=Role.CLERK, org=city["east"]),
        "west_clerk": make_user(role=Role.CLERK, org=city["west"]),
    }


def with_ids(params, world):
    return {k: world[v].pk if k == "ancestor" else v for k, v in params.items()}


def page_rows(client, user, url_name, params, row_id):
    client.force_login(user)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return sorted(row_id(row) for row in response.context["page"])


def api_rows(user, path, params, row_id):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(path, params)
    assert response.status_code == 200
    return sorted(row_id(row) for row in response.json()["results"])


@pytest.mark.parametrize("params", MEMBER_FILTERS, ids=str)
def test_member_page_and_api_list_the_same_rows(client, world, params):
    params = with_ids(params, world)
    page = page_rows(client, world["clerk"], "member-list", params, lambda m: m.pk)
    assert page == api_rows(world["clerk"], "/api/v1/members/", params, lambda m: m["id"])
    # Another district's clerk sees none of them, on the page or in the API.
    other = page_rows(client, world["west_clerk"], "member-list", params, lambda m: m.pk)
    assert not set(page) & set(other)


def test_member_filters_narrow_as_named(client, world):
    client.force_login(world["clerk"])

    def names(params):
        response = client.get(reverse("member-list"), with_ids(params, world))
        return {m.name for m in response.context["page"]}

    assert names({}) == {"王东", "李预备", "王流动", "赵失联"}
    assert names({"is_mobile": "true"}) == {"王流动"}
    assert names({"ancestor": "group"}) == {"王流动", "赵失联"}
    assert names({"include_left": "true", "search": "离开"}) == {"钱离开"}
    assert names({"include_left": "on", "search": "离开"}) == {"钱离开"}  # the tick box


@pytest.mark.parametrize("params", [{}, {"ancestor": "east_branch"}, {"ancestor": "group"}])
@pytest.mark.parametrize("narrow", [{}, {"severity": "warning"}, {"code": "TERM_MISSING"}])
def test_check_page_and_api_list_the_same_rows(client, world, params, narrow):
    params = {**with_ids(params, world), **narrow}
    page = page_rows(client, world["clerk"], "check-list", params, lambda r: (r[0].pk, r[1].code))
    api = api_rows(world["clerk"], "/api/v1/checks/", params, lambda r: (r["org"], r["code"]))
    assert page == api
    if not params.get("ancestor") and not narrow:
        assert page  # the branch has no committee: something to list


@pytest.mark.parametrize(
    "params", [{"ancestor": "1" * 30}, {"ancestor": "337.5"}, {"status": "expelled"}]
)
def test_bad_values_are_400_in_the_api_and_an_error_on_the_page(client, world, params):
    name = next(iter(params))
    api = APIClient()
    api.force_authenticate(world["clerk"])
    response = api.get("/api/v1/members/", params)
    assert response.status_code == 400 and name in response.json()
    client.force_login(world["clerk"])
    page = client.get(reverse("member-list"), params)
    assert page.status_code == 200 and page.context["form"].errors[name]
    # The bad filter is left out; the others still apply.
    assert len(page.context["page"]) == 4
