"""Reads for the statutory check pages: a class's results in a fixed number of queries, and
the school's figures beside the national ones for each year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from nextsteps.i18n import translate as _
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.statutory.kernels import rules
from nextsteps.statutory.kernels.rules import ItemMark, NoRuleError
from nextsteps.statutory.models import (
    BaselineRecord,
    MtcResult,
    PhonicsItemMark,
    PhonicsResult,
    PhonicsThreshold,
    PhonicsWord,
)
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

SCHOOL_ENTERED = "entered by the school"


@dataclass(frozen=True)
class Threshold:
    """A year's phonics threshold mark and its source, or why there is none."""

    academic_year: str
    value: int | None
    source_title: str = ""
    source_url: str = ""
    entered_by_school: bool = False
    missing: str = ""


@dataclass(frozen=True)
class National:
    """A national figure and its source, or why there is none."""

    value: Decimal | None
    extra: Decimal | None = None
    source_title: str = ""
    source_url: str = ""
    missing: str = ""


def thresholds(school: School, years: set[str]) -> dict[str, Threshold]:
    """The threshold of each year: the school's entry, else the release's, else the reason."""
    entered = {
        row.academic_year: row
        for row in PhonicsThreshold.objects.filter(school=school, academic_year__in=years)
    }
    found: dict[str, Threshold] = {}
    for year in years:
        own = entered.get(year)
        school_rule = (
            rules.Sourced(year, Decimal(own.threshold), _(SCHOOL_ENTERED), "") if own else None
        )
        try:
            rule = rules.threshold_for(
                year, shipped=rules.shipped_thresholds(), school_entered=school_rule
            )
        except NoRuleError as error:
            found[year] = Threshold(year, None, missing=str(error))
            continue
        found[year] = Threshold(
            year, int(rule.value), rule.source_title, rule.source_url, own is not None
        )
    return found


def national_phonics(academic_year: str) -> National:
    try:
        figure = rules.national_phonics_for(academic_year, rules.shipped_phonics_national())
    except NoRuleError as error:
        return National(None, missing=str(error))
    return National(figure.value, None, figure.source_title, figure.source_url)


def national_mtc(academic_year: str) -> National:
    try:
        figure = rules.national_mtc_for(academic_year, rules.shipped_mtc_national())
    except NoRuleError as error:
        return National(None, missing=str(error))
    return National(
        figure.average_score, figure.percent_full_marks, figure.source_title, figure.source_url
    )


# ---------------------------------------------------------------------------- phonics


@dataclass
class PhonicsRow:
    pupil: Pupil
    result: PhonicsResult | None = None
    year1: PhonicsResult | None = None  # a Year 2 pupil's Year 1 result (last year)
    retake: bool = False  # a Year 2 pupil who did not meet the standard in Year 1
    below: bool = False  # this year's mark is below the threshold
    items: bool = False  # this year's words are marked one by one
    may_record: bool = True
    typed: tuple[str, str] | None = None  # what was typed, shown again beside a problem


@dataclass
class PhonicsClass:
    teaching_class: Class
    academic_year: str
    year_group: int
    threshold: Threshold
    last_threshold: Threshold | None
    rows: list[PhonicsRow]
    summary: rules.PhonicsSummary | None
    national: National
    gaps: list[GapRow] = field(default_factory=list)
    gaps_year: str = ""
    words_entered: bool = False

    @property
    def retakes(self) -> list[PhonicsRow]:
        return [row for row in self.rows if row.retake]

    @property
    def below(self) -> list[PhonicsRow]:
        return [row for row in self.rows if row.below]


@dataclass(frozen=True)
class GapRow:
    position: int
    kind: str
    word: str
    grapheme: str
    missed: int
    marked: int
    percent_missed: int


def phonics_class(teaching_class: Class, allowed: set[int] | None) -> PhonicsClass:
    """A Year 1 or Year 2 class's phonics results for its year, with retake flags and the
    most-missed words; five queries, whatever the size of the class."""
    year = teaching_class.academic_year.name
    last = rules.previous_academic_year(year)
    pupils = class_pupils(teaching_class)
    results = PhonicsResult.objects.filter(
        school_id=teaching_class.school_id, pupil__in=pupils, academic_year__in=[year, last]
    )
    by_pupil: dict[tuple[int, str], PhonicsResult] = {
        (r.pupil_id, r.academic_year): r for r in results
    }
    school = teaching_class.school
    found = thresholds(school, {year, last})
    threshold, last_threshold = found[year], found[last]
    this_year = [r for (_p, y), r in by_pupil.items() if y == year]
    # A Year 2 class's gaps are those of its Year 1 check, which its retake teaching follows.
    gap_year = year if teaching_class.year_group == 1 else last
    gap_ids = {r.pk for (_p, y), r in by_pupil.items() if y == gap_year}
    items = _items_by_result([r.pk for r in by_pupil.values()])
    rows = []
    for pupil in pupils:
        result = by_pupil.get((pupil.pk, year))
        row = PhonicsRow(pupil, result, may_record=allowed is None or pupil.pk in allowed)
        if result is not None:
            row.items = result.pk in items
            row.below = threshold.value is not None and rules.needs_retake(
                result.mark, result.not_taken, threshold.value
            )
        if teaching_class.year_group == 2:
            row.year1 = by_pupil.get((pupil.pk, last))
            if row.year1 is not None and row.year1.year_group == 1:
                row.retake = last_threshold.value is not None and rules.needs_retake(
                    row.year1.mark, row.year1.not_taken, last_threshold.value
                )
        rows.append(row)
    marks = [r.mark for r in this_year if r.year_group == 1]
    summary = (
        rules.phonics_summary(marks, threshold.value)
        if threshold.value is not None and marks
        else None
    )
    words = phonics_words(school, gap_year)
    gaps = [
        GapRow(
            g.position,
            g.kind,
            words[g.position].word if g.position in words else "",
            words[g.position].grapheme if g.position in words else "",
            g.missed,
            g.marked,
            g.percent_missed,
        )
        for g in rules.word_gaps(marked for pk, marked in items.items() if pk in gap_ids)
    ]
    return PhonicsClass(
        teaching_class,
        year,
        int(teaching_class.year_group or 0),
        threshold,
        last_threshold if teaching_class.year_group == 2 else None,
        rows,
        summary,
        national_phonics(year),
        gaps,
        gap_year,
        bool(phonics_words(school, year)) if gap_year != year else bool(words),
    )


def _items_by_result(result_ids: list[int]) -> dict[int, list[ItemMark]]:
    items: dict[int, list[ItemMark]] = defaultdict(list)
    rows = PhonicsItemMark.objects.filter(result_id__in=result_ids).values_list(
        "result_id", "position", "kind", "correct"
    )
    for result_id, position, kind, correct in rows:
        items[result_id].append(ItemMark(position, kind, correct))
    return items


def phonics_words(school: School, academic_year: str) -> dict[int, PhonicsWord]:
    return {
        w.position: w
        for w in PhonicsWord.objects.filter(school=school, academic_year=academic_year)
    }


def phonics_result(pupil: Pupil, academic_year: str) -> PhonicsResult | None:
    return PhonicsResult.objects.filter(pupil=pupil, academic_year=academic_year).first()


def phonics_items(result: PhonicsResult | None) -> dict[int, bool]:
    if result is None:
        return {}
    return dict(result.items.values_list("position", "correct"))


# ---------------------------------------------------------------------------- MTC


@dataclass
class MtcRow:
    pupil: Pupil
    result: MtcResult | None
    may_record: bool
    typed: tuple[str, str] | None = None  # what was typed, shown again beside a problem


@dataclass
class ScoreBar:
    score: int
    pupils: int
    percent: int  # of the tallest bar, for the chart's width


@dataclass
class MtcClass:
    teaching_class: Class
    academic_year: str
    rows: list[MtcRow]
    summary: rules.MtcSummary
    national: National
    bars: list[ScoreBar]


def mtc_class(teaching_class: Class, allowed: set[int] | None) -> MtcClass:
    """A Year 4 class's statutory scores for its year beside the national figures; two
    queries, whatever the size of the class."""
    year = teaching_class.academic_year.name
    pupils = class_pupils(teaching_class)
    results = {
        r.pupil_id: r
        for r in MtcResult.objects.filter(
            school_id=teaching_class.school_id, pupil__in=pupils, academic_year=year
        )
    }
    rows = [MtcRow(p, results.get(p.pk), allowed is None or p.pk in allowed) for p in pupils]
    summary = rules.mtc_summary([r.score for r in results.values()])
    return MtcClass(
        teaching_class, year, rows, summary, national_mtc(year), _bars(summary.distribution)
    )


def _bars(distribution: tuple[int, ...]) -> list[ScoreBar]:
    tallest = max(distribution, default=0) or 1
    return [
        ScoreBar(score, count, 5 * round(20 * count / tallest))
        for score, count in enumerate(distribution)
    ]


# ---------------------------------------------------------------------------- baseline


@dataclass
class BaselineRow:
    pupil: Pupil
    record: BaselineRecord | None
    may_record: bool
    typed: tuple[str, str] | None = None  # what was typed, shown again beside a problem
    # The typed date, read: a date input shows only an ISO date, so an unreadable one is blank.
    typed_date: dt.date | None = None

    @property
    def shown_date(self) -> dt.date | None:
        """The date the page shows: what was just typed, else the date recorded."""
        if self.typed is not None:
            return self.typed_date
        return self.record.administered_on if self.record is not None else None


def baseline_class(teaching_class: Class, allowed: set[int] | None) -> list[BaselineRow]:
    year = teaching_class.academic_year.name
    pupils = class_pupils(teaching_class)
    records = {
        r.pupil_id: r
        for r in BaselineRecord.objects.filter(
            school_id=teaching_class.school_id, pupil__in=pupils, academic_year=year
        )
    }
    return [BaselineRow(p, records.get(p.pk), allowed is None or p.pk in allowed) for p in pupils]


# ---------------------------------------------------------------------------- school


@dataclass
class PhonicsYear:
    academic_year: str
    threshold: Threshold
    summary: rules.PhonicsSummary | None
    national: National
    retakes: int
    year2_taken: int
    year2_meeting: int


@dataclass
class MtcYear:
    academic_year: str
    summary: rules.MtcSummary
    national: National
    bars: list[ScoreBar]


@dataclass
class BaselineYear:
    academic_year: str
    administered: int
    not_administered: int


@dataclass
class SchoolSummary:
    phonics: list[PhonicsYear]
    mtc: list[MtcYear]
    baseline: list[BaselineYear]


def school_summary(school: School) -> SchoolSummary:
    """Every year's figures for the school, most recent first; four queries."""
    phonics_rows = list(
        PhonicsResult.objects.filter(school=school).values_list(
            "academic_year", "year_group", "mark", "not_taken"
        )
    )
    years = {row[0] for row in phonics_rows}
    found = thresholds(school, years)
    phonics = []
    for year in sorted(years, reverse=True):
        threshold = found[year]
        year1 = [(m, c) for y, g, m, c in phonics_rows if y == year and g == 1]
        year2 = [m for y, g, m, _c in phonics_rows if y == year and g == 2]
        value = threshold.value
        phonics.append(
            PhonicsYear(
                year,
                threshold,
                rules.phonics_summary([m for m, _c in year1], value) if value is not None else None,
                national_phonics(year),
                sum(1 for m, c in year1 if rules.needs_retake(m, c, value))
                if value is not None
                else 0,
                sum(1 for m in year2 if m is not None),
                sum(1 for m in year2 if value is not None and rules.meets_standard(m, value)),
            )
        )
    scores: dict[str, list[int | None]] = defaultdict(list)
    for year, score in MtcResult.objects.filter(school=school).values_list(
        "academic_year", "score"
    ):
        scores[year].append(score)
    mtc = []
    for year in sorted(scores, reverse=True):
        summary = rules.mtc_summary(scores[year])
        mtc.append(MtcYear(year, summary, national_mtc(year), _bars(summary.distribution)))
    baseline: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for year, when in BaselineRecord.objects.filter(school=school).values_list(
        "academic_year", "administered_on"
    ):
        baseline[year][0 if when else 1] += 1
    return SchoolSummary(
        phonics,
        mtc,
        [BaselineYear(y, *baseline[y]) for y in sorted(baseline, reverse=True)],
    )
