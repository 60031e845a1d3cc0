"""API v1 routes of the elections app: `/api/v1/elections/` and `/api/v1/establishments/`
(workflow viewsets), the tally, the reminders and the documents. Ids are digits only, so
`elections/tally/` and the documents' routes under `elections/{id}/documents/` never reach
the viewsets; the plain paths come first all the same."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import documents
from .views.reminders import RemindersView
from .views.tally import TallyView
from .views.workflows import ElectionViewSet, EstablishmentViewSet

router = SimpleRouter()
router.register("elections", ElectionViewSet, basename="election")
router.register("establishments", EstablishmentViewSet, basename="establishment")

urlpatterns = [
    path("elections/tally/", TallyView.as_view(), name="api-election-tally"),
    path("reminders/", RemindersView.as_view(), name="api-reminders"),
    path(
        "elections/<int:pk>/documents/",
        documents.ElectionDocumentList.as_view(),
        name="api-election-documents",
    ),
    path(
        "elections/<int:pk>/documents/<slug:slug>/",
        documents.ElectionDocument.as_view(),
        name="api-election-document",
    ),
    path(
        "elections/<int:pk>/dossier.zip",
        documents.ElectionDossier.as_view(),
        name="api-election-dossier",
    ),
    path(
        "establishments/<int:pk>/documents/",
        documents.EstablishmentDocumentList.as_view(),
        name="api-establishment-documents",
    ),
    path(
        "establishments/<int:pk>/documents/<slug:slug>/",
        documents.EstablishmentDocument.as_view(),
        name="api-establishment-document",
    ),
    path(
        "establishments/<int:pk>/dossier.zip",
        documents.EstablishmentDossier.as_view(),
        name="api-establishment-dossier",
    ),
    *router.urls,
]
