"""API v1: each app's api/urls.py, then a JSON 404 for whatever none of them answers."""

from django.urls import include, path, re_path

from grassroots.core.api.views import TokensView, TokenView, health, not_found

urlpatterns = [
    path("health/", health, name="api-health"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokensView.as_view(), name="api-tokens"),
    path("", include("grassroots.elections.api.urls")),
    path("", include("grassroots.orglife.api.urls")),
    path("", include("grassroots.standards.api.urls")),
    path("", include("grassroots.assessments.api.urls")),
    path("", include("grassroots.orgs.api.urls")),
    path("", include("grassroots.workdays.api.urls")),
    path("", include("grassroots.campaigns.api.urls")),
    path("", include("grassroots.stats.api.urls")),
    re_path(r"^(?P<path>[\s\S]*)$", not_found),  # last: whatever no route above answers
]
