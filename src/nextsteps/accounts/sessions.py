"""Sessions in the database, as Django keeps them, read by a prepared statement.

Every signed-in request reads its session first. Django's database backend builds and compiles
the same look-up each time; this one compiles it once (nextsteps.ops.prepared) and is
otherwise Django's: the same table, the same expiry, the same refusals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from nextsteps.ops.prepared import Prepared


def _current(_shape: object, *, session_key: str, now: Any) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


CURRENT_SESSION = Prepared(_current, values=["session_key", "now"])


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key or ""  # `load` asks only with a key
        found = CURRENT_SESSION.first(session_key=key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
