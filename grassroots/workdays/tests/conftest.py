import pytest

from grassroots.core.choices import Role
from grassroots.workdays.package import load_holidays


@pytest.fixture
def holidays(db):
    """The table as `make run` fills it: 2004–2026 from chinesecalendar."""
    return load_holidays()


@pytest.fixture
def calendar_admin(city, make_user):
    """The city's administrator: manage_users over the root of the tree."""
    return make_user("city_admin", role=Role.ADMIN, org=city["root"])
