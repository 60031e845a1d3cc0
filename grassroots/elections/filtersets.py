"""The filters of the workflow lists, read alike by the API and the page
(docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters
from django.db.models import Q

from grassroots.core.filtersets import ListFilterSet
from grassroots.orgs.models import Organization

from .choices import State, WorkflowKind
from .models import Workflow


class WorkflowFilter(ListFilterSet):
    org = django_filters.NumberFilter(field_name="org", label="党组织编号")
    ancestor = django_filters.NumberFilter(
        method="within", label="上级组织编号：该组织及其全部下级组织的事项"
    )
    state = django_filters.ChoiceFilter(choices=State.choices, label="状态")
    kind = django_filters.ChoiceFilter(choices=WorkflowKind.choices, label="事项")

    class Meta:
        model = Workflow
        fields = ["org", "ancestor", "state", "kind"]

    def within(self, qs, name, value):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        # An establishment not yet carried out sits under the parent it is proposed under.
        return qs.filter(
            Q(org__path__startswith=path) | Q(org__isnull=True, parent__path__startswith=path)
        )


class ElectionFilter(WorkflowFilter):
    kind = django_filters.ChoiceFilter(
        choices=[(k.value, k.label) for k in (WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION)],
        label="事项",
    )


class EstablishmentFilter(WorkflowFilter):
    parent = django_filters.NumberFilter(field_name="parent", label="拟成立组织的上级党组织编号")

    class Meta(WorkflowFilter.Meta):
        fields = ["org", "parent", "ancestor", "state"]


class WorkflowListFilter(WorkflowFilter):
    """The page's list of every kind of workflow: its states also offer 未办结 (neither
    completed nor withdrawn), which the API lists do not have; the other filters are
    `WorkflowFilter`'s."""

    state = django_filters.ChoiceFilter(
        choices=[("open", "未办结"), *State.choices], method="in_state", label="状态"
    )

    def in_state(self, qs, name, value):
        return qs.open() if value == "open" else qs.filter(state=value)
