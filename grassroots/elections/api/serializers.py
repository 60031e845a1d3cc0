"""Serializers of the workflow API (`/api/v1/elections/`, `/api/v1/establishments/`).

Requests are read by the `*Input` serializers and handed to `services.py`, which checks and
writes; answers are the workflow as `WorkflowSerializer` / `WorkflowDetailSerializer` give
it. No member's ID number or phone is shown here: `/api/v1/members/{id}/` shows them, masked
per role.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grassroots.core.api.base import VisiblePrimaryKeyField
from grassroots.elections import services
from grassroots.elections.api.views.tally import TallyRequestSerializer, TallyResultSerializer
from grassroots.elections.choices import (
    Action,
    CountMode,
    OfficerRole,
    State,
    VacancyCause,
    WorkflowKind,
)
from grassroots.elections.models import PERFORMANCE_LENGTH, Workflow
from grassroots.orgs.choices import Category, MemberStatus, OrgKind, PostKind
from grassroots.orgs.models import Member, Organization, Post


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A choice documented as a plain string whose help text says where its codes are
    listed. drf-spectacular names each choice set after the fields using it; a set shared
    under several field names (`post` and `proposed_post`), or a field name used for several
    sets in several components (`kind`, `state` across apps), gets clashing names. Here
    each choice set appears as an enum in one component only."""


def code_field(choices, help_text, **kwargs):
    return CodeField(choices=choices, help_text=help_text, **kwargs)


# --- answers ---------------------------------------------------------------------------------


class WorkflowSerializer(serializers.ModelSerializer):
    """A workflow as lists show it."""

    kind = code_field(
        WorkflowKind.choices,
        "事项：establishment 成立党组织、general 换届选举、by_election 补选",
        read_only=True,
    )
    state = code_field(State.choices, "状态，代码同详情的 state", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    subject_name = serializers.CharField(
        read_only=True, help_text="党组织名称；成立事项在批准前为拟成立组织的名称"
    )
    upper = serializers.SerializerMethodField(help_text="审批的上级党组织编号")
    upper_name = serializers.SerializerMethodField(help_text="审批的上级党组织名称")
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="当前用户现在可以办理的操作，按办理顺序：操作代码同 timeline 的 action"
    )

    class Meta:
        model = Workflow
        fields = [
            "id",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "org",
            "parent",
            "subject_name",
            "upper",
            "upper_name",
            "doc_number",
            "meeting_planned_on",
            "seats",
            "created_by",
            "created_at",
            "updated_at",
            "actions",
        ]
        read_only_fields = fields

    def get_upper(self, workflow) -> int | None:
        upper = services.upper_org(workflow)
        return upper.pk if upper else None

    def get_upper_name(self, workflow) -> str:
        upper = services.upper_org(workflow)
        return upper.name if upper else ""

    def get_actions(self, workflow) -> list[str]:
        return list(services.actions_for(self.context["request"].user, workflow))


class WorkflowMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id", help_text="党员编号")
    member_name = serializers.CharField(source="member.name")
    member_status = code_field(
        MemberStatus.choices, "党员类别，代码同 /api/v1/members/ 的 status", source="member.status"
    )


POST_CODES = "代码同 /api/v1/posts/ 的 post"
PERFORMANCE_HELP = "工作表现（德能勤绩廉），打印在备案表中；为空时备案表留空由单位填写"


class WorkflowCandidateSerializer(WorkflowMemberSerializer):
    id = serializers.IntegerField(help_text="候选人编号：得票、选票和分工以此指称候选人")
    order = serializers.IntegerField()
    proposed_post = code_field(PostKind.choices, f"拟任职务，{POST_CODES}", allow_blank=True)
    performance = serializers.CharField(help_text=PERFORMANCE_HELP)
    elected_in_round = serializers.IntegerField(
        source="elected_in.number", allow_null=True, default=None, help_text="当选的轮次"
    )
    post = code_field(
        PostKind.choices, f"委员会第一次全体会议的分工，{POST_CODES}", allow_blank=True
    )
    post_votes = serializers.IntegerField(allow_null=True, help_text="书记、副书记选举得票")


class RoundExclusionSerializer(WorkflowMemberSerializer):
    reason = serializers.CharField()


class WorkflowOfficerSerializer(WorkflowMemberSerializer):
    role = code_field(OfficerRole.choices, "scrutineer：监票人；teller：计票人")


class WorkflowVacancySerializer(serializers.Serializer):
    post = serializers.IntegerField(source="post_id", help_text="离任的职务（/api/v1/posts/ 编号）")
    post_kind = code_field(PostKind.choices, f"职务，{POST_CODES}", source="post.post")
    member = serializers.IntegerField(source="post.member_id", help_text="离任的党员编号")
    member_name = serializers.CharField(source="post.member.name")
    ended_on = serializers.DateField(source="post.ended_on", help_text="离任日期")
    cause = code_field(VacancyCause.choices, "离任原因")


class RoundEntrySerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="candidate_id", help_text="候选人编号")
    member_name = serializers.CharField(source="candidate.member.name")
    votes = serializers.IntegerField(allow_null=True)


class WorkflowRoundSerializer(serializers.Serializer):
    """One vote of the election meeting; once confirmed, `inputs` and `result` are what the
    tally was given and answered, frozen."""

    number = serializers.IntegerField()
    seats = serializers.IntegerField()
    held_on = serializers.DateField(allow_null=True)
    mode = serializers.ChoiceField(choices=CountMode.choices)
    expected_members = serializers.IntegerField(allow_null=True)
    expected_voters = serializers.IntegerField(allow_null=True)
    present_members = serializers.IntegerField(allow_null=True)
    present_voters = serializers.IntegerField(allow_null=True)
    ballots_issued = serializers.IntegerField(allow_null=True)
    ballots_returned = serializers.IntegerField(allow_null=True)
    invalid_ballots = serializers.IntegerField(allow_null=True)
    entries = RoundEntrySerializer(many=True, help_text="本轮选票上的候选人及得票")
    exclusions = RoundExclusionSerializer(many=True, help_text="不计入应到会人数的党员及原因")
    ballots = serializers.SerializerMethodField(help_text="逐张录入的选票（每张为所画候选人编号）")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.username", allow_null=True, default=None
    )
    inputs = TallyRequestSerializer(
        allow_null=True, read_only=True, help_text="确认时交给计票的数据（候选人以编号指称）"
    )
    result = TallyResultSerializer(allow_null=True, read_only=True, help_text="确认时的计票结果")

    def get_ballots(self, count_round) -> list[list[int]]:
        return [ballot.marks for ballot in count_round.ballots.all()]


class WorkflowDetailSerializer(WorkflowSerializer):
    """A workflow with its request, candidates, roster, rounds and the committee meeting."""

    # The states' one enum in the schema (each choice set in one component: see CodeField).
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    candidates = WorkflowCandidateSerializer(many=True, read_only=True)
    roster = WorkflowMemberSerializer(many=True, read_only=True, help_text="党员名册")
    rounds = WorkflowRoundSerializer(many=True, read_only=True)
    vacancies = WorkflowVacancySerializer(
        many=True, read_only=True, help_text="补选：委员空缺（谁、何职、何时、何故离任）"
    )
    officers = WorkflowOfficerSerializer(
        many=True, read_only=True, help_text="党员大会的监票人、计票人"
    )
    reason = serializers.CharField(
        read_only=True, help_text="旧版手填的补选事由（只读；事由现由 vacancies 生成）"
    )
    proposed_kind = code_field(
        OrgKind.choices, "拟成立组织类型，代码同 /api/v1/orgs/ 的 kind", read_only=True
    )
    proposed_category = code_field(
        Category.choices, "拟成立组织所属领域，代码同 /api/v1/orgs/ 的 category", read_only=True
    )
    with_committee_meeting = serializers.SerializerMethodField(
        help_text="当选者是否召开委员会第一次全体会议选举书记、副书记并分工"
    )

    class Meta(WorkflowSerializer.Meta):
        fields = [
            *WorkflowSerializer.Meta.fields,
            "proposed_name",
            "proposed_short_name",
            "proposed_kind",
            "proposed_category",
            "decided_on",
            "decided_by",
            "office_head",
            "signer",
            "committee_size",
            "reason",
            "vacancies",
            "candidates",
            "roster",
            "rounds",
            "officers",
            "with_committee_meeting",
            "committee_met_on",
            "committee_expected",
            "committee_present",
            "committee_result",
            "result_doc_number",
            "term",
        ]
        read_only_fields = fields

    def get_with_committee_meeting(self, workflow) -> bool:
        return services.with_committee_meeting(workflow)


class WorkflowTransitionSerializer(serializers.Serializer):
    """One step of the timeline. `from` and `to` are states (`from` is empty at creation)."""

    action = serializers.ChoiceField(choices=Action.choices)
    action_label = serializers.CharField(source="get_action_display")
    by = serializers.CharField(source="by.username")
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def get_fields(self):
        # "from" is a Python keyword: declared here rather than as a class attribute.
        fields = super().get_fields()
        fields["from"] = code_field(
            State.choices,
            "原状态（代码同 state；起草时为空）",
            source="from_state",
            allow_blank=True,
        )
        fields["to"] = code_field(State.choices, "新状态（代码同 state）", source="to_state")
        return fields


class WorkflowProblemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="检查项代码，如 SURPLUS_TOO_LOW")
    severity = serializers.CharField(help_text="error：不能提交；warning：提请审批人注意")
    field = serializers.CharField(help_text="问题所在的字段")
    message = serializers.CharField()


# --- requests --------------------------------------------------------------------------------


class WorkflowCandidateInput(serializers.Serializer):
    member = VisiblePrimaryKeyField(queryset=Member.objects.all(), help_text="党员编号")
    proposed_post = code_field(
        PostKind.choices, f"拟任职务，{POST_CODES}", allow_blank=True, default=""
    )
    performance = serializers.CharField(
        allow_blank=True, default="", max_length=PERFORMANCE_LENGTH, help_text=PERFORMANCE_HELP
    )


class WorkflowVacancyInput(serializers.Serializer):
    post = VisiblePrimaryKeyField(
        queryset=Post.objects.select_related("member"),
        help_text="本届离任的职务（/api/v1/posts/ 编号）",
    )
    cause = code_field(VacancyCause.choices, "离任原因")


class WorkflowRequestInput(serializers.ModelSerializer):
    """The request's own fields, for a draft and for a PATCH while draft or returned."""

    candidates = WorkflowCandidateInput(
        many=True, required=False, help_text="候选人预备人选，按顺序；给出时整体替换"
    )

    class Meta:
        model = Workflow
        fields = [
            "doc_number",
            "signer",
            "meeting_planned_on",
            "seats",
            "committee_size",
            "candidates",
        ]

    def service_kwargs(self):
        return dict(self.validated_data)


class ElectionRequestInput(WorkflowRequestInput):
    vacancies = WorkflowVacancyInput(
        many=True,
        required=False,
        help_text="补选：每个空缺的离任原因，事由由此生成；给出时整体替换",
    )

    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in (WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION)]
    )
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all(), help_text="党组织编号")

    class Meta(WorkflowRequestInput.Meta):
        fields = ["kind", "org", *WorkflowRequestInput.Meta.fields, "vacancies"]


class EstablishmentRequestInput(WorkflowRequestInput):
    parent = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(), help_text="拟成立组织的上级党组织编号"
    )
    proposed_kind = code_field(
        OrgKind.choices, "拟成立组织类型，代码同 /api/v1/orgs/ 的 kind", allow_blank=True
    )
    proposed_category = code_field(
        Category.choices, "拟成立组织所属领域，代码同 /api/v1/orgs/ 的 category", allow_blank=True
    )
    roster = serializers.ListField(
        child=VisiblePrimaryKeyField(queryset=Member.objects.all()),
        required=False,
        help_text="党员名册（党员编号）；给出时整体替换",
    )

    class Meta(WorkflowRequestInput.Meta):
        fields = [
            "parent",
            "proposed_name",
            "proposed_short_name",
            "proposed_kind",
            "proposed_category",
            "decided_on",
            "decided_by",
            "office_head",
            *WorkflowRequestInput.Meta.fields,
            "roster",
        ]


class WorkflowCommentInput(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", help_text="意见")

    def service_kwargs(self):
        return dict(self.validated_data)


class WorkflowReturnInput(WorkflowCommentInput):
    comment = serializers.CharField(allow_blank=True, help_text="退回意见（必填）")


class IdKeyedField(serializers.DictField):
    """A JSON object keyed by candidate ids ("12": ...), read as {12: ...}."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if not all(str(key).isdigit() for key in values):
            raise serializers.ValidationError("键应为候选人编号（整数）")
        return {int(key): value for key, value in values.items()}


class RoundExclusionInput(serializers.Serializer):
    member = VisiblePrimaryKeyField(queryset=Member.objects.all(), help_text="党员编号")
    reason = serializers.CharField(allow_blank=True, max_length=100, help_text="原因")


def _count_number(help_text):
    return serializers.IntegerField(
        min_value=0, allow_null=True, required=False, help_text=help_text
    )


class WorkflowRecordMeetingInput(WorkflowCommentInput):
    """The count of the round being held; only the fields given are saved (a partial count
    may be saved and completed later, until the round is confirmed)."""

    comment = serializers.CharField(allow_blank=True, required=False, help_text="意见")
    held_on = serializers.DateField(allow_null=True, required=False, help_text="大会日期")
    mode = code_field(CountMode.choices, "计票方式，代码同 rounds 的 mode", required=False)
    expected_members = _count_number("应到党员")
    expected_voters = _count_number("应到会有选举权党员（已除去 exclusions 中的党员）")
    present_members = _count_number("实到党员")
    present_voters = _count_number("实到会有选举权党员")
    ballots_issued = _count_number("发出选票")
    ballots_returned = _count_number("收回选票")
    invalid_ballots = _count_number("无效票；逐张录入时为未录入的废票张数")
    votes = IdKeyedField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        required=False,
        help_text="按候选人汇总的得票：{候选人编号: 赞成票数}",
    )
    ballots = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text="逐张录入的选票（mode=ballots）：每张为所画赞成的候选人编号；整体替换",
    )
    exclusions = RoundExclusionInput(
        many=True, required=False, help_text="不计入应到会人数的党员及原因；整体替换"
    )
    scrutineers = serializers.ListField(
        child=VisiblePrimaryKeyField(queryset=Member.objects.all()),
        required=False,
        help_text="监票人（党员编号）；委员候选人不得担任；给出时整体替换",
    )
    tellers = serializers.ListField(
        child=VisiblePrimaryKeyField(queryset=Member.objects.all()),
        required=False,
        help_text="计票人（党员编号）；委员候选人不得担任；给出时整体替换",
    )

    def service_kwargs(self):
        data = dict(self.validated_data)
        if "exclusions" in data:
            data["exclusions"] = [(e["member"], e["reason"]) for e in data["exclusions"]]
        return data


class WorkflowRecordCommitteeInput(WorkflowCommentInput):
    committee_met_on = serializers.DateField(help_text="委员会第一次全体会议日期")
    committee_expected = serializers.IntegerField(min_value=0, help_text="应到会委员")
    committee_present = serializers.IntegerField(min_value=0, help_text="实到会委员")
    posts = IdKeyedField(
        child=serializers.ChoiceField(choices=PostKind.choices),
        help_text="分工：{当选候选人编号: 职务}，每位当选者一项",
    )
    votes = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="书记、副书记人选的赞成票：{secretary|deputy_secretary: 票数}",
    )

    def service_kwargs(self):
        data = self.validated_data
        return {
            "met_on": data["committee_met_on"],
            "expected": data["committee_expected"],
            "present": data["committee_present"],
            "posts": data["posts"],
            "votes": data.get("votes"),
            "comment": data["comment"],
        }


class WorkflowSubmitResultInput(WorkflowCommentInput):
    result_doc_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text="结果报告文号"
    )
