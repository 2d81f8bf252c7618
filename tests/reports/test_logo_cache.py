"""A logo that could not be read is tried again: only a picture read is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from nextsteps.reports.demo import demo_logo_png
from nextsteps.reports.pdf import logo_data_uri


@pytest.fixture(autouse=True)
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


def test_a_logo_read_before_its_file_exists_shows_once_the_file_is_saved() -> None:
    name = "school-logos/test/not-yet-saved.png"
    assert logo_data_uri(name) == ""  # the file is not there yet
    default_storage.save(name, ContentFile(demo_logo_png()))
    assert logo_data_uri(name).startswith("data:image/png;base64,")


def test_a_file_that_is_not_a_picture_gives_no_logo() -> None:
    name = default_storage.save("school-logos/test/notes.png", ContentFile(b"not a picture"))
    assert logo_data_uri(name) == ""
