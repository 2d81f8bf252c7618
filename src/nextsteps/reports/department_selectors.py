"""Reads for a department's data page: its classes and year groups by strand and objective, by
group of pupils and by teacher, and the objectives to reteach, from the Standing table.

The figure is the one the whole-school dashboard uses (selectors.py): the share of expected
cells that are secure, where each pupil taught the subject is expected to secure the core
objectives of their own year group. A pupil counts for a subject when they are in one of the
department's classes for it. The filters (subject, year group, a combination of groups of
pupils) are applied once, to the pupils and subjects, before anything is counted; the page
loads in a fixed number of queries whatever the number of classes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import timezone

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Standing
from nextsteps.people.models import Pupil
from nextsteps.policy.models import DepartmentSettings
from nextsteps.reports.kernels.groups import GroupFilter, groups_named
from nextsteps.reports.kernels.rounding import percent_number
from nextsteps.reports.selectors import RECENT_DAYS, DashboardFilter, Figure, PupilLine, pupil_lines
from nextsteps.schools.models import Department, School, Subject
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from nextsteps.teaching.selectors import current

# An objective is one to reteach when it has been taught (some evidence recorded) and fewer
# than half of the pupils expected to secure it have done so.
RETEACH_BELOW = Fraction(50)
RETEACH_SHOWN = 12
# Combinations of characteristics a department looks at beside the single groups.
COMBINATIONS = (
    ("disadvantaged", "sen"),
    ("disadvantaged", "eal"),
    ("disadvantaged", "prior-low"),
    ("disadvantaged", "not-female"),
    ("sen", "prior-low"),
)


@dataclass
class Counted:
    """A figure and the pupils it is counted over (for the small-group flag)."""

    figure: Figure = field(default_factory=Figure)
    pupil_ids: set[int] = field(default_factory=set)

    @property
    def pupils(self) -> int:
        return len(self.pupil_ids)

    def add(self, pupil_id: int, figure: Figure) -> None:
        self.figure.add(figure)
        self.pupil_ids.add(pupil_id)


@dataclass
class ObjectiveLine:
    objective_id: int
    code: str
    wording: str
    year_group: int
    strand: str
    framework_id: int
    counted: Counted
    # The department's classes with pupils expected to secure it who have not: (class, count).
    not_secure_by_class: list[tuple[ClassInfo, int]] = field(default_factory=list)

    @property
    def taught(self) -> bool:
        return bool(self.counted.figure.secure or self.counted.figure.working)

    @property
    def to_reteach(self) -> bool:
        share = self.counted.figure.secure_share
        return self.taught and share is not None and share < RETEACH_BELOW


@dataclass
class StrandLine:
    year_group: int
    framework: str
    strand: str
    counted: Counted
    disadvantaged: Counted
    others: Counted

    @property
    def taught(self) -> bool:
        """Some evidence recorded on the strand's objectives for these pupils (as for an
        objective): before that its figures are learning still to come, not 0% secure."""
        return bool(self.counted.figure.secure or self.counted.figure.working)

    @property
    def disadvantaged_gap(self) -> float | None:
        """Disadvantaged pupils' share secure minus the others', in percentage points (none
        before the strand is taught)."""
        if not self.taught:
            return None
        mine, theirs = self.disadvantaged.figure.secure_share, self.others.figure.secure_share
        return None if mine is None or theirs is None else percent_number(mine - theirs)


@dataclass(frozen=True)
class ClassInfo:
    class_id: int
    name: str
    year_group: int | None
    teachers: tuple[str, ...]


@dataclass
class ClassLine:
    info: ClassInfo
    counted: Counted
    framework_ids: tuple[int, ...]


@dataclass
class GroupLine:
    slugs: tuple[str, ...]
    label: str
    inside: Counted
    others: Counted

    @property
    def gap(self) -> float | None:
        mine, theirs = self.inside.figure.secure_share, self.others.figure.secure_share
        return None if mine is None or theirs is None else percent_number(mine - theirs)


@dataclass
class TeacherLine:
    name: str
    classes: list[str]
    counted: Counted


@dataclass
class DepartmentDashboard:
    department: Department
    subjects: list[str]
    years: list[int]
    filters: DashboardFilter
    overall: Counted
    by_year: list[tuple[int, Counted]]
    classes: list[ClassLine]
    strands: list[StrandLine]
    objectives: list[ObjectiveLine]
    groups: list[GroupLine]
    teachers: list[TeacherLine]
    compare_teachers: bool

    @property
    def reteach(self) -> list[ObjectiveLine]:
        rows = [row for row in self.objectives if row.to_reteach]
        rows.sort(key=lambda r: (r.counted.figure.secure_share or 0, r.year_group, r.code))
        return rows[:RETEACH_SHOWN]


@dataclass(frozen=True)
class _Objective:
    pk: int
    code: str
    wording: str
    year_group: int
    framework_id: int
    framework: str
    subject_id: int
    strand: str


@dataclass
class _Loaded:
    subjects: dict[int, str]
    objectives: list[_Objective]
    classes: dict[int, ClassInfo]
    class_subjects: dict[int, set[int]]
    members: dict[int, list[int]]
    pupils: dict[int, PupilLine]
    standings: dict[tuple[int, int], tuple[bool, bool, bool]]
    compare_teachers: bool


def _load(school: School, department: Department, today: dt.date) -> _Loaded:
    """Everything the page counts from, in nine queries whatever the department's size."""
    subjects = dict(
        Subject.objects.filter(school=school, department=department).values_list("pk", "name")
    )  # 1
    objectives = [
        _Objective(pk, code, wording, year_group or 0, framework_id, framework, subject_id, strand)
        for pk, code, wording, year_group, framework_id, framework, subject_id, strand in (
            Objective.objects.filter(
                school=school,
                core=True,
                year_group__isnull=False,
                framework__subject_id__in=list(subjects),
            )
            .values_list(
                "pk",
                "code",
                "wording",
                "year_group",
                "framework_id",
                "framework__name",
                "framework__subject_id",
                "strand__name",
            )
            .order_by("year_group", "framework__name", "strand__position", "position")
        )
    ]  # 2
    class_subjects: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[str, int | None]] = {}
    for class_id, subject_id, name, year_group in Class.subjects.through.objects.filter(
        subject_id__in=list(subjects), class__school=school
    ).values_list("class_id", "subject_id", "class__name", "class__year_group"):  # 3
        class_subjects[class_id].add(subject_id)
        names[class_id] = (name, year_group)
    teachers: dict[int, list[str]] = defaultdict(list)
    for link in (
        ClassStaff.objects.filter(teaching_class_id__in=list(names), role=ClassStaff.Role.TEACHER)
        .select_related("staff")
        .order_by("staff__surname", "staff__forename")
    ):  # 4
        teachers[link.teaching_class_id].append(link.staff.name)
    classes = {
        pk: ClassInfo(pk, name, year_group, tuple(teachers.get(pk, ())))
        for pk, (name, year_group) in names.items()
    }
    members: dict[int, list[int]] = defaultdict(list)
    for class_id, pupil_id in Enrolment.objects.filter(
        current(today), school=school, teaching_class_id__in=list(names)
    ).values_list("teaching_class_id", "pupil_id"):  # 5
        members[class_id].append(pupil_id)
    pupil_ids = {pupil_id for ids in members.values() for pupil_id in ids}
    on_roll = Pupil.objects.filter(school=school, pk__in=pupil_ids)
    pupils = pupil_lines(on_roll, school, today)  # 6, and 7 when pupils have KS results
    cutoff = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    standings = {
        (pupil_id, objective_id): (
            bool(mastered),
            bool(evidence) and not mastered,
            last is not None and last >= cutoff,
        )
        for pupil_id, objective_id, mastered, evidence, last in Standing.objects.filter(
            school=school,
            objective_id__in=[o.pk for o in objectives],
            pupil_id__in=list(pupils),
        ).values_list("pupil_id", "objective_id", "mastered", "evidence_count", "last_evidence_at")
    }  # 8
    compare = DepartmentSettings.objects.filter(
        department=department, compare_teachers=True
    ).exists()  # 9
    return _Loaded(
        subjects, objectives, classes, class_subjects, members, pupils, standings, compare
    )


def department_dashboard(
    *,
    school: School,
    department: Department,
    subject: str | None = None,
    year: int | None = None,
    groups: GroupFilter | None = None,
    today: dt.date | None = None,
) -> DepartmentDashboard:
    """Every figure on the department's page, each counted over only the pupils and subjects
    the filters admit."""
    today = today or timezone.localdate()
    filters = DashboardFilter(subject=subject, year=year, groups=groups or GroupFilter())
    data = _load(school, department, today)
    subject_ids = {sid for sid, name in data.subjects.items() if subject is None or name == subject}
    admitted = {pk: line for pk, line in data.pupils.items() if filters.admits(line)}
    # Which subjects each admitted pupil is taught in the department (through its classes).
    taught: dict[int, set[int]] = defaultdict(set)
    for class_id, pupil_ids in data.members.items():
        for pupil_id in pupil_ids:
            if pupil_id in admitted:
                taught[pupil_id] |= data.class_subjects[class_id] & subject_ids
    by_subject_year: dict[tuple[int, int], list[_Objective]] = defaultdict(list)
    for objective in data.objectives:
        by_subject_year[(objective.subject_id, objective.year_group)].append(objective)

    def cell(pupil_id: int, objective_id: int) -> Figure:
        secure, working, recent = data.standings.get((pupil_id, objective_id), (False,) * 3)
        return Figure(expected=1, secure=int(secure), working=int(working), recent=int(recent))

    # Every expected cell once: (pupil, objective) → figure, for the admitted pupils.
    cells: dict[tuple[int, int], Figure] = {}
    for pupil_id, subject_set in taught.items():
        line = admitted[pupil_id]
        for sid in subject_set:
            for objective in by_subject_year.get((sid, line.year_group), []):
                cells[(pupil_id, objective.pk)] = cell(pupil_id, objective.pk)
    return DepartmentDashboard(
        department=department,
        subjects=sorted(data.subjects.values()),
        years=sorted(
            {o.year_group for o in data.objectives}
            & {line.year_group for line in data.pupils.values()}
        ),
        filters=filters,
        overall=_sum(cells),
        by_year=_by_year(cells, admitted),
        classes=_classes(data, cells, admitted, subject_ids),
        strands=_strands(data, cells, admitted),
        objectives=_objectives(data, cells, admitted),
        groups=_groups(cells, admitted),
        teachers=_teachers(data, cells, admitted, subject_ids),
        compare_teachers=data.compare_teachers,
    )


def _sum(cells: dict[tuple[int, int], Figure], pupils: set[int] | None = None) -> Counted:
    counted = Counted()
    for (pupil_id, _objective_id), figure in cells.items():
        if pupils is None or pupil_id in pupils:
            counted.add(pupil_id, figure)
    return counted


def _by_year(
    cells: dict[tuple[int, int], Figure], admitted: dict[int, PupilLine]
) -> list[tuple[int, Counted]]:
    years: dict[int, Counted] = defaultdict(Counted)
    for (pupil_id, _objective_id), figure in cells.items():
        years[admitted[pupil_id].year_group].add(pupil_id, figure)
    return sorted(years.items())


def _class_cells(
    data: _Loaded,
    class_id: int,
    cells: dict[tuple[int, int], Figure],
    admitted: dict[int, PupilLine],
    subject_ids: set[int],
) -> Counted:
    """A class's pupils on the core objectives of the class's own subjects in the department."""
    counted = Counted()
    wanted = data.class_subjects[class_id] & subject_ids
    for objective in data.objectives:
        if objective.subject_id not in wanted:
            continue
        for pupil_id in data.members.get(class_id, []):
            figure = cells.get((pupil_id, objective.pk))
            if pupil_id in admitted and figure is not None:
                counted.add(pupil_id, figure)
    return counted


def _classes(
    data: _Loaded,
    cells: dict[tuple[int, int], Figure],
    admitted: dict[int, PupilLine],
    subject_ids: set[int],
) -> list[ClassLine]:
    frameworks: dict[int, set[int]] = defaultdict(set)
    for objective in data.objectives:
        frameworks[objective.subject_id].add(objective.framework_id)
    lines = []
    for class_id, info in data.classes.items():
        counted = _class_cells(data, class_id, cells, admitted, subject_ids)
        if not counted.figure.expected:
            continue
        framework_ids = sorted(
            {fid for sid in data.class_subjects[class_id] for fid in frameworks.get(sid, ())}
        )
        lines.append(ClassLine(info, counted, tuple(framework_ids)))
    return sorted(
        lines,
        key=lambda c: (c.info.year_group if c.info.year_group is not None else 99, c.info.name),
    )


def _strands(
    data: _Loaded, cells: dict[tuple[int, int], Figure], admitted: dict[int, PupilLine]
) -> list[StrandLine]:
    lines: dict[tuple[int, str, str], StrandLine] = {}
    for objective in data.objectives:
        key = (objective.year_group, objective.framework, objective.strand)
        line = lines.setdefault(key, StrandLine(*key, Counted(), Counted(), Counted()))
        for pupil_id, pupil in admitted.items():
            figure = cells.get((pupil_id, objective.pk))
            if figure is None:
                continue
            line.counted.add(pupil_id, figure)
            (line.disadvantaged if pupil.disadvantaged else line.others).add(pupil_id, figure)
    return [line for line in lines.values() if line.counted.figure.expected]


def _objectives(
    data: _Loaded, cells: dict[tuple[int, int], Figure], admitted: dict[int, PupilLine]
) -> list[ObjectiveLine]:
    class_of: dict[int, list[int]] = defaultdict(list)
    for class_id, pupil_ids in data.members.items():
        for pupil_id in pupil_ids:
            class_of[pupil_id].append(class_id)
    rows = []
    for objective in data.objectives:
        objective_id = objective.pk
        subject_id = objective.subject_id
        counted = Counted()
        not_secure: dict[int, int] = defaultdict(int)
        for pupil_id in admitted:
            figure = cells.get((pupil_id, objective_id))
            if figure is None:
                continue
            counted.add(pupil_id, figure)
            if not figure.secure:
                for class_id in class_of[pupil_id]:
                    if subject_id in data.class_subjects[class_id]:
                        not_secure[class_id] += 1
        if not counted.figure.expected:
            continue
        rows.append(
            ObjectiveLine(
                objective_id=objective_id,
                code=objective.code,
                wording=objective.wording,
                year_group=objective.year_group,
                strand=objective.strand,
                framework_id=objective.framework_id,
                counted=counted,
                not_secure_by_class=sorted(
                    ((data.classes[c], n) for c, n in not_secure.items()),
                    key=lambda item: (-item[1], item[0].name),
                ),
            )
        )
    return rows


def _groups(
    cells: dict[tuple[int, int], Figure], admitted: dict[int, PupilLine]
) -> list[GroupLine]:
    """Each group (and each combination the department looks at) against the other pupils,
    within the pupils the page's filters admit."""
    choices = groups_named()
    by_slug = {group.slug: group for group in choices}
    wanted = [(group.slug,) for group in choices] + list(COMBINATIONS)
    lines = []
    for slugs in wanted:
        combination = GroupFilter(tuple(by_slug[slug] for slug in slugs))
        inside = {pk for pk, line in admitted.items() if combination.admits(line)}
        lines.append(
            GroupLine(
                slugs=slugs,
                label=combination.label(),
                inside=_sum(cells, inside),
                others=_sum(cells, set(admitted) - inside),
            )
        )
    return lines


def _teachers(
    data: _Loaded,
    cells: dict[tuple[int, int], Figure],
    admitted: dict[int, PupilLine],
    subject_ids: set[int],
) -> list[TeacherLine]:
    lines: dict[str, TeacherLine] = {}
    for class_id, info in sorted(data.classes.items(), key=lambda item: item[1].name):
        counted = _class_cells(data, class_id, cells, admitted, subject_ids)
        if not counted.figure.expected:
            continue
        for name in info.teachers:
            line = lines.setdefault(name, TeacherLine(name, [], Counted()))
            line.classes.append(info.name)
            line.counted.figure.add(counted.figure)
            line.counted.pupil_ids |= counted.pupil_ids
    return sorted(lines.values(), key=lambda t: t.name)
