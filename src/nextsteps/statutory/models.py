"""Statutory check results as the school receives or records them.

- `PhonicsResult`: one pupil's phonics screening check in one academic year (Year 1, or the
  Year 2 retake): a mark from 0 to 40, or the reason they did not take it; optionally the 40
  words marked one by one (`PhonicsItemMark`), for gap analysis.
- `PhonicsThreshold`: the threshold mark of a year the release does not ship yet, entered by
  the school when the STA publishes it.
- `PhonicsWord`: the school's own note of a word of a year's check (its position, real or
  pseudo, the word and the grapheme it tests), typed from its copy of the check; nextsteps
  ships no check words.
- `MtcResult`: a pupil's statutory multiplication tables check score (0 to 25), or the reason
  they did not take it.
- `BaselineRecord`: the Reception baseline assessment was administered on a date (or why not).
  There is deliberately no score: schools receive none.

Nothing here computes; the rules are in `rules.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.schools.models import TenantModel

ACADEMIC_YEAR_LENGTH = 7  # "2024/25"
REASON_LENGTH = 2


class ResultSource(models.TextChoices):
    """Where a statutory result came from: entered on its page, or read from a CTF."""

    ENTRY = "entry", _("Entered in nextsteps")
    CTF = "ctf", _("Common Transfer File")


class PhonicsResult(TenantModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="phonics_results")
    academic_year = models.CharField(_("academic year"), max_length=ACADEMIC_YEAR_LENGTH)
    year_group = models.PositiveSmallIntegerField(
        _("year group"), help_text=_("1, or 2 for the retake")
    )
    mark = models.PositiveSmallIntegerField(_("mark"), null=True, blank=True)
    not_taken = models.CharField(
        _("reason not taken"), max_length=REASON_LENGTH, blank=True, default=""
    )
    source = models.CharField(_("source"), max_length=10, choices=ResultSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("phonics screening check result")
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "academic_year"], name="phonics_result_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=0, mark__lte=40),
                name="phonics_mark_0_to_40",
            ),
            models.CheckConstraint(condition=Q(year_group__in=[1, 2]), name="phonics_year_1_or_2"),
            models.CheckConstraint(
                condition=(Q(mark__isnull=False) & Q(not_taken=""))
                | (Q(mark__isnull=True) & ~Q(not_taken="")),
                name="phonics_mark_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Phonics {self.academic_year}: {self.pupil_id}"


class PhonicsItemMark(TenantModel):
    result = models.ForeignKey(PhonicsResult, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("word"))
    kind = models.CharField(
        _("kind"),
        max_length=6,
        choices=[("real", _("real word")), ("pseudo", _("pseudo-word"))],
    )
    correct = models.BooleanField(_("read correctly"))

    class Meta:
        verbose_name = _("phonics word mark")
        constraints = [
            models.UniqueConstraint(fields=["result", "position"], name="phonics_item_once"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=40), name="phonics_item_1_to_40"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} word {self.position}"


class PhonicsThreshold(TenantModel):
    """A year's threshold mark entered by the school (source: entered by the school)."""

    academic_year = models.CharField(_("academic year"), max_length=ACADEMIC_YEAR_LENGTH)
    threshold = models.PositiveSmallIntegerField(_("threshold mark"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("phonics threshold mark entered by the school")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year"], name="phonics_threshold_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=40), name="phonics_threshold_0_40"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.academic_year}: {self.threshold}"


class PhonicsWord(TenantModel):
    """The school's note of one word of a year's check, from its own copy of the check."""

    academic_year = models.CharField(_("academic year"), max_length=ACADEMIC_YEAR_LENGTH)
    position = models.PositiveSmallIntegerField(_("word"))
    kind = models.CharField(_("kind"), max_length=6)
    word = models.CharField(_("word"), max_length=40, blank=True)
    grapheme = models.CharField(_("grapheme tested"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("phonics check word")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "position"], name="phonics_word_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=40), name="phonics_word_1_to_40"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.academic_year} word {self.position}"


class MtcResult(TenantModel):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="mtc_results")
    academic_year = models.CharField(_("academic year"), max_length=ACADEMIC_YEAR_LENGTH)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    not_taken = models.CharField(
        _("reason not taken"), max_length=REASON_LENGTH, blank=True, default=""
    )
    source = models.CharField(_("source"), max_length=10, choices=ResultSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("multiplication tables check result")
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "academic_year"], name="mtc_result_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=25),
                name="mtc_score_0_to_25",
            ),
            models.CheckConstraint(
                condition=(Q(score__isnull=False) & Q(not_taken=""))
                | (Q(score__isnull=True) & ~Q(not_taken="")),
                name="mtc_score_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"MTC {self.academic_year}: {self.pupil_id}"


class BaselineRecord(TenantModel):
    """The Reception baseline assessment: administered on a date, or why not. No score."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="baseline_records")
    academic_year = models.CharField(_("academic year"), max_length=ACADEMIC_YEAR_LENGTH)
    administered_on = models.DateField(_("administered on"), null=True, blank=True)
    not_administered = models.CharField(
        _("reason not administered"), max_length=REASON_LENGTH, blank=True, default=""
    )
    source = models.CharField(_("source"), max_length=10, choices=ResultSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("Reception baseline record")
        indexes = [models.Index(fields=["school", "academic_year"])]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "academic_year"], name="baseline_once"),
            models.CheckConstraint(
                condition=(Q(administered_on__isnull=False) & Q(not_administered=""))
                | (Q(administered_on__isnull=True) & ~Q(not_administered="")),
                name="baseline_date_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Baseline {self.academic_year}: {self.pupil_id}"
