"""Time the documents (seed 004's templates 1–9): each template rendered from plain data,
one document and a whole general-election dossier (7 seats, 9 candidates: request, 9 forms,
roster, result) read from the records. The records are made in a transaction that is rolled back."""

import datetime
import os
import time
from functools import partial

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from grassroots.core.choices import Role
from grassroots.core.identifiers import build_citizen_id
from grassroots.core.models import RoleAssignment
from grassroots.documents import renderers, samples
from grassroots.elections import services
from grassroots.elections.choices import WorkflowKind
from grassroots.elections.documents import available_documents, dossier, render
from grassroots.orgs.choices import Category, Education, Gender, MemberStatus, OrgKind, PostKind
from grassroots.orgs.management.commands.bench_run import percentile
from grassroots.orgs.models import HostUnit, HostUnitLink, Member, Organization, Term

ONE_DOCUMENT_MS = 300
DOSSIER_MS = 2000
SEATS, CANDIDATES, MEMBERS = 7, 9, 12
MEETING = datetime.date(2026, 8, 20)
SAMPLES = (
    ("模板1 成立请示", renderers.render_establishment_request, samples.establishment_request),
    ("模板2 人员备案表", renderers.render_filing_form, samples.filing_form),
    ("模板3 党员名册（20人）", renderers.render_roster, samples.roster),
    ("模板4 换届请示", renderers.render_general_election_request, samples.general_election_request),
    ("模板5 候选人备案表", renderers.render_candidate_form, samples.candidate_form),
    (
        "模板6 换届结果请示",
        renderers.render_general_election_result,
        samples.general_election_result,
    ),
    ("模板7 补选请示", renderers.render_by_election_request, samples.by_election_request),
    ("模板8 候选人备案表", renderers.render_by_election_candidate_form, samples.candidate_form),
    ("模板9 补选结果请示", renderers.render_by_election_result, samples.by_election_result),
)


class Rollback(Exception):
    pass


def timed(function, runs):
    """Wall and CPU milliseconds of `runs` calls; CPU time shows the cost on a busy machine,
    where wall time also counts waiting for a core."""
    function()  # warm-up: the styled base documents are built once per process
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def general_election_in_records():
    """A society's branch of 12 full members whose general election (7 seats, 9 candidates)
    has been counted and whose committee has met: every document of the workflow exists."""
    users = get_user_model().objects
    root = Organization.objects.create(
        name="基准科技社团党委", kind=OrgKind.COMMITTEE, category=Category.OTHER
    )
    branch = Organization.objects.create(
        name="基准化学化工学会党支部",
        parent=root,
        kind=OrgKind.BRANCH,
        category=Category.SCI_TECH_SOCIETY,
    )
    HostUnitLink.objects.create(org=branch, unit=HostUnit.objects.create(name="基准化学化工学会"))
    Term.objects.create(
        org=branch,
        number=1,
        started_on=datetime.date(2023, 8, 1),
        planned_end_on=datetime.date(2026, 7, 31),
    )
    members = []
    for i in range(MEMBERS):
        person = samples.person(i)
        members.append(
            Member.objects.create(
                name=person.name,
                gender=Gender.FEMALE if i % 2 else Gender.MALE,
                birth_date=person.birth_date,
                id_number=build_citizen_id("630102", person.birth_date, 2 * i + 1 - i % 2),
                joined_on=person.joined_on,
                status=MemberStatus.FULL,
                education=Education.POSTGRADUATE,
                graduated_from=person.graduated_from,
                professional_title=person.professional_title,
                expertise=person.expertise,
                job_title=person.job_title,
                society_title=person.society_title,
                resume=person.resume,
                phone=person.phone,
                work_started_on=person.work_started_on,
                org=branch,
            )
        )
    clerk = users.create_user("bench_documents_clerk")
    reviewer = users.create_user("bench_documents_reviewer")
    RoleAssignment.objects.create(user=clerk, org=branch, role=Role.CLERK)
    RoleAssignment.objects.create(user=reviewer, org=root, role=Role.REVIEWER)
    posts = {0: PostKind.SECRETARY, 1: PostKind.DEPUTY_SECRETARY}
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=branch,
        seats=SEATS,
        meeting_planned_on=MEETING,
        doc_number="基化学〔2026〕7号",
        candidates=[
            {"member": m, "proposed_post": posts.get(i, "")}
            for i, m in enumerate(members[:CANDIDATES])
        ],
    )
    services.submit(clerk, workflow)
    services.approve_request(reviewer, workflow)
    ids = list(workflow.candidates.order_by("order").values_list("pk", flat=True))
    services.record_count(
        clerk,
        workflow,
        held_on=MEETING,
        expected_members=MEMBERS,
        expected_voters=MEMBERS,
        present_members=11,
        present_voters=11,
        ballots_issued=11,
        ballots_returned=11,
        invalid_ballots=0,
        votes=dict(zip(ids, [11, 10, 10, 9, 9, 8, 7, 3, 2], strict=True)),
    )
    services.confirm_result(clerk, workflow)
    divided = iter([PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE])
    services.record_committee_meeting(
        clerk,
        workflow,
        met_on=MEETING,
        expected=SEATS,
        present=SEATS,
        posts={
            c.pk: c.proposed_post or next(divided, PostKind.MEMBER)
            for c in services.elected_candidates(workflow)
        },
        votes={PostKind.SECRETARY: 7, PostKind.DEPUTY_SECRETARY: 6},
    )
    return workflow, clerk


class Command(BaseCommand):
    help = "Time rendering the documents and a general election's dossier; print p50/p95."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="timed runs per case")

    def handle(self, *args, **options):
        runs = max(options["runs"], 2)
        load = " ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(f"每项计时 {runs} 次（另有 1 次预热），单位 ms；负载 {load}")
        self.stdout.write("-- 单份公文（由数据直接生成，不读数据库）")
        worst = 0.0
        for label, render_one, sample in SAMPLES:
            worst = max(worst, self.report(label, timed(partial(render_one, sample()), runs)))
        try:
            with transaction.atomic():
                self.from_records(runs, worst)
                raise Rollback
        except Rollback:
            pass

    def from_records(self, runs, worst):
        workflow, clerk = general_election_in_records()
        refs = available_documents(workflow)
        self.stdout.write(f"-- 由换届选举事项的记录生成（{CANDIDATES}名候选人，{len(refs)}份材料）")
        for slug, label in (("request", "换届请示（模板4）"), ("result", "结果请示（模板6）")):
            timings = timed(partial(render, workflow, slug, clerk), runs)
            worst = max(worst, self.report(label, timings))
        timings = timed(partial(dossier, workflow, clerk), runs)
        whole = self.report(f"全部材料 zip（{len(refs)}份）", timings)
        verdict = worst < ONE_DOCUMENT_MS and whole < DOSSIER_MS
        self.stdout.write(
            f"单份公文 p95 最大 {worst:.1f} ms（要求 < {ONE_DOCUMENT_MS} ms）；"
            f"全部材料 p95 {whole:.1f} ms（要求 < {DOSSIER_MS} ms）："
            + ("达标" if verdict else "未达标")
        )

    def report(self, label, timings):
        wall, cpu = timings
        p50, p95 = percentile(wall, 50), percentile(wall, 95)
        self.stdout.write(
            f"{label}\t p50 {p50:7.1f}  p95 {p95:7.1f}  "
            f"(CPU p50 {percentile(cpu, 50):6.1f}  p95 {percentile(cpu, 95):6.1f})"
        )
        return p95
