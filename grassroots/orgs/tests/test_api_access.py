"""The subtree permission matrix of every API v1 endpoint (docs/decisions/0005-access-roles.md).

A small world: the city root with two districts, east and west; each district has a branch
and a joint branch, a member, a committee term with a secretary and a host unit. Two
"visitors" keep their organisation relation in one district and their organisational life
(a functional membership) in the other, so both districts see them.

Each actor below holds one role on a district (or none). What an actor may see follows from
the regions it covers; what it may change follows from its role carrying the edit permission.
"""

import datetime

import pytest
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id, build_uscc
from grassroots.core.tests.helpers import token_client
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.models import HostUnit, HostUnitLink, Membership, Post, Term

EAST, WEST, ROOT = "east", "west", "root"

#             actor          role            on      covers              may edit
ACTORS = {
    "superuser": (None, None, {ROOT, EAST, WEST}, True),
    "admin": (Role.ADMIN, EAST, {EAST}, True),
    "clerk": (Role.CLERK, EAST, {EAST}, True),
    "viewer": (Role.VIEWER, EAST, {EAST}, False),
    "reviewer": (Role.REVIEWER, EAST, {EAST}, False),
    "evaluator": (Role.EVALUATOR, EAST, {EAST}, False),
    "west_clerk": (Role.CLERK, WEST, {WEST}, True),
    "no_role": (None, None, set(), False),
    "anonymous": (None, None, set(), False),
}

# What each region holds, per list endpoint (names of objects in the `world` fixture).
# A visitor is seen from both districts: the organisation relation and the functional
# membership each count.
HOLDINGS = {
    "orgs": {
        ROOT: ["root"],
        EAST: ["east", "east_branch", "east_joint"],
        WEST: ["west", "west_branch", "west_joint"],
    },
    "members": {
        EAST: ["east_member", "visitor_from_east", "visitor_from_west"],
        WEST: ["west_member", "visitor_from_west", "visitor_from_east"],
    },
    "memberships": {EAST: ["visit_in_east"], WEST: ["visit_in_west"]},
    "terms": {EAST: ["east_term"], WEST: ["west_term"]},
    "posts": {EAST: ["east_secretary"], WEST: ["west_secretary"]},
    "host-units": {EAST: ["east_unit"], WEST: ["west_unit"]},
    # Health-check rows name their organisation; departments have no findings.
    "checks": {EAST: ["east_branch", "east_joint"], WEST: ["west_branch", "west_joint"]},
}


def world_objects(endpoint):
    return {name for names in HOLDINGS[endpoint].values() for name in names}


# Endpoints that name members: the evaluator sees organisations but no people.
NAMES_PEOPLE = {"members", "memberships", "posts"}


def visible(endpoint, actor):
    covers = ACTORS[actor][2] if actor != "evaluator" or endpoint not in NAMES_PEOPLE else set()
    return {name for region in covers for name in HOLDINGS[endpoint].get(region, [])}


# Writes, per endpoint: a payload creating something in a region, the field that names the
# refusal when the region is outside the actor's subtree, and a PATCH of an object there.
def create_payload(endpoint, w, region):
    other = WEST if region == EAST else EAST
    birth = datetime.date(1991, 3, 4)
    return {
        "orgs": {
            "name": "新党支部",
            "kind": "branch",
            "category": "community",
            "parent": w[region].pk,
        },
        "members": {
            "name": "新党员",
            "gender": "male",
            "birth_date": birth.isoformat(),
            "id_number": build_citizen_id("110105", birth, 11 if region == EAST else 13),
            "status": "probationary",
            "joined_on": "2025-07-01",
            "org": w[f"{region}_branch"].pk,
        },
        # The visitor from the other district is visible from both; the org decides.
        "memberships": {
            "member": w[f"visitor_from_{other}"].pk,
            "org": w[f"{region}_joint"].pk,
            "started_on": "2025-01-01",
        },
        "terms": {"org": w[f"{region}_joint"].pk, "started_on": "2025-01-01"},
        "posts": {
            "term": w[f"{region}_term"].pk,
            "member": w[f"{region}_member"].pk,
            "post": "member",
            "started_on": "2025-01-01",
        },
        "host-units": {"name": "新单位", "org": w[f"{region}_joint"].pk},
    }[endpoint]


REFUSED_FIELD = {
    "orgs": "parent",
    "members": "org",
    "memberships": "org",
    "terms": "org",
    "posts": "term",
    "host-units": "org",
}

PATCHES = {
    "orgs": ("{region}_branch", {"short_name": "简称"}),
    "members": ("{region}_member", {"phone": "13900001111"}),
    "memberships": ("visit_in_{region}", {"ended_on": "2025-06-30"}),
    "terms": ("{region}_term", {"planned_end_on": "2029-06-30"}),
    "posts": ("{region}_secretary", {"ended_on": "2025-06-30"}),
    "host-units": ("{region}_unit", {"address": "幸福路1号"}),
}

# POST actions on one object, and GET actions answering one object's data.
POST_ACTIONS = {
    "orgs/dissolve": ("{region}_joint", lambda w, region: {"dissolved_on": "2025-06-30"}),
    "members/transfer": (
        "{region}_member",
        lambda w, region: {"to_org": w[f"{region}_joint"].pk, "transferred_on": "2025-06-30"},
    ),
}
GET_ACTIONS = {
    "orgs/checks": "{region}_branch",
    "orgs/committee": "{region}_branch",
    "orgs/history": "{region}_branch",
    "members/history": "{region}_member",
}


@pytest.fixture
def world(city, make_org, make_member):
    w = dict(city)
    for region in (EAST, WEST):
        w[f"{region}_joint"] = make_org(f"{region}联合党支部", w[region], kind=OrgKind.JOINT_BRANCH)
        w[f"{region}_member"] = make_member(w[f"{region}_branch"])
        w[f"visitor_from_{region}"] = make_member(w[f"{region}_branch"])
    start = datetime.date(2024, 1, 1)
    for region, other in ((EAST, WEST), (WEST, EAST)):
        w[f"visit_in_{region}"] = Membership.objects.create(
            member=w[f"visitor_from_{other}"], org=w[f"{region}_branch"], started_on=start
        )
        term = Term.objects.create(
            org=w[f"{region}_branch"],
            number=1,
            started_on=start,
            planned_end_on=datetime.date(2029, 1, 1),
        )
        w[f"{region}_term"] = term
        w[f"{region}_secretary"] = Post.objects.create(
            term=term, member=w[f"{region}_member"], post=PostKind.SECRETARY, started_on=start
        )
        code = "91110105MA00000" + ("E1" if region == EAST else "W1")
        unit = HostUnit.objects.create(name=f"{region}单位", uscc=build_uscc(code))
        HostUnitLink.objects.create(org=w[f"{region}_branch"], unit=unit)
        w[f"{region}_unit"] = unit
    return w


@pytest.fixture
def as_actor(make_user, world):
    def client_for(actor):
        role, district, _, _ = ACTORS[actor]
        if actor == "anonymous":
            return APIClient()
        user = make_user(
            role=role, org=world[district] if district else None, is_superuser=actor == "superuser"
        )
        return token_client(user)

    return client_for


def expected_status(actor, region, success, needs_edit, endpoint=None):
    """What a request on an object in `region` gets: 401 without login, 404 for an object
    outside the subtree (or naming people, for the evaluator), 403 for a change without the
    edit permission, else `success`."""
    _, _, covers, may_edit = ACTORS[actor]
    if actor == "anonymous":
        return 401
    if region not in covers or (actor == "evaluator" and endpoint in NAMES_PEOPLE):
        return 404
    if needs_edit and not may_edit:
        return 403
    return success


ALL_ACTORS = list(ACTORS)
LIST_ENDPOINTS = list(HOLDINGS)
WRITABLE = list(REFUSED_FIELD)


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_list_shows_exactly_the_subtree(as_actor, world, endpoint, actor):
    response = as_actor(actor).get(f"/api/v1/{endpoint}/", {"page_size": 100})
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    rows = response.json()["results"]
    key = "org" if endpoint == "checks" else "id"
    listed = {row[key] for row in rows}
    assert listed == {world[name].pk for name in visible(endpoint, actor)}
    if endpoint != "checks":
        assert len(rows) == len(listed)  # nobody listed twice (visitors are seen twice over)


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("endpoint", WRITABLE)
def test_retrieve_answers_404_outside_the_subtree(as_actor, world, endpoint, actor):
    client = as_actor(actor)
    got = {
        name: client.get(f"/api/v1/{endpoint}/{world[name].pk}/").status_code
        for name in sorted(world_objects(endpoint))
    }
    if actor == "anonymous":
        expected = dict.fromkeys(got, 401)
    else:
        seen = visible(endpoint, actor)
        expected = {name: 200 if name in seen else 404 for name in got}
    assert got == expected


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("endpoint", WRITABLE)
def test_create_inside_only(as_actor, world, endpoint, actor):
    client = as_actor(actor)
    _, _, covers, may_edit = ACTORS[actor]
    for region in (EAST, WEST):
        response = client.post(
            f"/api/v1/{endpoint}/", create_payload(endpoint, world, region), format="json"
        )
        if actor == "anonymous":
            expected = 401
        elif not may_edit:
            expected = 403  # no edit permission anywhere
        elif region in covers:
            expected = 201
        else:
            expected = 400
        assert response.status_code == expected, (region, response.json())
        if expected == 400:
            assert REFUSED_FIELD[endpoint] in response.json(), response.json()


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("endpoint", WRITABLE)
def test_patch(as_actor, world, endpoint, actor):
    client = as_actor(actor)
    target, change = PATCHES[endpoint]
    got = {
        region: client.patch(
            f"/api/v1/{endpoint}/{world[target.format(region=region)].pk}/", change, format="json"
        ).status_code
        for region in (EAST, WEST)
    }
    assert got == {
        region: expected_status(actor, region, 200, needs_edit=True, endpoint=endpoint)
        for region in (EAST, WEST)
    }


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("action", list(POST_ACTIONS))
def test_post_actions(as_actor, world, action, actor):
    client = as_actor(actor)
    endpoint, name = action.split("/")
    target, payload = POST_ACTIONS[action]
    got = {
        region: client.post(
            f"/api/v1/{endpoint}/{world[target.format(region=region)].pk}/{name}/",
            payload(world, region),
            format="json",
        ).status_code
        for region in (EAST, WEST)
    }
    assert got == {
        region: expected_status(actor, region, 200, needs_edit=True, endpoint=endpoint)
        for region in (EAST, WEST)
    }


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("action", list(GET_ACTIONS))
def test_get_actions(as_actor, world, action, actor):
    client = as_actor(actor)
    endpoint, name = action.split("/")
    target = GET_ACTIONS[action]
    got = {
        region: client.get(
            f"/api/v1/{endpoint}/{world[target.format(region=region)].pk}/{name}/"
        ).status_code
        for region in (EAST, WEST)
    }
    assert got == {
        region: expected_status(actor, region, 200, needs_edit=False, endpoint=endpoint)
        for region in (EAST, WEST)
    }


# --- edges the table does not show ------------------------------------------------------------


def test_a_visitor_is_seen_but_not_changed_from_the_district_of_their_organisational_life(
    as_actor, world
):
    """The east clerk sees the visitor from the west (a functional membership in the east) but
    neither their personal data nor a right to change or transfer them."""
    clerk = as_actor("clerk")
    visitor = world["visitor_from_west"]
    data = clerk.get(f"/api/v1/members/{visitor.pk}/").json()
    assert data["id_number"] != visitor.id_number and "*" in data["id_number"]
    assert data["id_number"][:6] == visitor.id_number[:6]
    response = clerk.patch(f"/api/v1/members/{visitor.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "您没有录入或修改数据的权限"}
    moved = clerk.post(
        f"/api/v1/members/{visitor.pk}/transfer/",
        {"to_org": world["east_joint"].pk, "transferred_on": "2025-06-30"},
        format="json",
    )
    assert moved.status_code == 403
    # Their own district's clerk sees everything.
    west = as_actor("west_clerk").get(f"/api/v1/members/{visitor.pk}/").json()
    assert west["id_number"] == visitor.id_number


def test_filters_cannot_reach_outside_the_subtree(as_actor, world):
    clerk = as_actor("clerk")
    for url, params in [
        ("/api/v1/orgs/", {"ancestor": world["west"].pk}),
        ("/api/v1/orgs/", {"parent": world["west"].pk}),
        ("/api/v1/members/", {"ancestor": world["west_joint"].pk}),
        ("/api/v1/terms/", {"org": world["west_branch"].pk}),
        ("/api/v1/checks/", {"ancestor": world["west"].pk}),
        ("/api/v1/host-units/", {"organizations": world["west_branch"].pk}),
    ]:
        response = clerk.get(url, params)
        assert response.status_code == 200, (url, response.json())
        assert response.json()["count"] == 0, url
    # Filtering by a west organisation finds only the visitor who also lives in the east.
    members = clerk.get("/api/v1/members/", {"org": world["west_branch"].pk}).json()["results"]
    assert [m["id"] for m in members] == [world["visitor_from_west"].pk]
    # The clerk's own subtree from the root down is theirs only.
    listed = clerk.get("/api/v1/orgs/", {"ancestor": world["root"].pk}).json()["results"]
    assert {o["id"] for o in listed} == {world[n].pk for n in HOLDINGS["orgs"][EAST]}


def test_moving_an_organisation_outside_the_subtree_is_refused(as_actor, world):
    clerk = as_actor("clerk")
    response = clerk.patch(
        f"/api/v1/orgs/{world['east_branch'].pk}/", {"parent": world["west"].pk}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["parent"]
    # Their own top organisation cannot be lifted to the root either.
    top = clerk.patch(f"/api/v1/orgs/{world['east'].pk}/", {"parent": None}, format="json")
    assert top.status_code == 400 and list(top.json()) == ["parent"]


def test_appointing_a_member_from_outside_is_refused(as_actor, world):
    response = as_actor("clerk").post(
        "/api/v1/posts/",
        {
            "term": world["east_term"].pk,
            "member": world["west_member"].pk,
            "post": "member",
            "started_on": "2025-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["member"]
