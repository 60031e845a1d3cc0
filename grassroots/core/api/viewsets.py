"""The base of every app's model viewsets: reading limited by each viewset's queryset,
writing by the user's scope over the object's organisation, never deleting."""

from rest_framework import mixins, viewsets
from rest_framework.response import Response

from ..access import can
from ..choices import Permission
from ..history import history_entries
from .base import ScopedWritePermission
from .serializers import HistoryEntrySerializer

# Detail GET actions answer one object's data as a plain JSON value: no page, no list filters.
PLAIN_ACTION = {"pagination_class": None, "filter_backends": []}


class ScopedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and change; never delete (nothing a user entered is removed)."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, ScopedWritePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def may_edit(self, user, obj):
        return can(user, Permission.EDIT, type(obj).objects.path_of(obj))

    def history_response(self, obj):
        entries = history_entries(obj.history.select_related("history_user"))
        return Response(HistoryEntrySerializer(entries, many=True).data)
