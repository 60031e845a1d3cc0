"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)
against pytest-django's live server. They run only when asked for: `pytest -m browser`."""

import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

from grassroots.core.choices import Role  # noqa: E402

from .helpers import DESKTOP, PASSWORD  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Leave the browser tests out of a plain `pytest` run; `-m browser` selects them."""
    if "browser" in (config.option.markexpr or ""):
        return
    dropped = [item for item in items if HERE in Path(item.fspath).parents]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Serve the browser from an SQLite file, as `make run` does, not from the shared-cache
    in-memory database pytest-django would use: shared cache locks whole tables and ignores
    the busy timeout, so a page and a session write from two server threads fail with
    "database table is locked" instead of queueing (settings/base.py)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tempfile.mkdtemp(prefix="grassroots-browser-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, live_server, request):
    """`open_page(viewport)` → a fresh page whose relative URLs go to the live server. Any
    Content-Security-Policy violation (Chromium reports it on the console) fails the test."""
    contexts = []
    violations = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url')}: {message.text}")

    def make(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(10_000)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert violations == [], "Content-Security-Policy violations"


@pytest.fixture
def shot(request):
    """`shot(page, "step")` saves a full-page screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    test_name = re.sub(r"\W+", "-", request.node.name).strip("-")

    def save(page, step):
        path = ARTIFACTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def demo(transactional_db):
    """The demo city as `make run` loads it (standards, calendar, city, every app's demo
    records): journeys tried as a new user tries them. About 20 s; flushed after the test."""
    out = io.StringIO()
    call_command("load_standards", stdout=out)
    call_command("load_holidays", stdout=out)
    call_command("load_demo_city", stdout=out)
    return out.getvalue()


@pytest.fixture
def town(city, make_member, make_user):
    """The root conftest's city with members in the east branch and a clerk over the city."""
    members = [
        make_member(city["east_branch"], name=name, phone="13812345678")
        for name in ("王建国", "李秀英", "张卫东", "刘红梅")
    ]
    clerk = make_user("clerk", role=Role.CLERK, org=city["root"], password=PASSWORD)
    viewer = make_user("viewer", role=Role.VIEWER, org=city["east"], password=PASSWORD)
    return {**city, "members": members, "clerk": clerk, "viewer": viewer}
