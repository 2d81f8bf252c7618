"""Writes for moderation and standardisation: sessions, samples, ratings, outcomes, exemplars."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.judging.kernels.sampling import Candidate, draw_sample
from nextsteps.judging.models import (
    ModerationItem,
    ModerationOutcome,
    ModerationRating,
    ModerationSession,
    Moderator,
    SessionStatus,
    StandardisationRating,
)
from nextsteps.judging.selectors.moderation import (
    independent_ratings,
    moderation_candidates,
    moderation_conflicts,
    standardisation_done,
    standardisation_exemplars,
)
from nextsteps.markbook.models import JudgementSource, Method
from nextsteps.markbook.services import judgement_record
from nextsteps.markbook.uploads import checked_upload
from nextsteps.people.models import Staff
from nextsteps.schools.models import Department, School

MAX_SAMPLE = 60
INDEPENDENT_NEEDED = 2  # independent levels an outcome rests on, unless a leader overrides


class ModerationRefused(ValueError):
    """A moderation change that cannot be made, with the reason in words a teacher can act on."""


def check_level(level: ScaleLevel, objective: Objective) -> None:
    """Refuse a level that is not on the scale of the objective's framework."""
    framework = objective.framework
    if level.scale_id != framework.scale_id:
        raise ModerationRefused(
            gettext("%(label)s is not a level on the scale of %(name)s (objective %(code)s)")
            % {"label": repr(level.label), "name": framework.name, "code": objective.code}
        )


def check_staff(staff: Sequence[Staff], school: School, what: str) -> None:
    others = [member.name for member in staff if member.school_id != school.pk]
    if others:
        raise ModerationRefused(
            gettext("%(names)s cannot be %(what)s: not staff at %(school)s")
            % {"names": ", ".join(others), "what": what, "school": school}
        )


@transaction.atomic(durable=True)
def moderation_session_create(
    *,
    school: School,
    title: str,
    objective: Objective,
    sampling: str,
    sample_size: int,
    moderators: Sequence[Staff],
    by: Actor | None,
    department: Department | None = None,
    standard: ScaleLevel | None = None,
    standardise_first: bool = True,
    seed: int | None = None,
) -> ModerationSession:
    """Set up a session and draw its sample of work from the pupils judged on the objective."""
    _check_session(school, title, objective, sampling, sample_size, moderators, department)
    if standard is not None:
        check_level(standard, objective)
    candidates = moderation_candidates(objective=objective, standard=standard)
    if not candidates:
        if standard:
            message = gettext(
                "no pupil has a judgement at %(level)s on %(code)s yet, "
                "so there is no work to sample"
            ) % {"level": standard.label, "code": objective.code}
        else:
            message = gettext(
                "no pupil has a judgement on %(code)s yet, so there is no work to sample"
            ) % {"code": objective.code}
        raise ModerationRefused(message)
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    session = ModerationSession.objects.create(
        school=school,
        title=title.strip(),
        department=department,
        objective=objective,
        standard=standard,
        sampling=sampling,
        sample_size=sample_size,
        standardise_first=standardise_first,
        seed=seed,
        created_by=_user(by),
    )
    Moderator.objects.bulk_create(
        Moderator(school=school, session=session, staff=member) for member in moderators
    )
    by_pupil = {c.pupil_id: c for c in candidates}
    chosen: list[int] = draw_sample(  # type: ignore[assignment]  # the keys are pupil ids
        [Candidate(c.pupil_id, c.teacher_id, c.class_id, c.level_id) for c in candidates],
        sample_size,
        stratified=sampling == ModerationSession.Sampling.STRATIFIED,
        seed=seed,
    )
    ModerationItem.objects.bulk_create(
        ModerationItem(
            school=school,
            session=session,
            position=position,
            pupil_id=pupil_id,
            judgement_id=by_pupil[pupil_id].judgement_id,
            original_level_id=by_pupil[pupil_id].level_id,
            teacher_id=by_pupil[pupil_id].teacher_id,
            teaching_class_id=by_pupil[pupil_id].class_id,
            work_text=by_pupil[pupil_id].notes,
        )
        for position, pupil_id in enumerate(chosen, start=1)
    )
    audit_write(actor=by, action=AuditAction.MODERATION_SESSION_CREATE, target=session)
    return session


def _check_session(
    school: School,
    title: str,
    objective: Objective,
    sampling: str,
    sample_size: int,
    moderators: Sequence[Staff],
    department: Department | None,
) -> None:
    if not title.strip():
        raise ModerationRefused(gettext("give the session a title"))
    if objective.school_id != school.pk:
        raise ModerationRefused(
            gettext("%(code)s is not in %(school)s's curriculum")
            % {"code": objective.code, "school": school}
        )
    if sampling not in ModerationSession.Sampling.values:
        raise ModerationRefused(
            gettext("unknown sampling %(sampling)s: use random or stratified")
            % {"sampling": repr(sampling)}
        )
    if not 2 <= sample_size <= MAX_SAMPLE:
        raise ModerationRefused(
            gettext("the sample size must be from 2 to %(max_sample)s") % {"max_sample": MAX_SAMPLE}
        )
    if not moderators:
        raise ModerationRefused(gettext("invite at least one moderator"))
    check_staff(moderators, school, "moderators")
    if department is not None:
        if department.school_id != school.pk:
            raise ModerationRefused(
                gettext("%(department)s is not a department of %(school)s")
                % {"department": department, "school": school}
            )
        if objective.framework.subject.department_id != department.pk:
            raise ModerationRefused(
                gettext("%(code)s belongs to %(subject)s, which is not taught by %(department)s")
                % {
                    "code": objective.code,
                    "subject": objective.framework.subject,
                    "department": department,
                }
            )


@transaction.atomic(durable=True)
def moderation_item_attach(
    *,
    item: ModerationItem,
    by: Actor | None,
    file: UploadedFile[bytes] | None = None,
    text: str | None = None,
) -> ModerationItem:
    """Add a photo or PDF of the work, or its words, to an item in the sample."""
    _check_open(item.session)
    before = snapshot(item)
    if file is not None:
        upload = checked_upload(file)
        item.file = upload.file
        item.content_type = upload.content_type
        item.original_name = upload.name[:200]
    if text is not None:
        item.work_text = text.strip()
    item.save()
    audit_write(actor=by, action=AuditAction.MODERATION_ITEM_ATTACH, target=item, before=before)
    return item


@transaction.atomic(durable=True)
def moderation_rating_record(
    *,
    item: ModerationItem,
    moderator: Moderator,
    level: ScaleLevel,
    by: Actor | None,
    note: str = "",
) -> ModerationRating:
    """Record (or change, while the session is open) a moderator's blind judgement."""
    session = item.session
    _check_open(session)
    if moderator.session_id != session.pk:
        raise ModerationRefused(
            gettext("%(staff)s is not a moderator in %(session)s")
            % {"staff": moderator.staff, "session": session}
        )
    check_level(level, session.objective)
    if moderation_conflicts([item], [moderator]):
        raise ModerationRefused(
            gettext(
                "sample %(position)s is from your own class, so colleagues moderate it: "
                "a moderator judges only work they did not teach or judge"
            )
            % {"position": item.position}
        )
    if session.standardise_first and not standardisation_done(session, moderator.staff):
        raise ModerationRefused(
            gettext("judge the exemplars first, so that you start from the agreed standard")
        )
    rating, _ = ModerationRating.objects.update_or_create(
        item=item,
        moderator=moderator,
        defaults={
            "school_id": item.school_id,
            "level": level,
            "note": note.strip(),
            "recorded_at": timezone.now(),
        },
    )
    audit_write(actor=by, action=AuditAction.MODERATION_RATING_RECORD, target=rating)
    return rating


@transaction.atomic(durable=True)
def moderation_outcome_record(
    *,
    item: ModerationItem,
    level: ScaleLevel,
    reason: str,
    by: Actor | None,
    override_reason: str = "",
) -> ModerationOutcome:
    """Record the agreed level with its reason and apply it as a moderation judgement.

    The outcome needs two independent levels (from moderators who neither taught nor judged
    the piece). Without them a leader may still agree it, saying why in `override_reason`;
    the override is kept on the outcome and in the audit log. Callers check that `by` may
    organise the session (a senior leader or the head of its department).
    """
    session = item.session
    _check_open(session)
    check_level(level, session.objective)
    if not reason.strip():
        raise ModerationRefused(gettext("say why this level was agreed"))
    if ModerationOutcome.objects.filter(item=item).exists():
        raise ModerationRefused(
            gettext("an outcome is already agreed for sample %(position)s")
            % {"position": item.position}
        )
    ratings = list(item.ratings.select_related("moderator"))
    independent = len(independent_ratings(item, ratings))
    override = override_reason.strip() if independent < INDEPENDENT_NEEDED else ""
    if independent < INDEPENDENT_NEEDED and not override:
        raise ModerationRefused(
            gettext(
                "sample %(position)s has %(count)d independent judgement(s) of the %(needed)d "
                "an outcome needs: wait for the moderators, or give the reason for agreeing "
                "it without them"
            )
            % {"position": item.position, "count": independent, "needed": INDEPENDENT_NEEDED}
        )
    judgement = judgement_record(
        pupil=item.pupil,
        objective=session.objective,
        level=level,
        by=by,
        source=JudgementSource.MODERATION,
        method=Method.BOOK_WORK,
        note=f"{session.title}: {reason.strip()}",
        teaching_class=item.teaching_class,
    )
    outcome = ModerationOutcome.objects.create(
        school_id=item.school_id,
        item=item,
        level=level,
        reason=reason.strip(),
        override_reason=override,
        agreed_by=_user(by),
        judgement=judgement,
    )
    audit_write(actor=by, action=AuditAction.MODERATION_OUTCOME_RECORD, target=outcome)
    if override:
        audit_write(
            actor=by,
            action=AuditAction.MODERATION_OUTCOME_OVERRIDE,
            target=outcome,
            target_label=(
                f"{session} · sample {item.position} · "
                f"{independent} independent judgement(s): {override}"
            )[:200],
        )
    return outcome


@transaction.atomic(durable=True)
def moderation_session_close(*, session: ModerationSession, by: Actor | None) -> ModerationSession:
    """Close the session: no more ratings or outcomes; moderators see the agreed levels."""
    _check_open(session)
    session.status = SessionStatus.CLOSED
    session.save(update_fields=["status"])
    audit_write(actor=by, action=AuditAction.MODERATION_SESSION_CLOSE, target=session)
    return session


def _check_open(session: ModerationSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise ModerationRefused(gettext("%(title)s is closed") % {"title": session.title})


# --------------------------------------------------------------------------- standardisation


@transaction.atomic(durable=True)
def standardisation_record(
    *,
    session: ModerationSession,
    staff: Staff,
    levels: Mapping[Exemplar, ScaleLevel],
    by: Actor | None,
) -> list[StandardisationRating]:
    """Record a teacher's levels for the session's exemplars before they moderate: all or none."""
    _check_open(session)
    wanted = {e.pk for e in standardisation_exemplars(session.objective)}
    ratings = []
    for exemplar, level in levels.items():
        if exemplar.pk not in wanted:
            raise ModerationRefused(
                gettext("%(title)s is not one of this session's exemplars")
                % {"title": repr(exemplar.title)}
            )
        check_level(level, session.objective)
        rating, _ = StandardisationRating.objects.update_or_create(
            session=session,
            exemplar=exemplar,
            staff=staff,
            defaults={
                "school_id": session.school_id,
                "level": level,
                "recorded_at": timezone.now(),
            },
        )
        audit_write(actor=by, action=AuditAction.STANDARDISATION_RATING_RECORD, target=rating)
        ratings.append(rating)
    return ratings


@transaction.atomic(durable=True)
def exemplar_add(
    *,
    objective: Objective,
    title: str,
    level: ScaleLevel,
    by: Actor | None,
    text: str = "",
    file: UploadedFile[bytes] | None = None,
) -> Exemplar:
    """Add a piece of work at an agreed standard to the objective's exemplar bank."""
    if not title.strip():
        raise ModerationRefused(gettext("give the exemplar a title"))
    check_level(level, objective)
    if not text.strip() and file is None:
        raise ModerationRefused(gettext("add the exemplar's words or a photo or PDF of it"))
    exemplar = Exemplar(
        school_id=objective.school_id,
        objective=objective,
        title=title.strip(),
        text=text.strip(),
        level=level,
    )
    if file is not None:
        upload = checked_upload(file)
        if (
            not upload.content_type.startswith("image/")
            and upload.content_type != "application/pdf"
        ):
            raise ModerationRefused(
                gettext("%(name)s must be a photo or a PDF to show beside work")
                % {"name": upload.name}
            )
        exemplar.file = upload.file
    exemplar.save()
    audit_write(actor=by, action=AuditAction.EXEMPLAR_ADD, target=exemplar)
    return exemplar


def _user(by: Actor | None) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) else None
