"""Pages of the requests: lists, request forms, the workflow page and the reviewer's queue."""

from django.urls import path

from .views import requests

urlpatterns = [
    path("workflows/", requests.workflow_list, name="lifecycle-list"),
    path("workflows/review/", requests.review_queue, name="lifecycle-queue"),
    path("workflows/reminders/", requests.reminders, name="lifecycle-reminders"),
    path("workflows/<int:pk>/", requests.workflow_detail, name="lifecycle-workflow"),
    path("workflows/<int:pk>/edit/", requests.request_edit, name="lifecycle-edit"),
    path("workflows/<int:pk>/act/", requests.workflow_act, name="lifecycle-act"),
    path("orgs/<int:pk>/workflows/", requests.workflow_list, name="lifecycle-org"),
    path("orgs/<int:pk>/workflows/new/<str:kind>/", requests.request_new, name="lifecycle-new"),
]
