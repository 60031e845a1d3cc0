"""Error answers that reach Django's handlers (unknown URLs, refusals and failures outside
DRF's views): the site's own Chinese pages, and JSON under /api/ so API clients always get
the `{"detail": …}` body DRF gives for its own errors. A database that cannot be reached (the
primary restarting, a failover) answers 503 with Retry-After instead of 500, at once: the
connection attempt gives up after the `connect_timeout` of the database settings."""

import contextlib
import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

API_PREFIX = "/api/"
DETAILS = {
    400: "请求无效。",
    403: "您没有执行该操作的权限。",
    404: "未找到。",
    500: "服务器内部错误，请稍后再试。",
    503: "系统繁忙，数据库暂时不可用，请稍后重试。",
}
RETRY_AFTER_SECONDS = 10
DRAIN_BYTES = 1024 * 1024  # a primary restarting is back within seconds
# SQLSTATEs of a server going away or not yet accepting connections (admin/crash shutdown,
# starting up); class 08 is a connection failure. psycopg's own connection errors (refused,
# lost mid-query) carry no SQLSTATE.
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}
_NO_STATE = object()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def shown_reason(exception):
    """The exception's message when it was written for users (Chinese); Django's own
    messages (English, naming models or URL patterns) are not shown."""
    text = str(exception or "")
    return text if CHINESE.search(text) else ""


def _api_error(request, status, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": shown_reason(exception) or DETAILS[status]},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return None


def bad_request(request, exception):
    # The session could not be saved because the database went away (Django reports that
    # as a session deleted under the request, a 400): say so as for any other request.
    if any(database_unavailable(cause) for cause in _causes(exception)):
        return service_unavailable(request)
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def _causes(exception):
    while exception is not None:
        yield exception
        exception = exception.__cause__ or exception.__context__


def permission_denied(request, exception):
    return _api_error(request, 403, exception) or defaults.permission_denied(
        request, shown_reason(exception)
    )


def page_not_found(request, exception):
    return _api_error(request, 404, exception) or defaults.page_not_found(
        request, Http404(shown_reason(exception))
    )


def database_unavailable(exc):
    """Whether `exc` says the database cannot be reached, as opposed to a failing query."""
    if isinstance(exc, InterfaceError):  # a connection closed under the request
        return True
    if not isinstance(exc, OperationalError):
        return False
    state = getattr(exc.__cause__, "sqlstate", _NO_STATE)  # only PostgreSQL's errors have one
    return state is None or (
        state is not _NO_STATE and (state.startswith("08") or state in _UNAVAILABLE_STATES)
    )


def service_unavailable(request):
    """503 without the database: a Chinese page, or JSON under /api/; Retry-After for both."""
    # The body of a request that failed before reading it is read now: gunicorn closes the
    # connection after answering, and unread bytes would make that a reset that loses the 503.
    if int(request.META.get("CONTENT_LENGTH") or 0) <= DRAIN_BYTES:
        with contextlib.suppress(Exception):
            request.body  # noqa: B018
    response = _api_error(request, 503) or HttpResponse(
        loader.get_template("core/database_unavailable.html").render(), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Called while the exception is being handled: a database that cannot be reached is a
    # 503, not the site's fault. 500.html is rendered without context processors or the
    # database (Django's own view).
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return _api_error(request, 500) or defaults.server_error(request)
