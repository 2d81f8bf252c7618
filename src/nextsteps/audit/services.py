"""Writing the audit log. Every service that changes data calls `audit_write`."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.models import AuditEvent
from nextsteps.schools.models import School


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-safe data (files by name)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        data[field.attname] = json_safe(value)
    return data


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name"):  # FieldFile
        return value.name or None
    return str(value)


def audit_write(
    *,
    actor: Actor | None,
    action: AuditAction,
    target: models.Model | None = None,
    school: School | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_type: str = "",
    target_label: str = "",
) -> AuditEvent:
    """Record who did what to which row, with the row's state before and after."""
    action = AuditAction(action)  # a value built at run time must name a known action
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_label = target_label or str(target)[:200]
        if school is None:
            school = _school_of(target)
        if after is None and action.split(".")[-1] not in {"delete", "view", "export"}:
            after = snapshot(target)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    return AuditEvent.objects.create(
        school=school,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=target_label[:200],
        before=before,
        after=after,
    )


def _school_of(target: models.Model) -> School | None:
    if isinstance(target, School):
        return target
    school_id = getattr(target, "school_id", None)
    return School(pk=school_id) if school_id else None
