"""API v1 routes of the registry: organisations, members, memberships, terms, posts, host
units and checks, and their Excel imports and exports."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import excel, registry

router = DefaultRouter()
router.register("orgs", registry.OrganizationViewSet, basename="org")
router.register("members", registry.MemberViewSet, basename="member")
router.register("memberships", registry.MembershipViewSet, basename="membership")
router.register("terms", registry.TermViewSet, basename="term")
router.register("posts", registry.PostViewSet, basename="post")
router.register("host-units", registry.HostUnitViewSet, basename="host-unit")
router.register("checks", registry.CheckListViewSet, basename="check")

urlpatterns = [
    # Before the router, which would read "import" and "export" as object ids.
    path("orgs/import/", excel.OrganizationImportView.as_view(), name="api-org-import"),
    path("orgs/export/", excel.OrganizationExportView.as_view(), name="api-org-export"),
    path("members/import/", excel.MemberImportView.as_view(), name="api-member-import"),
    path("members/export/", excel.MemberExportView.as_view(), name="api-member-export"),
    *router.urls,
]
