from django.urls import path

from .views import HolidaysView, WorkingDaysView

urlpatterns = [
    path("calendar/working-days/", WorkingDaysView.as_view(), name="api-working-days"),
    path("calendar/holidays/", HolidaysView.as_view(), name="api-holidays"),
]
