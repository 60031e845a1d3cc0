from django.urls import path

from . import views

urlpatterns = [
    path("life/", views.home, name="life-home"),
    path("life/import/", views.import_page, name="life-import"),
    path("life/import/template.xlsx", views.import_template, name="life-import-template"),
    path("orgs/<int:pk>/life/", views.calendar_page, name="life-calendar"),
    path("orgs/<int:pk>/life/new/", views.meeting_new, name="life-meeting-new"),
    path("orgs/<int:pk>/life/reports/", views.reports, name="life-reports"),
    path("orgs/<int:pk>/life/facts/", views.facts, name="life-facts"),
    path("meetings/<int:pk>/", views.meeting_detail, name="life-meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="life-meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="life-meeting-cancel"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="life-attachment-add"),
    path(
        "meetings/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="life-attachment-remove",
    ),
    path("life/attachments/<int:pk>/", views.attachment_download, name="life-attachment"),
    path("life/reports/<int:pk>/evaluate/", views.report_evaluate, name="life-report-evaluate"),
]
