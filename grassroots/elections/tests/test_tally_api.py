"""POST /api/v1/elections/tally/ as a counting desk's software uses it:
token authentication, the RULES.md edge cases, and a 400 naming the field for bad input."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from grassroots.elections.api.views.tally import (
    BALLOTS_EXAMPLE,
    TOTALS_EXAMPLE,
    TallyResultSerializer,
)

URL = "/api/v1/elections/tally/"
CONTRACT_KEYS = {
    "valid",
    "problems",
    "quorum_met",
    "surplus_ratio",
    "elected",
    "runoff",
    "unfilled_seats",
}


@pytest.fixture
def desk(make_user):
    """A counting desk's client: any user's token, sent in the Authorization header."""
    client = APIClient()
    _, token = AuthToken.objects.create(make_user())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def payload(seats=1, present=10, expected=10, issued=None, returned=None, **extra):
    issued = present if issued is None else issued
    return {
        "kind": extra.pop("kind", "general"),
        "seats": seats,
        "expected_voters": expected,
        "present_voters": present,
        "ballots_issued": issued,
        "ballots_returned": issued if returned is None else returned,
        **extra,
    }


def votes(*counts):
    return [
        {"name": name, "votes": v} for name, v in zip("甲乙丙丁戊己庚辛壬癸", counts, strict=False)
    ]


def post(client, body):
    return client.post(URL, body, format="json")


def test_needs_a_token(desk):
    anonymous = post(APIClient(), TOTALS_EXAMPLE)
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "身份认证信息未提供。"}
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert post(wrong, TOTALS_EXAMPLE).status_code == 401
    assert post(desk, TOTALS_EXAMPLE).status_code == 200


def test_answer_is_the_contract(desk):
    response = post(desk, TOTALS_EXAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= CONTRACT_KEYS
    # The documented answer is exactly what is sent.
    assert set(body) == set(TallyResultSerializer().fields)
    assert body == {
        "valid": True,
        "problems": [],
        "quorum_met": True,
        "surplus_ratio": 0.2,
        "elected": ["王建国", "李红", "张伟", "刘洋", "陈静"],
        "runoff": [],
        "runoff_seats": 0,
        "unfilled_seats": 0,
        "votes": TOTALS_EXAMPLE["candidates"],
        "invalid_ballots": 1,
    }


@pytest.mark.parametrize(("present", "quorum"), [(8, False), (9, True)])
def test_eight_of_ten_present_is_not_a_quorum_nine_is(desk, present, quorum):
    body = post(desk, payload(present=present, candidates=votes(present, 0))).json()
    assert body["quorum_met"] is quorum
    assert body["valid"] is quorum
    assert body["problems"] == ([] if quorum else ["QUORUM_NOT_MET"])
    assert body["elected"] == (["甲"] if quorum else [])
    assert body["unfilled_seats"] == (0 if quorum else 1)


@pytest.mark.parametrize(("yes", "elected"), [(5, []), (6, ["甲"])])
def test_exactly_half_the_votes_fails_one_more_passes(desk, yes, elected):
    body = post(desk, payload(candidates=votes(yes, 10 - yes))).json()
    assert body["valid"]
    assert body["elected"] == elected
    assert body["unfilled_seats"] == 1 - len(elected)


def test_tie_at_the_last_seat_goes_to_a_runoff(desk):
    body = post(desk, payload(seats=3, candidates=votes(6, 8, 9, 6, 0))).json()
    assert body["valid"]
    assert body["elected"] == ["丙", "乙"]
    assert body["runoff"] == ["甲", "丁"]
    assert (body["runoff_seats"], body["unfilled_seats"]) == (1, 0)


def test_more_ballots_back_than_issued_voids_the_election(desk):
    body = post(desk, payload(present=10, issued=9, returned=10, candidates=votes(9, 1))).json()
    assert body["valid"] is False
    assert body["problems"] == ["BALLOTS_EXCEED_ISSUED"]
    assert (body["elected"], body["unfilled_seats"]) == ([], 1)


@pytest.mark.parametrize(
    ("kind", "seats", "candidates", "problems", "ratio"),
    [
        ("general", 7, 8, ["SURPLUS_TOO_LOW"], 0.1429),
        ("general", 7, 9, [], 0.2857),
        ("general", 5, 6, [], 0.2),
        ("founding", 7, 8, ["SURPLUS_TOO_LOW"], 0.1429),
        ("by_election", 2, 3, ["NOT_ONE_PER_SEAT"], 0.5),
        ("by_election", 2, 2, [], 0.0),
    ],
)
def test_candidates_against_seats(desk, kind, seats, candidates, problems, ratio):
    body = post(desk, payload(kind=kind, seats=seats, candidates=votes(*[0] * candidates))).json()
    assert body["problems"] == problems
    assert body["valid"] is not problems
    assert body["surplus_ratio"] == ratio


def test_votes_beyond_the_ballots(desk):
    body = post(desk, payload(invalid_ballots=3, candidates=votes(8, 0))).json()
    assert body["problems"] == ["VOTES_EXCEED_BALLOTS"]
    assert body["valid"] is False


def test_fewer_passing_than_seats_leave_seats_unfilled(desk):
    body = post(desk, payload(seats=3, candidates=votes(9, 7, 5, 4))).json()
    assert body["valid"]
    assert (body["elected"], body["runoff"], body["unfilled_seats"]) == (["甲", "乙"], [], 1)


# --- ballot by ballot --------------------------------------------------------------------------


def test_ballot_by_ballot(desk):
    response = post(desk, BALLOTS_EXAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"]
    assert body["elected"] == ["李红"]
    assert body["votes"] == [{"name": "李红", "votes": 7}]


def test_a_ballot_marking_more_names_than_seats_is_invalid(desk):
    ballots = [["甲", "乙"]] * 5 + [["甲", "乙", "丙"]] * 4 + [["丙"]]
    body = post(
        desk,
        payload(seats=2, candidates=[{"name": "甲"}, "乙", "丙"], ballots=ballots),
    ).json()
    assert body["invalid_ballots"] == 4
    assert body["votes"] == [
        {"name": "甲", "votes": 5},
        {"name": "乙", "votes": 5},
        {"name": "丙", "votes": 1},
    ]
    # 5 of 10 present is exactly half: nobody passes.
    assert (body["valid"], body["elected"], body["unfilled_seats"]) == (True, [], 2)


def test_spoiled_ballots_not_entered_count_as_invalid(desk):
    ballots = [["甲"]] * 8
    body = post(desk, payload(candidates=["甲", "乙"], ballots=ballots, invalid_ballots=2)).json()
    assert (body["invalid_ballots"], body["elected"]) == (2, ["甲"])


# --- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"seats": -1}, "seats", "应选名额不能为负数"),
        ({"seats": 0}, "seats", "应选名额至少为1名"),
        ({"present_voters": -2, "ballots_issued": 0, "ballots_returned": 0}, "present_voters",
         "实到会有选举权人数不能为负数"),
        ({"ballots_returned": -1}, "ballots_returned", "收回选票数不能为负数"),
        ({"present_voters": 11, "ballots_issued": 11, "ballots_returned": 11}, "present_voters",
         "实到会有选举权人数（11人）不能多于应到会人数（10人）"),
        ({"ballots_issued": 11, "ballots_returned": 11}, "ballots_issued",
         "发出选票数（11张）不能多于实到会有选举权人数（10人）"),
        ({"invalid_ballots": 11}, "invalid_ballots", "无效票数（11张）不能多于收回选票数（10张）"),
        ({"invalid_ballots": -1}, "invalid_ballots", "无效票数不能为负数"),
        ({"candidates": votes(3, 2) + [{"name": "甲", "votes": 1}]}, "candidates",
         "候选人姓名重复：甲"),
        ({"candidates": votes(3, -2)}, "candidates", "得票数不能为负数：乙"),
        ({"candidates": []}, "candidates", "请至少填写一位候选人"),
        ({"candidates": [{"name": "甲"}, {"name": "乙", "votes": 1}]}, "candidates",
         "请填写得票数或逐张录入选票（ballots）：甲"),
        ({"kind": "recall"}, "kind", "“recall” 不是合法选项。"),
        ({"seats": "三"}, "seats", "请填写合法的整数值。"),
        ({"ballots": [["甲"]] * 10}, "candidates", "逐张录入选票时，候选人不填写得票数"),
    ],
)  # fmt: skip
def test_malformed_input_is_a_400_naming_the_field(desk, change, field, message):
    body = {**payload(candidates=votes(3, 2)), **change}
    response = post(desk, body)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize(
    "field",
    [
        "kind",
        "seats",
        "expected_voters",
        "present_voters",
        "ballots_issued",
        "ballots_returned",
        "candidates",
    ],
)
def test_missing_fields(desk, field):
    body = payload(candidates=votes(3, 2))
    del body[field]
    response = post(desk, body)
    assert response.status_code == 400
    assert response.json() == {field: ["该字段是必填项。"]}


def test_invalid_ballots_default_to_zero(desk):
    body = payload(candidates=votes(6, 4))
    assert "invalid_ballots" not in body
    assert post(desk, body).json()["invalid_ballots"] == 0


@pytest.mark.parametrize(
    ("ballots", "invalid", "message"),
    [
        ([["甲"]] * 9 + [["戊"]], 0, "第10张选票上的“戊”不在候选人名单中"),
        ([["甲", "甲"]] + [["乙"]] * 9, 0, "第1张选票重复填写了同一候选人"),
        ([["甲"]] * 9, 0, "录入选票9张、无效票0张，合计应等于收回选票数（10张）"),
        ([["甲"]] * 9, 2, "录入选票9张、无效票2张，合计应等于收回选票数（10张）"),
    ],
)
def test_ballots_that_cannot_be_counted(desk, ballots, invalid, message):
    body = payload(candidates=["甲", "乙"], ballots=ballots, invalid_ballots=invalid)
    response = post(desk, body)
    assert response.status_code == 400
    assert response.json() == {"ballots": [message]}


def test_documented_in_the_schema(desk):
    schema = desk.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["post"]
    request = operation["requestBody"]["content"]["application/json"]
    assert {"按候选人汇总得票", "逐张录入选票"} <= set(request["examples"])
    body = schema["components"]["schemas"]["TallyRequest"]
    assert {"ballots", "candidates", "invalid_ballots"} <= set(body["properties"])
    assert "invalid_ballots" not in body["required"]
    assert "ballots" not in body["required"]
    answer = schema["components"]["schemas"]["TallyResult"]
    assert set(answer["properties"]) >= CONTRACT_KEYS
    problem_enum = answer["properties"]["problems"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][problem_enum]["enum"]) == {
        "QUORUM_NOT_MET",
        "BALLOTS_EXCEED_ISSUED",
        "SURPLUS_TOO_LOW",
        "NOT_ONE_PER_SEAT",
        "VOTES_EXCEED_BALLOTS",
    }
