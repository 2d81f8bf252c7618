"""Policy becomes configuration: an agreed answer's structured part changes the product.

Progress sets the scale and calculation method of the department's frameworks (and brings
standings up to date); data collection sets its assessment points, in the policy and in the
markbook's calendar; marking sets its marking expectations. Called inside the transaction
that agrees the answer, so a refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Framework, Scale
from nextsteps.markbook.kernels.mastery import PARAMETER_RANGES
from nextsteps.policy.errors import PolicyError
from nextsteps.policy.models import CollectionPoint, MarkingExpectation, Response, Structure
from nextsteps.schools.models import Department


def configuration_apply(*, response: Response, by: Actor | None) -> list[str]:
    """Make an agreed answer's structured part the department's configuration.

    Progress sets the scale and calculation method of the department's frameworks;
    data collection sets its assessment points (and the markbook's, where it has them);
    marking sets its marking expectations. Returns what changed, in words.
    """
    version = response.agreed_version
    if version is None:
        return []
    structure = response.question.structure
    department = response.department
    if structure == Structure.PROGRESS:
        return _apply_progress(department, version.structured, by)
    if structure == Structure.COLLECTION:
        return _apply_collection(department, version.structured, by)
    if structure == Structure.MARKING:
        return _apply_marking(department, version.structured, by)
    return []


def _apply_progress(department: Department, data: dict[str, Any], by: Actor | None) -> list[str]:
    scale = Scale.objects.filter(
        school_id=department.school_id, kind=Scale.Kind.TEACHER, name=data["scale"]
    ).first()
    if scale is None:
        raise PolicyError(_("The scale “%(s)s” no longer exists.") % {"s": data["scale"]})
    method = data["method"]
    parameter = data["parameter"] if method in PARAMETER_RANGES else None
    changed = []
    for framework in Framework.objects.filter(
        school_id=department.school_id, subject__department=department
    ):
        if framework.scale_id != scale.pk and _has_evidence(framework):
            raise PolicyError(
                _(
                    "%(f)s already has judgements recorded on its scale, %(old)s; "
                    "start a new version of the framework to change its scale."
                )
                % {"f": framework.name, "old": framework.scale.name}
            )
        before = {
            "scale": framework.scale_id,
            "calculation_method": framework.calculation_method,
            "calculation_parameter": framework.calculation_parameter,
        }
        framework.scale = scale
        framework.calculation_method = method
        framework.calculation_parameter = parameter
        framework.save(update_fields=["scale", "calculation_method", "calculation_parameter"])
        if before["calculation_method"] != method or before["calculation_parameter"] != parameter:
            _standings_refresh(framework)
        audit_write(
            actor=by, action=AuditAction.POLICY_CONFIGURE_FRAMEWORK, target=framework, before=before
        )
        changed.append(framework.name)
    return changed


def _has_evidence(framework: Framework) -> bool:
    from nextsteps.markbook.models import Judgement

    return Judgement.objects.filter(objective__framework=framework).exists()


def _standings_refresh(framework: Framework) -> None:
    """Work out the framework's standings again under its new calculation method."""
    from nextsteps.markbook.models import STANDING_SOURCES, Judgement
    from nextsteps.markbook.services import standings_refresh

    cells = set(
        Judgement.objects.filter(objective__framework=framework, source__in=STANDING_SOURCES)
        .values_list("pupil_id", "objective_id")
        .distinct()
    )
    standings_refresh(cells)


def _apply_collection(department: Department, data: dict[str, Any], by: Actor | None) -> list[str]:
    points = [(p["name"], dt.date.fromisoformat(p["date"])) for p in data["points"]]
    names = {name for name, _date in points}
    CollectionPoint.objects.filter(department=department).exclude(name__in=names).delete()
    for name, date in points:
        CollectionPoint.objects.update_or_create(
            department=department,
            name=name,
            defaults={"school_id": department.school_id, "date": date},
        )
    _markbook_points(department, points, by)
    audit_write(
        actor=by,
        action=AuditAction.POLICY_CONFIGURE_ASSESSMENT_POINTS,
        target=department,
        after={"points": data["points"]},
    )
    return [name for name, _date in points]


def _markbook_points(
    department: Department, points: list[tuple[str, dt.date]], by: Actor | None
) -> None:
    """Put the points in the markbook's calendar; locked points are history and stay."""
    from nextsteps.markbook.models import AssessmentPoint
    from nextsteps.markbook.services import assessment_point_create

    names = [name for name, _date in points]
    AssessmentPoint.objects.filter(department=department, locked_at__isnull=True).exclude(
        name__in=names
    ).delete()
    for name, date in points:
        point = AssessmentPoint.objects.filter(department=department, name=name).first()
        if point is None:
            assessment_point_create(
                school_id=department.school_id,
                name=name,
                date=date,
                by=by,
                department_id=department.pk,
            )
        elif point.locked_at is None and point.date != date:
            point.date = date
            point.save(update_fields=["date"])


def _apply_marking(department: Department, data: dict[str, Any], by: Actor | None) -> list[str]:
    MarkingExpectation.objects.filter(department=department).delete()
    MarkingExpectation.objects.bulk_create(
        MarkingExpectation(
            school_id=department.school_id,
            department=department,
            position=position,
            kind=activity["kind"],
            times=activity["times"],
            period=activity["period"],
            minutes_per_pupil=Decimal(activity["minutes_per_pupil"]),
            classes=activity["classes"],
        )
        for position, activity in enumerate(data["activities"], start=1)
    )
    audit_write(
        actor=by,
        action=AuditAction.POLICY_CONFIGURE_MARKING,
        target=department,
        after={"activities": data["activities"]},
    )
    return [activity["kind"] for activity in data["activities"]]
