"""PDFs of reports, rendered by WeasyPrint from the same templates as the web page."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from nextsteps.people.models import Pupil
from nextsteps.reports.kernels import charts
from nextsteps.reports.kernels.documents import ReportDocument
from nextsteps.reports.models import ReportVersion
from nextsteps.reports.report_selectors import draft_document, latest_versions, version_document


def report_chart(document: ReportDocument) -> str:
    """The report's chart (the page and the PDF show the same one)."""
    return charts.stacked_bars(
        title=_("Core objectives this year, by subject"),
        rows=[(s.subject, [s.secure, s.working, s.not_yet]) for s in document.subjects],
        parts=[_("Secure"), _("Working towards"), _("Not yet")],
    )


def _stylesheet() -> str:
    path = finders.find("reports/print.css")
    if not isinstance(path, str):
        raise FileNotFoundError("reports/print.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_data_uri(name: str) -> str:
    """The school's logo file as a data: URI the page and the PDF both show without another
    request ("" when there is none or it cannot be read now). A logo's stored name is derived
    from its content, so a picture read once is kept for its name; a failed read raises inside
    the cache and so is never kept: a file saved later (when its transaction commits) shows."""
    if not name:
        return ""
    try:
        return _read_logo(name)
    except (OSError, ValueError):
        return ""


@lru_cache(maxsize=16)
def _read_logo(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    kind = next((t for magic, t in LOGO_TYPES.items() if content.startswith(magic)), None)
    if kind is None:
        raise ValueError(f"{name} is not a PNG or JPEG picture")
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def report_context(document: ReportDocument, version: ReportVersion | None) -> dict[str, object]:
    """What the report templates render: the document, which version it is (None: a draft),
    its chart, drawn from the document's own figures, and the logo it was made with."""
    return {
        "data": document,
        "version": version,
        "chart": mark_safe(report_chart(document)),  # noqa: S308 - escaped in charts.py
        "logo_src": logo_data_uri(document.logo),
    }


def report_title(document: ReportDocument) -> str:
    """The PDF's title, which a parent's reader shows and files it under."""
    return _("%(name)s · report · %(period)s · %(school)s") % {
        "name": document.pupil_name,
        "period": document.period,
        "school": document.school_name,
    }


def report_html(document: ReportDocument, version: ReportVersion | None) -> str:
    """The HTML a report's PDF is laid out from (one report, as its own document)."""
    body = render_to_string(
        "reports/_report_body.html", {**report_context(document, version), "print": True}
    )
    return render_to_string(
        "reports/report_document.html",
        {
            "bodies": [mark_safe(body)],  # noqa: S308 - our template
            "period": document.period,
            "title": report_title(document),
        },
    )


def batch_documents(
    pupils: list[Pupil], period: str
) -> Iterable[tuple[ReportDocument, ReportVersion | None]]:
    """Each pupil's report for a batch: the latest released version as released, or (for a
    report not yet released) the draft as it stands."""
    released = latest_versions([p.pk for p in pupils], period)
    for pupil in pupils:
        version = released.get(pupil.pk)
        if version is not None:
            yield version_document(version), version
        else:
            yield draft_document(pupil=pupil, period=period), None


def render_reports_pdf(
    *,
    pupils: list[Pupil],
    period: str,
    progress: Callable[[int], None] | None = None,
    title: str = "",
) -> bytes:
    """One PDF of every pupil's report for the period (see batch_documents)."""
    return render_documents_pdf(
        batch_documents(pupils, period), period=period, progress=progress, title=title
    )


def render_documents_pdf(
    documents: Iterable[tuple[ReportDocument, ReportVersion | None]],
    *,
    period: str,
    progress: Callable[[int], None] | None = None,
    title: str = "",
) -> bytes:
    """One PDF with each report starting on a new page. A single report's PDF is titled with
    the pupil's name (report_title); a batch's with `title`, or the period's reports.

    Each report is laid out as a document of its own (so its pages are numbered "1 / 2" for
    the parent, not "37 / 120" of the batch, and progress counts finished layouts), then the
    pages are joined into one file. The stylesheet and fonts are shared between them.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=_stylesheet(), font_config=fonts)
    laid_out = []
    for n, (document, version) in enumerate(documents, start=1):
        html = report_html(document, version)
        laid_out.append(HTML(string=html).render(stylesheets=[stylesheet], font_config=fonts))
        if progress is not None:
            progress(n)
    batch_title = title or _("Reports · %(period)s") % {"period": period}
    if not laid_out:
        html = render_to_string(
            "reports/report_document.html", {"bodies": [], "period": period, "title": batch_title}
        )
        empty: bytes = HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
        return empty
    pages = [page for document in laid_out for page in document.pages]
    joined = laid_out[0].copy(pages)
    if len(laid_out) > 1:
        joined.metadata.title = batch_title
    data: bytes = joined.write_pdf()
    return data
