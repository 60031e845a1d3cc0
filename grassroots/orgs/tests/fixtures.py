"""Fixtures every app's tests use (registered by the root conftest.py): organisations,
members, and a small city to put them in."""

import pytest

from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.tests.factories import MemberFactory, OrganizationFactory


@pytest.fixture
def make_org(db):
    """`make_org(name=None, parent=None, kind=..., category=..., **fields)`."""

    def make(name=None, parent=None, **fields):
        if name is not None:
            fields["name"] = name
        return OrganizationFactory(parent=parent, **fields)

    return make


@pytest.fixture
def make_member(db):
    """`make_member(org, name=None, status=..., birth_date=None, **fields)`."""

    def make(org, name=None, status=None, birth_date=None, **fields):
        given = {"name": name, "status": status, "birth_date": birth_date}
        return MemberFactory(org=org, **{k: v for k, v in given.items() if v is not None}, **fields)

    return make


@pytest.fixture
def city(make_org):
    """A small tree: city department → two districts → a committee and branches."""
    root = make_org("市委组织部", kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    east = make_org("东区党工委", root, kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    west = make_org("西区党工委", root, kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    east_branch = make_org("东区幸福社区党支部", east)
    west_branch = make_org("西区和平村党支部", west, category=Category.VILLAGE)
    return {
        "root": root,
        "east": east,
        "west": west,
        "east_branch": east_branch,
        "west_branch": west_branch,
    }
