"""Pages of the lifecycle: requests, timeline and review (urls_requests), the election
meeting and the committee's first meeting (urls_meeting)."""

from django.urls import include, path

urlpatterns = [
    path("", include("grassroots.lifecycle.urls_requests")),
    path("", include("grassroots.lifecycle.urls_meeting")),
]
