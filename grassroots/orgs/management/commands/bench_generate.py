"""Benchmark data: a province-sized tree (100,000 organisations) and 1,000,000 members,
written with PostgreSQL COPY, then each organisation's member count set from its members.
No history rows are written for it (docs/benchmarks.md)."""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.orgs import tallies
from grassroots.orgs.choices import Category, GuideRole, OrgKind, UnitKind
from grassroots.orgs.demo import PROFILES, People
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Term,
    UnitGuide,
)

BENCH_USER = "bench_admin"
SEED = 7
# Below the root: 10 districts, 10 streets each, 20 basic committees each; branches take
# the rest (about 49 a committee for 100,000 organisations).
LEVELS = (
    (10, OrgKind.DEPARTMENT, "第{}区", "委组织部"),
    (10, OrgKind.DEPARTMENT, "第{}街道", "党工委"),
    (20, OrgKind.COMMITTEE, "第{}社区", "党委"),
)
FUNCTIONAL_SHARE = 0.01  # members who also join a functional organisation elsewhere


GENERATED = (Organization, Member, Membership, Term, HostUnit, HostUnitLink, UnitGuide)


class Command(BaseCommand):
    help = (
        "Generate benchmark data on PostgreSQL: organisations and members by COPY, plus the "
        f"user {BENCH_USER} (admin at the root) with an API token."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=100_000)
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument(
            "--no-terms", action="store_true", help="no terms (a caller writes its own)"
        )

    def handle(self, *args, orgs, members, no_terms=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("基准数据只能生成在 PostgreSQL 上，请设置 DATABASE_URL")
        if Organization.objects.exists():
            raise CommandError("数据库中已有党组织，请在新建的空数据库上生成基准数据")
        minimum = 1 + 10 + 100 + 2000 + 1
        if orgs < minimum:
            raise CommandError(f"--orgs 至少为 {minimum}")
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        started = time.monotonic()
        with transaction.atomic():
            branches = self.write_orgs(orgs)
            self.log(f"{orgs} organisations", started)
            self.write_members(members, branches)
            self.log(f"{members} members", started)
            if not no_terms:
                self.write_terms(orgs)
            units = self.write_units(branches, members)
            self.log(f"terms and {units} host units", started)
            Organization.objects.recount_members()
            self.log("member counts", started)
            tallies.rebuild(self.today)
            self.log("subtree tallies", started)
            self.write_functional(members, branches)
            self.bench_user()
            self.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.log("vacuum analyze", started)

    def log(self, what, started):
        self.stdout.write(f"  {what}: {time.monotonic() - started:.0f} s")

    def write_orgs(self, total):
        """Breadth first, with explicit ids so that paths are known before writing; returns
        the branches as (id, area name)."""
        # (id, parent id, path, area, kind, name) by depth
        levels = [[(1, None, "/1/", "基准市", OrgKind.DEPARTMENT, "基准市委组织部")]]
        next_id = 2
        for fanout, kind, area_label, suffix in LEVELS:
            rows = []
            for pk, _, path, area, _, _ in levels[-1]:
                for number in range(1, fanout + 1):
                    child_area = area + area_label.format(number)
                    rows.append(
                        (next_id, pk, f"{path}{next_id}/", child_area, kind, child_area + suffix)
                    )
                    next_id += 1
            levels.append(rows)
        committees, branches = levels[-1], []
        for index in range(total - next_id + 1):
            pk, _, path, area, _, _ = committees[index % len(committees)]
            name = f"{area}第{index // len(committees) + 1}党支部"
            branches.append((next_id, pk, f"{path}{next_id}/", area, OrgKind.BRANCH, name))
            next_id += 1
        levels.append(branches)

        self.copy_rows(
            Organization,
            (
                {
                    "id": pk,
                    "name": name,
                    "kind": kind,
                    "category": self.category(pk) if depth > 2 else Category.OTHER,
                    "parent_id": parent,
                    "path": path,
                    "depth": depth,
                    "established_on": datetime.date(2000 + pk % 20, 1 + pk % 12, 1),
                }
                for depth, rows in enumerate(levels)
                for pk, parent, path, _, kind, name in rows
            ),
        )
        return [(pk, area) for pk, _, _, area, _, _ in branches]

    @staticmethod
    def category(pk):
        return Category.VILLAGE if pk % 3 == 0 else Category.COMMUNITY

    def write_members(self, total, branches):
        people = People(self.rng, self.today)

        def rows():
            for index in range(total):
                org_id, area = branches[index % len(branches)]
                fields = people.member_fields(PROFILES[self.category(org_id)], area)
                yield {**fields, "id": index + 1, "org_id": org_id}

        self.copy_rows(Member, rows())

    def write_terms(self, total):
        """A current term for every basic committee and branch (depth 3 and below), started
        over the last six years: some overdue, some ending within the reminder window."""
        first = 1 + 10 + 100 + 1
        self.copy_rows(
            Term,
            (
                {
                    "id": pk,
                    "org_id": pk,
                    "number": 1,
                    "started_on": (start := self.today - datetime.timedelta(days=pk % 2190)),
                    "planned_end_on": start.replace(year=start.year + 5, day=1),
                }
                for pk in range(first, total + 1)
            ),
        )

    def write_units(self, branches, members):
        """A host unit for every fifth branch, the responsibility of its street: three in
        five linked to the branch (组织覆盖), one in five with an instructor only (工作覆盖),
        the rest with none, half of those with three members of other branches working there
        (应建未建 where they are full members)."""
        chosen = [org_id for org_id, _ in branches[::5]]
        paths = dict(Organization.objects.filter(pk__in=chosen).values_list("pk", "path"))
        units, links, guides, workers = [], [], [], []
        for number, org_id in enumerate(chosen, start=1):
            street = int(paths[org_id].strip("/").split("/")[2])
            units.append(
                {
                    "id": number,
                    "name": f"基准单位{number}",
                    "kind": UnitKind.PRIVATE_ENTERPRISE,
                    "responsible_org_id": street,
                }
            )
            if number % 5 < 3:
                links.append({"id": number, "org_id": org_id, "unit_id": number})
            elif number % 5 == 3:
                guides.append(
                    {
                        "id": number,
                        "unit_id": number,
                        "role": GuideRole.INSTRUCTOR,
                        "name": f"指导员{number}",
                        "started_on": self.today - datetime.timedelta(days=100),
                    }
                )
            elif number % 10 == 4:
                workers.extend(((number * 7 + k) % members + 1, number) for k in range(3))
        self.copy_rows(HostUnit, units)
        self.copy_rows(HostUnitLink, links)
        self.copy_rows(UnitGuide, guides)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE bench_workers (member_id int, unit_id int)")
            with cursor.copy("COPY bench_workers FROM STDIN") as copy:
                for row in workers:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {Member._meta.db_table} m SET work_unit_id = w.unit_id "
                "FROM bench_workers w WHERE m.id = w.member_id"
            )
            cursor.execute("DROP TABLE bench_workers")
        return len(units)

    def write_functional(self, total, branches):
        """Functional memberships ("一方隶属、多重组织生活") of a share of the members."""
        joined = self.today - datetime.timedelta(days=365)
        chosen = self.rng.sample(range(1, total + 1), int(total * FUNCTIONAL_SHARE))
        # Member m sits in branch (m - 1) mod n; the next branch along is never its own.
        self.copy_rows(
            Membership,
            (
                {
                    "id": number,
                    "member_id": member_id,
                    "org_id": branches[member_id % len(branches)][0],
                    "started_on": joined,
                }
                for number, member_id in enumerate(chosen, start=1)
            ),
        )

    def copy_rows(self, model, rows):
        """COPY rows (dicts by attribute name) into the model's table; missing fields take
        their defaults."""
        fields = model._meta.concrete_fields
        defaults = {f.attname: f.get_default() for f in fields}
        defaults.update(created_at=self.now, updated_at=self.now)
        columns = ", ".join(f.column for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                values = {**defaults, **row}
                copy.write_row([values[f.attname] for f in fields])

    def bench_user(self):
        user = get_user_model().objects.create_user(BENCH_USER, password=None)
        RoleAssignment.objects.create(user=user, org_id=1, role=Role.ADMIN)

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for model in (
                Organization,
                Member,
                Membership,
                Term,
                HostUnit,
                HostUnitLink,
                UnitGuide,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
