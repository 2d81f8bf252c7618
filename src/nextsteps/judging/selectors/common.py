"""Reads shared by the judging pages: the home page, the exemplar bank, staff and files."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.judging.models import CJSession, ModerationItem, ModerationSession, Script
from nextsteps.markbook.models import Attachment
from nextsteps.people.models import Staff
from nextsteps.schools.models import Department, School, Subject


def organiser_objectives(school: School, department_ids: set[int] | None) -> QuerySet[Objective]:
    """Objectives a session may be set up on: the school's (None), else those of the
    subjects of these departments."""
    objectives = Objective.objects.filter(school=school).select_related("framework__subject")
    if department_ids is not None:
        objectives = objectives.filter(framework__subject__department_id__in=department_ids)
    return objectives.order_by(
        "framework__subject__name", "framework__name", "year_group", "position"
    )


def organiser_departments(school: School, department_ids: set[int] | None) -> Any:
    """The school's departments (None), else these of them."""
    departments = Department.objects.filter(school=school)
    if department_ids is None:
        return departments
    return departments.filter(pk__in=department_ids)


def school_staff(school: School, ids: list[int] | None = None) -> QuerySet[Staff]:
    """The school's staff (to invite as moderators or judges), or those of them with these ids."""
    staff = Staff.objects.filter(school=school)
    return staff if ids is None else staff.filter(pk__in=ids)


def my_session_ids(staff: Staff | None) -> tuple[set[int], set[int]]:
    """The moderation and comparative judgement sessions this member of staff is invited to."""
    if staff is None:
        return set(), set()
    moderating = set(
        ModerationSession.objects.filter(moderators__staff=staff).values_list("pk", flat=True)
    )
    judging = set(CJSession.objects.filter(judges__staff=staff).values_list("pk", flat=True))
    return moderating, judging


def exemplar_subjects(school: School) -> list[Subject]:
    """Subjects with frameworks (whose objectives the exemplar bank may hold)."""
    return list(Subject.objects.filter(school=school, frameworks__isnull=False).distinct())


def exemplar_objectives(school: School, subject_id: int | None) -> QuerySet[Objective]:
    """Every objective of one subject, or (None) the objectives that have exemplars."""
    objectives = Objective.objects.filter(school=school)
    if subject_id is not None:
        return objectives.filter(framework__subject_id=subject_id)
    return objectives.filter(pk__in=Exemplar.objects.values("objective_id"))


def exemplar_objective(school: School, objective_id: int) -> Objective | None:
    return (
        Objective.objects.filter(school=school, pk=objective_id)
        .select_related("framework__subject", "strand")
        .first()
    )


def scale_levels(scale_id: int) -> QuerySet[ScaleLevel]:
    return ScaleLevel.objects.filter(scale_id=scale_id)


# --------------------------------------------------------------------------- files


def session_script(sessions: QuerySet[CJSession], script_id: int) -> Script | None:
    """A script of one of these sessions."""
    return Script.objects.filter(pk=script_id, session__in=sessions).first()


def session_sample(sessions: QuerySet[ModerationSession], item_id: int) -> ModerationItem | None:
    """A sampled piece of work of one of these sessions."""
    return ModerationItem.objects.filter(pk=item_id, session__in=sessions).first()


def school_exemplar(school: School, exemplar_id: int) -> Exemplar | None:
    return Exemplar.objects.filter(pk=exemplar_id, school=school).first()


def evidence_file(
    school: School,
    attachment_id: int,
    moderation: QuerySet[ModerationSession],
    comparative: QuerySet[CJSession],
) -> Attachment | None:
    """A photo behind a judgement, when one of these moderation sessions samples the pupil's
    work on its objective or one of these comparative judgement sessions holds it as a
    script; else None."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, school=school)
        .select_related("judgement")
        .first()
    )
    if attachment is None:
        return None
    judgement = attachment.judgement
    sampled = ModerationItem.objects.filter(
        session__in=moderation,
        pupil_id=judgement.pupil_id,
        session__objective_id=judgement.objective_id,
    ).exists()
    scripted = Script.objects.filter(attachment=attachment, session__in=comparative).exists()
    return attachment if sampled or scripted else None
