"""Setting up a campaign at its edges: who may, the levels and standards it takes, the
schedule of each kind, moving stages and withdrawing late applications, the quota table
replaced all or nothing, and the checks (差额 312 for 260, over quota, the 60% band judged
for units with villages and communities only, 十佳 not nominated) in a fixed number of
queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from grassroots.campaigns.choices import (
    KIND_STAGES,
    ApplicationState,
    CampaignKind,
    CheckCode,
    StageCode,
)
from grassroots.campaigns.models import Application, Campaign, Quota
from grassroots.campaigns.services import campaigns as services
from grassroots.campaigns.tests.factories import ApplicationFactory
from grassroots.orgs.choices import Category, OrgKind
from grassroots.standards.choices import SetStatus
from grassroots.standards.tests.factories import StandardSetFactory

TODAY = datetime.date(2026, 5, 12)
DEADLINE = datetime.date(2026, 6, 10)
LEVELS = [
    {"code": "demo", "name": "示范基层党组织", "to_name": 260},
    {"code": "top", "name": "十佳示范基层党组织", "to_name": 10, "chosen_from": "demo"},
]


def create(scene, user=None, **changes):
    values = {
        "title": "2026年“青川先锋”基层党组织示范行动",
        "kind": CampaignKind.NAMING,
        "organiser": scene["root"],
        "year": 2026,
        "levels": LEVELS,
        "application_deadline": DEADLINE,
        "standards": [],
        "today": TODAY,
        **changes,
    }
    return services.create_campaign(user or scene["organiser_clerk"], **values)


def codes(checks):
    return [check.code for check in checks]


# --- creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CampaignKind.values)
def test_each_kind_gets_its_schedule_with_the_first_stage_open(scene, kind):
    campaign = create(scene, kind=kind)
    stages = services.stages_of(campaign)
    assert [stage.code for stage in stages] == KIND_STAGES[kind]
    assert campaign.stage == KIND_STAGES[kind][0]
    assert stages[0].started_on == TODAY
    assert all(stage.started_on is None for stage in stages[1:])
    application = next(s for s in stages if s.code == StageCode.APPLICATION)
    assert application.deadline == DEADLINE


def test_base_creation_decides_before_the_notice_as_seed_002():
    assert KIND_STAGES[CampaignKind.BASE] == [
        StageCode.APPLICATION,
        StageCode.REVIEW,
        StageCode.DECISION,
        StageCode.NOTICE,
        StageCode.NAMING,
    ]


def test_levels_standards_and_deadlines_are_saved(scene):
    StandardSetFactory(code="s000-village", version=1)
    newest = StandardSetFactory(code="s000-village", version=2)
    review = DEADLINE + datetime.timedelta(days=20)
    campaign = create(scene, standards=["s000-village"], deadlines={StageCode.REVIEW: review})
    demo, top = campaign.levels.order_by("order")
    assert (demo.code, demo.to_name, demo.chosen_from) == ("demo", 260, None)
    assert (top.code, top.chosen_from) == ("top", demo)
    assert list(campaign.standards.all()) == [newest]
    assert campaign.stages.get(code=StageCode.REVIEW).deadline == review


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([], "至少设置一个"),
        ([{"code": "demo", "name": "示范", "to_name": 1}] * 2, "重复"),
        ([{"code": "Demo!", "name": "示范", "to_name": 1}], "代码"),
        ([{"code": "demo", "name": "", "to_name": 1}], "名称"),
        ([{"code": "demo", "name": "示范", "to_name": 0}], "正整数"),
        ([{"code": "top", "name": "十佳", "to_name": 1, "chosen_from": "demo"}], "另一称号"),
        ([{"code": "top", "name": "十佳", "to_name": 1, "chosen_from": "top"}], "另一称号"),
        (
            [
                {"code": "a", "name": "甲", "to_name": 1, "chosen_from": "b"},
                {"code": "b", "name": "乙", "to_name": 1, "chosen_from": "a"},
            ],
            "循环",
        ),
        (
            [
                {"code": "demo", "name": "示范", "to_name": 5},
                {"code": "top", "name": "十佳", "to_name": 6, "chosen_from": "demo"},
            ],
            "不能多于",
        ),
    ],
)
def test_bad_levels_are_refused_and_nothing_saved(scene, levels, message):
    before = Campaign.objects.count()
    with pytest.raises(ValidationError) as caught:
        create(scene, levels=levels)
    assert message in caught.value.message_dict["levels"][0]
    assert Campaign.objects.count() == before


def test_standards_must_exist_and_be_published(scene):
    StandardSetFactory(code="draft-only", status=SetStatus.DRAFT)
    with pytest.raises(ValidationError) as caught:
        create(scene, standards=["draft-only", "nowhere"])
    assert "draft-only、nowhere" in caught.value.message_dict["standards"][0]


def test_only_an_editor_of_the_organiser_creates(scene):
    for name in ("east_clerk", "organiser_reviewer", "evaluator"):
        with pytest.raises(ValidationError) as caught:
            create(scene, user=scene[name])
        assert "organiser" in caught.value.message_dict
    # A district's clerk organises in the district.
    assert create(scene, user=scene["east_clerk"], organiser=scene["east"]).pk


def test_a_branch_does_not_organise(scene):
    with pytest.raises(ValidationError) as caught:
        create(scene, organiser=scene["community"])
    assert "组织部门" in caught.value.message_dict["organiser"][0]


def test_stage_deadlines_follow_the_schedule(scene):
    early = DEADLINE - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        create(scene, deadlines={StageCode.REVIEW: early})
    assert "不能早于" in caught.value.message_dict["deadlines"][0]
    with pytest.raises(ValidationError) as caught:
        create(scene, kind=CampaignKind.FILING, deadlines={StageCode.SURVEY: DEADLINE})
    assert "没有以下阶段：测评" in caught.value.message_dict["deadlines"][0]


def test_update_changes_fields_levels_and_deadlines(scene):
    campaign = create(scene)
    later = DEADLINE + datetime.timedelta(days=5)
    services.update_campaign(
        scene["organiser_clerk"],
        campaign,
        title="新名称",
        application_deadline=later,
        levels=[
            {"code": "demo", "name": "示范基层党组织", "to_name": 250},
            {"code": "top", "name": "十佳", "to_name": 10},
        ],
    )
    campaign.refresh_from_db()
    assert campaign.title == "新名称"
    assert campaign.stages.get(code=StageCode.APPLICATION).deadline == later
    assert campaign.levels.get(code="demo").to_name == 250
    assert campaign.levels.get(code="top").chosen_from.code == "demo"
    with pytest.raises(ValidationError) as caught:
        services.update_campaign(
            scene["organiser_clerk"], campaign, levels=[{"code": "demo", "name": "x", "to_name": 1}]
        )
    assert "不能增删" in caught.value.message_dict["levels"][0]
    with pytest.raises(ValidationError):
        services.update_campaign(scene["east_clerk"], campaign, title="不许")


# --- stages ------------------------------------------------------------------------------------


def applications_in(campaign, unit, org, states):
    level = campaign.levels.get(code="demo")
    return [
        ApplicationFactory(
            campaign=campaign,
            level=level,
            unit=unit,
            org=make,
            state=state,
            created_by=campaign.created_by,
        )
        for make, state in zip(org, states, strict=True)
    ]


def test_the_application_stage_closes_after_its_deadline_withdrawing_the_late(scene):
    campaign = create(scene)
    draft, returned, submitted = applications_in(
        campaign,
        scene["east"],
        [scene["community"], scene["village"], scene["street"]],
        [ApplicationState.DRAFT, ApplicationState.RETURNED, ApplicationState.IN_REVIEW],
    )
    clerk = scene["organiser_clerk"]
    with pytest.raises(ValidationError) as caught:
        services.advance_stage(clerk, campaign, today=DEADLINE - datetime.timedelta(days=1))
    assert "申报截止日期" in caught.value.message_dict["stage"][0]
    after = DEADLINE
    services.advance_stage(clerk, campaign, today=after)
    campaign.refresh_from_db()
    assert campaign.stage == StageCode.REVIEW
    states = dict(Application.objects.values_list("pk", "state"))
    assert states[draft.pk] == states[returned.pk] == ApplicationState.WITHDRAWN
    assert states[submitted.pk] == ApplicationState.IN_REVIEW
    assert draft.history.latest().history_user == clerk
    application, review = services.stages_of(campaign)[:2]
    assert application.closed_on == review.started_on == after
    assert not application.is_late()
    assert review.is_late(today=after) is False


def test_stages_advance_to_the_last_and_no_further(scene):
    campaign = create(scene, kind=CampaignKind.FILING)
    after = DEADLINE + datetime.timedelta(days=3)
    services.advance_stage(scene["organiser_clerk"], campaign, today=after)
    with pytest.raises(ValidationError) as caught:
        services.advance_stage(scene["organiser_clerk"], campaign, today=after)
    assert "最后阶段" in caught.value.message_dict["stage"][0]
    with pytest.raises(ValidationError):
        services.advance_stage(scene["east_clerk"], campaign, today=after)


def test_a_stage_open_past_its_deadline_is_late(scene):
    campaign = create(scene)
    application = services.stages_of(campaign)[0]
    assert not application.is_late(today=DEADLINE)
    assert application.is_late(today=DEADLINE + datetime.timedelta(days=1))


def test_the_daily_command_withdraws_drafts_past_the_deadline(scene):
    campaign = create(scene)
    draft, submitted = applications_in(
        campaign,
        scene["east"],
        [scene["community"], scene["village"]],
        [ApplicationState.DRAFT, ApplicationState.IN_REVIEW],
    )
    call_command("close_late_applications", "--today", DEADLINE.isoformat())
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    call_command("close_late_applications", "--today", "2026-06-11")
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN
    assert submitted.state == ApplicationState.IN_REVIEW
    # Past its application stage, a campaign keeps the applications returned in review.
    services.advance_stage(scene["organiser_clerk"], campaign, today=DEADLINE)
    draft.state = ApplicationState.RETURNED
    draft.save()
    call_command("close_late_applications", "--today", "2026-07-01")
    draft.refresh_from_db()
    assert draft.state == ApplicationState.RETURNED


# --- quotas ------------------------------------------------------------------------------------


def test_quotas_replace_the_table(scene):
    campaign = scene["campaign"]
    east, west = scene["east"], scene["west"]
    rows = [
        {"unit": east.pk, "level": "demo", "quota": 5},
        {"unit": scene["outside"], "level": "demo", "quota": 0},
    ]
    assert services.set_quotas(scene["organiser_clerk"], campaign, rows) == 2
    table = {(q.unit_id, q.level.code): q.quota for q in campaign.quotas.select_related("level")}
    assert table == {(east.pk, "demo"): 5, (scene["outside"].pk, "demo"): 0}
    removed = Quota.history.filter(unit=west, history_type="-")
    assert removed.count() == 2
    assert removed.first().history_user == scene["organiser_clerk"]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"unit": "root", "level": "demo", "quota": 1}, "unit"),
        ({"unit": "elsewhere", "level": "demo", "quota": 1}, "unit"),
        ({"unit": "east", "level": "gold", "quota": 1}, "level"),
        ({"unit": "east", "level": "demo", "quota": -1}, "quota"),
        ({"unit": "east", "level": "demo", "quota": "3"}, "quota"),
    ],
)
def test_a_bad_quota_row_saves_nothing(scene, make_org, row, field):
    scene["elsewhere"] = make_org("另一个市委组织部", kind=OrgKind.DEPARTMENT)
    campaign = scene["campaign"]
    before = sorted(campaign.quotas.values_list("unit_id", "level_id", "quota"))
    rows = [{"unit": scene["west"].pk, "level": "demo", "quota": 9}, {**row}]
    rows[1]["unit"] = scene[row["unit"]].pk
    with pytest.raises(ValidationError) as caught:
        services.set_quotas(scene["organiser_clerk"], campaign, rows)
    assert caught.value.message_dict[field][0].startswith("第2行")
    assert sorted(campaign.quotas.values_list("unit_id", "level_id", "quota")) == before


def test_a_unit_twice_for_a_level_is_refused(scene):
    rows = [{"unit": scene["east"].pk, "level": "demo", "quota": 1}] * 2
    with pytest.raises(ValidationError) as caught:
        services.set_quotas(scene["organiser_clerk"], scene["campaign"], rows)
    assert "重复" in caught.value.message_dict["unit"][0]


def test_only_the_organiser_sets_quotas(scene):
    with pytest.raises(ValidationError):
        services.set_quotas(scene["east_clerk"], scene["campaign"], [])


# --- checks ------------------------------------------------------------------------------------


def quota_checks(scene, east, west):
    campaign = create(scene)
    rows = [
        {"unit": scene["east"].pk, "level": "demo", "quota": east},
        {"unit": scene["west"].pk, "level": "demo", "quota": west},
        {"unit": scene["east"].pk, "level": "top", "quota": 12},
    ]
    services.set_quotas(scene["organiser_clerk"], campaign, rows)
    return services.campaign_checks(campaign)


def test_312_quotas_for_260_keep_the_surplus_and_311_do_not(scene):
    assert CheckCode.SURPLUS_TOO_LOW not in codes(quota_checks(scene, 156, 156))
    checks = quota_checks(scene, 156, 155)
    (surplus,) = [c for c in checks if c.code == CheckCode.SURPLUS_TOO_LOW]
    assert surplus.level == "demo"
    assert "311" in surplus.message and "312" in surplus.message


def nominate(campaign, unit, orgs, level="demo", top=None, state=ApplicationState.IN_REVIEW):
    levels = {level.code: level for level in campaign.levels.all()}
    for org in orgs:
        ApplicationFactory(
            campaign=campaign,
            level=levels[level],
            top_level=levels[top] if top else None,
            unit=unit,
            org=org,
            state=state,
            created_by=campaign.created_by,
        )


def test_a_unit_over_its_quota_counting_top_nominees_for_both_levels(scene):
    campaign = scene["campaign"]  # quotas: east 4 demo / 1 top
    east_orgs = [scene["community"], scene["village"], scene["street"]]
    nominate(campaign, scene["east"], east_orgs[:1], top="top")
    nominate(campaign, scene["east"], east_orgs[1:], top="top")
    over = [c for c in services.campaign_checks(campaign) if c.code == CheckCode.OVER_QUOTA]
    assert [(c.unit, c.level) for c in over] == [(scene["east"].pk, "top")]
    assert "3个，超出名额1个" in over[0].message


def test_drafts_and_withdrawn_are_not_nominations(scene):
    campaign = scene["campaign"]
    nominate(campaign, scene["west"], [scene["west_village"]], state=ApplicationState.DRAFT)
    assert services.campaign_checks(campaign) == []


def district_with(make_org, scene, villages, others):
    district = make_org("北区区委组织部", scene["root"], kind=OrgKind.DEPARTMENT)
    orgs = [make_org(parent=district, category=Category.VILLAGE) for _ in range(villages)]
    orgs += [make_org(parent=district, category=Category.ORGAN) for _ in range(others)]
    return district, orgs


@pytest.mark.parametrize(
    ("villages", "others", "warned"),
    [(1, 1, False), (7, 3, False), (49, 51, True), (71, 29, True)],
)
def test_the_village_share_band_edges(scene, make_org, villages, others, warned):
    campaign = scene["campaign"]
    district, orgs = district_with(make_org, scene, villages, others)
    nominate(campaign, district, orgs)
    shares = [c for c in services.campaign_checks(campaign) if c.code == CheckCode.VILLAGE_SHARE]
    assert bool(shares) is warned
    if warned:
        assert shares[0].unit == district.pk
        assert f"村（社区）{villages}个" in shares[0].message


def test_a_unit_without_villages_or_communities_is_not_judged(scene, make_org):
    campaign = scene["campaign"]
    committee = make_org("市直机关工委", scene["root"], kind=OrgKind.DEPARTMENT)
    organs = [make_org(parent=committee, category=Category.ORGAN) for _ in range(3)]
    nominate(campaign, committee, organs)
    assert CheckCode.VILLAGE_SHARE not in codes(services.campaign_checks(campaign))


def test_a_top_nominee_not_nominated_for_the_level_below(scene):
    campaign = scene["campaign"]
    nominate(campaign, scene["west"], [scene["west_village"]], level="top")
    (check,) = [
        c for c in services.campaign_checks(campaign) if c.code == CheckCode.TOP_NOT_NOMINATED
    ]
    assert check.level == "top"
    assert "西山村党支部" in check.message


def test_checks_and_progress_read_a_fixed_number_of_queries(
    scene, make_org, django_assert_max_num_queries
):
    campaign = scene["campaign"]
    for index in range(6):
        district, orgs = district_with(make_org, scene, 2, 1) if index == 0 else (None, None)
        if district is None:
            district = make_org(f"区{index}", scene["root"], kind=OrgKind.DEPARTMENT)
            orgs = [make_org(parent=district, category=Category.VILLAGE) for _ in range(3)]
        nominate(campaign, district, orgs, top="top")
    with django_assert_max_num_queries(4):
        checks = services.campaign_checks(campaign)
    assert CheckCode.OVER_QUOTA in codes(checks)
    with django_assert_max_num_queries(3):
        progress = services.unit_progress(campaign)
    assert len(progress) == 8
    assert sum(row["nominated"] for row in progress) == 18
