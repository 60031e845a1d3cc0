"""Request throttles per client address (DRF ScopedRateThrottle, REST_FRAMEWORK
DEFAULT_THROTTLE_RATES): the token endpoint, and the `public` scope for pages without an
account; over the rate: 429 in Chinese with Retry-After."""

import pytest
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


@pytest.fixture
def rate(monkeypatch):
    def set_rate(scope, value):
        monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, value)

    return set_rate


def post_token(address, password="wrong"):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": "wang", "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_the_token_endpoint_is_throttled_per_address(make_user, rate):
    make_user("wang", password="Right-pass-7")
    rate("token", "3/min")
    answers = [post_token("10.0.0.1", "Right-pass-7").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = post_token("10.0.0.1", "Right-pass-7")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("请求已被限流。")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert post_token("10.0.0.2", "Right-pass-7").status_code == 200


def test_the_real_token_rate_holds(make_user):
    make_user("wang", password="Right-pass-7")
    answers = {post_token("10.0.0.1", "Right-pass-7").status_code for _ in range(20)}
    assert answers == {200}
    assert post_token("10.0.0.1", "Right-pass-7").status_code == 429


class PublicView(APIView):
    """What a public endpoint (a campaign's notice, a survey) declares."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "public"

    def get(self, request):
        return Response({"ok": True})


def test_the_public_scope_throttles_per_address(rate):
    rate("public", "2/min")
    view = PublicView.as_view()
    factory = APIRequestFactory()

    def get(address):
        return view(factory.get("/public/", REMOTE_ADDR=address)).status_code

    assert [get("10.0.0.1") for _ in range(3)] == [200, 200, 429]
    assert get("10.0.0.2") == 200
