"""Downloads of a workflow's documents: each one as .docx (or PDF where LibreOffice is
installed) and all of them as one zip. Shared by the pages and the API."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from grassroots.core.access import visible_or_404
from grassroots.documents.pdf import PdfUnavailable
from grassroots.elections.documents import (
    DocumentNotAvailable,
    document_ref,
    dossier,
    dossier_filename,
    render,
)
from grassroots.elections.documents import render_pdf as render_pdf_document
from grassroots.elections.models import Workflow

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
ZIP_CONTENT_TYPE = "application/zip"


def visible_workflow(user, pk, kinds=None):
    """The workflow if `user` may see it (and it is of one of `kinds`); 404 otherwise, so
    that workflows outside the user's subtree stay unknown."""
    workflows = Workflow.objects.select_related("org", "parent", "term")
    if kinds is not None:
        workflows = workflows.filter(kind__in=kinds)
    return visible_or_404(user, workflows, pk)


def file_response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    # A Chinese file name goes out as RFC 5987 filename*=utf-8''…
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def document_response(user, workflow, slug, as_pdf=False):
    """The document `slug` of `workflow` for `user` (ID numbers and phones as `user` may
    see them); 404 for a document the workflow cannot produce now, 503 for a PDF without
    LibreOffice."""
    try:
        ref = document_ref(workflow, slug)
        if not as_pdf:
            return file_response(render(workflow, slug, user), DOCX_CONTENT_TYPE, ref.filename)
        content = render_pdf_document(workflow, slug, user)
    except DocumentNotAvailable:
        raise Http404("该事项当前没有这份材料") from None
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return file_response(content, PDF_CONTENT_TYPE, ref.filename.removesuffix(".docx") + ".pdf")


def dossier_response(user, workflow):
    return file_response(dossier(workflow, user), ZIP_CONTENT_TYPE, dossier_filename(workflow))


@login_required
def workflow_document(request, pk, slug):
    workflow = visible_workflow(request.user, pk)
    return document_response(request.user, workflow, slug, request.GET.get("format") == "pdf")


@login_required
def workflow_dossier(request, pk):
    return dossier_response(request.user, visible_workflow(request.user, pk))
