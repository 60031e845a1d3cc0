"""A database that cannot be reached (the primary restarting) answers 503 in Chinese with
Retry-After, a page or JSON under /api/; a failing query stays a 500. The cursor is made to
fail as psycopg fails when PostgreSQL goes away (`make load` does it for real)."""

from contextlib import contextmanager
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from grassroots.core.errors import RETRY_AFTER_SECONDS, bad_request, database_unavailable

HEADING = "系统繁忙"
HINT = "数据库暂时不可用，请稍后重试"


def postgres_error(cause):
    """Django's wrapping of a psycopg error, as its DatabaseErrorWrapper raises it."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


SHUTDOWN = postgres_error(psycopg.errors.AdminShutdown("terminating connection"))
LOST = postgres_error(psycopg.OperationalError("server closed the connection unexpectedly"))


@contextmanager
def failing_cursor(error):
    """Every query inside fails with `error` (undone before the test database is cleaned)."""

    def execute(self, *args, **kwargs):
        raise error

    with (
        mock.patch.object(CursorWrapper, "execute", execute),
        mock.patch.object(CursorWrapper, "executemany", execute),
    ):
        yield


@pytest.fixture
def logged_in(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(is_superuser=True))
    return client


@pytest.mark.parametrize("error", [SHUTDOWN, LOST, InterfaceError("connection already closed")])
def test_a_page_answers_503_in_chinese(logged_in, error):
    with failing_cursor(error):
        response = logged_in.get("/orgs/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert HEADING in html and HINT in html and "返回首页" in html
    assert "terminating" not in html and "Traceback" not in html


def test_the_api_answers_503_as_json(logged_in):
    with failing_cursor(LOST):
        response = logged_in.get("/api/v1/orgs/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"detail": "系统繁忙，数据库暂时不可用，请稍后重试。"}


def test_a_post_answers_503_too(logged_in):
    with failing_cursor(SHUTDOWN):
        response = logged_in.post("/api/v1/host-units/", {"name": "青川某公司"})
    assert response.status_code == 503


def test_a_failing_query_is_still_a_server_error(logged_in):
    with failing_cursor(OperationalError("no such table: orgs_organization")):  # SQLite's own
        response = logged_in.get("/orgs/")
    assert response.status_code == 500
    assert HEADING not in response.content.decode()


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (SHUTDOWN, True),
        (LOST, True),
        (
            postgres_error(psycopg.errors.CannotConnectNow("the database system is starting up")),
            True,
        ),
        (postgres_error(psycopg.errors.ConnectionFailure("connection failure")), True),
        (postgres_error(psycopg.errors.UndefinedTable("no such table")), False),
        (postgres_error(psycopg.errors.SerializationFailure("could not serialize")), False),
        (OperationalError("database is locked"), False),
        (RuntimeError("boom"), False),
        (None, False),
    ],
)
def test_which_errors_mean_the_database_is_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


def test_a_session_lost_with_the_database_is_a_503_not_a_400(rf):
    """Django reports a session it could not save as deleted under the request (400)."""
    try:
        try:
            raise SHUTDOWN
        except OperationalError as error:
            raise SessionInterrupted("The request's session was deleted") from error
    except SessionInterrupted as interrupted:
        response = bad_request(rf.get("/stats/"), interrupted)
    assert response.status_code == 503
    assert HINT in response.content.decode()
    assert bad_request(rf.get("/stats/"), SessionInterrupted("deleted")).status_code == 400
