"""The assessment tests' year, day, standard set and uploads, and assessments taken through
the services to a state."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.assessments import services
from grassroots.assessments.choices import ItemStatus
from grassroots.standards.choices import SetStatus
from grassroots.standards.tests.factories import (
    DimensionFactory,
    ItemFactory,
    StandardSetFactory,
)

YEAR = 2026
TODAY = datetime.date(2026, 11, 23)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64

# (dimension, code, text, metric, comparator, threshold, veto)
ITEMS = [
    ("1", "1.1", "党员人数不少于3名。", "members_total", ">=", 3, False),
    ("1", "1.2", "党员每年学习不少于32学时。", "study_hours_per_member", ">=", 32, False),
    ("2", "2.1", "建立党员联系服务群众制度。", None, None, None, False),
    ("2", "2.2", "无违纪违法行为发生。", None, None, None, True),
]
DIMENSIONS = {"1": "政治领导力强", "2": "群众组织力强"}


def upload(name="证明.png", content=PNG):
    return SimpleUploadedFile(name, content)


def build_set(code="t-assess", items=ITEMS, status=SetStatus.PUBLISHED, year=2020):
    standard_set = StandardSetFactory(
        code=code,
        title=f"测试考核标准 {code}",
        year=year,
        categories=["community"],
        status=status,
    )
    dimensions = {}
    for order, (dim, code_, text, metric, comparator, threshold, veto) in enumerate(items):
        if dim not in dimensions:
            dimensions[dim] = DimensionFactory(
                set=standard_set, code=dim, title=DIMENSIONS.get(dim, dim), order=len(dimensions)
            )
        ItemFactory(
            dimension=dimensions[dim],
            code=code_,
            text=text,
            metric=metric,
            comparator=comparator,
            threshold=threshold,
            veto=veto,
            order=order,
        )
    return standard_set


def attest(clerk, assessment, veto_met=True):
    """Attest the manual items: met with evidence (the veto item as told)."""
    for row in assessment.items.select_related("item").order_by("position"):
        if row.is_manual:
            met = veto_met or not row.item.veto
            services.update_self_assessment(
                clerk,
                row,
                self_status=ItemStatus.MET if met else ItemStatus.NOT_MET,
                evidence="见台账" if met else "",
            )
    return assessment


def submitted(people, standard_set, veto_met=True):
    """The east branch's assessment, attested and submitted."""
    assessment = services.start_assessment(
        people["clerk"], people["branch"], standard_set, YEAR, TODAY
    )
    attest(people["clerk"], assessment, veto_met)
    return services.submit_assessment(people["clerk"], assessment, TODAY)


def rows_by_code(assessment):
    return {r.item.code: r for r in assessment.items.select_related("item")}


def many_assessments(people, make_org, standard_set, count):
    """`count` branches in the east, each with a reviewed assessment and its tasks."""
    for i in range(count):
        branch = make_org(f"东区批量第{i}党支部", people["east"])
        assessment = services.start_assessment(people["clerk"], branch, standard_set, YEAR, TODAY)
        attest(people["clerk"], assessment)
        assessment = services.submit_assessment(people["clerk"], assessment, TODAY)
        rows = assessment.items.select_related("item")
        services.review_items(
            people["reviewer"], assessment, {r.pk: (r.suggested_score, "") for r in rows}
        )
        services.complete_review(people["reviewer"], assessment, today=TODAY)
        services.draw_inspection_sample(people["reviewer"], people["east"], YEAR, "0.5", i, TODAY)
