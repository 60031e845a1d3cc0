"""One FilterSet per list of the campaigns, serving the page and the API alike."""

# --- applications and inspections ---------------------------------------------------------------

import django_filters  # noqa: E402

from grassroots.campaigns.choices import ApplicationState, InspectionState  # noqa: E402
from grassroots.campaigns.models import Application, AwardLevel, Inspection  # noqa: E402
from grassroots.core.api.filters import AncestorFilter  # noqa: E402
from grassroots.core.filtersets import ListFilterSet  # noqa: E402
from grassroots.orgs.models import Organization  # noqa: E402


class ApplicationFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    unit = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), label="推荐单位", empty_label="全部"
    )
    level = django_filters.ModelChoiceFilter(
        queryset=AwardLevel.objects.all(), label="申报称号", empty_label="全部"
    )
    state = django_filters.ChoiceFilter(choices=ApplicationState.choices, label="状态")

    class Meta:
        model = Application
        fields = ["unit", "level"]


class InspectionFilter(ListFilterSet):
    ancestor = AncestorFilter("org__path")
    state = django_filters.ChoiceFilter(choices=InspectionState.choices, label="状态")

    class Meta:
        model = Inspection
        fields = ["application", "sample"]
