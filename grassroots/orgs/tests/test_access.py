import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.core.access import ROLE_PERMISSIONS, Scope, minimal_prefixes
from grassroots.core.choices import Permission, Role
from grassroots.core.models import RoleAssignment
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.models import Member, Organization

# --- minimal_prefixes ------------------------------------------------------------------------

# Paths as the tree stores them; small ids so that "/1/" and "/12/" both occur.
org_paths = st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=4).map(
    lambda ids: "/" + "".join(f"{i}/" for i in ids)
)


def covered(prefixes, path):
    return any(path.startswith(prefix) for prefix in prefixes)


@given(st.lists(org_paths, max_size=12), st.lists(org_paths, max_size=20))
def test_minimal_prefixes_cover_the_same_paths(paths, probes):
    kept = minimal_prefixes(paths)
    for probe in [*probes, *paths]:
        assert covered(kept, probe) == covered(paths, probe)


@given(st.lists(org_paths, max_size=12))
def test_no_kept_prefix_lies_inside_another(paths):
    kept = minimal_prefixes(paths)
    assert set(kept) <= set(paths)
    assert len(kept) == len(set(kept))
    for a in kept:
        for b in kept:
            assert a == b or not a.startswith(b)


@given(st.lists(st.text("/12", max_size=6), max_size=10), st.text("/12", max_size=8))
def test_minimal_prefixes_on_arbitrary_strings(paths, probe):
    assert covered(minimal_prefixes(paths), probe) == covered(paths, probe)


def test_minimal_prefixes_keeps_siblings_sharing_digits():
    assert minimal_prefixes(["/1/", "/12/", "/1/5/", "/12/3/", "/1/"]) == ["/1/", "/12/"]


# --- Scope.q agrees with Scope.covers --------------------------------------------------------


@st.composite
def trees(draw):
    """Distinct small primary keys and a parent for each node among the earlier nodes."""
    pks = draw(
        st.lists(st.integers(min_value=1, max_value=150), min_size=1, max_size=14, unique=True)
    )
    parents = [None]
    for index in range(1, len(pks)):
        parents.append(draw(st.one_of(st.none(), st.integers(min_value=0, max_value=index - 1))))
    return pks, parents


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.data())
def test_scope_query_and_covers_agree_on_random_trees(tree, data):
    pks, parents = tree
    with transaction.atomic():
        orgs, lineage = [], []  # lineage: the node and its ancestors, from the parent links
        for pk, parent in zip(pks, parents, strict=True):
            lineage.append({pk} | (lineage[parent] if parent is not None else set()))
            org = Organization(
                pk=pk,
                name=f"组织{pk}",
                kind=OrgKind.BRANCH,
                category=Category.OTHER,
                parent=orgs[parent] if parent is not None else None,
            )
            org.save()
            orgs.append(org)
        granted = data.draw(st.lists(st.sampled_from(orgs), max_size=3))
        scope = Scope({Permission.VIEW: [org.path for org in granted]})
        for permission in (Permission.VIEW, Permission.EDIT):
            in_db = set(
                Organization.objects.filter(scope.q(permission, "path")).values_list(
                    "pk", flat=True
                )
            )
            in_python = {org.pk for org in orgs if scope.covers(permission, org.path)}
            assert in_db == in_python
            # Exactly the granted organisations and their descendants.
            granted_pks = {g.pk for g in granted} if permission == Permission.VIEW else set()
            expected = {pk for pk, line in zip(pks, lineage, strict=True) if granted_pks & line}
            assert in_python == expected
        transaction.set_rollback(True)


# --- Scope.of --------------------------------------------------------------------------------


def test_roles_cover_their_subtree_with_their_permissions(city, make_user):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    scope = Scope.of(clerk)
    assert scope.covers(Permission.EDIT, city["east_branch"].path)
    assert scope.covers(Permission.PERSONAL_DATA, city["east"].path)
    assert not scope.covers(Permission.EDIT, city["root"].path)
    assert not scope.covers(Permission.VIEW, city["west_branch"].path)
    assert not scope.covers(Permission.APPROVE, city["east_branch"].path)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_grants_exactly_its_permissions(role, city, make_user):
    scope = Scope.of(make_user(role=role, org=city["west"]))
    for permission in Permission:
        assert scope.covers(permission, city["west_branch"].path) == (
            permission in ROLE_PERMISSIONS[role]
        )


def test_personal_data_only_for_clerks_and_admins():
    holders = {
        role for role, perms in ROLE_PERMISSIONS.items() if Permission.PERSONAL_DATA in perms
    }
    assert holders == {Role.CLERK, Role.ADMIN}


def test_several_roles_add_up(city, make_user):
    user = make_user(role=Role.VIEWER, org=city["root"])
    RoleAssignment.objects.create(user=user, org=city["west"], role=Role.CLERK)
    scope = Scope.of(user)
    assert scope.covers(Permission.VIEW, city["east_branch"].path)
    assert scope.covers(Permission.EDIT, city["west_branch"].path)
    assert not scope.covers(Permission.EDIT, city["east_branch"].path)
    assert scope.paths(Permission.VIEW) == [city["root"].path]


def test_superuser_inactive_and_anonymous(city, make_user):
    assert Scope.of(make_user(is_superuser=True)).covers(Permission.EDIT, city["root"].path)
    inactive = make_user(role=Role.ADMIN, org=city["root"], is_active=False)
    assert not Scope.of(inactive).has_any(Permission.VIEW)
    assert not Scope.of(AnonymousUser()).has_any(Permission.VIEW)
    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_scope_is_read_once_per_user_object(city, make_user, django_assert_num_queries):
    user = make_user(role=Role.VIEWER, org=city["east"])
    with django_assert_num_queries(1):
        Scope.of(user)
        Scope.of(user)
    RoleAssignment.objects.create(user=user, org=city["west"], role=Role.VIEWER)
    Scope.forget(user)
    assert Scope.of(user).covers(Permission.VIEW, city["west_branch"].path)


def test_member_visible_where_related_and_where_functional(city, make_user, make_member):
    functional = Organization.objects.create(
        name="功能型党支部",
        parent=city["west"],
        kind=OrgKind.FUNCTIONAL_BRANCH,
        category=Category.OTHER,
    )
    member = make_member(city["east_branch"])
    member.memberships.create(org=functional, started_on="2024-01-01")
    west_clerk = make_user(role=Role.CLERK, org=city["west"])
    assert Member.objects.visible_to(west_clerk).filter(pk=member.pk).exists()
    assert not Member.objects.visible_to(west_clerk, Permission.EDIT).filter(pk=member.pk).exists()
    member.memberships.update(ended_on="2024-06-01")
    assert not Member.objects.visible_to(west_clerk).filter(pk=member.pk).exists()
