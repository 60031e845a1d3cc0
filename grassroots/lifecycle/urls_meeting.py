"""Election-day pages: the count of the members' meeting and the committee's first
meeting."""

from django.urls import path

from .views import meeting

urlpatterns = [
    path("workflows/<int:pk>/count/", meeting.count_entry, name="lifecycle-count"),
    path("workflows/<int:pk>/count/tally/", meeting.count_tally, name="lifecycle-count-tally"),
    path("workflows/<int:pk>/committee/", meeting.committee, name="lifecycle-committee"),
]
