"""Failed logins (django-axes, settings AXES_*): a username is locked at the address that
failed (5 failures), an address at a looser limit whatever the usernames (20), both for the
cool-off only; the login page and the token endpoint say so in Chinese with a 429."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from grassroots.core.auth import LOCKED_MESSAGE

PASSWORD = "Right-pass-7"
LOCKED = (429, {"detail": LOCKED_MESSAGE})
WRONG = (400, {"non_field_errors": ["无法使用提供的认证信息登录。"]})
HOME, ELSEWHERE = "10.0.0.1", "10.0.0.2"


def token_attempt(username, password, address=HOME):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )
    return response.status_code, response.json()


def page_attempt(client, username, password, address=HOME):
    """POST the login page; the answer is 'in' (redirected) or the page's error text."""
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 302:
        return "in"
    assert response.status_code in (200, 429)
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    return errors[0]


def fail(username, times, address=HOME):
    for _ in range(times):
        token_attempt(username, "wrong", address)


def age_failures(minutes):
    """As if the failures recorded so far happened `minutes` earlier."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


@pytest.fixture(autouse=True)
def no_request_throttle(monkeypatch):
    """These tests look at the lock alone (test_throttles.py at the request rate)."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", None)


@pytest.fixture
def user(make_user):
    return make_user("wang", password=PASSWORD)


def test_token_endpoint_locks_at_the_fifth_failure(user):
    for _ in range(4):
        assert token_attempt("wang", "wrong") == WRONG
    assert token_attempt("wang", PASSWORD)[0] == 200  # four failures do not lock
    for _ in range(4):
        assert token_attempt("wang", "wrong") == WRONG
    assert token_attempt("wang", "wrong") == LOCKED  # the fifth says why at once
    assert token_attempt("wang", PASSWORD) == LOCKED  # even the right password


@pytest.mark.parametrize("limit", [1, 3])
def test_the_limit_comes_from_settings(user, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit
    fail("wang", limit - 1)
    assert token_attempt("wang", "wrong") == LOCKED


def test_login_page_locks_with_a_chinese_message(user, client):
    for _ in range(4):
        assert page_attempt(client, "wang", "wrong") == "用户名或密码不正确"
    assert page_attempt(client, "wang", "wrong") == LOCKED_MESSAGE
    response = client.post("/login/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_is_locked_too(user, client, admin_mounted):
    fail("wang", 5)
    response = client.post(
        "/admin/login/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 429
    assert response.content.decode() == LOCKED_MESSAGE


def test_page_and_api_failures_count_together(user, client):
    for _ in range(3):
        page_attempt(client, "wang", "wrong")
    fail("wang", 1)
    assert token_attempt("wang", "wrong") == LOCKED
    assert page_attempt(client, "wang", PASSWORD) == LOCKED_MESSAGE


def test_an_outsider_cannot_lock_the_user_out_from_elsewhere(make_user, client):
    """Not even the superuser: the lock holds only at the outsider's address."""
    make_user("root", password=PASSWORD, is_superuser=True, is_staff=True)
    fail("root", 10, address=ELSEWHERE)
    assert token_attempt("root", PASSWORD, address=ELSEWHERE) == LOCKED
    assert token_attempt("root", PASSWORD, address=HOME)[0] == 200
    assert page_attempt(client, "root", PASSWORD, address=HOME) == "in"


def test_an_address_failing_on_many_usernames_is_locked_at_the_looser_limit(user):
    for number in range(19):  # five usernames, none reaching its own limit
        assert token_attempt(f"guess{number % 5}", "wrong") == WRONG
    assert token_attempt("guess5", "wrong") == LOCKED  # the twentieth from this address
    assert token_attempt("wang", PASSWORD) == LOCKED  # nobody logs in from here now
    assert token_attempt("wang", PASSWORD, address=ELSEWHERE)[0] == 200


def test_the_lock_lifts_after_the_cool_off(user, client):
    fail("wang", 5)
    age_failures(14.9)
    assert token_attempt("wang", PASSWORD) == LOCKED
    assert page_attempt(client, "wang", PASSWORD) == LOCKED_MESSAGE
    age_failures(0.2)
    assert token_attempt("wang", PASSWORD)[0] == 200
    assert page_attempt(client, "wang", PASSWORD) == "in"


def test_trying_during_the_lock_does_not_prolong_it(user):
    fail("wang", 5)
    age_failures(10)
    fail("wang", 3)  # refused while locked, not counted
    age_failures(5.1)
    assert token_attempt("wang", PASSWORD)[0] == 200


def test_after_a_lock_the_count_starts_again(user):
    fail("wang", 5)
    age_failures(16)
    for _ in range(4):
        assert token_attempt("wang", "wrong") == WRONG
    assert token_attempt("wang", PASSWORD)[0] == 200


def test_success_clears_only_ones_own_failures(user, make_user, client):
    make_user("li", password=PASSWORD)
    fail("li", 4)
    fail("wang", 4)
    assert page_attempt(client, "wang", PASSWORD) == "in"
    assert not AccessAttempt.objects.filter(username="wang").exists()
    # Logging into one's own account does not wipe the failures on another one.
    assert token_attempt("li", "wrong") == LOCKED
    client.logout()
    for _ in range(4):
        assert page_attempt(client, "wang", "wrong") == "用户名或密码不正确"
    assert page_attempt(client, "wang", PASSWORD) == "in"


def test_unknown_usernames_lock_the_same_way(db):
    """The answers do not tell whether an account exists."""
    for _ in range(4):
        assert token_attempt("nobody", "wrong") == WRONG
    assert token_attempt("nobody", "wrong") == LOCKED


def test_one_account_locked_leaves_others_alone(user, make_user):
    make_user("li", password=PASSWORD)
    fail("wang", 5)
    assert token_attempt("li", PASSWORD)[0] == 200


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(user, settings):
    """X-Forwarded-For is the client's word: believed only when TRUSTED_PROXIES says a proxy
    sets it (REST_FRAMEWORK NUM_PROXIES), else every lie would dodge the lock."""

    def attempt(forwarded):
        return APIClient().post(
            "/api/v1/auth/token/",
            {"username": "wang", "password": "wrong"},
            format="json",
            REMOTE_ADDR=HOME,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for number in range(5):
        attempt(f"192.0.2.{number}")
    assert token_attempt("wang", PASSWORD) == LOCKED
