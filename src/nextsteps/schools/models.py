"""The organisation: trusts, schools, their years and terms, departments and subjects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        SECONDARY = "secondary", _("Secondary")
        ALL_THROUGH = "all-through", _("All-through")

    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    urn = models.PositiveIntegerField(_("URN"), unique=True, help_text=_("Unique reference number"))
    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    la_code = models.CharField(_("local authority number"), max_length=3, blank=True)
    estab = models.CharField(_("establishment number"), max_length=4, blank=True)
    establishment_type = models.CharField(_("type of establishment"), max_length=100, blank=True)
    local_authority = models.CharField(_("local authority"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegisteredEstablishment(models.Model):
    """A school as the DfE's register (Get Information about Schools) describes it.

    Imported from the user's own download of the establishments file; a school created in
    nextsteps, or by a sync, takes its name, phase, type and local authority from here.
    """

    urn = models.PositiveIntegerField(_("URN"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase of education"), max_length=60, blank=True)
    establishment_type = models.CharField(_("type of establishment"), max_length=100, blank=True)
    local_authority = models.CharField(_("local authority"), max_length=100, blank=True)
    la_code = models.CharField(_("local authority number"), max_length=3, blank=True)
    estab = models.CharField(_("establishment number"), max_length=4, blank=True)
    status = models.CharField(_("status"), max_length=60, blank=True)

    class Meta:
        ordering = ["urn"]

    def __str__(self) -> str:
        return f"{self.urn} {self.name}"


class TenantModel(models.Model):
    """A row that belongs to one school: the tenant key every query filters by."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class AcademicYear(TenantModel):
    name = models.CharField(_("name"), max_length=20, help_text=_("For example 2026/27"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="academic_year_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="academic_year_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(TenantModel):
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


class Department(TenantModel):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="subjects"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="subject_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
