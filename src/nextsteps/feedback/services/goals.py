"""Writes for learning goals: current intentions, self-assessment and marking codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Objective, ScaleLevel, SuccessCriterion
from nextsteps.feedback.kernels import loop
from nextsteps.feedback.models import (
    CurrentIntention,
    MarkingCode,
    SelfAssessment,
    StepRating,
)
from nextsteps.feedback.services.common import (
    FeedbackRefused,
    check_group,
    check_same_school,
)
from nextsteps.markbook.models import JudgementSource
from nextsteps.markbook.services import (
    JudgementRefused,
    judgement_record,
)
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, PupilGroup


@transaction.atomic(durable=True)
def intentions_share(
    *,
    teaching_class: Class,
    group: PupilGroup | None,
    objectives: Sequence[Objective],
    home_help: Mapping[int, str] | None = None,
    by: Actor | None,
    on: dt.date | None = None,
) -> list[CurrentIntention]:
    """Make these the current learning intentions for the class (or one group in it).

    Intentions no longer chosen end today and stay in the history; ones still chosen keep
    their start date, with the help-at-home ideas brought up to date.
    """
    check_group(teaching_class, group)
    check_same_school(teaching_class.school_id, *objectives)
    on = on or timezone.localdate()
    home_help = home_help or {}
    current = {
        ci.objective_id: ci
        for ci in CurrentIntention.objects.select_for_update().filter(
            teaching_class=teaching_class, group=group, ends_on__isnull=True
        )
    }
    wanted = {objective.pk: objective for objective in objectives}
    for objective_id, ended in current.items():
        if objective_id not in wanted:
            ended.ends_on = on
            ended.save(update_fields=["ends_on"])
    result = []
    for objective_id, objective in wanted.items():
        intention = current.get(objective_id)
        help_text = home_help.get(objective_id, "").strip()
        if intention is None:
            intention = CurrentIntention.objects.create(
                school_id=teaching_class.school_id,
                teaching_class=teaching_class,
                group=group,
                objective=objective,
                home_help=help_text,
                shared_by=acting_user(by),
                starts_on=on,
            )
        elif objective_id in home_help and intention.home_help != help_text:
            intention.home_help = help_text
            intention.save(update_fields=["home_help"])
        result.append(intention)
    audit_write(
        actor=by,
        action=AuditAction.INTENTIONS_SHARE,
        target=teaching_class,
        after={"group": group.pk if group else None, "objectives": sorted(wanted)},
    )
    return result


# ---------------------------------------------------------------------------- self-assessment


@transaction.atomic(durable=True)
def self_assessment_record(
    *,
    pupil: Pupil,
    objective: Objective,
    ratings: Mapping[int, ScaleLevel],
    help_with: str = "",
    by: Actor | None,
) -> SelfAssessment:
    """A pupil rates each step; the ratings become one judgement with source *self*.

    `ratings` maps a success criterion's id to a level on the framework's self-assessment
    scale. The teacher's standing is never changed by a self-assessment.
    """
    framework = objective.framework
    if framework.self_scale_id is None:
        raise FeedbackRefused(
            _("%(framework)s has no self-assessment scale yet") % {"framework": framework.name}
        )
    if not ratings:
        raise FeedbackRefused(_("Choose how you are doing on at least one step."))
    steps = {c.pk: c for c in SuccessCriterion.objects.filter(objective=objective)}
    unknown = set(ratings) - set(steps)
    if unknown:
        raise FeedbackRefused(_("Those steps are not steps of this learning goal."))
    scale_levels = list(ScaleLevel.objects.filter(scale_id=framework.self_scale_id))
    for level in ratings.values():
        if level.scale_id != framework.self_scale_id:
            raise FeedbackRefused(
                _("%(level)s is not on the %(scale)s scale")
                % {"level": level.label, "scale": framework.self_scale}
            )
    overall_value = loop.overall_self_value(
        [level.value for level in ratings.values()], [level.value for level in scale_levels]
    )
    overall = next(level for level in scale_levels if level.value == overall_value)
    try:
        judgement = judgement_record(
            pupil=pupil,
            objective=objective,
            level=overall,
            by=by,
            source=JudgementSource.SELF,
            note=help_with.strip(),
        )
    except JudgementRefused as error:
        raise FeedbackRefused(str(error)) from error
    assessment = SelfAssessment.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        objective=objective,
        judgement=judgement,
        help_with=help_with.strip(),
    )
    StepRating.objects.bulk_create(
        StepRating(
            school_id=pupil.school_id, assessment=assessment, criterion=steps[c], level=level
        )
        for c, level in ratings.items()
    )
    audit_write(actor=by, action=AuditAction.SELF_ASSESSMENT_RECORD, target=assessment)
    return assessment


# ---------------------------------------------------------------------------- marking codes


@transaction.atomic(durable=True)
def marking_code_save(
    *, school_id: int, symbol: str, meaning: str, pupil_action: str = "", by: Actor | None
) -> MarkingCode:
    """Add a marking code to the school's legend, or change the words of one it has."""
    symbol, meaning = symbol.strip(), meaning.strip()
    if not symbol or not meaning:
        raise FeedbackRefused(_("A marking code needs a symbol and what it means."))
    if len(symbol) > 8:
        raise FeedbackRefused(_("A marking code's symbol can be at most 8 characters."))
    position = MarkingCode.objects.filter(school_id=school_id).count()
    code, created = MarkingCode.objects.update_or_create(
        school_id=school_id,
        symbol=symbol,
        defaults={"meaning": meaning, "pupil_action": pupil_action.strip(), "active": True},
        create_defaults={
            "meaning": meaning,
            "pupil_action": pupil_action.strip(),
            "position": position,
        },
    )
    audit_write(
        actor=by,
        action=AuditAction.MARKING_CODE_CREATE if created else AuditAction.MARKING_CODE_UPDATE,
        target=code,
    )
    return code
