"""Campaigns benchmark on an empty PostgreSQL database (scripts/bench-campaigns.sh): a city
naming campaign of 26 recommending units × 25 approved applications, each with its review
opinions, an inspection and a survey tally of 200 answered tokens; then the dashboard page's
latency, the public survey endpoint under 20 concurrent clients against gunicorn (with a
check that no answer is lost or counted twice), and the titles register over 10,000 titles.
Rows are bulk inserted without history (docs/benchmarks.md, "Campaigns")."""

import datetime
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.core.models import RoleAssignment
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.management.commands.bench_run import percentile
from grassroots.orgs.models import Organization

from ...choices import (
    Answer,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionState,
    Opinion,
    StageCode,
)
from ...models import (
    Application,
    AwardLevel,
    Campaign,
    Inspection,
    Quota,
    ReviewOpinion,
    Stage,
    SurveyResponse,
    SurveyTally,
    SurveyToken,
    Title,
)

SEED = 11
CLERK = "bench_campaign_clerk"
UNITS, PER_UNIT, RESPONSES = 26, 25, 200
TITLE_CAMPAIGNS = 20  # past campaigns naming the 10,000 titles (one title an org a campaign)
WARMUP = 5
BATCH = 5000
TARGET_MS = 300
TARGET_RATE = 200
ANSWER_WEIGHTS = (80, 15, 5)


class Command(BaseCommand):
    help = "Generate a city-sized naming campaign and measure its dashboard, survey and titles."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
        parser.add_argument("--fresh-tokens", type=int, default=4000)
        parser.add_argument("--posts", type=int, default=3000, help="survey answers sent")
        parser.add_argument("--duplicates", type=int, default=200)
        parser.add_argument("--clients", type=int, default=20)
        # One sync worker a core (2 to 4): on 2 cores, 2 workers answered faster than 3 or 4.
        parser.add_argument("--workers", type=int, default=min(4, max(2, os.cpu_count() or 2)))
        parser.add_argument("--titles", type=int, default=10_000)
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("基准测试只能在 PostgreSQL 上运行，请设置 DATABASE_URL")
        if Organization.objects.exists():
            raise CommandError("数据库中已有党组织，请在新建的空数据库上运行")
        if options["posts"] > options["fresh_tokens"]:
            raise CommandError("--posts 不能多于 --fresh-tokens")
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.explain = options["explain"]
        self.results = []
        started = time.monotonic()
        with transaction.atomic():
            self.generate(options["fresh_tokens"], options["titles"])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.out(f"生成用时 {time.monotonic() - started:.0f} s；{self.counts()}")
        client = Client(HTTP_HOST="localhost")
        client.force_login(self.clerk)
        self.out(f"\n页面与 API（{options['requests']} 次请求，用户：组织单位党务工作者）")
        self.measure(client, f"/campaigns/{self.campaign.pk}/", "活动看板", options["requests"])
        self.measure(client, "/titles/", "称号名册页", options["requests"])
        self.measure(client, "/api/v1/titles/", "称号 API", options["requests"])
        self.survey_load(options)
        self.out("\n结果")
        for line, passed, _ in self.results:
            self.out(f"  {'PASS' if passed else 'FAIL'}  {line}")
        # A slow figure on a busy machine is reported; a lost or double-counted answer fails.
        if not all(passed for _, passed, correctness in self.results if correctness):
            raise CommandError("测评答卷与计数不一致")

    def out(self, text=""):
        self.stdout.write(text)
        self.stdout.flush()

    def verdict(self, line, passed, correctness=False):
        self.results.append((line, passed, correctness))

    # --- data ------------------------------------------------------------------------------------

    def generate(self, fresh_tokens, titles):
        root, units, branches = self.orgs()
        User = get_user_model()
        self.clerk = User.objects.create_user(CLERK, password=None)
        RoleAssignment.objects.create(user=self.clerk, org=root, role=Role.CLERK)
        self.campaign, demo, top = self.naming_campaign(root, units)
        apps = self.applications(root, units, branches, demo)
        self.tallies(apps, fresh_tokens)
        self.titles(root, branches, titles)

    def orgs(self):
        """A city department, 26 district departments and 25 branches under each, with
        explicit ids so that paths are known before writing."""
        rows, units, branches = [], [], []
        root = Organization(
            id=1, name="基准市委组织部", kind=OrgKind.DEPARTMENT, category=Category.OTHER
        )
        root.path, root.depth = "/1/", 0
        rows.append(root)
        next_id = 2
        for number in range(1, UNITS + 1):
            unit = Organization(
                id=next_id,
                name=f"基准市第{number}区委组织部",
                kind=OrgKind.DEPARTMENT,
                category=Category.OTHER,
                parent_id=1,
            )
            unit.path, unit.depth = f"/1/{next_id}/", 1
            next_id += 1
            rows.append(unit)
            units.append(unit)
            for index in range(1, PER_UNIT + 1):
                category = Category.VILLAGE if index % 3 else Category.COMMUNITY
                branch = Organization(
                    id=next_id,
                    name=f"基准市第{number}区第{index}党支部",
                    kind=OrgKind.BRANCH,
                    category=category,
                    parent_id=unit.pk,
                    member_count=20,
                    established_on=datetime.date(2010, 1, 1),
                )
                branch.path, branch.depth = f"{unit.path}{next_id}/", 2
                next_id += 1
                rows.append(branch)
                branches.append(branch)
        Organization.objects.bulk_create(rows)
        with connection.cursor() as cursor:
            table = Organization._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {next_id - 1})")
        return root, units, branches

    def naming_campaign(self, root, units):
        T = self.today
        campaign = Campaign.objects.create(
            organiser=root,
            title=f"{T.year}年基准市基层党组织示范行动",
            kind=CampaignKind.NAMING,
            year=T.year,
            application_deadline=T - datetime.timedelta(days=60),
            stage=StageCode.SURVEY,
            created_by=self.clerk,
        )
        demo = AwardLevel.objects.create(
            campaign=campaign, code="demo", name="示范基层党组织", to_name=260, order=1
        )
        top = AwardLevel.objects.create(
            campaign=campaign,
            code="top",
            name="十佳示范基层党组织",
            to_name=10,
            chosen_from=demo,
            order=2,
        )
        Stage.objects.bulk_create(
            Stage(
                campaign=campaign,
                code=code,
                started_on=T - datetime.timedelta(days=90 - 15 * index),
                deadline=T + datetime.timedelta(days=15 * index - 60),
                closed_on=(
                    T - datetime.timedelta(days=75 - 15 * index)
                    if code != StageCode.SURVEY
                    else None
                ),
            )
            for index, code in enumerate(list(StageCode)[:4])
        )
        Quota.objects.bulk_create(
            [Quota(campaign=campaign, unit=unit, level=demo, quota=PER_UNIT) for unit in units]
            + [Quota(campaign=campaign, unit=unit, level=top, quota=1) for unit in units]
        )
        return campaign, demo, top

    def applications(self, root, units, branches, demo):
        T, clerk = self.today, self.clerk
        apps = []
        for unit_index, unit in enumerate(units):
            for rank, org in enumerate(branches[unit_index * PER_UNIT :][:PER_UNIT], start=1):
                apps.append(
                    Application(
                        campaign=self.campaign,
                        org=org,
                        unit=unit,
                        level=demo,
                        org_name=org.name,
                        leader="张书记",
                        category=Category(org.category).label,
                        location=unit.name,
                        reason="组织建设规范，党员作用发挥明显。" * 10,
                        state=ApplicationState.APPROVED,
                        chain=[[ChainStep.UPPER_COMMITTEE, unit.pk], [ChainStep.ORGANISER, 1]],
                        submitted_on=T - datetime.timedelta(days=65),
                        rank=rank,
                        forwarded_on=T - datetime.timedelta(days=50),
                        created_by=clerk,
                    )
                )
        Application.objects.bulk_create(apps, batch_size=BATCH)
        opinions, inspections = [], []
        for app in apps:
            for step, org, days in (
                (ChainStep.UPPER_COMMITTEE, app.unit, 55),
                (ChainStep.ORGANISER, root, 45),
            ):
                opinions.append(
                    ReviewOpinion(
                        application=app,
                        step=step,
                        org=org,
                        opinion=Opinion.AGREE,
                        text="同意推荐。",
                        signed_by=clerk,
                        signed_on=T - datetime.timedelta(days=days),
                    )
                )
            inspections.append(
                Inspection(
                    org=app.org,
                    application=app,
                    assigned_by_org=app.unit,
                    assigned_by=clerk,
                    due_on=T - datetime.timedelta(days=48),
                    state=InspectionState.RECORDED,
                    score=Decimal(self.rng.randint(860, 965)) / 10,
                    opinion="考察情况良好。",
                    inspected_on=T - datetime.timedelta(days=49),
                    recorded_by=clerk,
                )
            )
        ReviewOpinion.objects.bulk_create(opinions, batch_size=BATCH)
        Inspection.objects.bulk_create(inspections, batch_size=BATCH)
        return apps

    def tallies(self, apps, fresh_tokens):
        """200 answered tokens an application, counters matching; `fresh_tokens` unanswered
        ones spread over the tallies for the load test."""
        tallies, tokens, answers = [], [], []
        for app in apps:
            tally = SurveyTally(campaign=self.campaign, org=app.org, application=app)
            for _ in range(RESPONSES):
                answer = self.rng.choices(list(Answer), ANSWER_WEIGHTS)[0]
                token = SurveyToken(
                    tally=tally, token=secrets.token_urlsafe(16), created_by=self.clerk
                )
                tokens.append(token)
                answers.append((token, answer))
                setattr(tally, answer, getattr(tally, answer) + 1)
            tallies.append(tally)
        SurveyTally.objects.bulk_create(tallies, batch_size=BATCH)
        self.fresh = [
            SurveyToken(
                tally=tallies[index % len(tallies)],
                token=secrets.token_urlsafe(16),
                created_by=self.clerk,
            )
            for index in range(fresh_tokens)
        ]
        for token in tokens + self.fresh:
            token.tally_id = token.tally.pk
        SurveyToken.objects.bulk_create(tokens + self.fresh, batch_size=BATCH)
        SurveyResponse.objects.bulk_create(
            [SurveyResponse(token=token, answer=answer) for token, answer in answers],
            batch_size=BATCH,
        )
        self.answered = [token.token for token, _ in answers]

    def titles(self, root, branches, total):
        """`total` titles named by past campaigns of the city, one title an organisation a
        campaign."""
        per_campaign = -(-total // TITLE_CAMPAIGNS)
        if per_campaign > len(branches):
            raise CommandError(f"--titles 至多为 {TITLE_CAMPAIGNS * len(branches)}")
        rows = []
        for number in range(TITLE_CAMPAIGNS):
            year = self.today.year - 1 - number % 10
            campaign = Campaign.objects.create(
                organiser=root,
                title=f"{year}年基准市示范创建（第{number + 1}批）",
                kind=CampaignKind.NAMING,
                year=year,
                application_deadline=datetime.date(year, 5, 1),
                stage=StageCode.NAMING,
                created_by=self.clerk,
            )
            level = AwardLevel.objects.create(
                campaign=campaign, code="demo", name="示范基层党组织", to_name=per_campaign
            )
            named_on = datetime.date(year, 7, 1) + datetime.timedelta(days=number)
            for org in branches[:per_campaign]:
                if len(rows) == total:
                    break
                rows.append(
                    Title(
                        org=org,
                        campaign=campaign,
                        level=level,
                        org_name=org.name,
                        named_on=named_on,
                        valid_until=named_on.replace(year=year + 3),
                        certificate_number=f"JZ{year}-{number:02d}-{org.pk:05d}",
                    )
                )
        Title.objects.bulk_create(rows, batch_size=BATCH)

    def counts(self):
        return "，".join(
            f"{model._meta.verbose_name} {model.objects.count():,}"
            for model in (
                Organization,
                Application,
                ReviewOpinion,
                Inspection,
                SurveyTally,
                SurveyToken,
                SurveyResponse,
                Title,
            )
        )

    # --- pages -----------------------------------------------------------------------------------

    def measure(self, client, url, label, requests):
        for _ in range(WARMUP):
            self.get(client, url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            self.get(client, url)
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self.get(client, url)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        p95 = percentile(samples, 95)
        self.out(
            f"  GET {url:<20} {label}  p50 {percentile(samples, 50):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {max(samples):7.1f} ms  查询 {len(queries)} 条，最慢 "
            f"{float(slowest['time']) * 1000:.1f} ms"
        )
        self.verdict(f"{label} p95 {p95:.1f} ms（目标 < {TARGET_MS} ms）", p95 < TARGET_MS)
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

    # --- survey under load -----------------------------------------------------------------------

    def survey_load(self, options):
        posts, clients = options["posts"], options["clients"]
        fresh = [token.token for token in self.fresh[:posts]]
        # Duplicates: tokens answered before the run, and tokens answered in it (sent after).
        half = options["duplicates"] // 2
        again = self.rng.sample(self.answered, options["duplicates"] - half)
        again_in_run = self.rng.sample(fresh, half)
        before = self.survey_state()
        port = self.free_port()
        # Django logs each 409 and 404 on stderr: kept apart, shown only on a surprise.
        with tempfile.TemporaryFile(mode="w+") as log:
            server = self.gunicorn(port, options["workers"], log)
            try:
                statuses = Counter()
                started = time.perf_counter()
                self.fire(port, fresh + again, clients, statuses)
                elapsed = time.perf_counter() - started
                duplicates = Counter()
                self.fire(port, again_in_run, clients, duplicates)
            finally:
                server.terminate()
                server.wait(timeout=30)
            if (set(statuses) | set(duplicates)) - {201, 409}:
                log.seek(0)
                self.out(log.read()[-3000:])
        after = self.survey_state()
        created = statuses[201]
        rate = (posts + len(again)) / elapsed
        self.out(
            f"\n公开测评 POST /api/v1/public/survey/{{token}}/（gunicorn {options['workers']} 个"
            f"进程，{clients} 个并发客户端）：{posts + len(again)} 次请求（新测评码 {posts}，"
            f"已用测评码 {len(again)}），用时 {elapsed:.1f} s，{rate:.0f} 次/s；"
            f"状态 {dict(sorted(statuses.items()))}；运行中已用的测评码再次提交 {half} 次："
            f"{dict(sorted(duplicates.items()))}"
        )
        self.out(
            f"  答卷 {before['responses']:,} → {after['responses']:,}，"
            f"计数合计 {before['counted']:,} → {after['counted']:,}，"
            f"计数与答卷不一致的测评 {after['mismatched']} 个"
        )
        self.verdict(f"公开测评 {rate:.0f} 次/s（目标 ≥ {TARGET_RATE} 次/s）", rate >= TARGET_RATE)
        self.verdict(
            f"新测评码全部 201（{created}/{posts}）",
            created == posts and statuses[409] == len(again),
            correctness=True,
        )
        self.verdict(
            f"重复提交全部 409（{statuses[409] + duplicates[409]}/{len(again) + half}）",
            statuses[409] == len(again) and duplicates[409] == half,
            correctness=True,
        )
        self.verdict(
            f"答卷增加 {after['responses'] - before['responses']}、计数增加 "
            f"{after['counted'] - before['counted']}，等于 201 的次数 {created}，无不一致",
            after["responses"] - before["responses"] == created
            and after["counted"] - before["counted"] == created
            and after["mismatched"] == 0,
            correctness=True,
        )

    def survey_state(self):
        sums = SurveyTally.objects.aggregate(
            s=Sum("satisfied"), b=Sum("basically_satisfied"), d=Sum("dissatisfied")
        )
        counted = Counter(
            {
                (row["token__tally_id"], row["answer"]): row["n"]
                for row in SurveyResponse.objects.values("token__tally_id", "answer").annotate(
                    n=Count("pk")
                )
            }
        )
        mismatched = sum(
            1
            for pk, s, b, d in SurveyTally.objects.values_list(
                "pk", "satisfied", "basically_satisfied", "dissatisfied"
            )
            if (s, b, d)
            != (
                counted[pk, Answer.SATISFIED],
                counted[pk, Answer.BASICALLY_SATISFIED],
                counted[pk, Answer.DISSATISFIED],
            )
        )
        return {
            "responses": SurveyResponse.objects.count(),
            "counted": sums["s"] + sums["b"] + sums["d"],
            "mismatched": mismatched,
        }

    @staticmethod
    def free_port():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def gunicorn(self, port, workers, log):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "grassroots.settings.base"
            ),
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "THROTTLE_PUBLIC": "1000000/s",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "grassroots.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn 启动失败")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            server.terminate()
            raise CommandError("gunicorn 60 秒内未就绪")
        # Each worker imports the project on its first request: warm them all.
        for _ in range(workers * 3):
            self.post(port, "warm-up-unknown-token")
        return server

    def fire(self, port, tokens, clients, statuses):
        queue = list(reversed(tokens))
        lock = threading.Lock()

        def worker():
            while True:
                with lock:
                    if not queue:
                        return
                    token = queue.pop()
                status = self.post(port, token)
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @staticmethod
    def post(port, token):
        answer = random.choices(list(Answer), ANSWER_WEIGHTS)[0]
        body = json.dumps({"answer": answer, "answers": []})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(
                "POST",
                f"/api/v1/public/survey/{token}/",
                body=body,
                headers={"Content-Type": "application/json", "Host": "localhost"},
            )
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()
