"""Writes for security and data protection: settings, view records, erasure and retention."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.models import AuditEvent
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.people.models import Guardian, Pupil
from nextsteps.schools.models import School
from nextsteps.security.kernels.sign_in_throttle import Attempt, Rules
from nextsteps.security.models import SchoolSecurity, SignInFailure
from nextsteps.security.pupil_data import PupilData, pupil_data
from nextsteps.security.selectors import retention_plan

ERASED = "[erased]"
SESSION_KEY = "security_pupil_views"


@transaction.atomic(durable=True)
def school_security_update(
    *,
    school: School,
    by: Actor | None,
    staff_second_factor_required: bool,
    leaver_retention_months: int,
    privacy_contact: str = "",
) -> SchoolSecurity:
    """Change a school's second-factor rule, retention period and privacy contact."""
    settings_row = SchoolSecurity.objects.select_for_update().filter(school=school).first()
    before = snapshot(settings_row) if settings_row else None
    if settings_row is None:
        settings_row = SchoolSecurity(school=school)
    settings_row.staff_second_factor_required = staff_second_factor_required
    settings_row.leaver_retention_months = leaver_retention_months
    settings_row.privacy_contact = privacy_contact.strip()
    settings_row.updated_by = acting_user(by)
    settings_row.full_clean()
    settings_row.save()
    audit_write(
        actor=by,
        action=AuditAction.SECURITY_SETTINGS_UPDATE,
        target=settings_row,
        school=school,
        before=before,
    )
    return settings_row


def pupil_view_record(*, request: HttpRequest, user: Actor, pupil_id: int) -> bool:
    """Note that the user viewed the pupil's records today; True when an event was written.

    Signed-in browsers remember the day's pupils in the session (no query on a repeat view);
    API token callers, who have no session, in the cache.
    """
    today = timezone.localdate().isoformat()
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        seen = session.get(SESSION_KEY) or {}
        if seen.get("day") != today:
            seen = {"day": today, "pupils": []}
        if pupil_id in seen["pupils"]:
            return False
        seen["pupils"] = [*seen["pupils"][-499:], pupil_id]
        session[SESSION_KEY] = seen
    elif not cache.add(f"pupil-view:{user.pk}:{pupil_id}:{today}", 1, timeout=60 * 60 * 24):
        return False
    pupil = (
        Pupil.objects.filter(pk=pupil_id)
        .only(
            "school_id",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
        )
        .first()
    )
    if pupil is None:
        return False
    AuditEvent.objects.create(
        school_id=pupil.school_id,
        actor=acting_user(user),
        action=AuditAction.PUPIL_VIEW,
        target_type="people.pupil",
        target_id=str(pupil.pk),
        target_label=pupil.name[:200],
        after={"path": request.path[:300]},
    )
    return True


@dataclass
class Erasure:
    """What erasing one pupil removed: rows per model, files, redacted audit entries."""

    pupil_id: int
    deleted: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    audit_redacted: int = 0

    @property
    def rows(self) -> int:
        return sum(self.deleted.values())


def _owners(pupil: Pupil) -> list[models.Model]:
    """The rows whose deletion erases the pupil: the pupil, and their own sign-in account."""
    owners: list[models.Model] = [pupil]
    if pupil.user_id:
        owners.append(get_user_model()._base_manager.get(pk=pupil.user_id))
    return owners


def _erase_rows(
    rows: list[models.Model],
    data: PupilData,
    erasure: Erasure,
    files: list[tuple[Any, str]],
    depth: int = 0,
) -> None:
    """Delete the rows with Django's collector (cascades as the models say).

    A correction protects the judgement it corrects; both are the pupil's, so the protecting
    rows are erased first and the deletion tried again. A row protected by anything that is
    not the pupil's stops the erasure with the reason.
    """
    if depth > 50:
        raise RuntimeError("erasure could not resolve protected records")
    collector = Collector(using="default")
    try:
        for row in rows:
            collector.collect([row])
    except ProtectedError as error:
        blocking = list(error.protected_objects)
        if any(row.pk not in data.rows.get(type(row), set()) for row in blocking):
            raise
        _erase_rows(blocking, data, erasure, files, depth + 1)
        _erase_rows(rows, data, erasure, files, depth + 1)
        return
    files.extend(_file_names(collector))
    erasure.audit_redacted += _redact_audit(collector)
    for model, instances in collector.data.items():
        erasure.deleted[model._meta.label_lower] += len(instances)
    collector.delete()


def _file_names(collector: Collector) -> list[tuple[Any, str]]:
    names = []
    for model, instances in collector.data.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in instances:
            for file_field in file_fields:
                stored = getattr(instance, file_field.attname)
                if stored:
                    names.append((file_field.storage, stored.name))
    return names


def _redact_audit(collector: Collector) -> int:
    redacted = 0
    for model, instances in collector.data.items():
        ids = [str(instance.pk) for instance in instances]
        for start in range(0, len(ids), 500):
            redacted += AuditEvent.objects.filter(
                target_type=model._meta.label_lower, target_id__in=ids[start : start + 500]
            ).update(target_label=ERASED, before=None, after=None)
    return redacted


def _orphaned_guardians(pupil: Pupil) -> list[Guardian]:
    """Parents and carers linked to no other pupil: their details were held for this child."""
    return list(
        Guardian.objects.filter(links__pupil=pupil)
        .exclude(links__pupil__in=Pupil.objects.exclude(pk=pupil.pk))
        .distinct()
    )


@transaction.atomic(durable=True)
def pupil_erase(*, pupil: Pupil, by: Actor | None, reason: str) -> Erasure:
    """Erase everything held about a pupil (and parents held only for them); keep an
    anonymous record that it was done, and why."""
    if not reason.strip():
        raise ValueError("say why the pupil's data is being erased")
    erasure = Erasure(pupil_id=pupil.pk)
    school_id, left = pupil.school_id, pupil.leaving_date
    guardians = _orphaned_guardians(pupil)
    data = pupil_data(pupil)
    owners = _owners(pupil)
    for guardian in guardians:
        owners.append(guardian)
        if guardian.user_id and not _has_other_roles(guardian):
            owners.append(get_user_model()._base_manager.get(pk=guardian.user_id))
    files: list[tuple[Any, str]] = []
    _erase_rows(owners, data, erasure, files)
    erasure.files = [name for _, name in files]
    transaction.on_commit(lambda: _delete_files(files))
    AuditEvent.objects.create(
        school_id=school_id,
        actor=acting_user(by),
        action=AuditAction.PUPIL_ERASE,
        target_type="people.pupil",
        target_id=str(erasure.pupil_id),
        target_label=ERASED,
        after={
            "reason": reason[:500],
            "left": left.isoformat() if left else None,
            "rows": dict(erasure.deleted),
            "files": len(files),
        },
    )
    return erasure


def _has_other_roles(guardian: Guardian) -> bool:
    from nextsteps.accounts.models import Membership, Role

    memberships = Membership.objects.filter(user_id=guardian.user_id or 0)
    return memberships.exclude(role=Role.GUARDIAN, school_id=guardian.school_id).exists()


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


@dataclass
class RetentionRun:
    school: School
    months: int
    left_on_or_before: dt.date
    pupils: list[dict[str, Any]]
    erased: list[Erasure]
    dry_run: bool


def retention_run(
    *, school: School, today: dt.date, by: Actor | None, dry_run: bool
) -> RetentionRun:
    """Erase the school's leavers whose retention period has passed (or, dry, list them)."""
    plan = retention_plan(school, today)
    pupils = [
        {
            "id": p.pk,
            "upn": p.upn,
            "name": p.name,
            "left": p.leaving_date,
            "records": pupil_data(p).count(),
        }
        for p in plan.due
    ]
    run = RetentionRun(
        school=school,
        months=plan.months,
        left_on_or_before=plan.left_on_or_before,
        pupils=pupils,
        erased=[],
        dry_run=dry_run,
    )
    if dry_run:
        return run
    reason = f"retention: left {plan.months} months or more before {today.isoformat()}"
    for pupil in plan.due:
        run.erased.append(pupil_erase(pupil=pupil, by=by, reason=reason))
    audit_write(
        actor=by,
        action=AuditAction.RETENTION_RUN,
        school=school,
        target_type="people.pupil",
        target_label=f"{len(run.erased)} leavers erased",
        after={"months": plan.months, "pupils": len(run.erased), "today": today.isoformat()},
    )
    return run


@transaction.atomic(durable=True)
def sign_in_failure_record(*, attempt: Attempt, rules: Rules) -> None:
    """Count a wrong password, and forget failures too old for any rule to count."""
    SignInFailure.objects.filter(at__lte=attempt.at - rules.window).delete()
    SignInFailure.objects.create(
        username=attempt.username, address=attempt.address, device=attempt.device, at=attempt.at
    )


def sign_in_success_record(*, attempt: Attempt) -> None:
    """A good password clears the failures counted against this same name and client (the
    address, or the device): not those of anyone else trying the name from elsewhere."""
    failures = SignInFailure.objects.filter(username=attempt.username, device=attempt.device)
    if not attempt.device:
        failures = failures.filter(address=attempt.address)
    failures.delete()


def two_factor_device_ensure(*, user: Actor) -> TOTPDevice:
    """The authenticator app a person is setting up: the one not yet confirmed, else a new one."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


@transaction.atomic(durable=True)
def two_factor_enable(*, device: TOTPDevice, by: Actor | None) -> None:
    """Confirm the app a person set up (they gave one good code) and record it."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_write(actor=by, action=AuditAction.ACCOUNT_TWO_FACTOR_ENABLE, target=acting_user(by))
