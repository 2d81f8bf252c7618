"""Who may do what in the assessment policy and in planning.

Built from the access core. Senior leaders (of the school or its trust) lead the policy: they
edit the key questions, comment on, agree or send back departments' answers, record the
whole-school decisions, set the school's limits and each department's settings, schedule
reviews and publish. Heads of department answer the key questions for their own departments,
comment and submit, and complete their departments' reviews. Leaders and heads of department
work on the policy before it is published (others in the school are refused those pages);
everyone with a role in the school reads the published policy and the glossary.

Planning: staff read the plans of the classes they see; a class's teachers and its
department's head (not a teaching assistant) change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import STAFF_ROLES, Actor, Role
from nextsteps.policy.models import (
    Decision,
    KeyQuestion,
    LessonIntention,
    PolicyDocument,
    Response,
    Review,
    Unit,
)
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, ClassStaff

# ---------------------------------------------------------------------------- the policy area


def leads_policy(user: Actor, school: School) -> bool:
    """Senior leaders (and the trust's leaders) comment, agree, decide and publish."""
    access.mark_asked()
    return access.has_role(user, school, Role.LEADER)


def works_on_policy(user: Actor, school: School) -> bool:
    """Leaders and heads of department work on the policy before it is published."""
    access.mark_asked()
    return access.has_role(user, school, Role.LEADER, Role.HOD)


def require_leader(user: Actor, school: School) -> None:
    """A page for the policy's leaders; refused (403) to anyone else in the school."""
    access.require_role(user, school, Role.LEADER)


def require_worker(user: Actor, school: School) -> None:
    """A page for those who work on the policy; refused (403) to anyone else in the school."""
    access.require_role(user, school, Role.LEADER, Role.HOD)


def heads(user: Actor, school: School, department: Department) -> bool:
    """Whether the user is the department's head (who answers for it)."""
    access.mark_asked()
    return department.pk in access.hod_department_ids(user, school)


def headed_department_ids(user: Actor, school: School) -> set[int]:
    """The departments the user heads (a head of department's home is their department)."""
    access.mark_asked()
    return access.hod_department_ids(user, school)


def departments(user: Actor, school: School) -> list[Department]:
    """The departments whose policy work the user reads (every one for leaders), by name."""
    return list(access.departments_for(user, school).order_by("name"))


def get_department(
    user: Actor, school: School, department_id: int, action: Action = Action.VIEW
) -> Department:
    """A department whose policy work the user reads (VIEW) or answers for (CHANGE: its own
    head), else 404."""
    if action not in {Action.VIEW, Action.CHANGE}:
        raise ValueError(f"A department is read or answered for, not {action!r}")
    return access.access_department(user, school, department_id, write=action == Action.CHANGE)


def sees_whole_school(user: Actor, school: School) -> bool:
    """Whether the user's data-drop calendar shows the whole school's drops."""
    access.mark_asked()
    return access.sees_whole_school(user, school)


@dataclass(frozen=True)
class Sections:
    """Which of the policy area's sections this person opens."""

    leads: bool  # compare and decide
    works: bool  # overview, key questions, workload, reviews
    plans: bool  # planning


def sections(user: Actor, school: School) -> Sections:
    """The policy area's sections this person opens, for its tabs: planning is offered to
    those who hold a staff role in the school."""
    leader = access.has_role(user, school, Role.LEADER)
    return Sections(
        leads=leader,
        works=leader or Role.HOD in access.roles_in(user, school),
        plans=bool(access.roles_in(user, school) & STAFF_ROLES),
    )


# ---------------------------------------------------------------------------- policies


class KeyQuestionPolicy(Policy[KeyQuestion]):
    """The school's key questions: VIEW for those who work on the policy, CHANGE (edit, add)
    for its leaders."""

    model = KeyQuestion
    noun = "question"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[KeyQuestion]:
        self.check_action(action)
        access.mark_asked()
        questions = KeyQuestion.objects.filter(school=school).select_related("stage", "school")
        allowed = leads_policy(user, school) or (
            action == Action.VIEW and works_on_policy(user, school)
        )
        return questions if allowed else questions.none()


class ResponsePolicy(Policy[Response]):
    """A department's answer to a key question: VIEW for those who read the department's
    work; CHANGE (write, submit) for the department's head; DECIDE (agree, send back) for the
    policy's leaders. A comment is for the head and the leaders."""

    model = Response
    noun = "answer"
    actions = frozenset({Action.VIEW, Action.CHANGE, Action.DECIDE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Response]:
        self.check_action(action)
        access.mark_asked()
        responses = Response.objects.filter(school=school)
        if action == Action.DECIDE:
            return responses if leads_policy(user, school) else responses.none()
        if action == Action.CHANGE:
            return responses.filter(department_id__in=access.hod_department_ids(user, school))
        return responses.filter(department__in=access.departments_for(user, school).values("pk"))

    def can_in(self, user: Actor, action: Action, school: School, department: Department) -> bool:
        """Whether the user may act on the department's answers (before any is written)."""
        self.check_action(action)
        if action == Action.DECIDE:
            return leads_policy(user, school)
        if action == Action.CHANGE:
            return heads(user, school, department)
        access.mark_asked()
        return access.departments_for(user, school).filter(pk=department.pk).exists()

    def steps(self, user: Actor, school: School, department: Department) -> dict[str, bool]:
        """The steps on an answer this person may take: comment (the head and the leaders),
        submit (the head), agree and send back (the leaders)."""
        is_head = self.can_in(user, Action.CHANGE, school, department)
        is_leader = self.can_in(user, Action.DECIDE, school, department)
        return {
            "comment": is_head or is_leader,
            "submit": is_head,
            "agree": is_leader,
            "changes": is_leader,
        }

    def get_answer(
        self, user: Actor, school: School, department: Department, question: KeyQuestion
    ) -> Response:
        """The department's answer to the question (both already asked for), else 404."""
        return access.found(
            Response.objects.filter(school=school),
            "answer",
            department=department,
            question=question,
        )


class DecisionPolicy(Policy[Decision]):
    """The school's decisions on the key questions: recorded (DECIDE) and compared (VIEW) by
    the policy's leaders; everyone reads them in the published policy."""

    model = Decision
    noun = "decision"
    actions = frozenset({Action.VIEW, Action.DECIDE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Decision]:
        self.check_action(action)
        access.mark_asked()
        decisions = Decision.objects.filter(school=school)
        return decisions if leads_policy(user, school) else decisions.none()


class DocumentPolicy(Policy[PolicyDocument]):
    """The published policy: VIEW for everyone with a role in the school (the page has asked
    `access.access_school`); MANAGE (preview, publish) for the policy's leaders."""

    model = PolicyDocument
    noun = "policy"
    actions = frozenset({Action.VIEW, Action.MANAGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[PolicyDocument]:
        self.check_action(action)
        access.mark_asked()
        documents = PolicyDocument.objects.filter(school=school)
        if action == Action.MANAGE and not leads_policy(user, school):
            return documents.none()
        return documents

    def latest(self, user: Actor, school: School) -> PolicyDocument | None:
        """The latest published version, or None before the first."""
        return self.scope(user, school, Action.VIEW).first()

    def get_version(self, user: Actor, school: School, version: int) -> PolicyDocument:
        """A published version, else 404."""
        return access.found(self.scope(user, school, Action.VIEW), "version", version=version)

    def require_manage(self, user: Actor, school: School) -> None:
        """Previewing and publishing: the policy's leaders; refused (403) to other members."""
        require_leader(user, school)


class ReviewPolicy(Policy[Review]):
    """Reviews of the policy: a department's for those who read its work, the whole school's
    for the policy's leaders. VIEW reads one; CHANGE records its evaluation; MANAGE schedules
    one (leaders)."""

    model = Review
    noun = "review"
    actions = frozenset({Action.VIEW, Action.CHANGE, Action.MANAGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Review]:
        self.check_action(action)
        access.mark_asked()
        reviews = Review.objects.filter(school=school)
        if leads_policy(user, school):
            return reviews
        if action == Action.MANAGE:
            return reviews.none()
        return reviews.filter(department__in=access.departments_for(user, school).values("pk"))

    def department_ids(
        self, user: Actor, school: School, readable: list[Department]
    ) -> set[int] | None:
        """The departments whose reviews the user lists, of the `departments` they read
        (None: every review, the whole school's too)."""
        if leads_policy(user, school):
            return None
        return {d.pk for d in readable}

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Review:
        """A review of the school, else 404; the whole school's is refused (403) to anyone but
        the policy's leaders, a department's is not found by those who do not read its work."""
        self.check_action(action)
        review = access.found(
            Review.objects.select_related("department", "completed_by").filter(school=school),
            self.noun,
            pk=pk,
        )
        if review.department_id is None:
            require_leader(user, school)
        else:
            access.access_department(user, school, review.department_id)
        return review

    def require_manage(self, user: Actor, school: School) -> None:
        """Scheduling reviews: the policy's leaders (404 to those who work on the policy, as
        the page always said)."""
        access.mark_asked()
        if not leads_policy(user, school):
            raise Http404("Only leaders schedule reviews")


# ---------------------------------------------------------------------------- planning


def _taught(user: Actor, school: School, prefix: str) -> Q:
    """Rows of classes the user teaches (a teacher of the class, or its department's head)."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    rule = Q(**{f"{prefix}subjects__department_id__in": access.hod_department_ids(user, school)})
    if staff is not None:
        rule |= Q(
            **{
                f"{prefix}staff_links__staff_id": staff.pk,
                f"{prefix}staff_links__role": ClassStaff.Role.TEACHER,
            }
        )
    return rule


class UnitPolicy(Policy[Unit]):
    """A class's units and their lessons: VIEW for staff who see the class; CHANGE (add
    lessons, plan intentions) for its teachers and its department's head."""

    model = Unit
    noun = "unit"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Unit]:
        self.check_action(action)
        access.mark_asked()
        units = Unit.objects.filter(
            school=school, teaching_class__in=access.classes_for(user, school).values("pk")
        ).select_related("teaching_class", "assessment_point")
        if action == Action.CHANGE:
            units = units.filter(_taught(user, school, "teaching_class__")).distinct()
        return units

    def can(self, user: Actor, action: Action, obj: Unit) -> bool:
        self.check_action(action)
        return self.can_plan(user, action, obj.teaching_class)

    def can_plan(self, user: Actor, action: Action, teaching_class: Class) -> bool:
        """Whether the user reads (VIEW) or changes (CHANGE) a class's plans; the class has
        been asked for with `planning_class`."""
        self.check_action(action)
        access.mark_asked()
        return action == Action.VIEW or access.teaches(user, teaching_class)

    def classes(self, user: Actor, school: School) -> QuerySet[Class]:
        """The classes whose plans the user reads (staff only; the page has asked)."""
        return access.classes_for(user, school)

    def require_planner(self, user: Actor, school: School) -> None:
        """Planning is for staff; refused (403) to anyone else in the school."""
        access.require_staff(user, school)

    def planning_class(
        self, user: Actor, school: School, class_id: int, action: Action = Action.VIEW
    ) -> Class:
        """A class whose plans the user reads (VIEW: staff who see it) or changes (CHANGE:
        its teachers), else 404; refused (403) to anyone in the school who is not staff."""
        self.check_action(action)
        access.require_staff(user, school)
        if action == Action.CHANGE:
            return access.access_class_as_teacher(user, school, class_id)
        return access.access_class(user, school, class_id)

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> Unit:
        """A unit of a class the user sees (staff only: 403 to other members), else 404."""
        access.require_staff(user, school)
        return super().get(user, school, pk, action)

    def get_intention(self, user: Actor, school: School, pk: int) -> LessonIntention:
        """A planned learning intention the user may remove (one of a class they teach),
        else 404; refused (403) to anyone in the school who is not staff."""
        access.require_staff(user, school)
        intention = access.found(
            LessonIntention.objects.select_related("lesson__unit__teaching_class").filter(
                school=school,
                lesson__unit__teaching_class__in=access.classes_for(user, school).values("pk"),
            ),
            "intention",
            pk=pk,
        )
        access.access_class_as_teacher(user, school, intention.lesson.unit.teaching_class_id)
        return intention


questions = KeyQuestionPolicy()
answers = ResponsePolicy()
decisions = DecisionPolicy()
documents = DocumentPolicy()
reviews = ReviewPolicy()
units = UnitPolicy()
