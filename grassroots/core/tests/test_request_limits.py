"""413 for request bodies over their limit: JSON and forms over REQUEST_MAX_BODY_BYTES,
multipart uploads over REQUEST_MAX_UPLOAD_BYTES, with or without a Content-Length."""

import io
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

MIB = 1024 * 1024
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pass-Word-1"


@pytest.fixture
def user(make_user):
    return make_user(username="body_limits", password=PASSWORD)


def credentials(padding=0):
    return json.dumps({"username": "body_limits", "password": PASSWORD, "note": "x" * padding})


def test_json_body_over_1_mib_is_413_with_a_chinese_answer(client, user):
    body = credentials(padding=2 * MIB)
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "提交的内容超过1MB，请减少一次提交的数据"}


def test_json_body_of_1_kib_is_answered_as_usual(client, user):
    body = credentials(padding=1024 - len(credentials()))
    assert len(body) == 1024
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]


def test_the_limit_is_a_setting(client, user, settings):
    settings.REQUEST_MAX_BODY_BYTES = 2048
    response = client.post(TOKEN_URL, credentials(padding=2048), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "提交的内容超过2KB，请减少一次提交的数据"
    assert client.post(TOKEN_URL, credentials(), content_type="application/json").status_code == (
        200
    )


def test_page_form_over_the_limit_is_a_chinese_page(client, db):
    form = urlencode({"username": "x" * (2 * MIB), "password": "y"})
    response = client.post("/login/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容超过1MB" in html and 'href="/"' in html


def test_uploads_have_their_own_limit(client, user, settings):
    settings.REQUEST_MAX_UPLOAD_BYTES = 3 * MIB
    file = io.BytesIO(b"x" * (2 * MIB))
    file.name = "a.xlsx"
    page = client.post("/login/", {"username": "body_limits", "password": "wrong", "f": file})
    assert page.status_code == 200  # the login form answers as usual
    file = io.BytesIO(b"x" * (4 * MIB))
    file.name = "a.xlsx"
    api = client.post(TOKEN_URL, {"username": "body_limits", "password": PASSWORD, "f": file})
    assert api.status_code == 413
    assert api.json() == {"detail": "上传的内容超过3MB，请分成几个文件上传"}
    file.seek(0)
    page = client.post("/login/", {"username": "body_limits", "f": file})
    assert page.status_code == 413 and "上传的内容超过3MB" in page.content.decode()


def chunked(client, body, terminated=True):
    """A POST without Content-Length, as gunicorn hands over a chunked body."""
    environ = {
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body.encode()),
    }
    if terminated:
        environ["wsgi.input_terminated"] = True
    return client.generic("POST", TOKEN_URL, **environ)


def test_chunked_body_over_the_limit_is_413(client, user):
    response = chunked(client, credentials(padding=2 * MIB))
    assert response.status_code == 413
    assert response.json()["detail"] == "提交的内容超过1MB，请减少一次提交的数据"


def test_chunked_body_within_the_limit_is_read(client, user):
    response = chunked(client, credentials())
    assert response.status_code == 200 and response.json()["token"]


def test_chunked_body_is_not_read_where_the_server_does_not_end_it(client, user):
    """wsgiref (runserver) passes the raw socket: reading to its end would hang, and Django
    reads no body without a Content-Length anyway."""
    response = chunked(client, credentials(padding=2 * MIB), terminated=False)
    assert response.status_code == 400
    assert "username" in response.json()


def test_djangos_own_form_limit_is_413_too(client, user, settings):
    """A multipart form whose text fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE: Django raises
    RequestDataTooBig (400 by default) while the page's CSRF check or the API parser reads it."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    fields = {"username": "body_limits", "password": "x" * 20_000}
    file = io.BytesIO(b"x")
    file.name = "a.xlsx"
    page = Client(enforce_csrf_checks=True).post("/login/", {**fields, "f": file})
    assert page.status_code == 413 and "上传的内容超过51MB" in page.content.decode()
    file.seek(0)
    api = client.post(TOKEN_URL, {**fields, "f": file})
    assert api.status_code == 413
    assert api.json() == {"detail": "上传的内容超过51MB，请分成几个文件上传"}
