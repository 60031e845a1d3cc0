from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ..auth import LOCKED_MESSAGE, is_locked


@extend_schema(responses=inline_serializer("Health", {"status": serializers.CharField()}))
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def health(request):
    return Response({"status": "ok"})


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, path):
    """Any other address under the API: a JSON 404 like the API's own, not an HTML page
    (an id that is not a number, such as /orgs/abc/, matches no route)."""
    raise NotFound("没有这个接口或对象")


class LockAwareTokenSerializer(AuthTokenSerializer):
    def validate(self, attrs):
        if is_locked(attrs.get("username", "")):
            raise serializers.ValidationError(LOCKED_MESSAGE, code="authorization")
        return super().validate(attrs)


@extend_schema_view(
    post=extend_schema(
        auth=[],
        request=LockAwareTokenSerializer,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (`Authorization: Token <token>`).
    Repeated failures lock the account for a while (the answer then says so)."""

    authentication_classes = ()  # credentials are in the body; a stale token must not matter
    serializer_class = LockAwareTokenSerializer
