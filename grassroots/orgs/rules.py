"""Organisation-form and term rules (RULES.md), as pure functions over plain values.

`check_organization` returns the health-check findings of one organisation; each finding has
a stable code, a severity and a Chinese message. Thresholds that differ between places come
from `RuleConfig` (settings.PARTY_RULES).
"""

import datetime
from dataclasses import dataclass, field

from grassroots.core.formats import chinese_date
from grassroots.core.identifiers import citizen_id_birth_mismatch, citizen_id_error

from .choices import Category, MemberStatus, OrgKind, OrgStatus, PostKind, Severity, SocietyRole

# Kinds that are party organisations in their own right (not managing bodies or groups).
FORMED_KINDS = frozenset(
    {
        OrgKind.COMMITTEE,
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
        OrgKind.JOINT_BRANCH,
        OrgKind.FUNCTIONAL_BRANCH,
    }
)
BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.FUNCTIONAL_BRANCH})
# Kinds whose form is judged by member count (a joint branch is a branch by form).
SIZED_KINDS = frozenset(
    {
        OrgKind.COMMITTEE,
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
        OrgKind.JOINT_BRANCH,
    }
)
LED_KINDS = FORMED_KINDS | {OrgKind.TEMPORARY}
SOCIETY_CATEGORIES = frozenset({Category.SOCIAL_ORG, Category.SCI_TECH_SOCIETY})
# Seed 004 part 2 §3.4 (学会): the secretary is "原则上由是中共正式党员的学会理事长担任，如理事长非
# 中共党员，则从是中共党员的副理事长中产生", and "理事会成员中符合条件的党员可以…进入党组织领导
# 班子": a council member (理事) is allowed too.
SOCIETY_COUNCIL_ROLES = frozenset({SocietyRole.CHAIR, SocietyRole.VICE_CHAIR, SocietyRole.DIRECTOR})

MIN_FULL_MEMBERS = 3
COMMITTEE_FROM_FULL_MEMBERS = 7
COMMITTEE_MIN_SIZE = 3
COMMITTEE_MAX_SIZE = 7


@dataclass(frozen=True)
class RuleConfig:
    general_branch_from: int = 50
    # Seed 004 part 2 §3.1: "党员人数超过100名的成立基层党委" — more than 100, so 100 members
    # are not yet a committee.
    committee_above: int = 100
    branch_warn_above: int = 50
    joint_branch_max_units: int = 5
    term_expiring_days: int = 90
    society_term_years: int = 5
    # RULES.md, Elections: seats nobody passed for go to another round; where a
    # jurisdiction allows it, the seats are reduced to those elected instead.
    reduce_unfilled_seats: bool = False
    # Posts a term has at most one current holder of; the secretary always (the database
    # holds that one too: Post's constraint `one_current_secretary`).
    single_holder_posts: frozenset = frozenset({PostKind.SECRETARY})

    def __post_init__(self):
        posts = frozenset(self.single_holder_posts) | {PostKind.SECRETARY}
        object.__setattr__(self, "single_holder_posts", posts)

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        known = cls.__dataclass_fields__
        configured = getattr(settings, "PARTY_RULES", {})
        return cls(**{k: v for k, v in configured.items() if k in known})


DEFAULT_CONFIG = RuleConfig()


@dataclass(frozen=True)
class OrgFacts:
    """What the rules need to know about one organisation, read from the records."""

    kind: str
    category: str
    status: str = OrgStatus.ACTIVE
    full_members: int = 0  # in the subtree; for a functional branch, its functional members
    total_members: int = 0
    primary_members: int = 0  # members whose organisation relation is this organisation
    committee_size: int = 0
    posts: tuple = ()  # post codes currently held
    secretary_society_role: str | None = None
    secretary_status: str | None = None  # MemberStatus of the current secretary
    # A full member whose organisation relation (or functional membership) is here chairs
    # the host society (理事长/会长).
    chair_is_member: bool = False
    host_units: int = 0
    term_number: int | None = None
    term_planned_end: datetime.date | None = None
    weak_designated: bool = False
    # (unit name, full members working there) of the units this organisation must cover
    # that have enough full members but no organisation (应建未建).
    unformed_units: tuple = ()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    details: dict = field(default_factory=dict, compare=False)


# What each finding is about, in the words the health check's filter offers (the codes stay
# in the API and in data-code attributes).
FINDING_TITLES = {
    "UNIT_SHOULD_FORM": "单位应建未建党组织",
    "TOO_FEW_MEMBERS": "正式党员不足3名",
    "FORM_MISMATCH": "组织形式与党员人数不符",
    "BRANCH_TOO_LARGE": "党支部党员过多",
    "JOINT_BRANCH_TOO_MANY_UNITS": "联合党支部覆盖单位过多",
    "FUNCTIONAL_HOLDS_RELATIONS": "功能型党支部接转了组织关系",
    "COMMITTEE_REQUIRED": "应设委员会",
    "COMMITTEE_TOO_LARGE": "支部委员过多",
    "SECRETARY_VACANT": "书记空缺",
    "SECRETARY_NOT_FULL_MEMBER": "书记是预备党员",
    "SECRETARY_NOT_HEAD": "书记未进入学会理事会",
    "CHAIR_NOT_SECRETARY": "党员负责人未任书记",
    "TERM_MISSING": "未登记届次",
    "TERM_OVERDUE": "任期届满未换届",
    "TERM_EXPIRING": "任期即将届满",
    "WEAK_DESIGNATED": "软弱涣散党组织",
}


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def term_years(kind: str, category: str, config: RuleConfig = DEFAULT_CONFIG) -> int | None:
    """Length of a term in years, or None for bodies that are not elected for a term. The one
    place that says which organisations have terms: the health check's TERM_* findings and
    the renewal reminders (elections.reminders) follow it."""
    if kind not in FORMED_KINDS:
        return None
    if kind == OrgKind.FUNCTIONAL_BRANCH:
        # Seed 004, 社会组织功能型党支部规范化建设实施办法 item 5: "功能型党支部班子人选不实行
        # 任期制，原则上与社会组织换届同步调整" — its team follows the society's council term
        # (HostUnit.council_term_ends_on), with no term of its own.
        return None
    if category in (Category.VILLAGE, Category.COMMUNITY):
        return 5  # 支部工作条例 Art. 21
    if category == Category.SCI_TECH_SOCIETY:
        return config.society_term_years  # renews with the council (seed 004 part 3)
    if kind == OrgKind.COMMITTEE:
        return 5  # 机关基层组织工作条例 Art. 5
    return 3  # general branches and branches, Art. 6-7


def planned_term_end(kind, category, started_on, config: RuleConfig = DEFAULT_CONFIG):
    years = term_years(kind, category, config)
    return add_years(started_on, years) if years else None


def suggested_kind(total_members: int, config: RuleConfig = DEFAULT_CONFIG) -> str | None:
    """The form seed 004 part 2 §3 suggests for a number of members: "党员人数超过100名的成立
    基层党委；超过50名、不足100名的成立党总支" (exactly 100 is not "超过100名")."""
    if total_members < MIN_FULL_MEMBERS:
        return None
    if total_members > config.committee_above:
        return OrgKind.COMMITTEE
    if total_members >= config.general_branch_from:
        return OrgKind.GENERAL_BRANCH
    return OrgKind.BRANCH


def _form_findings(facts: OrgFacts, config: RuleConfig):
    if facts.kind in FORMED_KINDS and facts.full_members < MIN_FULL_MEMBERS:
        yield Finding(
            "TOO_FEW_MEMBERS",
            Severity.ERROR,
            f"正式党员{facts.full_members}名，不足{MIN_FULL_MEMBERS}名，不具备单独建立党组织的条件，"
            "应联合建立党支部或选派党建工作指导员",
        )
    suggestion = suggested_kind(facts.total_members, config)
    own_form = OrgKind.BRANCH if facts.kind == OrgKind.JOINT_BRANCH else facts.kind
    if facts.kind in SIZED_KINDS and suggestion and suggestion != own_form:
        yield Finding(
            "FORM_MISMATCH",
            Severity.WARNING,
            f"党员{facts.total_members}名，按规定一般应设立{OrgKind(suggestion).label}，"
            f"现为{OrgKind(facts.kind).label}",
            {"suggested": suggestion},
        )
    if facts.kind in BRANCH_KINDS and facts.total_members > config.branch_warn_above:
        yield Finding(
            "BRANCH_TOO_LARGE",
            Severity.WARNING,
            f"党支部党员{facts.total_members}名，超过{config.branch_warn_above}名，应考虑分设党支部或成立党总支",
        )
    if facts.kind == OrgKind.JOINT_BRANCH and facts.host_units > config.joint_branch_max_units:
        yield Finding(
            "JOINT_BRANCH_TOO_MANY_UNITS",
            Severity.ERROR,
            f"联合党支部覆盖{facts.host_units}个单位，超过{config.joint_branch_max_units}个",
        )
    if facts.kind == OrgKind.FUNCTIONAL_BRANCH and facts.primary_members:
        yield Finding(
            "FUNCTIONAL_HOLDS_RELATIONS",
            Severity.WARNING,
            f"功能型党支部不接转组织关系，但有{facts.primary_members}名党员的组织关系在本支部",
        )


def _committee_findings(facts: OrgFacts):
    needs_committee = facts.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) or (
        facts.kind in BRANCH_KINDS and facts.full_members >= COMMITTEE_FROM_FULL_MEMBERS
    )
    if needs_committee and facts.committee_size < COMMITTEE_MIN_SIZE:
        if facts.kind in BRANCH_KINDS:
            message = (
                f"正式党员{facts.full_members}名，应设立支部委员会（一般3至5人，最多不超过7人），"
                f"现有委员{facts.committee_size}人"
            )
        else:
            message = (
                f"{OrgKind(facts.kind).label}应设立委员会，现有委员{facts.committee_size}人，"
                f"不足{COMMITTEE_MIN_SIZE}人"
            )
        yield Finding("COMMITTEE_REQUIRED", Severity.ERROR, message)
    if facts.kind in BRANCH_KINDS and facts.committee_size > COMMITTEE_MAX_SIZE:
        yield Finding(
            "COMMITTEE_TOO_LARGE",
            Severity.WARNING,
            f"支部委员会{facts.committee_size}人，超过{COMMITTEE_MAX_SIZE}人",
        )
    if facts.kind in LED_KINDS and PostKind.SECRETARY not in facts.posts:
        yield Finding("SECRETARY_VACANT", Severity.ERROR, "书记空缺，应及时补选")


def needs_appointment_approval(post: str, term_started_on, started_on) -> bool:
    """Whether recording `post` from `started_on` is an appointment the level above must
    approve first: a secretary taking office after the term began. Seed 004: 「党组织委员届
    中调整、书记任命，需经青海省科技社团党委审批」. A secretary from the term's first day is
    the election's result, recorded as such."""
    return post == PostKind.SECRETARY and started_on > term_started_on


def society_secretary_fits(category: str, society_role: str | None) -> bool:
    """Whether a secretary with this post in the host society keeps the society rule of
    the organisation's category ("双向进入、交叉任职")."""
    if category != Category.SCI_TECH_SOCIETY:
        # Seed 004's rule is for 学会、协会、研究会 (科技社团) only; other social organisations
        # follow seed 000 (社会组织 standard, 组织建设 item 2): "负责人不是党员的，由管理层或业务
        # 骨干担任党组织书记", which any member may be.
        return True
    return society_role in SOCIETY_COUNCIL_ROLES


def _secretary_findings(facts: OrgFacts):
    if PostKind.SECRETARY not in facts.posts:
        return
    if facts.secretary_status == MemberStatus.PROBATIONARY:
        # 党章 Art. 7: a probationary member has no right to be elected (除了没有表决权、选举权
        # 和被选举权以外); seed 004 part 2 §3.4: the secretary is "是中共正式党员的" chair.
        yield Finding(
            "SECRETARY_NOT_FULL_MEMBER",
            Severity.ERROR,
            "书记是预备党员，预备党员没有被选举权，书记应由正式党员担任",
        )
    if not society_secretary_fits(facts.category, facts.secretary_society_role):
        yield Finding(
            "SECRETARY_NOT_HEAD",
            Severity.WARNING,
            "书记未担任本学会理事长（会长）、副理事长（副会长）或理事，"
            "不符合“双向进入、交叉任职”要求",
        )
    if (
        facts.category in SOCIETY_CATEGORIES
        and facts.chair_is_member
        and facts.secretary_society_role != SocietyRole.CHAIR
    ):
        # Seed 004 part 2 §3.4 "原则上由是中共正式党员的学会理事长担任"; seed 000 "党员负责人担任
        # 党组织书记"; seed 004 (社会组织): "提倡党员社会组织负责人担任党组织书记" — advice.
        yield Finding(
            "CHAIR_NOT_SECRETARY",
            Severity.INFO,
            "本单位理事长（会长）是正式党员但未担任书记，提倡由党员负责人担任党组织书记",
        )


def _term_findings(facts: OrgFacts, today: datetime.date, config: RuleConfig):
    if term_years(facts.kind, facts.category, config) is None:
        return
    if facts.term_planned_end is None:
        yield Finding("TERM_MISSING", Severity.WARNING, "未登记本届委员会届次信息")
        return
    days_left = (facts.term_planned_end - today).days
    end_text = chinese_date(facts.term_planned_end)
    term = f"第{facts.term_number}届" if facts.term_number else "本届"
    if days_left < 0:
        yield Finding(
            "TERM_OVERDUE",
            Severity.ERROR,
            f"{term}任期已于{end_text}届满，已超期{-days_left}天未换届",
            {"days_overdue": -days_left},
        )
    elif days_left <= config.term_expiring_days:
        yield Finding(
            "TERM_EXPIRING",
            Severity.WARNING,
            f"{term}任期将于{end_text}届满（还有{days_left}天），请做好换届准备",
            {"days_left": days_left},
        )


def check_organization(
    facts: OrgFacts, today: datetime.date, config: RuleConfig = DEFAULT_CONFIG
) -> list[Finding]:
    if facts.status != OrgStatus.ACTIVE:
        return []
    findings = [
        *_form_findings(facts, config),
        *_committee_findings(facts),
        *_secretary_findings(facts),
        *_term_findings(facts, today, config),
    ]
    for name, full_members in facts.unformed_units:
        # Seed 004: "凡有三名以上正式党员的社会组织，都要…设立党委、总支、支部".
        findings.append(
            Finding(
                "UNIT_SHOULD_FORM",
                Severity.WARNING,
                f"负责覆盖的“{name}”有正式党员{full_members}名，尚未建立党组织（应建未建）",
                {"unit": name, "full_members": full_members},
            )
        )
    if facts.weak_designated:
        findings.append(Finding("WEAK_DESIGNATED", Severity.INFO, "本年度被确定为软弱涣散党组织"))
    return findings


# --- plausible dates ---------------------------------------------------------------------------

# The Party was founded on 1 July 1921: no date of party life (joining, an organisation's
# founding, a transfer, a post) can be earlier.
PARTY_FOUNDED = datetime.date(1921, 7, 1)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# 党章 Art. 1: 年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子 …
JOINING_AGE = 18


def completed_years(birth_date: datetime.date, day: datetime.date) -> int:
    """Age on `day` in full years (周岁): one born on 29 February completes a year on
    1 March of a common year."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def date_error(day, label, latest, earliest=PARTY_FOUNDED, after=()) -> str | None:
    """Why `day`, the date named `label`, is implausible, or None: not after `latest` (today,
    for an event that has taken place; None where a date may be entered in advance), not
    before `earliest` (the Party's founding unless given), and not before any of the dates
    in `after` ((date or None, its label) pairs)."""
    if day is None:
        return None
    if latest is not None and day > latest:
        return f"{label}不能晚于今天"
    if day < earliest:
        founding = "（中国共产党成立之日）" if earliest == PARTY_FOUNDED else ""
        return f"{label}不能早于{chinese_date(earliest)}{founding}"
    for other, other_label in after:
        if other is not None and day < other:
            return f"{label}不能早于{other_label}"
    return None


def joining_age_error(birth_date, joined_on) -> str | None:
    """党章 Art. 1: a member joins at 18 or older."""
    if birth_date is None or joined_on is None:
        return None
    if joined_on < birth_date:
        return "入党时间不能早于出生日期"
    age = completed_years(birth_date, joined_on)
    if age < JOINING_AGE:
        return f"入党时应年满{JOINING_AGE}周岁（党章第一条），按出生日期入党时为{age}周岁"
    return None


def member_field_errors(
    id_number, birth_date, joined_on, confirmed_on, status, today, work_started_on=None
):
    """Checks across a member's fields (each field's own format is checked by its
    validator), as {field: [message]}."""
    errors = {}

    def add(field, message):
        if message:
            errors.setdefault(field, []).append(message)

    if id_number and birth_date and citizen_id_error(id_number) is None:
        mismatch = citizen_id_birth_mismatch(id_number, birth_date)
        if mismatch:
            # Either field may be the wrong one: the message goes next to both.
            errors["id_number"] = [mismatch]
            errors["birth_date"] = [mismatch]
    add("birth_date", date_error(birth_date, "出生日期", today, EARLIEST_BIRTH))
    add(
        "joined_on",
        date_error(joined_on, "入党时间", today) or joining_age_error(birth_date, joined_on),
    )
    add(
        "confirmed_on", date_error(confirmed_on, "转正时间", today, after=[(joined_on, "入党时间")])
    )
    add(
        "work_started_on",
        date_error(
            work_started_on, "参加工作时间", today, EARLIEST_BIRTH, [(birth_date, "出生日期")]
        ),
    )
    if status == MemberStatus.PROBATIONARY and confirmed_on:
        add("confirmed_on", "预备党员不应有转正时间")
    return errors


# --- statistics bands --------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int | None  # completed years, inclusive; None: no lower bound
    high: int | None  # inclusive; None: no upper bound


# The age bands of the organisation departments' yearly tables (age in completed years).
AGE_BANDS = (
    Band("<=30", "30岁及以下", None, 30),
    Band("31-35", "31至35岁", 31, 35),
    Band("36-40", "36至40岁", 36, 40),
    Band("41-45", "41至45岁", 41, 45),
    Band("46-50", "46至50岁", 46, 50),
    Band("51-55", "51至55岁", 51, 55),
    Band("56-60", "56至60岁", 56, 60),
    Band(">=61", "61岁及以上", 61, None),
)
# The share of young members the tables report: under 35 (34 completed years or less).
YOUNG_BELOW = 35


def age_band(age: int) -> str:
    """The code of the band `age` (completed years) falls in."""
    for band in AGE_BANDS:
        if (band.low is None or age >= band.low) and (band.high is None or age <= band.high):
            return band.code
    raise ValueError(age)


def latest_birth(on: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone `years` or more old on `on` (completed years, as
    `completed_years` counts them: one born on 29 February completes a year on 1 March)."""
    return add_years(on, -years)


def birth_range(low, high, on):
    """(born_from, born_to), inclusive, None for an open end: the birth dates of people
    aged `low`..`high` on `on`. A database filter of a band, so that no member is read."""
    born_to = latest_birth(on, low) if low is not None else None
    born_from = None
    if high is not None:
        born_from = latest_birth(on, high + 1) + datetime.timedelta(days=1)
    return born_from, born_to


def age_of(birth_date, on):
    return completed_years(birth_date, on)


@dataclass(frozen=True)
class Period:
    code: str
    label: str
    start: datetime.date | None
    end: datetime.date | None  # inclusive


# The joining periods of the Party's statistical communiqués (党内统计公报).
JOINING_PERIODS = (
    Period("before_1949", "新中国成立前", None, datetime.date(1949, 9, 30)),
    Period(
        "1949_1978",
        "新中国成立后至党的十一届三中全会前",
        datetime.date(1949, 10, 1),
        datetime.date(1978, 12, 31),
    ),
    Period(
        "1979_2012",
        "党的十一届三中全会后至党的十八大前",
        datetime.date(1979, 1, 1),
        datetime.date(2012, 11, 7),
    ),
    Period("since_2012", "党的十八大以来", datetime.date(2012, 11, 8), None),
)
