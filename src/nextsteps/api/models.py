"""Personal API tokens: a person's key for the REST API, kept only as a hash."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token acting as its owner, with the owner's access; revoked, never deleted.

    Only a SHA-256 digest of the token is stored (tokens are 256-bit random, so a fast hash
    is enough); the token itself is shown once, when it is made. `prefix` lets a person tell
    their tokens apart. A read-only token may only read (a reporting tool needs no more); a
    token with an expiry date works up to the end of that day and is refused after it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class IdempotentWrite(models.Model):
    """A write made through the API with an idempotency key, and what it answered.

    Sending the same key again (the same person, the same request) gets the first answer and
    changes nothing, so a client may retry a write whose answer it never received. A key is
    the caller's: two people may use the same key without meeting.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_writes"
    )
    key = models.CharField(_("idempotency key"), max_length=40)
    operation = models.CharField(_("operation"), max_length=100)
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the request body"))
    answer = models.JSONField(_("answer"), default=dict, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_write_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
