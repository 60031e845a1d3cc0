from django.contrib.auth import authenticate
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from knox.auth import TokenAuthentication
from knox.views import LoginView
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..auth import LOCKED_MESSAGE, refused_by_lock


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


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", write_only=True)
    password = serializers.CharField(
        label="密码", style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )

    def validate(self, attrs):
        # axes marks the Django request, which its middleware sees (DRF's Request wraps it).
        request = self.context["request"]._request
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if refused_by_lock(request):
                raise Throttled(detail=LOCKED_MESSAGE)
            raise serializers.ValidationError(
                gettext("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


@extend_schema_view(
    post=extend_schema(
        auth=[],
        request=CredentialsSerializer,
        responses=inline_serializer(
            "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
    ),
    delete=extend_schema(responses={204: None}),
)
class TokenView(LoginView):
    """POST: exchange a username and password for a new API token
    (`Authorization: Token <token>`), valid until `expiry`; a user may hold several.
    Repeated failures lock the login for a while (429, and the answer says so).
    DELETE: revoke the token sent with the request."""

    authentication_classes = (TokenAuthentication,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "token"

    def perform_authentication(self, request):
        if request.method == "POST":
            # Credentials are in the body: a stale token in the header must not stop a login.
            request.authenticators = ()
        super().perform_authentication(request)

    def get_permissions(self):
        return [] if self.request.method == "POST" else [IsAuthenticated()]

    def post(self, request, format=None):
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format)

    def delete(self, request, format=None):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={204: None})
class TokensView(APIView):
    """DELETE: revoke every API token of the requesting user."""

    authentication_classes = (TokenAuthentication,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "token"

    def delete(self, request, format=None):
        request.user.auth_token_set.all().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
