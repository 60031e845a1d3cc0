"""Public notice (公示) with its objections, the satisfaction survey (群众满意度测评) with its
single-use tokens and third-party import, and seed 004's grading of the field.

- The organiser publishes the approved applications for N working days from a date; the
  end comes from the working-day calendar (RULES.md "Working days"). Anyone objects while
  it runs, with a contact; the organiser verifies and resolves each objection, an upheld one
  removing its candidate; the notice closes only after its end with nothing unresolved.
- Tokens are handed out on paper; each answers once (the response's one-to-one key holds it
  under concurrent submission) and the tally is counted in the same transaction. Its rate
  becomes the organisation's `satisfaction_rate` fact of the campaign year.
- Seed 004 grades every assessed organisation of the field from satisfaction, its own
  self-assessment and the level above's review of it (`rules.survey_grade`).
"""

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from grassroots.assessments.choices import AssessmentState, ItemStatus
from grassroots.assessments.models import ASSESSED_KINDS, Assessment, AssessmentItem
from grassroots.assessments.stored import changed
from grassroots.core.access import can
from grassroots.core.choices import Permission
from grassroots.core.concurrency import lock
from grassroots.core.excel import cells
from grassroots.core.excel.cells import CellError
from grassroots.core.excel.imports import Importer
from grassroots.core.excel.sheets import Column, template_workbook
from grassroots.core.history import save_by
from grassroots.orglife.choices import FactSource
from grassroots.orglife.models import YearlyFact
from grassroots.orgs.excel.columns import OrgReference
from grassroots.orgs.excel.imports import OrgDirectory
from grassroots.orgs.models import Organization
from grassroots.workdays.rules import MissingYear
from grassroots.workdays.services import working_days_after

from .. import rules
from ..choices import (
    NOMINATED_STATES,
    Answer,
    ApplicationState,
    CampaignKind,
    NoticeState,
    ObjectionState,
    SurveySource,
)
from ..models import (
    Application,
    FieldGrade,
    Notice,
    Objection,
    SurveyResponse,
    SurveyTally,
    SurveyToken,
)

DEFAULT_WORKING_DAYS = 5  # seed 002: 公示5个工作日
MAX_WORKING_DAYS = 30
OBJECTION_MAX_CHARS = 2000
MAX_TOKENS = 500  # one printed batch
SATISFACTION_FACT = "satisfaction_rate"
UNRESOLVED = (ObjectionState.RECEIVED, ObjectionState.VERIFYING)
NOT_ORGANISER = "只有组织单位的党务工作者可以办理"


class AlreadyAnswered(Exception):
    """The token has been answered (or its survey closed): the API answers 409."""


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def may_organise(user, campaign):
    return can(user, Permission.EDIT, campaign.organiser)


def _require_organiser(user, campaign, field="__all__"):
    if not may_organise(user, campaign):
        raise ValidationError({field: NOT_ORGANISER})


def running_on(notice, day):
    return notice.state == NoticeState.RUNNING and notice.published_on <= day <= notice.ends_on


def listed(notice):
    """The candidates a notice shows: those published, less the ones an upheld objection
    removed (kept on the notice's record, off its list)."""
    return (
        notice.applications.exclude(state=ApplicationState.REMOVED)
        .select_related("level")
        .order_by("level__order", "unit__path", "rank", "pk")
    )


# --- public notice ---------------------------------------------------------------------------


@transaction.atomic
def publish_notice(
    user, campaign, published_on, working_days=DEFAULT_WORKING_DAYS, applications=(), contact=""
):
    """Publish the approved applications `applications` (ids or objects) of `campaign` from
    `published_on` for `working_days` working days."""
    _require_organiser(user, campaign)
    errors = {}
    ids = sorted({getattr(a, "pk", a) for a in applications})
    chosen = list(
        Application.objects.filter(campaign=campaign, pk__in=ids, state=ApplicationState.APPROVED)
    )
    if not ids:
        errors["applications"] = "请选择公示对象"
    elif len(chosen) != len(ids):
        errors["applications"] = "公示对象须为本次创建中审核通过的拟命名对象"
    else:
        running = Notice.objects.filter(
            state=NoticeState.RUNNING, applications__in=chosen
        ).values_list("applications__org_name", flat=True)
        if running:
            errors["applications"] = f"{'、'.join(sorted(set(running)))}已在公示中"
    ends_on = None
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        errors["working_days"] = f"公示期为1至{MAX_WORKING_DAYS}个工作日"
    else:
        try:
            ends_on = working_days_after(published_on, working_days)
        except MissingYear as exc:
            errors["published_on"] = str(exc)
    _raise(errors)
    notice = Notice(
        campaign=campaign,
        published_on=published_on,
        working_days=working_days,
        ends_on=ends_on,
        contact=(contact or "").strip(),
        published_by=user,
    )
    save_by(notice, user)
    notice.applications.set(chosen)
    return notice


@transaction.atomic
def object_to_notice(notice, name, contact, text, application=None, address=None, today=None):
    """Anyone's objection to a running notice (no login): a contact and the substance are
    required; the address it came from is logged."""
    today = today or timezone.localdate()
    notice = lock(notice, "state")  # not while the organiser closes it
    if not running_on(notice, today):
        raise ValidationError({"__all__": "不在公示期内，不能提出异议"})
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    errors = {}
    if not contact:
        errors["contact"] = "请填写联系方式（电话或其他方式），以便核实"
    elif len(contact) > Objection._meta.get_field("contact").max_length:
        errors["contact"] = "联系方式不超过100字"
    if len(name) > Objection._meta.get_field("name").max_length:
        errors["name"] = "姓名不超过50字"
    if not text:
        errors["text"] = "请填写反映的问题"
    elif len(text) > OBJECTION_MAX_CHARS:
        errors["text"] = f"反映内容不超过{OBJECTION_MAX_CHARS}字（现{len(text)}字）"
    if application is not None and not listed(notice).filter(pk=application.pk).exists():
        errors["application"] = "所涉对象不在本次公示名单中"
    _raise(errors)
    objection = Objection(
        notice=notice,
        application=application,
        name=name,
        contact=contact,
        text=text,
        address=address,
    )
    return save_by(objection, None)


@transaction.atomic
def verify_objection(user, objection, verification):
    """Record what the check found; the objection is being verified."""
    _require_organiser(user, objection.notice.campaign)
    lock(objection, "state")
    if objection.state not in UNRESOLVED:
        raise ValidationError({"__all__": "该异议已处理"})
    verification = (verification or "").strip()
    if not verification:
        raise ValidationError({"verification": "请填写核查情况"})
    objection.state, objection.verification = ObjectionState.VERIFYING, verification
    return save_by(objection, user)


@transaction.atomic
def resolve_objection(user, objection, upheld, reasons, application=None, today=None):
    """Dismiss or uphold an objection with reasons; an upheld one removes its candidate
    (`application` names it when the objector did not) from the list."""
    _require_organiser(user, objection.notice.campaign)
    lock(objection, "state")
    if objection.state not in UNRESOLVED:
        raise ValidationError({"__all__": "该异议已处理"})
    errors = {}
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = "请填写处理意见"
    target = objection.application or application
    if upheld:
        if target is None:
            errors["application"] = "异议成立时请选择所涉公示对象"
        elif not objection.notice.applications.filter(pk=target.pk).exists():
            errors["application"] = "所涉对象不在本次公示名单中"
    _raise(errors)
    if upheld:
        lock(target, "state")
        if target.state != ApplicationState.REMOVED:
            target.state = ApplicationState.REMOVED
            save_by(target, user)
        objection.application = target
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.resolution, objection.resolved_by = reasons, user
    objection.resolved_on = today or timezone.localdate()
    return save_by(objection, user)


@transaction.atomic
def close_notice(user, notice, today=None):
    """End a notice after its period, when every objection is resolved."""
    _require_organiser(user, notice.campaign)
    today = today or timezone.localdate()
    lock(notice, "state")
    if notice.state != NoticeState.RUNNING:
        raise ValidationError({"__all__": "该公示已结束"})
    if today <= notice.ends_on:
        raise ValidationError(
            {"__all__": f"公示期至{notice.ends_on:%Y年%-m月%-d日}，期满后方可结束公示"}
        )
    open_count = notice.objections.filter(state__in=UNRESOLVED).count()
    if open_count:
        raise ValidationError({"__all__": f"还有{open_count}条异议未处理，处理后方可结束公示"})
    notice.state, notice.closed_on = NoticeState.CLOSED, today
    return save_by(notice, user)


# --- satisfaction survey ---------------------------------------------------------------------


def questions(campaign):
    """The survey's questions: the overall one, then those the campaign configures."""
    return ["您对该党组织的总体评价", *campaign.survey_questions]


def survey_fact_note(tally):
    """Where a satisfaction fact from a survey comes from, as its note says."""
    return f"{tally.campaign.title}群众满意度测评，{tally.responses}份答卷"[:200]


def _sync_fact(tally, user=None):
    """The tally's rate as the organisation's satisfaction fact of the campaign year
    (source survey), written whenever the tally changes."""
    tally.refresh_from_db(fields=["satisfied", "basically_satisfied", "dissatisfied"])
    rate = tally.rate
    if rate is None:
        return None
    key = {
        "org_id": tally.org_id,
        "year": tally.campaign.year,
        "code": SATISFACTION_FACT,
        "source": FactSource.SURVEY,
    }
    note = survey_fact_note(tally)
    if user is None and YearlyFact.objects.filter(**key).update(value=rate, note=note):
        # An anonymous answer moves a derived figure: the responses are the record of that
        # change, so the fact is updated in place (one statement) rather than given a history
        # row per answer; the fact's creation and every import keep their history.
        changed([tally.org_id], [tally.campaign.year], {SATISFACTION_FACT})
        return None
    fact = YearlyFact.objects.select_for_update().filter(**key).first() or YearlyFact(**key)
    fact.value, fact.note = rate, note
    return save_by(fact, user)


def _tally_for(campaign, org, application=None):
    tally, _ = SurveyTally.objects.get_or_create(
        campaign=campaign, org=org, defaults={"application": application}
    )
    return tally


@transaction.atomic
def issue_tokens(user, application_or_org, count, campaign=None):
    """`count` single-use tokens for the survey of an application's organisation, or of
    an organisation of `campaign`'s field (seed 004); by the organiser, or for an
    application by its recommending unit."""
    if isinstance(application_or_org, Application):
        application = application_or_org
        campaign, org = application.campaign, application.org
        allowed = may_organise(user, campaign) or can(user, Permission.EDIT, application.unit)
        if allowed and application.state not in NOMINATED_STATES:
            raise ValidationError({"__all__": "该申报尚未提交或已终止，不能组织测评"})
    else:
        application, org = None, application_or_org
        allowed = campaign is not None and may_organise(user, campaign)
        if allowed and not org.path.startswith(campaign.organiser.path):
            raise ValidationError({"org": "该党组织不在本次创建的范围内"})
    if not allowed:
        raise ValidationError({"__all__": "只有组织单位或推荐单位的党务工作者可以生成测评码"})
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_TOKENS:
        raise ValidationError({"count": f"每次生成1至{MAX_TOKENS}个测评码"})
    tally = _tally_for(campaign, org, application)
    if tally.source == SurveySource.IMPORTED:
        raise ValidationError({"__all__": "该党组织的测评结果已由第三方导入，不再发放测评码"})
    tokens = [
        SurveyToken(tally=tally, token=secrets.token_urlsafe(16), created_by=user)
        for _ in range(count)
    ]
    SurveyToken.objects.bulk_create(tokens)
    return tokens


def token_for(token):
    """The token and its tally and campaign; SurveyToken.DoesNotExist for an unknown one."""
    if not isinstance(token, str) or len(token) > SurveyToken._meta.get_field("token").max_length:
        raise SurveyToken.DoesNotExist
    return SurveyToken.objects.select_related("tally__campaign", "tally__org").get(token=token)


def answered(token):
    return SurveyResponse.objects.filter(token=token).exists()


def answer_errors(campaign, answer, answers):
    errors = {}
    if answer not in Answer.values:
        errors["answer"] = "请选择满意、基本满意或不满意"
    extra = campaign.survey_questions
    if not isinstance(answers, list | tuple) or len(answers) != len(extra):
        errors["answers"] = f"请回答全部{len(extra)}个问题" if extra else "本次测评只有一个问题"
    elif any(a not in Answer.values for a in answers):
        errors["answers"] = "每个问题请选择满意、基本满意或不满意"
    return errors


def answer_survey(token, answer, answers=()):
    """One anonymous response per token (its code, or the SurveyToken `token_for` found):
    the one-to-one key refuses a second, even one sent at the same moment (AlreadyAnswered);
    the tally is counted in the same transaction."""
    found = token if isinstance(token, SurveyToken) else token_for(token)
    tally = found.tally
    _raise(answer_errors(tally.campaign, answer, list(answers)))
    if tally.source == SurveySource.IMPORTED:
        raise AlreadyAnswered("该党组织的测评结果已由第三方导入，测评码已停用")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                token=found, answer=answer, answers=list(answers)
            )
            # The tally's row lock orders concurrent answers of one organisation.
            SurveyTally.objects.filter(pk=tally.pk).update(
                **{answer: F(answer) + 1}, updated_at=timezone.now()
            )
            _sync_fact(tally)
    except IntegrityError:
        raise AlreadyAnswered("该测评码已经使用过，每个测评码只能提交一次") from None
    return response


class ResponseCount:
    """A number of responses: a whole number, blank is 0."""

    format = "整数，不小于0；空白为0"
    allowed = ""

    def read(self, value, today):
        if cells.is_blank(value):
            return 0
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if isinstance(value, bool) or not text.isdigit():
            raise CellError("应为不小于0的整数")
        return int(text)


ORG = Column("党组织", "org", OrgReference(), required=True, note="名称或编号", width=30)
COUNT_COLUMNS = [Column(label, value, ResponseCount(), width=12) for value, label in Answer.choices]
RESULT_COLUMNS = [ORG, *COUNT_COLUMNS]
RESULT_RULES = [
    "填写要求：",
    "1. 每行一个党组织：名称（或编号）和满意、基本满意、不满意的人数。",
    "2. 党组织须在本次创建的范围内；同一党组织只填一行。",
    "3. 导入的结果替换该党组织此前导入的结果；已通过扫码测评的党组织不能导入。",
    "4. 任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
]


def results_template(campaign):
    """The import template with one row per organisation still to be evaluated: the
    field of a survey phase (seed 004 分类定级), otherwise the applicants approved for
    naming; those already surveyed by scanning are left out (they cannot be imported)."""
    if campaign.kind == CampaignKind.DEMONSTRATION_POINT:
        orgs = field_orgs(campaign)
    else:
        orgs = Organization.objects.filter(
            pk__in=Application.objects.filter(
                campaign=campaign, state=ApplicationState.APPROVED
            ).values("org")
        ).order_by("path")
    scanned = SurveyResponse.objects.filter(token__tally__campaign=campaign).values(
        "token__tally__org"
    )
    names = orgs.exclude(pk__in=scanned).values_list("name", flat=True)
    return template_workbook(
        "满意度测评结果", RESULT_COLUMNS, RESULT_RULES, rows=((name,) for name in names)
    )


class _FieldOrgs(OrgDirectory):
    """The organisations of the campaign's field the evaluator may evaluate, by number and
    by exact name (the lookup of the registry's imports, another permission)."""

    def __init__(self, user, campaign, references):
        self.by_id, self.by_name = {}, {}
        field = Organization.objects.visible_to(user, Permission.EVALUATE).filter(
            path__startswith=campaign.organiser.path
        )
        ids = {ref for ref in references if isinstance(ref, int)}
        names = {ref for ref in references if isinstance(ref, str)}
        for org in field.filter(Q(pk__in=ids) | Q(name__in=names)).order_by("path"):
            if org.pk in ids:
                self.by_id[org.pk] = org
            self.by_name.setdefault(org.name, []).append(org)


class _ResultImport(Importer):
    columns = RESULT_COLUMNS

    def __init__(self, user, campaign):
        super().__init__(user)
        self.campaign = campaign
        self.rows = []

    def check_row(self, row):
        counts = {c.field: row.values.get(c.header, 0) for c in COUNT_COLUMNS}
        failed = any(c.header in row.failed for c in COUNT_COLUMNS)
        if not failed and not sum(counts.values()):
            self.errors.add(row.number, COUNT_COLUMNS[0].header, "三项人数不能都为0")
        self.rows.append((row, counts))

    def check_file(self):
        references = [row.values.get(ORG.header) for row, _ in self.rows]
        directory = _FieldOrgs(self.user, self.campaign, [r for r in references if r])
        seen = {}
        self.results = []
        for row, counts in self.rows:
            if ORG.header in row.failed:
                continue
            try:
                org = directory.find(row.values[ORG.header])
            except CellError as exc:
                self.errors.add(row.number, ORG.header, str(exc))
                continue
            earlier = seen.setdefault(org.pk, row.number)
            if earlier != row.number:
                self.errors.add(row.number, ORG.header, f"与第{earlier}行是同一党组织")
            self.results.append((row, org, counts))
        by_tokens = set(
            SurveyResponse.objects.filter(
                token__tally__campaign=self.campaign,
                token__tally__org__in=[org for _, org, _ in self.results],
            ).values_list("token__tally__org", flat=True)
        )
        for row, org, _ in self.results:
            if org.pk in by_tokens:
                self.errors.add(row.number, ORG.header, "该党组织已通过扫码测评，不能再导入结果")

    def write(self):
        for _, org, counts in self.results:
            tally = _tally_for(self.campaign, org)
            lock(tally, "source")
            tally.source = SurveySource.IMPORTED
            for field, value in counts.items():
                setattr(tally, field, value)
            save_by(tally, self.user)
            _sync_fact(tally, self.user)
        return len(self.results)


def may_import_results(user, campaign):
    """The third-party evaluator (EVALUATE) over the campaign's field."""
    return can(user, Permission.EVALUATE, campaign.organiser)


def import_results(user, campaign, workbook):
    """Tallies of the field's organisations from the evaluator's workbook (党组织 | 满意 |
    基本满意 | 不满意), all rows or none; each a tally of source `imported`."""
    if not may_import_results(user, campaign):
        raise ValidationError({"file": "只有第三方测评机构（测评权限）可以导入测评结果"})
    return _ResultImport(user, campaign).run(workbook)


# --- seed 004 grading -----------------------------------------------------------------------


def field_orgs(campaign):
    """The organisations the survey phase grades: the active assessed organisations of
    the organiser's subtree."""
    return (
        Organization.objects.active()
        .filter(path__startswith=campaign.organiser.path, kind__in=ASSESSED_KINDS)
        .order_by("path")
    )


SELF_MET = Q(status=ItemStatus.MET) | Q(status=ItemStatus.MANUAL, self_status=ItemStatus.MET)
SUBMITTED = [s for s in AssessmentState.values if s != AssessmentState.DRAFT]


def assessment_scores(org_ids, year):
    """{org id: (self-assessed score, reviewed total)}. The self-assessment is what the
    organisation claims on submitting (full marks of each item it reports met); the level
    above's assessment is the reviewed total of the same assessment (the reviewer of the
    level above scores it). Two queries."""
    own = dict(
        AssessmentItem.objects.filter(
            assessment__org__in=org_ids, assessment__year=year, assessment__state__in=SUBMITTED
        )
        .order_by()
        .values("assessment__org")
        .annotate(points=Sum("max_points", filter=SELF_MET, default=Decimal(0)))
        .values_list("assessment__org", "points")
    )
    reviewed = dict(
        Assessment.objects.filter(
            org__in=org_ids, year=year, state=AssessmentState.REVIEWED, total__isnull=False
        ).values_list("org", "total")
    )
    return {pk: (own.get(pk), reviewed.get(pk)) for pk in set(own) | set(reviewed)}


@transaction.atomic
def grade_field(user, campaign):
    """Grade every organisation of the field (seed 004 分类定级) from its satisfaction rate,
    its self-assessment and the level above's assessment, with the campaign's weights and
    the assessment module's default bands; re-grading replaces the grades."""
    _require_organiser(user, campaign)
    if campaign.kind != CampaignKind.DEMONSTRATION_POINT:
        raise ValidationError({"__all__": "只有示范点创建活动需要分类定级"})
    errors = campaign.weights.errors()
    if errors:
        raise ValidationError({f"{k}_weight": v for k, v in errors.items()})
    orgs = list(field_orgs(campaign))
    ids = [org.pk for org in orgs]
    tallies = {t.org_id: t for t in SurveyTally.objects.filter(campaign=campaign, org__in=ids)}
    scores = assessment_scores(ids, campaign.year)
    existing = {g.org_id: g for g in FieldGrade.objects.filter(campaign=campaign)}
    graded = []
    for org in orgs:
        tally = tallies.get(org.pk)
        satisfaction = tally.rate if tally else None
        own, upper = scores.get(org.pk, (None, None))
        result = rules.survey_grade(satisfaction, own, upper, campaign.weights)
        grade = existing.get(org.pk) or FieldGrade(campaign=campaign, org=org)
        grade.satisfaction, grade.self_assessment, grade.upper_assessment = (
            satisfaction,
            own,
            upper,
        )
        grade.score, grade.grade = result if result else (None, "")
        graded.append(save_by(grade, user))
    return graded
