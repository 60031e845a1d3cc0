"""API v1 of organisational life: the meetings contract, who sees and changes what (another
subtree gets nothing), secretary reports, yearly facts, attachments, the Excel import, and
lists in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.tests.helpers import token_client
from grassroots.orglife import services
from grassroots.orglife.choices import FactKind, MeetingType
from grassroots.orglife.models import Meeting, SecretaryReport

from .helpers import DAY, D, meeting_file

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MEETING_FIELDS = {
    "id",
    "org",
    "type",
    "date",
    "topic",
    "place",
    "host",
    "lecturer",
    "lecturer_name",
    "hours",
    "minutes",
    "attendees",
    "absentees",
    "attachments",
    "is_cancelled",
    "cancelled_at",
    "cancel_reason",
}


@pytest.fixture
def clerk(scene):
    return token_client(scene["clerk"])


def payload(scene, **changes):
    members = scene["members"]
    data = {
        "org": scene["east_branch"].pk,
        "type": "general_meeting",
        "date": DAY.isoformat(),
        "topic": "研究本月组织生活安排",
        "hours": 1.5,
        "attendees": [m.pk for m in members[:3]],
    }
    data.update(changes)
    return data


def add_meeting(scene, org=None, user=None, **changes):
    fields = {
        "org": org or scene["east_branch"],
        "type": MeetingType.STUDY,
        "date": DAY,
        "topic": "集中学习",
        "hours": Decimal(2),
        "attendees": [m.pk for m in scene["members"]],
    }
    fields.update(changes)
    return services.record_meeting(user or scene["clerk"], **fields)


# --- the meetings contract ---------------------------------------------------------------------


def test_post_a_meeting_as_the_contract_says(scene, clerk):
    response = clerk.post("/api/v1/meetings/", payload(scene), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == MEETING_FIELDS
    members = scene["members"]
    assert body["attendees"] == sorted(m.pk for m in members[:3])
    assert body["absentees"] == []
    assert body["hours"] == 1.5
    assert (body["type"], body["date"], body["is_cancelled"]) == (
        "general_meeting",
        "2025-03-12",
        False,
    )
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.created_by == scene["clerk"]
    assert meeting.attendances.filter(present=True).count() == 3


def test_post_with_absentees_and_their_reasons(scene, clerk):
    absent = scene["members"][3]
    data = payload(scene, absentees=[{"member": absent.pk, "reason": "外出务工"}])
    body = clerk.post("/api/v1/meetings/", data, format="json").json()
    assert body["absentees"] == [{"member": absent.pk, "reason": "外出务工"}]


def test_attendees_outside_the_organisation_are_400_under_attendees(scene, clerk):
    data = payload(scene, attendees=[scene["members"][0].pk, scene["outsider"].pk])
    response = clerk.post("/api/v1/meetings/", data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["attendees"]
    assert str(scene["outsider"].pk) in response.json()["attendees"][0]
    # A member id that does not exist reads the same: nothing is revealed.
    response = clerk.post("/api/v1/meetings/", payload(scene, attendees=[999999]), format="json")
    assert list(response.json()) == ["attendees"]
    assert not Meeting.objects.exists()


def test_absentees_without_a_reason_are_400_under_absentees(scene, clerk):
    data = payload(scene, absentees=[{"member": scene["members"][3].pk, "reason": ""}])
    response = clerk.post("/api/v1/meetings/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"absentees": ["请填写每位缺席党员的缺席原因"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": 24.5}, "hours"),
        ({"hours": -1}, "hours"),
        ({"type": "party"}, "type"),
        ({"topic": ""}, "topic"),
        ({"date": "2999-01-01"}, "date"),
        ({"type": "party_lecture"}, "lecturer"),
    ],
)
def test_invalid_meetings_are_400_under_their_field(scene, clerk, changes, field):
    response = clerk.post("/api/v1/meetings/", payload(scene, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_another_subtree_is_refused_and_its_meetings_are_404(scene):
    west = token_client(scene["west_clerk"])
    response = west.post("/api/v1/meetings/", payload(scene), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["org"]
    meeting = add_meeting(scene)
    assert west.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert west.patch(f"/api/v1/meetings/{meeting.pk}/", {"topic": "改"}).status_code == 404
    assert west.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert west.get("/api/v1/meetings/").json()["count"] == 0
    by_org = west.get("/api/v1/meetings/", {"ancestor": scene["east"].pk, "org": meeting.org_id})
    assert by_org.json()["count"] == 0


def test_a_viewer_reads_but_may_not_change(scene):
    meeting = add_meeting(scene)
    viewer = token_client(scene["viewer"])
    assert viewer.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert viewer.post("/api/v1/meetings/", payload(scene), format="json").status_code == 403
    assert viewer.patch(f"/api/v1/meetings/{meeting.pk}/", {"topic": "改"}).status_code == 403
    assert APIClient().get("/api/v1/meetings/").status_code == 401


def test_patch_fields_and_attendance(scene, clerk):
    meeting = add_meeting(scene)
    members = scene["members"]
    url = f"/api/v1/meetings/{meeting.pk}/"
    response = clerk.patch(url, {"topic": "集中学习党章", "hours": 3}, format="json")
    assert response.status_code == 200
    assert (response.json()["topic"], response.json()["hours"]) == ("集中学习党章", 3.0)
    # Naming an absentee moves that member from present to absent.
    data = {"absentees": [{"member": members[1].pk, "reason": "因病请假"}]}
    body = clerk.patch(url, data, format="json").json()
    assert body["absentees"] == [{"member": members[1].pk, "reason": "因病请假"}]
    assert members[1].pk not in body["attendees"] and len(body["attendees"]) == 3
    # Naming an attendee moves the member back.
    body = clerk.patch(url, {"attendees": [members[1].pk]}, format="json").json()
    assert body["absentees"] == [] and len(body["attendees"]) == 4
    response = clerk.patch(url, {"org": scene["west_branch"].pk}, format="json")
    assert response.status_code == 400


def test_cancel_hides_from_the_list_but_not_from_its_own_url(scene, clerk):
    meeting = add_meeting(scene)
    url = f"/api/v1/meetings/{meeting.pk}/"
    assert clerk.post(url + "cancel/", {"reason": ""}).status_code == 400
    body = clerk.post(url + "cancel/", {"reason": "重复登记"}).json()
    assert body["is_cancelled"] and body["cancel_reason"] == "重复登记"
    assert clerk.get("/api/v1/meetings/").json()["count"] == 0
    assert clerk.get("/api/v1/meetings/", {"include_cancelled": "true"}).json()["count"] == 1
    assert clerk.get(url).status_code == 200
    assert clerk.patch(url, {"topic": "改"}).status_code == 400


def test_list_filters(scene, clerk, make_org):
    other_branch = make_org("东区第二党支部", scene["east"])
    add_meeting(scene)
    add_meeting(scene, type=MeetingType.THEME_DAY, date=datetime.date(2024, 12, 20))
    add_meeting(scene, org=scene["group"], attendees=[scene["in_group"].pk])
    add_meeting(scene, org=other_branch, attendees=[])

    def count(**params):
        return clerk.get("/api/v1/meetings/", params).json()["count"]

    assert count() == 4
    assert count(org=scene["east_branch"].pk) == 2
    assert count(ancestor=scene["east_branch"].pk) == 3
    assert count(ancestor=scene["east"].pk) == 4
    assert count(type="theme_day") == 1
    assert count(year=2025) == 3
    assert count(year=2024) == 1
    assert clerk.get("/api/v1/meetings/", {"type": "party"}).status_code == 400


def test_attachments_upload_and_download(scene, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    url = f"/api/v1/meetings/{meeting.pk}/attachments/"
    bad = clerk.post(url, {"file": SimpleUploadedFile("a.png", b"MZ" + b"\0" * 30)})
    assert bad.status_code == 400 and list(bad.json()) == ["file"]
    response = clerk.post(url, {"file": SimpleUploadedFile("签到表.png", PNG)})
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == (
        "签到表.png",
        "image/png",
        len(PNG),
    )
    download = clerk.get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    detail = clerk.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]
    west = token_client(scene["west_clerk"])
    assert west.get(body["url"]).status_code == 404
    assert west.post(url, {"file": SimpleUploadedFile("b.png", PNG)}).status_code == 404


def test_removing_an_attachment(scene, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = add_meeting(scene)
    kept, removed = (
        services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile(name, PNG))
        for name in ("签到表.png", "照片.png")
    )
    url = f"/api/v1/meetings/{meeting.pk}/attachments/{removed.pk}/"
    assert token_client(scene["west_clerk"]).delete(url).status_code == 404
    viewer = token_client(scene["viewer"])
    assert viewer.delete(url).status_code == 403
    response = clerk.delete(url)
    assert response.status_code == 204
    detail = clerk.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [kept.pk]
    assert clerk.get(f"/api/v1/meeting-attachments/{removed.pk}/").status_code == 404
    assert (tmp_path / removed.file.name).read_bytes() == PNG
    assert clerk.delete(url).status_code == 404
    # The attachment must belong to the meeting in the URL.
    other = add_meeting(scene, topic="另一次学习")
    assert clerk.delete(f"/api/v1/meetings/{other.pk}/attachments/{kept.pk}/").status_code == 404
    # Only the attachment goes this way: the meeting itself is voided, never deleted.
    assert clerk.delete(f"/api/v1/meetings/{meeting.pk}/").status_code == 405
    services.cancel_meeting(scene["clerk"], meeting, "重复登记")
    response = clerk.delete(f"/api/v1/meetings/{meeting.pk}/attachments/{kept.pk}/")
    assert response.status_code == 400 and list(response.json()) == ["meeting"]


def test_moving_a_meeting_before_an_attendee_joined_is_400_under_date(scene, newcomer, clerk):
    meeting = add_meeting(scene)
    url = f"/api/v1/meetings/{meeting.pk}/"
    before = (D - datetime.timedelta(days=1)).isoformat()
    response = clerk.patch(url, {"date": before, "topic": "改"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["date"]
    assert f"李秀英（编号 {newcomer.pk}）" in response.json()["date"][0]
    assert clerk.get(url).json()["date"] == DAY.isoformat()
    assert clerk.patch(url, {"date": D.isoformat()}, format="json").status_code == 200


def test_history_of_a_meeting_shows_attendance_and_attachments(scene, clerk, make_user):
    first, second, *rest = scene["members"]
    meeting = add_meeting(scene, attendees=[first.pk, second.pk])
    services.update_meeting(scene["clerk"], meeting, topic="改后的主题")
    other = make_user("second_clerk", role=Role.CLERK, org=scene["east"])
    services.set_attendance(other, meeting, [first.pk], {second.pk: "因病请假"})
    attachment = services.add_attachment(other, meeting, SimpleUploadedFile("签到表.png", PNG))
    services.remove_attachment(scene["clerk"], attachment)

    entries = clerk.get(f"/api/v1/meetings/{meeting.pk}/history/").json()
    summary = [(e["user"], e["action"], e["changes"]) for e in entries]
    assert summary == [
        (
            "east_clerk",
            "会议附件",
            [{"field": "附件：签到表.png", "before": "已上传", "after": "已删除"}],
        ),
        (
            "second_clerk",
            "会议附件",
            [{"field": "附件：签到表.png", "before": "", "after": "已上传"}],
        ),
        (
            "second_clerk",
            "登记出席情况",
            [{"field": f"出席情况：{second.name}", "before": "出席", "after": "缺席（因病请假）"}],
        ),
        ("east_clerk", "修改", [{"field": "主题", "before": "集中学习", "after": "改后的主题"}]),
        (
            "east_clerk",
            "登记出席情况",
            [
                {"field": f"出席情况：{first.name}", "before": "", "after": "出席"},
                {"field": f"出席情况：{second.name}", "before": "", "after": "出席"},
            ],
        ),
        ("east_clerk", "新建", entries[-1]["changes"]),
    ]
    # The meeting's page shows the same.
    browser = Client()
    browser.force_login(scene["clerk"])
    page = browser.get(reverse("orglife-meeting", args=[meeting.pk])).content.decode()
    assert f"出席情况：{second.name}" in page and "缺席（因病请假）" in page
    assert "附件：签到表.png" in page


# --- who sees what -----------------------------------------------------------------------------

#        actor           sees east   sees west   may write in east
ACTORS = {
    "superuser": (True, True, True),
    "clerk": (True, False, True),
    "viewer": (True, False, False),
    "reviewer": (True, False, False),
    "west_clerk": (False, True, False),
    "no_role": (False, False, False),
}


@pytest.fixture
def both_sides(scene):
    east = add_meeting(scene)
    west = add_meeting(
        scene,
        org=scene["west_branch"],
        user=scene["west_clerk"],
        attendees=[scene["outsider"].pk],
    )
    for org, user in (
        (scene["east_branch"], scene["clerk"]),
        (scene["west_branch"], scene["west_clerk"]),
    ):
        services.set_yearly_fact(user, org, 2025, FactKind.VENUE_AREA, Decimal(100))
    services.submit_secretary_report(
        scene["clerk"], scene["east_branch"], 2025, "述职", datetime.date(2026, 1, 5)
    )
    services.submit_secretary_report(
        scene["west_clerk"],
        scene["west_branch"],
        2025,
        "述职",
        datetime.date(2026, 1, 5),
        secretary=scene["outsider"],
    )
    return {"east": east.org_id, "west": west.org_id}


def actor_client(scene, make_user, actor):
    if actor in scene:
        return token_client(scene[actor])
    return token_client(make_user(is_superuser=actor == "superuser"))


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("endpoint", ["meetings", "secretary-reports", "yearly-facts"])
def test_each_actor_lists_only_its_subtree(scene, make_user, both_sides, actor, endpoint):
    client = actor_client(scene, make_user, actor)
    rows = client.get(f"/api/v1/{endpoint}/").json()["results"]
    seen = {row["org"] for row in rows}
    sees_east, sees_west, _ = ACTORS[actor]
    expected = {both_sides["east"]} if sees_east else set()
    expected |= {both_sides["west"]} if sees_west else set()
    assert seen == expected


@pytest.mark.parametrize("actor", list(ACTORS))
def test_each_actor_writes_only_where_it_may(scene, make_user, actor):
    client = actor_client(scene, make_user, actor)
    response = client.post("/api/v1/meetings/", payload(scene), format="json")
    sees_east, _, may_write = ACTORS[actor]
    if may_write:
        assert response.status_code == 201
    elif actor in ("west_clerk",):
        assert response.status_code == 400 and list(response.json()) == ["org"]
    else:
        assert response.status_code == 403


# --- secretary reports and yearly facts ---------------------------------------------------------


def test_secretary_report_submitted_and_evaluated_through_the_api(scene, clerk):
    data = {
        "org": scene["east_branch"].pk,
        "year": 2025,
        "text": "述职内容",
        "submitted_on": "2026-01-08",
    }
    response = clerk.post("/api/v1/secretary-reports/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["secretary"], body["secretary_name"], body["rating"]) == (
        scene["members"][0].pk,
        "王建国",
        "",
    )
    url = f"/api/v1/secretary-reports/{body['id']}/evaluate/"
    assert clerk.post(url, {"rating": "good"}).status_code == 403
    branch_reviewer = token_client(scene["branch_reviewer"])
    assert branch_reviewer.post(url, {"rating": "good"}).status_code == 403
    reviewer = token_client(scene["reviewer"])
    assert reviewer.post(url, {"rating": "excellent"}).status_code == 400
    evaluated = reviewer.post(url, {"rating": "fairly_good", "comment": "较好"}).json()
    assert (evaluated["rating"], evaluated["evaluated_by"]) == ("fairly_good", "east_reviewer")
    again = clerk.post("/api/v1/secretary-reports/", data, format="json")
    assert again.status_code == 400 and list(again.json()) == ["year"]
    assert SecretaryReport.objects.count() == 1
    assert clerk.patch(f"/api/v1/secretary-reports/{body['id']}/", {"text": "x"}).status_code == 405
    assert token_client(scene["west_clerk"]).post(url, {"rating": "good"}).status_code == 404


def test_yearly_facts_through_the_api(scene, clerk):
    data = {
        "org": scene["east_branch"].pk,
        "year": 2025,
        "code": "satisfaction_rate",
        "value": 96.5,
    }
    response = clerk.post("/api/v1/yearly-facts/", data, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["value"], body["unit"]) == (96.5, "%")
    url = f"/api/v1/yearly-facts/{body['id']}/"
    assert clerk.patch(url, {"value": 97}, format="json").json()["value"] == 97.0
    assert clerk.patch(url, {"value": 101}, format="json").status_code == 400
    assert list(clerk.patch(url, {"year": 2024}, format="json").json()) == ["year"]
    # Posting the same organisation, year and code corrects the value.
    assert (
        clerk.post("/api/v1/yearly-facts/", {**data, "value": 95}, format="json").status_code == 201
    )
    assert clerk.get("/api/v1/yearly-facts/", {"code": "satisfaction_rate"}).json()["count"] == 1
    assert clerk.get("/api/v1/yearly-facts/", {"year": 2024}).json()["count"] == 0


# --- import ------------------------------------------------------------------------------------


def test_import_through_the_api_is_all_or_nothing(scene, clerk):
    org = scene["east_branch"]
    good = {
        "党组织": org.name,
        "会议类型": "主题党日",
        "日期": DAY,
        "主题": "重温入党誓词",
        "出席人员": "全体",
    }
    bad = {**good, "主题": "第二次", "日期": "2025-02-30"}
    response = clerk.post(
        "/api/v1/meetings/import/", {"file": meeting_file([good, bad])}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3
    assert not Meeting.objects.exists()
    response = clerk.post(
        "/api/v1/meetings/import/", {"file": meeting_file([good])}, format="multipart"
    )
    assert response.status_code == 201 and response.json() == {"created": 1}
    template = clerk.get("/api/v1/meetings/template/")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    viewer = token_client(scene["viewer"])
    assert (
        viewer.post(
            "/api/v1/meetings/import/", {"file": meeting_file([good])}, format="multipart"
        ).status_code
        == 403
    )


# --- queries -----------------------------------------------------------------------------------


def add_rows(endpoint, scene, count, make_org, start):
    """`count` more rows of `endpoint`, each with the related rows the list shows."""
    for n in range(start, start + count):
        if endpoint == "meetings":
            meeting = add_meeting(scene, topic=f"学习{n}", absentees={scene["visitor"].pk: "外出"})
            services.add_attachment(scene["clerk"], meeting, SimpleUploadedFile(f"{n}.png", PNG))
        elif endpoint == "secretary-reports":
            year = 2000 + n
            report = services.submit_secretary_report(
                scene["clerk"], scene["east_branch"], year, "述职", datetime.date(year, 12, 30)
            )
            services.evaluate_secretary_report(scene["reviewer"], report, "good")
        else:
            org = make_org(parent=scene["east"])
            services.set_yearly_fact(scene["clerk"], org, 2025, FactKind.VENUE_AREA, Decimal(n))


@pytest.mark.parametrize("endpoint", ["meetings", "secretary-reports", "yearly-facts"])
def test_list_queries_do_not_grow_with_rows(
    scene, clerk, make_org, endpoint, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    add_rows(endpoint, scene, 3, make_org, 1)
    with CaptureQueriesContext(connection) as small:
        response = clerk.get(f"/api/v1/{endpoint}/", {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == 3
    add_rows(endpoint, scene, 22, make_org, 4)
    with django_assert_max_num_queries(len(small)):
        response = clerk.get(f"/api/v1/{endpoint}/", {"page_size": 100})
    assert response.json()["count"] == 25


def test_schema_lists_the_endpoints(client, db):
    from drf_spectacular.validation import validate_schema

    schema = client.get("/api/schema/", {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/meetings/"])
    assert {"get", "patch"} <= set(paths["/api/v1/meetings/{id}/"])
    assert "post" in paths["/api/v1/meetings/{id}/cancel/"]
    assert set(paths["/api/v1/meetings/{id}/attachments/{attachment_id}/"]) == {"delete"}
    assert "delete" not in paths["/api/v1/meetings/{id}/"]
    assert "post" in paths["/api/v1/secretary-reports/{id}/evaluate/"]
    assert "patch" not in paths["/api/v1/secretary-reports/{id}/"]
    assert {"get", "post"} <= set(paths["/api/v1/yearly-facts/"])
    meeting = schema["components"]["schemas"]["Meeting"]["properties"]
    assert {"org", "type", "date", "topic", "hours", "attendees", "absentees"} <= set(meeting)
    assert meeting["attendees"]["type"] == "array"
