"""Who may read, write and release reports, make their PDFs and read the dashboards.

Built from the access core. A pupil's report: staff who see the pupil read it, drafts
included; the pupil and their parents read only what has been released. Its teacher's words
are written by those who teach the pupil now (a teacher of one of their classes, or its
department's head, not a teaching assistant) and by whoever sees the whole school; only those
who see the whole school (leaders, administrators, the trust's leaders) release it. A class's
PDFs are made by staff who see the class; a year group's (which spans classes) and the
school's report settings belong to those who see the whole school.

The dashboards: the whole school's for those who see it, a class's for staff who see the
class, a department's for those who read its work (figures by teacher only for its head and
senior leaders), a trust's for its leaders.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nextsteps import access
from nextsteps.access import Action, Policy
from nextsteps.accounts.models import Actor, Role
from nextsteps.people.models import Pupil
from nextsteps.reports.models import Report, ReportBatch, ReportSettings
from nextsteps.schools.models import Department, School, Trust
from nextsteps.teaching.models import Class, ClassStaff


def reads_drafts(user: Actor, school: School) -> bool:
    """Staff read drafts and every released version; families only the latest release."""
    return access.is_staff_in(user, school)


class ReportPolicy(Policy[Report]):
    """A pupil's report for a period: VIEW to read it, CHANGE to write the teacher's words,
    DECIDE to release it to parents. A report is a row only once its words are written, so
    the pages ask about the pupil (`reader`, `can_for_pupil`) or the class (`can_for_class`)."""

    model = Report
    noun = "report"
    actions = frozenset({Action.VIEW, Action.CHANGE, Action.DECIDE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[Report]:
        self.check_action(action)
        access.mark_asked()
        reports = Report.objects.filter(school=school)
        if access.sees_whole_school(user, school):
            return reports
        if action == Action.DECIDE:
            return reports.none()
        if action == Action.CHANGE:
            return reports.filter(pupil__in=self._taught_pupils(user, school).values("pk"))
        if reads_drafts(user, school):
            return reports.filter(pupil__in=access.pupils_for(user, school).values("pk"))
        return reports.filter(
            pupil__in=self._family_pupils(user, school).values("pk"), released_at__isnull=False
        )

    def _taught_pupils(self, user: Actor, school: School) -> QuerySet[Pupil]:
        """Pupils in a class the user teaches now (`access.teaches_pupil`, as one query)."""
        today = timezone.localdate()
        staff = getattr(user, "staff", None)
        taught = Q(subjects__department_id__in=access.hod_department_ids(user, school))
        if staff is not None:
            taught |= Q(staff_links__staff_id=staff.pk, staff_links__role=ClassStaff.Role.TEACHER)
        classes = access.classes_for(user, school).filter(taught)
        # One filter, so that one enrolment answers every condition.
        return Pupil.objects.filter(
            Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=today),
            school=school,
            enrolments__teaching_class__in=classes.values("pk"),
            enrolments__starts_on__lte=today,
        ).distinct()

    def _family_pupils(self, user: Actor, school: School) -> QuerySet[Pupil]:
        """A parent's children, and a pupil themself (a pupil with a sign-in)."""
        return access.children_of(user, school) | access.pupils_for(user, school).filter(
            user__isnull=False
        )

    def reader(self, user: Actor, school: School, pupil_id: int) -> tuple[Pupil, bool]:
        """The pupil whose reports the user reads, and whether they read drafts (staff) or
        only released reports (the pupil and their parents); else 404."""
        access.mark_asked()
        if reads_drafts(user, school):
            return access.access_pupil(user, school, pupil_id), True
        family = access.children_of(user, school).filter(pk=pupil_id).first()
        if family is None:
            family = access.pupils_for(user, school).filter(user__isnull=False, pk=pupil_id).first()
        if family is None:
            raise Http404("No such pupil")
        return family, False

    def can_for_pupil(self, user: Actor, action: Action, school: School, pupil: Pupil) -> bool:
        """CHANGE: whether the user writes this pupil's report (a leader of the school, or a
        teacher or head of department of a class the pupil is in now). DECIDE: releases it."""
        self.check_action(action)
        access.mark_asked()
        if action == Action.DECIDE:
            return access.sees_whole_school(user, school)
        if action == Action.CHANGE:
            return access.sees_whole_school(user, school) or access.teaches_pupil(
                user, school, pupil
            )
        return reads_drafts(user, school) or (
            self._family_pupils(user, school).filter(pk=pupil.pk).exists()
        )

    def can_for_class(self, user: Actor, action: Action, teaching_class: Class) -> bool:
        """CHANGE: whether the user writes the comments on the reports of a class's pupils
        (its teachers, its department's head, those who see the whole school); DECIDE:
        whether they release them."""
        self.check_action(action)
        access.mark_asked()
        whole_school = access.sees_whole_school(user, teaching_class.school)
        if action == Action.DECIDE:
            return whole_school
        if action == Action.CHANGE:
            return whole_school or access.teaches(user, teaching_class)
        school = teaching_class.school
        return (
            access.is_staff_in(user, school)
            and access.classes_for(user, school).filter(pk=teaching_class.pk).exists()
        )

    def may_release(self, user: Actor, school: School) -> bool:
        """Releasing reports to parents is for those who see the whole school."""
        access.mark_asked()
        return access.sees_whole_school(user, school)

    def require_release(self, user: Actor, school: School) -> None:
        """Those who see the whole school release reports; refused (403) to other members."""
        access.require_whole_school(user, school)

    def get_class(
        self, user: Actor, school: School, class_id: int, action: Action = Action.VIEW
    ) -> Class:
        """A class whose reports the user reads (VIEW: staff who see it) or writes the
        comments for (CHANGE); refused (403) to anyone else in the school, else 404."""
        self.check_action(action)
        access.require_staff(user, school)
        teaching_class = access.access_class(user, school, class_id)
        if action == Action.CHANGE and not self.can_for_class(user, action, teaching_class):
            raise Http404("No such class")
        if action == Action.DECIDE:
            self.require_release(user, school)
        return teaching_class

    def require_year_group(self, user: Actor, school: School) -> None:
        """A year group's reports span classes: for those who see the whole school."""
        access.require_whole_school(user, school)


class ReportBatchPolicy(Policy[ReportBatch]):
    """A batch of report PDFs: a class's, for staff who see the class; a year group's, for
    those who see the whole school. VIEW reads its progress and its PDF; CHANGE starts one."""

    model = ReportBatch
    noun = "batch"
    actions = frozenset({Action.VIEW, Action.CHANGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[ReportBatch]:
        self.check_action(action)
        access.mark_asked()
        batches = ReportBatch.objects.filter(school=school)
        if access.sees_whole_school(user, school):
            return batches
        if not access.is_staff_in(user, school):
            return batches.none()
        return batches.filter(teaching_class__in=access.classes_for(user, school).values("pk"))

    def get_for_class(
        self, user: Actor, school: School, teaching_class: Class, batch_id: int
    ) -> ReportBatch:
        """A batch of the class (already asked for with `reports.get_class`), else 404."""
        return access.found(
            ReportBatch.objects.filter(school=school, teaching_class=teaching_class),
            "batch",
            pk=batch_id,
        )

    def get_for_year(
        self, user: Actor, school: School, year_group: int, batch_id: int
    ) -> ReportBatch:
        """A year group's batch, for those who see the whole school (403 to other members),
        else 404."""
        access.require_whole_school(user, school)
        return access.found(
            ReportBatch.objects.filter(
                school=school, teaching_class__isnull=True, year_group=year_group
            ),
            "batch",
            pk=batch_id,
        )


class ReportSettingsPolicy(Policy[ReportSettings]):
    """The school's choices for its reports (logo, sections): MANAGE, for those who see the
    whole school."""

    model = ReportSettings
    noun = "report settings"
    actions = frozenset({Action.MANAGE})

    def scope(self, user: Actor, school: School, action: Action) -> QuerySet[ReportSettings]:
        self.check_action(action)
        access.mark_asked()
        settings = ReportSettings.objects.filter(school=school)
        return settings if access.sees_whole_school(user, school) else settings.none()

    def require(self, user: Actor, school: School) -> None:
        """Refused (403) to members of the school who do not see the whole of it."""
        access.require_whole_school(user, school)


reports = ReportPolicy()
batches = ReportBatchPolicy()
report_settings = ReportSettingsPolicy()


# ---------------------------------------------------------------------------- pages


def require_school_member(user: Actor, school: School) -> None:
    """The information about reports is for anyone with a role in the school."""
    access.school_member(user, school)


def require_school_dashboard(user: Actor, school: School) -> None:
    """The whole school's dashboard: for those who see the whole school (403 to others)."""
    access.require_whole_school(user, school)


def dashboard_class(user: Actor, school: School, class_id: int) -> Class:
    """A class's dashboard: staff who see the class (403 to other members), else 404."""
    access.require_staff(user, school)
    return access.access_class(user, school, class_id)


def dashboard_department(user: Actor, school: School, department_id: int) -> Department:
    """A department's dashboard: for those who read the department's work, else 404."""
    return access.access_department(user, school, department_id)


def sees_teacher_comparison(user: Actor, school: School, department: Department) -> bool:
    """Figures by teacher, where the school's policy turns them on for a department: for the
    department's head and senior leaders (of the school or its trust), nobody else."""
    access.mark_asked()
    return department.pk in access.hod_department_ids(user, school) or access.has_role(
        user, school, Role.LEADER
    )


def sets_policy(user: Actor, school: School) -> bool:
    """Whether the department's page links to the school's policy settings."""
    return access.sees_whole_school(user, school)


def dashboard_trust(user: Actor, slug: str) -> Trust:
    """A trust the user leads, else 404."""
    return access.found(Trust.objects.filter(pk__in=access.trust_ids(user)), "trust", slug=slug)
