"""Pages: an organisation's standing and the subtree matrix (urls_standing); assessments,
reviews, rectification and inspection samples (urls_assessment)."""

from django.urls import include, path

urlpatterns = [
    path("", include("grassroots.assessments.urls_standing")),
    path("", include("grassroots.assessments.urls_assessment")),
]
