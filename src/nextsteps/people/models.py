"""Pupils, staff and the parents and carers linked to pupils."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.schools.models import TenantModel


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Not recorded or other")


class SenStatus(models.TextChoices):
    NONE = "N", _("No special educational need")
    SUPPORT = "K", _("SEN support")
    EHCP = "E", _("Education, health and care plan")


class Pupil(TenantModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupil",
    )
    upn = models.CharField(_("UPN"), max_length=13, help_text=_("Unique pupil number"))
    legal_forename = models.CharField(_("legal forename"), max_length=100)
    legal_surname = models.CharField(_("legal surname"), max_length=100)
    preferred_forename = models.CharField(_("preferred forename"), max_length=100, blank=True)
    preferred_surname = models.CharField(_("preferred surname"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    year_group = models.SmallIntegerField(_("year group"), help_text=_("0 is Reception"))
    disadvantaged = models.BooleanField(_("disadvantaged (pupil premium)"), default=False)
    fsm = models.BooleanField(_("free school meals"), default=False)
    sen_status = models.CharField(
        _("SEN status"), max_length=1, choices=SenStatus.choices, default=SenStatus.NONE
    )
    eal = models.BooleanField(_("English as an additional language"), default=False)
    admission_date = models.DateField(_("admission date"))
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_unique_upn"),
            models.CheckConstraint(
                condition=models.Q(year_group__gte=-1, year_group__lte=14),
                name="pupil_year_group_range",
            ),
        ]
        indexes = [models.Index(fields=["school", "year_group"])]

    def __str__(self) -> str:
        return self.name

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def year_label(self) -> str:
        return year_label(self.year_group)


def year_label(year_group: int) -> str:
    if year_group == 0:
        return str(_("Reception"))
    if year_group < 0:
        return str(_("Nursery"))
    return str(_("Year %(n)d") % {"n": year_group})


class Staff(TenantModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    title = models.CharField(_("title"), max_length=20, blank=True)
    forename = models.CharField(_("forename"), max_length=100)
    surname = models.CharField(_("surname"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    code = models.CharField(_("staff code"), max_length=10, blank=True)

    class Meta:
        ordering = ["surname", "forename"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.title:
            return f"{self.title} {self.surname}"
        return f"{self.forename} {self.surname}"


class Guardian(TenantModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian",
    )
    title = models.CharField(_("title"), max_length=20, blank=True)
    forename = models.CharField(_("forename"), max_length=100)
    surname = models.CharField(_("surname"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    pupils = models.ManyToManyField(Pupil, through="GuardianLink", related_name="guardians")

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.title:
            return f"{self.title} {self.surname}"
        return f"{self.forename} {self.surname}"


class GuardianLink(TenantModel):
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(_("relationship"), max_length=50, blank=True)
    parental_responsibility = models.BooleanField(_("parental responsibility"), default=True)
    # The last day the link holds: the MIS no longer lists this parent for the pupil, or the
    # pupil left. An ended link is kept (never deleted) but gives the parent no access.
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "pupil"], name="guardian_link_unique"),
        ]


class AttendanceSource(models.TextChoices):
    """Where a pupil's attendance figures came from."""

    WONDE = "wonde", _("Wonde sync")
    FILE = "file", _("Imported file")
    DEMO = "demo", _("Demonstration data")


class Attendance(TenantModel):
    """A pupil's attendance over one academic year so far, as the MIS or a file states it.

    Context for the learning figures, not a register: the sessions possible and attended to
    the date the figures run to. Whether that is persistent absence is a national rule held as
    data (`people/data/persistent_absence.csv`).
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance")
    year_starting = models.PositiveSmallIntegerField(
        _("academic year"), help_text=_("The calendar year the academic year starts in")
    )
    possible_sessions = models.PositiveIntegerField(_("possible sessions"))
    attended_sessions = models.PositiveIntegerField(_("sessions attended"))
    as_of = models.DateField(_("figures to"))
    source = models.CharField(_("source"), max_length=10, choices=AttendanceSource.choices)

    class Meta:
        ordering = ["pupil", "-year_starting"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "year_starting"], name="attendance_unique"),
            models.CheckConstraint(
                condition=models.Q(attended_sessions__lte=models.F("possible_sessions")),
                name="attendance_attended_within_possible",
            ),
        ]
        indexes = [models.Index(fields=["school", "year_starting"])]

    def __str__(self) -> str:
        return (
            f"{self.pupil_id} {self.year_starting}: "
            f"{self.attended_sessions}/{self.possible_sessions}"
        )

    @property
    def percent(self) -> float | None:
        if not self.possible_sessions:
            return None
        return 100 * self.attended_sessions / self.possible_sessions
