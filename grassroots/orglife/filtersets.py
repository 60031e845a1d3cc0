"""The filters of organisational life's lists, one FilterSet per list, read alike by the
API and the pages (docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters

from grassroots.core.api.filters import AncestorFilter
from grassroots.core.filtersets import ListFilterSet

from .choices import FactKind, MeetingType
from .models import Meeting, SecretaryReport, YearlyFact


class MeetingFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    type = django_filters.ChoiceFilter(choices=MeetingType.choices, label="会议类型")
    year = django_filters.NumberFilter(method="in_year", label="年度")
    include_cancelled = django_filters.BooleanFilter(method="with_cancelled", label="含已作废")

    class Meta:
        model = Meeting
        fields = ["org"]

    def in_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def with_cancelled(self, queryset, name, value):
        return queryset  # applied in `qs`: voided meetings are hidden unless asked for

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_cancelled"):
            queryset = queryset.held()
        return queryset


class YearFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")


class SecretaryReportFilter(YearFilter):
    class Meta:
        model = SecretaryReport
        fields = ["org", "year", "rating"]


class YearlyFactFilter(YearFilter):
    code = django_filters.ChoiceFilter(choices=FactKind.choices, label="项目")

    class Meta:
        model = YearlyFact
        fields = ["org", "year"]
