"""An idempotency key is read alike by every write that takes one: up to 40 letters, digits,
dots, dashes and underscores, or none."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nextsteps.api.schemas import JudgementBatchIn, MarkBatchIn

JUDGEMENTS = {"class_id": 1, "judgements": [{"pupil_id": 1, "objective_id": 1, "level_id": 1}]}
MARKS = {"marks": [{"pupil_id": 1, "question_id": 1, "marks": 2}]}


@pytest.mark.parametrize("body", [JUDGEMENTS, MARKS])
@pytest.mark.parametrize("key", [None, "sync-2026-10-01.1", "k" * 40])
def test_a_write_takes_a_well_formed_key_or_none(body: dict[str, object], key: str | None) -> None:
    schema = JudgementBatchIn if "judgements" in body else MarkBatchIn
    assert schema.model_validate({**body, "idempotency_key": key}).idempotency_key == key


@pytest.mark.parametrize("body", [JUDGEMENTS, MARKS])
@pytest.mark.parametrize("key", ["k" * 41, "two words", "", "key\x00"])
def test_a_write_refuses_a_malformed_key(body: dict[str, object], key: str) -> None:
    schema = JudgementBatchIn if "judgements" in body else MarkBatchIn
    with pytest.raises(ValidationError, match="idempotency_key"):
        schema.model_validate({**body, "idempotency_key": key})
