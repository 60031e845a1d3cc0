"""One FilterSet per list of the campaigns, serving the page and the API alike."""

# --- campaigns -------------------------------------------------------------------------------

import django_filters  # noqa: E402

from grassroots.campaigns.choices import (  # noqa: E402
    ApplicationState,
    CampaignKind,
    InspectionState,
    StageCode,
)
from grassroots.campaigns.models import (
    Application,
    AwardLevel,
    Campaign,  # noqa: E402
    Inspection,
)
from grassroots.core.api.filters import AncestorFilter  # noqa: E402
from grassroots.core.filtersets import ListFilterSet  # noqa: E402
from grassroots.orgs.models import Organization


class CampaignFilter(ListFilterSet):
    ancestor = AncestorFilter("organiser__path")
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label="类型")
    stage = django_filters.ChoiceFilter(choices=StageCode.choices, label="当前阶段")

    class Meta:
        model = Campaign
        fields = ["organiser", "year"]


# --- applications and inspections ---------------------------------------------------------------


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
