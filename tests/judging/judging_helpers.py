"""Shared set-up for the judging app's tests: the demo's Kingsmead sessions and small builders."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.judging.models import CJSession, ModerationSession
from nextsteps.people.models import Staff
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import ClassStaff

KINGSMEAD = 990102
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kingsmead() -> School:
    return School.objects.get(urn=KINGSMEAD)


def algebra_session() -> ModerationSession:
    return ModerationSession.objects.get(school__urn=KINGSMEAD, title__startswith="Year 8 algebra")


def science_session() -> CJSession:
    return CJSession.objects.get(school__urn=KINGSMEAD, title__startswith="Year 9 science")


def levels_of(objective: Objective) -> list[ScaleLevel]:
    return list(
        ScaleLevel.objects.filter(scale_id=objective.framework.scale_id).order_by("position")
    )


def english_teacher(school: School) -> Staff:
    return (
        Staff.objects.filter(
            school=school,
            class_links__teaching_class__subjects__name="English",
            class_links__role=ClassStaff.Role.TEACHER,
        )
        .distinct()
        .order_by("surname")
        .first()
    )  # type: ignore[return-value]


def make_hod(user: User, school: School, department_name: str) -> None:
    department = Department.objects.get(school=school, name=department_name)
    Membership.objects.get_or_create(user=user, school=school, role=Role.HOD, department=department)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def text_file(name: str, text: str) -> Any:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def file_bytes(response: Any) -> bytes:
    buffer = io.BytesIO()
    for chunk in response.streaming_content:
        buffer.write(chunk)
    return buffer.getvalue()
