"""The demo city 青川市: a fictional organisation tree with members, host units, committees
and terms, generated deterministically (a fixed seed; dates relative to today so that the
expiring and overdue terms stay expiring and overdue).

Most organisations are well formed; a handful are malformed on purpose so that the health
check shows every finding code of `rules.py`. Rows are written with bulk inserts that also
write their history rows (django-simple-history), so the demo loads in seconds on SQLite.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id, build_uscc
from grassroots.core.models import RoleAssignment

from . import tallies
from .choices import (
    Category,
    Education,
    Gender,
    LeaveReason,
    MemberStatus,
    OrgKind,
    OrgStatus,
    PostKind,
    SocietyRole,
)
from .models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Term,
    Transfer,
    WeakDesignation,
)
from .rules import SOCIETY_CATEGORIES, add_years, planned_term_end

SEED = 20260601
PASSWORD = "qingchuan2026"  # passes every AUTH_PASSWORD_VALIDATORS for each demo user
ROOT_NAME = "中共青川市委组织部"
CHANGE_REASON = "导入示范数据"
CITY_REGION = "639901"  # a made-up region code for the fictional city

# --- people ------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严祁武戴莫孔向汤"
)
# Roughly Zipf-like: the first surnames are far more common than the last.
SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(SURNAMES))]
MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆旭宇晨亮成峰建国"
    "文志海林永振东兴龙春德瑞博昊宏新安庆福生祥荣忠彬毅哲睿轩泽"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英玲桂兰燕萍红梅琳雪婷倩洁颖佳慧欣晶璐莉琴云莹蓉薇雯瑶怡悦丹凤珍妍梦"
)
SHARED_CHARS = "子一文晓小海春秋雨天立永玉金明新建家志嘉思"
ETHNICITIES = (("汉族", 84), ("回族", 6), ("藏族", 4), ("土族", 2), ("蒙古族", 1))
ETHNICITIES += (("撒拉族", 1), ("满族", 1), ("土家族", 1))
NATIVE_PLACES = (("青海青川", 60), ("青海西宁", 10), ("青海海东", 6), ("甘肃兰州", 5))
NATIVE_PLACES += (("甘肃临夏", 3), ("四川成都", 4), ("陕西西安", 4), ("河南郑州", 3))
NATIVE_PLACES += (("山东济南", 2), ("河北石家庄", 2), ("湖北武汉", 1))
# Birthplace region codes: mostly the fictional city's districts, some from elsewhere.
REGIONS = (("639901", 20), ("639902", 18), ("639903", 16), ("639921", 18), ("630102", 6))
REGIONS += (("630121", 4), ("620102", 4), ("622901", 3), ("510104", 4), ("610103", 4))
REGIONS += (("410105", 3),)


def words(text):
    return tuple(text.split())


MOBILE_PREFIXES = words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "170 177 180 181 182 183 185 186 187 188 189 191 198 199"
)
SCHOOLS = {
    Education.POSTGRADUATE: words(
        "青川大学 兰州大学 四川大学 西安交通大学 北京师范大学 中国农业大学 青海大学 "
        "西北师范大学 陕西师范大学 华中科技大学 中国政法大学"
    ),
    Education.UNIVERSITY: words(
        "青川大学 青川师范学院 青海大学 青海师范大学 西北民族大学 兰州大学 兰州理工大学 "
        "西北师范大学 长安大学 成都理工大学 青海民族大学"
    ),
    Education.COLLEGE: words(
        "青川职业技术学院 青海卫生职业技术学院 青川广播电视大学 青海交通职业技术学院 "
        "青海建筑职业技术学院 兰州石化职业技术学院"
    ),
    Education.SECONDARY: words("青川市卫生学校 青川市农业学校 青川市财贸学校 青川市师范学校"),
    Education.HIGH_SCHOOL: words("青川市第一中学 青川市第二中学 青河县第一中学 青川市民族中学"),
    Education.MIDDLE_SCHOOL: ("",),
}
EDUCATION_ORDER = (
    Education.POSTGRADUATE,
    Education.UNIVERSITY,
    Education.COLLEGE,
    Education.SECONDARY,
    Education.HIGH_SCHOOL,
    Education.MIDDLE_SCHOOL,
)


@dataclass(frozen=True)
class Profile:
    """How the members of one kind of organisation look: ages, schooling, jobs."""

    ages: tuple  # (youngest, oldest)
    education: tuple  # weights in EDUCATION_ORDER
    jobs: str
    titles: str = ""  # professional titles; most members have none where this is empty
    expertise: str = ""
    probationary: float = 0.05
    works: bool = True  # students have no 参加工作时间


PROFILES = {
    "village": Profile(
        (24, 82),
        (0, 3, 8, 10, 25, 54),
        "村民 村民 村民 种植户 养殖户 村委会委员 村会计 个体经营户 村医 退休教师",
        expertise="种植 养殖 农机维修 民间调解 电子商务 畜牧兽医",
    ),
    "community": Profile(
        (24, 84),
        (2, 20, 25, 13, 20, 20),
        "社区工作者 网格员 退休职工 退休职工 个体工商户 企业职工 物业公司职员 居民",
        expertise="矛盾调解 志愿服务 文艺宣传 法律咨询",
    ),
    "organ": Profile(
        (24, 60),
        (25, 60, 12, 1, 1, 1),
        "科员 一级科员 四级主任科员 三级主任科员 副科长 科长 办公室主任 二级调研员 副局长",
        expertise="公文写作 财务管理 信息化 政策研究",
        probationary=0.03,
    ),
    "institution": Profile(
        (24, 60),
        (25, 55, 15, 3, 1, 1),
        "专业技术人员 馆员 工程师 办公室主任 科长 技术员",
        "助理馆员 馆员 副研究馆员 工程师 高级工程师 助理研究员",
        "档案管理 疾病防控 农业技术推广 城乡规划",
    ),
    "soe": Profile(
        (23, 60),
        (12, 50, 25, 8, 4, 1),
        "职员 工程师 技术员 部门经理 项目经理 财务主管 安全员 副总经理",
        "助理工程师 工程师 高级工程师 会计师 经济师",
        "工程管理 安全生产 财务审计 市政工程",
    ),
    "private_enterprise": Profile(
        (22, 58),
        (5, 35, 30, 15, 10, 5),
        "职员 技术员 销售经理 生产主管 质检员 车间主任 总经理助理 快递员",
        "助理工程师 工程师",
        "市场营销 机械加工 电子商务 物流管理",
        probationary=0.08,
    ),
    "social_org": Profile(
        (24, 65),
        (20, 60, 15, 3, 1, 1),
        "律师 专职工作人员 项目主管 秘书处干事 合伙人律师 社工",
        "三级律师 二级律师 一级律师 助理社会工作师 社会工作师",
        "民商事诉讼 刑事辩护 公益项目管理 社会工作",
    ),
    "school": Profile(
        (23, 60),
        (15, 75, 9, 1, 0, 0),
        "教师 教师 班主任 教研组长 教务处主任 年级组长 副校长",
        "二级教师 一级教师 高级教师 正高级教师",
        "语文教学 数学教学 英语教学 德育 体育",
    ),
    "university": Profile(
        (26, 62),
        (70, 28, 2, 0, 0, 0),
        "讲师 副教授 教授 辅导员 实验师 行政人员",
        "助教 讲师 副教授 教授 实验师 高级实验师",
        "文学 数学 临床医学 经济管理 化学 计算机",
    ),
    "student": Profile(
        (19, 27),
        (45, 55, 0, 0, 0, 0),
        "本科生 本科生 研究生",
        probationary=0.35,
        works=False,
    ),
    "hospital": Profile(
        (24, 60),
        (25, 55, 18, 2, 0, 0),
        "住院医师 主治医师 副主任医师 主任医师 护士 主管护师 药师 技师",
        "医师 主治医师 副主任医师 主任医师 护师 主管护师 主管药师",
        "心血管内科 普外科 儿科 护理管理 医学影像 急诊",
    ),
    "sci_tech_society": Profile(
        (30, 70),
        (55, 40, 5, 0, 0, 0),
        "研究员 高级工程师 主任医师 教授 农艺师 工程师",
        "副研究员 研究员 高级工程师 正高级工程师 高级农艺师 主任医师 教授",
        "医学 农学 计算机 水利工程 机械工程 林学 药学",
        probationary=0.02,
    ),
    "retired": Profile(
        (60, 90),
        (5, 30, 25, 15, 15, 10),
        "退休干部 退休干部 离休干部 退休职工",
        probationary=0.0,
    ),
    "other": Profile(
        (22, 65),
        (5, 25, 25, 15, 15, 15),
        "职员 项目管理人员 施工员 技术员",
        probationary=0.06,
    ),
}


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class People:
    """Fake but well-formed people: Chinese names, ID numbers (valid check character, birth
    date, odd sequence for men and even for women), phones and life dates."""

    def __init__(self, rng, today, regions=REGIONS):
        self.rng = rng
        self.today = today
        self.regions = regions  # (birthplace region code, weight) pairs
        self.used_ids = set()

    def name(self, gender):
        rng = self.rng
        surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        own = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        if rng.random() < 0.28:
            return surname + rng.choice(own)
        return surname + rng.choice(own + SHARED_CHARS) + rng.choice(own)

    def birth_date(self, youngest, oldest):
        # Triangular: more middle-aged than very young or very old members.
        age = self.rng.triangular(youngest, oldest + 1, (youngest + oldest) / 2)
        return self.today - datetime.timedelta(days=int(age * 365.25))

    def id_number(self, birth_date, gender):
        while True:
            region = weighted(self.rng, self.regions)
            sequence = self.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            number = build_citizen_id(region, birth_date, sequence)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self):
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def years_after(self, day, low, high):
        """A day `low`..`high` years after `day`, not later than today."""
        moved = day + datetime.timedelta(days=int(self.rng.uniform(low, high) * 365.25))
        return min(moved, self.today)

    def member(self, profile, org, workplace, status=None):
        """An unsaved Member of `org` with every field of the member register filled in."""
        return Member(org=org, **self.member_fields(profile, workplace, status))

    def member_fields(self, profile, workplace, status=None):
        """A member's field values (all but the organisation) as a dict."""
        rng = self.rng
        gender = Gender.MALE if rng.random() < 0.62 else Gender.FEMALE
        birth = self.birth_date(*profile.ages)
        if status is None:
            probationary = rng.random() < profile.probationary
            status = MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL
        if status == MemberStatus.PROBATIONARY:
            joined = self.today - datetime.timedelta(days=rng.randrange(20, 340))
            confirmed = None
        else:
            latest = self.today - datetime.timedelta(days=400)
            # A full member joined at 18 or later and more than a year ago.
            birth = min(birth, latest - datetime.timedelta(days=int(18.5 * 365.25)))
            earliest = birth + datetime.timedelta(days=int(18.5 * 365.25))
            joined = earliest + datetime.timedelta(
                days=int((latest - earliest).days * rng.random() ** 0.8)
            )
            confirmed = add_years(joined, 1)
        education = rng.choices(EDUCATION_ORDER, profile.education)[0]
        work_started = self.years_after(birth, 18, 25) if profile.works else None
        job = rng.choice(profile.jobs.split())
        title = rng.choice(profile.titles.split()) if profile.titles and rng.random() < 0.6 else ""
        resume = ""
        if work_started:
            resume = f"{work_started:%Y.%m}—今 {workplace}{job}"
        return dict(
            name=self.name(gender),
            gender=gender,
            ethnicity=weighted(rng, ETHNICITIES),
            native_place=weighted(rng, NATIVE_PLACES),
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            joined_on=joined,
            confirmed_on=confirmed,
            status=status,
            work_started_on=work_started,
            education=education,
            graduated_from=rng.choice(SCHOOLS[education]),
            professional_title=title,
            expertise=rng.choice(profile.expertise.split()) if profile.expertise else "",
            job_title=job,
            resume=resume,
            phone=self.phone() if rng.random() < 0.93 else "",
            is_mobile=rng.random() < 0.02,
            is_lost_contact=rng.random() < 0.004,
        )


# --- the tree ----------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """An organisation to create, with what to generate in it."""

    org: Organization
    depth: int
    profile: Profile
    workplace: str
    size: int = 0  # members whose organisation relation is here
    probationary: int | None = None  # exact number of probationary members, else by profile
    units: tuple = ()  # host unit names (several for a joint branch)
    # normal | vacant | large | missing | not_head | chair_member (a society whose chair is a
    # member but not the secretary)
    committee: str = "normal"
    term: str = "auto"  # auto | current | expiring | overdue | missing
    dissolved: tuple | None = None  # (date, reason)
    weak: str = ""  # reason of a 软弱涣散 designation this year
    rectified: str = ""  # reason of last year's designation, since rectified
    functional_from: list = field(default_factory=list)  # nodes (or names) to draw from
    mobile: bool = False  # functional members are mobile members (流动党员)
    children: list = field(default_factory=list)
    members: list = field(default_factory=list)
    functional: list = field(default_factory=list)  # members with a functional membership
    council_ends: datetime.date | None = None  # a functional branch's society council term

    def subtree(self):
        yield self
        for child in self.children:
            yield from child.subtree()

    def subtree_members(self):
        return [m for node in self.subtree() for m in node.members]

    @property
    def has_term(self):
        return self.org.kind not in (OrgKind.DEPARTMENT, OrgKind.GROUP) and not self.dissolved


COMMUNITY_BRANCHES = ("第一党支部", "第二党支部", "第三党支部", "第四党支部")


class DemoCity:
    """Builds the whole city in memory (`generate`), then writes it (`save`)."""

    def __init__(self, today=None, seed=SEED):
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.people = People(self.rng, self.today)
        self.nodes = []
        self.uscc_used = set()
        self.named = {}  # organisations the users and tests refer to
        self.terms, self.posts, self.links = [], [], []
        self.secretaries = set()  # ids of members already leading an organisation

    # --- building the tree in memory ---------------------------------------------------------

    def add(
        self,
        parent,
        name,
        kind,
        category,
        size=0,
        *,
        short="",
        profile=None,
        unit=None,
        units=(),
        established=None,
        **plan,
    ):
        """Add an organisation. `size` is a number or a (low, high) range of members; `unit`
        names its host unit (True: derived from the name)."""
        rng = self.rng
        if isinstance(size, tuple):
            size = rng.randint(*size)
        if unit is True:
            unit = unit_name(name)
        units = (unit,) if unit else tuple(units)
        org = Organization(
            name=name,
            short_name=short,
            kind=kind,
            category=category,
            parent=parent.org if parent else None,
            established_on=established
            or datetime.date(rng.randint(1988, 2016), rng.randint(1, 12), rng.randint(1, 28)),
        )
        node = Node(
            org=org,
            depth=parent.depth + 1 if parent else 0,
            profile=PROFILES[profile or category],
            workplace=units[0] if units else (parent.workplace if parent else ""),
            size=size,
            units=units,
            **plan,
        )
        if parent:
            parent.children.append(node)
        self.nodes.append(node)
        return node

    def branches(self, parent, names, category, size, **options):
        for name in names:
            self.add(parent, parent_prefix(parent, name), OrgKind.BRANCH, category, size, **options)

    def committee(self, parent, name, category, branch_names, size, own_units=False, **options):
        """A basic committee over branches; `size` per branch keeps it at 100+ members.
        `own_units`: each branch sits in a unit of its own (law firms under a trade body)."""
        options.setdefault("unit", True)
        node = self.add(parent, name, OrgKind.COMMITTEE, category, **options)
        self.branches(node, branch_names, category, size, unit=own_units)
        return node

    def general_branch(self, parent, name, category, branch_names, size, **options):
        node = self.add(parent, name, OrgKind.GENERAL_BRANCH, category, unit=True, **options)
        self.branches(node, branch_names, category, size)
        return node

    def build(self):
        root = self.add(None, ROOT_NAME, OrgKind.DEPARTMENT, Category.OTHER, short="市委组织部")
        self.named["root"] = root
        self.build_liangxin(root)
        self.build_societies(root)
        self.build_organs(root)
        self.build_education(root)
        self.build_health(root)
        self.build_soe(root)
        self.build_district(root, **JIANGBEI)
        self.build_district(root, **JIANGNAN)
        self.build_district(root, **QINGHE)
        return self

    def build_liangxin(self, root):
        C, K = Category, OrgKind
        lx = self.add(
            root, "中共青川市委两新工作委员会", K.DEPARTMENT, C.OTHER, short="市委两新工委"
        )
        self.named["liangxin"] = lx
        pe = C.PRIVATE_ENTERPRISE
        hengyuan = self.committee(
            lx,
            "青川恒远科技有限公司党委",
            pe,
            ["研发中心党支部", "生产一部党支部", "生产二部党支部", "销售中心党支部", "行政党支部"],
            (21, 34),
        )
        self.general_branch(
            lx,
            "青川金穗农牧集团有限公司党总支",
            pe,
            ["饲料厂党支部", "养殖基地党支部", "营销公司党支部"],
            (20, 30),
        )
        self.add(lx, "青川鑫源便利连锁有限公司党支部", K.BRANCH, pe, 3, probationary=1, unit=True)
        for name in (
            "青川华美建材有限公司党支部",
            "青川天和物流有限公司党支部",
            "青川宏达汽车销售服务有限公司党支部",
            "青川雪域食品有限公司党支部",
            "青川蓝天物业服务有限公司党支部",
            "青川昆仑新能源科技有限公司党支部",
            "青川瑞丰电子商务有限公司党支部",
        ):
            self.add(lx, name, K.BRANCH, pe, (8, 28), unit=True)
        self.add(
            lx,
            "青川市新能源产业园党支部",
            K.BRANCH,
            pe,
            5,
            unit=True,
            term="missing",
            established=self.today - datetime.timedelta(days=45),
        )
        self.add(
            lx,
            "青川市商贸城非公有制企业联合党支部",
            K.JOINT_BRANCH,
            pe,
            (9, 14),
            units=("青川商贸城鸿福服饰商行", "青川商贸城利民五金店", "青川商贸城康乐食品店")
            + ("青川商贸城金色年华摄影工作室",),
        )
        self.add(
            lx,
            "青川市物流园区联合党支部",
            K.JOINT_BRANCH,
            pe,
            (8, 12),
            units=("青川顺捷货运有限公司", "青川通达仓储有限公司", "青川畅行冷链物流有限公司"),
        )
        # Set up before the five-unit limit was enforced: the health check must flag it.
        self.named["legacy_joint"] = self.add(
            lx,
            "青川市建材市场非公有制企业联合党支部",
            K.JOINT_BRANCH,
            pe,
            (10, 14),
            established=datetime.date(2012, 5, 4),
            units=tuple(
                f"青川建材市场{shop}"
                for shop in ("永盛瓷砖店", "鑫达钢材经营部", "福源木业", "华兴水暖商行")
                + ("巨龙涂料经销部", "安居门窗厂")
            ),
        )
        so = C.SOCIAL_ORG
        self.committee(
            lx,
            "中共青川市律师行业委员会",
            so,
            ["青川正衡律师事务所党支部", "青川明德律师事务所党支部", "青川天平律师事务所党支部"]
            + ["青川昆仑律师事务所党支部", "青川诚信律师事务所党支部"],
            (21, 32),
            own_units=True,
            short="市律师行业党委",
            unit="青川市律师协会",
        )
        for name in (
            "青川市慈善总会党支部",
            "青川市物流与采购行业协会党支部",
            "青川市餐饮烹饪行业协会党支部",
            "青川市社会工作者协会党支部",
        ):
            self.add(lx, name, K.BRANCH, so, (6, 16), unit=True)
        self.add(
            lx,
            "青川市行业协会联合党支部",
            K.JOINT_BRANCH,
            so,
            (8, 12),
            units=("青川市家政服务行业协会", "青川市美容美发行业协会", "青川市摄影家协会"),
        )
        self.add(
            lx,
            "青川市快递物流行业功能型党支部",
            K.FUNCTIONAL_BRANCH,
            pe,
            unit="青川市快递物流行业协会",
            functional_from=[hengyuan, "青川天和物流有限公司党支部", "青川市物流园区联合党支部"],
        )
        self.add(
            lx,
            f"青川市{self.today.year}年非公企业党组织书记示范培训班临时党支部",
            K.TEMPORARY,
            C.OTHER,
            established=self.today - datetime.timedelta(days=20),
            functional_from=[lx],
        )

    def build_societies(self, root):
        K, st = OrgKind, Category.SCI_TECH_SOCIETY
        sci = self.add(
            root,
            "中共青川市科学技术协会科技社团委员会",
            K.COMMITTEE,
            st,
            short="市科技社团党委",
            unit="青川市科学技术协会",
        )
        self.named["sci_committee"] = sci
        for name, options in (
            ("青川市医学会党支部", {}),
            ("青川市农学会党支部", {"committee": "chair_member"}),
            ("青川市计算机学会党支部", {"committee": "not_head"}),
            ("青川市水利学会党支部", {}),
            ("青川市机械工程学会党支部", {}),
            ("青川市林学会党支部", {}),
            ("青川市药学会党支部", {}),
            ("青川市护理学会党支部", {}),
        ):
            node = self.add(sci, name, K.BRANCH, st, (12, 17), unit=True, **options)
            self.named.setdefault("society", node)
        self.add(
            sci,
            "青川市科技社团联合党支部",
            K.JOINT_BRANCH,
            st,
            (9, 13),
            units=("青川市气象学会", "青川市地理学会", "青川市营养学会", "青川市科普作家协会"),
        )
        self.add(
            sci,
            "青川市科技工作者之家功能型党支部",
            K.FUNCTIONAL_BRANCH,
            st,
            unit="青川市科技工作者协会",
            functional_from=["青川大学党委", "青川市人民医院党委"],
        )

    def build_organs(self, root):
        C, K, og = Category, OrgKind, Category.ORGAN
        jg = self.add(root, "中共青川市直属机关工作委员会", K.DEPARTMENT, og, short="市直机关工委")
        for name, size, options in (
            ("青川市委办公室机关党支部", (22, 36), {}),
            ("青川市人民政府办公室机关党支部", (22, 36), {}),
            ("青川市发展和改革委员会机关党支部", (36, 44), {"committee": "large"}),
            ("青川市教育局机关党支部", (22, 36), {}),
            ("青川市民政局机关党支部", (18, 30), {}),
            ("青川市人力资源和社会保障局机关党支部", (20, 34), {}),
            ("青川市自然资源局机关党支部", (20, 34), {}),
            ("青川市住房和城乡建设局机关党支部", (20, 34), {}),
            ("青川市交通运输局机关党支部", (18, 30), {}),
            ("青川市农业农村局机关党支部", (20, 34), {}),
            ("青川市商务局机关党支部", (17, 24), {"committee": "missing"}),
            ("青川市文化和旅游局机关党支部", (16, 28), {}),
        ):
            self.add(jg, name, K.BRANCH, og, size, unit=True, **options)
        self.committee(
            jg,
            "青川市财政局机关党委",
            og,
            ["预算科室党支部", "国库科室党支部", "综合科室党支部", "财政事务中心党支部"],
            (26, 38),
        )
        self.committee(
            jg,
            "青川市公安局党委",
            og,
            ["治安支队党支部", "刑侦支队党支部", "交警支队党支部", "指挥中心党支部", "机关党支部"],
            (22, 36),
        )
        inst = C.INSTITUTION
        for name in (
            "青川市疾病预防控制中心党支部",
            "青川市档案馆党支部",
            "青川市图书馆党支部",
            "青川市农业技术推广中心党支部",
            "青川市城市规划设计研究院党支部",
        ):
            self.add(jg, name, K.BRANCH, inst, (12, 30), unit=True)
        self.general_branch(
            jg,
            "青川市广播电视台党总支",
            inst,
            ["新闻中心党支部", "技术中心党支部", "综合党支部"],
            (20, 30),
        )
        for name in ("青川市直机关离退休干部第一党支部", "青川市直机关离退休干部第二党支部"):
            self.add(jg, name, K.BRANCH, C.OTHER, (20, 34), profile="retired")
        for name, when, reason in (
            (
                "青川市粮食局机关党支部",
                datetime.date(2019, 3, 29),
                "机构改革，职责划入市发展和改革委员会",
            ),
            (
                "青川市工商行政管理局机关党支部",
                datetime.date(2019, 3, 29),
                "机构改革，组建市市场监督管理局",
            ),
        ):
            self.add(
                jg,
                name,
                K.BRANCH,
                og,
                established=datetime.date(1992, 7, 1),
                dissolved=(when, reason),
            )

    def build_education(self, root):
        C, K = Category, OrgKind
        jy = self.add(
            root, "中共青川市委教育工作委员会", K.DEPARTMENT, C.SCHOOL, short="市委教育工委"
        )
        un = C.UNIVERSITY
        university = self.add(jy, "青川大学党委", K.COMMITTEE, un, unit="青川大学")
        for college in ("文学院", "理学院", "医学院", "经济管理学院"):
            gb = self.add(university, f"青川大学{college}党总支", K.GENERAL_BRANCH, un)
            self.add(gb, f"青川大学{college}教工党支部", K.BRANCH, un, (20, 30))
            self.add(
                gb, f"青川大学{college}本科生党支部", K.BRANCH, un, (17, 22), profile="student"
            )
            self.add(
                gb, f"青川大学{college}研究生党支部", K.BRANCH, un, (16, 20), profile="student"
            )
        for name, size, profile in (
            ("机关党支部", (20, 28), "organ"),
            ("图书馆党支部", (10, 16), None),
            ("后勤党支部", (14, 20), None),
            ("离退休党支部", (28, 38), "retired"),
        ):
            self.add(university, f"青川大学{name}", K.BRANCH, un, size, profile=profile)
        self.committee(
            jy,
            "青川职业技术学院党委",
            un,
            ["机电工程系党支部", "护理系党支部", "信息工程系党支部", "机关党支部", "学生党支部"],
            (21, 34),
        )
        sc = C.SCHOOL
        self.general_branch(
            jy,
            "青川市第一中学党总支",
            sc,
            ["高中部党支部", "初中部党支部", "行政后勤党支部"],
            (20, 30),
        )
        for name in (
            "青川市第二中学党支部",
            "青川市第三中学党支部",
            "青川市民族中学党支部",
            "青川市实验小学党支部",
            "青川市育才小学党支部",
            "青川市特殊教育学校党支部",
        ):
            self.add(jy, name, K.BRANCH, sc, (12, 36), unit=True)
        self.add(
            jy,
            "青川市第五中学党支部",
            K.BRANCH,
            sc,
            established=datetime.date(1996, 9, 1),
            dissolved=(datetime.date(2021, 8, 20), "学校撤并，师生并入青川市第二中学"),
        )

    def build_health(self, root):
        K, hp = OrgKind, Category.HOSPITAL
        wj = self.add(root, "中共青川市卫生健康工作委员会", K.DEPARTMENT, hp, short="市卫健工委")
        hospital = self.committee(
            wj,
            "青川市人民医院党委",
            hp,
            ["内科第一党支部", "内科第二党支部", "外科党支部", "医技党支部", "行政后勤党支部"],
            (20, 32),
        )
        nursing = self.add(hospital, "青川市人民医院护理党支部", K.BRANCH, hp, (8, 12))
        for name in ("急诊护理党小组", "病区护理党小组"):
            self.add(nursing, f"青川市人民医院护理党支部{name}", K.GROUP, hp, (6, 9))
        self.general_branch(
            wj,
            "青川市中医院党总支",
            hp,
            ["临床党支部", "医技药剂党支部", "行政后勤党支部"],
            (20, 30),
        )
        for name in ("青川市妇幼保健院党支部", "青川市第二人民医院党支部", "青川市急救中心党支部"):
            self.add(wj, name, K.BRANCH, hp, (15, 36), unit=True)

    def build_soe(self, root):
        K, so = OrgKind, Category.SOE
        gz = self.add(
            root,
            "中共青川市人民政府国有资产监督管理委员会委员会",
            K.DEPARTMENT,
            so,
            short="市国资委党委",
        )
        cheng_tou = self.committee(
            gz,
            "青川城市建设投资集团有限公司党委",
            so,
            ["机关第一党支部", "机关第二党支部", "建设管理公司党支部", "房地产开发公司党支部"],
            (22, 34),
        )
        property_branch = self.add(
            cheng_tou, "青川城市建设投资集团有限公司物业公司党支部", K.BRANCH, so, (4, 8)
        )
        for name in ("保安党小组", "保洁维修党小组", "客服党小组"):
            self.add(property_branch, f"青川城投物业公司{name}", K.GROUP, so, (5, 8))
        self.committee(
            gz,
            "青川交通投资集团有限公司党委",
            so,
            ["公路建设公司党支部", "公交公司第一党支部", "公交公司第二党支部", "机关党支部"],
            (26, 38),
        )
        self.general_branch(
            gz,
            "青川水务集团有限公司党总支",
            so,
            ["供水公司党支部", "污水处理公司党支部", "机关党支部"],
            (20, 30),
        )
        for name in (
            "青川粮食储备有限公司党支部",
            "青川热力有限公司党支部",
            "青川国有资本投资运营有限公司党支部",
        ):
            self.add(gz, name, K.BRANCH, so, (14, 32), unit=True)

    def build_district(self, root, name, short, streets, towns, organs, extras):
        C, K = Category, OrgKind
        district = self.add(
            root, f"中共{name}委组织部", K.DEPARTMENT, C.OTHER, short=f"{short}委组织部"
        )
        self.named.setdefault("district", district)
        for street, communities in streets:
            self.build_street(district, street, communities)
        for town, villages in towns:
            self.build_town(district, town, villages)
        organ = self.add(district, f"中共{name}直属机关工作委员会", K.DEPARTMENT, C.ORGAN)
        for office in organs:
            self.add(
                organ, f"{short}{office}党支部", K.BRANCH, C.ORGAN, (12, 30), unit=f"{name}{office}"
            )
        for extra in extras:
            extra(self, district)

    def build_street(self, district, street, communities):
        C, K, cm = Category, OrgKind, Category.COMMUNITY
        node = self.add(
            district, f"中共{street}工作委员会", K.DEPARTMENT, cm, short=f"{street}党工委"
        )
        self.named.setdefault("street", node)
        for community, form in communities:
            title = f"{street}{community}"
            unit = f"{title}居民委员会"
            if form == "committee":
                committee = self.add(node, f"{community}党委", K.COMMITTEE, cm, unit=unit)
                for branch in COMMUNITY_BRANCHES:
                    self.add(committee, f"{community}{branch}", K.BRANCH, cm, (28, 38))
                retired = self.add(committee, f"{community}离退休党支部", K.BRANCH, cm, 0)
                for group in ("第一党小组", "第二党小组"):
                    self.add(
                        retired,
                        f"{community}离退休党支部{group}",
                        K.GROUP,
                        cm,
                        (7, 10),
                        profile="retired",
                    )
            elif form == "general_branch":
                general = self.add(node, f"{community}党总支", K.GENERAL_BRANCH, cm, unit=unit)
                for branch in COMMUNITY_BRANCHES[:3]:
                    self.add(general, f"{community}{branch}", K.BRANCH, cm, (20, 30))
            else:
                options = {
                    "weak": {"weak": "长期不开展组织生活，班子软弱涣散"},
                    "vacant": {"committee": "vacant"},
                }.get(form, {})
                self.add(node, f"{community}党支部", K.BRANCH, cm, (22, 46), unit=unit, **options)
        self.add(node, f"{street}机关党支部", K.BRANCH, C.ORGAN, (12, 24), unit=f"{street}办事处")
        self.add(
            node,
            f"{street}社会组织联合党支部",
            K.JOINT_BRANCH,
            C.SOCIAL_ORG,
            (6, 10),
            units=tuple(f"{street}{u}" for u in ("社区养老服务中心", "阳光志愿者协会")),
        )
        self.add(
            node,
            f"{street}非公有制企业联合党支部",
            K.JOINT_BRANCH,
            C.PRIVATE_ENTERPRISE,
            (7, 14),
            units=tuple(
                f"{street}{u}"
                for u in ("福满楼餐饮店", "佳美超市", "诚信汽修厂", "博雅文具店", "安康药店")
            ),
        )

    def build_town(self, district, town, villages):
        C, K, vg = Category, OrgKind, Category.VILLAGE
        node = self.add(
            district,
            f"中共{town}委员会",
            K.COMMITTEE,
            vg,
            short=f"{town}党委",
            unit=f"{town}人民政府",
        )
        for village, form in villages:
            unit = f"{town}{village}村民委员会"
            name = f"{town}{village}"
            if form == "general_branch":
                general = self.add(node, f"{name}党总支", K.GENERAL_BRANCH, vg, unit=unit)
                for branch in COMMUNITY_BRANCHES[:3]:
                    self.add(general, f"{name}{branch}", K.BRANCH, vg, (20, 30))
            elif form == "groups":
                branch = self.add(node, f"{name}党支部", K.BRANCH, vg, (3, 6), unit=unit)
                for group in ("第一党小组", "第二党小组", "第三党小组"):
                    self.add(branch, f"{name}党支部{group}", K.GROUP, vg, (8, 12))
            else:
                options = {
                    "large": {"size": (62, 68)},
                    "weak": {"weak": "村“两委”班子不团结，软弱无力，发展党员工作停滞"},
                    "rectified": {"rectified": "组织生活不正常，已完成整顿"},
                    "vacant": {"committee": "vacant"},
                    "overdue": {"term": "overdue"},
                }.get(form, {})
                size = options.pop("size", (22, 46))
                added = self.add(node, f"{name}党支部", K.BRANCH, vg, size, unit=unit, **options)
                if not options:  # an ordinary village branch: its secretary's account
                    self.named.setdefault("village", added)
        self.add(node, f"{town}机关党支部", K.BRANCH, C.ORGAN, (12, 24))
        self.add(node, f"{town}中心学校党支部", K.BRANCH, C.SCHOOL, (10, 20), unit=True)
        self.add(node, f"{town}卫生院党支部", K.BRANCH, C.HOSPITAL, (5, 12), unit=True)
        self.add(
            node,
            f"{town}富民种养殖专业合作社党支部",
            K.BRANCH,
            C.PRIVATE_ENTERPRISE,
            (5, 9),
            unit=True,
        )

    # --- members, committees, units ------------------------------------------------------------

    def populate(self):
        people, rng = self.people, self.rng
        by_name = {node.org.name: node for node in self.nodes}
        for node in self.nodes:
            if node.dissolved:
                continue
            for index in range(node.size):
                status = None
                if node.probationary is not None:
                    probationary = index < node.probationary
                    status = MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL
                node.members.append(people.member(node.profile, node.org, node.workplace, status))
        self.leavers()
        for node in self.nodes:
            if node.functional_from:
                sources = [by_name[s] if isinstance(s, str) else s for s in node.functional_from]
                pool = [m for source in sources for m in source.subtree_members() if usable(m)]
                wanted = (18, 30) if node.org.kind == OrgKind.TEMPORARY else (9, 16)
                node.functional = rng.sample(pool, rng.randint(*wanted))
                for member in node.functional:
                    member.is_mobile = member.is_mobile or node.mobile
        for node in sorted(self.nodes, key=lambda n: -n.depth):
            if node.has_term:
                self.committee_of(node)
            elif node.dissolved:
                self.dissolve(node)

    def leavers(self):
        """Members who died or moved out of the system: kept, but no longer counted."""
        rng = self.rng
        branches = [n for n in self.nodes if n.org.kind == OrgKind.BRANCH and n.size >= 10]
        for node in rng.sample(branches, 30):
            member = self.people.member(PROFILES["retired"], node.org, node.workplace)
            member.status, member.confirmed_on = MemberStatus.FULL, add_years(member.joined_on, 1)
            if rng.random() < 0.6:
                member.left_reason = LeaveReason.DECEASED
            else:
                member.left_reason = LeaveReason.TRANSFERRED_OUT
            member.left_on = self.today - datetime.timedelta(days=rng.randrange(30, 900))
            node.members.append(member)

    def term_dates(self, node):
        org, rng, today = node.org, self.rng, self.today
        if org.kind == OrgKind.TEMPORARY:
            return org.established_on, add_years(org.established_on, 1)
        if org.kind == OrgKind.FUNCTIONAL_BRANCH:
            # No term of its own (seed 004): the team was set up at the society's last
            # council election and changes at the next, five years on.
            node.council_ends = today + datetime.timedelta(days=rng.randint(200, 1500))
            return add_years(node.council_ends, -5), node.council_ends
        mode = node.term
        if mode == "auto":
            mode = weighted(rng, (("current", 84), ("expiring", 9), ("overdue", 7)))
        years = (planned_term_end(org.kind, org.category, today) - today).days // 365
        if mode == "current":
            end = today + datetime.timedelta(days=rng.randint(100, years * 365 - 30))
        elif mode == "expiring":
            end = today + datetime.timedelta(days=rng.randint(5, 85))
        else:
            end = today - datetime.timedelta(days=rng.randint(15, 420))
        started = add_years(end, -years)
        return started, planned_term_end(org.kind, org.category, started)

    def committee_of(self, node):
        """The current term and its posts."""
        org, rng = node.org, self.rng
        if node.term == "missing":
            return
        started, planned = self.term_dates(node)
        if org.established_on > started:
            org.established_on = started - datetime.timedelta(days=rng.randint(30, 400))
        years = max((planned - started).days // 365, 1)
        number = 1 + (started.year - org.established_on.year) // years
        term = Term(org=org, number=number, started_on=started, planned_end_on=planned)
        self.terms.append(term)

        counted = (
            node.functional
            if org.kind in (OrgKind.FUNCTIONAL_BRANCH, OrgKind.TEMPORARY)
            else node.subtree_members()
        )
        # Functional members of a branch for mobile members are all mobile: they still serve.
        candidates = [m for m in counted if usable(m, mobile_ok=node.mobile)]
        if not candidates:
            return
        full = sum(m.status == MemberStatus.FULL and not m.left_on for m in counted)
        posts = self.posts_plan(node, full)
        secretary = self.pick_secretary(candidates)
        rest = [m for m in candidates if m is not secretary]
        holders = [secretary, *rng.sample(rest, min(len(posts) - 1, len(rest)))]
        for post, member in zip(posts, holders, strict=False):
            record = Post(term=term, member=member, post=post, started_on=started)
            if post == PostKind.SECRETARY:
                self.secretaries.add(id(member))
                if node.committee == "vacant":  # the secretary was transferred away
                    record.ended_on = self.today - datetime.timedelta(days=rng.randint(40, 200))
            self.posts.append(record)
        if org.category in SOCIETY_CATEGORIES:
            self.society_roles(node, secretary)

    def posts_plan(self, node, full_members):
        S, P = PostKind, self.rng
        kind = node.org.kind
        five = [S.SECRETARY, S.DEPUTY_SECRETARY, S.ORGANIZATION, S.PUBLICITY, S.DISCIPLINE]
        if node.committee == "large":
            return five + [S.MEMBER] * 3
        if node.committee == "missing":
            return [S.SECRETARY]
        if kind == OrgKind.COMMITTEE:
            return five + [S.MEMBER] * P.randint(0, 2)
        if kind == OrgKind.TEMPORARY:
            return [S.SECRETARY, S.DEPUTY_SECRETARY]
        if kind == OrgKind.GENERAL_BRANCH or full_members >= 7:
            return five if P.random() < 0.4 else [S.SECRETARY, S.ORGANIZATION, S.PUBLICITY]
        return [S.SECRETARY, S.DEPUTY_SECRETARY] if full_members >= 5 else [S.SECRETARY]

    def pick_secretary(self, candidates):
        """Someone who leads no other organisation yet and holds no society post, older
        members first (a secretary is rarely the youngest member)."""
        free = [
            m for m in candidates if id(m) not in self.secretaries and not m.society_role
        ] or candidates
        free.sort(key=lambda m: m.birth_date)
        return self.rng.choice(free[: max(3, len(free) // 2)])

    def society_roles(self, node, secretary):
        """Cross-holding of posts (双向进入、交叉任职): the secretary chairs the society, or is
        a vice-chair (except where the demo wants SECRETARY_NOT_HEAD); a few other members sit
        on its council."""
        rng = self.rng
        unit = rng.choice(node.units or (node.workplace,))
        if node.committee == "not_head":
            role = SocietyRole.SECRETARY_GENERAL
        elif (
            node.committee == "chair_member"
            or node.org.kind == OrgKind.COMMITTEE
            or rng.random() < 0.25
        ):
            role = SocietyRole.VICE_CHAIR
        else:
            role = SocietyRole.CHAIR
        secretary.society_role, secretary.society_title = role, society_title(unit, role)
        others = [m for m in node.members if m is not secretary and not m.society_role]
        if node.committee == "chair_member":
            chair = next(m for m in others if m.status == MemberStatus.FULL and not m.left_on)
            chair.society_role = SocietyRole.CHAIR
            chair.society_title = society_title(unit, SocietyRole.CHAIR)
            others.remove(chair)
        for member, role in zip(
            rng.sample(others, min(len(others), 4)),
            (SocietyRole.VICE_CHAIR, SocietyRole.DIRECTOR, SocietyRole.DIRECTOR)
            + (SocietyRole.SECRETARY_GENERAL,),
            strict=False,
        ):
            member.society_role, member.society_title = role, society_title(unit, role)

    def dissolve(self, node):
        org = node.org
        dissolved_on, reason = node.dissolved
        org.status, org.dissolved_on, org.dissolved_reason = (
            OrgStatus.DISSOLVED,
            dissolved_on,
            reason,
        )
        started = add_years(dissolved_on, -2)
        self.terms.append(
            Term(
                org=org,
                number=1 + (started.year - org.established_on.year) // 3,
                started_on=started,
                planned_end_on=planned_term_end(org.kind, org.category, started),
                ended_on=dissolved_on,
            )
        )

    def host_units(self):
        by_name = {}
        for node in self.nodes:
            for name in node.units:
                unit = by_name.get(name)
                if unit is None:
                    unit = by_name[name] = self.host_unit(name, node.org.category)
                unit.council_term_ends_on = unit.council_term_ends_on or node.council_ends
                ended = node.dissolved[0] if node.dissolved else None
                self.links.append(HostUnitLink(org=node.org, unit=unit, ended_on=ended))
        return list(by_name.values())

    def host_unit(self, name, category):
        rng = self.rng
        while True:
            first17 = USCC_PREFIXES[category] + CITY_REGION + f"{rng.randrange(10**9):09d}"
            if first17 not in self.uscc_used:
                self.uscc_used.add(first17)
                break
        populated = category in (Category.VILLAGE, Category.COMMUNITY)
        return HostUnit(
            name=name,
            uscc=build_uscc(first17),
            address=(
                name.removesuffix("村民委员会").removesuffix("居民委员会")
                if populated
                else f"青川市{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            ),
            phone=f"0979-{rng.randint(6100000, 8999999)}",
            covered_population=rng.randint(800, 12000) if populated else None,
            staff_count=None if populated else rng.randint(12, 1800),
        )

    def transfers(self):
        """A few members who came from another organisation of the same field."""
        rng = self.rng
        branches = [
            n for n in self.nodes if n.org.kind == OrgKind.BRANCH and n.members and not n.dissolved
        ]
        records = []
        for node in rng.sample(branches, 20):
            member = rng.choice(node.members)
            sources = [n for n in branches if n.org.category == node.org.category and n is not node]
            if not sources or member.left_on:
                continue
            moved = max(member.joined_on, self.today - datetime.timedelta(days=1000))
            moved += datetime.timedelta(days=rng.randint(0, max((self.today - moved).days, 0)))
            records.append(
                Transfer(
                    member=member,
                    from_org=rng.choice(sources).org,
                    to_org=node.org,
                    transferred_on=moved,
                    reason=rng.choice(("工作调动", "居住地变更", "毕业分配", "工作调动")),
                )
            )
        return records

    def designations(self):
        year = self.today.year
        records = []
        for node in self.nodes:
            if node.weak:
                records.append(WeakDesignation(org=node.org, year=year, reason=node.weak))
            if node.rectified:
                records.append(
                    WeakDesignation(
                        org=node.org, year=year - 1, reason=node.rectified, rectified=True
                    )
                )
        return records

    # --- writing -------------------------------------------------------------------------------

    def generate(self):
        self.build()
        self.populate()

    def save(self):
        """Write everything with bulk inserts and their history rows."""
        save = bulk_create_with_history
        options = {"batch_size": 500, "default_change_reason": CHANGE_REASON}
        levels = sorted({node.depth for node in self.nodes})
        for depth in levels:
            level = [node.org for node in self.nodes if node.depth == depth]
            save(level, Organization, **options)
            for org in level:
                org.path = (org.parent.path if org.parent else "/") + f"{org.pk}/"
                org.depth = depth
            Organization.objects.bulk_update(level, ["path", "depth"], batch_size=500)
        save(self.host_units(), HostUnit, **options)
        save(self.links, HostUnitLink, **options)
        members = [m for node in self.nodes for m in node.members]
        save(members, Member, **options)
        Organization.objects.subtree(self.named["root"].org).recount_members()
        memberships = [
            Membership(member=m, org=node.org, started_on=max(node.org.established_on, m.joined_on))
            for node in self.nodes
            for m in node.functional
        ]
        save(memberships, Membership, **options)
        save(self.terms, Term, **options)
        save(self.posts, Post, **options)
        save(self.designations(), WeakDesignation, **options)
        save(self.transfers(), Transfer, **options)
        users = self.users()
        return {
            "organizations": len(self.nodes),
            "members": len(members),
            "memberships": len(memberships),
            "host_units": len({link.unit_id for link in self.links}),
            "terms": len(self.terms),
            "posts": len(self.posts),
            "users": users,
        }

    def users(self):
        User = get_user_model()
        password = make_password(PASSWORD)  # hashing is slow on purpose: do it once
        created = []
        for username, display, role, where in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"first_name": display, "password": password}
            )
            RoleAssignment.objects.get_or_create(user=user, org=self.named[where].org, role=role)
            created.append((username, display, Role(role).label, self.named[where].org.name))
        return created


def usable(member, mobile_ok=False):
    """May hold a post or join a functional branch: a current, full, reachable member."""
    return (
        member.status == MemberStatus.FULL
        and not member.left_on
        and not member.is_lost_contact
        and (mobile_ok or not member.is_mobile)
    )


def unit_name(org_name):
    name = org_name.removeprefix("中共")
    for suffix in ("机关党支部", "党支部", "党总支", "党委"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def parent_prefix(parent, name):
    """Branch names inside a unit read "青川市财政局预算科室党支部"."""
    if name.startswith("青川"):
        return name
    return (parent.units[0] if parent.units else unit_name(parent.org.name)) + name


def society_title(unit, role):
    if unit.endswith("律师事务所"):
        labels = ("主任", "副主任", "行政主管", "合伙人")
    elif unit.endswith("科学技术协会"):
        labels = ("主席", "副主席", "秘书长", "委员")
    elif unit.endswith(("学会", "中心")):
        labels = ("理事长", "副理事长", "秘书长", "理事")
    else:
        labels = ("会长", "副会长", "秘书长", "理事")
    order = (SocietyRole.CHAIR, SocietyRole.VICE_CHAIR, SocietyRole.SECRETARY_GENERAL)
    order += (SocietyRole.DIRECTOR,)
    return unit + labels[order.index(role)]


# Registration-authority and kind codes that open a unified social credit code (GB 32100).
USCC_PREFIXES = {
    Category.ORGAN: "11",
    Category.INSTITUTION: "12",
    Category.SCHOOL: "12",
    Category.UNIVERSITY: "12",
    Category.HOSPITAL: "12",
    Category.SOE: "91",
    Category.PRIVATE_ENTERPRISE: "92",
    Category.SOCIAL_ORG: "51",
    Category.SCI_TECH_SOCIETY: "51",
    Category.VILLAGE: "54",
    Category.COMMUNITY: "54",
    Category.OTHER: "Y1",
}
ROADS = words(
    "昆仑路 长江路 黄河路 湟水路 文化街 建设路 人民路 解放路 新华街 兴海路 五四大街 胜利路"
)


def jiangbei_extras(city, district):
    K, C = OrgKind, Category
    city.add(
        district,
        "江北区滨河生态治理工程临时党支部",
        K.TEMPORARY,
        C.OTHER,
        established=city.today - datetime.timedelta(days=150),
        functional_from=["中共北门街道工作委员会", "中共滨河街道工作委员会"],
    )
    # One member's organisation relation was entered here by mistake: a functional branch
    # does not hold relations, and the health check says so.
    city.add(
        district,
        "江北区流入党员功能型党支部",
        K.FUNCTIONAL_BRANCH,
        C.OTHER,
        1,
        functional_from=["中共青河县委组织部"],
        mobile=True,
    )


def jiangnan_extras(city, district):
    K, sc = OrgKind, Category.SCHOOL
    # Twenty members: a general branch where a branch would do.
    school = city.add(district, "江南区实验学校党总支", K.GENERAL_BRANCH, sc, unit=True)
    for name in ("小学部党支部", "初中部党支部"):
        city.add(school, f"江南区实验学校{name}", K.BRANCH, sc, 10)


JIANGBEI = {
    "name": "青川市江北区",
    "short": "江北区",
    "streets": [
        (
            "北门街道",
            [("北门社区", "committee"), ("东关社区", "general_branch")]
            + [("红星社区", "branch"), ("西街社区", "weak")],
        ),
        (
            "滨河街道",
            [("滨河社区", "committee"), ("望湖社区", "branch"), ("金水社区", "branch")]
            + [("花园社区", "branch")],
        ),
    ],
    "towns": [
        (
            "马坊镇",
            [("马坊村", "branch"), ("上庄村", "large"), ("下庄村", "groups")]
            + [("河滩村", "rectified"), ("新庄村", "branch"), ("杨家村", "branch")],
        ),
    ],
    "organs": ["委办公室", "政府办公室", "财政局", "教育局", "卫生健康局"],
    "extras": [jiangbei_extras],
}
JIANGNAN = {
    "name": "青川市江南区",
    "short": "江南区",
    "streets": [
        (
            "南关街道",
            [("南关社区", "committee"), ("新华社区", "branch"), ("文化社区", "branch")]
            + [("建设社区", "general_branch")],
        ),
        ("新城街道", [("新城社区", "branch"), ("阳光社区", "vacant"), ("锦绣社区", "committee")]),
    ],
    "towns": [
        (
            "塔尔镇",
            [("塔尔村", "branch"), ("河湾村", "weak"), ("东山村", "groups")]
            + [("西山村", "vacant"), ("前进村", "branch")],
        ),
    ],
    "organs": ["委办公室", "政府办公室", "财政局", "住房和城乡建设局"],
    "extras": [jiangnan_extras],
}
QINGHE = {
    "name": "青河县",
    "short": "青河县",
    "streets": [
        (
            "河湟街道",
            [("河湟社区", "committee"), ("人民路社区", "branch")]
            + [("团结社区", "general_branch")],
        ),
    ],
    "towns": [
        (
            "城关镇",
            [("城东村", "branch"), ("城西村", "branch"), ("南滩村", "general_branch")]
            + [("北山村", "branch"), ("红崖村", "groups")],
        ),
        (
            "多巴镇",
            [("多巴村", "branch"), ("康川村", "branch"), ("黑嘴村", "branch")]
            + [("燕尔沟村", "vacant"), ("丹麻村", "branch"), ("甘河村", "branch")],
        ),
        (
            "拦隆口镇",
            [("拦隆口村", "branch"), ("上寺村", "branch"), ("泉尔湾村", "groups")]
            + [("卡阳村", "branch"), ("白崖村", "overdue")],
        ),
    ],
    "organs": ["委办公室", "政府办公室", "农业农村局", "教育局"],
    "extras": [],
}
DEMO_USERS = (
    ("city_admin", "市委组织部管理员", Role.ADMIN, "root"),
    ("district_clerk", "江北区委组织部党务工作者", Role.CLERK, "district"),
    ("street_viewer", "北门街道党工委干部", Role.VIEWER, "street"),
    ("district_reviewer", "江北区委组织部审批人", Role.REVIEWER, "district"),
    ("liangxin_reviewer", "市委两新工委审核人", Role.REVIEWER, "liangxin"),
    ("society_clerk", "青川市医学会党务工作者", Role.CLERK, "society"),
    ("village_secretary", "马坊村党支部书记", Role.CLERK, "village"),
    ("evaluator", "第三方测评机构", Role.EVALUATOR, "root"),
    ("city_reviewer", "市委组织部审核人", Role.REVIEWER, "root"),
    ("city_inspector", "市委组织部考察组成员", Role.VIEWER, "root"),
)


def is_loaded():
    return Organization.objects.filter(name=ROOT_NAME, parent__isnull=True).exists()


@transaction.atomic
def load_demo_city(today=None):
    """Create the demo city unless it is there already; returns a summary or None."""
    if is_loaded():
        return None
    city = DemoCity(today)
    city.generate()
    summary = city.save()
    tallies.rebuild()  # written in bulk, past the saves that keep the statistics' tallies
    summary["kinds"] = Counter(node.org.kind for node in city.nodes)
    summary["categories"] = Counter(node.org.category for node in city.nodes)
    return summary
