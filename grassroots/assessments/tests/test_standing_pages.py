"""The standing and matrix pages as a clerk reads them on a phone: the members behind on
study hours folded into one warning, months counted so far in the current year, links to
organisational life, and a default standard that measures something."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.assessments.compliance import item_result
from grassroots.assessments.views.standing import pace_note
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind
from grassroots.standards.choices import SetStatus
from grassroots.standards.models import Dimension, Item, StandardSet

pytestmark = pytest.mark.django_db


def make_set(code, year, categories, metrics):
    """A published set with one item per entry of `metrics` (None: an item without one)."""
    standard = StandardSet.objects.create(
        code=code,
        title=f"标准{code}",
        year=year,
        categories=categories,
        status=SetStatus.PUBLISHED,
    )
    dimension = Dimension.objects.create(set=standard, code="1", title="组织生活", order=1)
    for order, metric in enumerate(metrics):
        Item.objects.create(
            dimension=dimension,
            code=f"1.{order + 1}",
            text=f"条目{order + 1}",
            metric=metric,
            comparator=">=" if metric else None,
            threshold=12 if metric else None,
            order=order,
        )
    return standard


@pytest.fixture
def village_sets(db):
    """For villages: a newer set whose items all need evidence, an older one that measures."""
    manual = make_set("t-manual", 2021, [Category.VILLAGE], [None, None])
    measured = make_set("t-measured", 2020, [Category.VILLAGE], ["theme_day_months", None])
    return manual, measured


def standing(client, org, **params):
    return client.get(reverse("org-standing", args=[org.pk]), params)


def test_members_behind_on_study_hours_are_one_warning(client, city, make_member, make_user):
    org = city["west_branch"]
    for name in ("马有福", "韩秀兰", "李建军"):
        make_member(org, name=name)
    client.force_login(make_user(role=Role.VIEWER, org=city["west"]))
    response = standing(client, org)
    rows = response.context["warnings"]
    behind = [row for row in rows if row.get("details")]
    assert len(behind) == 1
    assert behind[0]["message"] == "3名党员本年学时落后于进度"
    assert sorted(line[:3] for line in behind[0]["details"]) == ["李建军", "韩秀兰", "马有福"]
    page = response.content.decode()
    assert '<details class="flex-grow-1" id="members-behind">' in page
    assert "本月尚未召开支委会" in page  # the other warnings stay rows of their own
    # A past year has no warnings at all.
    assert standing(client, org, year=timezone.localdate().year - 1).context["warnings"] == []


def test_month_items_are_judged_on_pace_in_the_current_year_only(
    client, city, village_sets, make_user
):
    org = city["west_branch"]
    client.force_login(make_user(role=Role.VIEWER, org=city["west"]))
    today = timezone.localdate()
    page = standing(client, org, standard="t-measured").content.decode()
    if (today.month, today.day) != (12, 31):
        assert f"按进度截至上月应达{today.month - 1}个月" in page
        # No meeting at all: on pace only in January, when no month is over.
        assert ("进度落后" in page) is (today.month > 1)
    page = standing(client, org, standard="t-measured", year=today.year - 1).content.decode()
    assert "按进度" not in page and "进度落后" not in page
    assert "未达标" in page


def test_standing_defaults_to_a_set_that_measures(client, city, village_sets, make_user):
    manual, measured = village_sets
    client.force_login(make_user(role=Role.VIEWER, org=city["west"]))
    response = standing(client, city["west_branch"])
    assert response.context["standard"] == measured
    assert [s.code for s in response.context["sets"]] == ["t-manual", "t-measured"]
    chosen = standing(client, city["west_branch"], standard="t-manual")
    assert chosen.context["standard"] == manual


def test_standing_links_to_organisational_life(client, city, village_sets, make_user):
    org = city["west_branch"]
    client.force_login(make_user(role=Role.CLERK, org=city["west"]))
    page = standing(client, org).content.decode()
    assert f'href="/orgs/{org.pk}/life/"' in page
    assert f'href="/orgs/{org.pk}/life/new/"' in page
    client.force_login(make_user(role=Role.VIEWER, org=city["west"]))
    page = standing(client, org).content.decode()
    assert f'href="/orgs/{org.pk}/life/"' in page
    assert f'href="/orgs/{org.pk}/life/new/"' not in page


def test_a_departments_matrix_defaults_to_the_measured_set_of_most_of_its_subtree(
    client, city, village_sets, make_org, make_user
):
    _, measured = village_sets
    # Newer and covering more of the subtree, but nothing to measure.
    make_set("t-everyone", 2022, [Category.VILLAGE, Category.COMMUNITY], [None])
    # Measures, but only one organisation of the subtree is a community's.
    make_set("t-community", 2021, [Category.COMMUNITY], ["collective_study_months"])
    for _ in range(2):
        make_org(parent=city["west"], kind=OrgKind.BRANCH, category=Category.VILLAGE)
    make_org(parent=city["west"], kind=OrgKind.BRANCH, category=Category.COMMUNITY)
    client.force_login(make_user(role=Role.VIEWER, org=city["root"]))
    response = client.get(reverse("compliance-matrix", args=[city["west"].pk]))
    assert response.context["standard"] == measured
    assert response.content.decode().count("data-org=") == 3
    assert 'id="no-metrics"' not in response.content.decode()


def test_a_matrix_of_a_set_without_metrics_says_so(client, city, village_sets, make_user):
    client.force_login(make_user(role=Role.VIEWER, org=city["root"]))
    url = reverse("compliance-matrix", args=[city["west"].pk])
    response = client.get(url, {"standard": "t-manual"})
    page = response.content.decode()
    assert 'id="no-metrics"' in page and 'id="shares-chart"' not in page
    assert {share["value"] for share in response.context["chart"]["shares"]} == {0}


def test_pace_note_names_the_periods_over():
    day = datetime.date(2026, 8, 5)
    quarters = Item(metric="general_meeting_quarters", comparator=">=", threshold=4)
    months = Item(metric="theme_day_months", comparator=">=", threshold=12)
    hours = Item(metric="study_hours_per_member", comparator=">=", threshold=32)
    note = {
        item.metric: pace_note(item_result(item, {item.metric: Decimal(0)}, day))
        for item in (quarters, months, hours)
    }
    assert note == {
        "general_meeting_quarters": "按进度截至上季度应达2个季度",
        "theme_day_months": "按进度截至上月应达7个月",
        "study_hours_per_member": "",
    }
    year_end = datetime.date(2025, 12, 31)
    assert pace_note(item_result(months, {months.metric: Decimal(12)}, year_end)) == ""
