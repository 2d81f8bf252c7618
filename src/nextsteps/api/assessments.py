"""API routes for tests: list them, read a test with its questions, read and write its marks.

Staff see the tests their classes sit (whole-school staff every test); marks are read for the
pupils of the classes they see and written, all or none, for the pupils they may mark.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.models import Actor
from nextsteps.api import selectors as api_selectors
from nextsteps.api.pagination import Pages, Window
from nextsteps.api.routes import school_for
from nextsteps.api.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    ClassBriefOut,
    Id,
    MarkBatchIn,
    MarkBatchOut,
    PupilMarksOut,
    QuestionOut,
    Text,
)
from nextsteps.api.services import idempotent_write
from nextsteps.assessments import permissions, selectors
from nextsteps.assessments.models import Assessment, Question
from nextsteps.assessments.services import MarkChange, marks_save
from nextsteps.audit.actions import AuditAction
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School

router = Router()


class AssessmentFilter(Schema):
    class_id: Id | None = None
    subject: Text | None = None
    year_group: int | None = None
    taken_from: dt.date | None = None
    taken_to: dt.date | None = None


def _assessments(user: Actor, school: School) -> Any:
    # A QuerySet[Assessment]; a route module imports nothing from django.db (the house rules).
    access.require_staff(user, school)
    return selectors.assessments_listed(permissions.assessments.scope(user, school, Action.VIEW))


def assessment_out(assessment: Assessment) -> AssessmentOut:
    return AssessmentOut(
        id=assessment.pk,
        name=assessment.name,
        kind=assessment.kind,
        subject=assessment.subject.name if assessment.subject else None,
        year_group=assessment.year_group,
        taken_on=assessment.taken_on,
        score_table=str(assessment.score_table) if assessment.score_table else None,
        classes=[
            ClassBriefOut(id=link.teaching_class.pk, name=link.teaching_class.name)
            for link in assessment.class_links.all()
        ],
        question_count=assessment.question_count,  # type: ignore[attr-defined]
        max_marks=assessment.max_marks or 0,  # type: ignore[attr-defined]
    )


@router.get("/schools/{urn}/assessments", response=list[AssessmentOut], summary="Tests you may see")
@paginate(Pages)
def assessments(request: HttpRequest, urn: Id, filters: Query[AssessmentFilter]) -> Window:
    school = school_for(request, urn)
    rows = selectors.assessments_filtered(
        _assessments(request.user, school),
        class_id=filters.class_id,
        subject=filters.subject,
        year_group=filters.year_group,
        taken_from=filters.taken_from,
        taken_to=filters.taken_to,
    )
    return Window(rows, assessment_out)


@router.get(
    "/schools/{urn}/assessments/{assessment_id}",
    response=AssessmentDetailOut,
    summary="A test with its questions and the objectives each assesses",
)
def assessment_detail(request: HttpRequest, urn: Id, assessment_id: Id) -> AssessmentDetailOut:
    school = school_for(request, urn)
    found = permissions.assessments.get(request.user, school, assessment_id, Action.VIEW)
    assessment = selectors.assessment_with_questions(_assessments(request.user, school), found.pk)
    return AssessmentDetailOut(
        **dict(assessment_out(assessment)),
        questions=[
            QuestionOut(
                id=q.pk,
                position=q.position,
                label=q.label,
                max_marks=q.max_marks,
                objective_ids=[link.objective_id for link in q.objective_links.all()],
            )
            for q in assessment.questions.all()
        ],
    )


class MarksFilter(Schema):
    class_id: Id | None = None
    pupil_id: Id | None = None


def _visible_cohort(user: Actor, assessment: Assessment) -> list[Pupil]:
    """The pupils sitting the test in the classes this person sees, in register order."""
    visible = api_selectors.class_ids(access.classes_for(user, assessment.school))
    classes = [c for c in selectors.assessment_classes(assessment) if c.pk in visible]
    return selectors.cohort(assessment, classes)


def pupil_marks(
    assessment: Assessment, pupils: Sequence[Pupil], questions: Sequence[Question]
) -> list[dict[str, Any]]:
    """Each pupil's marks on the test, question by question, with their total (one query)."""
    marks = selectors.marks_of(assessment, [p.pk for p in pupils])
    rows = []
    for pupil in pupils:
        given = [(q, marks[(pupil.pk, q.pk)]) for q in questions if (pupil.pk, q.pk) in marks]
        rows.append(
            {
                "pupil_id": pupil.pk,
                "upn": pupil.upn,
                "forename": pupil.forename,
                "surname": pupil.surname,
                "class_id": pupil.teaching_class.pk,  # type: ignore[attr-defined]
                "marks": [{"question_id": q.pk, "label": q.label, "marks": m} for q, m in given],
                "total": sum(m for _, m in given),
                "marked": len(given),
                "complete": len(given) == len(questions),
            }
        )
    return rows


class _Marks:
    """A cohort that pagination slices; marks are loaded for the page's pupils only."""

    def __init__(self, assessment: Assessment, pupils: list[Pupil]) -> None:
        self.assessment, self.pupils = assessment, pupils
        self.questions = selectors.question_list(assessment)

    def __len__(self) -> int:
        return len(self.pupils)

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return pupil_marks(self.assessment, self.pupils[window], self.questions)


@router.get(
    "/schools/{urn}/assessments/{assessment_id}/marks",
    response=list[PupilMarksOut],
    summary="Each pupil's marks on a test, in the classes you see",
)
@paginate(Pages)
def marks(request: HttpRequest, urn: Id, assessment_id: Id, filters: Query[MarksFilter]) -> _Marks:
    school = school_for(request, urn)
    assessment = permissions.assessments.get(request.user, school, assessment_id, Action.VIEW)
    assessment.school = school
    pupils = _visible_cohort(request.user, assessment)
    if filters.class_id is not None:
        pupils = [p for p in pupils if p.teaching_class.pk == filters.class_id]  # type: ignore[attr-defined]
    if filters.pupil_id is not None:
        pupils = [p for p in pupils if p.pk == filters.pupil_id]
    return _Marks(assessment, pupils)


@router.post(
    "/schools/{urn}/assessments/{assessment_id}/marks",
    response=MarkBatchOut,
    summary="Write up to 1,000 marks on a test, all or none (null clears a mark)",
)
def marks_write(
    request: HttpRequest, urn: Id, assessment_id: Id, payload: MarkBatchIn
) -> MarkBatchOut:
    school = school_for(request, urn)
    assessment = permissions.assessments.get(request.user, school, assessment_id, Action.CHANGE)
    assessment.school = school
    pupils = {p.pk: p for p in permissions.recordable_cohort(request.user, assessment)}
    questions = {q.pk: q for q in selectors.question_list(assessment)}
    changes = _checked_changes(assessment, payload, pupils, questions)

    def write() -> dict[str, Any]:
        changed = marks_save(
            assessment=assessment, changes=changes, by=request.user, action=AuditAction.MARKS_API
        )
        wanted = {change.pupil_id for change in changes}
        touched = [pupil for pupil in pupils.values() if pupil.pk in wanted]
        return {
            "changed": changed,
            "unchanged": len(changes) - changed,
            "replayed": False,
            "pupils": pupil_marks(assessment, touched, list(questions.values())),
        }

    # The key reused for different marks raises IdempotencyConflict: 409 (see api.api).
    answer, replayed = idempotent_write(
        user=request.user,
        key=payload.idempotency_key,
        operation=f"assessment:{assessment.pk}:marks",
        payload=payload.dict(),
        write=write,
    )
    return MarkBatchOut.model_validate({**answer, "replayed": replayed})


def _checked_changes(
    assessment: Assessment,
    payload: MarkBatchIn,
    pupils: dict[int, Pupil],
    questions: dict[int, Question],
) -> list[MarkChange]:
    """Every entry checked against the test and the pupils this person may mark; 422 naming
    each bad entry's field when any is wrong."""
    problems: list[str] = []
    changes: list[MarkChange] = []
    first: dict[tuple[int, int], int] = {}
    for index, item in enumerate(payload.marks):
        where = f"marks[{index}]"
        question = questions.get(item.question_id)
        if item.pupil_id not in pupils:
            problems.append(
                f"{where}.pupil_id: {item.pupil_id} is not a pupil sitting {assessment} "
                "whose marks you may enter"
            )
        if question is None:
            problems.append(f"{where}.question_id: {item.question_id} is not a question here")
        elif item.marks is not None and item.marks > question.max_marks:
            problems.append(
                f"{where}.marks: {item.marks} is more than the {question.max_marks} marks "
                f"question {question.label} is worth"
            )
        key = (item.pupil_id, item.question_id)
        if key in first:
            problems.append(f"{where}: the same pupil and question as marks[{first[key]}]")
        first.setdefault(key, index)
        if not problems and question is not None:
            changes.append(MarkChange(pupil_id=item.pupil_id, question=question, marks=item.marks))
    if problems:
        raise HttpError(422, "; ".join(problems[:50]))
    return changes
