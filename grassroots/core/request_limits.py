"""413 for request bodies over their limit, before anything reads them
(docs/security/uploads.md).

Multipart bodies (file uploads) may be REQUEST_MAX_UPLOAD_BYTES; every other body (JSON,
forms) REQUEST_MAX_BODY_BYTES. Django alone answers an oversized form with 400
(RequestDataTooBig) and lets Django REST framework read a JSON body of any size."""

from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse
from django.shortcuts import render

from .uploads import size_label

_READ_CHUNK = 64 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = _limit(request)
        length = request.META.get("CONTENT_LENGTH")
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                too_large = False  # Django reads such a body as empty
        else:
            too_large = not _buffer_unsized_body(request, limit)
        if too_large:
            return too_large_response(request)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # The CSRF check reads a page's form next; a form over Django's own limit
        # (DATA_UPLOAD_MAX_MEMORY_SIZE) is 413 too. API views parse their bodies themselves.
        if request.method == "POST" and not getattr(view, "csrf_exempt", False):
            try:
                request.POST  # noqa: B018 (parsed here so that the limit is answered here)
            except RequestDataTooBig:
                return too_large_response(request)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(request)
        return None


def _limit(request):
    if request.content_type == "multipart/form-data":
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.REQUEST_MAX_BODY_BYTES


def _buffer_unsized_body(request, limit):
    """A chunked body (no Content-Length) is read up to `limit` and handed to Django as a
    sized one; False if it is longer. Only where the server marks the input as ending with the
    body (`wsgi.input_terminated`, as gunicorn does); elsewhere Django reads no body at all."""
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        return True
    # Outlives this function: it becomes the body the request reads.
    buffer = SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    size = 0
    while chunk := environ["wsgi.input"].read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            buffer.close()
            return False
        buffer.write(chunk)
    buffer.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(buffer, size)  # what WSGIRequest reads the body from
    return True


def too_large_response(request):
    limit = _limit(request)
    if request.content_type == "multipart/form-data":
        message = f"上传的内容超过{size_label(limit)}，请分成几个文件上传"
    else:
        message = f"提交的内容超过{size_label(limit)}，请减少一次提交的数据"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "core/request_too_large.html", {"message": message}, status=413)
