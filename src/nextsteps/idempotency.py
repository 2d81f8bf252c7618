"""Idempotency keys: the one rule every write that takes a key follows.

A client that sends a write with a key may send it again (a retry after a lost answer): the
same key with the same request gets the first answer and stores nothing new. The same key
with a *different* request is refused (HTTP 409, naming the key) and stores nothing, so a
reused key can never swallow a write. A request is compared by a digest of what it asks
for, stored with the key when the write is first made.

Two stores keep the key and its digest: API writes keep them with the answer
(`api.IdempotentWrite`), judgements keep them on the judgement itself (so a keystroke in the
markbook costs no extra query). Both decide with `replay_or_refuse`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext


class IdempotencyConflict(ValueError):
    """The key was already used for a different request; nothing was stored."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            gettext(
                "idempotency_key: %(key)s was already used for a different request; nothing "
                "was stored. Send a new key for a new request."
            )
            % {"key": repr(key)}
        )


def request_digest(payload: Any) -> str:
    """A digest of a request that does not depend on the order of its keys."""
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay_or_refuse(*, key: str, stored_digest: str, digest: str) -> None:
    """Allow a replay of the same request; refuse the key reused for a different one.

    A stored digest of "" comes from a write made before digests were kept: it is replayed,
    as it was then.
    """
    if stored_digest and stored_digest != digest:
        raise IdempotencyConflict(key)
