"""Workflows of an organisation's life: establishment (成立), general election (换届) and
by-election (补选), each a request to the level above that goes through the states of
`rules.TRANSITIONS`. Every state change is one function of `services.py` and leaves a
`Transition` row (who, when, comment): the workflow's timeline.

The election meeting is recorded as rounds (`Round`): a tie at the last seat or seats left
unfilled lead to another round, and a void election is held again. A round's count is frozen
when confirmed: `Round.inputs` is exactly what the tally was given, `Round.result` what it
answered.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grassroots.core.access import ScopedQuerySet
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.models import Member, Organization, TimeStamped

from .choices import (
    CLOSED_STATES,
    Action,
    CountMode,
    OfficerRole,
    State,
    VacancyCause,
    WorkflowKind,
)

# 工作表现 is a paragraph, not a report: past about 120 characters the filing form's rows for
# the seals already move to a second page.
PERFORMANCE_LENGTH = 300


class WorkflowQuerySet(ScopedQuerySet):
    # Workflows name their candidates: viewing them needs the roster.
    names_people = True

    def scope_condition(self, scope, permission):
        """Workflows of organisations in the user's subtree; an establishment not yet
        carried out belongs to the parent it is proposed under."""
        if scope.is_unrestricted(permission):
            return Q()
        return scope.q(permission, "org__path") | (
            Q(org__isnull=True) & scope.q(permission, "parent__path")
        )

    def open(self):
        return self.exclude(state__in=CLOSED_STATES)


class Workflow(TimeStamped):
    kind = models.CharField("事项", max_length=20, choices=WorkflowKind.choices)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    org = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflows",
        help_text="成立党组织的事项在批准前为空",
    )
    # Establishment only: where the organisation is proposed (elections read org.parent).
    parent = models.ForeignKey(
        Organization,
        verbose_name="上级党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )

    # The proposed organisation (establishment, template 1).
    proposed_name = models.CharField("拟成立组织名称", max_length=200, blank=True)
    proposed_short_name = models.CharField("拟成立组织简称", max_length=100, blank=True)
    proposed_kind = models.CharField(
        "拟成立组织类型", max_length=20, choices=OrgKind.choices, blank=True
    )
    proposed_category = models.CharField(
        "拟成立组织所属领域", max_length=20, choices=Category.choices, blank=True
    )
    decided_on = models.DateField("研究决定日期", null=True, blank=True)
    decided_by = models.CharField(
        "研究决定的会议", max_length=100, blank=True, help_text="如：第三届理事会第五次理事会议"
    )
    office_head = models.CharField("办公室负责人", max_length=50, blank=True)

    # The request (templates 1, 4, 7).
    doc_number = models.CharField("请示文号", max_length=50, blank=True)
    signer = models.CharField(
        "签发人",
        max_length=50,
        blank=True,
        help_text="留空则按书记（书记空缺时按副书记）打印",
    )
    meeting_planned_on = models.DateField("拟召开党员大会日期", null=True, blank=True)
    seats = models.PositiveSmallIntegerField("应选名额", null=True, blank=True)
    committee_size = models.PositiveSmallIntegerField(
        "委员会职数", null=True, blank=True, help_text="补选：委员会由几人组成"
    )
    reason = models.TextField("事由", blank=True, help_text="补选：委员出现空缺的原因")

    # The first meeting of the (new or completed) committee (templates 6, 9).
    committee_met_on = models.DateField("委员会第一次全体会议日期", null=True, blank=True)
    committee_expected = models.PositiveSmallIntegerField("应到会委员", null=True, blank=True)
    committee_present = models.PositiveSmallIntegerField("实到会委员", null=True, blank=True)
    committee_result = models.JSONField("书记、副书记选举计票", null=True, blank=True)

    result_doc_number = models.CharField("结果报告文号", max_length=50, blank=True)
    term = models.ForeignKey(
        "orgs.Term",
        verbose_name="届次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="批准后：新一届（成立、换届）或补选所在的本届",
    )

    history = HistoricalRecords()
    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = "成立、换届、补选事项"
        verbose_name_plural = "成立、换届、补选事项"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "kind"], name="workflow_state_kind")]

    def __str__(self):
        return f"{self.subject_name}{self.get_kind_display()}"

    @property
    def subject_name(self):
        return self.org.name if self.org_id else self.proposed_name

    @property
    def subject_path(self):
        """Where the workflow sits in the tree: the organisation, or (establishment before
        approval) the parent it is proposed under."""
        return self.org.path if self.org_id else self.parent.path

    @property
    def subject_kind(self):
        return self.org.kind if self.org_id else self.proposed_kind

    @property
    def subject_category(self):
        return self.org.category if self.org_id else self.proposed_category


class Candidate(TimeStamped):
    """A candidate on the request (preliminary candidates of templates 2, 5, 8)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    proposed_post = models.CharField(
        "拟任职务", max_length=20, choices=PostKind.choices, blank=True
    )
    # The filing forms' 工作表现（德能勤绩廉）; empty: left for the unit to write by hand. A
    # TextField does not check max_length itself: the request form and the API do.
    performance = models.TextField("工作表现", max_length=PERFORMANCE_LENGTH, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    # Set when a confirmed round elects the candidate.
    elected_in = models.ForeignKey(
        "Round", verbose_name="当选轮次", null=True, blank=True, on_delete=models.SET_NULL
    )
    # The post given at the committee's first meeting (分工), with the votes where elected.
    post = models.CharField("分工", max_length=20, choices=PostKind.choices, blank=True)
    post_votes = models.PositiveIntegerField("书记、副书记得票", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["workflow_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "member"], name="one_candidacy_per_member")
        ]

    def __str__(self):
        return self.member.name


class Vacancy(TimeStamped):
    """A seat a by-election fills: the post of the current term its holder left (who, which
    post, when: the registry's `Post`) and why. Template 7's 事由 is built from these."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="vacancies")
    post = models.ForeignKey(
        "orgs.Post", verbose_name="离任的职务", on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField("离任原因", max_length=20, choices=VacancyCause.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "委员空缺"
        verbose_name_plural = "委员空缺"
        ordering = ["workflow_id", "post__ended_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "post"], name="one_vacancy_per_post")
        ]

    def __str__(self):
        return f"{self.post}（{self.get_cause_display()}）"


class MeetingOfficer(TimeStamped):
    """A scrutineer (监票人) or teller (计票人) of the election meeting (seed 004's agenda,
    step 2③)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="officers")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("分工", max_length=20, choices=OfficerRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "监票人、计票人"
        verbose_name_plural = "监票人、计票人"
        ordering = ["workflow_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "member", "role"], name="one_officer_role_per_member"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}{self.member}"


class RosterEntry(TimeStamped):
    """A founding member of an organisation to be established (template 3)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="roster")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "党员名册"
        verbose_name_plural = "党员名册"
        ordering = ["workflow_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "member"], name="one_roster_entry")
        ]

    def __str__(self):
        return self.member.name


class Round(TimeStamped):
    """One vote of the election meeting: the first, a run-off among candidates tied at the
    last seat, another round for seats left unfilled, or a repeat of a void vote."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    seats = models.PositiveSmallIntegerField("应选名额")
    held_on = models.DateField("大会日期", null=True, blank=True)
    mode = models.CharField(
        "计票方式", max_length=10, choices=CountMode.choices, default=CountMode.TOTALS
    )
    expected_members = models.PositiveIntegerField("应到党员", null=True, blank=True)
    expected_voters = models.PositiveIntegerField("应到会有选举权党员", null=True, blank=True)
    present_members = models.PositiveIntegerField("实到党员", null=True, blank=True)
    present_voters = models.PositiveIntegerField("实到会有选举权党员", null=True, blank=True)
    ballots_issued = models.PositiveIntegerField("发出选票", null=True, blank=True)
    ballots_returned = models.PositiveIntegerField("收回选票", null=True, blank=True)
    # Ballot by ballot: the spoiled papers, not entered; the tally adds ballots marking more
    # names than seats.
    invalid_ballots = models.PositiveIntegerField("无效票", null=True, blank=True)
    inputs = models.JSONField("计票依据", null=True, blank=True)
    result = models.JSONField("计票结果", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "选举轮次"
        verbose_name_plural = "选举轮次"
        ordering = ["workflow_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="unique_round_number")
        ]

    def __str__(self):
        return f"第{self.number}轮投票"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class RoundCandidate(models.Model):
    """A candidate on a round's ballot, with the yes-votes counted."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="entries")
    votes = models.PositiveIntegerField("得票", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "得票"
        verbose_name_plural = "得票"
        ordering = ["round_id", "candidate__order", "candidate_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="one_entry_per_round")
        ]

    def __str__(self):
        return f"{self.candidate} {self.votes}票"


class Exclusion(models.Model):
    """A member not counted among the voters expected (illness, abroad, ...), and why."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exclusions")
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "不计入应到会人数的党员"
        verbose_name_plural = "不计入应到会人数的党员"
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_exclusion_per_round")
        ]

    def __str__(self):
        return f"{self.member}（{self.reason}）"


class Ballot(models.Model):
    """One returned ballot, entered paper by paper: the candidates it marks (their ids).
    Spoiled papers are not entered, only counted (`Round.invalid_ballots`)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    number = models.PositiveIntegerField("选票序号")
    marks = models.JSONField("赞成的候选人", default=list)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="unique_ballot_number")
        ]

    def __str__(self):
        return f"第{self.number}张选票"


class Transition(models.Model):
    """One step of a workflow: the timeline."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["workflow_id", "at", "id"]

    def __str__(self):
        return f"{self.get_action_display()}（{self.by}）"
