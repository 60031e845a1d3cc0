"""Pure text helpers for official documents (GB/T 9704 and seed 004's templates)."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from grassroots.core.formats import chinese_date

DIGITS = "零一二三四五六七八九"
SOCIETY_WORDS = ("研究会", "协会", "学会")  # longest first: 研究会 ends like no other
# A blank the signatories fill in by hand (what the system cannot know), one or two
# characters wide as on a printed form.
BLANK = "\u3000\u3000"
# 代字〔年份〕序号号 as typed: any bracket pair, 第, leading zeros and spaces tolerated.
DOCUMENT_NUMBER = re.compile(
    r"^\s*(?P<code>[^〔〕\[\]()（）【】\s]+)\s*[〔\[(（【]\s*(?P<year>\d{4})\s*[〕\])）】]"
    r"\s*第?\s*(?P<number>\d+)\s*号\s*$"
)


def document_number(code: str, year: int, number: int | None) -> str:
    """发文字号 `科协〔2026〕7号`: full year in 〔〕, no leading zeros, no 第.
    Without a number yet, the number stays a blank to write in by hand."""
    code = code.strip()
    if not code or any(c in code for c in "〔〕[]()（）"):
        raise ValueError(f"发文机关代字无效：{code!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"年份应为四位数：{year}")
    if number is None:
        return f"{code}〔{year}〕\u3000号"
    if number < 1:
        raise ValueError(f"发文顺序号应为正整数：{number}")
    return f"{code}〔{year}〕{number}号"


def normalize_document_number(text: str) -> str:
    """A document number as typed, in GB/T 9704's form (`科协[2026]第07号` → `科协〔2026〕7号`);
    text that is no document number is returned stripped, as typed."""
    match = DOCUMENT_NUMBER.match(text or "")
    if match is None:
        return (text or "").strip()
    return document_number(match["code"], int(match["year"]), int(match["number"]))


def date_or_blank(day: datetime.date | None) -> str:
    """`2026年8月1日`, or the blanks of an undated form (two ideographic spaces each)."""
    return chinese_date(day) if day else f"{BLANK}年{BLANK}月{BLANK}日"


def number_or_blank(value: int | None) -> str:
    return BLANK if value is None else str(value)


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage rounded half up to two decimals, without trailing
    zeros: 9 of 10 → "90%", 25 of 28 → "89.29%"."""
    if whole <= 0 or part < 0:
        raise ValueError(f"无法计算百分比：{part}/{whole}")
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{value:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def surplus(seats: int, candidates: int) -> tuple[int, str]:
    """差额 of a general election: extra candidates over seats, and that as a percentage of
    the seats (RULES.md: at least 20%)."""
    if seats < 1 or candidates < seats:
        raise ValueError(f"候选人数（{candidates}）不能少于应选人数（{seats}）")
    extra = candidates - seats
    return extra, percent(extra, seats)


def exceeds_four_fifths(present: int, expected: int) -> bool:
    """Quorum of an election: voters present strictly above four fifths of those expected."""
    return Fraction(present, expected) > Fraction(4, 5) if expected > 0 else False


def chinese_numeral(n: int) -> str:
    """Ordinal numbers in running text (第三届, 第十二次): 1 → 一, 10 → 十, 105 → 一百零五."""
    if not 0 < n < 10000:
        raise ValueError(f"超出范围：{n}")
    if 10 <= n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    text, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit:
            text += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
        elif text:
            zero = True
    return text


# The party organisation's own words at the end of its name, longest first.
PARTY_SUFFIXES = ("功能型党支部", "联合党支部", "临时党支部", "党总支", "党支部", "党委")
PARTY_PREFIXES = ("中国共产党", "中共")


def committee_word(kind: str) -> str:
    """The template's 党总支（支部）委员会 for a kind word: a 党委 is itself the committee."""
    return kind if kind == "党委" else f"{kind}委员会"


def committee_name(org_name: str) -> str:
    """The committee an organisation elects, by name: 党支部 → 党支部委员会; a 党委 is one."""
    return org_name if org_name.endswith(("委", "委员会")) else f"{org_name}委员会"


def unit_of(party_org_name: str) -> str:
    """The unit a party organisation is named after: `中共青海省化学化工学会党支部` →
    `青海省化学化工学会`; a name without those words is returned as it is."""
    name = party_org_name.strip()
    for prefix in PARTY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    for suffix in PARTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def society_word(name: str) -> str:
    """Which of the template's 学会（协会/研究会） a society's name is; 学会 otherwise."""
    return next((word for word in SOCIETY_WORDS if name.endswith(word)), "学会")


def joined(names) -> str:
    """Names in running text: 张三、李四."""
    return "、".join(names)


def text_width(text: str) -> float:
    """Width in characters of the body font: CJK characters are one, ASCII half."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)
