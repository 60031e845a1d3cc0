from django.db import models


class CampaignKind(models.TextChoices):
    """Seed 000 names (命名) and files (备案登记); seed 002 creates bases; seed 004 creates
    demonstration points after grading the whole field."""

    NAMING = "naming", "示范命名"
    BASE = "base", "示范基地创建"
    DEMONSTRATION_POINT = "demonstration_point", "示范点创建"
    FILING = "filing", "示范点备案登记"


class StageCode(models.TextChoices):
    """The stages of a campaign, in order (seed 000 三: 层层申报 → 考察公示 → 组织测评 →
    命名表扬; seed 002: 自评申报 → 初审 → 实地考核 → 会议审定 → 公示 → 授牌)."""

    APPLICATION = "application", "申报"
    REVIEW = "review", "初审/考察"
    NOTICE = "notice", "公示"
    SURVEY = "survey", "测评"
    DECISION = "decision", "审定"
    NAMING = "naming", "命名"


STAGE_ORDER = list(StageCode)


class CheckCode(models.TextChoices):
    SURPLUS_TOO_LOW = "SURPLUS_TOO_LOW", "差额不足"
    OVER_QUOTA = "OVER_QUOTA", "超出名额"
    VILLAGE_SHARE = "VILLAGE_SHARE", "村（社区）比例"
    TOP_NOT_NOMINATED = "TOP_NOT_NOMINATED", "十佳不在示范推荐对象中"


class ChainStep(models.TextChoices):
    """The opinions of seed 000 附件2, in order."""

    BASIC_COMMITTEE = "basic_committee", "基层党委意见"
    UPPER_COMMITTEE = "upper_committee", "上级党委（党组）意见"
    ORGANISER = "organiser", "组织部门意见"


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    RECOMMENDED = "recommended", "推荐单位已同意（待排序上报）"
    APPROVED = "approved", "拟命名对象"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "逾期视为放弃"
    REMOVED = "removed", "公示有异议（取消）"
    NAMED = "named", "已命名"
    NOT_NAMED = "not_named", "未命名"


# The states in which an application counts as a nomination of its unit.
NOMINATED_STATES = (
    ApplicationState.IN_REVIEW,
    ApplicationState.RECOMMENDED,
    ApplicationState.APPROVED,
    ApplicationState.NAMED,
)
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.RETURNED)


class Opinion(models.TextChoices):
    AGREE = "agree", "同意"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不同意"


class InspectionMethod(models.TextChoices):
    """Seed 002 实地考核: 通过查看资料、实地检查、座谈走访等方式."""

    DOCUMENTS = "documents", "查看资料"
    SITE = "site", "实地检查"
    INTERVIEWS = "interviews", "座谈走访"


class InspectionState(models.TextChoices):
    ASSIGNED = "assigned", "待考察"
    RECORDED = "recorded", "已考察"


class NoticeState(models.TextChoices):
    RUNNING = "running", "公示中"
    CLOSED = "closed", "已结束"


class ObjectionState(models.TextChoices):
    RECEIVED = "received", "已收到"
    VERIFYING = "verifying", "核查中"
    DISMISSED = "dismissed", "不予采纳"
    UPHELD = "upheld", "异议成立"


class Answer(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class SurveySource(models.TextChoices):
    TOKENS = "tokens", "扫码测评"
    IMPORTED = "imported", "第三方导入"


class TitleState(models.TextChoices):
    CURRENT = "current", "有效"
    WARNED = "warned", "预警整改中"
    REVOKED = "revoked", "已撤销"


class ReReviewResult(models.TextChoices):
    PASSED = "passed", "复查合格"
    RECTIFY = "rectify", "限期整改"


# The schedule of each kind, in order. Seed 000 三: 层层申报 → 考察公示 → 组织测评 → 命名表扬
# (集体研究 then naming); seed 002 五: 自评申报 → 初审, 实地考核 → 会议审定 → 公示 → 授牌 (the
# decision comes before the notice); seed 004 二: 调查摸底 (the survey phase grades the field)
# → 集中创建 → 考核评比 → naming; seed 000 四: filing points are registered, then confirmed.
KIND_STAGES = {
    CampaignKind.NAMING: [
        StageCode.APPLICATION,
        StageCode.REVIEW,
        StageCode.NOTICE,
        StageCode.SURVEY,
        StageCode.DECISION,
        StageCode.NAMING,
    ],
    CampaignKind.BASE: [
        StageCode.APPLICATION,
        StageCode.REVIEW,
        StageCode.DECISION,
        StageCode.NOTICE,
        StageCode.NAMING,
    ],
    CampaignKind.DEMONSTRATION_POINT: [
        StageCode.SURVEY,
        StageCode.APPLICATION,
        StageCode.REVIEW,
        StageCode.DECISION,
        StageCode.NAMING,
    ],
    CampaignKind.FILING: [StageCode.APPLICATION, StageCode.NAMING],
}
