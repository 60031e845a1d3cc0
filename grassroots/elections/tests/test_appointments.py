"""A secretary appointed during the term and a functional branch's team at the society's
换届 (seed 004: 「党组织委员届中调整、书记任命，需经…审批」; 「班子人选有变化的，需报上级党组织
审批；党支部班子人选没有变化的，需报上级党组织备案」): the rules at their edges, the services,
the pages, and another subtree getting nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.elections import rules, services
from grassroots.elections.choices import Action, CheckCode, State, WorkflowKind
from grassroots.elections.models import Workflow
from grassroots.orgs.choices import MemberStatus, OrgKind, PostKind
from grassroots.orgs.models import Membership, Post
from grassroots.orgs.tests.factories import PostFactory, TermFactory

from .helpers import TERM_START

# --- rules ---------------------------------------------------------------------------------


def facts(kind=WorkflowKind.APPOINTMENT, org_kind=OrgKind.BRANCH, candidates=(), **extra):
    return rules.RequestFacts(
        kind=kind,
        org_kind=org_kind,
        org_category="organ",
        full_members=9,
        seats=None,
        candidates=tuple(candidates),
        **extra,
    )


def codes(problems):
    return [p.code for p in problems if p.is_error]


def secretary(name="王建国", **extra):
    return rules.CandidateFacts(name, proposed_post=PostKind.SECRETARY, **extra)


def test_an_appointment_names_exactly_one_secretary():
    assert codes(rules.request_problems(facts(candidates=[secretary()]))) == []
    assert codes(rules.request_problems(facts())) == [CheckCode.APPOINTEE_MISSING]
    two = [secretary(), secretary("李秀英")]
    assert codes(rules.request_problems(facts(candidates=two))) == [CheckCode.ONE_PER_POST]


def test_outside_a_functional_branch_only_the_secretary_is_appointed():
    member = rules.CandidateFacts("张卫东", proposed_post=PostKind.ORGANIZATION)
    problems = rules.request_problems(facts(candidates=[secretary(), member]))
    assert codes(problems) == [CheckCode.APPOINTMENT_POST]
    assert "张卫东任委员须通过补选产生" in problems[0].message


def test_a_probationary_or_departed_appointee_is_refused():
    probationary = secretary(status=MemberStatus.PROBATIONARY)
    assert CheckCode.CANDIDATE_PROBATIONARY in codes(
        rules.request_problems(facts(candidates=[probationary]))
    )
    assert CheckCode.CANDIDATE_LEFT in codes(
        rules.request_problems(facts(candidates=[secretary(left=True)]))
    )


def test_without_a_term_the_secretary_is_elected_not_appointed():
    problems = rules.request_problems(facts(candidates=[secretary()], has_current_term=False))
    assert codes(problems) == [CheckCode.NO_CURRENT_TERM]


def test_a_functional_branchs_changed_team_may_leave_the_secretary_as_is():
    team = [rules.CandidateFacts("张卫东", proposed_post=PostKind.ORGANIZATION)]
    functional = facts(org_kind=OrgKind.FUNCTIONAL_BRANCH, candidates=team)
    assert codes(rules.request_problems(functional)) == []
    empty = facts(org_kind=OrgKind.FUNCTIONAL_BRANCH)
    assert codes(rules.request_problems(empty)) == [CheckCode.APPOINTEE_MISSING]


@pytest.mark.parametrize(
    ("org_kind", "has_term", "expected"),
    [
        (OrgKind.FUNCTIONAL_BRANCH, True, []),
        (OrgKind.FUNCTIONAL_BRANCH, False, [CheckCode.NO_CURRENT_TERM]),
        (OrgKind.BRANCH, True, [CheckCode.NOT_FUNCTIONAL]),
    ],
)
def test_only_a_functional_branch_files_an_unchanged_team(org_kind, has_term, expected):
    filing = facts(WorkflowKind.TEAM_FILING, org_kind, has_current_term=has_term)
    assert codes(rules.request_problems(filing)) == expected


def test_the_appointment_is_approved_and_the_filing_only_filed():
    approve = rules.step_for(False, State.SUBMITTED, Action.APPROVE, WorkflowKind.APPOINTMENT)
    assert approve.target == State.COMPLETED
    assert (
        rules.step_for(False, State.APPROVED, Action.RECORD_MEETING, WorkflowKind.APPOINTMENT)
        is None
    )
    assert list(rules.available_actions(False, State.DRAFT, WorkflowKind.TEAM_FILING)) == [
        Action.FILE,
        Action.WITHDRAW,
    ]
    assert rules.available_actions(False, State.FILED, WorkflowKind.TEAM_FILING) == {}


# --- services ------------------------------------------------------------------------------


def appointment(scene, member=None, **fields):
    member = member or scene["members"][0]
    return services.create_workflow(
        scene["clerk"],
        WorkflowKind.APPOINTMENT,
        org=scene["branch"],
        candidates=[{"member": member, "proposed_post": PostKind.SECRETARY}],
        **fields,
    )


@pytest.mark.django_db
def test_an_approved_appointment_replaces_the_secretary(scene):
    deputy = PostFactory(
        term=scene["term"],
        member=scene["members"][0],
        post=PostKind.DEPUTY_SECRETARY,
        started_on=TERM_START,
    )
    workflow = appointment(scene)
    services.submit(scene["clerk"], workflow)
    # Not the clerk, not a reviewer at the branch itself: the level above approves.
    for user in (scene["clerk"], scene["branch_reviewer"]):
        with pytest.raises(ValidationError):
            services.approve_request(user, workflow)
    services.approve_request(scene["reviewer"], workflow, "同意任命")
    today = timezone.localdate()
    workflow.refresh_from_db()
    assert workflow.state == State.COMPLETED and workflow.term == scene["term"]
    current = Post.objects.current().filter(term=scene["term"])
    assert list(current.values_list("member__name", "post")) == [("王建国", PostKind.SECRETARY)]
    scene["old_secretary"].refresh_from_db()
    deputy.refresh_from_db()
    assert scene["old_secretary"].ended_on == today and deputy.ended_on == today
    # On behalf of the clerk who asked; the history names them.
    post = current.get()
    assert post.started_on == today
    assert post.history.first().history_user == scene["clerk"]


@pytest.mark.django_db
def test_a_returned_appointment_changes_nothing(scene):
    workflow = appointment(scene)
    services.submit(scene["clerk"], workflow)
    services.return_request(scene["reviewer"], workflow, "请补充考察材料")
    assert workflow.state == State.RETURNED
    assert Post.objects.current().get(term=scene["term"]) == scene["old_secretary"]


@pytest.mark.django_db
def test_an_appointment_needs_a_proper_appointee_to_be_submitted(scene):
    workflow = appointment(scene, member=scene["probationary"])
    with pytest.raises(ValidationError) as error:
        services.submit(scene["clerk"], workflow)
    assert "预备党员" in error.value.message_dict["candidates"][0]


@pytest.mark.django_db
def test_one_open_appointment_at_a_time_beside_an_election(scene):
    appointment(scene)
    with pytest.raises(ValidationError, match="未办结的书记任命"):
        appointment(scene, member=scene["members"][1])
    # An election is another matter.
    services.create_workflow(scene["clerk"], WorkflowKind.GENERAL, org=scene["branch"])


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def functional(scene, make_org, make_user):
    """A functional branch of the scene's members (their relation stays in the branch),
    with its team recorded, and its clerk."""
    org = make_org("东区财政学会功能型党支部", scene["upper"], kind=OrgKind.FUNCTIONAL_BRANCH)
    org.clerk = make_user("functional_clerk", role=Role.CLERK, org=org)
    day = datetime.date(2025, 1, 1)
    for member in scene["members"][:4]:
        Membership.objects.create(member=member, org=org, started_on=day)
    term = TermFactory(org=org, number=1, started_on=day, planned_end_on=datetime.date(2030, 1, 1))
    for member, post in zip(
        scene["members"][:2], (PostKind.SECRETARY, PostKind.ORGANIZATION), strict=True
    ):
        PostFactory(term=term, member=member, post=post, started_on=day)
    return org


@pytest.mark.django_db
def test_a_functional_branchs_changed_team_becomes_a_new_team_record(scene, functional):
    clerk = functional.clerk
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.APPOINTMENT,
        org=functional,
        candidates=[
            {"member": scene["members"][2], "proposed_post": PostKind.SECRETARY},
            {"member": scene["members"][0], "proposed_post": PostKind.ORGANIZATION},
        ],
    )
    services.submit(clerk, workflow)
    services.approve_request(scene["reviewer"], workflow)
    team = Post.objects.current().filter(term__org=functional)
    assert sorted(team.values_list("member__name", "post")) == sorted(
        [("张卫东", PostKind.SECRETARY), ("王建国", PostKind.ORGANIZATION)]
    )
    assert functional.terms.count() == 2


@pytest.mark.django_db
def test_an_unchanged_team_is_filed_without_approval(scene, functional):
    clerk = functional.clerk
    filing = services.create_workflow(clerk, WorkflowKind.TEAM_FILING, org=functional)
    assert services.actions_for(scene["reviewer"], filing) == {}
    services.file_team(clerk, filing, "社会组织换届，班子人选没有变化")
    filing.refresh_from_db()
    assert filing.state == State.FILED
    kept = filing.candidates.order_by("order").values_list("member__name", "proposed_post")
    assert list(kept) == [("王建国", PostKind.SECRETARY), ("李秀英", PostKind.ORGANIZATION)]
    with pytest.raises(ValidationError):
        services.file_team(clerk, filing)


@pytest.mark.django_db
def test_an_ordinary_branch_cannot_file_its_team(scene):
    filing = services.create_workflow(scene["clerk"], WorkflowKind.TEAM_FILING, org=scene["branch"])
    with pytest.raises(ValidationError, match="只有功能型党支部"):
        services.file_team(scene["clerk"], filing)
    assert Workflow.objects.get().state == State.DRAFT


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_clerk_drafts_the_appointment_and_the_level_above_approves_it(scene, as_user):
    clerk = as_user(scene["clerk"])
    listing = clerk.get(reverse("elections-org", args=[scene["branch"].pk])).content.decode()
    assert "书记任命请示" in listing and "班子无变化备案" not in listing
    url = reverse("elections-new", args=[scene["branch"].pk, WorkflowKind.APPOINTMENT])
    page = clerk.get(url).content.decode()
    assert "东区财政局党支部书记任命请示" in page and "须报上级党组织审批" in page
    data = {
        "candidate_member": [scene["members"][3].pk],
        "candidate_post": [PostKind.SECRETARY],
        "candidate_performance": [""],
        "submit": "1",
    }
    assert clerk.post(url, data).status_code == 302
    workflow = Workflow.objects.get()
    assert workflow.state == State.SUBMITTED
    reviewer = as_user(scene["reviewer"])
    act = reverse("elections-act", args=[workflow.pk])
    assert reviewer.post(act, {"action": Action.APPROVE, "comment": ""}).status_code == 302
    assert Post.objects.current().get(term=scene["term"], post=PostKind.SECRETARY).member.name == (
        "刘红梅"
    )


@pytest.mark.django_db
def test_another_subtree_gets_nothing(scene, as_user):
    workflow = appointment(scene)
    west = as_user(scene["west_clerk"])
    assert west.get(reverse("elections-workflow", args=[workflow.pk])).status_code == 404
    url = reverse("elections-new", args=[scene["branch"].pk, WorkflowKind.APPOINTMENT])
    assert west.get(url).status_code == 404
    filing = reverse("elections-team-filing", args=[scene["branch"].pk])
    assert west.post(filing).status_code == 404
    assert Workflow.objects.count() == 1


@pytest.mark.django_db
def test_the_filing_button_files_in_one_step(scene, functional, as_user):
    clerk = as_user(functional.clerk)
    listing = clerk.get(reverse("elections-org", args=[functional.pk])).content.decode()
    assert "班子无变化备案" in listing and "班子调整请示" in listing
    response = clerk.post(reverse("elections-team-filing", args=[functional.pk]))
    filing = Workflow.objects.get()
    assert response.url == reverse("elections-workflow", args=[filing.pk])
    assert filing.state == State.FILED and filing.kind == WorkflowKind.TEAM_FILING
    page = clerk.get(response.url).content.decode()
    assert "已备案" in page and "备案的班子成员" in page


@pytest.mark.django_db
def test_a_clerks_direct_edit_of_the_secretary_points_to_the_request(scene, as_user):
    scene["old_secretary"].ended_on = datetime.date(2025, 6, 1)
    scene["old_secretary"].save()
    clerk = as_user(scene["clerk"])
    url = reverse("post-appoint", args=[scene["branch"].pk])
    response = clerk.post(
        url,
        {"member": scene["members"][0].pk, "post": PostKind.SECRETARY, "started_on": "2025-06-02"},
    )
    assert "书记任命请示" in response.content.decode()
    assert not Post.objects.current().filter(term=scene["term"]).exists()
