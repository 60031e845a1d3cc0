"""Every API list answers in a fixed number of queries, whatever the number of rows: each
endpoint is read with 3 rows and again with 30, and the larger read may not take more
queries than the smaller one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.choices import Role
from grassroots.core.tests.helpers import token_client
from grassroots.orgs import services
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.models import HostUnit, HostUnitLink, Membership, Post, Term

START = datetime.date(2024, 1, 1)


@pytest.fixture
def scene(city, make_org, make_member, make_user):
    """Where rows are added: a joint branch and a current term in the east; the east clerk
    (a restricted scope, the costlier case) reads."""
    joint = make_org("东区联合党支部", city["east"], kind=OrgKind.JOINT_BRANCH)
    term = Term.objects.create(
        org=city["east_branch"],
        number=1,
        started_on=START,
        planned_end_on=datetime.date(2029, 1, 1),
    )
    clerk = make_user(role=Role.CLERK, org=city["east"])
    return {**city, "joint": joint, "term": term, "clerk": clerk}


def add_rows(endpoint, scene, count, make_org, make_member):
    """Add `count` rows that `endpoint` lists (each with the related rows it shows)."""
    branch, clerk = scene["east_branch"], scene["clerk"]
    for n in range(count):
        if endpoint in ("orgs", "checks"):
            org = make_org(parent=scene["east"])
            make_member(org)
            Term.objects.create(
                org=org, number=1, started_on=START, planned_end_on=datetime.date(2025, 1, 1)
            )
        elif endpoint == "members":
            member = make_member(branch, phone="13812345678")
            Membership.objects.create(member=member, org=scene["joint"], started_on=START)
        elif endpoint == "memberships":
            Membership.objects.create(
                member=make_member(branch), org=scene["joint"], started_on=START
            )
        elif endpoint == "terms":
            Term.objects.create(
                org=make_org(parent=scene["east"]),
                number=1,
                started_on=START,
                planned_end_on=datetime.date(2029, 1, 1),
            )
        elif endpoint in ("posts", "committee"):
            Post.objects.create(
                term=scene["term"],
                member=make_member(branch),
                post=PostKind.MEMBER,
                started_on=START,
            )
        elif endpoint == "host-units":
            unit = HostUnit.objects.create(name=f"单位{n}")
            HostUnitLink.objects.create(org=scene["joint"], unit=unit)
            HostUnitLink.objects.create(org=make_org(parent=scene["east"]), unit=unit)
        elif endpoint == "org-history":
            services.update_organization(clerk, branch, short_name=f"简称{n}")
        elif endpoint == "member-history":
            member = scene.setdefault("member", make_member(branch))
            services.update_member(clerk, member, phone=f"139{n:08d}")
        else:
            raise AssertionError(endpoint)


def url_for(endpoint, scene):
    if endpoint == "committee":
        return f"/api/v1/orgs/{scene['east_branch'].pk}/committee/"
    if endpoint == "org-history":
        return f"/api/v1/orgs/{scene['east_branch'].pk}/history/"
    if endpoint == "member-history":
        return f"/api/v1/members/{scene['member'].pk}/history/"
    return f"/api/v1/{endpoint}/"


def rows_in(endpoint, body):
    if endpoint == "committee":
        return len(body["posts"])
    return len(body) if isinstance(body, list) else len(body["results"])


@pytest.mark.parametrize(
    "endpoint",
    [
        "orgs",
        "members",
        "memberships",
        "terms",
        "posts",
        "host-units",
        "checks",
        "committee",
        "org-history",
        "member-history",
    ],
)
def test_list_queries_do_not_grow_with_rows(
    endpoint, scene, make_org, make_member, django_assert_max_num_queries
):
    client = token_client(scene["clerk"])

    add_rows(endpoint, scene, 3, make_org, make_member)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url_for(endpoint, scene), {"page_size": 100})
    assert response.status_code == 200
    small_rows = rows_in(endpoint, response.json())

    add_rows(endpoint, scene, 27, make_org, make_member)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url_for(endpoint, scene), {"page_size": 100})
    assert response.status_code == 200
    # The second read really shows more rows (else the comparison proves nothing).
    assert rows_in(endpoint, response.json()) >= small_rows + 27
