"""Writes: the teacher's words on a report, releasing reports to parents, and PDF batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.markbook.uploads import UploadRefused, checked_upload
from nextsteps.people.models import Pupil
from nextsteps.reports.kernels.documents import SECTIONS
from nextsteps.reports.models import Report, ReportBatch, ReportSettings, ReportVersion
from nextsteps.reports.report_selectors import draft_document, year_group_pupils, year_label
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

MAX_COMMENT = 4000
MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 4000  # pixels: a logo larger than this is a photograph, or a decompression bomb
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def _as_written(text: str) -> str:
    """The teacher's words as written: only the browser's line endings are made plain and
    the blank space around the whole text dropped; nothing inside is changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _checked_period_and_comment(period: str, comment: str) -> str:
    period = period.strip()
    if not period:
        raise ValidationError({"period": _("Name the period, for example “Autumn term 2026”.")})
    if len(_as_written(comment)) > MAX_COMMENT:
        raise ValidationError(
            {
                "comment": _("The comment is %(n)s characters; keep it under %(max)s.")
                % {"n": len(_as_written(comment)), "max": MAX_COMMENT}
            }
        )
    return period


@transaction.atomic(durable=True)
def report_comment_save(*, pupil: Pupil, period: str, comment: str, by: Actor | None) -> Report:
    """Save the teacher's comment on a pupil's report for a period, as written, keeping the
    note on how to help at home. A released version keeps the words it was released with."""
    period = _checked_period_and_comment(period, comment)
    existing = Report.objects.filter(pupil=pupil, period=period).first()
    home_help = existing.home_help if existing is not None else ""
    return report_save(pupil=pupil, period=period, comment=comment, home_help=home_help, by=by)


# A savepoint: report_comment_save holds the transaction.
@transaction.atomic
def report_save(
    *, pupil: Pupil, period: str, comment: str, home_help: str, by: Actor | None
) -> Report:
    """Create or update the teacher's comment and home-help note for a pupil's report."""
    period = _checked_period_and_comment(period, comment)
    report, created = Report.objects.select_for_update().get_or_create(
        school_id=pupil.school_id, pupil=pupil, period=period
    )
    before = {"comment": report.comment, "home_help": report.home_help}
    unchanged = {"comment": _as_written(comment), "home_help": _as_written(home_help)} == before
    if unchanged and not created:
        return report  # nothing changed: no new audit record, the draft's date kept
    report.comment = _as_written(comment)
    report.home_help = _as_written(home_help)
    report.written_by = acting_user(by)
    report.updated_at = timezone.now()
    report.save()
    audit_write(
        actor=by,
        action=AuditAction.REPORT_CREATE if created else AuditAction.REPORT_UPDATE,
        target=report,
        school=pupil.school,
        before=None if created else before,
        after={"comment": report.comment, "home_help": report.home_help},
    )
    return report


# A savepoint: reports_release holds the transaction when it releases a class's reports.
@transaction.atomic
def report_release(
    *, pupil: Pupil, period: str, by: Actor | None, at: dt.datetime | None = None
) -> ReportVersion:
    """Release the pupil's report for the period as its next version: what it says now (its
    figures, words, year group and period) is stored and shown unchanged from then on.

    The first release makes version 1; a later one makes the next version and keeps every
    earlier one. A release identical to the latest version is refused (nothing would change).
    """
    period = period.strip()
    if not period:
        raise ValidationError({"period": _("Name the period to release.")})
    report, _created = Report.objects.select_for_update().get_or_create(
        school_id=pupil.school_id, pupil=pupil, period=period
    )
    at = at or timezone.now()
    document = draft_document(pupil=pupil, period=period, for_parent=True)
    content = document.as_released_on(timezone.localdate(at)).to_json()
    latest = report.versions.order_by("-number").first()
    if latest is not None and latest.content == content:
        raise ValidationError(
            _("Version %(n)s already says exactly this; nothing new to release.")
            % {"n": latest.number}
        )
    version = ReportVersion.objects.create(
        school_id=pupil.school_id,
        report=report,
        number=1 if latest is None else latest.number + 1,
        content=content,
        released_at=at,
        released_by=acting_user(by),
    )
    report.released_at = at
    report.released_by = acting_user(by)
    report.save(update_fields=["released_at", "released_by"])
    audit_write(
        actor=by,
        action=AuditAction.REPORT_RELEASE,
        target=report,
        school=pupil.school,
        after={"period": period, "version": version.number},
    )
    return version


@transaction.atomic(durable=True)
def reports_release(*, pupils: list[Pupil], period: str, by: Actor | None) -> int:
    """Release the period's reports not yet released for these pupils (creating any not yet
    written, so the figures reach parents even without a comment). Reports already released
    keep their versions: a new version is released one report at a time, explicitly.
    Returns how many were released."""
    period = period.strip()
    already = set(
        Report.objects.filter(
            pupil__in=pupils, period=period, released_at__isnull=False
        ).values_list("pupil_id", flat=True)
    )
    released = 0
    for pupil in pupils:
        if pupil.pk not in already:
            report_release(pupil=pupil, period=period, by=by)
            released += 1
    return released


@transaction.atomic(durable=True)
def report_batch_start(*, teaching_class: Class, period: str, by: Actor | None) -> ReportBatch:
    """Queue a batch of PDFs for a class; the work runs in the background (report_batch_run)."""
    return _batch_create(
        school=teaching_class.school,
        period=period,
        teaching_class=teaching_class,
        year_group=teaching_class.year_group,
        total=len(class_pupils(teaching_class)),
        by=by,
    )


@transaction.atomic(durable=True)
def report_batch_start_year(
    *, school: School, year_group: int, period: str, by: Actor | None
) -> ReportBatch:
    """Queue a batch of PDFs for every pupil on roll in a year group, in the background."""
    pupils = year_group_pupils(school=school, year_group=year_group)
    if not pupils:
        raise ValidationError(
            {"year_group": _("No pupil on roll is in %(year)s.") % {"year": year_label(year_group)}}
        )
    return _batch_create(
        school=school,
        period=period,
        teaching_class=None,
        year_group=year_group,
        total=len(pupils),
        by=by,
    )


def _batch_create(
    *,
    school: School,
    period: str,
    teaching_class: Class | None,
    year_group: int | None,
    total: int,
    by: Actor | None,
) -> ReportBatch:
    if not period.strip():
        raise ValidationError({"period": _("Name the period, for example “Autumn term 2026”.")})
    batch = ReportBatch.objects.create(
        school=school,
        period=period.strip(),
        teaching_class=teaching_class,
        year_group=year_group,
        total=total,
        created_by=acting_user(by),
    )
    audit_write(actor=by, action=AuditAction.REPORT_BATCH_START, target=batch, school=school)
    transaction.on_commit(lambda: report_batch_queue(batch_id=batch.pk))
    return batch


def report_batch_queue(*, batch_id: int) -> None:
    """Hand the batch to the reports queue. With the inline task backend (the default) the
    task runs in a thread of its own, so the person who asked sees the progress page at once
    rather than waiting for every PDF; with a real queue a worker picks it up."""
    if isinstance(report_batch_task.get_backend(), ImmediateBackend):
        threading.Thread(target=_run_in_thread, args=(batch_id,), daemon=True).start()
    else:
        report_batch_task.enqueue(batch_id=batch_id)


def _run_in_thread(batch_id: int) -> None:
    try:
        report_batch_task.enqueue(batch_id=batch_id)
    finally:
        close_old_connections()


def batch_pupils(batch: ReportBatch) -> list[Pupil]:
    """The pupils a batch covers: the class's, or everyone on roll in the year group."""
    if batch.teaching_class is not None:
        return class_pupils(batch.teaching_class)
    if batch.year_group is None:
        return []
    return year_group_pupils(school=batch.school, year_group=batch.year_group)


def _batch_title(batch: ReportBatch) -> str:
    """The batch PDF's title: whose reports these are, and for when."""
    whose = (
        batch.teaching_class.name
        if batch.teaching_class is not None
        else year_label(batch.year_group or 0)
    )
    return _("%(whose)s · reports · %(period)s") % {"whose": whose, "period": batch.period}


def report_batch_run(*, batch_id: int) -> ReportBatch:
    """Render every report in the batch into one PDF, saving progress after each pupil.

    Restartable: a queued or failed batch is claimed by a conditional update (so two workers
    never render the same batch), and a failed one can simply be run again.
    """
    from nextsteps.reports.pdf import render_reports_pdf

    claimed = ReportBatch.objects.filter(
        pk=batch_id, status__in=[ReportBatch.Status.QUEUED, ReportBatch.Status.FAILED]
    ).update(status=ReportBatch.Status.RUNNING, done=0, error="")
    batch = ReportBatch.objects.select_related("teaching_class", "school").get(pk=batch_id)
    if not claimed:
        return batch
    pupils = batch_pupils(batch)
    ReportBatch.objects.filter(pk=batch_id).update(total=len(pupils))

    def progress(done: int) -> None:
        ReportBatch.objects.filter(pk=batch_id).update(done=done)

    try:
        data = render_reports_pdf(
            pupils=pupils, period=batch.period, progress=progress, title=_batch_title(batch)
        )
    except Exception as error:  # a failed render is reported on the page and can be retried
        ReportBatch.objects.filter(pk=batch_id).update(
            status=ReportBatch.Status.FAILED, error=str(error)[:2000]
        )
        batch.refresh_from_db()
        return batch
    batch.refresh_from_db()
    batch.pdf.save(f"reports-{batch.pk}.pdf", ContentFile(io.BytesIO(data).getvalue()), save=False)
    batch.status = ReportBatch.Status.DONE
    batch.done = len(pupils)
    batch.finished_at = timezone.now()
    batch.save(update_fields=["pdf", "status", "done", "finished_at"])
    return batch


@task(queue_name="reports")
def report_batch_task(*, batch_id: int) -> dict[str, Any]:
    """Render a batch of reports into one PDF, saving progress after each pupil (on the
    "reports" queue). Thin: it takes an id, calls the service and is safe to run twice (a
    batch that is already running or done is not claimed again). It stands beside the
    service that queues it, so neither module imports the other."""
    batch = report_batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}


# ---------------------------------------------------------------------------- the school's choices


def _settings_for_update(school: School) -> ReportSettings:
    report_settings, _created = ReportSettings.objects.select_for_update().get_or_create(
        school=school
    )
    return report_settings


@transaction.atomic(durable=True)
def report_sections_update(
    *, school: School, shown: Iterable[str], by: Actor | None
) -> ReportSettings:
    """Choose which sections the school's reports give. Released reports keep the sections
    they were released with; drafts and later releases follow the choice."""
    shown = list(shown)
    unknown = sorted(set(shown) - set(SECTIONS))
    if unknown:
        raise ValidationError(
            {"sections": _("No report has a section called %(names)s.") % {"names": unknown}}
        )
    if not shown:
        raise ValidationError({"sections": _("Choose at least one section for the reports.")})
    report_settings = _settings_for_update(school)
    before = {"hidden_sections": list(report_settings.hidden_sections)}
    report_settings.hidden_sections = [s for s in SECTIONS if s not in shown]
    report_settings.updated_by = acting_user(by)
    report_settings.updated_at = timezone.now()
    report_settings.save()
    audit_write(
        actor=by,
        action=AuditAction.REPORT_SETTINGS_SECTIONS,
        target=report_settings,
        school=school,
        before=before,
        after={"hidden_sections": report_settings.hidden_sections},
    )
    return report_settings


def _checked_logo(file: UploadedFile[bytes]) -> tuple[bytes, str]:
    """The logo's bytes and extension: a PNG or JPEG by its content (not its name), under the
    size limit, that decodes as a picture of a sensible size."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload = checked_upload(file, max_bytes=MAX_LOGO_BYTES)
    except UploadRefused as error:
        raise ValidationError({"logo": str(error)}) from error
    extension = LOGO_EXTENSIONS.get(upload.content_type)
    if extension is None:
        raise ValidationError(
            {"logo": _("%(name)s is not a PNG or JPEG picture.") % {"name": upload.name}}
        )
    content = file.read()
    try:
        with Image.open(io.BytesIO(content)) as picture:
            width, height = picture.size
            if max(width, height) > MAX_LOGO_SIDE:
                raise ValidationError(
                    {
                        "logo": _(
                            "%(name)s is %(width)s × %(height)s pixels; a logo can be at most "
                            "%(most)s pixels on its longer side."
                        )
                        % {
                            "name": upload.name,
                            "width": width,
                            "height": height,
                            "most": MAX_LOGO_SIDE,
                        }
                    }
                )
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(
            {
                "logo": _("%(name)s could not be read as a picture: it may be damaged.")
                % {"name": upload.name}
            }
        ) from error
    return content, extension


@transaction.atomic(durable=True)
def report_logo_set(
    *, school: School, file: UploadedFile[bytes], by: Actor | None
) -> ReportSettings:
    """Put the school's logo on its reports. The file is kept under a name drawn from its
    content and never overwritten or deleted here, so a released report that shows an
    earlier logo keeps showing it."""
    content, extension = _checked_logo(file)
    report_settings = _settings_for_update(school)
    before = {"logo": report_settings.logo.name}
    digest = hashlib.sha256(content).hexdigest()[:32]
    name = f"school-logos/{school.pk}/{digest}.{extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    report_settings.logo.name = name
    report_settings.updated_by = acting_user(by)
    report_settings.updated_at = timezone.now()
    report_settings.save()
    audit_write(
        actor=by,
        action=AuditAction.REPORT_SETTINGS_LOGO,
        target=report_settings,
        school=school,
        before=before,
        after={"logo": name, "size": len(content)},
    )
    return report_settings


@transaction.atomic(durable=True)
def report_logo_remove(*, school: School, by: Actor | None) -> ReportSettings:
    """Take the logo off the school's reports from now on (released reports keep theirs)."""
    report_settings = _settings_for_update(school)
    before = {"logo": report_settings.logo.name}
    report_settings.logo.name = ""
    report_settings.updated_by = acting_user(by)
    report_settings.updated_at = timezone.now()
    report_settings.save()
    audit_write(
        actor=by,
        action=AuditAction.REPORT_SETTINGS_LOGO_REMOVE,
        target=report_settings,
        school=school,
        before=before,
        after={"logo": ""},
    )
    return report_settings
