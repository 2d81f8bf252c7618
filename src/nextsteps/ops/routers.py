"""Reporting reads go to the PostgreSQL read replica (DATABASE_REPLICA_URL); all else to the
primary.

A read is a reporting read when it runs inside `reporting()` (or a view wrapped by
`reporting_view`, or one named in `settings.NEXTSTEPS_REPORTING_VIEWS`, which
`ReportingReadsMiddleware` wraps). Reads inside a transaction that is writing stay on the
primary, so a service never reads a row it cannot yet see. Without a replica every read goes
to the primary, unchanged. Accounts, sessions and roles are always read from the primary.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from nextsteps.ops.config import REPLICA

_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("reporting", default=False)

View = TypeVar("View", bound=Callable[..., Any])


@contextmanager
def reporting() -> Iterator[None]:
    """Send the reads in this block to the read replica, when there is one."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_view(view: View) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reporting():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _writing_on_primary() -> bool:
    """True inside a transaction the code opened (not the one a test case wraps around it)."""
    primary = connections[DEFAULT_DB_ALIAS]
    return any(not getattr(block, "_from_testcase", False) for block in primary.atomic_blocks)


# Who may see what is always read from the primary: a revoked role or an ended session must
# not linger on a replica that is a moment behind.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "otp_totp", "otp_static", "security", "api"}
)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if (
            _reporting.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and replica_configured()
            and not _writing_on_primary()
        ):
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReportingReadsMiddleware:
    """Run the views named in NEXTSTEPS_REPORTING_VIEWS (GET and HEAD) as reporting reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reporting.set(False)
        try:
            return self.get_response(request)
        finally:
            _reporting.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        match = request.resolver_match
        names = getattr(settings, "NEXTSTEPS_REPORTING_VIEWS", ())
        if request.method in {"GET", "HEAD"} and match is not None and match.view_name in names:
            _reporting.set(True)  # reset when the response has been made (see __call__)
