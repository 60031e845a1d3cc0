"""API v1 as external systems rely on it: every request here authenticates
with a real token (`Authorization: Token <token>`), the way an integrator does."""

import datetime

import pytest
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id, build_uscc, citizen_id_check_char
from grassroots.core.tests.helpers import token_client
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import HostUnit, Membership, Organization, Post, Term

ORG_FIELDS = {"id", "name", "kind", "category", "parent", "established_on"}
MEMBER_FIELDS = {
    "id",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "status",
    "joined_on",
    "org",
}


@pytest.fixture
def clerk(make_user, city):
    return token_client(make_user(role=Role.CLERK, org=city["east"]))


@pytest.fixture
def superuser(make_user):
    return token_client(make_user(is_superuser=True))


def member_payload(org, **changes):
    birth = changes.pop("birth_date", datetime.date(1990, 5, 6))
    return {
        "name": "李红",
        "gender": "female",
        "birth_date": birth.isoformat(),
        "id_number": build_citizen_id("110105", birth, 2),
        "phone": "13912345678",
        "status": "probationary",
        "joined_on": "2024-07-01",
        "org": org.pk,
        **changes,
    }


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- health and tokens -------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_without_login_even_with_a_bad_token():
    client = APIClient()
    assert client.get("/api/v1/health/").json() == {"status": "ok"}
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_token_from_password_opens_every_endpoint(make_user, city):
    make_user("zhang", role=Role.VIEWER, org=city["east"], password="Secret-pass-9")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "Secret-pass-9"}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    token = response.json()["token"]

    org = city["east_branch"].pk
    endpoints = [
        "/api/v1/orgs/",
        f"/api/v1/orgs/{org}/",
        f"/api/v1/orgs/{org}/checks/",
        f"/api/v1/orgs/{org}/committee/",
        f"/api/v1/orgs/{org}/history/",
        "/api/v1/members/",
        "/api/v1/memberships/",
        "/api/v1/terms/",
        "/api/v1/posts/",
        "/api/v1/host-units/",
        "/api/v1/checks/",
    ]
    assert {url: client.get(url).status_code for url in endpoints} == dict.fromkeys(endpoints, 401)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert {url: client.get(url).status_code for url in endpoints} == dict.fromkeys(endpoints, 200)
    # A token one character off (never the same character: tokens are hex).
    wrong = token[:-1] + ("1" if token[-1] == "0" else "0")
    client.credentials(HTTP_AUTHORIZATION=f"Token {wrong}")
    assert client.get("/api/v1/orgs/").status_code == 401


def test_token_refused_with_chinese_messages(make_user):
    make_user("zhang", password="Secret-pass-9")
    client = APIClient()
    wrong = client.post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    missing = client.post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"username", "password"}
    assert missing.json()["username"] == ["该字段是必填项。"]


def test_inactive_users_token_stops_working(make_user):
    user = make_user()
    client = token_client(user)
    assert client.get("/api/v1/orgs/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/orgs/").status_code == 401


# --- organisations -----------------------------------------------------------------------------


def test_org_list_shape_and_pagination(superuser, city):
    page = superuser.get("/api/v1/orgs/", {"page_size": 2})
    assert page.status_code == 200
    body = page.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    assert body["previous"] is None
    assert "page=2" in body["next"]
    assert len(body["results"]) == 2
    assert set(body["results"][0]) >= ORG_FIELDS
    root = body["results"][0]
    assert root["id"] == city["root"].pk
    assert root["parent"] is None
    assert root["kind"] == "department"
    assert root["category"] == "other"
    assert root["established_on"] == "2020-01-01"
    last = superuser.get(body["next"].replace("http://testserver", "")).json()
    assert last["previous"] is not None
    every = superuser.get("/api/v1/orgs/", {"page_size": 100}).json()
    assert len(every["results"]) == 5 and every["next"] is None


def test_org_filters(superuser, city, make_org):
    group = make_org("东区幸福社区第一党小组", city["east_branch"], kind=OrgKind.GROUP)
    make_org("其他党支部", city["west"], short_name="幸福片区")

    def listed(**params):
        return set(ids(superuser.get("/api/v1/orgs/", params)))

    east = {city["east"].pk, city["east_branch"].pk, group.pk}
    assert listed(ancestor=city["east"].pk) == east
    assert listed(ancestor=city["east_branch"].pk) == {city["east_branch"].pk, group.pk}
    assert listed(ancestor=group.pk) == {group.pk}
    assert listed(ancestor=999999) == set()
    assert listed(kind="group") == {group.pk}
    assert listed(category="village") == {city["west_branch"].pk}
    assert listed(ancestor=city["west"].pk, kind="branch") == {
        city["west_branch"].pk,
        *(o.pk for o in Organization.objects.filter(name="其他党支部")),
    }
    # Name or short name, case-insensitively.
    assert listed(search="幸福") == {
        city["east_branch"].pk,
        group.pk,
        *Organization.objects.filter(name="其他党支部").values_list("pk", flat=True),
    }
    bad = superuser.get("/api/v1/orgs/", {"ancestor": "abc"})
    assert bad.status_code == 400 and "ancestor" in bad.json()
    bad = superuser.get("/api/v1/orgs/", {"kind": "club"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_org_create_retrieve_patch(clerk, city):
    payload = {
        "name": "东区创业园党支部",
        "kind": "branch",
        "category": "private_enterprise",
        "parent": city["east"].pk,
        "established_on": "2024-03-01",
    }
    created = clerk.post("/api/v1/orgs/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert {k: created.json()[k] for k in payload} == payload
    org_id = created.json()["id"]
    read = clerk.get(f"/api/v1/orgs/{org_id}/").json()
    assert read == created.json()
    changed = clerk.patch(f"/api/v1/orgs/{org_id}/", {"name": "东区创新园党支部"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["name"] == "东区创新园党支部"
    assert Organization.objects.get(pk=org_id).name == "东区创新园党支部"


def test_org_patch_parent_moves_the_subtree(superuser, city, make_org):
    group = make_org("党小组", city["east_branch"], kind=OrgKind.GROUP)
    moved = superuser.patch(
        f"/api/v1/orgs/{city['east_branch'].pk}/", {"parent": city["west"].pk}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["parent"] == city["west"].pk
    listed = ids(superuser.get("/api/v1/orgs/", {"ancestor": city["west"].pk}))
    assert {city["east_branch"].pk, group.pk} <= set(listed)
    assert ids(superuser.get("/api/v1/orgs/", {"ancestor": city["east"].pk})) == [city["east"].pk]
    # Not under itself or its own subtree.
    loop = superuser.patch(
        f"/api/v1/orgs/{city['east_branch'].pk}/", {"parent": group.pk}, format="json"
    )
    assert loop.status_code == 400
    assert loop.json() == {"parent": ["不能把组织移到它自己或它的下级组织之下"]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "club"}, "kind", "“club” 不是合法选项。"),
        ({"name": ""}, "name", "该字段不能为空。"),
        ({"established_on": "2024-02-30"}, "established_on", None),
        ({"parent": None}, "parent", "请选择上级组织"),
        ({"parent": 999999}, "parent", "编号为 999999 的对象不存在或不在您的管辖范围内"),
    ],
)
def test_org_create_errors_name_the_field_in_chinese(clerk, city, change, field, message):
    payload = {
        "name": "新支部",
        "kind": "branch",
        "category": "community",
        "parent": city["east"].pk,
    }
    response = clerk.post("/api/v1/orgs/", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    text = response.json()[field][0]
    assert text == message if message else any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_dissolve(clerk, city, make_member):
    branch = city["east_branch"]
    make_member(branch)
    refused = clerk.post(
        f"/api/v1/orgs/{branch.pk}/dissolve/", {"dissolved_on": "2025-06-30"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {"status": ["该组织还有党员，请先转接党员组织关系"]}
    empty = Organization.objects.create(
        name="东区临时党支部", parent=city["east"], kind=OrgKind.TEMPORARY, category="other"
    )
    response = clerk.post(
        f"/api/v1/orgs/{empty.pk}/dissolve/",
        {"dissolved_on": "2025-06-30", "reason": "任务完成"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["dissolved_on"], body["dissolved_reason"]) == (
        "dissolved",
        "2025-06-30",
        "任务完成",
    )
    # Never deleted: still listed, and filterable by status.
    assert empty.pk in ids(clerk.get("/api/v1/orgs/", {"status": "dissolved"}))
    again = clerk.post(
        f"/api/v1/orgs/{empty.pk}/dissolve/", {"dissolved_on": "2025-07-01"}, format="json"
    )
    assert again.status_code == 400 and "status" in again.json()
    missing = clerk.post(f"/api/v1/orgs/{branch.pk}/dissolve/", {}, format="json")
    assert missing.json() == {"dissolved_on": ["该字段是必填项。"]}


# --- members -----------------------------------------------------------------------------------


def test_member_create_retrieve_patch(clerk, city):
    payload = member_payload(city["east_branch"])
    created = clerk.post("/api/v1/members/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) >= MEMBER_FIELDS
    assert {k: body[k] for k in payload} == payload
    read = clerk.get(f"/api/v1/members/{body['id']}/")
    assert read.json() == body
    changed = clerk.patch(
        f"/api/v1/members/{body['id']}/",
        {"status": "full", "confirmed_on": "2025-07-01", "phone": "0971-1234567"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["status"], changed.json()["phone"]) == ("full", "0971-1234567")


def test_member_id_number_in_lower_case_is_stored_upper(clerk, city):
    birth = datetime.date(1985, 1, 2)
    number = next(n for n in range(1000) if build_citizen_id("110105", birth, n).endswith("X"))
    id_number = build_citizen_id("110105", birth, number)
    response = clerk.post(
        "/api/v1/members/",
        member_payload(city["east_branch"], birth_date=birth, id_number=id_number.lower()),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id_number"] == id_number


def _with_wrong_check_char(id_number):
    right = citizen_id_check_char(id_number[:17])
    return id_number[:17] + ("0" if right != "0" else "1")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (lambda good: _with_wrong_check_char(good), "公民身份号码校验码错误"),
        (lambda good: good[:17], "公民身份号码应为18位，前17位为数字，最后一位为数字或X"),
        (lambda good: good[:16] + "A" + good[17], None),
        (lambda good: "110105199002300011", "公民身份号码中的出生日期不存在"),
    ],
    ids=["check-character", "too-short", "letter", "no-such-date"],
)
def test_bad_id_number_is_400_under_id_number(clerk, city, bad, message):
    payload = member_payload(city["east_branch"])
    payload["id_number"] = bad(payload["id_number"])
    response = clerk.post("/api/v1/members/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["id_number"]
    if message:
        assert response.json()["id_number"] == [message]


def test_birth_date_disagreeing_with_id_number_is_refused(clerk, city):
    payload = member_payload(city["east_branch"], birth_date=datetime.date(1990, 5, 6))
    payload["birth_date"] = "1990-05-07"
    response = clerk.post("/api/v1/members/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["出生日期与公民身份号码不一致"],
        "birth_date": ["出生日期与公民身份号码不一致"],
    }


def test_duplicate_id_number_and_bad_phone_and_choices(clerk, city, make_member):
    existing = make_member(city["east_branch"])
    dup = clerk.post(
        "/api/v1/members/",
        member_payload(
            city["east_branch"], birth_date=existing.birth_date, id_number=existing.id_number
        ),
        format="json",
    )
    assert dup.status_code == 400 and list(dup.json()) == ["id_number"]
    phone = clerk.post(
        "/api/v1/members/", member_payload(city["east_branch"], phone="12345"), format="json"
    )
    assert phone.json() == {
        "phone": ["联系电话应为11位手机号码或带区号的固定电话（如 0971-1234567）"]
    }
    choices = clerk.post(
        "/api/v1/members/",
        member_payload(city["east_branch"], gender="m", status="candidate"),
        format="json",
    )
    assert set(choices.json()) == {"gender", "status"}


def test_member_filters(superuser, city, make_member, make_org):
    group = make_org("党小组", city["east_branch"], kind=OrgKind.GROUP)
    in_branch = make_member(city["east_branch"])
    in_group = make_member(group)
    in_west = make_member(city["west_branch"])

    def listed(**params):
        return set(ids(superuser.get("/api/v1/members/", params)))

    assert listed() == {in_branch.pk, in_group.pk, in_west.pk}
    assert listed(org=city["east_branch"].pk) == {in_branch.pk}
    assert listed(ancestor=city["east"].pk) == {in_branch.pk, in_group.pk}
    assert listed(ancestor=city["root"].pk) == {in_branch.pk, in_group.pk, in_west.pk}
    assert listed(ancestor=group.pk) == {in_group.pk}
    assert listed(ancestor=999999) == set()


@pytest.mark.parametrize(
    ("role", "masked"),
    [(Role.VIEWER, True), (Role.REVIEWER, True), (Role.CLERK, False)],
)
def test_personal_data_masked_without_the_permission(make_user, city, make_member, role, masked):
    # A birth date whose sequence 002 gets the check character X, as in RULES.md's example
    # (Identifiers).
    birth = next(
        datetime.date(1985, 1, 1) + datetime.timedelta(days=n)
        for n in range(366)
        if build_citizen_id(
            "110105", datetime.date(1985, 1, 1) + datetime.timedelta(days=n), 2
        ).endswith("X")
    )
    id_number = build_citizen_id("110105", birth, 2)
    member = make_member(
        city["east_branch"],
        birth_date=birth,
        phone="13812345678",
        joined_on=datetime.date(2010, 7, 1),
    )
    member.id_number = id_number
    member.save()
    client = token_client(make_user(role=role, org=city["east"]))
    detail = client.get(f"/api/v1/members/{member.pk}/").json()
    listed = client.get("/api/v1/members/").json()["results"][0]
    expected = ("110105********002X", "138****5678") if masked else (id_number, "13812345678")
    assert (detail["id_number"], detail["phone"]) == expected
    assert (listed["id_number"], listed["phone"]) == expected
    # The birth date is the masked characters: the year only where they are masked.
    birth_date = None if masked else birth.isoformat()
    for shown in (detail, listed):
        assert (shown["birth_date"], shown["birth_year"]) == (birth_date, birth.year)


def test_transfer(clerk, city, make_member, make_org):
    member = make_member(city["east_branch"])
    target = make_org("东区第二党支部", city["east"])
    moved = clerk.post(
        f"/api/v1/members/{member.pk}/transfer/",
        {"to_org": target.pk, "transferred_on": "2025-03-01", "reason": "工作调动"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["org"] == target.pk
    assert member.transfers.get().from_org == city["east_branch"]
    outside = clerk.post(
        f"/api/v1/members/{member.pk}/transfer/",
        {"to_org": city["west_branch"].pk, "transferred_on": "2025-04-01"},
        format="json",
    )
    assert outside.status_code == 400 and list(outside.json()) == ["to_org"]
    same = clerk.post(
        f"/api/v1/members/{member.pk}/transfer/",
        {"to_org": target.pk, "transferred_on": "2025-04-01"},
        format="json",
    )
    assert same.json() == {"to_org": ["转入组织与现组织相同"]}


# --- functional memberships and host units -----------------------------------------------------


def test_memberships(clerk, city, make_member, make_org):
    functional = make_org("东区流动党员党支部", city["east"], kind=OrgKind.FUNCTIONAL_BRANCH)
    member = make_member(city["east_branch"])
    created = clerk.post(
        "/api/v1/memberships/",
        {"member": member.pk, "org": functional.pk, "started_on": "2025-01-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body == {
        "id": body["id"],
        "member": member.pk,
        "org": functional.pk,
        "started_on": "2025-01-01",
        "ended_on": None,
    }
    assert ids(clerk.get("/api/v1/memberships/", {"member": member.pk})) == [body["id"]]
    twice = clerk.post(
        "/api/v1/memberships/",
        {"member": member.pk, "org": functional.pk, "started_on": "2025-02-01"},
        format="json",
    )
    assert twice.json() == {"org": ["该党员已在该组织参加组织生活"]}
    other_change = clerk.patch(
        f"/api/v1/memberships/{body['id']}/", {"org": city["east_branch"].pk}, format="json"
    )
    assert other_change.status_code == 400 and list(other_change.json()) == ["org"]
    no_date = clerk.patch(f"/api/v1/memberships/{body['id']}/", {}, format="json")
    assert no_date.json() == {"ended_on": ["请填写退出日期"]}
    ended = clerk.patch(
        f"/api/v1/memberships/{body['id']}/", {"ended_on": "2025-06-30"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2025-06-30"
    assert Membership.objects.get(pk=body["id"]).ended_on == datetime.date(2025, 6, 30)


def test_host_units_and_the_joint_branch_limit(clerk, city, make_org):
    joint = make_org("东区商圈联合党支部", city["east"], kind=OrgKind.JOINT_BRANCH)
    codes = [build_uscc(f"91110105MA0{n:06d}") for n in range(6)]
    for n in range(5):
        response = clerk.post(
            "/api/v1/host-units/",
            {"name": f"商户{n}", "uscc": codes[n], "org": joint.pk, "staff_count": 12},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["organizations"] == [joint.pk]
    sixth = clerk.post(
        "/api/v1/host-units/", {"name": "商户5", "uscc": codes[5], "org": joint.pk}, format="json"
    )
    assert sixth.status_code == 400
    assert sixth.json() == {"org": ["联合党支部覆盖的单位一般不超过5个，不能再关联"]}
    assert not HostUnit.objects.filter(name="商户5").exists()  # the unit is not left behind
    listed = clerk.get("/api/v1/host-units/", {"organizations": joint.pk}).json()
    assert listed["count"] == 5


def test_host_unit_fields_are_checked(clerk, city):
    branch = city["east_branch"]
    bad_code = build_uscc("91110105MA0000001")[:-1] + "0"
    if bad_code == build_uscc("91110105MA0000001"):
        bad_code = bad_code[:-1] + "1"
    response = clerk.post(
        "/api/v1/host-units/",
        {"name": "某公司", "uscc": bad_code, "phone": "123", "org": branch.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "uscc": ["统一社会信用代码校验码错误"],
        "phone": ["联系电话应为11位手机号码或带区号的固定电话（如 0971-1234567）"],
    }
    no_org = clerk.post("/api/v1/host-units/", {"name": "某公司"}, format="json")
    assert no_org.json() == {"responsible_org": ["请选择负责覆盖该单位的党组织"]}
    # Units without a code are fine, however many (blank is stored as "no code").
    first = clerk.post(
        "/api/v1/host-units/", {"name": "甲", "uscc": "", "org": branch.pk}, format="json"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["uscc"] is None
    joint = Organization.objects.create(
        name="联合支部", parent=city["east"], kind=OrgKind.JOINT_BRANCH, category="community"
    )
    second = clerk.post(
        "/api/v1/host-units/", {"name": "乙", "uscc": "", "org": joint.pk}, format="json"
    )
    assert second.status_code == 201, second.json()
    changed = clerk.patch(
        f"/api/v1/host-units/{first.json()['id']}/", {"address": "幸福路1号"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["address"] == "幸福路1号"
    relink = clerk.patch(
        f"/api/v1/host-units/{first.json()['id']}/", {"org": joint.pk}, format="json"
    )
    assert relink.json() == {"org": ["关联的党组织只能在新建单位时指定"]}


# --- health check and committee ----------------------------------------------------------------


def test_org_checks(clerk, city):
    response = clerk.get(f"/api/v1/orgs/{city['east_branch'].pk}/checks/")
    assert response.status_code == 200
    findings = response.json()
    assert isinstance(findings, list)
    assert all(set(f) == {"code", "severity", "message"} for f in findings)
    by_code = {f["code"]: f for f in findings}
    assert set(by_code) == {"TOO_FEW_MEMBERS", "SECRETARY_VACANT", "TERM_MISSING"}
    assert by_code["TOO_FEW_MEMBERS"]["severity"] == "error"
    assert by_code["TOO_FEW_MEMBERS"]["message"].startswith("正式党员0名")
    assert by_code["SECRETARY_VACANT"] == {
        "code": "SECRETARY_VACANT",
        "severity": "error",
        "message": "书记空缺，应及时补选",
    }
    # A detail answer is not filtered by list parameters.
    same = clerk.get(f"/api/v1/orgs/{city['east_branch'].pk}/checks/", {"kind": "department"})
    assert same.json() == findings
    assert clerk.get(f"/api/v1/orgs/{city['east'].pk}/checks/").json() == []


def test_checks_across_a_subtree(superuser, city, make_org):
    overdue = make_org("东区超期党支部", city["east"])
    Term.objects.create(
        org=overdue,
        number=2,
        started_on=datetime.date(2018, 1, 1),
        planned_end_on=datetime.date(2023, 1, 1),
    )
    response = superuser.get("/api/v1/checks/", {"ancestor": city["east"].pk})
    assert set(response.json()) == {"count", "next", "previous", "results"}
    rows = response.json()["results"]
    assert {r["org"] for r in rows} == {city["east_branch"].pk, overdue.pk}
    assert set(rows[0]) == {"org", "org_name", "code", "severity", "message"}
    only = superuser.get("/api/v1/checks/", {"ancestor": city["east"].pk, "code": "TERM_OVERDUE"})
    assert [(r["org"], r["org_name"]) for r in only.json()["results"]] == [
        (overdue.pk, "东区超期党支部")
    ]
    assert only.json()["results"][0]["message"].startswith("第2届任期已于2023年1月1日届满")
    warnings = superuser.get("/api/v1/checks/", {"severity": "warning"}).json()["results"]
    assert warnings and {r["severity"] for r in warnings} == {"warning"}


def test_committee_terms_and_posts(clerk, city, make_member):
    branch = city["east_branch"]
    empty = clerk.get(f"/api/v1/orgs/{branch.pk}/committee/").json()
    assert empty == {"term": None, "posts": []}
    secretary, deputy = make_member(branch), make_member(branch)
    term = clerk.post(
        "/api/v1/terms/", {"org": branch.pk, "started_on": "2024-01-01"}, format="json"
    )
    assert term.status_code == 201, term.json()
    # A community branch serves five years; the number counts up from 1.
    assert (term.json()["number"], term.json()["planned_end_on"]) == (1, "2029-01-01")
    term_id = term.json()["id"]
    for member, post in [(deputy, "deputy_secretary"), (secretary, "secretary")]:
        response = clerk.post(
            "/api/v1/posts/",
            {"term": term_id, "member": member.pk, "post": post, "started_on": "2024-01-01"},
            format="json",
        )
        assert response.status_code == 201, response.json()
    committee = clerk.get(f"/api/v1/orgs/{branch.pk}/committee/").json()
    assert committee["term"] == {
        "id": term_id,
        "number": 1,
        "started_on": "2024-01-01",
        "ends_on": "2029-01-01",
    }
    # Secretary first, whatever the order of appointment.
    assert [(p["post"], p["member"], p["member_name"]) for p in committee["posts"]] == [
        ("secretary", secretary.pk, secretary.name),
        ("deputy_secretary", deputy.pk, deputy.name),
    ]
    second = clerk.post(
        "/api/v1/posts/",
        {"term": term_id, "member": deputy.pk, "post": "secretary", "started_on": "2024-02-01"},
        format="json",
    )
    assert second.json() == {"post": ["书记已有人担任，请先免去现任"]}

    postponed = clerk.patch(
        f"/api/v1/terms/{term_id}/", {"planned_end_on": "2029-06-30"}, format="json"
    )
    assert postponed.status_code == 200 and postponed.json()["planned_end_on"] == "2029-06-30"
    renumbered = clerk.patch(f"/api/v1/terms/{term_id}/", {"number": 3}, format="json")
    assert renumbered.json() == {"number": ["届次和所属组织不能修改"]}
    backwards = clerk.patch(
        f"/api/v1/terms/{term_id}/", {"planned_end_on": "2023-12-31"}, format="json"
    )
    assert backwards.json() == {"planned_end_on": ["应届满日期应晚于开始日期"]}

    post_id = Post.objects.get(member=secretary).pk
    switch = clerk.patch(f"/api/v1/posts/{post_id}/", {"post": "member"}, format="json")
    assert switch.status_code == 400 and list(switch.json()) == ["post"]
    no_date = clerk.patch(f"/api/v1/posts/{post_id}/", {"ended_on": None}, format="json")
    assert no_date.json() == {"ended_on": ["请填写离任日期"]}
    early = clerk.patch(f"/api/v1/posts/{post_id}/", {"ended_on": "2023-01-01"}, format="json")
    assert early.json() == {"ended_on": ["离任日期不能早于任职日期"]}
    ended = clerk.patch(f"/api/v1/posts/{post_id}/", {"ended_on": "2025-03-31"}, format="json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2025-03-31"
    committee = clerk.get(f"/api/v1/orgs/{branch.pk}/committee/").json()
    assert [p["post"] for p in committee["posts"]] == ["deputy_secretary"]

    # The next term ends the current one; its committee starts empty.
    following = clerk.post(
        "/api/v1/terms/", {"org": branch.pk, "started_on": "2025-04-01"}, format="json"
    )
    assert following.status_code == 201 and following.json()["number"] == 2
    assert Term.objects.get(pk=term_id).ended_on == datetime.date(2025, 4, 1)
    committee = clerk.get(f"/api/v1/orgs/{branch.pk}/committee/").json()
    assert committee["term"]["number"] == 2 and committee["posts"] == []


def test_term_needs_planned_end_where_the_rules_give_none(clerk, city):
    response = clerk.post(
        "/api/v1/terms/", {"org": city["east"].pk, "started_on": "2024-01-01"}, format="json"
    )
    assert response.json() == {"planned_end_on": ["该类组织没有法定任期，请填写应届满日期"]}


# --- history -----------------------------------------------------------------------------------


def test_org_history_after_patch(clerk, city):
    org = city["east_branch"]
    before = clerk.get(f"/api/v1/orgs/{org.pk}/history/").json()
    response = clerk.patch(
        f"/api/v1/orgs/{org.pk}/",
        {"name": "东区幸福里社区党支部", "category": "village"},
        format="json",
    )
    assert response.status_code == 200
    history = clerk.get(f"/api/v1/orgs/{org.pk}/history/").json()
    assert len(history) == len(before) + 1
    latest = history[0]
    assert latest["user"] == clerk.user.username
    assert latest["action"] == "修改"
    assert sorted(latest["changes"], key=lambda c: c["field"]) == [
        {"field": "名称", "before": "东区幸福社区党支部", "after": "东区幸福里社区党支部"},
        {"field": "所属领域", "before": "城镇社区", "after": "农村"},
    ]
    at = datetime.datetime.fromisoformat(latest["at"])
    assert abs((datetime.datetime.now(datetime.UTC) - at).total_seconds()) < 60
    assert history[-1]["action"] == "新建"


def test_member_history_after_patch(clerk, city):
    created = clerk.post("/api/v1/members/", member_payload(city["east_branch"]), format="json")
    member_id = created.json()["id"]
    clerk.patch(f"/api/v1/members/{member_id}/", {"phone": "13700001111"}, format="json")
    history = clerk.get(f"/api/v1/members/{member_id}/history/").json()
    assert [(h["action"], h["user"]) for h in history] == [
        ("修改", clerk.user.username),
        ("新建", clerk.user.username),
    ]
    assert history[0]["changes"] == [
        {"field": "联系电话", "before": "13912345678", "after": "13700001111"}
    ]
    assert {"field": "姓名", "before": "", "after": "李红"} in history[1]["changes"]


def test_history_masks_personal_data_for_viewers(make_user, clerk, city):
    created = clerk.post("/api/v1/members/", member_payload(city["east_branch"]), format="json")
    member_id = created.json()["id"]
    clerk.patch(f"/api/v1/members/{member_id}/", {"phone": "13700001111"}, format="json")
    viewer = token_client(make_user(role=Role.VIEWER, org=city["east"]))
    history = viewer.get(f"/api/v1/members/{member_id}/history/").json()
    shown = str(history)
    assert "13700001111" not in shown and "13912345678" not in shown
    assert created.json()["id_number"] not in shown
