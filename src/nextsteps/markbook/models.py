"""Evidence: judgements as append-only events, standings derived from them, assessment points."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, TenantModel
from nextsteps.teaching.models import Class


class JudgementSource(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    SELF = "self", _("Self-assessment")
    PEER = "peer", _("Peer assessment")
    TEST = "test", _("Test")
    MODERATION = "moderation", _("Moderation")
    COMPARATIVE_JUDGEMENT = "comparative_judgement", _("Comparative judgement")


# Self- and peer assessments are evidence the teacher sees beside their own; they never
# move the teacher's standing.
STANDING_SOURCES = (
    JudgementSource.TEACHER,
    JudgementSource.TEST,
    JudgementSource.MODERATION,
    JudgementSource.COMPARATIVE_JUDGEMENT,
)


class Method(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    CONVERSATION = "conversation", _("Conversation")
    QUESTIONING = "questioning", _("Questioning")
    TASK = "task", _("Task")
    BOOK_WORK = "book_work", _("Book work")
    TEST = "test", _("Test")


class Judgement(TenantModel):
    """An append-only event: a pupil showed an objective at a level.

    A correction or a withdrawal is a new event pointing at the one it replaces; nothing is
    overwritten or deleted, so the history of every cell can always be shown.
    """

    class Kind(models.TextChoices):
        RECORD = "record", _("Recorded")
        CORRECTION = "correction", _("Corrected")
        WITHDRAWAL = "withdrawal", _("Withdrawn")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="judgements")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="judgements")
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="judgements"
    )
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RECORD)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    source = models.CharField(_("source"), max_length=24, choices=JudgementSource.choices)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teaching_class = models.ForeignKey(
        Class, null=True, blank=True, on_delete=models.SET_NULL, related_name="judgements"
    )
    shown_at = models.DateTimeField(_("when the learning was shown"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was corrected or withdrawn")
    )
    # NULL, not "", when absent: the unique constraint must ignore judgements without a key.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # What the keyed request asked for (nextsteps.idempotency): the key sent again with a
    # different request is refused, not answered with this judgement.
    idempotency_digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["shown_at", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "idempotency_key"], name="judgement_unique_idempotency_key"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="withdrawal") | models.Q(level__isnull=False),
                name="judgement_level_unless_withdrawal",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="record") | models.Q(supersedes__isnull=False),
                name="judgement_correction_names_its_event",
            ),
        ]
        indexes = [
            models.Index(fields=["pupil", "objective", "shown_at"]),
            models.Index(fields=["school", "recorded_at"]),
            models.Index(fields=["teaching_class", "recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.objective.code} · {self.level or self.get_kind_display()}"


class Attachment(TenantModel):
    """A photo or file that backs a judgement (for example, a child's working)."""

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class Standing(TenantModel):
    """Where a pupil is on an objective, derived from the events; kept current on every write."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="standings")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="standings")
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mastered = models.BooleanField(null=True)
    evidence_count = models.PositiveIntegerField(default=0)
    last_evidence_at = models.DateTimeField(null=True, blank=True)
    last_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "objective"], name="standing_unique_cell"),
        ]
        indexes = [
            models.Index(fields=["objective", "pupil"]),
            models.Index(fields=["school", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.objective.code} · {self.value}"


class AssessmentPoint(TenantModel):
    """A dated point at which standings are snapshotted and locked, to compare like with like."""

    name = models.CharField(_("name"), max_length=100)
    date = models.DateField(_("date"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessment_points",
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "department", "name"],
                condition=models.Q(department__isnull=False),
                name="assessment_point_unique_in_department",
            ),
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=models.Q(department__isnull=True),
                name="assessment_point_unique_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class StandingSnapshot(TenantModel):
    point = models.ForeignKey(AssessmentPoint, on_delete=models.CASCADE, related_name="snapshots")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mastered = models.BooleanField(null=True)
    evidence_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["point", "pupil", "objective"], name="snapshot_unique_cell"
            ),
        ]
        indexes = [models.Index(fields=["point", "objective"])]

    def __str__(self) -> str:
        return f"{self.point} · {self.pupil} · {self.objective.code}"


class StandingSummary(TenantModel):
    """One pupil's standings on the core objectives of one subject and year group, counted:
    what the leaders' dashboards read instead of counting every standing on every view.

    Rows are keyed by the objectives' year group, not the pupil's, so a pupil moving year
    group needs no new counting: the dashboard picks the row of the pupil's year group as it
    reads. `summary_refresh` writes a whole school's rows at once; the school's
    StandingSummaryState says as of when.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey("schools.Subject", on_delete=models.CASCADE, related_name="+")
    year_group = models.SmallIntegerField()
    secure = models.PositiveIntegerField(default=0)
    working = models.PositiveIntegerField(default=0)
    recent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "subject", "year_group"], name="standing_summary_unique_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} · {self.subject_id} · Y{self.year_group}"


class StandingSummaryState(TenantModel):
    """How fresh a school's StandingSummary rows are.

    `computed_at` is the moment just before the statement that counted them: the figures are
    the standings committed by then, and "recent evidence" is counted back from then. The
    core objectives they were counted against are kept (`objectives`, and `objectives_key`
    to tell at a glance whether they still are the school's). A service that changes what
    counts without touching a standing's `updated_at` (deleting standings, say) raises
    `rebuild_requested`; a refresh records the request it has caught up with in `rebuilt`.
    """

    computed_at = models.DateTimeField(null=True, blank=True)
    objectives_key = models.CharField(max_length=64, blank=True, default="")
    objectives = models.JSONField(default=list, blank=True)
    rebuild_requested = models.PositiveIntegerField(default=0)
    rebuilt = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="standing_summary_state_one_a_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} as of {self.computed_at}"
