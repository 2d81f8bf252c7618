"""Shaping the KS4 results analysis for its page: residuals as a chart, groups in words.

Every figure comes from `ks4_analysis` (and the kernels it calls); nothing here computes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from nextsteps.progress.explain import GROUPING_LABELS, group_label
from nextsteps.progress.kernels.chart import ChartRow, Charts, charts
from nextsteps.progress.kernels.ks4_analysis import GroupRow, Ks4Analysis
from nextsteps.progress.kernels.residuals import GRADES, SubjectResidual

ELEMENT_LABELS = {
    "english": _("English (counted twice)"),
    "maths": _("Mathematics (counted twice)"),
    "ebacc": _("EBacc slots (three)"),
    "open": _("Open slots (three)"),
}
CHART_WORDS = {  # short, to fit beside the chart
    "above average": _("higher"),
    "average": _("in line"),
    "below average": _("lower"),
}
RESIDUAL_WORDS = {
    "above average": _("higher than in their other subjects"),
    "average": _("in line with their other subjects"),
    "below average": _("lower than in their other subjects"),
}


def residual_band(residual: SubjectResidual) -> str:
    """Above or below only when the interval is wholly on one side of 0."""
    if residual.significant:
        return "above average" if residual.residual > 0 else "below average"
    return "average"


def residual_row(label: str, residual: SubjectResidual) -> ChartRow:
    band = residual_band(residual)
    return ChartRow(
        label=label,
        n=residual.n,
        score=residual.residual,
        ci_low=residual.ci_low if residual.ci_low is not None else residual.residual,
        ci_high=residual.ci_high if residual.ci_high is not None else residual.residual,
        band=band,
        band_label=str(CHART_WORDS[band]),
        small=residual.small,
    )


def residual_chart(residuals: Sequence[SubjectResidual]) -> Charts | None:
    rows = [residual_row(r.subject, r) for r in residuals]
    return charts(rows, minimum=1.0) if rows else None


@dataclass(frozen=True)
class GroupSection:
    key: str
    label: str
    rows: list[tuple[str, GroupRow]]  # (label in words, row)


def group_sections(analysis: Ks4Analysis) -> list[GroupSection]:
    return [
        GroupSection(
            key,
            str(GROUPING_LABELS[key]),
            [(group_label(key, row.label), row) for row in rows],
        )
        for key, rows in analysis.groups
    ]


def residual_matrix(
    section: GroupSection, subjects: Sequence[str]
) -> list[tuple[str, list[SubjectResidual | None]]]:
    """Each subject's residual in each group of a grouping (None: no pupils of the group)."""
    return [
        (subject, [row.residuals.get(subject) for _label, row in section.rows])
        for subject in subjects
    ]


def grade_labels() -> list[str]:
    return [str(_("U")) if grade == 0 else str(grade) for grade in GRADES]


YEAR11_LABELS = {
    ("sen", "yes"): _("SEN support or EHC plan"),
    ("sen", "no"): _("No SEN"),
}


def year11_group_label(grouping: str, label: str) -> str:
    found = YEAR11_LABELS.get((grouping, label))
    return str(found) if found is not None else group_label(grouping, label)
