"""A workflow's official documents (seed 004's templates 1–9): which ones its current state
can produce, each rendered from the records, and all of them as one zip.

- `available_documents(workflow)` → [DocumentRef(slug, title, filename)], in filing order:
  the request (template 1, 4 or 7), one filing form per candidate (template 2, 5 or 8),
  the member roster (template 3) from the draft on; the result report (template 6 or 9;
  an establishment's founding election reads as template 6) once the election is
  confirmed and, where a committee is elected, its first meeting recorded.
- `render(workflow, slug, user=None)` → .docx bytes; `render_pdf` the same as PDF.
- `dossier(workflow, user=None)` → zip bytes of every available document.
- `signer_of(workflow)` → the 签发人 the requests print: as entered, else the secretary.

`user` decides whether the roster and the forms show personal data in full
(`orgs.personal_data`); None masks them. Whether `user` may see the
workflow at all is the caller's business (`Workflow.objects.visible_to`).
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from grassroots.documents import renderers
from grassroots.documents.adapters import (
    KIND_WORDS,
    host_unit_name,
    org_kind_word,
    person_from_member,
    roster_of,
)
from grassroots.documents.data import (
    GENERAL_BASIS,
    OFFICE_HEAD,
    SOCIETY_BASIS,
    Appointment,
    Attendance,
    ByElectionRequest,
    ByElectionResult,
    CandidateForm,
    EstablishmentRequest,
    FilingForm,
    GeneralElectionRequest,
    GeneralElectionResult,
    Issue,
    MeetingAgenda,
    VacatedPost,
    Vote,
    general_meeting_agenda,
)
from grassroots.documents.formats import committee_word, normalize_document_number, unit_of
from grassroots.documents.pdf import docx_to_pdf
from grassroots.documents.zip import dossier_zip
from grassroots.elections import services
from grassroots.elections.choices import EDITABLE_STATES, Action, OfficerRole, State, WorkflowKind
from grassroots.elections.models import Workflow
from grassroots.orgs.choices import Category, PostKind
from grassroots.orgs.models import Post
from grassroots.orgs.rules import SOCIETY_CATEGORIES

REQUEST, ROSTER, RESULT, AGENDA = "request", "roster", "result", "agenda"
FORM = "form-"  # + the candidate's id
FORM_SLUG = re.compile(r"^form-(\d+)$")

REQUEST_TITLES = {
    WorkflowKind.ESTABLISHMENT: "成立党组织的请示",
    WorkflowKind.GENERAL: "换届选举及候选人预备人选的请示",
    WorkflowKind.BY_ELECTION: "委员补选的请示",
}
FORM_TITLES = {
    WorkflowKind.ESTABLISHMENT: "党组织人员备案表",
    WorkflowKind.GENERAL: "候选人预备人选备案表",
    WorkflowKind.BY_ELECTION: "候选人预备人选备案表",
}
RESULT_TITLES = {
    WorkflowKind.ESTABLISHMENT: "首届选举结果的请示",
    WorkflowKind.GENERAL: "换届选举结果的请示",
    WorkflowKind.BY_ELECTION: "委员补选结果的请示",
}
ROSTER_TITLE = "党员名册"
AGENDA_TITLE = "党员大会议程"
# Seed 004's template numbers, named with each document on the pages (模板N).
TEMPLATES = {
    WorkflowKind.ESTABLISHMENT: {REQUEST: 1, FORM: 2, ROSTER: 3, RESULT: 6},
    WorkflowKind.GENERAL: {REQUEST: 4, FORM: 5, ROSTER: 3, RESULT: 6},
    WorkflowKind.BY_ELECTION: {REQUEST: 7, FORM: 8, ROSTER: 3, RESULT: 9},
}
# Printed once the request is approved: the meeting to hold (seed 004's 换届大会议程).
AGENDA_KINDS = frozenset({WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION})
# Once the election is confirmed (and the committee has met, where one is elected).
RESULT_STATES = frozenset(
    {State.RESULT_SUBMITTED, State.RESULT_RETURNED, State.COMPLETED, State.CONSTITUTED}
)
UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')
# Who signs a request (签发人) when none is entered: the first of these posts held.
SIGNER_POSTS = (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY)


class DocumentNotAvailable(LookupError):
    """No such document for this workflow, or not in its current state."""


@dataclass(frozen=True)
class DocumentRef:
    slug: str
    title: str  # Chinese, for links and lists
    filename: str  # .docx
    template: int | None = None  # seed 004's 模板N

    @property
    def label(self):
        """The title with its template, as the pages name it: 换届选举…的请示（模板4）."""
        return f"{self.title}（模板{self.template}）" if self.template else self.title


def template_names(kind):
    """{part: its title with the template, e.g. 换届选举及候选人预备人选的请示（模板4）} of
    the request's parts ("request", "form", "roster"), as the forms name them."""
    numbers = TEMPLATES.get(kind)
    if numbers is None:
        return {}
    titles = {
        "request": (REQUEST_TITLES[kind], numbers[REQUEST]),
        "form": (FORM_TITLES[kind], numbers[FORM]),
        "roster": (ROSTER_TITLE, numbers[ROSTER]),
    }
    return {part: f"{title}（模板{number}）" for part, (title, number) in titles.items()}


def _filename(*parts):
    return UNSAFE_IN_FILENAME.sub("_", "-".join(p for p in parts if p)) + ".docx"


def has_result(workflow) -> bool:
    """Whether the result report can be written: the count confirmed and, where a committee
    is elected, its first meeting recorded (without one the report follows the count)."""
    if workflow.state in RESULT_STATES:
        return True
    return workflow.state == State.ELECTED and not services.with_committee_meeting(workflow)


def available_documents(workflow) -> list[DocumentRef]:
    """The documents the workflow's current state can produce, in filing order."""
    return _Sources(workflow).refs


def document_ref(workflow, slug) -> DocumentRef:
    """The DocumentRef of `slug` if the workflow can produce it now; else
    DocumentNotAvailable."""
    for ref in available_documents(workflow):
        if ref.slug == slug:
            return ref
    raise DocumentNotAvailable(slug)


def signer_of(workflow) -> str:
    """The 签发人 the requests print (empty where nobody is known)."""
    return _Sources(workflow).signer


def render(workflow, slug, user=None) -> bytes:
    """The document `slug` (of `available_documents`) as .docx bytes; raises
    DocumentNotAvailable for any other slug."""
    return _Sources(workflow, user).render(slug)


def render_pdf(workflow, slug, user=None) -> bytes:
    """The same as PDF through LibreOffice; raises pdf.PdfUnavailable without it."""
    return docx_to_pdf(render(workflow, slug, user))


def dossier(workflow, user=None) -> bytes:
    """Every available document of the workflow as one zip, file names numbered in filing
    order."""
    sources = _Sources(workflow, user)
    return dossier_zip(
        {
            f"{i:02d}-{ref.filename}": sources.render(ref.slug)
            for i, ref in enumerate(sources.refs, 1)
        }
    )


def dossier_filename(workflow) -> str:
    name = _filename(workflow.subject_name, f"{workflow.get_kind_display()}材料")
    return name.removesuffix(".docx") + ".zip"


def _last_day(transitions, actions):
    """The day of the latest transition among `actions`, or None."""
    days = [t.at for t in transitions if t.action in actions]
    return timezone.localdate(max(days)) if days else None


class _Sources:
    """The records one workflow's documents read, each loaded once (a dossier renders all
    its documents from one of these)."""

    def __init__(self, workflow: Workflow, user=None):
        self.workflow = workflow
        self.user = user
        self.kind = workflow.kind

    # --- what there is ----------------------------------------------------------------------

    @cached_property
    def refs(self):
        """Nothing for an organisation no template fits (a department, a party group: its
        draft cannot be submitted either); the result once someone is elected."""
        if self.workflow.subject_kind not in KIND_WORDS or self.kind not in TEMPLATES:
            return []
        subject = self.workflow.subject_name
        numbers = TEMPLATES[self.kind]
        refs = [(REQUEST, REQUEST_TITLES[self.kind], numbers[REQUEST])]
        form = FORM_TITLES[self.kind]
        refs += [
            (f"{FORM}{c.pk}", f"{form}（{c.member.name}）", numbers[FORM]) for c in self.candidates
        ]
        refs.append((ROSTER, ROSTER_TITLE, numbers[ROSTER]))
        if self.kind in AGENDA_KINDS and self.workflow.state not in EDITABLE_STATES | {
            State.SUBMITTED,
            State.WITHDRAWN,
        }:
            refs.append((AGENDA, AGENDA_TITLE, None))
        if has_result(self.workflow) and any(c.elected_in_id for c in self.candidates):
            refs.append((RESULT, RESULT_TITLES[self.kind], numbers[RESULT]))
        return [
            DocumentRef(slug, title, _filename(subject, title), number)
            for slug, title, number in refs
        ]

    def render(self, slug):
        if slug not in {ref.slug for ref in self.refs}:
            raise DocumentNotAvailable(slug)
        if slug == REQUEST:
            return self.request()
        if slug == ROSTER:
            return renderers.render_roster(self.roster())
        if slug == RESULT:
            return self.result()
        if slug == AGENDA:
            return renderers.render_meeting_agenda(self.agenda())
        candidate_id = int(FORM_SLUG.match(slug)[1])
        return self.form(next(c for c in self.candidates if c.pk == candidate_id))

    # --- records ----------------------------------------------------------------------------

    @cached_property
    def org(self):
        return self.workflow.org

    @cached_property
    def candidates(self):
        return list(
            self.workflow.candidates.select_related("member__org", "elected_in").order_by(
                "order", "pk"
            )
        )

    @cached_property
    def transitions(self):
        return list(self.workflow.transitions.all())

    @cached_property
    def org_name(self):
        return self.workflow.subject_name

    @cached_property
    def kind_word(self):
        return org_kind_word(self.workflow.subject_kind)

    @cached_property
    def is_society(self):
        return self.workflow.subject_category in SOCIETY_CATEGORIES

    @cached_property
    def unit_name(self):
        """The unit the organisation is formed in: its host unit where linked, else the
        unit its name is made of (an organisation to establish has no link yet)."""
        linked = host_unit_name(self.org) if self.org is not None else None
        return linked or unit_of(self.org_name)

    @cached_property
    def signer(self):
        """The 签发人 entered, else the secretary (the deputy while the post is vacant): the
        organisation's current one, or for an establishment the one proposed."""
        if self.workflow.signer:
            return self.workflow.signer
        if self.kind == WorkflowKind.ESTABLISHMENT:
            holders = [(c.proposed_post, c.member.name) for c in self.candidates]
        else:
            holders = (
                Post.objects.current()
                .filter(term__org=self.org, post__in=SIGNER_POSTS)
                .order_by("started_on", "pk")
                .values_list("post", "member__name")
            )
        first = {}
        for post, name in holders:
            first.setdefault(post, name)
        return next((first[post] for post in SIGNER_POSTS if post in first), "")

    @cached_property
    def upper_name(self):
        upper = services.upper_org(self.workflow)
        return upper.name if upper is not None else ""

    def issue(self, number, actions):
        """Dated the day it went to the level above; a request not sent yet is dated
        today, the day it is printed for signing."""
        day = _last_day(self.transitions, actions) or timezone.localdate()
        # A society's organisation writes under the society's name, as does any unit asking
        # to form one; other organisations under their own.
        own = self.kind != WorkflowKind.ESTABLISHMENT and not self.is_society
        return Issue(
            issuer=self.org_name if own else self.unit_name,
            document_number=normalize_document_number(number),
            date=day,
            addressee=self.upper_name,
            signer=self.signer,
        )

    @cached_property
    def request_issue(self):
        return self.issue(self.workflow.doc_number, {Action.SUBMIT})

    @cached_property
    def rounds(self):
        """The confirmed rounds that elected (void ones were held again), in order."""
        rounds = self.workflow.rounds.filter(confirmed_at__isnull=False).order_by("number")
        return [r for r in rounds if r.result and r.result["valid"]]

    @cached_property
    def names(self):
        return {str(c.pk): c.member.name for c in self.candidates}

    def votes_of(self, count_round):
        rows = sorted(count_round.result["votes"], key=lambda row: -row["votes"])
        return tuple(Vote(self.names[row["name"]], row["votes"]) for row in rows)

    @cached_property
    def elected(self):
        """Elected candidates, round by round, most votes first."""
        votes = {
            (r.pk, row["name"]): row["votes"] for r in self.rounds for row in r.result["votes"]
        }
        elected = [c for c in self.candidates if c.elected_in_id is not None]
        return sorted(
            elected,
            key=lambda c: (c.elected_in.number, -votes.get((c.elected_in_id, str(c.pk)), 0)),
        )

    def term_before(self):
        """The term the request renews or completes: the current one, or once a general
        election is approved the one before the new term."""
        terms = self.org.terms.all()
        if self.kind == WorkflowKind.GENERAL and self.workflow.term_id:
            return terms.filter(number__lt=self.workflow.term.number).order_by("-number").first()
        if self.workflow.term_id:
            return self.workflow.term
        return terms.filter(ended_on__isnull=True).first()

    def post_label(self, candidate):
        post = candidate.proposed_post or PostKind.MEMBER
        return PostKind(post).label

    # --- documents --------------------------------------------------------------------------

    def request(self):
        if self.kind == WorkflowKind.ESTABLISHMENT:
            return renderers.render_establishment_request(self.establishment_request())
        if self.kind == WorkflowKind.GENERAL:
            data, committee = self.general_request()
            return renderers.render_general_election_request(data, committee)
        return renderers.render_by_election_request(self.by_election_request())

    def establishment_request(self):
        workflow = self.workflow
        committee = [Appointment(self.post_label(c), c.member.name) for c in self.candidates]
        if workflow.office_head:
            committee.append(Appointment(OFFICE_HEAD, workflow.office_head))
        return EstablishmentRequest(
            issue=self.request_issue,
            society_name=self.unit_name,
            org_name=self.org_name,
            org_kind=self.kind_word,
            decided_on=workflow.decided_on,
            decided_by=workflow.decided_by,
            member_count=workflow.roster.count(),
            committee=tuple(committee),
            is_society=self.is_society,
            basis=SOCIETY_BASIS
            if self.workflow.subject_category == Category.SCI_TECH_SOCIETY
            else GENERAL_BASIS,
        )

    def general_request(self):
        term = self.term_before()
        by_post = {}
        for c in self.candidates:
            by_post.setdefault(c.proposed_post, []).append(c.member.name)
        data = GeneralElectionRequest(
            issue=self.request_issue,
            org_name=self.org_name,
            org_kind=self.kind_word,
            term_started_on=term.started_on if term else None,
            term_ends_on=term.planned_end_on if term else None,
            meeting_on=self.workflow.meeting_planned_on,
            seats=self.workflow.seats,
            candidates=tuple(c.member.name for c in self.candidates),
            secretary_candidate=next(iter(by_post.get(PostKind.SECRETARY, [])), ""),
            deputy_candidates=tuple(by_post.get(PostKind.DEPUTY_SECRETARY, [])),
            is_society=self.is_society,
        )
        return data, services.with_committee_meeting(self.workflow)

    def vacancies(self):
        """委员出现空缺×人: the committee's size less its members, counted before the
        by-election's own appointments."""
        size = self.workflow.committee_size
        if not size:
            return None
        posts = Post.objects.current().filter(term__org=self.org)
        members = posts.values("member_id").distinct().count()
        if self.workflow.state == State.COMPLETED:
            members -= len(self.elected)
        return max(size - members, 0)

    def by_election_request(self):
        term = self.term_before()
        return ByElectionRequest(
            issue=self.request_issue,
            org_name=self.org_name,
            org_kind=self.kind_word,
            is_society=self.is_society,
            term_started_on=term.started_on if term else None,
            meeting_on=self.workflow.meeting_planned_on,
            seats=self.workflow.committee_size,
            vacancies=self.vacancies(),
            candidates=tuple(c.member.name for c in self.candidates),
            vacated=tuple(
                VacatedPost(
                    name=v.post.member.name,
                    post=v.post.get_post_display(),
                    left_on=v.post.ended_on,
                    cause=v.get_cause_display(),
                )
                for v in self.workflow.vacancies.select_related("post__member")
            ),
        )

    def agenda(self):
        """The meeting's agenda: seed 004's seven steps for a general election, template
        7's two items for a by-election; with the scrutineers and tellers recorded."""
        officers = {role: [] for role in OfficerRole.values}
        for officer in self.workflow.officers.select_related("member").order_by("pk"):
            officers[officer.role].append(officer.member.name)
        held = self.workflow.rounds.order_by("number").values_list("held_on", flat=True).first()
        if self.kind == WorkflowKind.GENERAL:
            steps = general_meeting_agenda(self.upper_name, self.is_society)
        else:
            kind, body = self.kind_word, committee_word(self.kind_word)
            prefix = "学会" if self.is_society else ""
            steps = (f"{prefix}{kind}委员变更说明；", f"补选{body}委员。")
        return MeetingAgenda(
            org_name=self.org_name,
            title=f"{'换届选举' if self.kind == WorkflowKind.GENERAL else '补选'}{AGENDA_TITLE}",
            meeting_on=held or self.workflow.meeting_planned_on,
            steps=steps,
            scrutineers=tuple(officers[OfficerRole.SCRUTINEER]),
            tellers=tuple(officers[OfficerRole.TELLER]),
        )

    def form(self, candidate):
        person = person_from_member(candidate.member, self.user)
        if self.kind == WorkflowKind.ESTABLISHMENT:
            return renderers.render_filing_form(
                FilingForm(
                    society_name=self.unit_name,
                    person=person,
                    proposed_post=self.post_label(candidate),
                    performance=candidate.performance,
                    approver=self.upper_name,
                    is_society=self.is_society,
                )
            )
        data = CandidateForm(
            org_name=self.org_name,
            person=person,
            proposed_post=self.post_label(candidate),
            performance=candidate.performance,
            approver=self.upper_name,
            is_society=self.is_society,
        )
        if self.kind == WorkflowKind.GENERAL:
            return renderers.render_candidate_form(data)
        return renderers.render_by_election_candidate_form(data)

    def roster(self):
        """The founding members (establishment) or those expected at the meeting."""
        if self.kind == WorkflowKind.ESTABLISHMENT:
            members = [e.member for e in self.workflow.roster.select_related("member__org")]
            members.sort(key=lambda m: (m.org.path, m.name, m.pk))
        else:
            members = services.meeting_members(self.workflow).select_related("org")
            members = members.order_by("org__path", "name", "pk")
        return roster_of(self.org_name, members, self.user, as_of=timezone.localdate())

    def result(self):
        first, *later = self.rounds  # someone is elected: a valid round was confirmed
        issue = self.issue(self.workflow.result_doc_number, {Action.SUBMIT_RESULT})
        attendance = Attendance(
            expected_voters=first.inputs["expected_voters"],
            present_voters=first.inputs["present_voters"],
            expected_members=first.expected_members,
            present_members=first.present_members,
        )
        committee = services.with_committee_meeting(self.workflow)
        meeting = {
            "committee_expected": self.workflow.committee_expected if committee else None,
            "committee_present": self.workflow.committee_present if committee else None,
            "committee_met_on": self.workflow.committee_met_on if committee else None,
        }
        common = {
            "issue": issue,
            "org_name": self.org_name,
            "org_kind": self.kind_word,
            "meeting_on": first.held_on,
            "attendance": attendance,
            "votes": self.votes_of(first),
            "elected": tuple(c.member.name for c in self.elected),
            "runoffs": tuple(self.votes_of(r) for r in later),
            **meeting,
        }
        if self.kind == WorkflowKind.BY_ELECTION:
            divisions = tuple(
                Appointment(PostKind(services.final_post(c)).label, c.member.name)
                for c in self.elected
            )
            return renderers.render_by_election_result(
                ByElectionResult(
                    **common,
                    is_society=self.is_society,
                    divisions=divisions if committee else (),
                )
            )
        return renderers.render_general_election_result(
            GeneralElectionResult(
                **common,
                **self.leaders(committee),
                founding=self.kind == WorkflowKind.ESTABLISHMENT,
            )
        )

    def leaders(self, committee):
        """Secretary and deputies with their votes (the committee's, or without a committee
        the members' meeting's), and the other posts divided at the committee meeting."""
        votes = {row["name"]: row["votes"] for r in self.rounds for row in r.result["votes"]}

        def vote(c):
            return Vote(c.member.name, c.post_votes if committee else votes[str(c.pk)])

        by_post = {}
        for c in self.elected:
            by_post.setdefault(services.final_post(c), []).append(c)
        secretary = next(iter(by_post.get(PostKind.SECRETARY, [])), None)
        divided = (PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE)
        return {
            "secretary": vote(secretary) if secretary else None,
            "deputies": tuple(vote(c) for c in by_post.get(PostKind.DEPUTY_SECRETARY, [])),
            "divisions": tuple(
                Appointment(PostKind(post).label, c.member.name)
                for post in divided
                for c in by_post.get(post, [])
            )
            if committee
            else (),
        }
