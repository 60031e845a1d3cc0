"""Standards pages: everyone browses published sets with items verbatim and their
requirement in plain Chinese; administrators copy, edit a draft and publish; others get 403
on the admin pages and 404 on drafts; list and set pages take a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.choices import Role
from grassroots.standards import services
from grassroots.standards.choices import SetStatus
from grassroots.standards.models import Item, StandardSet


@pytest.fixture
def users(city, make_user):
    return {
        "admin": make_user(role=Role.ADMIN, org=city["east"]),
        "other_admin": make_user(role=Role.ADMIN, org=city["west"]),
        "viewer": make_user(role=Role.VIEWER, org=city["east_branch"]),
    }


def login(client, user):
    client.force_login(user)
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode() if status == 200 else response


def copy_draft(users, city, source):
    return services.copy_set(
        users["admin"],
        source,
        code="east-v",
        title="东区村标准",
        jurisdiction="东区",
        year=2025,
        owner=city["east"],
    )


def test_list_and_filters(client, users, make_set):
    make_set(code="t-a", title="村标准", year=2020, categories=["village"])
    make_set(code="t-b", title="社区标准", year=2021, categories=["community"])
    login(client, users["viewer"])
    html = page(client, "/standards/")
    assert "村标准" in html and "社区标准" in html
    html = page(client, "/standards/?category=community")
    assert "社区标准" in html and "村标准" not in html
    html = page(client, "/standards/?year=2020")
    assert "村标准" in html and "社区标准" not in html
    assert "标准库" in html  # the nav entry


def test_set_page_shows_items_verbatim_with_requirements(client, users, make_set):
    make_set(code="t-a")
    html = page(login(client, users["viewer"]), "/standards/t-a/")
    assert "全年不少于32学时。" in html
    assert "人均学习时长 ≥ 32 学时" in html
    assert "开展集中学习的月份数 ≥ 12 个月" in html
    assert html.count("需佐证材料") == 2
    assert "一票否决" in html
    assert "复制并改编" not in html and "修订" not in html  # a viewer only reads


def test_older_version_says_so(client, users, make_set):
    make_set(code="t-a")
    make_set(code="t-a", version=2)
    html = page(login(client, users["viewer"]), "/standards/t-a/v1/")
    assert "这是历史版本" in html and "第2版" in html


def test_drafts_are_hidden_from_others(client, users, make_set, city):
    draft = copy_draft(users, city, make_set())
    for who in ("viewer", "other_admin"):
        login(client, users[who])
        page(client, f"/standards/{draft.code}/", 404)
        page(client, f"/standards/{draft.code}/v1/", 404)
        assert "东区村标准" not in page(client, "/standards/")
    login(client, users["admin"])
    assert page(client, f"/standards/{draft.code}/", 302).url == f"/standards/{draft.code}/v1/"
    assert "东区村标准" in page(client, "/standards/")  # under 未发布的草稿


def test_admin_copies_edits_and_publishes(client, users, make_set, city):
    make_set(code="t-a")
    login(client, users["admin"])
    html = page(client, "/standards/t-a/")
    assert "复制并改编" in html and "修订" not in html  # a file's set: copy, not edit

    response = client.post(
        "/standards/t-a/v1/copy/",
        {
            "code": "east-v",
            "title": "东区村标准",
            "jurisdiction": "东区",
            "year": "2025",
            "owner": city["east"].pk,
            "note": "",
        },
    )
    assert response.status_code == 302 and response.url == "/standards/east-v/v1/"
    draft = StandardSet.objects.get(code="east-v")
    assert draft.status == SetStatus.DRAFT

    target = Item.objects.get(dimension__set=draft, code="1.2")
    response = client.post(
        f"/standard-items/{target.pk}/edit/",
        {
            "code": "1.2",
            "text": target.text,
            "metric": "study_hours_per_member",
            "comparator": ">=",
            "threshold": "40",
        },
    )
    assert response.status_code == 302
    html = page(client, "/standards/east-v/v1/")
    assert "人均学习时长 ≥ 40 学时" in html and "这是草稿" in html

    assert client.post("/standards/east-v/v1/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED
    html = page(client, "/standards/east-v/")
    assert "已发布" in html and "修订（建立新版本）" in html
    page(client, f"/standard-items/{target.pk}/edit/", 403)  # published: frozen

    assert client.post("/standards/east-v/v1/new-version/").url == "/standards/east-v/v2/"
    assert StandardSet.objects.get(code="east-v", version=2).is_draft


def test_item_form_shows_the_services_errors(client, users, make_set, city):
    draft = copy_draft(users, city, make_set())
    target = Item.objects.get(dimension__set=draft, code="1.3")
    login(client, users["admin"])
    response = client.post(
        f"/standard-items/{target.pk}/edit/",
        {"code": "1.3", "text": target.text, "metric": "study_hours_per_member"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "有指标的条目须填写标准值" in html and "请选择比较方式" in html
    target.refresh_from_db()
    assert target.metric is None


def test_admin_pages_are_refused_to_others(client, users, make_set, city):
    source = make_set(code="t-a")
    draft = copy_draft(users, city, source)
    target = Item.objects.get(dimension__set=draft, code="1.2")
    login(client, users["viewer"])
    page(client, "/standards/t-a/v1/copy/", 403)
    login(client, users["other_admin"])
    page(client, f"/standard-items/{target.pk}/edit/", 403)
    assert client.post(f"/standard-items/{target.pk}/remove/").status_code == 403
    assert client.post("/standards/t-a/v1/new-version/").status_code == 403
    assert Item.objects.filter(pk=target.pk).exists()


def test_add_and_remove_items_and_dimensions(client, users, make_set, city):
    draft = copy_draft(users, city, make_set())
    login(client, users["admin"])
    response = client.post(
        "/standards/east-v/v1/dimensions/new/", {"code": "2", "title": "思想引领力强"}
    )
    assert response.status_code == 302
    dimension = draft.dimensions.get(code="2")
    response = client.post(
        f"/standard-dimensions/{dimension.pk}/items/new/",
        {
            "code": "2.1",
            "text": "每年组织开展各类群众性文化体育活动不少于4次。",
            "metric": "cultural_activities",
            "comparator": ">=",
            "threshold": "4",
            "veto": "",
        },
    )
    added = Item.objects.get(dimension=dimension)
    assert response.url.endswith(f"#item-{added.pk}")
    client.post(f"/standard-items/{added.pk}/remove/")
    client.post(f"/standard-dimensions/{dimension.pk}/remove/")
    assert not draft.dimensions.filter(code="2").exists()


def test_versions_page_shows_what_changed(client, users, make_set, city):
    make_set(code="t-a")
    draft = copy_draft(users, city, StandardSet.objects.get(code="t-a"))
    services.update_item(
        users["admin"], Item.objects.get(dimension__set=draft, code="1.2"), threshold=40
    )
    services.publish_set(users["admin"], draft)
    v2 = services.new_version(users["admin"], draft)
    services.remove_item(users["admin"], Item.objects.get(dimension__set=v2, code="1.3"))
    login(client, users["admin"])
    html = page(client, "/standards/east-v/versions/")
    assert "第1版" in html and "第2版" in html
    assert "人均学习时长 ≥ 32 学时" in html and "人均学习时长 ≥ 40 学时" in html
    assert "删除" in html and "1.3" in html
    assert f"{users['admin'].username} · 建立草稿" in html
    assert f"{users['admin'].username} · 发布" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_take_fixed_queries(client, users, make_set, city):
    make_set(code="t-a")
    login(client, users["admin"])
    urls = ["/standards/", "/standards/t-a/", "/standards/t-a/versions/"]
    small = [count_queries(client, url) for url in urls]
    many = [(f"1.{n}", f"条目{n}", "theme_days", ">=", n, n % 2 == 0) for n in range(40)]
    for n in range(2, 12):
        make_set(code="t-a", version=n, items=many)
        make_set(code=f"t-{n}", items=many)
    for small_count, url in zip(small, urls, strict=True):
        assert count_queries(client, url) <= small_count, url
