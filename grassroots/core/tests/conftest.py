from importlib import reload

import pytest
from django.urls import clear_url_caches

import grassroots.urls


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
