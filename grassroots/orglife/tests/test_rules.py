"""The pure rules of organisational-life records, at and around each bound."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.validators import text_error
from grassroots.orglife import rules
from grassroots.orglife.choices import FactKind, MeetingType

TODAY = datetime.date(2026, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 20
PDF = b"%PDF-1.7\n" + b"\0" * 20
RENAMED = "文件内容不是 {} 格式（可能只是改了扩展名），请重新导出后上传"


# --- hours -------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0", "0.5", "1", "23.9", "24", 0, 24, Decimal("1.0")])
def test_hours_from_0_to_24_in_tenths_are_accepted(hours):
    assert rules.hours_error(hours) is None


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-0.1", "学时不能为负数"),
        ("24.1", "一次会议计入的学时不能超过24小时"),
        ("25", "一次会议计入的学时不能超过24小时"),
        ("1.25", "学时最多保留一位小数，如 1.5"),
        ("两小时", "学时应为数字，如 2 或 1.5"),
        ("NaN", "学时应为数字，如 2 或 1.5"),
        ("Infinity", "学时应为数字，如 2 或 1.5"),
    ],
)
def test_hours_outside_the_bounds_are_refused(hours, message):
    assert rules.hours_error(hours) == message


@given(st.decimals(min_value=0, max_value=24, places=1))
def test_any_tenth_of_an_hour_up_to_24_is_accepted(hours):
    assert rules.hours_error(hours) is None


@given(st.decimals(min_value=Decimal("24.1"), max_value=10**6, places=1))
def test_no_meeting_credits_more_than_a_day(hours):
    assert rules.hours_error(hours) is not None


# --- meeting fields ----------------------------------------------------------------------------


def test_a_meeting_in_the_past_with_valid_fields_has_no_errors():
    errors = rules.meeting_field_errors(MeetingType.STUDY, TODAY, Decimal(2), TODAY)
    assert errors == {}


def test_a_meeting_tomorrow_is_refused_today_is_not():
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert "date" in rules.meeting_field_errors(MeetingType.STUDY, tomorrow, 1, TODAY)
    assert "date" not in rules.meeting_field_errors(MeetingType.STUDY, TODAY, 1, TODAY)


def test_a_meeting_before_the_organisation_existed_is_refused():
    founded = datetime.date(2026, 1, 10)
    before = rules.meeting_field_errors(
        MeetingType.STUDY, founded - datetime.timedelta(days=1), 1, TODAY, founded
    )
    assert before["date"] == ["会议日期不能早于本组织成立日期（2026-01-10）"]
    assert rules.meeting_field_errors(MeetingType.STUDY, founded, 1, TODAY, founded) == {}


def test_a_party_lecture_needs_a_lecturer_other_meetings_do_not():
    lecture = rules.meeting_field_errors(MeetingType.PARTY_LECTURE, TODAY, 2, TODAY)
    assert list(lecture) == ["lecturer"]
    given_one = rules.meeting_field_errors(
        MeetingType.PARTY_LECTURE, TODAY, 2, TODAY, lecturer_given=True
    )
    assert given_one == {}


def test_an_unknown_type_and_a_missing_date_are_named():
    errors = rules.meeting_field_errors("party", None, 1, TODAY)
    assert set(errors) == {"type", "date"}


# --- attendance --------------------------------------------------------------------------------


def test_an_absent_member_needs_a_reason():
    assert rules.attendance_errors([1, 2], {3: "外出务工"}) == {}
    assert rules.attendance_errors([1, 2], {3: "  "}) == {
        "absentees": ["请填写每位缺席党员的缺席原因"]
    }
    assert rules.attendance_errors([1], {3: ""}) != {}


def test_nobody_is_both_present_and_absent():
    errors = rules.attendance_errors([1, 2], {2: "生病"})
    assert errors == {"absentees": ["编号为 2 的党员既登记为出席又登记为缺席"]}


@given(st.sets(st.integers(1, 50)), st.dictionaries(st.integers(51, 99), st.text(min_size=1)))
def test_present_and_absent_with_reasons_are_accepted(present, absent):
    errors = rules.attendance_errors(present, absent)
    if all(reason.strip() and text_error(reason, "") is None for reason in absent.values()):
        assert errors == {}
    else:
        assert list(errors) == ["absentees"]


# --- attachments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head"),
    [("签到表.jpg", JPEG), ("合影.JPEG", JPEG), ("现场.png", PNG), ("会议记录.pdf", PDF)],
)
def test_photos_and_pdfs_whose_content_matches_are_accepted(name, head):
    assert rules.ATTACHMENTS.error(name, 1000, head) is None


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("病毒.exe", b"MZ", "只能上传 JPG、PNG 图片或 PDF 文件"),
        ("记录.docx", b"PK\x03\x04", "只能上传 JPG、PNG 图片或 PDF 文件"),
        ("没有扩展名", PNG, "只能上传 JPG、PNG 图片或 PDF 文件"),
        ("改名的.png", b"MZ\x90\x00", RENAMED.format("PNG")),
        ("其实是图片.pdf", PNG, RENAMED.format("PDF")),
        ("照片.jpg", PNG, RENAMED.format("JPG")),
    ],
)
def test_other_types_and_renamed_files_are_refused(name, head, message):
    assert rules.ATTACHMENTS.error(name, 1000, head) == message


def test_ten_megabytes_is_the_limit():
    limit = 10 * 1024 * 1024
    assert rules.ATTACHMENTS.error("a.png", limit, PNG) is None
    assert rules.ATTACHMENTS.error("a.png", limit + 1, PNG) == "文件超过10MB，请压缩后再上传"
    assert rules.ATTACHMENTS.error("a.png", 0, b"") == "文件是空的"


# --- yearly facts and reports ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "field"),
    [
        (FactKind.SATISFACTION_RATE, Decimal("100"), None),
        (FactKind.SATISFACTION_RATE, Decimal("100.01"), "value"),
        (FactKind.COLLECTIVE_INCOME, Decimal("200000.50"), None),
        (FactKind.COLLECTIVE_INCOME, Decimal("-1"), "value"),
        (FactKind.RESERVE_CADRES, Decimal("3"), None),
        (FactKind.RESERVE_CADRES, Decimal("2.5"), "value"),
        (FactKind.VENUE_AREA, Decimal("120.5"), None),
        ("dues", Decimal("1"), "code"),
        (FactKind.CULTURAL_ACTIVITIES, None, "value"),
    ],
)
def test_yearly_fact_values(code, value, field):
    errors = rules.fact_value_errors(code, value)
    assert list(errors) == ([field] if field else [])


def test_a_report_is_given_in_its_year_or_the_next_and_not_in_the_future():
    assert rules.report_errors(2025, datetime.date(2026, 1, 15), TODAY) == {}
    assert rules.report_errors(2026, datetime.date(2026, 6, 30), TODAY) == {}
    assert "submitted_on" in rules.report_errors(2024, datetime.date(2026, 1, 15), TODAY)
    assert "submitted_on" in rules.report_errors(2026, datetime.date(2026, 7, 1), TODAY)
    assert "year" in rules.report_errors(2027, datetime.date(2026, 6, 1), TODAY)
    assert "year" in rules.report_errors(1999, datetime.date(2000, 1, 5), TODAY)
