import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.standards import services
from grassroots.standards.loader import load_standards

LIST_KEYS = {"code", "title", "source", "year", "categories", "items_count"}
ITEM_KEYS = {"code", "text", "metric", "comparator", "threshold"}


@pytest.fixture
def viewer(api, city):
    return api(Role.VIEWER, city["west_branch"])


def test_list_contract_latest_published_only(viewer, make_set, city, make_user):
    make_set(code="t-a", year=2020)
    make_set(code="t-a", version=2, year=2021, items=[("1.1", "新条目", None, None, None, False)])
    make_set(code="t-b", categories=["community", "organ"])
    admin = make_user(role=Role.ADMIN, org=city["east"])
    services.copy_set(
        admin,
        make_set(code="t-c"),
        code="t-draft",
        title="草稿",
        jurisdiction="东区",
        year=2025,
        owner=city["east"],
    )
    response = viewer.get("/api/v1/standards/")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert [row["code"] for row in body] == ["t-a", "t-b", "t-c"]  # no draft
    assert set(body[0]) >= LIST_KEYS
    assert (body[0]["year"], body[0]["items_count"], body[0]["version"]) == (2021, 1, 2)
    assert body[1]["categories"] == ["community", "organ"] and body[1]["items_count"] == 4


def test_list_filters(viewer, make_set):
    make_set(code="t-a", year=2020, categories=["village"])
    make_set(code="t-b", year=2021, categories=["community"], source="《另一文件》")
    codes = lambda query: [r["code"] for r in viewer.get(f"/api/v1/standards/?{query}").json()]  # noqa: E731
    assert codes("category=village") == ["t-a"]
    assert codes("year=2021") == ["t-b"]
    assert codes("source=《另一文件》") == ["t-b"]
    assert codes("year=abc") == ["t-a", "t-b"]


def test_detail_contract(viewer, make_set):
    make_set(code="t-a")
    body = viewer.get("/api/v1/standards/t-a/").json()
    assert {"code", "version", "jurisdiction", "truncated", "dimensions"} <= set(body)
    dimension = body["dimensions"][0]
    assert (dimension["code"], dimension["title"]) == ("1", "政治领导力强")
    items = dimension["items"]
    assert ITEM_KEYS | {"veto"} <= set(items[0])
    assert items[1] == {
        "code": "1.2",
        "text": "全年不少于32学时。",
        "metric": "study_hours_per_member",
        "comparator": ">=",
        "threshold": 32,
        "veto": False,
        "requirement": "人均学习时长 ≥ 32 学时",
    }
    assert items[2]["metric"] is None and items[2]["threshold"] is None
    assert items[3]["veto"] is True


def test_detail_versions_and_drafts(api, viewer, make_set, city):
    make_set(code="t-a")
    make_set(code="t-a", version=2, title="第二版")
    assert viewer.get("/api/v1/standards/t-a/").json()["version"] == 2
    assert viewer.get("/api/v1/standards/t-a/?version=1").json()["version"] == 1
    assert viewer.get("/api/v1/standards/t-a/?version=x").status_code == 404
    assert viewer.get("/api/v1/standards/t-zz/").status_code == 404
    draft = make_set(code="t-a", version=3, status="draft", owner=city["east"])
    assert viewer.get("/api/v1/standards/t-a/?version=3").status_code == 404
    admin = api(Role.ADMIN, city["east"])
    body = admin.get("/api/v1/standards/t-a/?version=3").json()
    assert (body["version"], body["status"]) == (draft.version, "draft")
    assert body["based_on"] is None


def test_reading_needs_an_account(make_set):
    make_set(code="t-a")
    assert APIClient().get("/api/v1/standards/").status_code in (401, 403)
    assert APIClient().get("/api/v1/standards/t-a/").status_code in (401, 403)


def test_the_loaded_data_through_the_api(viewer):
    load_standards()
    rows = {row["code"]: row for row in viewer.get("/api/v1/standards/").json()}
    assert rows["s000-village"]["items_count"] == 24
    assert rows["s000-village"]["categories"] == ["village"]
    body = viewer.get("/api/v1/standards/s000-village/").json()
    items = {i["code"]: i for d in body["dimensions"] for i in d["items"]}
    assert items["4.1.1"]["threshold"] == 200000 and items["4.1.1"]["comparator"] == ">"
    assert items["2.2.6"]["requirement"] == "民主评议党员参与率 ≥ 90%"
    assert body["jurisdiction"] == "成都市" and body["truncated"] is False
    assert viewer.get("/api/v1/standards/s001-community/").json()["truncated"] is True


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_fixed_queries_whatever_the_rows(viewer, make_set):
    items = [(f"1.{n}", f"条目{n}", None, None, None, False) for n in range(3)]
    make_set(code="t-0", items=items)
    small_list = count_queries(viewer, "/api/v1/standards/")
    small_detail = count_queries(viewer, "/api/v1/standards/t-0/")
    many = [(f"1.{n}", f"条目{n}", "theme_days", ">=", n, False) for n in range(40)]
    for n in range(1, 15):
        make_set(code=f"t-{n}", items=many)
        make_set(code=f"t-{n}", version=2, items=many)
    assert count_queries(viewer, "/api/v1/standards/") <= small_list
    assert count_queries(viewer, "/api/v1/standards/t-1/") <= small_detail
    assert small_detail <= 6
