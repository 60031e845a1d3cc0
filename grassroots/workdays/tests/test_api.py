"""The calendar API's contract: the Nth working day after a date, 400 naming the field,
409 NO_CALENDAR for a year without data, a year's list; fixed query counts."""

import pytest
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.workdays.models import CalendarDay, CalendarYear

URL = "/api/v1/calendar/working-days/"
HOLIDAYS = "/api/v1/calendar/holidays/"


@pytest.fixture
def client(api, city, holidays):
    return api(Role.VIEWER, city["west_branch"])


@pytest.mark.parametrize(
    "start, end",
    [("2026-09-30", "2026-10-13"), ("2026-02-13", "2026-02-27"), ("2025-09-30", "2025-10-14")],
)
def test_the_nth_working_day_after_a_date(client, start, end):
    response = client.get(URL, {"start": start, "days": 5})
    assert response.status_code == 200
    assert response.json() == {"start": start, "days": 5, "end": end}


def test_zero_days_is_the_start(client):
    assert client.get(URL, {"start": "2026-10-01", "days": 0}).json()["end"] == "2026-10-01"


def test_any_authenticated_user_may_ask_and_no_one_else(api, holidays):
    assert api().get(URL, {"start": "2026-09-30", "days": 5}).status_code == 200
    assert APIClient().get(URL, {"start": "2026-09-30", "days": 5}).status_code == 401


@pytest.mark.parametrize(
    "query, field, words",
    [
        ({"start": "2026-13-01", "days": 5}, "start", "起算日期"),
        ({"start": "30/09/2026", "days": 5}, "start", "起算日期"),
        ({"days": 5}, "start", "起算日期"),
        ({"start": "2026-09-30", "days": -1}, "days", "不能为负数"),
        ({"start": "2026-09-30", "days": "1.5"}, "days", "整数"),
        ({"start": "2026-09-30", "days": "五"}, "days", "整数"),
        ({"start": "2026-09-30"}, "days", "工作日天数"),
        ({"start": "2026-09-30", "days": 100000}, "days", "不能超过"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, query, field, words):
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert words in body[field][0]


def test_a_year_without_data_is_a_409_naming_it(client):
    response = client.get(URL, {"start": "2026-12-28", "days": 5})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "NO_CALENDAR" and body["year"] == 2027
    assert "2027年" in body["detail"]


def test_a_year_entered_by_an_administrator_answers(client):
    CalendarYear.objects.create(year=2027, covered=True, source="admin")
    CalendarDay.objects.create(date="2027-01-01", kind="rest", name="元旦")
    response = client.get(URL, {"start": "2026-12-30", "days": 2})
    assert response.json()["end"] == "2027-01-04"


def test_a_withdrawn_entry_no_longer_counts(client):
    assert client.get(URL, {"start": "2026-09-30", "days": 1}).json()["end"] == "2026-10-08"
    CalendarDay.objects.filter(date="2026-10-02").update(withdrawn=True)
    assert client.get(URL, {"start": "2026-09-30", "days": 1}).json()["end"] == "2026-10-02"


def test_a_year_no_longer_marked_complete_is_a_409(client):
    CalendarYear.objects.filter(year=2026).update(covered=False)
    response = client.get(URL, {"start": "2026-09-30", "days": 5})
    assert response.status_code == 409 and response.json()["year"] == 2026


def test_queries_do_not_grow_with_the_days_counted(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert client.get(URL, {"start": "2004-01-02", "days": 5}).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(URL, {"start": "2004-01-02", "days": 2500}).status_code == 200


def test_a_years_holidays_and_adjusted_working_days(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(HOLIDAYS, {"year": 2026})
    body = response.json()
    assert body["year"] == 2026 and body["covered"] is True
    assert {"date": "2026-10-01", "kind": "rest", "name": "国庆节"} in body["days"]
    assert {"date": "2026-10-10", "kind": "work", "name": "国庆节"} in body["days"]
    assert {"date": "2026-10-03", "kind": "rest", "name": "国庆节"} not in body["days"]  # Saturday
    assert [d["date"] for d in body["days"]] == sorted(d["date"] for d in body["days"])


def test_a_year_without_data_lists_nothing_and_says_so(client):
    assert client.get(HOLIDAYS, {"year": 2027}).json() == {
        "year": 2027,
        "covered": False,
        "days": [],
    }


@pytest.mark.parametrize("query", [{}, {"year": "二〇二六"}, {"year": 1800}])
def test_the_list_needs_a_year(client, query):
    response = client.get(HOLIDAYS, query)
    assert response.status_code == 400 and "年份" in response.json()["year"][0]
