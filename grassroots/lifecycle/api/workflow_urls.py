"""Workflow routes of API v1: `/api/v1/elections/` and `/api/v1/establishments/`. Ids are
digits only, so `elections/tally/` (lifecycle.api.urls) and the documents' routes under
`elections/{id}/documents/` never reach these viewsets."""

from rest_framework.routers import SimpleRouter

from .workflows import ElectionViewSet, EstablishmentViewSet

router = SimpleRouter()
router.register("elections", ElectionViewSet, basename="election")
router.register("establishments", EstablishmentViewSet, basename="establishment")

urlpatterns = router.urls
