"""Error answers that reach Django's handlers (unknown URLs, refusals and failures outside
DRF's views): the site's own Chinese pages, and JSON under /api/ so API clients always get
the `{"detail": …}` body DRF gives for its own errors."""

import re

from django.http import Http404, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
DETAILS = {
    400: "请求无效。",
    403: "您没有执行该操作的权限。",
    404: "未找到。",
    500: "服务器内部错误，请稍后再试。",
}
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
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _api_error(request, 403, exception) or defaults.permission_denied(
        request, shown_reason(exception)
    )


def page_not_found(request, exception):
    return _api_error(request, 404, exception) or defaults.page_not_found(
        request, Http404(shown_reason(exception))
    )


def server_error(request):
    # 500.html is rendered without context processors or the database (Django's own view).
    return _api_error(request, 500) or defaults.server_error(request)
