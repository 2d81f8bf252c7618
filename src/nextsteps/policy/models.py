"""The assessment policy: key questions, department answers, decisions, published policies,
the configuration answers set, review cycles, and planning (units, lessons, intentions).

Answers are never overwritten: each save appends a `ResponseVersion`, and every status change
or comment appends a `ResponseComment`, so a department's thinking can always be traced.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, SuccessCriterion
from nextsteps.schools.models import Department, TenantModel
from nextsteps.teaching.models import Class, PupilGroup


class GuidanceSubject(models.TextChoices):
    """The six EBacc subjects with their own guidance; every other subject reads the general."""

    ENGLISH = "english", _("English")
    GEOGRAPHY = "geography", _("Geography")
    HISTORY = "history", _("History")
    MATHS = "maths", _("Mathematics")
    MFL = "mfl", _("Modern foreign languages")
    SCIENCE = "science", _("Science")
    GENERAL = "general", _("Other subjects (general guidance)")


class Structure(models.TextChoices):
    """What an answer records besides its text, so that answers can be compared and applied."""

    TEXT = "text", _("Text only")
    PROGRESS = "progress", _("Scale, calculation method and dimensions of progress")
    EVIDENCE = "evidence", _("Kinds of classroom evidence")
    COLLECTION = "collection", _("Dated assessment points")
    MARKING = "marking", _("Marking and feedback activities")
    MODERATION = "moderation", _("Moderation approaches and sessions")
    REPORTING = "reporting", _("Reports to parents and their audiences")


class PolicySettings(TenantModel):
    """One row per school: the limits leaders set for the policy."""

    workload_limit_hours = models.DecimalField(
        _("marking and feedback limit (hours per teacher per week)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("40"))],
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("months between reviews"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    data_drops_limit = models.PositiveSmallIntegerField(
        _("data drops a year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Leave blank for the default rule, named with its source."),
    )

    class Meta:
        verbose_name_plural = "policy settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="policy_settings_one_per_school"),
        ]


class Stage(TenantModel):
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "title"], name="policy_stage_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class KeyQuestion(TenantModel):
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("guidance for every subject"), blank=True)
    prompts = models.TextField(
        _("prompts for discussion"), blank=True, help_text=_("One prompt a line")
    )
    structure = models.CharField(
        _("what the answer records"), max_length=12, choices=Structure.choices
    )
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["stage__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "key"], name="key_question_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]


class SubjectGuidance(TenantModel):
    question = models.ForeignKey(KeyQuestion, on_delete=models.CASCADE, related_name="guidance_set")
    subject = models.CharField(_("subject"), max_length=10, choices=GuidanceSubject.choices)
    text = models.TextField(_("guidance"))

    class Meta:
        ordering = ["question", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "subject"], name="subject_guidance_unique_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} · {self.subject}"


class DepartmentSettings(TenantModel):
    """Which guidance a department reads, and the class size its workload is worked out for."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="policy_settings"
    )
    guidance_subject = models.CharField(
        _("guidance"), max_length=10, choices=GuidanceSubject.choices
    )
    pupils_per_class = models.PositiveSmallIntegerField(
        _("pupils per class"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Leave blank to use the average size of the department's classes."),
    )
    # Off unless a senior leader turns it on: figures by teacher invite comparing colleagues,
    # which a school decides on as policy, not a default.
    compare_teachers = models.BooleanField(
        _("show figures by teacher"),
        default=False,
        help_text=_(
            "The department's figures by teacher, on its data page, for its head and senior "
            "leaders only."
        ),
    )

    class Meta:
        verbose_name_plural = "department settings"

    def __str__(self) -> str:
        return str(self.department)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AGREED = "agreed", _("Agreed")


class Response(TenantModel):
    """A department's answer to one key question; its content lives in its versions."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="policy_responses"
    )
    question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    latest_version = models.ForeignKey(
        "ResponseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_version = models.ForeignKey(
        "ResponseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "question"], name="policy_response_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.question.key}"


class ResponseVersion(TenantModel):
    """One saved state of an answer: append-only."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("answer"))
    structured = models.JSONField(_("structured answer"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "number"], name="response_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} v{self.number}"


class ResponseComment(TenantModel):
    """A comment on an answer, or a change of its status with the reason: append-only."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        ResponseVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("new status"), max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.response} · {self.status or 'comment'}"


class Decision(TenantModel):
    """A whole-school decision on a key question; the latest for a question is in force."""

    question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        ordering = ["question", "decided_at", "pk"]
        get_latest_by = "decided_at"

    def __str__(self) -> str:
        return f"{self.question.key} · {self.decided_at:%Y-%m-%d}"


class PolicyDocument(TenantModel):
    """A published assessment policy: a frozen copy of what was published, numbered."""

    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("content"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="policy_document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


# ------------------------------------------------------------------- configuration answers set


class CollectionPoint(TenantModel):
    """A department's assessment point, set by its agreed answer on data collection."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="collection_points"
    )
    name = models.CharField(_("name"), max_length=100)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["department", "date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="collection_point_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class MarkingKind(models.TextChoices):
    WRITTEN_COMMENTS = "written_comments", _("Detailed written comments")
    MARKING_CODES = "marking_codes", _("Marking with codes")
    TEST_MARKING = "test_marking", _("Marking tests and quizzes")
    WHOLE_CLASS = "whole_class", _("Whole-class feedback")
    VERBAL = "verbal", _("Verbal feedback in lessons")
    RESPONSE_CHECK = "response_check", _("Checking pupils' responses to feedback")


class Period(models.TextChoices):
    WEEK = "week", _("week")
    FORTNIGHT = "fortnight", _("fortnight")
    HALF_TERM = "half_term", _("half-term")
    TERM = "term", _("term")


class MarkingExpectation(TenantModel):
    """A marking or feedback activity a department expects, set by its agreed answer."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="marking_expectations"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=MarkingKind.choices)
    times = models.PositiveSmallIntegerField(_("times"))
    period = models.CharField(_("every"), max_length=10, choices=Period.choices)
    minutes_per_pupil = models.DecimalField(_("minutes per pupil"), max_digits=5, decimal_places=1)
    classes = models.PositiveSmallIntegerField(_("classes per teacher"))

    class Meta:
        ordering = ["department", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "position"], name="marking_expectation_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_kind_display()}"


# ---------------------------------------------------------------------------- review cycles


class Effect(models.TextChoices):
    IMPROVED = "improved", _("Pupils' progress improved")
    NO_CHANGE = "no_change", _("No clear change in pupils' progress")
    DECLINED = "declined", _("Pupils' progress declined")
    TOO_EARLY = "too_early", _("Too early to tell")


class Review(TenantModel):
    """A scheduled review of the policy (whole school, or one department's part of it)."""

    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="policy_reviews"
    )
    due_on = models.DateField(_("due"))
    focus = models.CharField(_("focus"), max_length=300)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effect = models.CharField(
        _("effect on pupils' progress"), max_length=10, choices=Effect.choices, blank=True
    )
    evidence = models.TextField(_("evidence of the effect"), blank=True)
    actions = models.TextField(_("what we will change"), blank=True)
    secure_share = models.DecimalField(
        _("share of core standings secure when reviewed"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | ~models.Q(effect=""),
                name="review_completed_has_effect",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focus} ({self.due_on:%d %b %Y})"


# ---------------------------------------------------------------------------- planning


class Unit(TenantModel):
    """A unit of work for a class, with its lessons and an assessment point placed in it."""

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="units")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    assessment_point = models.ForeignKey(
        CollectionPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        verbose_name=_("assessment point"),
    )

    class Meta:
        ordering = ["teaching_class", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="unit_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TenantModel):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    taught_on = models.DateField(_("date"))

    class Meta:
        ordering = ["unit", "taught_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.taught_on:%d %b})"


class LessonIntention(TenantModel):
    """A learning intention for a lesson, for the whole class or for one group in it."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="intentions")
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="lesson_intentions"
    )
    group = models.ForeignKey(
        PupilGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="intentions"
    )
    success_criteria = models.ManyToManyField(
        SuccessCriterion,
        blank=True,
        related_name="lesson_intentions",
        help_text=_("The steps this group works on; none chosen means all of them."),
    )
    note = models.CharField(_("note for the group"), max_length=300, blank=True)

    class Meta:
        ordering = ["lesson", "group__name", "pk"]
        constraints = [
            # Once for the whole class, and once for each group (two constraints, because
            # SQLite cannot treat empty groups as equal in one).
            models.UniqueConstraint(
                fields=["lesson", "objective"],
                condition=models.Q(group__isnull=True),
                name="lesson_intention_unique_for_class",
            ),
            models.UniqueConstraint(
                fields=["lesson", "objective", "group"],
                condition=models.Q(group__isnull=False),
                name="lesson_intention_unique_for_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} · {self.objective.code}"
