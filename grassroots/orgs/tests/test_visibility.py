import datetime

from grassroots.core.choices import Role
from grassroots.orgs.models import Member, Membership


def test_visible_within_matches_visible_to_restricted_to_the_subtree(city, make_member, make_user):
    east_member = make_member(city["east_branch"])
    west_member = make_member(city["west_branch"])
    # West member leads organisational life in the east too (一方隶属、多重组织生活).
    Membership.objects.create(
        member=west_member, org=city["east_branch"], started_on=datetime.date(2024, 1, 1)
    )
    east_viewer = make_user(role=Role.VIEWER, org=city["east"])

    for org in city.values():
        expected = set(
            Member.objects.visible_to(east_viewer).filter(org__path__startswith=org.path)
        )
        assert set(Member.objects.visible_within(east_viewer, org.path)) == expected

    assert set(Member.objects.visible_within(east_viewer, city["east"].path)) == {east_member}
    assert set(Member.objects.visible_within(east_viewer, city["root"].path)) == {
        east_member,
        west_member,
    }
    assert not Member.objects.visible_within(east_viewer, city["west"].path).exclude(
        pk=west_member.pk
    )


def test_member_list_by_ancestor_uses_the_same_rule(api, city, make_member):
    east_member = make_member(city["east_branch"])
    make_member(city["west_branch"])
    viewer = api(Role.VIEWER, city["east"])
    for ancestor, expected in ((city["east"], {east_member.pk}), (city["west"], set())):
        data = viewer.get(f"/api/v1/members/?ancestor={ancestor.pk}").json()
        assert {row["id"] for row in data["results"]} == expected
