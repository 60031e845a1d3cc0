"""The workflows through their services: each transition, who may take it, and the RULES.md
edge cases of an election meeting, over the `scene` of conftest.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.elections import rules, services
from grassroots.elections.choices import Action, CountMode, ElectionKind, State, WorkflowKind
from grassroots.elections.models import Transition, Workflow
from grassroots.elections.tally import Count, tally
from grassroots.orgs import services as registry
from grassroots.orgs.choices import Category, MemberStatus, OrgKind, PostKind, SocietyRole
from grassroots.orgs.models import Member, Membership, Organization, Post, Term

from .helpers import (
    MEETING,
    NAMES,
    TERM_START,
    approved_general,
    candidates_of,
    count,
    divide_posts,
    elected_names,
    general_draft,
    society_clerk,
)

# --- a general election end to end -----------------------------------------------------------


def test_general_election_end_to_end(scene):
    clerk, reviewer = scene["clerk"], scene["reviewer"]
    workflow = general_draft(scene)
    assert workflow.state == State.DRAFT
    services.submit(clerk, workflow, "请审批")
    services.return_request(reviewer, workflow, "请补充候选人简历")
    assert workflow.state == State.RETURNED
    # Corrected and resubmitted.
    services.update_workflow(clerk, workflow, doc_number="财党〔2026〕4号")
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow, "同意")
    assert workflow.state == State.APPROVED

    count(scene, workflow, [10, 9, 8, 7, 6, 2])
    assert workflow.state == State.ELECTED
    assert elected_names(workflow) == NAMES[:5]

    services.record_committee_meeting(
        clerk,
        workflow,
        met_on=MEETING,
        expected=5,
        present=5,
        posts=divide_posts(workflow),
        votes={PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 4},
    )
    assert workflow.state == State.CONSTITUTED
    services.submit_result(clerk, workflow, "财党〔2026〕5号")
    services.approve_result(reviewer, workflow, "同意王建国任书记、李秀英任副书记")
    workflow.refresh_from_db()
    assert workflow.state == State.COMPLETED

    old = Term.objects.get(pk=scene["term"].pk)
    assert old.ended_on == MEETING
    new = Term.objects.get(org=scene["branch"], ended_on__isnull=True)
    assert new.number == 2 and new.started_on == MEETING and workflow.term == new
    held = {p.member.name: p.post for p in new.posts.select_related("member")}
    assert held == {
        "王建国": PostKind.SECRETARY,
        "李秀英": PostKind.DEPUTY_SECRETARY,
        "张卫东": PostKind.ORGANIZATION,
        "刘红梅": PostKind.PUBLICITY,
        "陈志强": PostKind.DISCIPLINE,
    }
    # The old committee stays in history; its posts ended with its term.
    assert Post.objects.get(pk=scene["old_secretary"].pk).ended_on == MEETING

    timeline = [
        (t.action, t.by.username, t.comment) for t in workflow.transitions.order_by("at", "pk")
    ]
    assert timeline == [
        (Action.CREATE, "clerk", ""),
        (Action.SUBMIT, "clerk", "请审批"),
        (Action.RETURN, "reviewer", "请补充候选人简历"),
        (Action.SUBMIT, "clerk", ""),
        (Action.APPROVE, "reviewer", "同意"),
        (Action.RECORD_MEETING, "clerk", ""),
        (Action.CONFIRM_RESULT, "clerk", ""),
        (Action.RECORD_COMMITTEE, "clerk", ""),
        (Action.SUBMIT_RESULT, "clerk", ""),
        (Action.APPROVE_RESULT, "reviewer", "同意王建国任书记、李秀英任副书记"),
    ]
    # The registry's history names the clerk who asked for the change.
    assert new.history.first().history_user == clerk


def test_the_frozen_result_keeps_its_inputs(scene):
    workflow = approved_general(scene)
    confirmed = count(scene, workflow, [10, 9, 8, 7, 6, 2])
    assert confirmed.inputs["expected_voters"] == 10
    assert [c["votes"] for c in confirmed.inputs["candidates"]] == [10, 9, 8, 7, 6, 2]
    assert confirmed.result["valid"] is True
    assert confirmed.confirmed_by == scene["clerk"]
    # Frozen: the count can no longer be changed.
    with pytest.raises(ValidationError) as error:
        services.record_count(scene["clerk"], workflow, present_voters=3)
    assert "state" in error.value.message_dict


# --- who may act -----------------------------------------------------------------------------


def test_only_a_reviewer_of_the_level_above_approves(scene):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    for user in ("clerk", "branch_reviewer", "west_reviewer", "west_clerk"):
        with pytest.raises(ValidationError) as error:
            services.approve_request(scene[user], workflow)
        assert error.value.message_dict == {"state": ["只有上级党组织的审批人可以办理"]}, user
    services.approve_request(scene["reviewer"], workflow)
    assert workflow.state == State.APPROVED


def test_a_reviewer_higher_up_may_approve(scene, make_user):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    services.approve_request(make_user(role=Role.REVIEWER, org=scene["east"]), workflow)
    assert workflow.state == State.APPROVED


def test_only_the_clerk_submits_and_counts(scene):
    workflow = general_draft(scene)
    for user in ("reviewer", "west_clerk", "branch_reviewer"):
        with pytest.raises(ValidationError):
            services.submit(scene[user], workflow)
    with pytest.raises(ValidationError) as error:
        services.create_workflow(
            scene["west_clerk"], WorkflowKind.GENERAL, org=scene["branch"], seats=5
        )
    assert "org" in error.value.message_dict


def test_a_return_needs_a_comment(scene):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    with pytest.raises(ValidationError) as error:
        services.return_request(scene["reviewer"], workflow, "  ")
    assert error.value.message_dict == {"comment": ["请填写退回意见"]}
    assert Workflow.objects.get(pk=workflow.pk).state == State.SUBMITTED


def test_steps_out_of_order_are_refused(scene):
    workflow = general_draft(scene)
    with pytest.raises(ValidationError) as error:
        services.approve_request(scene["reviewer"], workflow)
    assert "不能批复同意" in error.value.message_dict["state"][0]
    with pytest.raises(ValidationError):
        services.record_count(scene["clerk"], workflow, present_voters=3)
    services.submit(scene["clerk"], workflow)
    with pytest.raises(ValidationError):
        services.update_workflow(scene["clerk"], workflow, seats=3)


def test_a_stale_copy_cannot_act_twice(scene):
    workflow = general_draft(scene)
    stale = Workflow.objects.get(pk=workflow.pk)
    services.submit(scene["clerk"], workflow)
    with pytest.raises(ValidationError) as error:
        services.submit(scene["clerk"], stale)
    assert "他人办理" in error.value.message_dict["state"][0]


def test_one_open_general_election_per_organisation(scene):
    general_draft(scene)
    with pytest.raises(ValidationError) as error:
        general_draft(scene)
    assert error.value.message_dict["org"] == ["该党组织已有未办结的换届选举事项"]


def test_withdrawn_drafts_free_the_organisation(scene):
    workflow = general_draft(scene)
    services.withdraw(scene["clerk"], workflow, "重新起草")
    assert workflow.state == State.WITHDRAWN
    assert general_draft(scene).state == State.DRAFT


# --- checks before submission ----------------------------------------------------------------


def submit_errors(scene, workflow):
    with pytest.raises(ValidationError) as error:
        services.submit(scene["clerk"], workflow)
    assert Workflow.objects.get(pk=workflow.pk).state == State.DRAFT
    return error.value.message_dict


def test_candidates_must_be_full_members_with_a_vote(scene, make_member):
    outsider = make_member(scene["west_branch"], name="孙外")
    chosen = [*scene["members"][:4], scene["probationary"], scene["disciplined"], outsider]
    workflow = services.create_workflow(
        scene["clerk"],
        WorkflowKind.GENERAL,
        org=scene["branch"],
        seats=5,
        meeting_planned_on=MEETING,
        candidates=candidates_of(chosen),
    )
    errors = submit_errors(scene, workflow)
    assert errors["candidates"] == [
        "候选人吴新是预备党员，没有被选举权",
        "候选人郑重受留党察看处分，没有被选举权",
        "候选人孙外不在本组织党员中",
    ]


def test_a_functional_member_may_stand(scene, make_member):
    visitor = make_member(scene["west_branch"], name="钱访")
    Membership.objects.create(member=visitor, org=scene["branch"], started_on=TERM_START)
    workflow = services.create_workflow(
        scene["clerk"],
        WorkflowKind.GENERAL,
        org=scene["branch"],
        seats=5,
        meeting_planned_on=MEETING,
        candidates=candidates_of([*scene["members"][:5], visitor]),
    )
    services.submit(scene["clerk"], workflow)
    assert workflow.state == State.SUBMITTED


def test_seven_seats_need_nine_candidates(scene):
    workflow = general_draft(scene, seats=7, candidates=8)
    errors = submit_errors(scene, workflow)
    assert errors["candidates"] == ["应选7名，差额不低于20%，候选人应不少于9名，现有8名"]
    # The draft is corrected, not drafted again: one open election per organisation.
    services.update_workflow(scene["clerk"], workflow, candidates=candidates_of(scene["members"]))
    services.submit(scene["clerk"], workflow)
    assert workflow.state == State.SUBMITTED


def test_a_branch_committee_has_at_most_seven_seats(scene, make_member):
    for _ in range(2):
        make_member(scene["branch"])
    errors = submit_errors(scene, general_draft(scene, seats=8, candidates=10))
    assert errors["seats"] == ["支部委员会一般由3至5人组成，最多不超过7人，现为8人"]


def test_a_small_branch_elects_only_a_secretary_and_deputy(scene):
    for member in scene["members"][5:]:
        member.status = MemberStatus.PROBATIONARY
        member.confirmed_on = None
        member.save()
    # Six full members now (a member under 留党察看 stays a full member, without a vote):
    # no committee.
    workflow = general_draft(scene, seats=3, candidates=4)
    errors = submit_errors(scene, workflow)
    assert errors["seats"][0].startswith("正式党员6名，不足7名，不设支部委员会")
    services.update_workflow(
        scene["clerk"], workflow, seats=2, candidates=candidates_of(scene["members"][:2])
    )
    services.submit(scene["clerk"], workflow)
    assert not services.with_committee_meeting(workflow)


def test_a_society_secretary_who_is_not_its_chair_is_a_warning(scene, make_org, make_member):
    society = make_org(
        "省计算机学会党支部",
        scene["upper"],
        kind=OrgKind.FUNCTIONAL_BRANCH,
        category=Category.SCI_TECH_SOCIETY,
    )
    people = [make_member(scene["branch"]) for _ in range(7)]
    for person in people:
        Membership.objects.create(member=person, org=society, started_on=TERM_START)
    people[1].society_role = SocietyRole.CHAIR
    people[1].save()
    workflow = services.create_workflow(
        society_clerk(scene["clerk"], society),
        WorkflowKind.GENERAL,
        org=society,
        seats=5,
        meeting_planned_on=MEETING,
        candidates=candidates_of(people[:6]),
    )
    problems = services.request_problems(workflow)
    assert [(p.field, p.severity) for p in problems] == [("candidates", "warning")]
    assert "双向进入、交叉任职" in problems[0].message
    services.update_workflow(
        workflow.created_by, workflow, candidates=candidates_of(people[:6], secretary=1, deputy=0)
    )
    assert services.request_problems(workflow) == []


def test_nothing_is_saved_half_way(scene, make_member):
    before = Workflow.objects.count(), Transition.objects.count()
    duplicate = [{"member": scene["members"][0]}, {"member": scene["members"][0]}]
    with pytest.raises(ValidationError):
        services.create_workflow(
            scene["clerk"],
            WorkflowKind.GENERAL,
            org=scene["branch"],
            seats=5,
            candidates=duplicate,
        )
    assert (Workflow.objects.count(), Transition.objects.count()) == before


# --- the RULES.md edge cases through the workflow --------------------------------------------


def test_eight_of_ten_present_voids_the_vote(scene):
    workflow = approved_general(scene)
    # 8 ballots of 5 names each carry at most 40 votes.
    first = count(scene, workflow, [8, 8, 8, 8, 6, 2], expected=10, present=8)
    assert first.result["problems"] == ["QUORUM_NOT_MET"]
    assert workflow.state == State.COUNTING and elected_names(workflow) == []
    again = services.current_round(workflow)
    assert (again.number, again.seats, again.entries.count()) == (2, 5, 6)
    count(scene, workflow, [9, 9, 9, 9, 8, 1], expected=10, present=9)
    assert workflow.state == State.ELECTED
    assert len(elected_names(workflow)) == 5


def test_exactly_half_the_votes_is_not_enough(scene):
    workflow = approved_general(scene)
    # 10 present: 5 votes is exactly half and fails; the fifth seat stays open.
    first = count(scene, workflow, [10, 9, 8, 7, 5, 5])
    assert first.result["unfilled_seats"] == 1 and first.result["runoff"] == []
    assert elected_names(workflow) == NAMES[:4]
    another = services.current_round(workflow)
    assert another.seats == 1
    assert sorted(e.candidate.member.name for e in another.entries.all()) == ["杨丽华", "陈志强"]
    count(scene, workflow, [6, 4])
    assert elected_names(workflow) == NAMES[:5]
    assert workflow.state == State.ELECTED


def test_a_tie_at_the_last_seat_goes_to_a_runoff_among_the_tied(scene):
    workflow = approved_general(scene)
    first = count(scene, workflow, [10, 9, 8, 7, 6, 6])
    assert first.result["elected"] and len(first.result["runoff"]) == 2
    assert elected_names(workflow) == NAMES[:4]
    runoff = services.current_round(workflow)
    assert runoff.seats == 1
    assert sorted(e.candidate.member.name for e in runoff.entries.all()) == ["杨丽华", "陈志强"]
    count(scene, workflow, [3, 7])
    assert elected_names(workflow) == [*NAMES[:4], "杨丽华"]


def test_more_ballots_back_than_issued_voids_the_election(scene):
    workflow = approved_general(scene)
    first = count(scene, workflow, [10, 9, 8, 7, 6, 2], issued=10, returned=11)
    assert first.result["valid"] is False
    assert first.result["problems"] == ["BALLOTS_EXCEED_ISSUED"]
    assert elected_names(workflow) == []
    assert services.current_round(workflow).number == 2


def test_malformed_counts_name_the_field(scene):
    workflow = approved_general(scene)
    with pytest.raises(ValidationError) as error:
        count(scene, workflow, [10, 9, 8, 7, 6, 2], expected=10, present=11)
    assert "present_voters" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.confirm_result(scene["clerk"], workflow)
    assert "present_voters" in error.value.message_dict


def test_ballot_by_ballot_entry(scene):
    workflow = approved_general(scene, seats=3, candidates=4)
    ids = list(workflow.candidates.order_by("order").values_list("pk", flat=True))
    a, b, c, d = ids
    ballots = [[a, b, c]] * 4 + [[a, b, d]] * 2 + [[a, b, c, d]]  # the last marks 4 > 3 seats
    services.record_count(
        scene["clerk"],
        workflow,
        mode=CountMode.BALLOTS,
        held_on=MEETING,
        expected_voters=9,
        present_voters=8,
        ballots_issued=8,
        ballots_returned=8,
        invalid_ballots=1,  # a spoiled paper, not entered
        ballots=ballots,
    )
    confirmed = services.confirm_result(scene["clerk"], workflow)
    assert confirmed.result["invalid_ballots"] == 2
    votes = {e.candidate_id: e.votes for e in confirmed.entries.all()}
    assert votes == {a: 6, b: 6, c: 4, d: 2}
    # 8 present: 4 votes is exactly half.
    assert elected_names(workflow) == NAMES[:2]


def test_members_left_out_of_the_count_need_a_reason(scene):
    workflow = approved_general(scene)
    sick = scene["members"][7]
    with pytest.raises(ValidationError) as error:
        services.record_count(scene["clerk"], workflow, exclusions=[(sick, "")])
    assert error.value.message_dict == {"exclusions": ["请填写黄海不计入应到会人数的原因"]}
    with pytest.raises(ValidationError) as error:
        services.record_count(
            scene["clerk"], workflow, exclusions=[(scene["probationary"], "外出")]
        )
    assert "不是本次大会有选举权的党员" in error.value.message_dict["exclusions"][0]
    round_ = services.record_count(scene["clerk"], workflow, exclusions=[(sick, "因病住院")])
    assert [(e.member.name, e.reason) for e in round_.exclusions.all()] == [("黄海", "因病住院")]


def test_eligible_voters_leave_out_probationary_and_disciplined(scene):
    workflow = general_draft(scene)
    assert services.eligible_voters(workflow).count() == 9
    assert services.meeting_members(workflow).count() == 11


# --- the committee meeting -------------------------------------------------------------------


def elected_general(scene):
    workflow = approved_general(scene)
    count(scene, workflow, [10, 9, 8, 7, 6, 2])
    return workflow


def test_the_secretary_needs_more_than_half_of_the_committee(scene):
    workflow = elected_general(scene)
    with pytest.raises(ValidationError) as error:
        services.record_committee_meeting(
            scene["clerk"],
            workflow,
            MEETING,
            5,
            5,
            divide_posts(workflow),
            {PostKind.SECRETARY: 2, PostKind.DEPUTY_SECRETARY: 5},
        )
    assert "书记人选未获得" in error.value.message_dict["votes"][0]
    assert Workflow.objects.get(pk=workflow.pk).state == State.ELECTED


@pytest.mark.parametrize(
    ("met_on", "message"),
    [
        (MEETING - datetime.timedelta(days=1), "会议日期不能早于党员大会选举日期"),
        (datetime.date.today() + datetime.timedelta(days=1), "会议日期不能晚于今天"),
    ],
)
def test_the_committee_meets_after_the_election_and_not_in_the_future(scene, met_on, message):
    workflow = elected_general(scene)
    votes = {PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 5}
    with pytest.raises(ValidationError) as error:
        services.record_committee_meeting(
            scene["clerk"], workflow, met_on, 5, 5, divide_posts(workflow), votes
        )
    assert error.value.message_dict["committee_met_on"] == [message]
    # The election day itself is fine.
    services.record_committee_meeting(
        scene["clerk"], workflow, MEETING, 5, 5, divide_posts(workflow), votes
    )
    assert workflow.state == State.CONSTITUTED


def test_a_count_dated_after_today_cannot_be_confirmed(scene):
    workflow = approved_general(scene)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        count(scene, workflow, [10, 9, 8, 7, 6, 2], held_on=tomorrow)
    assert error.value.message_dict["held_on"] == ["大会日期晚于今天，大会召开后才能确认计票结果"]
    # The count is kept (saved before the meeting), not confirmed.
    assert Workflow.objects.get(pk=workflow.pk).state == State.COUNTING
    assert services.current_round(workflow).confirmed_at is None


def test_saving_the_count_again_keeps_one_timeline_row(scene):
    workflow = approved_general(scene)
    for present in (9, 10):
        services.record_count(scene["clerk"], workflow, held_on=MEETING, present_voters=present)
    services.record_count(scene["clerk"], workflow, comment="补录无效票")
    rows = list(workflow.transitions.order_by("at", "pk").values_list("action", "comment"))
    assert rows[-3:] == [
        (Action.APPROVE, "同意"),
        (Action.RECORD_MEETING, ""),
        (Action.RECORD_MEETING, "补录无效票"),
    ]


def test_every_elected_member_gets_a_post_and_one_secretary(scene):
    workflow = elected_general(scene)
    posts = divide_posts(workflow)
    posts.popitem()
    with pytest.raises(ValidationError) as error:
        services.record_committee_meeting(
            scene["clerk"], workflow, MEETING, 5, 5, posts, {PostKind.SECRETARY: 5}
        )
    assert error.value.message_dict == {"posts": ["请为每一位当选委员分工"]}
    posts = dict.fromkeys(divide_posts(workflow), PostKind.SECRETARY)
    with pytest.raises(ValidationError) as error:
        services.record_committee_meeting(
            scene["clerk"], workflow, MEETING, 5, 5, posts, {PostKind.SECRETARY: 5}
        )
    assert error.value.message_dict == {"posts": ["书记只能有1名"]}


def test_a_returned_result_is_corrected_and_resubmitted(scene):
    workflow = elected_general(scene)
    posts = divide_posts(workflow)
    votes = {PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 5}
    services.record_committee_meeting(scene["clerk"], workflow, MEETING, 5, 5, posts, votes)
    services.submit_result(scene["clerk"], workflow)
    services.return_result(scene["reviewer"], workflow, "分工有误")
    ids = list(posts)
    posts[ids[2]], posts[ids[3]] = posts[ids[3]], posts[ids[2]]
    services.record_committee_meeting(scene["clerk"], workflow, MEETING, 5, 5, posts, votes)
    services.submit_result(scene["clerk"], workflow)
    services.approve_result(scene["reviewer"], workflow)
    held = dict(workflow.term.posts.values_list("member__name", "post"))
    assert held["张卫东"] == PostKind.PUBLICITY


# --- by-election -----------------------------------------------------------------------------


def test_by_election_end_to_end(scene):
    clerk = scene["clerk"]
    term = scene["term"]
    for member, post in zip(
        scene["members"][:3],
        [PostKind.DEPUTY_SECRETARY, PostKind.ORGANIZATION, PostKind.MEMBER],
        strict=True,
    ):
        Post.objects.create(term=term, member=member, post=post, started_on=TERM_START)
    # 5 seats, 4 held: one vacancy.
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.BY_ELECTION,
        org=scene["branch"],
        seats=2,
        committee_size=5,
        meeting_planned_on=MEETING,
        candidates=[{"member": scene["members"][5]}],
    )
    errors = submit_errors(scene, workflow)
    assert errors["seats"] == ["委员会由5人组成，现有委员4人，空缺1人，应选名额不能超过空缺数"]
    assert errors["candidates"] == ["补选实行等额选举，候选人应为2名（每个空缺1名），现有1名"]
    services.update_workflow(clerk, workflow, seats=1)
    services.submit(clerk, workflow)
    services.approve_request(scene["reviewer"], workflow)
    count(scene, workflow, [8], expected=9, present=9)
    assert elected_names(workflow) == ["杨丽华"]
    (elected,) = services.elected_candidates(workflow)
    services.record_committee_meeting(
        clerk, workflow, MEETING, 5, 5, {elected.pk: PostKind.PUBLICITY}
    )
    services.submit_result(clerk, workflow)
    services.approve_result(scene["reviewer"], workflow)
    assert workflow.term == term
    assert term.posts.filter(member__name="杨丽华", post=PostKind.PUBLICITY).exists()


def test_a_failed_by_election_leaves_the_seat_vacant(scene):
    workflow = services.create_workflow(
        scene["clerk"],
        WorkflowKind.BY_ELECTION,
        org=scene["branch"],
        seats=1,
        committee_size=3,
        meeting_planned_on=MEETING,
        candidates=[{"member": scene["members"][5]}],
    )
    services.submit(scene["clerk"], workflow)
    services.approve_request(scene["reviewer"], workflow)
    confirmed = count(scene, workflow, [4], expected=9, present=9)
    assert confirmed.result["unfilled_seats"] == 1
    assert workflow.state == State.ELECTED and elected_names(workflow) == []


# --- establishment ---------------------------------------------------------------------------


def test_establishment_end_to_end(scene, make_member, make_user):
    parent = scene["upper"]
    parent_clerk = make_user(role=Role.CLERK, org=parent)
    founders = [make_member(scene["branch"], name=f"创始{i}") for i in range(4)]
    workflow = services.create_workflow(
        parent_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=parent,
        proposed_name="东区审计局党支部",
        proposed_kind=OrgKind.BRANCH,
        proposed_category=Category.ORGAN,
        decided_on=datetime.date(2026, 1, 10),
        seats=2,
        candidates=candidates_of(founders[:2]),
        roster=founders,
    )
    services.submit(parent_clerk, workflow)
    # A reviewer at the parent is the level above the organisation being established.
    services.approve_request(scene["reviewer"], workflow)
    services.record_count(
        parent_clerk,
        workflow,
        held_on=MEETING,
        expected_voters=4,
        present_voters=4,
        ballots_issued=4,
        ballots_returned=4,
        votes=dict.fromkeys(workflow.candidates.values_list("pk", flat=True), 4),
    )
    services.confirm_result(parent_clerk, workflow)
    assert workflow.state == State.ELECTED
    services.submit_result(parent_clerk, workflow)
    services.approve_result(scene["reviewer"], workflow)
    org = Organization.objects.get(name="东区审计局党支部")
    assert workflow.org == org and org.parent == parent and org.is_active
    assert org.established_on == MEETING
    assert set(Member.objects.filter(org=org).values_list("name", flat=True)) == {
        f"创始{i}" for i in range(4)
    }
    term = org.terms.get()
    assert term.number == 1 and workflow.term == term
    assert dict(term.posts.values_list("member__name", "post")) == {
        "创始0": PostKind.SECRETARY,
        "创始1": PostKind.DEPUTY_SECRETARY,
    }
    # Once established, the workflow belongs to the new organisation.
    assert Workflow.objects.visible_to(parent_clerk).filter(pk=workflow.pk).exists()


def test_establishment_needs_three_full_members(scene, make_member, make_user):
    parent_clerk = make_user(role=Role.CLERK, org=scene["upper"])
    founders = [make_member(scene["branch"]) for _ in range(2)]
    workflow = services.create_workflow(
        parent_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=scene["upper"],
        proposed_name="新支部",
        proposed_kind=OrgKind.BRANCH,
        proposed_category=Category.ORGAN,
        seats=1,
        candidates=candidates_of(founders[:1]),
        roster=founders,
    )
    with pytest.raises(ValidationError) as error:
        services.submit(parent_clerk, workflow)
    assert error.value.message_dict["roster"] == [
        "党员名册中正式党员2名，不足3名，不具备单独成立党组织的条件"
    ]


def test_a_functional_branch_is_established_with_memberships(scene, make_member, make_user):
    """A society's functional branch (seed 004 part 2): its members keep their organisation
    relation where it is and join by functional membership."""
    parent_clerk = make_user(role=Role.CLERK, org=scene["upper"])
    founders = [make_member(scene["branch"], name=f"理事{i}") for i in range(3)]
    founders[0].society_role = SocietyRole.CHAIR
    founders[0].save()
    workflow = services.create_workflow(
        parent_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=scene["upper"],
        proposed_name="省计算机学会党支部",
        proposed_kind=OrgKind.FUNCTIONAL_BRANCH,
        proposed_category=Category.SCI_TECH_SOCIETY,
        seats=1,
        candidates=[{"member": founders[0], "proposed_post": PostKind.SECRETARY}],
        roster=founders,
    )
    assert services.request_problems(workflow) == []
    services.submit(parent_clerk, workflow)
    services.approve_request(scene["reviewer"], workflow)
    services.record_count(
        parent_clerk,
        workflow,
        held_on=MEETING,
        expected_voters=3,
        present_voters=3,
        ballots_issued=3,
        ballots_returned=3,
        votes={workflow.candidates.get().pk: 3},
    )
    services.confirm_result(parent_clerk, workflow)
    services.submit_result(parent_clerk, workflow)
    services.approve_result(scene["reviewer"], workflow)
    org = workflow.org
    assert org.kind == OrgKind.FUNCTIONAL_BRANCH
    assert {m.org for m in Member.objects.filter(pk__in=[f.pk for f in founders])} == {
        scene["branch"]
    }
    assert set(
        org.functional_memberships.filter(ended_on__isnull=True).values_list(
            "member__name", flat=True
        )
    ) == {"理事0", "理事1", "理事2"}
    assert dict(workflow.term.posts.values_list("member__name", "post")) == {
        "理事0": PostKind.SECRETARY
    }


def test_a_roster_needs_members_the_parent_can_take_in(scene, make_member, make_user):
    parent_clerk = make_user(role=Role.CLERK, org=scene["upper"])
    founders = [make_member(scene["branch"]) for _ in range(3)]
    outsider = make_member(scene["west_branch"], name="孙外")
    gone = make_member(scene["branch"], name="钱离", left_on=datetime.date(2025, 1, 1))
    workflow = services.create_workflow(
        parent_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=scene["upper"],
        proposed_name="新支部",
        proposed_kind=OrgKind.BRANCH,
        proposed_category=Category.ORGAN,
        seats=1,
        candidates=candidates_of(founders[:1]),
        roster=[*founders, outsider, gone],
    )
    problems = {p.code: p.message for p in services.request_problems(workflow)}
    assert problems == {
        "ROSTER_MEMBER_LEFT": "党员名册中钱离已离开，请从名册中移除",
        "ROSTER_OUTSIDE": (
            "孙外的组织关系不在上级党组织范围内，成立后无法转入新组织，请先办理组织关系转接"
        ),
    }


# --- nothing is written half-way ------------------------------------------------------------


def submitted_result(scene):
    workflow = elected_general(scene)
    services.record_committee_meeting(
        scene["clerk"],
        workflow,
        MEETING,
        5,
        5,
        divide_posts(workflow),
        {PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 5},
    )
    services.submit_result(scene["clerk"], workflow)
    return workflow


def test_a_refused_approval_changes_nothing(scene):
    """The registry refuses (the clerk who asked has lost the role): no term, no post, no
    step, and the same workflow object can be approved once the role is back."""
    workflow = submitted_result(scene)
    assignment = RoleAssignment.objects.get(user=scene["clerk"])
    assignment.delete()
    before = Term.objects.count(), Post.objects.count(), Transition.objects.count()
    with pytest.raises(ValidationError) as error:
        services.approve_result(scene["reviewer"], workflow)
    assert error.value.message_dict == {
        "state": ["批准后登记到组织信息时出错：您没有在该党组织录入或修改数据的权限"]
    }
    assert (Term.objects.count(), Post.objects.count(), Transition.objects.count()) == before
    assert workflow.state == State.RESULT_SUBMITTED and workflow.term is None
    assert Workflow.objects.get(pk=workflow.pk).state == State.RESULT_SUBMITTED
    assert scene["branch"].terms.current().get() == scene["term"]

    RoleAssignment.objects.create(user=scene["clerk"], org=scene["branch"], role=Role.CLERK)
    services.approve_result(scene["reviewer"], workflow)
    assert workflow.state == State.COMPLETED and workflow.term.number == 2


def test_an_elected_member_who_left_is_named(scene):
    workflow = submitted_result(scene)
    member = scene["members"][2]
    member.left_on = datetime.date(2026, 3, 5)
    member.save()
    with pytest.raises(ValidationError) as error:
        services.approve_result(scene["reviewer"], workflow)
    assert error.value.message_dict == {"state": ["当选人张卫东已离开，不能任职，请退回结果报告"]}
    services.return_result(scene["reviewer"], workflow, "张卫东已离开")
    assert workflow.state == State.RESULT_RETURNED


def test_a_refused_step_leaves_the_workflow_object_usable(scene):
    """Every check comes before any write: after a refusal the caller's object still
    matches the database, and the corrected call goes through."""
    workflow = approved_general(scene)
    with pytest.raises(ValidationError):
        services.confirm_result(scene["clerk"], workflow)  # nothing counted yet
    with pytest.raises(ValidationError):
        services.record_count(scene["clerk"], workflow, votes={0: 1})
    assert workflow.state == State.APPROVED and not workflow.rounds.exists()
    assert Transition.objects.filter(workflow=workflow).count() == 3
    with pytest.raises(ValidationError):
        services.update_workflow(scene["clerk"], workflow, seats=3)
    assert Workflow.objects.get(pk=workflow.pk).seats == workflow.seats == 5
    count(scene, workflow, [10, 9, 8, 7, 6, 2])
    assert workflow.state == State.ELECTED


def test_a_refused_edit_keeps_the_previous_values(scene):
    workflow = general_draft(scene)
    with pytest.raises(ValidationError) as error:
        services.update_workflow(scene["clerk"], workflow, seats=5, doc_number="x" * 60)
    assert "doc_number" in error.value.message_dict
    assert workflow.doc_number == "财党〔2026〕3号"


# --- more request rules ----------------------------------------------------------------------


def test_one_election_at_a_time(scene):
    general_draft(scene)
    with pytest.raises(ValidationError) as error:
        services.create_workflow(
            scene["clerk"], WorkflowKind.BY_ELECTION, org=scene["branch"], seats=1
        )
    assert error.value.message_dict == {"org": ["该党组织已有未办结的换届选举事项"]}


def test_a_by_election_needs_a_current_term_and_a_vacancy(scene):
    registry.end_term(scene["clerk"], scene["term"], datetime.date(2026, 3, 1))
    workflow = services.create_workflow(
        scene["clerk"],
        WorkflowKind.BY_ELECTION,
        org=scene["branch"],
        seats=1,
        committee_size=1,
        meeting_planned_on=MEETING,
        candidates=[{"member": scene["members"][0]}],
    )
    codes = [p.code for p in services.request_problems(workflow)]
    assert codes == ["NO_CURRENT_TERM"]
    registry.start_term(scene["clerk"], scene["branch"], datetime.date(2026, 3, 2))
    registry.appoint_post(
        scene["clerk"],
        scene["branch"].terms.current().get(),
        scene["members"][8],
        PostKind.SECRETARY,
        datetime.date(2026, 3, 2),
    )
    codes = [p.code for p in services.request_problems(workflow)]
    assert codes == ["NO_VACANCY"]


def test_withdrawing_is_only_for_a_request_not_yet_submitted(scene):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    with pytest.raises(ValidationError) as error:
        services.withdraw(scene["clerk"], workflow)
    assert "不能撤回" in error.value.message_dict["state"][0]
    services.return_request(scene["reviewer"], workflow, "请修改")
    services.withdraw(scene["clerk"], workflow)
    assert workflow.state == State.WITHDRAWN


def test_actions_follow_the_state_and_the_actor(scene):
    workflow = general_draft(scene)
    assert list(services.actions_for(scene["clerk"], workflow)) == [Action.SUBMIT, Action.WITHDRAW]
    assert list(services.actions_for(scene["reviewer"], workflow)) == []
    services.submit(scene["clerk"], workflow)
    assert list(services.actions_for(scene["reviewer"], workflow)) == [
        Action.RETURN,
        Action.APPROVE,
    ]
    assert list(services.actions_for(scene["branch_reviewer"], workflow)) == []
    assert services.is_actor_for(scene["reviewer"], workflow, Action.APPROVE_RESULT)
    assert not services.is_actor_for(scene["clerk"], workflow, Action.APPROVE)


# --- pure rules ------------------------------------------------------------------------------


SECRETARY_FIRST = {True: PostKind.SECRETARY, False: ""}


def facts(**changes):
    base = {
        "kind": WorkflowKind.GENERAL,
        "org_kind": OrgKind.BRANCH,
        "org_category": Category.ORGAN,
        "full_members": 9,
        "seats": 5,
        "candidates": tuple(
            rules.CandidateFacts(name, proposed_post=PostKind.SECRETARY if i == 0 else "")
            for i, name in enumerate(NAMES[:6])
        ),
        "meeting_planned_on": MEETING,
    }
    return rules.RequestFacts(**{**base, **changes})


def codes(request_facts):
    return [(p.code, p.severity) for p in rules.request_problems(request_facts)]


@pytest.mark.parametrize(
    ("org_kind", "seats", "expected"),
    [
        (OrgKind.BRANCH, 3, []),
        (OrgKind.BRANCH, 5, []),
        (OrgKind.BRANCH, 6, [("COMMITTEE_SIZE_UNUSUAL", "warning")]),
        (OrgKind.BRANCH, 7, [("COMMITTEE_SIZE_UNUSUAL", "warning")]),
        (OrgKind.BRANCH, 8, [("COMMITTEE_SIZE", "error")]),
        (OrgKind.BRANCH, 2, [("COMMITTEE_SIZE", "error")]),
        (OrgKind.GENERAL_BRANCH, 7, []),
        (OrgKind.COMMITTEE, 9, []),
        (OrgKind.COMMITTEE, 11, [("COMMITTEE_SIZE_UNUSUAL", "warning")]),
        (OrgKind.COMMITTEE, 12, [("COMMITTEE_SIZE", "error")]),
        (OrgKind.DEPARTMENT, 5, [("KIND_NOT_ELECTED", "error")]),
    ],
)
def test_seats_fit_the_committee_size_rules(org_kind, seats, expected):
    names = [f"候选人{i}" for i in range(seats + 3)]
    candidates = tuple(
        rules.CandidateFacts(name, proposed_post=PostKind.SECRETARY if i == 0 else "")
        for i, name in enumerate(names)
    )
    assert codes(facts(org_kind=org_kind, seats=seats, candidates=candidates)) == expected


@pytest.mark.parametrize(("seats", "needed"), [(3, 4), (5, 6), (6, 8), (7, 9), (9, 11)])
def test_a_general_election_needs_a_surplus_of_a_fifth(seats, needed):
    def with_candidates(n):
        return facts(
            org_kind=OrgKind.COMMITTEE,
            seats=seats,
            candidates=tuple(
                rules.CandidateFacts(
                    f"候选人{i}", proposed_post=PostKind.SECRETARY if i == 0 else ""
                )
                for i in range(n)
            ),
        )

    assert ("SURPLUS_TOO_LOW", "error") in codes(with_candidates(needed - 1))
    assert codes(with_candidates(needed)) == []


def test_candidate_facts_that_bar_a_candidate():
    barred = (
        rules.CandidateFacts("甲", status=MemberStatus.PROBATIONARY),
        rules.CandidateFacts("乙", on_probation_discipline=True),
        rules.CandidateFacts("丙", belongs=False),
        rules.CandidateFacts("丁", left=True),
    )
    fine = facts().candidates
    assert codes(facts(candidates=fine[:2] + barred)) == [
        ("CANDIDATE_PROBATIONARY", "error"),
        ("CANDIDATE_DISCIPLINED", "error"),
        ("CANDIDATE_NOT_MEMBER", "error"),
        ("CANDIDATE_LEFT", "error"),
    ]


def test_secretary_and_deputy_are_one_candidate_per_post():
    two = tuple(rules.CandidateFacts(name, proposed_post=PostKind.SECRETARY) for name in NAMES[:2])
    assert ("ONE_PER_POST", "error") in codes(facts(candidates=two + facts().candidates[2:]))
    unnamed = tuple(rules.CandidateFacts(name) for name in NAMES[:6])
    assert codes(facts(candidates=unnamed)) == [("SECRETARY_CANDIDATE_MISSING", "warning")]


def result_of(kind, seats, votes, present=10, returned=None):
    count_ = Count(
        kind=kind,
        seats=seats,
        expected_voters=10,
        present_voters=present,
        ballots_issued=present,
        ballots_returned=present if returned is None else returned,
        candidates=tuple((str(i), v) for i, v in enumerate(votes)),
    )
    return tally(count_).as_dict()


def test_next_round_after_each_outcome():
    general = ElectionKind.GENERAL
    # All seats taken: no further round.
    assert rules.next_round(general, 2, result_of(general, 2, [9, 8, 1])) is None
    # Void: held again with the same candidates.
    void = result_of(general, 2, [8, 8, 1], present=8)
    assert rules.next_round(general, 2, void) == (2, ["0", "1", "2"])
    # A tie at the last seat: a run-off among the tied only.
    assert rules.next_round(general, 2, result_of(general, 2, [8, 6, 6])) == (1, ["1", "2"])
    # Exactly half: another round among those not elected.
    assert rules.next_round(general, 2, result_of(general, 2, [9, 5, 5])) == (1, ["1", "2"])
    # Void for its list (no surplus): voting again could not change that.
    assert rules.next_round(general, 2, result_of(general, 2, [9, 5])) is None
    # A by-election's sole candidate failing leaves the seat vacant.
    by = ElectionKind.BY_ELECTION
    assert rules.next_round(by, 1, result_of(by, 1, [5])) is None


def test_where_allowed_unfilled_seats_are_reduced_while_a_committee_remains():
    general = ElectionKind.GENERAL
    # 5 seats, 6 candidates: 3 pass, 2 seats left.
    three_pass = result_of(general, 5, [9, 8, 7, 5, 4, 3])
    assert rules.next_round(general, 5, three_pass) == (2, ["3", "4", "5"])
    assert rules.next_round(general, 5, three_pass, reduce_unfilled=True) is None
    # Two passing are not a committee (at least 3): the seats go to another round anyway.
    two_pass = result_of(general, 5, [9, 8, 5, 5, 4, 3])
    assert rules.next_round(general, 5, two_pass, reduce_unfilled=True) == (3, ["2", "3", "4", "5"])
    # A tie at the last seat is still decided by a run-off.
    tie = result_of(general, 3, [9, 8, 6, 6])
    assert rules.next_round(general, 3, tie, reduce_unfilled=True) == (1, ["2", "3"])


def test_a_confirmed_count_with_seats_reduced_ends_the_voting(scene, settings):
    settings.PARTY_RULES = {"reduce_unfilled_seats": True}
    workflow = approved_general(scene)
    count(scene, workflow, [10, 9, 8, 5, 4, 3])
    assert workflow.state == State.ELECTED
    assert elected_names(workflow) == NAMES[:3]


@given(
    kind=st.sampled_from([ElectionKind.GENERAL, ElectionKind.FOUNDING, ElectionKind.BY_ELECTION]),
    seats=st.integers(1, 7),
    votes=st.lists(st.integers(0, 12), min_size=1, max_size=10),
    present=st.integers(1, 12),
    extra_returned=st.integers(0, 1),
)
def test_next_round_never_grows_and_never_adds_candidates(
    kind, seats, votes, present, extra_returned
):
    votes = [min(v, present) for v in votes]
    count_ = Count(
        kind=kind,
        seats=seats,
        expected_voters=12,
        present_voters=present,
        ballots_issued=present,
        ballots_returned=min(present + extra_returned, 12),
        candidates=tuple((str(i), v) for i, v in enumerate(votes)),
    )
    if count_.errors():
        return
    result = tally(count_).as_dict()
    following = rules.next_round(kind, seats, result)
    if following is None:
        return
    next_seats, names = following
    assert 1 <= next_seats <= seats
    assert set(names) <= {row["name"] for row in result["votes"]}
    assert not set(names) & set(result["elected"])
    # Only a void vote is held again whole; otherwise the seats taken are gone.
    if result["valid"]:
        assert next_seats + len(result["elected"]) == seats
        assert len(names) > next_seats or kind != ElectionKind.BY_ELECTION
