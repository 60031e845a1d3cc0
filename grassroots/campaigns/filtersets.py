"""One FilterSet per list of the campaigns, serving the page and the API alike."""

# --- campaigns -------------------------------------------------------------------------------

import django_filters  # noqa: E402

from grassroots.campaigns.choices import CampaignKind, StageCode  # noqa: E402
from grassroots.campaigns.models import Campaign  # noqa: E402
from grassroots.core.api.filters import AncestorFilter  # noqa: E402
from grassroots.core.filtersets import ListFilterSet  # noqa: E402


class CampaignFilter(ListFilterSet):
    ancestor = AncestorFilter("organiser__path")
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label="类型")
    stage = django_filters.ChoiceFilter(choices=StageCode.choices, label="当前阶段")

    class Meta:
        model = Campaign
        fields = ["organiser", "year"]
