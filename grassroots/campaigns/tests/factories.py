"""factory_boy factories of the campaigns: a campaign and its levels, stages and quotas,
applications and their opinions and files, inspections, notices and objections, surveys,
grades, decisions, titles and their re-reviews and warnings, the filing register."""

import datetime

import factory
from factory.django import DjangoModelFactory

from grassroots.assessments.tests.factories import RectificationTaskFactory
from grassroots.campaigns.choices import (
    Answer,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionMethod,
    Opinion,
    StageCode,
)
from grassroots.campaigns.models import (
    Application,
    ApplicationFile,
    AwardLevel,
    Campaign,
    Decision,
    FieldGrade,
    Filing,
    Inspection,
    InspectionFinding,
    Notice,
    Objection,
    Quota,
    ReReview,
    ReviewOpinion,
    Stage,
    SurveyResponse,
    SurveyTally,
    SurveyToken,
    Title,
    TitleWarning,
)
from grassroots.core.tests.factories import UserFactory
from grassroots.orgs.tests.factories import OrganizationFactory


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    organiser = factory.SubFactory(OrganizationFactory)
    title = "2026年基层党组织示范行动"
    kind = CampaignKind.NAMING
    year = 2026
    application_deadline = datetime.date(2026, 6, 10)
    created_by = factory.SubFactory(UserFactory)


class AwardLevelFactory(DjangoModelFactory):
    class Meta:
        model = AwardLevel

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"level{n}")
    name = "示范基层党组织"
    to_name = 10


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    campaign = factory.SubFactory(CampaignFactory)
    code = StageCode.APPLICATION
    deadline = datetime.date(2026, 6, 10)


class QuotaFactory(DjangoModelFactory):
    class Meta:
        model = Quota

    level = factory.SubFactory(AwardLevelFactory)
    campaign = factory.SelfAttribute("level.campaign")
    unit = factory.SubFactory(OrganizationFactory)
    quota = 13


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    level = factory.SubFactory(AwardLevelFactory)
    campaign = factory.SelfAttribute("level.campaign")
    org = factory.SubFactory(OrganizationFactory)
    unit = factory.SubFactory(OrganizationFactory)
    org_name = factory.SelfAttribute("org.name")
    leader = "王建国"
    category = "农村"
    location = "青川市江北区"
    reason = "对照示范建设标准，组织体系健全，服务群众成效明显。"
    state = ApplicationState.DRAFT
    created_by = factory.SubFactory(UserFactory)


class ApplicationFileFactory(DjangoModelFactory):
    class Meta:
        model = ApplicationFile

    application = factory.SubFactory(ApplicationFactory)
    file = factory.django.FileField(filename="evidence.pdf", data=b"%PDF-1.4")
    name = "佐证材料.pdf"
    uploaded_by = factory.SubFactory(UserFactory)


class ReviewOpinionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewOpinion

    application = factory.SubFactory(ApplicationFactory)
    step = ChainStep.UPPER_COMMITTEE
    org = factory.SelfAttribute("application.unit")
    opinion = Opinion.AGREE
    text = "同意推荐。"
    signed_by = factory.SubFactory(UserFactory)
    signed_on = datetime.date(2026, 6, 12)


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    org = factory.SubFactory(OrganizationFactory)
    assigned_by_org = factory.SubFactory(OrganizationFactory)
    assigned_by = factory.SubFactory(UserFactory)


class InspectionFindingFactory(DjangoModelFactory):
    class Meta:
        model = InspectionFinding

    inspection = factory.SubFactory(InspectionFactory)
    method = InspectionMethod.DOCUMENTS
    text = "会议记录齐全。"


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    campaign = factory.SubFactory(CampaignFactory)
    published_on = datetime.date(2026, 9, 30)
    working_days = 5
    ends_on = datetime.date(2026, 10, 13)
    published_by = factory.SubFactory(UserFactory)


class ObjectionFactory(DjangoModelFactory):
    class Meta:
        model = Objection

    notice = factory.SubFactory(NoticeFactory)
    name = "李群众"
    contact = "13812345678"
    text = "该支部去年主题党日多次未开展。"


class SurveyTallyFactory(DjangoModelFactory):
    class Meta:
        model = SurveyTally

    campaign = factory.SubFactory(CampaignFactory)
    org = factory.SubFactory(OrganizationFactory)


class SurveyTokenFactory(DjangoModelFactory):
    class Meta:
        model = SurveyToken

    tally = factory.SubFactory(SurveyTallyFactory)
    token = factory.Sequence(lambda n: f"token{n:08d}")
    created_by = factory.SubFactory(UserFactory)


class SurveyResponseFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    token = factory.SubFactory(SurveyTokenFactory)
    answer = Answer.SATISFIED


class FieldGradeFactory(DjangoModelFactory):
    class Meta:
        model = FieldGrade

    campaign = factory.SubFactory(CampaignFactory, kind=CampaignKind.DEMONSTRATION_POINT)
    org = factory.SubFactory(OrganizationFactory)


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    campaign = factory.SubFactory(CampaignFactory)
    decided_on = datetime.date(2026, 8, 10)
    body = "部务会"
    named_on = datetime.date(2026, 8, 15)
    recorded_by = factory.SubFactory(UserFactory)


class TitleFactory(DjangoModelFactory):
    class Meta:
        model = Title

    level = factory.SubFactory(AwardLevelFactory)
    campaign = factory.SelfAttribute("level.campaign")
    org = factory.SubFactory(OrganizationFactory)
    org_name = factory.SelfAttribute("org.name")
    named_on = datetime.date(2026, 8, 15)
    valid_until = datetime.date(2029, 8, 14)
    certificate_number = factory.Sequence(lambda n: f"2026-{n:04d}")


class ReReviewFactory(DjangoModelFactory):
    class Meta:
        model = ReReview

    title = factory.SubFactory(TitleFactory)
    due_on = datetime.date(2029, 8, 15)


class TitleWarningFactory(DjangoModelFactory):
    class Meta:
        model = TitleWarning

    title = factory.SubFactory(TitleFactory)
    issued_on = datetime.date(2027, 3, 1)
    reason = "示范效应弱化，组织生活不规范。"
    task = factory.SubFactory(RectificationTaskFactory, org=factory.SelfAttribute("..title.org"))
    issued_by = factory.SubFactory(UserFactory)


class FilingFactory(DjangoModelFactory):
    class Meta:
        model = Filing

    campaign = factory.SubFactory(CampaignFactory, kind=CampaignKind.FILING)
    unit = factory.SubFactory(OrganizationFactory)
    org = factory.SubFactory(OrganizationFactory)
    org_name = factory.SelfAttribute("org.name")
    org_type = "村党支部"
    member_count = 32
    leader = "王建国"
    filed_by = factory.SubFactory(UserFactory)
