"""Repeated failed logins lock the account for a while (issue 2, item 6), on the API token
endpoint and on the login page alike."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grassroots.core.auth import LOCKED_MESSAGE
from grassroots.core.models import LoginLock

PASSWORD = "Right-pass-7"
LOCKED = {"non_field_errors": [LOCKED_MESSAGE]}
WRONG = {"non_field_errors": ["无法使用提供的认证信息登录。"]}


def token_attempt(username, password):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response.status_code, response.json()


def page_attempt(client, username, password):
    """POST the login page; the answer is 'in' (redirected) or the page's error text."""
    response = client.post("/login/", {"username": username, "password": password})
    if response.status_code == 302:
        return "in"
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    return errors[0]


@pytest.fixture
def user(make_user):
    return make_user("wang", password=PASSWORD)


@pytest.fixture
def later(monkeypatch):
    """Set the clock to `minutes` after the test began (for everything reading
    django.utils.timezone.now)."""
    start = timezone.now()

    def move(minutes):
        moment = start + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def test_lock_message_is_chinese():
    assert LOCKED_MESSAGE == "登录失败次数过多，账号已临时锁定，请稍后再试"


def test_token_endpoint_locks_after_max_failures(user, settings):
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(4):
        assert token_attempt("wang", "wrong") == (400, WRONG)
    assert token_attempt("wang", PASSWORD)[0] == 200  # four failures do not lock
    for _ in range(5):
        assert token_attempt("wang", "wrong") == (400, WRONG)
    # Locked now: even the right password is refused, and it says why.
    assert token_attempt("wang", PASSWORD) == (400, LOCKED)
    assert token_attempt("wang", "wrong") == (400, LOCKED)


@pytest.mark.parametrize("max_failures", [1, 3])
def test_the_limit_comes_from_settings(user, settings, max_failures):
    settings.LOGIN_MAX_FAILURES = max_failures
    for _ in range(max_failures):
        assert token_attempt("wang", "wrong") == (400, WRONG)
    assert token_attempt("wang", PASSWORD) == (400, LOCKED)


def test_login_page_locks_after_max_failures(user, client):
    for _ in range(5):
        assert page_attempt(client, "wang", "wrong") == "用户名或密码不正确"
    assert page_attempt(client, "wang", PASSWORD) == LOCKED_MESSAGE
    response = client.post("/login/", {"username": "wang", "password": PASSWORD})
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_page_and_api_failures_count_together(user, client):
    for _ in range(3):
        page_attempt(client, "wang", "wrong")
    for _ in range(2):
        token_attempt("wang", "wrong")
    assert page_attempt(client, "wang", PASSWORD) == LOCKED_MESSAGE
    assert token_attempt("wang", PASSWORD) == (400, LOCKED)


def test_unlocks_after_lock_minutes(user, client, settings, later):
    assert settings.LOGIN_LOCK_MINUTES == 15
    for _ in range(5):
        token_attempt("wang", "wrong")
    later(14.9)
    assert token_attempt("wang", PASSWORD) == (400, LOCKED)
    assert page_attempt(client, "wang", PASSWORD) == LOCKED_MESSAGE
    later(15.1)
    assert token_attempt("wang", PASSWORD)[0] == 200
    assert page_attempt(client, "wang", PASSWORD) == "in"


def test_after_a_lock_expires_the_count_starts_again(user, later):
    for _ in range(5):
        token_attempt("wang", "wrong")
    later(16)
    for _ in range(4):
        assert token_attempt("wang", "wrong") == (400, WRONG)
    assert token_attempt("wang", PASSWORD)[0] == 200


def test_success_resets_the_count(user, client):
    for _ in range(4):
        page_attempt(client, "wang", "wrong")
    assert page_attempt(client, "wang", PASSWORD) == "in"
    client.logout()
    for _ in range(4):
        assert page_attempt(client, "wang", "wrong") == "用户名或密码不正确"
    assert page_attempt(client, "wang", PASSWORD) == "in"
    assert LoginLock.objects.get(username="wang").failures == 0


def test_unknown_usernames_lock_the_same_way(db):
    """The answers do not tell whether an account exists."""
    for _ in range(5):
        assert token_attempt("nobody", "wrong") == (400, WRONG)
    assert token_attempt("nobody", "wrong") == (400, LOCKED)


def test_one_account_locked_leaves_others_alone(user, make_user):
    make_user("li", password=PASSWORD)
    for _ in range(5):
        token_attempt("wang", "wrong")
    assert token_attempt("li", PASSWORD)[0] == 200
