"""Pages of the elections app: requests, timeline and review; the election day (the count
of the members' meeting and the committee's first meeting); the documents' downloads."""

from django.urls import path

from .views import documents, election_day, requests

urlpatterns = [
    path("workflows/", requests.workflow_list, name="elections-list"),
    path("workflows/review/", requests.review_queue, name="elections-queue"),
    path("workflows/reminders/", requests.reminders, name="elections-reminders"),
    path("workflows/<int:pk>/", requests.workflow_detail, name="elections-workflow"),
    path("workflows/<int:pk>/edit/", requests.request_edit, name="elections-edit"),
    path("workflows/<int:pk>/act/", requests.workflow_act, name="elections-act"),
    path("orgs/<int:pk>/workflows/", requests.workflow_list, name="elections-org"),
    path("orgs/<int:pk>/workflows/new/<str:kind>/", requests.request_new, name="elections-new"),
    path("orgs/<int:pk>/workflows/filing/", requests.team_filing, name="elections-team-filing"),
    path("workflows/<int:pk>/count/", election_day.count_entry, name="elections-count"),
    path("workflows/<int:pk>/count/tally/", election_day.count_tally, name="elections-count-tally"),
    path("workflows/<int:pk>/committee/", election_day.committee, name="elections-committee"),
    path(
        "workflows/<int:pk>/documents/<slug:slug>/",
        documents.workflow_document,
        name="workflow-document",
    ),
    path("workflows/<int:pk>/dossier.zip", documents.workflow_dossier, name="workflow-dossier"),
]
