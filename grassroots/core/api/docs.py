"""The API docs page (Swagger UI) under the Content-Security-Policy and behind a login."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start script served as a file of its own (`?script`) and its
    page style from our static files: the CSP allows no inline code. Where serving the docs
    needs a login (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]), a visitor not logged in is
    sent to the login page instead of getting a JSON 401."""

    template_name = "api/swagger_ui.html"

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated) and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
