"""API v1 routes of the elections app: `/api/v1/elections/` and `/api/v1/establishments/`
(workflow viewsets), the tally and the reminders. Ids are digits only, so `elections/tally/`
and the documents' routes under `elections/{id}/documents/` never reach the viewsets; the
plain paths come first all the same."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views.reminders import RemindersView
from .views.tally import TallyView
from .views.workflows import ElectionViewSet, EstablishmentViewSet

router = SimpleRouter()
router.register("elections", ElectionViewSet, basename="election")
router.register("establishments", EstablishmentViewSet, basename="establishment")

urlpatterns = [
    path("elections/tally/", TallyView.as_view(), name="api-election-tally"),
    path("reminders/", RemindersView.as_view(), name="api-reminders"),
    *router.urls,
]
