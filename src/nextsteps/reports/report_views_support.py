"""The report's chart, shared by the page and the PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nextsteps.reports.kernels import charts
from nextsteps.reports.kernels.documents import ReportDocument


def report_chart(document: ReportDocument) -> str:
    return charts.stacked_bars(
        title=_("Core objectives this year, by subject"),
        rows=[(s.subject, [s.secure, s.working, s.not_yet]) for s in document.subjects],
        parts=[_("Secure"), _("Working towards"), _("Not yet")],
    )
