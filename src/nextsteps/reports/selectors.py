"""Reads for the dashboards, from the Standing table (kept current on every judgement) and its
snapshots at assessment points — never from a scan of the raw judgement events.

The figure everywhere is the share of *expected cells* that are secure: each pupil on roll is
expected to secure the core objectives of their own year group in each subject. A cell with
evidence that is not yet secure is "working towards"; a cell with no evidence is "not yet".

A dashboard's filters (subject, year group, group of pupils) are one DashboardFilter, applied
once, to the pupils and subjects every figure is built from, so no figure on a filtered page
can escape a filter named in its title. Shares stay exact (rounding.py) until they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import AssessmentPoint, StandingSnapshot
from nextsteps.markbook.services import SummaryFreshness, summaries_current
from nextsteps.markbook.summary_selectors import (
    RECENT_DAYS,
    CoreObjectives,
    Counts,
    summary_rows,
)
from nextsteps.people.kernels.attendance import is_persistent_absence
from nextsteps.people.models import Attendance, Pupil
from nextsteps.progress.kernels.prior_bands import PriorResults, prior_attainment_bands
from nextsteps.progress.selectors import ks1_points, nominal_scores
from nextsteps.reports.kernels.groups import GroupFilter, PupilGroup, groups_named, trait
from nextsteps.reports.kernels.rounding import percent_number, share
from nextsteps.schools.models import School, Trust
from nextsteps.teaching.models import Class, Enrolment
from nextsteps.teaching.selectors import current

__all__ = ["RECENT_DAYS"]  # "recent evidence", defined with the summaries that count it


@dataclass
class Figure:
    """Secure / working towards / recently evidenced counts out of the expected cells."""

    expected: int = 0
    secure: int = 0
    working: int = 0
    recent: int = 0

    def add(self, other: Figure) -> None:
        self.expected += other.expected
        self.secure += other.secure
        self.working += other.working
        self.recent += other.recent

    @property
    def not_yet(self) -> int:
        return max(0, self.expected - self.secure - self.working)

    @property
    def secure_share(self) -> Fraction | None:
        """The exact share secure, for pages and charts to round once as they show it."""
        return share(self.secure, self.expected)

    @property
    def working_share(self) -> Fraction | None:
        return share(self.working, self.expected)

    @property
    def covered_share(self) -> Fraction | None:
        return share(self.recent, self.expected)

    @property
    def percent_secure(self) -> float | None:
        """The share secure to one decimal place (exports and means)."""
        return percent_number(self.secure_share)

    @property
    def percent_working(self) -> float | None:
        return percent_number(self.working_share)

    @property
    def percent_covered(self) -> float | None:
        return percent_number(self.covered_share)

    @property
    def band(self) -> int | None:
        """Which 20-point band the share falls in, by the whole percentage a page shows."""
        if not self.expected:
            return None
        # The whole percentage half up, as round_half_up(secure_share) gives it, in integers:
        # floor(100·secure/expected + ½).
        percent = (200 * self.secure + self.expected) // (2 * self.expected)
        return min(4, percent // 20)


# A pupil's counts in one subject: expected, secure, working towards, recent evidence.
Counted = tuple[int, int, int, int]


@dataclass
class PupilLine:
    pupil_id: int
    name: str
    year_group: int
    gender: str
    disadvantaged: bool
    sen: bool
    eal: bool
    figure: Figure = field(default_factory=Figure)
    # Attendance this year as context: None when no attendance is recorded for the pupil.
    persistent_absence: bool | None = None
    prior: str = "unknown"  # prior attainment band (progress/prior_bands.py)


@dataclass
class ClassLine:
    class_id: int
    name: str
    year_group: int | None
    pupils: int
    figure: Figure = field(default_factory=Figure)


@dataclass
class GroupGap:
    """A pupil characteristic: the mean pupil share secure with it, without it, and the gap."""

    key: str
    label: str
    with_label: str
    without_label: str
    with_pupils: int
    without_pupils: int
    with_percent: float | None
    without_percent: float | None

    with_share: Fraction | None = None
    without_share: Fraction | None = None

    @property
    def gap(self) -> float | None:
        if self.with_share is None or self.without_share is None:
            return None
        return percent_number(self.with_share - self.without_share)


@dataclass
class TrendPoint:
    point_id: int
    name: str
    date: dt.date
    by_subject: dict[str, Figure]
    overall: Figure


@dataclass
class SchoolDashboard:
    school: School
    subjects: list[str]
    years: list[int]
    cells: dict[tuple[str, int], Figure]
    by_subject: dict[str, Figure]
    by_year: dict[int, Figure]
    overall: Figure
    pupils: list[PupilLine]
    classes: list[ClassLine]
    gaps: list[GroupGap]
    trend: list[TrendPoint]
    filters: DashboardFilter = field(default_factory=lambda: DashboardFilter())
    # As of when the figures were counted, and whether a newer count is on its way.
    as_of: dt.datetime | None = None
    catching_up: bool = False
    objectives: CoreObjectives | None = None

    @property
    def subject(self) -> str | None:
        return self.filters.subject

    @property
    def year(self) -> int | None:
        return self.filters.year

    @property
    def distribution(self) -> list[int]:
        counts = [0, 0, 0, 0, 0]
        for line in self.pupils:
            if line.figure.band is not None:
                counts[line.figure.band] += 1
        return counts


GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("disadvantaged", "Disadvantaged (pupil premium)", "Disadvantaged", "Others"),
    ("sen", "Special educational needs", "SEN support or EHCP", "No SEN"),
    ("eal", "English as an additional language", "EAL", "Not EAL"),
    ("female", "Gender", "Girls", "Boys"),
    (
        "persistent_absence",
        "Persistent absence (attendance this year)",
        "Persistently absent",
        "Others with attendance recorded",
    ),
)


def in_group(line: PupilLine, key: str) -> bool | None:
    """Whether a pupil has the characteristic (None: outside the comparison, e.g. gender
    not recorded)."""
    value = trait(line, key)
    return value if value is None or isinstance(value, bool) else None


def _mean(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return None if not present else sum(present, Fraction(0)) / len(present)


def _mean_share(pupils: list[PupilLine]) -> Fraction | None:
    """The exact mean of the pupils' secure shares, as _mean gives it, with one fraction
    a distinct number of expected cells rather than one a pupil: Σ secure/expected is
    Σ over each `expected` of (Σ secure)/expected."""
    secure_by_expected: dict[int, int] = defaultdict(int)
    n = 0
    for pupil in pupils:
        if pupil.figure.expected:
            secure_by_expected[pupil.figure.expected] += pupil.figure.secure
            n += 1
    if not n:
        return None
    total = sum(
        (Fraction(100 * secure, expected) for expected, secure in secure_by_expected.items()),
        Fraction(0),
    )
    return total / n


def group_gaps(pupils: list[PupilLine]) -> list[GroupGap]:
    gaps = []
    for key, label, with_label, without_label in GROUPS:
        sides: dict[bool | None, list[PupilLine]] = {True: [], False: [], None: []}
        for pupil in pupils:
            sides[in_group(pupil, key)].append(pupil)
        inside, outside = sides[True], sides[False]
        with_share = _mean_share(inside)
        without_share = _mean_share(outside)
        gaps.append(
            GroupGap(
                key=key,
                label=label,
                with_label=with_label,
                without_label=without_label,
                with_pupils=len(inside),
                without_pupils=len(outside),
                with_percent=percent_number(with_share),
                without_percent=percent_number(without_share),
                with_share=with_share,
                without_share=without_share,
            )
        )
    return gaps


def pupil_groups() -> list[PupilGroup]:
    """Every group a dashboard can be filtered to: each side of each characteristic, and each
    prior attainment band (the shared mechanism in groups.py)."""
    return list(groups_named())


def pupil_group(slug: str, *, side: str = "") -> PupilGroup:
    """The group named by a filter; `side="without"` (older links) names the comparison.
    Raises KeyError for a group there is no such filter for."""
    if side == "without" and not slug.startswith("not-"):
        slug = f"not-{slug}"
    found = next((g for g in pupil_groups() if g.slug == slug), None)
    if found is None:
        raise KeyError(slug)
    return found


@dataclass(frozen=True)
class DashboardFilter:
    """Everything a dashboard page is filtered by. school_dashboard applies all of it to the
    pupils and subjects before counting anything, and the page's title is made from it."""

    subject: str | None = None
    year: int | None = None
    groups: GroupFilter = field(default_factory=GroupFilter)

    @property
    def group(self) -> PupilGroup | None:
        """The one group chosen, when the filter is a single group (older pages and links)."""
        return self.groups.groups[0] if len(self.groups.groups) == 1 else None

    @property
    def active(self) -> bool:
        return self.subject is not None or self.year is not None or bool(self.groups)

    def admits(self, line: PupilLine) -> bool:
        return (self.year is None or line.year_group == self.year) and self.groups.admits(line)

    def labels(self) -> list[str]:
        """The filters in words, as the page's title names them."""
        year = (
            _("all years")
            if self.year is None
            else (_("Reception") if self.year == 0 else _("Year %(n)s") % {"n": self.year})
        )
        return [
            self.subject or str(_("all subjects")),
            str(year),
            *([self.groups.label()] if self.groups else []),
        ]

    def query(self, **changes: object) -> dict[str, object]:
        """The filters as URL parameters, with some changed (None drops one)."""
        values: dict[str, object] = {
            "subject": self.subject,
            "year": self.year,
            "group": self.groups.slugs or None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}

    def querystring(self, **changes: object) -> str:
        """The filters as a URL query (without the "?"), for links that keep them."""
        return urlencode(self.query(**changes), doseq=True)


def _on_roll(school_ids: list[int], today: dt.date) -> Q:
    return Q(school_id__in=school_ids) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))


def _core_counts(school_ids: list[int]) -> dict[tuple[int, int, int | None], int]:
    """(school, subject, year group) → number of core objectives (one query)."""
    return {
        (row["school_id"], row["framework__subject_id"], row["year_group"]): row["n"]
        for row in Objective.objects.filter(
            school_id__in=school_ids, core=True, year_group__isnull=False
        )
        .values("school_id", "framework__subject_id", "year_group")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _subject_names(school_ids: list[int]) -> dict[int, str]:
    return dict(
        Objective.objects.filter(school_id__in=school_ids, core=True)
        .values_list("framework__subject_id", "framework__subject__name")
        .distinct()
        .order_by()
    )


def filter_choices(board: SchoolDashboard) -> tuple[list[str], list[int]]:
    """The subjects and year groups that have core objectives, as the board's figures were
    counted against them (no query)."""
    objectives = board.objectives or CoreObjectives()
    subjects = sorted(set(objectives.names.values()))
    years = sorted({year for _sid, year in objectives.counts})
    return subjects, years


def pupil_lines(pupils: QuerySet[Pupil], school: School, today: dt.date) -> dict[int, PupilLine]:
    """The pupils as the filters read them, with this year's attendance and their prior
    attainment band, in two queries (the pupils with their results; the nominal scores)."""
    return _pupil_lines(pupils, [school], today).get(school.pk, {})


def pupil_lines_of_schools(
    schools: list[School], today: dt.date
) -> dict[int, dict[int, PupilLine]]:
    """`pupil_lines` of each school's pupils on roll, by school: one query for every school's
    pupils, and one a school for the nominal scores where its pupils have prior results."""
    on_roll = Pupil.objects.filter(_on_roll([school.pk for school in schools], today))
    return _pupil_lines(on_roll, schools, today)


def _pupil_lines(
    pupils: QuerySet[Pupil], schools: list[School], today: dt.date
) -> dict[int, dict[int, PupilLine]]:
    attendance_year = today.year if today.month >= 9 else today.year - 1
    attendance = Attendance.objects.filter(pupil=OuterRef("pk"), year_starting=attendance_year)
    lines: dict[int, dict[int, PupilLine]] = {school.pk: {} for school in schools}
    results: dict[int, list[PriorResults]] = {school.pk: [] for school in schools}
    for row in (
        pupils.annotate(
            attended=Subquery(attendance.values("attended_sessions")[:1]),
            possible=Subquery(attendance.values("possible_sessions")[:1]),
        )
        .values_list(
            "school_id",
            "pk",
            "legal_forename",
            "preferred_forename",
            "legal_surname",
            "year_group",
            "gender",
            "disadvantaged",
            "sen_status",
            "eal",
            "attended",
            "possible",
            "ks2_result__year",
            "ks2_result__reading",
            "ks2_result__maths",
            "ks1_result__reading",
            "ks1_result__writing",
            "ks1_result__maths",
        )
        .order_by("legal_surname", "legal_forename", "pk")
    ):
        school_id, pk, forename, preferred, surname, yg, gender, dis, sen, eal = row[:10]
        attended, possible = row[10:12]
        line = PupilLine(pk, f"{preferred or forename} {surname}", yg, gender, dis, sen != "N", eal)
        if possible:
            line.persistent_absence = is_persistent_absence(attended, possible, attendance_year)
        lines[school_id][pk] = line
        ks2_year, ks2_reading, ks2_maths, ks1_reading, ks1_writing, ks1_maths = row[12:]
        results[school_id].append(
            PriorResults(
                ks2_year,
                ks2_reading or "",
                ks2_maths or "",
                ks1_reading or "",
                ks1_writing or "",
                ks1_maths or "",
            )
        )
    for school in schools:
        prior = results[school.pk]
        if any(r.ks2_year is not None or r.ks1_reading or r.ks1_maths for r in prior):
            bands = prior_attainment_bands(prior, nominal_scores(school), ks1_points())
            for line, band in zip(lines[school.pk].values(), bands, strict=True):
                line.prior = band
    return lines


def school_dashboard(
    *,
    school: School,
    subject: str | None = None,
    year: int | None = None,
    group: str | None = None,
    groups: GroupFilter | None = None,
    today: dt.date | None = None,
    summary: SummaryFreshness | None = None,
    counts: Counts | None = None,
    lines: dict[int, PupilLine] | None = None,
    headline: bool = False,
) -> SchoolDashboard:
    """Every figure on the leader's dashboard, in nine queries whatever the school's size
    (five for the `headline` figures alone, without classes and trend), each counted over
    only the pupils and subjects the filters admit (`groups`, or the one `group` named by its
    slug; an unknown group is a KeyError).

    The counts per pupil and subject come from the school's standing summary, brought up to
    date first where it is not (`summary`, and its rows `counts`, when the caller has them);
    the pupils on roll are read unless the caller has them (`lines`, which it gives up).
    """
    if groups is None:
        groups = GroupFilter((pupil_group(group),) if group else ())
    filters = DashboardFilter(subject=subject, year=year, groups=groups)
    today = today or timezone.localdate()
    if summary is None:
        summary = summaries_current([school.pk])[school.pk]  # 1, 2
    if counts is None:
        counts = summary.counts
    if counts is None:
        counts = summary_rows([school.pk])[school.pk]  # 3
    names = summary.objectives.names
    core: dict[tuple[int, int, int | None], int] = {
        (school.pk, sid, yg): n for (sid, yg), n in summary.objectives.counts.items()
    }
    if lines is None:
        lines = pupil_lines(
            Pupil.objects.filter(_on_roll([school.pk], today)), school, today
        )  # 4, 5
    pupils = lines
    # The one place the filters apply: every figure below is built from these pupils and
    # subjects only.
    pupils = {pk: p for pk, p in pupils.items() if filters.admits(p)}
    subject_ids = [sid for sid, name in names.items() if subject is None or name == subject]

    # Per pupil × subject: expected, secure, working towards and recent evidence on their
    # year's core objectives (the summary's row for the pupil's year group as it is now),
    # summed as plain integers: this loop runs for every pupil and subject in the school.
    per_pupil_subject: dict[tuple[int, int], Counted] = {}
    sums: dict[tuple[int, int], list[int]] = {}  # (subject, year group) → the four counts
    expected_of = summary.objectives.counts
    nothing = (0, 0, 0)
    for line in pupils.values():
        pupil_id, yg = line.pupil_id, line.year_group
        pupil_sum = [0, 0, 0, 0]
        for sid in subject_ids:
            expected = expected_of.get((sid, yg), 0)
            if not expected:
                continue
            secure, working, recent = counts.get((pupil_id, sid, yg), nothing)
            per_pupil_subject[(pupil_id, sid)] = (expected, secure, working, recent)
            pupil_sum[0] += expected
            pupil_sum[1] += secure
            pupil_sum[2] += working
            pupil_sum[3] += recent
            cell = sums.get((sid, yg))
            if cell is None:
                cell = sums[(sid, yg)] = [0, 0, 0, 0]
            cell[0] += expected
            cell[1] += secure
            cell[2] += working
            cell[3] += recent
        if pupil_sum[0]:
            line.figure.add(Figure(*pupil_sum))

    cells: dict[tuple[str, int], Figure] = defaultdict(Figure)
    by_subject: dict[str, Figure] = defaultdict(Figure)
    by_year: dict[int, Figure] = defaultdict(Figure)
    overall = Figure()
    for (sid, yg), four in sums.items():
        figure = Figure(*four)
        cells[(names[sid], yg)].add(figure)
        by_subject[names[sid]].add(figure)
        by_year[yg].add(figure)
        overall.add(figure)

    classes: list[ClassLine] = []
    trend: list[TrendPoint] = []
    if not headline:
        classes = _class_lines(school, pupils, per_pupil_subject, subject_ids, today)  # 6, 7
        trend = _trend(school, pupils, subject_ids, names, core)  # 8, 9
    return SchoolDashboard(
        school=school,
        subjects=sorted(by_subject),
        years=sorted(by_year),
        cells=dict(cells),
        by_subject=dict(by_subject),
        by_year=dict(by_year),
        overall=overall,
        pupils=list(pupils.values()),
        classes=classes,
        gaps=group_gaps([p for p in pupils.values() if p.figure.expected]),
        trend=trend,
        filters=filters,
        as_of=summary.computed_at,
        catching_up=summary.catching_up,
        objectives=summary.objectives,
    )


def _class_lines(
    school: School,
    pupils: dict[int, PupilLine],
    per_pupil_subject: dict[tuple[int, int], Counted],
    subject_ids: list[int],
    today: dt.date,
) -> list[ClassLine]:
    """Each class: its pupils' figures in the class's own subjects (all subjects if it has none)."""
    class_subjects: dict[int, set[int]] = defaultdict(set)
    for class_id, sid in Class.subjects.through.objects.filter(class__school=school).values_list(
        "class_id", "subject_id"
    ):
        class_subjects[class_id].add(sid)
    lines: dict[int, ClassLine] = {}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for class_id, name, yg, pupil_id in Enrolment.objects.filter(
        current(today), school=school
    ).values_list(
        "teaching_class_id", "teaching_class__name", "teaching_class__year_group", "pupil_id"
    ):
        if pupil_id not in pupils:
            continue
        line = lines.setdefault(class_id, ClassLine(class_id, name, yg, 0))
        line.pupils += 1
        total = sums[class_id]
        for sid in class_subjects.get(class_id) or subject_ids:
            four = per_pupil_subject.get((pupil_id, sid))
            if four is not None:
                total[0] += four[0]
                total[1] += four[1]
                total[2] += four[2]
                total[3] += four[3]
    for class_id, line in lines.items():
        line.figure = Figure(*sums[class_id])
    return sorted(
        (line for line in lines.values() if line.figure.expected),
        key=lambda c: (c.year_group if c.year_group is not None else 99, c.name),
    )


def _trend(
    school: School,
    pupils: dict[int, PupilLine],
    subject_ids: list[int],
    names: dict[int, str],
    core: dict[tuple[int, int, int | None], int],
) -> list[TrendPoint]:
    """Secure shares at each school-wide or department assessment point, from its snapshot."""
    points = list(AssessmentPoint.objects.filter(school=school).order_by("date", "name"))
    secure: dict[tuple[int, int], int] = defaultdict(int)
    assessed: dict[tuple[int, int], set[int]] = defaultdict(set)
    for point_id, sid, pupil_id, n in (
        StandingSnapshot.objects.filter(
            school=school,
            objective__core=True,
            objective__year_group=F("pupil__year_group"),
            objective__framework__subject_id__in=subject_ids,
            pupil_id__in=list(pupils),
        )
        .values_list("point_id", "objective__framework__subject_id", "pupil_id")
        .annotate(n=Count("pk", filter=Q(mastered=True)))
        .order_by()
    ):
        secure[(point_id, sid)] += n
        assessed[(point_id, sid)].add(pupil_id)
    result = []
    for point in points:
        by_subject: dict[str, Figure] = {}
        overall = Figure()
        for sid in subject_ids:
            in_snapshot = assessed.get((point.pk, sid))
            if not in_snapshot:
                continue
            expected = sum(core.get((school.pk, sid, pupils[p].year_group), 0) for p in in_snapshot)
            figure = Figure(expected=expected, secure=secure[(point.pk, sid)])
            by_subject[names[sid]] = figure
            overall.add(figure)
        if overall.expected:
            result.append(TrendPoint(point.pk, point.name, point.date, by_subject, overall))
    return result


# ---------------------------------------------------------------------------- the trust


@dataclass
class TrustSchool:
    school: School
    pupils: int
    overall: Figure
    by_subject: dict[str, Figure]
    gaps: list[GroupGap]
    as_of: dt.datetime | None = None
    catching_up: bool = False


def trust_dashboard(
    *,
    schools: list[School],
    today: dt.date | None = None,
    group: str | None = None,
    groups: GroupFilter | None = None,
) -> list[TrustSchool]:
    """Each school's headline figures side by side, over the pupils of a combination of
    groups (`groups`, or the one `group` named by its slug): the schools' summaries in three
    queries whatever their number, then every school's pupils in one more (and a school's
    nominal scores where its pupils have prior results)."""
    ids = [school.pk for school in schools]
    today = today or timezone.localdate()
    summaries = summaries_current(ids)
    counts = summary_rows([i for i in ids if summaries[i].counts is None])
    lines = pupil_lines_of_schools(schools, today)
    result = []
    for school in schools:
        board = school_dashboard(
            school=school,
            today=today,
            group=group,
            groups=groups,
            summary=summaries[school.pk],
            counts=counts.get(school.pk, summaries[school.pk].counts),
            lines=lines[school.pk],
            headline=True,
        )
        result.append(
            TrustSchool(
                school=school,
                pupils=sum(1 for p in board.pupils if p.figure.expected),
                overall=board.overall,
                by_subject=board.by_subject,
                gaps=board.gaps,
                as_of=board.as_of,
                catching_up=board.catching_up,
            )
        )
    return result


def trust_schools(trust: Trust) -> list[School]:
    """The trust's schools, by name."""
    return list(School.objects.filter(trust=trust).order_by("name"))
