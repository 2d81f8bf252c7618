"""API routes for targets: read them (staff, the pupil, parents for shared ones); set, change,
confirm and return them (a teacher of the class, as on the pages)."""

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nextsteps import access
from nextsteps.access import Action
from nextsteps.api import selectors
from nextsteps.api.pagination import Pages, Window
from nextsteps.api.routes import school_for
from nextsteps.api.schemas import (
    Id,
    TargetConfirmIn,
    TargetDetailOut,
    TargetEventOut,
    TargetForAudience,
    TargetIn,
    TargetOut,
    TargetReturnIn,
    TargetStatus,
    TargetUpdateIn,
)
from nextsteps.curriculum.models import Objective
from nextsteps.feedback import permissions as feedback_permissions
from nextsteps.feedback import services
from nextsteps.feedback.models import Target
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

router = Router()


def target_out(target: Target) -> TargetOut:
    return TargetOut(
        id=target.pk,
        pupil_id=target.pupil_id,
        class_id=target.teaching_class_id,
        objective_id=target.objective_id,
        objective_code=target.objective.code,
        wording=target.wording,
        status=target.status,
        due_on=target.due_on,
        set_with_pupil=target.set_with_pupil,
        shared_with_guardians=target.shared_with_guardians,
        set_at=target.set_at,
        updated_at=target.updated_at,
        judgement_id=target.judgement_id,
    )


class TargetFilter(Schema):
    pupil_id: Id | None = None
    class_id: Id | None = None
    objective_id: Id | None = None
    status: TargetStatus | None = None


@router.get("/schools/{urn}/targets", response=list[TargetOut], summary="Targets you may see")
@paginate(Pages)
def targets(request: HttpRequest, urn: Id, filters: Query[TargetFilter]) -> Window:
    school = school_for(request, urn)
    rows = selectors.targets_filtered(
        feedback_permissions.targets.scope(request.user, school, Action.VIEW),
        pupil_id=filters.pupil_id,
        class_id=filters.class_id,
        objective_id=filters.objective_id,
        status=filters.status,
    )
    return Window(rows, target_out)


def _detail(school: School, target: Target) -> TargetDetailOut:
    target = selectors.target_with_history(school, target)
    return TargetDetailOut(
        **dict(target_out(target)),
        history=[
            TargetEventOut(
                kind=event.kind,
                comment=event.comment,
                by=str(event.by) if event.by else None,
                at=event.at,
                has_file=bool(event.file),
            )
            for event in target.events.all()
        ],
    )


@router.get(
    "/schools/{urn}/targets/{target_id}",
    response=TargetForAudience,
    summary="A target and its history",
    description=(
        "Staff and the pupil receive `TargetDetailOut`, with the history; a parent receives "
        "`TargetOut`, as a parent's pages show a target without it."
    ),
)
def target_detail(request: HttpRequest, urn: Id, target_id: Id) -> TargetDetailOut | TargetOut:
    school = school_for(request, urn)
    target = feedback_permissions.targets.get(request.user, school, target_id)
    if access.audience(request.user, school) is access.Audience.GUARDIAN:
        return target_out(target)
    return _detail(school, target)


@router.post(
    "/schools/{urn}/targets",
    response={201: TargetDetailOut},
    summary="Set a target with a pupil in a class you teach",
)
def target_create(request: HttpRequest, urn: Id, payload: TargetIn) -> Status[TargetDetailOut]:
    school = school_for(request, urn)
    teaching_class = access.access_class(request.user, school, payload.class_id)
    if not feedback_permissions.sets_for_class(request.user, teaching_class):
        raise Http404("No such class")
    try:
        pupil = access.access_class_pupil(request.user, teaching_class, payload.pupil_id)
    except Http404:
        raise HttpError(
            422, f"pupil_id: {payload.pupil_id} is not a pupil in {teaching_class}"
        ) from None
    target = services.target_set(
        pupil=pupil,
        teaching_class=teaching_class,
        objective=_class_objective(teaching_class, payload.objective_id),
        wording=payload.wording,
        due_on=payload.due_on,
        set_with_pupil=payload.set_with_pupil,
        shared_with_guardians=payload.shared_with_guardians,
        by=request.user,
    )
    return Status(201, _detail(school, target))


def _class_objective(teaching_class: Class, objective_id: int) -> Objective:
    """An objective of a framework for one of the class's subjects, else 422 naming the field."""
    objective = selectors.class_objective(teaching_class, objective_id)
    if objective is None:
        raise HttpError(
            422,
            f"objective_id: {objective_id} is not an objective of a subject taught in "
            f"{teaching_class}",
        )
    return objective


@router.patch(
    "/schools/{urn}/targets/{target_id}",
    response=TargetDetailOut,
    summary="Change a target's wording, date or sharing (the fields sent)",
)
def target_change(
    request: HttpRequest, urn: Id, target_id: Id, payload: TargetUpdateIn
) -> TargetDetailOut:
    school = school_for(request, urn)
    target = feedback_permissions.targets.get(request.user, school, target_id, Action.DECIDE)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise HttpError(422, "send at least one field to change")
    for name in ("wording", "set_with_pupil", "shared_with_guardians"):
        if name in changes and changes[name] is None:
            raise HttpError(422, f"{name}: may not be null")
    target = services.target_update(target=target, changes=changes, by=request.user)
    return _detail(school, target)


@router.post(
    "/schools/{urn}/targets/{target_id}/confirm",
    response=TargetDetailOut,
    summary="Confirm a target as achieved, recording a judgement on its objective",
)
def target_confirm(
    request: HttpRequest, urn: Id, target_id: Id, payload: TargetConfirmIn
) -> TargetDetailOut:
    school = school_for(request, urn)
    target = feedback_permissions.targets.get(request.user, school, target_id, Action.DECIDE)
    level = selectors.objective_level(school, payload.level_id, target.objective_id)
    if level is None:
        raise HttpError(
            422, f"level_id: {payload.level_id} is not a level of the target's objective's scale"
        )
    target = services.target_confirm(target=target, level=level, note=payload.note, by=request.user)
    return _detail(school, target)


@router.post(
    "/schools/{urn}/targets/{target_id}/return",
    response=TargetDetailOut,
    summary="Return a claimed target to the pupil with what to do next",
)
def target_return(
    request: HttpRequest, urn: Id, target_id: Id, payload: TargetReturnIn
) -> TargetDetailOut:
    school = school_for(request, urn)
    target = feedback_permissions.targets.get(request.user, school, target_id, Action.DECIDE)
    target = services.target_return(target=target, comment=payload.comment, by=request.user)
    return _detail(school, target)
