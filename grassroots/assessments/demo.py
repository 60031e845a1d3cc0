"""The assessments app's demo (`manage.py load_demo_city`): this year's assessments in
江北区, taken through the services by the demo users."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from grassroots.elections.demo import DEMO_CLERK, DEMO_DISTRICT, DEMO_REVIEWER
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

from . import services
from .choices import ItemStatus
from .compliance import compliance_for
from .models import Assessment
from .stored import measured_sets, recompute_all

DEMO_SEED = 20261123  # the demo inspection sample's seed, so that it can be checked again


def load_demo(stdout):
    """The assessment of the 江北区 community branch that stands best against its
    standard: self-assessed with evidence, reviewed, graded, its shortfalls turned into
    rectification tasks (one of them already closed); a second branch's self-assessment
    waiting for the district reviewer; and the district's inspection sample. Does nothing
    when the district's clerk has started an assessment already, or the city or the
    standards are not there."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[DEMO_CLERK, DEMO_REVIEWER])
    }
    district = Organization.objects.filter(name=DEMO_DISTRICT).first()
    if len(users) < 2 or district is None:
        return
    clerk, reviewer = users[DEMO_CLERK], users[DEMO_REVIEWER]
    if Assessment.objects.filter(started_by=clerk).exists():
        stdout.write("考核示范数据已加载，未做改动。")
        return
    with transaction.atomic():
        done = _demo_assessments(clerk, reviewer, district)
    if done is None:
        stdout.write("未找到江北区的社区党支部或社区党组织标准，未加载考核示范数据。")
        return
    reviewed, waiting, sample = done
    # The city's matrices read stored results from the start (decision 0037).
    stored = recompute_all(sample.year, measured_sets())
    stdout.write(
        f"已加载考核示范数据：{reviewed}（{reviewed.total}分，{reviewed.get_grade_display()}，"
        f"整改任务 {reviewed.org.rectification_tasks.count()} 项）、{waiting}"
        f"（待 {DEMO_REVIEWER} 审核）、"
        f"江北区{sample.year}年度抽查名单（{len(sample.drawn)} 个）、"
        f"达标情况存储结果 {stored} 条"
    )


def _demo_assessments(clerk, reviewer, district):
    year = timezone.localdate().year
    standard_set = StandardSet.objects.latest_published().filter(code="s000-community").first()
    branches = Organization.objects.active().filter(
        path__startswith=district.path, kind=OrgKind.BRANCH, category=Category.COMMUNITY
    )
    if standard_set is None or branches.count() < 2:
        return None
    # Best first: the fewest measurable items short of the standard.
    results = compliance_for(branches, standard_set, year)

    def shortfalls(pk):
        return sum(bool(r.item.metric) and r.status != ItemStatus.MET for r in results[pk])

    ranked = sorted(results, key=lambda pk: (shortfalls(pk), pk))
    found = Organization.objects.in_bulk(ranked[:2])
    best, second = found[ranked[0]], found[ranked[1]]

    reviewed = _self_assess(clerk, best, standard_set, year, short=1)
    reviewed = services.submit_assessment(clerk, reviewed)
    rows = list(reviewed.items.select_related("item"))
    scores = {r.pk: (r.suggested_score, "") for r in rows}
    # The reviewer takes half the points of one item met on paper whose record was thin.
    thin = next(r for r in rows if r.is_manual and r.self_status == ItemStatus.MET)
    scores[thin.pk] = (
        (thin.max_points / 2).quantize(Decimal("0.01")),
        "台账记录不完整，缺少活动照片",
    )
    services.review_items(reviewer, reviewed, scores)
    reviewed = services.complete_review(
        reviewer, reviewed, "组织生活基本规范，请对照差距清单按期整改。"
    )
    services.close_task(clerk, thin.task, follow_up="已补齐活动台账和照片，经支委会审核归档。")

    waiting = _self_assess(clerk, second, standard_set, year, short=2)
    waiting = services.submit_assessment(clerk, waiting)

    sample = services.draw_inspection_sample(
        reviewer, district, year, Decimal("0.1"), seed=DEMO_SEED
    )
    return reviewed, waiting, sample


def _self_assess(clerk, branch, standard_set, year, short):
    """Start the branch's self-assessment and attest its manual items: met with evidence,
    except the last `short` of them."""
    assessment = services.start_assessment(clerk, branch, standard_set, year)
    manual = [r for r in assessment.items.select_related("item") if r.is_manual]
    for i, row in enumerate(manual):
        met = i < len(manual) - short or row.item.veto
        services.update_self_assessment(
            clerk,
            row,
            self_status=ItemStatus.MET if met else ItemStatus.NOT_MET,
            evidence=f"见{branch.name}{year}年度工作台账第{i + 1}册" if met else "",
            self_comment="" if met else "本年度尚未开展，已列入下一年度计划",
        )
    return assessment
