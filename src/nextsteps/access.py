"""Who may see or change what. Every page and API route asks this module.

Rules are role × scope: a trust leader sees the trust's schools; an admin and a senior
leader their school; a head of department their department's classes; a teacher their
classes; a teaching assistant the groups they support; a parent their own children; a pupil
only themselves. Objects outside a person's scope are reported as not found (404), so that
ids cannot be probed. A page of a school the person belongs to that their role does not open
(a teacher on a leaders' page) is refused plainly (403, `refuse`): the page exists in every
school, so saying so reveals nothing. Anyone else is told not found.

`AccessCheckedMiddleware` fails any request whose view never asked this module, so a new
route cannot forget. Views that are open to everyone say so with `@public`.
"""

from __future__ import annotations

import abc
import contextvars
import datetime as dt
import enum
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, NoReturn, TypeVar
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import (
    STAFF_ROLES,
    Actor,
    Membership,
    Role,
    TrustMembership,
    signed_in_user,
)
from nextsteps.ops.prepared import Prepared
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup

logger = logging.getLogger(__name__)

_asked: contextvars.ContextVar[bool] = contextvars.ContextVar("access_asked", default=False)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

WHOLE_SCHOOL_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def mark_asked() -> None:
    """Note that this request's view consulted the access module."""
    _asked.set(True)


def answered_before_view() -> None:
    """The request was answered before its view ran (an API caller refused at sign-in, or
    parameters that do not parse): nothing of a school was read, so there was nothing to ask.
    Only the API's handlers for those answers say this; a view never does."""
    _asked.set(True)


ModelT = TypeVar("ModelT", bound=Model)


def found(rows: QuerySet[ModelT], noun: str, **lookup: Any) -> ModelT:
    """The one row of `rows` matching `lookup` (usually `pk=`), else 404 "No such <noun>".

    `rows` is already narrowed to what the person may reach (their school, a scope, their own
    rows), so a row outside it is not found, just like an id that does not exist: ids cannot
    be probed. Finding a row so is asking this module, and the request is marked as asked."""
    mark_asked()
    row = rows.filter(**lookup).first()
    if row is None:
        raise Http404(f"No such {noun}")
    return row


class AccessCheckedMiddleware:
    """Refuse to send a response from a view that never asked the access module."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _asked.set(False)
        try:
            response = self.get_response(request)
            if response.status_code not in {404, 405} and not _asked.get():
                raise ImproperlyConfigured(
                    f"{request.path} answered without asking the access module"
                )
            return response
        finally:
            _asked.reset(token)


def public(view: View) -> View:
    """Open to everyone, signed in or not (sign-in page, health check, static help)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        mark_asked()
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def signed_in(view: View) -> View:
    """Signed in (and past the second factor when the person has one set up)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        mark_asked()
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(
                request.get_full_path(), redirect_field_name=REDIRECT_FIELD_NAME
            )
        step = second_factor_step(request)
        if step is not None:
            return step
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def second_factor_step(request: HttpRequest, *, next_url: str = "") -> HttpResponseBase | None:
    """The second step of signing in that this person still owes, as a redirect, else None.

    One rule for every way in: the school pages (`signed_in`), the Django admin and the API's
    browser session all ask `second_factor_outstanding`. `next_url` is where the step sends
    the person once it is done.
    """
    outstanding = second_factor_outstanding(request.user)
    if outstanding is None:
        return None
    name = "two_factor_verify" if outstanding == "verify" else "two_factor_setup"
    if _resolved_name(request) == name:
        return None
    query = f"?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else ""
    return redirect(reverse(name) + query)


def needs_second_factor(user: Actor) -> bool:
    known = getattr(user, "_access_has_device", None)  # read with the person at sign-in
    if known is not None:
        return bool(known)
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def second_factor_required(user: Actor) -> bool:
    """Staff in a school that requires two-step sign-in (read with the memberships)."""
    for membership in memberships(user):
        if membership.role not in STAFF_ROLES:
            continue
        rules = getattr(membership.school, "security", None)  # None when never set
        if rules is not None and rules.staff_second_factor_required:
            return True
    return False


def second_factor_outstanding(user: Actor) -> str | None:
    """ "verify" when the person has a device and has not used it this session, "setup" when
    their school requires one and they have none, else None."""
    if user.is_authenticated and needs_second_factor(user):
        return None if user.is_verified() else "verify"
    return "setup" if second_factor_required(user) else None


def _resolved_name(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.url_name if match is not None else None


# ---------------------------------------------------------------------------- memberships


def memberships(user: Actor) -> list[Membership]:
    """The user's roles in every school, loaded once per request (not an access decision)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_access_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related(
                "school", "school__security", "department"
            )
        )
        user._access_memberships = cached
    return cached


def own_memberships(user: Actor) -> list[Membership]:
    """The person's own roles, for them to read (who they are, where they work): theirs to
    see whoever they are."""
    mark_asked()
    return memberships(user)


def roles_in(user: Actor, school: School) -> frozenset[str]:
    return frozenset(m.role for m in memberships(user) if m.school_id == school.pk)


def trust_ids(user: Actor) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_access_trusts", None)
    if cached is None:
        cached = set(TrustMembership.objects.filter(user=user).values_list("trust_id", flat=True))
        user._access_trusts = cached
    return cached


def schools_for(user: Actor) -> list[School]:
    """Schools the user holds a role in, or leads through a trust."""
    mark_asked()
    schools = {m.school_id: m.school for m in memberships(user)}
    trusts = trust_ids(user)
    if trusts:
        for school in School.objects.filter(trust_id__in=trusts):
            schools.setdefault(school.pk, school)
    return sorted(schools.values(), key=lambda s: s.name)


def access_school(user: Actor, urn: int, *, roles: Iterable[str] | None = None) -> School:
    """The school with this URN if the user holds (one of) the roles there; 403 to someone
    with another role there (see `refuse`), else 404."""
    mark_asked()
    wanted = frozenset(roles) if roles is not None else None
    for membership in memberships(user):
        if membership.school.urn == urn and (wanted is None or membership.role in wanted):
            return membership.school
    if wanted is None or Role.LEADER in wanted:
        school = School.objects.filter(urn=urn, trust_id__in=trust_ids(user)).first()
        if school is not None:
            return school
    member_of = next((m.school for m in memberships(user) if m.school.urn == urn), None)
    if member_of is not None:
        refuse(user, member_of)
    raise Http404("No such school")


def access_role(user: Actor, urn: int, role: str) -> School:
    """A school home for a role: the role must exist and the user must hold it there."""
    mark_asked()
    if role not in Role.values:
        raise Http404("No such role")
    return access_school(user, urn, roles=[role])


def is_staff_in(user: Actor, school: School) -> bool:
    return bool(roles_in(user, school) & STAFF_ROLES) or _leads_trust_of(user, school)


def _leads_trust_of(user: Actor, school: School) -> bool:
    return school.trust_id is not None and school.trust_id in trust_ids(user)


def sees_whole_school(user: Actor, school: School) -> bool:
    return bool(roles_in(user, school) & WHOLE_SCHOOL_ROLES) or _leads_trust_of(user, school)


def refuse(user: Actor, school: School) -> NoReturn:
    """Refuse a page of this school: plainly (403) to someone who belongs to the school, since
    every school has the page and saying so reveals nothing; else "not found" (404)."""
    if roles_in(user, school) or _leads_trust_of(user, school):
        raise PermissionDenied(
            _("This page is not open to your role at %(school)s.") % {"school": school.name}
        )
    raise Http404("Not found")


def require_staff(user: Actor, school: School) -> None:
    mark_asked()
    if not is_staff_in(user, school):
        refuse(user, school)


def require_whole_school(user: Actor, school: School) -> None:
    mark_asked()
    if not sees_whole_school(user, school):
        refuse(user, school)


def has_role(user: Actor, school: School, *roles: str) -> bool:
    """Whether the user holds one of the roles in the school (a trust leader is a leader)."""
    return bool(roles_in(user, school) & frozenset(roles)) or (
        Role.LEADER in roles and _leads_trust_of(user, school)
    )


def require_role(user: Actor, school: School, *roles: str) -> None:
    mark_asked()
    if not has_role(user, school, *roles):
        refuse(user, school)


class Audience(enum.StrEnum):
    """Whose view of a school's pupils a person has: the pages and the API shape what they show
    about a pupil by it (staff see identity and characteristics; a pupil and their parents the
    name the school uses, and a parent not the talk between pupil and teacher)."""

    STAFF = "staff"
    PUPIL = "pupil"
    GUARDIAN = "guardian"


def audience(user: Actor, school: School) -> Audience:
    """Staff (any staff role there, or a leader of its trust), else a pupil of the school, else
    a parent: the narrowest view is the default, so a person with no role sees least."""
    mark_asked()
    if is_staff_in(user, school):
        return Audience.STAFF
    if Role.PUPIL in roles_in(user, school):
        return Audience.PUPIL
    return Audience.GUARDIAN


# ---------------------------------------------------------------------------- classes


def staff_id_of(user: Actor) -> int | None:
    """The id of the person's staff record, or None (signed out, a pupil, a parent)."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return staff.pk if staff is not None else None


def hod_department_ids(user: Actor, school: School) -> set[int]:
    return {
        m.department_id
        for m in memberships(user)
        if m.school_id == school.pk and m.role == Role.HOD and m.department_id
    }


def departments_for(user: Actor, school: School) -> QuerySet[Department]:
    """Departments whose assessment policy work the user may read: every department for
    whole-school staff, a head of department's own departments, none for anyone else."""
    mark_asked()
    departments = Department.objects.filter(school=school)
    if sees_whole_school(user, school):
        return departments
    return departments.filter(pk__in=hod_department_ids(user, school))


def access_department(
    user: Actor, school: School, department_id: int, *, write: bool = False
) -> Department:
    """A department the user may read, else 404; with write, only its own head (who answers
    the key questions for it)."""
    mark_asked()
    if write and department_id not in hod_department_ids(user, school):
        raise Http404("No such department")
    return found(departments_for(user, school), "department", pk=department_id)


def classes_for(user: Actor, school: School) -> QuerySet[Class]:
    """Classes the user may see in this school."""
    mark_asked()
    return _classes(_class_shape(user, school), school_id=school.pk, staff_id=_staff_key(user))


def access_class(user: Actor, school: School, class_id: int, *, write: bool = False) -> Class:
    """A class the user may see (or, with write, record for), else 404."""
    mark_asked()
    teaching_class: Class | None = VISIBLE_CLASS.first(
        _class_shape(user, school),
        school_id=school.pk,
        staff_id=_staff_key(user),
        class_id=class_id,
    )
    if teaching_class is None:
        raise Http404("No such class")
    if write and not can_record_in(user, teaching_class):
        raise Http404("No such class")
    return teaching_class


ClassShape = tuple[bool, bool, tuple[int, ...]]


def _class_shape(user: Actor, school: School) -> ClassShape:
    """What decides which classes a person sees: the whole school; as a class's staff (a
    teacher, head of department or teaching assistant with a staff record); as the head of
    these departments."""
    if sees_whole_school(user, school):
        return (True, False, ())
    as_staff = staff_id_of(user) is not None and bool(
        roles_in(user, school) & {Role.TEACHER, Role.HOD, Role.TA}
    )
    return (False, as_staff, tuple(sorted(hod_department_ids(user, school))))


def _staff_key(user: Actor) -> int:
    return staff_id_of(user) or 0  # 0, which no staff record has, where no rule asks for it


def _classes(shape: ClassShape, *, school_id: int, staff_id: int) -> QuerySet[Class]:
    """The classes of the school a person of this shape sees (`classes_for`)."""
    whole, as_staff, departments = shape
    classes = Class.objects.filter(school_id=school_id)
    if whole:
        return classes
    scope = Q(pk__in=[])
    if as_staff:
        scope |= Q(staff_links__staff_id=staff_id) | Q(groups__supporters=staff_id)
    if departments:
        scope |= Q(subjects__department_id__in=departments)
    return classes.filter(scope).distinct()


# Every class page asks it: built and compiled once a shape (nextsteps.ops.prepared).
VISIBLE_CLASS = Prepared(
    lambda shape, *, school_id, staff_id, class_id: (
        _classes(shape, school_id=school_id, staff_id=staff_id)
        .filter(pk=class_id)
        .order_by("pk")[:1]
    ),
    values=["school_id", "staff_id", "class_id"],
)


def can_record_in(user: Actor, teaching_class: Class) -> bool:
    """Teachers of the class, its department's head and TAs (for their groups) record."""
    staff_id = staff_id_of(user)
    school = teaching_class.school
    if teaching_class.subjects.filter(department_id__in=hod_department_ids(user, school)).exists():
        return True
    if staff_id is None:
        return False
    if ClassStaff.objects.filter(teaching_class=teaching_class, staff_id=staff_id).exists():
        return True
    return PupilGroup.objects.filter(teaching_class=teaching_class, supporters=staff_id).exists()


def recording_rule(user: Actor, school: School) -> Q:
    """The rule of `can_record_in` as a filter on classes: the classes of the person's
    departments, those they are staff of and those with a group they support."""
    rule = Q(subjects__department_id__in=hod_department_ids(user, school))
    staff_id = staff_id_of(user)
    if staff_id is not None:
        rule |= Q(staff_links__staff_id=staff_id) | Q(groups__supporters=staff_id)
    return rule


def teaching_rule(user: Actor, school: School) -> Q:
    """The rule of `teaches` as a filter on classes: the classes of the person's departments
    and those they are a teacher of (not a teaching assistant)."""
    rule = Q(subjects__department_id__in=hod_department_ids(user, school))
    staff_id = staff_id_of(user)
    if staff_id is not None:
        rule |= Q(staff_links__staff_id=staff_id, staff_links__role=ClassStaff.Role.TEACHER)
    return rule


def teaches(user: Actor, teaching_class: Class) -> bool:
    """A teacher of the class (not a teaching assistant), or its department's head."""
    school = teaching_class.school
    if teaching_class.subjects.filter(department_id__in=hod_department_ids(user, school)).exists():
        return True
    staff_id = staff_id_of(user)
    return (
        staff_id is not None
        and ClassStaff.objects.filter(
            teaching_class=teaching_class, staff_id=staff_id, role=ClassStaff.Role.TEACHER
        ).exists()
    )


def access_class_as_teacher(user: Actor, school: School, class_id: int) -> Class:
    """A class the user teaches (for sign-in cards, class set-up), else 404."""
    mark_asked()
    teaching_class = access_class(user, school, class_id)
    if not teaches(user, teaching_class):
        raise Http404("No such class")
    return teaching_class


def teaches_pupil(user: Actor, school: School, pupil: Pupil) -> bool:
    """Whether the user teaches the pupil now: a teacher (or head of department) of a class
    the pupil is in today."""
    mark_asked()
    today = timezone.localdate()
    classes = classes_for(user, school).filter(
        Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today),
        enrolments__pupil=pupil,
        enrolments__starts_on__lte=today,
    )
    return any(teaches(user, teaching_class) for teaching_class in classes)


def recordable_pupil_ids(user: Actor, teaching_class: Class) -> set[int] | None:
    """Pupils this user may record for in the class; None means every pupil in it.

    A teaching assistant who is not a teacher of the class records only for the pupils in
    the groups they support.
    """
    mark_asked()
    staff_id = staff_id_of(user)
    school = teaching_class.school
    departments = hod_department_ids(user, school)
    if departments and teaching_class.subjects.filter(department_id__in=departments).exists():
        return None
    if staff_id is None:
        return set()
    link = CLASS_STAFF_LINK.first(class_id=teaching_class.pk, staff_id=staff_id)
    if link is not None and link.role == ClassStaff.Role.TEACHER:
        return None
    today = timezone.localdate()
    return set(
        PupilGroup.objects.filter(teaching_class=teaching_class, supporters=staff_id)
        .filter(Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today))
        .values_list("memberships__pupil_id", flat=True)
    ) - {None}


# The markbook page asks it every time: built and compiled once.
CLASS_STAFF_LINK = Prepared(
    lambda shape, *, class_id, staff_id: ClassStaff.objects.filter(
        teaching_class_id=class_id, staff_id=staff_id
    ).order_by("pk")[:1],
    values=["class_id", "staff_id"],
)


def access_class_pupil(
    user: Actor, teaching_class: Class, pupil_id: int, *, write: bool = False
) -> Pupil:
    """A pupil currently in the class; with write, one this user may record for.

    A pupil outside the class is not found (404); a teaching assistant asking to record for a
    pupil outside the groups they support is refused (403) with the reason.
    """
    mark_asked()
    today = timezone.localdate()
    pupil = (
        Pupil.objects.filter(
            pk=pupil_id,
            school_id=teaching_class.school_id,
            enrolments__teaching_class=teaching_class,
            enrolments__starts_on__lte=today,
        )
        .filter(Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today))
        .first()
    )
    if pupil is None:
        raise Http404("No such pupil in this class")
    if write:
        allowed = recordable_pupil_ids(user, teaching_class)
        if allowed is not None and pupil.pk not in allowed:
            raise PermissionDenied(
                _("You record only for the groups you support; %(name)s is not in them.")
                % {"name": pupil.name}
            )
    return pupil


def recording_enrolment(user: Actor, school: School, class_id: int, pupil_id: int) -> Any | None:
    """The pupil's current enrolment in a class, with the class and the pupil, when the user may
    see the class and record for this pupil in it: the rules of `access_class`,
    `can_record_in` and `access_class_pupil(write=True)` together, in one query (the
    markbook's keystrokes ask this). None when any of them says no; ask those for the reason.
    """
    mark_asked()
    staff_id = staff_id_of(user)
    departments = tuple(sorted(hod_department_ids(user, school)))
    # A class's staff see it (`classes_for`) when they see the whole school or teach, lead a
    # department or assist in it; a department's head sees their department's classes. So
    # whoever one of these rules lets record also sees the class, and no query need ask.
    sees_as_staff = sees_whole_school(user, school) or bool(
        roles_in(user, school) & {Role.TEACHER, Role.HOD, Role.TA}
    )
    as_staff = staff_id is not None and sees_as_staff
    if not departments and not as_staff:
        return None
    return RECORDING_ENROLMENT.first(
        (departments, as_staff),
        class_id=class_id,
        pupil_id=pupil_id,
        school_id=school.pk,
        staff_id=staff_id or 0,  # not in the statement of a head who is not staff
        today=timezone.localdate(),
    )


def _recording_enrolment(
    shape: tuple[tuple[int, ...], bool],
    *,
    class_id: int,
    pupil_id: int,
    school_id: int,
    staff_id: int,
    today: dt.date,
) -> QuerySet[Any]:
    """`recording_enrolment`'s statement for a head of these departments (none: not one)
    and, when `as_staff`, a member of staff who may record as a class's teacher or in the
    groups they support."""
    from nextsteps.teaching.models import Enrolment, GroupMembership

    departments, as_staff = shape
    class_ref = OuterRef("teaching_class_id")
    may_record = []
    if departments:  # its department's head: every pupil
        may_record.append(
            Exists(
                Class.subjects.through.objects.filter(
                    class_id=class_ref, subject__department_id__in=departments
                )
            )
        )
    if as_staff:  # a teacher of the class: every pupil; a teaching assistant: their groups
        may_record.append(
            Exists(
                ClassStaff.objects.filter(
                    teaching_class_id=class_ref, staff_id=staff_id, role=ClassStaff.Role.TEACHER
                )
            )
        )
        may_record.append(
            Exists(
                GroupMembership.objects.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=today),
                    group__teaching_class_id=class_ref,
                    group__supporters=staff_id,
                    pupil_id=OuterRef("pupil_id"),
                )
            )
        )
    rule = Q(may_record[0])
    for other in may_record[1:]:
        rule |= Q(other)
    return (
        Enrolment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            rule,
            teaching_class_id=class_id,
            teaching_class__school_id=school_id,
            pupil_id=pupil_id,
            pupil__school_id=school_id,
            starts_on__lte=today,
        )
        .select_related("teaching_class", "pupil")
        .order_by("pk")[:1]
    )


# The markbook's keystroke asks it every time: built and compiled once a shape.
RECORDING_ENROLMENT = Prepared(
    _recording_enrolment,
    values=["class_id", "pupil_id", "school_id", "staff_id", "today"],
)


# ---------------------------------------------------------------------------- pupils


def pupils_for(user: Actor, school: School) -> QuerySet[Pupil]:
    """Pupils the user may see in this school."""
    mark_asked()
    pupils = Pupil.objects.filter(school=school)
    if sees_whole_school(user, school):
        return pupils
    roles = roles_in(user, school)
    scope = Q(pk__in=[])
    if roles & {Role.TEACHER, Role.HOD, Role.TA}:
        today = timezone.localdate()
        current = Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today)
        class_ids = classes_for(user, school).values("pk")
        scope |= Q(enrolments__teaching_class__in=class_ids) & current
    if Role.GUARDIAN in roles:
        scope |= Q(guardian_links__guardian__user=user) & current_guardian_link()
    if Role.PUPIL in roles:
        scope |= Q(user=user)
    return pupils.filter(scope).distinct()


def access_pupil(user: Actor, school: School, pupil_id: int) -> Pupil:
    """A pupil the user may see, else 404."""
    mark_asked()
    return found(pupils_for(user, school), "pupil", pk=pupil_id)


def current_guardian_link(prefix: str = "guardian_links__") -> Q:
    """A parent's link to a pupil that still holds: never ended, or ending today or later.
    An ended link (the MIS no longer lists the parent, or the pupil left) gives no access."""
    today = timezone.localdate()
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})


def children_of(user: Actor, school: School) -> QuerySet[Pupil]:
    mark_asked()
    return Pupil.objects.filter(
        Q(guardian_links__guardian__user=user) & current_guardian_link(), school=school
    ).distinct()


def own_pupil(user: Actor, school: School) -> Pupil:
    mark_asked()
    pupil = Pupil.objects.filter(school=school, user=signed_in_user(user)).first()
    if pupil is None:
        raise Http404("Not found")
    return pupil


def school_member(user: Actor, school: School) -> None:
    """Anyone with a role in the school (or leading its trust)."""
    mark_asked()
    if not roles_in(user, school) and not _leads_trust_of(user, school):
        raise Http404("Not found")


# ---------------------------------------------------------------------------- permission policies


class Action(enum.StrEnum):
    """The one vocabulary of what a person may do, shared by every app's permission policy.

    A policy names the actions it answers; asking one it does not answer is a programming
    error, raised at once rather than read as "no"."""

    VIEW = "view"  # see it, on a page or through the API
    CHANGE = "change"  # record, edit or remove it (what pages called write, edit, record)
    DECIDE = "decide"  # confirm or return what someone else proposed (a pupil's target)
    MANAGE = "manage"  # set it up for others: a test, a session, a school's settings
    ORGANISE = "organise"  # run a moderation or judging session


class Policy(abc.ABC, Generic[ModelT]):
    """Who may do what to one kind of row (after Wagtail's permission policies).

    Each domain app's `permissions.py` holds its policies; pages, API routes and templates ask
    them and never restate a rule. A policy says `scope` (the rows a person may act on in a
    school); `get` (one of them by id, else 404, so ids cannot be probed) and `can` (may this
    person act on this row) follow from it. A subclass overrides `can` where one row answers
    more cheaply than a query."""

    model: type[ModelT]
    noun: str = "row"
    actions: frozenset[Action] = frozenset({Action.VIEW})

    @abc.abstractmethod
    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[ModelT]:
        """The rows of this school this person may act on so."""

    def get(self, user: Actor, school: School, pk: int, action: Action = Action.VIEW) -> ModelT:
        self.check_action(action)
        return found(self.scope(user, school, action), self.noun, pk=pk)

    def can(self, user: Actor, action: Action, obj: ModelT) -> bool:
        self.check_action(action)
        mark_asked()
        school = School(pk=obj.school_id) if hasattr(obj, "school_id") else obj.school  # type: ignore[attr-defined]
        return self.scope(user, school, action).filter(pk=obj.pk).exists()

    def check_action(self, action: Action) -> None:
        if action not in self.actions:
            raise ImproperlyConfigured(
                f"{type(self).__name__} answers {sorted(self.actions)}, not {action!r}"
            )
