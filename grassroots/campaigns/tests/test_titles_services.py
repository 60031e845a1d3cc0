"""The decision and naming, titles after naming and the filing register, at their edges:
the number to name exactly and one over, a higher level only from the lower level's named
nominees, the term of a title named on 29 February, the re-review dates, revocation only
after a failed warning unless reasoned, the filing quota and the refusal of a named
organisation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.assessments.choices import TaskStatus
from grassroots.assessments.models import InspectionSample
from grassroots.assessments.rules import draw_sample
from grassroots.campaigns import rules
from grassroots.campaigns.choices import (
    KIND_STAGES,
    ApplicationState,
    CampaignKind,
    ReReviewResult,
    StageCode,
    TitleState,
)
from grassroots.campaigns.models import (
    Application,
    Campaign,
    Decision,
    Filing,
    Quota,
    ReReview,
    Title,
)
from grassroots.campaigns.services import campaigns as campaign_services
from grassroots.campaigns.services import titles as services
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind

from .factories import ApplicationFactory, AwardLevelFactory, StageFactory, TitleFactory

TODAY = timezone.localdate()
NAMED = datetime.date(2024, 2, 29)


def approved(scene, org, unit, top=False, state=ApplicationState.APPROVED):
    return ApplicationFactory(
        campaign=scene["campaign"],
        level=scene["demo"],
        top_level=scene["top"] if top else None,
        org=org,
        unit=unit,
        state=state,
        created_by=scene["branch_clerk"],
    )


def with_approved(scene, make_org):
    """The scene's campaign at its decision stage, reviewed every 3 years, with five
    approved applications (two also nominated for 十佳) and one removed by an objection."""
    campaign = scene["campaign"]
    campaign.stage = StageCode.DECISION
    campaign.review_every_years = 3
    campaign.save()
    east, west, street = scene["east"], scene["west"], scene["street"]
    more = make_org("红星社区党支部", street, kind=OrgKind.BRANCH, category=Category.COMMUNITY)
    extra = make_org("东湖村党支部", street, kind=OrgKind.BRANCH, category=Category.VILLAGE)
    removed_org = make_org("西湖社区党支部", west, kind=OrgKind.BRANCH)
    apps = {
        "community": approved(scene, scene["community"], east, top=True),
        "village": approved(scene, scene["village"], east),
        "west_village": approved(scene, scene["west_village"], west, top=True),
        "more": approved(scene, more, east),
        "extra": approved(scene, extra, east),
        "removed": approved(scene, removed_org, west, state=ApplicationState.REMOVED),
    }
    return {**scene, **{f"{name}_app": app for name, app in apps.items()}}


@pytest.fixture
def naming(scene, make_org):
    return with_approved(scene, make_org)


def decide(scene, names, user="organiser_reviewer", **fields):
    data = {
        "decided_on": NAMED,
        "body": "部务会",
        "named_on": NAMED,
        "document_number": "青组〔2024〕8号",
        "note": "",
        **fields,
    }
    return services.record_decision(scene[user], scene["campaign"], names=names, **data)


def ids(naming, *names):
    return [naming[f"{name}_app"].pk for name in names]


def test_naming_exactly_the_number_to_name(naming):
    decision = decide(
        naming,
        {
            "demo": ids(naming, "community", "village", "west_village", "more"),
            "top": ids(naming, "community"),
        },
    )
    titles = Title.objects.filter(campaign=naming["campaign"]).order_by("level__order", "pk")
    assert decision.document_number == "青组〔2024〕8号"
    assert [t.certificate_number for t in titles] == [
        "2024-示范-0001",
        "2024-示范-0002",
        "2024-示范-0003",
        "2024-示范-0004",
        "2024-十佳-0001",
    ]
    # Named on 29 February for 3 years: the day before the third anniversary (28 February).
    assert {t.valid_until for t in titles} == {datetime.date(2027, 2, 27)}
    states = dict(Application.objects.values_list("org__name", "state"))
    assert states["和平村党支部"] == ApplicationState.NAMED
    assert states["东湖村党支部"] == ApplicationState.NOT_NAMED
    assert states["西湖社区党支部"] == ApplicationState.REMOVED
    # Seed 002: 每三年复查 — due on the third anniversary, the end of the term.
    assert set(ReReview.objects.values_list("due_on", flat=True)) == {datetime.date(2027, 2, 28)}
    assert ReReview.objects.count() == 5


def test_one_over_the_number_to_name_saves_nothing(naming):
    over = ids(naming, "community", "village", "west_village", "more", "extra")
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": over})
    assert "“示范基层党组织”拟命名4个，名单有5个" in raised.value.message_dict["names"]
    assert not Title.objects.exists()
    assert not Decision.objects.exists()
    assert not Application.objects.filter(state=ApplicationState.NAMED).exists()


def test_a_top_name_must_be_named_at_the_lower_level(naming):
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "village"), "top": ids(naming, "community")})
    assert raised.value.message_dict["names"] == [
        "幸福社区党支部不在“示范基层党组织”命名名单中，不能命名为“十佳示范基层党组织”"
    ]
    assert not Title.objects.exists()


def test_a_top_name_must_be_nominated_for_it(naming):
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "village"), "top": ids(naming, "village")})
    assert raised.value.message_dict["names"] == ["和平村党支部未被推荐为“十佳示范基层党组织”"]


def test_only_approved_applications_are_named(naming):
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "removed")})
    assert "不是本次创建的拟命名对象" in raised.value.message_dict["names"][0]


def test_the_decision_needs_the_decision_stage_and_the_organisers_reviewer(naming):
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "village")}, user="organiser_clerk")
    assert raised.value.message_dict == {"campaign": [services.NOT_ORGANISER]}
    campaign = naming["campaign"]
    campaign.stage = StageCode.SURVEY
    campaign.save()
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "village")})
    assert raised.value.message_dict == {"campaign": ["创建活动尚未进入审定阶段"]}


def test_a_campaign_is_decided_once(naming):
    decide(naming, {"demo": ids(naming, "village")})
    with pytest.raises(ValidationError) as raised:
        decide(naming, {"demo": ids(naming, "more")})
    assert raised.value.message_dict == {"campaign": ["本次创建已有审定记录"]}


def with_stages(campaign, current):
    """The Stage rows of the campaign's kind: those before `current` closed, `current` open
    (a month each, ending today)."""
    schedule = KIND_STAGES[campaign.kind]
    position = schedule.index(current)
    for index, code in enumerate(schedule[: position + 1]):
        started = TODAY - datetime.timedelta(days=30 * (position - index + 1))
        closed = None if code == current else started + datetime.timedelta(days=30)
        StageFactory(
            campaign=campaign, code=code, deadline=None, started_on=started, closed_on=closed
        )
    for code in schedule[position + 1 :]:
        StageFactory(campaign=campaign, code=code, deadline=None)
    campaign.stage = current
    campaign.save()
    return campaign


def stages(campaign):
    return {stage.code: stage for stage in campaign.stages.all()}


def test_the_decision_closes_the_decision_stage_and_opens_naming(naming):
    campaign = with_stages(naming["campaign"], StageCode.DECISION)
    decided_on, named_on = TODAY - datetime.timedelta(days=10), TODAY - datetime.timedelta(days=3)
    decide(naming, {"demo": ids(naming, "village")}, decided_on=decided_on, named_on=named_on)
    campaign.refresh_from_db()
    assert campaign.stage == StageCode.NAMING
    found = stages(campaign)
    assert (found[StageCode.DECISION].closed_on, found[StageCode.NAMING].started_on) == (
        decided_on,
        named_on,
    )
    assert found[StageCode.NAMING].closed_on is None
    assert found[StageCode.NAMING].history.first().history_user == naming["organiser_reviewer"]
    assert campaign.history.first().history_user == naming["organiser_reviewer"]


def test_a_refused_decision_leaves_the_stage_open(naming):
    campaign = with_stages(naming["campaign"], StageCode.DECISION)
    over = ids(naming, "community", "village", "west_village", "more", "extra")
    with pytest.raises(ValidationError):
        decide(naming, {"demo": over})
    campaign.refresh_from_db()
    assert campaign.stage == StageCode.DECISION
    assert stages(campaign)[StageCode.DECISION].closed_on is None


def test_a_base_campaign_is_named_after_its_notice(naming):
    """Seed 002: 会议审定 → 公示 → 公示无异议的…授牌: the decision names in the notice stage."""
    base = Campaign.objects.create(
        organiser=naming["root"],
        title="社会组织党建创新示范基地创建",
        kind=CampaignKind.BASE,
        year=TODAY.year,
        application_deadline=TODAY - datetime.timedelta(days=90),
        created_by=naming["organiser_clerk"],
    )
    with_stages(base, StageCode.DECISION)
    level = AwardLevelFactory(campaign=base, code="base", name="示范基地", to_name=3)
    application = ApplicationFactory(
        campaign=base,
        level=level,
        org=naming["street"],
        unit=naming["east"],
        state=ApplicationState.APPROVED,
    )
    decided_on = TODAY - datetime.timedelta(days=20)

    def record():
        return services.record_decision(
            naming["organiser_reviewer"],
            base,
            decided_on,
            "全体委员会议",
            TODAY,
            names={"base": [application.pk]},
        )

    with pytest.raises(ValidationError) as raised:
        record()
    assert raised.value.message_dict == {"campaign": ["创建活动尚未进入公示阶段"]}
    campaign_services.advance_stage(naming["organiser_clerk"], base)
    record()
    base.refresh_from_db()
    assert base.stage == StageCode.NAMING
    found = stages(base)
    assert found[StageCode.DECISION].closed_on == TODAY  # advanced by hand after the meeting
    assert (found[StageCode.NOTICE].closed_on, found[StageCode.NAMING].started_on) == (TODAY, TODAY)


def test_certificate_numbers_go_on_across_campaigns_of_a_year(naming, make_user):
    decide(naming, {"demo": ids(naming, "village")})
    other = Campaign.objects.create(
        organiser=naming["root"],
        title="另一次创建",
        kind=CampaignKind.BASE,
        year=2024,
        application_deadline=NAMED,
        stage=StageCode.NAMING,
        created_by=naming["organiser_clerk"],
    )
    level = AwardLevelFactory(campaign=other, code="base", name="示范基地", to_name=3)
    application = ApplicationFactory(
        campaign=other,
        level=level,
        org=naming["street"],
        unit=naming["east"],
        state=ApplicationState.APPROVED,
    )
    services.record_decision(
        naming["organiser_reviewer"],
        other,
        NAMED,
        "全体委员会议",
        NAMED,
        names={"base": [application.pk]},
    )
    assert Title.objects.get(campaign=other).certificate_number == "2024-示范-0002"


# --- after naming -----------------------------------------------------------------------------


def with_titles(naming):
    """Named today: the community branch 示范 and 十佳, the village branch 示范."""
    decide(
        naming,
        {"demo": ids(naming, "community", "village"), "top": ids(naming, "community")},
        decided_on=TODAY,
        named_on=TODAY,
    )
    titles = {t.org_id: t for t in Title.objects.filter(level=naming["demo"])}
    return {**naming, "title": titles[naming["village"].pk]}


@pytest.fixture
def named(naming):
    return with_titles(naming)


def test_revocation_is_refused_before_a_warning_unless_reasoned(named):
    reviewer, title = named["organiser_reviewer"], named["title"]
    with pytest.raises(ValidationError) as raised:
        services.revoke_title(reviewer, title, "示范效应弱化")
    assert "称号尚未预警整改" in raised.value.message_dict["title"][0]
    services.revoke_title(reviewer, title, "发生严重违纪问题", without_warning=True)
    title.refresh_from_db()
    assert title.state == TitleState.REVOKED
    assert title.revoked_reason == "未经预警整改直接撤销：发生严重违纪问题"
    assert title.revoked_on == TODAY


def test_a_warning_opens_a_task_and_revocation_waits_for_its_deadline(named):
    reviewer, title = named["organiser_reviewer"], named["title"]
    deadline = TODAY + datetime.timedelta(days=30)
    warning = services.warn_title(reviewer, title, "组织生活不规范", deadline)
    title.refresh_from_db()
    assert title.state == TitleState.WARNED
    assert warning.task.source == "示范称号预警"
    assert warning.task.org == title.org
    assert warning.task.deadline == deadline
    with pytest.raises(ValidationError) as raised:
        services.revoke_title(reviewer, title, "整改不到位")
    assert "整改期限" in raised.value.message_dict["title"][0]
    # The deadline passes with the task still open: revocation is allowed.
    warning.task.deadline = TODAY - datetime.timedelta(days=1)
    warning.task.save()
    services.revoke_title(reviewer, title, "逾期未整改")
    title.refresh_from_db()
    assert title.state == TitleState.REVOKED
    assert Title.objects.filter(pk=title.pk).exists()  # never deleted


def test_a_warning_is_lifted_when_its_task_is_done(named):
    reviewer, title = named["organiser_reviewer"], named["title"]
    warning = services.warn_title(reviewer, title, "组织生活不规范", TODAY)
    with pytest.raises(ValidationError):
        services.lift_warning(reviewer, title)
    warning.task.status = TaskStatus.DONE
    warning.task.save()
    services.lift_warning(reviewer, title)
    title.refresh_from_db()
    assert title.state == TitleState.CURRENT


def test_only_the_organiser_warns(named):
    with pytest.raises(ValidationError) as raised:
        services.warn_title(named["east_reviewer"], named["title"], "原因", TODAY)
    assert raised.value.message_dict == {"title": [services.NOT_ORGANISER]}


def test_completing_a_re_review(named):
    re_review = named["title"].re_reviews.get()
    reviewer = named["organiser_reviewer"]
    with pytest.raises(ValidationError) as raised:
        services.complete_re_review(reviewer, re_review, ReReviewResult.RECTIFY, "")
    assert "note" in raised.value.message_dict
    services.complete_re_review(reviewer, re_review, ReReviewResult.PASSED, "复查合格")
    re_review.refresh_from_db()
    assert (re_review.result, re_review.done_on, re_review.done_by) == (
        ReReviewResult.PASSED,
        TODAY,
        reviewer,
    )
    with pytest.raises(ValidationError):
        services.complete_re_review(reviewer, re_review, ReReviewResult.PASSED, "")


def test_a_passed_re_review_at_the_end_of_the_term_renews_it(named):
    """Seed 002: 有效期为3年, 每三年…复查 — passed (here early), the title runs three more
    years from its old end and the next re-review is due at their end."""
    title, reviewer = named["title"], named["organiser_reviewer"]
    services.complete_re_review(reviewer, title.re_reviews.get(), ReReviewResult.PASSED, "合格")
    title.refresh_from_db()
    assert title.valid_until == rules.valid_until(TODAY, 6)
    assert list(title.re_reviews.values_list("due_on", flat=True)) == [
        rules.add_years(TODAY, 3),
        rules.add_years(TODAY, 6),
    ]
    assert title.history.first().history_user == reviewer
    other = Title.objects.filter(level=named["demo"]).exclude(pk=title.pk).get()
    assert other.valid_until == rules.valid_until(TODAY, 3)


def test_a_re_review_to_rectify_leaves_the_term(named):
    title = named["title"]
    services.complete_re_review(
        named["organiser_reviewer"], title.re_reviews.get(), ReReviewResult.RECTIFY, "台账不全"
    )
    title.refresh_from_db()
    assert title.valid_until == rules.valid_until(TODAY, 3)
    assert title.re_reviews.count() == 1


def test_a_late_re_review_renews_from_the_old_end_not_from_its_day(naming):
    named_on = rules.add_years(TODAY, -3) - datetime.timedelta(days=10)
    decide(naming, {"demo": ids(naming, "village")}, decided_on=named_on, named_on=named_on)
    title = Title.objects.get()
    assert services.standing(title) == "expired"
    re_review = title.re_reviews.get()
    assert re_review.due_on == title.valid_until + datetime.timedelta(days=1) < TODAY
    services.complete_re_review(naming["organiser_reviewer"], re_review, ReReviewResult.PASSED)
    title.refresh_from_db()
    assert title.valid_until == rules.valid_until(named_on, 6)
    assert services.standing(title) == "current"
    assert title.re_reviews.filter(done_on__isnull=True).get().due_on == rules.add_years(
        named_on, 6
    )


def test_only_the_re_review_at_the_end_of_the_term_renews_it(naming):
    campaign = naming["campaign"]
    campaign.review_every_years = 1
    campaign.save()
    decide(naming, {"demo": ids(naming, "village")}, decided_on=TODAY, named_on=TODAY)
    title = Title.objects.get()
    first, _, last = title.re_reviews.order_by("due_on")
    reviewer = naming["organiser_reviewer"]
    services.complete_re_review(reviewer, first, ReReviewResult.PASSED)
    title.refresh_from_db()
    assert title.valid_until == rules.valid_until(TODAY, 3)
    services.complete_re_review(reviewer, last, ReReviewResult.PASSED)
    title.refresh_from_db()
    assert title.valid_until == rules.valid_until(TODAY, 6)
    assert [r.due_on for r in title.re_reviews.order_by("due_on")] == [
        rules.add_years(TODAY, years) for years in range(1, 7)
    ]


def test_a_spot_check_is_a_reproducible_sample_of_current_titles(named):
    reviewer, inspector = named["organiser_reviewer"], named["inspector"]
    sample = services.draw_spot_check(reviewer, named["campaign"], "0.5", seed=7, team=[inspector])
    population = sorted([named["community"].pk, named["village"].pk])
    assert sample.population == population
    assert sample.drawn == draw_sample(population, sample.share, 7)
    assert len(sample.drawn) == 1
    inspection = sample.inspections.get()
    assert inspection.title.level == named["demo"]  # its lowest title
    assert list(inspection.team.all()) == [inspector]
    assert InspectionSample.objects.get().seed == 7


def test_a_spot_check_needs_a_team(named):
    with pytest.raises(ValidationError) as raised:
        services.draw_spot_check(named["organiser_reviewer"], named["campaign"], "0.5")
    assert raised.value.message_dict == {"team": ["请选择检查组成员"]}


# --- the filing register ----------------------------------------------------------------------


def with_filing(scene):
    """A filing campaign of this year with quotas east 2 and west 1."""
    campaign = Campaign.objects.create(
        organiser=scene["root"],
        title="2026年“青川先锋”基层党组织示范点备案登记",
        kind=CampaignKind.FILING,
        year=TODAY.year,
        application_deadline=TODAY,
        created_by=scene["organiser_clerk"],
    )
    level = AwardLevelFactory(campaign=campaign, code="point", name="示范点", to_name=3)
    Quota.objects.create(campaign=campaign, unit=scene["east"], level=level, quota=2)
    Quota.objects.create(campaign=campaign, unit=scene["west"], level=level, quota=1)
    return {**scene, "filing": campaign}


@pytest.fixture
def filing(scene):
    return with_filing(scene)


def file(scene, org, unit="east", user="east_clerk", **fields):
    fields = {"covered_people": 1200, "address": "幸福路1号", "phone": "13812345678", **fields}
    return services.file_org(
        scene[user],
        scene["filing"],
        scene[unit],
        org,
        leader=fields.pop("leader", "王建国"),
        **fields,
    )


def test_filing_up_to_the_quota_and_not_one_more(filing):
    row = file(filing, filing["community"])
    assert (row.org_name, row.org_type, row.member_count, row.leader) == (
        "幸福社区党支部",
        "城镇社区",
        0,
        "王建国",
    )
    file(filing, filing["village"])
    with pytest.raises(ValidationError) as raised:
        file(filing, filing["street"])
    assert raised.value.message_dict["unit"] == ["东区区委组织部备案名额2个，已备案2个，不能再备案"]
    # A withdrawn row frees its place and stays in the register.
    services.withdraw_filing(filing["east_clerk"], row)
    file(filing, filing["street"])
    assert Filing.objects.count() == 3
    assert Filing.objects.filter(withdrawn=False).count() == 2


def test_filing_refused_for_a_named_organisation(filing):
    title = TitleFactory(
        campaign=filing["campaign"],
        level=filing["demo"],
        org=filing["community"],
        named_on=TODAY,
        valid_until=TODAY,
    )
    with pytest.raises(ValidationError) as raised:
        file(filing, filing["community"])
    assert raised.value.message_dict["org"] == ["该党组织已被命名为示范基层党组织，不重复备案"]
    title.state = TitleState.REVOKED
    title.save()
    file(filing, filing["community"])


def test_filing_refused_while_applying_this_year(filing):
    approved(filing, filing["community"], filing["east"], state=ApplicationState.IN_REVIEW)
    with pytest.raises(ValidationError) as raised:
        file(filing, filing["community"])
    assert raised.value.message_dict["org"] == ["该党组织今年已申报命名，不重复备案"]
    Application.objects.update(state=ApplicationState.REJECTED)
    file(filing, filing["community"])


def test_filing_only_below_the_unit_by_its_clerk(filing):
    with pytest.raises(ValidationError) as raised:
        file(filing, filing["west_village"])
    assert raised.value.message_dict["org"] == ["只能备案本单位所属的党组织"]
    with pytest.raises(ValidationError) as raised:
        file(filing, filing["west_village"], unit="west")
    assert raised.value.message_dict == {"unit": ["只有填报单位的党务工作者可以备案登记"]}


def test_the_village_share_of_a_district_is_checked(filing, make_org):
    organ = make_org("东区机关党支部", filing["east"], kind=OrgKind.BRANCH, category=Category.ORGAN)
    file(filing, organ)
    rows = services.filing_units(filing["filing"], Filing.objects.all())
    checks = services.filing_checks(filing["filing"], rows)
    assert [c.unit for c in checks] == [filing["east"].pk]
    assert "村（社区）0个，占0%" in checks[0].message
    file(filing, filing["village"])
    rows = services.filing_units(filing["filing"], Filing.objects.all())
    assert services.filing_checks(filing["filing"], rows) == []  # 1 of 2: 50%, within ±10


def test_the_phone_is_masked_without_personal_data(filing, make_user):
    row = file(filing, filing["community"])
    viewer = make_user("east_viewer", role=Role.VIEWER, org=filing["east"])
    assert services.shown_phone(filing["east_clerk"], row) == "13812345678"
    assert services.shown_phone(viewer, row) == "138****5678"


def test_the_register_heading_names_the_brand(filing):
    assert (
        services.register_heading(filing["filing"])
        == f"“青川先锋”基层党组织示范建设备案登记表（{TODAY.year}年）"
    )
