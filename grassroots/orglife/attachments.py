"""Serving a meeting's attachment to someone who may see the meeting: files stay under
MEDIA_ROOT and are never served as public media; a removed attachment answers 404."""

from django.http import Http404

from grassroots.core.uploads import stored_file_response

from .models import Attachment


def attachment_response(user, pk):
    attachment = Attachment.objects.visible_to(user).kept().filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return stored_file_response(attachment.file, attachment.name, attachment.content_type)
