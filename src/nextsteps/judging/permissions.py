"""Who may see, organise and take part in moderation and comparative judgement sessions.

- Senior leaders (of the school, or of its trust) organise every session of the school; a
  head of department organises the sessions of their departments (and may set up new ones).
- Staff invited to a session as a moderator or a judge see it and take part in it
  (`Action.CHANGE`: rate its work, or judge its pairs).
- Pupils, parents and staff who were not invited see no session.

Every page and API route of judging asks this module; anything outside a person's scope is not
found (404), as everywhere.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor, Role
from nextsteps.judging.models import CJSession, Judge, ModerationSession, Moderator
from nextsteps.people.models import Staff
from nextsteps.schools.models import School

SessionT = TypeVar("SessionT", CJSession, ModerationSession)


def staff_school(user: Actor, urn: int) -> School:
    """The school, for its staff only (judging is staff work): else 403 or 404."""
    school = access.access_school(user, urn)
    access.require_staff(user, school)
    return school


def my_staff(user: Actor, school: School) -> Staff | None:
    """The signed-in person's staff record in this school, if they have one."""
    staff: Staff | None = getattr(user, "staff", None)
    return staff if staff is not None and staff.school_id == school.pk else None


def organises_whole_school(user: Actor, school: School) -> bool:
    """Senior leaders (of the school or its trust) organise every session of the school."""
    access.mark_asked()
    return access.has_role(user, school, Role.LEADER)


def organises(user: Actor, school: School, department_id: int | None) -> bool:
    """Whether the user runs a session (or adds exemplars) for this department: a senior
    leader for the whole school, a head of department for their department."""
    if organises_whole_school(user, school):
        return True
    return department_id is not None and department_id in access.hod_department_ids(user, school)


def organiser_department_ids(user: Actor, school: School) -> set[int] | None:
    """The departments whose sessions the user sets up: None for all (a senior leader)."""
    if organises_whole_school(user, school):
        return None
    return access.hod_department_ids(user, school)


def may_organise(user: Actor, school: School) -> bool:
    """A senior leader or a head of department: may set up sessions."""
    return organises_whole_school(user, school) or bool(access.hod_department_ids(user, school))


def require_organiser(user: Actor, school: School) -> None:
    """A senior leader or a head of department (who may set up sessions), else refused."""
    access.mark_asked()
    if not may_organise(user, school):
        access.refuse(user, school)


class JudgingSessionPolicy(Policy[SessionT]):
    """Sessions of one kind: VIEW those a person organises or was invited to, ORGANISE those
    they run, CHANGE (take part in) those they were invited to."""

    noun = "session"
    actions = frozenset({Action.VIEW, Action.ORGANISE, Action.CHANGE})

    def __init__(self, model: type[SessionT], related: tuple[str, ...]) -> None:
        self.model = model
        self.related = related

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[SessionT]:
        self.check_action(action)
        access.mark_asked()
        sessions = self.model.objects.filter(school=school)
        if not access.is_staff_in(user, school):
            return sessions.none()
        staff_id = access.staff_id_of(user)
        invited = Q(**{f"{self.model.participants}__staff_id": staff_id})
        if action == Action.CHANGE:
            return sessions.filter(invited) if staff_id is not None else sessions.none()
        if organises_whole_school(user, school):
            return sessions
        scope = Q(department_id__in=access.hod_department_ids(user, school))
        if action == Action.VIEW and staff_id is not None:
            scope |= invited
        return sessions.filter(scope).distinct()

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> SessionT:
        """A session the user may see (with ORGANISE, one they run), with what its pages
        show beside it, else 404."""
        session = self.find(user, school, pk, action)
        if session is None:
            raise Http404(f"No such {self.noun}")
        return session

    def find(
        self, user: Actor, school: School, pk: int, action: Action = Action.VIEW
    ) -> SessionT | None:
        """As `get`, but None rather than 404 (a session named in a form)."""
        self.check_action(action)
        access.mark_asked()
        if action == Action.ORGANISE:
            # Seen, then run: one query for the session, the rule answered from its row.
            session = self.find(user, school, pk, Action.VIEW)
            if session is None or not organises(user, school, session.department_id):
                return None
            return session
        return self.scope(user, school, action).select_related(*self.related).filter(pk=pk).first()

    def can(self, user: Actor, action: Action, obj: SessionT) -> bool:
        self.check_action(action)
        access.mark_asked()
        if action == Action.ORGANISE:
            return organises(user, obj.school, obj.department_id)
        if action == Action.CHANGE:
            return self.participant(user, obj) is not None
        return self.scope(user, obj.school, action).filter(pk=obj.pk).exists()

    def participant(self, user: Actor, session: SessionT) -> Any | None:
        """The user's place in the session as a moderator or judge, or None if not invited."""
        access.mark_asked()
        staff_id = access.staff_id_of(user)
        if staff_id is None:
            return None
        return getattr(session, session.participants).filter(staff_id=staff_id).first()


class ModerationSessionPolicy(JudgingSessionPolicy[ModerationSession]):
    def participant(self, user: Actor, session: ModerationSession) -> Moderator | None:
        moderator: Moderator | None = super().participant(user, session)
        return moderator


class CJSessionPolicy(JudgingSessionPolicy[CJSession]):
    def participant(self, user: Actor, session: CJSession) -> Judge | None:
        judge: Judge | None = super().participant(user, session)
        return judge


moderation_sessions = ModerationSessionPolicy(
    ModerationSession, ("objective__framework__subject", "standard", "department", "school")
)
cj_sessions = CJSessionPolicy(CJSession, ("objective__framework", "department", "school"))
