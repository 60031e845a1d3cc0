from django.urls import path

from . import views

urlpatterns = [
    path("life/", views.home, name="orglife-home"),
    path("life/import/", views.import_page, name="orglife-import"),
    path("life/import/template.xlsx", views.import_template, name="orglife-import-template"),
    path("orgs/<int:pk>/life/", views.calendar_page, name="orglife-calendar"),
    path("orgs/<int:pk>/life/new/", views.meeting_new, name="orglife-meeting-new"),
    path("orgs/<int:pk>/life/reports/", views.reports, name="orglife-reports"),
    path("orgs/<int:pk>/life/facts/", views.facts, name="orglife-facts"),
    path("meetings/<int:pk>/", views.meeting_detail, name="orglife-meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="orglife-meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="orglife-meeting-cancel"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="orglife-attachment-add"),
    path(
        "meetings/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="orglife-attachment-remove",
    ),
    path("life/attachments/<int:pk>/", views.attachment_download, name="orglife-attachment"),
    path("life/reports/<int:pk>/evaluate/", views.report_evaluate, name="orglife-report-evaluate"),
]
