"""Compliance, grading, sampling and overdue warnings, as pure functions over plain values.

The metric engine (`measurement.py`) computes values from the records; these functions judge
them. Thresholds that a jurisdiction may change (grade bands, the veto cap, how close to a
deadline a warning turns red) are parameters with the defaults of
docs/decisions/0010-assessment.md.
"""

import calendar
import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from grassroots.orglife.rules import ATTACHMENTS
from grassroots.standards.choices import Comparator
from grassroots.standards.metrics import compare

from .choices import Grade, ItemStatus, Light

GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR)
# Evidence and follow-up files: photos and PDFs, checked as meeting attachments are
# (docs/decisions/0010-assessment.md).
EVIDENCE_FILES = ATTACHMENTS


def item_status(metric: str | None, value, comparator: str | None, threshold) -> str:
    """An item without a metric is attested with evidence (`manual`); a metric without a
    value for the period is `no_data`; otherwise the comparison decides."""
    if not metric:
        return ItemStatus.MANUAL
    if value is None:
        return ItemStatus.NO_DATA
    return ItemStatus.MET if compare(value, comparator, threshold) else ItemStatus.NOT_MET


def paced_threshold(threshold, comparator, periods_in_year: int, until: datetime.date):
    """What an item counting the months ("每月" = 12 of 12) or quarters ("每季度" = 4 of 4)
    of the year with a meeting asks for by `until`, the last day counted, or None when it
    asks for the whole threshold.

    A year still running is judged against the periods already over — "每月召开" is due
    by each month's end, so the month in progress is not yet behind (its own red/yellow
    light says how much time is left) — and a whole year against the threshold itself.
    Only "at least" items are paced."""
    if threshold is None or comparator != Comparator.GE or (until.month, until.day) == (12, 31):
        return None
    ended = (until.month - 1) // (12 // periods_in_year)
    return Decimal(threshold) * ended / periods_in_year


@dataclass(frozen=True)
class GradeBands:
    """Lowest total for each grade above 较差 (default 优秀 ≥ 90, 良好 ≥ 75, 一般 ≥ 60), and
    the best grade an organisation may get when a veto item is not met."""

    excellent: Decimal = Decimal(90)
    good: Decimal = Decimal(75)
    fair: Decimal = Decimal(60)
    veto_cap: str = Grade.POOR

    def errors(self) -> dict[str, str]:
        """Bands that cannot grade, as {field: Chinese message}."""
        errors = {}
        if not Decimal(0) <= self.fair <= self.good <= self.excellent:
            errors["excellent"] = "等次分数线应满足：0 ≤ 一般 ≤ 良好 ≤ 优秀"
        if self.veto_cap not in Grade.values:
            errors["veto_cap"] = "请选择一票否决时的最高等次"
        return errors


DEFAULT_BANDS = GradeBands()


def grade_for(total, veto_failed: bool = False, bands: GradeBands = DEFAULT_BANDS) -> str:
    """The grade of a total score; a failed veto item caps it at `bands.veto_cap`."""
    total = Decimal(total)
    if total >= bands.excellent:
        grade = Grade.EXCELLENT
    elif total >= bands.good:
        grade = Grade.GOOD
    elif total >= bands.fair:
        grade = Grade.FAIR
    else:
        grade = Grade.POOR
    if veto_failed and GRADE_ORDER.index(grade) < GRADE_ORDER.index(bands.veto_cap):
        return bands.veto_cap
    return grade


def sample_size(population: int, share) -> int:
    """How many of `population` a share draws: rounded up, at least one of a non-empty
    population when the share is positive."""
    share = Decimal(share)
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError("抽查比例应在0到1之间")
    return min(population, math.ceil(population * share))


def draw_sample(org_ids, share, seed: int) -> list[int]:
    """A reproducible random sample: the same ids, share and seed always draw the same
    organisations, whatever order the ids come in."""
    population = sorted(set(org_ids))
    drawn = random.Random(seed).sample(population, sample_size(len(population), share))
    return sorted(drawn)


# --- overdue warnings ------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningConfig:
    """When a requirement not yet met this period turns from yellow to red, and how far
    behind the pace of the yearly study target a member may fall before yellow is red."""

    monthly_red_days: int = 7
    quarterly_red_days: int = 15
    half_yearly_red_days: int = 30
    pace_yellow_share: Decimal = Decimal("0.75")


DEFAULT_WARNINGS = WarningConfig()


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_end(day: datetime.date) -> datetime.date:
    last_month = quarter_of(day) * 3
    return month_end(datetime.date(day.year, last_month, 1))


def half_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 6, 30) if day.month <= 6 else datetime.date(day.year, 12, 31)


def half_year_name(day: datetime.date) -> str:
    return f"{day.year}年{'上' if day.month <= 6 else '下'}半年"


def committee_quorate(present: int, committee_size: int) -> bool:
    """Seed 004 (学会 and 科技社团 party organisations): "半数以上委员到会方可召开". In
    Chinese legal usage "以上" includes the number itself (民法典 Art. 1259: "以上、以下、以内、
    届满，包括本数"), so half the committee suffices: 2 of 4, 3 of 5."""
    return committee_size > 0 and 2 * present >= committee_size


def period_light(held: bool, today: datetime.date, period_end: datetime.date, red_days: int):
    """Green once held this period; yellow while more than `red_days` remain; red after."""
    if held:
        return Light.GREEN
    return Light.RED if (period_end - today).days < red_days else Light.YELLOW


def monthly_light(held_this_month: bool, today, config: WarningConfig = DEFAULT_WARNINGS):
    return period_light(held_this_month, today, month_end(today), config.monthly_red_days)


def half_yearly_light(held_this_half, today, config: WarningConfig = DEFAULT_WARNINGS):
    return period_light(held_this_half, today, half_year_end(today), config.half_yearly_red_days)


def quarterly_light(held_this_quarter: bool, today, config: WarningConfig = DEFAULT_WARNINGS):
    return period_light(held_this_quarter, today, quarter_end(today), config.quarterly_red_days)


def pace_target(yearly_target, today: datetime.date) -> Decimal:
    """The share of a yearly target due by `today` (days elapsed, today included)."""
    days_in_year = 366 if calendar.isleap(today.year) else 365
    elapsed = today.timetuple().tm_yday
    return Decimal(yearly_target) * elapsed / days_in_year


def pace_light(done, yearly_target, today, config: WarningConfig = DEFAULT_WARNINGS):
    """A member's hours against the pace of the yearly target."""
    due = pace_target(yearly_target, today)
    done = Decimal(done)
    if done >= due:
        return Light.GREEN
    return Light.YELLOW if done >= due * config.pace_yellow_share else Light.RED
