"""API v1 routes of compliance and warnings; assessments (with their items and review steps),
rectification tasks, inspection samples and grading policies. Route names start with `api-`
so that they never meet the pages'."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views.assessment import AssessmentViewSet, PolicyViewSet, SampleViewSet, TaskViewSet
from .views.standing import ComplianceView, WarningsView

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="api-assessment")
router.register("rectification-tasks", TaskViewSet, basename="api-rectification-task")
router.register("inspection-samples", SampleViewSet, basename="api-inspection-sample")
router.register("grading-policies", PolicyViewSet, basename="api-grading-policy")

urlpatterns = [
    path("orgs/<int:pk>/compliance/", ComplianceView.as_view(), name="api-org-compliance"),
    path("orgs/<int:pk>/warnings/", WarningsView.as_view(), name="api-org-warnings"),
    *router.urls,
]
