"""Writes for API tokens: make one (shown once), revoke one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nextsteps.accounts.models import Actor, User, signed_in_user
from nextsteps.api.models import ApiToken, IdempotentWrite
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.idempotency import IdempotencyConflict, replay_or_refuse, request_digest

TOKEN_PREFIX = "ns_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_touch(*, token: ApiToken, now: dt.datetime) -> None:
    """Note when a token was last used (a single update, no audit record)."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic(durable=True)
def token_create(
    *,
    user: User,
    name: str,
    by: Actor | None,
    read_only: bool = False,
    expires_on: dt.date | None = None,
) -> tuple[ApiToken, str]:
    """Make a personal token for the user; the plain token is returned once and not kept.

    A read-only token is refused on every write; one with `expires_on` works to the end of
    that day. An expiry in the past is refused (the token would never work).
    """
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name, so that you can tell it apart later")
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValueError(
            f"the expiry date {expires_on:%Y-%m-%d} has passed; choose today or a later day"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:10],
        digest=token_digest(secret),
        read_only=read_only,
        expires_on=expires_on,
    )
    audit_write(
        actor=by,
        action=AuditAction.API_TOKEN_CREATE,
        target_type="api.apitoken",
        target_label=f"API token {token.name} for {user.username}"[:200],
        after={
            "user": user.pk,
            "name": token.name,
            "prefix": token.prefix,
            "read_only": read_only,
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return token, secret


@transaction.atomic(durable=True)
def token_revoke(*, token: ApiToken, by: Actor | None) -> ApiToken:
    """Stop a token working at once; it stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_write(
            actor=by,
            action=AuditAction.API_TOKEN_REVOKE,
            target_type="api.apitoken",
            target_label=f"API token {token.name} for {token.user.username}"[:200],
            after={"user": token.user_id, "name": token.name, "prefix": token.prefix},
        )
    return token


@transaction.atomic(durable=True)
def idempotent_write(
    *,
    user: Actor,
    key: str | None,
    operation: str,
    payload: Any,
    write: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """Run the write once per idempotency key; the answer and whether it is a replay.

    The key is claimed before the write, in the same transaction: a second request with the
    key waits for the first to commit and then gets its answer; a write that fails releases
    the key with everything else it did. The key reused for a different request (or another
    operation) raises `IdempotencyConflict` and writes nothing (see `nextsteps.idempotency`).
    """
    if not key:
        return write(), False
    digest = request_digest(payload)
    try:
        with transaction.atomic():
            claimed = IdempotentWrite.objects.create(
                user=signed_in_user(user), key=key, operation=operation, digest=digest
            )
    except IntegrityError:
        earlier = IdempotentWrite.objects.get(user=signed_in_user(user), key=key)
        if earlier.operation != operation:  # one key sent to two routes is two requests
            raise IdempotencyConflict(key) from None
        replay_or_refuse(key=key, stored_digest=earlier.digest, digest=digest)
        return earlier.answer, True
    answer = write()
    claimed.answer = answer
    claimed.save(update_fields=["answer"])
    return answer, False
