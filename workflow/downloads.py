"""Stored files (attachments, letters) handed out as downloads that no cache keeps."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse

from complaints.models import Document

PDF = "application/pdf"


def file_download(*, file: Any, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response


def pdf_response(content: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """A PDF made for this request (a preview, a print batch), kept by no cache."""
    response = HttpResponse(content, content_type=PDF)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def document_download(document: Document, *, with_version: bool = True) -> FileResponse:
    """A letter, named after its case, kind (and version)."""
    suffix = f"-v{document.version}" if with_version else ""
    name = f"{document.complaint.reference}-{document.kind}{suffix}.pdf"
    return file_download(file=document.file, filename=name, content_type=PDF)
