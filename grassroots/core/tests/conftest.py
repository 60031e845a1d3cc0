from importlib import import_module, reload

import pytest
from django.conf import settings
from django.urls import clear_url_caches


def _remount():
    reload(import_module(settings.ROOT_URLCONF))
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
