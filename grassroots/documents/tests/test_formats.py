"""Pure text helpers of the documents: document numbers, dates, percentages, numerals, names."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.documents.formats import (
    BLANK,
    chinese_numeral,
    committee_name,
    committee_word,
    date_or_blank,
    document_number,
    exceeds_four_fifths,
    normalize_document_number,
    percent,
    society_word,
    surplus,
    unit_of,
)

CODES = st.text(alphabet="科协青化学党委发", min_size=1, max_size=5)


def test_document_number_has_full_year_in_hexagonal_brackets_and_no_leading_zeros():
    assert document_number("科协", 2026, 7) == "科协〔2026〕7号"
    assert document_number("青化学", 2026, 12) == "青化学〔2026〕12号"
    assert document_number("科协", 2026, None) == "科协〔2026〕\u3000号"


@pytest.mark.parametrize(
    ("code", "year", "number"),
    [("", 2026, 1), ("科协〔", 2026, 1), ("科协", 26, 1), ("科协", 2026, 0)],
)
def test_document_number_refuses_what_is_no_number(code, year, number):
    with pytest.raises(ValueError):
        document_number(code, year, number)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("科协〔2026〕7号", "科协〔2026〕7号"),
        ("科协[2026]7号", "科协〔2026〕7号"),
        ("科协（2026）第07号", "科协〔2026〕7号"),
        (" 科协 【2026】 第 7 号 ", "科协〔2026〕7号"),
        ("财党(2026)3号", "财党〔2026〕3号"),
        ("", ""),
        ("  待编号 ", "待编号"),  # no number: kept as typed
        ("科协〔26〕7号", "科协〔26〕7号"),  # a two-digit year is no GB/T 9704 number
    ],
)
def test_normalize_document_number(typed, expected):
    assert normalize_document_number(typed) == expected


@given(CODES, st.integers(1000, 9999), st.integers(1, 9999), st.sampled_from(["[]", "()", "〔〕"]))
def test_normalize_reads_back_any_bracketing_and_zero_padding(code, year, number, brackets):
    typed = f"{code}{brackets[0]}{year}{brackets[1]}第{number:04d}号"
    assert normalize_document_number(typed) == document_number(code, year, number)
    # Normalizing is idempotent.
    once = normalize_document_number(typed)
    assert normalize_document_number(once) == once


def test_dates_without_leading_zeros_or_blanks_to_fill():
    assert date_or_blank(datetime.date(2026, 8, 1)) == "2026年8月1日"
    assert date_or_blank(datetime.date(2026, 12, 31)) == "2026年12月31日"
    assert date_or_blank(None) == f"{BLANK}年{BLANK}月{BLANK}日"


def test_percent_rounds_half_up_to_two_places_without_trailing_zeros():
    assert percent(9, 10) == "90%"
    assert percent(25, 28) == "89.29%"
    assert percent(2, 7) == "28.57%"
    assert percent(1, 8) == "12.5%"
    assert percent(1, 200) == "0.5%"
    assert percent(1, 3) == "33.33%"
    assert percent(2, 3) == "66.67%"
    with pytest.raises(ValueError):
        percent(1, 0)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percent_is_the_ratio_within_half_a_hundredth(part, whole):
    shown = float(percent(part, whole).removesuffix("%"))
    assert abs(shown - 100 * part / whole) <= 0.005 + 1e-9


def test_surplus_of_a_general_election():
    assert surplus(7, 9) == (2, "28.57%")
    assert surplus(5, 6) == (1, "20%")
    assert surplus(5, 5) == (0, "0%")
    with pytest.raises(ValueError):
        surplus(7, 6)


def test_quorum_is_strictly_above_four_fifths():
    assert not exceeds_four_fifths(8, 10)
    assert exceeds_four_fifths(9, 10)
    assert exceeds_four_fifths(25, 28)
    assert not exceeds_four_fifths(0, 0)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (21, "二十一"),
        (105, "一百零五"),
    ],
)
def test_chinese_numeral(n, text):
    assert chinese_numeral(n) == text


def test_committee_words_and_names():
    assert committee_word("党支部") == "党支部委员会"
    assert committee_word("党总支") == "党总支委员会"
    assert committee_word("党委") == "党委"  # a 党委 is itself the committee
    assert committee_name("青海省化学化工学会党支部") == "青海省化学化工学会党支部委员会"
    assert committee_name("东区机关党委") == "东区机关党委"
    assert committee_name("中共某某委员会") == "中共某某委员会"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("青海省化学化工学会党支部", "青海省化学化工学会"),
        ("中共青海省地理学会党总支", "青海省地理学会"),
        ("某某研究会联合党支部", "某某研究会"),
        ("某公司党委", "某公司"),
        ("党支部", "党支部"),  # nothing left: kept
        ("某某学会", "某某学会"),
    ],
)
def test_unit_of_a_party_organisation(name, unit):
    assert unit_of(name) == unit


def test_society_word():
    assert society_word("青海省化学化工学会") == "学会"
    assert society_word("青海省软件行业协会") == "协会"
    assert society_word("青海省昆仑文化研究会") == "研究会"
    assert society_word("某公司") == "学会"
