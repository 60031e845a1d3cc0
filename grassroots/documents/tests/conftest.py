"""The society whose documents the tests print (its workflows: helpers.py)."""

import datetime

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, Education, MemberStatus, OrgKind
from grassroots.orgs.tests.factories import HostUnitFactory, HostUnitLinkFactory, TermFactory

from .helpers import (
    BRANCH,
    NAMES,
    SOCIETY,
    TERM_START,
    UPPER,
)


@pytest.fixture
def society(city, make_org, make_member, make_user):
    """东区科技社团党委 → 青海省化学化工学会党支部 (in the society 青海省化学化工学会) with
    twelve full members and one probationary, term 1 ending; its clerk, the reviewer
    above, and a clerk of the west district."""
    upper = make_org(UPPER, city["east"], kind=OrgKind.COMMITTEE, category=Category.OTHER)
    branch = make_org(BRANCH, upper, category=Category.SCI_TECH_SOCIETY)
    unit = HostUnitFactory(name=SOCIETY)
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
        for i, name in enumerate(NAMES)
    ]
    probationary = make_member(branch, name="郑新", status=MemberStatus.PROBATIONARY)
    term = TermFactory(
        org=branch, number=1, started_on=TERM_START, planned_end_on=datetime.date(2026, 7, 31)
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
