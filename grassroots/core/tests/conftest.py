from importlib import reload

import pytest
from django.urls import clear_url_caches

import grassroots.urls
from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment


def _remount():
    reload(grassroots.urls)
    clear_url_caches()


@pytest.fixture
def admin_mounted(settings):
    """The URLs as with GRASSROOTS_ADMIN = True (they are read once, at import)."""
    mounted = settings.GRASSROOTS_ADMIN
    settings.GRASSROOTS_ADMIN = True
    _remount()
    yield
    settings.GRASSROOTS_ADMIN = mounted
    _remount()


@pytest.fixture
def make_user_with_every_role(make_user):
    """A user holding every role over one organisation."""

    def make(org):
        user = make_user()
        for role in Role:
            RoleAssignment.objects.create(user=user, org=org, role=role)
        return user

    return make
