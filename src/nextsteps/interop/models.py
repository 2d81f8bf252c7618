"""Data in and out: the identifiers other systems use for our rows, and a log of each run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.schools.models import TenantModel


class SourcedId(TenantModel):
    """A OneRoster `sourcedId` and the nextsteps row it stands for, in one school.

    `fingerprint` is a digest of the row as last imported: an unchanged row is skipped on the
    next import without loading what it maps to. Academic sessions are not tied to a school in
    OneRoster, so a session has one entry per school it was imported into.
    """

    class Kind(models.TextChoices):
        ORG = "org", _("Organisation")
        SESSION = "academicSession", _("Academic session")
        COURSE = "course", _("Course")
        CLASS = "class", _("Class")
        USER = "user", _("User")
        ENROLMENT = "enrollment", _("Enrolment")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sourced_id = models.CharField(_("sourcedId"), max_length=255)
    target = models.CharField(_("maps to"), max_length=40, help_text=_("app_label.model"))
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "sourced_id"], name="sourced_id_unique_per_school"
            ),
        ]
        indexes = [models.Index(fields=["school", "target", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.sourced_id} → {self.target} {self.object_id}"


class ImportRun(TenantModel):
    """One import or export, with what it changed (or would have, in a dry run)."""

    class Kind(models.TextChoices):
        ONEROSTER = "oneroster", _("OneRoster")
        CTF = "ctf", _("Common Transfer File")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")
        WONDE = "wonde", _("Wonde sync")
        ATTENDANCE = "attendance", _("Attendance")

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        DRY_RUN = "dry_run", _("Dry run")
        REFUSED = "refused", _("Refused")
        EXPORTED = "exported", _("Exported")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    summary = models.JSONField(_("summary"), default=dict)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_outcome_display()} {self.filename}"


class KeyStageResult(TenantModel):
    """A national curriculum assessment result from a Common Transfer File.

    Kept here because no progress-measures model holds raw key stage results; one row per
    pupil, key stage, subject, method and year, so a re-import replaces rather than repeats.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="key_stage_results")
    stage = models.CharField(_("key stage"), max_length=10, help_text=_("For example KS2"))
    locale = models.CharField(_("locale"), max_length=10, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("subject"), max_length=20)
    method = models.CharField(_("method"), max_length=20)
    component = models.CharField(_("component"), max_length=20, blank=True)
    result_qualifier = models.CharField(_("qualifier"), max_length=10, blank=True)
    result = models.CharField(_("result"), max_length=20)

    class Meta:
        ordering = ["pupil", "stage", "subject", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "stage", "year", "subject", "method", "component"],
                name="key_stage_result_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.subject} {self.method}: {self.result}"


class CharacteristicPeriod(TenantModel):
    """A dated spell of free school meals eligibility or SEN provision, from a transfer file.

    The pupil's current flags live on `Pupil`; this keeps the history a CTF carries, so that
    measures such as "FSM in the last six years" can be worked out and passed on.
    """

    class Kind(models.TextChoices):
        FSM = "fsm", _("Free school meals")
        SEN = "sen", _("Special educational needs")

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="characteristic_periods"
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=10, blank=True, help_text=_("SEN provision"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["pupil", "kind", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "kind", "starts_on"], name="characteristic_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} from {self.starts_on}"


class WondeLink(TenantModel):
    """A Wonde record's id and the nextsteps row it stands for, in one school."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student")
        EMPLOYEE = "employee", _("Employee")
        CONTACT = "contact", _("Contact")
        CLASS = "class", _("Class")
        GROUP = "group", _("Registration group")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    wonde_id = models.CharField(_("Wonde id"), max_length=40)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "wonde_id"], name="wonde_link_unique_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.wonde_id} → {self.object_id}"


class WondeSchool(TenantModel):
    """A school's Wonde connection: its Wonde id and when the last sync (not a dry run) began,
    so the next one asks only for what changed since."""

    wonde_id = models.CharField(_("Wonde id"), max_length=40)
    synced_from = models.DateTimeField(_("last sync began"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="wonde_school_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} ↔ {self.wonde_id}"
