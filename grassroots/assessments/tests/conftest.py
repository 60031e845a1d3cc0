"""Fixtures of the assessment, rectification and sample tests: a published standard set and
the people who assess and review."""

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind

from .helpers import build_set


@pytest.fixture
def standard_set(db):
    return build_set()


@pytest.fixture
def people(city, make_org, make_member, make_user):
    """The city with three members in the east branch, a second branch in the east, the
    east district's clerk and reviewer, and a clerk and reviewer of the west district."""
    branch = city["east_branch"]
    members = [make_member(branch, name=n) for n in ("王建国", "李秀英", "张卫东")]
    return {
        **city,
        "branch": branch,
        "members": members,
        "other_branch": make_org("东区光明社区党支部", city["east"]),
        "committee": make_org(
            "东区机关党委", city["east"], kind=OrgKind.COMMITTEE, category=Category.ORGAN
        ),
        "clerk": make_user("east_clerk", role=Role.CLERK, org=city["east"]),
        "reviewer": make_user("east_reviewer", role=Role.REVIEWER, org=city["east"]),
        "branch_clerk": make_user("branch_clerk", role=Role.CLERK, org=branch),
        "branch_reviewer": make_user("branch_reviewer", role=Role.REVIEWER, org=branch),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
        "west_reviewer": make_user("west_reviewer", role=Role.REVIEWER, org=city["west"]),
        "admin": make_user("east_admin", role=Role.ADMIN, org=city["east"]),
    }
