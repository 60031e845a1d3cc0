"""Demonstration campaigns over the demo city 青川市 (`manage.py load_demo_city`, after the
other apps' demo records and the working-day calendar):

- this year's naming campaign of 市委组织部 (seed 000 蓉城先锋·基层党组织示范行动, scaled to
  the city): quotas for every district and 工委, applications in every state with their
  review chains and opinions, inspections, a public notice running today with objections,
  survey tokens about half answered;
- a finished base-creation campaign of 市委两新工委 named three years ago (seed 002): titles,
  one re-review due, one title warned with a rectification task;
- this year's demonstration-point campaign of 江北区 in its survey phase (seed 004): the field
  waits for the third-party evaluator's survey results;
- this year's filing register (seed 000 备案登记) within its quotas.

Rows are written directly with bulk inserts and their history rows, as the other apps'
demos do, from a fixed seed and with dates relative to today.
"""

import datetime
import random
import secrets
import time
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from grassroots.assessments.models import Assessment
from grassroots.assessments.services import open_task
from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.orglife.choices import FactSource
from grassroots.orglife.models import YearlyFact
from grassroots.orgs.choices import Category, OrgKind, OrgStatus, PostKind
from grassroots.orgs.demo import DEMO_USERS, ROOT_NAME
from grassroots.orgs.models import HostUnitLink, Organization, Post, WeakDesignation
from grassroots.standards.models import StandardSet
from grassroots.workdays import rules as day_rules
from grassroots.workdays.models import holiday_table
from grassroots.workdays.services import working_days_after

from . import demo_texts as texts
from . import rules
from .choices import (
    Answer,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionMethod,
    InspectionState,
    NoticeState,
    ObjectionState,
    Opinion,
    ReReviewResult,
    StageCode,
    TitleState,
)
from .models import (
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
from .services.notices import SATISFACTION_FACT, assessment_scores, survey_fact_note

SEED = 20261205
CHANGE_REASON = "导入示范数据"
DAY = datetime.timedelta(days=1)
# The users of orgs/demo.py DEMO_USERS the records are signed by.
ORGANISER_CLERK = "city_admin"
INSPECTOR = "city_inspector"
# Street and organ committees (党工委) and basic committees (党委) give the basic opinion
# (seed 000 附件2 填表说明).
BASIC_KINDS = (OrgKind.DEPARTMENT, OrgKind.COMMITTEE)
TOKENS_PER_APPLICATION = 30
NOTICE_WORKING_DAYS = 5
PUBLISHED_WORKING_DAYS_AGO = (3, 4, 5)  # the first that ends in a year the calendar covers

# Recommending units (seed 000: each district and the 工委s): 示范 and 十佳 quotas (seed 000
# 附件1: 13 and 1 a unit, scaled), filing quota (seed 000 四（三）: 20 a district, 30 for the
# organ, education and state-enterprise 工委s, 20 for 两新, scaled) and the filings entered.
UNITS = (
    ("中共青川市江北区委组织部", 3, 1, 5, 5),
    ("中共青川市江南区委组织部", 3, 1, 5, 5),
    ("中共青河县委组织部", 3, 1, 5, 5),
    ("中共青川市直属机关工作委员会", 2, 1, 8, 6),
    ("中共青川市委教育工作委员会", 2, 1, 8, 5),
    ("中共青川市人民政府国有资产监督管理委员会委员会", 1, 1, 8, 4),
    ("中共青川市委两新工作委员会", 2, 1, 5, 3),
    ("中共青川市卫生健康工作委员会", 1, 1, 5, 2),
    ("中共青川市科学技术协会科技社团委员会", 1, 1, 5, 2),
)
DEMO_TO_NAME, TOP_TO_NAME = 12, 3

S = ApplicationState
B, U = ChainStep.BASIC_COMMITTEE, ChainStep.UPPER_COMMITTEE
# The naming campaign's applications: (unit, organisation, state, rank or the step the
# application waits at / was returned or rejected at, also nominated for 十佳). Each unit
# nominates within its quota; 江南区's nominations are all villages and communities, outside
# the 60% band (the dashboard's warning); the others are within it.
NAMING = (
    ("中共青川市江北区委组织部", "北门社区党委", S.APPROVED, 1, True),
    ("中共青川市江北区委组织部", "马坊镇马坊村党支部", S.APPROVED, 2, False),
    ("中共青川市江北区委组织部", "江北区财政局党支部", S.RECOMMENDED, None, False),
    ("中共青川市江北区委组织部", "红星社区党支部", S.RETURNED, B, False),
    ("中共青川市江北区委组织部", "滨河社区党委", S.WITHDRAWN, None, False),
    ("中共青川市江南区委组织部", "南关社区党委", S.APPROVED, 1, True),
    ("中共青川市江南区委组织部", "塔尔镇塔尔村党支部", S.IN_REVIEW, B, False),
    ("中共青川市江南区委组织部", "新城社区党支部", S.IN_REVIEW, U, False),
    ("中共青川市江南区委组织部", "江南区实验学校小学部党支部", S.REJECTED, U, False),
    ("中共青河县委组织部", "河湟社区党委", S.APPROVED, 1, True),
    ("中共青河县委组织部", "城关镇城东村党支部", S.APPROVED, 2, False),
    ("中共青河县委组织部", "青河县农业农村局党支部", S.IN_REVIEW, B, False),
    ("中共青河县委组织部", "拦隆口镇上寺村党支部", S.RETURNED, U, False),
    ("中共青河县委组织部", "多巴镇多巴村党支部", S.WITHDRAWN, None, False),
    ("中共青川市直属机关工作委员会", "青川市财政局机关党委", S.APPROVED, 1, True),
    ("中共青川市直属机关工作委员会", "青川市公安局交警支队党支部", S.REMOVED, 2, False),
    ("中共青川市直属机关工作委员会", "青川市档案馆党支部", S.RECOMMENDED, None, False),
    ("中共青川市委教育工作委员会", "青川市第一中学党总支", S.APPROVED, 1, False),
    ("中共青川市委教育工作委员会", "青川大学文学院教工党支部", S.IN_REVIEW, U, False),
    ("中共青川市委教育工作委员会", "青川职业技术学院护理系党支部", S.REJECTED, B, False),
    (
        "中共青川市人民政府国有资产监督管理委员会委员会",
        "青川城市建设投资集团有限公司党委",
        S.APPROVED,
        1,
        True,
    ),
    ("中共青川市委两新工作委员会", "青川恒远科技有限公司党委", S.APPROVED, 1, True),
    ("中共青川市委两新工作委员会", "青川正衡律师事务所党支部", S.IN_REVIEW, U, False),
    ("中共青川市委两新工作委员会", "青川市慈善总会党支部", S.RETURNED, U, False),
    ("中共青川市卫生健康工作委员会", "青川市人民医院党委", S.APPROVED, 1, False),
    ("中共青川市科学技术协会科技社团委员会", "青川市医学会党支部", S.IN_REVIEW, U, False),
)
# Approved applications the units inspected (考察); the first has a shortfall to rectify.
INSPECTED = (
    "马坊镇马坊村党支部",
    "北门社区党委",
    "南关社区党委",
    "城关镇城东村党支部",
    "青川市财政局机关党委",
    "青川恒远科技有限公司党委",
)
ASSIGNED_TO_INSPECTOR = "江北区财政局党支部"  # assigned, not yet recorded
OBJECTED = {  # the notice's objections: state → organisation
    ObjectionState.RECEIVED: "城关镇城东村党支部",
    ObjectionState.DISMISSED: "马坊镇马坊村党支部",
    ObjectionState.UPHELD: "青川市公安局交警支队党支部",
}
WITH_EVIDENCE = ("北门社区党委", "马坊镇马坊村党支部", "青川恒远科技有限公司党委")

# The base campaign (seed 002): applicants under 两新工委, the first five named; the first
# title is due for re-review, the second warned.
BASE_ORGANISER = "中共青川市委两新工作委员会"
BASE = (
    "中共青川市律师行业委员会",
    "青川市物流与采购行业协会党支部",
    "青川明德律师事务所党支部",
    "青川市社会工作者协会党支部",
    "青川市行业协会联合党支部",
    "青川天平律师事务所党支部",
    "青川市餐饮烹饪行业协会党支部",
    "青川昆仑律师事务所党支部",
)
BASE_NAMED = 5
DP_ORGANISER = "中共青川市江北区委组织部"
FIELD_KINDS = (
    OrgKind.BRANCH,
    OrgKind.GENERAL_BRANCH,
    OrgKind.COMMITTEE,
    OrgKind.JOINT_BRANCH,
)
# Seed 000 附件3 填表说明: 类型 is one of these.
FILING_TYPES = {
    Category.COMMUNITY: "城镇社区",
    Category.VILLAGE: "农村",
    Category.ORGAN: "机关",
    Category.INSTITUTION: "事业单位",
    Category.SCHOOL: "事业单位",
    Category.UNIVERSITY: "事业单位",
    Category.HOSPITAL: "事业单位",
    Category.SOE: "国企",
    Category.PRIVATE_ENTERPRISE: "非公有制企业",
    Category.SOCIAL_ORG: "社会组织",
    Category.SCI_TECH_SOCIETY: "社会组织",
}
NOTICE_CONTACT = (
    "公示期间，如有异议，可通过本页面在线反映，或来电来信反映。"
    "电话：0979-6123456；地址：青川市昆仑路88号市委组织部组织一科（邮编639900）。"
)


def load_demo(stdout):
    """Load the demo campaigns unless they are there (or the city, the standards or the
    calendar are not); print what was loaded."""
    started = time.monotonic()
    try:
        summary = load_demo_campaigns()
    except day_rules.MissingYear as error:
        stdout.write(f"未加载示范创建数据：{error}")
        return
    if summary is None:
        stdout.write("示范创建数据已加载（或示范城市、标准库不存在），未做改动。")
        return
    stdout.write(f"已加载示范创建数据（{time.monotonic() - started:.1f} 秒）：")
    for line in summary["lines"]:
        stdout.write(f"  {line}")


def is_loaded():
    return Campaign.history.filter(history_change_reason=CHANGE_REASON).exists()


@transaction.atomic
def load_demo_campaigns(today=None):
    """The four demo campaigns; None when loaded already or the city or the standards are
    missing. Raises workdays.rules.MissingYear when the calendar lacks the notice's year."""
    root = Organization.objects.filter(name=ROOT_NAME, parent__isnull=True).first()
    if root is None or is_loaded() or not StandardSet.objects.published().exists():
        return None
    demo = DemoCampaigns(root, today or timezone.localdate())
    return demo.load()


def evidence_pdf(lines):
    """A one-page PDF of Chinese text lines in the standard font STSong-Light (no font
    embedded: every PDF reader carries the Adobe-GB1 standard fonts)."""
    shown = " ".join(f"<{line.encode('utf-16-be').hex().upper()}> Tj T*" for line in lines)
    stream = f"BT /F1 14 Tf 20 TL 72 770 Td {shown} ET"
    objects = (
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [6 0 R] >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        "/CapHeight 880 /StemV 93 >>",
    )
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode(
            "ascii"
        )
    )
    return out


class DemoCampaigns:
    def __init__(self, root, today, seed=SEED):
        self.root = root
        self.today = today
        self.year = today.year
        self.rng = random.Random(seed)
        self.lines = []
        self.read()

    # --- what the city holds -----------------------------------------------------------------

    def read(self):
        orgs = list(Organization.objects.filter(path__startswith=self.root.path))
        self.orgs = {org.pk: org for org in orgs}
        self.by_name = {org.name: org for org in orgs}
        self.subtree_members = Counter()
        for org in orgs:
            for pk in self.path_ids(org):
                self.subtree_members[pk] += org.member_count
        self.secretary = {
            org_id: (name, phone)
            for org_id, name, phone in Post.objects.current()
            .filter(post=PostKind.SECRETARY, term__org__in=orgs)
            .values_list("term__org_id", "member__name", "member__phone")
        }
        self.host = {
            row[0]: row[1:]
            for row in HostUnitLink.objects.filter(ended_on__isnull=True, org__in=orgs).values_list(
                "org_id",
                "unit__address",
                "unit__phone",
                "unit__covered_population",
                "unit__staff_count",
            )
        }
        self.weak = set(
            WeakDesignation.objects.filter(year=self.year, rectified=False).values_list(
                "org_id", flat=True
            )
        )
        self.standards = {s.code: s for s in StandardSet.objects.latest_published()}
        self.assessments = {
            (org_id, set_id): (pk, total)
            for pk, org_id, set_id, total in Assessment.objects.filter(
                org__in=orgs, year=self.year
            ).values_list("pk", "org_id", "standard_set_id", "total")
        }
        names = {username for username, *_ in DEMO_USERS}
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        self.roles = [
            (self.users[username], path, role)
            for username, path, role in RoleAssignment.objects.filter(
                user__username__in=names
            ).values_list("user__username", "org__path", "role")
        ]

    def path_ids(self, org):
        return [int(pk) for pk in org.path.strip("/").split("/")]

    def nearest(self, org, *roles):
        """The demo user of one of `roles` whose subtree holds `org` most closely: who
        signs, files or records for it."""
        held = [(len(path), user) for user, path, role in self.roles if role in roles]
        held = [(depth, user) for depth, user in held if org.path.startswith(self.path_of(user))]
        return max(held, key=lambda pair: pair[0])[1]

    def path_of(self, user):
        return next(path for holder, path, _ in self.roles if holder == user)

    def signer(self, org):
        return self.nearest(org, Role.REVIEWER)

    def clerk(self, org):
        return self.nearest(org, Role.CLERK, Role.ADMIN)

    def chain(self, org, unit, organiser):
        path = [rules.PathNode(pk, self.orgs[pk].kind in BASIC_KINDS) for pk in self.path_ids(org)]
        return rules.review_chain(path, unit.pk, organiser.pk)

    def insert(self, model, objs, user=None):
        bulk_create_with_history(
            objs, model, default_user=user, default_change_reason=CHANGE_REASON
        )
        return objs

    def days(self, low, high):
        return datetime.timedelta(days=self.rng.randint(low, high))

    # --- loading ---------------------------------------------------------------------------------

    def load(self):
        published_on, ends_on = self.notice_period()
        self.naming(published_on, ends_on)
        self.base()
        self.demonstration_point()
        self.filing()
        return {"lines": self.lines}

    def notice_period(self):
        """A notice published a few working days ago whose end (from the calendar) is not
        before today."""
        table = holiday_table(self.year - 1, self.year)
        error = None
        for back in PUBLISHED_WORKING_DAYS_AGO:
            day, left = self.today, back
            while left:
                day -= DAY
                left -= day_rules.is_working_day(day, table)
            try:
                ends_on = working_days_after(day, NOTICE_WORKING_DAYS)
            except day_rules.MissingYear as missing:
                error = missing
                continue
            if ends_on >= self.today:
                return day, ends_on
        raise error

    def campaign(self, user, standards, **fields):
        campaign = Campaign(created_by=user, **fields)
        campaign._history_user = user
        self.insert(Campaign, [campaign], user)
        campaign.standards.set(
            [self.standards[code] for code in standards if code in self.standards]
        )
        return campaign

    def stages(self, campaign, user, rows):
        """rows: (code, started_on, deadline, closed_on)."""
        self.insert(
            Stage,
            [
                Stage(campaign=campaign, code=code, started_on=s, deadline=d, closed_on=c)
                for code, s, d, c in rows
            ],
            user,
        )

    def application(self, campaign, sets, org, unit, level, user, **fields):
        secretary = self.secretary.get(org.pk, ("", ""))[0]
        parent = self.orgs.get(org.parent_id)
        # The self-assessment against one of the campaign's standards, if the year has one.
        own = next(
            (self.assessments[org.pk, s.pk][0] for s in sets if (org.pk, s.pk) in self.assessments),
            None,
        )
        return Application(
            campaign=campaign,
            org=org,
            unit=unit,
            level=level,
            org_name=org.name,
            leader=secretary or "（空缺）",
            category=Category(org.category).label,
            location=parent.short_name or parent.name,
            reason=self.reason(org),
            self_assessment_id=own,
            created_by=user,
            **fields,
        )

    def reason(self, org):
        key = texts.REASON_OF.get(org.category, org.category)
        if key not in texts.REASONS:
            key = "organ"
        rng = self.rng
        values = dict(
            name=org.name,
            members=max(self.subtree_members[org.pk], 3),
            groups=rng.randint(2, 5),
            reserve=rng.randint(2, 5),
            area=rng.randint(3, 12) * 100,
            income=rng.randint(18, 60),
            households=rng.randint(120, 2400),
            grids=rng.randint(4, 16),
            services=rng.randint(60, 480),
            disputes=rng.randint(8, 40),
            units=rng.randint(5, 18),
            reports=rng.randint(150, 900),
            elderly=rng.randint(100, 600),
            teams=rng.randint(2, 6),
            studies=rng.randint(12, 30),
            lectures=rng.randint(4, 16),
            posts=rng.randint(3, 12),
            items=rng.randint(6, 24),
            visits=rng.randint(8, 36),
            awards=rng.randint(5, 20),
            staff=rng.randint(80, 600),
            share=rng.randint(35, 70),
            grade=rng.choice(("4A", "5A", "3A")),
            recruits=rng.randint(1, 4),
        )
        return texts.REASONS[key].format(**values)

    # --- the naming campaign -----------------------------------------------------------------

    def naming(self, published_on, ends_on):
        T = self.today
        root, admin = self.root, self.users[ORGANISER_CLERK]
        deadline = T - datetime.timedelta(days=45)
        campaign = self.campaign(
            admin,
            [code for code in self.standards if code.startswith("s000-")],
            organiser=root,
            title=f"{self.year}年“青川先锋·基层党组织示范行动”",
            kind=CampaignKind.NAMING,
            year=self.year,
            validity_years=3,
            application_deadline=deadline,
            stage=StageCode.NOTICE,
        )
        sets = list(campaign.standards.all())
        demo = AwardLevel(
            campaign=campaign, code="demo", name="示范基层党组织", to_name=DEMO_TO_NAME, order=1
        )
        self.insert(AwardLevel, [demo], admin)
        top = AwardLevel(
            campaign=campaign,
            code="top",
            name="十佳示范基层党组织",
            to_name=TOP_TO_NAME,
            chosen_from=demo,
            order=2,
        )
        self.insert(AwardLevel, [top], admin)
        self.stages(
            campaign,
            admin,
            [
                (StageCode.APPLICATION, T - datetime.timedelta(days=80), deadline, deadline + DAY),
                # Closed when the notice went up, after its deadline: the page marks it late.
                (StageCode.REVIEW, deadline + DAY, T - datetime.timedelta(days=14), published_on),
                (StageCode.NOTICE, published_on, ends_on, None),
                (StageCode.SURVEY, None, T + datetime.timedelta(days=25), None),
                (StageCode.DECISION, None, T + datetime.timedelta(days=40), None),
                (StageCode.NAMING, None, T + datetime.timedelta(days=50), None),
            ],
        )
        units = {name: self.by_name[name] for name, *_ in UNITS}
        quotas = []
        for name, demo_quota, top_quota, _filing, _filed in UNITS:
            quotas.append(Quota(campaign=campaign, unit=units[name], level=demo, quota=demo_quota))
            quotas.append(Quota(campaign=campaign, unit=units[name], level=top, quota=top_quota))
        self.insert(Quota, quotas, admin)

        applications, opinions = [], []
        for unit_name, org_name, state, detail, nominated_top in NAMING:
            org, unit = self.by_name[org_name], units[unit_name]
            app = self.application(
                campaign,
                sets,
                org,
                unit,
                demo,
                self.clerk(org),
                top_level=top if nominated_top else None,
                state=state,
            )
            app._history_user = app.created_by
            if state != S.WITHDRAWN:
                opinions += self.walk(app, self.chain(org, unit, root), state, detail, deadline)
            applications.append(app)
        self.insert(Application, applications)
        for opinion in opinions:
            opinion.application_id = opinion.application.pk
        self.insert(ReviewOpinion, opinions)
        apps = {app.org_name: app for app in applications}
        self.evidence(apps)
        inspected = self.inspections(apps, published_on)
        notice, objections = self.notice(campaign, apps, published_on, ends_on)
        responses = self.survey(campaign, apps)
        states = Counter(app.get_state_display() for app in applications)
        self.lines.append(
            f"{campaign.title}（{root.short_name}，公示阶段）：推荐单位 {len(units)} 个，"
            f"申报 {len(applications)} 份（"
            + "、".join(f"{label}{n}" for label, n in states.items())
            + f"），审核意见 {len(opinions)} 条，考察 {inspected} 次，"
            f"公示 {notice.published_on:%m月%d日}至{notice.ends_on:%m月%d日}"
            f"（异议 {objections} 件），"
            f"满意度测评码 {responses[0]} 个（已答 {responses[1]} 个）"
        )
        self.naming_campaign = campaign

    def walk(self, app, chain, state, detail, deadline):
        """The chain fixed on submission and the opinions given so far, dated in order."""
        rng = self.rng
        app.chain = [[step, org] for step, org in chain]
        app.submitted_on = deadline - self.days(1, 25)
        day, opinions = app.submitted_on, []
        level = app.level.name

        def sign(step, org_id, opinion, text):
            nonlocal day
            day += self.days(3, 8)
            org = self.orgs[org_id]
            opinions.append(
                ReviewOpinion(
                    application=app,
                    step=step,
                    org=org,
                    opinion=opinion,
                    text=text,
                    signed_by=self.signer(org),
                    signed_on=day,
                )
            )

        for step, org_id in chain:
            stop = state in (S.IN_REVIEW, S.RETURNED, S.REJECTED) and step == detail
            if stop and state == S.IN_REVIEW:
                app.pending_step, app.pending_org_id = step, org_id
                break
            if stop:
                outcome = Opinion.RETURN if state == S.RETURNED else Opinion.REJECT
                pool = texts.RETURN if state == S.RETURNED else texts.REJECT
                sign(step, org_id, outcome, rng.choice(pool))
                break
            if step == ChainStep.ORGANISER:
                if state == S.RECOMMENDED:
                    break
                app.rank = detail
                app.forwarded_on = day + self.days(1, 3)
                day = app.forwarded_on
            text = rng.choice(texts.AGREE[step]).format(level=level)
            sign(step, org_id, Opinion.AGREE, text)
        for opinion in opinions:
            opinion._history_user = opinion.signed_by
        return opinions

    def evidence(self, apps):
        files = []
        for name in WITH_EVIDENCE:
            app = apps[name]
            for title in (f"{self.year}年度党建工作台账", "示范创建工作情况说明"):
                content = evidence_pdf(
                    [
                        app.org_name,
                        title,
                        f"{self.year}年{self.rng.randint(3, 5)}月",
                        "（示范数据）",
                    ]
                )
                record = ApplicationFile(
                    application=app,
                    file=ContentFile(content, name=f"{self.rng.getrandbits(64):016x}.pdf"),
                    name=f"{title}.pdf",
                    uploaded_by=app.created_by,
                )
                record._history_user = app.created_by
                files.append(record)
        self.insert(ApplicationFile, files)

    def inspections(self, apps, published_on):
        rng, T = self.rng, self.today
        inspector = self.users[INSPECTOR]
        records, findings, teams = [], [], []
        for index, name in enumerate(INSPECTED):
            app = apps[name]
            reviewer = self.signer(app.unit)
            day = app.forwarded_on - self.days(1, 4)
            inspection = Inspection(
                org=app.org,
                application=app,
                assigned_by_org=app.unit,
                assigned_by=reviewer,
                due_on=app.forwarded_on,
                state=InspectionState.RECORDED,
                score=Decimal(rng.randint(860, 965)) / 10,
                opinion=rng.choice(texts.INSPECTION_OPINION),
                inspected_on=day,
                recorded_by=inspector,
            )
            inspection._history_user = inspector
            records.append(inspection)
            teams.append((inspection, [inspector, reviewer]))
            for method in InspectionMethod:
                text = rng.choice(texts.FINDINGS[method]).format(people=rng.randint(6, 15))
                finding = InspectionFinding(inspection=inspection, method=method, text=text)
                if index == 0 and method == InspectionMethod.DOCUMENTS:
                    finding.text, finding.shortfall = f"{text}{texts.SHORTFALL}", True
                    finding.task = open_task(
                        reviewer,
                        app.org,
                        source="考察发现",
                        description=texts.SHORTFALL.removesuffix("。") + "，请限期补齐。",
                        deadline=T + datetime.timedelta(days=30),
                        today=T,
                    )
                finding._history_user = inspector
                findings.append(finding)
        app = apps[ASSIGNED_TO_INSPECTOR]
        reviewer = self.signer(app.unit)
        waiting = Inspection(
            org=app.org,
            application=app,
            assigned_by_org=app.unit,
            assigned_by=reviewer,
            due_on=T + datetime.timedelta(days=7),
        )
        waiting._history_user = reviewer
        records.append(waiting)
        teams.append((waiting, [inspector]))
        self.insert(Inspection, records)
        for finding in findings:
            finding.inspection_id = finding.inspection.pk
        self.insert(InspectionFinding, findings)
        for inspection, team in teams:
            inspection.team.set(team)
        return len(records)

    def notice(self, campaign, apps, published_on, ends_on):
        T, rng = self.today, self.rng
        reviewer = self.users["city_reviewer"]
        listed = [a for a in apps.values() if a.state in (S.APPROVED, S.REMOVED)]
        notice = Notice(
            campaign=campaign,
            published_on=published_on,
            working_days=NOTICE_WORKING_DAYS,
            ends_on=ends_on,
            contact=NOTICE_CONTACT,
            published_by=reviewer,
        )
        notice._history_user = reviewer
        self.insert(Notice, [notice])
        notice.applications.set(listed)
        resolved_on = min(published_on + datetime.timedelta(days=2), T)
        objections = []
        for state, name in OBJECTED.items():
            objection = Objection(
                notice=notice,
                application=apps[name],
                name="" if state == ObjectionState.RECEIVED else rng.choice(("李群", "张先生")),
                contact=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                text=texts.OBJECTIONS[state],
                address=f"203.0.113.{rng.randint(2, 250)}",
                state=state,
            )
            if state != ObjectionState.RECEIVED:
                objection.verification = texts.VERIFICATION[state]
                objection.resolution = texts.RESOLUTION[state]
                objection.resolved_by, objection.resolved_on = reviewer, resolved_on
                objection._history_user = reviewer
            objections.append(objection)
        self.insert(Objection, objections)
        return notice, len(objections)

    def survey(self, campaign, apps):
        """Tokens handed out for each approved application, about half answered; each tally
        counts its responses."""
        rng, admin = self.rng, self.users[ORGANISER_CLERK]
        tallies, tokens, answers = [], [], []
        for app in apps.values():
            if app.state != S.APPROVED:
                continue
            tally = SurveyTally(campaign=campaign, org=app.org, application=app)
            own = [
                SurveyToken(tally=tally, token=secrets.token_urlsafe(16), created_by=admin)
                for _ in range(TOKENS_PER_APPLICATION)
            ]
            answered = rng.sample(own, rng.randint(12, 18))
            for token in answered:
                answer = rng.choices(list(Answer), (80, 15, 5))[0]
                answers.append((token, answer))
                setattr(tally, answer, getattr(tally, answer) + 1)
            tallies.append(tally)
            tokens += own
        self.insert(SurveyTally, tallies, admin)
        # Each rate is the organisation's satisfaction fact, as answering keeps it.
        facts = [
            YearlyFact(
                org_id=tally.org_id,
                year=campaign.year,
                code=SATISFACTION_FACT,
                source=FactSource.SURVEY,
                value=tally.rate,
                note=survey_fact_note(tally),
            )
            for tally in tallies
        ]
        self.insert(YearlyFact, facts, admin)
        for token in tokens:
            token.tally_id = token.tally.pk
        SurveyToken.objects.bulk_create(tokens)
        SurveyResponse.objects.bulk_create(
            [SurveyResponse(token=token, answer=answer) for token, answer in answers]
        )
        return len(tokens), len(answers)

    # --- the base campaign, finished -----------------------------------------------------------

    def base(self):
        T, rng = self.today, self.rng
        organiser = self.by_name[BASE_ORGANISER]
        reviewer = self.signer(organiser)
        named_on = rules.add_years(T, -3) + datetime.timedelta(days=20)
        valid_until = rules.valid_until(named_on, 3)
        deadline = named_on - datetime.timedelta(days=150)
        decided_on = named_on - datetime.timedelta(days=40)
        published_on = named_on - datetime.timedelta(days=30)
        ends_on = working_days_after(published_on, NOTICE_WORKING_DAYS)
        campaign = self.campaign(
            reviewer,
            ["s002-jilin-social-org-base"],
            organiser=organiser,
            title=f"{named_on.year}年社会组织党建创新示范基地创建",
            kind=CampaignKind.BASE,
            year=named_on.year,
            validity_years=3,
            review_every_years=3,
            application_deadline=deadline,
            stage=StageCode.NAMING,
        )
        sets = list(campaign.standards.all())
        level = AwardLevel(
            campaign=campaign, code="base", name="社会组织党建创新示范基地", to_name=BASE_NAMED
        )
        self.insert(AwardLevel, [level], reviewer)
        self.stages(
            campaign,
            reviewer,
            [
                (StageCode.APPLICATION, deadline - datetime.timedelta(days=36), deadline, deadline),
                (StageCode.REVIEW, deadline + DAY, decided_on - DAY, decided_on - DAY),
                (StageCode.DECISION, decided_on, decided_on, decided_on),
                (StageCode.NOTICE, published_on, ends_on, ends_on),
                (StageCode.NAMING, named_on, named_on, named_on),
            ],
        )
        applications, opinions = [], []
        for index, name in enumerate(BASE):
            org = self.by_name[name]
            state = S.NAMED if index < BASE_NAMED else S.NOT_NAMED
            app = self.application(
                campaign, sets, org, organiser, level, self.clerk(org), state=state
            )
            app._history_user = app.created_by
            app.submitted_on = deadline - self.days(1, 20)
            app.chain = [[s, o] for s, o in self.chain(org, organiser, organiser)]
            day = app.submitted_on
            for step, org_id in app.chain:
                day += self.days(3, 10)
                opinion = ReviewOpinion(
                    application=app,
                    step=step,
                    org=self.orgs[org_id],
                    opinion=Opinion.AGREE,
                    text=rng.choice(texts.AGREE[ChainStep.BASIC_COMMITTEE])
                    if step == ChainStep.BASIC_COMMITTEE
                    else "初审合格，列入实地考核对象。",
                    signed_by=reviewer,
                    signed_on=day,
                )
                opinion._history_user = reviewer
                opinions.append(opinion)
            applications.append(app)
        self.insert(Application, applications)
        for opinion in opinions:
            opinion.application_id = opinion.application.pk
        self.insert(ReviewOpinion, opinions)
        inspector = self.users[INSPECTOR]
        inspections, findings = [], []
        for index, app in enumerate(applications):
            score = rng.randint(880, 970) if index < BASE_NAMED else rng.randint(720, 840)
            inspection = Inspection(
                org=app.org,
                application=app,
                assigned_by_org=organiser,
                assigned_by=reviewer,
                due_on=decided_on - datetime.timedelta(days=10),
                state=InspectionState.RECORDED,
                score=Decimal(score) / 10,
                opinion=rng.choice(texts.INSPECTION_OPINION)
                if index < BASE_NAMED
                else "党建工作基础较好，但与业务融合不够，示范作用尚不突出。",
                inspected_on=decided_on - self.days(12, 30),
                recorded_by=reviewer,
            )
            inspection._history_user = reviewer
            inspections.append(inspection)
            for method in InspectionMethod:
                finding = InspectionFinding(
                    inspection=inspection,
                    method=method,
                    text=rng.choice(texts.FINDINGS[method]).format(people=rng.randint(6, 12)),
                )
                finding._history_user = reviewer
                findings.append(finding)
        self.insert(Inspection, inspections)
        for finding in findings:
            finding.inspection_id = finding.inspection.pk
        self.insert(InspectionFinding, findings)
        for inspection in inspections:
            inspection.team.set([reviewer, inspector])
        named = applications[:BASE_NAMED]
        notice = Notice(
            campaign=campaign,
            published_on=published_on,
            working_days=NOTICE_WORKING_DAYS,
            ends_on=ends_on,
            contact=NOTICE_CONTACT,
            state=NoticeState.CLOSED,
            closed_on=ends_on,
            published_by=reviewer,
        )
        notice._history_user = reviewer
        self.insert(Notice, [notice])
        notice.applications.set(named)
        decision = Decision(
            campaign=campaign,
            decided_on=decided_on,
            body="两新工委全体委员会议",
            document_number=f"青两新委〔{named_on.year}〕{rng.randint(8, 30)}号",
            named_on=named_on,
            note=f"根据初审和实地考核情况，审议确定{len(named)}个社会组织党组织为党建创新示范基地。",
            recorded_by=reviewer,
        )
        self.insert(Decision, [decision], reviewer)
        titles = [
            Title(
                org=app.org,
                campaign=campaign,
                level=level,
                application=app,
                org_name=app.org_name,
                named_on=named_on,
                valid_until=valid_until,
                certificate_number=f"青两新示范基地{named_on.year}第{number:03d}号",
                state=TitleState.WARNED if number == 2 else TitleState.CURRENT,
            )
            for number, app in enumerate(named, 1)
        ]
        self.insert(Title, titles, reviewer)
        self.after_naming(titles, reviewer, valid_until)
        self.lines.append(
            f"{campaign.title}（{organiser.short_name}，已命名）：申报 {len(applications)} 份，"
            f"命名 {len(titles)} 个（有效期至 {valid_until:%Y-%m-%d}），"
            f"“{titles[0].org_name}”待复查（{valid_until:%m月%d日}前），"
            f"“{titles[1].org_name}”预警整改中"
        )

    def after_naming(self, titles, reviewer, valid_until):
        """Re-reviews (seed 002 每三年复查) before the titles expire: the first due, the
        second found wanting and warned, the others passed."""
        T = self.today
        reviews = []
        for number, title in enumerate(titles):
            review = ReReview(title=title, due_on=valid_until)
            if number == 1:
                review.done_on, review.result = (
                    T - datetime.timedelta(days=15),
                    ReReviewResult.RECTIFY,
                )
                review.note = texts.RE_REVIEW_RECTIFY
            elif number > 1:
                review.done_on = T - self.days(2, 10)
                review.result, review.note = ReReviewResult.PASSED, texts.RE_REVIEW_PASSED
            if review.done_on:
                review.done_by = reviewer
            reviews.append(review)
        self.insert(ReReview, reviews, reviewer)
        warned = titles[1]
        task = open_task(
            reviewer,
            warned.org,
            source="示范称号预警",
            description=texts.WARNING_TASK,
            deadline=T + datetime.timedelta(days=15),
            today=T,
        )
        warning = TitleWarning(
            title=warned,
            issued_on=T - datetime.timedelta(days=15),
            reason=texts.WARNING_REASON,
            task=task,
            issued_by=reviewer,
        )
        self.insert(TitleWarning, [warning], reviewer)

    # --- the demonstration-point campaign, survey phase --------------------------------------

    def demonstration_point(self):
        T = self.today
        organiser = self.by_name[DP_ORGANISER]
        clerk = self.clerk(organiser)
        campaign = self.campaign(
            clerk,
            [
                "s000-community",
                "s000-village",
                "s004-qinghai-private-enterprise-demo",
                "s004-qinghai-social-org-demo",
            ],
            organiser=organiser,
            title=f"{self.year}年江北区基层党组织示范点创建",
            kind=CampaignKind.DEMONSTRATION_POINT,
            year=self.year,
            validity_years=3,
            application_deadline=T + datetime.timedelta(days=21),
            stage=StageCode.SURVEY,
        )
        self.insert(
            AwardLevel,
            [AwardLevel(campaign=campaign, code="point", name="基层党组织示范点", to_name=6)],
            clerk,
        )
        self.stages(
            campaign,
            clerk,
            [
                (
                    StageCode.SURVEY,
                    T - datetime.timedelta(days=7),
                    T + datetime.timedelta(days=21),
                    None,
                ),
                (StageCode.DECISION, None, T + datetime.timedelta(days=40), None),
                (StageCode.NAMING, None, T + datetime.timedelta(days=55), None),
            ],
        )
        # Seed 004: every organisation of the field is graded; the assessments in so far are
        # read as grading reads them, the satisfaction survey is the evaluator's to import.
        field = [
            org
            for org in self.orgs.values()
            if org.path.startswith(organiser.path)
            and org.kind in FIELD_KINDS
            and org.status == OrgStatus.ACTIVE
        ]
        scores = assessment_scores([org.pk for org in field], self.year)
        grades = [
            FieldGrade(
                campaign=campaign,
                org=org,
                self_assessment=scores.get(org.pk, (None, None))[0],
                upper_assessment=scores.get(org.pk, (None, None))[1],
            )
            for org in sorted(field, key=lambda o: o.path)
        ]
        self.insert(FieldGrade, grades, clerk)
        self.lines.append(
            f"{campaign.title}（{organiser.short_name}，测评阶段）：参加分类定级的党组织 "
            f"{len(grades)} 个，等待第三方测评机构（evaluator）导入满意度测评结果"
        )

    # --- the filing register -------------------------------------------------------------------

    def filing(self):
        T, rng = self.today, self.rng
        admin = self.users[ORGANISER_CLERK]
        campaign = self.campaign(
            admin,
            [code for code in self.standards if code.startswith("s000-")],
            organiser=self.root,
            title=f"{self.year}年“青川先锋”基层党组织示范点备案登记",
            kind=CampaignKind.FILING,
            year=self.year,
            validity_years=3,
            application_deadline=T + datetime.timedelta(days=10),
            stage=StageCode.APPLICATION,
        )
        total = sum(row[3] for row in UNITS)
        level = AwardLevel(campaign=campaign, code="point", name="基层党组织示范点", to_name=total)
        self.insert(AwardLevel, [level], admin)
        self.stages(
            campaign,
            admin,
            [
                (
                    StageCode.APPLICATION,
                    T - datetime.timedelta(days=60),
                    campaign.application_deadline,
                    None,
                )
            ],
        )
        # Seed 000 四（三）: what is named or applying this year is not filed again.
        taken = set(Application.objects.values_list("org_id", flat=True))
        taken |= set(Title.objects.values_list("org_id", flat=True))
        quotas, filings = [], []
        for name, _demo, _top, quota, count in UNITS:
            unit = self.by_name[name]
            quotas.append(Quota(campaign=campaign, unit=unit, level=level, quota=quota))
            eligible = [
                org
                for org in self.orgs.values()
                if org.path.startswith(unit.path)
                and org.pk != unit.pk
                and org.kind in FIELD_KINDS
                and org.status == OrgStatus.ACTIVE
                and org.category in FILING_TYPES
                and org.pk in self.secretary
                and org.pk not in taken
                and org.pk not in self.weak
            ]
            eligible.sort(key=lambda o: o.path)
            populated = [o for o in eligible if o.category in rules.VILLAGE_CATEGORIES]
            others = [o for o in eligible if o.category not in rules.VILLAGE_CATEGORIES]
            # Seed 000 附件3: in a district, villages and communities about 60%.
            share = round(count * 0.6) if populated and unit.kind == OrgKind.DEPARTMENT else 0
            share = min(share, len(populated))
            chosen = rng.sample(populated, share)
            chosen += rng.sample(others, min(count - share, len(others)))
            filed_by = self.clerk(unit)
            for org in chosen:
                address, phone, covered, staff = self.host.get(org.pk, ("", "", None, None))
                leader, own_phone = self.secretary[org.pk]
                filing = Filing(
                    campaign=campaign,
                    unit=unit,
                    org=org,
                    org_name=org.name,
                    org_type=FILING_TYPES[org.category],
                    member_count=self.subtree_members[org.pk],
                    covered_people=covered or staff,
                    leader=leader,
                    phone=phone or own_phone,
                    address=address or f"青川市{(self.orgs[org.parent_id].short_name or '')}",
                    filed_by=filed_by,
                )
                filing._history_user = filed_by
                filings.append(filing)
        self.insert(Quota, quotas, admin)
        self.insert(Filing, filings)
        self.lines.append(
            f"{campaign.title}：备案名额 {total} 个，已备案 {len(filings)} 个（村、社区 "
            f"{sum(f.org_type in ('农村', '城镇社区') for f in filings)} 个）"
        )
