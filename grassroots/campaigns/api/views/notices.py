"""Public notices, objections, satisfaction surveys and seed 004's grading in API v1.

The organiser's endpoints read through `visible_to` (another subtree: 404) and answer 403
to a user who sees the campaign but may not act on it. The public endpoints (the notice,
an objection, the survey) need no login and no CSRF token, are throttled per client
address (the "public" rate) and show no personal data."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from grassroots.campaigns.api import serializers as s
from grassroots.campaigns.choices import Answer
from grassroots.campaigns.models import (
    Application,
    Campaign,
    FieldGrade,
    Notice,
    Objection,
    SurveyTally,
    SurveyToken,
)
from grassroots.campaigns.services import notices as services
from grassroots.core.access import visible_or_404
from grassroots.core.api.excel import IMPORT_RESPONSES, UploadSerializer
from grassroots.core.excel import RowError
from grassroots.orgs.models import Organization

TAGS = ["campaign-notices"]


class PublicThrottle(SimpleRateThrottle):
    """Requests per client address to what campaigns open to everyone (settings: the
    "public" rate); also counted by the public pages' posts."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicView(APIView):
    authentication_classes = []  # no session: no CSRF check, no login
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]


def _payload(serializer_class, request):
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _organiser(request, campaign):
    if not services.may_organise(request.user, campaign):
        raise PermissionDenied(services.NOT_ORGANISER)


def _campaign(request, pk):
    return visible_or_404(request, Campaign.objects.select_related("organiser"), pk)


def _notice(request, pk):
    return visible_or_404(request, Notice.objects.select_related("campaign__organiser"), pk)


def _objection(request, pk):
    related = Objection.objects.select_related("notice__campaign__organiser", "application")
    return visible_or_404(request, related, pk)


# --- public notice (organiser) ---------------------------------------------------------------


class CampaignNoticesView(APIView):
    @extend_schema(tags=TAGS, summary="本次创建的公示", responses=s.NoticeSerializer(many=True))
    def get(self, request, pk):
        campaign = _campaign(request, pk)
        notices = campaign.notices.prefetch_related("applications").order_by("-published_on")
        return Response(s.NoticeSerializer(notices, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="发布公示（公示期按工作日计算）",
        request=s.NoticeInput,
        responses={201: s.NoticeSerializer},
    )
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        _organiser(request, campaign)
        data = _payload(s.NoticeInput, request)
        notice = services.publish_notice(request.user, campaign, **data)
        return Response(s.NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeView(APIView):
    @extend_schema(tags=TAGS, summary="公示详情", responses=s.NoticeSerializer)
    def get(self, request, pk):
        return Response(s.NoticeSerializer(_notice(request, pk)).data)


class NoticeObjectionsView(APIView):
    @extend_schema(
        tags=TAGS, summary="公示收到的异议（组织单位）", responses=s.ObjectionSerializer(many=True)
    )
    def get(self, request, pk):
        notice = _notice(request, pk)
        _organiser(request, notice.campaign)
        return Response(s.ObjectionSerializer(notice.objections.order_by("pk"), many=True).data)


class NoticeCloseView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="结束公示（期满且异议均已处理）",
        request=None,
        responses=s.NoticeSerializer,
    )
    def post(self, request, pk):
        notice = _notice(request, pk)
        _organiser(request, notice.campaign)
        services.close_notice(request.user, notice)
        return Response(s.NoticeSerializer(notice).data)


class ObjectionVerifyView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="登记异议核查情况",
        request=s.VerifyInput,
        responses=s.ObjectionSerializer,
    )
    def post(self, request, pk):
        objection = _objection(request, pk)
        _organiser(request, objection.notice.campaign)
        data = _payload(s.VerifyInput, request)
        services.verify_objection(request.user, objection, data["verification"])
        return Response(s.ObjectionSerializer(objection).data)


class ObjectionResolveView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="处理异议（不予采纳 / 异议成立：取消该对象）",
        request=s.ResolveInput,
        responses=s.ObjectionSerializer,
    )
    def post(self, request, pk):
        objection = _objection(request, pk)
        _organiser(request, objection.notice.campaign)
        data = _payload(s.ResolveInput, request)
        application = None
        if "application" in data:
            application = objection.notice.applications.filter(pk=data["application"]).first()
            if application is None:
                raise serializers.ValidationError({"application": ["所涉对象不在本次公示名单中"]})
        services.resolve_objection(
            request.user, objection, data["upheld"], data["reasons"], application
        )
        return Response(s.ObjectionSerializer(objection).data)


# --- public notice (everyone) ----------------------------------------------------------------


def public_notice(pk):
    return get_object_or_404(Notice.objects.select_related("campaign__organiser"), pk=pk)


class PublicNoticeView(PublicView):
    @extend_schema(
        tags=TAGS, auth=[], summary="公示（无需登录）", responses=s.PublicNoticeSerializer
    )
    def get(self, request, pk):
        context = {"today": timezone.localdate()}
        return Response(s.PublicNoticeSerializer(public_notice(pk), context=context).data)


class PublicObjectionView(PublicView):
    @extend_schema(
        tags=TAGS,
        auth=[],
        summary="对公示对象提出异议（无需登录，须留联系方式）",
        request=s.ObjectionInput,
        responses={201: s.ObjectionCreatedSerializer},
    )
    def post(self, request, pk):
        notice = public_notice(pk)
        data = _payload(s.ObjectionInput, request)
        application = None
        if "application" in data:
            application = services.listed(notice).filter(pk=data["application"]).first()
            if application is None:
                raise serializers.ValidationError({"application": ["所涉对象不在本次公示名单中"]})
        objection = services.object_to_notice(
            notice,
            data["name"],
            data["contact"],
            data["text"],
            application=application,
            address=PublicThrottle().get_ident(request),
        )
        return Response(
            s.ObjectionCreatedSerializer(objection).data, status=status.HTTP_201_CREATED
        )


# --- satisfaction survey ---------------------------------------------------------------------


class ApplicationTokensView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="生成满意度测评码（一次性）",
        request=s.TokensInput,
        responses={201: s.TokensSerializer},
    )
    def post(self, request, pk):
        related = Application.objects.select_related("campaign__organiser", "unit", "org")
        application = visible_or_404(request, related, pk)
        count = _payload(s.TokensInput, request)["count"]
        tokens = services.issue_tokens(request.user, application, count)
        body = {"tokens": [t.token for t in tokens]}
        return Response(body, status=status.HTTP_201_CREATED)


class CampaignTokensView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="为创建范围内的党组织生成满意度测评码（示范点创建）",
        request=s.OrgTokensInput,
        responses={201: s.TokensSerializer},
    )
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = _payload(s.OrgTokensInput, request)
        org = Organization.objects.visible_to(request.user).filter(pk=data["org"]).first()
        if org is None:
            raise serializers.ValidationError({"org": ["党组织不存在或不在您的管辖范围内"]})
        tokens = services.issue_tokens(request.user, org, data["count"], campaign=campaign)
        body = {"tokens": [t.token for t in tokens]}
        return Response(body, status=status.HTTP_201_CREATED)


ALREADY = OpenApiResponse(
    inline_serializer(
        "SurveyAnswered", {"code": serializers.CharField(), "detail": serializers.CharField()}
    ),
    description="该测评码已经使用过（或测评已改为第三方导入）",
)


def _token(token):
    try:
        return services.token_for(token)
    except SurveyToken.DoesNotExist:
        raise Http404("测评码不存在") from None


class PublicSurveyView(PublicView):
    @extend_schema(tags=TAGS, auth=[], summary="测评问题（无需登录）", responses=s.SurveySerializer)
    def get(self, request, token):
        found = _token(token)
        body = {
            "campaign": found.tally.campaign.title,
            "organisation": found.tally.org.name,
            "questions": services.questions(found.tally.campaign),
            "choices": [{"value": v, "label": label} for v, label in Answer.choices],
            "answered": services.answered(found),
        }
        return Response(s.SurveySerializer(body).data)

    @extend_schema(
        tags=TAGS,
        auth=[],
        summary="提交测评（每个测评码一次）",
        request=s.AnswerInput,
        responses={201: s.AnsweredSerializer, 409: ALREADY},
    )
    def post(self, request, token):
        found = _token(token)
        data = _payload(s.AnswerInput, request)
        try:
            response = services.answer_survey(found, data["answer"], data["answers"])
        except services.AlreadyAnswered as exc:
            body = {"code": "ALREADY_ANSWERED", "detail": str(exc)}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response({"answer": response.answer}, status=status.HTTP_201_CREATED)


class TalliesView(APIView):
    @extend_schema(tags=TAGS, summary="满意度测评结果", responses=s.TallySerializer(many=True))
    def get(self, request, pk):
        campaign = _campaign(request, pk)
        tallies = (
            SurveyTally.objects.visible_to(request.user)
            .filter(campaign=campaign)
            .select_related("org")
            .order_by("org__path")
        )
        return Response(s.TallySerializer(tallies, many=True).data)


class ResultsImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS,
        summary="导入第三方满意度测评结果（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        if not services.may_import_results(request.user, campaign):
            raise PermissionDenied("只有第三方测评机构（测评权限）可以导入测评结果")
        upload = request.FILES.get("file")
        if upload is None:
            missing = RowError(None, "", "", "请上传文件（字段名 file）").as_dict()
            return Response({"errors": [missing]}, status=status.HTTP_400_BAD_REQUEST)
        result = services.import_results(request.user, campaign, upload)
        if result.errors:
            return Response(
                {"errors": [error.as_dict() for error in result.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)


# --- seed 004 grading ------------------------------------------------------------------------


class GradesView(APIView):
    @extend_schema(tags=TAGS, summary="分类定级结果", responses=s.GradeSerializer(many=True))
    def get(self, request, pk):
        campaign = _campaign(request, pk)
        grades = (
            FieldGrade.objects.visible_to(request.user)
            .filter(campaign=campaign)
            .select_related("org")
            .order_by("org__path")
        )
        return Response(s.GradeSerializer(grades, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="分类定级（满意度、单位自评、上级综合考评加权）",
        request=None,
        responses={201: s.GradeSerializer(many=True)},
    )
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        _organiser(request, campaign)
        grades = services.grade_field(request.user, campaign)
        return Response(s.GradeSerializer(grades, many=True).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("campaigns/<int:pk>/notices/", CampaignNoticesView.as_view(), name="api-campaign-notices"),
    path("notices/<int:pk>/", NoticeView.as_view(), name="api-notice"),
    path(
        "notices/<int:pk>/objections/",
        NoticeObjectionsView.as_view(),
        name="api-notice-objections",
    ),
    path("notices/<int:pk>/close/", NoticeCloseView.as_view(), name="api-notice-close"),
    path("objections/<int:pk>/verify/", ObjectionVerifyView.as_view(), name="api-objection-verify"),
    path(
        "objections/<int:pk>/resolve/", ObjectionResolveView.as_view(), name="api-objection-resolve"
    ),
    path("public/notices/<int:pk>/", PublicNoticeView.as_view(), name="api-public-notice"),
    path(
        "public/notices/<int:pk>/objections/",
        PublicObjectionView.as_view(),
        name="api-public-objection",
    ),
    path(
        "applications/<int:pk>/survey-tokens/",
        ApplicationTokensView.as_view(),
        name="api-application-survey-tokens",
    ),
    path(
        "campaigns/<int:pk>/survey-tokens/",
        CampaignTokensView.as_view(),
        name="api-campaign-survey-tokens",
    ),
    path("public/survey/<str:token>/", PublicSurveyView.as_view(), name="api-public-survey"),
    path("campaigns/<int:pk>/survey-tallies/", TalliesView.as_view(), name="api-survey-tallies"),
    path(
        "campaigns/<int:pk>/survey-results/import/",
        ResultsImportView.as_view(),
        name="api-survey-results-import",
    ),
    path("campaigns/<int:pk>/grades/", GradesView.as_view(), name="api-field-grades"),
]
