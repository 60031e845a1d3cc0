"""The filters of the registry's lists. Each list has one FilterSet, read alike by its API
list (`filterset_class`) and its page (`ListFilterSet.for_page`): the same parameters, the
same bounds, the same rows (docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from grassroots.core.api.filters import bound

from .forms import BootstrapForm, PickerWidget
from .models import HostUnit, Member, Organization


@extend_schema_field({"type": "integer", "description": "上级组织编号：该组织及其全部下级组织"})
class AncestorFilter(django_filters.Filter):
    """`?ancestor=<id>`: the organisation and its whole subtree (within what the user sees)."""

    field_class = forms.IntegerField

    def __init__(self, path_field, **kwargs):
        self.path_field = path_field
        super().__init__(label="上级组织（含本级）", **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": path})


class TickBox(forms.CheckboxInput):
    """A yes/no filter on a page: ticked sends `true`, the API's spelling; not ticked leaves
    the filter unset (None), as an absent API parameter does."""

    def __init__(self, attrs=None):
        super().__init__({**(attrs or {}), "value": "true"})

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class ListFilterSet(django_filters.FilterSet):
    """A list's FilterSet. The API reads it through its filter backend; the page through
    `for_page`, which reads the query string with the backend's bounds, so a parameter means
    the same rows on both."""

    on_page = False

    def get_form_class(self):
        if not self.on_page:
            return super().get_form_class()
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (BootstrapForm,), fields)

    @classmethod
    def for_page(cls, request, queryset, shown, widgets=None):
        """The list's filters over `queryset` (what the user sees) on its page: the form
        shows and applies the filters named in `shown`, in that order; an organisation is
        chosen with the picker, a yes/no with a tick box; `widgets` replace others' widgets.
        An invalid value is shown next to its field and leaves that filter unapplied."""
        filterset = cls(request.GET, queryset=queryset, request=request)
        filters = {name: filterset.filters[name] for name in shown}
        for name, filter_ in filters.items():
            bound(filter_, cls._meta.model)
            if isinstance(filter_, AncestorFilter):
                filter_.label = "党组织（含下级）"
                filter_.extra["widget"] = PickerWidget("org-picker", {"purpose": "view"})
            elif isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra["widget"] = TickBox
            elif isinstance(filter_, django_filters.ChoiceFilter):
                filter_.extra.setdefault("empty_label", "全部")
            if name in (widgets or {}):
                filter_.extra["widget"] = widgets[name]
        filterset.filters = filters
        filterset.on_page = True
        for field in filterset.form.fields.values():
            if isinstance(field.widget, PickerWidget):
                field.widget.queryset = Organization.objects.visible_to(request.user)
        return filterset


class OrganizationFilter(ListFilterSet):
    ancestor = AncestorFilter("path")
    search = django_filters.CharFilter(method="search_names", label="名称")

    class Meta:
        model = Organization
        fields = ["kind", "category", "status", "parent"]

    def search_names(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


def matching_findings(rows, severity=None, code=None):
    """The (org, finding) rows of the health-check list whose finding has `severity` and
    `code` (either unset: any); the findings are computed, not queried, so these two filters
    follow the organisations' FilterSet."""
    return [
        (org, finding)
        for org, finding in rows
        if (not severity or finding.severity == severity) and (not code or finding.code == code)
    ]


class MemberFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="姓名")
    include_left = django_filters.BooleanFilter(method="with_left", label="含已离开党员")

    class Meta:
        model = Member
        fields = ["org", "status", "is_mobile", "is_lost_contact"]

    def with_left(self, qs, name, value):
        return qs  # applied in `qs`: members who left are hidden unless asked for

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_left"):
            queryset = queryset.filter(left_on__isnull=True)
        return queryset


class HostUnitFilter(ListFilterSet):
    class Meta:
        model = HostUnit
        fields = ["organizations"]
