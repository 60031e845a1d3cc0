"""The elections scene: a branch whose first term is ending, and who acts on its workflows."""

import datetime

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, MemberStatus, OrgKind, PostKind
from grassroots.orgs.tests.factories import PostFactory, TermFactory

from .helpers import (
    NAMES,
    TERM_START,
)


@pytest.fixture
def scene(city, make_org, make_member, make_user):
    """A basic committee in the east district with a branch of nine full members (and one
    probationary, one under 留党察看) whose first term is ending; a clerk of the branch,
    a reviewer of the committee above, a reviewer at the branch itself and a reviewer and a
    clerk of the west district."""
    upper = make_org("东区机关党委", city["east"], kind=OrgKind.COMMITTEE, category=Category.ORGAN)
    branch = make_org("东区财政局党支部", upper, category=Category.ORGAN)
    members = [make_member(branch, name=name) for name in NAMES]
    probationary = make_member(branch, name="吴新", status=MemberStatus.PROBATIONARY)
    disciplined = make_member(branch, name="郑重", on_probation_discipline=True)
    term = TermFactory(
        org=branch, number=1, started_on=TERM_START, planned_end_on=datetime.date(2026, 3, 1)
    )
    old_secretary = PostFactory(
        term=term, member=members[8], post=PostKind.SECRETARY, started_on=TERM_START
    )
    return {
        **city,
        "upper": upper,
        "branch": branch,
        "members": members,
        "probationary": probationary,
        "disciplined": disciplined,
        "term": term,
        "old_secretary": old_secretary,
        "clerk": make_user("clerk", role=Role.CLERK, org=branch),
        "reviewer": make_user("reviewer", role=Role.REVIEWER, org=upper),
        "branch_reviewer": make_user("branch_reviewer", role=Role.REVIEWER, org=branch),
        "west_reviewer": make_user("west_reviewer", role=Role.REVIEWER, org=city["west"]),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
    }
