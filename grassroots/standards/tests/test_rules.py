from decimal import Decimal

import pytest

from grassroots.standards.rules import (
    as_threshold,
    categories_errors,
    item_errors,
    set_code_errors,
    year_errors,
)


def test_an_item_with_a_metric_needs_comparator_and_threshold():
    assert item_errors("全年不少于32学时", "study_hours_per_member", ">=", 32) == {}
    assert set(item_errors("x", "study_hours_per_member", None, None)) == {
        "comparator",
        "threshold",
    }
    assert set(item_errors("x", "study_hours_per_member", "=>", 32)) == {"comparator"}


def test_an_item_without_a_metric_has_neither():
    assert item_errors("制定责任清单。", None, None, None) == {}
    assert item_errors("制定责任清单。", "", "", "") == {}
    assert set(item_errors("x", None, ">=", None)) == {"comparator"}
    assert set(item_errors("x", None, None, 32)) == {"threshold"}


def test_unknown_metric_and_empty_text():
    errors = item_errors(" ", "study_hours", ">=", 32)
    assert set(errors) == {"text", "metric"}
    assert "study_hours" in errors["metric"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (32, Decimal(32)),
        (31.5, Decimal("31.5")),
        ("90", Decimal(90)),
        (Decimal("0.01"), Decimal("0.01")),
        (0.001, None),  # more than two places
        (True, None),
        ("abc", None),
        (float("nan"), None),
        (10**12, None),  # more digits than the model holds
        ([32], None),
    ],
)
def test_as_threshold(value, expected):
    assert as_threshold(value) == expected


def test_threshold_not_a_number_is_named():
    assert "数字" in item_errors("x", "study_hours_per_member", ">=", "三十二")["threshold"]


@pytest.mark.parametrize("code", ["s000-village", "jb2025", "a-1-b"])
def test_good_codes(code):
    assert set_code_errors(code) == {}


@pytest.mark.parametrize("code", ["S000", "s000_village", "-a", "a-", "a--b", "", None, "村"])
def test_bad_codes(code):
    assert "code" in set_code_errors(code)


def test_categories_are_design_codes():
    assert categories_errors(["village", "community"]) == {}
    assert "categories" in categories_errors([])
    assert "categories" in categories_errors("village")
    assert "rural" in categories_errors(["rural"])["categories"]
    assert "categories" in categories_errors(["village", "village"])


def test_year():
    assert year_errors(2020) == {}
    for bad in (1948, 2101, "2020", True, None):
        assert "year" in year_errors(bad)
