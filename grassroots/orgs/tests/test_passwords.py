"""Django's four password validators (AUTH_PASSWORD_VALIDATORS) on every way a password is
set: the user-management pages and services, `ensure_admin`, the demo users."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from grassroots.core import services
from grassroots.core.choices import Role
from grassroots.orgs import demo

User = get_user_model()
GOOD = "Quiet-river-42"
# Each with the message naming why, for a user called east_clerk.
BAD = {
    "east_clerk": "密码跟 用户名 太相似了。",
    "east_clerk1": "密码跟 用户名 太相似了。",
    "8302917465": "密码只包含数字。",
    "Ab-3xyz": "密码太短，至少需要 10 个字符。",
    "password123": "这个密码太常见了。",
}


@pytest.fixture
def people(city, make_user):
    return {
        "admin": make_user("east_admin", role=Role.ADMIN, org=city["east"]),
        "clerk": make_user("east_clerk", role=Role.CLERK, org=city["east_branch"]),
        "org": city["east_branch"],
    }


@pytest.mark.parametrize("password", BAD)
def test_the_validators_refuse(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="east_clerk"))
    assert BAD[password] in refused.value.messages


@pytest.mark.parametrize("password", BAD)
def test_the_set_password_page_refuses_and_changes_nothing(client, people, password):
    client.force_login(people["admin"])
    clerk = people["clerk"]
    url = reverse("user-set-password", args=[clerk.pk])
    response = client.post(url, {"password": password, "password2": password})
    assert response.status_code == 400
    assert BAD[password] in response.context["password_form"].errors["password"]
    clerk.refresh_from_db()
    assert clerk.check_password("pass-Word-1")


@pytest.mark.parametrize("password", ["east_new", "east_new1", *list(BAD)[2:]])
def test_the_new_user_page_refuses_and_creates_nobody(client, people, password):
    client.force_login(people["admin"])
    response = client.post(
        reverse("user-create"),
        {
            "username": "east_new",
            "password": password,
            "password2": password,
            "role": Role.CLERK,
            "org": people["org"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="east_new").exists()


def test_the_services_refuse_the_username_as_password(people):
    with pytest.raises(ValidationError) as refused:
        services.set_password(people["admin"], people["clerk"], "east_clerk")
    assert refused.value.message_dict["password"] == ["密码跟 用户名 太相似了。"]
    services.set_password(people["admin"], people["clerk"], GOOD)


@pytest.mark.parametrize("password", ["admin", "1234567890", "short-1A", "password123"])
def test_ensure_admin_refuses_a_weak_admin_password(db, monkeypatch, password):
    monkeypatch.setenv("ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match="ADMIN_PASSWORD 不符合密码要求"):
        call_command("ensure_admin", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_ensure_admin_keeps_the_old_password_when_the_new_is_weak(db, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD)
    call_command("ensure_admin", stdout=io.StringIO())
    monkeypatch.setenv("ADMIN_PASSWORD", "1234567890")
    with pytest.raises(CommandError):
        call_command("ensure_admin", stdout=io.StringIO())
    assert User.objects.get(username="admin").check_password(GOOD)


def test_ensure_admin_generates_a_password_that_passes(db, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("：")[-1].strip()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    validate_password(password, admin)


def test_the_demo_password_passes_for_every_demo_user():
    for username, display, _role, _where in demo.DEMO_USERS:
        validate_password(demo.PASSWORD, User(username=username, first_name=display))
