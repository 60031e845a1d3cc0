"""User management by a department administrator: only users whose roles lie in the
administrator's subtree, every change through core/services.py, errors next to the field."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core import services
from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment

User = get_user_model()
PASSWORD = "Strong-pass-2024"


@pytest.fixture
def people(city, make_user):
    return {
        **city,
        "admin": make_user("east_admin", role=Role.ADMIN, org=city["east"]),
        "east_clerk": make_user("east_clerk", role=Role.CLERK, org=city["east_branch"]),
        "west_clerk": make_user("west_clerk", role=Role.CLERK, org=city["west"]),
        "city_viewer": make_user("city_viewer", role=Role.VIEWER, org=city["root"]),
    }


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin"])
    return client


def test_only_admins_reach_user_management(client, people):
    client.force_login(people["east_clerk"])
    assert client.get(reverse("user-list")).status_code == 403
    assert client.get(reverse("user-create")).status_code == 403
    assert "用户管理" not in client.get(reverse("home")).content.decode()


def test_only_administrators_are_offered_the_english_api_docs(client, people, make_user):
    docs = reverse("api-docs")
    for user, offered in (
        (people["east_clerk"], False),
        (people["city_viewer"], False),
        (people["admin"], True),
        (make_user(is_superuser=True), True),
    ):
        client.force_login(user)
        assert (docs in client.get(reverse("home")).content.decode()) is offered


def test_the_header_names_the_person(client, make_user):
    client.force_login(make_user("li_clerk", first_name="李秀英"))
    html = client.get(reverse("home")).content.decode()
    assert 'title="登录名：li_clerk">李秀英</span>' in html


def test_admin_sees_the_users_of_the_subtree(admin_client, people):
    response = admin_client.get(reverse("user-list"))
    names = {u.username for u in response.context["page"]}
    assert names == {"east_admin", "east_clerk"}
    assert "用户管理" in response.content.decode()  # in the navigation
    assert (
        admin_client.get(reverse("user-detail", args=[people["west_clerk"].pk])).status_code == 404
    )
    assert admin_client.get(reverse("user-list"), {"q": "clerk"}).context["page"].object_list
    export = admin_client.get(reverse("user-list"), {"q": "clerk", "format": "xlsx"})
    header, *rows = load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    assert header[0] == "用户名" and [row[0] for row in rows] == ["east_clerk"]


def test_a_user_with_a_role_outside_is_listed_but_read_only(admin_client, people):
    """A user holding roles inside and outside the subtree: the admin sees only the inside
    role and may change nothing."""
    mixed = people["west_clerk"]
    RoleAssignment.objects.create(user=mixed, org=people["east_branch"], role=Role.VIEWER)
    response = admin_client.get(reverse("user-detail", args=[mixed.pk]))
    assert response.status_code == 200
    assert not response.context["manageable"]
    html = response.content.decode()
    assert "西区党工委" not in html and "东区幸福社区党支部" in html
    response = admin_client.post(reverse("user-deactivate", args=[mixed.pk]), follow=True)
    assert "管辖范围以外" in response.content.decode()
    mixed.refresh_from_db()
    assert mixed.is_active


def test_create_user_in_the_subtree(admin_client, people):
    url = reverse("user-create")
    data = {
        "username": "new_clerk",
        "first_name": "陈新",
        "password": PASSWORD,
        "password2": PASSWORD,
        "role": Role.CLERK,
        "org": people["east_branch"].pk,
    }
    response = admin_client.post(url, {**data, "org": people["west"].pk})
    assert response.context["form"].errors["org"]
    response = admin_client.post(url, {**data, "username": "east_clerk"})
    assert response.context["form"].errors["username"] == ["该用户名已被使用"]
    response = admin_client.post(url, {**data, "password": "123", "password2": "123"})
    assert response.context["form"].errors["password"]
    response = admin_client.post(url, {**data, "password2": "other"})
    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致"]
    assert not User.objects.filter(username="new_clerk").exists()

    response = admin_client.post(url, data)
    created = User.objects.get(username="new_clerk")
    assert response.url == reverse("user-detail", args=[created.pk])
    assert created.check_password(PASSWORD)
    assert list(created.role_assignments.values_list("role", "org")) == [
        (Role.CLERK, people["east_branch"].pk)
    ]
    history = RoleAssignment.history.get(user=created)
    assert history.history_user == people["admin"]


def test_add_and_remove_roles(admin_client, people):
    clerk = people["east_clerk"]
    url = reverse("user-add-role", args=[clerk.pk])
    response = admin_client.post(url, {"role": Role.VIEWER, "org": people["root"].pk})
    assert response.status_code == 400
    assert response.context["role_form"].errors["org"]
    response = admin_client.post(url, {"role": Role.CLERK, "org": people["east_branch"].pk})
    assert response.context["role_form"].errors["role"] == ["该用户已在该组织担任此角色"]
    assert (
        admin_client.post(url, {"role": Role.REVIEWER, "org": people["east"].pk}).status_code == 302
    )
    assert clerk.role_assignments.count() == 2

    first, second = clerk.role_assignments.order_by("pk")
    admin_client.post(reverse("user-remove-role", args=[clerk.pk, first.pk]))
    assert list(clerk.role_assignments.all()) == [second]
    response = admin_client.post(
        reverse("user-remove-role", args=[clerk.pk, second.pk]), follow=True
    )
    assert "唯一的角色" in response.content.decode()
    assert clerk.role_assignments.count() == 1
    assert RoleAssignment.history.filter(history_type="-", id=first.pk).exists()


def test_deactivate_reactivate_and_set_password(admin_client, people):
    clerk = people["east_clerk"]
    admin_client.post(reverse("user-deactivate", args=[clerk.pk]))
    clerk.refresh_from_db()
    assert not clerk.is_active
    admin_client.post(reverse("user-reactivate", args=[clerk.pk]))
    clerk.refresh_from_db()
    assert clerk.is_active

    url = reverse("user-set-password", args=[clerk.pk])
    response = admin_client.post(url, {"password": "short", "password2": "short"})
    assert response.status_code == 400
    assert response.context["password_form"].errors["password"]
    response = admin_client.post(url, {"password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_account_changes_are_recorded_without_the_password(people):
    admin, clerk = people["admin"], people["east_clerk"]
    services.deactivate_user(admin, clerk)
    services.set_password(admin, clerk, PASSWORD)
    latest = clerk.history.order_by("-history_id").first()
    assert latest.history_user == admin
    deactivation = clerk.history.filter(is_active=False).first()
    assert deactivation.history_user == admin
    assert not hasattr(latest, "password")


def test_admin_may_not_change_themselves_or_a_superuser(people, make_user):
    admin = people["admin"]
    with pytest.raises(ValidationError):
        services.deactivate_user(admin, admin)
    root = make_user(is_superuser=True)
    RoleAssignment.objects.create(user=root, org=people["east_branch"], role=Role.VIEWER)
    with pytest.raises(ValidationError):
        services.set_password(admin, root, PASSWORD)
    assert services.manageable_by(root, admin)


def test_role_changes_apply_to_the_users_scope_at_once(people):
    from grassroots.core.access import Scope

    clerk = people["east_clerk"]
    assert not Scope.of(clerk).covers("view", people["east"].path)
    services.add_role(people["admin"], clerk, Role.VIEWER, people["east"])
    assert Scope.of(clerk).covers("view", people["east"].path)


def test_user_list_queries_do_not_grow(admin_client, people, make_user, make_org):
    def add(count):
        for _ in range(count):
            user = make_user(role=Role.CLERK, org=make_org(parent=people["east"]))
            RoleAssignment.objects.create(user=user, org=people["east"], role=Role.VIEWER)

    def count_queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("user-list"), params).status_code == 200
        return len(captured)

    add(2)
    few, few_exported = count_queries({}), count_queries({"format": "xlsx"})
    add(20)
    assert count_queries({}) <= few
    assert count_queries({"format": "xlsx"}) <= few_exported


def test_home_page_for_each_kind_of_user(client, people, make_user):
    client.force_login(people["city_viewer"])
    html = client.get(reverse("home")).content.decode()
    assert "查看 · " in html and "市委组织部" in html
    client.force_login(make_user("nobody"))
    assert "尚未授权" in client.get(reverse("home")).content.decode()
    client.force_login(make_user(is_superuser=True))
    assert "系统管理员" in client.get(reverse("home")).content.decode()
