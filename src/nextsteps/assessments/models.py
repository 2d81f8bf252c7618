"""Tests and timed challenges.

An Assessment (a test, paper, quiz or end-of-unit task) is sat by one or more classes; its
Questions carry a maximum mark and the objectives they assess; a Mark is one pupil's marks on
one question. Score tables (raw → scaled, or raw and age → age-standardised) are loaded as
data with their year, each with its own attainment bands. Department thresholds turn the share
of marks gained on an objective into a level on the framework's scale. A Challenge ("against
the clock") collects Attempts, from which each pupil's personal best is derived.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, Subject, TenantModel
from nextsteps.teaching.models import Class


class ScoreTable(TenantModel):
    """A conversion table for one test and year, loaded from a file (see data/README.md)."""

    class Kind(models.TextChoices):
        SCALED = "scaled", _("Scaled score")
        STANDARDISED = "standardised", _("Age-standardised score")

    name = models.CharField(_("test"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence and attribution"), max_length=300, blank=True)
    max_raw = models.PositiveSmallIntegerField(_("highest raw mark"))
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name", "year"], name="score_table_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class ScoreTableEntry(TenantModel):
    """One row: a raw mark (at an age in months, for standardised tables) and its score."""

    table = models.ForeignKey(ScoreTable, on_delete=models.CASCADE, related_name="entries")
    raw_mark = models.PositiveSmallIntegerField()
    age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["table", "age_months", "raw_mark"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "raw_mark"],
                condition=models.Q(age_months__isnull=True),
                name="score_entry_unique_raw",
            ),
            models.UniqueConstraint(
                fields=["table", "raw_mark", "age_months"],
                condition=models.Q(age_months__isnull=False),
                name="score_entry_unique_raw_age",
            ),
        ]


class ScoreBand(TenantModel):
    """An attainment band: scores from `lowest` up to the next band's lowest."""

    table = models.ForeignKey(ScoreTable, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("band"), max_length=100)
    lowest = models.PositiveSmallIntegerField(_("from score"))

    class Meta:
        ordering = ["table", "lowest"]
        constraints = [
            models.UniqueConstraint(fields=["table", "lowest"], name="score_band_unique_lowest"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.lowest}+)"


class Assessment(TenantModel):
    class Kind(models.TextChoices):
        TEST = "test", _("Test")
        PAPER = "paper", _("Practice paper")
        QUIZ = "quiz", _("Quiz")
        END_OF_UNIT = "end_of_unit", _("End-of-unit task")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TEST)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    year_group = models.SmallIntegerField(_("year group"), null=True, blank=True)
    taken_on = models.DateField(_("date sat"))
    classes = models.ManyToManyField(Class, through="AssessmentClass", related_name="assessments")
    score_table = models.ForeignKey(
        ScoreTable,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name=_("score table"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name", "taken_on"], name="assessment_unique_name_date"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentClass(TenantModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="class_links")
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "teaching_class"], name="assessment_class_unique"
            ),
        ]


class Question(TenantModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("question"), max_length=20)
    max_marks = models.PositiveSmallIntegerField(_("marks available"))
    objectives = models.ManyToManyField(
        Objective, through="QuestionObjective", related_name="questions", blank=True
    )

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "position"], name="question_unique_position"
            ),
            models.UniqueConstraint(fields=["assessment", "label"], name="question_unique_label"),
            models.CheckConstraint(
                condition=models.Q(max_marks__gte=1, max_marks__lte=100),
                name="question_max_marks_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class QuestionObjective(TenantModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="objective_links")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "objective"], name="question_objective_unique"
            ),
        ]


class Mark(TenantModel):
    """A pupil's marks on one question; at most the question's maximum (checked on every write)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="marks")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="test_marks")
    marks = models.PositiveSmallIntegerField(_("marks"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "pupil"], name="mark_unique_cell"),
        ]
        indexes = [models.Index(fields=["assessment", "pupil"])]


class JudgementThreshold(TenantModel):
    """The share of marks on an objective from which a test counts as this level.

    Set by a department (or, with no department, for the whole school — a primary school).
    """

    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.ForeignKey(ScaleLevel, on_delete=models.CASCADE, related_name="+")
    min_percent = models.PositiveSmallIntegerField(_("from % of marks"))

    class Meta:
        ordering = ["level__scale", "min_percent"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "department", "level"],
                condition=models.Q(department__isnull=False),
                name="threshold_unique_in_department",
            ),
            models.UniqueConstraint(
                fields=["school", "level"],
                condition=models.Q(department__isnull=True),
                name="threshold_unique_in_school",
            ),
            models.CheckConstraint(
                condition=models.Q(min_percent__lte=100), name="threshold_percent_range"
            ),
        ]


class Challenge(TenantModel):
    """A timed challenge ("against the clock") pupils take again and again."""

    class Kind(models.TextChoices):
        TIMES_TABLES = "times_tables", _("Times tables")
        ARITHMETIC = "arithmetic", _("Arithmetic")
        SPELLING = "spelling", _("Spelling")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    max_score = models.PositiveSmallIntegerField(_("questions (highest score)"))
    time_limit_seconds = models.PositiveSmallIntegerField(_("time allowed (seconds)"))
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="challenge_unique_name"),
            models.CheckConstraint(
                condition=models.Q(max_score__gte=1, time_limit_seconds__gte=1),
                name="challenge_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Attempt(TenantModel):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attempts")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="challenge_attempts")
    score = models.PositiveSmallIntegerField(_("score"))
    seconds = models.PositiveSmallIntegerField(_("time taken (seconds)"))
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)
    teaching_class = models.ForeignKey(
        Class, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seconds__gte=1), name="attempt_time_positive"
            ),
        ]
        indexes = [models.Index(fields=["challenge", "pupil", "taken_at"])]
