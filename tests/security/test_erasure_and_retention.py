"""Erasure of a pupil's data, and the retention rule that erases leavers after a period."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from nextsteps.accounts.models import User
from nextsteps.audit.models import AuditEvent
from nextsteps.markbook.models import Attachment, Judgement
from nextsteps.markbook.services import judgement_correct
from nextsteps.people.models import Guardian, Pupil
from nextsteps.security.models import SchoolSecurity
from nextsteps.security.selectors import months_before, retention_plan
from nextsteps.security.services import pupil_erase, retention_run
from tests.conftest import Cast

TODAY = dt.date(2027, 9, 1)


def rows_pointing_at(pupil_id: int) -> dict[str, int]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Pupil:
                count = model._base_manager.filter(**{field.attname: pupil_id}).count()
                if count:
                    found[f"{model._meta.label_lower}.{field.name}"] = count
    return found


def test_erasing_a_pupil_removes_every_record_and_file_about_them(
    cast: Cast, photographed: Judgement, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    amara_id, user_id = cast.amara.pk, cast.amara.user_id
    # A correction protects the judgement it corrects: erasure must still get through.
    level = photographed.objective.framework.scale.levels.order_by("position").first()
    assert level is not None
    judgement_correct(
        judgement=photographed, level=level, by=cast.user("teacher"), reason="misread"
    )
    photo = media / Attachment.objects.get(judgement=photographed).file.name
    assert photo.exists()
    theo = Pupil.objects.get(
        school__urn=cast.primary.urn, legal_forename="Theo", legal_surname="Hughes"
    )
    theo_judgements = Judgement.objects.filter(pupil=theo).count()
    with django_capture_on_commit_callbacks(execute=True):
        erasure = pupil_erase(pupil=cast.amara, by=cast.user("admin"), reason="parent's request")
    assert rows_pointing_at(amara_id) == {}
    assert not Pupil.objects.filter(pk=amara_id).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert not photo.exists()
    assert erasure.deleted["markbook.judgement"] >= 2
    # Her brother's records, and their father (still Theo's parent), are untouched.
    assert Judgement.objects.filter(pupil=theo).count() == theo_judgements
    assert Guardian.objects.filter(links__pupil=theo).exists()
    # The audit log keeps that something happened, but no longer what it said about her.
    about_her = AuditEvent.objects.filter(
        target_type="markbook.judgement", target_id=str(photographed.pk)
    )
    assert about_her.exists()
    assert set(about_her.values_list("target_label", flat=True)) == {"[erased]"}
    assert about_her.filter(after__isnull=False).count() == 0
    note = AuditEvent.objects.get(action="pupil.erase", target_id=str(amara_id))
    assert note.after["reason"] == "parent's request"
    assert "Amara" not in str(note.after) + note.target_label


def test_erasure_needs_a_reason(cast: Cast) -> None:
    with pytest.raises(ValueError, match="say why"):
        pupil_erase(pupil=cast.amara, by=None, reason="  ")
    assert Pupil.objects.filter(pk=cast.amara.pk).exists()


def test_a_parent_held_only_for_the_erased_child_is_erased_too(cast: Cast) -> None:
    only_child = (
        Pupil.objects.filter(school=cast.primary, guardian_links__isnull=False)
        .exclude(guardian_links__guardian__links__pupil__legal_surname="Hughes")
        .first()
    )
    assert only_child is not None
    guardians = list(Guardian.objects.filter(links__pupil=only_child))
    sole = [g for g in guardians if g.links.count() == 1]
    assert sole
    pupil_erase(pupil=only_child, by=None, reason="retention")
    assert not Guardian.objects.filter(pk__in=[g.pk for g in sole]).exists()


def test_months_before_keeps_to_real_calendar_days() -> None:
    assert months_before(dt.date(2027, 9, 1), 24) == dt.date(2025, 9, 1)
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2027, 1, 15), 13) == dt.date(2025, 12, 15)


def leaver(cast: Cast, left: dt.date) -> Pupil:
    pupil = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk=cast.amara.pk)
        .first()
    )
    assert pupil is not None
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=left)
    pupil.refresh_from_db()
    return pupil


def test_leavers_are_erased_only_after_the_schools_period(cast: Cast) -> None:
    SchoolSecurity.objects.update_or_create(
        school=cast.primary, defaults={"leaver_retention_months": 24}
    )
    long_gone = leaver(cast, dt.date(2025, 7, 18))
    recent = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk__in=[cast.amara.pk, long_gone.pk])
        .first()
    )
    assert recent is not None
    Pupil.objects.filter(pk=recent.pk).update(leaving_date=dt.date(2026, 7, 17))
    plan = retention_plan(cast.primary, TODAY)
    assert [p.pk for p in plan.due] == [long_gone.pk]
    dry = retention_run(school=cast.primary, today=TODAY, by=None, dry_run=True)
    assert [p["id"] for p in dry.pupils] == [long_gone.pk] and dry.erased == []
    assert Pupil.objects.filter(pk=long_gone.pk).exists()
    run = retention_run(school=cast.primary, today=TODAY, by=None, dry_run=False)
    assert [e.pupil_id for e in run.erased] == [long_gone.pk]
    assert not Pupil.objects.filter(pk=long_gone.pk).exists()
    assert Pupil.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action="retention.run", school=cast.primary).exists()


def test_a_school_that_keeps_data_longer_erases_nobody_yet(cast: Cast) -> None:
    SchoolSecurity.objects.update_or_create(
        school=cast.primary, defaults={"leaver_retention_months": 36}
    )
    leaver(cast, dt.date(2025, 7, 18))
    assert retention_plan(cast.primary, TODAY).due == []


def test_retention_command_reports_a_dry_run_and_then_erases(cast: Cast) -> None:
    gone = leaver(cast, dt.date(2024, 7, 19))
    out = io.StringIO()
    call_command(
        "retention",
        "--school",
        str(cast.primary.urn),
        "--dry-run",
        "--today",
        "2027-09-01",
        stdout=out,
    )
    report = out.getvalue()
    assert "would erase 1 pupils who left on or before 2025-09-01" in report
    assert gone.upn in report and "records" in report
    assert "Dry run: 1 pupils would be erased in all." in report
    assert Pupil.objects.filter(pk=gone.pk).exists()
    out = io.StringIO()
    call_command(
        "retention", "--school", str(cast.primary.urn), "--today", "2027-09-01", stdout=out
    )
    assert "erased 1 pupils" in out.getvalue()
    assert not Pupil.objects.filter(pk=gone.pk).exists()


def test_retention_command_refuses_a_bad_date_or_school(cast: Cast) -> None:
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("retention", "--today", "next week")
    with pytest.raises(CommandError, match="no school with URN 1"):
        call_command("retention", "--school", "1", "--dry-run")
