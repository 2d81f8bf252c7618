"""The report's chart, shared by the page and the PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nextsteps.reports import charts
from nextsteps.reports.report_selectors import ReportData


def report_chart(data: ReportData) -> str:
    return charts.stacked_bars(
        title=_("Core objectives this year, by subject"),
        rows=[(s.subject, [len(s.secure), len(s.working), len(s.not_yet)]) for s in data.subjects],
        parts=[_("Secure"), _("Working towards"), _("Not yet")],
    )
