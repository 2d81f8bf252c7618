"""Recording, correcting and withdrawing judgements; standings follow the events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.markbook.services import (
    JudgementEntry,
    JudgementRefused,
    judgement_correct,
    judgement_record,
    judgement_withdraw,
    judgements_record_bulk,
)
from nextsteps.markbook.uploads import UploadRefused
from tests.conftest import Cast

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def today_objective(cast: Cast) -> Objective:
    # Statistics comes later in the year: no one has evidence on it yet.
    return Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")


def levels(objective: Objective) -> list[ScaleLevel]:
    return list(objective.framework.scale.levels.order_by("position"))


def standing(cast: Cast, objective: Objective) -> Standing:
    return Standing.objects.get(pupil=cast.amara, objective=objective)


def test_recording_a_judgement_brings_the_standing_up_to_date(
    cast: Cast, today_objective: Objective
) -> None:
    teacher = cast.user("teacher")
    scale = levels(today_objective)
    for level in (scale[0], scale[1], scale[2], scale[3], scale[4 - 1]):
        judgement_record(
            pupil=cast.amara, objective=today_objective, level=level, by=teacher, method="task"
        )
    result = standing(cast, today_objective)
    # Decaying average, r = 65: 1 → 1.65 → 2.5275 → 3.484625 → 3.819619 → 3.82
    assert result.value == Decimal("3.82")
    assert result.level is not None and result.level.label == "Secure"
    assert result.mastered is True
    assert result.evidence_count == 5
    assert result.last_recorded_by == teacher


def test_a_back_dated_judgement_is_ordered_by_when_the_learning_was_shown(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    teacher = cast.user("teacher")
    judgement_record(pupil=cast.amara, objective=today_objective, level=scale[3], by=teacher)
    last_week = timezone.now() - dt.timedelta(days=7)
    judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[0], by=teacher, shown_at=last_week
    )
    # Order by shown: 1 then 4 → 1 × 0.35 + 4 × 0.65 = 2.95
    assert standing(cast, today_objective).value == Decimal("2.95")


def test_a_correction_replaces_the_level_and_keeps_the_history(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    teacher = cast.user("teacher")
    first = judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[0], by=teacher
    )
    judgement_correct(
        judgement=first, level=scale[2], by=teacher, reason="Entered in the wrong row"
    )
    assert standing(cast, today_objective).value == Decimal("3.00")
    events = Judgement.objects.filter(pupil=cast.amara, objective=today_objective)
    assert events.count() == 2
    assert AuditEvent.objects.filter(action="judgement.correction").exists()


def test_a_withdrawal_removes_the_evidence_from_the_standing_but_not_the_history(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    teacher = cast.user("teacher")
    judgement_record(pupil=cast.amara, objective=today_objective, level=scale[2], by=teacher)
    wrong = judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[0], by=teacher
    )
    judgement_withdraw(judgement=wrong, by=teacher, reason="Wrong pupil")
    result = standing(cast, today_objective)
    assert result.value == Decimal("3.00")
    assert result.evidence_count == 1
    assert Judgement.objects.filter(pupil=cast.amara, objective=today_objective).count() == 3


def test_a_correction_needs_a_reason_and_happens_once(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    teacher = cast.user("teacher")
    first = judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[0], by=teacher
    )
    with pytest.raises(JudgementRefused, match="say why"):
        judgement_correct(judgement=first, level=scale[1], by=teacher, reason=" ")
    judgement_withdraw(judgement=first, by=teacher, reason="Duplicate")
    with pytest.raises(JudgementRefused, match="already been corrected or withdrawn"):
        judgement_correct(judgement=first, level=scale[1], by=teacher, reason="Again")


def test_a_level_from_another_scale_is_refused_and_nothing_is_written(
    cast: Cast, today_objective: Objective
) -> None:
    other_scale_level = ScaleLevel.objects.filter(school=cast.secondary).first()
    assert other_scale_level is not None
    before = Judgement.objects.count()
    with pytest.raises(
        JudgementRefused, match="is not a level on the scale of Primary mathematics"
    ):
        judgement_record(
            pupil=cast.amara, objective=today_objective, level=other_scale_level, by=None
        )
    assert Judgement.objects.count() == before


def test_an_objective_from_another_school_is_refused(cast: Cast) -> None:
    objective = Objective.objects.filter(school=cast.secondary).first()
    assert objective is not None
    level = objective.framework.scale.levels.first()
    assert level is not None
    with pytest.raises(JudgementRefused, match="not in Amara Hughes's school"):
        judgement_record(pupil=cast.amara, objective=objective, level=level, by=None)


def test_self_assessment_never_changes_the_teachers_standing(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[1], by=cast.user("teacher")
    )
    self_scale = list(today_objective.framework.self_scale.levels.order_by("position"))  # type: ignore[union-attr]
    judgement_record(
        pupil=cast.amara,
        objective=today_objective,
        level=self_scale[3],
        by=cast.user("pupil"),
        source=JudgementSource.SELF,
    )
    assert standing(cast, today_objective).value == Decimal("2.00")
    with pytest.raises(JudgementRefused):
        judgement_record(
            pupil=cast.amara,
            objective=today_objective,
            level=scale[3],
            by=None,
            source=JudgementSource.SELF,
        )


def test_the_same_idempotency_key_records_only_once(cast: Cast, today_objective: Objective) -> None:
    scale = levels(today_objective)
    for _ in range(2):
        judgement_record(
            pupil=cast.amara,
            objective=today_objective,
            level=scale[2],
            by=None,
            idempotency_key="tap-123",
        )
    assert Judgement.objects.filter(pupil=cast.amara, objective=today_objective).count() == 1


def test_a_bulk_write_with_one_bad_entry_writes_nothing(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    pupils = list(cast.four_oak.enrolments.values_list("pupil", flat=True)[:3])
    from nextsteps.people.models import Pupil

    entries = [
        JudgementEntry(pupil=p, objective=today_objective, level=scale[2])
        for p in Pupil.objects.filter(pk__in=pupils)
    ]
    bad_level = ScaleLevel.objects.filter(school=cast.secondary).first()
    assert bad_level is not None
    entries.append(JudgementEntry(pupil=cast.amara, objective=today_objective, level=bad_level))
    before = Judgement.objects.count()
    with pytest.raises(JudgementRefused, match="entry 4 \\(Amara Hughes, Y4-ST-01\\)"):
        judgements_record_bulk(entries=entries, by=None)
    assert Judgement.objects.count() == before


def test_a_photo_is_attached_and_a_disguised_file_is_refused(
    cast: Cast, today_objective: Objective
) -> None:
    scale = levels(today_objective)
    photo = SimpleUploadedFile("working.png", PNG, content_type="image/png")
    judgement = judgement_record(
        pupil=cast.amara, objective=today_objective, level=scale[2], by=None, files=[photo]
    )
    attachment = judgement.attachments.get()
    assert attachment.content_type == "image/png"
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho nope\n", content_type="image/jpeg")
    before = Judgement.objects.count()
    with pytest.raises(UploadRefused, match="not a photo, PDF or document"):
        judgement_record(
            pupil=cast.amara, objective=today_objective, level=scale[2], by=None, files=[fake]
        )
    assert Judgement.objects.count() == before
