"""One function per state change of an assessment, its rectification tasks and the
inspection sample. Each checks who may make it (`grassroots.core.access.Scope`: the
organisation's clerk self-assesses, a reviewer of the level above reviews), that the state
allows it and the data it needs, then applies it in a transaction; simple-history keeps who
changed what. Errors are `ValidationError({field: Chinese message})`, as everywhere.

States: draft → submitted → reviewed, or submitted → returned → resubmitted → reviewed
(docs/decisions/0010-assessment.md).
"""

import datetime
import secrets
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from grassroots.core.access import Scope, can
from grassroots.core.access import parent_path as path_above
from grassroots.core.choices import Permission
from grassroots.core.history import save_by
from grassroots.core.uploads import receive_upload
from grassroots.core.validators import text_field_errors
from grassroots.orglife import rules as life_rules
from grassroots.orglife.services import current_secretary
from grassroots.orgs.models import Organization
from grassroots.orgs.services import require_edit
from grassroots.standards.choices import SetStatus
from grassroots.standards.metrics import format_number

from . import rules
from .choices import AssessmentState, ItemStatus, TaskStatus
from .compliance import compliance_for
from .models import (
    ASSESSED_KINDS,
    SAMPLING_KINDS,
    Assessment,
    AssessmentItem,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DEFAULT_RECTIFICATION_DAYS = 60
MAX_SEED = 2**63 - 1
NOT_REVIEWER = "只有上级党组织的审核人可以审核本考核"
NOT_GIVEN = object()  # an update leaves the fields it is not given as they are


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- points, policy and permissions ------------------------------------------------------------


def item_points(count: int) -> list[Decimal]:
    """Equal weights that add up to exactly 100: 100 / count rounded down to the cent, the
    cents left over going one each to the first items (3 items: 33.34, 33.33, 33.33)."""
    if count <= 0:
        return []
    base = (HUNDRED / count).quantize(CENT, rounding=ROUND_DOWN)
    left_over = int((HUNDRED - base * count) / CENT)
    return [base + CENT if i < left_over else base for i in range(count)]


def bands_for(org, year) -> rules.GradeBands:
    """The bands of the nearest grading policy over the organisation, or the defaults."""
    policy = GradingPolicy.objects.for_org(org, year)
    return policy.bands if policy else rules.DEFAULT_BANDS


def rectification_days() -> int:
    """Days a shortfall is given by default (settings.PARTY_RULES["rectification_days"])."""
    return int(
        getattr(settings, "PARTY_RULES", {}).get("rectification_days", DEFAULT_RECTIFICATION_DAYS)
    )


def parent_path(org):
    """The parent's path read from the organisation's own ("/1/5/23/" → "/1/5/"), or None."""
    return path_above(org.path)


def may_edit(user, org):
    return can(user, Permission.EDIT, org)


def may_review(user, org):
    """A reviewer of the level above: the approve permission over the organisation's
    parent, i.e. held at a strict ancestor (never at the organisation itself), as
    lifecycle's `may_review` decides for workflows."""
    return Scope.of(user).reviews_from_above(parent_path(org))


def may_sample(user, org):
    return can(user, Permission.APPROVE, org) or can(user, Permission.MANAGE_USERS, org)


def may_set_policy(user, org):
    return can(user, Permission.MANAGE_USERS, org)


def _require_review(user, assessment):
    if not may_review(user, assessment.org):
        raise ValidationError({"reviewer": NOT_REVIEWER})
    if not assessment.in_review:
        raise ValidationError({"state": f"考核{assessment.get_state_display()}，不在审核阶段"})


def _require_editable(user, assessment):
    require_edit(user, assessment.org)
    if not assessment.is_editable:
        raise ValidationError(
            {"state": f"考核{assessment.get_state_display()}，只有自评中或已退回时可以修改自评"}
        )


@transaction.atomic
def set_grading_policy(user, org, year, excellent, good, fair, veto_cap, note=""):
    """Set the bands (and veto cap) for the organisation's subtree, for one year (not a
    future one) or (year None) all years; an administrator of the organisation sets them."""
    if not may_set_policy(user, org):
        raise ValidationError({"org": "只有该组织的管理员可以设置考核等次分数线"})
    bands = rules.GradeBands(Decimal(excellent), Decimal(good), Decimal(fair), veto_cap)
    errors = bands.errors()
    if bands.excellent > HUNDRED:
        errors.setdefault("excellent", "分数线不能超过100分")
    if year is not None and (message := life_rules.year_error(year, timezone.localdate())):
        errors["year"] = message
    _raise(errors)
    policy = GradingPolicy.objects.filter(org=org, year=year).first() or GradingPolicy(
        org=org, year=year
    )
    policy.excellent, policy.good, policy.fair = bands.excellent, bands.good, bands.fair
    policy.veto_cap, policy.note = veto_cap, note
    return save_by(policy, user)


# --- self-assessment --------------------------------------------------------------------------


def _compliance(org, standard_set, year, today):
    results = compliance_for(Organization.objects.filter(pk=org.pk), standard_set, year, today)
    return results.get(org.pk, [])


def _prefill(row, result):
    row.status = result.status
    row.value = result.value
    row.threshold = result.threshold
    row.explanation = (result.explanation or "")[:300]


@transaction.atomic
def start_assessment(user, org, standard_set, year, today=None):
    """Open the organisation's self-assessment of `year` against a published set, the
    measurable items filled from its records (`compliance_for`)."""
    today = today or timezone.localdate()
    require_edit(user, org)
    errors = {}
    if org.kind not in ASSESSED_KINDS:
        errors["org"] = "只有基层党委、党总支和党支部参加考核"
    elif not org.is_active:
        errors["org"] = "该党组织已撤销"
    if standard_set is None or standard_set.status != SetStatus.PUBLISHED:
        errors["standard_set"] = "请选择已发布的考核标准"
    year_error = life_rules.year_error(year, today)
    if year_error:
        errors["year"] = year_error
    _raise(errors)
    existing = Assessment.objects.filter(org=org, year=year).first()
    if existing:
        raise ValidationError(
            {"year": f"本组织{year}年度已有考核（{existing.get_state_display()}），不能重复发起"}
        )
    results = _compliance(org, standard_set, year, today)
    if not results:
        raise ValidationError({"standard_set": "该标准没有条目"})
    assessment = save_by(
        Assessment(org=org, year=year, standard_set=standard_set, started_by=user), user
    )
    rows = []
    for position, (result, points) in enumerate(
        zip(results, item_points(len(results)), strict=True)
    ):
        row = AssessmentItem(
            assessment=assessment, item=result.item, position=position, max_points=points
        )
        _prefill(row, result)
        rows.append(row)
    bulk_create_with_history(rows, AssessmentItem, default_user=user)
    return assessment


@transaction.atomic
def discard_assessment(user, assessment):
    """Drop a self-assessment never submitted (e.g. begun against the wrong set)."""
    _require_editable(user, assessment)
    if assessment.state != AssessmentState.DRAFT:
        raise ValidationError({"state": "已提交过的考核不能删除"})
    assessment._history_user = user
    for row in assessment.items.all():
        row._history_user = user
        row.delete()
    assessment.delete()


@transaction.atomic
def update_self_assessment(
    user,
    row,
    *,
    self_status=NOT_GIVEN,
    evidence=NOT_GIVEN,
    self_comment=NOT_GIVEN,
    evidence_file=NOT_GIVEN,
):
    """The organisation's own status of an item attested with evidence, its evidence (text
    and an optional photo or PDF; None removes the file) and comment. Fields not given are
    left as they are."""
    assessment = row.assessment
    _require_editable(user, assessment)
    if self_status is not NOT_GIVEN:
        self_status = self_status or ""
        if self_status and not row.is_manual:
            raise ValidationError({"self_status": "可计量条目按记录自动判定，不需自评"})
        if self_status not in ("", ItemStatus.MET, ItemStatus.NOT_MET):
            raise ValidationError({"self_status": "自评结果应为“达标”或“未达标”"})
        row.self_status = self_status
    if evidence is not NOT_GIVEN:
        row.evidence = (evidence or "").strip()
    if self_comment is not NOT_GIVEN:
        row.self_comment = (self_comment or "").strip()
    if evidence_file is not NOT_GIVEN:
        if evidence_file is None:
            row.evidence_file, row.evidence_name = "", ""
        else:
            files = rules.EVIDENCE_FILES
            row.evidence_name, _ = receive_upload(evidence_file, files, "evidence_file")
            row.evidence_file = evidence_file
    return save_by(row, user)


def submission_errors(rows) -> dict:
    """What keeps a self-assessment from being submitted: every item attested with
    evidence needs the organisation's status, and one it calls met needs its evidence."""
    unattested = [r.item.code for r in rows if r.is_manual and not r.self_status]
    unproven = [
        r.item.code
        for r in rows
        if r.is_manual and r.self_status == ItemStatus.MET and not (r.evidence or r.evidence_file)
    ]
    errors = {}
    if unattested:
        errors["self_status"] = f"请对第 {'、'.join(unattested)} 条作出自评（达标或未达标）"
    if unproven:
        errors["evidence"] = f"第 {'、'.join(unproven)} 条自评达标，请填写佐证材料说明或上传文件"
    return errors


@transaction.atomic
def submit_assessment(user, assessment, today=None):
    """Submit (or, after a return, resubmit) for review. The measurable items are computed
    again from the records and frozen as they are now."""
    today = today or timezone.localdate()
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(user, assessment)
    rows = list(assessment.items.select_related("item"))
    _raise(submission_errors(rows))
    results = {
        r.item.pk: r
        for r in _compliance(assessment.org, assessment.standard_set, assessment.year, today)
    }
    for row in rows:
        if row.item_id in results:
            _prefill(row, results[row.item_id])
    bulk_update_with_history(
        rows,
        AssessmentItem,
        ["status", "value", "threshold", "explanation"],
        default_user=user,
    )
    returned = assessment.state == AssessmentState.RETURNED
    assessment.state = AssessmentState.RESUBMITTED if returned else AssessmentState.SUBMITTED
    assessment.submitted_by = user
    assessment.submitted_at = timezone.now()
    return save_by(assessment, user)


# --- review -----------------------------------------------------------------------------------


@transaction.atomic
def return_assessment(user, assessment, comment):
    """Send the self-assessment back to the organisation, saying why."""
    _require_review(user, assessment)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回理由"})
    assessment.state = AssessmentState.RETURNED
    assessment.return_comment = comment
    assessment.returned_by = user
    assessment.returned_at = timezone.now()
    return save_by(assessment, user)


def _score(value, row):
    """The score as a Decimal of at most two places within 0..max, or a message."""
    label = f"第 {row.item.code} 条"
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, f"{label}得分应为数字"
    if not score.is_finite():
        return None, f"{label}得分应为数字"
    if score != score.quantize(CENT):
        return None, f"{label}得分最多保留两位小数"
    if not Decimal(0) <= score <= row.max_points:
        return None, f"{label}得分应在0到{format_number(row.max_points)}分之间"
    return score, None


@transaction.atomic
def review_items(user, assessment, scores):
    """Score items of an assessment under review. `scores`: {assessment item id: (score,
    comment)}; every score is checked before any is saved."""
    _require_review(user, assessment)
    scores = {int(pk): given for pk, given in scores.items()}
    rows = {r.pk: r for r in assessment.items.select_related("item").filter(pk__in=scores)}
    unknown = sorted(set(scores) - set(rows))
    if unknown:
        raise ValidationError({"items": f"编号为 {unknown[0]} 的条目不属于本考核"})
    messages, comment_messages = [], []
    for pk, (value, comment) in scores.items():
        row = rows[pk]
        if value in (None, ""):
            row.review_score = None
        else:
            row.review_score, message = _score(value, row)
            if message:
                messages.append(message)
        if comment is not None:
            row.review_comment = (comment or "").strip()
            # Saved in bulk, past `save_by`'s check of the text.
            for text in text_field_errors(row, ["review_comment"]).get("review_comment", []):
                comment_messages.append(f"第 {row.item.code} 条{text}")
    errors = {"review_score": messages, "review_comment": comment_messages}
    _raise({name: found for name, found in errors.items() if found})
    bulk_update_with_history(
        list(rows.values()), AssessmentItem, ["review_score", "review_comment"], default_user=user
    )
    return list(rows.values())


def review_item(user, row, score, comment=None):
    """Score one item (its comment left as it is when `comment` is None)."""
    (row,) = review_items(user, row.assessment, {row.pk: (score, comment)})
    return row


def grade_of(rows, bands):
    """(total, veto failed, grade) of scored items."""
    total = sum((r.review_score for r in rows), Decimal(0))
    veto_failed = any(r.fails_veto for r in rows)
    return total, veto_failed, rules.grade_for(total, veto_failed, bands)


@transaction.atomic
def complete_review(user, assessment, comment="", deadline=None, today=None):
    """Grade the assessment by the bands of the nearest grading policy (a failed veto item
    caps the grade) and turn every shortfall into a rectification task."""
    assessment = Assessment.objects.select_for_update().select_related("org").get(pk=assessment.pk)
    _require_review(user, assessment)
    rows = list(assessment.items.select_related("item"))
    unscored = [r.item.code for r in rows if r.review_score is None]
    if unscored:
        raise ValidationError(
            {"review_score": f"还有 {len(unscored)} 个条目未评分：第 {'、'.join(unscored)} 条"}
        )
    bands = bands_for(assessment.org, assessment.year)
    assessment.total, assessment.veto_failed, assessment.grade = grade_of(rows, bands)
    assessment.band_excellent, assessment.band_good = bands.excellent, bands.good
    assessment.band_fair, assessment.band_veto_cap = bands.fair, bands.veto_cap
    assessment.state = AssessmentState.REVIEWED
    assessment.reviewed_by = user
    assessment.reviewed_at = timezone.now()
    assessment.review_comment = (comment or "").strip()
    save_by(assessment, user)
    make_rectification_tasks(user, assessment, deadline=deadline, today=today)
    return assessment


# --- rectification ----------------------------------------------------------------------------


def shortfall(row) -> str:
    """What falls short, in words: "未达标（3次会议）", "扣5分：…"."""
    outcome = row.outcome
    if outcome == ItemStatus.NOT_MET:
        parts = ["未达标"]
        if row.item.metric:
            parts.append(f"（{row.explanation}；要求{row.item.requirement}）")
    elif outcome == ItemStatus.NO_DATA:
        parts = ["无数据"]
        if row.item.metric:
            parts.append(f"（要求{row.item.requirement}）")
    elif outcome == ItemStatus.MANUAL:
        parts = ["未自评"]
    else:
        parts = []
    if row.lost_points:
        lost = format_number(row.max_points - row.review_score)
        parts.append(f"{'，' if parts else ''}扣{lost}分")
    if row.review_comment:
        parts.append(f"：{row.review_comment}")
    return "".join(parts)


@transaction.atomic
def make_rectification_tasks(
    user, assessment, deadline=None, owner_user=None, owner_name=None, today=None
):
    """A task for every shortfall of a reviewed assessment that has none yet. The owner is
    the one given, else the organisation's secretary, else the clerk who submitted; the
    deadline the one given, else `rectification_days()` from today."""
    today = today or timezone.localdate()
    if not (may_review(user, assessment.org) or may_edit(user, assessment.org)):
        raise ValidationError({"org": "您没有为该组织安排整改的权限"})
    if not assessment.is_reviewed:
        raise ValidationError({"state": "考核评定以后才能生成整改任务"})
    deadline = deadline or today + datetime.timedelta(days=rectification_days())
    if deadline < today:
        raise ValidationError({"deadline": "整改期限不能早于今天"})
    if owner_user is None and not owner_name:
        secretary = current_secretary(assessment.org)
        if secretary:
            owner_name = secretary.name
        else:
            owner_user = assessment.submitted_by
    gaps = [
        r for r in assessment.items.select_related("item").filter(task__isnull=True) if r.is_gap
    ]
    tasks = [
        RectificationTask(
            assessment_item=row,
            org=assessment.org,
            description=f"第 {row.item.code} 条 {row.item.text}\n{shortfall(row)}",
            owner_user=owner_user,
            owner_name=owner_name or "",
            deadline=deadline,
            created_by=user,
        )
        for row in gaps
    ]
    bulk_create_with_history(tasks, RectificationTask, default_user=user)
    return tasks


def open_task(user, org, *, source, description, deadline, owner_name="", today=None):
    """A rectification task for a shortfall found outside an assessment (`source`: 考察发现,
    示范称号预警 …), owned by the organisation's secretary unless named. The caller has
    checked that `user` may ask it of `org`."""
    today = today or timezone.localdate()
    errors = {}
    if not description.strip():
        errors["description"] = "请填写整改事项"
    if deadline is None or deadline < today:
        errors["deadline"] = "整改期限不能早于今天"
    _raise(errors)
    if not owner_name:
        secretary = current_secretary(org)
        owner_name = secretary.name if secretary else ""
    task = RectificationTask(
        org=org,
        source=source,
        description=description.strip(),
        owner_user=None if owner_name else user,
        owner_name=owner_name,
        deadline=deadline,
        created_by=user,
    )
    return save_by(task, user)


def may_change_task(user, task):
    return may_edit(user, task.org) or may_review(user, task.org)


@transaction.atomic
def update_task(
    user,
    task,
    *,
    description=NOT_GIVEN,
    owner_user=NOT_GIVEN,
    owner_name=NOT_GIVEN,
    deadline=NOT_GIVEN,
    status=NOT_GIVEN,
    follow_up=NOT_GIVEN,
    today=None,
):
    """Change a task not yet done: what to do, who, by when, progress. The organisation's
    clerk or a reviewer of the level above changes it; `close_task` finishes it."""
    today = today or timezone.localdate()
    if not may_change_task(user, task):
        raise ValidationError({"org": "您没有修改该整改任务的权限"})
    if task.is_done:
        raise ValidationError({"status": "整改已完成，不能再修改"})
    errors = {}
    if description is not NOT_GIVEN:
        task.description = (description or "").strip()
        if not task.description:
            errors["description"] = "请填写整改事项"
    if owner_user is not NOT_GIVEN:
        task.owner_user = owner_user
    if owner_name is not NOT_GIVEN:
        task.owner_name = (owner_name or "").strip()
    if task.owner_user_id is None and not task.owner_name:
        errors["owner_name"] = "请填写责任人"
    if deadline is not NOT_GIVEN:
        if deadline is None:
            errors["deadline"] = "请填写整改期限"
        elif deadline != task.deadline and deadline < today:
            errors["deadline"] = "整改期限不能早于今天"
        else:
            task.deadline = deadline
    if status is not NOT_GIVEN:
        if status not in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS):
            errors["status"] = "完成整改请提交整改情况并销号"
        else:
            task.status = status
    if follow_up is not NOT_GIVEN:
        task.follow_up = (follow_up or "").strip()
    _raise(errors)
    return save_by(task, user)


@transaction.atomic
def close_task(user, task, follow_up="", follow_up_file=None, follow_up_on=None, today=None):
    """Finish a task with what was done (text and/or a photo or PDF) and when."""
    today = today or timezone.localdate()
    if not may_edit(user, task.org):
        raise ValidationError({"org": "只有本组织的党务工作者可以提交整改情况"})
    if task.is_done:
        raise ValidationError({"status": "该整改任务已完成"})
    errors = {}
    follow_up = (follow_up or "").strip() or task.follow_up
    if not (follow_up or follow_up_file):
        errors["follow_up"] = "请填写整改情况或上传整改材料"
    follow_up_on = follow_up_on or today
    if follow_up_on > today:
        errors["follow_up_on"] = "整改完成日期不能晚于今天"
    _raise(errors)
    if follow_up_file is not None:
        files = rules.EVIDENCE_FILES
        task.follow_up_name, _ = receive_upload(follow_up_file, files, "follow_up_file")
        task.follow_up_file = follow_up_file
    task.follow_up = follow_up
    task.follow_up_on = follow_up_on
    task.status = TaskStatus.DONE
    task.closed_by = user
    task.closed_at = timezone.now()
    return save_by(task, user)


# --- inspection sample ------------------------------------------------------------------------


def sample_population(org):
    """The active grassroots organisations below `org`, ids ascending."""
    return list(
        Organization.objects.active()
        .filter(path__startswith=org.path, kind__in=ASSESSED_KINDS)
        .exclude(pk=org.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def sample_terms(share, seed, errors):
    """The share (0 < share ≤ 1, to 0.01%) and seed (random when not given) of a random
    draw, read and checked; what is wrong goes into `errors` by field."""
    try:
        share = Decimal(str(share))
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not Decimal(0) < share <= 1:
        errors["share"] = "抽查比例应大于0且不超过100%"
    elif share != share.quantize(Decimal("0.0001")):
        errors["share"] = "抽查比例最多精确到0.01%"
    if seed is None:
        seed = secrets.randbelow(2**32)
    elif not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        errors["seed"] = "随机种子应为非负整数"
    return share, seed


def draw_inspection_sample(user, org, year, share, seed=None, today=None):
    """Draw `share` (0 < share ≤ 1) of the grassroots organisations below a committee or
    department for inspection. The seed (random when not given), the share and the
    population are recorded: the same three always draw the same organisations."""
    today = today or timezone.localdate()
    errors = {}
    if not may_sample(user, org):
        errors["org"] = "只有该组织的审核人或管理员可以抽取检查名单"
    elif org.kind not in SAMPLING_KINDS or not org.is_active:
        errors["org"] = "请选择党委或组织部门抽取其下级党组织"
    share, seed = sample_terms(share, seed, errors)
    year_error = life_rules.year_error(year, today)
    if year_error:
        errors["year"] = year_error
    _raise(errors)
    population = sample_population(org)
    if not population:
        raise ValidationError({"org": "该组织下没有可抽查的基层党组织"})
    sample = InspectionSample(
        org=org,
        year=year,
        share=share,
        seed=seed,
        population=population,
        drawn=rules.draw_sample(population, share, seed),
        drawn_by=user,
    )
    return save_by(sample, user)


def verify_sample(sample) -> bool:
    """Whether the recorded population, share and seed draw the recorded organisations."""
    return rules.draw_sample(sample.population, sample.share, sample.seed) == sample.drawn
