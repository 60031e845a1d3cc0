"""The list filter backend of every API view: the filtersets of all apps, declared or made
from `filterset_fields`, read ids as whole numbers and every integer within its column's
range, so `?organizations=<30 digits>` or `?org=337.5` is a 400 naming the parameter, not an
overflow in the database driver. The schema states the same bounds (core.api.schema).
Also the filters every app's filtersets share (`AncestorFilter`)."""

from django import forms
from django.core.exceptions import ValidationError
from django_filters import fields, filters
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field
from drf_spectacular.utils import extend_schema_field

from ..models import organization_model
from .numbers import BIGINT_RANGE, ID_MAX, ID_OUT_OF_RANGE, NOT_AN_ID, column_range, parse_id


def check_id(value):
    try:
        if parse_id(value) is None:
            raise ValidationError(NOT_AN_ID, code="invalid_id")
    except OverflowError:
        raise ValidationError(ID_OUT_OF_RANGE, code="id_out_of_range") from None


class IdChoiceField(fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            check_id(value)
        return super().to_python(value)


class IdMultipleChoiceField(fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for one in value:
            check_id(one)
        return super()._check_values(value)


def filter_range(filter_, model):
    """(min, max) of the integer a filter reads, or None when it reads no integer: ids for
    model choices, the column's range for a number compared with a column, the bigint
    range for a number a filter method reads. Bounds given on the filter itself win."""
    if isinstance(filter_, (filters.ModelChoiceFilter, filters.ModelMultipleChoiceFilter)):
        return (1, ID_MAX) if _by_primary_key(filter_) else None
    integer = isinstance(filter_, filters.NumberFilter) or issubclass(
        filter_.field_class, forms.IntegerField
    )
    if not integer:
        return None
    model_field = get_model_field(model, filter_.field_name) if model else None
    if model_field is not None:
        found = column_range(model_field)
        if found is None:
            return None  # a decimal or float column
    else:
        found = BIGINT_RANGE
    return (filter_.extra.get("min_value", found[0]), filter_.extra.get("max_value", found[1]))


def _by_primary_key(filter_):
    """Whether a model choice filter names its objects by id (a foreign key's filter names
    them by the target field, the primary key unless `to_field` says otherwise)."""
    to_field = filter_.extra.get("to_field_name")
    queryset = filter_.extra.get("queryset")
    if to_field in (None, "pk"):
        return True
    return hasattr(queryset, "model") and queryset.model._meta.pk.name == to_field


def bound(filter_, model):
    """Give one filter (of a filterset instance, before its form is built) its bounds."""
    found = filter_range(filter_, model)
    if found is None:
        return
    if isinstance(filter_, filters.ModelMultipleChoiceFilter):
        filter_.field_class = IdMultipleChoiceField
    elif isinstance(filter_, filters.ModelChoiceFilter):
        filter_.field_class = IdChoiceField
    else:
        if filter_.field_class is forms.DecimalField:
            filter_.field_class = forms.IntegerField  # 337.5 is no organisation's id
        filter_.extra["min_value"], filter_.extra["max_value"] = found


class BoundedFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for filter_ in filterset.filters.values():
                bound(filter_, filterset._meta.model)
        return filterset


@extend_schema_field({"type": "integer", "description": "上级组织编号：该组织及其全部下级组织"})
class AncestorFilter(filters.Filter):
    """`?ancestor=<id>`: the organisation and its whole subtree (within what the user sees)."""

    field_class = forms.IntegerField

    def __init__(self, path_field, **kwargs):
        self.path_field = path_field
        super().__init__(label="上级组织（含本级）", **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        organizations = organization_model().objects
        path = organizations.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": path})
