from django.urls import path

from . import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/days/new/", views.day_create, name="calendar-day-create"),
    path("calendar/days/<int:pk>/", views.day_edit, name="calendar-day-edit"),
    path("calendar/days/<int:pk>/withdraw/", views.day_withdraw, name="calendar-day-withdraw"),
    path("calendar/years/<int:year>/covered/", views.year_covered, name="calendar-year-covered"),
    path("calendar/import/", views.import_page, name="calendar-import"),
    path("calendar/import/template.xlsx", views.import_template, name="calendar-import-template"),
]
