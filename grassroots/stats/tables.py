"""The statistics as tables: what the page shows beside each chart (each number a link to
the list behind it), what the yearly report workbook puts on one sheet each, and what the
print layout prints."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from grassroots.orglife.choices import MeetingType
from grassroots.orgs.choices import Category, Coverage, Education, Gender, MemberStatus, OrgKind
from grassroots.orgs.rules import AGE_BANDS, JOINING_PERIODS, birth_range
from grassroots.orgs.tallies import UNKNOWN

from . import rules

MONTHS = [f"{month}月" for month in range(1, 13)]


@dataclass
class Row:
    label: str
    cells: list  # numbers (or text) under the table's headers after the first
    link: str = ""  # the list behind the row's number
    code: str = ""  # for the tests and the charts' attributes, never shown
    charted: bool = True  # a sub-row ("其中") stays out of the chart


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    chart: str = ""  # "bar", "pie" or "" (no chart)
    note: str = ""

    def chart_data(self):
        """Labels and the first number of each row, for the chart."""
        return {
            "id": self.key,
            "type": self.chart,
            "labels": [row.label for row in self.rows if row.charted],
            "values": [row.cells[0] for row in self.rows if row.charted],
        }


def _url(name, args=(), **query):
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name, args=args) + ("?" + urlencode(query) if query else "")


def _counts(key, title, pairs, chart="bar", note=""):
    """A table of (label, n, link, code) rows with each row's share of the total."""
    total = sum(n for _, n, _, _ in pairs)
    rows = [
        Row(label, [n, rules.percent(rules.share(n, total))], link, code)
        for label, n, link, code in pairs
    ]
    return Table(key, title, ["项目", "数量", "占比"], rows, chart, note)


def member_link(org, **query):
    return _url("member-list", ancestor=org.pk, **query)


def build_tables(figures):
    org, on = figures.org, figures.on
    m, u = figures.members, figures.units
    tables = [
        _counts(
            "org_kind",
            "党组织（按组织类型）",
            [
                (k.label, figures.orgs["by_kind"][k.value], "", k.value)
                for k in OrgKind
                if figures.orgs["by_kind"][k.value]
            ],
        ),
        _counts(
            "org_category",
            "党组织（按所属领域）",
            [
                (c.label, figures.orgs["by_category"][c.value], "", c.value)
                for c in Category
                if figures.orgs["by_category"][c.value]
            ],
            "pie",
        ),
        _counts(
            "member_status",
            "党员（按类别）",
            [
                (MemberStatus.FULL.label, m["full"], member_link(org, status="full"), "full"),
                (
                    MemberStatus.PROBATIONARY.label,
                    m["probationary"],
                    member_link(org, status="probationary"),
                    "probationary",
                ),
            ],
            "pie",
        ),
        _counts(
            "member_gender",
            "党员（按性别）",
            [
                (
                    Gender.MALE.label,
                    m["total"] - m["female"],
                    member_link(org, gender="male"),
                    "male",
                ),
                (Gender.FEMALE.label, m["female"], member_link(org, gender="female"), "female"),
            ],
            "pie",
            f"女党员占{rules.percent(m['female_share'])}；35岁以下党员占"
            f"{rules.percent(m['young_share'])}",
        ),
        _counts("member_age", "党员（按年龄）", _age_rows(figures)),
        _counts(
            "member_education",
            "党员（按学历）",
            [
                (
                    label,
                    m["by_education"][code],
                    member_link(org, education=code) if code != UNKNOWN else "",
                    code,
                )
                for code, label in [*Education.choices, (UNKNOWN, "未填写")]
                if m["by_education"][code] or code != UNKNOWN
            ],
        ),
        _counts(
            "member_ethnicity",
            "党员（按民族）",
            [
                (name, n, member_link(org, ethnicity=name), name)
                for name, n in m["by_ethnicity"].items()
            ],
            "pie",
        ),
        _counts(
            "member_joining",
            "党员（按入党时间）",
            [
                (
                    p.label,
                    m["by_joining"][p.code],
                    member_link(org, joined_from=p.start, joined_to=p.end),
                    p.code,
                )
                for p in JOINING_PERIODS
            ],
        ),
        _counts(
            "units",
            "单位覆盖（两个覆盖）",
            [
                (
                    "已建立党组织（组织覆盖）",
                    u["with_org"],
                    _url("unit-list", [org.pk], coverage=Coverage.ORGANISATION),
                    "with_org",
                ),
                (
                    "仅选派指导员（工作覆盖）",
                    u["guided_only"],
                    _url("unit-list", [org.pk], coverage=Coverage.WORK),
                    "guided_only",
                ),
                (
                    "未覆盖",
                    u["uncovered"],
                    _url("unit-list", [org.pk], coverage=Coverage.NONE),
                    "uncovered",
                ),
            ],
            "pie",
            f"单位{u['total']}个，组织覆盖率{rules.percent(u['coverage_rate'])}；"
            f"应建未建{u['should_form']}个",
        ),
        Table(
            "terms",
            "换届（届次）",
            ["项目", "数量"],
            [
                Row(
                    "任期已届满未换届",
                    [figures.terms["overdue"]],
                    _url("check-list", ancestor=org.pk, code="TERM_OVERDUE"),
                    "overdue",
                ),
                Row(
                    "即将届满",
                    [figures.terms["expiring"]],
                    _url("check-list", ancestor=org.pk, code="TERM_EXPIRING"),
                    "expiring",
                ),
            ],
            "bar",
        ),
        _meeting_table(figures),
        Table(
            "campaigns",
            f"{on.year}年示范创建推荐进度",
            ["创建活动", "推荐名额", "已申报", "完成比例"],
            [
                Row(
                    c["title"],
                    [c["quota"], c["applied"], rules.percent(c["progress"])],
                    _url("campaign-detail", [c["campaign"]]) if c["campaign"] else "",
                )
                for c in figures.campaigns
            ],
        ),
        Table(
            "children",
            "下级组织",
            ["党组织", "党员"],
            [
                Row(
                    child["org"].name,
                    [child["members"]],
                    _url("stats-home", ancestor=child["org"].pk, on=on.isoformat()),
                    str(child["org"].pk),
                )
                for child in figures.children
            ],
        ),
    ]
    units = next(table for table in tables if table.key == "units")
    units.rows.append(
        Row(
            "其中：应建未建",
            [u["should_form"], ""],
            _url("unit-list", [org.pk], should_form="true"),
            "should_form",
            charted=False,
        )
    )
    return tables


def _age_rows(figures):
    rows = []
    for band in AGE_BANDS:
        born_from, born_to = birth_range(band.low, band.high, figures.on)
        link = member_link(figures.org, born_from=born_from, born_to=born_to)
        rows.append((band.label, figures.members["by_age"][band.code], link, band.code))
    return rows


def _meeting_table(figures):
    rows = []
    for code, label in MeetingType.choices:
        months = figures.meetings[code]
        if not any(months):
            continue
        link = _url("orglife-home", ancestor=figures.org.pk, type=code, year=figures.on.year)
        rows.append(Row(label, [sum(months), *months], link, code))
    return Table(
        "meetings",
        f"{figures.on.year}年组织生活（按月）",
        ["会议类型", "合计", *MONTHS],
        rows,
        "bar",
    )
