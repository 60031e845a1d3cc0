"""Lifecycle API routes that are not workflow viewsets (included before the router)."""

from django.urls import path

from .reminders import RemindersView
from .tally import TallyView

urlpatterns = [
    path("elections/tally/", TallyView.as_view(), name="api-election-tally"),
    path("reminders/", RemindersView.as_view(), name="api-reminders"),
]
