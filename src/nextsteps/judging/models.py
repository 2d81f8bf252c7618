"""Moderation, standardisation and comparative judgement sessions.

Moderation: a sample of pupils' work on one objective (optionally at one standard), judged
blind by moderators, with agreed outcomes applied as judgements (source *moderation*).
Standardisation: moderators judge exemplars from the bank before moderating.
Comparative judgement: scripts judged in pairs; a Bradley–Terry scale is fitted from the
comparisons and its results become judgements (source *comparative judgement*).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.markbook.models import Attachment, Judgement
from nextsteps.people.models import Pupil, Staff
from nextsteps.schools.models import Department, TenantModel
from nextsteps.teaching.models import Class


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# --------------------------------------------------------------------------- moderation


class ModerationSession(TenantModel):
    """A sample of work on one objective, judged blind by two or more moderators."""

    class Sampling(models.TextChoices):
        RANDOM = "random", _("Random")
        STRATIFIED = "stratified", _("Stratified by teacher, class and standing")

    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="+")
    standard = models.ForeignKey(
        ScaleLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only pupils whose current standing is at this level"),
    )
    sampling = models.CharField(_("sampling"), max_length=12, choices=Sampling.choices)
    sample_size = models.PositiveSmallIntegerField(_("sample size"))
    standardise_first = models.BooleanField(_("judge exemplars before moderating"), default=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    seed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    participants = "moderators"  # the relation judging's permissions follow to invited staff

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_size__gte=2), name="moderation_sample_of_two_or_more"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Moderator(TenantModel):
    session = models.ForeignKey(
        ModerationSession, on_delete=models.CASCADE, related_name="moderators"
    )
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["staff__surname", "staff__forename"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="moderator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.session}"


class ModerationItem(TenantModel):
    """One pupil's work in the sample, with the teacher's judgement it checks (kept hidden)."""

    session = models.ForeignKey(ModerationSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teaching_class = models.ForeignKey(
        Class, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work_text = models.TextField(_("the work, in words"), blank=True)
    file = models.FileField(upload_to="moderation/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="item_unique_position"),
            models.UniqueConstraint(fields=["session", "pupil"], name="item_unique_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.position}"


class ModerationRating(TenantModel):
    """A moderator's blind judgement of one item."""

    item = models.ForeignKey(ModerationItem, on_delete=models.CASCADE, related_name="ratings")
    moderator = models.ForeignKey(Moderator, on_delete=models.CASCADE, related_name="ratings")
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "moderator"], name="rating_unique"),
        ]


class ModerationOutcome(TenantModel):
    """The level agreed for an item, with the reason; applied as a moderation judgement.

    An outcome rests on two independent levels, unless a leader agreed it without them and
    said why in `override_reason`.
    """

    item = models.OneToOneField(ModerationItem, on_delete=models.CASCADE, related_name="outcome")
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    override_reason = models.TextField(
        _("why it was agreed without two independent judgements"), blank=True
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class StandardisationRating(TenantModel):
    """A teacher's judgement of an exemplar whose standard is agreed, before moderating."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        ModerationSession,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="standardisation",
    )
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "exemplar", "staff"], name="standardisation_rating_unique"
            ),
        ]


# --------------------------------------------------------------------------- comparative


class CJSession(TenantModel):
    """A comparative judgement task: scripts, judges and a target number of judgements."""

    class Estimator(models.TextChoices):
        NMM = "nmm", _("No More Marking convention (every script finite)")
        MLE = "mle", _("Maximum likelihood")

    title = models.CharField(_("title"), max_length=200)
    task = models.TextField(_("task"), help_text=_("The question the pupils answered"))
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Results become judgements on this objective"),
    )
    target_per_script = models.PositiveSmallIntegerField(_("judgements per script"), default=20)
    adaptive = models.BooleanField(_("adaptive pairing"), default=False)
    estimator = models.CharField(
        _("estimator"), max_length=4, choices=Estimator.choices, default=Estimator.NMM
    )
    scaled_centre = models.DecimalField(
        _("scaled score at the centre"), max_digits=6, decimal_places=1, default=100
    )
    scaled_per_logit = models.DecimalField(
        _("scaled points per logit"), max_digits=6, decimal_places=2, default=10
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    seed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last fit, kept so that reports and adaptive pairing read it rather than refitting.
    fitted_at = models.DateTimeField(null=True, blank=True)
    fitted_comparisons = models.PositiveIntegerField(default=0)
    reliability = models.FloatField(null=True, blank=True)
    # Kinds of `fit_warnings` that qualify the reliability at the last fit, so that a list of
    # sessions can show the figure with its warning without reading every judgement.
    reliability_warnings = models.JSONField(default=list, blank=True)
    fit_problem = models.TextField(blank=True)
    results_applied_at = models.DateTimeField(null=True, blank=True)
    # Kept current by the services, so that choosing a pair reads them from the session row.
    script_count = models.PositiveIntegerField(default=0)
    comparison_count = models.PositiveIntegerField(default=0)

    participants = "judges"  # the relation judging's permissions follow to invited staff

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "comparative judgement session"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_per_script__gte=1, target_per_script__lte=100),
                name="cj_target_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(scaled_per_logit__gt=0), name="cj_scaled_per_logit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Script(TenantModel):
    """One piece of work in a session, shown to judges only by its code."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("Uploaded")
        EVIDENCE = "evidence", _("Pupil's evidence")
        EXEMPLAR = "exemplar", _("Exemplar at a standard")
        ANCHOR = "anchor", _("Anchor from an earlier session")

    session = models.ForeignKey(CJSession, on_delete=models.CASCADE, related_name="scripts")
    code = models.CharField(_("code"), max_length=12)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(upload_to="scripts/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    exemplar = models.ForeignKey(
        Exemplar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anchor_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anchor_theta = models.FloatField(null=True, blank=True)
    # The last fit (see CJSession.fitted_at).
    theta = models.FloatField(null=True, blank=True)
    se = models.FloatField(null=True, blank=True)
    infit = models.FloatField(null=True, blank=True)
    outfit = models.FloatField(null=True, blank=True)
    comparisons = models.PositiveIntegerField(default=0)
    wins = models.PositiveIntegerField(default=0)
    extreme = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="script_unique_code"),
            models.CheckConstraint(
                condition=~models.Q(kind="text") | ~models.Q(text=""),
                name="script_text_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Judge(TenantModel):
    session = models.ForeignKey(CJSession, on_delete=models.CASCADE, related_name="judges")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    infit = models.FloatField(null=True, blank=True)
    outfit = models.FloatField(null=True, blank=True)
    misfit = models.BooleanField(default=False)

    class Meta:
        ordering = ["staff__surname", "staff__forename"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="judge_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.session}"


class Comparison(TenantModel):
    """A judge chose `winner` from the pair shown (left and right as shown)."""

    session = models.ForeignKey(CJSession, on_delete=models.CASCADE, related_name="comparisons")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="comparisons")
    left = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField()
    decided_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(_("seconds taken"))
    token = models.CharField(max_length=32)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "token"], name="comparison_unique_token"),
            models.CheckConstraint(
                condition=~models.Q(left=models.F("right")), name="comparison_two_scripts"
            ),
            models.CheckConstraint(
                condition=models.Q(winner=models.F("left")) | models.Q(winner=models.F("right")),
                name="comparison_winner_shown",
            ),
            models.CheckConstraint(
                condition=models.Q(seconds__gte=0), name="comparison_seconds_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["session", "id"])]
