"""Stored compliance: read as the engine computes it, kept current by every write of the
records it reads (and only the sets and years the write touches), recomputed in full in one
transaction by the command and by an administrator's job."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.assessments import stored
from grassroots.assessments.compliance import compliance_for
from grassroots.assessments.models import ComplianceRecord
from grassroots.assessments.stored import stored_compliance
from grassroots.core.choices import JobState, Role
from grassroots.core.models import Job
from grassroots.orglife import services as life
from grassroots.orglife.choices import MeetingType
from grassroots.orgs import services as registry
from grassroots.orgs.models import Organization

from .helpers import build_set

YEAR = timezone.localdate().year - 1  # a whole year, before today
DAY = datetime.date(YEAR, 3, 1)
MEETINGS = [
    ("1", "1.1", "党员人数不少于3名。", "members_total", ">=", 3, False),
    ("1", "1.2", "党员每年学习不少于32学时。", "study_hours_per_member", ">=", 32, False),
    ("1", "1.3", "出勤率不低于80%。", "attendance_rate", ">=", 80, False),
    ("2", "2.1", "建立党员联系服务群众制度。", None, None, None, False),
]
FACTS = [("1", "1.1", "村集体经济收入超过10万元。", "collective_income", ">", 100000, False)]
SUPERIOR = [
    ("1", "1.1", "上级党组织班子成员到联系点讲党课。", "superior_leader_lectures", ">=", 1, False)
]


@pytest.fixture
def scene(city, make_org, make_member, make_user):
    branch = city["east_branch"]
    return {
        **city,
        "branch": branch,
        "other": make_org("东区光明社区党支部", city["east"]),
        "members": [make_member(branch) for _ in range(4)],
        "set": build_set("t-meetings", MEETINGS),
        "facts": build_set("t-facts", FACTS),
        "clerk": make_user("east_clerk", role=Role.CLERK, org=city["east"]),
    }


def row(org, standard_set, year=YEAR):
    return ComplianceRecord.objects.filter(org=org, standard_set=standard_set, year=year).first()


def value(record, code):
    """A stored value as a number (PostgreSQL's sums and SQLite's print apart: 2.0, 2)."""
    found = record.values[code]
    return None if found is None else Decimal(found)


def meet(scene, present, absent=(), day=DAY, hours=2):
    return life.record_meeting(
        scene["clerk"],
        scene["branch"],
        MeetingType.STUDY,
        day,
        "学习",
        hours=hours,
        attendees=[m.pk for m in present],
        absentees={m.pk: "外出" for m in absent},
    )


def same_as_engine(org_ids, standard_set, year=YEAR):
    live = compliance_for(Organization.objects.filter(pk__in=org_ids), standard_set, year)
    found = stored_compliance(org_ids, standard_set, year)
    assert list(found) == org_ids
    for pk in org_ids:
        assert [(r.item.pk, r.status, r.value, r.due) for r in found[pk]] == [
            (r.item.pk, r.status, r.value, r.due) for r in live[pk]
        ]


def test_read_as_the_engine_computes_then_from_the_rows(scene, django_assert_max_num_queries):
    members = scene["members"]
    meet(scene, members[:3], members[3:])
    ids = [scene["branch"].pk, scene["other"].pk]
    assert not ComplianceRecord.objects.exists()
    same_as_engine(ids, scene["set"])
    record = row(scene["branch"], scene["set"])
    assert value(record, "attendance_rate") == Decimal("75")
    assert (record.met, record.not_met, record.no_data) == (1, 2, 0)
    with django_assert_max_num_queries(3):  # the items, the rows: no record read
        stored_compliance(ids, scene["set"], YEAR)


def test_a_running_year_is_judged_on_the_day_it_is_read(scene):
    months = [("1", "1.1", "每月开展主题党日。", "theme_day_months", ">=", 12, False)]
    monthly = build_set("t-months", months)
    today = datetime.date(YEAR, 8, 5)
    early = stored_compliance([scene["branch"].pk], monthly, YEAR, today=datetime.date(YEAR, 1, 5))
    later = stored_compliance([scene["branch"].pk], monthly, YEAR, today=today)
    assert early[scene["branch"].pk][0].due == 0  # nothing due in January
    assert later[scene["branch"].pk][0].due == 7  # July's end passed


def test_recording_a_meeting_refreshes_the_touched_rows_only(
    scene, django_capture_on_commit_callbacks
):
    members = scene["members"]
    ids = [scene["branch"].pk, scene["other"].pk]
    stored_compliance(ids, scene["set"], YEAR)
    stored_compliance(ids, scene["facts"], YEAR)
    stored_compliance(ids, scene["set"], YEAR - 1)
    before = {r.pk: r.computed_at for r in ComplianceRecord.objects.all()}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        meeting = meet(scene, members)
        # In the writing transaction the stale row is gone: nobody reads it as current.
        assert row(scene["branch"], scene["set"]) is None
    fresh = row(scene["branch"], scene["set"])
    assert value(fresh, "study_hours_per_member") == Decimal("2")
    assert fresh.computed_at > before[fresh.pk] if fresh.pk in before else True
    untouched = [
        row(scene["branch"], scene["facts"]),  # a set reading no meeting
        row(scene["branch"], scene["set"], YEAR - 1),  # another year
        row(scene["other"], scene["set"]),  # another organisation
    ]
    assert all(r.computed_at == before[r.pk] for r in untouched)
    same_as_engine(ids, scene["set"])

    with django_capture_on_commit_callbacks(execute=True):
        life.set_attendance(scene["clerk"], meeting, [members[0].pk], {members[1].pk: "病假"})
    assert value(row(scene["branch"], scene["set"]), "attendance_rate") == Decimal("50")
    with django_capture_on_commit_callbacks(execute=True):
        life.cancel_meeting(scene["clerk"], meeting, "重复录入")
    assert row(scene["branch"], scene["set"]).values["attendance_rate"] is None
    same_as_engine(ids, scene["set"])


def test_one_transaction_refreshes_once_whatever_its_savepoints(
    scene, monkeypatch, django_capture_on_commit_callbacks
):
    refreshed = []
    monkeypatch.setattr(stored, "refresh", lambda changes, today=None: refreshed.append(changes))
    members = scene["members"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        meeting = meet(scene, members)  # the service's savepoint
        life.set_attendance(scene["clerk"], meeting, [members[0].pk], {})  # another
    assert [set(changes) for changes in refreshed] == [{scene["branch"].pk}]


def test_moving_an_organisation_forgets_what_those_below_read_of_the_levels_above(scene, make_user):
    superior = build_set("t-superior", SUPERIOR)
    branch, east = scene["branch"], scene["east"]
    stored_compliance([branch.pk, scene["other"].pk], superior, YEAR)
    stored_compliance([branch.pk], scene["facts"], YEAR)
    admin = make_user("root_admin", role=Role.ADMIN, org=scene["root"])
    registry.move_organization(admin, east, scene["west"])
    # The branch's leaders above are now the west district's: read again when next shown.
    assert row(branch, superior) is None
    assert row(scene["other"], superior) is None
    assert row(branch, scene["facts"]) is not None  # reads nothing of the levels above
    same_as_engine([branch.pk, scene["other"].pk], superior)


@pytest.mark.django_db(transaction=True)
def test_a_change_of_many_organisations_takes_as_many_queries_as_of_two(scene, make_org):
    # An import of members touches tens of thousands of branches at once.
    orgs = [make_org(f"东区第{i}党支部", scene["east"]).pk for i in range(20)]
    counts = []
    for ids in (orgs[:2], orgs):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            stored.changed(ids, [YEAR], {"study_hours_per_member"})
            transaction.set_rollback(True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_meeting_moved_to_another_year_refreshes_both(scene, django_capture_on_commit_callbacks):
    meeting = meet(scene, scene["members"])
    for year in (YEAR, YEAR - 1):
        stored_compliance([scene["branch"].pk], scene["set"], year)
    with django_capture_on_commit_callbacks(execute=True):
        life.update_meeting(scene["clerk"], meeting, date=datetime.date(YEAR - 1, 12, 30))
    assert value(row(scene["branch"], scene["set"]), "study_hours_per_member") == Decimal("0")
    earlier = row(scene["branch"], scene["set"], YEAR - 1)
    assert value(earlier, "study_hours_per_member") == Decimal("2")


def test_facts_and_members_refresh_their_sets(
    scene, make_member, django_capture_on_commit_callbacks
):
    branch = scene["branch"]
    for standard_set in (scene["set"], scene["facts"]):
        stored_compliance([branch.pk, scene["other"].pk], standard_set, YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        life.set_yearly_fact(scene["clerk"], branch, YEAR, "collective_income", Decimal(150000))
    assert row(branch, scene["facts"]).values == {"collective_income": "150000.00"}
    assert row(branch, scene["facts"]).met == 1

    # A member moving out counts in both organisations, in every year (the engine counts
    # the current members): this year's rows are recomputed, earlier ones when next read.
    this_year = timezone.localdate().year
    stored_compliance([branch.pk, scene["other"].pk], scene["set"], this_year)
    with django_capture_on_commit_callbacks(execute=True):
        registry.transfer_member(scene["clerk"], scene["members"][0], scene["other"], DAY)
    assert value(row(branch, scene["set"], this_year), "members_total") == Decimal("3")
    assert value(row(scene["other"], scene["set"], this_year), "members_total") == Decimal("1")
    assert row(branch, scene["set"]) is None
    assert row(branch, scene["facts"]).values == {"collective_income": "150000.00"}
    same_as_engine([branch.pk, scene["other"].pk], scene["set"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make_member(branch)
    assert value(row(branch, scene["set"], this_year), "members_total") == Decimal("4")


def test_full_recompute_replaces_the_rows_in_one_transaction(scene, make_org, monkeypatch):
    meet(scene, scene["members"])
    stale = stored.compute(Organization.objects.filter(pk=scene["branch"].pk), [scene["set"]], YEAR)
    stale[0].values["members_total"] = "99"
    stale[0].computed_at -= datetime.timedelta(hours=1)
    ComplianceRecord.objects.bulk_create(stale)
    gone = make_org("东区已撤销党支部", scene["east"])
    stored_compliance([gone.pk], scene["set"], YEAR)
    Organization.objects.filter(pk=gone.pk).update(status="dissolved")

    def killed(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as patched:
        patched.setattr(stored, "insert_ignoring_conflicts", killed)
        with pytest.raises(RuntimeError):
            call_command("recompute_compliance", year=YEAR)
    assert value(row(scene["branch"], scene["set"]), "members_total") == Decimal("99")  # untouched
    assert row(gone, scene["set"]) is not None

    call_command("recompute_compliance", year=YEAR, standard="t-meetings")
    assert value(row(scene["branch"], scene["set"]), "members_total") == Decimal("4")
    assert row(gone, scene["set"]) is None  # no longer an active organisation
    assert row(scene["branch"], scene["facts"]) is None  # another standard
    call_command("recompute_compliance", year=YEAR)
    orgs = [scene["branch"], scene["other"]]
    assert ComplianceRecord.objects.filter(year=YEAR).count() == 2 * len(orgs)
    same_as_engine([o.pk for o in orgs], scene["set"])


def test_an_administrator_starts_the_recompute_job(client, scene, make_user):
    url = reverse("compliance-recompute", args=[scene["root"].pk])
    admin = make_user("root_admin", role=Role.ADMIN, org=scene["root"])
    clerk = make_user("root_clerk", role=Role.CLERK, org=scene["root"])
    matrix = reverse("compliance-matrix", args=[scene["root"].pk])
    client.force_login(clerk)
    assert 'id="recompute"' not in client.get(matrix, {"standard": "t-meetings"}).content.decode()
    assert client.post(url, {"standard": "t-meetings"}).status_code == 403
    client.force_login(make_user("east_admin", role=Role.ADMIN, org=scene["east"]))
    assert client.post(url, {"standard": "t-meetings"}).status_code == 404  # not its subtree
    client.force_login(admin)
    assert 'id="recompute"' in client.get(matrix, {"standard": "t-meetings"}).content.decode()
    response = client.post(f"{url}?year={YEAR}", {"standard": "t-meetings"})
    job = Job.objects.get()
    assert response.url == reverse("job-detail", args=[job.pk])
    assert job.state == JobState.DONE, job.message
    assert "共2条" in job.message
    assert ComplianceRecord.objects.filter(standard_set=scene["set"], year=YEAR).count() == 2
