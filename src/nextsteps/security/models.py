"""A school's security and data-protection settings: second factor for staff, retention."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.schools.models import School

DEFAULT_LEAVER_RETENTION_MONTHS = 24


class SchoolSecurity(models.Model):
    """One row per school (created on first save; absent means the defaults).

    Not a `TenantModel`: the school is the primary key here, so that the access module can
    load it with a person's memberships in the same query (`school__security`).
    """

    school = models.OneToOneField(
        School, primary_key=True, on_delete=models.CASCADE, related_name="security"
    )
    staff_second_factor_required = models.BooleanField(
        _("staff must use two-step sign-in"),
        default=False,
        help_text=_(
            "Staff without an authenticator app are asked to set one up before they can "
            "open any page."
        ),
    )
    leaver_retention_months = models.PositiveSmallIntegerField(
        _("keep leavers' data for (months)"),
        default=DEFAULT_LEAVER_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
        help_text=_(
            "After a pupil's leaving date, their records are kept for this many months and "
            "then erased by the retention run."
        ),
    )
    privacy_contact = models.CharField(
        _("data protection contact"),
        max_length=200,
        blank=True,
        help_text=_("Who parents and staff contact about their data (the school's DPO)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("school security settings")
        verbose_name_plural = _("school security settings")

    def __str__(self) -> str:
        return str(_("Security settings for %(school)s") % {"school": self.school_id})


def security_for(school: School) -> SchoolSecurity:
    """The school's settings, or unsaved defaults when it has none yet."""
    try:
        return school.security
    except SchoolSecurity.DoesNotExist:
        return SchoolSecurity(school=school)


class SignInFailure(models.Model):
    """A wrong password, kept for an hour to slow password guessing (`sign_in_throttle`).

    In the database, not a server's memory, so that every web server counts the same failures.
    """

    username = models.CharField(_("user name"), max_length=150)
    address = models.CharField(_("address"), max_length=45)
    device = models.CharField(_("device"), max_length=32, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["address", "at"], name="security_failure_address"),
            models.Index(fields=["username", "at"], name="security_failure_username"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
