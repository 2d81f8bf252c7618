"""The web shell: home pages for each role, and the health check."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nextsteps import access
from nextsteps.accounts.models import Role, User
from nextsteps.curriculum.models import Framework
from nextsteps.people.models import Guardian, Pupil, SenStatus, Staff, year_label
from nextsteps.policy.selectors import reminders as policy_reminders
from nextsteps.schools.models import Department, School, Trust
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup
from nextsteps.teaching.selectors import class_cards


@access.public
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@access.signed_in
def home(request: HttpRequest) -> HttpResponse:
    """Send the person to the home page of their first role (a trust leader with no role in a
    school, to their trust's dashboard)."""
    memberships = access.memberships(request.user)
    if not memberships:
        trust = Trust.objects.filter(pk__in=access.trust_ids(request.user)).order_by("name").first()
        if trust is not None:
            return redirect("trust_dashboard", trust=trust.slug)
        return render(request, "web/no_roles.html", status=403)
    first = memberships[0]
    return redirect("role_home", urn=first.school.urn, role=first.role)


@access.signed_in
def role_home(request: HttpRequest, urn: int, role: str) -> HttpResponse:
    school = access.access_role(request.user, urn, role)
    builder = ROLE_HOMES[Role(role)]
    template, context = builder(request, school)
    context.update({"school": school, "role": role, "role_label": Role(role).label})
    return render(request, template, context)


def teacher_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    classes = access.classes_for(request.user, school)
    staff = getattr(request.user, "staff", None)
    taught = (
        classes.filter(staff_links__staff=staff, staff_links__role=ClassStaff.Role.TEACHER)
        if staff
        else classes.none()
    )
    from nextsteps.feedback.selectors import teacher_day

    return "web/home_teacher.html", {
        "classes": class_cards(taught),
        "staff": staff,
        "day": teacher_day(request.user, school.pk),
    }


def ta_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    staff = getattr(request.user, "staff", None)
    groups = (
        PupilGroup.objects.filter(school=school, supporters=staff)
        .select_related("teaching_class")
        .annotate(pupil_count=Count("memberships", filter=current_membership(), distinct=True))
        if staff
        else PupilGroup.objects.none()
    )
    classes = class_cards(access.classes_for(request.user, school))
    return "web/home_ta.html", {"groups": list(groups), "classes": classes, "staff": staff}


def current_membership() -> Q:
    from django.utils import timezone

    today = timezone.localdate()
    return Q(memberships__starts_on__lte=today) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)
    )


def leader_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    pupils = Pupil.objects.filter(school=school, leaving_date__isnull=True)
    totals = pupils.aggregate(
        total=Count("pk"),
        disadvantaged=Count("pk", filter=Q(disadvantaged=True)),
        sen=Count("pk", filter=~Q(sen_status=SenStatus.NONE)),
        eal=Count("pk", filter=Q(eal=True)),
    )
    by_year = [
        {"label": year_label(row["year_group"]), **row}
        for row in pupils.values("year_group")
        .annotate(
            total=Count("pk"),
            disadvantaged=Count("pk", filter=Q(disadvantaged=True)),
            sen=Count("pk", filter=~Q(sen_status=SenStatus.NONE)),
            eal=Count("pk", filter=Q(eal=True)),
        )
        .order_by("year_group")
    ]
    departments = Department.objects.filter(school=school).annotate(
        subject_count=Count("subjects", distinct=True)
    )
    frameworks = (
        Framework.objects.filter(school=school)
        .select_related("subject")
        .annotate(objective_count=Count("objectives"))
    )
    return "web/home_leader.html", {
        "totals": totals,
        "by_year": by_year,
        "departments": list(departments),
        "frameworks": list(frameworks),
        "class_count": Class.objects.filter(school=school).count(),
        "staff_count": Staff.objects.filter(school=school).count(),
        "policy_reminders": policy_reminders(school, whole_school=True),
    }


def hod_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    department_ids = access.hod_department_ids(request.user, school)
    departments = list(Department.objects.filter(pk__in=department_ids))
    classes = Class.objects.filter(
        school=school, subjects__department_id__in=department_ids
    ).distinct()
    frameworks = (
        Framework.objects.filter(school=school, subject__department_id__in=department_ids)
        .select_related("subject")
        .annotate(
            objective_count=Count("objectives", distinct=True),
            core_count=Count("objectives", filter=Q(objectives__core=True), distinct=True),
        )
    )
    teachers = (
        Staff.objects.filter(class_links__teaching_class__in=classes.values("pk"))
        .annotate(class_count=Count("class_links", distinct=True))
        .order_by("surname")
    )
    return "web/home_hod.html", {
        "departments": departments,
        "classes": class_cards(classes),
        "frameworks": list(frameworks),
        "teachers": list(teachers),
        "policy_reminders": policy_reminders(school, department_ids=department_ids),
    }


def pupil_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    """My learning: current goals with steps and examples, targets, feedback, what's new."""
    from nextsteps.feedback.selectors import my_learning

    pupil = access.own_pupil(request.user, school)
    return "web/home_pupil.html", my_learning(pupil, request.user)


def current_enrolment() -> Q:
    from django.utils import timezone

    today = timezone.localdate()
    return Q(enrolments__starts_on__lte=today) & (
        Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today)
    )


def guardian_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    children = list(access.children_of(request.user, school).order_by("legal_forename"))
    class_rows = list(
        Class.objects.filter(
            current_enrolment(), enrolments__pupil__in=children, kind=Class.Kind.FORM
        ).values_list("enrolments__pupil_id", "pk")
    )
    form_by_child: dict[int, int] = {}
    for pupil_id, class_id in class_rows:
        form_by_child.setdefault(pupil_id, class_id)
    forms = {
        c.pk: c
        for c in Class.objects.filter(pk__in=form_by_child.values()).prefetch_related(
            "staff_links__staff"
        )
    }
    for child in children:
        child.form = forms.get(form_by_child.get(child.pk, 0))  # type: ignore[attr-defined]
    guardian = Guardian.objects.filter(school=school, user=cast(User, request.user)).first()
    return "web/home_guardian.html", {"children": children, "guardian": guardian}


def admin_home(request: HttpRequest, school: School) -> tuple[str, dict[str, Any]]:
    counts = {
        _("Pupils"): Pupil.objects.filter(school=school).count(),
        _("Staff"): Staff.objects.filter(school=school).count(),
        _("Parents and carers"): Guardian.objects.filter(school=school).count(),
        _("Classes"): Class.objects.filter(school=school).count(),
        _("Frameworks"): Framework.objects.filter(school=school).count(),
    }
    without_accounts = Pupil.objects.filter(school=school, user__isnull=True).count()
    from nextsteps.audit.models import AuditEvent

    recent = list(AuditEvent.objects.filter(school=school).select_related("actor")[:8])
    return "web/home_admin.html", {
        "counts": counts,
        "without_accounts": without_accounts,
        "recent": recent,
    }


ROLE_HOMES = {
    Role.TEACHER: teacher_home,
    Role.TA: ta_home,
    Role.LEADER: leader_home,
    Role.HOD: hod_home,
    Role.PUPIL: pupil_home,
    Role.GUARDIAN: guardian_home,
    Role.ADMIN: admin_home,
}
