"""Pure readers for spreadsheet cells: each turns what openpyxl gives for one cell (str, int,
float, bool, datetime or None) into a Python value, or raises `CellError` with a Chinese
message. They know nothing about models or the database."""

import datetime
import re

from openpyxl.utils import get_column_letter

EARLIEST_DATE = datetime.date(1900, 1, 1)
# A float holds 15 significant digits: a longer number typed into a cell of number format
# (an ID number, typically) has already lost its last digits.
MAX_EXACT_DIGITS = 15

_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
# Year and month only ("2001.07", "2001年7月"): common in rosters, but the record needs a day.
_MONTH_ONLY = re.compile(r"[0-9]{4}\s*(?:[-./]\s*[0-9]{1,2}|年\s*[0-9]{1,2}\s*月)")
# Excel exports of dates sometimes carry a midnight time.
_MIDNIGHT = re.compile(r"\s+0{1,2}:00(?::00)?$")

DATE_FORMATS = "2020-01-05、2020/1/5、2020.1.5、2020年1月5日、20200105 或 Excel 日期"
TRUE_WORDS = frozenset({"是", "√", "✓", "Y", "YES", "TRUE", "1"})
FALSE_WORDS = frozenset({"否", "×", "N", "NO", "FALSE", "0"})


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and shown to the user."""


def column_letter(index: int) -> str:
    """Excel's letter of the 0-based column `index` (0 → A, 26 → AA)."""
    return get_column_letter(index + 1)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value) -> str:
    """Text of a cell; whole numbers lose their ".0", and numbers too long to be exact are
    refused rather than silently changed."""
    if is_blank(value):
        return ""
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError("应填写文本，请把单元格设置为“文本”格式后重新填写")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        number = int(value)
        if len(str(abs(number))) > MAX_EXACT_DIGITS:
            raise CellError(
                "超过15位的数字在“数值”格式下会丢失末尾几位，请把单元格设置为“文本”格式后重新填写"
            )
        return str(number)
    return str(value).strip()


def read_date(value, today: datetime.date) -> datetime.date | None:
    """A date from an Excel date cell, an 8-digit number (20200105) or the text forms in
    DATE_FORMATS; None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(f"日期格式不正确，请填写如 {DATE_FORMATS}")
    else:
        day = _date_from_text(read_text(value))
    if day < EARLIEST_DATE:
        raise CellError("日期早于1900年1月1日，请检查")
    if day > today:
        raise CellError("日期不能晚于今天")
    return day


def _date_from_text(text: str) -> datetime.date:
    text = _MIDNIGHT.sub("", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise CellError(f"日期“{text}”不存在") from None
    if _MONTH_ONLY.fullmatch(text):
        raise CellError(f"“{text}”缺少日，请填写完整的年月日，如 2020-01-05")
    raise CellError(f"日期格式不正确，请填写如 {DATE_FORMATS}")


def whole_number(value) -> int | None:
    """`value` as an int when it is a whole number (12, 12.0, " 12 "), else None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def read_flag(value) -> bool:
    """是/否 (also √, Y/N, TRUE/FALSE, 1/0, or an Excel boolean); blank is 否."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    word = read_text(value).upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("请填写“是”或“否”")


def read_choice(value, lookup: dict[str, str], labels: list[str]) -> str | None:
    """The code for a label, code or alias in `lookup` (keys upper-cased); None if blank."""
    if is_blank(value):
        return None
    text = read_text(value)
    code = lookup.get(text.upper())
    if code is None:
        raise CellError(f"“{text}”不是可选值，应为：{'、'.join(labels)}")
    return code
