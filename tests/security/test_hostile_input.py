"""A small scanner: every form on every page, for each kind of person, is sent hostile input.

For each post form found on a page the person can open, three submissions are made: every
field filled with attack strings (script, SQL, template and path tricks, control characters,
very long text, files whose content is not what their name says), every field with boundary
numbers and ids of records from another school, and every field empty. The site must never
answer with a server error, never echo a script back unescaped, and never let a person whose
only school is Hollins Park change another school's data.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nextsteps.audit.models import AuditEvent
from nextsteps.schools.models import School
from tests.conftest import Cast
from tests.security.pages import Form, html_pages, read

SCRIPT = "<script>alert('nextsteps')</script>"
HOSTILE_TEXT = [
    SCRIPT,
    "' OR '1'='1' --",
    "{{ 7*7 }}{% debug %}",
    "../../../../etc/passwd",
    "\u202eevil\u0000nul",
    "A" * 20_000,
    "١٢٣",  # Arabic-Indic digits
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "NaN",
]
HOSTILE_FILES = [
    ("photo.png", b"<!DOCTYPE html>" + SCRIPT.encode(), "image/png"),
    ("empty.csv", b"", "text/csv"),
    (
        "marks.xlsx",
        b"PK\x03\x04" + b"\x00" * 40,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("roster.zip", b"\x1f\x8b\x08\x00not really gzip", "application/zip"),
    ("framework.yaml", b"!!python/object/apply:os.system ['true']\n", "application/x-yaml"),
]
ROLE_OF = {"parent": "guardian"}


def foreign_ids(cast: Cast) -> list[str]:
    """Ids of rows that belong to other schools, for select boxes and hidden fields."""
    from nextsteps.curriculum.models import Objective, ScaleLevel
    from nextsteps.people.models import Pupil
    from nextsteps.teaching.models import Class

    others = School.objects.exclude(pk=cast.primary.pk)
    picks = [
        Pupil.objects.filter(school__in=others).values_list("pk", flat=True).first(),
        Class.objects.filter(school__in=others).values_list("pk", flat=True).first(),
        Objective.objects.filter(school__in=others).values_list("pk", flat=True).first(),
        ScaleLevel.objects.filter(school__in=others).values_list("pk", flat=True).first(),
    ]
    return [str(p) for p in picks if p is not None] + ["0", "-5", "2147483648"]


def payloads(form: Form, cast: Cast) -> list[dict[str, Any]]:
    hostile: dict[str, Any] = {}
    boundary: dict[str, Any] = {}
    empty: dict[str, Any] = {}
    foreign = foreign_ids(cast)
    for index, field in enumerate(form.fields):
        name = field["name"]
        if field.get("type") == "file":
            filename, content, content_type = HOSTILE_FILES[index % len(HOSTILE_FILES)]
            hostile[name] = SimpleUploadedFile(filename, content, content_type=content_type)
            boundary[name] = SimpleUploadedFile(
                "big.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), content_type="application/pdf"
            )
            continue
        hostile[name] = HOSTILE_TEXT[index % len(HOSTILE_TEXT)]
        boundary[name] = (
            foreign[index % len(foreign)]
            if field["tag"] == "select" or "id" in name
            else "-2147483649"
        )
        empty[name] = ""
    return [hostile, boundary, empty]


def submit(client: Client, path: str, form: Form, data: dict[str, Any]) -> Any:
    target = form.action or path
    if target.startswith(("http://", "https://")):
        return None
    return client.post(target, data)


@pytest.mark.parametrize("username", ["teacher", "ta", "pupil", "parent", "admin", "primaryhead"])
def test_hostile_input_to_every_form_never_breaks_or_crosses_schools(
    cast: Cast, username: str, media: Any
) -> None:
    client = cast.client(username)
    only_primary = username in {"teacher", "ta", "pupil", "parent", "primaryhead"}
    before = AuditEvent.objects.filter(school__isnull=False).exclude(school=cast.primary).count()
    problems: list[str] = []
    sent = 0
    tried: set[tuple[str, tuple[str, ...]]] = set()  # the same form on many pages is sent once
    for path, response in list(
        html_pages(
            cast, client, ROLE_OF.get(username, "leader" if username == "primaryhead" else username)
        )
    ):
        for form in read(response.content.decode()).forms:
            if form.method != "post" or form.action.endswith("/accounts/logout/"):
                continue
            target = (form.action or path, tuple(f["name"] for f in form.fields))
            if target in tried:
                continue
            tried.add(target)
            for data in payloads(form, cast):
                answer = submit(client, path, form, data)
                if answer is None:
                    continue
                sent += 1
                where = f"POST {form.action or path} from {path} as {username}"
                if answer.status_code >= 500:
                    problems.append(f"{where}: {answer.status_code}")
                body = b"".join(answer.streaming_content) if answer.streaming else answer.content
                if SCRIPT.encode() in body:
                    problems.append(f"{where}: the script came back unescaped")
                if answer.status_code in {301, 302, 303} and answer["Location"].startswith("/"):
                    shown = client.get(answer["Location"])
                    if shown.status_code >= 500:
                        problems.append(
                            f"{where} then GET {answer['Location']}: {shown.status_code}"
                        )
                    if not shown.streaming and SCRIPT.encode() in shown.content:
                        problems.append(
                            f"{where} then GET {answer['Location']}: script shown unescaped"
                        )
    assert sent > 0
    assert problems == []
    if only_primary:
        assert (
            AuditEvent.objects.filter(school__isnull=False).exclude(school=cast.primary).count()
            == before
        ), "another school's data changed"
