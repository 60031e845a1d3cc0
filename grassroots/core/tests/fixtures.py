"""Fixtures every app's tests use (registered by the root conftest.py): users with a role,
API clients, a fresh throttle count, and a workbook bomb."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.tests.archives import shared_strings_bomb, write_xlsx
from grassroots.core.tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Request throttles count in the cache: each test starts with none spent."""
    cache.clear()


@pytest.fixture
def make_user(db):
    """`make_user(username=None, role=None, org=None, password=...)`: a user holding `role`
    over `org` when a role is given."""

    def make(username=None, role=None, org=None, password=PASSWORD, **fields):
        if username is not None:
            fields["username"] = username
        user = UserFactory(password=password, **fields)
        if role:
            RoleAssignmentFactory(user=user, org=org, role=role)
        return user

    return make


@pytest.fixture
def api(make_user):
    """An API client logged in with a token for a user holding `role` over `org`."""

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
    path = tmp_path_factory.mktemp("uploads") / "bomb.xlsx"
    streams = {"xl/sharedStrings.xml": shared_strings_bomb(500 * 1024 * 1024)}
    write_xlsx(path, sheet=[("姓名",)], streams=streams, level=1)
    return path


@pytest.fixture
def make_user_with_every_role(make_user):
    """A user holding every role over one organisation."""

    def make(org):
        user = make_user()
        for role in Role:
            RoleAssignmentFactory(user=user, org=org, role=role)
        return user

    return make
