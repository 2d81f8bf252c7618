"""Writes for evidence: record, correct and withdraw judgements; keep standings current.

Every write locks the standing rows of the cells it touches before adding its events, so two
teachers saving the same cell at once both keep their events and the standing reflects both
(PostgreSQL row locks; SQLite serialises writers with IMMEDIATE transactions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, router, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.models import AuditEvent
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.curriculum.models import Framework, Objective, Scale, ScaleLevel
from nextsteps.idempotency import IdempotencyConflict, replay_or_refuse, request_digest
from nextsteps.markbook.kernels import mastery
from nextsteps.markbook.models import (
    STANDING_SOURCES,
    AssessmentPoint,
    Attachment,
    Judgement,
    JudgementSource,
    Standing,
    StandingSnapshot,
    StandingSummary,
    StandingSummaryState,
)
from nextsteps.markbook.summary_selectors import (
    CoreObjectives,
    Counts,
    core_objectives,
    standing_counts,
)
from nextsteps.markbook.uploads import checked_upload
from nextsteps.ops.prepared import Prepared
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class

Cell = tuple[int, int]  # (pupil_id, objective_id)


class JudgementRefused(ValueError):
    """A judgement that cannot be recorded, with the reason in words a teacher can act on."""


@dataclass(frozen=True)
class JudgementEntry:
    pupil: Pupil
    objective: Objective
    level: ScaleLevel
    method: str = ""
    note: str = ""
    shown_at: dt.datetime | None = None


@dataclass
class _FrameworkRules:
    method: str
    parameter: int | None
    threshold: Decimal
    levels: list[ScaleLevel] = field(default_factory=list)

    def level_for(self, value: Decimal | None) -> ScaleLevel | None:
        """The highest level at or below the value: a standing is never shown above its evidence."""
        if value is None:
            return None
        chosen = None
        for level in self.levels:
            if level.value <= value:
                chosen = level
        return chosen or (self.levels[0] if self.levels else None)


def check_entry(
    *,
    pupil: Pupil,
    objective: Objective,
    level: ScaleLevel,
    source: str,
    teaching_class: Class | None = None,
) -> None:
    """Refuse a level not on the framework's scale, an objective or class from elsewhere."""
    if objective.school_id != pupil.school_id:
        raise JudgementRefused(
            gettext("%(code)s is not in %(name)s's school's curriculum")
            % {"code": objective.code, "name": pupil.name}
        )
    if teaching_class is not None and teaching_class.school_id != pupil.school_id:
        raise JudgementRefused(
            gettext("%(class)s is not a class in %(name)s's school")
            % {"class": teaching_class, "name": pupil.name}
        )
    framework = objective.framework
    scale_id = (
        framework.self_scale_id
        if source in (JudgementSource.SELF, JudgementSource.PEER)
        else framework.scale_id
    )
    if scale_id is None or level.scale_id != scale_id:
        raise JudgementRefused(
            gettext("%(label)s is not a level on the scale of %(name)s (objective %(code)s)")
            % {"label": repr(level.label), "name": framework.name, "code": objective.code}
        )


@dataclass(frozen=True)
class Recorded:
    """A recorded judgement and the cell's standing after it (None for a replayed key, or a
    source that does not move the standing: read it if it is wanted)."""

    judgement: Judgement
    standing: Standing | None
    replayed: bool = False


def judgement_record(
    *,
    pupil: Pupil,
    objective: Objective,
    level: ScaleLevel,
    by: Actor | None,
    source: str = JudgementSource.TEACHER,
    method: str = "",
    shown_at: dt.datetime | None = None,
    note: str = "",
    teaching_class: Class | None = None,
    idempotency_key: str | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
) -> Judgement:
    """Record a judgement and bring the pupil's standing on the objective up to date.

    A repeated idempotency key with the same request returns the first judgement; with a
    different request it raises IdempotencyConflict and records nothing.
    """
    return judgement_record_cell(
        pupil=pupil,
        objective=objective,
        level=level,
        by=by,
        source=source,
        method=method,
        shown_at=shown_at,
        note=note,
        teaching_class=teaching_class,
        idempotency_key=idempotency_key,
        files=files,
    ).judgement


@transaction.atomic
def judgement_record_cell(
    *,
    pupil: Pupil,
    objective: Objective,
    level: ScaleLevel,
    by: Actor | None,
    source: str = JudgementSource.TEACHER,
    method: str = "",
    shown_at: dt.datetime | None = None,
    note: str = "",
    teaching_class: Class | None = None,
    idempotency_key: str | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
    levels: Sequence[ScaleLevel] | None = None,
) -> Recorded:
    """`judgement_record`, answering with the cell's new standing too (the markbook draws the
    cell from it). `levels`, the objective's scale's levels when the caller has read them
    with the objective (its framework and scale loaded), saves reading them again.

    Four statements when the key is new: the judgement (an insert that does nothing when the
    key was used before: the unique key decides, so there is no look-up first and no lock), the
    cell's events with its standing's version, the standing written only if that version is
    still current, and the audit record. A standing changed by someone else in between is
    recomputed under its row's lock (`_standing_after_record`).
    """
    digest = _single_digest(
        pupil=pupil,
        objective=objective,
        level=level,
        source=source,
        method=method,
        shown_at=shown_at,
        note=note,
        teaching_class=teaching_class,
        files=files,
    )
    check_entry(
        pupil=pupil, objective=objective, level=level, source=source, teaching_class=teaching_class
    )
    uploads = [checked_upload(file) for file in files]
    now = timezone.now()
    user = _user(by)
    judgement = Judgement(
        school_id=pupil.school_id,
        pupil=pupil,
        objective=objective,
        level=level,
        value=level.value,
        source=source,
        method=method,
        recorded_by=user,
        teaching_class=teaching_class,
        shown_at=shown_at or now,
        recorded_at=now,
        note=note,
        idempotency_key=idempotency_key or None,
        idempotency_digest=digest if idempotency_key else "",
    )
    if idempotency_key:
        if not _insert_unless_key_used(judgement):
            # The key was used: a concurrent first send has committed by now (the insert
            # waited for it), so the earlier judgement is there to answer with.
            earlier = _earlier_single(pupil.school_id, idempotency_key, digest, by)
            if earlier is None:  # pragma: no cover - the conflicting row was rolled back
                judgement.save(force_insert=True)
            else:
                return Recorded(earlier, None, replayed=True)
    else:
        judgement.save(force_insert=True)
    for upload in uploads:
        Attachment.objects.create(
            school_id=pupil.school_id,
            judgement=judgement,
            file=upload.file,
            content_type=upload.content_type,
            size=upload.size,
            original_name=upload.name[:200],
        )
    standing = None
    if source in STANDING_SOURCES:
        if levels is not None and level.scale_id == objective.framework.scale_id:
            framework = objective.framework
            rules = _FrameworkRules(
                method=framework.calculation_method,
                parameter=framework.calculation_parameter,
                threshold=framework.scale.mastery_threshold,
                levels=sorted(levels, key=lambda each: each.value),
            )
        else:
            rules = _rules_for([objective.pk])[objective.pk]
        standing = _standing_after_record(
            (pupil.pk, objective.pk), rules=rules, school_id=pupil.school_id, user=user
        )
    audit_write(actor=by, action=AuditAction.JUDGEMENT_RECORD, target=judgement)
    return Recorded(judgement, standing)


def _insert_unless_key_used(judgement: Judgement) -> bool:
    """Insert a keyed judgement unless its school already has a judgement with the key (one
    statement; on PostgreSQL it waits for an uncommitted insert of the same key). Whether it
    was inserted."""
    alias = router.db_for_write(Judgement)
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields: list[Any] = [
        field for field in Judgement._meta.concrete_fields if not field.primary_key
    ]
    values = [
        field.get_db_prep_save(field.pre_save(judgement, add=True), connection) for field in fields
    ]
    table = quote(Judgement._meta.db_table)
    key = f"{quote('school_id')}, {quote('idempotency_key')}"
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 - names from the model's metadata; values are parameters
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    judgement.pk = row[0]
    judgement._state.adding = False
    judgement._state.db = alias
    return True


_STANDING_FIELDS = (
    "school_id",
    "pupil_id",
    "objective_id",
    "value",
    "level_id",
    "mastered",
    "evidence_count",
    "last_evidence_at",
    "last_recorded_by_id",
    "updated_at",
)


def _cell_events(_shape: object, pupil_id: int, objective_id: int) -> QuerySet[Judgement]:
    """A cell's events that count towards its standing, each with the standing's version."""
    version = Standing.objects.filter(pupil_id=pupil_id, objective_id=objective_id).values(
        "updated_at"
    )[:1]
    return (
        Judgement.objects.filter(
            pupil_id=pupil_id, objective_id=objective_id, source__in=STANDING_SOURCES
        )
        .only(
            "pk",
            "pupil_id",
            "objective_id",
            "value",
            "kind",
            "supersedes_id",
            "shown_at",
            "recorded_at",
            "recorded_by_id",
            "school_id",
        )
        .annotate(standing_version=Subquery(version))
    )


# Every judgement recorded reads its cell's events: built and compiled once.
CELL_EVENTS = Prepared(_cell_events, values=["pupil_id", "objective_id"])


def _standing_after_record(
    cell: Cell, *, rules: _FrameworkRules, school_id: int, user: Actor
) -> Standing:
    """The cell's standing recomputed from its events, written if nobody else wrote it since
    those events were read; else recomputed under the row's lock.

    The events and the standing's version (its `updated_at`) are read in one statement, so
    they agree. Two teachers saving one cell at once each write the standing only if it is
    still the one they read: the second finds it changed (on PostgreSQL its conditional
    upsert waits for the first to commit, then locks the row and writes nothing) and counts
    again, now seeing both events. SQLite's IMMEDIATE transactions never get that far.
    """
    pupil_id, objective_id = cell
    events: list[Any] = CELL_EVENTS(pupil_id=pupil_id, objective_id=objective_id)
    seen = events[0].standing_version if events else None
    row = _standing_row(cell, events, rules, school_id, timezone.now())
    if not _write_standing_if_unchanged(row, seen):
        _lock_cells({cell}, school_id=school_id)
        standings_refresh({cell})
        return Standing.objects.select_related("level", "last_recorded_by").get(
            pupil_id=pupil_id, objective_id=objective_id
        )
    if row.last_recorded_by_id is not None and row.last_recorded_by_id == getattr(user, "pk", None):
        row.last_recorded_by = acting_user(user)
    return row


def _write_standing_if_unchanged(row: Standing, seen: dt.datetime | None) -> bool:
    """Insert the cell's standing, or update it if its `updated_at` is still `seen` (no row:
    `seen` is None). One statement; whether it wrote."""
    alias = router.db_for_write(Standing)
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(Standing._meta.db_table)
    fields: list[Any] = [
        Standing._meta.get_field(name.removesuffix("_id")) for name in _STANDING_FIELDS
    ]
    values = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    updates = ", ".join(
        f"{quote(field.column)} = excluded.{quote(field.column)}"
        for field in fields
        if field.attname not in {"school_id", "pupil_id", "objective_id"}
    )
    if seen is None:
        condition, params = "1 = 0", []
    else:
        updated_at = Standing._meta.get_field("updated_at")
        condition = f"{table}.{quote('updated_at')} = %s"
        params = [updated_at.get_db_prep_save(seen, connection)]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote('pupil_id')}, {quote('objective_id')}) "
        f"DO UPDATE SET {updates} WHERE {condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values + params)
        return bool(cursor.rowcount)


@transaction.atomic(durable=True)
def judgement_correct(
    *, judgement: Judgement, level: ScaleLevel, by: Actor | None, reason: str
) -> Judgement:
    """Replace a judgement's level with a new event; the original stays in the history."""
    if not reason.strip():
        raise JudgementRefused(gettext("say why the judgement is being corrected"))
    check_entry(
        pupil=judgement.pupil, objective=judgement.objective, level=level, source=judgement.source
    )
    return _supersede(judgement, kind=Judgement.Kind.CORRECTION, level=level, by=by, reason=reason)


@transaction.atomic(durable=True)
def judgement_withdraw(*, judgement: Judgement, by: Actor | None, reason: str) -> Judgement:
    """Withdraw a judgement (recorded in error); it no longer counts but stays in the history."""
    if not reason.strip():
        raise JudgementRefused(gettext("say why the judgement is being withdrawn"))
    return _supersede(judgement, kind=Judgement.Kind.WITHDRAWAL, level=None, by=by, reason=reason)


def _supersede(
    judgement: Judgement, *, kind: str, level: ScaleLevel | None, by: Actor | None, reason: str
) -> Judgement:
    cell = (judgement.pupil_id, judgement.objective_id)
    _lock_cells({cell}, school_id=judgement.school_id)
    if Judgement.objects.filter(supersedes=judgement).exists():
        raise JudgementRefused(gettext("this judgement has already been corrected or withdrawn"))
    if judgement.kind == Judgement.Kind.WITHDRAWAL:
        raise JudgementRefused(gettext("a withdrawal cannot itself be corrected"))
    event = Judgement.objects.create(
        school_id=judgement.school_id,
        pupil_id=judgement.pupil_id,
        objective_id=judgement.objective_id,
        level=level,
        value=level.value if level else None,
        kind=kind,
        supersedes=judgement,
        source=judgement.source,
        method=judgement.method,
        recorded_by=_user(by),
        teaching_class_id=judgement.teaching_class_id,
        shown_at=judgement.shown_at,
        recorded_at=timezone.now(),
        reason=reason,
    )
    if judgement.source in STANDING_SOURCES:
        standings_refresh({cell})
    audit_write(
        actor=by, action=AuditAction(f"judgement.{kind}"), target=event, before=snapshot(judgement)
    )
    return event


# A savepoint: assessment_judgements_record, conversation_record and cj_results_apply hold
# the transaction.
@transaction.atomic
def judgements_record_bulk(
    *,
    entries: Sequence[JudgementEntry],
    by: Actor | None,
    source: str = JudgementSource.TEACHER,
    teaching_class: Class | None = None,
    idempotency_key: str | None = None,
) -> list[Judgement]:
    """Record many judgements in one transaction (a whole column, an API batch): all or none.

    A repeated idempotency key with the same entries returns the judgements of the first call
    instead of adding more; with different entries it raises IdempotencyConflict.
    """
    school_id = entries[0].pupil.school_id if entries else None
    digest = _batch_digest(entries=entries, source=source, teaching_class=teaching_class)
    earlier_batch = _earlier_batch(school_id, idempotency_key, digest, len(entries), by)
    if earlier_batch:
        return earlier_batch
    problems = []
    for index, entry in enumerate(entries, start=1):
        try:
            check_entry(
                pupil=entry.pupil,
                objective=entry.objective,
                level=entry.level,
                source=source,
                teaching_class=teaching_class,
            )
        except JudgementRefused as error:
            problems.append(f"entry {index} ({entry.pupil.name}, {entry.objective.code}): {error}")
    if problems:
        raise JudgementRefused("; ".join(problems))
    if not entries:
        return []
    school_id = entries[0].pupil.school_id
    cells = {(entry.pupil.pk, entry.objective.pk) for entry in entries}
    _lock_cells(cells, school_id=school_id)
    earlier_batch = _earlier_batch(school_id, idempotency_key, digest, len(entries), by)
    if earlier_batch:
        return earlier_batch
    now = timezone.now()
    user = _user(by)
    judgements = Judgement.objects.bulk_create(
        Judgement(
            school_id=school_id,
            pupil=entry.pupil,
            objective=entry.objective,
            level=entry.level,
            value=entry.level.value,
            source=source,
            method=entry.method,
            recorded_by=user,
            teaching_class=teaching_class,
            shown_at=entry.shown_at or now,
            recorded_at=now,
            note=entry.note,
            idempotency_key=f"{idempotency_key}:{index}" if idempotency_key else None,
            idempotency_digest=digest if idempotency_key else "",
        )
        for index, entry in enumerate(entries)
    )
    if source in STANDING_SOURCES:
        standings_refresh(cells)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            school_id=school_id,
            actor=user,
            action=AuditAction.JUDGEMENT_RECORD,
            target_type="markbook.judgement",
            target_id=str(judgement.pk),
            target_label=str(judgement)[:200],
            after=snapshot(judgement),
        )
        for judgement in judgements
    )
    return judgements


def _single_digest(
    *,
    pupil: Pupil,
    objective: Objective,
    level: ScaleLevel,
    source: str,
    method: str,
    shown_at: dt.datetime | None,
    note: str,
    teaching_class: Class | None,
    files: Sequence[UploadedFile[bytes]],
) -> str:
    """What one keyed judgement asks for (the date as given: a default of "now" is not asked)."""
    return request_digest(
        {
            "pupil": pupil.pk,
            "objective": objective.pk,
            "level": level.pk,
            "source": source,
            "method": method,
            "shown_at": shown_at,
            "note": note,
            "class": teaching_class.pk if teaching_class else None,
            "files": [[file.name, file.size] for file in files],
        }
    )


def _batch_digest(
    *, entries: Sequence[JudgementEntry], source: str, teaching_class: Class | None
) -> str:
    """What a keyed batch asks for: every entry, in order, with its source and class."""
    return request_digest(
        {
            "source": source,
            "class": teaching_class.pk if teaching_class else None,
            "entries": [
                [e.pupil.pk, e.objective.pk, e.level.pk, e.method, e.note, e.shown_at]
                for e in entries
            ],
        }
    )


def _earlier_single(
    school_id: int, key: str | None, digest: str, by: Actor | None
) -> Judgement | None:
    """The judgement an earlier call with this key recorded, in this school, by this person;
    IdempotencyConflict when that call asked for something else."""
    if not key:
        return None
    earlier = Judgement.objects.filter(school_id=school_id, idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.recorded_by_id != getattr(_user(by), "pk", None):
        raise JudgementRefused(gettext("that idempotency key was already used by someone else"))
    replay_or_refuse(key=key, stored_digest=earlier.idempotency_digest, digest=digest)
    return earlier


def _earlier_batch(
    school_id: int | None, key: str | None, digest: str, size: int, by: Actor | None
) -> list[Judgement]:
    """The judgements of an earlier batch with this key (looked up by exact keys, indexed);
    IdempotencyConflict when that batch asked for something else.

    One key past the batch's size is looked up too, so a larger earlier batch is a conflict
    even when its first entries match (for batches written before digests were kept).
    """
    if not key or school_id is None:
        return []
    keys = [f"{key}:{index}" for index in range(size + 1)]
    earlier = list(
        Judgement.objects.filter(school_id=school_id, idempotency_key__in=keys).order_by("pk")
    )
    if not earlier:
        return []
    if any(j.recorded_by_id != getattr(_user(by), "pk", None) for j in earlier):
        raise JudgementRefused(gettext("that idempotency key was already used by someone else"))
    if len(earlier) != size:
        raise IdempotencyConflict(key)
    for judgement in earlier:
        replay_or_refuse(key=key, stored_digest=judgement.idempotency_digest, digest=digest)
    return earlier


def _user(by: Actor | None) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) else None


def _lock_cells(cells: set[Cell], *, school_id: int) -> None:
    """Make sure each cell has a standing row, then lock those rows for this transaction."""
    if not cells:
        return
    Standing.objects.bulk_create(
        [Standing(school_id=school_id, pupil_id=p, objective_id=o) for p, o in cells],
        ignore_conflicts=True,
    )
    pupils = {p for p, _ in cells}
    objectives = {o for _, o in cells}
    # Ordered by id so that concurrent bulk writes lock in the same order and cannot deadlock.
    list(
        Standing.objects.select_for_update()
        .filter(pupil_id__in=pupils, objective_id__in=objectives)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _rules_for(objective_ids: Iterable[int]) -> dict[int, _FrameworkRules]:
    """The calculation rules for each objective's framework, in two queries."""
    framework_of = dict(
        Objective.objects.filter(pk__in=set(objective_ids)).values_list("pk", "framework_id")
    )
    frameworks = Framework.objects.filter(pk__in=set(framework_of.values())).select_related("scale")
    levels: dict[int, list[ScaleLevel]] = defaultdict(list)
    scale_ids = {f.scale_id for f in frameworks}
    for level in ScaleLevel.objects.filter(scale_id__in=scale_ids).order_by("value"):
        levels[level.scale_id].append(level)
    rules = {
        f.pk: _FrameworkRules(
            method=f.calculation_method,
            parameter=f.calculation_parameter,
            threshold=f.scale.mastery_threshold,
            levels=levels[f.scale_id],
        )
        for f in frameworks
    }
    return {
        objective_id: rules[framework_id] for objective_id, framework_id in framework_of.items()
    }


def effective_events(events: Iterable[Judgement]) -> list[Judgement]:
    """The events that count: records and corrections not replaced by a later event."""
    events = list(events)
    replaced = {event.supersedes_id for event in events if event.supersedes_id}
    return [
        event
        for event in events
        if event.pk not in replaced and event.kind != Judgement.Kind.WITHDRAWAL
    ]


def standings_refresh(cells: set[Cell]) -> None:
    """Recompute the standings of these cells from their events, in a fixed number of queries."""
    if not cells:
        return
    pupils = {p for p, _ in cells}
    objectives = {o for _, o in cells}
    events: dict[Cell, list[Judgement]] = defaultdict(list)
    for event in Judgement.objects.filter(
        pupil_id__in=pupils, objective_id__in=objectives, source__in=STANDING_SOURCES
    ).only(
        "pk",
        "pupil_id",
        "objective_id",
        "value",
        "kind",
        "supersedes_id",
        "shown_at",
        "recorded_at",
        "recorded_by_id",
        "school_id",
    ):
        cell = (event.pupil_id, event.objective_id)
        if cell in cells:
            events[cell].append(event)
    rules = _rules_for(objectives)
    school_of = dict(Pupil.objects.filter(pk__in=pupils).values_list("pk", "school_id"))
    now = timezone.now()
    rows = [
        _standing_row(cell, events.get(cell, []), rules[cell[1]], school_of[cell[0]], now)
        for cell in cells
    ]
    Standing.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["pupil", "objective"],
        update_fields=[
            "value",
            "level",
            "mastered",
            "evidence_count",
            "last_evidence_at",
            "last_recorded_by",
            "updated_at",
        ],
    )


def _standing_row(
    cell: Cell, events: list[Judgement], rules: _FrameworkRules, school_id: int, now: dt.datetime
) -> Standing:
    counted = effective_events(events)
    result = mastery.standing(
        (
            mastery.Evidence(
                value=e.value, shown_at=e.shown_at, recorded_at=e.recorded_at, sequence=e.pk
            )
            for e in counted
            if e.value is not None
        ),
        method=rules.method,
        parameter=rules.parameter,
        mastery_threshold=rules.threshold,
    )
    latest = max(events, key=lambda e: (e.recorded_at, e.pk)) if events else None
    level = rules.level_for(result.value)
    return Standing(
        school_id=school_id,
        pupil_id=cell[0],
        objective_id=cell[1],
        value=result.value,
        level=level,
        mastered=result.mastered,
        evidence_count=result.count,
        last_evidence_at=max((e.shown_at for e in counted), default=None),
        last_recorded_by_id=latest.recorded_by_id if latest else None,
        updated_at=now,
    )


@transaction.atomic(durable=True)
def standings_rebuild(
    *,
    school_id: int | None = None,
    objective_ids: Collection[int] | None = None,
    chunk: int = 5000,
) -> int:
    """Recompute every standing from the events (the table is a cache of them), for one school
    or all, and for some objectives or all."""
    judgements = Judgement.objects.all()
    standings = Standing.objects.all()
    if school_id is not None:
        judgements = judgements.filter(school_id=school_id)
        standings = standings.filter(school_id=school_id)
    if objective_ids is not None:
        judgements = judgements.filter(objective_id__in=objective_ids)
        standings = standings.filter(objective_id__in=objective_ids)
    cells = set(
        judgements.filter(source__in=STANDING_SOURCES)
        .values_list("pupil_id", "objective_id")
        .distinct()
    )
    stale = set(standings.values_list("pupil_id", "objective_id")) - cells
    for pupil_id, objective_id in stale:
        Standing.objects.filter(pupil_id=pupil_id, objective_id=objective_id).delete()
    ordered = sorted(cells)
    for start in range(0, len(ordered), chunk):
        standings_refresh(set(ordered[start : start + chunk]))
    # Deleted standings leave no newer `updated_at` behind: ask for the summaries to be
    # counted again.
    summary_rebuild_request(school_id=school_id)
    return len(cells)


@transaction.atomic(durable=True)
def assessment_point_lock(*, point: AssessmentPoint, by: Actor | None) -> int:
    """Snapshot every standing in the point's scope and lock it; later writes do not change it."""
    if point.locked_at is not None:
        raise JudgementRefused(
            gettext("%(name)s was locked on %(date)s")
            % {"name": point.name, "date": f"{point.locked_at:%d %B %Y}"}
        )
    standings = Standing.objects.filter(school_id=point.school_id, value__isnull=False)
    if point.department_id:
        standings = standings.filter(
            objective__framework__subject__department_id=point.department_id
        )
    rows = [
        StandingSnapshot(
            school_id=point.school_id,
            point=point,
            pupil_id=s.pupil_id,
            objective_id=s.objective_id,
            value=s.value,
            level_id=s.level_id,
            mastered=s.mastered,
            evidence_count=s.evidence_count,
        )
        for s in standings.iterator(chunk_size=5000)
    ]
    StandingSnapshot.objects.bulk_create(rows, batch_size=2000)
    point.locked_at = timezone.now()
    point.locked_by = _user(by)
    point.save(update_fields=["locked_at", "locked_by"])
    audit_write(actor=by, action=AuditAction.ASSESSMENT_POINT_LOCK, target=point)
    return len(rows)


# A savepoint: response_agree holds the transaction when an agreed answer sets a
# department's assessment points.
@transaction.atomic
def assessment_point_create(
    *, school_id: int, name: str, date: dt.date, by: Actor | None, department_id: int | None = None
) -> AssessmentPoint:
    """Add a dated assessment point for the school (or one department)."""
    point = AssessmentPoint.objects.create(
        school_id=school_id, name=name, date=date, department_id=department_id
    )
    audit_write(actor=by, action=AuditAction.ASSESSMENT_POINT_CREATE, target=point)
    return point


def scale_levels(scale: Scale) -> list[ScaleLevel]:
    return list(scale.levels.order_by("position"))


# ------------------------------------------------------------------- standing summaries


@dataclass(frozen=True)
class SummaryFreshness:
    """A school's summary as a dashboard may show it: the core objectives it was counted
    against, as of when, and whether a newer count is on its way."""

    school_id: int
    computed_at: dt.datetime
    objectives: CoreObjectives
    catching_up: bool = False
    # The rows, when this request has just counted them: read back, they could come from a
    # read replica that has not caught up with the count yet.
    counts: Counts | None = field(default=None, compare=False, repr=False)


def summary_refresh(*, school_id: int) -> StandingSummaryState:
    """Count the school's standings on core objectives afresh into its summary rows.

    Refreshes of one school take turns (the state row is locked first). The rebuild request
    and the core objectives are read before the counting statement, so anything that changes
    them while it runs is seen as a change at the next read, never lost. Every read here is
    on the primary database (a transaction that writes keeps its reads there).
    """
    return _summary_count(school_id)[0]


@task(queue_name="default")
def summary_refresh_task(*, school_id: int) -> dict[str, Any]:
    """Count a school's standings on core objectives afresh for the leaders' dashboards (a
    background task: thin, taking ids, safe to run twice)."""
    state = summary_refresh(school_id=school_id)
    return {
        "school": school_id,
        "computed_at": state.computed_at.isoformat() if state.computed_at else None,
    }


def _summary_count(school_id: int) -> tuple[StandingSummaryState, Counts]:
    with transaction.atomic():
        StandingSummaryState.objects.bulk_create(
            [StandingSummaryState(school_id=school_id)], ignore_conflicts=True
        )
        state = StandingSummaryState.objects.select_for_update().get(school_id=school_id)
        requested = state.rebuild_requested
        objectives = core_objectives([school_id])[school_id]
        computed_at = timezone.now()
        counts = standing_counts(school_id=school_id, as_of=computed_at)
        StandingSummary.objects.filter(school_id=school_id).delete()
        StandingSummary.objects.bulk_create(
            (
                StandingSummary(
                    school_id=school_id,
                    pupil_id=pupil_id,
                    subject_id=sid,
                    year_group=year,
                    secure=secure,
                    working=working,
                    recent=recent,
                )
                for (pupil_id, sid, year), (secure, working, recent) in counts.items()
            ),
            batch_size=2000,
        )
        state.computed_at = computed_at
        state.objectives_key = objectives.key
        state.objectives = objectives.as_json()
        state.rebuilt = requested
        state.queued_at = None
        state.save(
            update_fields=["computed_at", "objectives_key", "objectives", "rebuilt", "queued_at"]
        )
    return state, counts


def summary_rebuild_request(*, school_id: int | None) -> None:
    """Ask for the school's summary (every school's, for None) to be counted again at its
    next read: for a change to what counts that leaves no newer standing behind (standings
    deleted, say). One statement, inside the caller's transaction, so the request is seen
    when that change is."""
    states = StandingSummaryState.objects.all()
    if school_id is not None:
        states = states.filter(school_id=school_id)
    states.update(rebuild_requested=F("rebuild_requested") + 1)


def summaries_current(school_ids: Sequence[int]) -> dict[int, SummaryFreshness]:
    """Each school's summary, brought up to date where it is not (two queries when all are).

    A summary is out of date when standings were written since (`updated_at` within
    SUMMARY_SETTLE_SECONDS before its count, as a write stamps its rows when it starts and
    may commit a little later), when the core objectives are no longer the ones it counted,
    when a rebuild was asked for, or when it is older than SUMMARY_MAX_AGE_SECONDS ("recent
    evidence" moves on with the clock). Out-of-date summaries are counted again at once with
    the inline task backend; with a queue, one refresh task a school is queued and the last
    summary is shown, marked as catching up.
    """
    ids = list(dict.fromkeys(school_ids))
    objectives = core_objectives(ids)
    latest = Standing.objects.filter(school_id=OuterRef("school_id")).order_by("-updated_at")
    states = {
        state.school_id: state
        for state in StandingSummaryState.objects.filter(school_id__in=ids).annotate(
            latest=Subquery(latest.values("updated_at")[:1])
        )
    }
    now = timezone.now()
    settle = dt.timedelta(seconds=settings.SUMMARY_SETTLE_SECONDS)
    max_age = dt.timedelta(seconds=settings.SUMMARY_MAX_AGE_SECONDS)
    inline = isinstance(summary_refresh_task.get_backend(), ImmediateBackend)
    result: dict[int, SummaryFreshness] = {}
    for school_id in ids:
        state = states.get(school_id)
        if state is not None and state.computed_at is not None:
            written = getattr(state, "latest", None)
            stale = (
                state.rebuilt != state.rebuild_requested
                or state.objectives_key != objectives[school_id].key
                or (written is not None and written >= state.computed_at - settle)
                or now - state.computed_at > max_age
            )
            if not stale:
                result[school_id] = SummaryFreshness(
                    school_id, state.computed_at, objectives[school_id]
                )
                continue
        if inline or state is None or state.computed_at is None:
            # Nothing to show yet, or the refresh runs here anyway: count now.
            fresh, counts = _summary_count(school_id)
            assert fresh.computed_at is not None  # noqa: S101 - set by the refresh
            result[school_id] = SummaryFreshness(
                school_id,
                fresh.computed_at,
                CoreObjectives.from_json(fresh.objectives, fresh.objectives_key),
                counts=counts,
            )
            continue
        _summary_queue(state, now=now, max_age=max_age)
        result[school_id] = SummaryFreshness(
            school_id,
            state.computed_at,
            CoreObjectives.from_json(state.objectives, state.objectives_key),
            catching_up=True,
        )
    return result


def _summary_queue(state: StandingSummaryState, *, now: dt.datetime, max_age: dt.timedelta) -> None:
    """Queue one refresh for the school: not again while one is queued (unless it has been
    waiting longer than the maximum age, as a worker may have lost it)."""
    if state.queued_at is not None and now - state.queued_at <= max_age:
        return
    claimed = StandingSummaryState.objects.filter(pk=state.pk, queued_at=state.queued_at).update(
        queued_at=now
    )
    if claimed:
        transaction.on_commit(lambda: summary_refresh_task.enqueue(school_id=state.school_id))
