"""The assessment and rectification pages filter through their lists' FilterSets: for the
same query string the page and the API list the same rows (the page's own choices — 待我审核,
未完成 by default, 已逾期, 全部 — beside their API spellings), and another subtree's user
gets none of them."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.assessments.models import AssessmentState, TaskStatus

from .helpers import YEAR, many_assessments, submitted


@pytest.fixture
def world(people, make_org, standard_set):
    many_assessments(people, make_org, standard_set, 2)
    submitted(people, standard_set)
    return people


def rows(client, user, url_name, params, api_path, api_params=None):
    client.force_login(user)
    page = client.get(reverse(url_name), params)
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get(api_path, params if api_params is None else api_params)
    assert page.status_code == listed.status_code == 200
    return sorted(r.pk for r in page.context["page"]), sorted(
        r["id"] for r in listed.json()["results"]
    )


ASSESSMENT_FILTERS = [
    {},
    {"year": YEAR},
    {"year": YEAR - 1},
    {"state": AssessmentState.SUBMITTED},
    {"state": AssessmentState.REVIEWED},
    {"grade": "excellent"},
]


@pytest.mark.parametrize("params", ASSESSMENT_FILTERS, ids=str)
def test_assessment_page_and_api_list_the_same_rows(client, world, params):
    page, api = rows(client, world["clerk"], "assessment-list", params, "/api/v1/assessments/")
    assert page == api
    west, _ = rows(client, world["west_clerk"], "assessment-list", params, "/api/v1/assessments/")
    assert not west


def test_awaiting_my_review_is_the_pages_own_state(client, world):
    client.force_login(world["reviewer"])
    listed = client.get(reverse("assessment-list"), {"state": "mine"}).context["page"]
    assert [a.org for a in listed] == [world["branch"]]


TASK_FILTERS = [
    # (page, API)
    ({"status": "all"}, {}),
    ({"status": TaskStatus.OPEN}, {"status": TaskStatus.OPEN}),
    ({"status": TaskStatus.DONE}, {"status": TaskStatus.DONE}),
    ({"status": "overdue"}, {"overdue": "true"}),
    ({"status": "all", "year": YEAR}, {"year": YEAR}),
    ({"status": "all", "ancestor": "branch"}, {"ancestor": "branch"}),
    ({"status": "all", "ancestor": "east"}, {"ancestor": "east"}),
]


@pytest.mark.parametrize("params,api_params", TASK_FILTERS, ids=str)
def test_task_page_and_api_list_the_same_rows(client, world, params, api_params):
    ids = {k: world[v].pk if k == "ancestor" else v for k, v in params.items()}
    api_ids = {k: world[v].pk if k == "ancestor" else v for k, v in api_params.items()}
    args = ("rectification-list", ids, "/api/v1/rectification-tasks/", api_ids)
    page, api = rows(client, world["clerk"], *args)
    assert page == api
    if params["status"] == "all" and params.get("ancestor") != "branch":
        assert page  # the batch branches' reviews left tasks
    if "ancestor" in params:
        # Another subtree's organisation: not found on the page, nothing in the API.
        client.force_login(world["west_clerk"])
        assert client.get(reverse("rectification-list"), ids).status_code == 404
        api = APIClient()
        api.force_authenticate(world["west_clerk"])
        assert api.get(args[2], api_ids).json()["results"] == []
    else:
        west, _ = rows(client, world["west_clerk"], *args)
        assert not west


def test_tasks_not_done_by_default(client, world):
    client.force_login(world["clerk"])
    listed = client.get(reverse("rectification-list")).context["page"]
    assert listed and all(t.status != TaskStatus.DONE for t in listed)


def test_bad_ancestor_is_400_in_the_api(world):
    api = APIClient()
    api.force_authenticate(world["clerk"])
    response = api.get("/api/v1/rectification-tasks/", {"ancestor": "1" * 30})
    assert response.status_code == 400 and "ancestor" in response.json()
