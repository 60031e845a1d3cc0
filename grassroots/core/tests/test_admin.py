"""The Django admin: not mounted unless settings.GRASSROOTS_ADMIN says so, and then
read-only for accounts and role assignments (they change through the services)."""

import pytest

from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def test_admin_answers_404_by_default(superuser_client):
    assert superuser_client.get("/admin/").status_code == 404
    assert superuser_client.get("/admin/login/").status_code == 404


def test_mounted_admin_shows_accounts_and_roles(superuser_client, admin_mounted, city, make_user):
    clerk = make_user("clerk", role=Role.CLERK, org=city["east"])
    assignment = RoleAssignment.objects.get(user=clerk)
    assert superuser_client.get("/admin/").status_code == 200
    assert superuser_client.get(f"/admin/auth/user/{clerk.pk}/change/").status_code == 200
    page = f"/admin/core/roleassignment/{assignment.pk}/change/"
    assert superuser_client.get(page).status_code == 200


def test_mounted_admin_changes_no_account_or_role(superuser_client, admin_mounted, city, make_user):
    clerk = make_user("clerk", role=Role.CLERK, org=city["east"])
    assignment = RoleAssignment.objects.get(user=clerk)
    refused = [
        ("/admin/auth/user/add/", {"username": "new", "password1": "x", "password2": "x"}),
        (f"/admin/auth/user/{clerk.pk}/change/", {"username": "clerk", "is_superuser": "on"}),
        (f"/admin/auth/user/{clerk.pk}/password/", {"password1": "a", "password2": "a"}),
        (f"/admin/auth/user/{clerk.pk}/delete/", {"post": "yes"}),
        ("/admin/core/roleassignment/add/", {"user": clerk.pk, "org": city["root"].pk}),
        (f"/admin/core/roleassignment/{assignment.pk}/change/", {"role": Role.ADMIN}),
        (f"/admin/core/roleassignment/{assignment.pk}/delete/", {"post": "yes"}),
        ("/admin/auth/group/add/", {"name": "组"}),
    ]
    for url, data in refused:
        assert superuser_client.post(url, data).status_code == 403, url
    clerk.refresh_from_db()
    assignment.refresh_from_db()
    assert not clerk.is_superuser and assignment.role == Role.CLERK
    assert RoleAssignment.objects.count() == 1
