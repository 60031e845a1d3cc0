from rest_framework.routers import SimpleRouter

from .views import StandardSetViewSet

# SimpleRouter: no API root view of its own to shadow the project router's.
router = SimpleRouter()
router.register("standards", StandardSetViewSet, basename="standard")

urlpatterns = router.urls
