"""Reads for the home pages and the web shell's own pages: one function per home page,
returning what its template needs, and how far a school has come in setting up."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps import access
from nextsteps.accounts.models import Actor, signed_in_user
from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum.models import Framework, ScaleLevel
from nextsteps.feedback import selectors as feedback
from nextsteps.markbook.models import AssessmentPoint, Judgement
from nextsteps.people.models import Guardian, Pupil, SenStatus, Staff, year_label
from nextsteps.policy.models import PolicyDocument
from nextsteps.policy.selectors import reminders as policy_reminders
from nextsteps.reports.report_selectors import released_reports
from nextsteps.schools.models import Department, School, Trust
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup
from nextsteps.teaching.selectors import class_cards

# ---------------------------------------------------------------------------- where to go


def first_trust(user: Actor) -> Trust | None:
    """The first trust (by name) the person leads, for someone with no role in a school."""
    return Trust.objects.filter(pk__in=access.trust_ids(user)).order_by("name").first()


# ---------------------------------------------------------------------------- staff homes


def teacher_home(user: Actor, school: School) -> dict[str, Any]:
    """The classes the teacher teaches, as cards, and their day's feedback to give."""
    classes = access.classes_for(user, school)
    staff = getattr(user, "staff", None)
    taught = (
        classes.filter(staff_links__staff=staff, staff_links__role=ClassStaff.Role.TEACHER)
        if staff
        else classes.none()
    )
    return {
        "classes": class_cards(taught),
        "staff": staff,
        "day": feedback.teacher_day(user, school.pk),
    }


def _current_membership() -> Q:
    today = timezone.localdate()
    return Q(memberships__starts_on__lte=today) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)
    )


def ta_home(user: Actor, school: School) -> dict[str, Any]:
    """The groups a teaching assistant supports (with how many pupils each has today) and
    the classes they see."""
    staff = getattr(user, "staff", None)
    groups = (
        PupilGroup.objects.filter(school=school, supporters=staff)
        .select_related("teaching_class")
        .annotate(pupil_count=Count("memberships", filter=_current_membership(), distinct=True))
        if staff
        else PupilGroup.objects.none()
    )
    classes = class_cards(access.classes_for(user, school))
    return {"groups": list(groups), "classes": classes, "staff": staff}


def _pupil_counts() -> dict[str, Count]:
    return {
        "total": Count("pk"),
        "disadvantaged": Count("pk", filter=Q(disadvantaged=True)),
        "sen": Count("pk", filter=~Q(sen_status=SenStatus.NONE)),
        "eal": Count("pk", filter=Q(eal=True)),
    }


def leader_home(school: School) -> dict[str, Any]:
    """The school at a glance: its pupils (and by year), departments, frameworks, classes,
    staff, and the policy reminders for the whole school."""
    pupils = Pupil.objects.filter(school=school, leaving_date__isnull=True)
    totals = pupils.aggregate(**_pupil_counts())
    by_year = [
        {"label": year_label(row["year_group"]), **row}
        for row in pupils.values("year_group").annotate(**_pupil_counts()).order_by("year_group")
    ]
    departments = Department.objects.filter(school=school).annotate(
        subject_count=Count("subjects", distinct=True)
    )
    frameworks = (
        Framework.objects.filter(school=school)
        .select_related("subject")
        .annotate(objective_count=Count("objectives"))
    )
    return {
        "totals": totals,
        "by_year": by_year,
        "departments": list(departments),
        "frameworks": list(frameworks),
        "class_count": Class.objects.filter(school=school).count(),
        "staff_count": Staff.objects.filter(school=school).count(),
        "policy_reminders": policy_reminders(school, whole_school=True),
    }


def hod_home(user: Actor, school: School) -> dict[str, Any]:
    """A head of department's departments, their classes, frameworks and teachers, and the
    policy reminders for the departments."""
    department_ids = access.hod_department_ids(user, school)
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
    return {
        "departments": departments,
        "classes": class_cards(classes),
        "frameworks": list(frameworks),
        "teachers": list(teachers),
        "policy_reminders": policy_reminders(school, department_ids=department_ids),
    }


def admin_home(school: School) -> dict[str, Any]:
    """How much the school holds, pupils without accounts, and the latest audit events."""
    counts = {
        _("Pupils"): Pupil.objects.filter(school=school).count(),
        _("Staff"): Staff.objects.filter(school=school).count(),
        _("Parents and carers"): Guardian.objects.filter(school=school).count(),
        _("Classes"): Class.objects.filter(school=school).count(),
        _("Frameworks"): Framework.objects.filter(school=school).count(),
    }
    without_accounts = Pupil.objects.filter(school=school, user__isnull=True).count()
    recent = list(AuditEvent.objects.filter(school=school).select_related("actor")[:8])
    return {"counts": counts, "without_accounts": without_accounts, "recent": recent}


# ---------------------------------------------------------------------------- pupils and parents


def pupil_home(pupil: Pupil, user: Actor) -> dict[str, Any]:
    """The pupil's own home, "My learning": goals with steps and examples, targets,
    feedback and what is new."""
    return feedback.my_learning(pupil, user)


def _current_enrolment() -> Q:
    today = timezone.localdate()
    return Q(enrolments__starts_on__lte=today) & (
        Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today)
    )


def guardian_home(user: Actor, school: School) -> dict[str, Any]:
    """A parent's children at the school, each with their form class and its staff."""
    children = list(access.children_of(user, school).order_by("legal_forename"))
    class_rows = list(
        Class.objects.filter(
            _current_enrolment(), enrolments__pupil__in=children, kind=Class.Kind.FORM
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
    guardian = Guardian.objects.filter(school=school, user=signed_in_user(user)).first()
    return {"children": children, "guardian": guardian}


def guardian_child(pupil: Pupil, guardian: Guardian | None, school: School) -> dict[str, Any]:
    """The parent's page of one child: only what is shared with parents (goals, targets,
    feedback, next steps, tips), their own answers, released reports and voice notes."""
    page = feedback.child_page(pupil)
    answers = feedback.parent_answers(
        pupil, guardian, intentions=page["intentions"], feedback=page["feedback"], school=school
    )
    return {
        **page,
        **answers,
        "reports": released_reports(pupil),
        "voice_notes": feedback.child_notes(pupil),
    }


# ---------------------------------------------------------------------------- help pages


def setup_progress(school: School) -> dict[str, Any]:
    """The counts the getting-started guide shows beside each step (one query per table)."""
    pupils = Pupil.objects.filter(school=school, leaving_date__isnull=True).aggregate(
        total=Count("pk"), with_accounts=Count("pk", filter=Q(user__isnull=False))
    )
    guardians = Guardian.objects.filter(school=school).aggregate(
        total=Count("pk"), with_accounts=Count("pk", filter=Q(user__isnull=False))
    )
    classes = list(
        Class.objects.filter(school=school)
        .annotate(pupil_count=Count("enrolments", distinct=True))
        .order_by("name")
    )
    return {
        "pupils": pupils["total"],
        "pupils_with_accounts": pupils["with_accounts"],
        "classes": classes,
        "frameworks": Framework.objects.filter(school=school).count(),
        "assessment_points": AssessmentPoint.objects.filter(school=school).count(),
        "policy_versions": PolicyDocument.objects.filter(school=school).count(),
        "judgements": Judgement.objects.filter(school=school).count(),
        "guardians": guardians["total"],
        "guardians_with_accounts": guardians["with_accounts"],
    }


def sample_levels(school: School, *, limit: int = 4) -> list[ScaleLevel]:
    """The first levels of the school's scales, for the style page's examples."""
    return list(ScaleLevel.objects.filter(school=school).order_by("scale", "position")[:limit])
