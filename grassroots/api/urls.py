"""API v1: routers only; viewsets live in each app's api/ package."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from grassroots.core.api.views import TokensView, TokenView, health, not_found
from grassroots.orgs.api import excel
from grassroots.orgs.api import views as orgs

router = DefaultRouter()
router.register("orgs", orgs.OrganizationViewSet, basename="org")
router.register("members", orgs.MemberViewSet, basename="member")
router.register("memberships", orgs.MembershipViewSet, basename="membership")
router.register("terms", orgs.TermViewSet, basename="term")
router.register("posts", orgs.PostViewSet, basename="post")
router.register("host-units", orgs.HostUnitViewSet, basename="host-unit")
router.register("checks", orgs.CheckListViewSet, basename="check")

urlpatterns = [
    path("health/", health, name="api-health"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokensView.as_view(), name="api-tokens"),
    # Before the router, which would read "import" and "export" as object ids.
    path("orgs/import/", excel.OrganizationImportView.as_view(), name="api-org-import"),
    path("orgs/export/", excel.OrganizationExportView.as_view(), name="api-org-export"),
    path("members/import/", excel.MemberImportView.as_view(), name="api-member-import"),
    path("members/export/", excel.MemberExportView.as_view(), name="api-member-export"),
    path("", include("grassroots.lifecycle.api.urls")),
    path("", include("grassroots.lifecycle.api.workflow_urls")),
    path("", include("grassroots.documents.api.urls")),
    path("", include("grassroots.life.api.urls")),
    path("", include("grassroots.standards.api.urls")),
    path("", include("grassroots.assessments.api.urls")),
    path("", include(router.urls)),
    re_path(r"^(?P<path>[\s\S]*)$", not_found),  # last: whatever no route above answers
]
