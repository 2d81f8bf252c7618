"""Reads of the audit log, shaped for its page."""

from __future__ import annotations

from django.db.models import QuerySet

from nextsteps.audit.models import AuditEvent
from nextsteps.schools.models import School


def audit_events(school: School, action: str = "") -> QuerySet[AuditEvent]:
    """The school's events, newest first, with who did them; those of an action (or a family
    of actions: `pupil.` for every pupil action) when one is given."""
    events = AuditEvent.objects.filter(school=school).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    return events
