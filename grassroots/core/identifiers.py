"""Pure checks and masking for citizen IDs (GB 11643), unified social credit codes
(GB 32100) and phone numbers. Each check returns a Chinese error message or None."""

import datetime
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# ASCII only: `\d` would also accept full-width and other Unicode digits, which int() reads.
CITIZEN_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")


def citizen_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def citizen_id_birth_date(id_number: str) -> datetime.date | None:
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def citizen_id_error(id_number: str) -> str | None:
    value = id_number.upper()
    if not CITIZEN_ID_RE.fullmatch(value):
        return "公民身份号码应为18位，前17位为数字，最后一位为数字或X"
    if citizen_id_birth_date(value) is None:
        return "公民身份号码中的出生日期不存在"
    if citizen_id_check_char(value[:17]) != value[17]:
        return "公民身份号码校验码错误"
    return None


def citizen_id_birth_mismatch(id_number: str, birth_date: datetime.date) -> str | None:
    if citizen_id_birth_date(id_number.upper()) != birth_date:
        return "出生日期与公民身份号码不一致"
    return None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    value = code.upper()
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        return "统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成"
    if uscc_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验码错误"
    return None


def phone_error(phone: str) -> str | None:
    if MOBILE_RE.fullmatch(phone) or LANDLINE_RE.fullmatch(phone):
        return None
    return "联系电话应为11位手机号码或带区号的固定电话（如 0971-1234567）"


def mask_id_number(id_number: str) -> str:
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def build_citizen_id(region: str, birth_date: datetime.date, sequence: int) -> str:
    """A well-formed ID number (for demo data and tests): 6-digit region code, birth date,
    3-digit sequence (odd for men, even for women) and the check character."""
    if not re.fullmatch(r"[0-9]{6}", region):
        raise ValueError(f"region code must be 6 digits: {region!r}")
    # Not strftime: "%Y" does not zero-pad years before 1000.
    birth = f"{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
    first17 = f"{region}{birth}{sequence % 1000:03d}"
    return first17 + citizen_id_check_char(first17)


def build_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)
