"""The assessment's services: self-assessment pre-filled from the records, submission that
freezes them, return and resubmission, review by the level above, grading at the band edges
with the veto cap and the grading policies, and who may do what."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from hypothesis import given
from hypothesis import strategies as st

from grassroots.assessments import services
from grassroots.assessments.choices import AssessmentState, Grade, ItemStatus
from grassroots.assessments.models import Assessment, GradingPolicy
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.models import Organization
from grassroots.standards.choices import SetStatus
from grassroots.standards.loader import load_standards
from grassroots.standards.models import StandardSet

from .helpers import (
    PDF,
    TODAY,
    YEAR,
    attest,
    build_set,
    rows_by_code,
    submitted,
    upload,
)

# Fixtures shared with the other assessment tests.


def error_of(excinfo):
    return excinfo.value.message_dict


def start(people, standard_set, user="clerk", org="branch", year=YEAR):
    return services.start_assessment(people[user], people[org], standard_set, year, TODAY)


def score_all(reviewer, assessment, **overrides):
    """Full marks for every row met, none otherwise; `overrides`: {code: score}."""
    rows = rows_by_code(assessment)
    scores = {
        row.pk: (overrides.get(code.replace(".", "_"), row.suggested_score), "")
        for code, row in rows.items()
    }
    services.review_items(reviewer, assessment, scores)


# --- points -----------------------------------------------------------------------------------


def test_equal_points_add_up_to_a_hundred():
    assert services.item_points(3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert services.item_points(4) == [Decimal(25)] * 4
    assert services.item_points(0) == []


@given(st.integers(min_value=1, max_value=500))
def test_points_are_as_equal_as_cents_allow(count):
    points = services.item_points(count)
    assert len(points) == count
    assert sum(points) == 100
    assert max(points) - min(points) <= Decimal("0.01")


# --- starting ---------------------------------------------------------------------------------


def test_start_fills_the_measurable_items_from_the_records(people, standard_set):
    assessment = start(people, standard_set)
    rows = rows_by_code(assessment)
    assert assessment.state == AssessmentState.DRAFT
    assert rows["1.1"].status == ItemStatus.MET
    assert rows["1.1"].value == 3
    assert rows["1.1"].threshold == 3
    assert rows["1.2"].status == ItemStatus.NOT_MET  # no study recorded
    assert rows["1.2"].value == 0
    assert rows["2.1"].status == ItemStatus.MANUAL
    assert rows["2.1"].value is None
    assert [r.max_points for r in rows.values()] == [Decimal(25)] * 4
    assert assessment.history.count() == 1
    assert rows["1.1"].history.get().history_user == people["clerk"]


@pytest.mark.parametrize(
    "user, org, field",
    [
        ("west_clerk", "branch", "org"),  # another subtree
        ("reviewer", "branch", "org"),  # reviewers do not enter data
        ("clerk", "east", "org"),  # a department is not assessed
    ],
)
def test_who_may_start_and_what(people, standard_set, user, org, field):
    with pytest.raises(ValidationError) as excinfo:
        start(people, standard_set, user, org)
    assert field in error_of(excinfo)


def test_a_committee_and_a_branch_clerk_may_start(people, standard_set):
    assert start(people, standard_set, org="committee").org == people["committee"]
    assert start(people, standard_set, "branch_clerk").org == people["branch"]


def test_only_a_published_set_and_one_assessment_a_year(people, standard_set):
    draft = build_set("t-draft", status=SetStatus.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        start(people, draft)
    assert "standard_set" in error_of(excinfo)
    start(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        start(people, standard_set)
    assert "已有考核" in error_of(excinfo)["year"][0]
    with pytest.raises(ValidationError) as excinfo:
        start(people, standard_set, year=YEAR + 1)
    assert error_of(excinfo)["year"] == ["年度不能晚于今年"]
    assert start(people, standard_set, year=YEAR - 1).year == YEAR - 1


def test_a_draft_may_be_discarded_not_after_submission(people, standard_set):
    assessment = start(people, standard_set)
    services.discard_assessment(people["clerk"], assessment)
    assert not Assessment.objects.exists()
    assessment = submitted(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        services.discard_assessment(people["clerk"], assessment)
    assert "state" in error_of(excinfo)


# --- self-assessment --------------------------------------------------------------------------


def test_manual_item_with_evidence_and_file(people, standard_set):
    row = rows_by_code(start(people, standard_set))["2.1"]
    services.update_self_assessment(
        people["clerk"],
        row,
        self_status=ItemStatus.MET,
        evidence="联系服务群众制度（2026年修订）",
        evidence_file=upload("制度.pdf", PDF),
        self_comment="制度已上墙",
    )
    row.refresh_from_db()
    assert row.self_status == ItemStatus.MET
    assert row.outcome == ItemStatus.MET
    assert row.evidence_name == "制度.pdf"
    assert row.evidence_file.name.endswith(".pdf")
    assert "制度" not in row.evidence_file.name  # stored under a random name
    services.update_self_assessment(people["clerk"], row, evidence_file=None)
    row.refresh_from_db()
    assert not row.evidence_file
    assert row.evidence == "联系服务群众制度（2026年修订）"  # fields not given stay


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("照片.png", PDF, "文件内容不是 PNG 格式"),
        ("照片.gif", b"GIF89a", "只能上传 JPG、PNG 图片或 PDF 文件"),
        ("空.pdf", b"", "文件是空的"),
        ("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "文件超过10MB"),
    ],
)
def test_evidence_file_is_checked_by_content_and_size(people, standard_set, name, content, message):
    row = rows_by_code(start(people, standard_set))["2.1"]
    with pytest.raises(ValidationError) as excinfo:
        services.update_self_assessment(people["clerk"], row, evidence_file=upload(name, content))
    assert message in error_of(excinfo)["evidence_file"][0]


def test_a_file_of_exactly_ten_megabytes_is_accepted(people, standard_set):
    row = rows_by_code(start(people, standard_set))["2.1"]
    content = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    services.update_self_assessment(people["clerk"], row, evidence_file=upload("a.pdf", content))
    assert row.evidence_name == "a.pdf"


def test_measurable_items_are_not_self_assessed(people, standard_set):
    row = rows_by_code(start(people, standard_set))["1.2"]
    with pytest.raises(ValidationError) as excinfo:
        services.update_self_assessment(people["clerk"], row, self_status=ItemStatus.MET)
    assert "self_status" in error_of(excinfo)
    services.update_self_assessment(people["clerk"], row, self_comment="学习记录待补录")
    assert row.self_comment == "学习记录待补录"


def test_only_the_clerk_changes_the_self_assessment(people, standard_set):
    row = rows_by_code(start(people, standard_set))["2.1"]
    for user in ("reviewer", "west_clerk"):
        with pytest.raises(ValidationError) as excinfo:
            services.update_self_assessment(people[user], row, evidence="x")
        assert "org" in error_of(excinfo)


def test_submission_needs_every_manual_item_attested(people, standard_set):
    assessment = start(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_assessment(people["clerk"], assessment, TODAY)
    assert error_of(excinfo) == {"self_status": ["请对第 2.1、2.2 条作出自评（达标或未达标）"]}
    rows = rows_by_code(assessment)
    services.update_self_assessment(people["clerk"], rows["2.1"], self_status=ItemStatus.MET)
    services.update_self_assessment(people["clerk"], rows["2.2"], self_status=ItemStatus.NOT_MET)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_assessment(people["clerk"], assessment, TODAY)
    assert error_of(excinfo) == {"evidence": ["第 2.1 条自评达标，请填写佐证材料说明或上传文件"]}
    services.update_self_assessment(people["clerk"], rows["2.1"], evidence="台账")
    done = services.submit_assessment(people["clerk"], assessment, TODAY)
    assert done.state == AssessmentState.SUBMITTED
    assert done.submitted_by == people["clerk"]


def test_submission_recomputes_then_freezes_the_measured_values(people, standard_set, make_member):
    people["members"][0].delete()  # two members: 1.1 (≥ 3) not met when started
    Organization.objects.filter(pk=people["branch"].pk).recount_members()
    assessment = start(people, standard_set)
    assert rows_by_code(assessment)["1.1"].status == ItemStatus.NOT_MET
    make_member(people["branch"])
    attest(people["clerk"], assessment)
    assessment = services.submit_assessment(people["clerk"], assessment, TODAY)
    assert rows_by_code(assessment)["1.1"].status == ItemStatus.MET  # recomputed
    make_member(people["branch"])
    assert rows_by_code(assessment)["1.1"].value == 3  # frozen at submission
    with pytest.raises(ValidationError) as excinfo:
        services.update_self_assessment(people["clerk"], rows_by_code(assessment)["2.1"])
    assert "state" in error_of(excinfo)


# --- return and resubmission ------------------------------------------------------------------


def test_return_needs_a_comment_then_resubmission_recomputes(people, standard_set, make_member):
    assessment = submitted(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        services.return_assessment(people["reviewer"], assessment, "  ")
    assert error_of(excinfo) == {"comment": ["请填写退回理由"]}
    returned = services.return_assessment(people["reviewer"], assessment, "2.1 佐证材料不全")
    assert returned.state == AssessmentState.RETURNED
    assert returned.return_comment == "2.1 佐证材料不全"
    with pytest.raises(ValidationError) as excinfo:
        services.review_item(people["reviewer"], rows_by_code(returned)["1.1"], 25)
    assert "state" in error_of(excinfo)

    row = rows_by_code(returned)["2.1"]
    services.update_self_assessment(people["clerk"], row, evidence="补充：会议记录3份")
    make_member(people["branch"])
    again = services.submit_assessment(people["clerk"], returned, TODAY)
    assert again.state == AssessmentState.RESUBMITTED
    assert rows_by_code(again)["1.1"].value == 4
    score_all(people["reviewer"], again)
    done = services.complete_review(people["reviewer"], again, today=TODAY)
    assert done.state == AssessmentState.REVIEWED
    states = [h.state for h in done.history.order_by("history_date", "history_id")]
    assert states[0] == AssessmentState.DRAFT
    assert AssessmentState.RETURNED in states and states[-1] == AssessmentState.REVIEWED


def test_only_a_submitted_assessment_is_submitted_once(people, standard_set):
    assessment = submitted(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_assessment(people["clerk"], assessment, TODAY)
    assert "state" in error_of(excinfo)


# --- review -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["clerk", "branch_reviewer", "west_reviewer", "branch_clerk"])
def test_only_a_reviewer_of_the_level_above_reviews(people, standard_set, user):
    assessment = submitted(people, standard_set)
    row = rows_by_code(assessment)["1.1"]
    for action in (
        lambda: services.review_item(people[user], row, 25),
        lambda: services.return_assessment(people[user], assessment, "不行"),
        lambda: services.complete_review(people[user], assessment),
    ):
        with pytest.raises(ValidationError) as excinfo:
            action()
        assert error_of(excinfo) == {"reviewer": [services.NOT_REVIEWER]}


def test_a_reviewer_higher_up_and_a_superuser_may_review(people, standard_set, make_user):
    assessment = submitted(people, standard_set)
    row = rows_by_code(assessment)["1.1"]
    city_reviewer = make_user(role=Role.REVIEWER, org=people["root"])
    assert services.review_item(city_reviewer, row, 20).review_score == 20
    assert services.review_item(make_user(is_superuser=True), row, 21).review_score == 21


@pytest.mark.parametrize(
    "score, message",
    [
        ("25.01", "第 1.1 条得分应在0到25分之间"),
        ("-0.01", "第 1.1 条得分应在0到25分之间"),
        ("12.345", "第 1.1 条得分最多保留两位小数"),
        ("abc", "第 1.1 条得分应为数字"),
    ],
)
def test_scores_are_checked(people, standard_set, score, message):
    assessment = submitted(people, standard_set)
    with pytest.raises(ValidationError) as excinfo:
        services.review_item(people["reviewer"], rows_by_code(assessment)["1.1"], score)
    assert error_of(excinfo) == {"review_score": [message]}


def test_scores_at_the_edges_are_accepted(people, standard_set):
    row = rows_by_code(submitted(people, standard_set))["1.1"]
    assert services.review_item(people["reviewer"], row, "25").review_score == 25
    scored = services.review_item(people["reviewer"], row, 0, "无")
    assert (scored.review_score, scored.review_comment) == (0, "无")
    assert services.review_item(people["reviewer"], row, "").review_score is None


def test_every_item_is_scored_before_completion(people, standard_set):
    assessment = submitted(people, standard_set)
    services.review_item(people["reviewer"], rows_by_code(assessment)["1.1"], 25)
    with pytest.raises(ValidationError) as excinfo:
        services.complete_review(people["reviewer"], assessment, today=TODAY)
    assert error_of(excinfo) == {"review_score": ["还有 3 个条目未评分：第 1.2、2.1、2.2 条"]}


def test_an_item_of_another_assessment_is_refused(people, standard_set):
    assessment = submitted(people, standard_set)
    other = start(people, standard_set, org="other_branch")
    stranger = other.items.first()
    with pytest.raises(ValidationError) as excinfo:
        services.review_items(people["reviewer"], assessment, {stranger.pk: (1, "")})
    assert "items" in error_of(excinfo)


# --- grading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "last, total, grade",
    [
        ("14.99", Decimal("89.99"), Grade.GOOD),
        ("15", Decimal("90"), Grade.EXCELLENT),
        ("0", Decimal("75"), Grade.GOOD),
    ],
)
def test_grade_at_the_edge_of_the_bands(people, standard_set, last, total, grade):
    assessment = submitted(people, standard_set)
    score_all(people["reviewer"], assessment, **{"1_2": last})  # 1.2 not met: scored anyway
    done = services.complete_review(people["reviewer"], assessment, "好", today=TODAY)
    assert (done.total, done.grade, done.veto_failed) == (total, grade, False)
    assert done.bands == services.rules.DEFAULT_BANDS
    assert done.reviewed_by == people["reviewer"]
    assert done.review_comment == "好"


def test_a_veto_item_not_met_caps_the_grade(people, standard_set):
    assessment = submitted(people, standard_set, veto_met=False)
    score_all(people["reviewer"], assessment, **{"1_2": 25, "2_2": 25})
    done = services.complete_review(people["reviewer"], assessment, today=TODAY)
    assert done.total == 100
    assert (done.grade, done.veto_failed) == (Grade.POOR, True)


def test_a_veto_item_scored_below_full_marks_caps_the_grade(people, standard_set):
    assessment = submitted(people, standard_set)
    score_all(people["reviewer"], assessment, **{"1_2": 25, "2_2": "24.99"})
    done = services.complete_review(people["reviewer"], assessment, today=TODAY)
    assert (done.total, done.grade, done.veto_failed) == (Decimal("99.99"), Grade.POOR, True)


def test_the_nearest_policy_grades_and_its_bands_are_kept(people, standard_set):
    services.set_grading_policy(people["admin"], people["east"], None, 95, 85, 70, Grade.FAIR)
    GradingPolicy.objects.create(org=people["root"], year=YEAR, excellent=80, good=70, fair=50)
    assessment = submitted(people, standard_set, veto_met=False)
    score_all(people["reviewer"], assessment, **{"1_2": 25, "2_2": 25})
    done = services.complete_review(people["reviewer"], assessment, today=TODAY)
    # The east district's policy (all years) is nearer than the city's for this year.
    assert (done.band_excellent, done.band_good, done.band_fair) == (95, 85, 70)
    assert (done.total, done.grade) == (100, Grade.FAIR)  # capped at 一般 by that policy
    GradingPolicy.objects.filter(org=people["east"]).update(excellent=99)
    done.refresh_from_db()
    assert done.band_excellent == 95  # the snapshot stays


def test_a_policy_for_the_year_wins_over_one_for_all_years(people):
    org = people["branch"]
    assert services.bands_for(org, YEAR) == services.rules.DEFAULT_BANDS
    GradingPolicy.objects.create(org=people["east"], year=None, excellent=95, good=85, fair=70)
    GradingPolicy.objects.create(org=people["east"], year=YEAR, excellent=92, good=80, fair=65)
    GradingPolicy.objects.create(org=people["west"], year=None, excellent=50, good=40, fair=30)
    assert services.bands_for(org, YEAR).excellent == 92
    assert services.bands_for(org, YEAR - 1).excellent == 95
    GradingPolicy.objects.create(org=org, year=None, excellent=91, good=81, fair=61)
    assert services.bands_for(org, YEAR).excellent == 91


def test_setting_a_policy(people):
    with pytest.raises(ValidationError) as excinfo:
        services.set_grading_policy(people["clerk"], people["east"], None, 90, 75, 60, Grade.POOR)
    assert "org" in error_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.set_grading_policy(people["admin"], people["east"], None, 70, 75, 60, Grade.POOR)
    assert "excellent" in error_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.set_grading_policy(people["admin"], people["east"], None, 101, 75, 60, Grade.POOR)
    assert error_of(excinfo) == {"excellent": ["分数线不能超过100分"]}
    first = services.set_grading_policy(people["admin"], people["east"], YEAR, 95, 80, 60, "fair")
    again = services.set_grading_policy(people["admin"], people["east"], YEAR, 96, 80, 60, "fair")
    assert first.pk == again.pk and again.excellent == 96


def test_grade_of_counts_what_the_reviewer_gave(people, standard_set):
    assessment = submitted(people, standard_set)
    score_all(people["reviewer"], assessment, **{"1_2": "12.5"})
    rows = list(assessment.items.select_related("item"))
    assert services.grade_of(rows, services.rules.DEFAULT_BANDS) == (
        Decimal("87.5"),
        False,
        Grade.GOOD,
    )


def test_assessment_of_a_village_with_the_real_standard(people, make_org, make_member):
    """A set from the data files (the standards app loads them) runs end to end."""
    load_standards()
    village_set = StandardSet.objects.latest_published().get(code="s000-village")
    village = make_org("东区和美村党支部", people["east"], category=Category.VILLAGE)
    for _ in range(5):
        make_member(village)
    assessment = services.start_assessment(people["clerk"], village, village_set, YEAR, TODAY)
    rows = list(assessment.items.select_related("item"))
    assert len(rows) == village_set.dimensions.aggregate(n=Count("items"))["n"]
    assert sum(r.max_points for r in rows) == 100
    assert {r.status for r in rows} >= {ItemStatus.MANUAL, ItemStatus.NOT_MET}


def test_kinds_assessed(people, standard_set, make_org):
    group = make_org("党小组", people["branch"], kind=OrgKind.GROUP)
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(people["clerk"], group, standard_set, YEAR, TODAY)
    assert error_of(excinfo) == {"org": ["只有基层党委、党总支和党支部参加考核"]}
    dissolved = make_org("撤销支部", people["east"], status="dissolved")
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(people["clerk"], dissolved, standard_set, YEAR, TODAY)
    assert error_of(excinfo) == {"org": ["该党组织已撤销"]}


def test_parent_path():
    class Org:
        def __init__(self, path):
            self.path = path

    assert services.parent_path(Org("/1/5/23/")) == "/1/5/"
    assert services.parent_path(Org("/1/")) is None
