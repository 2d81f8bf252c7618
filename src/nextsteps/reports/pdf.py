"""PDFs of reports, rendered by WeasyPrint from the same templates as the web page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from nextsteps.people.models import Pupil
from nextsteps.reports.documents import ReportDocument
from nextsteps.reports.models import ReportVersion
from nextsteps.reports.report_selectors import draft_document, latest_versions, version_document
from nextsteps.reports.report_views_support import report_chart


def _stylesheet() -> str:
    path = finders.find("reports/print.css")
    if not isinstance(path, str):
        raise FileNotFoundError("reports/print.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def report_context(document: ReportDocument, version: ReportVersion | None) -> dict[str, object]:
    """What the report templates render: the document, which version it is (None: a draft)
    and its chart, drawn from the document's own figures."""
    return {
        "data": document,
        "version": version,
        "chart": mark_safe(report_chart(document)),  # noqa: S308 - escaped in charts.py
    }


def report_html(document: ReportDocument, version: ReportVersion | None) -> str:
    """The HTML a report's PDF is laid out from (one report, as its own document)."""
    body = render_to_string(
        "reports/_report_body.html", {**report_context(document, version), "print": True}
    )
    return render_to_string(
        "reports/report_document.html",
        {"bodies": [mark_safe(body)], "period": document.period},  # noqa: S308 - our template
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
    *, pupils: list[Pupil], period: str, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF of every pupil's report for the period (see batch_documents)."""
    return render_documents_pdf(batch_documents(pupils, period), period=period, progress=progress)


def render_documents_pdf(
    documents: Iterable[tuple[ReportDocument, ReportVersion | None]],
    *,
    period: str,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF with each report starting on a new page.

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
    if not laid_out:
        html = render_to_string("reports/report_document.html", {"bodies": [], "period": period})
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
    pages = [page for document in laid_out for page in document.pages]
    return laid_out[0].copy(pages).write_pdf()
