"""Prior attainment, outcomes and the reference tables that progress measures compare them with.

Results are kept as the school received them (a KS2 scaled score or its outcome code, a KS1
outcome code, Attainment 8 points or the grades behind them), so that a replaced reference
table — the year's nominal scores, the DfE's estimates — changes the figures without a
re-import. The maths is in the kernel (`measures.py`, `estimates.py`); nothing here computes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.progress.kernels.attainment8 import Kind
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.schools.models import School, TenantModel, Trust

OUTCOME_LENGTH = 8  # "104", "BLW", "2B", "EXS"
QUALIFICATION_KINDS = [
    (Kind.ENGLISH_LANGUAGE.value, _("English language")),
    (Kind.ENGLISH_LITERATURE.value, _("English literature")),
    (Kind.MATHS.value, _("Mathematics")),
    (Kind.EBACC.value, _("EBacc subject")),
    (Kind.OPEN.value, _("Open (other approved qualification)")),
]


class Ks1Result(TenantModel):
    """KS1 teacher assessment outcomes (levels up to 2015, frameworks from 2016)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="ks1_result")
    year = models.PositiveSmallIntegerField(_("year of the assessment"))
    reading = models.CharField(_("reading"), max_length=OUTCOME_LENGTH, blank=True)
    writing = models.CharField(_("writing"), max_length=OUTCOME_LENGTH, blank=True)
    maths = models.CharField(_("mathematics"), max_length=OUTCOME_LENGTH, blank=True)

    class Meta:
        verbose_name = _("KS1 result")
        indexes = [models.Index(fields=["school", "year"])]

    def __str__(self) -> str:
        return f"KS1 {self.year}: {self.pupil_id}"


class Ks2Result(TenantModel):
    """KS2 test results (scaled score or outcome code) and the writing teacher assessment."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="ks2_result")
    year = models.PositiveSmallIntegerField(_("year of the tests"))
    reading = models.CharField(_("reading"), max_length=OUTCOME_LENGTH, blank=True)
    maths = models.CharField(_("mathematics"), max_length=OUTCOME_LENGTH, blank=True)
    writing = models.CharField(_("writing"), max_length=OUTCOME_LENGTH, blank=True)

    class Meta:
        verbose_name = _("KS2 result")
        indexes = [models.Index(fields=["school", "year"])]

    def __str__(self) -> str:
        return f"KS2 {self.year}: {self.pupil_id}"


class Ks4Result(TenantModel):
    """Attainment 8 and its four elements (English and maths already double-weighted)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="ks4_result")
    year = models.PositiveSmallIntegerField(_("year of the exams"))
    attainment8 = models.DecimalField(_("Attainment 8"), max_digits=5, decimal_places=2)
    english = models.DecimalField(_("English element"), max_digits=4, decimal_places=2)
    maths = models.DecimalField(_("mathematics element"), max_digits=4, decimal_places=2)
    ebacc = models.DecimalField(_("EBacc element"), max_digits=4, decimal_places=2)
    open = models.DecimalField(_("open element"), max_digits=4, decimal_places=2)
    english_grade = models.DecimalField(
        _("best English grade"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The better of English language and English literature, for Basics."),
    )
    maths_grade = models.DecimalField(
        _("maths grade"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    from_grades = models.BooleanField(
        _("worked out from the pupil's grades"),
        default=False,
        help_text=_("The points were computed by nextsteps from the qualifications listed."),
    )

    class Meta:
        verbose_name = _("KS4 result")
        indexes = [models.Index(fields=["school", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(attainment8__gte=0, attainment8__lte=90),
                name="ks4_attainment8_range",
            ),
            models.CheckConstraint(
                condition=Q(english__gte=0, english__lte=18, maths__gte=0, maths__lte=18),
                name="ks4_double_elements_range",
            ),
            models.CheckConstraint(
                condition=Q(ebacc__gte=0, ebacc__lte=27, open__gte=0, open__lte=27),
                name="ks4_triple_elements_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(english_grade__isnull=True) | Q(english_grade__gte=0, english_grade__lte=9)
                )
                & (Q(maths_grade__isnull=True) | Q(maths_grade__gte=0, maths_grade__lte=9)),
                name="ks4_basics_grades_range",
            ),
        ]

    def __str__(self) -> str:
        return f"KS4 {self.year}: {self.pupil_id}"


class Ks4Qualification(TenantModel):
    """One qualification behind a pupil's Attainment 8 (after discounting)."""

    result = models.ForeignKey(Ks4Result, on_delete=models.CASCADE, related_name="qualifications")
    subject = models.CharField(_("subject"), max_length=100)
    kind = models.CharField(_("where it counts"), max_length=20, choices=QUALIFICATION_KINDS)
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("KS4 qualification")
        ordering = ["result", "-points", "subject"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=0, points__lte=9), name="ks4_qualification_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.points}"


class ReferenceTable(models.Model):
    """A table progress is measured against: national, a school's own copy, or a trust's.

    The DfE's published tables ship with nextsteps and are loaded for everyone. A school may
    load the year's official file itself (it then takes the place of the shipped one for
    that school), and a trust may compute provisional estimates from its own pupils.
    """

    class Kind(models.TextChoices):
        PROGRESS8 = "p8", _("Progress 8 estimates")
        KS1_KS2 = "ks1_ks2", _("KS1 to KS2 averages")
        NOMINAL = "nominal", _("KS2 nominal scores")

    class TableSource(models.TextChoices):
        DFE = "dfe", _("Department for Education (shipped with nextsteps)")
        UPLOAD = "upload", _("Loaded by the school")
        TRUST = "trust", _("Provisional, from the trust's own pupils")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=TableSource.choices)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("KS4 exam year (Progress 8) or KS2 test year (KS1 to KS2)."),
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    national_sd = models.JSONField(_("national standard deviations"), default=dict)
    z_limit = models.JSONField(_("1st percentile z-scores"), default=dict, blank=True)
    pupils = models.PositiveIntegerField(_("pupils in the population"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "-year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source", "year", "school", "trust"],
                name="reference_table_one_per_owner_and_year",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(
                    Q(source="dfe", school__isnull=True, trust__isnull=True)
                    | Q(source="upload", school__isnull=False, trust__isnull=True)
                    | Q(source="trust", school__isnull=True, trust__isnull=False)
                ),
                name="reference_table_owner_matches_source",
            ),
            models.CheckConstraint(
                condition=Q(kind="nominal") | Q(year__isnull=False),
                name="reference_table_year_unless_nominal",
            ),
        ]

    def __str__(self) -> str:
        name = str(self.get_kind_display())
        if self.year is not None:
            name = f"{name} {self.year}"
        if self.source == self.TableSource.DFE:
            return _("%(name)s, DfE") % {"name": name}
        if self.source == self.TableSource.TRUST:
            return _("%(name)s, provisional from %(trust)s") % {"name": name, "trust": self.trust}
        return _("%(name)s, loaded by %(school)s") % {"name": name, "school": self.school}

    @property
    def is_provisional(self) -> bool:
        return self.source == self.TableSource.TRUST


class ReferenceGroup(models.Model):
    """One prior attainment group of a table: its band and national figures.

    `values` holds a figure per measure (Attainment 8 and elements, or KS2 reading, writing
    and maths), None where none is published. A trust's provisional table also keeps how
    many pupils each group had and the floor on extremely negative scores per measure.
    """

    table = models.ForeignKey(ReferenceTable, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    pag = models.PositiveSmallIntegerField(_("prior attainment group"))
    above = models.FloatField(_("prior attainment above"), null=True, blank=True)
    upto = models.FloatField(_("prior attainment up to"), null=True, blank=True)
    values = models.JSONField(_("national figures"), default=dict)
    floors = models.JSONField(_("floors on extreme scores"), default=dict, blank=True)
    pupils = models.PositiveIntegerField(_("pupils"), null=True, blank=True)

    class Meta:
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "pag"], name="reference_group_unique_pag"),
            models.UniqueConstraint(
                fields=["table", "position"], name="reference_group_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"PAG {self.pag}"


class NominalScore(models.Model):
    """The score standing in for a KS2 outcome below the test (BLW, PKF…) in one year."""

    table = models.ForeignKey(
        ReferenceTable, on_delete=models.CASCADE, related_name="nominal_scores"
    )
    ks2_year = models.PositiveSmallIntegerField(_("KS2 year"))
    outcome = models.CharField(_("outcome"), max_length=OUTCOME_LENGTH)
    score = models.FloatField(_("nominal score"))

    class Meta:
        ordering = ["table", "ks2_year", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "ks2_year", "outcome"], name="nominal_score_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ks2_year} {self.outcome} = {self.score:g}"


class ProxyBaseline(TenantModel):
    """A school's own baseline for a cohort with no national one: a CAT score, a Year 7 test.

    Chosen only where the rule table (`data/baselines.csv`) says the DfE measure is not
    available. Its scores are on the KS2 scaled score scale (the school's own conversion), so
    the cohort can be measured against the latest national estimates; every figure made from
    it is an internal estimate, not the DfE measure, and says so wherever it appears.
    """

    class Measure(models.TextChoices):
        PROGRESS8 = "progress8", _("Progress 8")

    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    year = models.PositiveSmallIntegerField(_("cohort (year the pupils leave)"))
    name = models.CharField(
        _("baseline"),
        max_length=150,
        help_text=_("For example: CAT4 mean score in Year 7, converted to the KS2 scale."),
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("internal proxy baseline")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "measure", "year"], name="proxy_baseline_one_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class ProxyScore(TenantModel):
    """One pupil's score on a school's own baseline, on the KS2 scaled score scale."""

    baseline = models.ForeignKey(ProxyBaseline, on_delete=models.CASCADE, related_name="scores")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score on the KS2 scale"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("internal proxy baseline score")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "pupil"], name="proxy_score_one_per_pupil"),
            models.CheckConstraint(
                condition=Q(score__gte=80, score__lte=120), name="proxy_score_ks2_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.score}"


def ks4_model_choices() -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in shipped_models().models]


def category_choices() -> list[tuple[str, str]]:
    return list(shipped_models().categories.items())


class Ks4ModelAdoption(TenantModel):
    """A school's setting: a KS4 model (a proposed one) in force from a cohort.

    The models file ships the model in force and the reformed model as proposed; when the
    government decides, a later release marks it in force, or a school marks it here first.
    The model before it then ends the cohort before.
    """

    model_id = models.CharField(_("KS4 model"), max_length=60, choices=ks4_model_choices)
    in_force_from = models.PositiveSmallIntegerField(
        _("in force from the cohort leaving in"),
        help_text=_("The year the pupils sit their GCSEs."),
    )
    set_at = models.DateTimeField(_("set"), auto_now=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("KS4 model in force")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "model_id"], name="ks4_adoption_one_per_model"
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__gte=2017, in_force_from__lte=2100),
                name="ks4_adoption_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} from {self.in_force_from}"


class PlannedOption(TenantModel):
    """A subject a pupil plans to take at KS4 (their Year 9 options), with its category."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="planned_options")
    subject = models.CharField(_("subject"), max_length=100)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=category_choices,
        help_text=_("Where the subject may count in the KS4 models (the models file)."),
    )
    entries = models.PositiveSmallIntegerField(
        _("entries"), default=1, help_text=_("Combined science is two entries.")
    )

    class Meta:
        verbose_name = _("planned option")
        ordering = ["pupil", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "subject"], name="planned_option_unique"),
            models.CheckConstraint(
                condition=Q(entries__gte=1, entries__lte=2), name="planned_option_entries"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.subject}"
