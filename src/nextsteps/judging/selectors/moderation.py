"""Reads for moderation and standardisation, shaped for pages, in a fixed number of queries."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.judging.kernels import agreement
from nextsteps.judging.models import (
    ModerationItem,
    ModerationOutcome,
    ModerationRating,
    ModerationSession,
    Moderator,
    StandardisationRating,
)
from nextsteps.markbook.models import Attachment, Judgement, JudgementSource, Standing
from nextsteps.markbook.services import effective_events
from nextsteps.people.models import Staff
from nextsteps.teaching.models import ClassStaff, Enrolment
from nextsteps.teaching.selectors import current

STANDARDISATION_EXEMPLARS = 3
# A mean difference from the agreed level of a quarter of a level or more, over at least
# MIN_ITEMS pieces of work, is reported as a tendency; less is "in line".
TENDENCY = 0.25
MIN_ITEMS = 3


# --------------------------------------------------------------------------- sampling


@dataclass(frozen=True)
class CandidateWork:
    """A pupil's standing on the objective, and the teacher judgement and class behind it."""

    pupil_id: int
    level_id: int
    judgement_id: int | None
    teacher_id: int | None
    class_id: int | None
    notes: str


def moderation_candidates(
    *, objective: Objective, standard: ScaleLevel | None = None
) -> list[CandidateWork]:
    """Every current pupil with a standing on the objective (at `standard`), in 5 queries."""
    standings = Standing.objects.filter(
        objective=objective, level__isnull=False, pupil__leaving_date__isnull=True
    )
    if standard is not None:
        standings = standings.filter(level=standard)
    level_of = dict(standings.values_list("pupil_id", "level_id"))
    events: dict[int, list[Judgement]] = defaultdict(list)
    for event in Judgement.objects.filter(
        objective=objective, pupil_id__in=level_of, source=JudgementSource.TEACHER
    ).select_related("recorded_by__staff"):
        events[event.pupil_id].append(event)
    latest: dict[int, Judgement] = {}
    notes: dict[int, str] = {}
    for pupil_id, pupil_events in events.items():
        counted = effective_events(pupil_events)
        if counted:
            latest[pupil_id] = max(counted, key=lambda e: (e.shown_at, e.recorded_at, e.pk))
            notes[pupil_id] = "\n".join(e.note for e in counted if e.note.strip())
    class_of = _classes(objective, level_of, latest)
    teacher_of_class = _class_teachers(set(class_of.values()))
    rows = []
    for pupil_id, level_id in sorted(level_of.items()):
        judgement = latest.get(pupil_id)
        staff = _recorder_staff(judgement, objective.school_id)
        class_id = class_of.get(pupil_id)
        rows.append(
            CandidateWork(
                pupil_id=pupil_id,
                level_id=level_id,
                judgement_id=judgement.pk if judgement else None,
                teacher_id=staff or teacher_of_class.get(class_id or 0),
                class_id=class_id,
                notes=notes.get(pupil_id, ""),
            )
        )
    return rows


def _recorder_staff(judgement: Judgement | None, school_id: int) -> int | None:
    user = judgement.recorded_by if judgement else None
    staff = getattr(user, "staff", None) if user is not None else None
    return staff.pk if staff is not None and staff.school_id == school_id else None


def _classes(
    objective: Objective, level_of: dict[int, int], latest: dict[int, Judgement]
) -> dict[int, int]:
    """The class each pupil was judged in, else their current class in the subject."""
    class_of = {p: j.teaching_class_id for p, j in latest.items() if j.teaching_class_id}
    missing = set(level_of) - set(class_of)
    if missing:
        for pupil_id, class_id in Enrolment.objects.filter(
            current(),
            pupil_id__in=missing,
            teaching_class__subjects=objective.framework.subject_id,
        ).values_list("pupil_id", "teaching_class_id"):
            class_of.setdefault(pupil_id, class_id)
    return class_of


def _class_teachers(class_ids: set[int]) -> dict[int, int]:
    teachers: dict[int, int] = {}
    for class_id, staff_id in (
        ClassStaff.objects.filter(teaching_class_id__in=class_ids, role=ClassStaff.Role.TEACHER)
        .order_by("pk")
        .values_list("teaching_class_id", "staff_id")
    ):
        teachers.setdefault(class_id, staff_id)
    return teachers


# --------------------------------------------------------------------------- independence


Conflicts = set[tuple[int, int]]  # (item id, moderator id)


def moderation_conflicts(
    items: Sequence[ModerationItem], moderators: Sequence[Moderator]
) -> Conflicts:
    """Pairs of a piece of work and a moderator who is not independent of it, in 1 query.

    A moderator is not independent of a piece when they made the judgement it checks (the
    item's teacher) or teach, or support, the class it came from. Such a moderator is not given
    the piece, and a level they gave it anyway is left out of agreement and outcomes.
    """
    staff_of = {moderator.pk: moderator.staff_id for moderator in moderators}
    class_ids = {item.teaching_class_id for item in items if item.teaching_class_id}
    links: set[tuple[int, int]] = set()
    if class_ids and staff_of:
        links = set(
            ClassStaff.objects.filter(
                teaching_class_id__in=class_ids, staff_id__in=set(staff_of.values())
            ).values_list("teaching_class_id", "staff_id")
        )
    return {
        (item.pk, moderator_id)
        for item in items
        for moderator_id, staff_id in staff_of.items()
        if staff_id == item.teacher_id or (item.teaching_class_id, staff_id) in links
    }


def items_for_moderator(
    session: ModerationSession, moderator: Moderator
) -> tuple[list[ModerationItem], int]:
    """The pieces of the sample this moderator judges, none from their own classes, and how
    many were withheld for that reason (2 queries)."""
    items = list(session.items.select_related("pupil"))
    withheld = {item_id for item_id, _ in moderation_conflicts(items, [moderator])}
    return [item for item in items if item.pk not in withheld], len(withheld)


def independent_ratings(
    item: ModerationItem, ratings: Sequence[ModerationRating]
) -> list[ModerationRating]:
    """The item's ratings from moderators independent of it (1 query)."""
    moderators = [rating.moderator for rating in ratings]
    conflicts = moderation_conflicts([item], moderators)
    return [r for r in ratings if (item.pk, r.moderator_id) not in conflicts]


# --------------------------------------------------------------------------- standardisation


def standardisation_exemplars(objective: Objective) -> list[Exemplar]:
    """Up to three exemplars with an agreed level, spread across the levels (lowest first)."""
    with_levels = list(
        Exemplar.objects.filter(objective=objective, level__isnull=False)
        .select_related("level")
        .order_by("level__position", "pk")
    )
    chosen: list[Exemplar] = []
    by_level: dict[int, list[Exemplar]] = defaultdict(list)
    for exemplar in with_levels:
        by_level[exemplar.level_id or 0].append(exemplar)
    # One per level first (round robin), so the standard is seen from more than one side.
    for row in itertools.zip_longest(*by_level.values()):
        chosen += [exemplar for exemplar in row if exemplar is not None]
    chosen = chosen[:STANDARDISATION_EXEMPLARS]
    return sorted(chosen, key=lambda e: e.pk)


def standardisation_done(session: ModerationSession, staff: Staff) -> bool:
    """Whether the teacher has judged every exemplar the session asks for."""
    wanted = {e.pk for e in standardisation_exemplars(session.objective)}
    done = set(
        StandardisationRating.objects.filter(session=session, staff=staff).values_list(
            "exemplar_id", flat=True
        )
    )
    return wanted <= done


@dataclass
class ExemplarCheck:
    exemplar: Exemplar
    yours: ScaleLevel | None
    agreed: ScaleLevel

    @property
    def difference(self) -> int | None:
        if self.yours is None:
            return None
        return self.yours.position - self.agreed.position

    @property
    def levels_apart(self) -> int:
        return abs(self.difference or 0)

    @property
    def field(self) -> str:
        return f"exemplar-{self.exemplar.pk}"


@dataclass
class StandardisationResult:
    checks: list[ExemplarCheck]
    done: bool
    exact: float | None
    within_one: float | None


def standardisation_result(session: ModerationSession, staff: Staff) -> StandardisationResult:
    """The teacher's levels for the session's exemplars beside the agreed ones."""
    exemplars = standardisation_exemplars(session.objective)
    yours = {
        r.exemplar_id: r.level
        for r in StandardisationRating.objects.filter(session=session, staff=staff).select_related(
            "level"
        )
    }
    checks = [
        ExemplarCheck(exemplar=e, yours=yours.get(e.pk), agreed=e.level)  # type: ignore[arg-type]
        for e in exemplars
    ]
    rated = [c.difference for c in checks if c.difference is not None]
    return StandardisationResult(
        checks=checks,
        done=len(rated) == len(checks),
        exact=sum(d == 0 for d in rated) / len(rated) if rated else None,
        within_one=sum(abs(d) <= 1 for d in rated) / len(rated) if rated else None,
    )


# --------------------------------------------------------------------------- session pages


@dataclass
class ItemRow:
    item: ModerationItem
    ratings: dict[int, ScaleLevel] = field(default_factory=dict)  # by moderator id
    outcome: ModerationOutcome | None = None
    # Moderators not independent of this piece (its teacher, or staff of its class).
    not_independent: set[int] = field(default_factory=set)
    moderator_count: int = 0

    @property
    def independent(self) -> dict[int, ScaleLevel]:
        """Levels from moderators independent of the piece: the only ones that count."""
        return {m: level for m, level in self.ratings.items() if m not in self.not_independent}

    @property
    def judged_twice(self) -> bool:
        return len(self.independent) >= 2

    @property
    def can_be_judged_twice(self) -> bool:
        """Whether at least two moderators in the session are independent of this piece."""
        return self.moderator_count - len(self.not_independent) >= 2


@dataclass
class PairAgreement:
    """Agreement between two raters over the items both rated."""

    first: str
    second: str
    items: int
    exact: float
    within_one: float
    kappa: float | None


@dataclass
class Agreement:
    between_moderators: list[PairAgreement]
    alpha_moderators: float | None
    with_teacher: list[PairAgreement]
    alpha_with_teacher: float | None
    outcome_vs_teacher: PairAgreement | None
    confirmed: int
    raised: int
    lowered: int


@dataclass
class SessionPage:
    session: ModerationSession
    levels: list[ScaleLevel]
    moderators: list[Moderator]
    rows: list[ItemRow]
    agreement: Agreement
    rated: int  # independent levels only
    agreed: int

    @property
    def judged_twice(self) -> int:
        """Pieces with two or more independent levels."""
        return sum(row.judged_twice for row in self.rows)

    @property
    def overridden(self) -> int:
        """Outcomes a leader agreed without two independent levels."""
        return sum(bool(row.outcome and row.outcome.override_reason) for row in self.rows)

    @property
    def short_of_moderators(self) -> list[ItemRow]:
        """Pieces that fewer than two moderators in the session can judge independently."""
        return [row for row in self.rows if not row.can_be_judged_twice]

    @property
    def not_independent(self) -> list[tuple[ItemRow, Moderator]]:
        """Each piece and moderator kept apart because the moderator taught or judged it."""
        return [
            (row, m) for row in self.rows for m in self.moderators if m.pk in row.not_independent
        ]

    @property
    def kept_apart(self) -> list[tuple[Moderator, list[int]]]:
        """Each moderator with the sample positions they are not independent of."""
        grouped = [
            (m, [row.item.position for row in self.rows if m.pk in row.not_independent])
            for m in self.moderators
        ]
        return [(m, positions) for m, positions in grouped if positions]


def session_levels(session: ModerationSession) -> list[ScaleLevel]:
    return list(ScaleLevel.objects.filter(scale_id=session.objective.framework.scale_id))


def moderation_session_page(session: ModerationSession) -> SessionPage:
    """Everything the organiser sees: the sample, each rating, outcomes and agreement."""
    levels = session_levels(session)
    moderators = list(session.moderators.select_related("staff"))
    items = list(
        session.items.select_related(
            "pupil", "teacher", "teaching_class", "original_level", "outcome__level"
        )
    )
    conflicts = moderation_conflicts(items, moderators)
    rows = {item.pk: ItemRow(item=item, moderator_count=len(moderators)) for item in items}
    for item_id, moderator_id in conflicts:
        rows[item_id].not_independent.add(moderator_id)
    level_by_id = {level.pk: level for level in levels}
    ratings = ModerationRating.objects.filter(item__session=session).values_list(
        "item_id", "moderator_id", "level_id"
    )
    for item_id, moderator_id, level_id in ratings:
        rows[item_id].ratings[moderator_id] = level_by_id[level_id]
    for row in rows.values():
        row.outcome = getattr(row.item, "outcome", None)
    ordered = [rows[item.pk] for item in items]
    return SessionPage(
        session=session,
        levels=levels,
        moderators=moderators,
        rows=ordered,
        agreement=session_agreement(ordered, moderators, levels),
        rated=sum(len(row.independent) for row in ordered),
        agreed=sum(row.outcome is not None for row in ordered),
    )


def session_agreement(
    rows: list[ItemRow], moderators: list[Moderator], levels: list[ScaleLevel]
) -> Agreement:
    """Exact, within one and weighted kappa for pairs; Krippendorff's alpha for the group.

    Only independent levels count: a moderator's level for a piece they taught or judged is
    left out, so nobody agrees with themselves.
    """
    positions = [float(level.position) for level in levels]
    columns = {
        m.pk: [float(r.independent[m.pk].position) if m.pk in r.independent else None for r in rows]
        for m in moderators
    }
    teacher = [float(r.item.original_level.position) for r in rows]
    names = {m.pk: m.staff.name for m in moderators}
    between = [
        pair
        for a, b in itertools.combinations(moderators, 2)
        if (pair := _pair(names[a.pk], names[b.pk], columns[a.pk], columns[b.pk], positions))
    ]
    with_teacher = [
        pair
        for m in moderators
        if (pair := _pair(names[m.pk], "class teacher", columns[m.pk], teacher, positions))
    ]
    outcomes = [float(r.outcome.level.position) if r.outcome else None for r in rows]
    agreed = [(r.item.original_level.position, r.outcome.level.position) for r in rows if r.outcome]
    return Agreement(
        between_moderators=between,
        alpha_moderators=_alpha(list(columns.values()), positions),
        with_teacher=with_teacher,
        alpha_with_teacher=_alpha([*columns.values(), teacher], positions),
        outcome_vs_teacher=_pair("agreed outcome", "class teacher", outcomes, teacher, positions),
        confirmed=sum(o == a for o, a in agreed),
        raised=sum(a > o for o, a in agreed),
        lowered=sum(a < o for o, a in agreed),
    )


def _pair(
    first: str,
    second: str,
    a: Sequence[float | None],
    b: Sequence[float | None],
    positions: list[float],
) -> PairAgreement | None:
    both = sum(x is not None and y is not None for x, y in zip(a, b, strict=True))
    if both == 0:
        return None
    kappa = agreement.quadratic_weighted_kappa(a, b, levels=positions)
    return PairAgreement(
        first=first,
        second=second,
        items=both,
        exact=agreement.exact_agreement(a, b),
        within_one=agreement.within_one_agreement(a, b),
        kappa=None if math.isnan(kappa) else kappa,
    )


def _alpha(columns: Sequence[Sequence[float | None]], positions: list[float]) -> float | None:
    if len(columns) < 2 or len(positions) < 2:
        return None
    table = [[math.nan if v is None else v for v in column] for column in columns]
    try:
        alpha = agreement.krippendorff_alpha_ordinal(table, levels=positions)
    except ValueError:
        return None
    return None if math.isnan(alpha) else alpha


@dataclass
class ModeratorPage:
    session: ModerationSession
    moderator: Moderator
    items: list[ModerationItem]
    mine: dict[int, ScaleLevel]
    outcomes: dict[int, ScaleLevel]
    withheld: int = 0  # pieces from the moderator's own classes, judged by colleagues

    @property
    def remaining(self) -> int:
        return len(self.items) - len(self.mine)

    @property
    def next_item(self) -> ModerationItem | None:
        return next((item for item in self.items if item.pk not in self.mine), None)


def moderator_page(session: ModerationSession, moderator: Moderator) -> ModeratorPage:
    """A moderator's blind view: the pieces they judge (none from their own classes), their
    own levels, and the outcomes once the session is closed."""
    items, withheld = items_for_moderator(session, moderator)
    given = {item.pk for item in items}
    mine = {
        r.item_id: r.level
        for r in ModerationRating.objects.filter(moderator=moderator).select_related("level")
        if r.item_id in given
    }
    outcomes = {}
    if session.status == "closed":
        outcomes = {
            o.item_id: o.level
            for o in ModerationOutcome.objects.filter(item__session=session).select_related("level")
        }
    return ModeratorPage(
        session=session,
        moderator=moderator,
        items=items,
        mine=mine,
        outcomes=outcomes,
        withheld=withheld,
    )


@dataclass
class Evidence:
    """What a moderator sees of the work: notes and files, never the levels given."""

    notes: list[str]
    attachments: list[Attachment]


def item_evidence(item: ModerationItem) -> Evidence:
    """The teacher's notes and files on the cell's events (not their levels), in 2 queries."""
    events = effective_events(
        Judgement.objects.filter(
            pupil_id=item.pupil_id,
            objective_id=item.session.objective_id,
            source=JudgementSource.TEACHER,
        ).only("pk", "kind", "supersedes_id", "note")
    )
    attachments = list(
        Attachment.objects.filter(judgement_id__in=[e.pk for e in events]).order_by("pk")
    )
    notes = [item.work_text] if item.work_text.strip() else []
    return Evidence(notes=notes, attachments=attachments)


# --------------------------------------------------------------------------- lists


def moderation_sessions_list(sessions: QuerySet[ModerationSession]) -> list[ModerationSession]:
    """Sessions with their objective and counts, for the judging home page (one query)."""
    return list(
        ModerationSession.objects.filter(pk__in=sessions.values("pk"))
        .select_related("objective__framework__subject", "standard", "department")
        .annotate(
            item_count=Count("items", distinct=True),
            outcome_count=Count("items__outcome", distinct=True),
            moderator_count=Count("moderators", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


# --------------------------------------------------------------------------- feedback


@dataclass
class Tendency:
    """How a teacher's levels compare with agreed outcomes: generous, severe or in line."""

    items: int
    mean_difference: float
    mean_absolute_difference: float
    exact: float

    @property
    def word(self) -> str:
        if self.items < MIN_ITEMS:
            return "too_few"
        if self.mean_difference >= TENDENCY:
            return "generous"
        if self.mean_difference <= -TENDENCY:
            return "severe"
        return "in_line"


@dataclass
class Feedback:
    as_teacher: Tendency | None
    as_moderator: Tendency | None
    standardisation: Tendency | None


def my_moderation_feedback(staff: Staff) -> Feedback:
    """The teacher's own tendency: their judgements, their moderation, their exemplar levels."""
    moderated = ModerationItem.objects.filter(teacher=staff, outcome__isnull=False).values_list(
        "pk", "original_level__position", "outcome__level__position"
    )
    as_teacher = _tendency(
        [(item, mine) for item, mine, _ in moderated],
        {item: agreed for item, _, agreed in moderated},
    )
    given = list(
        ModerationRating.objects.filter(
            moderator__staff=staff, item__outcome__isnull=False
        ).select_related("item__outcome__level", "level", "moderator")
    )
    conflicts = moderation_conflicts([r.item for r in given], [r.moderator for r in given])
    ratings = [
        (r.item_id, r.level.position, r.item.outcome.level.position)
        for r in given
        if (r.item_id, r.moderator_id) not in conflicts  # only independent levels count
    ]
    as_moderator = _tendency(
        [(item, mine) for item, mine, _ in ratings], {item: agreed for item, _, agreed in ratings}
    )
    exemplars = StandardisationRating.objects.filter(staff=staff).values_list(
        "pk", "level__position", "exemplar__level__position"
    )
    standardisation = _tendency(
        [(pk, mine) for pk, mine, agreed in exemplars if agreed is not None],
        {pk: agreed for pk, _, agreed in exemplars if agreed is not None},
    )
    return Feedback(as_teacher, as_moderator, standardisation)


def _tendency(mine: list[tuple[int, int]], agreed: dict[int, int]) -> Tendency | None:
    summaries = agreement.rater_generosity(
        [("me", item, float(level)) for item, level in mine],
        {item: float(level) for item, level in agreed.items()},
    )
    if not summaries:
        return None
    summary = summaries[0]
    return Tendency(
        items=summary.items,
        mean_difference=summary.mean_difference,
        mean_absolute_difference=summary.mean_absolute_difference,
        exact=summary.exact,
    )


def exemplar_bank(objective: Objective) -> list[Exemplar]:
    return list(
        Exemplar.objects.filter(objective=objective)
        .select_related("level")
        .order_by("level__position", "pk")
    )


def objectives_with_exemplar_counts(objectives: QuerySet[Objective]) -> list[Objective]:
    """Objectives with how many exemplars they have, and how many at an agreed standard."""
    return list(
        objectives.select_related("framework__subject", "strand")
        .annotate(
            exemplar_count=Count("exemplars", distinct=True),
            agreed_count=Count(
                "exemplars", filter=Q(exemplars__level__isnull=False), distinct=True
            ),
        )
        .order_by("framework__subject__name", "framework__name", "position")
    )


def judged_count(moderator: Moderator, items: Sequence[ModerationItem]) -> int:
    """How many of these pieces of work the moderator has rated."""
    return moderator.ratings.filter(item__in=[item.pk for item in items]).count()


def session_level(session: ModerationSession, level_id: int) -> ScaleLevel | None:
    """A level of the scale of the session's objective, else None."""
    return ScaleLevel.objects.filter(
        pk=level_id, scale_id=session.objective.framework.scale_id
    ).first()


def session_item(
    session: ModerationSession, item_id: int, related: Sequence[str] = ()
) -> ModerationItem | None:
    """A piece of work sampled in the session (with the rows its page shows), else None."""
    return (
        ModerationItem.objects.filter(session=session, pk=item_id).select_related(*related).first()
    )


def item_ratings(item: ModerationItem) -> list[ModerationRating]:
    """Every moderator's rating of a piece of work, with the moderator and the level."""
    return list(item.ratings.select_related("moderator__staff", "level"))


def moderator_rating(item: ModerationItem, moderator: Moderator) -> ModerationRating | None:
    """The moderator's own rating of a piece of work, if they have made one."""
    return item.ratings.filter(moderator=moderator).select_related("level").first()
