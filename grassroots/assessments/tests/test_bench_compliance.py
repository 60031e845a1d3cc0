"""The compliance benchmark at a tiny size, so that scripts/bench-compliance.sh does not rot
(PostgreSQL only: the generator writes with COPY), and the check that compares the engine's
values with the hand-written query's."""

import io
import random
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, F, OuterRef

from grassroots.assessments.management.commands import bench_life_generate
from grassroots.assessments.management.commands.bench_compliance import disagreements
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.models import Membership, Organization, Post


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_generate_and_measure():
    out = io.StringIO()
    call_command("load_standards", stdout=out)
    call_command("bench_life_generate", orgs=2300, members=4800, stdout=out)
    branches = Organization.objects.filter(kind=OrgKind.BRANCH).count()
    assert Organization.objects.count() == 2300

    # Committees: a secretary and 2-4 more, in all but a few branches (2% have none: their
    # term ended without an election); a fifth of the branches also have the ended term
    # before, whose posts were never closed one by one and are not current.
    current = Post.objects.current()
    sizes = Counter(current.values_list("term__org_id", flat=True))
    assert set(sizes.values()) <= {3, 4, 5}
    assert branches * 0.9 <= len(sizes) <= branches
    secretaries = current.filter(post=PostKind.SECRETARY).values_list("term__org_id", flat=True)
    assert sorted(secretaries) == sorted(sizes)
    former = Post.objects.filter(term__ended_on__isnull=False, ended_on=None)
    assert former.exists()
    assert not former.filter(pk__in=current.values("pk")).exists()

    # A year of meetings of every type, about 53 a branch and 16 attendance rows each.
    meetings = Meeting.objects.all()
    assert set(meetings.values_list("type", flat=True).distinct()) == set(MeetingType.values)
    assert not meetings.exclude(date__year=2026).exists()
    assert 45 <= meetings.count() / branches <= 60
    assert 13 <= Attendance.objects.count() / meetings.count() <= 18
    assert 0 < meetings.exclude(cancelled_at=None).count() < meetings.count() / 100
    functional = Membership.objects.filter(
        member=OuterRef("member"), org=OuterRef("meeting__org"), ended_on=None
    )
    strangers = Attendance.objects.exclude(member__org=F("meeting__org")).exclude(
        Exists(functional)
    )
    assert not strangers.exists()
    absent = Attendance.objects.filter(present=False)
    assert 0.1 < absent.count() / Attendance.objects.count() < 0.3
    lectures = meetings.filter(type=MeetingType.PARTY_LECTURE)
    assert not lectures.filter(lecturer=None, lecturer_name="").exists()
    assert SecretaryReport.objects.filter(year=2026).exists()
    assert YearlyFact.objects.filter(year=2026).exists()

    # Meetings and attendance are written in two passes over the same plan: it must come
    # out the same each time, and be what the database holds.
    command = bench_life_generate.Command()
    command.year, command.rng = 2026, random.Random(bench_life_generate.SEED)
    command.branches = command.read_branches()
    planned = [(pk, b.pk, p.type, p.date) for pk, b, p in command.year_of_meetings()]
    again = [(pk, b.pk, p.type, p.date) for pk, b, p in command.year_of_meetings()]
    assert planned == again
    assert planned == list(meetings.order_by("pk").values_list("pk", "org_id", "type", "date"))

    measured = io.StringIO()
    call_command("bench_compliance", runs=1, matrix_orgs=100, stdout=measured)
    text = measured.getvalue()
    assert "一致：2,300 个党组织" in text  # the engine and the query agree on every value
    assert "比值 引擎/SQL" in text
    assert text.count("中位数") >= 3


def result(metric, value):
    return SimpleNamespace(item=SimpleNamespace(metric=metric), value=value)


def test_disagreements_between_engine_and_query():
    engine = {
        1: [result("study_hours_per_member", Decimal("31.5")), result(None, None)],
        2: [result("democratic_review_participation", None)],
    }
    same = {
        1: {"study_hours_per_member": Decimal("31.50000000001")},
        2: {"democratic_review_participation": None},
    }
    assert disagreements(engine, same, {"study_hours_per_member"}) == []
    assert disagreements(engine, same, {"democratic_review_participation"}) == []

    hours_off = {**same, 1: {"study_hours_per_member": Decimal("31.4")}}
    assert disagreements(engine, hours_off, {"study_hours_per_member"}) == [
        (1, "study_hours_per_member", Decimal("31.5"), Decimal("31.4"))
    ]
    zero_for_none = {**same, 2: {"democratic_review_participation": Decimal(0)}}
    assert disagreements(engine, zero_for_none, {"democratic_review_participation"}) == [
        (2, "democratic_review_participation", None, Decimal(0))
    ]
    assert disagreements(engine, {1: same[1]}, {"study_hours_per_member"}) == [
        (2, "*", True, False)
    ]
