"""Helpers for the interop tests: a fresh school to import into."""

from __future__ import annotations

from typing import Any

import pytest

from nextsteps.schools.models import School

SAMPLE_URN = 990301


@pytest.fixture
def empty_school(db: Any) -> School:
    """A school with nothing in it yet, the target of sample imports."""
    return School.objects.create(urn=SAMPLE_URN, name="Fenwick School", phase="secondary")
