"""GET /api/v1/reminders/: terms expiring within 90 days, overdue terms and vacant posts
across the caller's subtree."""

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.elections.reminders import user_reminders
from grassroots.orgs.choices import PostKind
from grassroots.orgs.models import Organization


class ReminderSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org_id", help_text="党组织编号")
    org_name = serializers.CharField(help_text="党组织名称")
    message = serializers.CharField(help_text="提醒内容")
    term_number = serializers.IntegerField(allow_null=True, help_text="本届届次（任期提醒）")
    planned_end_on = serializers.DateField(allow_null=True, help_text="本届应届满日期")
    days_left = serializers.IntegerField(
        allow_null=True, help_text="距届满天数；已超期为负数（任期提醒）"
    )
    post = serializers.ChoiceField(
        choices=[("", ""), *PostKind.choices], help_text="空缺的职务（空缺提醒）"
    )
    post_label = serializers.CharField(help_text="空缺职务的名称")
    workflow = serializers.IntegerField(
        source="workflow_id",
        allow_null=True,
        help_text="已发起、尚未办结的换届（任期提醒）或补选（空缺提醒）事项编号",
    )


class RemindersSerializer(serializers.Serializer):
    expiring = ReminderSerializer(many=True, help_text="90天内任期届满的党组织，先到期的在前")
    overdue = ReminderSerializer(many=True, help_text="任期已届满未换届的党组织，超期久的在前")
    vacant = ReminderSerializer(many=True, help_text="书记空缺或委员会人数不足的党组织")


class RemindersView(APIView):
    @extend_schema(
        operation_id="reminders",
        summary="换届与补选提醒",
        description=(
            "本人权限范围内（或 ancestor 组织及其下级内）正常状态党组织的提醒：任期将在90天内"
            "届满、任期已届满未换届、书记空缺或委员会人数不足。ancestor 不在权限范围内时"
            "各项均为空。"
        ),
        parameters=[
            OpenApiParameter("ancestor", int, description="上级组织编号：该组织及其全部下级组织")
        ],
        responses={200: RemindersSerializer},
        tags=["elections"],
    )
    def get(self, request):
        field = forms.IntegerField(required=False)
        try:
            ancestor_id = field.clean(request.query_params.get("ancestor"))
        except forms.ValidationError:
            raise serializers.ValidationError({"ancestor": "请填写组织编号"}) from None
        within = None
        if ancestor_id is not None:
            # An organisation outside the caller's subtree gives nothing (the subtree filter
            # is applied to what the caller sees); an unknown one matches no path.
            paths = Organization.objects.filter(pk=ancestor_id).values_list("path", flat=True)
            within = paths.first() or "-"
        found = user_reminders(request.user, within)
        return Response(RemindersSerializer(found).data)
