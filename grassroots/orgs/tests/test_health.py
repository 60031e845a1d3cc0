import datetime

import pytest

from grassroots.orgs.choices import (
    Category,
    MemberStatus,
    OrgKind,
    OrgStatus,
    PostKind,
    SocietyRole,
)
from grassroots.orgs.health import collect_facts, findings_for
from grassroots.orgs.models import HostUnit, HostUnitLink, Membership, Post, Term, WeakDesignation

TODAY = datetime.date(2026, 6, 1)
FULL, PROBATIONARY = MemberStatus.FULL, MemberStatus.PROBATIONARY


def add_members(make_member, org, full=0, probationary=0, **extra):
    return [make_member(org, status=FULL, **extra) for _ in range(full)] + [
        make_member(org, status=PROBATIONARY, **extra) for _ in range(probationary)
    ]


def add_term(org, planned_end_on, number=1, posts=(), ended_on=None):
    term = Term.objects.create(
        org=org,
        number=number,
        started_on=datetime.date(2023, 1, 1),
        planned_end_on=planned_end_on,
        ended_on=ended_on,
    )
    for post, member in posts:
        Post.objects.create(term=term, member=member, post=post, started_on=term.started_on)
    return term


@pytest.fixture
def tree(make_org, make_member):
    """committee → (branch A, general branch → branch B, functional branch, dissolved branch)"""
    committee = make_org("机关党委", kind=OrgKind.COMMITTEE, category=Category.ORGAN)
    branch_a = make_org("第一党支部", committee, category=Category.ORGAN)
    general = make_org("党总支", committee, kind=OrgKind.GENERAL_BRANCH, category=Category.ORGAN)
    branch_b = make_org("第二党支部", general, category=Category.ORGAN)
    functional = make_org(
        "项目功能型党支部", committee, kind=OrgKind.FUNCTIONAL_BRANCH, category=Category.ORGAN
    )
    dissolved = make_org("已撤销党支部", committee, category=Category.ORGAN)

    a_members = add_members(make_member, branch_a, full=4, probationary=1)
    add_members(make_member, branch_a, full=2, left_on=datetime.date(2025, 1, 1))  # left
    add_members(make_member, branch_b, full=2, probationary=2)
    add_members(make_member, committee, full=1)  # relation held by the committee itself
    add_members(make_member, dissolved, full=3)
    dissolved.status = OrgStatus.DISSOLVED
    dissolved.save()

    # Functional branch: 3 full + 1 probationary current, one ended, one member who left.
    left = make_member(branch_b, left_on=datetime.date(2025, 1, 1))
    for member in [*a_members[:3], *a_members[4:]]:
        Membership.objects.create(member=member, org=functional, started_on=TODAY)
    Membership.objects.create(member=a_members[3], org=functional, started_on=TODAY, ended_on=TODAY)
    Membership.objects.create(member=left, org=functional, started_on=TODAY)
    return {
        "committee": committee,
        "branch_a": branch_a,
        "general": general,
        "branch_b": branch_b,
        "functional": functional,
        "dissolved": dissolved,
        "a_members": a_members,
    }


def test_member_counts_roll_up_the_subtree(tree):
    facts = collect_facts(list(tree.values())[:-1], TODAY)
    counts = {
        name: (facts[org.pk].full_members, facts[org.pk].total_members)
        for name, org in tree.items()
        if name != "a_members"
    }
    assert counts == {
        "committee": (4 + 2 + 1, 5 + 4 + 1),  # branches A, B and its own; not the dissolved
        "branch_a": (4, 5),  # the two who left do not count
        "general": (2, 4),
        "branch_b": (2, 4),
        "functional": (3, 4),  # its functional members; ended and left ones excluded
        "dissolved": (0, 0),
    }
    assert facts[tree["committee"].pk].primary_members == 1
    assert facts[tree["functional"].pk].primary_members == 0


def test_only_asked_organisations_are_returned(tree):
    facts = collect_facts([tree["general"]], TODAY)
    assert list(facts) == [tree["general"].pk]
    assert facts[tree["general"].pk].full_members == 2
    assert collect_facts([], TODAY) == {}


def test_committee_posts_units_terms_and_weak_designation(tree, make_org):
    branch = tree["branch_a"]
    members = tree["a_members"]
    add_term(branch, datetime.date(2020, 1, 1), number=1, ended_on=datetime.date(2020, 1, 1))
    term = add_term(
        branch,
        datetime.date(2026, 8, 1),
        number=2,
        posts=[
            (PostKind.SECRETARY, members[0]),
            (PostKind.ORGANIZATION, members[0]),  # one person, two posts
            (PostKind.PUBLICITY, members[1]),
        ],
    )
    Post.objects.create(
        term=term,
        member=members[2],
        post=PostKind.DISCIPLINE,
        started_on=term.started_on,
        ended_on=TODAY,
    )
    members[0].society_role = "vice_chair"
    members[0].save()
    for index in range(3):
        unit = HostUnit.objects.create(name=f"单位{index}")
        HostUnitLink.objects.create(org=branch, unit=unit, ended_on=TODAY if index == 2 else None)
    WeakDesignation.objects.create(org=branch, year=TODAY.year)
    WeakDesignation.objects.create(org=tree["branch_b"], year=TODAY.year - 1)
    WeakDesignation.objects.create(org=tree["general"], year=TODAY.year, rectified=True)

    facts = collect_facts([branch, tree["branch_b"], tree["general"]], TODAY)
    mine = facts[branch.pk]
    assert sorted(mine.posts) == sorted(
        [PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY]
    )
    assert mine.committee_size == 2
    assert mine.secretary_society_role == "vice_chair"
    assert mine.host_units == 2
    assert (mine.term_number, mine.term_planned_end) == (2, datetime.date(2026, 8, 1))
    assert mine.weak_designated
    assert not facts[tree["branch_b"].pk].weak_designated
    assert not facts[tree["general"].pk].weak_designated
    assert facts[tree["branch_b"].pk].term_planned_end is None


def test_posts_of_an_ended_term_do_not_count(tree):
    members = tree["a_members"]
    add_term(
        tree["branch_a"],
        datetime.date(2026, 1, 1),
        posts=[(PostKind.SECRETARY, members[0])],
        ended_on=datetime.date(2026, 1, 1),
    )
    facts = collect_facts([tree["branch_a"]], TODAY)[tree["branch_a"].pk]
    assert facts.posts == ()
    assert facts.term_planned_end is None


def test_findings_for_runs_the_rules_with_the_configured_thresholds(tree, settings):
    add_term(tree["branch_b"], TODAY + datetime.timedelta(days=60))
    found = findings_for([tree["branch_b"], tree["dissolved"]], TODAY)
    codes = {f.code for f in found[tree["branch_b"].pk]}
    assert codes == {"TOO_FEW_MEMBERS", "SECRETARY_VACANT", "TERM_EXPIRING"}
    assert found[tree["dissolved"].pk] == []

    settings.PARTY_RULES = {**settings.PARTY_RULES, "term_expiring_days": 30}
    codes = {f.code for f in findings_for([tree["branch_b"]], TODAY)[tree["branch_b"].pk]}
    assert "TERM_EXPIRING" not in codes


def build_city(make_org, make_member, branches):
    """A committee with `branches` branches, each with members, a term, posts and a unit,
    plus one functional branch with a functional member."""
    committee = make_org(kind=OrgKind.COMMITTEE, category=Category.SOE)
    orgs = [committee]
    for index in range(branches):
        branch = make_org(parent=committee, category=Category.SOE)
        members = add_members(make_member, branch, full=2, probationary=1)
        add_term(branch, TODAY, posts=[(PostKind.SECRETARY, members[0])])
        HostUnitLink.objects.create(org=branch, unit=HostUnit.objects.create(name=f"单位{index}"))
        WeakDesignation.objects.create(org=branch, year=TODAY.year)
        orgs.append(branch)
    functional = make_org(parent=committee, kind=OrgKind.FUNCTIONAL_BRANCH)
    Membership.objects.create(member=members[0], org=functional, started_on=TODAY)
    return [*orgs, functional]


def test_the_number_of_queries_does_not_depend_on_the_organisations(
    make_org, make_member, django_assert_num_queries
):
    small = build_city(make_org, make_member, branches=1)[:2]  # no functional branch among them
    large = build_city(make_org, make_member, branches=38)
    assert len(large) == 40
    with django_assert_num_queries(7):
        collect_facts(small, TODAY)
    with django_assert_num_queries(7):
        facts = collect_facts(large, TODAY)
    assert facts[large[0].pk].total_members == 38 * 3
    assert facts[large[-1].pk].full_members == 1
    with django_assert_num_queries(7):
        findings = findings_for(large, TODAY)
    assert {f.code for f in findings[large[1].pk]} >= {"TOO_FEW_MEMBERS", "TERM_EXPIRING"}


def test_secretary_status_and_a_member_chair(tree):
    branch = tree["branch_a"]
    members = tree["a_members"]
    secretary = next(m for m in members if m.left_on is None)
    secretary.status = MemberStatus.PROBATIONARY
    secretary.confirmed_on = None
    secretary.save()
    add_term(branch, datetime.date(2027, 1, 1), posts=[(PostKind.SECRETARY, secretary)])
    facts = collect_facts([branch], TODAY)[branch.pk]
    assert facts.secretary_status == MemberStatus.PROBATIONARY
    assert not facts.chair_is_member
    chair = next(
        m for m in members if m.left_on is None and m.status == MemberStatus.FULL and m != secretary
    )
    chair.society_role = SocietyRole.CHAIR
    chair.save()
    assert collect_facts([branch], TODAY)[branch.pk].chair_is_member
    # A chair who left, or only a probationary member, does not count.
    chair.status, chair.confirmed_on = MemberStatus.PROBATIONARY, None
    chair.save()
    assert not collect_facts([branch], TODAY)[branch.pk].chair_is_member
