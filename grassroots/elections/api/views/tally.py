"""POST /api/v1/elections/tally/: the tally as a contract for counting desks' own software
(docs/decisions/0007-tally.md). It reads and writes nothing: any
authenticated user may call it."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.elections.choices import ElectionKind, TallyProblem
from grassroots.elections.tally import Count, ballot_errors, count_ballots, tally


class CandidateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    votes = serializers.IntegerField(
        required=False, help_text="赞成票数；逐张录入选票（ballots）时不填"
    )

    def to_internal_value(self, data):
        # With ballots, a candidate may be given as a bare name.
        return super().to_internal_value({"name": data} if isinstance(data, str) else data)


class TallyRequestSerializer(serializers.Serializer):
    """Turns the request into a `tally.Count`; every malformed input is a 400 naming its
    field. Range and consistency checks are `Count.errors()` / `ballot_errors()`, shared with
    the count-entry page."""

    kind = serializers.ChoiceField(choices=ElectionKind.choices)
    seats = serializers.IntegerField(help_text="应选名额")
    expected_voters = serializers.IntegerField(help_text="应到会有选举权人数")
    present_voters = serializers.IntegerField(help_text="实到会有选举权人数")
    ballots_issued = serializers.IntegerField(help_text="发出选票数")
    ballots_returned = serializers.IntegerField(help_text="收回选票数")
    invalid_ballots = serializers.IntegerField(
        default=0, help_text="无效票数；逐张录入时为未录入的废票张数"
    )
    candidates = CandidateSerializer(many=True, help_text="候选人，按选票上的顺序")
    ballots = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=50)),
        required=False,
        help_text="逐张录入：每张选票上画了赞成的候选人姓名；画的人数多于应选名额的为无效票",
    )

    def validate(self, data):
        candidates = data["candidates"]
        figures = {f: v for f, v in data.items() if f not in ("candidates", "ballots")}
        if "ballots" in data:
            if any("votes" in c for c in candidates):
                raise serializers.ValidationError(
                    {"candidates": "逐张录入选票时，候选人不填写得票数"}
                )
            names = [c["name"] for c in candidates]
            if errors := ballot_errors(
                names, data["ballots"], data["ballots_returned"], data["invalid_ballots"]
            ):
                raise serializers.ValidationError(errors)
            count = count_ballots(names=names, ballots=data["ballots"], **figures)
        else:
            if missing := [c["name"] for c in candidates if "votes" not in c]:
                raise serializers.ValidationError(
                    {"candidates": "请填写得票数或逐张录入选票（ballots）：" + "、".join(missing)}
                )
            count = Count(**figures, candidates=[(c["name"], c["votes"]) for c in candidates])
        if errors := count.errors():
            raise serializers.ValidationError(errors)
        return count


class TallyResultSerializer(serializers.Serializer):
    """The answer (documentation only: the view answers `Tally.as_dict()`)."""

    valid = serializers.BooleanField(help_text="选举是否有效：没有任何问题时为真")
    problems = serializers.ListField(
        child=serializers.ChoiceField(choices=TallyProblem.choices),
        help_text="问题代码；任何一项都使本次选举无效",
    )
    quorum_met = serializers.BooleanField(help_text="到会人数是否超过应到会人数的五分之四")
    surplus_ratio = serializers.FloatField(
        help_text="差额比例 (候选人数−应选名额)/应选名额，四位小数"
    )
    elected = serializers.ListField(
        child=serializers.CharField(), help_text="当选者，得票多的在前；选举无效时为空"
    )
    runoff = serializers.ListField(
        child=serializers.CharField(), help_text="在最后名额上得票相等、须另行投票的候选人"
    )
    runoff_seats = serializers.IntegerField(help_text="留待在 runoff 候选人中另行投票的名额")
    unfilled_seats = serializers.IntegerField(
        help_text="无人得票过半而空缺、须另行选举的名额；选举无效时为全部名额"
    )
    votes = serializers.ListField(
        child=inline_serializer(
            "TallyVotes", {"name": serializers.CharField(), "votes": serializers.IntegerField()}
        ),
        help_text="各候选人得票（逐张录入时为统计结果），按选票顺序",
    )
    invalid_ballots = serializers.IntegerField(help_text="无效票合计（含画票超过应选名额的选票）")


TOTALS_EXAMPLE = {
    "kind": "general",
    "seats": 5,
    "expected_voters": 30,
    "present_voters": 28,
    "ballots_issued": 28,
    "ballots_returned": 28,
    "invalid_ballots": 1,
    "candidates": [
        {"name": "王建国", "votes": 25},
        {"name": "李红", "votes": 22},
        {"name": "张伟", "votes": 20},
        {"name": "刘洋", "votes": 18},
        {"name": "陈静", "votes": 16},
        {"name": "赵敏", "votes": 9},
    ],
}
BALLOTS_EXAMPLE = {
    "kind": "by_election",
    "seats": 1,
    "expected_voters": 10,
    "present_voters": 9,
    "ballots_issued": 9,
    "ballots_returned": 9,
    "invalid_ballots": 0,
    "candidates": ["李红"],
    "ballots": [["李红"]] * 7 + [[]] * 2,
}


class TallyView(APIView):
    @extend_schema(
        operation_id="elections_tally",
        summary="选举计票",
        description=(
            "按 RULES.md 计票：到会有选举权人数须超过应到会人数的五分之四；赞成票超过实到会"
            "有选举权人数的一半始得当选；当选人多于名额时按得票多少取足，最后名额得票相等的"
            "在相等者中另行投票；收回选票多于发出选票的选举无效；换届和成立首届选举差额不低于"
            "20%，补选须等额。任何问题都使选举无效，此时无人当选。"
            "计票方式二选一：candidates 中填写每人得票（votes），或用 ballots 逐张录入选票"
            "（此时 candidates 只填姓名）。只计算，不保存任何数据。"
        ),
        request=TallyRequestSerializer,
        responses={200: TallyResultSerializer},
        examples=[
            OpenApiExample("按候选人汇总得票", value=TOTALS_EXAMPLE, request_only=True),
            OpenApiExample("逐张录入选票", value=BALLOTS_EXAMPLE, request_only=True),
        ],
        tags=["elections"],
    )
    def post(self, request):
        serializer = TallyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(tally(serializer.validated_data).as_dict())
