"""Measure compliance on the data of bench_life_generate: the engine (`compliance_for`) over
the whole tree against one hand-written SQL query computing the same metrics (their values
must agree), the full recompute of the stored results (which must agree with the engine), the
subtree matrix page read from them, and recording one meeting with the refresh of its
organisation's stored results. `--figures` appends the figures to a file, `--growth` prints
that file as a table. Figures and method: docs/benchmarks-compliance.md."""

import datetime
import json
import os
import time
from decimal import Decimal
from statistics import median

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from grassroots.assessments.compliance import compliance_for
from grassroots.assessments.models import ComplianceRecord
from grassroots.assessments.stored import measured_sets, recompute_all
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import eligible_members
from grassroots.orglife.services import record_meeting
from grassroots.orgs.management.commands.bench_generate import BENCH_USER
from grassroots.orgs.models import Organization
from grassroots.standards.metrics import METRICS
from grassroots.standards.models import StandardSet

ENGINE_TARGET = 10.0  # seconds, whole tree
RATIO_TARGET = 1.5  # engine time / SQL time
PAGE_TARGET = 1.0  # seconds, the matrix page (median)
PAGE_REQUESTS = 7
RECOMPUTE_TARGET = 60.0  # seconds, every stored result of the year
RECORDED_MEETINGS = 7  # meetings recorded, each in another organisation
TOLERANCE = Decimal("1e-9")  # quotients: Python's Decimal and PostgreSQL's numeric round apart

# Every metric of the records and the registry that the query below computes, in its
# columns' order after the organisation id; yearly facts come as one JSON object.
SQL_METRICS = (
    "members_total",
    "functional_members",
    "general_meetings",
    "committee_meetings",
    "group_meetings",
    "party_lectures",
    "theme_days",
    "life_meetings",
    "democratic_reviews",
    "collective_studies",
    "general_meeting_quarters",
    "committee_meeting_months",
    "theme_day_months",
    "collective_study_months",
    "committee_member_lectures",
    "secretary_lectures",
    "study_hours_per_member",
    "volunteer_hours_per_member",
    "democratic_review_participation",
    "attendance_rate",
    "secretary_reports",
    "committee_size",
)
FACT_METRICS = frozenset(code for code, metric in METRICS.items() if metric.source == "fact")

# Metrics definitions: grassroots/assessments/measurement.py (voided meetings do not count;
# members are the current members whose relation is there or in its party groups, plus
# current functional members; hours at volunteer service are volunteer hours, at any other
# meeting study hours; the committee is the current posts of the current term).
METRICS_SQL = """
WITH subtree AS NOT MATERIALIZED (
    SELECT id, member_count FROM orgs_organization WHERE path LIKE %(prefix)s
),
held AS NOT MATERIALIZED (
    SELECT id, org_id, type, date, hours, lecturer_id
    FROM orglife_meeting
    WHERE cancelled_at IS NULL AND date BETWEEN %(start)s AND %(until)s
      AND org_id IN (SELECT id FROM subtree)
),
by_type AS (
    SELECT org_id,
        count(*) FILTER (WHERE type = 'general_meeting') AS general_meetings,
        count(*) FILTER (WHERE type = 'committee_meeting') AS committee_meetings,
        count(*) FILTER (WHERE type = 'group_meeting') AS group_meetings,
        count(*) FILTER (WHERE type = 'party_lecture') AS party_lectures,
        count(*) FILTER (WHERE type = 'theme_day') AS theme_days,
        count(*) FILTER (WHERE type = 'life_meeting') AS life_meetings,
        count(*) FILTER (WHERE type = 'democratic_review') AS democratic_reviews,
        count(*) FILTER (WHERE type = 'study') AS collective_studies,
        count(DISTINCT extract(quarter FROM date)) FILTER (WHERE type = 'general_meeting')
            AS general_meeting_quarters,
        count(DISTINCT extract(month FROM date)) FILTER (WHERE type = 'committee_meeting')
            AS committee_meeting_months,
        count(DISTINCT extract(month FROM date)) FILTER (WHERE type = 'theme_day')
            AS theme_day_months,
        count(DISTINCT extract(month FROM date)) FILTER (WHERE type = 'study')
            AS collective_study_months
    FROM held
    GROUP BY org_id
),
turnout AS (
    SELECT h.org_id,
        count(*) FILTER (WHERE a.present) AS present,
        count(*) AS expected,
        count(*) FILTER (WHERE a.present AND h.type = 'democratic_review') AS review_present,
        count(*) FILTER (WHERE h.type = 'democratic_review') AS review_expected,
        coalesce(sum(h.hours) FILTER (WHERE a.present AND h.type <> 'volunteer'), 0)
            AS study_hours,
        coalesce(sum(h.hours) FILTER (WHERE a.present AND h.type = 'volunteer'), 0)
            AS volunteer_hours
    FROM orglife_attendance a
    JOIN held h ON h.id = a.meeting_id
    GROUP BY h.org_id
),
committee AS (
    SELECT t.org_id, p.member_id, p.post
    FROM orgs_post p
    JOIN orgs_term t ON t.id = p.term_id
    WHERE p.ended_on IS NULL AND t.ended_on IS NULL AND t.org_id IN (SELECT id FROM subtree)
),
lectures AS (
    SELECT h.org_id,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM committee c
            WHERE c.org_id = h.org_id AND c.member_id = h.lecturer_id
        )) AS committee_member_lectures,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM committee c
            WHERE c.org_id = h.org_id AND c.member_id = h.lecturer_id AND c.post = 'secretary'
        )) AS secretary_lectures
    FROM held h
    WHERE h.type = 'party_lecture'
    GROUP BY h.org_id
),
committee_size AS (
    SELECT org_id, count(DISTINCT member_id) AS n FROM committee GROUP BY org_id
),
functional AS (
    SELECT org_id, count(*) AS n
    FROM orgs_membership
    WHERE ended_on IS NULL AND org_id IN (SELECT id FROM subtree)
    GROUP BY org_id
),
grouped AS (
    SELECT parent_id AS org_id, sum(member_count) AS n
    FROM orgs_organization
    WHERE kind = 'group' AND status = 'active' AND parent_id IN (SELECT id FROM subtree)
    GROUP BY parent_id
),
people AS (
    SELECT s.id, s.member_count + coalesce(f.n, 0) + coalesce(g.n, 0) AS members,
        coalesce(f.n, 0) AS functional
    FROM subtree s
    LEFT JOIN functional f ON f.org_id = s.id
    LEFT JOIN grouped g ON g.org_id = s.id
),
reports AS (
    SELECT org_id, count(*) AS n FROM orglife_secretaryreport WHERE year = %(year)s
    GROUP BY org_id
),
facts AS (
    SELECT org_id, jsonb_object_agg(code, value::text) AS facts
    FROM orglife_yearlyfact WHERE year = %(year)s
    GROUP BY org_id
)
SELECT p.id,
    p.members AS members_total,
    p.functional AS functional_members,
    coalesce(m.general_meetings, 0),
    coalesce(m.committee_meetings, 0),
    coalesce(m.group_meetings, 0),
    coalesce(m.party_lectures, 0),
    coalesce(m.theme_days, 0),
    coalesce(m.life_meetings, 0),
    coalesce(m.democratic_reviews, 0),
    coalesce(m.collective_studies, 0),
    coalesce(m.general_meeting_quarters, 0),
    coalesce(m.committee_meeting_months, 0),
    coalesce(m.theme_day_months, 0),
    coalesce(m.collective_study_months, 0),
    coalesce(l.committee_member_lectures, 0),
    coalesce(l.secretary_lectures, 0),
    coalesce(t.study_hours, 0) / nullif(p.members, 0),
    coalesce(t.volunteer_hours, 0) / nullif(p.members, 0),
    100.0 * t.review_present / nullif(t.review_expected, 0),
    100.0 * t.present / nullif(t.expected, 0),
    coalesce(r.n, 0),
    coalesce(c.n, 0),
    coalesce(f.facts, '{}')
FROM people p
LEFT JOIN by_type m ON m.org_id = p.id
LEFT JOIN turnout t ON t.org_id = p.id
LEFT JOIN lectures l ON l.org_id = p.id
LEFT JOIN committee_size c ON c.org_id = p.id
LEFT JOIN reports r ON r.org_id = p.id
LEFT JOIN facts f ON f.org_id = p.id
"""


def disagreements(engine, sql, metrics):
    """(organisation id, metric, engine value, SQL value) wherever the engine's item values
    (`engine`: {org id: [ItemResult]}) and the query's (`sql`: {org id: {metric: value}})
    differ for one of `metrics`, or an organisation is missing from either."""
    found = []
    for org_id in sorted(engine.keys() | sql.keys()):
        if org_id not in engine or org_id not in sql:
            found.append((org_id, "*", org_id in engine, org_id in sql))
            continue
        for result in engine[org_id]:
            metric = result.item.metric
            if metric not in metrics:
                continue
            mine, theirs = result.value, sql[org_id].get(metric)
            if (mine is None) != (theirs is None) or (
                mine is not None and abs(Decimal(mine) - Decimal(theirs)) > TOLERANCE
            ):
                found.append((org_id, metric, mine, theirs))
    return found


class Command(BaseCommand):
    help = (
        "Time compliance_for over the whole tree against one hand-written SQL query (their "
        "values must agree) and the subtree matrix page, on bench_life_generate's data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--standard", default="s000-village", help="standard set code")
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--runs", type=int, default=3, help="timed runs of each")
        parser.add_argument(
            "--matrix-orgs",
            type=int,
            default=500,
            help="the matrix page is measured on the smallest subtree with this many rows",
        )
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries")
        parser.add_argument(
            "--jit",
            choices=("on", "off"),
            help="set PostgreSQL's jit for this session (default: the server's setting)",
        )
        parser.add_argument(
            "--no-sql",
            action="store_true",
            help="time the engine alone (the hand-written query's plan does not scale to "
            "100,000 organisations: it ran for more than 17 minutes)",
        )
        parser.add_argument("--figures", help="append this run's figures (JSON) to the file")
        parser.add_argument("--growth", help="print the figures of the file as a table, and stop")

    def handle(
        self,
        *args,
        standard,
        year,
        runs,
        matrix_orgs,
        explain,
        jit,
        figures,
        growth,
        no_sql,
        **options,
    ):
        if growth:
            self.growth(growth)
            return
        self.figures = {}
        if connection.vendor != "postgresql":
            raise CommandError("基准测试只能在 PostgreSQL 上运行，请设置 DATABASE_URL")
        with connection.cursor() as cursor:
            if jit:
                cursor.execute(f"SET jit = {jit}")
            cursor.execute("SHOW jit")
            (jit,) = cursor.fetchone()
        self.user = get_user_model().objects.filter(username=BENCH_USER).first()
        if self.user is None:
            raise CommandError("请先运行 manage.py bench_life_generate")
        self.set = StandardSet.objects.latest_published().filter(code=standard).first()
        if self.set is None:
            raise CommandError(f"没有已发布的标准 {standard}，请先运行 manage.py load_standards")
        used = {
            code for code in self.set.dimensions.values_list("items__metric", flat=True) if code
        }
        missing = used - set(SQL_METRICS) - FACT_METRICS
        if missing:
            raise CommandError(f"对照 SQL 未计算这些指标：{', '.join(sorted(missing))}")
        self.year, self.runs, self.explain = year, runs, explain
        # A year's figures as at its end (the whole year is generated).
        self.today = datetime.date(year, 12, 31)
        root = Organization.objects.get(depth=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM orglife_meeting), (SELECT count(*) FROM "
                "orglife_attendance), (SELECT count(*) FROM orgs_member)"
            )
            meetings, attendance, members = cursor.fetchone()
        self.figures.update(
            orgs=Organization.objects.count(), attendance=attendance, load=os.getloadavg()[0]
        )
        version = connection.pg_version
        self.out(
            f"数据：党组织 {Organization.objects.count():,} 个，党员 {members:,} 名，"
            f"会议 {meetings:,} 次，出席记录 {attendance:,} 条；PostgreSQL "
            f"{version // 10000}.{version % 100}（jit {jit}）；标准 {self.set.code}"
            f"（{len(used)} 项指标：{', '.join(sorted(used))}）；{year} 年"
        )

        if no_sql:
            results = self.engine_only(root)
        else:
            results, values = self.compare(root)
            wrong = disagreements(results, values, used)
            if wrong:
                lines = "\n".join(f"  {row}" for row in wrong[:10])
                raise CommandError(
                    f"引擎与 SQL 的指标值不一致（{len(wrong)} 处），前 10 处：\n{lines}"
                )
            compared = sum(1 for items in results.values() for r in items if r.item.metric in used)
            self.out(f"  一致：{len(results):,} 个党组织的 {compared:,} 个指标值相同")
        self.recompute(results, used)
        self.matrix(matrix_orgs)
        self.record()
        if figures:
            with open(figures, "a", encoding="utf-8") as file:
                file.write(json.dumps(self.figures) + "\n")

    def out(self, text=""):
        self.stdout.write(text)
        self.stdout.flush()

    def load(self):
        return "负载 {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())

    @staticmethod
    def seconds(samples, unit=1, suffix="s", digits=2):
        each = ", ".join(f"{s * unit:.{digits}f}" for s in samples)
        return f"各次 {each} {suffix}；中位数 {median(samples) * unit:.{digits}f} {suffix}"

    # --- the engine and the query ------------------------------------------------------------

    def engine_only(self, root):
        """The engine over the whole tree, without the hand-written query."""
        orgs = Organization.objects.subtree(root)
        samples = []
        self.out(f"\n全部党组织，引擎运行 {self.runs} 次，不运行手写 SQL（{self.load()}）")
        for _ in range(self.runs):
            started = time.perf_counter()
            results = compliance_for(orgs, self.set, self.year, self.today)
            samples.append(time.perf_counter() - started)
        self.figures["engine"] = median(samples)
        self.out(
            f"  引擎 compliance_for（{len(results):,} 个党组织）：{self.seconds(samples)}"
            f"（{self.load()}）"
        )
        return results

    def compare(self, root):
        """The engine and the query over the whole tree, in turns, so that a change in the
        machine's load falls on both alike."""
        orgs = Organization.objects.subtree(root)
        params = {
            "prefix": f"{root.path}%",
            "start": datetime.date(self.year, 1, 1),
            "until": self.today,
            "year": self.year,
        }
        engine, sql = [], []
        self.out(f"\n全部党组织，引擎与手写 SQL 交替运行 {self.runs} 次（{self.load()}）")
        for _ in range(self.runs):
            started = time.perf_counter()
            results = compliance_for(orgs, self.set, self.year, self.today)
            engine.append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(METRICS_SQL, params)
                rows = cursor.fetchall()
            sql.append(time.perf_counter() - started)
        ratio = median(engine) / median(sql)
        self.figures.update(engine=median(engine), sql=median(sql), ratio=ratio)
        met = median(engine) < ENGINE_TARGET and ratio <= RATIO_TARGET
        pairs = [e / q for e, q in zip(engine, sql, strict=True)]
        self.out(
            f"  引擎 compliance_for（{len(results):,} 个党组织）：{self.seconds(engine)}\n"
            f"  手写 SQL（一条查询，{len(rows):,} 行）：{self.seconds(sql)}\n"
            f"  比值 引擎/SQL = {ratio:.2f}（中位数之比；逐次 "
            f"{', '.join(f'{r:.2f}' for r in pairs)}）；目标：引擎 < {ENGINE_TARGET:.0f} s 且"
            f"比值 ≤ {RATIO_TARGET}：{'达到' if met else '未达到'}（{self.load()}）"
        )
        if self.explain:
            self.explain_engine(orgs)
            with connection.cursor() as cursor:
                self.explain_query(cursor.mogrify(METRICS_SQL, params))
        values = {}
        for org_id, *columns, facts in rows:
            found = dict(zip(SQL_METRICS, columns, strict=True))
            # Django reads jsonb as text (JSONField decodes it itself).
            found.update((code, Decimal(value)) for code, value in json.loads(facts).items())
            values[org_id] = found
        return results, values

    def time_engine(self, orgs, label):
        samples = []
        for _ in range(self.runs):
            started = time.perf_counter()
            results = compliance_for(orgs, self.set, self.year, self.today)
            samples.append(time.perf_counter() - started)
        self.out(
            f"  引擎 compliance_for（{label} {len(results):,} 个党组织）：{self.seconds(samples)}"
        )
        if self.explain:
            self.explain_engine(orgs)

    def explain_engine(self, orgs):
        """Each query of one engine run with its time, and the plans of the slowest three."""
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            compliance_for(orgs, self.set, self.year, self.today)
            total = time.perf_counter() - started
        in_db = sum(float(q["time"]) for q in queries.captured_queries)
        self.out(f"  查询 {len(queries)} 条，共 {in_db:.2f} s；Python {total - in_db:.2f} s")
        for query in queries.captured_queries:
            self.out(f"    -- {float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        for query in slowest[:3]:
            self.explain_query(query["sql"])

    def explain_query(self, sql):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            self.out("    " + "\n    | ".join(line for (line,) in cursor.fetchall()))

    # --- the matrix page ---------------------------------------------------------------------

    def matrix(self, rows):
        """The matrix page of the smallest subtree whose matrix has at least `rows` rows (the
        page shows up to MATRIX_PAGE of them); compliance_for over as many organisations
        when the page is not there."""
        try:
            from grassroots.assessments.views.standing import MATRIX_PAGE, matrix_orgs

            reverse("compliance-matrix", args=[1])
        except (ImportError, NoReverseMatch):
            orgs = Organization.objects.order_by("path").values_list("pk", flat=True)[:rows]
            self.out("\n矩阵页 compliance-matrix 尚不存在：只测量 compliance_for")
            self.time_engine(Organization.objects.filter(pk__in=list(orgs)), f"前 {rows} 个")
            return
        candidates = Organization.objects.filter(depth__lt=3).order_by("-depth", "path")
        ancestor = next(
            (a for a in candidates if matrix_orgs(a, self.set).count() >= rows),
            Organization.objects.get(depth=0),
        )
        total = matrix_orgs(ancestor, self.set).count()
        shown = matrix_orgs(ancestor, self.set).values_list("pk", flat=True)[:MATRIX_PAGE]
        self.out(
            f"\n矩阵页：{ancestor.name}，适用该标准的党组织 {total:,} 个，首页显示 "
            f"{min(total, MATRIX_PAGE):,} 个"
        )
        self.time_engine(Organization.objects.filter(pk__in=list(shown)), "首页")
        url = reverse("compliance-matrix", args=[ancestor.pk])
        url += f"?standard={self.set.code}&year={self.year}"
        client = Client(HTTP_HOST="localhost")
        client.force_login(self.user)
        self.get(client, url)  # warm-up
        samples = []
        for _ in range(max(self.runs, PAGE_REQUESTS)):
            started = time.perf_counter()
            size = self.get(client, url)
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        slowest = max(float(q["time"]) for q in queries.captured_queries)
        met = median(samples) < PAGE_TARGET
        self.figures["page"] = median(samples)
        self.page_orgs = list(shown)
        self.out(
            f"  GET {url}：{self.seconds(samples, 1000, 'ms', 0)}，最慢 "
            f"{max(samples) * 1000:.0f} ms；查询 {len(queries)} 条，最慢 {slowest * 1000:.0f} ms；"
            f"页面 {size / 1024:.0f} KiB；目标中位数 < {PAGE_TARGET:.0f} s："
            f"{'达到' if met else '未达到'}（{self.load()}）"
        )

    @staticmethod
    def get(client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} → {response.status_code}: {response.content[:300]!r}")
        return len(response.content)

    # --- stored results ----------------------------------------------------------------------

    def recompute(self, results, used):
        """The full recompute of every measured set's stored results in the year; then the
        stored values of the measured set must be the engine's."""
        sets = measured_sets()
        samples = []
        self.out(f"\n全量重算存储结果：{len(sets)} 套有量化指标的标准（{self.load()}）")
        for _ in range(self.runs):
            started = time.perf_counter()
            written = recompute_all(self.year, sets, self.today)
            samples.append(time.perf_counter() - started)
        met = median(samples) < RECOMPUTE_TARGET
        self.figures.update(recompute=median(samples), rows=written)
        self.out(
            f"  recompute_compliance（写入 {written:,} 条）：{self.seconds(samples)}；"
            f"目标 < {RECOMPUTE_TARGET:.0f} s：{'达到' if met else '未达到'}（{self.load()}）"
        )
        stored = dict(
            ComplianceRecord.objects.filter(standard_set=self.set, year=self.year).values_list(
                "org_id", "values"
            )
        )
        engine = {
            pk: {r.item.metric: r.value for r in found if r.item.metric in used}
            for pk, found in results.items()
            if pk in stored
        }
        kept = {
            pk: {code: None if v is None else Decimal(v) for code, v in values.items()}
            for pk, values in stored.items()
        }
        if engine != kept:
            wrong = [pk for pk in kept if engine.get(pk) != kept[pk]][:10]
            raise CommandError(f"存储结果与引擎不一致：{wrong}")
        self.out(f"  一致：{len(kept):,} 个党组织的存储结果与引擎相同")

    def record(self):
        """Record a study meeting in organisations of the matrix page, each through the
        service with the refresh of its stored results after the commit; the refreshed row
        must be what the engine computes."""
        orgs = list(Organization.objects.filter(pk__in=self.page_orgs[:RECORDED_MEETINGS]))
        day = min(datetime.date(self.year, 12, 31), timezone.localdate())
        samples = []
        for org in orgs:
            present = list(eligible_members(org, day).values_list("pk", flat=True))
            started = time.perf_counter()
            record_meeting(
                self.user, org, MeetingType.STUDY, day, "基准测试", hours=2, attendees=present
            )
            samples.append(time.perf_counter() - started)
            found = ComplianceRecord.objects.get(org=org, standard_set=self.set, year=self.year)
            engine = compliance_for(Organization.objects.filter(pk=org.pk), self.set, self.year)
            values = {r.item.metric: r.value for r in engine[org.pk] if r.item.metric}
            if {c: None if v is None else Decimal(v) for c, v in found.values.items()} != values:
                raise CommandError(f"记录会议后 {org.name} 的存储结果未更新")
        self.figures["record"] = median(samples)
        self.out(
            f"\n记录一次会议（含出席 {len(present)} 人，提交后重算本组织存储结果），"
            f"{len(samples)} 个党组织：{self.seconds(samples, 1000, 'ms', 0)}（{self.load()}）"
        )

    def growth(self, path):
        """The figures of each size, and how each grows from the smallest size."""
        with open(path, encoding="utf-8") as file:
            runs = [json.loads(line) for line in file if line.strip()]
        runs.sort(key=lambda run: run["orgs"])
        if not runs:
            raise CommandError(f"{path} 中没有测量结果")
        columns = [
            ("recompute", "全量重算 s", 1, 1),
            ("page", "矩阵页 ms", 1000, 0),
            ("record", "记录会议 ms", 1000, 0),
            ("engine", "引擎 s", 1, 1),
            ("sql", "SQL s", 1, 1),
        ]
        head = "| 党组织 | 出席记录 | " + " | ".join(label for _, label, _, _ in columns)
        self.out("\n增长（括号内为相对最小规模的倍数）\n" + head + " | 负载 |")
        self.out("|" + "---:|" * (len(columns) + 3))
        first = runs[0]
        for run in runs:
            cells = [
                f"{run[key] * unit:,.{digits}f} (×{run[key] / first[key]:.1f})"
                if key in run and key in first
                else "—"
                for key, _, unit, digits in columns
            ]
            self.out(
                f"| {run['orgs']:,} | {run['attendance']:,} | "
                + " | ".join(cells)
                + f" | {run['load']:.1f} |"
            )
