"""Shaping a kernel report for the leader's pages: labels in words, chart rows, the pupils
behind the figure and the numbers the plain-English explanation quotes.

Every figure shown comes from the kernel's report (`report.p8_report`, `report.ks2_report`):
nothing here recomputes a score, an interval or a band.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.progress.kernels.chart import ChartRow, Charts, charts, signed
from nextsteps.progress.kernels.measures import (
    KS2_SUBJECTS,
    P8_DIVISORS,
    P8_EXCLUSIONS,
    P8_MEASURES,
    SCALE,
    SMALL_GROUP,
    Z_95,
    round_fraction_half_up,
)
from nextsteps.progress.kernels.report import ordered
from nextsteps.progress.selectors import Report

BAND_LABELS = {
    "well above average": _("Well above average"),
    "above average": _("Above average"),
    "average": _("Average"),
    "below average": _("Below average"),
    "well below average": _("Well below average"),
}
MEASURE_LABELS = {
    "progress8": _("Progress 8"),
    "english": _("English"),
    "maths": _("Mathematics"),
    "ebacc": _("EBacc subjects"),
    "open": _("Open subjects"),
    "reading": _("Reading"),
    "writing": _("Writing"),
}
GROUPING_LABELS = {
    "disadvantaged": _("Disadvantaged (pupil premium)"),
    "sen": _("Special educational needs"),
    "eal": _("English as an additional language"),
    "gender": _("Gender"),
    "prior_attainment": _("Prior attainment"),
}
GROUP_LABELS = {
    ("disadvantaged", "yes"): _("Disadvantaged"),
    ("disadvantaged", "no"): _("Other pupils"),
    ("sen", "no"): _("No SEN"),
    ("sen", "SEN support"): _("SEN support"),
    ("sen", "EHC plan"): _("EHC plan"),
    ("eal", "yes"): _("EAL"),
    ("eal", "no"): _("English first language"),
    ("gender", "female"): _("Girls"),
    ("gender", "male"): _("Boys"),
    ("prior_attainment", "low"): _("Low"),
    ("prior_attainment", "middle"): _("Middle"),
    ("prior_attainment", "high"): _("High"),
    ("prior_attainment", "not known"): _("Not known"),
}
EXCLUSION_LABELS = {
    "no usable KS2 reading or maths result": _("No usable KS2 reading or maths result"),
    "KS2 average outside the prior attainment groups": _(
        "KS2 average outside the table's prior attainment groups"
    ),
    "no estimate for the prior attainment group": _("The table has no estimate for the group"),
    "no usable KS1 result in reading, writing and maths": _(
        "No usable KS1 result in reading, writing and maths"
    ),
    "KS1 average outside the prior attainment groups": _(
        "KS1 average outside the table's prior attainment groups"
    ),
}
PUPILS_SHOWN = 8


def group_label(grouping: str, label: str) -> str:
    return str(GROUP_LABELS.get((grouping, label), label.capitalize()))


def chart_row(label: Any, entry: Mapping[str, Any], score_key: str = "score") -> ChartRow:
    """A summary from the kernel's report as a chart and table row."""
    band = entry.get("band")
    return ChartRow(
        label=str(label),
        n=int(entry.get("n", 0)),
        score=entry.get(score_key),
        ci_low=entry.get("ci_low"),
        ci_high=entry.get("ci_high"),
        band=band,
        band_label=str(BAND_LABELS.get(band or "", _("No pupils with a score"))),
        small=bool(entry.get("small", int(entry.get("n", 0)) < SMALL_GROUP)),
        pupils=entry.get("pupils"),
    )


@dataclass(frozen=True)
class GroupSection:
    key: str
    label: str
    rows: list[ChartRow]


def group_sections(
    groups: Mapping[str, Mapping[str, Any]], measure: str | None
) -> list[GroupSection]:
    """Each grouping's labels as rows (for KS1–KS2, one subject's figures)."""
    sections = []
    for key in ("disadvantaged", "sen", "eal", "gender", "prior_attainment"):
        if key not in groups:
            continue
        rows = []
        for label in ordered(groups[key]):
            entry = dict(groups[key][label])
            if measure is not None:  # KS1–KS2: per subject, with the label's pupil count
                entry = dict(entry[measure], pupils=entry["pupils"])
            score_key = "progress8" if "progress8" in entry else "score"
            rows.append(chart_row(group_label(key, label), entry, score_key))
        sections.append(GroupSection(key, str(GROUPING_LABELS[key]), rows))
    return sections


def chart_of_sections(sections: Sequence[GroupSection], minimum: float) -> Charts:
    """One chart for every grouping, each under its heading."""
    rows: list[ChartRow] = []
    for section in sections:
        rows.append(ChartRow(label=section.label, heading=True))
        rows.extend(section.rows)
    return charts(rows, minimum=minimum)


@dataclass(frozen=True)
class PupilLine:
    """A pupil and their figures from the report, for the staff-only lists."""

    pupil: Pupil
    entry: dict[str, Any]
    contribution: str = ""
    reason: str = ""


def pupil_lines(report: Report) -> tuple[list[PupilLine], list[PupilLine], list[PupilLine]]:
    """Pupils furthest below and above their estimate, and those not in the figure.

    A pupil's contribution is their score divided by the number of pupils: how far they
    move the school's figure.
    """
    entries = report.computed.report["pupils"]
    scored = [e for e in entries if e.get("progress8") is not None]
    n = len(scored)

    def line(entry: dict[str, Any]) -> PupilLine:
        share = entry["progress8"] / n if n else 0.0
        return PupilLine(report.pupils[entry["pupil_id"]], entry, signed(share, 3))

    ranked = sorted(scored, key=lambda e: (e["progress8"], e["pupil_id"]))
    below = [line(e) for e in ranked[:PUPILS_SHOWN] if e["progress8"] < 0]
    above = [line(e) for e in reversed(ranked[-PUPILS_SHOWN:]) if e["progress8"] > 0]
    return below, above, excluded_lines(report)


@dataclass(frozen=True)
class WorkedExample:
    """One pupil's Progress 8 as a sum whose every figure is the kernel's, so that it adds up:
    (Attainment 8 − estimate) ÷ 10 = the unrounded score, which rounds to the published one."""

    ks2_average: float
    pag: int
    estimate: float
    attainment8: float
    difference: Decimal  # Attainment 8 − estimate, exactly
    unrounded: Decimal  # the difference ÷ 10, exactly
    score: float  # as published (2 dp, half up): the kernel's figure for the pupil

    @property
    def divisor(self) -> int:
        return P8_DIVISORS["progress8"]

    def figures(self) -> dict[str, str]:
        """Each figure as the page writes it: exact, no trailing zeros, a true minus sign."""
        return {
            "ks2": plain(exact(self.ks2_average)),
            "estimate": plain(exact(self.estimate)),
            "a8": plain(exact(self.attainment8)),
            "difference": plain(self.difference),
            "unrounded": plain(self.unrounded),
            "score": signed(self.score),
        }


def plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "\u2212" + text[1:] if text.startswith("-") else text


def exact(value: float) -> Decimal:
    """A kernel input as the kernel reads it (to millionths), without float noise."""
    return Decimal(int(round(value * SCALE))) / SCALE


def worked_example(
    entries: Sequence[dict[str, Any]], attainment8: Mapping[str, float]
) -> WorkedExample | None:
    """The pupil with the middle Progress 8 score whose sum the kernel's rounding reproduces
    (a pupil whose score was raised to the floor is never the example); no name is given."""
    scored = [
        e
        for e in entries
        if e.get("progress8") is not None
        and not e.get("capped")
        and attainment8.get(e["pupil_id"]) is not None
    ]
    ranked = sorted(scored, key=lambda e: (e["progress8"], e["pupil_id"]))
    middle = len(ranked) // 2
    # The middle pupil first, then outwards from them.
    for entry in sorted(ranked, key=lambda e: abs(ranked.index(e) - middle)):
        example = _sum_for(entry, attainment8[entry["pupil_id"]])
        if example is not None:
            return example
    return None


def _sum_for(entry: Mapping[str, Any], a8: float) -> WorkedExample | None:
    divisor = P8_DIVISORS["progress8"]
    numerator = int(round(a8 * SCALE)) - int(round(entry["estimate"] * SCALE))
    if round_fraction_half_up(numerator, divisor * SCALE) != entry["progress8"]:
        return None  # the sum would not give the published score: show another pupil
    difference = Decimal(numerator) / SCALE
    return WorkedExample(
        ks2_average=entry["ks2_average"],
        pag=entry["pag"],
        estimate=float(exact(entry["estimate"])),
        attainment8=float(exact(a8)),
        difference=difference.normalize(),
        unrounded=(difference / divisor).normalize(),
        score=entry["progress8"],
    )


def interval_half_width(entry: Mapping[str, Any]) -> float | None:
    """Half the width of a reported interval (the ± in the explanation)."""
    if entry.get("ci_low") is None or entry.get("ci_high") is None:
        return None
    half: float = round((entry["ci_high"] - entry["ci_low"]) / 2, 2)
    return half


def progress8_context(report: Report) -> dict[str, Any]:
    """Everything the Progress 8 page shows, from the kernel's report."""
    built = report.computed.report
    school = built["school"]
    headline_label = str(MEASURE_LABELS["progress8"])
    if report.proxy is not None:  # the label travels with the figure into the chart and table
        headline_label = str(_("Progress 8 (%(note)s)") % {"note": internal_estimate()})
    element_rows = [chart_row(headline_label, school, "progress8")]
    element_rows += [chart_row(MEASURE_LABELS[m], school[m]) for m in P8_MEASURES[1:]]
    sections = group_sections(built["groups"], None)
    below, above, excluded = pupil_lines(report)
    example = worked_example(built["pupils"], attainment8_by_pupil(report))
    return {
        "report": built,
        "school_summary": school,
        "headline": element_rows[0],
        "element_rows": element_rows,
        # The chart's row keeps the short name (its labels are clipped at a fixed width); its
        # title, and the heading above it, carry the words.
        "element_chart": charts(
            [replace(element_rows[0], label=str(MEASURE_LABELS["progress8"]))] + element_rows[1:]
        ),
        "sections": sections,
        "group_chart": chart_of_sections(sections, 1.0),
        "below": below,
        "above": above,
        "excluded": excluded,
        "example": example,
        "example_figures": example.figures() if example else None,
        "half_width": interval_half_width(school),
        "national_sd": report.table.national_sd.get("progress8"),
        "z_95": Z_95,
        "prior_bands": report.computed.prior_bands,
        "capped_pupils": sum(1 for e in built["pupils"] if e.get("capped")),
        "median_ks2": median_ks2(built["pupils"]),
        "proxy": report.proxy,
        "internal_estimate": internal_estimate() if report.proxy is not None else "",
    }


def internal_estimate() -> str:
    """The words beside every figure made from a school's own baseline."""
    return str(_("internal estimate, not the DfE measure"))


def attainment8_by_pupil(report: Report) -> dict[str, float]:
    """Each pupil's Attainment 8 as the kernel was given it (the stored KS4 result)."""
    found = {}
    for pupil_id, pupil in report.pupils.items():
        result = getattr(pupil, "ks4_result", None)
        if result is not None and result.attainment8 is not None:
            found[pupil_id] = float(result.attainment8)
    return found


def median_ks2(entries: Sequence[Mapping[str, Any]]) -> float | None:
    values = [e["ks2_average"] for e in entries if e.get("ks2_average") is not None]
    return round(statistics.median(values), 1) if values else None


@dataclass(frozen=True)
class SubjectBlock:
    key: str
    label: str
    sections: list[GroupSection]
    chart: Charts
    below: list[PupilLine]


def subject_below(report: Report, subject: str) -> list[PupilLine]:
    """Pupils furthest below their group's national average in one subject."""
    scored = [e for e in report.computed.report["pupils"] if e.get(subject) is not None]
    n = len(scored)
    ranked = sorted(scored, key=lambda e: (e[subject], e["pupil_id"]))
    return [
        PupilLine(report.pupils[e["pupil_id"]], e, signed(e[subject] / n, 3))
        for e in ranked[:PUPILS_SHOWN]
        if e[subject] < 0
    ]


def excluded_lines(report: Report) -> list[PupilLine]:
    """Pupils left out of the figure, each with the reason."""
    labels = dict(EXCLUSION_LABELS)
    if report.proxy is not None:
        labels[P8_EXCLUSIONS[1]] = _("No score on the school's own baseline")
    return [
        PupilLine(
            report.pupils[e["pupil_id"]],
            e,
            reason=report.computed.notes.get(e["pupil_id"])
            or str(labels.get(e["excluded"], e["excluded"])),
        )
        for e in report.computed.report["pupils"]
        if "excluded" in e
    ]


def subject_gaps(report: Report) -> list[PupilLine]:
    """KS1–KS2: pupils counted in some subjects but not others (no KS2 result in one)."""
    lines = []
    for entry in report.computed.report["pupils"]:
        if "excluded" in entry:
            continue
        missing = [str(MEASURE_LABELS[s]).lower() for s in KS2_SUBJECTS if entry.get(s) is None]
        if missing:
            reason = _("No usable KS2 result in %(subjects)s") % {"subjects": ", ".join(missing)}
            lines.append(PupilLine(report.pupils[entry["pupil_id"]], entry, reason=str(reason)))
    return lines


def ks1_ks2_context(report: Report) -> dict[str, Any]:
    """Everything the KS1–KS2 page shows, from the kernel's report."""
    built = report.computed.report
    school = built["school"]
    subject_rows = [chart_row(MEASURE_LABELS[s], school[s]) for s in KS2_SUBJECTS]
    blocks = []
    for subject in KS2_SUBJECTS:
        sections = group_sections(built["groups"], subject)
        chart = chart_of_sections(sections, 2.0)
        label = str(MEASURE_LABELS[subject])
        blocks.append(SubjectBlock(subject, label, sections, chart, subject_below(report, subject)))
    return {
        "report": built,
        "school_summary": school,
        "subject_rows": subject_rows,
        "subject_chart": charts(subject_rows, minimum=2.0),
        "blocks": blocks,
        "excluded": excluded_lines(report) + subject_gaps(report),
        "prior_bands": report.computed.prior_bands,
        "national_sd": report.table.national_sd,
        "z_95": Z_95,
        "half_widths": {s: interval_half_width(school[s]) for s in KS2_SUBJECTS},
    }
