"""The assessment pages: start, self-assess with a file, submit, review (save, return,
complete), the gap list, the rectification list (overdue in red) and task page, the
inspection sample; scoping (another subtree 404, the wrong role 403) and list queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from grassroots.assessments import services
from grassroots.assessments.choices import AssessmentState, TaskStatus
from grassroots.assessments.models import (
    Assessment,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)

from .helpers import (
    PDF,
    TODAY,
    YEAR,
    many_assessments,
    rows_by_code,
    submitted,
    upload,
)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    return response.content.decode()


def test_clerk_starts_and_self_assesses(people, standard_set):
    clerk = client_of(people["clerk"])
    page = clerk.get(f"/assessments/new/?org={people['branch'].pk}")
    assert page.status_code == 200
    assert "测试考核标准 t-assess" in text_of(page)
    response = clerk.post(
        f"/assessments/new/?org={people['branch'].pk}",
        {"org": people["branch"].pk, "year": YEAR, "standard_set": standard_set.pk},
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/assessments/{assessment.pk}/"

    page = text_of(clerk.get(response.url))
    assert "提交审核" in page
    assert "请对第 2.1、2.2 条作出自评" in page
    assert "人均学习时长 ≥ 32 学时" in page

    rows = rows_by_code(assessment)
    row = rows["2.1"]
    prefix = f"item-{row.pk}"
    response = clerk.post(
        f"/assessments/items/{row.pk}/",
        {
            f"{prefix}-self_status": "met",
            f"{prefix}-evidence": "联系群众制度",
            f"{prefix}-evidence_file": upload("制度.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{row.pk}")
    row.refresh_from_db()
    assert (row.self_status, row.evidence_name) == ("met", "制度.pdf")
    download = clerk.get(f"/assessments/items/{row.pk}/evidence/")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"

    bad = rows["2.2"]
    response = clerk.post(
        f"/assessments/items/{bad.pk}/",
        {f"item-{bad.pk}-self_status": "met", f"item-{bad.pk}-evidence_file": upload("a.png", PDF)},
    )
    assert response.status_code == 200
    assert "文件内容不是 PNG 格式" in text_of(response)

    clerk.post(
        f"/assessments/items/{bad.pk}/",
        {f"item-{bad.pk}-self_status": "met", f"item-{bad.pk}-evidence": "无"},
    )
    response = clerk.post(f"/assessments/{assessment.pk}/act/", {"action": "submit"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED


def test_the_reviewer_scores_returns_and_completes(people, standard_set):
    assessment = submitted(people, standard_set)
    reviewer = client_of(people["reviewer"])
    assert (
        client_of(people["clerk"]).get(f"/assessments/{assessment.pk}/review/").status_code == 403
    )
    page = reviewer.get(f"/assessments/{assessment.pk}/review/")
    assert page.status_code == 200
    rows = rows_by_code(assessment)
    body = text_of(page)
    assert f'name="score-{rows["1.1"].pk}" value="25"' in body  # met: full marks suggested
    assert f'name="score-{rows["1.2"].pk}" value="0"' in body

    scores = {f"score-{r.pk}": str(r.suggested_score) for r in rows.values()}
    scores[f"score-{rows['1.2'].pk}"] = "30"
    response = reviewer.post(f"/assessments/{assessment.pk}/review/", {**scores, "action": "save"})
    assert response.status_code == 200
    assert "第 1.2 条得分应在0到25分之间" in text_of(response)
    assert 'value="30"' in text_of(response)  # what was typed stays

    response = reviewer.post(f"/assessments/{assessment.pk}/review/", {"action": "return"})
    assert "请填写退回理由" in text_of(response)
    response = reviewer.post(
        f"/assessments/{assessment.pk}/review/", {"action": "return", "comment": "补充材料"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RETURNED
    page = text_of(client_of(people["clerk"]).get(f"/assessments/{assessment.pk}/"))
    assert "退回理由：" in page and "补充材料" in page and "重新提交审核" in page

    assessment = services.submit_assessment(people["clerk"], assessment, TODAY)
    scores[f"score-{rows['1.2'].pk}"] = "14.99"
    response = reviewer.post(
        f"/assessments/{assessment.pk}/review/",
        {**scores, "action": "complete", "comment": "基本达标"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.total, assessment.grade) == (
        "reviewed",
        Decimal("89.99"),
        "good",
    )

    page = text_of(reviewer.get(f"/assessments/{assessment.pk}/"))
    assert "差距清单（1项）" in page
    timeline = page[page.index('id="timeline"') :]
    steps = ["完成评定", "重新提交审核", "退回修改", "提交审核", "发起自评"]
    positions = [timeline.index(f"<strong>{step}</strong>") for step in steps]
    assert positions == sorted(positions)  # newest first
    assert 'data-grade="good"' in page
    assert reviewer.get(f"/assessments/{assessment.pk}/review/").status_code == 302


def test_rectification_pages(people, standard_set):
    assessment = submitted(people, standard_set)
    rows = rows_by_code(assessment)
    services.review_items(
        people["reviewer"], assessment, {r.pk: (r.suggested_score, "") for r in rows.values()}
    )
    services.complete_review(people["reviewer"], assessment, today=TODAY)
    task = RectificationTask.objects.get()
    clerk = client_of(people["clerk"])
    page = text_of(clerk.get("/rectification/"))
    assert f'data-task="{task.pk}"' in page
    assert "data-overdue" not in page
    RectificationTask.objects.update(deadline=datetime.date(2020, 1, 1))
    page = text_of(clerk.get("/rectification/?status=overdue"))
    assert 'class="table-danger" data-overdue' in page
    assert "已逾期 1" in page

    url = f"/rectification/{task.pk}/"
    response = clerk.post(url, {"action": "close"})
    assert "请填写整改情况或上传整改材料" in text_of(response)
    response = clerk.post(
        url,
        {
            "action": "close",
            "follow_up": "补学8学时",
            "follow_up_on": TODAY.isoformat(),
            "follow_up_file": upload("签到表.png"),
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert clerk.get(f"/rectification/{task.pk}/file/")["Content-Type"] == "image/png"
    assert "data-overdue" not in text_of(clerk.get("/rectification/?status=all"))
    assert client_of(people["west_clerk"]).get(url).status_code == 404
    assert client_of(people["reviewer"]).post(url, {"action": "close"}).status_code == 403


def test_the_sample_page_draws_and_redraws(people, make_org):
    for i in range(9):
        make_org(f"东区第{i}党支部", people["east"])
    reviewer = client_of(people["reviewer"])
    form = {"org": people["east"].pk, "year": YEAR, "percent": "25", "seed": "42"}
    response = reviewer.post("/inspection/", form)
    assert response.status_code == 302
    first = InspectionSample.objects.get()
    assert (first.share, first.seed, len(first.drawn)) == (Decimal("0.25"), 42, 3)
    page = text_of(reviewer.get(response.url))
    assert "复核通过" in page and "用相同种子重新抽取" in page
    response = reviewer.post("/inspection/", form)  # what the redraw button posts
    second = InspectionSample.objects.exclude(pk=first.pk).get()
    assert second.drawn == first.drawn
    assert "用同一种子的抽取</a>结果相同" in text_of(reviewer.get(response.url))
    clerk = client_of(people["clerk"])
    assert "draw-form" not in text_of(clerk.get("/inspection/"))
    assert clerk.post("/inspection/", form).status_code == 200  # refused next to the field
    assert InspectionSample.objects.count() == 2
    assert client_of(people["west_clerk"]).get(f"/inspection/{first.pk}/").status_code == 404


def test_scoping_of_the_assessment_pages(people, standard_set):
    assessment = submitted(people, standard_set)
    row = assessment.items.first()
    west = client_of(people["west_clerk"])
    for url in (
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/review/",
        f"/assessments/items/{row.pk}/evidence/",
    ):
        assert west.get(url).status_code == 404
    assert "东区幸福社区党支部" not in text_of(west.get("/assessments/"))
    reviewer = client_of(people["reviewer"])
    page = text_of(reviewer.get("/assessments/?state=mine"))
    assert f'data-assessment="{assessment.pk}"' in page
    assert 'id="queue-link"' in page
    branch_reviewer = client_of(people["branch_reviewer"])
    assert 'id="queue-link"' not in text_of(branch_reviewer.get("/assessments/"))
    page = text_of(branch_reviewer.get("/assessments/?state=mine"))
    assert f'data-assessment="{assessment.pk}"' not in page


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/",
        "/rectification/?status=all",
        "/inspection/",
        "/assessments/?format=xlsx",
        "/rectification/?status=all&format=xlsx",
        "/inspection/?format=xlsx",
    ],
)
def test_page_lists_do_not_grow_with_rows(
    people, make_org, standard_set, django_assert_max_num_queries, path
):
    client = client_of(people["clerk"])
    many_assessments(people, make_org, standard_set, 2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    many_assessments(people, make_org, standard_set, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_task_page_changes_owner_and_deadline(people, standard_set):
    assessment = submitted(people, standard_set)
    rows = rows_by_code(assessment)
    services.review_items(
        people["reviewer"], assessment, {r.pk: (r.suggested_score, "") for r in rows.values()}
    )
    services.complete_review(people["reviewer"], assessment, today=TODAY)
    task = RectificationTask.objects.get()
    url = f"/rectification/{task.pk}/"
    form = {
        "action": "update",
        "description": task.description,
        "owner_name": "east_clerk",  # the user as shown: unchanged
        "deadline": (TODAY + datetime.timedelta(days=90)).isoformat(),
        "status": TaskStatus.IN_PROGRESS,
        "follow_up": "已安排补学",
    }
    reviewer = client_of(people["reviewer"])
    assert reviewer.post(url, form).status_code == 302
    task.refresh_from_db()
    assert (task.owner_user, task.owner_name, task.status) == (
        people["clerk"],
        "",
        TaskStatus.IN_PROGRESS,
    )
    assert reviewer.post(url, form | {"owner_name": "李秀英"}).status_code == 302
    task.refresh_from_db()
    assert (task.owner_user, task.owner) == (None, "李秀英")
    response = reviewer.post(url, form | {"owner_name": ""})
    assert "请填写责任人" in text_of(response)
    history = text_of(reviewer.get(url))
    assert "修改记录" in history and "李秀英" in history


def test_an_administrator_sets_the_bands(people, standard_set):
    admin = client_of(people["admin"])
    form = {
        "org": people["east"].pk,
        "year": "",
        "excellent": "95",
        "good": "80",
        "fair": "60",
        "veto_cap": "fair",
        "note": "东区从严",
    }
    assert admin.post("/assessments/policies/", form | {"good": "96"}).status_code == 200
    assert admin.post("/assessments/policies/", form).status_code == 302
    policy = GradingPolicy.objects.get()
    assert (policy.org, policy.year, policy.excellent, policy.veto_cap) == (
        people["east"],
        None,
        95,
        "fair",
    )
    assert services.bands_for(people["branch"], YEAR).excellent == 95
    clerk = client_of(people["clerk"])
    page = text_of(clerk.get("/assessments/policies/"))
    assert "policy-form" not in page and "东区从严" in page
    assert clerk.post("/assessments/policies/", form).status_code == 403
    assert "东区从严" not in text_of(client_of(people["west_clerk"]).get("/assessments/policies/"))


def test_the_lists_export_what_they_show(people, make_org, standard_set):
    many_assessments(people, make_org, standard_set, 3)
    clerk = client_of(people["clerk"])
    page = text_of(clerk.get("/assessments/"))
    assert "format=xlsx" in page and "data-print" in page
    sheet = load_workbook(io.BytesIO(clerk.get("/assessments/?format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("年度", "党组织", "考核标准", "状态")
    assert len(rows) - 1 == page.count("data-assessment=") > 0
    west = client_of(people["west_clerk"])
    sheet = load_workbook(io.BytesIO(west.get("/assessments/?format=xlsx").content)).active
    assert sheet.max_row == 1  # the header only: another subtree's assessments are not shown
    tasks = load_workbook(io.BytesIO(clerk.get("/rectification/?format=xlsx").content)).active
    assert next(tasks.iter_rows(values_only=True))[0] == "整改期限"
