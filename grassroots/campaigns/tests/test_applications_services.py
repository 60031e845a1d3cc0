"""Applying, the review chain, ranking and forwarding, inspections: the services at their
edges (seed 000 附件2: 1,000 characters, the basic committee's opinion skipped when the
applicant is that committee; 排序上报 within the quota)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.assessments.models import RectificationTask
from grassroots.assessments.tests.factories import InspectionSampleFactory
from grassroots.campaigns.choices import (
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionState,
    Opinion,
    StageCode,
)
from grassroots.campaigns.models import Application, ApplicationFile
from grassroots.campaigns.services import applications as services
from grassroots.campaigns.tests.factories import CampaignFactory, FilingFactory, TitleFactory
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.tests.factories import MemberFactory, PostFactory, TermFactory

REASON = "对照示范建设标准，组织体系健全，服务群众成效明显。"


def apply(scene, org="community", user="branch_clerk", level="demo", **kwargs):
    return services.start_application(
        scene[user], scene["campaign"], scene[org], scene[level], reason=REASON, **kwargs
    )


def submitted(scene, **kwargs):
    application = apply(scene, **kwargs)
    return services.submit_application(scene[kwargs.get("user", "branch_clerk")], application)


def agree(scene, application, user, text="同意推荐。"):
    return services.give_opinion(scene[user], application, Opinion.AGREE, text)


def error_of(exc, field):
    return exc.value.message_dict[field][0]


# --- applying -----------------------------------------------------------------------------------


def test_an_application_is_prefilled_from_the_registry(scene):
    term = TermFactory(org=scene["community"])
    secretary = MemberFactory(org=scene["community"], name="李书记")
    PostFactory(term=term, member=secretary, post=PostKind.SECRETARY)
    application = apply(scene)
    assert application.state == ApplicationState.DRAFT
    assert application.unit == scene["east"]
    assert (application.org_name, application.leader) == ("幸福社区党支部", "李书记")
    assert application.category == "城镇社区"
    assert application.location == "中共幸福街道工作委员会"
    assert application.chain == [
        [ChainStep.BASIC_COMMITTEE, scene["street"].pk],
        [ChainStep.UPPER_COMMITTEE, scene["east"].pk],
        [ChainStep.ORGANISER, scene["root"].pk],
    ]


def test_the_chain_skips_the_basic_committee_when_it_applies_itself(scene):
    street = apply(scene, org="street", user="east_clerk")
    assert [step for step, _ in street.chain] == [ChainStep.UPPER_COMMITTEE, ChainStep.ORGANISER]
    west = apply(scene, org="west_village", user="west_clerk")
    assert west.chain == [
        [ChainStep.UPPER_COMMITTEE, scene["west"].pk],
        [ChainStep.ORGANISER, scene["root"].pk],
    ]


def test_a_reason_of_1000_characters_is_taken_1001_refused(scene):
    application = apply(scene)
    services.update_application(scene["branch_clerk"], application, reason="字" * 1000)
    assert len(Application.objects.get().reason) == 1000
    # A browser's CRLF line break counts as one character, as its counter shows.
    services.update_application(scene["branch_clerk"], application, reason="字" * 998 + "\r\n字")
    with pytest.raises(ValidationError) as exc:
        services.update_application(scene["branch_clerk"], application, reason="字" * 1001)
    assert error_of(exc, "reason") == "申报理由不超过1000字（现1001字）"
    with pytest.raises(ValidationError) as exc:
        services.start_application(
            scene["east_clerk"], scene["campaign"], scene["village"], scene["demo"], "字" * 1001
        )
    assert "reason" in exc.value.message_dict


def test_refusals(scene, make_org):
    apply(scene)
    with pytest.raises(ValidationError) as exc:
        apply(scene, user="east_clerk")
    assert error_of(exc, "org") == "该党组织已申报本次创建，不能重复申报"
    # A title of the same kind still valid.
    TitleFactory(
        org=scene["village"],
        campaign=CampaignFactory(kind=CampaignKind.NAMING, organiser=scene["root"]),
        named_on=timezone.localdate() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() + datetime.timedelta(days=400),
    )
    with pytest.raises(ValidationError) as exc:
        apply(scene, org="village", user="east_clerk")
    assert error_of(exc, "org") == "该党组织已获得同类称号且仍在有效期内"
    filing = CampaignFactory(
        kind=CampaignKind.FILING, year=scene["campaign"].year, organiser=scene["root"]
    )
    FilingFactory(campaign=filing, org=scene["west_village"])
    with pytest.raises(ValidationError) as exc:
        apply(scene, org="west_village", user="west_clerk")
    assert error_of(exc, "org") == "该党组织已列入本年度示范点备案，不能同时申报命名"
    # Outside every recommending unit; another subtree's organisation.
    lone = make_org("南区某支部", scene["outside"], kind=OrgKind.BRANCH)
    with pytest.raises(ValidationError) as exc:
        apply(scene, org="outside", user="organiser_clerk")
    with pytest.raises(ValidationError) as exc:
        services.start_application(scene["organiser_clerk"], scene["campaign"], lone, scene["demo"])
    assert "推荐单位" in error_of(exc, "org")
    with pytest.raises(ValidationError) as exc:
        apply(scene, org="village", user="west_clerk")
    assert "权限" in error_of(exc, "org")


def test_a_higher_level_only_from_the_level_it_is_chosen_from(scene):
    with pytest.raises(ValidationError) as exc:
        apply(scene, level="top", top_level=scene["demo"])
    assert "top_level" in exc.value.message_dict
    assert apply(scene, top_level=scene["top"]).top_level == scene["top"]


def test_after_the_deadline_applying_and_submitting_are_refused(scene):
    application = apply(scene)
    late = scene["campaign"].application_deadline + datetime.timedelta(days=1)
    with pytest.raises(services.DeadlinePassed):
        services.start_application(
            scene["east_clerk"], scene["campaign"], scene["village"], scene["demo"], today=late
        )
    with pytest.raises(services.DeadlinePassed):
        services.submit_application(scene["branch_clerk"], application, today=late)
    on_the_day = scene["campaign"].application_deadline
    services.submit_application(scene["branch_clerk"], application, today=on_the_day)
    scene["campaign"].stage = StageCode.REVIEW
    scene["campaign"].save()
    with pytest.raises(services.DeadlinePassed) as exc:
        services.start_application(
            scene["east_clerk"], scene["campaign"], scene["village"], scene["demo"]
        )
    assert "初审/考察阶段" in error_of(exc, "campaign")


def test_evidence_files_are_hidden_never_deleted(scene):
    application = apply(scene)
    pdf = SimpleUploadedFile("活动记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    evidence = services.attach_file(scene["branch_clerk"], application, pdf)
    assert evidence.name == "活动记录.pdf" and evidence.file.name.endswith(".pdf")
    services.remove_file(scene["branch_clerk"], evidence)
    assert ApplicationFile.objects.get().removed
    with pytest.raises(ValidationError):
        fake = SimpleUploadedFile("a.pdf", b"not a pdf")
        services.attach_file(scene["branch_clerk"], application, fake)


# --- the review chain ---------------------------------------------------------------------------


def test_up_the_chain_ranked_forwarded_and_approved(scene):
    application = submitted(scene)
    assert application.state == ApplicationState.IN_REVIEW
    assert (application.pending_step, application.pending_org) == (
        ChainStep.BASIC_COMMITTEE,
        scene["street"],
    )
    with pytest.raises(ValidationError) as exc:
        agree(scene, application, "west_reviewer")
    assert error_of(exc, "opinion") == services.NOT_REVIEWER
    application = agree(scene, application, "street_reviewer")
    assert application.pending_org == scene["east"]
    application = agree(scene, application, "east_reviewer")
    assert application.state == ApplicationState.RECOMMENDED and not application.pending_step
    with pytest.raises(ValidationError):
        agree(scene, application, "organiser_reviewer")
    (application,) = services.forward_ranked(
        scene["east_reviewer"], scene["campaign"], scene["east"], [application.pk]
    )
    assert (application.rank, application.pending_step) == (1, ChainStep.ORGANISER)
    application = agree(scene, application, "organiser_reviewer", "同意命名。")
    assert application.state == ApplicationState.APPROVED
    assert [o.step for o in application.opinions.all()] == [
        ChainStep.BASIC_COMMITTEE,
        ChainStep.UPPER_COMMITTEE,
        ChainStep.ORGANISER,
    ]


def test_a_returned_application_starts_again_where_it_was_returned(scene):
    application = submitted(scene)
    application = agree(scene, application, "street_reviewer")
    application = services.give_opinion(
        scene["east_reviewer"], application, Opinion.RETURN, "请补充主要成效。"
    )
    assert application.state == ApplicationState.RETURNED and application.pending_org is None
    with pytest.raises(ValidationError) as exc:
        services.give_opinion(scene["east_reviewer"], application, Opinion.RETURN, "")
    services.update_application(scene["branch_clerk"], application, reason=REASON + "成效显著。")
    application = services.submit_application(scene["branch_clerk"], application)
    assert (application.state, application.pending_org) == (
        ApplicationState.IN_REVIEW,
        scene["east"],
    )
    application = services.give_opinion(
        scene["east_reviewer"], application, Opinion.REJECT, "不符合条件。"
    )
    assert application.state == ApplicationState.REJECTED
    with pytest.raises(ValidationError) as exc:
        services.update_application(scene["branch_clerk"], application, reason=REASON)
    assert "state" in exc.value.message_dict


def test_text_is_required_to_return(scene):
    application = submitted(scene)
    with pytest.raises(ValidationError) as exc:
        services.give_opinion(scene["street_reviewer"], application, Opinion.RETURN, "  ")
    assert error_of(exc, "text") == "请说明理由"


def test_forwarding_over_the_quota_is_refused(scene, make_org):
    # West's quota of 示范 is 2: three agreed applications, only two go up.
    apps = []
    for name in ("一", "二", "三"):
        org = make_org(f"西区{name}村党支部", scene["west"], kind=OrgKind.BRANCH)
        application = services.start_application(
            scene["west_clerk"], scene["campaign"], org, scene["demo"], REASON
        )
        application = services.submit_application(scene["west_clerk"], application)
        apps.append(agree(scene, application, "west_reviewer"))
    ids = [a.pk for a in apps]
    with pytest.raises(ValidationError) as exc:
        services.forward_ranked(scene["west_reviewer"], scene["campaign"], scene["west"], ids)
    assert error_of(exc, "applications") == "“示范基层党组织”上报3个，超出名额2个"
    with pytest.raises(ValidationError):
        services.forward_ranked(scene["east_reviewer"], scene["campaign"], scene["west"], ids[:1])
    services.forward_ranked(scene["west_reviewer"], scene["campaign"], scene["west"], ids[1::-1])
    assert {a.pk: a.rank for a in Application.objects.filter(rank__isnull=False)} == {
        ids[1]: 1,
        ids[0]: 2,
    }
    # What was sent before counts: the third no longer fits.
    with pytest.raises(ValidationError) as exc:
        services.forward_ranked(scene["west_reviewer"], scene["campaign"], scene["west"], ids[2:])
    assert "超出名额2个" in error_of(exc, "applications")


def test_a_forward_of_an_application_not_agreed_is_refused(scene):
    application = submitted(scene)
    with pytest.raises(ValidationError) as exc:
        services.forward_ranked(
            scene["east_reviewer"], scene["campaign"], scene["east"], [application.pk]
        )
    assert "待排序上报" in error_of(exc, "applications")


# --- inspections --------------------------------------------------------------------------------


def test_an_inspection_of_an_application_is_recorded_by_its_team(scene):
    application = submitted(scene)
    (inspection,) = services.assign_inspection(
        scene["east_reviewer"],
        scene["east"],
        [scene["inspector"]],
        timezone.localdate(),
        application=application,
    )
    assert inspection.org == scene["community"]
    with pytest.raises(ValidationError) as exc:
        services.record_inspection(scene["east_reviewer"], inspection, [], 90, "好")
    assert error_of(exc, "team") == services.NOT_TEAM
    with pytest.raises(ValidationError) as exc:
        services.record_inspection(scene["inspector"], inspection, [], "101", "")
    assert set(exc.value.message_dict) == {"findings", "score", "opinion"}
    findings = [
        {"method": "documents", "text": "会议记录齐全。", "shortfall": False},
        {"method": "site", "text": "阵地标识不全。", "shortfall": True},
    ]
    inspection = services.record_inspection(
        scene["inspector"], inspection, findings, "92.5", "同意"
    )
    assert inspection.state == InspectionState.RECORDED
    assert inspection.findings.count() == 2
    assert RectificationTask.objects.count() == 0  # only a sample's findings become tasks


def test_a_sample_gets_one_inspection_per_drawn_org_and_shortfalls_become_tasks(scene):
    sample = InspectionSampleFactory(
        org=scene["street"], drawn=[scene["community"].pk, scene["village"].pk]
    )
    with pytest.raises(ValidationError):
        services.assign_inspection(
            scene["west_reviewer"], scene["west"], [scene["inspector"]], sample=sample
        )
    made = services.assign_inspection(
        scene["street_reviewer"], scene["street"], [scene["inspector"]], sample=sample
    )
    assert sorted(i.org_id for i in made) == sorted(sample.drawn)
    with pytest.raises(ValidationError) as exc:
        services.assign_inspection(
            scene["street_reviewer"], scene["street"], [scene["inspector"]], sample=sample
        )
    assert "均已安排" in error_of(exc, "sample")
    findings = [{"method": "interviews", "text": "群众反映办事不便。", "shortfall": True}]
    services.record_inspection(scene["inspector"], made[0], findings, None, "限期整改")
    task = RectificationTask.objects.get()
    assert (task.source, task.org) == ("考察发现", made[0].org)
    assert task.description == "座谈走访：群众反映办事不便。"
    assert made[0].findings.get().task == task


def test_a_team_member_must_see_the_org(scene):
    with pytest.raises(ValidationError) as exc:
        services.assign_inspection(
            scene["east_reviewer"], scene["east"], [scene["west_clerk"]], org=scene["village"]
        )
    assert "无权查看" in error_of(exc, "team")
