"""The public notice, objections, the satisfaction survey and seed 004's grading, at the
service level: who may act, the states, the data, and what each change leaves behind."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.assessments.choices import AssessmentState, ItemStatus
from grassroots.assessments.compliance import compliance_for
from grassroots.assessments.models import Assessment, AssessmentItem
from grassroots.campaigns.choices import (
    Answer,
    ApplicationState,
    CampaignKind,
    NoticeState,
    ObjectionState,
    SurveySource,
)
from grassroots.campaigns.models import FieldGrade, Objection, SurveyResponse, SurveyTally
from grassroots.campaigns.services import notices as services
from grassroots.campaigns.tests.factories import ObjectionFactory
from grassroots.core.choices import Role
from grassroots.orglife.choices import FactSource
from grassroots.orglife.models import YearlyFact
from grassroots.orglife.services import set_yearly_fact
from grassroots.orgs.models import Organization
from grassroots.standards.tests.factories import ItemFactory, StandardSetFactory

from .notices_helpers import (
    AFTER,
    DURING,
    ENDS,
    PUBLISHED,
    D,
    approved,
    load_calendar,
    sample_notice,
    workbook,
)


@pytest.fixture
def holidays(db):
    load_calendar()


@pytest.fixture
def notice(scene, holidays):
    return sample_notice(scene)


# --- publishing ------------------------------------------------------------------------------


def test_five_working_days_from_30_september_2026_end_on_13_october(notice):
    assert notice.ends_on == ENDS
    assert notice.state == NoticeState.RUNNING
    assert notice.applications.count() == 2


def test_only_the_organiser_publishes(scene, holidays):
    app = approved(scene)
    for user in ("east_clerk", "organiser_reviewer", "evaluator"):
        with pytest.raises(ValidationError) as caught:
            services.publish_notice(scene[user], scene["campaign"], PUBLISHED, 5, [app])
        assert "__all__" in caught.value.message_dict


@pytest.mark.parametrize("state", [ApplicationState.IN_REVIEW, ApplicationState.REJECTED])
def test_only_approved_applications_are_published(scene, holidays, state):
    app = approved(scene, state=state)
    with pytest.raises(ValidationError) as caught:
        services.publish_notice(scene["organiser_clerk"], scene["campaign"], PUBLISHED, 5, [app])
    assert "applications" in caught.value.message_dict


def test_a_year_without_calendar_names_the_year(scene, db):
    app = approved(scene)
    with pytest.raises(ValidationError) as caught:
        services.publish_notice(
            scene["organiser_clerk"], scene["campaign"], D(2031, 9, 30), 5, [app]
        )
    assert "2031年" in caught.value.message_dict["published_on"][0]


@pytest.mark.parametrize("days", [0, 31])
def test_the_period_is_bounded(scene, holidays, days):
    with pytest.raises(ValidationError) as caught:
        services.publish_notice(
            scene["organiser_clerk"], scene["campaign"], PUBLISHED, days, [approved(scene)]
        )
    assert "working_days" in caught.value.message_dict


def test_a_candidate_is_not_in_two_running_notices(scene, notice):
    again = notice.applications.first()
    with pytest.raises(ValidationError) as caught:
        services.publish_notice(scene["organiser_clerk"], scene["campaign"], PUBLISHED, 5, [again])
    assert "已在公示中" in caught.value.message_dict["applications"][0]


# --- objections ------------------------------------------------------------------------------


def test_anyone_objects_while_it_runs_and_the_address_is_logged(notice):
    objection = services.object_to_notice(
        notice,
        "李群众",
        "13812345678",
        "该支部主题党日多次未开展。",
        address="10.0.0.8",
        today=ENDS,
    )
    assert objection.state == ObjectionState.RECEIVED
    assert objection.address == "10.0.0.8"


@pytest.mark.parametrize("day", [PUBLISHED - datetime.timedelta(days=1), AFTER])
def test_no_objection_outside_the_period(notice, day):
    with pytest.raises(ValidationError):
        services.object_to_notice(notice, "", "13812345678", "意见", today=day)
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("contact", "text", "field"),
    [
        ("", "意见", "contact"),
        ("  ", "意见", "contact"),
        ("13812345678", "", "text"),
        ("13812345678", "字" * (services.OBJECTION_MAX_CHARS + 1), "text"),
        ("138\u202e12345678", "意见", "contact"),
        ("13812345678", "意见\x00", "text"),
    ],
)
def test_an_objection_needs_a_contact_and_plain_bounded_text(notice, contact, text, field):
    with pytest.raises(ValidationError) as caught:
        services.object_to_notice(notice, "", contact, text, today=DURING)
    assert field in caught.value.message_dict
    assert not Objection.objects.exists()


def test_an_objection_at_the_limit_is_taken(notice):
    text = "字" * services.OBJECTION_MAX_CHARS
    assert services.object_to_notice(notice, "", "微信 abc", text, today=DURING).pk


def test_an_upheld_objection_removes_the_candidate_from_the_list(scene, notice):
    target = notice.applications.get(org=scene["community"])
    objection = services.object_to_notice(
        notice, "", "13812345678", "反映问题", application=target, today=DURING
    )
    services.verify_objection(scene["organiser_clerk"], objection, "已约谈支部书记核实。")
    assert objection.state == ObjectionState.VERIFYING
    services.resolve_objection(scene["organiser_clerk"], objection, True, "反映属实，取消。")
    target.refresh_from_db()
    assert target.state == ApplicationState.REMOVED
    assert objection.state == ObjectionState.UPHELD and objection.resolved_on
    assert [a.org_name for a in services.listed(notice)] == ["西山村党支部"]
    assert notice.applications.count() == 2  # kept on the record


def test_a_dismissed_objection_keeps_the_candidate(scene, notice):
    objection = ObjectionFactory(notice=notice)
    services.resolve_objection(scene["organiser_clerk"], objection, False, "经核查不属实。")
    assert objection.state == ObjectionState.DISMISSED
    assert services.listed(notice).count() == 2
    with pytest.raises(ValidationError):  # resolved once
        services.resolve_objection(scene["organiser_clerk"], objection, True, "再议")


def test_resolving_needs_reasons_and_for_upholding_a_candidate(scene, notice):
    objection = ObjectionFactory(notice=notice)
    with pytest.raises(ValidationError) as caught:
        services.resolve_objection(scene["organiser_clerk"], objection, True, " ")
    assert set(caught.value.message_dict) == {"reasons", "application"}
    with pytest.raises(ValidationError):
        services.resolve_objection(scene["east_clerk"], objection, False, "不属实")


def test_a_notice_closes_after_its_end_with_every_objection_resolved(scene, notice):
    clerk = scene["organiser_clerk"]
    with pytest.raises(ValidationError) as caught:
        services.close_notice(clerk, notice, today=ENDS)
    assert "期满后" in caught.value.messages[0]
    objection = ObjectionFactory(notice=notice)
    with pytest.raises(ValidationError) as caught:
        services.close_notice(clerk, notice, today=AFTER)
    assert "1条异议未处理" in caught.value.messages[0]
    services.resolve_objection(clerk, objection, False, "不属实")
    services.close_notice(clerk, notice, today=AFTER)
    assert notice.state == NoticeState.CLOSED and notice.closed_on == AFTER
    with pytest.raises(ValidationError):
        services.object_to_notice(notice, "", "1", "晚了", today=ENDS)


# --- survey ----------------------------------------------------------------------------------


def test_tokens_are_random_single_use_and_counted_into_the_tally(scene):
    app = approved(scene, state=ApplicationState.RECOMMENDED)
    tokens = services.issue_tokens(scene["east_clerk"], app, 3)
    assert len({t.token for t in tokens}) == 3 and all(len(t.token) >= 20 for t in tokens)
    services.answer_survey(tokens[0].token, Answer.SATISFIED)
    services.answer_survey(tokens[1].token, Answer.DISSATISFIED)
    with pytest.raises(services.AlreadyAnswered):
        services.answer_survey(tokens[0].token, Answer.SATISFIED)
    tally = SurveyTally.objects.get()
    assert (tally.satisfied, tally.dissatisfied, tally.responses) == (1, 1, 2)
    assert tally.rate == Decimal("50.0")
    assert tally.application == app  # the applications API reads its rate from here
    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize("count", [0, 501, "3", True])
def test_between_1_and_500_tokens(scene, count):
    with pytest.raises(ValidationError) as caught:
        services.issue_tokens(scene["organiser_clerk"], approved(scene), count)
    assert "count" in caught.value.message_dict


def test_tokens_are_issued_by_the_organiser_or_the_unit_only(scene):
    app = approved(scene)
    for user in ("west_clerk", "branch_clerk", "evaluator"):
        with pytest.raises(ValidationError):
            services.issue_tokens(scene[user], app, 1)
    assert services.issue_tokens(scene["organiser_clerk"], app, 1)


def test_a_bad_answer_saves_nothing(scene):
    token = services.issue_tokens(scene["organiser_clerk"], approved(scene), 1)[0]
    for answer, answers in (("great", []), (Answer.SATISFIED, [Answer.SATISFIED])):
        with pytest.raises(ValidationError):
            services.answer_survey(token.token, answer, answers)
    assert not SurveyResponse.objects.exists()
    assert SurveyTally.objects.get().responses == 0


def test_configured_questions_are_answered_each(scene):
    campaign = scene["campaign"]
    campaign.survey_questions = ["服务群众", "组织生活"]
    campaign.save()
    token = services.issue_tokens(scene["organiser_clerk"], approved(scene), 1)[0]
    with pytest.raises(ValidationError):
        services.answer_survey(token.token, Answer.SATISFIED, [Answer.SATISFIED])
    services.answer_survey(token.token, Answer.SATISFIED, [Answer.SATISFIED, Answer.DISSATISFIED])
    assert SurveyResponse.objects.get().answers == ["satisfied", "dissatisfied"]


@pytest.fixture
def satisfaction_item(db):
    """A standard item measuring the satisfaction rate: at least 90%."""
    return ItemFactory(
        dimension__set__categories=["community"],
        metric="satisfaction_rate",
        comparator=">=",
        threshold=90,
    )


def test_the_survey_rate_is_the_fact_compliance_reads_and_the_own_value_stays(
    scene, satisfaction_item
):
    community, year = scene["community"], scene["campaign"].year
    set_yearly_fact(scene["branch_clerk"], community, year, "satisfaction_rate", Decimal(95))
    app = approved(scene)
    tokens = services.issue_tokens(scene["organiser_clerk"], app, 4)
    answers = ["satisfied", "basically_satisfied", "dissatisfied"]
    for token, answer in zip(tokens[:3], answers, strict=True):
        services.answer_survey(token.token, answer)
    survey = YearlyFact.objects.get(org=community, source=FactSource.SURVEY)
    own = YearlyFact.objects.get(org=community, source=FactSource.SELF_REPORTED)
    assert (survey.value, own.value) == (Decimal("66.70"), Decimal("95.00"))
    assert scene["campaign"].title in survey.note
    standard = satisfaction_item.dimension.set
    result = compliance_for(Organization.objects.filter(pk=community.pk), standard, year)
    (item,) = result[community.pk]
    assert item.value == Decimal("66.70") and item.status == ItemStatus.NOT_MET
    assert item.explanation == "群众满意度测评结果"
    # The clerk corrects the own value: the survey value still counts.
    set_yearly_fact(scene["branch_clerk"], community, year, "satisfaction_rate", Decimal(99))
    result = compliance_for(Organization.objects.filter(pk=community.pk), standard, year)
    assert result[community.pk][0].value == Decimal("66.70")


# --- third-party import ----------------------------------------------------------------------


def test_the_evaluator_imports_results_all_or_nothing(scene, tmp_path):
    rows = [("幸福社区党支部", 40, 8, 2), ("和平村党支部", 30, 10, 10)]
    result = services.import_results(
        scene["evaluator"], scene["campaign"], workbook(tmp_path, rows)
    )
    assert result.errors == [] and result.created == 2
    tally = SurveyTally.objects.get(org=scene["community"])
    assert tally.source == SurveySource.IMPORTED and tally.rate == Decimal("96.0")
    fact = YearlyFact.objects.get(org=scene["village"], source=FactSource.SURVEY)
    assert fact.value == Decimal("80.00")


def test_an_import_with_a_bad_row_imports_nothing(scene, tmp_path):
    rows = [("幸福社区党支部", 40, 8, 2), ("不存在的支部", 1, 1, 1), ("和平村党支部", "很多", 0, 0)]
    result = services.import_results(
        scene["evaluator"], scene["campaign"], workbook(tmp_path, rows)
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "党组织"), (4, "满意")]
    assert "未找到" in result.errors[0].message
    assert not SurveyTally.objects.exists()


def test_an_import_refuses_duplicates_zero_rows_and_organisations_surveyed_by_tokens(
    scene, tmp_path
):
    token = services.issue_tokens(scene["organiser_clerk"], approved(scene, "village"), 1)[0]
    services.answer_survey(token.token, Answer.SATISFIED)
    rows = [("幸福社区党支部", 1, 0, 0), ("幸福社区党支部", 2, 0, 0), ("西山村党支部", 0, 0, 0)]
    rows.append(("和平村党支部", 5, 0, 0))
    result = services.import_results(
        scene["evaluator"], scene["campaign"], workbook(tmp_path, rows)
    )
    messages = {e.row: e.message for e in result.errors}
    assert "与第2行是同一党组织" in messages[3]
    assert "不能都为0" in messages[4]
    assert "扫码测评" in messages[5]


def test_only_an_evaluator_imports(scene, tmp_path):
    with pytest.raises(ValidationError):
        services.import_results(
            scene["organiser_clerk"],
            scene["campaign"],
            workbook(tmp_path, [("幸福社区党支部", 1, 0, 0)]),
        )


def test_imported_tallies_take_no_tokens(scene, tmp_path):
    rows = [("幸福社区党支部", 1, 0, 0)]
    services.import_results(scene["evaluator"], scene["campaign"], workbook(tmp_path, rows))
    with pytest.raises(ValidationError):
        services.issue_tokens(scene["organiser_clerk"], approved(scene), 1)


# --- seed 004 grading ------------------------------------------------------------------------


def assessment(org, year, state, items, total=None, user=None):
    """An assessment with items [(points, status, self_status)]."""
    found = Assessment.objects.create(
        org=org,
        year=year,
        standard_set=StandardSetFactory(),
        state=state,
        total=total,
        started_by=user,
    )
    for position, (points, status, self_status) in enumerate(items):
        AssessmentItem.objects.create(
            assessment=found,
            item=ItemFactory(),
            position=position,
            status=status,
            self_status=self_status,
            max_points=points,
        )
    return found


def test_the_field_is_graded_from_three_sources_with_equal_weights(scene, db):
    campaign = scene["campaign"]
    campaign.kind = CampaignKind.DEMONSTRATION_POINT
    campaign.save()
    year, clerk = campaign.year, scene["organiser_clerk"]
    MET, NOT, MANUAL = ItemStatus.MET, ItemStatus.NOT_MET, ItemStatus.MANUAL
    # Community: rate 100, self-assessed 60 + 40 = 100, reviewed 80 → (100+100+80)/3 = 93.3.
    assessment(
        scene["community"],
        year,
        AssessmentState.REVIEWED,
        [(60, MET, ""), (40, MANUAL, MET)],
        total=Decimal(80),
        user=clerk,
    )
    SurveyTally.objects.create(campaign=campaign, org=scene["community"], satisfied=5)
    # Village: only a submitted self-assessment of 60 (40 not met) → 60 一般.
    assessment(
        scene["village"],
        year,
        AssessmentState.SUBMITTED,
        [(60, MET, ""), (40, NOT, "")],
        user=clerk,
    )
    grades = services.grade_field(clerk, campaign)
    by_org = {g.org.name: g for g in grades}
    assert set(by_org) == {"幸福社区党支部", "和平村党支部", "西山村党支部"}
    community = by_org["幸福社区党支部"]
    assert (community.satisfaction, community.self_assessment, community.upper_assessment) == (
        Decimal("100.0"),
        Decimal(100),
        Decimal(80),
    )
    assert (community.score, community.grade) == (Decimal("93.3"), "excellent")
    assert (by_org["和平村党支部"].score, by_org["和平村党支部"].grade) == (Decimal("60.0"), "fair")
    assert (by_org["西山村党支部"].score, by_org["西山村党支部"].grade) == (None, "")
    # Grading again replaces the grades.
    services.grade_field(clerk, campaign)
    assert FieldGrade.objects.count() == 3


def test_only_demonstration_point_campaigns_are_graded(scene):
    with pytest.raises(ValidationError):
        services.grade_field(scene["organiser_clerk"], scene["campaign"])


def test_grading_is_the_organisers(scene, make_user):
    scene["campaign"].kind = CampaignKind.DEMONSTRATION_POINT
    scene["campaign"].save()
    other = make_user("east_admin", role=Role.CLERK, org=scene["east"])
    with pytest.raises(ValidationError):
        services.grade_field(other, scene["campaign"])
