"""API v1 of assessments, rectification tasks and inspection samples: the contract through
a whole assessment, the permission matrix (another subtree 404, the wrong role 403), state
errors as 400 naming the field, and list query counts that do not grow with the rows."""

import datetime

import pytest
from rest_framework.test import APIClient

from grassroots.assessments import services
from grassroots.assessments.models import Assessment, InspectionSample, RectificationTask
from grassroots.core.choices import Role

from .helpers import (
    PDF,
    TODAY,
    YEAR,
    build_set,
    many_assessments,
    rows_by_code,
    submitted,
    upload,
)

ASSESSMENT_KEYS = {
    "id",
    "org",
    "org_name",
    "year",
    "standard",
    "standard_version",
    "standard_title",
    "state",
    "total",
    "grade",
    "veto_failed",
    "submitted_at",
    "reviewed_at",
}
ITEM_KEYS = {
    "id",
    "code",
    "dimension",
    "dimension_title",
    "text",
    "metric",
    "comparator",
    "veto",
    "status",
    "value",
    "threshold",
    "explanation",
    "self_status",
    "outcome",
    "evidence",
    "evidence_name",
    "evidence_file",
    "self_comment",
    "max_points",
    "review_score",
    "review_comment",
    "task",
}


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clients(people):
    return {name: client_of(user) for name, user in people.items() if hasattr(user, "username")}


def test_a_whole_assessment_through_the_api(people, standard_set, clients):
    clerk, reviewer = clients["clerk"], clients["reviewer"]
    response = clerk.post(
        "/api/v1/assessments/",
        {"org": people["branch"].pk, "year": YEAR, "standard": "t-assess"},
        format="json",
    )
    assert response.status_code == 201, response.data
    data = response.json()
    assert set(data) >= ASSESSMENT_KEYS | {"items", "bands", "return_comment", "review_comment"}
    assert (data["state"], data["standard"], data["total"], data["grade"]) == (
        "draft",
        "t-assess",
        None,
        "",
    )
    items = {i["code"]: i for i in data["items"]}
    assert set(items["1.1"]) == ITEM_KEYS
    assert items["1.1"] | {"id": 0} == items["1.1"] | {
        "id": 0,
        "status": "met",
        "value": 3.0,
        "threshold": 3.0,
        "metric": "members_total",
        "comparator": ">=",
        "max_points": 25.0,
        "dimension": "1",
        "dimension_title": "政治领导力强",
    }
    assert (items["1.2"]["status"], items["1.2"]["value"]) == ("not_met", 0.0)
    assert (items["2.1"]["status"], items["2.1"]["metric"]) == ("manual", None)
    assert items["2.2"]["veto"] is True

    url = f"/api/v1/assessments/{data['id']}/"
    response = clerk.patch(
        f"{url}items/{items['2.1']['id']}/",
        {"self_status": "met", "evidence": "联系群众制度", "evidence_file": upload("a.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 200, response.data
    assert response.json()["evidence_name"] == "a.pdf"
    file_url = response.json()["evidence_file"]
    download = clerk.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    response = clerk.post(f"{url}submit/")
    assert response.status_code == 400
    assert response.json() == {"self_status": ["请对第 2.2 条作出自评（达标或未达标）"]}
    response = clerk.patch(
        f"{url}items/{items['2.2']['id']}/",
        {"self_status": "met", "evidence": "无违纪记录"},
        format="json",
    )
    assert response.json()["outcome"] == "met"
    assert clerk.post(f"{url}submit/").json()["state"] == "submitted"

    response = reviewer.post(f"{url}return/", {"comment": ""}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    response = reviewer.post(f"{url}return/", {"comment": "补充2.1的会议记录"}, format="json")
    assert response.json()["state"] == "returned"
    assert response.json()["return_comment"] == "补充2.1的会议记录"
    assert clerk.post(f"{url}submit/").json()["state"] == "resubmitted"

    scores = [
        {"item": items[c]["id"], "score": s, "comment": m}
        for c, s, m in [("1.1", 25, ""), ("1.2", "14.99", "学习时长不足"), ("2.1", 25, None)]
    ]
    response = reviewer.post(f"{url}review/", {"scores": scores}, format="json")
    assert response.status_code == 200, response.data
    assert {i["code"]: i["review_score"] for i in response.json()["items"]} == {
        "1.1": 25.0,
        "1.2": 14.99,
        "2.1": 25.0,
        "2.2": None,
    }
    response = reviewer.post(f"{url}complete/", {"comment": "好"}, format="json")
    assert response.status_code == 400
    assert "review_score" in response.json()
    reviewer.post(
        f"{url}review/", {"scores": [{"item": items["2.2"]["id"], "score": 25}]}, format="json"
    )
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    response = reviewer.post(
        f"{url}complete/", {"comment": "好", "deadline": deadline}, format="json"
    )
    assert response.status_code == 200, response.data
    done = response.json()
    assert (done["state"], done["total"], done["grade"], done["veto_failed"]) == (
        "reviewed",
        89.99,
        "good",
        False,
    )
    assert done["bands"] == {"excellent": 90.0, "good": 75.0, "fair": 60.0, "veto_cap": "poor"}
    assert done["reviewed_by"] == "east_reviewer"
    (gap,) = [i for i in done["items"] if i["task"]]
    assert gap["code"] == "1.2"

    tasks = clerk.get("/api/v1/rectification-tasks/", {"assessment": done["id"]}).json()
    assert tasks["count"] == 1
    task = tasks["results"][0]
    assert (task["item_code"], task["deadline"], task["status"], task["overdue"]) == (
        "1.2",
        deadline,
        "open",
        False,
    )
    assert task["owner"] == "east_clerk"
    task_url = f"/api/v1/rectification-tasks/{task['id']}/"
    response = reviewer.patch(task_url, {"status": "in_progress"}, format="json")
    assert response.json()["status"] == "in_progress"
    response = clerk.post(
        f"{task_url}close/",
        {"follow_up": "补学8学时", "follow_up_file": upload("签到表.png")},
        format="multipart",
    )
    assert response.status_code == 200, response.data
    closed = response.json()
    assert (closed["status"], closed["follow_up"], closed["closed_by"]) == (
        "done",
        "补学8学时",
        "east_clerk",
    )
    assert clerk.get(closed["follow_up_file"]).status_code == 200
    assert clerk.patch(task_url, {"follow_up": "x"}, format="json").status_code == 400


def test_create_errors_name_the_field(people, standard_set, clients):
    clerk = clients["clerk"]
    response = clerk.post(
        "/api/v1/assessments/",
        {"org": people["branch"].pk, "year": YEAR, "standard": "nope"},
        format="json",
    )
    assert response.status_code == 400
    assert "standard" in response.json()
    response = clerk.post(
        "/api/v1/assessments/",
        {"org": people["west_branch"].pk, "year": YEAR, "standard": "t-assess"},
        format="json",
    )
    assert response.status_code == 400
    assert "不存在或不在您的管辖范围内" in response.json()["org"][0]
    response = clients["clerk"].post(
        "/api/v1/assessments/",
        {"org": people["east"].pk, "year": YEAR, "standard": "t-assess"},
        format="json",
    )
    assert response.json() == {"org": ["只有基层党委、党总支和党支部参加考核"]}


@pytest.fixture
def under_review(people, standard_set):
    return submitted(people, standard_set)


@pytest.mark.parametrize(
    "client, method, path, body, status",
    [
        # reading: another subtree does not see it
        ("west_clerk", "get", "", None, 404),
        ("west_reviewer", "post", "return/", {"comment": "x"}, 404),
        ("clerk", "get", "", None, 200),
        ("branch_reviewer", "get", "", None, 200),
        # reviewing is for a reviewer of the level above
        ("clerk", "post", "return/", {"comment": "x"}, 403),
        ("clerk", "post", "complete/", {}, 403),
        ("branch_reviewer", "post", "return/", {"comment": "x"}, 403),
        ("branch_clerk", "post", "return/", {"comment": "x"}, 403),
        ("reviewer", "post", "return/", {"comment": "x"}, 200),
        ("admin", "post", "return/", {"comment": "x"}, 403),
        # the self-assessment is the clerk's
        ("reviewer", "post", "submit/", None, 403),
        ("reviewer", "patch", "items/{item}/", {"evidence": "x"}, 403),
        # the state decides what is possible
        ("clerk", "post", "submit/", None, 400),
        ("clerk", "patch", "items/{item}/", {"evidence": "x"}, 400),
    ],
)
def test_permission_matrix(people, under_review, clients, client, method, path, body, status):
    item = under_review.items.first().pk
    url = f"/api/v1/assessments/{under_review.pk}/{path.format(item=item)}"
    response = getattr(clients[client], method)(url, body, format="json")
    assert response.status_code == status, response.data
    if status == 400:
        assert "state" in response.json()


def test_review_by_a_reviewer_on_the_clerks_list(people, under_review, clients):
    scores = [{"item": under_review.items.first().pk, "score": 1}]
    url = f"/api/v1/assessments/{under_review.pk}/review/"
    response = clients["clerk"].post(url, {"scores": scores}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == services.NOT_REVIEWER
    response = clients["reviewer"].post(url, {"scores": [{"item": 0, "score": 1}]}, format="json")
    assert response.status_code == 400
    assert "items" in response.json()


@pytest.mark.parametrize(
    "comment, found", [("佐证\u202e不足", "U+202E"), ("佐证\x07不足", "U+0007")]
)
def test_review_comments_are_plain_text(under_review, clients, comment, found):
    """Review scores are saved in bulk: their comments get the check every save has, and
    a refused comment saves no score."""
    first, second = under_review.items.select_related("item").order_by("pk")[:2]
    url = f"/api/v1/assessments/{under_review.pk}/review/"
    scores = [
        {"item": first.pk, "score": 1, "comment": "较好"},
        {"item": second.pk, "score": 1, "comment": comment},
    ]
    response = clients["reviewer"].post(url, {"scores": scores}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["review_comment"]
    assert message.startswith(f"第 {second.item.code} 条审核意见") and found in message
    first.refresh_from_db()
    assert (first.review_score, first.review_comment) == (None, "")


def test_review_comments_may_hold_line_breaks(under_review, clients):
    row = under_review.items.first()
    url = f"/api/v1/assessments/{under_review.pk}/review/"
    scores = [{"item": row.pk, "score": 1, "comment": "一、较好\r\n二、\t待改进"}]
    assert clients["reviewer"].post(url, {"scores": scores}, format="json").status_code == 200
    row.refresh_from_db()
    assert row.review_comment == "一、较好\r\n二、\t待改进"


def test_viewers_cannot_start(people, standard_set, make_user):
    viewer = client_of(make_user(role=Role.VIEWER, org=people["east"]))
    response = viewer.post(
        "/api/v1/assessments/",
        {"org": people["branch"].pk, "year": YEAR, "standard": "t-assess"},
        format="json",
    )
    assert response.status_code == 403


def test_list_filters(people, standard_set, clients):
    services.start_assessment(people["clerk"], people["branch"], standard_set, YEAR, TODAY)
    services.start_assessment(
        people["clerk"], people["other_branch"], standard_set, YEAR - 1, TODAY
    )
    services.start_assessment(
        people["west_clerk"], people["west_branch"], standard_set, YEAR, TODAY
    )

    def ids(client, **params):
        return {
            row["org_name"] for row in client.get("/api/v1/assessments/", params).json()["results"]
        }

    assert ids(clients["clerk"]) == {"东区幸福社区党支部", "东区光明社区党支部"}
    assert ids(clients["clerk"], year=YEAR) == {"东区幸福社区党支部"}
    assert ids(clients["clerk"], org=people["other_branch"].pk) == {"东区光明社区党支部"}
    assert ids(clients["clerk"], ancestor=people["east"].pk) == {
        "东区幸福社区党支部",
        "东区光明社区党支部",
    }
    assert ids(clients["clerk"], ancestor=people["west"].pk) == set()
    assert ids(clients["clerk"], state="draft", year=YEAR - 1) == {"东区光明社区党支部"}
    assert ids(clients["clerk"], state="reviewed") == set()
    assert ids(clients["west_clerk"]) == {"西区和平村党支部"}


def test_task_permissions(people, under_review, clients):
    rows = rows_by_code(under_review)
    services.review_items(
        people["reviewer"], under_review, {r.pk: (r.suggested_score, "") for r in rows.values()}
    )
    services.complete_review(people["reviewer"], under_review, today=TODAY)
    task = RectificationTask.objects.get()
    url = f"/api/v1/rectification-tasks/{task.pk}/"
    assert clients["west_clerk"].get(url).status_code == 404
    assert clients["west_reviewer"].patch(url, {"follow_up": "x"}).status_code == 404
    assert clients["branch_reviewer"].patch(url, {"follow_up": "x"}).status_code == 403
    assert clients["reviewer"].post(f"{url}close/", {"follow_up": "x"}).status_code == 403
    response = clients["clerk"].patch(url, {"deadline": "2000-01-01"}, format="json")
    assert response.status_code == 400
    assert "deadline" in response.json()
    assert clients["clerk"].post("/api/v1/rectification-tasks/", {}).status_code == 405
    overdue = clients["clerk"].get("/api/v1/rectification-tasks/", {"overdue": "true"}).json()
    assert overdue["count"] == 0
    RectificationTask.objects.update(deadline=datetime.date(2020, 1, 1))
    overdue = clients["clerk"].get("/api/v1/rectification-tasks/", {"overdue": "true"}).json()
    assert [t["id"] for t in overdue["results"]] == [task.pk]
    assert overdue["results"][0]["overdue"] is True


def test_samples_through_the_api(people, make_org, clients):
    for i in range(9):
        make_org(f"东区第{i}党支部", people["east"])
    body = {"org": people["east"].pk, "year": YEAR, "share": "0.25", "seed": 42}
    response = clients["reviewer"].post("/api/v1/inspection-samples/", body, format="json")
    assert response.status_code == 201, response.data
    sample = response.json()
    assert set(sample) == {
        "id",
        "org",
        "org_name",
        "year",
        "share",
        "seed",
        "population_count",
        "drawn",
        "drawn_by",
        "created_at",
        "population",
        "drawn_orgs",
        "verified",
    }
    assert (sample["share"], sample["seed"], sample["population_count"]) == (0.25, 42, 12)
    assert len(sample["drawn"]) == 3
    assert [o["id"] for o in sample["drawn_orgs"]] == sample["drawn"]
    assert sample["verified"] is True
    again = clients["admin"].post("/api/v1/inspection-samples/", body, format="json").json()
    assert again["drawn"] == sample["drawn"]
    random_seed = clients["reviewer"].post(
        "/api/v1/inspection-samples/", body | {"seed": None}, format="json"
    )
    assert random_seed.status_code == 201
    assert isinstance(random_seed.json()["seed"], int)

    assert clients["clerk"].post("/api/v1/inspection-samples/", body).status_code == 403
    response = clients["west_reviewer"].post("/api/v1/inspection-samples/", body, format="json")
    assert response.status_code == 400
    assert "org" in response.json()
    response = clients["reviewer"].post(
        "/api/v1/inspection-samples/", body | {"share": "0"}, format="json"
    )
    assert response.json() == {"share": ["抽查比例应大于0且不超过100%"]}

    listed = clients["clerk"].get("/api/v1/inspection-samples/", {"year": YEAR}).json()
    assert listed["count"] == 3
    detail = clients["clerk"].get(f"/api/v1/inspection-samples/{sample['id']}/")
    assert detail.json()["drawn"] == sample["drawn"]
    assert (
        clients["west_clerk"].get(f"/api/v1/inspection-samples/{sample['id']}/").status_code == 404
    )


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, model",
    [
        ("/api/v1/assessments/", Assessment),
        ("/api/v1/rectification-tasks/", RectificationTask),
        ("/api/v1/inspection-samples/", InspectionSample),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    people, make_org, standard_set, django_assert_max_num_queries, path, model
):
    client = client_of(people["clerk"])
    many_assessments(people, make_org, standard_set, 2)
    with django_assert_max_num_queries(4) as small:
        assert client.get(path).json()["count"] == model.objects.count() >= 2
    many_assessments(people, make_org, standard_set, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).json()["count"] == model.objects.count() >= 10


def test_detail_queries_do_not_grow_with_items(people, standard_set, django_assert_max_num_queries):
    client = client_of(people["clerk"])
    small = services.start_assessment(people["clerk"], people["branch"], standard_set, YEAR, TODAY)
    items = [("1", f"1.{i}", f"条目{i}。", None, None, None, False) for i in range(1, 41)]
    large_set = build_set("t-large", items=items)
    large = services.start_assessment(
        people["clerk"], people["other_branch"], large_set, YEAR, TODAY
    )
    with django_assert_max_num_queries(6) as few:
        assert len(client.get(f"/api/v1/assessments/{small.pk}/").json()["items"]) == 4
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"/api/v1/assessments/{large.pk}/").json()["items"]) == 40
