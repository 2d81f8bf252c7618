"""KS2 writing teacher assessment: the school's statements, pieces of writing as evidence,
recorded particular weaknesses and the teacher's final judgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nextsteps.people.models import Pupil
from nextsteps.schools.models import TenantModel

CODE_LENGTH = 8


class Statement(TenantModel):
    """One "pupil can" statement in the school's own copy of the framework (imported)."""

    edition = models.CharField(_("framework edition"), max_length=40)
    standard = models.CharField(_("standard"), max_length=CODE_LENGTH)
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("statement"), max_length=1000)
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)

    class Meta:
        ordering = ["edition", "standard", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "edition", "standard", "number"],
                name="writing_statement_unique",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="writing_statement_number"),
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.number}"


class Piece(TenantModel):
    """A piece of a pupil's writing, linked to the statements it evidences."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="writing_pieces")
    title = models.CharField(_("title"), max_length=200)
    written_on = models.DateField(_("written on"))
    link = models.URLField(_("link to the writing"), max_length=500, blank=True)
    file = models.FileField(_("photo or scan of the writing"), upload_to="writing/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    statements = models.ManyToManyField(Statement, blank=True, related_name="pieces")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["school", "pupil"])]

    def __str__(self) -> str:
        return self.title


class Weakness(TenantModel):
    """A particular weakness recorded against one statement, with the teacher's reason.

    It lets the standard be met without evidence for that statement (the framework's
    exception); withdrawing it keeps the row, so the record stays whole for moderation.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="writing_weaknesses")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="weaknesses")
    reason = models.TextField(_("reason"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "statement"],
                condition=Q(withdrawn_at__isnull=True),
                name="writing_weakness_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.statement}"


class Judgement(TenantModel):
    """The teacher's final end-of-KS2 writing judgement; each one is kept (the latest counts)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="writing_judgements")
    year = models.PositiveSmallIntegerField(_("KS2 year"))
    edition = models.CharField(_("framework edition"), max_length=40)
    outcome = models.CharField(_("final judgement"), max_length=CODE_LENGTH)
    rule_outcome = models.CharField(
        _("the rule's result when recorded"), max_length=CODE_LENGTH, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["school", "pupil", "year"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.year}: {self.outcome}"
