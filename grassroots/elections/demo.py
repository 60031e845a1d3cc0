"""The elections app's demo (`manage.py load_demo_city`): two workflows in 江北区 over the
demo city, taken through the services by the demo users."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from grassroots.orgs import services as org_services
from grassroots.orgs.choices import Category, MemberStatus, OrgKind, PostKind
from grassroots.orgs.models import Organization, Post

from . import services
from .choices import WorkflowKind
from .models import Workflow

DEMO_CLERK, DEMO_REVIEWER = "district_clerk", "district_reviewer"
DEMO_DISTRICT = "中共青川市江北区委组织部"


def load_demo(stdout):
    """A renewal of a branch whose term is about to end, submitted by the district's clerk
    and waiting in the district reviewer's queue, and a finished by-election with its whole
    timeline. Does nothing when the clerk has workflows already."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[DEMO_CLERK, DEMO_REVIEWER])
    }
    district = Organization.objects.filter(name=DEMO_DISTRICT).first()
    if len(users) < 2 or district is None:
        return
    clerk, reviewer = users[DEMO_CLERK], users[DEMO_REVIEWER]
    if Workflow.objects.filter(created_by=clerk).exists():
        stdout.write("换届、补选示范事项已加载，未做改动。")
        return
    with transaction.atomic():
        renewal = _demo_renewal(clerk, district)
        by_election = _demo_by_election(clerk, reviewer, district, exclude=renewal.org)
        taken = [renewal.org] + ([by_election.org] if by_election else [])
        vacancy = _demo_vacancy(clerk, district, exclude=taken)
    done = f"、{by_election}（已办结）" if by_election else ""
    vacant = f"；{vacancy.name}书记空缺，可发起补选" if vacancy else ""
    stdout.write(f"已加载换届、补选示范事项：{renewal}（待 {DEMO_REVIEWER} 审批）{done}{vacant}")


def _demo_branches(district, **term_filter):
    """Active branches of the district with a current term matching `term_filter` and at
    least seven full members with a vote of their own, most urgent term first."""
    voting = Q(
        members__status=MemberStatus.FULL,
        members__on_probation_discipline=False,
        members__left_on__isnull=True,
    )
    return (
        Organization.objects.active()
        .filter(
            path__startswith=district.path,
            kind=OrgKind.BRANCH,
            terms__ended_on__isnull=True,
            **{f"terms__{k}": v for k, v in term_filter.items()},
        )
        .exclude(category__in=[Category.SOCIAL_ORG, Category.SCI_TECH_SOCIETY])
        .annotate(voters=Count("members", filter=voting, distinct=True))
        .filter(voters__gte=7)
        .order_by("terms__planned_end_on", "pk")
    )


def _voters(branch):
    return list(
        branch.members.current()
        .filter(status=MemberStatus.FULL, on_probation_discipline=False)
        .order_by("pk")
    )


def _demo_renewal(clerk, district):
    """A general election of five seats with six candidates, the sitting secretary proposed
    again, submitted for approval."""
    today = timezone.localdate()
    soon = _demo_branches(
        district, planned_end_on__range=(today, today + datetime.timedelta(days=90))
    )
    branch = soon.first() or _demo_branches(district).first()
    voters = _voters(branch)
    secretary = (
        branch.terms.current()
        .get()
        .posts.filter(ended_on__isnull=True, post=PostKind.SECRETARY)
        .first()
    )
    if secretary and secretary.member in voters:
        voters.remove(secretary.member)
        voters.insert(0, secretary.member)
    posts = [PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY]
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=branch,
        seats=5,
        meeting_planned_on=today + datetime.timedelta(days=21),
        doc_number=f"{branch.name[:2]}党〔{today.year}〕3号",
        candidates=[
            {"member": m, "proposed_post": posts[i] if i < len(posts) else ""}
            for i, m in enumerate(voters[:6])
        ],
    )
    services.submit(clerk, workflow, "本届任期即将届满，请审批换届选举及候选人预备人选。")
    return workflow


def _demo_by_election(clerk, reviewer, district, exclude):
    """A by-election of one vacant seat, from the request to the approved result."""
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=20)
    branches = _demo_branches(district, planned_end_on__gt=today + datetime.timedelta(days=180))
    for branch in branches.exclude(pk=exclude.pk):
        term = branch.terms.current().get()
        held = {p.member_id: p.post for p in term.posts.filter(ended_on__isnull=True)}
        if 2 <= len(held) < 5 and term.started_on < held_on:
            break
    else:
        return None
    voters = _voters(branch)
    candidate = next(m for m in voters if m.pk not in held)
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.BY_ELECTION,
        org=branch,
        committee_size=len(held) + 1,
        seats=1,
        meeting_planned_on=held_on,
        doc_number=f"{branch.name[:2]}党〔{today.year}〕2号",
        candidates=[{"member": candidate}],
    )
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow, "同意补选1名支部委员。")
    present = len(voters) - 1  # one member away on the day
    services.record_count(
        clerk,
        workflow,
        held_on=held_on,
        expected_members=len(voters),
        expected_voters=len(voters),
        present_members=present,
        present_voters=present,
        ballots_issued=present,
        ballots_returned=present,
        invalid_ballots=0,
        votes={workflow.candidates.get().pk: present - 1},
        # Seed 004: the meeting's scrutineers and tellers, never a candidate.
        scrutineers=[m for m in voters if m != candidate][:2],
        tellers=[m for m in voters if m != candidate][2:3],
    )
    services.confirm_result(clerk, workflow)
    (elected,) = services.elected_candidates(workflow)
    post = PostKind.DISCIPLINE if PostKind.DISCIPLINE not in held.values() else PostKind.MEMBER
    size = workflow.committee_size
    services.record_committee_meeting(clerk, workflow, held_on, size, size, {elected.pk: post})
    services.submit_result(clerk, workflow, f"{branch.name[:2]}党〔{today.year}〕4号")
    services.approve_result(reviewer, workflow, "同意。")
    return workflow


def _demo_vacancy(clerk, district, exclude):
    """A branch committee whose secretary left a month ago (工作调动): the vacancy a clerk
    answers with a by-election on the demo."""
    today = timezone.localdate()
    left_on = today - datetime.timedelta(days=30)
    branches = _demo_branches(district, planned_end_on__gt=today + datetime.timedelta(days=365))
    post = (
        Post.objects.filter(
            term__org__in=branches.exclude(pk__in=[org.pk for org in exclude]),
            term__ended_on__isnull=True,
            post=PostKind.SECRETARY,
            ended_on__isnull=True,
            started_on__lt=left_on,
        )
        .select_related("term__org")
        .order_by("term__org__path")
        .first()
    )
    if post is None:
        return None
    org_services.end_post(clerk, post, left_on)
    return post.term.org
