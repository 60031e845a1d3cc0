"""The pure cell readers and header matching of the Excel import."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.excel.cells import (
    CellError,
    column_letter,
    read_choice,
    read_date,
    read_flag,
    read_text,
)
from grassroots.core.excel.sheets import Choice, normalise_header

TODAY = datetime.date(2026, 6, 30)
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)


@given(dates)
def test_every_accepted_text_form_reads_back(day):
    forms = [
        day.isoformat(),
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}{day.month:02d}{day.day:02d}",
        f" {day.isoformat()} 00:00:00 ",
    ]
    for text in forms:
        assert read_date(text, TODAY) == day, text
    assert read_date(int(f"{day.year}{day.month:02d}{day.day:02d}"), TODAY) == day
    assert read_date(datetime.datetime.combine(day, datetime.time(0, 0)), TODAY) == day


def test_date_edges():
    assert read_date(datetime.date(1900, 1, 1), TODAY) == datetime.date(1900, 1, 1)
    with pytest.raises(CellError, match="早于1900年"):
        read_date(datetime.date(1899, 12, 31), TODAY)
    assert read_date(TODAY, TODAY) == TODAY
    with pytest.raises(CellError, match="不能晚于今天"):
        read_date(TODAY + datetime.timedelta(days=1), TODAY)
    assert read_date("2024-02-29", TODAY) == datetime.date(2024, 2, 29)
    with pytest.raises(CellError, match="不存在"):
        read_date("2023-02-29", TODAY)
    assert read_date(None, TODAY) is None
    assert read_date("  ", TODAY) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020.7", "缺少日"),
        ("2020年7月", "缺少日"),
        ("2020-07", "缺少日"),
        ("2020-1/5", "格式不正确"),  # separators must agree
        ("20年1月5日", "格式不正确"),
        ("2020-13-01", "不存在"),
        (43835, "格式不正确"),  # a bare serial number is not taken for a date
        (True, "格式不正确"),
        ("２０２０-01-05", "格式不正确"),  # full-width digits
    ],
)
def test_bad_dates(value, message):
    with pytest.raises(CellError, match=message):
        read_date(value, TODAY)


def test_text():
    assert read_text("  张三 ") == "张三"
    assert read_text(None) == "" and read_text("   ") == ""
    assert read_text(13812345678) == "13812345678"
    assert read_text(13812345678.0) == "13812345678"
    assert read_text(3.5) == "3.5"
    assert read_text(10**14 * 9 + 1) == "900000000000001"  # 15 digits: still exact
    with pytest.raises(CellError, match="超过15位"):
        read_text(10**15)  # 16 digits
    with pytest.raises(CellError, match="文本"):
        read_text(datetime.date(2020, 1, 1))
    with pytest.raises(CellError, match="文本"):
        read_text(False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("是", True), ("否", False), ("√", True), ("y", True)]
    + [("FALSE", False), (True, True), (False, False), (1, True), (0, False)],
)
def test_flags(value, expected):
    assert read_flag(value) is expected


def test_bad_flag():
    with pytest.raises(CellError, match="是”或“否"):
        read_flag("也许")


def test_choice_by_label_code_or_alias():
    choice = Choice([("full", "正式党员"), ("probationary", "预备党员")], {"正式": "full"})
    assert choice.read("正式党员", TODAY) == "full"
    assert choice.read("probationary", TODAY) == "probationary"
    assert choice.read("PROBATIONARY", TODAY) == "probationary"
    assert choice.read("正式", TODAY) == "full"
    assert choice.read(" ", TODAY) is None
    with pytest.raises(CellError, match="应为：正式党员、预备党员"):
        choice.read("党员", TODAY)
    assert read_choice("无", {"无": ""}, ["无"]) == ""


@pytest.mark.parametrize(
    ("written", "header"),
    [
        ("姓名", "姓名"),
        (" 姓名* ", "姓名"),
        ("姓名＊", "姓名"),
        ("所在党组织（编号或名称）", "所在党组织"),
        ("所在党组织(编号或名称)*", "所在党组织"),
        ("参加工作\n时间", "参加工作时间"),
        (None, ""),
    ],
)
def test_header_spellings(written, header):
    assert normalise_header(written) == header


@given(st.integers(min_value=0, max_value=16383))
def test_column_letters_are_excel_letters(index):
    letter = column_letter(index)
    number = 0
    for char in letter:
        number = number * 26 + (ord(char) - ord("A") + 1)
    assert number == index + 1
