"""The meeting overview filters through the meetings' FilterSet: for the same query string
the page and the API list the same meetings, and another subtree's user gets none of them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.orglife import services
from grassroots.orglife.choices import MeetingType

from .helpers import DAY

FILTERS = [
    {},
    {"ancestor": "east_branch"},
    {"ancestor": "group"},
    {"ancestor": "west"},
    {"type": MeetingType.THEME_DAY},
    {"year": DAY.year},
    {"year": DAY.year - 1},
    {"type": MeetingType.STUDY, "year": DAY.year, "ancestor": "east"},
]


@pytest.fixture
def meetings(scene):
    clerk = scene["clerk"]
    for org, type_, date in [
        (scene["east_branch"], MeetingType.STUDY, DAY),
        (scene["east_branch"], MeetingType.THEME_DAY, DAY - datetime.timedelta(days=400)),
        (scene["group"], MeetingType.STUDY, DAY),
    ]:
        services.record_meeting(clerk, org, type_, date, "学习", hours=Decimal(1))
    voided = services.record_meeting(clerk, scene["east_branch"], MeetingType.STUDY, DAY, "错录")
    services.cancel_meeting(clerk, voided, "重复录入")
    west_clerk = scene["west_clerk"]
    services.record_meeting(west_clerk, scene["west_branch"], MeetingType.STUDY, DAY, "西区")
    return scene


def rows(client, user, params):
    client.force_login(user)
    page = client.get(reverse("orglife-home"), params)
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/v1/meetings/", params)
    assert page.status_code == listed.status_code == 200
    return sorted(m.pk for m in page.context["meetings"]), sorted(
        m["id"] for m in listed.json()["results"]
    )


@pytest.mark.parametrize("params", FILTERS, ids=str)
def test_page_and_api_list_the_same_meetings(client, meetings, params):
    params = {k: meetings[v].pk if k == "ancestor" else v for k, v in params.items()}
    page, api = rows(client, meetings["clerk"], params)
    assert page == api
    west_page, west_api = rows(client, meetings["west_clerk"], params)
    assert west_page == west_api and not set(page) & set(west_page)


def test_default_hides_voided_meetings_and_filters_narrow(client, meetings):
    page, _ = rows(client, meetings["clerk"], {})
    assert len(page) == 3
    page, _ = rows(client, meetings["clerk"], {"ancestor": meetings["group"].pk})
    assert len(page) == 1


def test_bad_year_is_400_in_the_api_and_an_error_on_the_page(client, meetings):
    api = APIClient()
    api.force_authenticate(meetings["clerk"])
    assert api.get("/api/v1/meetings/", {"year": "2025.5"}).status_code == 400
    client.force_login(meetings["clerk"])
    response = client.get(reverse("orglife-home"), {"year": "2025.5"})
    assert response.status_code == 200 and response.context["form"].errors["year"]
