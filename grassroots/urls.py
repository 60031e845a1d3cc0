from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from grassroots.core.api.docs import ApiDocsView

# Off unless a setting mounts it (settings.GRASSROOTS_ADMIN).
admin_urls = [path("admin/", admin.site.urls)] if settings.GRASSROOTS_ADMIN else []

urlpatterns = [
    *admin_urls,
    path("api/v1/", include("grassroots.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("grassroots.core.urls")),
    path("", include("grassroots.portal.urls")),
    path("", include("grassroots.orgs.urls")),
    path("", include("grassroots.elections.urls")),
    path("", include("grassroots.orglife.urls")),
    path("", include("grassroots.standards.urls")),
    path("", include("grassroots.assessments.urls")),
    path("", include("grassroots.workdays.urls")),
    path("", include("grassroots.campaigns.urls")),
    path("", include("grassroots.stats.urls")),
]

handler400 = "grassroots.core.errors.bad_request"
handler403 = "grassroots.core.errors.permission_denied"
handler404 = "grassroots.core.errors.page_not_found"
handler500 = "grassroots.core.errors.server_error"
