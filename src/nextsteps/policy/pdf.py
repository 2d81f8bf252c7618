"""The published policy as a PDF: the frozen HTML of the version, in a print layout."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from nextsteps.policy.models import PolicyDocument


def document_html(document: PolicyDocument) -> str:
    """The standalone print page for a published version (A4, page numbers, running title)."""
    return render_to_string(
        "policy/document_print.html",
        # The body was rendered by our own template, with everything escaped, when published.
        {"document": document, "body": mark_safe(document.body_html)},  # noqa: S308
    )


def document_pdf(document: PolicyDocument) -> bytes:
    """Render the published version with WeasyPrint."""
    from weasyprint import HTML

    # WeasyPrint reports unsupported CSS at warning level; the print page uses none.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes | None = HTML(string=document_html(document)).write_pdf()
    assert pdf is not None  # noqa: S101 - write_pdf returns bytes when given no target
    return pdf
