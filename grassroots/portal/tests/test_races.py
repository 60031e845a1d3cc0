"""Requests racing in real threads, each on its own database connection, cannot break the
registry's rules: the losers get a 400 naming the rule and nothing of theirs is saved
(docs/security/concurrency.md). PostgreSQL only: SQLite serialises every writer (see
test_sqlite_writers.py)."""

import datetime
import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id
from grassroots.elections import services as lifecycle
from grassroots.elections.choices import WorkflowKind
from grassroots.elections.models import Workflow
from grassroots.orgs import services
from grassroots.orgs.choices import Gender, LeaveReason, MemberStatus, OrgStatus, PostKind
from grassroots.orgs.models import Membership, Post, Term, Transfer
from grassroots.orgs.tests.helpers import count_of, counts_are_right, list_count
from grassroots.orgs.tests.racing import run_in_threads

D = datetime.date

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    # Each thread commits on its own connection: no test transaction to hide in.
    pytest.mark.django_db(transaction=True),
]


def race(count, request):
    """Run `request(i)` for i in range(count) in threads released together; returns the
    results (an exception raised counts as the result)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = request(i)
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            results[i] = exc
        finally:
            connections.close_all()  # this thread's connection

    run_in_threads(count, run, timeout=60)
    return results


def api_race(user, count, path, payload):
    """`count` simultaneous POSTs of `payload(i)` to `path`; returns the responses."""

    def post(i):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(path, payload(i), format="json")

    return race(count, post)


def one_winner(responses, success):
    """Exactly one `success` status, every other a 400 with a Chinese message; the losers'
    messages."""
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [success] + [400] * (len(responses) - 1), statuses
    return [str(r.json()) for r in responses if r.status_code == 400]


@pytest.fixture
def clerk(city, make_user):
    return make_user(role=Role.CLERK, org=city["root"])


def test_one_secretary_of_six_simultaneous_appointments(city, clerk, make_member):
    branch = city["east_branch"]
    term = services.start_term(clerk, branch, D(2024, 1, 1))
    members = [make_member(branch) for _ in range(6)]
    responses = api_race(
        clerk,
        6,
        "/api/v1/posts/",
        lambda i: {
            "term": term.pk,
            "member": members[i].pk,
            "post": PostKind.SECRETARY,
            "started_on": "2024-01-01",  # the term's first day: the election's result
        },
    )
    for message in one_winner(responses, 201):
        assert "书记已有人担任" in message
    assert Post.objects.filter(term=term, post=PostKind.SECRETARY).count() == 1


def test_one_transfer_of_four_simultaneous_ones(city, clerk, make_member):
    east, west = city["east_branch"], city["west_branch"]
    for org, count in ((east, 7), (west, 3), (city["east"], 1)):
        for _ in range(count):
            make_member(org)
    member = make_member(east)
    responses = api_race(
        clerk,
        4,
        f"/api/v1/members/{member.pk}/transfer/",
        lambda i: {"to_org": west.pk, "transferred_on": "2025-03-01"},
    )
    for message in one_winner(responses, 200):
        assert "转入组织与现组织相同" in message
    assert Transfer.objects.filter(member=member).count() == 1
    assert (count_of(east), count_of(west)) == (7, 4) and counts_are_right()
    assert list_count(clerk, ancestor=city["root"].pk)[:2] == (12, 12)


def test_one_of_four_simultaneous_creates_of_one_id_number(city, clerk):
    """In different organisations (no shared lock), the losers pass the duplicate check
    before the winner commits; the unique index stops them, and they get the message a
    number registered before gets."""
    branches = [city["east_branch"], city["west_branch"]]
    birth = D(1990, 5, 6)
    payload = {
        "name": "李红",
        "gender": Gender.FEMALE,
        "birth_date": birth.isoformat(),
        "id_number": build_citizen_id("110105", birth, 2),
        "status": MemberStatus.PROBATIONARY,
        "joined_on": "2024-07-01",
    }
    responses = api_race(
        clerk,
        4,
        "/api/v1/members/",
        lambda i: {**payload, "name": f"李红{i}", "org": branches[i % 2].pk},
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 400, 400, 400]
    client = APIClient()
    client.force_authenticate(clerk)
    afterwards = client.post("/api/v1/members/", {**payload, "org": branches[0].pk}, format="json")
    assert afterwards.status_code == 400 and list(afterwards.json()) == ["id_number"]
    for response in responses:
        if response.status_code == 400:
            assert response.json() == afterwards.json()
    assert sum(count_of(branch) for branch in branches) == 1 and counts_are_right()


def test_a_transfer_racing_the_member_leaving(city, clerk, make_member):
    member = make_member(city["east_branch"])
    outcomes = race(
        2,
        lambda i: (
            services.transfer_member(clerk, member, city["west_branch"], D(2025, 3, 1))
            if i == 0
            else services.record_member_leaving(clerk, member, D(2025, 3, 1), LeaveReason.DECEASED)
        ),
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    # The leaving always succeeds (after a transfer too); a transfer after it is refused.
    assert len(refused) <= 1 and all("已登记离开" in str(o) for o in refused)
    assert counts_are_right()


def test_opposite_transfers_do_not_deadlock(city, clerk, make_member):
    east, west = city["east_branch"], city["west_branch"]
    pairs = [(make_member(east), west) if i % 2 else (make_member(west), east) for i in range(6)]
    outcomes = race(
        6,
        lambda i: services.transfer_member(clerk, pairs[i][0], pairs[i][1], D(2025, 3, 1)),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert (count_of(east), count_of(west)) == (3, 3) and counts_are_right()


def test_one_new_term_of_three_simultaneous_ones(city, clerk):
    branch = city["east_branch"]
    responses = api_race(
        clerk, 3, "/api/v1/terms/", lambda i: {"org": branch.pk, "started_on": "2024-01-01"}
    )
    for message in one_winner(responses, 201):
        assert "新一届开始日期应晚于本届开始日期" in message
    assert Term.objects.filter(org=branch).count() == 1


def test_one_membership_of_three_simultaneous_ones(city, clerk, make_member):
    member = make_member(city["west_branch"])
    responses = api_race(
        clerk,
        3,
        "/api/v1/memberships/",
        lambda i: {"member": member.pk, "org": city["east_branch"].pk, "started_on": "2025-01-01"},
    )
    for message in one_winner(responses, 201):
        assert "已在该组织参加组织生活" in message
    assert Membership.objects.filter(member=member).count() == 1


def test_one_renewal_request_of_two_simultaneous_ones(city, clerk, make_member):
    branch = city["east_branch"]
    candidate = make_member(branch)
    outcomes = race(
        2,
        lambda i: lifecycle.create_workflow(
            clerk, WorkflowKind.GENERAL, org=branch, seats=1, candidates=[{"member": candidate}]
        ),
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and "已有未办结的换届选举事项" in str(refused[0])
    assert Workflow.objects.filter(org=branch).count() == 1


def test_a_new_member_racing_the_dissolution(city, clerk, make_member):
    branch = city["west_branch"]
    fields = {
        "name": "新党员",
        "gender": Gender.MALE,
        "birth_date": D(1990, 1, 1),
        "joined_on": D(2015, 7, 1),
        "status": MemberStatus.FULL,
        "org": branch,
        "id_number": build_citizen_id("110105", D(1990, 1, 1), 1),
    }
    outcomes = race(
        2,
        lambda i: (
            services.create_member(clerk, **fields)
            if i == 0
            else services.dissolve_organization(clerk, branch, D(2025, 3, 1))
        ),
    )
    branch.refresh_from_db()
    # Either order is fine; both at once is not: a dissolved organisation has no members.
    assert sum(isinstance(o, Exception) for o in outcomes) == 1
    assert not (branch.status == OrgStatus.DISSOLVED and branch.members.exists())
    assert counts_are_right()
