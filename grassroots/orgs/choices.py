from django.db import models


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", "组织部/工委/党工委"
    COMMITTEE = "committee", "基层党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    FUNCTIONAL_BRANCH = "functional_branch", "功能型党支部"
    TEMPORARY = "temporary", "临时党组织"
    GROUP = "group", "党小组"


class Category(models.TextChoices):
    VILLAGE = "village", "农村"
    COMMUNITY = "community", "城镇社区"
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公有制企业"
    SOCIAL_ORG = "social_org", "社会组织"
    SCHOOL = "school", "学校"
    UNIVERSITY = "university", "高校"
    HOSPITAL = "hospital", "医院"
    SCI_TECH_SOCIETY = "sci_tech_society", "科技社团"
    OTHER = "other", "其他"


class UnitKind(models.TextChoices):
    """What a host unit is; seed 004 names the social organisations' three forms."""

    PRIVATE_ENTERPRISE = "private_enterprise", "非公有制企业"
    SOCIAL_GROUP = "social_group", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    FOUNDATION = "foundation", "基金会"
    SCI_TECH_SOCIETY = "sci_tech_society", "科技社团/学会"
    SOE = "soe", "国有企业"
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他"


class GuideRole(models.TextChoices):
    """Who guides a unit from outside. Seed 000: "1名区（市）县级领导挂点、1名镇（街道）班子
    成员包点、1名党建指导员帮点"; seed 004: a unit not yet ready for an organisation gets
    "党建工作指导员、联络员" (党的工作覆盖)."""

    INSTRUCTOR = "instructor", "党建工作指导员"
    LIAISON = "liaison", "党建联络员"
    COUNTY_LEADER = "county_leader", "挂点县级领导"
    TOWNSHIP_MEMBER = "township_member", "包点镇街班子成员"


class Coverage(models.TextChoices):
    """How a unit is covered (两个覆盖)."""

    ORGANISATION = "organisation", "组织覆盖"
    WORK = "work", "工作覆盖（仅指导员）"
    NONE = "none", "未覆盖"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "已撤销"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    UNIVERSITY = "university", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    MIDDLE_SCHOOL = "middle_school", "初中及以下"


class SocietyRole(models.TextChoices):
    """The member's post in the host unit's governing body (理事会 etc.)."""

    NONE = "", "无"
    CHAIR = "chair", "理事长/会长/董事长"
    VICE_CHAIR = "vice_chair", "副理事长/副会长"
    SECRETARY_GENERAL = "secretary_general", "秘书长"
    DIRECTOR = "director", "理事"


class LeaveReason(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", "转出本系统"
    DECEASED = "deceased", "去世"
    EXPELLED = "expelled", "出党"


class PostKind(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "委员"


class Severity(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "警告"
    INFO = "info", "提示"
