"""API tokens (django-rest-knox) and browser sessions: tokens expire and can be revoked one
by one or all at once; a new password (wherever it is set) or a deactivation ends every token
and session of the user; a session ends after SESSION_IDLE_HOURS without a request."""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from grassroots.core import services
from grassroots.core.choices import Role

PASSWORD = "Right-pass-7"
NEW_PASSWORD = "Another-pass-8"


def new_token(username="wang", password=PASSWORD):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def status_with(token, method="get", path="/api/v1/orgs/"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return getattr(client, method)(path).status_code


@pytest.fixture
def user(make_user, city):
    return make_user("wang", role=Role.ADMIN, org=city["east"], password=PASSWORD)


@pytest.fixture
def later(monkeypatch):
    """Set the clock to `hours` after the test began (for everything reading
    django.utils.timezone.now: knox, sessions)."""
    start = timezone.now()

    def move(hours):
        moment = start + datetime.timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


@pytest.fixture
def browser(client, user):
    """A browser session of `user`, logged in through the login page."""
    response = client.post("/login/", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def logged_out(client):
    response = client.get("/")
    return response.status_code == 302 and response.url.startswith("/login/")


def test_a_token_carries_its_expiry_30_days_ahead(user):
    before = timezone.now()
    answer = new_token()
    expiry = datetime.datetime.fromisoformat(answer["expiry"])
    assert set(answer) == {"token", "expiry"}
    assert datetime.timedelta(days=30) <= expiry - before <= datetime.timedelta(days=30, minutes=1)


def test_the_lifetime_comes_from_settings(user, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=2)}
    expiry = datetime.datetime.fromisoformat(new_token()["expiry"])
    assert expiry - timezone.now() < datetime.timedelta(days=2, minutes=1)


def test_a_token_stops_working_when_it_expires(user, later):
    token = new_token()["token"]
    later(30 * 24 - 1)
    assert status_with(token) == 200
    later(30 * 24 + 1)
    assert status_with(token) == 401
    assert not AuthToken.objects.filter(user=user).exists()  # and is cleaned away


def test_several_tokens_per_user(user):
    first, second = new_token()["token"], new_token()["token"]
    assert first != second
    assert status_with(first) == status_with(second) == 200
    assert AuthToken.objects.filter(user=user).count() == 2


def test_delete_revokes_only_the_token_in_use(user):
    first, second = new_token()["token"], new_token()["token"]
    assert status_with(first, "delete", "/api/v1/auth/token/") == 204
    assert status_with(first) == 401
    assert status_with(first, "delete", "/api/v1/auth/token/") == 401
    assert status_with(second) == 200


def test_delete_needs_a_token(user, browser):
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
    # A browser session holds no token to revoke.
    assert browser.delete("/api/v1/auth/token/").status_code == 401


def test_revoke_all_of_ones_own_tokens(user, make_user):
    make_user("li", password=PASSWORD)
    first, second, other = new_token()["token"], new_token()["token"], new_token("li")["token"]
    assert status_with(first, "delete", "/api/v1/auth/tokens/") == 204
    assert status_with(first) == status_with(second) == 401
    assert status_with(other) == 200


def test_a_stale_token_does_not_stop_a_new_login(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.post(
        "/api/v1/auth/token/", {"username": "wang", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_a_wrong_token_answers_in_chinese(db):
    assert status_with("0" * 64) == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert client.get("/api/v1/orgs/").json() == {"detail": "认证令牌无效。"}


def test_logging_in_again_keeps_the_other_tokens(user, browser):
    """A login writes last_login: not a credential change."""
    token = new_token()["token"]
    new_token()
    browser.post("/login/", {"username": "wang", "password": PASSWORD})
    assert status_with(token) == 200
    assert not logged_out(browser)


def test_password_set_by_an_administrator_ends_tokens_and_sessions(user, browser, city, make_user):
    token = new_token()["token"]
    admin = make_user(role=Role.ADMIN, org=city["root"])
    services.set_password(admin, user, NEW_PASSWORD)
    assert status_with(token) == 401
    assert logged_out(browser)
    assert new_token(password=NEW_PASSWORD)["token"]


def test_password_set_on_the_user_page_ends_tokens_and_sessions(user, browser, city, make_user):
    token = new_token()["token"]
    admin_browser = type(browser)()
    admin_browser.force_login(make_user(role=Role.ADMIN, org=city["root"]))
    url = reverse("user-set-password", args=[user.pk])
    response = admin_browser.post(url, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert status_with(token) == 401
    assert logged_out(browser)
    assert not logged_out(admin_browser)  # the administrator's own session stays


def test_password_set_anywhere_else_ends_tokens_and_sessions(user, browser):
    """Django's admin, `changepassword` and `ensure_admin` all end in set_password + save."""
    token = new_token()["token"]
    user.set_password(NEW_PASSWORD)
    user.save()
    # Deleted, not only refused.
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert status_with(token) == 401
    assert logged_out(browser)


def test_ensure_admin_resetting_the_password_ends_the_admins_tokens(db, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    call_command("ensure_admin", stdout=io.StringIO())
    token = new_token("admin")["token"]
    call_command("ensure_admin", stdout=io.StringIO())  # the same password: nothing changes
    assert status_with(token) == 200
    monkeypatch.setenv("ADMIN_PASSWORD", NEW_PASSWORD)
    call_command("ensure_admin", stdout=io.StringIO())
    assert status_with(token) == 401


def test_deactivation_ends_tokens_and_sessions_for_good(user, browser, city, make_user):
    """Reactivating the account does not bring them back."""
    token = new_token()["token"]
    admin = make_user(role=Role.ADMIN, org=city["root"])
    services.deactivate_user(admin, user)
    assert status_with(token) == 401
    assert logged_out(browser)
    services.reactivate_user(admin, user)
    assert status_with(token) == 401
    assert logged_out(browser)
    assert not AuthToken.objects.filter(user=user).exists()


def test_other_users_keep_their_tokens_and_sessions(user, make_user, client, city):
    make_user("li", password=PASSWORD)
    other_token = new_token("li")["token"]
    client.post("/login/", {"username": "li", "password": PASSWORD})
    services.set_password(make_user(role=Role.ADMIN, org=city["root"]), user, NEW_PASSWORD)
    assert status_with(other_token) == 200
    assert not logged_out(client)


def test_a_session_ends_after_eight_idle_hours(browser, later, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    later(7.9)
    assert not logged_out(browser)  # and the request renews it
    later(15.8)
    assert not logged_out(browser)
    later(23.8)
    assert logged_out(browser)
