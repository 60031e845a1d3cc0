from django.urls import path

from . import views

urlpatterns = [
    path(
        "workflows/<int:pk>/documents/<slug:slug>/",
        views.workflow_document,
        name="workflow-document",
    ),
    path("workflows/<int:pk>/dossier.zip", views.workflow_dossier, name="workflow-dossier"),
]
