"""Reads for setting work: the class's learning intentions by subject and strand, current and
recent ones first, each with its success criteria (six queries whatever the curriculum)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from nextsteps.curriculum.models import Objective, Strand, SuccessCriterion
from nextsteps.feedback.kernels.intention_menu import MenuItem, menu_order, opening_subject, shown
from nextsteps.feedback.models import CurrentIntention, Work
from nextsteps.policy.models import LessonIntention
from nextsteps.schools.models import Subject
from nextsteps.teaching.models import Class, PupilGroup

RECENT_WORK_DAYS = 42  # about a half-term
RECENT_LESSON_DAYS = 14
PLANNED_AHEAD_DAYS = 7


@dataclass
class IntentionChoice:
    objective: Objective
    criteria: list[SuccessCriterion]
    item: MenuItem
    shown: bool = True


@dataclass
class WorkMenu:
    subjects: list[Subject]
    strands: list[Strand]
    choices: list[IntentionChoice]
    opening_subject_id: int | None

    def strand_subject(self, strand_id: int) -> int | None:
        return next((s.framework.subject_id for s in self.strands if s.pk == strand_id), None)

    def strands_by_subject(self) -> list[tuple[Subject, list[Strand]]]:
        return [
            (subject, [s for s in self.strands if s.framework.subject_id == subject.pk])
            for subject in self.subjects
        ]

    def narrow(
        self,
        *,
        subject_id: int | None,
        strand_id: int | None,
        words: Sequence[str],
        chosen: Collection[int],
    ) -> None:
        """Mark which intentions the subject, strand and search show."""
        for choice in self.choices:
            choice.shown = shown(
                choice.item, subject_id=subject_id, strand_id=strand_id, words=words, chosen=chosen
            )


def work_menu(teaching_class: Class, today: dt.date | None = None) -> WorkMenu:
    """The learning intentions a teacher may set work on, current and recent first."""
    today = today or timezone.localdate()
    subject_ids = list(teaching_class.subjects.values_list("pk", flat=True))
    objectives = Objective.objects.filter(
        school_id=teaching_class.school_id, framework__subject_id__in=subject_ids
    )
    if teaching_class.year_group is not None:
        objectives = objectives.filter(year_group=teaching_class.year_group)
    objectives = objectives.select_related(
        "framework__subject", "strand__framework"
    ).prefetch_related(
        Prefetch("success_criteria", queryset=SuccessCriterion.objects.order_by("position"))
    )
    ordered = sorted(
        objectives,
        key=lambda o: (o.framework.subject.name, o.framework_id, o.strand.position, o.position),
    )
    current, recent = _current_and_recent(teaching_class, today)
    choices = [
        IntentionChoice(
            objective=o,
            criteria=list(o.success_criteria.all()),
            item=MenuItem(
                objective_id=o.pk,
                subject_id=o.framework.subject_id,
                strand_id=o.strand_id,
                text=f"{o.code} {o.wording} {o.strand.name} {o.framework.subject.name}",
                current=o.pk in current,
                recent=o.pk in recent,
            ),
        )
        for o in ordered
    ]
    by_item = {c.item: c for c in choices}
    choices = [by_item[item] for item in menu_order(by_item)]
    subjects = sorted({o.framework.subject for o in ordered}, key=lambda s: s.name)
    strands: dict[int, Strand] = {}
    for o in ordered:
        strands.setdefault(o.strand_id, o.strand)
    return WorkMenu(
        subjects=subjects,
        strands=list(strands.values()),
        choices=choices,
        opening_subject_id=opening_subject([c.item for c in choices], [s.pk for s in subjects]),
    )


def _current_and_recent(teaching_class: Class, today: dt.date) -> tuple[set[int], set[int]]:
    """Objective ids the class is on now (current or planned this week) and was on lately
    (work set this half-term, lessons of the last fortnight)."""
    current = set(
        CurrentIntention.objects.filter(
            teaching_class=teaching_class, ends_on__isnull=True
        ).values_list("objective_id", flat=True)
    )
    planned = LessonIntention.objects.filter(lesson__unit__teaching_class=teaching_class)
    current |= set(
        planned.filter(
            lesson__taught_on__range=(today, today + dt.timedelta(days=PLANNED_AHEAD_DAYS))
        ).values_list("objective_id", flat=True)
    )
    recent = set(
        planned.filter(
            lesson__taught_on__range=(today - dt.timedelta(days=RECENT_LESSON_DAYS), today)
        ).values_list("objective_id", flat=True)
    )
    since = timezone.now() - dt.timedelta(days=RECENT_WORK_DAYS)
    recent |= set(
        Work.objectives.through.objects.filter(
            work__teaching_class=teaching_class, work__set_at__gte=since
        ).values_list("objective_id", flat=True)
    )
    return current, recent - current


def group_planned_objective_id(group: PupilGroup) -> int | None:
    """The learning intention the group's latest planned lesson has for it (one query)."""
    return (
        LessonIntention.objects.filter(group=group)
        .order_by("-lesson__taught_on", "-pk")
        .values_list("objective_id", flat=True)
        .first()
    )
