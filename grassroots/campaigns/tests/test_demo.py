"""The demo campaigns over the demo city (loaded once for the module, inside a transaction
rolled back at the end): every application state, chains as the rules derive them, a notice
running today, tallies equal to the responses, a title due for re-review and one warned, a
filing register within its quotas; loaded once, fast, in a bounded number of queries."""

import datetime
import io
import time
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.campaigns import rules
from grassroots.campaigns.choices import (
    NOMINATED_STATES,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionState,
    NoticeState,
    ObjectionState,
    Opinion,
    StageCode,
    TitleState,
)
from grassroots.campaigns.demo import (
    CHANGE_REASON,
    UNITS,
    load_demo,
    load_demo_campaigns,
)
from grassroots.campaigns.models import (
    Application,
    ApplicationFile,
    Campaign,
    FieldGrade,
    Filing,
    Inspection,
    Notice,
    Quota,
    ReReview,
    ReviewOpinion,
    SurveyResponse,
    SurveyTally,
    Title,
    TitleWarning,
)
from grassroots.campaigns.services.notices import assessment_scores
from grassroots.core.access import can
from grassroots.core.choices import Permission, Role
from grassroots.orglife.choices import FactSource
from grassroots.orglife.models import YearlyFact
from grassroots.orgs import demo as city
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.models import Organization
from grassroots.workdays.choices import YearSource
from grassroots.workdays.models import CalendarYear
from grassroots.workdays.services import working_days_after

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 300  # 226 today; the rows go in bulk, so this does not grow with them
SECONDS = 10
S = ApplicationState


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_standards", stdout=io.StringIO())
        call_command("load_holidays", stdout=io.StringIO())
        # A notice published late in December ends in January: when the package does not
        # cover the next year yet, count it as plain weeks (tests only; make run would say
        # which year to enter).
        CalendarYear.objects.get_or_create(
            year=timezone.localdate().year + 1,
            defaults={"covered": True, "source": YearSource.ADMIN},
        )
        city.load_demo_city()
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            summary = load_demo_campaigns()
        seconds = time.monotonic() - started
        yield {"summary": summary, "queries": len(queries), "seconds": seconds}
        transaction.set_rollback(True)


def naming():
    return Campaign.objects.get(kind=CampaignKind.NAMING)


def test_loaded_once_fast_and_within_a_query_budget(loaded):
    assert loaded["summary"] is not None and len(loaded["summary"]["lines"]) == 4
    assert loaded["seconds"] < SECONDS
    assert loaded["queries"] < QUERY_BUDGET, loaded["queries"]
    count = Application.objects.count()
    assert load_demo_campaigns() is None
    out = io.StringIO()
    load_demo(out)
    assert "未做改动" in out.getvalue()
    assert Application.objects.count() == count


def test_every_model_row_has_its_history_by_a_demo_user(loaded):
    for model in (Application, ReviewOpinion, Filing, Inspection, SurveyTally, Title):
        rows = model.objects.count()
        added = model.history.filter(history_type="+", history_change_reason=CHANGE_REASON)
        assert rows and added.count() == rows, model
        assert not added.filter(history_user__isnull=True).exists(), model


def test_the_naming_campaign_is_in_its_notice_with_every_application_state(loaded):
    campaign = naming()
    assert campaign.stage == StageCode.NOTICE and campaign.year == timezone.localdate().year
    assert campaign.application_deadline < timezone.localdate()
    assert {s.code for s in campaign.standards.all()} >= {"s000-village", "s000-community"}
    states = Counter(campaign.applications.values_list("state", flat=True))
    expected = {S.WITHDRAWN, S.IN_REVIEW, S.RETURNED, S.RECOMMENDED, S.APPROVED, S.REJECTED}
    assert set(states) == expected | {S.REMOVED}
    assert campaign.applications.filter(state=S.DRAFT).count() == 0  # late drafts withdrawn
    waiting = set(
        campaign.applications.filter(state=S.IN_REVIEW).values_list("pending_step", flat=True)
    )
    assert waiting == {ChainStep.BASIC_COMMITTEE, ChainStep.UPPER_COMMITTEE}
    late = campaign.stages.get(code=StageCode.REVIEW)
    assert late.is_late()  # closed after its deadline: the page marks it


def test_reasons_are_plausible_and_varied(loaded):
    reasons = list(Application.objects.values_list("reason", flat=True))
    assert all(rules.reason_error(r) is None and len(r) >= 250 for r in reasons)
    assert len(set(reasons)) == len(reasons)
    openings = {r[r.index("名") + 1 : r.index("名") + 8] for r in reasons}
    assert len(openings) >= 5  # several fields write differently


def path_nodes(org, orgs):
    ids = [int(pk) for pk in org.path.strip("/").split("/")]
    return [
        rules.PathNode(pk, orgs[pk].kind in (OrgKind.DEPARTMENT, OrgKind.COMMITTEE)) for pk in ids
    ]


def test_chains_and_opinions_follow_the_review_chain(loaded):
    orgs = Organization.objects.in_bulk()
    opinions = defaultdict(list)
    for opinion in ReviewOpinion.objects.select_related("signed_by").order_by("pk"):
        opinions[opinion.application_id].append(opinion)
    for app in Application.objects.select_related("campaign"):
        if app.state == S.WITHDRAWN:
            assert app.chain == [] and app.submitted_on is None and not opinions[app.pk]
            continue
        expected = rules.review_chain(
            path_nodes(orgs[app.org_id], orgs), app.unit_id, app.campaign.organiser_id
        )
        assert [tuple(step) for step in app.chain] == expected, app
        given = [(o.step, o.org_id) for o in opinions[app.pk]]
        assert given == expected[: len(given)], app
        assert [o.signed_on for o in opinions[app.pk]] == sorted(
            o.signed_on for o in opinions[app.pk]
        )
        for opinion in opinions[app.pk]:
            assert can(opinion.signed_by, Permission.APPROVE, orgs[opinion.org_id])
        last = opinions[app.pk][-1].opinion if given else None
        if app.state == S.IN_REVIEW:
            assert (app.pending_step, app.pending_org_id) == expected[len(given)]
            assert last in (None, Opinion.AGREE)
        else:
            assert app.pending_step == "" and app.pending_org_id is None
        if app.state == S.RETURNED:
            assert last == Opinion.RETURN
        if app.state == S.REJECTED:
            assert last == Opinion.REJECT
        if app.state in (S.APPROVED, S.REMOVED):
            assert len(given) == len(expected) and app.rank and app.forwarded_on
        if app.state == S.RECOMMENDED:
            assert given[-1][0] == ChainStep.UPPER_COMMITTEE and app.rank is None
    skipped = Application.objects.filter(org__kind=OrgKind.COMMITTEE).exclude(state=S.WITHDRAWN)
    assert skipped.exists()
    assert all(app.chain[0][0] == ChainStep.UPPER_COMMITTEE for app in skipped)


def test_quotas_cover_every_unit_with_the_surplus_and_one_village_warning(loaded):
    campaign = naming()
    root = campaign.organiser
    units = set(Organization.objects.filter(parent=root).values_list("pk", flat=True))
    levels = list(campaign.levels.select_related("chosen_from"))
    quotas = {(q.unit_id, q.level.code): q.quota for q in Quota.objects.filter(campaign=campaign)}
    assert {unit for unit, _ in quotas} == units
    totals = Counter()
    for (_, level), quota in quotas.items():
        totals[level] += quota
    assert rules.surplus_checks([level.plan for level in levels], totals) == []
    nominated, top = Counter(), defaultdict(set)
    village_counts = defaultdict(lambda: [0, 0])
    apps = campaign.applications.filter(state__in=NOMINATED_STATES).select_related("org")
    for app in apps:
        nominated[app.unit_id, "demo"] += 1
        top["demo"].add(app.org_id)
        if app.top_level_id:
            nominated[app.unit_id, "top"] += 1
            top["top"].add(app.org_id)
        counts = village_counts[app.unit_id]
        counts[0] += app.org.category in (Category.VILLAGE, Category.COMMUNITY)
        counts[1] += 1
    names = dict(Organization.objects.values_list("pk", "name"))
    assert rules.over_quota_checks(quotas, nominated, names, {}) == []
    assert rules.top_not_nominated_checks([lv.plan for lv in levels], top, names) == []
    districts = {u for u in units if names[u].endswith(("区委组织部", "县委组织部"))}
    shares = {u: tuple(c) for u, c in village_counts.items() if u in districts}
    warned = rules.village_share_checks(shares, names)
    assert [names[check.unit] for check in warned] == ["中共青川市江南区委组织部"]


def test_inspections_recorded_and_one_waiting_for_the_inspector(loaded):
    inspector = get_user_model().objects.get(username="city_inspector")
    assert inspector.role_assignments.get().role == Role.VIEWER
    recorded = Inspection.objects.filter(
        application__campaign=naming(), state=InspectionState.RECORDED
    )
    assert recorded.count() >= 5
    for inspection in recorded.prefetch_related("findings", "team"):
        assert {f.method for f in inspection.findings.all()} == {"documents", "site", "interviews"}
        assert inspection.score and inspection.opinion and inspection.inspected_on
        assert inspector in inspection.team.all()
    shortfall = recorded.filter(findings__shortfall=True).get()
    task = shortfall.findings.get(shortfall=True).task
    assert task.org_id == shortfall.org_id and task.deadline > timezone.localdate()
    (waiting,) = Inspection.objects.filter(state=InspectionState.ASSIGNED)
    assert list(waiting.team.all()) == [inspector] and waiting.score is None
    assert waiting.application.state == S.RECOMMENDED


def test_the_notice_runs_today_with_objections_received_dismissed_and_upheld(loaded):
    today = timezone.localdate()
    notice = Notice.objects.get(campaign=naming())
    assert notice.state == NoticeState.RUNNING
    assert notice.published_on < today <= notice.ends_on
    assert notice.ends_on == working_days_after(notice.published_on, notice.working_days)
    listed = set(notice.applications.values_list("state", flat=True))
    assert listed == {S.APPROVED, S.REMOVED}
    assert (
        notice.applications.count()
        == naming().applications.filter(state__in=(S.APPROVED, S.REMOVED)).count()
    )
    objections = {o.state: o for o in notice.objections.select_related("application")}
    assert set(objections) == {
        ObjectionState.RECEIVED,
        ObjectionState.DISMISSED,
        ObjectionState.UPHELD,
    }
    assert objections[ObjectionState.UPHELD].application.state == S.REMOVED
    dismissed = objections[ObjectionState.DISMISSED]
    assert dismissed.resolution and dismissed.resolved_by and dismissed.resolved_on <= today
    assert all(o.contact for o in objections.values())


def test_tallies_equal_the_responses_about_half_answered(loaded):
    campaign = naming()
    tallies = list(SurveyTally.objects.filter(campaign=campaign).prefetch_related("tokens"))
    approved = set(campaign.applications.filter(state=S.APPROVED).values_list("pk", flat=True))
    assert {t.application_id for t in tallies} == approved
    counted = Counter(
        SurveyResponse.objects.filter(token__tally__campaign=campaign).values_list(
            "token__tally_id", "answer"
        )
    )
    tokens = answered = 0
    for tally in tallies:
        assert tally.satisfied == counted[tally.pk, "satisfied"]
        assert tally.basically_satisfied == counted[tally.pk, "basically_satisfied"]
        assert tally.dissatisfied == counted[tally.pk, "dissatisfied"]
        tokens += len(tally.tokens.all())
        answered += tally.responses
        assert tally.rate is not None
    assert 0.4 <= answered / tokens <= 0.6
    # Each rate is the organisation's satisfaction fact, taken by compliance over its own.
    facts = dict(
        YearlyFact.objects.filter(
            code="satisfaction_rate", source=FactSource.SURVEY, year=campaign.year
        ).values_list("org", "value")
    )
    assert facts == {tally.org_id: tally.rate for tally in tallies}


def test_the_base_campaign_named_titles_one_due_and_one_warned(loaded):
    today = timezone.localdate()
    base = Campaign.objects.get(kind=CampaignKind.BASE)
    assert base.stage == StageCode.NAMING and base.decision.named_on < today
    assert base.validity_years == base.review_every_years == 3
    assert 2 <= today.year - base.year <= 3
    states = set(base.applications.values_list("state", flat=True))
    assert states == {S.NAMED, S.NOT_NAMED}
    titles = list(base.titles.all())
    assert len(titles) == base.applications.filter(state=S.NAMED).count()
    assert len({t.certificate_number for t in titles}) == len(titles)
    for title in titles:
        assert title.valid_until == rules.valid_until(title.named_on, base.validity_years)
        assert title.is_valid_on(today)
    (due,) = ReReview.objects.filter(done_on__isnull=True)
    assert today <= due.due_on <= today + datetime.timedelta(days=31)
    (warning,) = TitleWarning.objects.select_related("title", "task")
    assert warning.title.state == TitleState.WARNED
    assert warning.task.source == "示范称号预警" and warning.task.org_id == warning.title.org_id
    assert warning.task.deadline > today
    assert Title.objects.filter(state=TitleState.WARNED).count() == 1


def test_the_demonstration_point_campaign_waits_for_the_evaluator(loaded):
    point = Campaign.objects.get(kind=CampaignKind.DEMONSTRATION_POINT)
    assert point.stage == StageCode.SURVEY and point.organiser.depth == 1
    assert not point.tallies.exists()
    grades = FieldGrade.objects.filter(campaign=point)
    assert grades.count() > 20 and not grades.exclude(grade="").exists()
    # What the field's grades hold so far is what grading reads, so grading keeps it.
    scores = assessment_scores([g.org_id for g in grades], point.year)
    held = {g.org_id: (g.self_assessment, g.upper_assessment) for g in grades}
    assert held == {g.org_id: scores.get(g.org_id, (None, None)) for g in grades}
    evaluator = get_user_model().objects.get(username="evaluator")
    assert Campaign.objects.visible_to(evaluator).filter(pk=point.pk).exists()
    assert can(evaluator, Permission.EVALUATE, point.organiser)


def test_the_filing_register_within_quotas_and_apart_from_applicants(loaded):
    filing = Campaign.objects.get(kind=CampaignKind.FILING)
    quotas = dict(Quota.objects.filter(campaign=filing).values_list("unit__name", "quota"))
    assert quotas == {name: quota for name, _d, _t, quota, _n in UNITS}
    rows = list(Filing.objects.filter(campaign=filing).select_related("unit", "org"))
    per_unit = Counter(row.unit.name for row in rows)
    assert all(per_unit[name] <= quota for name, quota in quotas.items())
    applying = set(Application.objects.values_list("org_id", flat=True))
    named = set(Title.objects.values_list("org_id", flat=True))
    assert not {row.org_id for row in rows} & (applying | named)
    for row in rows:
        assert row.org.path.startswith(row.unit.path)
        assert row.leader and row.member_count > 0 and row.org_type and row.address
    types = Counter(
        row.org_type for row in rows if row.unit.name.endswith(("区委组织部", "县委组织部"))
    )
    share = (types["农村"] + types["城镇社区"]) / sum(types.values())
    assert 0.5 <= share <= 0.7


def test_evidence_files_are_stored_pdfs(loaded):
    files = list(ApplicationFile.objects.all())
    assert files
    for record in files:
        with record.file.open("rb") as handle:
            assert handle.read(8) == b"%PDF-1.4"
