"""The demo city: loaded once for the module (inside a transaction rolled back at the end,
so other modules never see it)."""

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from grassroots.core.identifiers import (
    citizen_id_birth_mismatch,
    citizen_id_error,
    phone_error,
    uscc_error,
)
from grassroots.orgs import demo
from grassroots.orgs.choices import Category, Gender, MemberStatus, OrgKind, OrgStatus
from grassroots.orgs.health import findings_for
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Term,
    WeakDesignation,
)
from grassroots.orgs.rules import add_years

pytestmark = pytest.mark.django_db

EVERY_CODE = {
    "TOO_FEW_MEMBERS",
    "FORM_MISMATCH",
    "BRANCH_TOO_LARGE",
    "JOINT_BRANCH_TOO_MANY_UNITS",
    "FUNCTIONAL_HOLDS_RELATIONS",
    "COMMITTEE_REQUIRED",
    "COMMITTEE_TOO_LARGE",
    "SECRETARY_VACANT",
    "SECRETARY_NOT_HEAD",
    "CHAIR_NOT_SECRETARY",
    "TERM_MISSING",
    "TERM_OVERDUE",
    "TERM_EXPIRING",
    "WEAK_DESIGNATED",
}


@pytest.fixture(scope="module")
def summary(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.load_demo_city()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def findings(summary, django_db_blocker):
    with django_db_blocker.unblock():
        orgs = list(Organization.objects.all())
        by_code = {}
        for org_id, found in findings_for(orgs).items():
            for finding in found:
                by_code.setdefault(finding.code, set()).add(org_id)
        names = {org.pk: org.name for org in orgs}
        return {code: {names[pk] for pk in ids} for code, ids in by_code.items()}


def test_loading_again_changes_nothing(summary):
    counts = (Organization.objects.count(), Member.objects.count(), Term.objects.count())
    assert demo.load_demo_city() is None
    out = io.StringIO()
    call_command("load_demo_city", stdout=out)
    assert "已加载" in out.getvalue()
    assert (Organization.objects.count(), Member.objects.count(), Term.objects.count()) == counts


def test_sizes(summary):
    assert 280 <= Organization.objects.count() == summary["organizations"] <= 360
    assert 5500 <= Member.objects.count() == summary["members"] <= 6500
    assert Member.objects.filter(left_on__isnull=False).count() >= 20
    assert HostUnit.objects.count() >= 150
    assert Membership.objects.count() >= 50
    assert Organization.objects.filter(status=OrgStatus.DISSOLVED).count() >= 3
    assert WeakDesignation.objects.filter(rectified=False).exists()
    # Bulk inserts still write history: every row has its creation record.
    assert Organization.history.count() == Organization.objects.count()
    assert Member.history.filter(history_type="+").count() == Member.objects.count()


def test_every_kind_and_category(summary):
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrgKind.values)
    assert set(Organization.objects.values_list("category", flat=True)) == set(Category.values)


def test_tree_paths(summary):
    orgs = {org.pk: org for org in Organization.objects.all()}
    for org in orgs.values():
        parent_path = orgs[org.parent_id].path if org.parent_id else "/"
        assert org.path == f"{parent_path}{org.pk}/"
        assert org.depth == org.path.count("/") - 2
    assert [o.name for o in orgs.values() if o.parent_id is None] == [demo.ROOT_NAME]


def test_identifiers_are_valid(summary):
    rows = Member.objects.values_list("id_number", "birth_date", "gender", "phone")
    for id_number, birth_date, gender, phone in rows:
        assert citizen_id_error(id_number) is None, id_number
        assert citizen_id_birth_mismatch(id_number, birth_date) is None, id_number
        assert int(id_number[16]) % 2 == (1 if gender == Gender.MALE else 0), id_number
        assert not phone or phone_error(phone) is None, phone
    for uscc, phone in HostUnit.objects.values_list("uscc", "phone"):
        assert uscc_error(uscc) is None, uscc
        assert phone_error(phone) is None, phone


def test_member_dates_hold_together(summary):
    today = timezone.localdate()
    for member in Member.objects.all():
        assert add_years(member.birth_date, 18) <= member.joined_on <= today
        if member.status == MemberStatus.FULL:
            assert member.joined_on < member.confirmed_on <= today
        else:
            assert member.confirmed_on is None
        if member.work_started_on:
            assert member.birth_date < member.work_started_on <= today
    statuses = Counter(Member.objects.values_list("status", flat=True))
    assert statuses[MemberStatus.PROBATIONARY] > 50
    assert Member.objects.filter(is_mobile=True).count() > 20
    assert Member.objects.filter(is_lost_contact=True).exists()


def test_joint_branches(summary):
    units = Counter(
        HostUnitLink.objects.filter(
            org__kind=OrgKind.JOINT_BRANCH, ended_on__isnull=True
        ).values_list("org__name", flat=True)
    )
    assert units.pop("青川市建材市场非公有制企业联合党支部") == 6
    assert units and all(2 <= n <= 5 for n in units.values())


def test_health_check_flags_every_code(findings):
    assert set(findings) == EVERY_CODE
    assert findings["JOINT_BRANCH_TOO_MANY_UNITS"] == {"青川市建材市场非公有制企业联合党支部"}
    # Only the 学会 whose secretary holds no council post; no other social organisation
    # (seed 000 lets them take their secretary from the management or key staff).
    assert findings["SECRETARY_NOT_HEAD"] == {"青川市计算机学会党支部"}
    assert findings["CHAIR_NOT_SECRETARY"] == {"青川市农学会党支部"}
    assert "SECRETARY_NOT_FULL_MEMBER" not in findings
    assert findings["TOO_FEW_MEMBERS"] == {"青川鑫源便利连锁有限公司党支部"}
    assert findings["BRANCH_TOO_LARGE"] == {"马坊镇上庄村党支部"}
    assert findings["FORM_MISMATCH"] == {"马坊镇上庄村党支部", "江南区实验学校党总支"}
    assert findings["COMMITTEE_TOO_LARGE"] == {"青川市发展和改革委员会机关党支部"}
    assert findings["WEAK_DESIGNATED"] == {"西街社区党支部", "塔尔镇河湾村党支部"}
    # Most organisations are in order: the malformed ones stand out.
    assert 10 <= len(findings["TERM_OVERDUE"]) <= 40
    assert 10 <= len(findings["TERM_EXPIRING"]) <= 40
    assert 3 <= len(findings["SECRETARY_VACANT"]) <= 6
    flagged = set().union(*findings.values())
    assert len(flagged) < Organization.objects.count() / 4


@pytest.mark.parametrize("username", [row[0] for row in demo.DEMO_USERS])
def test_each_user_sees_exactly_their_subtree(summary, username):
    user = get_user_model().objects.get(username=username)
    assert user.check_password(demo.PASSWORD)
    (assignment,) = user.role_assignments.select_related("org")
    visible = set(Organization.objects.visible_to(user).values_list("pk", flat=True))
    subtree = Organization.objects.filter(path__startswith=assignment.org.path)
    assert visible == set(subtree.values_list("pk", flat=True))
    assert len(visible) > 1 or username in ("society_clerk", "village_secretary")


def test_users_cover_different_subtrees(summary):
    sizes = {
        username: Organization.objects.visible_to(
            get_user_model().objects.get(username=username)
        ).count()
        for username, *_ in demo.DEMO_USERS
    }
    total = Organization.objects.count()
    assert sizes["city_admin"] == sizes["evaluator"] == total
    assert total > sizes["district_clerk"] > sizes["street_viewer"] > 10
    assert total > sizes["liangxin_reviewer"] > 10
    assert sizes["society_clerk"] == sizes["village_secretary"] == 1
    village = get_user_model().objects.get(username="village_secretary").role_assignments.get()
    assert (village.org.kind, village.org.category) == ("branch", "village")


def test_api_lists_the_street_viewers_subtree(summary):
    user = get_user_model().objects.get(username="street_viewer")
    client = APIClient()
    client.force_authenticate(user)
    data = client.get("/api/v1/orgs/", {"page_size": 200}).json()
    street = user.role_assignments.get().org
    assert data["count"] == Organization.objects.subtree(street).count()
    assert {row["id"] for row in data["results"]} >= {street.pk}
    members = client.get("/api/v1/members/").json()
    assert members["count"] > 100
    assert "*" in members["results"][0]["id_number"]  # a viewer sees masked ID numbers


def test_generation_is_deterministic(summary):
    first, second = demo.DemoCity(), demo.DemoCity()
    first.generate()
    second.generate()

    def fingerprint(city):
        return [
            (node.org.name, [(m.name, m.id_number, m.phone) for m in node.members])
            for node in city.nodes
        ]

    assert fingerprint(first) == fingerprint(second)


def test_functional_branches_have_no_term_warnings(summary, findings):
    """Seed 004: "功能型党支部班子人选不实行任期制": their team follows the society's council,
    whose term the host unit records and the branch's page shows."""
    functional = Organization.objects.filter(kind=OrgKind.FUNCTIONAL_BRANCH, status="active")
    names = set(functional.values_list("name", flat=True))
    assert len(names) >= 3
    for code in ("TERM_MISSING", "TERM_OVERDUE", "TERM_EXPIRING"):
        assert not names & findings.get(code, set()), code
    councils = HostUnit.objects.filter(
        org_links__org__in=functional, council_term_ends_on__isnull=False
    )
    assert councils.count() >= 2
    client = Client()
    client.force_login(get_user_model().objects.get(username="city_admin"))
    org = functional.get(name="青川市科技工作者之家功能型党支部")
    text = client.get(f"/orgs/{org.pk}/").content.decode()
    assert "班子不实行任期制" in text and "理事会本届届满" in text and "应届满" not in text


def test_no_false_society_secretary_warnings(summary, findings):
    societies = Organization.objects.filter(
        category__in=[Category.SOCIAL_ORG, Category.SCI_TECH_SOCIETY]
    )
    social = set(societies.filter(category=Category.SOCIAL_ORG).values_list("name", flat=True))
    assert social and not social & findings["SECRETARY_NOT_HEAD"]
