"""Writes: the teacher's words on a report, releasing reports to parents, and PDF batches."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.backends.immediate import ImmediateBackend

from nextsteps.audit.services import audit_write
from nextsteps.people.models import Pupil
from nextsteps.reports.models import Report, ReportBatch, ReportVersion
from nextsteps.reports.report_selectors import draft_document, year_group_pupils, year_label
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

MAX_COMMENT = 4000


@transaction.atomic
def report_save(*, pupil: Pupil, period: str, comment: str, home_help: str, by: Any) -> Report:
    """Create or update the teacher's comment and home-help note for a pupil's report."""
    period = period.strip()
    if not period:
        raise ValidationError({"period": _("Name the period, for example “Autumn term 2026”.")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {
                "comment": _("The comment is %(n)s characters; keep it under %(max)s.")
                % {"n": len(comment), "max": MAX_COMMENT}
            }
        )
    report, created = Report.objects.select_for_update().get_or_create(
        school_id=pupil.school_id, pupil=pupil, period=period
    )
    before = {"comment": report.comment, "home_help": report.home_help}
    report.comment = comment.strip()
    report.home_help = home_help.strip()
    report.written_by = by
    report.updated_at = timezone.now()
    report.save()
    audit_write(
        actor=by,
        action="report.create" if created else "report.update",
        target=report,
        school=pupil.school,
        before=None if created else before,
        after={"comment": report.comment, "home_help": report.home_help},
    )
    return report


@transaction.atomic
def report_release(
    *, pupil: Pupil, period: str, by: Any, at: dt.datetime | None = None
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
        released_by=by,
    )
    report.released_at = at
    report.released_by = by
    report.save(update_fields=["released_at", "released_by"])
    audit_write(
        actor=by,
        action="report.release",
        target=report,
        school=pupil.school,
        after={"period": period, "version": version.number},
    )
    return version


@transaction.atomic
def reports_release(*, pupils: list[Pupil], period: str, by: Any) -> int:
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


@transaction.atomic
def report_batch_start(*, teaching_class: Class, period: str, by: Any) -> ReportBatch:
    """Queue a batch of PDFs for a class; the work runs in the background (report_batch_run)."""
    return _batch_create(
        school=teaching_class.school,
        period=period,
        teaching_class=teaching_class,
        year_group=teaching_class.year_group,
        total=len(class_pupils(teaching_class)),
        by=by,
    )


@transaction.atomic
def report_batch_start_year(
    *, school: School, year_group: int, period: str, by: Any
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
    by: Any,
) -> ReportBatch:
    if not period.strip():
        raise ValidationError({"period": _("Name the period, for example “Autumn term 2026”.")})
    batch = ReportBatch.objects.create(
        school=school,
        period=period.strip(),
        teaching_class=teaching_class,
        year_group=year_group,
        total=total,
        created_by=by,
    )
    audit_write(actor=by, action="report_batch.start", target=batch, school=school)
    transaction.on_commit(lambda: report_batch_queue(batch_id=batch.pk))
    return batch


def report_batch_queue(*, batch_id: int) -> None:
    """Hand the batch to the reports queue. With the inline task backend (the default) the
    task runs in a thread of its own, so the person who asked sees the progress page at once
    rather than waiting for every PDF; with a real queue a worker picks it up."""
    from nextsteps.reports.tasks import report_batch_task

    if isinstance(report_batch_task.get_backend(), ImmediateBackend):
        threading.Thread(target=_run_in_thread, args=(batch_id,), daemon=True).start()
    else:
        report_batch_task.enqueue(batch_id=batch_id)


def _run_in_thread(batch_id: int) -> None:
    from nextsteps.reports.tasks import report_batch_task

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
        data = render_reports_pdf(pupils=pupils, period=batch.period, progress=progress)
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
