"""Curriculum frameworks: strands, objectives (learning intentions) and their steps; scales."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.kernels.spec import CALCULATION_METHODS, DIMENSIONS
from nextsteps.schools.models import Subject, TenantModel


class Scale(TenantModel):
    """Ordered levels with a mastery threshold; `kind` separates the pupils' own scale."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("Teacher judgement")
        SELF = "self", _("Pupil self-assessment")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEACHER)
    mastery_threshold = models.DecimalField(_("mastery threshold"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "kind"], name="scale_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(TenantModel):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2)
    colour = models.CharField(_("colour"), max_length=7, default="#6c757d")
    description = models.TextField(_("description"), blank=True)
    symbol = models.CharField(_("symbol"), max_length=8, blank=True)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "position"], name="scale_level_unique_position"
            ),
            models.UniqueConstraint(fields=["scale", "label"], name="scale_level_unique_label"),
            models.UniqueConstraint(fields=["scale", "value"], name="scale_level_unique_value"),
        ]

    def __str__(self) -> str:
        return self.label


class Framework(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="frameworks")
    version = models.CharField(_("version"), max_length=30, default="1")
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    calculation_method = models.CharField(
        _("calculation method"),
        max_length=20,
        choices=[(method, method.replace("_", " ")) for method in CALCULATION_METHODS],
        default="decaying_average",
    )
    calculation_parameter = models.PositiveSmallIntegerField(null=True, blank=True)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="frameworks")
    self_scale = models.ForeignKey(
        Scale, null=True, blank=True, on_delete=models.PROTECT, related_name="self_frameworks"
    )
    attribution = models.TextField(_("attribution"), blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)

    class Meta:
        ordering = ["subject__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name", "version"], name="framework_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Strand(TenantModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="strands")
    code = models.CharField(_("code"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="strand_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Objective(TenantModel):
    """A learning intention."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="objectives")
    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=120)
    wording = models.TextField(_("learning intention"))
    pupil_wording = models.TextField(_("in pupils' words"), blank=True)
    year_group = models.SmallIntegerField(_("year group"), null=True, blank=True)
    key_stage = models.CharField(_("key stage"), max_length=4, blank=True)
    core = models.BooleanField(
        _("core"), default=False, help_text=_("In the scope of core learning")
    )
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=[(d, d.title()) for d in DIMENSIONS]
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="objective_unique_code"),
        ]
        indexes = [models.Index(fields=["framework", "year_group"])]

    def __str__(self) -> str:
        return f"{self.code} {self.wording}"

    @property
    def for_pupils(self) -> str:
        return self.pupil_wording or self.wording


class SuccessCriterion(TenantModel):
    """One ordered learning step, in "I can…" words."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="success_criteria"
    )
    position = models.PositiveSmallIntegerField()
    wording = models.TextField(_("step"))

    class Meta:
        ordering = ["objective", "position"]
        verbose_name_plural = "success criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "position"], name="criterion_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.wording


class Exemplar(TenantModel):
    """A piece of work that shows a standard to aim for."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="exemplars")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="exemplars/%Y/", blank=True)
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="exemplars"
    )

    class Meta:
        ordering = ["objective", "pk"]

    def __str__(self) -> str:
        return self.title
