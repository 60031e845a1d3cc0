"""Registry: the organisation tree, host units, members, committees and terms.

The tree is stored as a materialized path of primary keys ("/1/5/23/"), so a subtree is one
indexed prefix query on SQLite and PostgreSQL alike (docs/decisions/0002-tree-as-path.md).
"""

from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from grassroots.core.access import ScopedQuerySet, can
from grassroots.core.bulk import id_batches
from grassroots.core.choices import Permission
from grassroots.core.models import saving_without
from grassroots.core.validators import validate_citizen_id, validate_phone, validate_uscc

from .choices import (
    Category,
    Coverage,
    Education,
    Gender,
    GuideRole,
    LeaveReason,
    MemberStatus,
    OrgKind,
    OrgStatus,
    PostKind,
    SocietyRole,
    UnitKind,
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        abstract = True


class OrganizationQuerySet(ScopedQuerySet):
    org_path = "path"

    def active(self):
        return self.filter(status=OrgStatus.ACTIVE)

    def add_members(self, changes):
        """Add `changes` ({organisation id: number of current members gained, or lost if
        negative}) to `member_count`: F() arithmetic, so concurrent changes add up, in one
        UPDATE per distinct change (an import adds about as many to every organisation)."""
        by_change = defaultdict(list)
        for org_id, change in changes.items():
            if change:
                by_change[change].append(org_id)
        for change, org_ids in by_change.items():
            for batch in id_batches(org_ids):
                self.filter(pk__in=batch).update(member_count=F("member_count") + change)

    def miscounted(self):
        """Organisations whose `member_count` differs from their current members, each with
        `actual`: the count it should have."""
        current = (
            Member.objects.current()
            .filter(org=OuterRef("pk"))
            .order_by()
            .values("org")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(actual=Coalesce(Subquery(current), 0)).filter(
            ~Q(member_count=F("actual"))
        )

    def recount_members(self):
        """Set `member_count` from the members, in one UPDATE; returns how many
        organisations had a wrong count."""
        return self.miscounted().update(member_count=F("actual"))


class Organization(TimeStamped):
    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=100, blank=True)
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    category = models.CharField("所属领域", max_length=20, choices=Category.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolved_reason = models.CharField("撤销原因", max_length=200, blank=True)
    # Current members whose organisation relation is here (not below): a subtree's count is
    # a sum over the subtree instead of a COUNT(*) over its members (docs/benchmarks.md).
    # Kept by `OrganizationQuerySet.add_members`; `manage.py recount_members` rebuilds it.
    member_count = models.PositiveIntegerField("党员人数", default=0, editable=False)
    host_units = models.ManyToManyField(
        "HostUnit", through="HostUnitLink", related_name="organizations", verbose_name="所在单位"
    )

    history = HistoricalRecords(excluded_fields=["path", "depth", "member_count"])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever the
            # collation; other databases ignore the operator class.
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The pattern index cannot serve ORDER BY path (every list is in tree order).
            models.Index(fields=["path"], name="org_path_order"),
            models.Index(fields=["parent", "name"], name="org_parent_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .tallies import tracked  # the tallies read this model

        with tracked(self):
            super().save(*args, **saving_without(self, kwargs, ["member_count"]))
            expected = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            if self.path != expected:
                self.path = expected
                self.depth = expected.count("/") - 2
                Organization.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    @property
    def is_active(self):
        return self.status == OrgStatus.ACTIVE

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]


# Seed 004: "凡有三名以上正式党员的社会组织，都要按照党章规定…设立党委、总支、支部" — a unit
# with this many full members working there and no organisation should have one (应建未建).
SHOULD_FORM_FULL_MEMBERS = 3
# Guides whose presence is 党的工作覆盖 (seed 004: "通过派驻党建工作指导员…实现党的组织和党的
# 工作'两个覆盖'", "选派党建联络员，实现党建工作覆盖"); 挂点/包点 leaders supervise, they do not
# cover.
COVERING_GUIDES = (GuideRole.INSTRUCTOR, GuideRole.LIAISON)


def live_on(on, start=None):
    """Rows not ended by `on` (and begun by then, when they record a start)."""
    condition = Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    return condition & Q(**{f"{start}__lte": on}) if start else condition


def units_under(paths, exact=False):
    """Units under the organisations at `paths` (or, `exact`, of those organisations
    themselves): those they are responsible for or sit in."""
    if exact:  # by id (a path ends with it): indexed, no join
        ids = [int(path.strip("/").split("/")[-1]) for path in paths]
        sitting = HostUnitLink.objects.filter(org__in=ids, ended_on__isnull=True)
        return Q(responsible_org__in=ids) | Q(pk__in=sitting.values("unit"))
    responsible, sitting = Q(), Q()
    for path in paths:
        responsible |= Q(responsible_org__path__startswith=path)
        sitting |= Q(org__path__startswith=path)
    linked = HostUnitLink.objects.filter(sitting, ended_on__isnull=True, unit=OuterRef("pk"))
    return responsible | Exists(linked)


class HostUnitQuerySet(ScopedQuerySet):
    def scope_condition(self, scope, permission):
        """Units an organisation of the subtree is responsible for, or sits in (a unit has
        no path of its own)."""
        if scope.is_unrestricted(permission):
            return Q()  # Q() | Exists(...) would be the Exists alone
        linked = HostUnitLink.objects.filter(
            HostUnitLink.objects.scope_condition(scope, permission), unit=OuterRef("pk")
        )
        return scope.q(permission, "responsible_org__path") | Exists(linked)

    def within(self, path):
        """Units of the subtree at `path`: those it is responsible for or sits in."""
        return self.filter(units_under([path]))

    def with_coverage(self, on):
        """Each unit with `has_org` (an organisation sits in it on `on`), `guided` (an
        instructor or liaison is assigned), `full_workers` (full members working there)
        `coverage` (a Coverage code) and `should_form` (应建未建)."""
        links = HostUnitLink.objects.filter(live_on(on), unit=OuterRef("pk"))
        guides = UnitGuide.objects.filter(
            live_on(on, "started_on"), unit=OuterRef("pk"), role__in=COVERING_GUIDES
        )
        workers = (
            Member.objects.filter(
                Q(left_on__isnull=True) | Q(left_on__gt=on),
                work_unit=OuterRef("pk"),
                status=MemberStatus.FULL,
            )
            .order_by()
            .values("work_unit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            has_org=Exists(links),
            guided=Exists(guides),
            full_workers=Coalesce(Subquery(workers), 0),
        ).annotate(
            coverage=models.Case(
                models.When(has_org=True, then=models.Value(Coverage.ORGANISATION)),
                models.When(guided=True, then=models.Value(Coverage.WORK)),
                default=models.Value(Coverage.NONE),
                output_field=models.CharField(),
            ),
            should_form=models.ExpressionWrapper(
                Q(has_org=False, full_workers__gte=SHOULD_FORM_FULL_MEMBERS),
                output_field=models.BooleanField(),
            ),
        )

    def should_form(self):
        """Of `with_coverage`'s units: no organisation, yet enough full members (应建未建)."""
        return self.filter(should_form=True)


class HostUnit(TimeStamped):
    name = models.CharField("单位名称", max_length=200)
    kind = models.CharField("单位类型", max_length=24, choices=UnitKind.choices, blank=True)
    # The street/town committee, 两新工委 or 行业党委 that must cover the unit; a unit with
    # no organisation yet exists through it alone.
    responsible_org = models.ForeignKey(
        "Organization",
        verbose_name="负责覆盖的党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_units",
    )
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[validate_phone])
    covered_population = models.PositiveIntegerField("覆盖人数", null=True, blank=True)
    staff_count = models.PositiveIntegerField("职工人数", null=True, blank=True)
    # A functional branch has no term: its team changes when the society's council is
    # re-elected (seed 004: "功能型党支部班子人选不实行任期制，原则上与社会组织换届同步调整").
    council_term_ends_on = models.DateField(
        "理事会本届届满日期",
        null=True,
        blank=True,
        help_text="社会组织理事会（董事会）本届任期届满的日期；功能型党支部班子随之调整",
    )

    history = HistoricalRecords()
    objects = HostUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "所在单位"
        verbose_name_plural = "所在单位"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .tallies import tracked  # the tallies read this model

        with tracked(self):  # the statistics' coverage
            super().save(*args, **kwargs)


class HostUnitLink(TimeStamped):
    """An organisation sits in a host unit; a joint branch links several (at most five)."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="unit_links")
    unit = models.ForeignKey(HostUnit, on_delete=models.PROTECT, related_name="org_links")
    ended_on = models.DateField("解除日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "单位关联"
        verbose_name_plural = "单位关联"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "unit"],
                condition=Q(ended_on__isnull=True),
                name="one_current_link_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.org} · {self.unit}"

    def save(self, *args, **kwargs):
        from .tallies import recounted  # the tallies read this model

        with recounted(HostUnit, [self.unit_id]):  # the unit's coverage
            super().save(*args, **kwargs)


class UnitGuideQuerySet(ScopedQuerySet):
    org_path = "unit__responsible_org__path"

    def scope_condition(self, scope, permission):
        return Q(
            unit__in=HostUnit.objects.filter(HostUnit.objects.scope_condition(scope, permission))
        )


class UnitGuide(TimeStamped):
    """Someone assigned to guide a unit from outside: a 党建工作指导员 or liaison (seed 004),
    or the leaders who 挂点/包点 (seed 000). Often not a member of this roster: a name."""

    unit = models.ForeignKey(HostUnit, on_delete=models.PROTECT, related_name="guides")
    role = models.CharField("职责", max_length=20, choices=GuideRole.choices)
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("单位职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[validate_phone])
    started_on = models.DateField("选派日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = UnitGuideQuerySet.as_manager()

    class Meta:
        verbose_name = "指导联系人"
        verbose_name_plural = "指导联系人"
        ordering = ["unit_id", "role", "started_on", "id"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def save(self, *args, **kwargs):
        from .tallies import recounted  # the tallies read this model

        with recounted(HostUnit, [self.unit_id]):  # the unit's coverage
            super().save(*args, **kwargs)


class WeakDesignation(TimeStamped):
    """A yearly 软弱涣散 designation of an organisation."""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="weak_designations"
    )
    year = models.PositiveSmallIntegerField("年度")
    reason = models.CharField("原因", max_length=300, blank=True)
    rectified = models.BooleanField("已整顿", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "软弱涣散认定"
        verbose_name_plural = "软弱涣散认定"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_weak_designation_a_year")
        ]

    def __str__(self):
        return f"{self.org} · {self.year}年软弱涣散"


class MemberQuerySet(ScopedQuerySet):
    names_people = True

    def scope_condition(self, scope, permission):
        """Members whose organisation relation, or a current functional membership, is in
        the user's subtree ("一方隶属、多重组织生活"); only the former for any other
        permission than viewing (docs/decisions/0005)."""
        own = scope.q(permission, "org__path")
        if scope.is_unrestricted(permission) or permission != Permission.ROSTER:
            return own
        functional = Membership.objects.filter(
            Membership.objects.scope_condition(scope, permission),
            member=OuterRef("pk"),
            ended_on__isnull=True,
        )
        return own | Exists(functional)

    def visible_within(self, user, org_path):
        """Visible members whose organisation relation lies in the subtree at `org_path`.
        Where the user's view covers that whole subtree, the functional-membership test of
        `visible_to` can add no one, and leaving it out lets the database use the index."""
        if can(user, Permission.ROSTER, org_path):
            return self.filter(org__path__startswith=org_path)
        return self.visible_to(user).filter(org__path__startswith=org_path)

    def current(self):
        return self.filter(left_on__isnull=True)


class Member(TimeStamped):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField(
        "公民身份号码", max_length=18, unique=True, validators=[validate_citizen_id]
    )
    joined_on = models.DateField("入党时间")
    confirmed_on = models.DateField("转正时间", null=True, blank=True)
    status = models.CharField("党员类别", max_length=12, choices=MemberStatus.choices)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    graduated_from = models.CharField("毕业院校", max_length=100, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=100, blank=True)
    expertise = models.CharField("专长", max_length=200, blank=True)
    job_title = models.CharField("现任职务", max_length=100, blank=True)
    society_title = models.CharField("社团任职", max_length=100, blank=True)
    society_role = models.CharField(
        "社团领导职务", max_length=20, choices=SocietyRole.choices, blank=True
    )
    resume = models.TextField("工作简历", blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[validate_phone])
    org = models.ForeignKey(
        Organization,
        verbose_name="组织关系所在党组织",
        on_delete=models.PROTECT,
        related_name="members",
    )
    # Where the member works, whatever organisation holds their relation (a unit's members
    # count towards 应建未建 while their relation is still elsewhere).
    work_unit = models.ForeignKey(
        HostUnit,
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_workers",
    )
    is_mobile = models.BooleanField("流动党员", default=False)
    is_lost_contact = models.BooleanField("失联党员", default=False)
    on_probation_discipline = models.BooleanField("留党察看", default=False)
    left_on = models.DateField("离开日期", null=True, blank=True)
    left_reason = models.CharField(
        "离开原因", max_length=20, choices=LeaveReason.choices, blank=True
    )

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["org_id", "name", "id"]
        indexes = [models.Index(fields=["org", "status"], name="member_org_status")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .tallies import recounted, tracked  # the tallies read this model

        adding = self._state.adding
        units = {self.work_unit_id}  # full members working there decide 应建未建
        if not adding:
            units.add(Member.objects.filter(pk=self.pk).values_list("work_unit", flat=True).first())
        with transaction.atomic(savepoint=False), tracked(self), recounted(HostUnit, units):
            super().save(*args, **kwargs)
            # A new current member counts in its organisation (bulk inserts, which bypass
            # save(), count theirs themselves); later moves and leaving: see services.py.
            if adding and self.left_on is None:
                Organization.objects.add_members({self.org_id: 1})


class MembershipQuerySet(ScopedQuerySet):
    names_people = True


class Membership(TimeStamped):
    """A functional membership: organisational life in another organisation while the
    organisation relation stays where it is."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="functional_memberships"
    )
    started_on = models.DateField("加入日期")
    ended_on = models.DateField("退出日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "参加组织生活"
        verbose_name_plural = "参加组织生活"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "org"],
                condition=Q(ended_on__isnull=True),
                name="one_current_membership_per_org",
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.org}"


class Transfer(TimeStamped):
    """A move of a member's organisation relation; the member row keeps the current one."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField("转接日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]

    def __str__(self):
        return f"{self.member}：{self.from_org} → {self.to_org}"


class TermQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class Term(TimeStamped):
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    started_on = models.DateField("本届开始")
    planned_end_on = models.DateField("应届满日期")
    ended_on = models.DateField("实际结束", null=True, blank=True)

    history = HistoricalRecords()
    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["org_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="unique_term_number"),
            models.UniqueConstraint(
                fields=["org"], condition=Q(ended_on__isnull=True), name="one_current_term"
            ),
        ]

    def __str__(self):
        return f"第{self.number}届"

    def save(self, *args, **kwargs):
        from .tallies import tracked  # the tallies read this model

        with tracked(self):  # the statistics' terms due
            super().save(*args, **kwargs)


class PostQuerySet(ScopedQuerySet):
    org_path = "term__org__path"
    names_people = True

    def current(self):
        return self.filter(ended_on__isnull=True, term__ended_on__isnull=True)

    def held_on(self, day):
        """The posts held on `day`: begun by then, neither the post nor its term ended."""
        return self.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            Q(term__ended_on__isnull=True) | Q(term__ended_on__gt=day),
            started_on__lte=day,
        )


class Post(TimeStamped):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="posts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    post = models.CharField("职务", max_length=20, choices=PostKind.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "委员会职务"
        verbose_name_plural = "委员会职务"
        ordering = ["term_id", "post", "id"]
        constraints = [
            # Other single-holder posts are configurable: `appoint_post` holds them.
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(post=PostKind.SECRETARY, ended_on__isnull=True),
                name="one_current_secretary",
            )
        ]

    def __str__(self):
        return f"{self.get_post_display()} {self.member}"


def post_order(post):
    """Sort key listing a committee as documents do: 书记, 副书记, 组织, 宣传, 纪检, 委员."""
    return (PostKind.values.index(post.post), post.started_on, post.pk)


class TallyClock(models.Model):
    """The date the subtree tallies count on (one row; `orgs.tallies`). No row: the tallies
    were never built (a database that had a registry before they existed) and the statistics
    count from the registry until `manage.py rebuild_tallies` builds them."""

    on = models.DateField()

    def __str__(self):
        return f"{self.on:%Y-%m-%d}"


class Tally(models.Model):
    """How many of something (`code`, e.g. members by age band, meetings of a type in a
    month) the organisation's strict descendants hold, as of the clock's date: a subtree's
    figure is its own rows' count plus one indexed read, whatever the subtree's size. Not
    user data (no history); `orgs.tallies` keeps it in the writes' transactions."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="unique_tally")]

    def __str__(self):
        return f"{self.org_id} {self.code} {self.n}"


class TallyChange(models.Model):
    """A change to a tally not yet added to its row: writers insert these rather than
    update the rows, since every meeting or member of a city changes the same rows at its
    top and an update holds the row until the writer commits (docs/decisions/0041).
    `tallies.fold` moves them into `Tally` after each commit; readers add what is left."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    n = models.BigIntegerField()

    def __str__(self):
        return f"{self.org_id} {self.code} {self.n:+d}"
