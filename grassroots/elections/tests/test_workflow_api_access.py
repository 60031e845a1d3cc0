"""Who may do what with the workflow API, endpoint by endpoint, and lists
and details answered in a fixed number of queries.

The actors, over the elections `scene` (conftest.py) (a branch under the east district's
committee): the branch's clerk; a viewer and an evaluator of the committee; the reviewer of
the committee (the level above the branch); a reviewer of the branch itself; and a reviewer
and a clerk of the west district. The west sees nothing (404), nor does the evaluator, who
sees no people (workflows name candidates); in the east, each step is for its one actor and
anyone else gets 403.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import WorkflowKind
from grassroots.elections.models import Candidate, Workflow
from grassroots.orgs.choices import OrgKind, PostKind

from .helpers import MEETING, candidates_of, count, divide_posts, general_draft

ACTORS = [
    "clerk",
    "viewer",
    "evaluator",
    "reviewer",
    "branch_reviewer",
    "west_reviewer",
    "west_clerk",
]
EAST = {"clerk", "viewer", "reviewer", "branch_reviewer"}  # the evaluator sees no roster


@pytest.fixture
def actors(scene, make_user):
    return {
        **{name: scene[name] for name in ACTORS if name in scene},
        "viewer": make_user("viewer", role=Role.VIEWER, org=scene["upper"]),
        "evaluator": make_user("evaluator", role=Role.EVALUATOR, org=scene["upper"]),
    }


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- bringing a general election to a state --------------------------------------------------


def committee_payload(workflow):
    return {
        "committee_met_on": MEETING.isoformat(),
        "committee_expected": 5,
        "committee_present": 5,
        "posts": {str(pk): post for pk, post in divide_posts(workflow).items()},
        "votes": {"secretary": 5, "deputy_secretary": 5},
    }


def bring_to(scene, state):
    workflow = general_draft(scene)
    clerk, reviewer = scene["clerk"], scene["reviewer"]
    steps = [
        ("submitted", lambda: services.submit(clerk, workflow)),
        ("approved", lambda: services.approve_request(reviewer, workflow)),
        (
            "counting",
            lambda: services.record_count(
                clerk,
                workflow,
                held_on=MEETING,
                expected_voters=10,
                present_voters=10,
                ballots_issued=10,
                ballots_returned=10,
                votes=dict(
                    zip(
                        workflow.candidates.order_by("order").values_list("pk", flat=True),
                        [10, 9, 8, 7, 6, 2],
                        strict=True,
                    )
                ),
            ),
        ),
        ("elected", lambda: services.confirm_result(clerk, workflow)),
        (
            "constituted",
            lambda: services.record_committee_meeting(
                clerk,
                workflow,
                MEETING,
                5,
                5,
                divide_posts(workflow),
                {PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 5},
            ),
        ),
        ("result_submitted", lambda: services.submit_result(clerk, workflow)),
    ]
    for reached, take in [("draft", None), *steps]:
        if take:
            take()
        if reached == state:
            return workflow
    raise AssertionError(state)


# endpoint: (state, method, path, payload or a function of the workflow, who takes it)
READ, CLERK, REVIEWER = "read", "clerk", "reviewer"
ENDPOINTS = {
    "retrieve": ("draft", "get", "", None, READ),
    "checks": ("draft", "get", "checks/", None, READ),
    "timeline": ("draft", "get", "timeline/", None, READ),
    "patch": ("draft", "patch", "", {"doc_number": "财党〔2026〕9号"}, CLERK),
    "submit": ("draft", "post", "submit/", {}, CLERK),
    "withdraw": ("draft", "post", "withdraw/", {"comment": "重新起草"}, CLERK),
    "return": ("submitted", "post", "return/", {"comment": "请补充"}, REVIEWER),
    "approve": ("submitted", "post", "approve/", {"comment": "同意"}, REVIEWER),
    "record-meeting": ("approved", "post", "record-meeting/", {"present_members": 10}, CLERK),
    "confirm-result": ("counting", "post", "confirm-result/", {}, CLERK),
    "record-committee": ("elected", "post", "record-committee/", committee_payload, CLERK),
    "submit-result": ("constituted", "post", "submit-result/", {}, CLERK),
    "return-result": ("result_submitted", "post", "return-result/", {"comment": "重报"}, REVIEWER),
    "approve-result": ("result_submitted", "post", "approve-result/", {}, REVIEWER),
}


REFUSALS = {
    CLERK: "只有本组织的党务工作者可以办理",
    REVIEWER: "只有上级党组织的审批人可以办理",
    "patch": "您没有录入或修改数据的权限",
}


def expected_status(taker, actor):
    if actor not in EAST:
        return 404
    if taker in (READ, actor):
        return 200
    return 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_permission_matrix(endpoint, actor, scene, actors):
    state, method, path, payload, taker = ENDPOINTS[endpoint]
    workflow = bring_to(scene, state)
    if callable(payload):
        payload = payload(workflow)
    client = client_of(actors[actor])
    url = f"/api/v1/elections/{workflow.pk}/{path}"
    response = getattr(client, method)(url, payload, format="json")
    assert response.status_code == expected_status(taker, actor), response.content
    if response.status_code == 403:
        assert response.json()["detail"] == REFUSALS[taker if method == "post" else "patch"]
    if response.status_code != 200:
        assert Workflow.objects.get(pk=workflow.pk).state == state


@pytest.mark.parametrize("actor", ACTORS)
def test_who_sees_which_workflows(actor, scene, actors, make_user):
    election = general_draft(scene)
    west = services.create_workflow(
        scene["west_clerk"],
        WorkflowKind.GENERAL,
        org=scene["west_branch"],
        seats=3,
    )
    upper_clerk = make_user(role=Role.CLERK, org=scene["upper"])
    establishment = services.create_workflow(
        upper_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=scene["upper"],
        proposed_name="新支部",
        proposed_kind=OrgKind.BRANCH,
    )
    client = client_of(actors[actor])
    elections = {r["id"] for r in client.get("/api/v1/elections/").json()["results"]}
    establishments = {r["id"] for r in client.get("/api/v1/establishments/").json()["results"]}
    # The establishment sits under the committee: not in the branch's subtree.
    sees_committee = actor in {"viewer", "reviewer"}
    assert elections == (
        {election.pk} if actor in EAST else {west.pk} if actor.startswith("west") else set()
    )
    assert establishments == ({establishment.pk} if sees_committee else set())


@pytest.mark.parametrize("actor", ["viewer", "evaluator", "reviewer", "branch_reviewer"])
def test_only_a_clerk_drafts(actor, scene, actors):
    client = client_of(actors[actor])
    payload = {"kind": "general", "org": scene["branch"].pk, "seats": 5}
    assert client.post("/api/v1/elections/", payload, format="json").status_code == 403
    assert not Workflow.objects.exists()


def test_a_clerk_elsewhere_cannot_draft_here(scene):
    client = client_of(scene["west_clerk"])
    payload = {"kind": "general", "org": scene["branch"].pk, "seats": 5}
    response = client.post("/api/v1/elections/", payload, format="json")
    assert response.status_code == 400 and "org" in response.json()
    establishment = {"parent": scene["upper"].pk, "proposed_name": "新支部"}
    response = client.post("/api/v1/establishments/", establishment, format="json")
    assert response.status_code == 400 and "parent" in response.json()
    assert not Workflow.objects.exists()


def test_another_subtree_neither_reads_nor_writes_the_signer_or_performances(scene):
    workflow = general_draft(scene, signer="王建国")
    client = client_of(scene["west_clerk"])
    url = f"/api/v1/elections/{workflow.pk}/"
    assert client.get(url).status_code == 404
    member = scene["members"][0].pk
    payload = {"signer": "孙外", "candidates": [{"member": member, "performance": "改写"}]}
    assert client.patch(url, payload, format="json").status_code == 404
    workflow.refresh_from_db()
    assert workflow.signer == "王建国"
    assert not workflow.candidates.exclude(performance="").exists()


def test_no_personal_data_in_workflows(scene, actors):
    workflow = bring_to(scene, "elected")
    for actor in ("clerk", "viewer"):
        body = client_of(actors[actor]).get(f"/api/v1/elections/{workflow.pk}/").content
        for member in scene["members"]:
            assert member.id_number.encode() not in body
        assert b"id_number" not in body and b"phone" not in body


# --- a fixed number of queries ---------------------------------------------------------------


def add_workflows(scene, make_org, make_member, n):
    for _ in range(n):
        branch = make_org(parent=scene["upper"])
        member = make_member(branch)
        election = Workflow.objects.create(
            kind=WorkflowKind.GENERAL, org=branch, seats=3, created_by=scene["clerk"]
        )
        Candidate.objects.create(workflow=election, member=member)
        Workflow.objects.create(
            kind=WorkflowKind.ESTABLISHMENT,
            parent=branch,
            proposed_name="新支部",
            created_by=scene["clerk"],
        )


@pytest.mark.parametrize("url", ["/api/v1/elections/", "/api/v1/establishments/"])
def test_lists_take_a_fixed_number_of_queries(
    url, scene, make_org, make_member, django_assert_max_num_queries
):
    client = client_of(scene["reviewer"])  # a restricted scope: the costlier case
    add_workflows(scene, make_org, make_member, 3)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {"page_size": 100})
    assert len(response.json()["results"]) == 3

    add_workflows(scene, make_org, make_member, 27)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url, {"page_size": 100})
    assert len(response.json()["results"]) == 30


def counted(scene, clerk, org, members, votes, exclusions):
    """A general election of `org` for 5 seats, its candidates `members`, through the
    counts `votes` (one list per round, 10 expected, 8 present in the first)."""
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=org,
        seats=5,
        meeting_planned_on=MEETING,
        candidates=candidates_of(members),
    )
    services.submit(clerk, workflow)
    services.approve_request(scene["reviewer"], workflow)
    for number, round_votes in enumerate(votes):
        present = 8 if number == 0 else 10
        count(
            {**scene, "clerk": clerk}, workflow, round_votes, present=present, exclusions=exclusions
        )
    return workflow


def test_a_detail_takes_a_fixed_number_of_queries(
    scene, make_org, make_member, make_user, django_assert_max_num_queries
):
    """More candidates, rounds, exclusions and steps do not cost more queries."""
    clerk = make_user(role=Role.CLERK, org=scene["upper"])
    client = client_of(clerk)
    small = counted(
        scene,
        clerk,
        scene["branch"],
        scene["members"][:6],
        [[8, 8, 8, 8, 6, 2]],
        [(scene["members"][8], "出国")],
    )
    other = make_org("东区统计局党支部", scene["upper"])
    people = [make_member(other) for _ in range(10)]
    large = counted(
        scene,
        clerk,
        other,
        people[:9],
        [[8, 8, 8, 8, 6, 2, 0, 0, 0], [10, 9, 8, 7, 6, 6, 2, 1, 1]],
        [(people[9], "出国")],
    )

    def read(workflow):
        for path in ("", "timeline/", "checks/"):
            response = client.get(f"/api/v1/elections/{workflow.pk}/{path}")
            assert response.status_code == 200
        return client.get(f"/api/v1/elections/{workflow.pk}/").json()

    with CaptureQueriesContext(connection) as few:
        detail = read(small)
    budget = len(few)  # read now: every request clears the connection's query log
    assert len(detail["rounds"]) == 2 and detail["rounds"][1]["exclusions"]

    with django_assert_max_num_queries(budget):
        detail = read(large)
    assert len(detail["candidates"]) == 9 and len(detail["rounds"]) == 3
