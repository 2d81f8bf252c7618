"""Where to go and how to get there: shared goals, self-assessment, work and feedback,
targets, learning conversations, questions, reviews and notifications.

Everything here is kept: a new version, event or review is a new row, so the history of a
piece of work or a target can always be shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, ScaleLevel, SuccessCriterion
from nextsteps.markbook.models import Judgement
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import TenantModel, Term
from nextsteps.teaching.models import Class, PupilGroup

USER = settings.AUTH_USER_MODEL


class CurrentIntention(TenantModel):
    """A learning intention a teacher has shared as current for a class, or one group in it.

    Ending it (no longer current) sets `ends_on`; the row stays as a record of what was taught.
    """

    teaching_class = models.ForeignKey(
        Class, on_delete=models.CASCADE, related_name="current_intentions"
    )
    group = models.ForeignKey(
        PupilGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="current_intentions",
        help_text=_("Empty: the whole class"),
    )
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    home_help = models.TextField(
        _("how to help at home"), blank=True, help_text=_("One idea a line, for parents")
    )
    shared_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["teaching_class", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.teaching_class} · {self.objective.code}"

    @property
    def home_help_ideas(self) -> list[str]:
        return [line.strip() for line in self.home_help.splitlines() if line.strip()]


class SelfAssessment(TenantModel):
    """A pupil rating themselves on each step of a learning intention, at one moment.

    The ratings roll up into one judgement with source *self* on the objective, which the
    teacher sees beside their own and which never moves the teacher's standing.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="self_assessments")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    judgement = models.OneToOneField(
        Judgement, on_delete=models.PROTECT, related_name="self_assessment"
    )
    help_with = models.TextField(_("what I need help with"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["pupil", "objective", "created_at"])]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.objective.code} · {self.created_at:%d %b}"


class StepRating(TenantModel):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(SuccessCriterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(ScaleLevel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="step_rating_unique_step"
            ),
        ]


class MarkingCode(TenantModel):
    """One of the school's own signs and symbols for marking, with words pupils can read."""

    symbol = models.CharField(_("symbol"), max_length=8)
    meaning = models.CharField(_("what it means"), max_length=120)
    pupil_action = models.CharField(_("what to do"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "symbol"]
        constraints = [
            models.UniqueConstraint(fields=["school", "symbol"], name="marking_code_unique_symbol"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.meaning}"


class Work(TenantModel):
    """A piece of work set to a class (or one group in it), linked to what it assesses."""

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="work")
    group = models.ForeignKey(
        PupilGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="work"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("what to do"), blank=True)
    objectives = models.ManyToManyField(Objective, related_name="+", verbose_name=_("objectives"))
    criteria = models.ManyToManyField(
        SuccessCriterion, blank=True, related_name="+", verbose_name=_("success criteria")
    )
    set_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name_plural = "work"

    def __str__(self) -> str:
        return self.title


class Submission(TenantModel):
    """A pupil's piece of work: its versions, the feedback on them, and whether it is final."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Handed in")
        FEEDBACK = "feedback", _("Feedback to read")
        REVISED = "revised", _("Improved")
        FINAL = "final", _("Finished")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="submissions")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="submissions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    updated_at = models.DateTimeField(default=timezone.now)
    final_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["work", "pupil"], name="submission_unique_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.work} · {self.pupil}"


class Version(TenantModel):
    """One version of a submission; a revision (purple pen) answers a piece of feedback."""

    class Kind(models.TextChoices):
        DRAFT = "draft", _("First draft")
        REVISION = "revision", _("Purple-pen revision")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DRAFT)
    text = models.TextField(_("writing"), blank=True)
    response = models.TextField(_("my response to the feedback"), blank=True)
    responds_to = models.ForeignKey(
        "Feedback", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    file = models.FileField(upload_to="work/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · v{self.number}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Feedback(TenantModel):
    """Feedback to one pupil: written on a version of their work, or given by word of mouth."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("Written feedback")
        VERBAL = "verbal", _("Verbal feedback given")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="feedback")
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WRITTEN)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    version = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    criteria_met = models.ManyToManyField(SuccessCriterion, blank=True, related_name="+")
    given_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    released_to_guardians = models.BooleanField(_("shared with parents"), default=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "given_at"])]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.pupil}"


class CodeUse(TenantModel):
    """A marking code placed on a piece of feedback, with where it applies."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="codes")
    code = models.ForeignKey(MarkingCode, on_delete=models.PROTECT, related_name="uses")
    where = models.CharField(_("where"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]


class ClassFeedback(TenantModel):
    """Whole-class feedback: common strengths, misconceptions and next steps."""

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="class_feedback"
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    given_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ClassFeedbackPoint(TenantModel):
    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        MISCONCEPTION = "misconception", _("Misconception")
        NEXT_STEP = "next_step", _("Next step")

    note = models.ForeignKey(ClassFeedback, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    text = models.TextField(_("text"))
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="class_feedback_points")

    class Meta:
        ordering = ["pk"]


class Target(TenantModel):
    """A target set with the pupil, linked to an objective; confirmed with a judgement."""

    class Status(models.TextChoices):
        OPEN = "open", _("Working on it")
        CLAIMED = "claimed", _("Claimed — waiting for the teacher")
        ACHIEVED = "achieved", _("Achieved")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="targets")
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="+")
    wording = models.CharField(_("target, in the pupil's words"), max_length=300)
    set_with_pupil = models.BooleanField(_("agreed with the pupil"), default=True)
    due_on = models.DateField(_("aim to achieve by"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    shared_with_guardians = models.BooleanField(_("shared with parents"), default=True)
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "set_at", "pk"]
        indexes = [models.Index(fields=["teaching_class", "status"])]

    def __str__(self) -> str:
        return self.wording


class TargetEvent(TenantModel):
    """One step in a target's history: set, claimed, confirmed or returned."""

    class Kind(models.TextChoices):
        SET = "set", _("Set")
        CLAIMED = "claimed", _("Claimed")
        CONFIRMED = "confirmed", _("Confirmed")
        RETURNED = "returned", _("Returned to work on")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.TextField(_("comment"), blank=True)
    file = models.FileField(upload_to="targets/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class LearningConversation(TenantModel):
    """A focus-group log: the objective, a note and next step per pupil, then judgements."""

    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        PupilGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("notes for the group"), blank=True)
    led_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.teaching_class} · {self.objective.code} · {self.held_on}"


class ConversationNote(TenantModel):
    conversation = models.ForeignKey(
        LearningConversation, on_delete=models.CASCADE, related_name="notes"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("note"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "pupil"], name="conversation_note_unique_pupil"
            ),
        ]


class Depth(models.IntegerChoices):
    RECALL = 1, _("Recall")
    UNDERSTANDING = 2, _("Understanding")
    APPLICATION = 3, _("Application")
    EVALUATION = 4, _("Evaluation")


class PupilQuestion(TenantModel):
    """A question a pupil asked, kept as evidence of how deeply they are thinking."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="questions")
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("the question"))
    depth = models.PositiveSmallIntegerField(_("depth"), choices=Depth.choices)
    asked_on = models.DateField(_("asked on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["asked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth__gte=1, depth__lte=4), name="question_depth_range"
            ),
        ]


class Review(TenantModel):
    """A termly review of progress, written by the pupil or by their teacher."""

    class Author(models.TextChoices):
        PUPIL = "pupil", _("Pupil")
        TEACHER = "teacher", _("Teacher")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reviews")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    author = models.CharField(max_length=8, choices=Author.choices)
    proud_of = models.TextField(_("what went well"))
    next_focus = models.TextField(_("what to work on next"), blank=True)
    written_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    shared_with_guardians = models.BooleanField(_("shared with parents"), default=True)

    class Meta:
        ordering = ["-written_at", "-pk"]


class Notification(TenantModel):
    """A note inside the product for one person: no e-mail is needed."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("New feedback")
        TARGET_CLAIMED = "target_claimed", _("Target claimed")
        TARGET_CONFIRMED = "target_confirmed", _("Target achieved")
        TARGET_RETURNED = "target_returned", _("Target to keep working on")
        RESPONSE = "response", _("Response to feedback")
        WORK_SET = "work_set", _("New work")
        PARENT_REPLY = "parent_reply", _("From home")

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------- parents answer


class ParentReply(TenantModel):
    """A parent's answer to the school: a reply to feedback or its next step, what they did
    at home, or a "how to help" tip they tried. Kept as written: never edited or deleted."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        AT_HOME = "at_home", _("What we did at home")
        TIP_TRIED = "tip_tried", _("Tried a tip")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_replies")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="parent_replies"
    )
    # The class whose teachers read the reply: the feedback's class or the tip's.
    teaching_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="+")
    intention = models.ForeignKey(
        CurrentIntention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tip = models.CharField(_("the tip"), max_length=300, blank=True)
    text = models.TextField(_("your message"), blank=True)
    written_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]
        indexes = [models.Index(fields=["pupil", "written_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["reply", "at_home"], feedback__isnull=False)
                    | (models.Q(kind="tip_tried") & ~models.Q(tip=""))
                ),
                name="parent_reply_about_feedback_or_tip",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.pupil}"


class ParentReplySettings(TenantModel):
    """One row per school: whether parents may answer (replies, home notes, tips tried)."""

    replies_open = models.BooleanField(_("parents may reply"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "parent reply settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="parent_reply_settings_one_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · parents may reply: {self.replies_open}"


class EmailDigestChoice(models.Model):
    """A person's choice of a daily e-mail of what is new for them; off unless they choose it.
    One choice for the person, covering every school they belong to."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="email_digest")
    daily = models.BooleanField(_("e-mail me a daily summary"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} · daily e-mail {'on' if self.daily else 'off'}"


class EmailDigestSent(models.Model):
    """A daily summary sent to one person on one day: what makes the digest run once a day."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notifications = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="email_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}"


class MediaNote(TenantModel):
    """A voice note or a drawing on a pupil's work or self-assessment: the pupil's own (or
    added by a teacher for them), or the teacher's spoken or drawn feedback on their work.

    The file is checked by content like every upload and served only through the access
    layer: the pupil, the staff who teach them and, when shared, their parents.
    """

    class Kind(models.TextChoices):
        VOICE = "voice", _("Voice note")
        DRAWING = "drawing", _("Drawing")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="media_notes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="media_notes"
    )
    self_assessment = models.ForeignKey(
        SelfAssessment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="media_notes",
    )
    is_feedback = models.BooleanField(_("feedback from the teacher"), default=False)
    shared_with_guardians = models.BooleanField(_("shared with parents"), default=True)
    file = models.FileField(upload_to="voice/%Y/%m/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["pupil", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(submission__isnull=False, self_assessment__isnull=True)
                    | models.Q(submission__isnull=True, self_assessment__isnull=False)
                ),
                name="media_note_on_work_or_self_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(is_feedback=False) | models.Q(submission__isnull=False),
                name="media_note_feedback_is_on_work",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.pupil}"

    @property
    def is_voice(self) -> bool:
        return self.kind == self.Kind.VOICE
