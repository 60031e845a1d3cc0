"""Standard sets as data: set → dimension → item. A published set never changes; an edit is
a new draft version of the same code, and an adaptation for another jurisdiction or year is
a new set (new code) based on the one it was copied from. See
docs/decisions/0008-standards-as-data.md."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from simple_history.models import HistoricalRecords

from grassroots.core.access import ScopedQuerySet
from grassroots.core.choices import Permission

from .choices import Comparator, MetricSource, SetStatus
from .metrics import METRICS, describe


class StandardSetQuerySet(ScopedQuerySet):
    org_path = "owner__path"

    def published(self):
        return self.filter(status=SetStatus.PUBLISHED)

    def latest_published(self):
        """The newest published version of each code (one query, no per-code lookups)."""
        newer = StandardSet.objects.filter(
            code=OuterRef("code"), status=SetStatus.PUBLISHED, version__gt=OuterRef("version")
        )
        return self.published().filter(~Exists(newer))

    def with_items_count(self):
        return self.annotate(items_count=Count("dimensions__items"))

    def with_contents(self):
        """Dimensions and their items in order: two queries whatever their number."""
        return self.prefetch_related(
            Prefetch("dimensions", queryset=Dimension.objects.prefetch_related("items"))
        )

    def scope_condition(self, scope, permission):
        """Viewing: the published sets (reference data for every user) and the drafts the
        user may change. Any other permission: the sets owned inside the subtrees where the
        user holds it; sets from the data files (no owner) only for superusers."""
        if permission != Permission.VIEW:
            return super().scope_condition(scope, permission)
        if scope.is_unrestricted(Permission.MANAGE_USERS):
            return Q()
        editable = super().scope_condition(scope, Permission.MANAGE_USERS)
        return Q(status=SetStatus.PUBLISHED) | editable

    def editable_by(self, user):
        """Sets whose drafts the user may change: administrators of the owner's subtree."""
        return self.visible_to(user, Permission.MANAGE_USERS)


def filter_sets(sets, category=None, year=None, source=None):
    """Sets of a category, year and source, in Python: a set's categories are a JSON list
    and SQLite cannot look inside one; there are tens of sets, not thousands."""
    return [
        s
        for s in sets
        if (not category or category in s.categories)
        and (not year or s.year == int(year))
        and (not source or s.source == source)
    ]


def applicable_sets(category: str):
    """The latest published sets that name the category, newest year first."""
    sets = StandardSet.objects.latest_published().with_items_count().order_by("-year", "code")
    return filter_sets(sets, category=category)


def fact_metrics(category: str) -> set[str]:
    """The yearly facts (metrics entered by the organisation) that the category's sets
    measure: what its 年度数据 form asks, and nothing the category's standards do not."""
    sets = [s.pk for s in applicable_sets(category)]
    facts = [code for code, metric in METRICS.items() if metric.source == MetricSource.FACT]
    measured = Item.objects.filter(dimension__set__in=sets, metric__in=facts)
    return set(measured.values_list("metric", flat=True).distinct())


class StandardSet(models.Model):
    code = models.CharField(
        "代码", max_length=60, help_text="小写英文字母、数字和连字符，如 s000-village"
    )
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("名称", max_length=200)
    source = models.CharField("出处", max_length=300, blank=True)
    seed = models.CharField("来源文件编号", max_length=10, blank=True)
    jurisdiction = models.CharField("适用地区", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    categories = models.JSONField("适用领域", default=list, blank=True)
    truncated = models.BooleanField("原文不完整", default=False)
    note = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=SetStatus.choices)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name="依据版本",
    )
    owner = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_sets",
        verbose_name="维护单位",
        help_text="其管理员可修改和发布；为空则为随系统发布的标准（数据文件）",
    )
    data_digest = models.CharField(
        "数据文件摘要", max_length=64, blank=True, help_text="由数据文件载入的版本的内容摘要"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = StandardSetQuerySet.as_manager()

    class Meta:
        verbose_name = "标准"
        verbose_name_plural = "标准"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_standard_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status=SetStatus.DRAFT),
                name="one_standard_draft_per_code",
            ),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    @property
    def is_draft(self):
        return self.status == SetStatus.DRAFT


class Dimension(models.Model):
    set = models.ForeignKey(
        StandardSet, on_delete=models.CASCADE, related_name="dimensions", verbose_name="标准"
    )
    code = models.CharField("编号", max_length=20)
    title = models.CharField("名称", max_length=200)
    order = models.PositiveIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "维度"
        verbose_name_plural = "维度"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["set", "code"], name="unique_dimension_code")
        ]

    def __str__(self):
        return self.title


class Item(models.Model):
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="items", verbose_name="维度"
    )
    code = models.CharField("编号", max_length=20)
    text = models.TextField("条目原文")
    # None, never "": an item without a metric (attested with evidence) has none of the
    # three, which the API shows as null; the check constraint below keeps them together.
    metric = models.CharField("指标", max_length=60, null=True, blank=True)  # noqa: DJ001
    comparator = models.CharField(  # noqa: DJ001
        "比较", max_length=2, choices=Comparator.choices, null=True, blank=True
    )
    threshold = models.DecimalField(
        "标准值", max_digits=14, decimal_places=2, null=True, blank=True
    )
    veto = models.BooleanField("一票否决", default=False)
    order = models.PositiveIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "条目"
        verbose_name_plural = "条目"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_item_code"),
            models.CheckConstraint(
                condition=Q(metric__isnull=True, comparator__isnull=True, threshold__isnull=True)
                | (
                    Q(metric__isnull=False, comparator__isnull=False, threshold__isnull=False)
                    & ~Q(metric="")
                    & ~Q(comparator="")
                ),
                name="item_metric_comparator_threshold_together",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:30]}"

    @property
    def requirement(self):
        """ "人均学习时长 ≥ 32 学时", or "" for an item attested with evidence."""
        if not self.metric:
            return ""
        return describe(self.metric, self.comparator, self.threshold)
