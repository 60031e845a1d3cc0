"""The gate written once (grassroots/core/access.py): every model with an organisation reads
through `ScopedQuerySet.visible_to`, `can()` answers for one organisation, and
`Scope.is_unrestricted` holds only for the permissions it was given."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from grassroots.core.access import Scope, can, visible, visible_or_404
from grassroots.core.choices import Permission, Role
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import HostUnit, HostUnitLink, Member, Organization

# --- the hooks: members, host units ----------------------------------------------------------


def test_a_functional_membership_shows_the_member_for_viewing_only(
    city, make_org, make_user_with_every_role, make_member
):
    functional = make_org("功能型党支部", city["west"], kind=OrgKind.FUNCTIONAL_BRANCH)
    member = make_member(city["east_branch"])
    member.memberships.create(org=functional, started_on="2024-01-01")
    west = make_user_with_every_role(city["west"])
    for permission in Permission:
        seen = Member.objects.visible_to(west, permission).filter(pk=member.pk).exists()
        assert seen == (permission in (Permission.VIEW, Permission.ROSTER)), permission


def test_a_host_unit_is_seen_through_its_links(city, make_user):
    unit = HostUnit.objects.create(name="幸福社区居委会")
    HostUnitLink.objects.create(org=city["east_branch"], unit=unit)
    unlinked = HostUnit.objects.create(name="未关联的单位")
    east = make_user(role=Role.CLERK, org=city["east"])
    west = make_user(role=Role.CLERK, org=city["west"])
    superuser = make_user(is_superuser=True)
    assert list(HostUnit.objects.visible_to(east, Permission.EDIT)) == [unit]
    assert not HostUnit.objects.visible_to(west).exists()
    # A unit recorded on its own (no organisation yet, no responsible one) is the
    # unrestricted users' to see and place.
    assert set(HostUnit.objects.visible_to(superuser)) == {unit, unlinked}


# --- can() -----------------------------------------------------------------------------------


def test_can_at_the_edges_of_a_subtree(city, make_user):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    assert can(clerk, Permission.EDIT, city["east"])  # the organisation itself
    assert can(clerk, Permission.EDIT, city["east_branch"])  # below it
    assert can(clerk, Permission.EDIT, city["east_branch"].path)  # by its path
    assert not can(clerk, Permission.EDIT, city["root"])  # above it
    assert not can(clerk, Permission.EDIT, city["west_branch"])  # beside it
    assert not can(clerk, Permission.APPROVE, city["east_branch"])  # not the clerk's


def test_can_does_not_mistake_a_path_sharing_digits(city, make_user):
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    path = city["east"].path  # "/1/2/": "/1/20/" is not below it
    assert can(viewer, Permission.VIEW, path + "9/")
    assert not can(viewer, Permission.VIEW, path.rstrip("/") + "0/")


def test_can_for_the_superuser_the_inactive_and_the_anonymous(city, make_user):
    assert can(make_user(is_superuser=True), Permission.EVALUATE, city["west_branch"])
    inactive = make_user(role=Role.ADMIN, org=city["root"], is_active=False)
    assert not can(inactive, Permission.VIEW, city["root"])
    assert not can(AnonymousUser(), Permission.VIEW, city["root"])


# --- Scope.is_unrestricted -------------------------------------------------------------------


def test_is_unrestricted_holds_only_for_its_permissions(city):
    scope = Scope({Permission.EDIT: [city["east"].path]}, unrestricted={Permission.VIEW})
    assert scope.is_unrestricted(Permission.VIEW)
    assert not scope.is_unrestricted(Permission.EDIT)
    assert scope.covers(Permission.VIEW, city["west_branch"].path)
    assert not scope.covers(Permission.EDIT, city["west_branch"].path)
    assert scope.covers(Permission.EDIT, city["east_branch"].path)
    assert not scope.has_any(Permission.APPROVE)
    assert scope.reviews_from_above(None) is False  # approving at the top: unrestricted only
    seen = Organization.objects.filter(scope.q(Permission.EDIT, "path"))
    assert set(seen) == {city["east"], city["east_branch"]}
    assert Organization.objects.filter(scope.q(Permission.VIEW, "path")).count() == 5


def test_only_the_superuser_is_unrestricted(city, make_user):
    superuser = Scope.of(make_user(is_superuser=True))
    assert all(superuser.is_unrestricted(permission) for permission in Permission)
    root_admin = Scope.of(make_user(role=Role.ADMIN, org=city["root"]))
    assert not any(root_admin.is_unrestricted(permission) for permission in Permission)


# --- visible() and visible_or_404() ----------------------------------------------------------


def test_visible_or_404_hides_another_subtree(city, make_user, rf):
    east = make_user(role=Role.CLERK, org=city["east"])
    request = rf.get("/")
    request.user = east
    branch = city["east_branch"]
    assert visible_or_404(request, Organization, branch.pk) == branch
    assert visible_or_404(east, Organization.objects.all(), branch.pk, Permission.EDIT) == branch
    with pytest.raises(Http404):
        visible_or_404(request, Organization, city["west_branch"].pk)
    with pytest.raises(Http404):
        visible_or_404(request, Organization, branch.pk, Permission.APPROVE)
    assert set(visible(request, Organization)) == {city["east"], branch}
