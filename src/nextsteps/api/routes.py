"""API routes for people and curriculum: me, schools, classes, pupils, frameworks.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from nextsteps import access
from nextsteps.access import Action
from nextsteps.accounts.models import Role, signed_in_user
from nextsteps.api import selectors
from nextsteps.api.pagination import Pages, Window
from nextsteps.api.schemas import (
    AUDIENCES,
    ClassOut,
    FrameworkDetailOut,
    FrameworkOut,
    Id,
    LevelOut,
    MembershipOut,
    MeOut,
    ObjectiveOut,
    PupilFamilyOut,
    PupilForAudience,
    PupilOut,
    PupilRowOut,
    SchoolOut,
    Text,
)
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.curriculum.permissions import frameworks as frameworks_policy
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

router = Router()


def school_for(request: HttpRequest, urn: int) -> School:
    return access.access_school(request.user, urn)


@router.get("/me", response=MeOut, summary="Who you are and your roles")
def me(request: HttpRequest) -> MeOut:
    user = signed_in_user(request.user)
    return MeOut(
        username=user.username,
        name=str(user),
        memberships=[
            MembershipOut(
                school_urn=m.school.urn,
                school_name=m.school.name,
                role=m.role,
                role_label=str(Role(m.role).label),
            )
            for m in access.own_memberships(user)
        ],
    )


def _school_out(school: School) -> SchoolOut:
    return SchoolOut(
        urn=school.urn,
        name=school.name,
        phase=school.phase,
        trust=school.trust.name if school.trust else None,
    )


@router.get("/schools", response=list[SchoolOut], summary="Schools you work in")
@paginate(Pages)
def schools(request: HttpRequest) -> list[SchoolOut]:
    return [_school_out(school) for school in access.schools_for(request.user)]


@router.get("/schools/{urn}", response=SchoolOut, summary="One school")
def school_detail(request: HttpRequest, urn: Id) -> SchoolOut:
    school = school_for(request, urn)
    return _school_out(selectors.school_with_trust(school))


class ClassFilter(Schema):
    year_group: int | None = None
    kind: str | None = None
    q: Text | None = None


def _class_out(teaching_class: Class) -> ClassOut:
    return ClassOut(
        id=teaching_class.pk,
        name=teaching_class.name,
        kind=teaching_class.kind,
        year_group=teaching_class.year_group,
        academic_year=teaching_class.academic_year.name,
        subjects=[s.name for s in teaching_class.subjects.all()],
    )


def _classes(request: HttpRequest, urn: int) -> Any:
    # A QuerySet[Class]; a route module imports nothing from django.db (the house rules).
    school = school_for(request, urn)
    access.require_staff(request.user, school)
    return selectors.classes_listed(access.classes_for(request.user, school))


@router.get("/schools/{urn}/classes", response=list[ClassOut], summary="Classes you may see")
@paginate(Pages)
def classes(request: HttpRequest, urn: Id, filters: Query[ClassFilter]) -> list[ClassOut]:
    rows = selectors.classes_filtered(
        _classes(request, urn), year_group=filters.year_group, kind=filters.kind, q=filters.q
    )
    return [_class_out(c) for c in rows]


@router.get("/schools/{urn}/classes/{class_id}", response=ClassOut, summary="One class")
def class_detail(request: HttpRequest, urn: Id, class_id: Id) -> ClassOut:
    school = school_for(request, urn)
    teaching_class = access.access_class(request.user, school, class_id)
    return _class_out(_classes(request, urn).get(pk=teaching_class.pk))


class PupilFilter(Schema):
    year_group: int | None = None
    class_id: Id | None = None
    upn: Text | None = None
    q: Text | None = None
    on_roll: bool | None = None


def pupil_out(pupil: Pupil, audience: access.Audience) -> PupilOut | PupilFamilyOut:
    """A pupil as the pages show them to this audience (see `access.audience`)."""
    if audience is access.Audience.STAFF:
        return PupilOut.model_validate(pupil)
    return PupilFamilyOut.model_validate(pupil)


@router.get(
    "/schools/{urn}/pupils",
    response=list[PupilRowOut],
    summary="Pupils you may see",
    description=AUDIENCES.format(staff="PupilOut", family="PupilFamilyOut"),
)
@paginate(Pages)
def pupils(request: HttpRequest, urn: Id, filters: Query[PupilFilter]) -> Window:
    school = school_for(request, urn)
    audience = access.audience(request.user, school)
    teaching_class = (
        None
        if filters.class_id is None
        else access.access_class(request.user, school, filters.class_id)
    )
    rows = selectors.pupils_filtered(
        access.pupils_for(request.user, school),
        year_group=filters.year_group,
        teaching_class=teaching_class,
        upn=filters.upn,
        q=filters.q,
        on_roll=filters.on_roll,
    )
    return Window(rows, lambda pupil: pupil_out(pupil, audience))


@router.get(
    "/schools/{urn}/pupils/{pupil_id}",
    response=PupilForAudience,
    summary="One pupil",
    description=AUDIENCES.format(staff="PupilOut", family="PupilFamilyOut"),
)
def pupil_detail(request: HttpRequest, urn: Id, pupil_id: Id) -> PupilOut | PupilFamilyOut:
    school = school_for(request, urn)
    pupil = access.access_pupil(request.user, school, pupil_id)
    return pupil_out(pupil, access.audience(request.user, school))


def _frameworks(request: HttpRequest, urn: int, subject: str | None = None) -> Any:
    # A QuerySet[Framework]; a route module imports nothing from django.db (the house rules).
    school = school_for(request, urn)
    access.require_staff(request.user, school)
    return selectors.frameworks_listed(
        frameworks_policy.scope(request.user, school, Action.VIEW), subject
    )


def _framework_out(framework: Framework) -> FrameworkOut:
    return FrameworkOut(
        id=framework.pk,
        name=framework.name,
        version=framework.version,
        subject=framework.subject.name,
        calculation_method=framework.calculation_method,
        scale=framework.scale.name,
        levels=[
            LevelOut(id=lv.pk, label=lv.label, value=lv.value, position=lv.position)
            for lv in framework.scale.levels.all()
        ],
        objective_count=framework.objective_count,  # type: ignore[attr-defined]
    )


def objective_out(objective: Objective) -> ObjectiveOut:
    return ObjectiveOut(
        id=objective.pk,
        code=objective.code,
        wording=objective.wording,
        pupil_wording=objective.pupil_wording,
        strand=objective.strand.name,
        year_group=objective.year_group,
        core=objective.core,
        dimension=objective.dimension,
        success_criteria=[c.wording for c in objective.success_criteria.all()],
    )


@router.get("/schools/{urn}/frameworks", response=list[FrameworkOut], summary="Frameworks")
@paginate(Pages)
def frameworks(request: HttpRequest, urn: Id, subject: Text | None = None) -> list[FrameworkOut]:
    return [_framework_out(f) for f in _frameworks(request, urn, subject)]


class ObjectiveFilter(Schema):
    year_group: int | None = None
    core: bool | None = None


@router.get(
    "/schools/{urn}/frameworks/{framework_id}",
    response=FrameworkDetailOut,
    summary="A framework with its objectives",
)
def framework_detail(
    request: HttpRequest, urn: Id, framework_id: Id, filters: Query[ObjectiveFilter]
) -> FrameworkDetailOut:
    framework = selectors.framework_with_objectives(
        _frameworks(request, urn), framework_id, year_group=filters.year_group, core=filters.core
    )
    return FrameworkDetailOut(
        **dict(_framework_out(framework)),
        objectives=[objective_out(o) for o in framework.objectives.all()],
    )
