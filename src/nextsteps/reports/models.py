"""A pupil's report for a period (a term or an assessment point), and batches of PDFs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.schools.models import TenantModel
from nextsteps.teaching.models import Class


class Report(TenantModel):
    """The teacher's draft words on a pupil's report for a period; its figures are read live.

    Releasing it freezes what it says into a ReportVersion, which is all that parents (and
    staff looking at a released report) see from then on. released_at is when its latest
    version was released (None: never released).
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(
        _("period"), max_length=100, help_text=_("For example Autumn term 2026")
    )
    comment = models.TextField(_("teacher's comment"), blank=True)
    home_help = models.TextField(_("how you can help at home"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(_("released to parents"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "period"], name="report_unique_pupil_period"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.period}"


class ReportVersion(TenantModel):
    """A released report exactly as it was released: the whole document (figures, strengths,
    next steps, targets, words, year group and period as at that moment) as JSON, so it never
    changes afterwards. A change is released as the next version; every version is kept."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("what the report says"))
    released_at = models.DateTimeField(_("released to parents"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="report_version_number_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"


class ReportBatch(TenantModel):
    """A run that renders every report for a class or a year group into one PDF, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    period = models.CharField(_("period"), max_length=100)
    teaching_class = models.ForeignKey(
        Class, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year_group = models.SmallIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.period} · {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 0 if not self.total else round(100 * self.done / self.total)


def _logo_path(instance: ReportSettings, filename: str) -> str:
    """Where a logo is kept: named by its content, so a file is never overwritten and a
    released report that names it keeps showing the logo it was released with."""
    return f"school-logos/{instance.school_id}/{filename}"


class ReportSettings(TenantModel):
    """How the school's reports to parents look: its logo and which sections they give.

    `hidden_sections` names the sections (documents.SECTIONS) the school leaves out; a new
    section is therefore shown until a school chooses to leave it out.
    """

    logo = models.FileField(_("school logo"), upload_to=_logo_path, blank=True)
    hidden_sections = models.JSONField(_("sections left out"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="report_settings_one_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · report settings"
