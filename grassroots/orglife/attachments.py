"""Serving a meeting's attachment to someone who may see the meeting: files stay under
MEDIA_ROOT and are never served as public media; a removed attachment answers 404."""

from django.http import FileResponse, Http404

from .models import Attachment


def attachment_response(user, pk):
    attachment = Attachment.objects.visible_to(user).kept().filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, filename=attachment.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
