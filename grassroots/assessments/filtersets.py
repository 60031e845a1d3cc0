"""The filters of the assessment lists, one FilterSet per list, read alike by the API and
the pages (docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters

from grassroots.core.access import Scope
from grassroots.core.api.filters import AncestorFilter
from grassroots.core.choices import Permission
from grassroots.core.filtersets import ListFilterSet

from .choices import Grade
from .models import (
    REVIEW_STATES,
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


def awaiting_review(user):
    """Assessments waiting for `user`'s review: submitted, and the user a reviewer of the
    level above (`services.may_review` for one assessment)."""
    scope = Scope.of(user)
    waiting = Assessment.objects.visible_to(user, Permission.APPROVE).filter(
        state__in=REVIEW_STATES
    )
    if scope.is_unrestricted(Permission.APPROVE):
        return waiting
    return waiting.filter(scope.q(Permission.APPROVE, "org__parent__path"))


class AssessmentListFilter(AssessmentFilter):
    """The page's list: its states also offer 待我审核 (`awaiting_review`), which the API
    list does not have; the other filters are `AssessmentFilter`'s."""

    state = django_filters.ChoiceFilter(
        choices=[("mine", "待我审核"), *AssessmentState.choices], method="in_state", label="状态"
    )

    def in_state(self, qs, name, value):
        if value == "mine":
            return qs.filter(pk__in=awaiting_review(self.request.user).values("pk"))
        return qs.filter(state=value)


class TaskListFilter(TaskFilter):
    """The page's list: not done unless a state is chosen, and its states also offer
    已逾期 and 全部, which the API list has as `overdue` and no `status`; the other filters
    are `TaskFilter`'s."""

    status = django_filters.ChoiceFilter(
        choices=[("overdue", "已逾期"), *TaskStatus.choices, ("all", "全部")],
        empty_label="未完成",
        method="in_status",
        label="状态",
    )

    def in_status(self, qs, name, value):
        if value == "overdue":
            return qs.overdue()
        return qs if value == "all" else qs.filter(status=value)

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.not_done()
        return queryset
