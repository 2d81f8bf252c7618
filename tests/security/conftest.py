"""Helpers for the security tests: evidence files in a temporary media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Judgement
from nextsteps.markbook.services import judgement_record
from tests.conftest import Cast

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
        },
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def photographed(cast: Cast, media: Path) -> Judgement:
    """A judgement about Amara with a photo of her working attached."""
    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")
    level = objective.framework.scale.levels.order_by("position").last()
    assert level is not None
    return judgement_record(
        pupil=cast.amara,
        objective=objective,
        level=level,
        by=cast.user("teacher"),
        note="Explained the bar chart to her group",
        files=[SimpleUploadedFile("working.png", PNG, content_type="image/png")],
    )
