"""The fixtures every app's tests use by name (make_user, api, make_org, make_member, city,
xlsx_bomb, and a fresh throttle count for each test) live in the modules below; each app's
own fixtures are in its tests/conftest.py and its factories in tests/factories.py."""

pytest_plugins = ["grassroots.core.tests.fixtures", "grassroots.orgs.tests.fixtures"]
