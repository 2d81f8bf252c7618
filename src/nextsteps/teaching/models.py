"""Teaching: classes with their staff, dated enrolments, and groups inside a class."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil, Staff
from nextsteps.schools.models import AcademicYear, Subject, TenantModel


class Class(TenantModel):
    """A teaching group or a form, for one academic year."""

    class Kind(models.TextChoices):
        TEACHING = "teaching", _("Teaching group")
        FORM = "form", _("Form or registration group")

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="classes"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEACHING)
    year_group = models.SmallIntegerField(_("year group"), null=True, blank=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="classes")
    staff = models.ManyToManyField(Staff, through="ClassStaff", related_name="classes")

    class Meta:
        ordering = ["year_group", "name"]
        verbose_name_plural = "classes"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="class_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClassStaff(TenantModel):
    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        TA = "ta", _("Teaching assistant")

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="staff_links")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="class_links")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.TEACHER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teaching_class", "staff"], name="class_staff_unique"),
        ]


class Enrolment(TenantModel):
    """A pupil in a class from a date, until a date (open while they are still in it)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="enrolments")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="enrolment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["teaching_class", "ends_on"])]


class PupilGroup(TenantModel):
    """An ability or focus group inside a class; its membership is dated so history is kept."""

    class Kind(models.TextChoices):
        ABILITY = "ability", _("Ability group")
        FOCUS = "focus", _("Focus group")

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ABILITY)
    supporters = models.ManyToManyField(
        Staff,
        blank=True,
        related_name="supported_groups",
        help_text=_("Teaching assistants who work with this group"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["teaching_class", "name"], name="pupil_group_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.teaching_class})"


class GroupMembership(TenantModel):
    group = models.ForeignKey(PupilGroup, on_delete=models.CASCADE, related_name="memberships")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="group_memberships")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="group_membership_ends_after_start",
            ),
        ]
