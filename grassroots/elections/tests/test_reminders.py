"""Reminders across a subtree: terms expiring within 90 days, overdue terms,
vacant posts; on the home page and in the API, scoped, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import WorkflowKind
from grassroots.elections.reminders import reminders_for, user_reminders
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.models import Organization, Post, Term

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def branch_with_term(make_org, make_member, parent, name, ends_in, secretary=True, size=5):
    """A branch of `size` full members whose current term ends `ends_in` days from today."""
    org = make_org(name, parent, category=Category.ORGAN)
    members = [make_member(org) for _ in range(size)]
    term = Term.objects.create(
        org=org, number=2, started_on=days(ends_in - 3 * 365), planned_end_on=days(ends_in)
    )
    if secretary:
        Post.objects.create(
            term=term, member=members[0], post=PostKind.SECRETARY, started_on=term.started_on
        )
    return org


@pytest.fixture
def district(city, make_org, make_member):
    east = city["east"]
    return {
        **city,
        "expiring": branch_with_term(make_org, make_member, east, "将届满党支部", 30),
        "edge": branch_with_term(make_org, make_member, east, "第90天届满党支部", 90),
        "later": branch_with_term(make_org, make_member, east, "第91天届满党支部", 91),
        "overdue": branch_with_term(make_org, make_member, east, "超期党支部", -10),
        "vacant": branch_with_term(
            make_org, make_member, east, "书记空缺党支部", 400, secretary=False
        ),
        "west": branch_with_term(make_org, make_member, city["west"], "西区超期党支部", -5),
    }


def names(rows):
    return [r.org_name for r in rows]


def test_expiring_overdue_and_vacant(district, make_user):
    user = make_user(role=Role.REVIEWER, org=district["east"])
    found = user_reminders(user, today=TODAY)
    # Within 90 days, the 90th included; soonest first.
    assert names(found["expiring"]) == ["将届满党支部", "第90天届满党支部"]
    first = found["expiring"][0]
    assert first.days_left == 30 and first.planned_end_on == days(30) and first.term_number == 2
    assert names(found["overdue"]) == ["超期党支部"]
    assert found["overdue"][0].days_overdue == 10
    assert "已超期10天未换届" in found["overdue"][0].message
    vacant = [(r.org_name, r.post) for r in found["vacant"]]
    # The city's own branch has no committee registered at all: not a vacancy to fill.
    assert vacant == [("书记空缺党支部", PostKind.SECRETARY)]
    assert found["vacant"][0].post_label == "书记"


def test_another_subtree_gets_nothing_of_this_one(district, make_user):
    west = make_user(role=Role.REVIEWER, org=district["west"])
    found = user_reminders(west, today=TODAY)
    assert names(found["overdue"]) == ["西区超期党支部"]
    assert found["expiring"] == [] and found["vacant"] == []
    # Asking for the east district from the west: nothing.
    found = user_reminders(west, district["east"].path, today=TODAY)
    assert found == {"expiring": [], "overdue": [], "vacant": []}


def test_a_committee_without_enough_members_is_a_vacancy(city, make_org, make_member, make_user):
    org = branch_with_term(make_org, make_member, city["east"], "大支部", 400, size=9)
    found = user_reminders(make_user(role=Role.VIEWER, org=org), today=TODAY)
    assert [(r.org_name, r.post) for r in found["vacant"]] == [("大支部", PostKind.MEMBER)]
    assert "应设立支部委员会" in found["vacant"][0].message


def test_dissolved_organisations_and_party_groups_are_left_out(district, make_user, make_org):
    district["overdue"].status = "dissolved"
    district["overdue"].dissolved_on = TODAY
    district["overdue"].save()
    make_org("党小组", district["expiring"], kind=OrgKind.GROUP)
    found = user_reminders(make_user(role=Role.VIEWER, org=district["east"]), today=TODAY)
    assert found["overdue"] == []
    assert "党小组" not in names(found["vacant"])


def test_an_open_renewal_is_attached(district, make_user, make_member):
    org = district["overdue"]
    clerk = make_user(role=Role.CLERK, org=org)
    members = list(org.members.all())
    workflow = services.create_workflow(
        clerk, WorkflowKind.GENERAL, org=org, seats=1, candidates=[{"member": members[0]}]
    )
    found = user_reminders(clerk, today=TODAY)
    assert found["overdue"][0].workflow_id == workflow.pk


def test_a_fixed_number_of_queries(city, make_org, make_member):
    small = [branch_with_term(make_org, make_member, city["east"], "甲", -1)]
    orgs = list(Organization.objects.filter(pk__in=[o.pk for o in small]))
    with CaptureQueriesContext(connection) as one:
        reminders_for(orgs, TODAY)
    large = [
        branch_with_term(make_org, make_member, city["east"], f"乙{i}", d, secretary=i % 2)
        for i, d in enumerate([-3, 5, 60, 200, -100, 10, 30, 1])
    ]
    orgs = list(Organization.objects.filter(pk__in=[o.pk for o in small + large]))
    with CaptureQueriesContext(connection) as many:
        found = reminders_for(orgs, TODAY)
    assert len(found["overdue"]) == 3 and len(found["expiring"]) == 5
    assert len(found["vacant"]) == 4
    assert len(many.captured_queries) == len(one.captured_queries) <= 8


# --- API and pages ---------------------------------------------------------------------------


def test_api_lists_the_three_kinds(district, api):
    client = api(Role.REVIEWER, district["east"])
    response = client.get("/api/v1/reminders/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"expiring", "overdue", "vacant"}
    first = data["expiring"][0]
    assert first == {
        "org": district["expiring"].pk,
        "org_name": "将届满党支部",
        "message": first["message"],
        "term_number": 2,
        "planned_end_on": days(30).isoformat(),
        "days_left": 30,
        "post": "",
        "post_label": "",
        "workflow": None,
    }
    assert data["overdue"][0]["days_left"] == -10
    assert data["vacant"][0]["post"] == "secretary"
    assert data["vacant"][0]["planned_end_on"] is None


def test_api_ancestor_limits_and_scopes(district, api):
    client = api(Role.VIEWER, district["root"])
    data = client.get("/api/v1/reminders/", {"ancestor": district["west"].pk}).json()
    assert [r["org_name"] for r in data["overdue"]] == ["西区超期党支部"]
    assert data["expiring"] == [] and data["vacant"] == []
    # Another subtree: nothing, not an error.
    client = api(Role.VIEWER, district["west"])
    data = client.get("/api/v1/reminders/", {"ancestor": district["east"].pk}).json()
    assert data == {"expiring": [], "overdue": [], "vacant": []}
    assert client.get("/api/v1/reminders/", {"ancestor": 999999}).json()["overdue"] == []
    response = client.get("/api/v1/reminders/", {"ancestor": "东区"})
    assert response.status_code == 400 and "ancestor" in response.json()


def test_api_needs_a_login(client, db):
    assert client.get("/api/v1/reminders/").status_code in (401, 403)


def test_api_query_count_does_not_grow(
    city, make_org, make_member, api, django_assert_max_num_queries
):
    client = api(Role.REVIEWER, city["root"])
    branch_with_term(make_org, make_member, city["east"], "甲", -1)
    with django_assert_max_num_queries(20) as small:
        client.get("/api/v1/reminders/")
    for i in range(8):
        branch_with_term(make_org, make_member, city["west"], f"乙{i}", 10 * i - 30, i % 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = client.get("/api/v1/reminders/").json()
    assert len(data["overdue"]) + len(data["expiring"]) == 9


def test_home_page_loads_the_reminders(district, make_user, client):
    user = make_user(role=Role.CLERK, org=district["east"])
    client.force_login(user)
    home = client.get("/").content.decode()
    assert reverse("elections-reminders") in home
    response = client.get(reverse("elections-reminders"), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<html" not in text
    assert "将届满党支部" in text and "超期党支部" in text and "书记空缺党支部" in text
    # The clerk may start the renewal or the by-election from the reminder.
    assert reverse("elections-new", args=[district["overdue"].pk, "general"]) in text
    assert reverse("elections-new", args=[district["vacant"].pk, "by_election"]) in text
    # The full page is a page.
    assert "<html" in client.get(reverse("elections-reminders")).content.decode()


def test_a_reviewer_sees_the_queue_and_no_start_links(district, make_user, client):
    client.force_login(make_user(role=Role.REVIEWER, org=district["east"]))
    text = client.get(reverse("elections-reminders"), HTTP_HX_REQUEST="true").content.decode()
    assert "超期党支部" in text
    assert reverse("elections-new", args=[district["overdue"].pk, "general"]) not in text


def test_api_is_documented(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reminders/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"ancestor"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(body["properties"]) == {"expiring", "overdue", "vacant"}
