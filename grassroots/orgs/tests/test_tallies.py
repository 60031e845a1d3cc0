"""The subtree tallies (orgs.tallies) answer what a scan of the subtree answers, through
every write of the registry, on the tallies' date and later ones (birthdays into the next
band, dates reached), in a fixed number of queries; `advance` and `rebuild` agree."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id
from grassroots.orgs import services, tallies
from grassroots.orgs.choices import (
    Education,
    Gender,
    GuideRole,
    LeaveReason,
    MemberStatus,
    UnitKind,
)
from grassroots.orgs.models import HostUnit, Tally, TallyChange, TallyClock, UnitGuide
from grassroots.orgs.rules import latest_birth
from grassroots.orgs.tallies import AGE_BOUNDARIES
from grassroots.orgs.tests.factories import TermFactory

D = datetime.timedelta


@pytest.fixture
def clerk(city, make_user):
    return make_user(role=Role.CLERK, org=city["root"])


def assert_right(city, on=None):
    """Every organisation's subtree counts from the tallies equal a scan, and the rows kept
    equal the rows built afresh."""
    on = on or timezone.localdate()
    orgs = list(city.values())
    kept = tallies.subtree_counts(orgs, on)
    assert kept is not None
    for org in orgs:
        org.refresh_from_db()
        assert +kept[org.pk] == +tallies.scan_counts(org, on), org.name
    rows = tallies.kept_rows()
    tallies.rebuild(tallies.clock())
    assert tallies.kept_rows() == rows


def test_a_new_database_starts_its_clock_today(db):
    assert tallies.clock() == timezone.localdate()


def test_every_registry_write_keeps_the_tallies(city, clerk, make_member, make_org):
    east, west = city["east_branch"], city["west_branch"]
    members = [make_member(east) for _ in range(3)] + [make_member(west)]
    assert tallies.subtree_counts([city["root"]], timezone.localdate())[city["root"].pk]["m"] == 4
    assert_right(city)

    services.update_member(
        clerk, members[0], gender=Gender.FEMALE, education=Education.POSTGRADUATE
    )
    born = datetime.date(1950, 5, 1)
    services.update_member(
        clerk, members[1], birth_date=born, id_number=build_citizen_id("630102", born, 7)
    )
    assert_right(city)
    services.transfer_member(clerk, members[2], west, timezone.localdate())
    assert_right(city)
    # Terms: started, started in advance, ended.
    term = services.start_term(clerk, west, timezone.localdate() - D(2000))
    services.start_term(
        clerk,
        city["west"],
        timezone.localdate() + D(5),
        planned_end_on=timezone.localdate() + D(60),
    )
    assert_right(city)
    services.end_term(clerk, term, timezone.localdate())
    assert_right(city)
    services.record_member_leaving(clerk, members[3], timezone.localdate(), LeaveReason.DECEASED)
    assert_right(city)
    # A subtree moves with everything it holds; a new organisation counts at once.
    services.move_organization(clerk, east, city["west"])
    assert_right(city)
    empty = services.create_organization(
        clerk, name="新建党支部", parent=city["east"], kind=east.kind, category=east.category
    )
    city["empty"] = empty
    assert_right(city)
    services.dissolve_organization(clerk, empty, timezone.localdate())
    assert_right(city)


def test_a_probationary_member_confirmed_moves_to_full(city, clerk, make_member):
    member = make_member(
        city["east_branch"],
        status=MemberStatus.PROBATIONARY,
        joined_on=timezone.localdate() - D(400),
        confirmed_on=None,
    )
    root = city["root"]
    assert tallies.subtree_counts([root], timezone.localdate())[root.pk]["m.full"] == 0
    services.update_member(
        clerk, member, status=MemberStatus.FULL, confirmed_on=timezone.localdate() - D(30)
    )
    assert tallies.subtree_counts([root], timezone.localdate())[root.pk]["m.full"] == 1
    assert_right(city)


def test_a_later_date_counts_birthdays_and_dates_reached(city, make_member):
    """Tallies built ten days ago: members turning each boundary age in between (and the
    day before and after), and one who joined in between, count as a scan counts them
    today; `advance` moves the rows there, and a second run changes nothing."""
    today = timezone.localdate()
    start = today - D(10)
    for years in AGE_BOUNDARIES:
        for shift in (-11, -10, -9, -1, 0, 1):
            make_member(city["east_branch"], birth_date=latest_birth(today, years) + D(shift))
    make_member(city["west_branch"], joined_on=today - D(3), birth_date=datetime.date(1990, 1, 1))
    TermFactory(org=city["east_branch"], started_on=today - D(2), planned_end_on=today + D(30))
    tallies.rebuild(start)
    assert tallies.clock() == start
    for org in city.values():
        assert +tallies.subtree_counts([org], today)[org.pk] == +tallies.scan_counts(org, today)
    assert tallies.advance(today) > 0
    assert tallies.clock() == today
    assert tallies.advance(today) == 0
    assert_right(city)


def test_a_date_before_the_tallies_is_scanned(city, make_member):
    make_member(city["east_branch"])
    before = tallies.clock() - D(1)
    assert tallies.subtree_counts([city["root"]], before) is None


def test_without_a_clock_nothing_is_kept_and_a_rebuild_starts_one(city, make_member):
    TallyClock.objects.all().delete()
    Tally.objects.all().delete()
    make_member(city["east_branch"])
    assert not Tally.objects.exists()
    assert tallies.subtree_counts([city["root"]], timezone.localdate()) is None
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert "统计计数已重建" in out.getvalue()
    assert tallies.clock() == timezone.localdate()
    assert_right(city)


def test_the_advance_command(city):
    tallies.rebuild(timezone.localdate() - D(1))
    out = io.StringIO()
    call_command("rebuild_tallies", "--advance", stdout=out)
    assert str(timezone.localdate()) in out.getvalue()


@pytest.mark.parametrize("members", [2, 20])
def test_a_subtree_is_read_in_a_fixed_number_of_queries(
    city, make_member, members, django_assert_num_queries
):
    for i in range(members):
        make_member(city["east_branch" if i % 2 else "west_branch"])
    # The clock, the own rows of each source not counted in the tallies, the tally rows.
    scanned = [source for source in tallies.SOURCES.values() if not source.at_own]
    with django_assert_num_queries(2 + len(scanned)):
        tallies.subtree_counts([city["root"], city["east"]], timezone.localdate())


def test_host_units_count_once_in_every_subtree_holding_them(city, clerk, make_member):
    """A unit the east district is responsible for, sitting in the west branch, counts in
    both districts and once in the city; links, guides and members working there move its
    coverage."""
    unit = services.save_host_unit(
        clerk,
        HostUnit(name="跨区企业", kind=UnitKind.PRIVATE_ENTERPRISE, responsible_org=city["east"]),
    )
    assert_right(city)
    guide = services.assign_unit_guide(
        clerk,
        UnitGuide(
            unit=unit, role=GuideRole.INSTRUCTOR, name="王指导", started_on=timezone.localdate()
        ),
    )
    assert_right(city)
    for _ in range(3):
        worker = make_member(city["west_branch"], status=MemberStatus.FULL)
        services.set_work_unit(clerk, worker, unit)
    counted = tallies.subtree_counts([city["root"]], timezone.localdate())[city["root"].pk]
    assert (counted["u"], counted["u.work"], counted["u.should_form"]) == (1, 1, 1)
    assert_right(city)
    link = services.link_host_unit(clerk, city["west_branch"], unit)
    assert_right(city)
    for district in ("east", "west"):
        org = city[district]
        assert tallies.subtree_counts([org], timezone.localdate())[org.pk]["u.org"] == 1
    services.end_unit_guide(clerk, guide, timezone.localdate())
    services.unlink_host_unit(clerk, link, timezone.localdate())
    assert_right(city)
    west = city["west"]
    assert tallies.subtree_counts([west], timezone.localdate())[west.pk]["u"] == 0


def test_changes_are_counted_before_and_after_their_fold(city, make_member):
    root = city["root"]
    tallies.rebuild()
    before = +tallies.subtree_counts([root], timezone.localdate())[root.pk]
    make_member(city["east_branch"])
    make_member(city["west_branch"])
    # One fold after the commit, however many changes the transaction added.
    assert [callback for _, callback, _ in connection.run_on_commit].count(tallies.fold) == 1
    assert TallyChange.objects.exists()
    unfolded = +tallies.subtree_counts([root], timezone.localdate())[root.pk]
    assert unfolded["m"] == before["m"] + 2
    rows = tallies.kept_rows()
    tallies.fold()
    assert not TallyChange.objects.exists()
    assert tallies.kept_rows() == rows
    assert +tallies.subtree_counts([root], timezone.localdate())[root.pk] == unfolded
    tallies.fold()  # nothing left: nothing changes
    assert tallies.kept_rows() == rows
    assert_right(city)
