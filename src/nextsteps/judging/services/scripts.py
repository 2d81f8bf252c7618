"""Writes for comparative judgement scripts: uploads, typed work, evidence, exemplars, anchors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from nextsteps import filereading
from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Exemplar
from nextsteps.judging.models import CJSession, Script
from nextsteps.judging.services.comparative import CJRefused, check_open
from nextsteps.markbook.models import Attachment, Judgement
from nextsteps.markbook.uploads import UploadRefused, checked_upload, sniff
from nextsteps.people.models import Pupil

MAX_TEXT = 20_000  # characters in one text script: several pages of writing
UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]", re.IGNORECASE)
SHOWABLE = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


def _next_codes(session: CJSession, count: int) -> list[str]:
    taken = Script.objects.filter(session=session).aggregate(top=Max("code"))["top"]
    start = int(taken[1:]) + 1 if taken else 1
    return [f"S{n:03d}" for n in range(start, start + count)]


def _count_scripts(session: CJSession, added: int) -> None:
    CJSession.objects.filter(pk=session.pk).update(script_count=F("script_count") + added)
    session.refresh_from_db(fields=["script_count"])


@transaction.atomic(durable=True)
def cj_scripts_upload(
    *, session: CJSession, files: Sequence[UploadedFile[bytes]], by: Actor | None
) -> list[Script]:
    """Add scripts from files: photos and PDFs, or .txt files of typed work.

    A file whose name contains a pupil's UPN is linked to that pupil, so that the results can
    become their judgements. All the files are added, or none.
    """
    check_open(session)
    if not files:
        raise CJRefused(_("choose at least one file"))
    prepared = [_prepare_file(file) for file in files]
    pupils = _pupils_by_upn(session.school_id, [file.name or "" for file in files])
    scripts = []
    for code, (file, kind, content_type, text) in zip(
        _next_codes(session, len(prepared)), prepared, strict=True
    ):
        script = Script(
            school_id=session.school_id,
            session=session,
            code=code,
            kind=kind,
            origin=Script.Origin.UPLOAD,
            text=text,
            content_type=content_type,
            original_name=(file.name or "")[:200],
            pupil=pupils.get(_upn_in(file.name or "") or ""),
        )
        if kind != Script.Kind.TEXT:
            script.file = file
        script.save()
        scripts.append(script)
    _count_scripts(session, len(scripts))
    audit_write(
        actor=by,
        action=AuditAction.CJ_SCRIPTS_UPLOAD,
        target=session,
        target_label=f"{session} · {len(scripts)} scripts",
    )
    return scripts


def _prepare_file(file: UploadedFile[bytes]) -> tuple[UploadedFile[bytes], str, str, str]:
    name = file.name or "upload"
    if name.lower().endswith(".txt"):
        if (file.size or 0) > MAX_TEXT * 4:
            raise CJRefused(
                _("%(name)s is too long for a text script (%(max_text)s characters at most)")
                % {"name": name, "max_text": MAX_TEXT}
            )
        try:
            text = filereading.text(file.read(), name).strip()
        except filereading.Unreadable as error:
            raise CJRefused(str(error)) from error
        if not text:
            raise CJRefused(_("%(name)s is empty") % {"name": name})
        return file, Script.Kind.TEXT, "text/plain", text[:MAX_TEXT]
    try:
        upload = checked_upload(file)
    except UploadRefused as error:
        raise CJRefused(str(error)) from error
    if upload.content_type not in SHOWABLE:
        raise CJRefused(
            _("%(name)s is a document judges cannot see in the browser; use a PDF") % {"name": name}
        )
    kind = Script.Kind.PDF if upload.content_type == "application/pdf" else Script.Kind.IMAGE
    return file, kind, upload.content_type, ""


def _upn_in(name: str) -> str | None:
    match = UPN.search(name)
    return match.group(0).upper() if match else None


def _pupils_by_upn(school_id: int, names: Sequence[str]) -> dict[str, Pupil]:
    upns = {upn for name in names if (upn := _upn_in(name))}
    return {p.upn: p for p in Pupil.objects.filter(school_id=school_id, upn__in=upns)}


@transaction.atomic(durable=True)
def cj_script_add_text(
    *, session: CJSession, text: str, by: Actor | None, pupil: Pupil | None = None
) -> Script:
    """Add one typed script (for example, pasted from a pupil's work)."""
    check_open(session)
    text = text.strip()
    if not text:
        raise CJRefused(_("the script has no words"))
    if len(text) > MAX_TEXT:
        raise CJRefused(
            _("the script is %(n)s characters; %(max_text)s is the most")
            % {"n": len(text), "max_text": MAX_TEXT}
        )
    if pupil is not None and pupil.school_id != session.school_id:
        raise CJRefused(
            _("%(pupil)s is not a pupil at %(school)s") % {"pupil": pupil, "school": session.school}
        )
    script = Script.objects.create(
        school_id=session.school_id,
        session=session,
        code=_next_codes(session, 1)[0],
        kind=Script.Kind.TEXT,
        origin=Script.Origin.UPLOAD,
        text=text,
        pupil=pupil,
    )
    _count_scripts(session, 1)
    audit_write(actor=by, action=AuditAction.CJ_SCRIPT_ADD, target=script)
    return script


@transaction.atomic(durable=True)
def cj_scripts_from_evidence(*, session: CJSession, by: Actor | None) -> list[Script]:
    """Add each pupil's latest photo or PDF of work on the session's objective as a script."""
    check_open(session)
    if session.objective is None:
        raise CJRefused(_("choose the session's objective first: evidence is taken from it"))
    used = set(Script.objects.filter(session=session).values_list("attachment_id", flat=True))
    latest: dict[int, Attachment] = {}
    for attachment in (
        Attachment.objects.filter(
            judgement__objective=session.objective,
            judgement__kind=Judgement.Kind.RECORD,
            content_type__in=SHOWABLE,
        )
        .select_related("judgement")
        .order_by("judgement__shown_at", "pk")
    ):
        latest[attachment.judgement.pupil_id] = attachment
    fresh = [a for a in latest.values() if a.pk not in used]
    if not fresh:
        raise CJRefused(
            _("no pupil has a photo or PDF of their work on %(code)s that is not already a script")
            % {"code": session.objective.code}
        )
    scripts = [
        Script(
            school_id=session.school_id,
            session=session,
            code=code,
            kind=Script.Kind.PDF if a.content_type == "application/pdf" else Script.Kind.IMAGE,
            origin=Script.Origin.EVIDENCE,
            pupil_id=a.judgement.pupil_id,
            file=a.file.name,
            content_type=a.content_type,
            original_name=a.original_name,
            attachment=a,
        )
        for code, a in zip(_next_codes(session, len(fresh)), fresh, strict=True)
    ]
    Script.objects.bulk_create(scripts)
    _count_scripts(session, len(scripts))
    audit_write(
        actor=by,
        action=AuditAction.CJ_SCRIPTS_FROM_EVIDENCE,
        target=session,
        target_label=f"{session} · {len(scripts)} scripts",
    )
    return scripts


@transaction.atomic(durable=True)
def cj_scripts_from_exemplars(*, session: CJSession, by: Actor | None) -> list[Script]:
    """Add the objective's exemplars at agreed standards; where they sit sets the boundaries."""
    check_open(session)
    if session.objective is None:
        raise CJRefused(_("choose the session's objective first: its exemplars set the standards"))
    used = set(Script.objects.filter(session=session).values_list("exemplar_id", flat=True))
    exemplars = [
        e
        for e in Exemplar.objects.filter(objective=session.objective, level__isnull=False)
        if e.pk not in used and (e.text.strip() or e.file)
    ]
    if not exemplars:
        raise CJRefused(
            _(
                "%(code)s has no exemplars at an agreed standard left to add; "
                "add some to the exemplar bank first"
            )
            % {"code": session.objective.code}
        )
    scripts = [
        Script(
            school_id=session.school_id,
            session=session,
            code=code,
            origin=Script.Origin.EXEMPLAR,
            exemplar=e,
            **_exemplar_content(e),
        )
        for code, e in zip(_next_codes(session, len(exemplars)), exemplars, strict=True)
    ]
    Script.objects.bulk_create(scripts)
    _count_scripts(session, len(scripts))
    audit_write(
        actor=by,
        action=AuditAction.CJ_SCRIPTS_FROM_EXEMPLARS,
        target=session,
        target_label=f"{session} · {len(scripts)} exemplars",
    )
    return scripts


def _exemplar_content(exemplar: Exemplar) -> dict[str, Any]:
    if exemplar.text.strip():
        return {"kind": Script.Kind.TEXT, "text": exemplar.text.strip()}
    name = (exemplar.file.name or "").lower()
    pdf = name.endswith(".pdf")
    return {
        "kind": Script.Kind.PDF if pdf else Script.Kind.IMAGE,
        "file": exemplar.file.name,
        "content_type": "application/pdf" if pdf else _image_type(exemplar),
    }


def _image_type(exemplar: Exemplar) -> str:
    with exemplar.file.open("rb") as handle:
        head = handle.read(16)
    return sniff(head) or "application/octet-stream"


@transaction.atomic(durable=True)
def cj_anchors_import(
    *, session: CJSession, source: CJSession, count: int, by: Actor | None
) -> list[Script]:
    """Copy `count` scripts spread along an earlier session's scale, fixed at their values."""
    check_open(session)
    if source.school_id != session.school_id or source.pk == session.pk:
        raise CJRefused(_("anchors come from an earlier session in the same school"))
    if not 1 <= count <= 20:
        raise CJRefused(_("choose from 1 to 20 anchors"))
    placed = list(
        Script.objects.filter(session=source, theta__isnull=False, extreme=False).order_by("theta")
    )
    if len(placed) < count:
        raise CJRefused(
            _("%(title)s has %(n)s scripts placed on its scale; it needs %(count)s")
            % {"title": source.title, "n": len(placed), "count": count}
        )
    picks = sorted({round(i) for i in np.linspace(0, len(placed) - 1, count)})
    chosen = [placed[i] for i in picks]
    scripts = [
        Script(
            school_id=session.school_id,
            session=session,
            code=code,
            kind=s.kind,
            origin=Script.Origin.ANCHOR,
            text=s.text,
            file=s.file.name if s.file else "",
            content_type=s.content_type,
            original_name=s.original_name,
            exemplar=s.exemplar,
            anchor_from=s,
            anchor_theta=s.theta,
        )
        for code, s in zip(_next_codes(session, len(chosen)), chosen, strict=True)
    ]
    Script.objects.bulk_create(scripts)
    _count_scripts(session, len(scripts))
    audit_write(
        actor=by,
        action=AuditAction.CJ_SCRIPTS_ANCHORS,
        target=session,
        target_label=f"{session} · {len(scripts)} anchors from {source}",
    )
    return scripts
