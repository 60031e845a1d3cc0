"""Shared API pieces: pagination, scoped related fields, permissions, error mapping."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from ..access import Scope
from ..choices import Permission


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Domain services raise Django's ValidationError({field: message}); answer it as 400."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id that only accepts objects the requesting user may see; others read as
    'does not exist', so their existence is not revealed."""

    default_error_messages = {
        "does_not_exist": "编号为 {pk_value} 的对象不存在或不在您的管辖范围内",
        "incorrect_type": "应为编号（整数）",
    }

    def get_queryset(self):
        return self.queryset.visible_to(self.context["request"].user)


class ScopedWritePermission(permissions.BasePermission):
    """Reading is limited by each viewset's queryset. Creating needs the edit permission
    somewhere (the service then checks the chosen organisation and answers 400 naming the
    field); changing an object (PATCH or a POST action on it) needs `view.may_edit(user, obj)`."""

    message = "您没有录入或修改数据的权限"

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            return Scope.of(request.user).has_any(Permission.EDIT)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.may_edit(request.user, obj)
