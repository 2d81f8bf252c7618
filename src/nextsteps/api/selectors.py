"""Reads of API tokens: a caller's token by its secret, a person's tokens for their page."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_digest
from nextsteps.curriculum.models import Framework, Objective, ScaleLevel
from nextsteps.feedback.models import Target, TargetEvent
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class


def tokens_of(user: Actor) -> list[ApiToken]:
    """The person's own tokens, live and revoked."""
    return list(ApiToken.objects.filter(user=signed_in_user(user)))


def live_token(secret: str) -> ApiToken | None:
    """The token with this secret, with its person, unless it was revoked (one query)."""
    return (
        ApiToken.objects.filter(digest=token_digest(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


# The reads behind the API's routes: each narrows a scope the route's policy gave, or loads a
# row with what its JSON shows, so that the route modules hold no query.


def school_with_trust(school: School) -> School:
    """The school with its trust (one query)."""
    return School.objects.select_related("trust").get(pk=school.pk)


def classes_listed(rows: QuerySet[Class]) -> QuerySet[Class]:
    """Classes in the API's order, with their year and subjects."""
    return (
        rows.select_related("academic_year")
        .prefetch_related("subjects")
        .order_by("year_group", "name", "pk")
    )


def classes_filtered(
    rows: QuerySet[Class], *, year_group: int | None, kind: str | None, q: str | None
) -> QuerySet[Class]:
    if year_group is not None:
        rows = rows.filter(year_group=year_group)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(name__icontains=q)
    return rows


def pupils_filtered(
    rows: QuerySet[Pupil],
    *,
    year_group: int | None,
    teaching_class: Class | None,
    upn: str | None,
    q: str | None,
    on_roll: bool | None,
) -> QuerySet[Pupil]:
    """Pupils narrowed by the list's filters, in name order, each once."""
    if year_group is not None:
        rows = rows.filter(year_group=year_group)
    if teaching_class is not None:
        rows = rows.filter(
            enrolments__teaching_class=teaching_class, enrolments__ends_on__isnull=True
        )
    if upn:
        rows = rows.filter(upn=upn.upper())
    if q:
        words = Q()
        for word in q.split()[:4]:
            words &= (
                Q(legal_forename__icontains=word)
                | Q(legal_surname__icontains=word)
                | Q(preferred_forename__icontains=word)
            )
        rows = rows.filter(words)
    if on_roll is not None:
        rows = rows.filter(leaving_date__isnull=on_roll)
    return rows.distinct().order_by("legal_surname", "legal_forename", "pk")


def frameworks_listed(rows: QuerySet[Framework], subject: str | None = None) -> QuerySet[Framework]:
    """Frameworks with their levels and objective counts, in subject order."""
    rows = (
        rows.prefetch_related("scale__levels")
        .annotate(objective_count=Count("objectives"))
        .order_by("subject__name", "name", "pk")
    )
    if subject:
        rows = rows.filter(subject__name__iexact=subject)
    return rows


def framework_with_objectives(
    rows: QuerySet[Framework], framework_id: int, *, year_group: int | None, core: bool | None
) -> Framework:
    """One framework of the rows with its objectives (narrowed by year and core), else 404."""
    objectives = Objective.objects.select_related("strand").prefetch_related("success_criteria")
    if year_group is not None:
        objectives = objectives.filter(year_group=year_group)
    if core is not None:
        objectives = objectives.filter(core=core)
    return get_object_or_404(
        rows.prefetch_related(Prefetch("objectives", queryset=objectives.order_by("position"))),
        pk=framework_id,
    )


def targets_filtered(
    rows: QuerySet[Target],
    *,
    pupil_id: int | None,
    class_id: int | None,
    objective_id: int | None,
    status: str | None,
) -> QuerySet[Target]:
    """Targets narrowed by the list's filters, with their objectives, in date order."""
    if pupil_id is not None:
        rows = rows.filter(pupil_id=pupil_id)
    if class_id is not None:
        rows = rows.filter(teaching_class_id=class_id)
    if objective_id is not None:
        rows = rows.filter(objective_id=objective_id)
    if status is not None:
        rows = rows.filter(status=status)
    return rows.select_related("objective").order_by("due_on", "set_at", "pk")


def target_with_history(school: School, target: Target) -> Target:
    """The target with its objective and its events (with who), oldest first."""
    events = TargetEvent.objects.select_related("by").order_by("at", "pk")
    return (
        Target.objects.select_related("objective")
        .prefetch_related(Prefetch("events", queryset=events))
        .get(pk=target.pk, school=school)
    )


def class_objective(teaching_class: Class, objective_id: int) -> Objective | None:
    """The objective, if it is of a framework for one of the class's subjects."""
    return Objective.objects.filter(
        school_id=teaching_class.school_id,
        pk=objective_id,
        framework__subject__in=teaching_class.subjects.values("pk"),
    ).first()


def objective_level(school: School, level_id: int, objective_id: int) -> ScaleLevel | None:
    """The level, if it is on the scale of the objective's framework."""
    return ScaleLevel.objects.filter(
        school=school, pk=level_id, scale__frameworks__objectives=objective_id
    ).first()


def objectives_by_pk(school: School, pks: set[int]) -> dict[int, Objective]:
    """The school's objectives of these keys, with their frameworks."""
    return {
        o.pk: o
        for o in Objective.objects.filter(school=school, pk__in=pks).select_related("framework")
    }


def levels_by_pk(school: School, pks: set[int]) -> dict[int, ScaleLevel]:
    """The school's scale levels of these keys."""
    return {lv.pk: lv for lv in ScaleLevel.objects.filter(school=school, pk__in=pks)}


def framework_with_scale(school: School, framework_id: int) -> Framework:
    """The school's framework with its scale, else 404."""
    return get_object_or_404(
        Framework.objects.select_related("scale"), school=school, pk=framework_id
    )


def markbook_objectives(framework: Framework, year_group: int | None) -> list[Objective]:
    """The framework's objectives (of the year group, if given) with strands and criteria."""
    rows = Objective.objects.filter(framework=framework)
    if year_group is not None:
        rows = rows.filter(year_group=year_group)
    return list(
        rows.select_related("strand").prefetch_related("success_criteria").order_by("position")
    )


def class_ids(rows: QuerySet[Class]) -> set[int]:
    """The keys of these classes (one query)."""
    return set(rows.values_list("pk", flat=True))
