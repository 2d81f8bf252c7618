"""PDFs of reports, rendered by WeasyPrint from the same templates as the web page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from nextsteps.people.models import Pupil
from nextsteps.reports.report_selectors import ReportData, pupil_report
from nextsteps.reports.report_views_support import report_chart


def _stylesheet() -> str:
    path = finders.find("reports/print.css")
    if not isinstance(path, str):
        raise FileNotFoundError("reports/print.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def report_context(data: ReportData) -> dict[str, object]:
    return {"data": data, "chart": mark_safe(report_chart(data))}  # noqa: S308 - escaped in charts.py


def render_reports_pdf(
    *,
    pupils: list[Pupil],
    period: str,
    for_parent: bool = False,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF with each pupil's report starting on a new page.

    Each report is laid out as a document of its own (so its pages are numbered "1 / 2" for
    the parent, not "37 / 120" of the batch, and progress counts finished layouts), then the
    pages are joined into one file. The stylesheet and fonts are shared between them.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=_stylesheet(), font_config=fonts)
    documents = []
    for n, pupil in enumerate(pupils, start=1):
        data = pupil_report(pupil=pupil, period=period, for_parent=for_parent)
        body = render_to_string(
            "reports/_report_body.html", {**report_context(data), "print": True}
        )
        html = render_to_string(
            "reports/report_document.html",
            {"bodies": [mark_safe(body)], "period": period},  # noqa: S308 - our own template
        )
        documents.append(HTML(string=html).render(stylesheets=[stylesheet], font_config=fonts))
        if progress is not None:
            progress(n)
    if not documents:
        html = render_to_string("reports/report_document.html", {"bodies": [], "period": period})
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
