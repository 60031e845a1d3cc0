"""An API client that authenticates as external systems do, with a token."""

from knox.models import AuthToken
from rest_framework.test import APIClient


def token_client(user):
    """A client sending `Authorization: Token <key>` for `user` (no session, no forcing)."""
    client = APIClient()
    _, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.user = user
    return client
