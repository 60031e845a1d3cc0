"""The site's own error pages (DEBUG off, as `make run` serves): Chinese, a way back, no
URL list or traceback; JSON under /api/."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from grassroots import urls as site_urls
from grassroots.core.choices import Role

CHINESE_500 = "服务器出错了"


def boom(request):
    raise RuntimeError("secret detail of the failure")


def refuse(request):
    raise PermissionDenied


# The site's URLs and error handlers, plus views that fail.
urlpatterns = [path("boom/", boom), path("api/v1/boom/", boom), path("refuse/", refuse)]
urlpatterns += site_urls.urlpatterns
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


def assert_page_with_way_back(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert heading in html
    assert "返回首页" in html and "data-history-back" in html
    assert 'href="/"' in html
    return html


def test_404_is_chinese_and_lists_no_url_patterns(client, db):
    html = assert_page_with_way_back(client.get("/no-such-page/"), 404, "页面不存在")
    assert "URLconf" not in html and "api/v1/" not in html and "admin/" not in html
    assert "Page not found" not in html


def test_404_of_a_missing_object_names_no_model(client, make_user):
    client.force_login(make_user(is_superuser=True))
    html = assert_page_with_way_back(client.get("/orgs/999999/"), 404, "页面不存在")
    assert "matches the given query" not in html
    assert "Organization" not in html


def test_404_keeps_a_reason_written_for_users(client, make_user, city):
    client.force_login(make_user(is_superuser=True))
    url = reverse("compliance-matrix", args=[city["root"].pk])
    html = assert_page_with_way_back(client.get(url, {"standard": "NO-SUCH"}), 404, "页面不存在")
    assert "没有该标准" in html


def test_500_is_chinese_without_traceback_or_database(failing_urls, db, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    html = assert_page_with_way_back(response, 500, CHINESE_500)
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_403_shows_the_reason_in_chinese(client, make_user, city):
    client.force_login(make_user(role=Role.VIEWER, org=city["root"]))
    html = assert_page_with_way_back(client.get(reverse("user-list")), 403, "没有权限")
    assert "您没有管理用户的权限" in html
    assert "Forbidden" not in html


def test_403_without_a_reason_is_chinese_too(failing_urls, client, db):
    html = assert_page_with_way_back(client.get("/refuse/"), 403, "没有权限")
    assert "Forbidden" not in html


def test_csrf_failure_is_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    html = assert_page_with_way_back(response, 403, "页面已过期")
    assert "CSRF verification" not in html and "Forbidden" not in html


def test_400_is_chinese(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    html = assert_page_with_way_back(response, 400, "请求无效")
    assert "ALLOWED_HOSTS" not in html and "attacker.example" not in html


def test_api_errors_stay_json(failing_urls, db):
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "没有这个接口或对象"}
    failed = client.get("/api/v1/boom/")
    assert failed.status_code == 500
    assert failed.json() == {"detail": "服务器内部错误，请稍后再试。"}
