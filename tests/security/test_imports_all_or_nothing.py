"""Cross-check of the importers' own tests: a file that is good until its last record changes
nothing at all, in any table. Each file is the site's own export with its end broken, sent
through the page a data manager uses."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import Cast


def every_table() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        # The audit log and the record of each import run note the attempt; they are not data.
        if model._meta.label_lower
        not in {"audit.auditevent", "sessions.session", "interop.importrun"}
    }


def broken_csv(text: str) -> bytes:
    lines = text.rstrip("\n").splitlines()
    return (
        "\n".join([*lines, lines[-1].replace(",", ",,,") + ",not-a-number,\u0000"]) + "\n"
    ).encode()


def broken_zip(data: bytes) -> bytes:
    """The OneRoster zip with one more user row whose role and dates are nonsense."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.endswith("users.csv"):
                content = content.rstrip(b"\n") + b"\nbroken-1,,notabool,2026-13-45,wizard,,,,,,,\n"
            target.writestr(name, content)
    return out.getvalue()


CASES: dict[str, tuple[str, str, Callable[[bytes], bytes], str, dict[str, Any]]] = {
    # name: (export path, import path, how to break it, file name, other fields)
    "framework csv": (
        "frameworks/{framework}/export.csv",
        "frameworks/import/",
        lambda data: broken_csv(data.decode()),
        "maths.csv",
        {"name": "Maths again", "subject": "Mathematics", "version": "9"},
    ),
    "oneroster zip": (
        "data/oneroster/export.zip",
        "data/oneroster/import/",
        broken_zip,
        "roster.zip",
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_broken_at_its_end_changes_nothing(cast: Cast, case: str) -> None:
    export, upload, corrupt, filename, fields = CASES[case]
    client = cast.client("admin")
    base = f"/school/{cast.primary.urn}/"
    response = client.get(base + export.format(framework=cast.maths_framework.pk))
    if response.status_code != 200:
        pytest.fail(f"{case}: the export answered {response.status_code}")
    data = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    before = every_table()
    answer = client.post(
        base + upload,
        {"file": SimpleUploadedFile(filename, corrupt(data)), "dry_run": "", **fields},
    )
    assert answer.status_code < 500
    assert every_table() == before, f"{case}: a broken file changed the database"
