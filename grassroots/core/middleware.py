import logging

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .concurrency import CONFLICT_MESSAGE, write_conflict

logger = logging.getLogger(__name__)


class WriteConflictMiddleware:
    """A page's write lost to a concurrent one (a constraint, SQLite's lock wait) answers 400
    with a way back instead of a server error; the API does the same in its exception
    handler. Services name the field where they can (docs/security/concurrency.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not write_conflict(exception):
            return None
        logger.warning("Write conflict answered as 400: %s", exception)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("home")
        context = {"message": CONFLICT_MESSAGE, "back": back}
        return render(request, "core/write_conflict.html", context, status=400)
