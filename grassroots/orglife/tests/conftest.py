import datetime

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.tests.factories import MembershipFactory, PostFactory, TermFactory

from .helpers import D


@pytest.fixture
def scene(city, make_org, make_member, make_user):
    """The root conftest's city with members for organisational life: four members in the
    east branch (the first is its secretary), one in a party group below it, a member of
    the west branch who has a functional membership in the east branch, and one of the west
    branch who has not; users with roles on the districts."""
    east_branch, west_branch = city["east_branch"], city["west_branch"]
    group = make_org("东区幸福社区党支部第一党小组", east_branch, kind=OrgKind.GROUP)
    members = [make_member(east_branch, name=n) for n in ("王建国", "李秀英", "张卫东", "刘红梅")]
    in_group = make_member(group, name="陈小组")
    visitor = make_member(west_branch, name="赵流动")
    outsider = make_member(west_branch, name="孙西区")
    MembershipFactory(member=visitor, org=east_branch, started_on=datetime.date(2024, 1, 1))
    term = TermFactory(
        org=east_branch,
        number=1,
        started_on=datetime.date(2023, 1, 1),
        planned_end_on=datetime.date(2028, 1, 1),
    )
    PostFactory(term=term, member=members[0], post=PostKind.SECRETARY, started_on=term.started_on)
    return {
        **city,
        "group": group,
        "members": members,
        "in_group": in_group,
        "visitor": visitor,
        "outsider": outsider,
        "clerk": make_user("east_clerk", role=Role.CLERK, org=city["east"]),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
        "viewer": make_user("east_viewer", role=Role.VIEWER, org=city["east"]),
        "reviewer": make_user("east_reviewer", role=Role.REVIEWER, org=city["east"]),
        "branch_reviewer": make_user("branch_reviewer", role=Role.REVIEWER, org=east_branch),
    }


@pytest.fixture
def newcomer(scene):
    """李秀英 of the scene, made a member of the Party since day D."""
    member = scene["members"][1]
    member.joined_on = D
    member.save()
    return member
