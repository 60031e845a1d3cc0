"""Applications (申报表, seed 000 附件2), their review chain, the recommending unit's ranking
(排序上报) and inspections (考察 / 实地考核, seed 002; the yearly 体检式检查 of seed 003).

States: draft → in_review (one opinion per step of `chain`) → recommended (the unit agreed;
waiting for its ranking) → in_review at the organiser → approved; any step may return
(returned → corrected and resubmitted, starting again at the step that returned it) or
reject. RULES.md "Demonstration campaigns".
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grassroots.assessments import services as assessment_services
from grassroots.assessments.models import Assessment
from grassroots.assessments.rules import EVIDENCE_FILES
from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.history import save_by
from grassroots.core.uploads import receive_upload
from grassroots.orglife.services import current_secretary
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Organization
from grassroots.orgs.services import require_edit

from .. import rules
from ..choices import (
    EDITABLE_STATES,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionMethod,
    InspectionState,
    Opinion,
    StageCode,
    TitleState,
)
from ..models import (
    Application,
    ApplicationFile,
    Filing,
    Inspection,
    InspectionFinding,
    Quota,
    ReviewOpinion,
    Title,
)

# Seed 000 附件2 填表说明: 镇（街道）党（工）委, 机关党委, 学校党委, 国企党委 — the committees
# and the 工委/党工委 the registry records as departments.
BASIC_COMMITTEE_KINDS = (OrgKind.DEPARTMENT, OrgKind.COMMITTEE)
FINDING_SOURCE = "考察发现"
NOT_REVIEWER = "您不是该申报当前审核环节的审核人"
NOT_TEAM = "只有考察组成员可以录入考察情况"


class DeadlinePassed(ValidationError):
    """Applying or submitting after the application deadline (the API answers 409
    DEADLINE_PASSED; a page shows the message)."""

    api_code = "DEADLINE_PASSED"

    def __init__(self, message):
        super().__init__({"campaign": message})


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _clean_reason(reason):
    # A browser sends a textarea's line breaks as CRLF but counts them as one character.
    return (reason or "").replace("\r\n", "\n").strip()


# --- reading the tree ---------------------------------------------------------------------------


def recommending_unit(campaign, org):
    """The nearest organisation above `org` that holds a quota in the campaign, or None."""
    above = org.ancestor_ids()
    units = set(
        Quota.objects.filter(campaign=campaign, unit_id__in=above).values_list("unit_id", flat=True)
    )
    nearest = next((pk for pk in reversed(above) if pk in units), None)
    return Organization.objects.get(pk=nearest) if nearest else None


def chain_for(campaign, org, unit):
    """The review steps of an application of `org` recommended by `unit`, as [[step, org id]]."""
    kinds = dict(
        Organization.objects.filter(pk__in=[*org.ancestor_ids(), org.pk]).values_list("pk", "kind")
    )
    path = [
        rules.PathNode(pk, kinds[pk] in BASIC_COMMITTEE_KINDS)
        for pk in [*org.ancestor_ids(), org.pk]
    ]
    return [[step, pk] for step, pk in rules.review_chain(path, unit.pk, campaign.organiser_id)]


def leader_of(org):
    secretary = current_secretary(org)
    return secretary.name if secretary else ""


def location_of(org):
    return org.parent.name if org.parent_id else ""


def refusal(campaign, org, today):
    """Why `org` may not apply to the campaign (rules.application_refusal), or None."""
    titles = Title.objects.filter(org=org, campaign__kind=campaign.kind).exclude(
        state=TitleState.REVOKED
    )
    return rules.application_refusal(
        applied_to_campaign=Application.objects.filter(campaign=campaign, org=org).exists(),
        holds_valid_title_of_kind=titles.filter(
            named_on__lte=today, valid_until__gte=today
        ).exists(),
        filed_this_year=Filing.objects.filter(
            org=org,
            campaign__kind=CampaignKind.FILING,
            campaign__year=campaign.year,
            withdrawn=False,
        ).exists(),
    )


def _require_open(campaign, today):
    if campaign.stage != StageCode.APPLICATION:
        raise DeadlinePassed(f"本次创建已进入{campaign.get_stage_display()}阶段，不再受理申报")
    if today > campaign.application_deadline:
        deadline = campaign.application_deadline
        raise DeadlinePassed(f"申报已于{deadline:%Y年%-m月%-d日}截止")


def _top_level_error(campaign, level, top_level):
    if top_level is None:
        return None
    if top_level.campaign_id != campaign.pk or top_level.chosen_from_id != level.pk:
        return f"“{top_level}”不从“{level}”推荐对象中产生"
    return None


# --- applying -----------------------------------------------------------------------------------


@transaction.atomic
def start_application(user, campaign, org, level, reason="", top_level=None, today=None):
    """Open an application of `org` for `level`, its name, leader (the current secretary),
    category and location filled in from the registry."""
    today = today or timezone.localdate()
    require_edit(user, org)
    _require_open(campaign, today)
    errors = {}
    if level.campaign_id != campaign.pk:
        errors["level"] = "该称号不属于本次创建"
    elif message := _top_level_error(campaign, level, top_level):
        errors["top_level"] = message
    reason = _clean_reason(reason)
    if reason and (message := rules.reason_error(reason)):
        errors["reason"] = message
    unit = recommending_unit(campaign, org)
    if unit is None:
        errors["org"] = "该党组织不在本次创建任何推荐单位的范围内"
    elif not org.is_active:
        errors["org"] = "该党组织已撤销"
    elif message := refusal(campaign, org, today):
        errors["org"] = message
    _raise(errors)
    application = Application(
        campaign=campaign,
        org=org,
        unit=unit,
        level=level,
        top_level=top_level,
        org_name=org.name,
        leader=leader_of(org),
        category=org.get_category_display(),
        location=location_of(org),
        reason=reason,
        chain=chain_for(campaign, org, unit),
        created_by=user,
    )
    # The unique constraint holds "one application an organisation" under concurrent
    # requests: the loser's IntegrityError is answered as 400.
    return save_by(application, user)


def _require_editable(user, application):
    require_edit(user, application.org)
    if application.state not in EDITABLE_STATES:
        raise ValidationError(
            {"state": f"申报{application.get_state_display()}，只有草稿或退回修改时可以修改"}
        )


EDITABLE_FIELDS = ("leader", "category", "location", "reason", "top_level")


@transaction.atomic
def update_application(user, application, **changes):
    """Change the form's fields (EDITABLE_FIELDS) of a draft or returned application."""
    _require_editable(user, application)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "该项不能修改"})
    errors = {}
    if "reason" in changes:
        changes["reason"] = _clean_reason(changes["reason"])
        if message := rules.reason_error(changes["reason"]):
            errors["reason"] = message
    if "top_level" in changes and (
        message := _top_level_error(application.campaign, application.level, changes["top_level"])
    ):
        errors["top_level"] = message
    for name in ("leader", "category", "location"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
            if not changes[name]:
                errors[name] = f"请填写{Application._meta.get_field(name).verbose_name}"
    _raise(errors)
    for name, value in changes.items():
        setattr(application, name, value)
    return save_by(application, user)


@transaction.atomic
def attach_file(user, application, upload):
    """Add an evidence file (a photo or PDF) to a draft or returned application."""
    _require_editable(user, application)
    name, _ = receive_upload(upload, EVIDENCE_FILES, "file")
    return save_by(
        ApplicationFile(application=application, file=upload, name=name, uploaded_by=user), user
    )


@transaction.atomic
def remove_file(user, evidence):
    """Take a file off the application: hidden, never deleted."""
    _require_editable(user, evidence.application)
    if evidence.removed:
        raise ValidationError({"file": "该文件已移除"})
    evidence.removed = True
    return save_by(evidence, user)


@transaction.atomic
def attach_self_assessment(user, application, assessment=None, standard_set=None, today=None):
    """Attach the organisation's self-assessment of the campaign's year against one of the
    campaign's standard sets: the one given, the one it has, or one started here."""
    _require_editable(user, application)
    campaign = application.campaign
    sets = list(campaign.standards.all())
    if assessment is None:
        assessment = (
            Assessment.objects.filter(
                org=application.org, year=campaign.year, standard_set__in=sets
            ).first()
            if standard_set is None
            else None
        )
    if assessment is None:
        if standard_set is None:
            raise ValidationError({"standard_set": "请选择本次创建的对照标准发起自评"})
        if standard_set not in sets:
            raise ValidationError({"standard_set": "请选择本次创建的对照标准"})
        assessment = assessment_services.start_assessment(
            user, application.org, standard_set, campaign.year, today=today
        )
    elif (
        assessment.org_id != application.org_id
        or assessment.year != campaign.year
        or assessment.standard_set not in sets
    ):
        raise ValidationError(
            {"self_assessment": f"请选择本组织{campaign.year}年度对照本次创建标准的自评"}
        )
    application.self_assessment = assessment
    return save_by(application, user)


# --- the review chain ---------------------------------------------------------------------------


def _lock(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=application.pk)
    )


def _set_pending(application, index):
    if index is None:
        application.pending_step, application.pending_org_id = "", None
    else:
        application.pending_step, application.pending_org_id = application.chain[index]


@transaction.atomic
def submit_application(user, application, today=None):
    """Submit (or, after a return, resubmit) for review: the chain is fixed from the tree
    as it is now, and the application waits at its first step — after a return, at the step
    that returned it."""
    today = today or timezone.localdate()
    application = _lock(application)
    _require_editable(user, application)
    returned = application.state == ApplicationState.RETURNED
    if not returned:
        # A returned application was filed in time; only a first submission is late.
        _require_open(application.campaign, today)
    _raise({"reason": message} if (message := rules.reason_error(application.reason)) else {})
    application.chain = chain_for(application.campaign, application.org, application.unit)
    start = 0
    if returned:
        last = application.opinions.filter(opinion=Opinion.RETURN).order_by("-pk").first()
        steps = [step for step, _ in application.chain]
        start = steps.index(last.step) if last and last.step in steps else 0
    _set_pending(application, start)
    application.state = ApplicationState.IN_REVIEW
    application.submitted_on = today
    return save_by(application, user)


def can_edit(user, application):
    return can(user, Permission.EDIT, application.org)


def may_review(user, application):
    return bool(application.pending_org_id) and can(
        user, Permission.APPROVE, application.pending_org.path
    )


def awaiting_opinion(user):
    """Applications waiting at a step of an organisation `user` approves for."""
    return Application.objects.filter(state=ApplicationState.IN_REVIEW).filter(
        Scope.of(user).q(Permission.APPROVE, "pending_org__path")
    )


def awaiting_ranking(user):
    """Applications a unit `user` approves for agreed to and has still to rank."""
    return Application.objects.filter(state=ApplicationState.RECOMMENDED).filter(
        Scope.of(user).q(Permission.APPROVE, "unit__path")
    )


@transaction.atomic
def give_opinion(user, application, opinion, text, signed_on=None):
    """The opinion of the step the application waits at, signed by `user`: agree moves it
    on, return sends it back for correction, reject ends it."""
    signed_on = signed_on or timezone.localdate()
    application = _lock(application)
    if application.state != ApplicationState.IN_REVIEW or not application.pending_step:
        raise ValidationError({"state": f"申报{application.get_state_display()}，不在审核中"})
    if not may_review(user, application):
        raise ValidationError({"opinion": NOT_REVIEWER})
    text = (text or "").strip()
    errors = {}
    if opinion not in Opinion.values:
        errors["opinion"] = "意见应为同意、退回修改或不同意"
    elif not text:
        errors["text"] = "请填写审核意见" if opinion == Opinion.AGREE else "请说明理由"
    if signed_on > timezone.localdate():
        errors["signed_on"] = "签字日期不能晚于今天"
    _raise(errors)
    step = application.pending_step
    save_by(
        ReviewOpinion(
            application=application,
            step=step,
            org_id=application.pending_org_id,
            opinion=opinion,
            text=text,
            signed_by=user,
            signed_on=signed_on,
        ),
        user,
    )
    steps = [s for s, _ in application.chain]
    index = steps.index(step)
    following = steps[index + 1] if index + 1 < len(steps) else None
    if opinion == Opinion.RETURN:
        application.state = ApplicationState.RETURNED
        _set_pending(application, None)
    elif opinion == Opinion.REJECT:
        application.state = ApplicationState.REJECTED
        _set_pending(application, None)
    elif following is None:
        application.state = ApplicationState.APPROVED
        _set_pending(application, None)
    elif step == ChainStep.UPPER_COMMITTEE and following == ChainStep.ORGANISER:
        # Seed 000 三（二）: the unit ranks what it agreed and forwards at most its quota.
        application.state = ApplicationState.RECOMMENDED
        _set_pending(application, None)
    else:
        _set_pending(application, index + 1)
    return save_by(application, user)


def nominations_of(application):
    """The levels an application counts against: its level, and the higher level it is
    also recommended for."""
    return [application.level_id] + ([application.top_level_id] if application.top_level_id else [])


@transaction.atomic
def forward_ranked(user, campaign, unit, ranked_ids, today=None):
    """排序上报: the unit ranks applications it agreed to (in `ranked_ids` order) and sends
    them to the organiser, within its quota of each level (counting what it sent before)."""
    today = today or timezone.localdate()
    if not can(user, Permission.APPROVE, unit):
        raise ValidationError({"unit": "只有推荐单位的审核人可以排序上报"})
    ranked_ids = [int(pk) for pk in ranked_ids]
    if not ranked_ids:
        raise ValidationError({"applications": "请选择要上报的申报"})
    # Every row of the unit locked: two forwards of one unit cannot both pass the quota.
    rows = list(
        Application.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, unit=unit)
        .select_related("level", "top_level")
        .order_by("pk")
    )
    by_id = {row.pk: row for row in rows}
    chosen = [by_id.get(pk) for pk in ranked_ids]
    wrong = [
        pk
        for pk, row in zip(ranked_ids, chosen, strict=True)
        if row is None or row.state != ApplicationState.RECOMMENDED
    ]
    if wrong:
        raise ValidationError(
            {"applications": f"编号为 {wrong[0]} 的申报不是本单位已同意、待排序上报的申报"}
        )
    quotas = dict(
        Quota.objects.filter(campaign=campaign, unit=unit).values_list("level_id", "quota")
    )
    levels = {row.level_id: row.level for row in rows} | {
        row.top_level_id: row.top_level for row in rows if row.top_level_id
    }
    errors = []
    for level_id, level in levels.items():
        sent = [row.pk for row in rows if row.forwarded_on and level_id in nominations_of(row)]
        new = [row.pk for row in chosen if level_id in nominations_of(row)]
        if new and (message := rules.submission_error(sent + new, quotas.get(level_id, 0))):
            errors.append(f"“{level}”{message}")
    if len(set(ranked_ids)) != len(ranked_ids):
        errors.insert(0, "排序中有重复的申报")
    _raise({"applications": errors} if errors else {})
    rank = (max((row.rank or 0) for row in rows) if rows else 0) + 1
    for row in chosen:
        row.rank, row.forwarded_on = rank, today
        row.state = ApplicationState.IN_REVIEW
        steps = [s for s, _ in row.chain]
        _set_pending(row, steps.index(ChainStep.ORGANISER))
        save_by(row, user)
        rank += 1
    return chosen


# --- inspections --------------------------------------------------------------------------------


def inspections_of(user):
    """The inspections `user` sees, and those of the teams `user` is on."""
    return Inspection.objects.filter(
        Q(pk__in=Inspection.objects.visible_to(user).values("pk"))
        | Q(pk__in=Inspection.objects.filter(team=user).values("pk"))
    )


def may_assign(user, org):
    return can(user, Permission.EDIT, org) or can(user, Permission.APPROVE, org)


def _team_errors(team, orgs):
    if not team:
        return "请选择考察组成员"
    for member in team:
        for org in orgs:
            if not can(member, Permission.VIEW, org):
                name = member.get_full_name() or member.get_username()
                return f"{name}无权查看{org}，不能参加考察"
    return None


@transaction.atomic
def assign_inspection(
    user,
    assigned_by_org,
    team,
    due_on=None,
    *,
    org=None,
    application=None,
    sample=None,
    today=None,
):
    """Assign an inspection team (users) to one organisation, to an application's
    organisation, or to every organisation drawn in an inspection sample (one inspection
    each, those already assigned skipped). Returns the inspections made."""
    today = today or timezone.localdate()
    if not may_assign(user, assigned_by_org):
        raise ValidationError({"assigned_by_org": "您没有在该党组织安排考察的权限"})
    given = [x for x in (org, application, sample) if x is not None]
    if len(given) != 1:
        raise ValidationError({"org": "请选择被考察的党组织、申报或抽查名单之一"})
    errors = {}
    if application is not None:
        if application.state in (*EDITABLE_STATES, ApplicationState.WITHDRAWN):
            errors["application"] = "该申报尚未提交，不能安排考察"
        orgs = [application.org]
    elif sample is not None:
        drawn = {o.pk: o for o in Organization.objects.filter(pk__in=sample.drawn)}
        done = set(sample.inspections.values_list("org_id", flat=True))
        orgs = [drawn[pk] for pk in sample.drawn if pk in drawn and pk not in done]
        if not orgs:
            errors["sample"] = "该抽查名单的党组织均已安排考察"
    else:
        orgs = [org]
    outside = [o for o in orgs if not o.path.startswith(assigned_by_org.path)]
    if outside:
        errors["org"] = f"{outside[0]}不在{assigned_by_org}范围内"
    if due_on is not None and due_on < today:
        errors["due_on"] = "考察期限不能早于今天"
    team = list(team)
    if message := _team_errors(team, orgs):
        errors["team"] = message
    _raise(errors)
    made = []
    for target in orgs:
        inspection = save_by(
            Inspection(
                org=target,
                application=application,
                sample=sample,
                assigned_by_org=assigned_by_org,
                due_on=due_on,
                assigned_by=user,
            ),
            user,
        )
        inspection.team.set(team)
        made.append(inspection)
    return made


def _score(value):
    if value in (None, ""):
        return None, None
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, "考察得分应为数字"
    if not score.is_finite() or score != score.quantize(Decimal("0.01")):
        return None, "考察得分应为最多两位小数的数字"
    if not Decimal(0) <= score <= 100:
        return None, "考察得分应在0到100分之间"
    return score, None


@transaction.atomic
def record_inspection(user, inspection, findings, score, opinion, inspected_on=None, today=None):
    """What the team found by each method (`findings`: [{method, text, shortfall}]), the
    score and the opinion. A shortfall found in an inspection sample's inspection becomes a
    rectification task of the organisation (seed 003 体检式检查)."""
    today = today or timezone.localdate()
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not inspection.team.filter(pk=user.pk).exists():
        raise ValidationError({"team": NOT_TEAM})
    if inspection.state != InspectionState.ASSIGNED:
        raise ValidationError({"state": "该考察已录入"})
    inspected_on = inspected_on or today
    errors = {}
    rows = []
    for finding in findings or []:
        text = (finding.get("text") or "").strip()
        if not text:
            continue
        if finding.get("method") not in InspectionMethod.values:
            errors["findings"] = "考察方式应为查看资料、实地检查或座谈走访"
        rows.append((finding.get("method"), text, bool(finding.get("shortfall"))))
    if not rows:
        errors.setdefault("findings", "请至少按一种方式填写发现情况")
    score, message = _score(score)
    if message:
        errors["score"] = message
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = "请填写考察意见"
    if inspected_on > today:
        errors["inspected_on"] = "考察日期不能晚于今天"
    _raise(errors)
    deadline = today + datetime.timedelta(days=assessment_services.rectification_days())
    labels = dict(InspectionMethod.choices)
    for method, text, shortfall in rows:
        task = None
        if shortfall and inspection.sample_id:
            task = assessment_services.open_task(
                user,
                inspection.org,
                source=FINDING_SOURCE,
                description=f"{labels[method]}：{text}",
                deadline=deadline,
                today=today,
            )
        save_by(
            InspectionFinding(
                inspection=inspection, method=method, text=text, shortfall=shortfall, task=task
            ),
            user,
        )
    inspection.score, inspection.opinion = score, opinion
    inspection.inspected_on, inspection.recorded_by = inspected_on, user
    inspection.state = InspectionState.RECORDED
    return save_by(inspection, user)
