"""Checking uploaded evidence: the content is sniffed, not trusted, and size is limited."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024

# Magic numbers of the kinds of file a teacher or pupil may attach.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip-document"),  # .docx, .xlsx, .pptx, .odt
)


class UploadRefused(ValueError):
    """An upload that is not an allowed kind of file or is too large."""


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str
    size: int
    name: str


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes of a file, or None when it is not allowed."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if len(head) >= 12 and head[4:12] in {b"ftypheic", b"ftypheix", b"ftypmif1"}:
        return "image/heic"
    return None


def checked_upload(file: UploadedFile, *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Accept images, PDFs and office documents up to the size limit, judged by content."""
    name = file.name or "upload"
    size = file.size or 0
    if size > max_bytes:
        raise UploadRefused(
            _("%(name)s is %(size)s MB; files can be at most %(most)s MB")
            % {"name": name, "size": f"{size / 1024 / 1024:.1f}", "most": max_bytes // 1024 // 1024}
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise UploadRefused(
            _("%(name)s is not a photo, PDF or document, so it was not attached") % {"name": name}
        )
    return CheckedUpload(file=file, content_type=content_type, size=size, name=name)
