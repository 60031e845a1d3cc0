"""API v1 Excel endpoints and the 导入导出 page."""

import io

import pytest
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.orgs.models import Member, Organization

from .workbooks import MEMBER_HEADER, member_file, member_row, org_file, org_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, url, file):
    file.name = "导入.xlsx"
    return client.post(url, {"file": file}, format="multipart")


# --- API -----------------------------------------------------------------------------------------


def test_member_import_created(api, city):
    clerk = api(Role.CLERK, city["east"])
    rows = [member_row(city["east_branch"], n) for n in (1, 2)]
    response = upload(clerk, "/api/v1/members/import/", member_file(rows))
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2}
    assert Member.objects.filter(org=city["east_branch"]).count() == 2


def test_member_import_errors(api, city):
    clerk = api(Role.CLERK, city["east"])
    rows = [member_row(city["east_branch"], 1), member_row(city["east_branch"], 2, 性别="X")]
    response = upload(clerk, "/api/v1/members/import/", member_file(rows, MEMBER_HEADER))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"row": 3, "column": "性别", "letter": "C", "message": "“X”不是可选值，应为：男、女"}
        ]
    }
    assert not Member.objects.exists()


def test_import_outside_the_subtree_is_refused(api, city):
    west_clerk = api(Role.CLERK, city["west"])
    response = upload(
        west_clerk, "/api/v1/members/import/", member_file([member_row(city["east_branch"], 1)])
    )
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "所在党组织")]
    response = upload(
        west_clerk, "/api/v1/orgs/import/", org_file([org_row("越界支部", city["east"].pk)])
    )
    assert response.status_code == 400
    assert [(e["row"], e["letter"]) for e in response.json()["errors"]] == [(2, "E")]
    assert not Organization.objects.filter(name="越界支部").exists()


def test_import_needs_the_edit_permission_and_a_file(api, city):
    viewer = api(Role.VIEWER, city["root"])
    response = upload(viewer, "/api/v1/orgs/import/", org_file([org_row("甲", city["east"].pk)]))
    assert response.status_code == 403
    clerk = api(Role.CLERK, city["east"])
    missing = clerk.post("/api/v1/orgs/import/", {}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["row"] is None


def test_org_import_created(api, city):
    clerk = api(Role.CLERK, city["east"])
    rows = [
        org_row("接口新建党委", city["east"].pk, 组织类型="基层党委"),
        org_row("接口新建支部", "接口新建党委"),
    ]
    response = upload(clerk, "/api/v1/orgs/import/", org_file(rows))
    assert (response.status_code, response.json()) == (201, {"created": 2})


@pytest.mark.parametrize("kind", ["orgs", "members"])
def test_exports(api, city, make_member, kind):
    make_member(city["east_branch"])
    make_member(city["west_branch"])
    clerk = api(Role.CLERK, city["east"])
    response = clerk.get(f"/api/v1/{kind}/export/", {"ancestor": city["east"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert len(rows) == (3 if kind == "orgs" else 2)  # header + what the east clerk sees
    assert clerk.get(f"/api/v1/{kind}/export/", {"ancestor": city["west"].pk}).status_code == 404
    everything = clerk.get(f"/api/v1/{kind}/export/", HTTP_ACCEPT=XLSX)
    assert everything.status_code == 200
    for wrong in (0, "1" * 30, "x"):
        assert clerk.get(f"/api/v1/{kind}/export/", {"ancestor": wrong}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/orgs/import/"),
        ("post", "/api/v1/members/import/"),
        ("get", "/api/v1/orgs/export/"),
        ("get", "/api/v1/members/export/"),
    ],
)
def test_login_required(method, url):
    from rest_framework.test import APIClient

    assert getattr(APIClient(), method)(url).status_code in (401, 403)


def test_documented_in_the_schema(api):
    schema = api(superuser=True).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/orgs/import/", "/api/v1/members/import/"):
        operation = schema["paths"][path]["post"]
        assert "multipart/form-data" in operation["requestBody"]["content"]
        assert {"201", "400"} <= set(operation["responses"])
    for path in ("/api/v1/orgs/export/", "/api/v1/members/export/"):
        operation = schema["paths"][path]["get"]
        assert XLSX in operation["responses"]["200"]["content"]
        assert [p["name"] for p in operation["parameters"]] == ["ancestor"]


# --- pages ---------------------------------------------------------------------------------------


def test_page_for_a_clerk(client, make_user, city):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    page = client.get("/excel/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "上传并导入" in html
    assert f"/excel/export/members.xlsx?ancestor={city['east'].pk}" in html
    for kind in ("orgs", "members"):
        template = client.get(f"/excel/templates/{kind}.xlsx")
        assert template.status_code == 200 and template["Content-Type"] == XLSX
    assert client.get("/excel/templates/other.xlsx").status_code == 404


def test_page_upload_shows_errors_then_success(client, make_user, city):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    bad = member_file([member_row(city["east_branch"], 1, 联系电话="12345")], MEMBER_HEADER)
    bad.name = "党员.xlsx"
    page = client.post("/excel/", {"kind": "members", "members-file": bad})
    assert page.status_code == 400
    html = page.content.decode()
    assert "没有导入任何数据" in html and "第2行" in html and "N列（联系电话）" in html
    good = member_file([member_row(city["east_branch"], 1)], MEMBER_HEADER)
    good.name = "党员.xlsx"
    done = client.post("/excel/", {"kind": "members", "members-file": good}, follow=True)
    assert "导入成功：新建党员1名" in done.content.decode()
    assert Member.objects.count() == 1


def test_page_for_a_viewer(client, make_user, city):
    client.force_login(make_user(role=Role.VIEWER, org=city["east"]))
    assert "上传并导入" not in client.get("/excel/").content.decode()
    file = org_file([org_row("甲支部", city["east"].pk)])
    file.name = "组织.xlsx"
    assert client.post("/excel/", {"kind": "orgs", "orgs-file": file}).status_code == 403
    assert client.get("/excel/export/members.xlsx").status_code == 200


def test_page_upload_without_a_file_or_kind(client, make_user, city):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    page = client.post("/excel/", {"kind": "orgs"})
    assert page.status_code == 200
    assert 'data-error-for="file"' in page.content.decode()
    assert client.post("/excel/", {"kind": "users"}).status_code == 404
    assert client.post("/excel/", {}).status_code == 404
