"""A science-and-technology society's branch whose term is ending (the `society` fixture in
conftest.py) and its workflows driven through the election services to any state (the
documents read what the services wrote)."""

import datetime

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import VacancyCause, WorkflowKind
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.models import Post

TERM_START = datetime.date(2023, 8, 1)
MEETING = datetime.date(2026, 8, 20)
VACATED_ON = datetime.date(2026, 3, 2)
NAMES = [
    "王建国",
    "李秀英",
    "张志强",
    "刘海燕",
    "陈文博",
    "杨晓梅",
    "黄国华",
    "赵丽娟",
    "吴明轩",
    "周雅琴",
    "徐卫东",
    "孙红梅",
]
SOCIETY = "青海省化学化工学会"
BRANCH = "青海省化学化工学会党支部"
UPPER = "东区科技社团党委"


def candidates_of(members):
    posts = {0: PostKind.SECRETARY, 1: PostKind.DEPUTY_SECRETARY}
    return [{"member": m, "proposed_post": posts.get(i, "")} for i, m in enumerate(members)]


def count_votes(scene, workflow, votes, expected=12, present=11, **extra):
    """Record the current round's count (`votes` in ballot order) and confirm it."""
    round_ = services.current_round(workflow)
    if round_ is not None:
        entries = round_.entries.order_by("candidate__order")
        ids = list(entries.values_list("candidate_id", flat=True))
    else:
        ids = list(workflow.candidates.order_by("order").values_list("pk", flat=True))
    services.record_count(
        scene["clerk"],
        workflow,
        held_on=MEETING,
        expected_members=expected + 1,
        expected_voters=expected,
        present_members=present + 1,
        present_voters=present,
        ballots_issued=present,
        ballots_returned=present,
        invalid_ballots=0,
        votes=dict(zip(ids, votes, strict=True)),
        **extra,
    )
    return services.confirm_result(scene["clerk"], workflow)


def general_election(scene, until="draft", seats=7, candidates=9, **fields):
    """A general election of 7 seats with 9 candidates (and the request's `fields`) taken
    to `until`: draft, approved, elected, constituted or completed."""
    clerk, reviewer = scene["clerk"], scene["reviewer"]
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=scene["branch"],
        seats=seats,
        meeting_planned_on=MEETING,
        doc_number="青化学〔2026〕7号",
        candidates=candidates_of(scene["members"][:candidates]),
        **fields,
    )
    if until == "draft":
        return workflow
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow, "同意")
    if until == "approved":
        return workflow
    count_votes(scene, workflow, [11, 10, 10, 9, 9, 8, 7, 3, 2][:candidates])
    if until == "elected":
        return workflow
    others = iter([PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE])
    posts = {
        c.pk: c.proposed_post or next(others, PostKind.MEMBER)
        for c in services.elected_candidates(workflow)
    }
    services.record_committee_meeting(
        clerk,
        workflow,
        met_on=MEETING,
        expected=seats,
        present=seats,
        posts=posts,
        votes={PostKind.SECRETARY: 7, PostKind.DEPUTY_SECRETARY: 6},
    )
    if until == "constituted":
        return workflow
    services.submit_result(clerk, workflow, "青化学〔2026〕9号")
    services.approve_result(reviewer, workflow)
    workflow.refresh_from_db()
    return workflow


def by_election(scene, until="draft"):
    """Five of seven seats held: a by-election of two, taken to `until`: draft, elected,
    constituted or completed."""
    clerk, reviewer, members = scene["clerk"], scene["reviewer"], scene["members"]
    posts = [
        PostKind.SECRETARY,
        PostKind.DEPUTY_SECRETARY,
        PostKind.ORGANIZATION,
        PostKind.MEMBER,
        PostKind.MEMBER,
    ]
    for member, post in zip(members[:5], posts, strict=True):
        Post.objects.create(term=scene["term"], member=member, post=post, started_on=TERM_START)
    # The two seats open: a publicity member moved away, a member retired.
    left = [
        Post.objects.create(
            term=scene["term"],
            member=member,
            post=post,
            started_on=TERM_START,
            ended_on=day,
        )
        for member, post, day in (
            (members[5], PostKind.PUBLICITY, VACATED_ON),
            (members[6], PostKind.MEMBER, VACATED_ON + datetime.timedelta(days=30)),
        )
    ]
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.BY_ELECTION,
        org=scene["branch"],
        seats=2,
        committee_size=7,
        meeting_planned_on=MEETING,
        vacancies=[
            {"post": left[0], "cause": VacancyCause.TRANSFERRED},
            {"post": left[1], "cause": VacancyCause.RETIRED},
        ],
        doc_number="青化学[2026]第08号",
        candidates=[{"member": members[10]}, {"member": members[11]}],
    )
    if until == "draft":
        return workflow
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow)
    count_votes(scene, workflow, [10, 9])
    if until == "elected":
        return workflow
    new = services.elected_candidates(workflow)
    services.record_committee_meeting(
        clerk,
        workflow,
        MEETING,
        7,
        7,
        {new[0].pk: PostKind.PUBLICITY, new[1].pk: PostKind.DISCIPLINE},
    )
    if until == "constituted":
        return workflow
    services.submit_result(clerk, workflow)
    services.approve_result(reviewer, workflow)
    workflow.refresh_from_db()
    return workflow


def establishment(scene, make_member, make_user, until="draft"):
    """A new society branch of four founders (secretary and deputy, no committee) under the
    upper committee, taken to `until`: draft, elected or completed."""
    parent_clerk = make_user("upper_clerk", role=Role.CLERK, org=scene["upper"])
    founders = [
        make_member(scene["upper"], name=name, society_role="chair" if i == 0 else "")
        for i, name in enumerate(["马文军", "朱丽萍", "胡建军", "郭晓燕"])
    ]
    workflow = services.create_workflow(
        parent_clerk,
        WorkflowKind.ESTABLISHMENT,
        parent=scene["upper"],
        proposed_name="青海省地理学会党支部",
        proposed_kind=OrgKind.BRANCH,
        proposed_category=Category.SCI_TECH_SOCIETY,
        decided_on=datetime.date(2026, 7, 15),
        decided_by="第三届理事会第五次常务理事会议",
        office_head="胡建军",
        doc_number="青地理〔2026〕3号",
        seats=2,
        candidates=candidates_of(founders[:2]),
        roster=founders,
    )
    workflow.clerk = parent_clerk
    if until == "draft":
        return workflow
    services.submit(parent_clerk, workflow)
    services.approve_request(scene["reviewer"], workflow)
    candidate_ids = workflow.candidates.order_by("order").values_list("pk", flat=True)
    services.record_count(
        parent_clerk,
        workflow,
        held_on=MEETING,
        expected_voters=4,
        present_voters=4,
        ballots_issued=4,
        ballots_returned=4,
        votes=dict(zip(candidate_ids, [4, 3], strict=True)),
    )
    services.confirm_result(parent_clerk, workflow)
    if until == "elected":
        return workflow
    services.submit_result(parent_clerk, workflow)
    services.approve_result(scene["reviewer"], workflow)
    workflow.refresh_from_db()
    workflow.clerk = parent_clerk
    return workflow
