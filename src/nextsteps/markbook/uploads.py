"""Checking uploaded evidence: the content is sniffed, not trusted, and size is limited.

Three kinds of upload share the one mechanism: attachments (photos, PDFs, documents), voice
notes (what a browser's recorder or a tablet's voice memo makes) and drawings (a canvas saved
as PNG, or a photo drawn on). Each accepts only its own kinds of content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Opus at a recorder's usual 32-128 kbit/s: ten minutes of talk fits with room to spare.
MAX_RECORDING_BYTES = 10 * 1024 * 1024

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
    file: UploadedFile[bytes]
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


def sniff_audio(head: bytes) -> str | None:
    """The content type of a voice recording from its first bytes, or None when it is not one.

    WebM (Chrome, Firefox and Edge's MediaRecorder), Ogg (Firefox, Opus voice memos), MP4/M4A
    (Safari's MediaRecorder and the iPad's voice memos), WAV and MP3.
    """
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "audio/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return "audio/mpeg"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "audio/mp4"
    return None


def sniff_drawing(head: bytes) -> str | None:
    """PNG (a canvas saved in the page) or JPEG (a photo), or None."""
    content_type = sniff(head)
    return content_type if content_type in {"image/png", "image/jpeg"} else None


_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif"}


def checked_upload(file: UploadedFile[bytes], *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Accept images, PDFs and office documents up to the size limit, judged by content."""
    return _checked(
        file,
        max_bytes,
        sniff,
        _("%(name)s is not a photo, PDF or document, so it was not attached"),
    )


def checked_recording(
    file: UploadedFile[bytes], *, max_bytes: int = MAX_RECORDING_BYTES
) -> CheckedUpload:
    """Accept a voice recording (WebM, Ogg, MP4/M4A, WAV, MP3) up to the size limit."""
    return _checked(
        file,
        max_bytes,
        sniff_audio,
        _(
            "%(name)s is not a sound recording (WebM, Ogg, M4A, MP4, WAV or MP3), "
            "so it was not added"
        ),
    )


def checked_drawing(file: UploadedFile[bytes], *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Accept a drawing or a photo drawn on: PNG or JPEG up to the size limit."""
    return _checked(
        file,
        max_bytes,
        sniff_drawing,
        _("%(name)s is not a PNG or JPEG picture, so it was not added"),
    )


def _checked(
    file: UploadedFile[bytes], max_bytes: int, sniffer: Callable[[bytes], str | None], refusal: str
) -> CheckedUpload:
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
    content_type = sniffer(head)
    if content_type is None:
        raise UploadRefused(refusal % {"name": name})
    return CheckedUpload(file=file, content_type=content_type, size=size, name=name)
