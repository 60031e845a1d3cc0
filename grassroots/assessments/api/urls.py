"""API: compliance (standing_urls); assessments, reviews, rectification tasks and
inspection samples (assessment_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("grassroots.assessments.api.standing_urls")),
    path("", include("grassroots.assessments.api.assessment_urls")),
]
