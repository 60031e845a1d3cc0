"""The workflows through API v1: `/api/v1/elections/` and
`/api/v1/establishments/` — whole journeys, the RULES.md edge cases, and 400s naming the
field. The permission matrix and query counts are in test_workflow_api_access.py."""

import datetime

import pytest
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.elections.models import PERFORMANCE_LENGTH, Workflow
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.models import Member, Organization, Post, Term

from .helpers import MEETING, NAMES

ELECTIONS = "/api/v1/elections/"
ESTABLISHMENTS = "/api/v1/establishments/"


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clerk(scene):
    return client_of(scene["clerk"])


@pytest.fixture
def reviewer(scene):
    return client_of(scene["reviewer"])


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def errors(response):
    assert response.status_code == 400, response.content
    return response.json()


def candidates_payload(members, secretary=0, deputy=1):
    return [
        {
            "member": m.pk,
            "proposed_post": "secretary"
            if i == secretary
            else "deputy_secretary"
            if i == deputy
            else "",
        }
        for i, m in enumerate(members)
    ]


def draft_general(clerk, scene, seats=5, candidates=6):
    return ok(
        clerk.post(
            ELECTIONS,
            {
                "kind": "general",
                "org": scene["branch"].pk,
                "seats": seats,
                "meeting_planned_on": MEETING.isoformat(),
                "doc_number": "财党〔2026〕3号",
                "candidates": candidates_payload(scene["members"][:candidates]),
            },
            format="json",
        ),
        201,
    )


def step(client, workflow, name, payload=None, base=ELECTIONS):
    return client.post(f"{base}{workflow['id']}/{name}/", payload or {}, format="json")


def approved_general(clerk, reviewer, scene, **kwargs):
    workflow = draft_general(clerk, scene, **kwargs)
    ok(step(clerk, workflow, "submit"))
    return ok(step(reviewer, workflow, "approve", {"comment": "同意"}))


def count_payload(workflow, votes, expected=10, present=10, issued=None, returned=None):
    """The current round's count: `votes` in ballot order of the current round."""
    open_round = [r for r in workflow["rounds"] if r["confirmed_at"] is None]
    if open_round:
        ids = [e["candidate"] for e in open_round[0]["entries"]]
    else:
        ids = [c["id"] for c in workflow["candidates"]]
    issued = present if issued is None else issued
    return {
        "held_on": MEETING.isoformat(),
        "expected_members": expected,
        "expected_voters": expected,
        "present_members": present,
        "present_voters": present,
        "ballots_issued": issued,
        "ballots_returned": issued if returned is None else returned,
        "invalid_ballots": 0,
        "votes": {str(pk): n for pk, n in zip(ids, votes, strict=True)},
    }


def count(clerk, workflow, votes, base=ELECTIONS, **figures):
    """Record and confirm the current round; returns (the workflow, the round confirmed)."""
    ok(step(clerk, workflow, "record-meeting", count_payload(workflow, votes, **figures), base))
    workflow = ok(step(clerk, workflow, "confirm-result", base=base))
    confirmed = [r for r in workflow["rounds"] if r["confirmed_at"]][-1]
    return workflow, confirmed


def elected(workflow):
    return [c["member_name"] for c in workflow["candidates"] if c["elected_in_round"]]


def divide_posts(workflow):
    others = iter(["organization", "publicity", "discipline"])
    return {
        str(c["id"]): c["proposed_post"] or next(others, "member")
        for c in workflow["candidates"]
        if c["elected_in_round"]
    }


# --- journeys --------------------------------------------------------------------------------


def test_general_election_through_the_api(scene, clerk, reviewer):
    workflow = draft_general(clerk, scene)
    assert workflow["kind"] == "general" and workflow["state"] == "draft"
    assert workflow["actions"] == ["submit", "withdraw"]
    assert workflow["upper"] == scene["upper"].pk
    assert [c["member_name"] for c in workflow["candidates"]] == NAMES[:6]
    assert ok(clerk.get(f"{ELECTIONS}{workflow['id']}/checks/")) == []

    ok(step(clerk, workflow, "submit", {"comment": "请审批"}))
    assert errors(step(reviewer, workflow, "return"))["comment"]
    assert errors(step(reviewer, workflow, "return", {"comment": " "})) == {
        "comment": ["请填写退回意见"]
    }
    returned = ok(step(reviewer, workflow, "return", {"comment": "请补充候选人"}))
    assert returned["state"] == "returned"

    # Corrected and resubmitted: seven candidates now.
    patched = ok(
        clerk.patch(
            f"{ELECTIONS}{workflow['id']}/",
            {"candidates": candidates_payload(scene["members"][:7])},
            format="json",
        )
    )
    assert len(patched["candidates"]) == 7
    ok(step(clerk, workflow, "submit"))
    workflow = ok(step(reviewer, workflow, "approve", {"comment": "同意"}))
    assert workflow["state"] == "approved"
    assert workflow["actions"] == []  # the reviewer has nothing more to do now

    workflow, first = count(clerk, workflow, [10, 9, 8, 7, 6, 2, 1])
    assert workflow["state"] == "elected"
    assert first["result"]["valid"] is True and first["inputs"]["expected_voters"] == 10
    assert elected(workflow) == NAMES[:5]
    assert workflow["with_committee_meeting"] is True

    workflow = ok(
        step(
            clerk,
            workflow,
            "record-committee",
            {
                "committee_met_on": MEETING.isoformat(),
                "committee_expected": 5,
                "committee_present": 5,
                "posts": divide_posts(workflow),
                "votes": {"secretary": 5, "deputy_secretary": 4},
            },
        )
    )
    assert workflow["state"] == "constituted"
    assert workflow["committee_result"]["secretary"]["elected"] == ["secretary"]
    ok(step(clerk, workflow, "submit-result", {"result_doc_number": "财党〔2026〕5号"}))
    workflow = ok(step(reviewer, workflow, "approve-result", {"comment": "同意"}))
    assert workflow["state"] == "completed" and workflow["result_doc_number"] == "财党〔2026〕5号"

    new = Term.objects.get(org=scene["branch"], ended_on__isnull=True)
    assert workflow["term"] == new.pk and new.number == 2
    assert Term.objects.get(pk=scene["term"].pk).ended_on == MEETING
    committee = ok(clerk.get(f"/api/v1/orgs/{scene['branch'].pk}/committee/"))
    assert {p["member_name"]: p["post"] for p in committee["posts"]} == {
        "王建国": "secretary",
        "李秀英": "deputy_secretary",
        "张卫东": "organization",
        "刘红梅": "publicity",
        "陈志强": "discipline",
    }

    timeline = ok(clerk.get(f"{ELECTIONS}{workflow['id']}/timeline/"))
    assert [(t["action"], t["from"], t["to"], t["by"]) for t in timeline] == [
        ("create", "", "draft", "clerk"),
        ("submit", "draft", "submitted", "clerk"),
        ("return", "submitted", "returned", "reviewer"),
        ("submit", "returned", "submitted", "clerk"),
        ("approve", "submitted", "approved", "reviewer"),
        ("record_meeting", "approved", "counting", "clerk"),
        ("confirm_result", "counting", "elected", "clerk"),
        ("record_committee", "elected", "constituted", "clerk"),
        ("submit_result", "constituted", "result_submitted", "clerk"),
        ("approve_result", "result_submitted", "completed", "reviewer"),
    ]
    assert timeline[0]["comment"] == "" and timeline[2]["comment"] == "请补充候选人"
    assert {"action_label", "at", "comment"} <= set(timeline[0])


def test_by_election_through_the_api(scene, clerk, reviewer):
    for member, post in zip(
        scene["members"][:3],
        [PostKind.DEPUTY_SECRETARY, PostKind.ORGANIZATION, PostKind.MEMBER],
        strict=True,
    ):
        Post.objects.create(term=scene["term"], member=member, post=post, started_on=MEETING)
    workflow = ok(
        clerk.post(
            ELECTIONS,
            {
                "kind": "by_election",
                "org": scene["branch"].pk,
                "seats": 2,
                "committee_size": 5,
                "meeting_planned_on": MEETING.isoformat(),
                "candidates": [{"member": scene["members"][5].pk}],
            },
            format="json",
        ),
        201,
    )
    checks = ok(clerk.get(f"{ELECTIONS}{workflow['id']}/checks/"))
    assert {(c["code"], c["field"], c["severity"]) for c in checks} == {
        ("SEATS_EXCEED_VACANCIES", "seats", "error"),
        ("NOT_ONE_PER_SEAT", "candidates", "error"),
    }
    refused = errors(step(clerk, workflow, "submit"))
    assert set(refused) == {"seats", "candidates"}
    ok(clerk.patch(f"{ELECTIONS}{workflow['id']}/", {"seats": 1}, format="json"))
    ok(step(clerk, workflow, "submit"))
    workflow = ok(step(reviewer, workflow, "approve"))
    workflow, _ = count(clerk, workflow, [8], expected=9, present=9)
    assert elected(workflow) == ["杨丽华"]
    (candidate,) = [c for c in workflow["candidates"] if c["elected_in_round"]]
    ok(
        step(
            clerk,
            workflow,
            "record-committee",
            {
                "committee_met_on": MEETING.isoformat(),
                "committee_expected": 5,
                "committee_present": 5,
                "posts": {str(candidate["id"]): "publicity"},
            },
        )
    )
    ok(step(clerk, workflow, "submit-result"))
    workflow = ok(step(reviewer, workflow, "approve-result"))
    assert workflow["state"] == "completed" and workflow["term"] == scene["term"].pk
    assert scene["term"].posts.filter(member__name="杨丽华", post="publicity").exists()


def test_establishment_through_the_api(scene, reviewer, make_member, make_user):
    # The new branch goes under the committee: the committee's clerk asks, and its reviewer,
    # the level above the new branch, approves.
    parent = scene["upper"]
    clerk = client_of(make_user(role=Role.CLERK, org=parent))
    founders = [make_member(scene["branch"], name=f"创始{i}") for i in range(4)]
    workflow = ok(
        clerk.post(
            ESTABLISHMENTS,
            {
                "parent": parent.pk,
                "proposed_name": "东区审计局党支部",
                "proposed_kind": "branch",
                "proposed_category": "organ",
                "decided_on": "2026-01-10",
                "decided_by": "局党组会议",
                "seats": 2,
                "candidates": candidates_payload(founders[:2]),
                "roster": [m.pk for m in founders[:2]],
            },
            format="json",
        ),
        201,
    )
    assert workflow["kind"] == "establishment" and workflow["org"] is None
    assert workflow["subject_name"] == "东区审计局党支部" and workflow["upper"] == parent.pk
    checks = ok(clerk.get(f"{ESTABLISHMENTS}{workflow['id']}/checks/"))
    assert [c["code"] for c in checks] == ["ROSTER_TOO_SMALL"]
    ok(
        clerk.patch(
            f"{ESTABLISHMENTS}{workflow['id']}/",
            {"roster": [m.pk for m in founders]},
            format="json",
        )
    )
    ok(step(clerk, workflow, "submit", base=ESTABLISHMENTS))
    ok(step(reviewer, workflow, "approve", base=ESTABLISHMENTS))
    workflow = ok(clerk.get(f"{ESTABLISHMENTS}{workflow['id']}/"))
    workflow, _ = count(clerk, workflow, [4, 4], base=ESTABLISHMENTS, expected=4, present=4)
    assert workflow["state"] == "elected" and workflow["with_committee_meeting"] is False
    assert workflow["actions"] == ["submit_result"]
    ok(step(clerk, workflow, "submit-result", base=ESTABLISHMENTS))
    workflow = ok(step(reviewer, workflow, "approve-result", base=ESTABLISHMENTS))
    org = Organization.objects.get(name="东区审计局党支部")
    assert workflow["org"] == org.pk and workflow["state"] == "completed"
    assert org.parent == parent and org.established_on == MEETING
    assert Member.objects.filter(org=org).count() == 4
    assert dict(org.terms.get().posts.values_list("member__name", "post")) == {
        "创始0": "secretary",
        "创始1": "deputy_secretary",
    }
    # Now listed under the organisation it created.
    listed = ok(clerk.get(ESTABLISHMENTS, {"org": org.pk}))["results"]
    assert [w["id"] for w in listed] == [workflow["id"]]


# --- the RULES.md edge cases -----------------------------------------------------------------


def test_eight_of_ten_present_is_not_a_quorum(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    workflow, first = count(clerk, workflow, [8, 8, 8, 8, 6, 2], expected=10, present=8)
    assert first["result"]["problems"] == ["QUORUM_NOT_MET"]
    assert workflow["state"] == "counting" and elected(workflow) == []
    again = workflow["rounds"][-1]
    assert (again["number"], again["seats"], len(again["entries"])) == (2, 5, 6)
    workflow, _ = count(clerk, workflow, [9, 9, 9, 9, 8, 1], expected=10, present=9)
    assert workflow["state"] == "elected" and len(elected(workflow)) == 5


def test_exactly_half_the_votes_leaves_the_seat_for_another_round(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    workflow, first = count(clerk, workflow, [10, 9, 8, 7, 5, 5])
    assert first["result"]["unfilled_seats"] == 1 and first["result"]["runoff"] == []
    assert elected(workflow) == NAMES[:4] and workflow["state"] == "counting"
    another = workflow["rounds"][-1]
    assert another["seats"] == 1
    assert sorted(e["member_name"] for e in another["entries"]) == ["杨丽华", "陈志强"]


def test_a_tie_at_the_last_seat_goes_to_a_runoff(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    workflow, first = count(clerk, workflow, [10, 9, 8, 7, 6, 6])
    assert len(first["result"]["runoff"]) == 2 and first["result"]["runoff_seats"] == 1
    runoff = workflow["rounds"][-1]
    assert sorted(e["member_name"] for e in runoff["entries"]) == ["杨丽华", "陈志强"]
    workflow, _ = count(clerk, workflow, [3, 7])
    assert elected(workflow) == [*NAMES[:4], "杨丽华"]
    assert workflow["state"] == "elected"


def test_more_ballots_back_than_issued_voids_the_vote(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    workflow, first = count(clerk, workflow, [10, 9, 8, 7, 6, 2], issued=10, returned=11)
    assert first["result"]["valid"] is False
    assert first["result"]["problems"] == ["BALLOTS_EXCEED_ISSUED"]
    assert elected(workflow) == [] and workflow["rounds"][-1]["number"] == 2


def test_seven_seats_with_eight_candidates_cannot_be_submitted(scene, clerk):
    workflow = draft_general(clerk, scene, seats=7, candidates=8)
    checks = ok(clerk.get(f"{ELECTIONS}{workflow['id']}/checks/"))
    assert [(c["code"], c["severity"], c["field"], c["message"]) for c in checks] == [
        ("COMMITTEE_SIZE_UNUSUAL", "warning", "seats", "支部委员会一般由3至5人组成，现为7人"),
        (
            "SURPLUS_TOO_LOW",
            "error",
            "candidates",
            "应选7名，差额不低于20%，候选人应不少于9名，现有8名",
        ),
    ]
    assert errors(step(clerk, workflow, "submit")) == {
        "candidates": ["应选7名，差额不低于20%，候选人应不少于9名，现有8名"]
    }
    assert ok(clerk.get(f"{ELECTIONS}{workflow['id']}/"))["state"] == "draft"


def test_ballot_by_ballot_entry(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene, seats=3, candidates=4)
    a, b, c, d = (cand["id"] for cand in workflow["candidates"])
    ballots = [[a, b, c]] * 4 + [[a, b, d]] * 2 + [[a, b, c, d]]  # the last marks 4 > 3 seats
    saved = ok(
        step(
            clerk,
            workflow,
            "record-meeting",
            {
                "mode": "ballots",
                "held_on": MEETING.isoformat(),
                "expected_voters": 9,
                "present_voters": 8,
                "ballots_issued": 8,
                "ballots_returned": 8,
                "invalid_ballots": 1,
                "ballots": ballots,
            },
        )
    )
    assert saved["rounds"][0]["ballots"] == ballots
    workflow = ok(step(clerk, workflow, "confirm-result"))
    result = workflow["rounds"][0]["result"]
    assert result["invalid_ballots"] == 2
    assert {e["candidate"]: e["votes"] for e in workflow["rounds"][0]["entries"]} == {
        a: 6,
        b: 6,
        c: 4,
        d: 2,
    }
    assert elected(workflow) == NAMES[:2]  # 4 of 8 present is exactly half


def test_a_confirmed_round_is_frozen(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    workflow, _ = count(clerk, workflow, [10, 9, 8, 7, 6, 2])
    refused = errors(step(clerk, workflow, "record-meeting", {"present_voters": 3}))
    assert "不能登记党员大会计票" in refused["state"][0]
    assert ok(clerk.get(f"{ELECTIONS}{workflow['id']}/"))["rounds"][0]["present_voters"] == 10


# --- refusals name the field -----------------------------------------------------------------


def test_malformed_counts_name_the_field(scene, clerk, reviewer):
    workflow = approved_general(clerk, reviewer, scene)
    payload = count_payload(workflow, [10, 9, 8, 7, 6, 2], expected=10, present=11)
    ok(step(clerk, workflow, "record-meeting", payload))
    assert "present_voters" in errors(step(clerk, workflow, "confirm-result"))
    assert "votes" in errors(step(clerk, workflow, "record-meeting", {"votes": {"x": 1}}))
    assert "votes" in errors(step(clerk, workflow, "record-meeting", {"votes": {"999999": 1}}))
    assert "expected_voters" in errors(
        step(clerk, workflow, "record-meeting", {"expected_voters": -1})
    )
    assert "ballots" in errors(step(clerk, workflow, "record-meeting", {"ballots": [[1]]}))
    sick = scene["members"][7]
    assert errors(
        step(clerk, workflow, "record-meeting", {"exclusions": [{"member": sick.pk, "reason": ""}]})
    ) == {"exclusions": ["请填写黄海不计入应到会人数的原因"]}
    saved = ok(
        step(
            clerk,
            workflow,
            "record-meeting",
            {"exclusions": [{"member": sick.pk, "reason": "因病住院"}]},
        )
    )
    assert saved["rounds"][0]["exclusions"] == [
        {
            "member": sick.pk,
            "member_name": "黄海",
            "member_status": "full",
            "reason": "因病住院",
        }
    ]


@pytest.mark.parametrize(
    "reason, found",
    [
        ("因病\u202e住院", "文字方向控制字符（U+202E）"),
        ("因病\n住院", "不能换行"),
        ("因病\x07", "U+0007"),
    ],
)
def test_an_exclusion_reason_is_plain_text(scene, clerk, reviewer, reason, found):
    """Exclusions are saved in bulk: their reasons get the check every save has."""
    workflow = approved_general(clerk, reviewer, scene)
    sick = scene["members"][7]
    payload = {"present_voters": 3, "exclusions": [{"member": sick.pk, "reason": "因病住院"}]}
    ok(step(clerk, workflow, "record-meeting", payload))
    payload = {"present_voters": 4, "exclusions": [{"member": sick.pk, "reason": reason}]}
    (message,) = errors(step(clerk, workflow, "record-meeting", payload))["exclusions"]
    assert message.startswith("黄海不计入应到会人数的原因") and found in message
    (saved,) = ok(clerk.get(f"{ELECTIONS}{workflow['id']}/"))["rounds"]
    assert saved["present_voters"] == 3
    assert [e["reason"] for e in saved["exclusions"]] == ["因病住院"]


def test_a_draft_names_its_faults(scene, clerk, make_member):
    outsider = make_member(scene["west_branch"])
    assert "org" in errors(
        clerk.post(ELECTIONS, {"kind": "general", "org": scene["west_branch"].pk}, format="json")
    )
    refused = errors(
        clerk.post(
            ELECTIONS,
            {"kind": "general", "org": scene["branch"].pk, "candidates": [{"member": outsider.pk}]},
            format="json",
        )
    )
    assert "不存在或不在您的管辖范围内" in str(refused["candidates"])
    assert "kind" in errors(
        clerk.post(ELECTIONS, {"kind": "establishment", "org": scene["branch"].pk}, format="json")
    )
    workflow = draft_general(clerk, scene)
    assert errors(
        clerk.patch(f"{ELECTIONS}{workflow['id']}/", {"org": scene["east"].pk}, format="json")
    ) == {"org": ["不能修改此项；请撤回后重新起草"]}
    assert errors(clerk.post(ELECTIONS, {"kind": "general", "org": scene["branch"].pk})) == {
        "org": ["该党组织已有未办结的换届选举事项"]
    }
    assert "seats" in errors(
        clerk.patch(f"{ELECTIONS}{workflow['id']}/", {"seats": "五"}, format="json")
    )


def test_the_signer_and_performances_are_written_and_read_back(scene, clerk):
    candidates = candidates_payload(scene["members"][:6])
    candidates[0]["performance"] = "政治坚定，作风扎实"
    payload = {"kind": "general", "org": scene["branch"].pk, "seats": 5, "signer": "王建国"}
    workflow = ok(clerk.post(ELECTIONS, {**payload, "candidates": candidates}, format="json"), 201)
    assert workflow["signer"] == "王建国"
    assert [c["performance"] for c in workflow["candidates"]] == ["政治坚定，作风扎实", *[""] * 5]
    url = f"{ELECTIONS}{workflow['id']}/"
    candidates[1]["performance"] = "顾全大局"
    ok(clerk.patch(url, {"signer": "李秀英", "candidates": candidates}, format="json"))
    workflow = ok(clerk.get(url))
    assert workflow["signer"] == "李秀英"
    assert [c["performance"] for c in workflow["candidates"][:3]] == [
        "政治坚定，作风扎实",
        "顾全大局",
        "",
    ]
    candidates[1]["performance"] = "忠" * (PERFORMANCE_LENGTH + 1)
    refused = errors(clerk.patch(url, {"candidates": candidates}, format="json"))
    assert refused["candidates"][1]["performance"]
    assert ok(clerk.get(url))["candidates"][1]["performance"] == "顾全大局"


def test_steps_out_of_order_are_a_400_naming_the_state(scene, clerk, reviewer):
    workflow = draft_general(clerk, scene)
    assert "不能批复同意" in errors(step(reviewer, workflow, "approve"))["state"][0]
    assert "state" in errors(step(clerk, workflow, "confirm-result"))
    ok(step(clerk, workflow, "submit"))
    assert "state" in errors(
        clerk.patch(f"{ELECTIONS}{workflow['id']}/", {"seats": 3}, format="json")
    )
    assert ok(clerk.get(f"{ELECTIONS}{workflow['id']}/"))["seats"] == 5


def test_lists_filter_by_org_ancestor_state_and_kind(scene, clerk, reviewer, make_org):
    other_branch = make_org("东区税务局党支部", scene["upper"], category=Category.ORGAN)
    first = draft_general(clerk, scene)
    ok(step(clerk, first, "submit"))
    by_election = Workflow.objects.create(
        kind="by_election", org=other_branch, created_by=scene["clerk"]
    )
    establishment = Workflow.objects.create(
        kind="establishment",
        parent=scene["upper"],
        proposed_name="新支部",
        proposed_kind=OrgKind.BRANCH,
        created_by=scene["clerk"],
    )

    def ids(client, url=ELECTIONS, **params):
        return {w["id"] for w in ok(client.get(url, params))["results"]}

    assert ids(reviewer) == {first["id"], by_election.pk}
    assert ids(reviewer, org=scene["branch"].pk) == {first["id"]}
    assert ids(reviewer, kind="by_election") == {by_election.pk}
    assert ids(reviewer, state="submitted") == {first["id"]}
    assert ids(reviewer, ancestor=scene["upper"].pk) == {first["id"], by_election.pk}
    assert ids(reviewer, ancestor=other_branch.pk) == {by_election.pk}
    assert ids(reviewer, url=ESTABLISHMENTS) == {establishment.pk}
    assert ids(reviewer, url=ESTABLISHMENTS, ancestor=scene["upper"].pk) == {establishment.pk}
    assert ids(reviewer, url=ESTABLISHMENTS, ancestor=scene["branch"].pk) == set()
    assert ids(reviewer, url=ESTABLISHMENTS, parent=scene["upper"].pk) == {establishment.pk}
    # The branch's clerk sees its own branch only.
    assert ids(clerk) == {first["id"]}
    assert ids(clerk, url=ESTABLISHMENTS) == set()
    # Elections and establishments are separate resources.
    assert clerk.get(f"{ESTABLISHMENTS}{first['id']}/").status_code == 404


def test_detail_with_the_wrong_date_format_names_the_field(scene, clerk):
    workflow = draft_general(clerk, scene)
    refused = errors(
        clerk.patch(
            f"{ELECTIONS}{workflow['id']}/", {"meeting_planned_on": "2026/3/2"}, format="json"
        )
    )
    assert "meeting_planned_on" in refused
    assert ok(clerk.get(f"{ELECTIONS}{workflow['id']}/"))["meeting_planned_on"] == (
        datetime.date(2026, 3, 2).isoformat()
    )


def test_a_step_the_workflow_never_takes_is_a_400(clerk, scene):
    """A secretary-only election has no committee meeting: recording one is refused with a
    400 naming the state (it was a KeyError, a 500)."""
    workflow = draft_general(clerk, scene, seats=1, candidates=2)
    assert workflow["with_committee_meeting"] is False
    payload = {"committee_expected": 0, "committee_present": 0, "posts": {}}
    payload["committee_met_on"] = MEETING.isoformat()
    refused = errors(step(clerk, workflow, "record-committee", payload))
    assert "state" in refused
    assert Workflow.objects.get(pk=workflow["id"]).state == workflow["state"]
