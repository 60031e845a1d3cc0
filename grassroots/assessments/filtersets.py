"""The filters of the assessment lists, one FilterSet per list, read alike by the API and
the pages (docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters

from grassroots.orgs.filtersets import AncestorFilter, ListFilterSet

from .choices import Grade
from .models import (
    Assessment,
    AssessmentState,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
    TaskStatus,
)


class AssessmentFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label="状态")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等次")

    class Meta:
        model = Assessment
        fields = ["org", "year"]


class TaskFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label="状态")
    overdue = django_filters.BooleanFilter(method="by_overdue", label="已逾期（未完成且过期限）")
    year = django_filters.NumberFilter(field_name="assessment_item__assessment__year", label="年度")
    assessment = django_filters.NumberFilter(
        field_name="assessment_item__assessment", label="考核编号"
    )

    class Meta:
        model = RectificationTask
        fields = ["org"]

    def by_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class SampleFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")

    class Meta:
        model = InspectionSample
        fields = ["org", "year"]


class PolicyFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")

    class Meta:
        model = GradingPolicy
        fields = ["org", "year"]
