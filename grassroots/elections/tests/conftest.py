"""The elections scene: a branch whose first term is ending, and who acts on its workflows."""

import datetime

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, Education, MemberStatus, OrgKind, PostKind
from grassroots.orgs.tests.factories import (
    HostUnitFactory,
    HostUnitLinkFactory,
    PostFactory,
    TermFactory,
)

from . import society_scene
from .helpers import (
    HALL_NAMES,
    NAMES,
    TERM_START,
    election,
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


@pytest.fixture
def society(city, make_org, make_member, make_user):
    """东区科技社团党委 → 青海省化学化工学会党支部 (in the society 青海省化学化工学会) with
    twelve full members and one probationary, term 1 ending; its clerk, the reviewer
    above, and a clerk of the west district."""
    upper = make_org(
        society_scene.UPPER, city["east"], kind=OrgKind.COMMITTEE, category=Category.OTHER
    )
    branch = make_org(society_scene.BRANCH, upper, category=Category.SCI_TECH_SOCIETY)
    unit = HostUnitFactory(name=society_scene.SOCIETY)
    HostUnitLinkFactory(org=branch, unit=unit)
    members = [
        make_member(
            branch,
            name=name,
            phone=f"1390971{i:04d}",
            native_place="青海西宁",
            education=Education.POSTGRADUATE,
            graduated_from="青海大学",
            professional_title="正高级工程师",
            expertise="分析化学",
            job_title=f"青海省化工设计研究院第{i + 1}研究室主任",
            society_title="常务理事",
            society_role="chair" if i == 0 else "director",
            work_started_on=datetime.date(1995, 9, 1),
            resume="1995年9月参加工作\n2010年起任研究室主任",
        )
        for i, name in enumerate(society_scene.NAMES)
    ]
    probationary = make_member(branch, name="郑新", status=MemberStatus.PROBATIONARY)
    term = TermFactory(
        org=branch,
        number=1,
        started_on=society_scene.TERM_START,
        planned_end_on=datetime.date(2026, 7, 31),
    )
    return {
        **city,
        "upper": upper,
        "branch": branch,
        "unit": unit,
        "members": members,
        "probationary": probationary,
        "term": term,
        "clerk": make_user("society_clerk", role=Role.CLERK, org=branch),
        "reviewer": make_user("society_reviewer", role=Role.REVIEWER, org=upper),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
    }


@pytest.fixture
def hall(city, make_org, make_member, make_user):
    """A branch of ten voters (and a probationary member, who has none) under a basic
    committee of the east district; its clerk, the reviewer above, a west clerk."""
    upper = make_org("东区机关党委", city["east"], kind=OrgKind.COMMITTEE, category=Category.ORGAN)
    branch = make_org("东区财政局党支部", upper, category=Category.ORGAN)
    members = [make_member(branch, name=name) for name in HALL_NAMES]
    make_member(branch, name="吴新", status=MemberStatus.PROBATIONARY)
    return {
        **city,
        "upper": upper,
        "branch": branch,
        "members": members,
        "clerk": make_user("clerk", role=Role.CLERK, org=branch),
        "reviewer": make_user("reviewer", role=Role.REVIEWER, org=upper),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
    }


@pytest.fixture
def workflow(hall):
    return election(hall)
