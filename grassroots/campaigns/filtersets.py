"""One FilterSet per list of the campaigns, serving the page and the API alike."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone

from grassroots.campaigns.choices import (
    ApplicationState,
    CampaignKind,
    InspectionState,
    StageCode,
    TitleState,
)
from grassroots.campaigns.models import Application, AwardLevel, Campaign, Filing, Inspection, Title
from grassroots.core.api.filters import AncestorFilter
from grassroots.core.filtersets import ListFilterSet
from grassroots.orgs.models import Organization

# --- campaigns -------------------------------------------------------------------------------


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


# --- titles -----------------------------------------------------------------------------------


EXPIRING_MAX_DAYS = 3650


class TitleFilter(ListFilterSet):
    """The titles register: by state, expiring within N days, expired, campaign, subtree,
    name."""

    ancestor = AncestorFilter("org__path")
    state = django_filters.ChoiceFilter(choices=TitleState.choices, label="状态")
    expiring = django_filters.NumberFilter(
        method="by_expiring",
        label="多少天内到期",
        min_value=0,
        max_value=EXPIRING_MAX_DAYS,
    )
    expired = django_filters.BooleanFilter(method="by_expired", label="已过有效期")
    campaign = django_filters.NumberFilter(field_name="campaign", label="创建活动")
    q = django_filters.CharFilter(field_name="org_name", lookup_expr="icontains", label="名称")

    class Meta:
        model = Title
        fields = ["org"]

    def by_expiring(self, queryset, name, value):
        """Not revoked, still valid today and running out within `value` days."""
        today = timezone.localdate()
        return queryset.exclude(state=TitleState.REVOKED).filter(
            valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=int(value))
        )

    def by_expired(self, queryset, name, value):
        past = Q(valid_until__lt=timezone.localdate()) & ~Q(state=TitleState.REVOKED)
        return queryset.filter(past) if value else queryset.exclude(past)


class FilingFilter(ListFilterSet):
    """The filing register of a campaign: by unit, withdrawn rows on request."""

    unit = django_filters.ModelChoiceFilter(queryset=Organization.objects.all(), label="填报单位")
    withdrawn = django_filters.BooleanFilter(label="已撤回")

    class Meta:
        model = Filing
        fields = []
