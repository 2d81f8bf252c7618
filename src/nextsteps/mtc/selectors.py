"""Reads for multiplication tables check practice, shaped for the pages, in a fixed number of
queries however many attempts and answers there are.

A pupil's score is only ever set beside their own earlier scores; a class's view counts how
many pupils know each fact and never ranks the pupils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nextsteps.mtc.kernels.check_form import Fact
from nextsteps.mtc.kernels.fact_map import Answer, FactMap, Standing, fact_map, practise_next
from nextsteps.mtc.kernels.rules import CheckRules, read_check_rules, read_fact_map_settings
from nextsteps.mtc.kernels.scores import AgainstOwnBest, against_own_best
from nextsteps.mtc.models import AccessArrangements, PracticeAnswer, PracticeAttempt
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

PRACTISE_NEXT = 8
CLASS_GAPS = 10


def _as_answer(row: tuple[int, int, bool, int | None], rules: CheckRules) -> Answer:
    """An answer for the fact map; an untimed right answer counts as slow (the time allowed)."""
    a, b, correct, time_ms = row
    seconds = rules.seconds_per_item if time_ms is None else time_ms / 1000
    return Answer(a=a, b=b, correct=correct, seconds=seconds)


def _item_answers(pupil_ids: Iterable[int]) -> dict[int, list[Answer]]:
    """Every handed-in item answer (not practice questions) per pupil, oldest first: 1 query."""
    rules = read_check_rules()
    rows = (
        PracticeAnswer.objects.filter(
            attempt__pupil_id__in=list(pupil_ids),
            attempt__finished_at__isnull=False,
            practice=False,
        )
        .order_by("attempt__finished_at", "attempt_id", "position")
        .values_list("attempt__pupil_id", "a", "b", "correct", "time_ms")
    )
    answers: dict[int, list[Answer]] = defaultdict(list)
    for pupil_id, *rest in rows:
        answers[pupil_id].append(_as_answer(tuple(rest), rules))  # type: ignore[arg-type]
    return answers


@dataclass(frozen=True)
class MapCell:
    a: int
    b: int
    standing: Standing


@dataclass
class PupilFacts:
    """A pupil's fact map, laid out as rows for the 12×12 table, and what to practise next."""

    facts: FactMap
    rows: list[tuple[int, list[MapCell]]]
    numbers: list[int]
    counts: dict[Standing, int]
    practise_next: list[Fact]


def pupil_facts(answers: Sequence[Answer]) -> PupilFacts:
    facts = fact_map(answers, read_fact_map_settings())
    numbers = list(range(facts.settings.smallest, facts.settings.largest + 1))
    rows = [(a, [MapCell(a, b, facts.standing(a, b)) for b in numbers]) for a in numbers]
    return PupilFacts(
        facts=facts,
        rows=rows,
        numbers=numbers,
        counts=facts.counts(),
        practise_next=practise_next(facts, PRACTISE_NEXT),
    )


def pupil_fact_map(pupil: Pupil) -> PupilFacts:
    return pupil_facts(_item_answers([pupil.pk]).get(pupil.pk, []))


def finished_attempts(pupil: Pupil) -> list[PracticeAttempt]:
    """The pupil's handed-in attempts, oldest first."""
    return list(
        PracticeAttempt.objects.filter(pupil=pupil, finished_at__isnull=False).order_by(
            "finished_at", "pk"
        )
    )


@dataclass
class AttemptResult:
    attempt: PracticeAttempt
    against_best: AgainstOwnBest | None  # None for an untimed attempt
    answers: list[PracticeAnswer]
    facts: PupilFacts
    items: int


def attempt_result(attempt: PracticeAttempt) -> AttemptResult:
    """The attempt's score beside the pupil's own best before it, their fact map and answers."""
    rules = read_check_rules()
    earlier = PracticeAttempt.objects.filter(
        pupil_id=attempt.pupil_id,
        timed=True,
        finished_at__isnull=False,
        finished_at__lt=attempt.finished_at,
    ).values_list("score", flat=True)
    best = (
        against_own_best(attempt.score or 0, [s for s in earlier if s is not None], rules)
        if attempt.timed
        else None
    )
    return AttemptResult(
        attempt=attempt,
        against_best=best,
        answers=list(attempt.answers.order_by("position")),
        facts=pupil_fact_map(attempt.pupil),
        items=rules.items,
    )


def own_best(attempts: Sequence[PracticeAttempt]) -> int | None:
    scores = [a.score for a in attempts if a.timed and a.score is not None]
    return max(scores) if scores else None


def arrangements_for(pupil: Pupil) -> AccessArrangements:
    """The pupil's arrangements, or the defaults (unsaved) when none were ever set."""
    found = AccessArrangements.objects.filter(pupil=pupil).first()
    return found or AccessArrangements(school_id=pupil.school_id, pupil=pupil)


@dataclass(frozen=True)
class ClassCell:
    a: int
    b: int
    not_yet: int
    slowly: int


@dataclass
class PupilRow:
    pupil: Pupil
    attempts: int
    latest: int | None
    best: int | None
    counts: dict[Standing, int]
    arrangements: AccessArrangements | None


@dataclass
class ClassFactMap:
    teaching_class: Class
    numbers: list[int]
    rows: list[tuple[int, list[ClassCell]]]
    gaps: list[ClassCell]  # the facts most pupils need, most first
    pupils: list[PupilRow] = field(default_factory=list)
    practised: int = 0  # pupils with at least one practice handed in


def class_fact_map(teaching_class: Class) -> ClassFactMap:
    """Which facts the class does not know yet (counts of pupils per fact) and each pupil's
    summary, in four queries for the whole class."""
    pupils = class_pupils(teaching_class)
    ids = [p.pk for p in pupils]
    answers = _item_answers(ids)
    attempts: dict[int, list[PracticeAttempt]] = defaultdict(list)
    for attempt in PracticeAttempt.objects.filter(
        pupil_id__in=ids, finished_at__isnull=False
    ).order_by("finished_at", "pk"):
        attempts[attempt.pupil_id].append(attempt)
    arrangements = {a.pupil_id: a for a in AccessArrangements.objects.filter(pupil_id__in=ids)}
    settings = read_fact_map_settings()
    numbers = list(range(settings.smallest, settings.largest + 1))
    not_yet: dict[Fact, int] = defaultdict(int)
    slowly: dict[Fact, int] = defaultdict(int)
    rows = []
    for pupil in pupils:
        facts = fact_map(answers.get(pupil.pk, []), settings)
        for key, record in facts.facts.items():
            if record.standing == Standing.NOT_YET:
                not_yet[key] += 1
            elif record.standing == Standing.SLOWLY:
                slowly[key] += 1
        own = attempts.get(pupil.pk, [])
        rows.append(
            PupilRow(
                pupil=pupil,
                attempts=len(own),
                latest=own[-1].score if own else None,
                best=own_best(own),
                counts=facts.counts(),
                arrangements=arrangements.get(pupil.pk),
            )
        )

    def cell(a: int, b: int) -> ClassCell:
        key = (min(a, b), max(a, b))
        return ClassCell(a, b, not_yet[key], slowly[key])

    grid = [(a, [cell(a, b) for b in numbers]) for a in numbers]
    gaps = sorted(
        (cell(a, b) for a in numbers for b in numbers if a <= b and (not_yet[(a, b)])),
        key=lambda c: (-c.not_yet, -c.slowly, c.a, c.b),
    )[:CLASS_GAPS]
    return ClassFactMap(
        teaching_class=teaching_class,
        numbers=numbers,
        rows=grid,
        gaps=gaps,
        pupils=rows,
        practised=sum(1 for row in rows if row.attempts),
    )
