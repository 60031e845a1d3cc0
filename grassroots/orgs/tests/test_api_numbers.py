"""Ids are whole numbers within the database's range, in bodies and in list filters alike:
anything else is a 400 in Chinese naming the field, never a 500 or a silently rounded id."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.api.numbers import ID_MAX, ID_OUT_OF_RANGE, NOT_AN_ID, parse_id
from grassroots.core.choices import Role
from grassroots.orgs.models import HostUnit

HUGE = "9" * 30


@given(st.integers(min_value=1, max_value=ID_MAX))
def test_parse_id_reads_every_id_as_number_or_text(number):
    assert parse_id(number) == parse_id(str(number)) == number


@pytest.mark.parametrize(
    "value", [0, -1, "0", "-5", 337.5, "337.5", "337.0", " 337", True, False, "", None, "٣"]
)
def test_parse_id_refuses_what_is_not_a_whole_positive_number(value):
    assert parse_id(value) is None


@pytest.mark.parametrize("value", [ID_MAX + 1, str(ID_MAX + 1), int(HUGE)])
def test_parse_id_refuses_numbers_past_the_bigint_bound(value):
    with pytest.raises(OverflowError):
        parse_id(value)


@pytest.fixture
def clerk(api, city):
    return api(Role.CLERK, city["east"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"organizations": HUGE}, ID_OUT_OF_RANGE),  # was OverflowError → 500
        ({"organizations": ["1", HUGE]}, ID_OUT_OF_RANGE),
        ({"organizations": "337.5"}, NOT_AN_ID),
        ({"organizations": str(ID_MAX + 1)}, ID_OUT_OF_RANGE),
    ],
)
def test_model_choice_filters_refuse_ids_out_of_range(clerk, query, message):
    response = clerk.get("/api/v1/host-units/", query)
    assert response.status_code == 400
    assert response.json() == {"organizations": [message]}


def test_model_choice_filter_still_finds_by_a_real_id(clerk, city):
    response = clerk.get("/api/v1/members/", {"org": city["east_branch"].pk})
    assert response.status_code == 200
    assert clerk.get("/api/v1/members/", {"org": HUGE}).json() == {"org": [ID_OUT_OF_RANGE]}
    assert clerk.get("/api/v1/members/", {"org": "1.5"}).json() == {"org": [NOT_AN_ID]}


def test_number_filters_on_ids_take_whole_numbers_within_range(clerk, city):
    ok = clerk.get("/api/v1/elections/", {"org": city["east_branch"].pk})
    assert ok.status_code == 200
    for value in (HUGE, "337.5"):
        response = clerk.get("/api/v1/elections/", {"org": value})
        assert response.status_code == 400, value
        assert list(response.json()) == ["org"]


def test_number_filters_on_columns_keep_the_columns_range(clerk):
    response = clerk.get("/api/v1/assessments/", {"year": HUGE})
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.parametrize("org", [337.5, "337.5", True, HUGE, int(HUGE), -3, [1], {"id": 1}])
def test_a_related_id_in_a_body_must_be_a_whole_number(clerk, city, org):
    if org == 337.5:
        org = city["east_branch"].pk + 0.5  # would have been read as the branch itself
    response = clerk.post("/api/v1/host-units/", {"name": "某公司", "org": org}, format="json")
    assert response.status_code == 400
    assert response.json()["org"][0] in (NOT_AN_ID, ID_OUT_OF_RANGE)
    assert not HostUnit.objects.exists()


def test_a_related_id_as_a_number_or_its_digits_is_taken(clerk, city, make_org):
    for org in (city["east_branch"].pk, str(make_org(parent=city["east"]).pk)):
        response = clerk.post("/api/v1/host-units/", {"name": "某公司", "org": org}, format="json")
        assert response.status_code == 201, response.json()


def test_an_id_out_of_another_subtree_reads_as_missing(clerk, city):
    west = city["west_branch"].pk
    response = clerk.post("/api/v1/host-units/", {"name": "某公司", "org": west}, format="json")
    assert response.status_code == 400
    assert str(west) in response.json()["org"][0]


def test_unknown_api_addresses_answer_json_404(clerk):
    for path in ("/api/v1/orgs/abc/", "/api/v1/nothing-here/", "/api/v1/orgs/1/x\n/"):
        response = clerk.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail"}
    assert clerk.get("/api/v1/nothing/").json() == {"detail": "没有这个接口或对象"}
