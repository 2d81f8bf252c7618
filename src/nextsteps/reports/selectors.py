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

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import AssessmentPoint, Standing, StandingSnapshot
from nextsteps.people.attendance import is_persistent_absence
from nextsteps.people.models import Attendance, Pupil
from nextsteps.reports.rounding import percent_number, round_half_up, share
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, Enrolment
from nextsteps.teaching.selectors import current

RECENT_DAYS = 42  # "recent evidence": within the last six weeks


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
        exact = self.secure_share
        return None if exact is None else min(4, int(round_half_up(exact)) // 20)


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
    if key == "disadvantaged":
        return line.disadvantaged
    if key == "sen":
        return line.sen
    if key == "eal":
        return line.eal
    if key == "female":
        return {"F": True, "M": False}.get(line.gender)
    if key == "persistent_absence":
        return line.persistent_absence
    raise KeyError(key)


def _mean(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return None if not present else sum(present, Fraction(0)) / len(present)


def group_gaps(pupils: list[PupilLine]) -> list[GroupGap]:
    gaps = []
    for key, label, with_label, without_label in GROUPS:
        inside = [p for p in pupils if in_group(p, key) is True]
        outside = [p for p in pupils if in_group(p, key) is False]
        with_share = _mean(p.figure.secure_share for p in inside)
        without_share = _mean(p.figure.secure_share for p in outside)
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


@dataclass(frozen=True)
class PupilGroup:
    """One side of a characteristic: its pupils (inside) or the pupils it is compared with."""

    slug: str
    key: str
    inside: bool
    label: str

    def admits(self, line: PupilLine) -> bool:
        return in_group(line, self.key) is self.inside


# How a filter names each side of a characteristic in a page's title and its choices.
GROUP_FILTER_LABELS = {
    "disadvantaged": (_("Disadvantaged"), _("Not disadvantaged")),
    "sen": (_("SEN support or EHCP"), _("No SEN")),
    "eal": (_("EAL"), _("Not EAL")),
    "female": (_("Girls"), _("Boys")),
    "persistent_absence": (_("Persistently absent"), _("Not persistently absent")),
}


def pupil_groups() -> list[PupilGroup]:
    """Every group a dashboard can be filtered to: each characteristic, and its comparison."""
    return [
        group
        for key, *_rest in GROUPS
        for group in (
            PupilGroup(key, key, True, str(GROUP_FILTER_LABELS[key][0])),
            PupilGroup(f"not-{key}", key, False, str(GROUP_FILTER_LABELS[key][1])),
        )
    ]


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
    group: PupilGroup | None = None

    @property
    def active(self) -> bool:
        return self.subject is not None or self.year is not None or self.group is not None

    def admits(self, line: PupilLine) -> bool:
        return (self.year is None or line.year_group == self.year) and (
            self.group is None or self.group.admits(line)
        )

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
            *([self.group.label] if self.group is not None else []),
        ]

    def query(self, **changes: object) -> dict[str, object]:
        """The filters as URL parameters, with some changed (None drops one)."""
        values: dict[str, object] = {
            "subject": self.subject,
            "year": self.year,
            "group": self.group.slug if self.group is not None else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}


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


def filter_choices(school: School) -> tuple[list[str], list[int]]:
    """The subjects and year groups that have core objectives (two queries)."""
    subjects = sorted(set(_subject_names([school.pk]).values()))
    years = sorted(
        {
            y
            for y in Objective.objects.filter(school=school, core=True).values_list(
                "year_group", flat=True
            )
            if y is not None
        }
    )
    return subjects, years


def school_dashboard(
    *,
    school: School,
    subject: str | None = None,
    year: int | None = None,
    group: str | None = None,
    today: dt.date | None = None,
) -> SchoolDashboard:
    """Every figure on the leader's dashboard, in eight queries whatever the school's size,
    each counted over only the pupils and subjects the filters admit (an unknown group is a
    KeyError)."""
    filters = DashboardFilter(
        subject=subject, year=year, group=pupil_group(group) if group else None
    )
    today = today or timezone.localdate()
    cutoff = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    ids = [school.pk]
    names = _subject_names(ids)  # 1
    core = _core_counts(ids)  # 2
    pupils: dict[int, PupilLine] = {}
    attendance_year = today.year if today.month >= 9 else today.year - 1
    attendance = Attendance.objects.filter(pupil=OuterRef("pk"), year_starting=attendance_year)
    for row in (
        Pupil.objects.filter(_on_roll(ids, today))
        .annotate(
            attended=Subquery(attendance.values("attended_sessions")[:1]),
            possible=Subquery(attendance.values("possible_sessions")[:1]),
        )
        .values_list(  # 3
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
        )
        .order_by("legal_surname", "legal_forename")
    ):
        pk, forename, preferred, surname, yg, gender, dis, sen, eal, attended, possible = row
        pupils[pk] = PupilLine(
            pk, f"{preferred or forename} {surname}", yg, gender, dis, sen != "N", eal
        )
        if possible:
            pupils[pk].persistent_absence = is_persistent_absence(
                attended, possible, attendance_year
            )
    # The one place the filters apply: every figure below is built from these pupils and
    # subjects only.
    pupils = {pk: p for pk, p in pupils.items() if filters.admits(p)}
    subject_ids = [sid for sid, name in names.items() if subject is None or name == subject]

    # Per pupil × subject: secure, working towards and recent evidence on their year's core
    # objectives.
    per_pupil_subject: dict[tuple[int, int], Figure] = {}
    for pupil_id, yg in ((p.pupil_id, p.year_group) for p in pupils.values()):
        for sid in subject_ids:
            expected = core.get((school.pk, sid, yg), 0)
            if expected:
                per_pupil_subject[(pupil_id, sid)] = Figure(expected=expected)
    standing_rows = (  # 4
        Standing.objects.filter(
            school=school,
            objective__core=True,
            objective__year_group=F("pupil__year_group"),
            objective__framework__subject_id__in=subject_ids,
        )
        .values("pupil_id", "objective__framework__subject_id")
        .annotate(
            secure=Count("pk", filter=Q(mastered=True)),
            working=Count("pk", filter=Q(evidence_count__gt=0) & ~Q(mastered=True)),
            recent=Count("pk", filter=Q(last_evidence_at__gte=cutoff)),
        )
        .order_by()
    )
    for cell in standing_rows:
        key = (cell["pupil_id"], cell["objective__framework__subject_id"])
        figure = per_pupil_subject.get(key)
        if figure is not None:
            figure.secure, figure.working = cell["secure"], cell["working"]
            figure.recent = cell["recent"]

    cells: dict[tuple[str, int], Figure] = defaultdict(Figure)
    by_subject: dict[str, Figure] = defaultdict(Figure)
    by_year: dict[int, Figure] = defaultdict(Figure)
    overall = Figure()
    for (pupil_id, sid), figure in per_pupil_subject.items():
        line = pupils[pupil_id]
        line.figure.add(figure)
        cells[(names[sid], line.year_group)].add(figure)
        by_subject[names[sid]].add(figure)
        by_year[line.year_group].add(figure)
        overall.add(figure)

    classes = _class_lines(school, pupils, per_pupil_subject, subject_ids, today)  # 5, 6
    trend = _trend(school, pupils, subject_ids, names, core)  # 7, 8
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
    )


def _class_lines(
    school: School,
    pupils: dict[int, PupilLine],
    per_pupil_subject: dict[tuple[int, int], Figure],
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
    for class_id, name, yg, pupil_id in Enrolment.objects.filter(
        current(today), school=school
    ).values_list(
        "teaching_class_id", "teaching_class__name", "teaching_class__year_group", "pupil_id"
    ):
        if pupil_id not in pupils:
            continue
        line = lines.setdefault(class_id, ClassLine(class_id, name, yg, 0))
        line.pupils += 1
        for sid in class_subjects.get(class_id) or subject_ids:
            figure = per_pupil_subject.get((pupil_id, sid))
            if figure is not None:
                line.figure.add(figure)
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


def trust_dashboard(
    *, schools: list[School], today: dt.date | None = None, group: str | None = None
) -> list[TrustSchool]:
    """Each school's headline figures side by side (eight queries per school), over the
    pupils of a group when one is given."""
    result = []
    for school in schools:
        board = school_dashboard(school=school, today=today, group=group)
        result.append(
            TrustSchool(
                school=school,
                pupils=sum(1 for p in board.pupils if p.figure.expected),
                overall=board.overall,
                by_subject=board.by_subject,
                gaps=board.gaps,
            )
        )
    return result
