"""API v1 routes of assessments (with their items and review steps), rectification tasks,
inspection samples and grading policies. Route names start with `api-` so that they never
meet the pages'."""

from rest_framework.routers import SimpleRouter

from .assessment_views import AssessmentViewSet, PolicyViewSet, SampleViewSet, TaskViewSet

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="api-assessment")
router.register("rectification-tasks", TaskViewSet, basename="api-rectification-task")
router.register("inspection-samples", SampleViewSet, basename="api-inspection-sample")
router.register("grading-policies", PolicyViewSet, basename="api-grading-policy")

urlpatterns = router.urls
