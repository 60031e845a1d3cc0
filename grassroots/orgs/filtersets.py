"""The filters of the registry's lists. Each list has one FilterSet, read alike by its API
list (`filterset_class`) and its page (`ListFilterSet.for_page`): the same parameters, the
same bounds, the same rows (docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from grassroots.core.api.filters import AncestorFilter
from grassroots.core.filtersets import ListFilterSet

from .choices import Coverage
from .models import HostUnit, Member, Organization


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
    # The statistics page's drill-down: an age band or joining period is a date range.
    born_from = django_filters.DateFilter("birth_date", "gte", label="出生日期起")
    born_to = django_filters.DateFilter("birth_date", "lte", label="出生日期止")
    joined_from = django_filters.DateFilter("joined_on", "gte", label="入党时间起")
    joined_to = django_filters.DateFilter("joined_on", "lte", label="入党时间止")

    class Meta:
        model = Member
        fields = [
            "org",
            "status",
            "is_mobile",
            "is_lost_contact",
            "gender",
            "education",
            "ethnicity",
            "work_unit",
        ]

    def with_left(self, qs, name, value):
        return qs  # applied in `qs`: members who left are hidden unless asked for

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_left"):
            queryset = queryset.filter(left_on__isnull=True)
        return queryset


class HostUnitFilter(ListFilterSet):
    """Over units annotated by `HostUnitQuerySet.with_coverage`."""

    ancestor = django_filters.NumberFilter(method="in_subtree", label="党组织（含下级）")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="单位名称")
    coverage = django_filters.ChoiceFilter(choices=Coverage.choices, label="覆盖情况")
    should_form = django_filters.BooleanFilter(label="应建未建")

    class Meta:
        model = HostUnit
        fields = ["organizations", "responsible_org", "kind"]

    def in_subtree(self, qs, name, value):
        org = Organization.objects.visible_to(self.request.user).filter(pk=value).first()
        return qs.within(org.path) if org else qs.none()


def units_with_coverage(user, on=None):
    """The units `user` sees, each with how it is covered on `on` (default today)."""
    return HostUnit.objects.visible_to(user).with_coverage(on or timezone.localdate())
