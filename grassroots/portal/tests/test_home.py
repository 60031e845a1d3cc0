"""The home page: a user whose roles cover one organisation finds its summary (登记会议, 本月待办,
its standing); reminders only for those who can act on them; the person's name in the header."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from grassroots.assessments.compliance import MONTH, QUARTER, month_todo
from grassroots.core.choices import Role
from grassroots.orglife import services
from grassroots.orglife.choices import MeetingType
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.tests.factories import PostFactory, TermFactory
from grassroots.standards.tests.factories import DimensionFactory, ItemFactory, StandardSetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(city, make_member):
    """The west village branch with a committee of three and a standard asking a theme day
    every month."""
    branch = city["west_branch"]
    term = TermFactory(org=branch, started_on=datetime.date(2023, 1, 1))
    for post in (PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY):
        PostFactory(term=term, member=make_member(branch), post=post)
    make_member(branch, name="马群众")
    dimension = DimensionFactory(set=StandardSetFactory(categories=[branch.category]))
    ItemFactory(dimension=dimension, metric="theme_day_months", comparator=">=", threshold=12)
    return branch


def test_month_todo_follows_the_standards_and_the_committee(village):
    today = timezone.localdate()
    todo = {due.type: due for due in month_todo(village, today)}
    assert {kind: due.period for kind, due in todo.items()} == {
        MeetingType.GENERAL_MEETING: QUARTER,
        MeetingType.COMMITTEE_MEETING: MONTH,
        MeetingType.THEME_DAY: MONTH,
    }
    assert not any(due.done for due in todo.values())


def test_a_branch_clerk_lands_on_the_branch_and_sees_the_month_move(village, make_user, client):
    clerk = make_user("village_secretary", role=Role.CLERK, org=village, first_name="马坊村书记")
    client.force_login(clerk)
    page = client.get("/")
    own = page.context["own"]
    assert own["org"] == village and own["can_record"]
    html = page.content.decode()
    assert f'href="/orgs/{village.pk}/life/new/"' in html and "本月待办" in html
    assert 'title="登录名：village_secretary">马坊村书记<' in html
    today = timezone.localdate()
    members = list(village.members.values_list("pk", flat=True))
    services.record_meeting(
        clerk, village, MeetingType.THEME_DAY, today, "重温入党誓词", Decimal(1), members
    )
    done = {d.type: d.done for d in client.get("/").context["own"]["todo"]}
    assert done[MeetingType.THEME_DAY] and not done[MeetingType.COMMITTEE_MEETING]


def test_a_user_over_a_subtree_has_no_single_organisation(city, make_user, make_org, client):
    make_org("西区和平村党支部第一党小组", city["west_branch"], kind=OrgKind.GROUP)
    with_groups = make_user(role=Role.CLERK, org=city["west_branch"])
    client.force_login(with_groups)
    assert client.get("/").context["own"]["org"] == city["west_branch"]
    client.force_login(make_user(role=Role.CLERK, org=city["west"]))
    assert client.get("/").context["own"] is None


def test_renewal_reminders_only_for_those_who_can_act(city, make_user, client):
    client.force_login(make_user(role=Role.EVALUATOR, org=city["root"]))
    assert 'id="home-reminders"' not in client.get("/").content.decode()
    client.force_login(make_user(role=Role.REVIEWER, org=city["root"]))
    assert 'id="home-reminders"' in client.get("/").content.decode()
