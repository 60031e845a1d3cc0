"""Registry pages: subtree limits (404 outside), forms that show the services' errors next to
the field and change nothing, masking of personal data, fixed query counts of lists."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id, build_uscc, mask_id_number
from grassroots.orgs import rules, services
from grassroots.orgs.choices import OrgKind, OrgStatus, PostKind
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Term,
    Transfer,
    WeakDesignation,
)
from grassroots.orgs.views import registry as views

D = datetime.date
BIRTH = D(1985, 6, 15)
GOOD_ID = build_citizen_id("110105", BIRTH, 17)


@pytest.fixture
def scene(city, make_member, make_user):
    """The city, one member in each district, an east clerk, an east viewer."""
    east_member = make_member(city["east_branch"], name="王东", phone="13812345678")
    west_member = make_member(city["west_branch"], name="李西")
    return {
        **city,
        "east_member": east_member,
        "west_member": west_member,
        "clerk": make_user(role=Role.CLERK, org=city["east"]),
        "viewer": make_user(role=Role.VIEWER, org=city["east"]),
    }


@pytest.fixture
def clerk_client(client, scene):
    client.force_login(scene["clerk"])
    return client


def member_data(**overrides):
    data = {
        "name": "赵新",
        "gender": "male",
        "ethnicity": "汉族",
        "birth_date": BIRTH.isoformat(),
        "id_number": GOOD_ID,
        "status": "full",
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
        "phone": "13900001111",
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    """The error messages rendered in `field`'s block, right under its input."""
    html = response.content.decode()
    return re.findall(rf'data-error-for="{field}"[^>]*>([^<]*)<', html)


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- who sees what ---------------------------------------------------------------------------

ORG_PAGES = [
    "org-detail",
    "org-children",
    "org-create",
    "org-edit",
    "org-move",
    "org-dissolve",
    "org-weak",
    "unit-add",
    "unit-link",
    "term-start",
    "member-create",
]
MEMBER_PAGES = [
    "member-detail",
    "member-edit",
    "member-transfer",
    "member-leave",
    "membership-add",
]


@pytest.mark.parametrize("name", ORG_PAGES)
def test_org_pages_inside_and_outside_the_subtree(clerk_client, scene, name):
    assert clerk_client.get(reverse(name, args=[scene["east_branch"].pk])).status_code == 200
    assert clerk_client.get(reverse(name, args=[scene["west_branch"].pk])).status_code == 404


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_inside_and_outside_the_subtree(clerk_client, scene, name):
    assert clerk_client.get(reverse(name, args=[scene["east_member"].pk])).status_code == 200
    assert clerk_client.get(reverse(name, args=[scene["west_member"].pk])).status_code == 404


@pytest.mark.parametrize(
    "url", ["/", "/orgs/", "/orgs/search/?q=区", "/members/", "/checks/", "/pick/orgs/"]
)
def test_list_pages_answer(clerk_client, url):
    assert clerk_client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["org-edit", "org-create", "term-start", "member-create"])
def test_viewer_may_look_but_not_change(client, scene, name):
    client.force_login(scene["viewer"])
    assert client.get(reverse("org-detail", args=[scene["east_branch"].pk])).status_code == 200
    assert client.get(reverse(name, args=[scene["east_branch"].pk])).status_code == 403


@pytest.mark.parametrize(
    "name", ["member-edit", "member-transfer", "member-leave", "membership-add"]
)
def test_viewer_may_not_change_a_member(client, scene, name):
    client.force_login(scene["viewer"])
    assert client.get(reverse(name, args=[scene["east_member"].pk])).status_code == 403
    assert client.post(reverse(name, args=[scene["east_member"].pk]), {}).status_code == 403


def test_viewer_sees_no_action_buttons(client, scene):
    client.force_login(scene["viewer"])
    html = client.get(reverse("org-detail", args=[scene["east_branch"].pk])).content.decode()
    assert "登记党员" not in html
    assert reverse("term-start", args=[scene["east_branch"].pk]) not in html


def test_anonymous_is_sent_to_login(client, scene):
    response = client.get(reverse("org-detail", args=[scene["east_branch"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_functional_member_is_visible_where_they_have_organisational_life(client, scene, make_user):
    """一方隶属、多重组织生活: the west member attending the east branch is visible to the
    east, but only the west may edit them."""
    services.add_membership(
        make_user(is_superuser=True), scene["west_member"], scene["east_branch"], D(2024, 1, 1)
    )
    client.force_login(scene["clerk"])
    url = reverse("member-detail", args=[scene["west_member"].pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("member-edit", args=[scene["west_member"].pk])).status_code == 403


# --- tree and search -------------------------------------------------------------------------


def test_tree_shows_the_users_roots_opened(clerk_client, scene):
    html = clerk_client.get(reverse("org-tree")).content.decode()
    assert "东区党工委" in html
    assert "东区幸福社区党支部" in html  # the single root comes opened
    assert "市委组织部" not in html
    assert "西区" not in html


def test_children_are_paged(clerk_client, scene, make_org, monkeypatch):
    for n in range(3):
        make_org(f"东区第{n}支部", scene["east"])
    monkeypatch.setattr(views, "TREE_PAGE", 2)
    url = reverse("org-children", args=[scene["east"].pk])
    first = clerk_client.get(url).content.decode()
    rest = clerk_client.get(url + "?offset=2").content.decode()
    assert first.count('class="tree-row"') == 2 and "显示更多" in first
    assert rest.count('class="tree-row"') == 2 and "显示更多" not in rest


def test_search_finds_by_name_with_visible_breadcrumb(clerk_client, scene):
    html = clerk_client.get(reverse("org-search"), {"q": "幸福"}).content.decode()
    assert "东区幸福社区党支部" in html
    assert "东区党工委" in html  # its visible ancestor
    assert "市委组织部" not in html  # above the clerk's subtree
    html = clerk_client.get(reverse("org-search"), {"q": "和平"}).content.decode()
    assert "西区和平村党支部" not in html
    assert "没有找到" in html


# --- organisation forms ----------------------------------------------------------------------


def test_create_child_organisation(clerk_client, scene):
    response = clerk_client.post(
        reverse("org-create", args=[scene["east"].pk]),
        {"name": "东区新支部", "kind": "branch", "category": "community"},
    )
    created = Organization.objects.get(name="东区新支部")
    assert response.url == reverse("org-detail", args=[created.pk])
    assert created.parent == scene["east"]


def test_create_child_with_missing_name_changes_nothing(clerk_client, scene):
    before = Organization.objects.count()
    response = clerk_client.post(
        reverse("org-create", args=[scene["east"].pk]), {"kind": "branch", "category": "village"}
    )
    assert response.status_code == 200
    assert field_errors(response, "name") == ["该字段是必填项。"]
    assert Organization.objects.count() == before


def test_edit_organisation(clerk_client, scene):
    branch = scene["east_branch"]
    url = reverse("org-edit", args=[branch.pk])
    data = {"name": "改名支部", "kind": "branch", "category": "community"}
    response = clerk_client.post(url, {**data, "established_on": "2020-13-01"})
    assert errors_of(response, "established_on")
    response = clerk_client.post(url, data)
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.name == "改名支部"
    html = clerk_client.get(reverse("org-detail", args=[branch.pk])).content.decode()
    assert "东区幸福社区党支部" in html and "改名支部" in html  # history: before → after


def test_move_refuses_a_parent_outside_the_users_edit_scope(clerk_client, scene, make_org):
    branch = scene["east_branch"]
    url = reverse("org-move", args=[branch.pk])
    response = clerk_client.post(url, {"parent": scene["west"].pk})
    assert errors_of(response, "parent")
    branch.refresh_from_db()
    assert branch.parent == scene["east"]

    sub = make_org("下级小组", branch, kind=OrgKind.GROUP)
    response = clerk_client.post(reverse("org-move", args=[scene["east"].pk]), {"parent": sub.pk})
    assert errors_of(response, "parent")  # the clerk may not edit the root's level

    target = make_org("东区第二党委", scene["east"], kind=OrgKind.COMMITTEE)
    assert clerk_client.post(url, {"parent": target.pk}).status_code == 302
    sub.refresh_from_db()
    assert sub.path.startswith(target.path)


def test_move_into_own_subtree_is_refused_next_to_the_field(clerk_client, scene, make_org):
    committee = make_org("东区党委", scene["east"], kind=OrgKind.COMMITTEE)
    child = make_org("党委下属支部", committee)
    response = clerk_client.post(reverse("org-move", args=[committee.pk]), {"parent": child.pk})
    assert field_errors(response, "parent") == ["不能把组织移到它自己或它的下级组织之下"]


def test_dissolve_refused_while_members_remain_then_done(clerk_client, scene, make_org):
    url = reverse("org-dissolve", args=[scene["east_branch"].pk])
    response = clerk_client.post(url, {"dissolved_on": "2025-01-01"})
    assert "该组织还有党员" in response.content.decode()
    assert Organization.objects.get(pk=scene["east_branch"].pk).status == OrgStatus.ACTIVE

    empty = make_org("空支部", scene["east"])
    response = clerk_client.post(
        reverse("org-dissolve", args=[empty.pk]), {"dissolved_on": "2025-01-01", "reason": "合并"}
    )
    assert response.status_code == 302
    empty.refresh_from_db()
    assert empty.status == OrgStatus.DISSOLVED and empty.dissolved_reason == "合并"
    assert clerk_client.get(reverse("org-detail", args=[empty.pk])).status_code == 200


def test_designate_weak(clerk_client, scene):
    url = reverse("org-weak", args=[scene["east_branch"].pk])
    assert clerk_client.post(url, {"year": 2025, "reason": "长期不开展活动"}).status_code == 302
    assert WeakDesignation.objects.get(org=scene["east_branch"]).year == 2025
    html = clerk_client.get(reverse("org-detail", args=[scene["east_branch"].pk])).content
    assert "长期不开展活动" in html.decode()


# --- host units ------------------------------------------------------------------------------


def uscc(n):
    return build_uscc(f"91110108MA{n:07d}")


def test_add_unit_with_bad_uscc_then_good(clerk_client, scene):
    url = reverse("unit-add", args=[scene["east_branch"].pk])
    response = clerk_client.post(url, {"name": "幸福物业公司", "uscc": "91110108551385082A"})
    assert field_errors(response, "uscc") == ["统一社会信用代码校验码错误"]
    assert not HostUnit.objects.exists()
    assert clerk_client.post(url, {"name": "幸福物业公司", "uscc": uscc(1)}).status_code == 302
    assert HostUnitLink.objects.get().org == scene["east_branch"]


def test_joint_branch_refuses_a_sixth_unit(clerk_client, scene, make_org, make_user):
    joint = make_org("东区联合党支部", scene["east"], kind=OrgKind.JOINT_BRANCH)
    root = make_user(is_superuser=True)
    for n in range(5):
        services.save_host_unit(root, HostUnit(name=f"企业{n}", uscc=uscc(n)), joint)
    response = clerk_client.post(
        reverse("unit-add", args=[joint.pk]), {"name": "第六家企业", "uscc": uscc(6)}
    )
    assert "联合党支部覆盖的单位一般不超过5个" in response.content.decode()
    assert not HostUnit.objects.filter(name="第六家企业").exists()

    other = services.save_host_unit(root, HostUnit(name="别家", uscc=uscc(7)), scene["east_branch"])
    response = clerk_client.post(reverse("unit-link", args=[joint.pk]), {"unit": other.pk})
    assert field_errors(response, "unit") == ["联合党支部覆盖的单位一般不超过5个，不能再关联"]


def test_unlink_unit(clerk_client, scene, make_user):
    unit = services.save_host_unit(
        make_user(is_superuser=True), HostUnit(name="幸福物业", uscc=uscc(9)), scene["east_branch"]
    )
    link = HostUnitLink.objects.get(unit=unit)
    response = clerk_client.post(reverse("unit-unlink", args=[link.pk]), {"ended_on": "2025-02-01"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ended_on == D(2025, 2, 1)


def test_edit_unit_records_the_council_term_shown_on_a_functional_branch(
    clerk_client, client, scene, make_org, make_user
):
    functional = make_org("东区律师协会功能型党支部", scene["east"], kind=OrgKind.FUNCTIONAL_BRANCH)
    unit = services.save_host_unit(
        make_user(is_superuser=True), HostUnit(name="东区律师协会", uscc=uscc(8)), functional
    )
    link = HostUnitLink.objects.get(unit=unit)
    url = reverse("unit-edit", args=[link.pk])
    page = clerk_client.get(url).content.decode()
    assert "理事会本届届满日期" in page and "东区律师协会" in page
    data = {"name": "东区律师协会", "uscc": uscc(8), "council_term_ends_on": "2028-05-20"}
    assert clerk_client.post(url, data).status_code == 302
    unit.refresh_from_db()
    assert unit.council_term_ends_on == D(2028, 5, 20)
    services.start_term(scene["clerk"], functional, D(2023, 5, 20))
    page = clerk_client.get(reverse("org-detail", args=[functional.pk])).content.decode()
    assert "班子不实行任期制" in page and "理事会本届届满：2028年5月20日" in page
    assert "应届满" not in page
    # Another district's clerk gets nothing.
    client.force_login(make_user(role=Role.CLERK, org=scene["west"]))
    assert client.get(url).status_code == 404
    assert client.post(url, {**data, "council_term_ends_on": "2030-01-01"}).status_code == 404
    unit.refresh_from_db()
    assert unit.council_term_ends_on == D(2028, 5, 20)


# --- committee -------------------------------------------------------------------------------


def test_start_term_and_appoint_secretary_clears_the_finding(clerk_client, scene):
    branch = scene["east_branch"]
    detail = reverse("org-detail", args=[branch.pk])
    assert 'data-code="SECRETARY_VACANT"' in clerk_client.get(detail).content.decode()

    response = clerk_client.post(
        reverse("term-start", args=[branch.pk]), {"started_on": "2024-03-01"}
    )
    assert response.status_code == 302
    term = Term.objects.get(org=branch)
    assert term.planned_end_on == D(2029, 3, 1)  # community branch: 5 years

    url = reverse("post-appoint", args=[branch.pk])
    response = clerk_client.post(
        url, {"member": scene["west_member"].pk, "post": "secretary", "started_on": "2024-03-01"}
    )
    assert errors_of(response, "member")  # not a member the clerk may see
    response = clerk_client.post(
        url, {"member": scene["east_member"].pk, "post": "secretary", "started_on": "2024-02-01"}
    )
    assert field_errors(response, "started_on") == ["任职日期不能早于本届开始日期"]
    response = clerk_client.post(
        url, {"member": scene["east_member"].pk, "post": "secretary", "started_on": "2024-03-01"}
    )
    assert response.status_code == 302

    html = clerk_client.get(detail).content.decode()
    assert 'data-code="SECRETARY_VACANT"' not in html
    assert 'data-post="secretary"' in html


def test_term_number_must_grow(clerk_client, scene):
    branch = scene["east_branch"]
    Term.objects.create(
        org=branch, number=3, started_on=D(2020, 1, 1), planned_end_on=D(2023, 1, 1)
    )
    response = clerk_client.post(
        reverse("term-start", args=[branch.pk]), {"started_on": "2024-01-01", "number": 2}
    )
    assert field_errors(response, "number") == ["届次应大于已有的第3届"]
    assert Term.objects.filter(org=branch).count() == 1


def test_end_post(clerk_client, scene, make_user):
    root = make_user(is_superuser=True)
    term = services.start_term(root, scene["east_branch"], D(2024, 1, 1))
    post = services.appoint_post(
        root, term, scene["east_member"], PostKind.SECRETARY, D(2024, 1, 1)
    )
    url = reverse("post-end", args=[post.pk])
    response = clerk_client.post(url, {"ended_on": "2023-12-01"})
    assert field_errors(response, "ended_on") == ["离任日期不能早于任职日期"]
    assert clerk_client.post(url, {"ended_on": "2024-06-01"}).status_code == 302
    assert Post.objects.get(pk=post.pk).ended_on == D(2024, 6, 1)


def test_posts_are_listed_in_rank_order(clerk_client, scene, make_member, make_user):
    root = make_user(is_superuser=True)
    term = services.start_term(root, scene["east_branch"], D(2024, 1, 1))
    order = [PostKind.MEMBER, PostKind.DISCIPLINE, PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY]
    for kind in order:
        services.appoint_post(root, term, make_member(scene["east_branch"]), kind, D(2024, 1, 1))
    html = clerk_client.get(reverse("org-detail", args=[scene["east_branch"].pk])).content.decode()
    shown = re.findall(r'data-post="([a-z_]+)"', html)
    assert shown == ["secretary", "deputy_secretary", "discipline", "member"]


# --- members ---------------------------------------------------------------------------------


def test_create_member_with_bad_id_number_shows_the_error_and_saves_nothing(clerk_client, scene):
    url = reverse("member-create", args=[scene["east_branch"].pk])
    before = Member.objects.count()
    bad = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    response = clerk_client.post(url, member_data(id_number=bad))
    assert response.status_code == 200
    assert field_errors(response, "id_number") == ["公民身份号码校验码错误"]
    assert 'value="赵新"' in response.content.decode()  # the input is kept
    assert Member.objects.count() == before

    response = clerk_client.post(url, member_data(birth_date="1985-06-16"))
    assert field_errors(response, "birth_date") == ["出生日期与公民身份号码不一致"]
    assert Member.objects.count() == before

    response = clerk_client.post(url, member_data(phone="12345"))
    assert errors_of(response, "phone")

    response = clerk_client.post(url, member_data())
    created = Member.objects.get(id_number=GOOD_ID)
    assert response.url == reverse("member-detail", args=[created.pk])
    assert created.org == scene["east_branch"]


def test_duplicate_id_number_is_shown_next_to_the_field(clerk_client, scene):
    url = reverse("member-create", args=[scene["east_branch"].pk])
    clerk_client.post(url, member_data())
    response = clerk_client.post(url, member_data(name="另一人"))
    assert errors_of(response, "id_number")
    assert Member.objects.filter(id_number=GOOD_ID).count() == 1


def test_edit_member(clerk_client, scene):
    member = scene["east_member"]
    url = reverse("member-edit", args=[member.pk])
    form = clerk_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    response = clerk_client.post(url, {**data, "confirmed_on": "1999-01-01"})
    assert field_errors(response, "confirmed_on") == ["转正时间不能早于入党时间"]
    member.refresh_from_db()
    assert member.confirmed_on is None
    response = clerk_client.post(url, {**data, "job_title": "社区主任"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.job_title == "社区主任"


def test_flags(clerk_client, scene):
    member = scene["east_member"]
    response = clerk_client.post(reverse("member-flags", args=[member.pk]), {"is_mobile": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_mobile and not member.is_lost_contact


def test_transfer_member(clerk_client, scene, make_org):
    member = scene["east_member"]
    url = reverse("member-transfer", args=[member.pk])
    response = clerk_client.post(
        url, {"to_org": scene["west_branch"].pk, "transferred_on": "2025-01-01"}
    )
    assert errors_of(response, "to_org")  # outside the clerk's subtree
    response = clerk_client.post(url, {"to_org": scene["east"].pk, "transferred_on": "2025-01-01"})
    assert field_errors(response, "to_org") == ["组织部/工委/党工委不接转组织关系"]
    assert not Transfer.objects.exists()

    target = make_org("东区第二支部", scene["east"])
    response = clerk_client.post(
        url, {"to_org": target.pk, "transferred_on": "2025-01-01", "reason": "工作调动"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.org == target
    html = clerk_client.get(reverse("member-detail", args=[member.pk])).content.decode()
    assert "工作调动" in html and "东区幸福社区党支部" in html


def test_leaving_keeps_the_member(clerk_client, scene):
    member = scene["east_member"]
    url = reverse("member-leave", args=[member.pk])
    response = clerk_client.post(url, {"left_on": "2025-05-01", "reason": "deceased"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == D(2025, 5, 1)
    response = clerk_client.post(url, {"left_on": "2025-05-02", "reason": "deceased"})
    assert field_errors(response, "left_on") == ["该党员已登记离开"]
    # Gone from the organisation's list, still found when asked for.
    html = clerk_client.get(reverse("org-detail", args=[scene["east_branch"].pk])).content
    assert "王东" not in html.decode()
    html = clerk_client.get(reverse("member-list"), {"include_left": "on"}).content.decode()
    assert "王东" in html


def test_add_and_end_functional_membership(clerk_client, scene, make_org):
    member = scene["east_member"]
    other = make_org("东区功能型党支部", scene["east"], kind=OrgKind.FUNCTIONAL_BRANCH)
    url = reverse("membership-add", args=[member.pk])
    response = clerk_client.post(url, {"org": scene["east_branch"].pk, "started_on": "2025-01-01"})
    assert field_errors(response, "org") == ["组织关系已在该组织，无需另行参加组织生活"]
    assert clerk_client.post(url, {"org": other.pk, "started_on": "2025-01-01"}).status_code == 302
    membership = Membership.objects.get(member=member)
    html = clerk_client.get(reverse("org-detail", args=[other.pk])).content.decode()
    assert "在本组织参加组织生活的党员" in html and "王东" in html
    response = clerk_client.post(
        reverse("membership-end", args=[membership.pk]), {"ended_on": "2025-06-01"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == D(2025, 6, 1)


# --- masking of personal data ----------------------------------------------------------------


@pytest.mark.parametrize("page", ["org", "member", "list"])
def test_viewer_sees_masked_id_numbers_and_phones(client, scene, page):
    member = scene["east_member"]
    urls = {
        "org": reverse("org-detail", args=[member.org.pk]),
        "member": reverse("member-detail", args=[member.pk]),
        "list": reverse("member-list"),
    }
    client.force_login(scene["viewer"])
    html = client.get(urls[page]).content.decode()
    assert member.id_number not in html
    assert mask_id_number(member.id_number) in html
    assert "13812345678" not in html and "138****5678" in html

    client.force_login(scene["clerk"])
    html = client.get(urls[page]).content.decode()
    assert member.id_number in html and "13812345678" in html


def test_member_history_is_masked_for_a_viewer(client, scene):
    member = scene["east_member"]
    root = scene["clerk"]
    services.update_member(root, member, phone="13900002222")
    client.force_login(scene["viewer"])
    html = client.get(reverse("member-detail", args=[member.pk])).content.decode()
    assert "13900002222" not in html and "13812345678" not in html
    assert "139****2222" in html


# --- pickers ---------------------------------------------------------------------------------


def test_org_picker_offers_only_what_the_user_may_edit(client, scene, make_user):
    client.force_login(scene["clerk"])
    html = client.get(reverse("org-picker"), {"purpose": "edit", "x_search": "区"}).content
    assert "东区幸福社区党支部" in html.decode() and "西区" not in html.decode()
    client.force_login(scene["viewer"])
    html = client.get(reverse("org-picker"), {"purpose": "edit"}).content.decode()
    assert "没有可选的项" in html
    html = client.get(reverse("org-picker"), {"purpose": "view"}).content.decode()
    assert "东区党工委" in html


def test_member_picker_needs_a_visible_organisation(clerk_client):
    assert clerk_client.get(reverse("member-picker"), {"org": "x"}).status_code == 404


def test_transfer_picker_leaves_out_departments(clerk_client, scene):
    html = clerk_client.get(reverse("org-picker"), {"purpose": "transfer"}).content.decode()
    labels = re.findall(r'data-pick-label="([^"]+)"', html)
    assert "东区幸福社区党支部" in labels and "东区党工委" not in labels


def test_member_picker_offers_the_organisations_members(clerk_client, scene, make_member):
    make_member(scene["east_branch"], name="张三")
    url = reverse("member-picker")
    html = clerk_client.get(url, {"org": scene["east_branch"].pk, "member_search": "张"}).content
    assert "张三" in html.decode() and "王东" not in html.decode()
    assert clerk_client.get(url, {"org": scene["west_branch"].pk}).status_code == 404


def test_unit_picker(clerk_client, scene, make_user):
    root = make_user(is_superuser=True)
    services.save_host_unit(root, HostUnit(name="东区物业", uscc=uscc(21)), scene["east_branch"])
    services.save_host_unit(root, HostUnit(name="西区物业", uscc=uscc(22)), scene["west_branch"])
    html = clerk_client.get(reverse("unit-picker"), {"unit_search": "物业"}).content.decode()
    assert "东区物业" in html and "西区物业" not in html
    html = clerk_client.get(reverse("unit-picker"), {"unit_search": uscc(21)[:12]}).content
    assert "东区物业" in html.decode()


def test_picker_renders_the_chosen_label_not_every_option(clerk_client, scene, make_org):
    for n in range(30):
        make_org(f"批量支部{n}", scene["east"])
    group = make_org("幸福社区党小组", scene["east_branch"], kind=OrgKind.GROUP)
    response = clerk_client.post(
        reverse("org-move", args=[scene["east_branch"].pk]), {"parent": group.pk}
    )
    html = response.content.decode()
    assert field_errors(response, "parent")
    assert "批量支部" not in html  # no <option> per organisation
    assert f'name="parent" value="{group.pk}"' in html
    assert 'value="幸福社区党小组"' in html


# --- health check list -----------------------------------------------------------------------


def test_check_list_filters(clerk_client, scene):
    url = reverse("check-list")
    html = clerk_client.get(url).content.decode()
    assert 'data-code="SECRETARY_VACANT"' in html and "西区" not in html
    html = clerk_client.get(url, {"severity": "warning"}).content.decode()
    assert 'data-code="SECRETARY_VACANT"' not in html and 'data-code="TERM_MISSING"' in html
    html = clerk_client.get(url, {"code": "TOO_FEW_MEMBERS"}).content.decode()
    assert set(re.findall(r'<tr data-code="(\w+)"', html)) == {"TOO_FEW_MEMBERS"}
    assert clerk_client.get(url, {"ancestor": scene["west"].pk}).status_code == 404
    html = clerk_client.get(url, {"ancestor": scene["east_branch"].pk}).content.decode()
    assert "东区幸福社区党支部" in html
    # A known finding none of the subtree has: an empty list, not an invalid choice.
    response = clerk_client.get(url, {"code": "UNIT_SHOULD_FORM"})
    html = response.content.decode()
    assert response.context["forms"][1].is_valid() and "<tr data-code=" not in html


def test_check_list_shows_findings_in_words_and_codes_only_in_attributes(clerk_client, scene):
    html = clerk_client.get(reverse("check-list")).content.decode()
    text = re.sub(r"<[^>]*>", " ", html)  # what a reader sees: the tags and attributes gone
    assert "SECRETARY_VACANT" in html and "SECRETARY_VACANT" not in text
    assert '<option value="SECRETARY_VACANT">书记空缺</option>' in html


def test_every_finding_the_rules_emit_has_a_title():
    source = Path(rules.__file__).read_text()
    emitted = set(re.findall(r'Finding\(\s*"([A-Z_]+)"', source))
    assert emitted and emitted <= set(rules.FINDING_TITLES)


def test_home_counts(clerk_client, scene):
    response = clerk_client.get(reverse("home"))
    assert response.context["org_count"] == 2
    assert response.context["member_count"] == 1
    assert reverse("check-summary") in response.content.decode()  # loaded with htmx
    summary = clerk_client.get(reverse("check-summary")).context["summary"]
    counts = {severity.value: n for severity, n in summary}
    html = clerk_client.get(reverse("check-list")).content.decode()
    shown = re.findall(r'<tr data-code="(\w+)"', html)
    assert sum(counts.values()) == len(shown) > 0


# --- fixed query counts ----------------------------------------------------------------------


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def grow(scene, make_org, make_member, make_user, count):
    """Add `count` branches under the east, each with a member, a term, a post, a unit link,
    a functional member in the east branch and a history change."""
    root = make_user(is_superuser=True)
    for n in range(count):
        org = make_org(f"东区扩充支部{n}-{Organization.objects.count()}", scene["east"])
        member = make_member(org, phone="13812345678")
        member2 = make_member(scene["east_branch"], phone="13812345679")
        term = services.start_term(root, org, D(2024, 1, 1))
        services.appoint_post(root, term, member, PostKind.SECRETARY, D(2024, 1, 1))
        services.add_membership(root, member, scene["east_branch"], D(2024, 1, 1))
        services.update_member(root, member2, job_title=f"职务{n}")
        make_org(f"小组{n}-{Organization.objects.count()}", org, kind=OrgKind.GROUP)


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("org-tree", {}),
        ("org-children", None),
        ("org-search", {"q": "东区"}),
        ("org-detail", None),
        ("member-list", {}),
        ("member-list", {"search": "党员", "status": "full", "include_left": "true"}),
        ("check-list", {}),
        ("check-list", "ancestor"),
        ("home", {}),
        ("check-summary", {}),
        ("org-picker", {"purpose": "edit"}),
        ("member-picker", "org"),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    clerk_client, scene, make_org, make_member, make_user, url_name, params
):
    east = scene["east"]
    if params is None:
        url, params = reverse(url_name, args=[east.pk]), {}
    else:
        url = reverse(url_name)
    if params in ("org", "ancestor"):
        params = {params: east.pk}
    grow(scene, make_org, make_member, make_user, 2)
    few = queries_for(clerk_client, url, params)
    grow(scene, make_org, make_member, make_user, 12)
    many = queries_for(clerk_client, url, params)
    assert many <= few, f"{url_name}: {few} queries with few rows, {many} with many"


def test_org_page_queries_do_not_grow_with_members(
    clerk_client, scene, make_org, make_member, make_user
):
    url = reverse("org-detail", args=[scene["east_branch"].pk])
    grow(scene, make_org, make_member, make_user, 2)
    few = queries_for(clerk_client, url)
    grow(scene, make_org, make_member, make_user, 25)  # more than a page of members
    many = queries_for(clerk_client, url)
    assert many <= few


def test_member_page_queries_do_not_grow(clerk_client, scene, make_org, make_user):
    root = make_user(is_superuser=True)
    member = scene["east_member"]
    url = reverse("member-detail", args=[member.pk])

    def add(count):
        """Transfers, functional memberships and posts of the member, and their history."""
        for _ in range(count):
            org = make_org(parent=scene["east"])
            services.transfer_member(root, member, org, D(2024, 1, 1))
            term = services.start_term(root, org, D(2024, 1, 1))
            services.appoint_post(root, term, member, PostKind.SECRETARY, D(2024, 1, 1))
            services.add_membership(root, member, make_org(parent=scene["east"]), D(2024, 1, 1))

    add(2)
    few = queries_for(clerk_client, url)
    add(10)
    many = queries_for(clerk_client, url)
    assert many <= few


# --- exports of what the lists show -------------------------------------------------------------


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_member_list_exports_its_filter_masked_as_shown(client, scene, make_member):
    make_member(scene["east_branch"], name="张东", phone="13900000000")
    url = reverse("member-list")
    client.force_login(scene["viewer"])
    html = client.get(url, {"search": "王东"}).content.decode()
    assert "?search=%E7%8E%8B%E4%B8%9C&amp;format=xlsx" in html
    rows = sheet_rows(client.get(url, {"search": "王东", "format": "xlsx", "page": "2"}))
    header, *body = rows
    assert [row[header.index("姓名")] for row in body] == ["王东"]
    assert body[0][header.index("联系电话")] != "13812345678"  # masked for a viewer
    client.force_login(scene["clerk"])
    rows = sheet_rows(client.get(url, {"format": "xlsx"}))
    assert {row[rows[0].index("姓名")] for row in rows[1:]} == {"王东", "张东"}  # not 李西
    assert "13812345678" in {row[rows[0].index("联系电话")] for row in rows[1:]}


def test_the_health_check_exports_its_findings_without_codes(clerk_client, scene):
    url = reverse("check-list")
    html = clerk_client.get(url, {"severity": "warning"}).content.decode()
    rows = sheet_rows(clerk_client.get(url, {"severity": "warning", "format": "xlsx"}))
    assert rows[0] == ("党组织", "问题等级", "问题")
    assert len(rows) - 1 == html.count("<tr data-code=") > 0
    assert {row[1] for row in rows[1:]} == {"警告"}
    assert not any("TERM_MISSING" in (row[2] or "") for row in rows[1:])
    assert not any("西区" in row[0] for row in rows[1:])
