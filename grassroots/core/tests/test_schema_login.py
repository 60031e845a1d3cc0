"""Outside the tests (demo, production), the API schema and docs need a login: the views as
served with the permissions of the base settings."""

import pytest
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.views import SpectacularAPIView
from rest_framework.settings import perform_import
from rest_framework.test import APIRequestFactory

from grassroots.core.api.docs import ApiDocsView
from grassroots.settings import base

SERVED = perform_import(base.SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"], "SERVE_PERMISSIONS")
schema_view = SpectacularAPIView.as_view(permission_classes=SERVED)
docs_view = ApiDocsView.as_view(url_name="api-schema", permission_classes=SERVED)


def get(view, path, user):
    request = APIRequestFactory().get(path)
    request.user = user  # what AuthenticationMiddleware sets from the session
    request.session = {}
    return view(request)


@pytest.mark.parametrize("path", ["/api/schema/", "/api/schema/?format=json"])
def test_schema_refuses_anonymous_visitors(path, db):
    response = get(schema_view, path, AnonymousUser())
    assert response.status_code in (401, 403)


def test_schema_is_served_to_a_logged_in_user(make_user):
    response = get(schema_view, "/api/schema/?format=json", make_user())
    response.render()
    assert response.status_code == 200
    assert b'"openapi"' in response.content


def test_docs_send_anonymous_visitors_to_the_login_page(db):
    response = get(docs_view, "/api/docs/", AnonymousUser())
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/api/docs/"


def test_docs_script_refuses_anonymous_visitors(db):
    response = get(docs_view, "/api/docs/?script=", AnonymousUser())
    assert response.status_code in (401, 403)


def test_docs_are_served_to_a_logged_in_user(make_user):
    response = get(docs_view, "/api/docs/", make_user())
    response.render()
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
