"""Reads for the KS2 writing teacher assessment, shaped for the pages, in a fixed number of
queries whatever the size of the class."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from nextsteps.writing.kernels import rules
from nextsteps.writing.models import Judgement, Piece, Statement, Weakness


def ks2_year(teaching_class: Class) -> int:
    """The KS2 year of a Year 6 class: the summer its academic year ends in."""
    return teaching_class.academic_year.ends_on.year


def framework_of(teaching_class: Class) -> rules.Framework:
    """The framework edition for the class's KS2 year (raises `rules.NoRule` if none)."""
    return rules.framework_for(ks2_year(teaching_class))


def statements(school: School, framework: rules.Framework) -> list[Statement]:
    """The school's imported statements of this edition, in the framework's order."""
    order = {code: index for index, code in enumerate(framework.codes)}
    found = Statement.objects.filter(school=school, edition=framework.edition)
    return sorted(
        (s for s in found if s.standard in order), key=lambda s: (order[s.standard], s.number)
    )


def counts_of(found: list[Statement]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for statement in found:
        counts[statement.standard] += 1
    return dict(counts)


@dataclass
class PupilRow:
    pupil: Pupil
    pieces: int
    fit: rules.Fit
    judgement: Judgement | None

    @property
    def differs(self) -> bool:
        return self.judgement is not None and self.judgement.outcome != (self.fit.outcome or "")


def _evidence(
    pupil_ids: list[int], edition: str
) -> tuple[dict[int, dict[str, set[int]]], dict[int, dict[str, set[int]]]]:
    """Statement numbers evidenced, and those with an open weakness, per pupil and standard."""
    evidenced: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    links = Piece.statements.through.objects.filter(
        piece__pupil_id__in=pupil_ids, statement__edition=edition
    ).values_list("piece__pupil_id", "statement__standard", "statement__number")
    for pupil_id, standard, number in links:
        evidenced[pupil_id][standard].add(number)
    weak: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    open_weaknesses = Weakness.objects.filter(
        pupil_id__in=pupil_ids, withdrawn_at=None, statement__edition=edition
    ).values_list("pupil_id", "statement__standard", "statement__number")
    for pupil_id, standard, number in open_weaknesses:
        weak[pupil_id][standard].add(number)
    return evidenced, weak


def latest_judgements(pupil_ids: list[int], year: int) -> dict[int, Judgement]:
    latest: dict[int, Judgement] = {}
    for judgement in Judgement.objects.filter(pupil_id__in=pupil_ids, year=year).order_by(
        "-recorded_at", "-pk"
    ):
        latest.setdefault(judgement.pupil_id, judgement)
    return latest


def class_overview(
    school: School, teaching_class: Class, framework: rules.Framework, found: list[Statement]
) -> list[PupilRow]:
    """Every pupil of the class with their evidence, the rule's outcome and the judgement."""
    pupils = class_pupils(teaching_class)
    ids = [p.pk for p in pupils]
    counts = counts_of(found)
    evidenced, weak = _evidence(ids, framework.edition)
    pieces = dict(
        Piece.objects.filter(pupil_id__in=ids)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    judgements = latest_judgements(ids, ks2_year(teaching_class))
    return [
        PupilRow(
            pupil=pupil,
            pieces=pieces.get(pupil.pk, 0),
            fit=rules.secure_fit(framework, counts, evidenced[pupil.pk], weak[pupil.pk]),
            judgement=judgements.get(pupil.pk),
        )
        for pupil in pupils
    ]


@dataclass
class Cell:
    statement: Statement
    pieces: list[Piece] = field(default_factory=list)
    weakness: Weakness | None = None


@dataclass
class StandardRow:
    standard: rules.Standard
    fit: rules.StandardFit
    cells: list[Cell]


@dataclass
class PupilSheet:
    fit: rules.Fit
    standards: list[StandardRow]
    pieces: list[Piece]
    weaknesses: list[Weakness]  # open and withdrawn, oldest first
    judgements: list[Judgement]  # newest first

    @property
    def judgement(self) -> Judgement | None:
        return self.judgements[0] if self.judgements else None

    @property
    def differs(self) -> bool:
        latest = self.judgement
        return latest is not None and latest.outcome != (self.fit.outcome or "")


def pupil_sheet(
    pupil: Pupil, year: int, framework: rules.Framework, found: list[Statement]
) -> PupilSheet:
    """One pupil's grid (standard × statement with its pieces), the rule and the judgements."""
    pieces = list(
        Piece.objects.filter(pupil=pupil)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.filter(edition=framework.edition))
        )
    )
    weaknesses = list(
        Weakness.objects.filter(pupil=pupil, statement__edition=framework.edition)
        .select_related("statement", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    cells = {s.pk: Cell(s) for s in found}
    for piece in pieces:
        for statement in piece.statements.all():
            if statement.pk in cells:
                cells[statement.pk].pieces.append(piece)
    for weakness in weaknesses:
        if weakness.withdrawn_at is None and weakness.statement_id in cells:
            cells[weakness.statement_id].weakness = weakness
    evidenced, weak = _grid_sets(cells.values())
    fit = rules.secure_fit(framework, counts_of(found), evidenced, weak)
    rows = [
        StandardRow(
            standard,
            fit.of(standard.code),
            [c for c in cells.values() if c.statement.standard == standard.code],
        )
        for standard in reversed(framework.standards)
    ]
    judgements = list(
        Judgement.objects.filter(pupil=pupil, year=year)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    return PupilSheet(fit, rows, pieces, weaknesses, judgements)


def _grid_sets(cells: Iterable[Cell]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    evidenced: dict[str, set[int]] = defaultdict(set)
    weak: dict[str, set[int]] = defaultdict(set)
    for cell in cells:
        if cell.pieces:
            evidenced[cell.statement.standard].add(cell.statement.number)
        if cell.weakness is not None:
            weak[cell.statement.standard].add(cell.statement.number)
    return evidenced, weak
