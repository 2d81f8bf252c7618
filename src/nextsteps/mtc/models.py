"""Multiplication tables check practice: a pupil's attempts, every answer, and the access
arrangements a teacher (or the pupil) chose.

An attempt keeps the seed its form was made from (`check_form.form(seed)`), so the server
knows the facts asked without trusting the browser to say them. Answers are written once,
when the attempt is handed in; an attempt handed in is never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


class Colours(models.TextChoices):
    """Colour contrast for the practice screen, like the check's own options."""

    STANDARD = "standard", _("Black on white")
    CREAM = "cream", _("Black on cream")
    BLUE = "blue", _("Black on light blue")
    PEACH = "peach", _("Black on peach")
    GREEN = "green", _("Black on light green")
    DARK = "dark", _("Yellow on black")


class AccessArrangements(models.Model):
    """How the practice screen works for one pupil (the check's access arrangements)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE)
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="mtc_arrangements")
    next_button = models.BooleanField(
        _("a “Next” button instead of the automatic pause"), default=False
    )
    large_text = models.BooleanField(_("larger text"), default=False)
    colours = models.CharField(
        _("colours"), max_length=16, choices=Colours.choices, default=Colours.STANDARD
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("MTC access arrangements")
        verbose_name_plural = _("MTC access arrangements")

    def __str__(self) -> str:
        return f"MTC access arrangements for {self.pupil}"

    @property
    def changed(self) -> bool:
        """Whether anything differs from the standard screen."""
        return self.next_button or self.large_text or self.colours != Colours.STANDARD


class PracticeAttempt(models.Model):
    """One practice check: started when the form is made, finished when handed in."""

    school = models.ForeignKey(School, on_delete=models.CASCADE)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="mtc_attempts")
    seed = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # False when answered without the timer (the page with no JavaScript): the score is not
    # set against the pupil's best, and the fact map reads its right answers as slow.
    timed = models.BooleanField(default=True)
    next_button = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    idempotency_digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "idempotency_key"], name="mtc_attempt_unique_idempotency_key"
            ),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True) | models.Q(score__isnull=False),
                name="mtc_attempt_finished_has_score",
            ),
        ]
        indexes = [models.Index(fields=["pupil", "finished_at"])]

    def __str__(self) -> str:
        return f"MTC practice {self.pk} by {self.pupil}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class PracticeAnswer(models.Model):
    """One answer: the fact asked (a × b), what the pupil typed, and how long it took."""

    school = models.ForeignKey(School, on_delete=models.CASCADE)
    attempt = models.ForeignKey(PracticeAttempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()  # 0-based, practice questions first
    practice = models.BooleanField(default=False)  # a practice question (not marked)
    a = models.PositiveSmallIntegerField()  # the table
    b = models.PositiveSmallIntegerField()  # the multiplier
    answer = models.CharField(max_length=3, blank=True)  # what was typed ("" for none)
    correct = models.BooleanField()
    time_ms = models.PositiveIntegerField(null=True, blank=True)  # None: answered untimed
    timed_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="mtc_answer_unique_position"
            ),
            models.CheckConstraint(
                condition=~models.Q(timed_out=True, correct=True),
                name="mtc_answer_timed_out_is_not_correct",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.a} × {self.b} = {self.answer or '—'}"
