from django.urls import path

from . import views

urlpatterns = [
    path(
        "elections/<int:pk>/documents/",
        views.ElectionDocumentList.as_view(),
        name="api-election-documents",
    ),
    path(
        "elections/<int:pk>/documents/<slug:slug>/",
        views.ElectionDocument.as_view(),
        name="api-election-document",
    ),
    path(
        "elections/<int:pk>/dossier.zip",
        views.ElectionDossier.as_view(),
        name="api-election-dossier",
    ),
    path(
        "establishments/<int:pk>/documents/",
        views.EstablishmentDocumentList.as_view(),
        name="api-establishment-documents",
    ),
    path(
        "establishments/<int:pk>/documents/<slug:slug>/",
        views.EstablishmentDocument.as_view(),
        name="api-establishment-document",
    ),
    path(
        "establishments/<int:pk>/dossier.zip",
        views.EstablishmentDossier.as_view(),
        name="api-establishment-dossier",
    ),
]
