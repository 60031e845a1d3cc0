from django.urls import path  # noqa: F401 - filled by the endpoints of this part

urlpatterns = []
