from .views import applications, campaigns, notices, titles

urlpatterns = [
    *campaigns.urlpatterns,
    *applications.urlpatterns,
    *notices.urlpatterns,
    *titles.urlpatterns,
]
