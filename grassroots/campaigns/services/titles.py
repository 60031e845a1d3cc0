"""The decision and the titles it names, their life after naming, and the filing register.

Who acts: the decision, spot checks, warnings, re-reviews and revocation are the organiser's
collective acts (部务会审定, 预警提示, 取消命名), recorded by a reviewer of the organiser (the
approve permission over it), as reviews are; a clerk's edit permission is not enough to name
or revoke. A filing row is entered by a clerk of the recommending unit (填报单位).

Nothing is deleted: a revoked title stays in the register as revoked, a filing row is
withdrawn (seed 000 四（四）: 实行动态管理; seed 002: 撤销党建示范基地称号).
"""

import datetime
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from grassroots.assessments import rules as assessment_rules
from grassroots.assessments.choices import TaskStatus
from grassroots.assessments.models import InspectionSample
from grassroots.assessments.services import may_sample, open_task, sample_terms
from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.concurrency import lock
from grassroots.core.history import save_by
from grassroots.core.identifiers import mask_phone, phone_error
from grassroots.orglife.services import current_secretary
from grassroots.orgs.models import Organization

from .. import rules
from ..choices import (
    KIND_STAGES,
    ApplicationState,
    CampaignKind,
    InspectionState,
    ReReviewResult,
    StageCode,
    TitleState,
)
from ..models import (
    Application,
    Campaign,
    Decision,
    Filing,
    Inspection,
    Quota,
    ReReview,
    Title,
    TitleWarning,
)
from .campaigns import step_stage, with_villages_below

WARNING_SOURCE = "示范称号预警"
NOT_ORGANISER = "只有组织单位的审核人可以办理"
# Applications that count as "applying this year" for the filing register (seed 000 四（三）).
NOT_APPLYING = (ApplicationState.REJECTED, ApplicationState.WITHDRAWN)


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def may_decide(user, campaign):
    """A reviewer of the organiser (or above) records its decisions."""
    return can(user, Permission.APPROVE, campaign.organiser)


def _require_organiser(user, campaign, field="campaign"):
    if not may_decide(user, campaign):
        raise ValidationError({field: NOT_ORGANISER})


def _today(today):
    return today or timezone.localdate()


# --- the decision and naming ------------------------------------------------------------------


def certificate_prefix(level, year):
    """ "2026-示范-": the year and the first two characters of the title's name."""
    return f"{year}-{level.name[:2]}-"


def next_certificate_numbers(prefix, count):
    """`count` numbers after the highest one issued under `prefix`: 2026-示范-0001, …"""
    issued = Title.objects.filter(certificate_number__startswith=prefix).values_list(
        "certificate_number", flat=True
    )
    highest = max((int(n[len(prefix) :]) for n in issued if n[len(prefix) :].isdigit()), default=0)
    return [f"{prefix}{highest + i:04d}" for i in range(1, count + 1)]


def _eligible(campaign):
    """The campaign's applications that may be named: approved (拟命名对象), an upheld
    objection having turned its candidate REMOVED."""
    return {
        a.pk: a
        for a in Application.objects.filter(
            campaign=campaign, state=ApplicationState.APPROVED
        ).select_related("org", "level", "top_level")
    }


def naming_errors(levels, names, eligible):
    """What is wrong with the list `names` ({level code: [application ids]}): a level not of
    the campaign, an application not approved, more than the number to name, a higher
    level's name not nominated for it or not named at the level it is chosen from."""
    by_code = {level.code: level for level in levels}
    errors = []
    unknown = sorted(set(names) - set(by_code))
    if unknown:
        errors.append(f"本次创建没有代码为 {'、'.join(unknown)} 的称号")
    for level in levels:
        chosen = names.get(level.code, [])
        if len(set(chosen)) != len(chosen):
            errors.append(f"“{level.name}”名单中有重复的对象")
        if len(set(chosen)) > level.to_name:
            errors.append(f"“{level.name}”拟命名{level.to_name}个，名单有{len(set(chosen))}个")
        lower = set(names.get(level.chosen_from.code, [])) if level.chosen_from_id else set()
        for pk in chosen:
            application = eligible.get(pk)
            if application is None:
                errors.append(f"编号为 {pk} 的申报不是本次创建的拟命名对象")
            elif level.chosen_from_id is None and application.level_id != level.pk:
                errors.append(f"{application.org_name}申报的不是“{level.name}”")
            elif level.chosen_from_id is not None and application.top_level_id != level.pk:
                errors.append(f"{application.org_name}未被推荐为“{level.name}”")
            elif level.chosen_from_id is not None and pk not in lower:
                errors.append(
                    f"{application.org_name}不在“{level.chosen_from.name}”命名名单中，"
                    f"不能命名为“{level.name}”"
                )
    return errors


@transaction.atomic
def record_decision(
    user, campaign, decided_on, body, named_on, document_number="", note="", names=None
):
    """Record the meeting that decides the list and name it: a title per application and
    level (valid `validity_years` from `named_on`, with re-reviews every
    `review_every_years`), the named applications NAMED and the other approved ones
    NOT_NAMED, and the campaign moved on to its naming stage (`naming_from`). All or
    nothing: one error and nothing is saved."""
    campaign = lock(campaign, "stage")
    _require_organiser(user, campaign)
    names = {code: [int(pk) for pk in ids] for code, ids in (names or {}).items()}
    errors = {}
    if campaign.kind == CampaignKind.FILING:
        errors["campaign"] = "备案登记不命名称号"
    elif campaign.stage not in (naming_from(campaign), StageCode.NAMING):
        errors["campaign"] = f"创建活动尚未进入{StageCode(naming_from(campaign)).label}阶段"
    if Decision.objects.filter(campaign=campaign).exists():
        errors["campaign"] = "本次创建已有审定记录"
    if not (body or "").strip():
        errors["body"] = "请填写审定会议"
    if decided_on and named_on and named_on < decided_on:
        errors["named_on"] = "命名日期不能早于审定日期"
    if decided_on and decided_on > timezone.localdate():
        errors["decided_on"] = "审定日期不能晚于今天"
    _raise(errors)
    levels = list(campaign.levels.select_related("chosen_from").order_by("order", "pk"))
    eligible = _eligible(campaign)
    problems = naming_errors(levels, names, eligible)
    if not any(names.get(level.code) for level in levels):
        problems.append("请至少命名一个对象")
    if problems:
        raise ValidationError({"names": problems})
    decision = save_by(
        Decision(
            campaign=campaign,
            decided_on=decided_on,
            body=body.strip(),
            named_on=named_on,
            document_number=(document_number or "").strip(),
            note=(note or "").strip(),
            recorded_by=user,
        ),
        user,
    )
    valid_until = rules.valid_until(named_on, campaign.validity_years)
    titles = []
    for level in levels:
        chosen = names.get(level.code, [])
        numbers = next_certificate_numbers(certificate_prefix(level, named_on.year), len(chosen))
        for pk, number in zip(chosen, numbers, strict=True):
            application = eligible[pk]
            titles.append(
                Title(
                    org=application.org,
                    campaign=campaign,
                    level=level,
                    application=application,
                    org_name=application.org_name,
                    named_on=named_on,
                    valid_until=valid_until,
                    certificate_number=number,
                )
            )
    titles = bulk_create_with_history(titles, Title, default_user=user)
    if campaign.review_every_years:
        schedule_re_reviews(user, campaign, titles)
    named = {pk for chosen in names.values() for pk in chosen}
    for application in eligible.values():
        application.state = (
            ApplicationState.NAMED if application.pk in named else ApplicationState.NOT_NAMED
        )
    bulk_update_with_history(list(eligible.values()), Application, ["state"], default_user=user)
    if campaign.stage != StageCode.NAMING:
        # The stage before naming ends with the decision: the meeting's day for 审定, the
        # naming day for base's 公示 (seed 002: 公示无异议的…授牌); naming opens on its day.
        closed_on = decided_on if campaign.stage == StageCode.DECISION else named_on
        step_stage(user, campaign, closed_on=closed_on, started_on=named_on)
    return decision


def naming_from(campaign):
    """The stage in which a campaign's list is decided and named: the one before naming in
    its kind's schedule — 审定, or for a base campaign its 公示 (seed 002: 会议审定 → 公示 →
    公示无异议的，…印发命名通知，并进行授牌: the titles follow the notice)."""
    schedule = KIND_STAGES[campaign.kind]
    return schedule[schedule.index(StageCode.NAMING) - 1]


def term_re_reviews(campaign, title, after=None):
    """The re-reviews of `title` due after `after` (all when None) up to the day after its
    term ends, on the anniversaries of its naming (seed 002 gives both the term and the
    review cycle as 3 years, 每三年…复查: the review at the end of the term is the one that
    renews it)."""
    dates = rules.review_dates(
        title.named_on, campaign.review_every_years, title.valid_until + datetime.timedelta(days=1)
    )
    return [ReReview(title=title, due_on=day) for day in dates if after is None or day > after]


def schedule_re_reviews(user, campaign, titles):
    reviews = [r for title in titles for r in term_re_reviews(campaign, title)]
    bulk_create_with_history(reviews, ReReview, default_user=user)


# --- after naming -----------------------------------------------------------------------------


def standing(title, today=None):
    """What the register shows a title as: 已撤销, 预警整改中, 已过期, 有效."""
    today = _today(today)
    if title.state == TitleState.REVOKED:
        return "revoked"
    if title.valid_until < today:
        return "expired"
    if title.state == TitleState.WARNED:
        return "warned"
    return "current"


STANDING_LABELS = {
    "current": "有效",
    "expiring": "即将到期",
    "expired": "已过期",
    "warned": "预警整改中",
    "revoked": "已撤销",
}


def _require_title_organiser(user, title):
    _require_organiser(user, title.campaign, "title")


@transaction.atomic
def complete_re_review(user, re_review, result, note="", done_on=None, today=None):
    """Record a re-review's result (复查合格 / 限期整改) and what was found. A pass of the
    re-review at the end of the title's term (`rules.renews_term`) renews the term from the
    old end (`rules.renewed_until`) and schedules the next term's re-reviews; 限期整改
    leaves the term as it is (the organiser warns: `warn_title`)."""
    today = _today(today)
    re_review = lock(re_review, "done_on", "result")
    title = lock(re_review.title, "state", "valid_until")
    _require_title_organiser(user, title)
    errors = {}
    if re_review.done_on:
        errors["re_review"] = "该复查已完成"
    elif title.state == TitleState.REVOKED:
        errors["re_review"] = "称号已撤销，无需复查"
    if result not in ReReviewResult.values:
        errors["result"] = "请选择复查结论"
    note = (note or "").strip()
    if result == ReReviewResult.RECTIFY and not note:
        errors["note"] = "限期整改的，请写明复查发现的问题"
    done_on = done_on or today
    if done_on > today:
        errors["done_on"] = "复查日期不能晚于今天"
    elif done_on < title.named_on:
        errors["done_on"] = "复查日期不能早于命名日期"
    _raise(errors)
    re_review.result, re_review.note = result, note
    re_review.done_on, re_review.done_by = done_on, user
    save_by(re_review, user)
    if result == ReReviewResult.PASSED and rules.renews_term(re_review.due_on, title.valid_until):
        renew_term(user, title)
    return re_review


def renew_term(user, title):
    """Seed 002: 有效期为3年 and 每三年…进行一次复查 — a title that passes the re-review at the
    end of its term stays valid for the next term, counted from the old end so that a
    re-review done early or late does not move the cycle (docs/decisions/0027)."""
    campaign = title.campaign
    ended = title.valid_until
    title.valid_until = rules.renewed_until(title.named_on, ended, campaign.validity_years)
    save_by(title, user)
    if campaign.review_every_years:
        reviews = term_re_reviews(campaign, title, after=ended + datetime.timedelta(days=1))
        bulk_create_with_history(reviews, ReReview, default_user=user)


def current_titles(titles, today=None):
    """Titles valid today: not revoked, within their term."""
    today = _today(today)
    return titles.exclude(state=TitleState.REVOKED).filter(
        named_on__lte=today, valid_until__gte=today
    )


def _team(team, organiser):
    users = list(team or [])
    if not users:
        return None, "请选择检查组成员"
    for member in users:
        if not member.is_active or not can(member, Permission.VIEW, organiser):
            return None, f"{member.get_username()}不能查看组织单位的称号，不能加入检查组"
    return users, None


@transaction.atomic
def draw_spot_check(
    user, campaign_or_organiser, share, seed=None, team=(), due_on=None, today=None
):
    """A reproducible random sample (`assessments.rules.draw_sample`) of the organisations
    holding a current title of a campaign, or of every campaign of an organiser (seed 000
    四（四）: 随机抽查). The seed, the share and the population are recorded as an inspection
    sample; each organisation drawn gets an inspection of its title by the team."""
    today = _today(today)
    if isinstance(campaign_or_organiser, Campaign):
        campaign, organiser = campaign_or_organiser, campaign_or_organiser.organiser
        titles = Title.objects.filter(campaign=campaign)
    else:
        campaign, organiser = None, campaign_or_organiser
        titles = Title.objects.filter(campaign__organiser=organiser)
    errors = {}
    if not may_sample(user, organiser):
        errors["campaign"] = "只有组织单位的审核人或管理员可以抽查"
    share, seed = sample_terms(share, seed, errors)
    if due_on is not None and due_on < today:
        errors["due_on"] = "检查期限不能早于今天"
    members, message = _team(team, organiser)
    if message:
        errors["team"] = message
    _raise(errors)
    # One title an organisation (its lowest level): it is the organisation that is visited.
    held = {}
    for title in (
        current_titles(titles, today).select_related("level").order_by("level__order", "pk")
    ):
        held.setdefault(title.org_id, title)
    population = sorted(held)
    if not population:
        raise ValidationError({"campaign": "没有在有效期内的称号可供抽查"})
    sample = save_by(
        InspectionSample(
            org=organiser,
            year=today.year,
            share=share,
            seed=seed,
            population=population,
            drawn=assessment_rules.draw_sample(population, share, seed),
            drawn_by=user,
        ),
        user,
    )
    for org_id in sample.drawn:
        inspection = save_by(
            Inspection(
                org_id=org_id,
                sample=sample,
                title=held[org_id],
                assigned_by_org=organiser,
                assigned_by=user,
                due_on=due_on,
                state=InspectionState.ASSIGNED,
            ),
            user,
        )
        inspection.team.set(members)
    return sample


def open_warning(title):
    """The warning being rectified (the latest one), or None."""
    if title.state != TitleState.WARNED:
        return None
    return title.warnings.select_related("task").order_by("-issued_on", "-pk").first()


@transaction.atomic
def warn_title(user, title, reason, deadline, today=None):
    """A warning (预警提示, seed 000 四（四）) with a rectification task of the assessment
    module due by `deadline`; the title is WARNED until the task is done and the warning
    lifted, or revoked."""
    today = _today(today)
    title = lock(title, "state")
    _require_title_organiser(user, title)
    errors = {}
    if title.state == TitleState.REVOKED:
        errors["title"] = "称号已撤销"
    elif title.state == TitleState.WARNED:
        errors["title"] = "该称号已在预警整改中"
    elif title.valid_until < today:
        errors["title"] = "称号已过有效期"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写预警原因"
    if deadline is None:
        errors["deadline"] = "请填写整改期限"
    elif deadline < today:
        errors["deadline"] = "整改期限不能早于今天"
    _raise(errors)
    task = open_task(
        user,
        title.org,
        source=WARNING_SOURCE,
        description=f"{title.level.name}预警整改：{reason}",
        deadline=deadline,
        today=today,
    )
    warning = save_by(
        TitleWarning(title=title, issued_on=today, reason=reason, task=task, issued_by=user), user
    )
    title.state = TitleState.WARNED
    save_by(title, user)
    return warning


@transaction.atomic
def lift_warning(user, title):
    """The rectification is done: the title is current again."""
    title = lock(title, "state")
    _require_title_organiser(user, title)
    warning = open_warning(title)
    if warning is None:
        raise ValidationError({"title": "该称号不在预警整改中"})
    if warning.task.status != TaskStatus.DONE:
        raise ValidationError({"title": "整改任务尚未完成，不能解除预警"})
    title.state = TitleState.CURRENT
    return save_by(title, user)


def revocation_error(title, without_warning, today):
    """Seed 000: 发出预警提示，整改效果仍达不到标准的将取消命名; seed 002: 限期整改；整改效果
    不明显的，撤销. A warned title may be revoked once its deadline has passed unmet or its
    rectification is judged insufficient after it was done; before that, only with an
    explicit reason for revoking without the warning."""
    if title.state == TitleState.REVOKED:
        return "称号已撤销"
    if without_warning:
        return None
    warning = open_warning(title)
    if warning is None:
        return "称号尚未预警整改；未经预警直接撤销的，请勾选并写明理由"
    task = warning.task
    if task.status != TaskStatus.DONE and task.deadline >= today:
        return f"整改期限（{task.deadline:%Y-%m-%d}）未到；提前撤销的，请勾选并写明理由"
    return None


@transaction.atomic
def revoke_title(user, title, reason, revoked_on=None, without_warning=False, today=None):
    """Revoke a title (取消命名 / 撤销称号) with its reason and date; it stays in the
    register as revoked."""
    today = _today(today)
    title = lock(title, "state")
    _require_title_organiser(user, title)
    errors = {}
    refusal = revocation_error(title, without_warning, today)
    if refusal:
        errors["title"] = refusal
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写撤销原因"
    revoked_on = revoked_on or today
    if revoked_on > today:
        errors["revoked_on"] = "撤销日期不能晚于今天"
    elif revoked_on < title.named_on:
        errors["revoked_on"] = "撤销日期不能早于命名日期"
    _raise(errors)
    title.state = TitleState.REVOKED
    title.revoked_on, title.revoked_by = revoked_on, user
    title.revoked_reason = f"未经预警整改直接撤销：{reason}" if without_warning else reason
    return save_by(title, user)


# --- the filing register ----------------------------------------------------------------------


def unit_quotas(campaign):
    """{unit id: quota}: a filing campaign's quota rows added up per unit."""
    totals = defaultdict(int)
    for unit_id, quota in Quota.objects.filter(campaign=campaign).values_list("unit_id", "quota"):
        totals[unit_id] += quota
    return dict(totals)


def may_file(user, unit):
    return can(user, Permission.EDIT, unit)


def filing_refusal_of(org, campaign, today=None):
    """Seed 000 四（三）: no filing of an organisation named (a valid title of a naming
    campaign) or applying to a naming campaign this year."""
    today = _today(today)
    named = current_titles(
        Title.objects.filter(org=org, campaign__kind=CampaignKind.NAMING), today
    ).exists()
    applying = (
        Application.objects.filter(
            org=org, campaign__kind=CampaignKind.NAMING, campaign__year=campaign.year
        )
        .exclude(state__in=NOT_APPLYING)
        .exists()
    )
    return rules.filing_refusal(named_and_valid=named, applying_this_year=applying)


@transaction.atomic
def file_org(
    user, campaign, unit, org, covered_people=None, address="", phone="", leader="", today=None
):
    """A row of the filing register (seed 000 附件3) for a recommending unit: the
    organisation's name, type (its field), members (its count now), covered people, leader
    (the secretary unless given), phone and address. Refused over the unit's quota, for an
    organisation outside the unit, already filed, named or applying this year."""
    today = _today(today)
    errors = {}
    if campaign.kind != CampaignKind.FILING:
        raise ValidationError({"campaign": "该创建活动不是示范点备案登记"})
    if not may_file(user, unit):
        raise ValidationError({"unit": "只有填报单位的党务工作者可以备案登记"})
    quotas = list(Quota.objects.select_for_update().filter(campaign=campaign, unit=unit))
    if not quotas:
        raise ValidationError({"unit": "该单位没有备案名额"})
    quota = sum(q.quota for q in quotas)
    if not org.path.startswith(unit.path) or org.pk == unit.pk:
        errors["org"] = "只能备案本单位所属的党组织"
    elif not org.is_active:
        errors["org"] = "该党组织已撤销"
    elif Filing.objects.filter(campaign=campaign, org=org, withdrawn=False).exists():
        errors["org"] = "该党组织已备案"
    elif refusal := filing_refusal_of(org, campaign, today):
        errors["org"] = refusal
    filed = Filing.objects.filter(campaign=campaign, unit=unit, withdrawn=False).count()
    if filed >= quota:
        errors["unit"] = f"{unit.name}备案名额{quota}个，已备案{filed}个，不能再备案"
    if covered_people is not None and covered_people < 0:
        errors["covered_people"] = "覆盖群众人数不能为负数"
    phone = (phone or "").strip()
    if phone and (message := phone_error(phone)):
        errors["phone"] = message
    leader = (leader or "").strip()
    if not leader and "org" not in errors:
        secretary = current_secretary(org)
        leader = secretary.name if secretary else ""
        if not leader:
            errors["leader"] = "该党组织没有登记书记，请填写党组织负责人"
    _raise(errors)
    filing = Filing(
        campaign=campaign,
        unit=unit,
        org=org,
        org_name=org.name,
        org_type=org.get_category_display(),
        member_count=org.member_count,
        covered_people=covered_people,
        leader=leader,
        phone=phone,
        address=(address or "").strip(),
        filed_by=user,
    )
    return save_by(filing, user)


@transaction.atomic
def withdraw_filing(user, filing):
    """Take a row off the register; it stays, withdrawn, and frees its place."""
    filing = lock(filing, "withdrawn")
    if not may_file(user, filing.unit):
        raise ValidationError({"unit": "只有填报单位的党务工作者可以撤回备案"})
    if filing.withdrawn:
        raise ValidationError({"filing": "该备案已撤回"})
    filing.withdrawn = True
    return save_by(filing, user)


def filing_units(campaign, filings):
    """Per unit with a quota, in unit order: the quota, the rows filed (not withdrawn), of
    which villages and communities (the organisations' fields now), and whether its field
    holds villages or communities at all (the districts of seed 000, whose 60% rule is for
    区（市）县, not for the 工委 of organs, schools or enterprises); three queries."""
    quotas = unit_quotas(campaign)
    counts = {
        row["unit_id"]: row
        for row in filings.filter(withdrawn=False)
        .order_by()
        .values("unit_id")
        .annotate(
            filed=Count("pk"),
            villages=Count("pk", filter=Q(org__category__in=rules.VILLAGE_CATEGORIES)),
        )
    }
    units = with_villages_below(Organization.objects.filter(pk__in=quotas)).order_by("path")
    rows = []
    for unit in units:
        found = counts.get(unit.pk, {})
        rows.append(
            {
                "unit": unit,
                "quota": quotas[unit.pk],
                "filed": found.get("filed", 0),
                "villages": found.get("villages", 0),
                "rural": unit.has_villages,
            }
        )
    return rows


def filing_checks(campaign, rows):
    """The village-share warnings of the units of `rows` (of `filing_units`) whose field
    holds villages or communities (seed 000 附件1 备注: 村（社区）按60%的比例把握)."""
    nominations = {row["unit"].pk: (row["villages"], row["filed"]) for row in rows if row["rural"]}
    names = {row["unit"].pk: row["unit"].name for row in rows}
    return rules.village_share_checks(
        nominations, names, campaign.village_share_percent, campaign.village_band_points
    )


def shown_phone(user, filing):
    """A filing's phone: in full to those who may see personal data over the organisation
    (it may be the leader's mobile), masked to others (`core.identifiers.mask_phone`)."""
    if Scope.of(user).covers(Permission.PERSONAL_DATA, filing.org.path):
        return filing.phone
    return mask_phone(filing.phone)


def register_heading(campaign):
    """ "“蓉城先锋”基层党组织示范建设备案登记表（2020年）": the campaign's brand, the first
    “…” of its title, as seed 000 附件3 names it."""
    found = re.search(r"“([^”]+)”", campaign.title)
    brand = f"“{found.group(1)}”" if found else ""
    return f"{brand}基层党组织示范建设备案登记表（{campaign.year}年）"
