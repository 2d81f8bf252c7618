"""Writes for planning: units, lessons, intentions by group, and the next-steps planner's
one action that creates focus groups and the next lesson's intentions together."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Objective, SuccessCriterion
from nextsteps.policy.errors import PolicyError
from nextsteps.policy.models import CollectionPoint, Lesson, LessonIntention, Unit
from nextsteps.policy.planning_selectors import class_objectives, planner_view
from nextsteps.teaching.models import Class, GroupMembership, PupilGroup

MAX_GROUP_SIZE = 15


def _check_point(teaching_class: Class, point: CollectionPoint | None) -> None:
    if point is None:
        return
    if not teaching_class.subjects.filter(department_id=point.department_id).exists():
        raise PolicyError(
            _("“%(p)s” is not an assessment point of a department that teaches this class.")
            % {"p": point.name}
        )


def _unit_fields(title: str, starts_on: dt.date, ends_on: dt.date) -> str:
    title = " ".join(title.split())
    if not title:
        raise PolicyError(_("The unit needs a title."))
    if ends_on < starts_on:
        raise PolicyError(
            _("The unit ends (%(end)s) before it starts (%(start)s).")
            % {"end": date_format(ends_on), "start": date_format(starts_on)}
        )
    return title


@transaction.atomic
def unit_create(
    *,
    teaching_class: Class,
    by: Actor | None,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    summary: str = "",
    assessment_point: CollectionPoint | None = None,
) -> Unit:
    title = _unit_fields(title, starts_on, ends_on)
    _check_point(teaching_class, assessment_point)
    unit = Unit.objects.create(
        school_id=teaching_class.school_id,
        teaching_class=teaching_class,
        title=title,
        summary=summary.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        assessment_point=assessment_point,
    )
    audit_write(actor=by, action=AuditAction.PLANNING_UNIT_CREATE, target=unit)
    return unit


@transaction.atomic(durable=True)
def unit_update(
    *,
    unit: Unit,
    by: Actor | None,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    summary: str,
    assessment_point: CollectionPoint | None,
) -> Unit:
    unit.title = _unit_fields(title, starts_on, ends_on)
    _check_point(unit.teaching_class, assessment_point)
    outside = unit.lessons.exclude(taught_on__range=(starts_on, ends_on)).first()
    if outside is not None:
        raise PolicyError(
            _("The lesson “%(l)s” on %(d)s would fall outside the unit's dates.")
            % {"l": outside.title, "d": date_format(outside.taught_on)}
        )
    unit.starts_on, unit.ends_on, unit.summary = starts_on, ends_on, summary.strip()
    unit.assessment_point = assessment_point
    unit.save()
    audit_write(actor=by, action=AuditAction.PLANNING_UNIT_UPDATE, target=unit)
    return unit


# A savepoint: next_steps_create holds the transaction when it plans a lesson.
@transaction.atomic
def lesson_create(*, unit: Unit, by: Actor | None, title: str, taught_on: dt.date) -> Lesson:
    title = " ".join(title.split())
    if not title:
        raise PolicyError(_("The lesson needs a title."))
    if not unit.starts_on <= taught_on <= unit.ends_on:
        raise PolicyError(
            _("The lesson's date, %(d)s, is outside the unit (%(s)s to %(e)s).")
            % {
                "d": date_format(taught_on),
                "s": date_format(unit.starts_on),
                "e": date_format(unit.ends_on),
            }
        )
    lesson = Lesson.objects.create(
        school_id=unit.school_id, unit=unit, title=title, taught_on=taught_on
    )
    audit_write(actor=by, action=AuditAction.PLANNING_LESSON_CREATE, target=lesson)
    return lesson


@transaction.atomic(durable=True)
def intention_add(
    *,
    lesson: Lesson,
    by: Actor | None,
    objective: Objective,
    group: PupilGroup | None = None,
    criteria: Iterable[SuccessCriterion] = (),
    note: str = "",
) -> LessonIntention:
    """Plan a learning intention for the whole class or one group, with the steps it works on."""
    teaching_class = lesson.unit.teaching_class
    if objective.pk not in {o.pk for o in class_objectives(teaching_class)}:
        raise PolicyError(
            _("%(code)s is not one of this class's learning intentions.") % {"code": objective.code}
        )
    if group is not None and group.teaching_class_id != teaching_class.pk:
        raise PolicyError(_("The group “%(g)s” is in another class.") % {"g": group.name})
    criteria = list(criteria)
    if any(c.objective_id != objective.pk for c in criteria):
        raise PolicyError(_("Choose steps that belong to %(code)s.") % {"code": objective.code})
    if LessonIntention.objects.filter(lesson=lesson, objective=objective, group=group).exists():
        raise PolicyError(
            _("%(code)s is already planned for %(who)s in this lesson.")
            % {"code": objective.code, "who": group.name if group else _("the whole class")}
        )
    intention = LessonIntention.objects.create(
        school_id=lesson.school_id,
        lesson=lesson,
        objective=objective,
        group=group,
        note=note.strip()[:300],
    )
    intention.success_criteria.set(criteria)
    audit_write(actor=by, action=AuditAction.PLANNING_INTENTION_ADD, target=intention)
    return intention


@transaction.atomic(durable=True)
def intention_steps_set(
    *, intention: LessonIntention, by: Actor | None, criteria: Iterable[SuccessCriterion]
) -> LessonIntention:
    """Choose which of the objective's steps this intention works on (none means all)."""
    criteria = list(criteria)
    if any(c.objective_id != intention.objective_id for c in criteria):
        raise PolicyError(
            _("Choose steps that belong to %(code)s.") % {"code": intention.objective.code}
        )
    intention.success_criteria.set(criteria)
    audit_write(
        actor=by,
        action=AuditAction.PLANNING_INTENTION_STEPS,
        target=intention,
        after={"success_criteria": [c.pk for c in criteria]},
    )
    return intention


@transaction.atomic(durable=True)
def intention_remove(*, intention: LessonIntention, by: Actor | None) -> None:
    audit_write(actor=by, action=AuditAction.PLANNING_INTENTION_DELETE, target=intention)
    intention.delete()


# ---------------------------------------------------------------------------- next steps


@dataclass
class NextSteps:
    lesson: Lesson
    groups: list[PupilGroup]


def _group_name(teaching_class: Class, on: dt.date, index: int, taken: set[str]) -> str:
    letter = string.ascii_uppercase[index % 26]
    base = _("Next steps %(date)s %(letter)s") % {"date": on.strftime("%d %b"), "letter": letter}
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} ({n})"
    taken.add(name)
    return name


def _unit_for(teaching_class: Class, on: dt.date, unit: Unit | None, by: Actor | None) -> Unit:
    if unit is not None:
        if unit.teaching_class_id != teaching_class.pk:
            raise PolicyError(_("That unit belongs to another class."))
        if not unit.starts_on <= on <= unit.ends_on:
            raise PolicyError(
                _("%(d)s is outside the unit “%(u)s” (%(s)s to %(e)s).")
                % {
                    "d": date_format(on),
                    "u": unit.title,
                    "s": date_format(unit.starts_on),
                    "e": date_format(unit.ends_on),
                }
            )
        return unit
    covering = Unit.objects.filter(
        teaching_class=teaching_class, starts_on__lte=on, ends_on__gte=on
    ).first()
    return covering or unit_create(
        teaching_class=teaching_class,
        by=by,
        title=_("Next steps"),
        starts_on=on,
        ends_on=on + dt.timedelta(days=6),
    )


@transaction.atomic(durable=True)
def next_steps_create(
    *,
    teaching_class: Class,
    by: Actor | None,
    objectives: list[Objective],
    size: int,
    taught_on: dt.date,
    unit: Unit | None = None,
) -> NextSteps:
    """Group the pupils not yet secure by shared gaps; create the groups and the next lesson.

    The grouping is worked out here from the current standings (not taken from the page), so
    what is created is what the planner shows. Each group is taught its shared gaps; a group
    with no gap in common is taught the gap most of its pupils share.
    """
    if not objectives:
        raise PolicyError(_("Choose the objectives just taught."))
    if not 1 <= size <= MAX_GROUP_SIZE:
        raise PolicyError(
            _("A focus group must have from 1 to %(n)d pupils.") % {"n": MAX_GROUP_SIZE}
        )
    view = planner_view(teaching_class, objectives, size)
    if not view.plan.groups:
        raise PolicyError(_("Every pupil is secure on these objectives: no focus group is needed."))
    unit = _unit_for(teaching_class, taught_on, unit, by)
    lesson = lesson_create(unit=unit, by=by, title=_("Next steps"), taught_on=taught_on)
    taken = set(
        PupilGroup.objects.filter(teaching_class=teaching_class).values_list("name", flat=True)
    )
    objective_by_id = view.objective_by_id
    today = timezone.localdate()
    groups = []
    for index, focus in enumerate(view.plan.groups):
        group = PupilGroup.objects.create(
            school_id=teaching_class.school_id,
            teaching_class=teaching_class,
            name=_group_name(teaching_class, taught_on, index, taken),
            kind=PupilGroup.Kind.FOCUS,
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(
                school_id=teaching_class.school_id,
                group=group,
                pupil_id=pupil_id,
                starts_on=min(today, taught_on),
            )
            for pupil_id in focus.pupils
        )
        targets = focus.shared_gaps or tuple(
            o for o, n in focus.other_gaps if n == focus.other_gaps[0][1]
        )
        for objective_id in targets:
            LessonIntention.objects.create(
                school_id=teaching_class.school_id,
                lesson=lesson,
                objective=objective_by_id[objective_id],
                group=group,
                note=_("Not yet secure for everyone in the group")
                if focus.shared_gaps
                else _("Not yet secure for most of the group"),
            )
        groups.append(group)
        audit_write(actor=by, action=AuditAction.PLANNING_FOCUS_GROUP_CREATE, target=group)
    audit_write(actor=by, action=AuditAction.PLANNING_NEXT_STEPS_CREATE, target=lesson)
    return NextSteps(lesson=lesson, groups=groups)
