"""Who may see or change the feedback loop's rows: targets, work and its feedback, goals,
voice notes and drawings, parents' answers, marking codes and notifications.

Built from the access core (the school, class and pupil scopes). Staff see the rows of the
classes and pupils they see; a pupil reaches only their own rows, so a classmate's work,
feedback or target is simply not found; a parent reaches their own children, and of them only
what is shared with parents. Pages, API routes and templates ask here; no rule is restated in
a view.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor, Role, signed_in_user
from nextsteps.feedback.models import (
    Feedback,
    LearningConversation,
    MediaNote,
    Notification,
    PupilQuestion,
    Submission,
    Target,
    TargetEvent,
    Version,
    Work,
)
from nextsteps.feedback.selectors.work import pupil_can_see_work
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff

# Who keeps the school's legend of marking codes.
CODE_EDITORS = frozenset({Role.ADMIN, Role.LEADER, Role.HOD})

# ---------------------------------------------------------------------------- targets


class TargetPolicy(Policy[Target]):
    """Targets. VIEW: staff, those of pupils they see in classes they see; a pupil, their
    own; a parent, their children's targets that are shared with parents. DECIDE (confirm or
    return) and CHANGE: a teacher of the target's class, or its department's head."""

    model = Target
    noun = "target"
    actions = frozenset({Action.VIEW, Action.DECIDE, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Target]:
        self.check_action(action)
        access.mark_asked()
        targets = Target.objects.filter(school=school)
        if action is not Action.VIEW:  # of those seen, the ones whose class they teach
            taught = Q(
                teaching_class__subjects__department_id__in=access.hod_department_ids(user, school)
            )
            staff = getattr(user, "staff", None) if user.is_authenticated else None
            if staff is not None:
                taught |= Q(
                    teaching_class__staff_links__staff_id=staff.pk,
                    teaching_class__staff_links__role=ClassStaff.Role.TEACHER,
                )
            seen = self.scope(user, school, Action.VIEW).values("pk")
            return targets.filter(taught, pk__in=seen).distinct()
        if access.sees_whole_school(user, school):
            return targets
        roles = access.roles_in(user, school)
        scope = Q(pk__in=[])
        if roles & {Role.TEACHER, Role.HOD, Role.TA}:
            scope |= Q(
                teaching_class__in=access.classes_for(user, school).values("pk"),
                pupil__in=access.pupils_for(user, school).values("pk"),
            )
        if Role.PUPIL in roles:
            scope |= Q(pupil__user=user)
        if Role.GUARDIAN in roles:
            scope |= Q(
                pupil__in=access.children_of(user, school).values("pk"),
                shared_with_guardians=True,
            )
        return targets.filter(scope)

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Target:
        """A target the user may see, else 404; to DECIDE or CHANGE, one whose class they
        teach (else 404 too)."""
        self.check_action(action)
        target = access.found(
            self.scope(user, school, Action.VIEW).select_related("teaching_class__school"),
            self.noun,
            pk=pk,
        )
        if action is not Action.VIEW and not access.teaches(user, target.teaching_class):
            raise Http404(f"No such {self.noun}")
        return target

    def can(self, user: Actor, action: Action, obj: Target) -> bool:
        self.check_action(action)
        access.mark_asked()
        if action is Action.VIEW:
            return super().can(user, action, obj)
        return access.teaches(user, obj.teaching_class)


targets = TargetPolicy()


def target_to_view(user: Actor, school: School, target_id: int) -> tuple[Target, Pupil, bool]:
    """A target for its page: the target, its pupil and whether the viewer is staff (who must
    see its class); a pupil reaches only their own."""
    target = access.found(
        Target.objects.select_related("objective__framework", "teaching_class", "pupil").filter(
            school=school
        ),
        "target",
        pk=target_id,
    )
    pupil, is_staff = viewer(user, school, target.pupil_id)
    if is_staff:
        access.access_class(user, school, target.teaching_class_id)
    return target, pupil, is_staff


def target_event_to_view(user: Actor, school: School, event_id: int) -> TargetEvent:
    """A step in a target's history (its evidence file), for the pupil and their staff."""
    event = access.found(
        TargetEvent.objects.select_related("target").filter(school=school), "evidence", pk=event_id
    )
    _pupil, is_staff = viewer(user, school, event.target.pupil_id)
    if is_staff:
        access.access_class(user, school, event.target.teaching_class_id)
    return event


# ---------------------------------------------------------------------------- work and feedback


def is_staff(user: Actor, school: School) -> bool:
    """Whether the person sees the school's pages as staff (else as a pupil or a parent)."""
    access.mark_asked()
    return access.is_staff_in(user, school)


def viewer(user: Actor, school: School, pupil_id: int) -> tuple[Pupil, bool]:
    """The pupil named in the URL and whether the viewer is staff; a pupil may only be
    themselves. Parents use their child's page instead."""
    if is_staff(user, school):
        return access.access_pupil(user, school, pupil_id), True
    pupil = access.own_pupil(user, school)
    if pupil.pk != pupil_id:
        raise Http404("Not found")
    return pupil, False


def may_give_feedback(user: Actor, school: School, class_id: int, pupil: Pupil) -> bool:
    """Whether a member of staff may give feedback to this pupil in this class."""
    try:
        teaching_class = access.access_class(user, school, class_id, write=True)
    except Http404:
        return False
    allowed = access.recordable_pupil_ids(user, teaching_class)
    return allowed is None or pupil.pk in allowed


def work_to_view(user: Actor, school: School, work_id: int, pupil: Pupil | None) -> Work:
    """A piece of work of the school: for staff (`pupil` None) one set to a class they see;
    for a pupil, one set to them (or that they handed in), else 404."""
    work = access.found(
        Work.objects.select_related("teaching_class", "group").filter(school=school),
        "work",
        pk=work_id,
    )
    if pupil is None:
        access.access_class(user, school, work.teaching_class_id)
    elif not pupil_can_see_work(pupil, work):
        raise Http404("No such work")
    return work


def version_to_view(user: Actor, school: School, version_id: int) -> Version:
    """A version of a pupil's work (its photo or file), for the pupil and their staff."""
    version = access.found(
        Version.objects.select_related("submission__work").filter(school=school),
        "version",
        pk=version_id,
    )
    _pupil, staff = viewer(user, school, version.submission.pupil_id)
    if staff:
        access.access_class(user, school, version.submission.work.teaching_class_id)
    return version


def submission_feedback(submission: Submission, feedback_id: int) -> Feedback:
    """A piece of feedback on this submission (already checked), else 404."""
    return access.found(Feedback.objects.filter(submission=submission), "feedback", pk=feedback_id)


# ---------------------------------------------------------------------------- a class's pages


def sets_for_class(user: Actor, teaching_class: Class) -> bool:
    """Whether the person sets goals, work and targets for the class: a teacher of it (not a
    teaching assistant), or its department's head."""
    access.mark_asked()
    return access.teaches(user, teaching_class)


def recordable_pupils(user: Actor, teaching_class: Class, pupils: list[Pupil]) -> list[Pupil]:
    """Of the class's pupils, those this person may record for (a TA: the groups they
    support)."""
    allowed = access.recordable_pupil_ids(user, teaching_class)
    return pupils if allowed is None else [p for p in pupils if p.pk in allowed]


def visible_questions(
    user: Actor, teaching_class: Class, questions: list[PupilQuestion]
) -> list[PupilQuestion]:
    """The class's questions this person may read: a TA, those of the groups they support."""
    allowed = access.recordable_pupil_ids(user, teaching_class)
    if allowed is None:
        return questions
    return [q for q in questions if q.pupil_id in allowed]


def conversation_to_view(user: Actor, school: School, conversation_id: int) -> LearningConversation:
    """A learning conversation of a class the member of staff sees, else 404."""
    access.require_staff(user, school)
    conversation = access.found(
        LearningConversation.objects.select_related(
            "objective", "group", "led_by", "teaching_class"
        ).filter(school=school),
        "conversation",
        pk=conversation_id,
    )
    access.access_class(user, school, conversation.teaching_class_id)
    return conversation


def visible_notes(user: Actor, conversation: LearningConversation, notes: list[Any]) -> list[Any]:
    """A conversation's notes this person may read: a TA who does not teach the class, those
    of the groups they support."""
    allowed = access.recordable_pupil_ids(user, conversation.teaching_class)
    if allowed is not None and not access.teaches(user, conversation.teaching_class):
        return [n for n in notes if n.pupil_id in allowed]
    return notes


def may_change_codes(user: Actor, school: School) -> bool:
    """Admins, senior leaders and heads of department keep the school's marking codes."""
    access.mark_asked()
    return bool(access.roles_in(user, school) & CODE_EDITORS)


# ---------------------------------------------------------------------------- a pupil


def may_add_pupil_note(user: Actor, school: School, pupil: Pupil) -> bool:
    """A teacher of the pupil now adds voice notes and drawings for them."""
    return access.teaches_pupil(user, school, pupil)


def media_note_to_view(user: Actor, school: School, note_id: int) -> MediaNote:
    """A voice note or drawing: for the pupil, staff who may see their class (or them), and
    their parents when it is shared with them; else 404."""
    note = access.found(
        MediaNote.objects.select_related("submission__work").filter(school=school),
        "note",
        pk=note_id,
    )
    if is_staff(user, school):
        if note.submission is not None:
            access.access_class(user, school, note.submission.work.teaching_class_id)
        else:
            access.access_pupil(user, school, note.pupil_id)
        return note
    if access.children_of(user, school).filter(pk=note.pupil_id).exists():
        if not note.shared_with_guardians:
            raise Http404("Not shared with parents")
        return note
    if access.own_pupil(user, school).pk != note.pupil_id:
        raise Http404("Not found")
    return note


# ---------------------------------------------------------------------------- parents


def parents_child(user: Actor, school: School, pupil_id: int) -> Pupil:
    """One of the parent's own children at the school (a current link), else 404."""
    return access.found(access.children_of(user, school), "child", pk=pupil_id)


def require_replies_setting(user: Actor, school: School) -> None:
    """The school's leaders (and admins) turn parents' replies on or off, else refused."""
    access.require_whole_school(user, school)


# ---------------------------------------------------------------------------- notifications


def may_choose_digest(user: Actor, school: School) -> bool:
    """Parents and staff may choose a daily e-mail; a pupil's account is for school only."""
    access.mark_asked()
    return access.roles_in(user, school) != frozenset({Role.PUPIL})


def own_notification(user: Actor, school: School, notification_id: int) -> Notification:
    """One of the person's own notifications at the school, else 404."""
    return access.found(
        Notification.objects.filter(school=school, recipient=signed_in_user(user)),
        "notification",
        pk=notification_id,
    )
