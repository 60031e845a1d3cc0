"""Demonstration campaigns (示范创建) as pure functions over plain values: the quota checks,
the review chain, who may apply, survey rates, seed 004's grading and a title's validity.

Sources: seed 000 (Chengdu 2020: quotas with at least 20% surplus, villages and communities
about 60% of a district's nominations, 十佳 chosen from the 示范 nominees, three review
opinions of which the first is skipped when the applicant is itself the basic committee, a
reason of at most 1,000 characters, no filing of what is named or applying), seed 002 (Jilin
2021: late applications count as withdrawn, a title valid 3 years and re-checked every 3
years) and seed 004 (Qinghai 2019: every organisation of the field graded 优秀/良好/一般/较差
from satisfaction, self-assessment and the level above's assessment). RULES.md
"Demonstration campaigns".
"""

import datetime
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from grassroots.assessments.rules import DEFAULT_BANDS, GradeBands, grade_for
from grassroots.orgs.choices import Category, Severity

from .choices import Answer, ChainStep, CheckCode

# Seed 000: 层层申报…（不少于20%的差额）.
DEFAULT_SURPLUS_PERCENT = 20
# Seed 000 附件1 备注: 各区（市）县推荐名额中村（社区）按60%的比例把握; "about" is a band.
DEFAULT_VILLAGE_SHARE_PERCENT = 60
DEFAULT_VILLAGE_BAND_POINTS = 10
# The organisations the 60% share counts (seed 000 附件1 备注: 村（社区）).
VILLAGE_CATEGORIES = (Category.VILLAGE, Category.COMMUNITY)
# Seed 000 附件2: 申报理由 1000字以内.
REASON_MAX_CHARS = 1000
# The answers that count as satisfied (seed 000 组织测评; RULES.md): 满意 and 基本满意.
SATISFIED_ANSWERS = frozenset({Answer.SATISFIED, Answer.BASICALLY_SATISFIED})


@dataclass(frozen=True)
class Check:
    """One finding of the campaign checks, with the unit and level it concerns if any."""

    code: str
    severity: str
    message: str
    unit: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class LevelPlan:
    """An award level: how many to name, and the level whose nominees it is chosen from
    (十佳 from the 示范 nominees) if any."""

    code: str
    name: str
    to_name: int
    chosen_from: str | None = None


def least_nominations(to_name: int, surplus_percent: int = DEFAULT_SURPLUS_PERCENT) -> int:
    """The fewest nominations that keep the surplus: 260 to name at 20% → 312."""
    return to_name + math.ceil(Decimal(to_name) * surplus_percent / 100)


def surplus_checks(
    levels: Iterable[LevelPlan],
    quota_totals: Mapping[str, int],
    surplus_percent: int = DEFAULT_SURPLUS_PERCENT,
) -> list[Check]:
    """A level whose quotas add up to less than the number to name plus the surplus."""
    checks = []
    for level in levels:
        total, least = (
            quota_totals.get(level.code, 0),
            least_nominations(level.to_name, surplus_percent),
        )
        if total < least:
            checks.append(
                Check(
                    CheckCode.SURPLUS_TOO_LOW,
                    Severity.ERROR,
                    f"“{level.name}”推荐名额合计{total}个，少于命名数{level.to_name}个"
                    f"加{surplus_percent}%差额（至少{least}个）",
                    level=level.code,
                )
            )
    return checks


def over_quota_checks(
    quotas: Mapping[tuple[int, str], int],
    nominated: Mapping[tuple[int, str], int],
    unit_names: Mapping[int, str],
    level_names: Mapping[str, str],
) -> list[Check]:
    """A unit that nominates more than its quota of a level (a missing quota is 0)."""
    checks = []
    for (unit, level), count in sorted(nominated.items()):
        quota = quotas.get((unit, level), 0)
        if count > quota:
            checks.append(
                Check(
                    CheckCode.OVER_QUOTA,
                    Severity.ERROR,
                    f"{unit_names.get(unit, unit)}推荐“{level_names.get(level, level)}”"
                    f"{count}个，超出名额{quota}个",
                    unit=unit,
                    level=level,
                )
            )
    return checks


def village_share_checks(
    nominations: Mapping[int, tuple[int, int]],
    unit_names: Mapping[int, str],
    share_percent: int = DEFAULT_VILLAGE_SHARE_PERCENT,
    band_points: int = DEFAULT_VILLAGE_BAND_POINTS,
) -> list[Check]:
    """A district unit whose villages and communities are outside share ± band of its
    nominations. `nominations` maps a district unit to (villages and communities, all); a
    unit with no nominations is not judged."""
    checks = []
    low, high = share_percent - band_points, share_percent + band_points
    for unit, (villages, total) in sorted(nominations.items()):
        if not total:
            continue
        percent = Decimal(villages * 100) / total
        if not low <= percent <= high:
            shown = percent.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            checks.append(
                Check(
                    CheckCode.VILLAGE_SHARE,
                    Severity.WARNING,
                    f"{unit_names.get(unit, unit)}推荐对象中村（社区）{villages}个，"
                    f"占{shown}%，应在{low}%至{high}%之间（按{share_percent}%把握）",
                    unit=unit,
                )
            )
    return checks


def top_not_nominated_checks(
    levels: Iterable[LevelPlan],
    nominees: Mapping[str, set[int]],
    org_names: Mapping[int, str],
) -> list[Check]:
    """A nominee of a higher level (十佳) who is not a nominee of the level it is chosen
    from (示范)."""
    levels = list(levels)
    names = {level.code: level.name for level in levels}
    checks = []
    for level in levels:
        if not level.chosen_from:
            continue
        missing = nominees.get(level.code, set()) - nominees.get(level.chosen_from, set())
        for org in sorted(missing):
            checks.append(
                Check(
                    CheckCode.TOP_NOT_NOMINATED,
                    Severity.ERROR,
                    f"{org_names.get(org, org)}被推荐为“{level.name}”，"
                    f"但不是“{names.get(level.chosen_from, level.chosen_from)}”推荐对象",
                    level=level.code,
                )
            )
    return checks


# --- the review chain ------------------------------------------------------------------------


@dataclass(frozen=True)
class PathNode:
    """One organisation on the path from the root to the applicant."""

    id: int
    is_basic_committee: bool


def review_chain(path: list[PathNode], unit: int, organiser: int) -> list[tuple[str, int]]:
    """The opinions in the seed's order, as (step, organisation): the basic committee — the
    applicant's nearest committee below the recommending unit, the applicant itself
    included — then the recommending unit, then the organiser. The basic committee's opinion
    is skipped when the applicant is itself that committee (seed 000 附件2 填表说明) or when
    there is none below the unit; a step held by the same organisation as the step before it
    is given once."""
    ids = [node.id for node in path]
    if unit not in ids:
        raise ValueError("申报单位不在推荐单位范围内")
    below_unit = path[ids.index(unit) + 1 :]
    applicant = path[-1].id
    basic = next((n.id for n in reversed(below_unit) if n.is_basic_committee), None)
    chain = []
    if basic is not None and basic != applicant:
        chain.append((ChainStep.BASIC_COMMITTEE, basic))
    chain.append((ChainStep.UPPER_COMMITTEE, unit))
    if organiser != unit:
        chain.append((ChainStep.ORGANISER, organiser))
    return chain


# --- who may apply ---------------------------------------------------------------------------


def reason_error(reason: str) -> str | None:
    """The 申报理由 is required and at most 1,000 characters (seed 000 附件2)."""
    length = len(reason.strip())
    if not length:
        return "请填写申报理由"
    if length > REASON_MAX_CHARS:
        return f"申报理由不超过{REASON_MAX_CHARS}字（现{length}字）"
    return None


def application_refusal(
    *,
    applied_to_campaign: bool,
    holds_valid_title_of_kind: bool,
    filed_this_year: bool,
) -> str | None:
    """Why an organisation may not apply: once per campaign, not while it holds a valid
    title of the same kind, not both filed and applying (seed 000 三（三）: 已被命名、今年拟
    申报命名的，不重复备案)."""
    if applied_to_campaign:
        return "该党组织已申报本次创建，不能重复申报"
    if holds_valid_title_of_kind:
        return "该党组织已获得同类称号且仍在有效期内"
    if filed_this_year:
        return "该党组织已列入本年度示范点备案，不能同时申报命名"
    return None


def filing_refusal(*, named_and_valid: bool, applying_this_year: bool) -> str | None:
    """Seed 000 四（三）: 已被市委组织部命名为示范基层党组织、今年拟申报命名的，不重复备案."""
    if named_and_valid:
        return "该党组织已被命名为示范基层党组织，不重复备案"
    if applying_this_year:
        return "该党组织今年已申报命名，不重复备案"
    return None


def withdrawn_for_lateness(submitted: bool, deadline: datetime.date, today: datetime.date):
    """Seed 002: 逾期申报的视为放弃 — a draft still unsubmitted after the deadline."""
    return not submitted and today > deadline


def submission_error(ranked: list[int], quota: int) -> str | None:
    """A recommending unit submits its agreed applications ranked, at most its quota
    (seed 000 三（二）: 按照分配的名额，排序上报)."""
    if len(set(ranked)) != len(ranked):
        return "排序中有重复的申报"
    if len(ranked) > quota:
        return f"上报{len(ranked)}个，超出名额{quota}个"
    return None


# --- survey and grading ----------------------------------------------------------------------


def satisfaction_rate(answers: Iterable[str]) -> Decimal | None:
    """(满意 + 基本满意) / responses, as a percentage with one decimal; None without any."""
    counts = Counter(answers)
    total = sum(counts.values())
    if not total:
        return None
    satisfied = sum(counts[a] for a in SATISFIED_ANSWERS)
    return (Decimal(satisfied * 100) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GradeWeights:
    """Seed 004 grades from three sources but gives no weights: equal by default."""

    satisfaction: Decimal = Decimal(1)
    self_assessment: Decimal = Decimal(1)
    upper_assessment: Decimal = Decimal(1)

    def errors(self) -> dict[str, str]:
        errors = {}
        for field in ("satisfaction", "self_assessment", "upper_assessment"):
            if getattr(self, field) < 0:
                errors[field] = "权重不能为负数"
        if not errors and not sum((self.satisfaction, self.self_assessment, self.upper_assessment)):
            errors["satisfaction"] = "权重不能全为0"
        return errors


def survey_grade(
    satisfaction: Decimal | None,
    self_assessment: Decimal | None,
    upper_assessment: Decimal | None,
    weights: GradeWeights = GradeWeights(),  # noqa: B008 - frozen, never mutated
    bands: GradeBands = DEFAULT_BANDS,
) -> tuple[Decimal, str] | None:
    """The weighted mean of the scores present (each 0–100) and its grade; None when none
    is present. A missing source's weight is left out rather than counted as zero."""
    parts = [
        (score, weight)
        for score, weight in (
            (satisfaction, weights.satisfaction),
            (self_assessment, weights.self_assessment),
            (upper_assessment, weights.upper_assessment),
        )
        if score is not None and weight
    ]
    if not parts:
        return None
    total_weight = sum(weight for _, weight in parts)
    score = sum(Decimal(s) * w for s, w in parts) / total_weight
    score = score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return score, grade_for(score, bands=bands)


# --- titles ----------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(named_on: datetime.date, years: int) -> datetime.date:
    """The last day of a title named on `named_on` and valid `years` years (seed 002: 有效期为
    3年): named 2021-08-01 for 3 years → valid to 2024-07-31."""
    return add_years(named_on, years) - datetime.timedelta(days=1)


def review_dates(named_on: datetime.date, every_years: int, until: datetime.date):
    """The re-review dates of a title (seed 002: 每三年…复查) up to `until`."""
    if every_years <= 0:
        raise ValueError("复查周期应为正整数")
    dates, step = [], 1
    while (day := add_years(named_on, every_years * step)) <= until:
        dates.append(day)
        step += 1
    return dates


def renews_term(due_on: datetime.date, ends_on: datetime.date) -> bool:
    """Whether a re-review is the one at the end of a title's term (due after its last
    day, `ends_on`), whose pass renews the term; one due within the term only checks it."""
    return due_on > ends_on


def renewed_until(named_on: datetime.date, ends_on: datetime.date, years: int) -> datetime.date:
    """The last day of the next term of a title named on `named_on` whose re-review at the
    end of its term (ending `ends_on`) passed: `years` more, run on from the old end and
    counted from naming so the terms and re-reviews stay on its anniversaries (seed 002:
    有效期为3年; 每三年…进行一次复查): named 2021-08-01, valid to 2024-07-31, 3 years →
    2027-07-31, whenever the re-review was done."""
    served = (ends_on + datetime.timedelta(days=1)).year - named_on.year
    return valid_until(named_on, served + years)
