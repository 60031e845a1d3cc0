"""Organization.member_count (current members whose organisation relation is there) stays
equal to the members themselves through every path that changes it, and the member list's
`count` is the same exact figure whether the paginator sums it or counts the rows."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id
from grassroots.core.tests.helpers import token_client
from grassroots.orgs import demo, services
from grassroots.orgs.api.views.registry import MemberViewSet
from grassroots.orgs.choices import Gender, LeaveReason, MemberStatus
from grassroots.orgs.excel import imports as excel
from grassroots.orgs.models import Member, Membership, Organization

from .helpers import count_of, counts_are_right, list_count
from .workbooks import TODAY, member_file, member_row

D = datetime.date


def new_member_fields(org, sequence):
    birth = D(1985, 1, 1) + datetime.timedelta(days=sequence)
    return {
        "name": f"计数党员{sequence}",
        "gender": Gender.MALE,
        "birth_date": birth,
        "id_number": build_citizen_id("630102", birth, sequence * 2 + 1),
        "joined_on": D(2010, 7, 1),
        "status": MemberStatus.FULL,
        "org": org,
    }


@pytest.fixture
def clerk(city, make_user):
    return make_user(role=Role.CLERK, org=city["root"])


def test_each_service_keeps_the_count(city, clerk):
    east, west = city["east_branch"], city["west_branch"]
    first = services.create_member(clerk, **new_member_fields(east, 1))
    second = services.create_member(clerk, **new_member_fields(east, 2))
    assert (count_of(east), count_of(west)) == (2, 0) and counts_are_right()

    services.transfer_member(clerk, first, west, D(2025, 3, 1))
    assert (count_of(east), count_of(west)) == (1, 1) and counts_are_right()

    services.update_member(clerk, second, org=west, phone="13912345678")  # a transfer too
    assert (count_of(east), count_of(west)) == (0, 2) and counts_are_right()

    services.record_member_leaving(clerk, first, D(2025, 6, 1), LeaveReason.DECEASED)
    assert (count_of(east), count_of(west)) == (0, 1) and counts_are_right()
    # Parents count only their own members: a subtree's count is a sum.
    assert count_of(city["west"]) == 0


def test_a_refused_change_leaves_the_count(city, clerk):
    member = services.create_member(clerk, **new_member_fields(city["east_branch"], 3))
    services.record_member_leaving(clerk, member, D(2025, 6, 1), LeaveReason.DECEASED)
    with pytest.raises(Exception, match="已登记离开"):
        services.record_member_leaving(clerk, member, D(2025, 7, 1), LeaveReason.DECEASED)
    with pytest.raises(Exception, match="已登记离开"):
        services.transfer_member(clerk, member, city["west_branch"], D(2025, 7, 1))
    assert count_of(city["east_branch"]) == 0 and counts_are_right()


def test_a_stale_organisation_saved_later_does_not_undo_the_count(city, clerk):
    stale = Organization.objects.get(pk=city["east_branch"].pk)
    services.create_member(clerk, **new_member_fields(city["east_branch"], 4))
    services.update_organization(clerk, stale, short_name="幸福社区")
    assert count_of(city["east_branch"]) == 1
    assert Organization.objects.get(pk=stale.pk).short_name == "幸福社区"


def test_single_inserts_count_but_not_a_member_who_has_left(city, make_member):
    make_member(city["east_branch"])
    make_member(city["east_branch"], left_on=D(2024, 1, 1), left_reason=LeaveReason.DECEASED)
    assert count_of(city["east_branch"]) == 1 and counts_are_right()


def test_excel_import_adds_to_each_organisation(city, clerk, make_member):
    east, west = city["east_branch"], city["west_branch"]
    make_member(east)
    rows = [member_row(east if n % 3 else west, n) for n in range(1, 8)]
    result = excel.import_members(clerk, member_file(rows), today=TODAY)
    assert result.errors == [] and result.created == 7
    assert (count_of(east), count_of(west)) == (1 + 5, 2) and counts_are_right()


def test_a_refused_import_adds_nothing(city, clerk):
    rows = [member_row(city["east_branch"], 1), member_row(city["east_branch"], 2, 姓名=None)]
    assert excel.import_members(clerk, member_file(rows), today=TODAY).errors
    assert count_of(city["east_branch"]) == 0


def test_the_demo_city_is_loaded_with_its_counts(db):
    demo.load_demo_city()
    assert counts_are_right()
    # The demo has members who left: counted apart from the current ones.
    assert Member.objects.filter(left_on__isnull=False).exists()
    total = sum(Organization.objects.values_list("member_count", flat=True))
    assert total == Member.objects.current().count() > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_the_benchmark_data_is_generated_with_its_counts():
    call_command("bench_generate", orgs=2112, members=3000, stdout=io.StringIO())
    assert counts_are_right()
    assert sum(Organization.objects.values_list("member_count", flat=True)) == 3000


def test_recount_members_repairs_and_reports(city, make_member):
    for org in (city["east_branch"], city["east_branch"], city["west_branch"]):
        make_member(org)
    Organization.objects.filter(pk=city["east_branch"].pk).update(member_count=7)
    Organization.objects.filter(pk=city["root"].pk).update(member_count=3)
    out = io.StringIO()
    call_command("recount_members", stdout=out)
    assert "更正 2 个党组织" in out.getvalue()
    assert counts_are_right() and count_of(city["east_branch"]) == 2
    out = io.StringIO()
    call_command("recount_members", stdout=out)
    assert "更正 0 个党组织" in out.getvalue()


# --- the member list's count -------------------------------------------------------------------


@pytest.fixture
def members(city, make_member):
    """Members in both districts, one who left, and a west member leading organisational
    life in the east (seen by the east viewer, though not counted in the east)."""
    for org in (city["east_branch"], city["east_branch"], city["west_branch"], city["east"]):
        make_member(org)
    make_member(city["east_branch"], left_on=D(2024, 1, 1), left_reason=LeaveReason.DECEASED)
    visitor = make_member(city["west_branch"])
    Membership.objects.create(member=visitor, org=city["east_branch"], started_on=D(2024, 1, 1))
    return city


def summed(sql):
    return any('SUM("orgs_organization"."member_count")' in query for query in sql)


def test_covering_user_gets_the_summed_exact_count(members, make_user):
    admin = make_user(role=Role.ADMIN, org=members["root"])
    for org, expected in (("root", 5), ("east", 3), ("west", 2), ("east_branch", 2)):
        count, rows, sql = list_count(admin, ancestor=members[org].pk)
        assert (count, rows) == (expected, expected), org
        assert summed(sql) and not any("COUNT(*)" in query for query in sql)


def test_a_narrower_scope_is_counted_exactly(members, make_user):
    east_viewer = make_user(role=Role.VIEWER, org=members["east"])
    # From the root the east viewer sees the east's three and the visitor from the west.
    count, rows, sql = list_count(east_viewer, ancestor=members["root"].pk)
    assert (count, rows) == (4, 4) and not summed(sql)
    count, rows, sql = list_count(east_viewer, ancestor=members["west"].pk)
    assert (count, rows) == (1, 1) and not summed(sql)
    # Within the east the viewer covers everything again.
    count, rows, sql = list_count(east_viewer, ancestor=members["east"].pk)
    assert (count, rows) == (3, 3) and summed(sql)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"include_left": "true"}, 6),
        ({"status": MemberStatus.FULL}, 5),
        ({"search": "党员"}, 5),
        ({"org": "east_branch"}, 2),
        ({}, 5),  # no ancestor
    ],
)
def test_other_filters_are_counted_exactly(members, make_user, params, expected):
    admin = make_user(role=Role.ADMIN, org=members["root"])
    if "org" in params:
        params = {"org": members[params["org"]].pk}
    ancestor = {} if not params else {"ancestor": members["root"].pk}
    count, rows, sql = list_count(admin, **ancestor, **params)
    assert (count, rows) == (expected, expected) and not summed(sql)


def test_the_summed_count_takes_no_more_queries(members, make_user, monkeypatch):
    admin = make_user(role=Role.ADMIN, org=members["root"])
    client = token_client(admin)
    url = f"/api/v1/members/?ancestor={members['root'].pk}"
    with CaptureQueriesContext(connection) as summed_queries:
        assert client.get(url).json()["count"] == 5
    monkeypatch.setattr(MemberViewSet, "known_count", lambda view: None)
    with CaptureQueriesContext(connection) as counted_queries:
        assert client.get(url).json()["count"] == 5
    assert summed([q["sql"] for q in summed_queries.captured_queries])
    assert len(summed_queries) == len(counted_queries)
