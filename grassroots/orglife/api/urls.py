"""Organisational-life API routes (included under /api/v1/ before the main router)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("secretary-reports", views.SecretaryReportViewSet, basename="secretary-report")
router.register("yearly-facts", views.YearlyFactViewSet, basename="yearly-fact")

urlpatterns = [
    # Before the router, which would read "import" and "template" as meeting ids.
    path("meetings/import/", views.MeetingImportView.as_view(), name="api-meeting-import"),
    path("meetings/template/", views.MeetingTemplateView.as_view(), name="api-meeting-template"),
    path(
        "meeting-attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="api-meeting-attachment",
    ),
    path("", include(router.urls)),
]
