"""The elections scene's dates and names, and workflows driven through the services to a
state: shared by the service, API and page tests (the `scene` fixture is in conftest.py)."""

import datetime

from grassroots.core.access import Scope
from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.elections import services
from grassroots.elections.choices import WorkflowKind
from grassroots.orgs.choices import PostKind

TERM_START = datetime.date(2023, 3, 1)
MEETING = datetime.date(2026, 3, 2)
NAMES = ["王建国", "李秀英", "张卫东", "刘红梅", "陈志强", "杨丽华", "赵明", "黄海", "周平"]


def candidates_of(members, secretary=0, deputy=1):
    return [
        {
            "member": m,
            "proposed_post": PostKind.SECRETARY
            if i == secretary
            else PostKind.DEPUTY_SECRETARY
            if i == deputy
            else "",
        }
        for i, m in enumerate(members)
    ]


def general_draft(scene, seats=5, candidates=6, **fields):
    return services.create_workflow(
        scene["clerk"],
        WorkflowKind.GENERAL,
        org=scene["branch"],
        seats=seats,
        meeting_planned_on=MEETING,
        doc_number="财党〔2026〕3号",
        candidates=candidates_of(scene["members"][:candidates]),
        **fields,
    )


def approved_general(scene, **kwargs):
    workflow = general_draft(scene, **kwargs)
    services.submit(scene["clerk"], workflow)
    services.approve_request(scene["reviewer"], workflow, "同意")
    return workflow


def count(scene, workflow, votes, expected=10, present=10, issued=None, returned=None, **extra):
    """Record the current round's count with `votes` in candidate order and confirm it."""
    round_ = services.current_round(workflow)
    entries = list(round_.entries.order_by("candidate__order")) if round_ else None
    candidate_ids = (
        [e.candidate_id for e in entries]
        if entries
        else list(workflow.candidates.order_by("order").values_list("pk", flat=True))
    )
    issued = present if issued is None else issued
    services.record_count(
        scene["clerk"],
        workflow,
        held_on=extra.pop("held_on", MEETING),
        expected_members=expected,
        expected_voters=expected,
        present_members=present,
        present_voters=present,
        ballots_issued=issued,
        ballots_returned=issued if returned is None else returned,
        invalid_ballots=0,
        votes=dict(zip(candidate_ids, votes, strict=True)),
        **extra,
    )
    return services.confirm_result(scene["clerk"], workflow)


def elected_names(workflow):
    return [c.member.name for c in services.elected_candidates(workflow)]


def divide_posts(workflow):
    """Secretary and deputy as proposed, the rest 组织/宣传/纪检/委员 in order."""
    others = iter([PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE])
    posts = {}
    for c in services.elected_candidates(workflow):
        posts[c.pk] = c.proposed_post or next(others, PostKind.MEMBER)
    return posts


def society_clerk(user, society):
    RoleAssignment.objects.create(user=user, org=society, role=Role.CLERK)
    Scope.forget(user)
    return user


# The count pages' branch (the `hall` fixture): ten voters.
HALL_NAMES = [
    "王建国",
    "李秀英",
    "张卫东",
    "刘红梅",
    "陈志强",
    "杨丽华",
    "赵明",
    "黄海",
    "周平",
    "孙丽",
]


def election(hall, seats=5, candidate_count=6, approve=True):
    """A general election of the `hall` branch, approved unless told otherwise."""
    workflow = services.create_workflow(
        hall["clerk"],
        WorkflowKind.GENERAL,
        org=hall["branch"],
        seats=seats,
        meeting_planned_on=MEETING,
        doc_number="财党〔2026〕3号",
        candidates=candidates_of(hall["members"][:candidate_count]),
    )
    if approve:
        services.submit(hall["clerk"], workflow)
        services.approve_request(hall["reviewer"], workflow, "同意")
    return workflow
