"""API v1 routes of the statistics."""

from django.urls import path

from .views import StatsView

urlpatterns = [path("stats/", StatsView.as_view(), name="api-stats")]
