"""Shared API pieces: pagination, scoped related fields, permissions, error mapping."""

import logging
from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from ..access import Scope
from ..choices import Permission
from ..concurrency import CONFLICT_MESSAGE, write_conflict
from .numbers import ID_OUT_OF_RANGE, NOT_AN_ID, parse_id

logger = logging.getLogger(__name__)


class KnownCountPaginator(Paginator):
    """A paginator that takes the number of rows as given (`known_count`) instead of
    counting them, when given."""

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        return super().count if self.known_count is None else self.known_count


class StandardPagination(PageNumberPagination):
    """Pages of 50 rows. A view that knows its list's exact count without a COUNT(*) over
    the rows answers it from `known_count()` (None, or no such method: count the rows)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        known_count = getattr(view, "known_count", None)
        self.django_paginator_class = partial(
            KnownCountPaginator, known_count=known_count() if known_count else None
        )
        return super().paginate_queryset(queryset, request, view)


def exception_handler(exc, context):
    """Domain services raise Django's ValidationError({field: message}); answer it as 400.
    A write lost to a concurrent one is a 400 too (docs/security/concurrency.md)."""
    if write_conflict(exc):
        logger.warning("Write conflict answered as 400: %s", exc)
        exc = ValidationError({"non_field_errors": [CONFLICT_MESSAGE]})
    elif isinstance(exc, DjangoValidationError):
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
        "incorrect_type": NOT_AN_ID,
        "out_of_range": ID_OUT_OF_RANGE,
    }

    def get_queryset(self):
        return self.queryset.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        # A whole number only: the database would read 337.5 or "337.0" as 337.
        try:
            pk = parse_id(data)
        except OverflowError:
            self.fail("out_of_range")
        if pk is None:
            self.fail("incorrect_type")
        return super().to_internal_value(pk)


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
