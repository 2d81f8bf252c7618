"""Reads for the markbook, the pupil profile and the gap analysis, in fixed numbers of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nextsteps.accounts.models import User
from nextsteps.curriculum.models import Framework, Objective, Scale, ScaleLevel, Strand
from nextsteps.markbook.cells import Cell, Row, StandingView
from nextsteps.markbook.kernels.grid import Column, PupilRow, State
from nextsteps.markbook.models import AssessmentPoint, Attachment, Judgement, Standing
from nextsteps.ops.prepared import Prepared
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School, Subject
from nextsteps.teaching.models import Class, GroupMembership, PupilGroup
from nextsteps.teaching.selectors import (
    class_pupil_ids,
    class_pupil_ids_on,
    class_pupils,
    current,
)


def grid_standings(
    *, pupil_ids: list[int], objective_ids: list[int], levels: list[ScaleLevel]
) -> dict[tuple[int, int], StandingView]:
    """Standings for a grid in two queries: the cells as plain rows, then the names of who
    last recorded them (`recorder_names`)."""
    by_id = {level.pk: level for level in levels}
    rows = Standing.objects.filter(
        pupil_id__in=pupil_ids, objective_id__in=objective_ids
    ).values_list(
        "pupil_id", "objective_id", "value", "level_id", "evidence_count", "last_recorded_by_id"
    )
    names = recorder_names({row[5] for row in rows if row[5] is not None})
    return {
        (pupil, objective): StandingView(value, by_id.get(level_id), count, names.get(user_id))
        for pupil, objective, value, level_id, count, user_id in rows
    }


RECORDERS_AT_ONCE = 16  # the names read by one prepared statement; more, by the queryset


def _recorders(shape: tuple[()], **ids: int) -> QuerySet[User, tuple[Any, ...]]:
    return User.objects.filter(pk__in=list(ids.values())).values_list(
        "pk", "display_name", "first_name", "last_name", "username"
    )


RECORDERS = Prepared(_recorders, values=[f"user_{i}" for i in range(RECORDERS_AT_ONCE)])


def recorder_names(user_ids: set[int]) -> dict[int, str]:
    """Who recorded, named as `User.__str__` names them, in one query whatever the number.

    A grid's cells name a handful of people; reading their names apart from the cells (not
    joined to each of thousands of rows) keeps the cells' read as cheap as the raw SQL."""
    if not user_ids:
        return {}
    ids = sorted(user_ids)
    if len(ids) <= RECORDERS_AT_ONCE:
        padded = ids + [ids[-1]] * (RECORDERS_AT_ONCE - len(ids))
        rows = RECORDERS(**{f"user_{i}": pk for i, pk in enumerate(padded)})
    else:
        rows = list(_recorders((), **{f"user_{i}": pk for i, pk in enumerate(ids)}))
    return {pk: _user_name(*names) for pk, *names in rows}


@dataclass
class Markbook:
    teaching_class: Class
    framework: Framework
    strands: list[Strand]
    objectives: list[Objective]
    levels: list[ScaleLevel]
    rows: list[Row]
    groups: list[PupilGroup]
    group: PupilGroup | None
    year: int | None
    years: list[int] = field(default_factory=list)


def pupil_class_subject_ids(*, pupil_id: int, class_id: int | None) -> set[int]:
    """The subjects of one of the pupil's classes (none when the pupil is not in it), so a
    profile opened from a class opens on that class's subject."""
    if class_id is None:
        return set()
    return set(
        Subject.objects.filter(
            classes__pk=class_id, classes__enrolments__pupil_id=pupil_id
        ).values_list("pk", flat=True)
    )


def frameworks_for_class(teaching_class: Class) -> QuerySet[Framework]:
    """Frameworks for the class's subjects, newest version first."""
    return _frameworks(False, school_id=teaching_class.school_id, class_id=teaching_class.pk)


def _frameworks(with_scale: bool, *, school_id: int, class_id: int) -> QuerySet[Framework]:
    subjects = Class.subjects.through.objects.filter(class_id=class_id).values("subject_id")
    frameworks = (
        Framework.objects.filter(school_id=school_id, subject__in=subjects)
        .select_related("subject")
        .order_by("subject__name", "-pk")
    )
    return frameworks.select_related("scale") if with_scale else frameworks


# Every markbook page reads them: built and compiled once (nextsteps.ops.prepared).
CLASS_FRAMEWORKS = Prepared(_frameworks, values=["school_id", "class_id"])


def group_pupils(
    teaching_class: Class, group_id: int | None, on: dt.date | None
) -> tuple[list[PupilGroup], PupilGroup | None, list[Pupil]]:
    """The class's groups, the one chosen (if it is one of them) and the pupils the grid
    shows: the class's pupils on the day, or the chosen group's members among them."""
    groups: list[PupilGroup] = CLASS_GROUPS(class_id=teaching_class.pk)
    group = next((g for g in groups if g.pk == group_id), None)
    pupils = class_pupils(teaching_class, on)
    if group is not None:
        members = set(
            GroupMembership.objects.filter(current(on), group=group).values_list(
                "pupil_id", flat=True
            )
        )
        pupils = [p for p in pupils if p.pk in members]
    return groups, group, pupils


def markbook(
    *,
    teaching_class: Class,
    framework: Framework,
    strand_id: int | None = None,
    group_id: int | None = None,
    year: int | None = None,
    recordable_pupil_ids: set[int] | None = None,
    on: dt.date | None = None,
) -> Markbook:
    """The class × objectives grid: standings with their levels and who last recorded them."""
    objectives_query = Objective.objects.filter(framework=framework)
    if strand_id:
        objectives_query = objectives_query.filter(strand_id=strand_id)
    if year is not None:
        objectives_query = objectives_query.filter(year_group=year)
    objectives = list(objectives_query.select_related("strand").order_by("position"))
    groups, group, pupils = group_pupils(teaching_class, group_id, on)
    levels = list(framework.scale.levels.order_by("position"))
    standings = grid_standings(
        pupil_ids=[p.pk for p in pupils], objective_ids=[o.pk for o in objectives], levels=levels
    )
    columns = [(o.pk, o.code) for o in objectives]
    rows = []
    for pupil in pupils:
        name = pupil.name
        rows.append(
            Row(
                pupil=pupil,
                cells=[
                    Cell(pupil.pk, pk, standings.get((pupil.pk, pk)), name, code)
                    for pk, code in columns
                ],
                recordable=recordable_pupil_ids is None or pupil.pk in recordable_pupil_ids,
            )
        )
    years = sorted(
        y
        for y in Objective.objects.filter(framework=framework, year_group__isnull=False)
        .order_by()
        .values_list("year_group", flat=True)
        .distinct()
        if y is not None
    )
    return Markbook(
        teaching_class=teaching_class,
        framework=framework,
        strands=list(framework.strands.order_by("position")),
        objectives=objectives,
        levels=levels,
        rows=rows,
        groups=groups,
        group=group,
        year=year,
        years=years,
    )


class StrandOption(NamedTuple):
    """A strand as the markbook's strand filter offers it."""

    pk: int
    name: str


@dataclass
class MarkbookGrid:
    """The markbook page: its choices and its grid as plain rows (`cells.grid_html` draws it)."""

    teaching_class: Class
    framework: Framework
    strands: list[StrandOption]
    objectives: list[Column]
    levels: list[ScaleLevel]
    rows: list[PupilRow]
    states: list[State | None]  # the states the grid's cells are in; 0, no evidence yet
    cells: list[list[int]]  # for each row, the number of each column's cell's state
    groups: list[PupilGroup]
    group: PupilGroup | None
    year: int | None
    years: list[int] = field(default_factory=list)


# Every markbook page reads them: built and compiled once (nextsteps.ops.prepared).
FRAMEWORK_COLUMNS = Prepared(
    lambda shape, *, framework_id: (
        Strand.objects.filter(framework_id=framework_id)
        .order_by("position", "pk", "objectives__position", "objectives__pk")
        .values_list(
            "pk",
            "name",
            "objectives__pk",
            "objectives__code",
            "objectives__wording",
            "objectives__core",
            "objectives__year_group",
            "objectives__position",
            "objectives__framework_id",
        )
    ),
    values=["framework_id"],
)
SCALE_LEVELS = Prepared(
    lambda shape, *, scale_id: ScaleLevel.objects.filter(scale_id=scale_id).order_by("position"),
    values=["scale_id"],
)
CLASS_GROUPS = Prepared(
    lambda shape, *, class_id: PupilGroup.objects.filter(teaching_class_id=class_id).order_by(
        "name"
    ),
    values=["class_id"],
)


def framework_columns(
    framework: Framework, *, strand_id: int | None, year: int | None
) -> tuple[list[StrandOption], list[Column], list[int]]:
    """The framework's strands, the objectives chosen (by strand and year, in order) and the
    years its objectives are for, in one query: a row an objective, each with its strand (a
    strand with no objectives comes once, alone)."""
    rows = FRAMEWORK_COLUMNS(framework_id=framework.pk)
    strands: dict[int, StrandOption] = {}
    chosen: list[tuple[int, int, Column]] = []
    years: set[int] = set()
    for strand, name, pk, code, wording, core, year_group, position, framework_id in rows:
        strands.setdefault(strand, StrandOption(strand, name))
        if pk is None or framework_id != framework.pk:
            continue
        if year_group is not None:
            years.add(year_group)
        if (not strand_id or strand == strand_id) and (year is None or year_group == year):
            chosen.append((position, pk, Column(pk, code, wording, core)))
    chosen.sort(key=lambda item: (item[0], item[1]))
    return list(strands.values()), [column for *_, column in chosen], sorted(years)


def grid_states(
    *,
    class_id: int,
    on: dt.date,
    framework_id: int,
    strand_id: int | None,
    year: int | None,
    levels: list[ScaleLevel],
    pupil_ids: Sequence[int],
    objective_ids: Sequence[int],
) -> tuple[list[State | None], list[list[int]]]:
    """What each cell of a class's grid shows: the states its cells are in, and for each pupil
    (in `pupil_ids`' order) the number of each cell's state (in `objective_ids`' order), 0 for
    no evidence yet. One query of plain rows, the standings of the class's pupils on the day
    in the framework's objectives (of the strand and year, when chosen), and one for the names
    of who last recorded them. A cell with no level on this scale shows no evidence yet.

    A grid has thousands of cells in a few dozen states: each state (its value converted, its
    recorder named) is built once, and each cell is read once, straight into its place."""
    labels = {level.pk: level.label for level in levels}
    rows = GRID_ROWS(
        (bool(strand_id), year is not None),
        class_id=class_id,
        on=on,
        framework_id=framework_id,
        strand_id=strand_id or 0,
        year=year if year is not None else 0,
    )
    row_of = {pk: index for index, pk in enumerate(pupil_ids)}
    column_of = {pk: index for index, pk in enumerate(objective_ids)}
    cells = [[0] * len(objective_ids) for _ in pupil_ids]
    # Each state as the row gives it (level, stored value, evidence count and who last
    # recorded it), numbered from 1 in the order first met.
    numbers: dict[tuple[Any, ...], int] = {}
    for pupil, objective, level_id, value, count, user_id in rows:
        row, column = row_of.get(pupil), column_of.get(objective)
        if row is None or column is None:  # a pupil outside the group shown
            continue
        key = (level_id, value, count, user_id)
        number = numbers.get(key)
        if number is None:
            number = numbers[key] = len(numbers) + 1
        cells[row][column] = number
    to_decimal = _converter(Standing, "value", router.db_for_read(Standing))
    names = recorder_names({key[3] for key in numbers if key[3] is not None})
    states: list[State | None] = [None]
    states.extend(
        State(level_id, labels[level_id], to_decimal(value), count, names.get(user_id))
        if level_id in labels
        else None
        for level_id, value, count, user_id in numbers
    )
    return states, cells


def _grid_rows(
    shape: tuple[bool, bool],
    *,
    class_id: int,
    on: dt.date,
    framework_id: int,
    strand_id: int,
    year: int,
) -> QuerySet[Standing, tuple[Any, ...]]:
    by_strand, by_year = shape
    objectives = Objective.objects.filter(framework_id=framework_id)
    if by_strand:
        objectives = objectives.filter(strand_id=strand_id)
    if by_year:
        objectives = objectives.filter(year_group=year)
    return (
        Standing.objects.filter(
            pupil_id__in=class_pupil_ids_on(class_id, on), objective_id__in=objectives.values("pk")
        )
        # The value as the database gives it: converted once per state, not once per cell.
        .annotate(stored_value=ExpressionWrapper(F("value"), output_field=Field()))
        .values_list(
            "pupil_id",
            "objective_id",
            "level_id",
            "stored_value",
            "evidence_count",
            "last_recorded_by_id",
        )
    )


# Every markbook page reads its grid: built and compiled once a shape.
GRID_ROWS = Prepared(_grid_rows, values=["class_id", "on", "framework_id", "strand_id", "year"])


def _converter(model: type[Model], name: str, using: str) -> Callable[[Any], Any]:
    """What the ORM does to a column's stored value to give the field's Python value (the
    database backend's converters, then the field's), to apply once per distinct value."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
    connection = connections[using]
    steps = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


def _user_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """A person's name as `User.__str__` gives it, from the columns a query read."""
    person = User(display_name=display_name, first_name=first_name, last_name=last_name)
    person.username = username
    return str(person)


def markbook_grid(
    *,
    teaching_class: Class,
    framework: Framework,
    strand_id: int | None = None,
    group_id: int | None = None,
    year: int | None = None,
    recordable_pupil_ids: set[int] | None = None,
) -> MarkbookGrid:
    """The markbook page: the class × objectives grid as plain rows, and the page's choices."""
    strands, objectives, years = framework_columns(framework, strand_id=strand_id, year=year)
    groups, group, pupils = group_pupils(teaching_class, group_id, None)
    levels: list[ScaleLevel] = SCALE_LEVELS(scale_id=framework.scale_id)
    for level in levels:
        level.scale = framework.scale  # the same row: no query to reach it again
    states, cells = grid_states(
        class_id=teaching_class.pk,
        on=timezone.localdate(),
        framework_id=framework.pk,
        strand_id=strand_id,
        year=year,
        levels=levels,
        pupil_ids=[p.pk for p in pupils],
        objective_ids=[column.pk for column in objectives],
    )
    return MarkbookGrid(
        teaching_class=teaching_class,
        framework=framework,
        strands=strands,
        objectives=objectives,
        levels=levels,
        rows=[
            PupilRow(p.pk, p.name, recordable_pupil_ids is None or p.pk in recordable_pupil_ids)
            for p in pupils
        ],
        states=states,
        cells=cells,
        groups=groups,
        group=group,
        year=year,
        years=years,
    )


def cell_history(*, pupil: Pupil, objective: Objective) -> list[Judgement]:
    """Every event on a cell, newest first, with who recorded it and its attachments."""
    return list(
        Judgement.objects.filter(pupil=pupil, objective=objective)
        .select_related("level", "recorded_by", "supersedes")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")), "superseded_by"
        )
        .order_by("-recorded_at", "-pk")
    )


def changed_standings(
    *, teaching_class: Class, objective_ids: list[int], since: dt.datetime
) -> list[Standing]:
    """Standings in this class's grid changed since a moment (for other teachers' edits)."""
    pupil_ids = [p.pk for p in class_pupils(teaching_class)]
    return list(
        Standing.objects.filter(
            pupil_id__in=pupil_ids, objective_id__in=objective_ids, updated_at__gt=since
        ).select_related("level", "last_recorded_by", "pupil", "objective")
    )


@dataclass
class GapRow:
    objective: Objective
    secure: int
    total: int
    with_evidence: int
    latest_evidence: dt.datetime | None
    not_secure: list[Pupil]

    @property
    def share_secure(self) -> Decimal:
        return Decimal(0) if not self.total else (Decimal(self.secure) / Decimal(self.total))

    @property
    def percent_secure(self) -> int:
        return round(self.share_secure * 100)

    @property
    def coverage_percent(self) -> int:
        return 0 if not self.total else round(100 * self.with_evidence / self.total)


def gap_analysis(
    *,
    teaching_class: Class,
    framework: Framework,
    year: int | None = None,
    core_only: bool = False,
    pupils: Sequence[Pupil] | None = None,
) -> list[GapRow]:
    """Objectives by share of pupils secure, with who is not yet secure, and coverage: over
    the class's pupils, or over those given (some of them, e.g. a group of pupils)."""
    objectives = Objective.objects.filter(framework=framework)
    if year is not None:
        objectives = objectives.filter(year_group=year)
    if core_only:
        objectives = objectives.filter(core=True)
    objective_list = list(objectives.order_by("position"))
    if pupils is None:
        pupils = class_pupils(teaching_class)
    standings: dict[int, dict[int, Standing]] = defaultdict(dict)
    for s in Standing.objects.filter(
        pupil_id__in=[p.pk for p in pupils], objective_id__in=[o.pk for o in objective_list]
    ):
        standings[s.objective_id][s.pupil_id] = s
    rows = []
    for objective in objective_list:
        cells = standings[objective.pk]
        secure = [p for p in pupils if cells.get(p.pk) and cells[p.pk].mastered]
        evidenced = [cells[p.pk] for p in pupils if p.pk in cells and cells[p.pk].evidence_count]
        rows.append(
            GapRow(
                objective=objective,
                secure=len(secure),
                total=len(pupils),
                with_evidence=len(evidenced),
                latest_evidence=max(
                    (s.last_evidence_at for s in evidenced if s.last_evidence_at), default=None
                ),
                not_secure=[p for p in pupils if not (cells.get(p.pk) and cells[p.pk].mastered)],
            )
        )
    # Objectives with no evidence yet are not gaps but learning still to come: they go last.
    rows.sort(key=lambda row: (row.with_evidence == 0, row.share_secure, row.objective.position))
    return rows


@dataclass
class ProfileObjective:
    objective: Objective
    standing: Standing | None

    @property
    def secure(self) -> bool:
        return bool(self.standing and self.standing.mastered)


@dataclass
class Profile:
    pupil: Pupil
    framework: Framework
    objectives: list[ProfileObjective]
    gaps: list[ProfileObjective]
    next_steps: list[ProfileObjective]
    timeline: list[Judgement]
    levels: list[ScaleLevel]


def pupil_profile(
    *, pupil: Pupil, framework: Framework, year: int | None = None, timeline_limit: int = 30
) -> Profile:
    """Where a pupil is on each objective (core first), their gaps, evidence and next steps."""
    objectives = Objective.objects.filter(framework=framework).prefetch_related("success_criteria")
    if year is not None:
        objectives = objectives.filter(year_group=year)
    objective_list = list(objectives.select_related("strand").order_by("-core", "position"))
    standings = {
        s.objective_id: s
        for s in Standing.objects.filter(pupil=pupil, objective__in=objective_list).select_related(
            "level"
        )
    }
    rows = [ProfileObjective(o, standings.get(o.pk)) for o in objective_list]
    gaps = [row for row in rows if row.objective.core and not row.secure]
    next_steps = sorted(gaps, key=lambda row: row.objective.position)[:3]
    timeline = list(
        Judgement.objects.filter(pupil=pupil, objective__framework=framework)
        .select_related("objective", "level", "recorded_by")
        .prefetch_related("attachments")
        .order_by("-shown_at", "-pk")[:timeline_limit]
    )
    return Profile(
        pupil=pupil,
        framework=framework,
        objectives=rows,
        gaps=gaps,
        next_steps=next_steps,
        timeline=timeline,
        levels=list(framework.scale.levels.order_by("position")),
    )


def _instance(model: type[Model], row: dict[str, Any], prefix: str) -> Any:
    """A model instance from the columns a values() query read for it under `prefix`."""
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + name] for name in names])


def _columns(model: type[Model], prefix: str) -> list[str]:
    return [prefix + f.attname for f in model._meta.concrete_fields]


def _objective_rows(_shape: object, class_id: int, school_id: int, objective_id: int) -> Any:
    """An objective of a framework the class uses, a row for each level of its scale, each
    row carrying the objective, the framework and the scale."""
    class_subjects = Class.subjects.through.objects.filter(
        class_id=class_id, subject_id=OuterRef("framework__subject_id")
    )
    return (
        Objective.objects.filter(
            Exists(class_subjects),
            pk=objective_id,
            school_id=school_id,
            framework__school_id=school_id,
        )
        .order_by("framework__scale__levels__position")
        .values(
            *_columns(Objective, ""),
            *_columns(Framework, "framework__"),
            *_columns(Scale, "framework__scale__"),
            *_columns(ScaleLevel, "framework__scale__levels__"),
        )
    )


# The keystroke's read, built and compiled once (nextsteps.ops.prepared).
OBJECTIVE_ROWS = Prepared(_objective_rows, values=["class_id", "school_id", "objective_id"])


def objective_for_recording(
    *, teaching_class: Class, objective_id: int
) -> tuple[Objective, list[ScaleLevel]] | None:
    """An objective of a framework this class uses, with its framework, scale and the scale's
    levels (by position), in one query: a row a level, each carrying the objective, framework
    and scale. None when the objective is not in this class's frameworks."""
    rows: list[dict[str, Any]] = OBJECTIVE_ROWS(
        class_id=teaching_class.pk, school_id=teaching_class.school_id, objective_id=objective_id
    )
    if not rows:
        return None
    objective = _instance(Objective, rows[0], "")
    framework = _instance(Framework, rows[0], "framework__")
    scale = _instance(Scale, rows[0], "framework__scale__")
    framework.scale = scale
    objective.framework = framework
    levels = [
        _instance(ScaleLevel, row, "framework__scale__levels__")
        for row in rows
        if row["framework__scale__levels__id"] is not None
    ]
    for level in levels:
        level.scale = scale
    return objective, levels


# ---------------------------------------------------------------------------- the pages' reads


def class_frameworks(teaching_class: Class, *, with_scale: bool = False) -> list[Framework]:
    """The class's frameworks (`frameworks_for_class`), with their scales when asked (one
    query)."""
    frameworks: list[Framework] = CLASS_FRAMEWORKS(
        with_scale, school_id=teaching_class.school_id, class_id=teaching_class.pk
    )
    return frameworks


def school_objective(teaching_class: Class, objective_id: int) -> Objective | None:
    """An objective of the class's school, with its framework's scales (one query)."""
    return (
        Objective.objects.filter(pk=objective_id, school_id=teaching_class.school_id)
        .select_related("framework__scale", "framework__self_scale")
        .first()
    )


def class_uses_framework(teaching_class: Class, framework_id: int) -> bool:
    """Whether a framework is one of the class's (one query)."""
    return frameworks_for_class(teaching_class).filter(pk=framework_id).exists()


def standing_of(pupil: Pupil, objective: Objective) -> Standing | None:
    """A cell's standing with its level and who last recorded it (one query)."""
    return (
        Standing.objects.filter(pupil=pupil, objective=objective)
        .select_related("level", "last_recorded_by")
        .first()
    )


def scale_levels(scale: Scale) -> list[ScaleLevel]:
    """A scale's levels by position (one query)."""
    return list(scale.levels.order_by("position"))


def level_by_id(level_id: int) -> ScaleLevel | None:
    """Any level, by id (to name a level posted from another scale)."""
    return ScaleLevel.objects.filter(pk=level_id).first()


def level_on_scale(scale_id: int, level_id: int) -> ScaleLevel | None:
    """A level of this scale, else None (one query)."""
    return ScaleLevel.objects.filter(pk=level_id, scale_id=scale_id).first()


def framework_level(
    framework: Framework, *, level_id: int | None, position: int | None
) -> ScaleLevel | None:
    """A level of the framework's scale, by id or else by position (one query)."""
    query = ScaleLevel.objects.filter(scale__frameworks=framework)
    if level_id:
        return query.filter(pk=level_id).first()
    return query.filter(position=position or 0).first()


def class_judgement(school: School, teaching_class: Class, judgement_id: int) -> Judgement | None:
    """A judgement recorded in this class, with its objective's framework (one query)."""
    return (
        Judgement.objects.select_related("objective__framework")
        .filter(pk=judgement_id, school=school, teaching_class=teaching_class)
        .first()
    )


def class_group(teaching_class: Class, group_id: int) -> PupilGroup | None:
    return teaching_class.groups.filter(pk=group_id).first()


def pupils_with_evidence(objective: Objective, pupils: Sequence[Pupil]) -> set[int]:
    """Of these pupils, those with evidence on the objective (one query)."""
    return set(
        Standing.objects.filter(
            objective=objective, pupil__in=pupils, evidence_count__gt=0
        ).values_list("pupil_id", flat=True)
    )


def profile_frameworks(school: School, pupil: Pupil) -> list[Framework]:
    """The frameworks of the pupil's subjects, else every framework of the school."""
    frameworks = list(
        Framework.objects.filter(school=school, subject__classes__enrolments__pupil=pupil)
        .select_related("subject", "scale")
        .distinct()
        .order_by("subject__name")
    )
    if not frameworks:
        frameworks = list(
            Framework.objects.filter(school=school).select_related("subject", "scale")
        )
    return frameworks


def level_colours(school: School) -> list[tuple[int, str]]:
    """(id, colour) of each of the school's levels (one query)."""
    return [
        (level.pk, level.colour)
        for level in ScaleLevel.objects.filter(school=school).only("pk", "colour")
    ]


def assessment_points(points: QuerySet[AssessmentPoint]) -> list[AssessmentPoint]:
    """These points, with their departments and who locked them (one query)."""
    return list(points.select_related("department", "locked_by"))


# ---------------------------------------------------------------------------- lists
# The owner's reads behind the API's judgement and standing routes: each narrows the pupils a
# route's policy gave, and loads what the rows show in a fixed number of queries.


def judgements_filtered(
    school: School,
    pupils: QuerySet[Pupil],
    *,
    pupil_id: int | None,
    objective_id: int | None,
    class_id: int | None,
    since: dt.datetime | None,
) -> QuerySet[Judgement]:
    """Judgements about these pupils, narrowed by the list's filters, newest first."""
    rows = Judgement.objects.filter(school=school, pupil__in=pupils.values("pk"))
    if pupil_id is not None:
        rows = rows.filter(pupil_id=pupil_id)
    if objective_id is not None:
        rows = rows.filter(objective_id=objective_id)
    if class_id is not None:
        rows = rows.filter(teaching_class_id=class_id)
    if since is not None:
        rows = rows.filter(recorded_at__gte=since)
    return rows.select_related("level").order_by("-recorded_at", "-pk")


def judgements_with_levels(judgements: list[Judgement]) -> QuerySet[Judgement]:
    """The judgements again, with their levels."""
    return Judgement.objects.filter(pk__in=[j.pk for j in judgements]).select_related("level")


def pupil_standings(pupil: Pupil, framework_id: int | None) -> QuerySet[Standing]:
    """A pupil's standings (of one framework, if given), in framework and objective order."""
    rows = Standing.objects.filter(pupil=pupil).select_related("objective", "level")
    if framework_id is not None:
        rows = rows.filter(objective__framework_id=framework_id)
    return rows.order_by("objective__framework_id", "objective__position")


def school_standings(
    school: School,
    pupils: QuerySet[Pupil],
    *,
    teaching_class: Class | None,
    year_group: int | None,
    framework_id: int | None,
) -> QuerySet[Standing]:
    """The standings of these pupils (now in the class, of the year group, on the framework's
    objectives, as given), by pupil; 404 for a framework not of the school."""
    if teaching_class is not None:
        pupils = pupils.filter(pk__in=class_pupil_ids(teaching_class))
    if year_group is not None:
        pupils = pupils.filter(year_group=year_group)
    rows = Standing.objects.filter(school=school, pupil__in=pupils.values("pk"))
    if framework_id is not None:
        framework = get_object_or_404(Framework, school=school, pk=framework_id)
        rows = rows.filter(objective__framework=framework)
    return rows.select_related("objective", "level").order_by(
        "pupil_id", "objective__framework_id", "objective__position", "pk"
    )


def standings_by_cell(
    pupils: list[Pupil], objectives: list[Objective]
) -> dict[tuple[int, int], Standing]:
    """The standings of these pupils on these objectives, by (pupil, objective)."""
    return {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(
            pupil_id__in=[p.pk for p in pupils], objective_id__in=[o.pk for o in objectives]
        ).select_related("level", "objective")
    }
