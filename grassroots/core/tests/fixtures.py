"""Fixtures every app's tests use (registered by the root conftest.py): users with a role,
API clients, a fresh throttle count, and a workbook bomb."""

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from rest_framework.test import APIClient

from grassroots.core import replica
from grassroots.core.choices import Role
from grassroots.core.replica import REPLICA
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


def _add_replica(settings_dict):
    """A connection under the replica's alias, made as the test runs (the test case allows
    those), not named in settings."""
    databases = {DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], REPLICA: settings_dict}
    settings_dict = connections.configure_settings(databases)[REPLICA]
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, REPLICA)
    setattr(connections._connections, REPLICA, wrapper)


@pytest.fixture
def fake_replica(transactional_db, monkeypatch):
    """`fake_replica(settings)` adds the replica alias (core.replica) for one test; the
    test installs the router (override_settings)."""
    monkeypatch.setattr(replica, "_down_until", 0.0)
    token = replica._wrote.set(False)  # as a request starts
    yield _add_replica
    replica._wrote.reset(token)
    if hasattr(connections._connections, REPLICA):
        connections[REPLICA].close()
        del connections[REPLICA]


@pytest.fixture
def replica_on_test_db(fake_replica):
    """A replica that is a second connection to the test database."""
    fake_replica({**connections[DEFAULT_DB_ALIAS].settings_dict})
