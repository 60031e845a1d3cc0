import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id
from grassroots.core.models import RoleAssignment
from grassroots.orgs.choices import Category, Gender, MemberStatus, OrgKind
from grassroots.orgs.models import Member, Organization

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Request throttles count in the cache: each test starts with none spent."""
    cache.clear()


@pytest.fixture
def make_org(db):
    def make(name=None, parent=None, kind=OrgKind.BRANCH, category=Category.COMMUNITY, **extra):
        org = Organization(
            name=name or f"测试组织{next(_sequence)}",
            parent=parent,
            kind=kind,
            category=category,
            established_on=extra.pop("established_on", datetime.date(2020, 1, 1)),
            **extra,
        )
        org.save()
        return org

    return make


@pytest.fixture
def make_member(db):
    def make(org, name=None, status=MemberStatus.FULL, birth_date=None, **extra):
        number = next(_sequence)
        # Born in the 1970s, however long the session: 18 or older on the default joining day.
        birth_date = birth_date or datetime.date(1970, 1, 1) + datetime.timedelta(
            days=number % 3650
        )
        return Member.objects.create(
            name=name or f"党员{number}",
            gender=extra.pop("gender", Gender.MALE),
            birth_date=birth_date,
            id_number=build_citizen_id("110105", birth_date, number),
            joined_on=extra.pop("joined_on", datetime.date(2000, 7, 1)),
            status=status,
            org=org,
            **extra,
        )

    return make


@pytest.fixture
def make_user(db):
    def make(username=None, role=None, org=None, password="pass-Word-1", **extra):
        user = get_user_model().objects.create_user(
            username=username or f"user{next(_sequence)}", password=password, **extra
        )
        if role:
            RoleAssignment.objects.create(user=user, org=org, role=role)
        return user

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


@pytest.fixture
def api(make_user):
    """An API client logged in with a token for a user holding `role` over `org`."""
    from rest_framework.test import APIClient

    def client_for(role=None, org=None, superuser=False):
        user = make_user(role=role, org=org, is_superuser=superuser)
        client = APIClient()
        client.force_authenticate(user)
        client.user = user
        return client

    return client_for


@pytest.fixture(scope="session")
def xlsx_bomb(tmp_path_factory):
    """A workbook of about 3 MiB whose shared strings unpack to 500 MiB, built once."""
    from grassroots.core.tests.archives import shared_strings_bomb, write_xlsx

    path = tmp_path_factory.mktemp("uploads") / "bomb.xlsx"
    streams = {"xl/sharedStrings.xml": shared_strings_bomb(500 * 1024 * 1024)}
    write_xlsx(path, sheet=[("姓名",)], streams=streams, level=1)
    return path


__all__ = ["Role"]
