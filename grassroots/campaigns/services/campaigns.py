"""Setting up a campaign (docs/decisions/0027-campaigns.md): creating it with its award
levels, standards and the schedule of its kind, changing what may change, moving its stages
forward (withdrawing what was not submitted in time, seed 002: 逾期申报的视为放弃), the
nomination quotas of the recommending units (seed 000 附件1) and the checks over them.

Who may: the clerks and administrators of the organiser or above (EDIT over the organiser).
Reading functions (`campaign_checks`, `unit_progress`) use a fixed number of queries
whatever the number of units and applications."""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from grassroots.core.access import can
from grassroots.core.choices import Permission
from grassroots.core.concurrency import lock
from grassroots.core.history import save_by
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

from .. import rules
from ..choices import (
    EDITABLE_STATES,
    KIND_STAGES,
    NOMINATED_STATES,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionState,
    StageCode,
)
from ..models import (
    Application,
    AwardLevel,
    Campaign,
    Inspection,
    Quota,
    ReviewOpinion,
    Stage,
    SurveyTally,
    Title,
)

NOT_ORGANISER = "只有组织单位（或其上级）的党务工作者可以办理"
# Who organises a campaign: a department (组织部, 工委) or a basic committee (seed 002: 省社会
# 组织联合党委).
ORGANISER_KINDS = (OrgKind.DEPARTMENT, OrgKind.COMMITTEE)
LEVEL_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,29}")
MAX_VALIDITY_YEARS = 20
# Fields a campaign's organiser may change after creation (with `levels`, `standards` and
# `deadlines`); the kind, the organiser and the levels' codes stay.
EDITABLE_FIELDS = (
    "title",
    "year",
    "validity_years",
    "review_every_years",
    "application_deadline",
    "surplus_percent",
    "village_share_percent",
    "village_band_points",
)
PERCENT_FIELDS = ("surplus_percent", "village_share_percent", "village_band_points")


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def may_manage(user, campaign):
    return can(user, Permission.EDIT, campaign.organiser)


def require_manage(user, campaign):
    if not may_manage(user, campaign):
        raise ValidationError({"organiser": NOT_ORGANISER})


def stages_of(campaign):
    """The campaign's stages in the order of its schedule."""
    return list(campaign.stages.order_by("pk"))


# --- checking what was entered -----------------------------------------------------------------


def _scalar_errors(values, today):
    errors = {}
    title = (values.get("title") or "").strip()
    if "title" in values and not title:
        errors["title"] = "请填写活动名称"
    year = values.get("year")
    if "year" in values and (year is None or not 2000 <= year <= today.year + 1):
        errors["year"] = f"年度应在2000年至{today.year + 1}年之间"
    validity = values.get("validity_years")
    if "validity_years" in values and (validity is None or not 1 <= validity <= MAX_VALIDITY_YEARS):
        errors["validity_years"] = f"称号有效期应为1至{MAX_VALIDITY_YEARS}年"
    every = values.get("review_every_years")
    if every is not None and not 1 <= every <= MAX_VALIDITY_YEARS:
        errors["review_every_years"] = f"复查周期应为1至{MAX_VALIDITY_YEARS}年，或不安排复查"
    if "application_deadline" in values and values["application_deadline"] is None:
        errors["application_deadline"] = "请填写申报截止日期"
    for name in PERCENT_FIELDS:
        value = values.get(name)
        if name in values and (value is None or not 0 <= value <= 100):
            errors[name] = "应为0至100之间的整数"
    return errors


def _level_errors(levels):
    """Codes unique and well formed, names given, a positive number to name, `chosen_from` another
    level of the list naming no more than it, and no level chosen from itself in a loop."""
    if not levels:
        return "请至少设置一个称号等级"
    codes = [str(level.get("code") or "").strip() for level in levels]
    for number, (level, code) in enumerate(zip(levels, codes, strict=True), start=1):
        name = str(level.get("name") or "").strip()
        to_name = level.get("to_name")
        source = level.get("chosen_from") or None
        if not LEVEL_CODE.fullmatch(code):
            return f"第{number}个称号：代码应为1至30位小写英文字母、数字、下划线或连字符"
        if codes.index(code) != number - 1:
            return f"第{number}个称号：代码“{code}”重复"
        if not name or len(name) > 100:
            return f"第{number}个称号：请填写称号名称（不超过100字）"
        if not isinstance(to_name, int) or to_name < 1:
            return f"第{number}个称号：拟命名数应为正整数"
        if source is not None:
            if source == code or source not in codes:
                return f"第{number}个称号：只能从本活动的另一称号等级的推荐对象中产生"
            lower = levels[codes.index(source)]
            if isinstance(lower.get("to_name"), int) and to_name > lower["to_name"]:
                return f"第{number}个称号：拟命名数不能多于其推荐来源“{lower.get('name')}”"
    by_code = {
        code: level.get("chosen_from") or None for code, level in zip(codes, levels, strict=True)
    }
    for code in codes:
        seen, current = set(), code
        while current is not None:
            if current in seen:
                return f"称号“{code}”的推荐来源形成循环"
            seen.add(current)
            current = by_code.get(current)
    return None


def _standard_sets(codes):
    """The newest published version of each code, or the error naming those missing."""
    codes = [str(code).strip() for code in codes]
    found = {s.code: s for s in StandardSet.objects.latest_published().filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        return None, f"标准“{'、'.join(missing)}”不存在或尚未发布"
    return [found[code] for code in dict.fromkeys(codes)], None


def _deadline_errors(kind, deadlines, application_deadline):
    """Deadlines of stages of the kind's schedule only, never earlier than the stage before."""
    schedule = KIND_STAGES[kind]
    unknown = [code for code in deadlines if code not in schedule]
    if unknown:
        labels = "、".join(
            StageCode(code).label if code in StageCode.values else str(code) for code in unknown
        )
        return f"“{CampaignKind(kind).label}”没有以下阶段：{labels}"
    dated = {**deadlines, StageCode.APPLICATION: application_deadline}
    previous = None
    for code in schedule:
        day = dated.get(code)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            return (
                f"“{StageCode(code).label}”阶段截止日期不能早于"
                f"“{StageCode(previous[0]).label}”阶段（{previous[1]:%Y-%m-%d}）"
            )
        previous = (code, day)
    return None


# --- creating and changing ---------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    user,
    *,
    title,
    kind,
    organiser,
    year,
    levels,
    application_deadline,
    validity_years=3,
    review_every_years=None,
    standards=(),
    deadlines=None,
    surplus_percent=rules.DEFAULT_SURPLUS_PERCENT,
    village_share_percent=rules.DEFAULT_VILLAGE_SHARE_PERCENT,
    village_band_points=rules.DEFAULT_VILLAGE_BAND_POINTS,
    today=None,
):
    """A campaign of `organiser` over its subtree with its levels ([{code, name, to_name,
    chosen_from (a code) or None}]), the published standard sets it judges by (codes) and
    the stages of its kind's schedule, the first one open from today. `deadlines` maps stage
    codes to dates; the application stage's is `application_deadline`."""
    today = today or timezone.localdate()
    deadlines = dict(deadlines or {})
    values = {
        "title": title,
        "year": year,
        "validity_years": validity_years,
        "review_every_years": review_every_years,
        "application_deadline": application_deadline,
        "surplus_percent": surplus_percent,
        "village_share_percent": village_share_percent,
        "village_band_points": village_band_points,
    }
    errors = _scalar_errors(values, today)
    if organiser is None or not can(user, Permission.EDIT, organiser):
        errors["organiser"] = "您没有在该党组织组织创建活动的权限"
    elif organiser.kind not in ORGANISER_KINDS or not organiser.is_active:
        errors["organiser"] = "组织单位应为在册的组织部门、工委或基层党委"
    if kind not in CampaignKind.values:
        errors["kind"] = "请选择活动类型"
    level_error = _level_errors(levels)
    if level_error:
        errors["levels"] = level_error
    sets, standards_error = _standard_sets(standards)
    if standards_error:
        errors["standards"] = standards_error
    if "kind" not in errors and "application_deadline" not in errors:
        deadline_error = _deadline_errors(kind, deadlines, application_deadline)
        if deadline_error:
            errors["deadlines"] = deadline_error
    _raise(errors)
    schedule = KIND_STAGES[kind]
    values["title"] = title.strip()
    campaign = save_by(
        Campaign(organiser=organiser, kind=kind, stage=schedule[0], created_by=user, **values),
        user,
    )
    campaign.standards.set(sets)
    _create_levels(user, campaign, levels)
    dated = {**deadlines, StageCode.APPLICATION: application_deadline}
    for index, code in enumerate(schedule):
        stage = Stage(
            campaign=campaign,
            code=code,
            deadline=dated.get(code),
            started_on=today if index == 0 else None,
        )
        save_by(stage, user)
    return campaign


def _create_levels(user, campaign, levels):
    """The levels in the order given, each after the level it is chosen from."""
    created, pending = {}, list(enumerate(levels, start=1))
    while pending:
        waiting = []
        for order, level in pending:
            source = level.get("chosen_from") or None
            if source is not None and source not in created:
                waiting.append((order, level))
                continue
            row = AwardLevel(
                campaign=campaign,
                code=level["code"].strip(),
                name=level["name"].strip(),
                to_name=level["to_name"],
                chosen_from=created.get(source),
                order=order,
            )
            created[row.code] = save_by(row, user)
        pending = waiting


@transaction.atomic
def update_campaign(user, campaign, *, levels=None, standards=None, deadlines=None, **changes):
    """Change the editable fields (EDITABLE_FIELDS), the levels' names and numbers to name
    (by code; levels are neither added nor removed once created), the standard sets (codes)
    and the stages' deadlines."""
    require_manage(user, campaign)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    lock(campaign, "stage")
    errors = _scalar_errors(changes, timezone.localdate())
    current = {level.code: level for level in campaign.levels.select_related("chosen_from")}
    merged = None
    if levels is not None:
        given = {str(level.get("code")): level for level in levels}
        if set(given) != set(current):
            errors["levels"] = "称号等级创建后不能增删，只能修改名称和拟命名数"
        else:
            merged = [
                {
                    "code": code,
                    "name": given[code].get("name"),
                    "to_name": given[code].get("to_name"),
                    "chosen_from": level.chosen_from.code if level.chosen_from else None,
                }
                for code, level in current.items()
            ]
            level_error = _level_errors(merged)
            if level_error:
                errors["levels"] = level_error
    sets = None
    if standards is not None:
        sets, standards_error = _standard_sets(standards)
        if standards_error:
            errors["standards"] = standards_error
    stages = {stage.code: stage for stage in stages_of(campaign)}
    application_deadline = changes.get("application_deadline", campaign.application_deadline)
    if deadlines is not None or "application_deadline" in changes:
        wanted = (
            dict(deadlines)
            if deadlines is not None
            else {code: stage.deadline for code, stage in stages.items()}
        )
        wanted.pop(StageCode.APPLICATION, None)
        deadline_error = application_deadline and _deadline_errors(
            campaign.kind, wanted, application_deadline
        )
        if deadline_error:
            errors["deadlines"] = deadline_error
    _raise(errors)
    for name, value in changes.items():
        setattr(campaign, name, value.strip() if name == "title" else value)
    save_by(campaign, user)
    if sets is not None:
        campaign.standards.set(sets)
    for level in merged or ():
        row = current[level["code"]]
        row.name, row.to_name = level["name"].strip(), level["to_name"]
        save_by(row, user)
    if deadlines is not None or "application_deadline" in changes:
        for code, stage in stages.items():
            if code == StageCode.APPLICATION:
                stage.deadline = application_deadline
            elif deadlines is not None:
                stage.deadline = deadlines.get(code)
            save_by(stage, user)
    return campaign


# --- stages ------------------------------------------------------------------------------------


def withdraw_late_applications(campaign, today, user=None, closing=False):
    """Seed 002: 逾期申报的视为放弃 — the drafts and returned applications of a campaign past
    its application deadline (or whose application stage is `closing`, on or after the
    deadline: nothing can be submitted any more) become withdrawn. The number withdrawn."""
    if not closing and not rules.withdrawn_for_lateness(
        False, campaign.application_deadline, today
    ):
        return 0
    late = list(campaign.applications.filter(state__in=EDITABLE_STATES))
    for application in late:
        application.state = ApplicationState.WITHDRAWN
        application.pending_step, application.pending_org = "", None
    bulk_update_with_history(
        late, Application, ["state", "pending_step", "pending_org"], default_user=user
    )
    return len(late)


@transaction.atomic
def advance_stage(user, campaign, today=None):
    """Close the current stage and open the next one of the schedule. The application stage
    closes on its deadline or later, withdrawing what has not been submitted."""
    today = today or timezone.localdate()
    require_manage(user, campaign)
    lock(campaign, "stage", "application_deadline")
    schedule = KIND_STAGES[campaign.kind]
    if campaign.stage == schedule[-1]:
        raise ValidationError({"stage": f"已是最后阶段（{campaign.get_stage_display()}）"})
    if campaign.stage == StageCode.APPLICATION:
        if today < campaign.application_deadline:
            raise ValidationError(
                {
                    "stage": f"申报截止日期（{campaign.application_deadline:%Y-%m-%d}）之前不能结束"
                    "申报阶段；如需提前结束，请先修改申报截止日期"
                }
            )
        withdraw_late_applications(campaign, today, user, closing=True)
    return step_stage(user, campaign, closed_on=today, started_on=today)


def step_stage(user, campaign, closed_on, started_on):
    """Close the campaign's current stage on `closed_on` and open the next one of its kind's
    schedule on `started_on`. The caller has checked who acts and locked the campaign; a
    campaign built without Stage rows only moves its `stage`."""
    schedule = KIND_STAGES[campaign.kind]
    following = schedule[schedule.index(campaign.stage) + 1]
    rows = {row.code: row for row in campaign.stages.filter(code__in=[campaign.stage, following])}
    if current := rows.get(campaign.stage):
        current.closed_on = closed_on
        save_by(current, user)
    if opened := rows.get(following):
        opened.started_on = started_on
        save_by(opened, user)
    campaign.stage = following
    return save_by(campaign, user)


def close_late_applications(today=None, user=None):
    """The daily run: every campaign still in its application stage past the deadline
    withdraws its unsubmitted applications, in history as `user`'s (the system user's).
    Idempotent: a second run finds nothing left to withdraw; a run at the same time waits for
    the campaign's lock. {campaign id: number withdrawn}."""
    today = today or timezone.localdate()
    done = {}
    overdue = Campaign.objects.filter(
        stage=StageCode.APPLICATION, application_deadline__lt=today
    ).order_by("pk")
    for campaign in overdue:
        with transaction.atomic():
            lock(campaign, "stage", "application_deadline")
            if campaign.stage != StageCode.APPLICATION:
                continue  # its organiser closed the stage meanwhile
            count = withdraw_late_applications(campaign, today, user)
        if count:
            done[campaign.pk] = count
    return done


def close_late_applications_step(user, today):
    """The nightly step (grassroots.portal.nightly): close_late_applications, said in a line."""
    done = close_late_applications(today, user)
    if not done:
        return "没有逾期未提交的申报"
    return f"{len(done)}个活动共{sum(done.values())}份申报逾期未提交，视为放弃"


# --- quotas ------------------------------------------------------------------------------------


def recommending_units(campaign):
    """The organisations that may hold a quota: strictly below the organiser."""
    return Organization.objects.filter(path__startswith=campaign.organiser.path).exclude(
        pk=campaign.organiser_id
    )


@transaction.atomic
def set_quotas(user, campaign, rows):
    """Replace the campaign's quota table with `rows` ([{unit: organisation or id, level:
    level or code, quota}]): all rows or none. Rows no longer in the table are removed, their
    history kept (the table is one allocation, replaced as a whole)."""
    require_manage(user, campaign)
    lock(campaign, "stage")
    levels = {level.code: level for level in campaign.levels.all()}
    unit_ids = {getattr(row.get("unit"), "pk", row.get("unit")) for row in rows}
    units = recommending_units(campaign).in_bulk([u for u in unit_ids if isinstance(u, int)])
    errors, wanted = defaultdict(list), {}
    for number, row in enumerate(rows, start=1):
        unit_id = getattr(row.get("unit"), "pk", row.get("unit"))
        level = row.get("level")
        code = level.code if isinstance(level, AwardLevel) else level
        quota = row.get("quota")
        if unit_id not in units:
            errors["unit"].append(
                f"第{number}行：编号为{unit_id}的单位不在{campaign.organiser.name}的下级范围内"
            )
        if code not in levels:
            errors["level"].append(f"第{number}行：本活动没有称号等级“{code}”")
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            errors["quota"].append(f"第{number}行：推荐名额应为不小于0的整数")
        key = (unit_id, code)
        if unit_id in units and code in levels:
            if key in wanted:
                errors["unit"].append(
                    f"第{number}行：{units[unit_id].name}的“{levels[code].name}”名额重复填写"
                )
            wanted[key] = quota
    _raise(dict(errors))
    existing = {(q.unit_id, q.level.code): q for q in campaign.quotas.select_related("level")}
    for key, row in existing.items():
        if key not in wanted:
            row._history_user = user
            row.delete()
    for (unit_id, code), quota in wanted.items():
        row = existing.get((unit_id, code)) or Quota(
            campaign=campaign, unit=units[unit_id], level=levels[code]
        )
        row.quota = quota
        save_by(row, user)
    return len(wanted)


# --- checks and progress -----------------------------------------------------------------------


def _nominations(campaign):
    """The applications that count as nominations, as plain rows (one query)."""
    return list(
        campaign.applications.filter(state__in=NOMINATED_STATES).values(
            "unit_id", "level__code", "top_level__code", "org_id", "org_name", "org__category"
        )
    )


def with_villages_below(units):
    """`units` (organisations) annotated `has_villages`: whether their subtree holds villages
    or communities (a district, not a 工委) — the units the 60% band is judged for (seed 000
    附件1 备注)."""
    villages = Organization.objects.filter(
        path__startswith=OuterRef("path"), category__in=rules.VILLAGE_CATEGORIES
    ).exclude(pk=OuterRef("pk"))
    return units.annotate(has_villages=Exists(villages))


def _district_units(unit_ids):
    """The units by id, and the ids of those judged by the 60% band (one query)."""
    found = list(
        with_villages_below(Organization.objects.filter(pk__in=unit_ids)).only("pk", "name", "path")
    )
    return {unit.pk: unit for unit in found}, {unit.pk for unit in found if unit.has_villages}


def campaign_checks(campaign):
    """The campaign's checks (rules.Check) from the database in four queries: the surplus of
    each level's quotas, units over quota, the village and community share of district
    units, higher-level nominees not nominated for the level they are chosen from."""
    levels = list(campaign.levels.select_related("chosen_from"))
    plans = [level.plan for level in levels]
    level_names = {level.code: level.name for level in levels}
    quotas = {
        (unit, code): quota
        for unit, code, quota in campaign.quotas.values_list("unit_id", "level__code", "quota")
    }
    totals = defaultdict(int)
    for (_, code), quota in quotas.items():
        totals[code] += quota
    rows = _nominations(campaign)
    nominated, nominees, shares = defaultdict(int), defaultdict(set), {}
    for row in rows:
        for code in filter(None, (row["level__code"], row["top_level__code"])):
            nominated[(row["unit_id"], code)] += 1
            nominees[code].add(row["org_id"])
    units, districts = _district_units({unit for unit, _ in quotas} | {r["unit_id"] for r in rows})
    for row in rows:
        if row["unit_id"] in districts:
            villages, total = shares.get(row["unit_id"], (0, 0))
            village = row["org__category"] in rules.VILLAGE_CATEGORIES
            shares[row["unit_id"]] = (villages + village, total + 1)
    unit_names = {pk: unit.name for pk, unit in units.items()}
    org_names = {row["org_id"]: row["org_name"] for row in rows}
    return [
        *rules.surplus_checks(plans, totals, campaign.surplus_percent),
        *rules.over_quota_checks(quotas, nominated, unit_names, level_names),
        *rules.village_share_checks(
            shares, unit_names, campaign.village_share_percent, campaign.village_band_points
        ),
        *rules.top_not_nominated_checks(plans, nominees, org_names),
    ]


# Recommending units by level, then as registered (seed 000 附件1 lists them so); a path
# sorts "/1/10/" before "/1/2/".
UNIT_ORDER = ("depth", "pk")
PROGRESS_COLUMNS = (
    ("nominated", "推荐"),
    ("forwarded", "上报"),
    ("reviewed", "审核"),
    ("inspected", "考察"),
    ("surveyed", "测评"),
    ("named", "命名"),
)


def unit_progress(campaign):
    """Per recommending unit (those with a quota or an application), in UNIT_ORDER: its
    quota per level code and how many of its applications are nominated, forwarded by the
    unit (排序上报), reviewed by the organiser, inspected, surveyed and named. Three queries."""
    applications = campaign.applications.all()
    reviewed = ReviewOpinion.objects.filter(application=OuterRef("pk"), step=ChainStep.ORGANISER)
    inspected = Inspection.objects.filter(
        application=OuterRef("pk"), state=InspectionState.RECORDED
    )
    surveyed = SurveyTally.objects.filter(campaign=campaign, org=OuterRef("org")).filter(
        Q(satisfied__gt=0) | Q(basically_satisfied__gt=0) | Q(dissatisfied__gt=0)
    )
    named = Title.objects.filter(campaign=campaign, org=OuterRef("org"))
    counts = {
        row["unit"]: row
        for row in applications.values("unit").annotate(
            nominated=Count("pk", filter=Q(state__in=NOMINATED_STATES)),
            forwarded=Count("pk", filter=Q(forwarded_on__isnull=False)),
            reviewed=Count("pk", filter=Q(Exists(reviewed))),
            inspected=Count("pk", filter=Q(Exists(inspected))),
            surveyed=Count("pk", filter=Q(Exists(surveyed))),
            named=Count("pk", filter=Q(Exists(named)) | Q(state=ApplicationState.NAMED)),
        )
    }
    quotas = defaultdict(dict)
    for unit, code, quota in campaign.quotas.values_list("unit_id", "level__code", "quota"):
        quotas[unit][code] = quota
    units = Organization.objects.filter(pk__in=set(quotas) | set(counts)).order_by(*UNIT_ORDER)
    progress = []
    for unit in units.only("pk", "name", "short_name", "path"):
        row = counts.get(unit.pk, {})
        progress.append(
            {
                "unit": unit,
                "quotas": quotas.get(unit.pk, {}),
                **{name: row.get(name, 0) for name, _ in PROGRESS_COLUMNS},
            }
        )
    return progress
