"""Measure the benchmark (after bench_generate): subtree list API and statistics latency at
the root and two levels down, and importing a member workbook (time and peak memory, in a
fresh process). `--results FILE` appends the figures as one JSON line; `--growth FILE` prints
how each grew over the sizes measured (docs/benchmarks.md)."""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from openpyxl import Workbook

from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.demo import PROFILES, People
from grassroots.orgs.models import Member, Organization

from .bench_generate import BENCH_USER

WARMUP = 5
# Birthplace code used by no generated member: the workbook's ID numbers are all new.
WORKBOOK_REGIONS = (("639981", 1),)


def percentile(samples, p):
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


class Command(BaseCommand):
    help = "Run the benchmark on data made by bench_generate and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100, help="timed requests per case")
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
        parser.add_argument("--no-import", action="store_true")
        parser.add_argument("--results", help="append the figures to this JSON-lines file")
        parser.add_argument("--growth", help="print the growth table of a results file, only")
        parser.add_argument("--import-workbook", help=argparse.SUPPRESS)  # the child process

    def handle(self, *args, **options):
        if options["growth"]:
            return self.growth(options["growth"])
        if connection.vendor != "postgresql":
            raise CommandError("基准测试只能在 PostgreSQL 上运行，请设置 DATABASE_URL")
        self.user = get_user_model().objects.filter(username=BENCH_USER).first()
        if self.user is None:
            raise CommandError("请先运行 manage.py bench_generate")
        if options["import_workbook"]:
            return self.import_in_this_process(options["import_workbook"])
        self.explain = options["explain"]
        orgs, members, version = (
            Organization.objects.count(),
            Member.objects.count(),
            connection.pg_version,
        )
        self.out(
            f"数据：党组织 {orgs:,} 个，党员 {members:,} 名；"
            f"PostgreSQL {version // 10000}.{version % 100}"
        )
        self.figures = {"orgs": orgs, "members": members}
        self.lists(options["requests"])
        self.statistics(options["requests"])
        if not options["no_import"]:
            self.workbook_import(options["import_rows"])
        if options["results"]:
            with open(options["results"], "a", encoding="utf-8") as results:
                results.write(json.dumps(self.figures, ensure_ascii=False) + "\n")

    def out(self, text=""):
        self.stdout.write(text)
        self.stdout.flush()

    # --- list API ------------------------------------------------------------------------------

    def lists(self, requests):
        _, token = AuthToken.objects.create(self.user)  # knox keeps only a digest
        client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
        self.out(f"\n列表 API（每页 50 条，{requests} 次请求，用户 {BENCH_USER}：根组织管理员）")
        for endpoint in ("orgs", "members"):
            for label, org in self.cases():
                url = f"/api/v1/{endpoint}/?ancestor={org.pk}"
                self.measure(client, url, label, requests, f"{endpoint} {label}")

    def statistics(self, requests):
        """The statistics of a subtree: the API and the page, today (from the tallies) and
        a year ago (a date before the tallies': counted from the rows, for comparison)."""
        _, token = AuthToken.objects.create(self.user)
        api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
        page = Client(HTTP_HOST="localhost")
        page.force_login(self.user)
        self.out(f"\n统计（{requests} 次请求）")
        year_ago = timezone.localdate().replace(year=timezone.localdate().year - 1)
        for label, org in self.cases():
            url = f"/api/v1/stats/?ancestor={org.pk}"
            self.measure(api, url, label, requests, f"stats API {label}")
            self.measure(page, f"/stats/?ancestor={org.pk}", label, requests, f"stats page {label}")
        for label, org in self.cases():
            url = f"/api/v1/stats/?ancestor={org.pk}&on={year_ago}"
            self.measure(api, url, f"{label}，一年前（逐行统计）", max(3, requests // 10))

    def cases(self):
        root = Organization.objects.get(depth=0)
        down = Organization.objects.filter(depth=2).order_by("path").first()
        return (("根组织", root), ("下两级", down))

    def measure(self, client, url, label, requests, key=None):
        for _ in range(min(WARMUP, requests)):
            self.get(client, url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            count = self.get(client, url)
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        p95 = percentile(samples, 95)
        if key:
            self.figures[key] = round(p95, 1)
        shown = f"count={count:>9,}" if count is not None else " " * 15
        self.out(
            f"  GET {url:<44} {label}  {shown}  "
            f"p50 {percentile(samples, 50):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {max(samples):7.1f} ms  查询 {len(queries)} 条，最慢 "
            f"{float(slowest['time']) * 1000:.1f} ms"
        )
        if self.explain:
            for query in queries.captured_queries:
                self.out(f"    -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                for (line,) in cursor.fetchall():
                    self.out(f"    | {line}")

    @staticmethod
    def get(client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} → {response.status_code}: {response.content[:300]!r}")
        if response["Content-Type"].startswith("application/json"):
            return response.json().get("count")
        return None

    def growth(self, path):
        """Each figure (p95, ms) by size, one column per run of the results file."""
        with open(path, encoding="utf-8") as results:
            runs = [json.loads(line) for line in results if line.strip()]
        if not runs:
            raise CommandError(f"{path} 中没有测量结果")
        keys = [key for key in runs[-1] if key not in ("orgs", "members")]
        header = "".join(f"{run['orgs']:>14,}" for run in runs)
        self.out(f"\n增长（p95，ms；各列为党组织数）\n  {'':<26}{header}")
        for key in keys:
            cells = "".join(f"{run.get(key, float('nan')):>14.1f}" for run in runs)
            self.out(f"  {key:<26}{cells}")

    # --- workbook import -----------------------------------------------------------------------

    def workbook_import(self, rows):
        try:
            from grassroots.orgs.excel.columns import MEMBER_COLUMNS
            from grassroots.orgs.excel.imports import import_members  # noqa: F401
        except ImportError:
            self.out("\n导入：grassroots.orgs.excel_imports.import_members 尚不可用，未测量")
            return
        district = Organization.objects.filter(depth=1).order_by("path").first()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "members.xlsx"
            started = time.monotonic()
            self.write_workbook(path, rows, district, MEMBER_COLUMNS)
            self.out(
                f"\n导入 {rows:,} 行党员工作簿（{path.stat().st_size / 2**20:.1f} MiB，"
                f"生成用时 {time.monotonic() - started:.0f} s；导入到“{district.name}”的党支部）"
            )
            child = subprocess.run(
                [
                    sys.executable,
                    settings.BASE_DIR / "manage.py",
                    "bench_run",
                    "--import-workbook",
                    str(path),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
        if child.returncode != 0:
            raise CommandError(f"导入进程失败：{child.stderr[-2000:]}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        self.out(
            "  用时 {seconds:.1f} s，进程峰值内存 {peak_rss_mib:.0f} MiB（导入前 "
            "{baseline_rss_mib:.0f} MiB），新增党员 {created:,} 名，错误 {errors} 条".format(
                **figures
            )
        )
        for error in figures["first_errors"]:
            self.out(f"    {error}")

    def write_workbook(self, path, rows, district, columns):
        """A workbook laid out like the member template, written in streaming mode; the
        organisation column names branches of `district` by their full names."""
        branches = list(
            Organization.objects.subtree(district)
            .filter(kind=OrgKind.BRANCH)
            .values_list("name", flat=True)
        )
        people = People(random.Random(11), timezone.localdate(), WORKBOOK_REGIONS)
        labels = {
            f.attname: {value: str(label) for value, label in f.flatchoices}
            for f in Member._meta.concrete_fields
            if f.choices
        }
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("党员")
        sheet.append([column.header for column in columns])
        for number in range(1, rows + 1):
            values = people.member_fields(PROFILES[Category.COMMUNITY], "")
            values["org"] = branches[number % len(branches)]
            row = []
            for column in columns:
                value = values.get(column.field, number if column.field is None else "")
                if column.field in labels:
                    value = labels[column.field].get(value, "")
                elif isinstance(value, bool):
                    value = "是" if value else "否"
                row.append(value)
            sheet.append(row)
        workbook.save(path)

    def import_in_this_process(self, path):
        """Run in a fresh process so that its peak memory is the import's alone; rolled back
        afterwards so that the benchmark can be run again on the same data."""
        from grassroots.orgs.excel.imports import import_members

        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.monotonic()
        with transaction.atomic():
            with open(path, "rb") as fileobj:
                result = import_members(self.user, fileobj)
            seconds = time.monotonic() - started
            transaction.set_rollback(True)
        figures = {
            "seconds": seconds,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "baseline_rss_mib": baseline,
            "created": result.created,
            "errors": len(result.errors),
            "first_errors": [str(error) for error in result.errors[:5]],
        }
        self.out(json.dumps(figures))
