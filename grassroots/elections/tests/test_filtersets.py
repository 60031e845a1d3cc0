"""The workflow page filters through the workflows' FilterSet: for the same query string it
lists what the election and establishment API lists do, and another subtree's user gets
none of them."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.elections.choices import State, WorkflowKind
from grassroots.elections.models import Workflow

ELECTIONS = [WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION]
FILTERS = [
    ({"kind": WorkflowKind.GENERAL}, "elections"),
    ({"kind": WorkflowKind.BY_ELECTION}, "elections"),
    ({"kind": WorkflowKind.GENERAL, "state": State.SUBMITTED}, "elections"),
    ({"kind": WorkflowKind.GENERAL, "state": State.COMPLETED}, "elections"),
    ({"kind": WorkflowKind.ESTABLISHMENT}, "establishments"),
    ({"kind": WorkflowKind.ESTABLISHMENT, "state": State.DRAFT}, "establishments"),
]


@pytest.fixture
def world(city, make_org, make_user):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    for branch in (city["east_branch"], city["west_branch"]):
        for kind, state in [
            (WorkflowKind.GENERAL, State.SUBMITTED),
            (WorkflowKind.GENERAL, State.COMPLETED),
            (WorkflowKind.BY_ELECTION, State.DRAFT),
        ]:
            Workflow.objects.create(kind=kind, org=branch, state=state, seats=3, created_by=clerk)
        Workflow.objects.create(
            kind=WorkflowKind.ESTABLISHMENT, parent=branch, proposed_name="新支部", created_by=clerk
        )
    return {**city, "clerk": clerk, "west_clerk": make_user(role=Role.CLERK, org=city["west"])}


def rows(client, user, params, api_list):
    client.force_login(user)
    page = client.get(reverse("elections-list"), params)
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get(f"/api/v1/{api_list}/", params)
    assert page.status_code == listed.status_code == 200
    return sorted(w.pk for w in page.context["page"]), sorted(
        w["id"] for w in listed.json()["results"]
    )


@pytest.mark.parametrize("params,api_list", FILTERS, ids=str)
def test_page_and_api_list_the_same_workflows(client, world, params, api_list):
    page, api = rows(client, world["clerk"], params, api_list)
    assert page == api and page
    west_page, west_api = rows(client, world["west_clerk"], params, api_list)
    assert west_page == west_api and not set(page) & set(west_page)


def test_open_is_the_pages_own_state(client, world):
    client.force_login(world["clerk"])
    listed = client.get(reverse("elections-list"), {"state": "open"}).context["page"]
    assert {w.state for w in listed} == {State.SUBMITTED, State.DRAFT}
    api = APIClient()
    api.force_authenticate(world["clerk"])
    assert api.get("/api/v1/elections/", {"state": "open"}).status_code == 400


@pytest.mark.parametrize("params,api_list", FILTERS, ids=str)
def test_the_export_holds_the_rows_the_filter_shows(
    client, world, params, api_list, django_assert_max_num_queries
):
    client.force_login(world["clerk"])
    shown = client.get(reverse("elections-list"), params).context["page"]
    with django_assert_max_num_queries(7):  # session, user, roles, filters, the rows
        response = client.get(reverse("elections-list"), {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body = sheet.iter_rows(values_only=True)
    assert header[:4] == ("事项", "文号", "党组织", "状态")
    assert len(body) == len(shown)
    client.force_login(world["west_clerk"])
    west_shown = client.get(reverse("elections-list"), params).context["page"]
    west = client.get(reverse("elections-list"), {**params, "format": "xlsx"})
    _, *west_body = load_workbook(io.BytesIO(west.content)).active.iter_rows(values_only=True)
    assert len(west_body) == len(west_shown)
