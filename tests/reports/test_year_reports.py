"""Reports for a whole year group: the leader's page, a background batch of PDFs with its
progress, and release to every parent in the year."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus

from nextsteps.ops.config import TASK_BACKENDS
from nextsteps.people.models import Pupil
from nextsteps.reports import report_selectors, services
from nextsteps.reports.models import Report, ReportBatch
from nextsteps.reports.tasks import report_batch_task
from tests.conftest import Cast

PERIOD = "Test term"


def _year4(cast: Cast) -> list[Pupil]:
    return report_selectors.year_group_pupils(school=cast.primary, year_group=4)


def _page_count(pdf: bytes) -> int:
    """Pages in a PDF, counting page objects inside its compressed object streams too."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue  # not a Flate stream (an image, say)
    return sum(len(re.findall(rb"/Type\s*/Page\b", part)) for part in parts)


def _leave_all_but_three(cast: Cast) -> None:
    """Year 4 with three pupils left on roll: enough for a batch's progress, quick to render."""
    stay = [cast.amara.pk, *(p.pk for p in _year4(cast) if p.pk != cast.amara.pk)][:3]
    Pupil.objects.filter(school=cast.primary, year_group=4).exclude(pk__in=stay).update(
        leaving_date="2026-07-17"
    )


def _url(cast: Cast, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"urn": cast.primary.urn, "year_group": 4, **kwargs})


def test_year_group_pupils_are_everyone_on_roll_in_the_year(cast: Cast) -> None:
    pupils = _year4(cast)
    assert cast.amara in pupils
    assert {p.year_group for p in pupils} == {4}
    assert all(p.school_id == cast.primary.pk for p in pupils)
    leaver = pupils[-1]
    Pupil.objects.filter(pk=leaver.pk).update(leaving_date="2020-07-17")
    assert leaver not in _year4(cast)


def test_year_batch_renders_every_pupil_of_the_year_into_one_pdf(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    pupils = _year4(cast)
    batch = services.report_batch_start_year(
        school=cast.primary, year_group=4, period=PERIOD, by=cast.user("primaryhead")
    )
    assert (batch.status, batch.total, batch.teaching_class_id) == ("queued", len(pupils), None)
    done = services.report_batch_run(batch_id=batch.pk)
    assert (done.status, done.done, done.total) == ("done", len(pupils), len(pupils))
    with done.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    # Each pupil's report starts on a new page, so there are at least as many pages as pupils.
    assert _page_count(pdf) >= len(pupils)


def test_progress_is_saved_after_each_pupil(
    cast: Cast, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _leave_all_but_three(cast)
    settings.MEDIA_ROOT = tmp_path
    batch = services.report_batch_start_year(
        school=cast.primary, year_group=4, period=PERIOD, by=None
    )
    from nextsteps.reports import pdf as pdf_module

    real = pdf_module.render_reports_pdf
    seen: list[tuple[str, int]] = []

    def watching(**kwargs: Any) -> bytes:
        inner = kwargs["progress"]

        def progress(n: int) -> None:
            inner(n)
            row = ReportBatch.objects.get(pk=batch.pk)
            seen.append((row.status, row.done))

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(pdf_module, "render_reports_pdf", watching)
    services.report_batch_run(batch_id=batch.pk)
    assert seen == [("running", n) for n in range(1, batch.total + 1)]


def test_a_year_with_nobody_on_roll_or_no_period_is_refused_and_changes_nothing(
    cast: Cast,
) -> None:
    with pytest.raises(ValidationError, match="No pupil on roll is in Year 11"):
        services.report_batch_start_year(school=cast.primary, year_group=11, period=PERIOD, by=None)
    with pytest.raises(ValidationError, match="Name the period"):
        services.report_batch_start_year(school=cast.primary, year_group=4, period="  ", by=None)
    assert not ReportBatch.objects.filter(school=cast.primary, teaching_class__isnull=True).exists()


def test_the_batch_waits_in_the_reports_queue_until_a_worker_runs_it(
    cast: Cast, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    _leave_all_but_three(cast)
    settings.MEDIA_ROOT = tmp_path
    queued = {"default": {"BACKEND": TASK_BACKENDS["database"], "QUEUES": ["default", "reports"]}}
    with override_settings(TASKS=queued):
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.report_batch_start_year(
                school=cast.primary, year_group=4, period=PERIOD, by=None
            )
        row = DBTaskResult.objects.ready().get(queue_name="reports")
        assert row.task_path == report_batch_task.module_path
        assert ReportBatch.objects.get(pk=batch.pk).status == "queued"  # nothing rendered yet
        row.claim("test-worker")
        Worker(
            queue_names=["reports"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run_task(row)
        result = report_batch_task.get_backend().get_result(str(row.pk))
        assert result.status == TaskResultStatus.SUCCESSFUL
    finished = ReportBatch.objects.get(pk=batch.pk)
    assert (finished.status, finished.done) == ("done", finished.total)


def test_year_page_starts_a_batch_and_shows_its_progress(
    cast: Cast, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _leave_all_but_three(cast)
    settings.MEDIA_ROOT = tmp_path
    client = cast.client("primaryhead")
    page = client.get(_url(cast, "year_reports"), {"period": PERIOD})
    assert page.status_code == 200
    assert len(page.context["rows"]) == len(_year4(cast))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(cast, "year_reports_batch"), {"period": PERIOD})
    assert response.status_code == 302 and len(callbacks) == 1  # queued once committed
    batch = ReportBatch.objects.get(school=cast.primary, year_group=4, teaching_class=None)
    progress = _url(cast, "year_batch_progress", batch_id=batch.pk)
    waiting = client.get(progress).content.decode()
    assert "hx-get" in waiting and f"0 / {batch.total}" in waiting  # polls until done
    assert client.get(_url(cast, "year_batch_pdf", batch_id=batch.pk)).status_code == 404
    services.report_batch_run(batch_id=batch.pk)
    finished = client.get(progress).content.decode()
    assert "Download the PDF" in finished and "hx-get" not in finished
    pdf = client.get(_url(cast, "year_batch_pdf", batch_id=batch.pk))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    listed = client.get(_url(cast, "year_reports"), {"period": PERIOD}).content.decode()
    assert f'id="batch-{batch.pk}"' in listed


def test_an_empty_period_on_the_year_page_is_refused(cast: Cast) -> None:
    client = cast.client("primaryhead")
    response = client.post(_url(cast, "year_reports_batch"), {"period": ""}, follow=True)
    assert "Name the period" in response.content.decode()
    assert not ReportBatch.objects.filter(school=cast.primary, teaching_class=None).exists()


def test_leader_releases_the_whole_years_reports_to_parents(cast: Cast) -> None:
    pupils = _year4(cast)
    assert (
        cast.client("primaryhead")
        .post(_url(cast, "year_reports_release"), {"period": PERIOD})
        .status_code
        == 302
    )
    released = Report.objects.filter(period=PERIOD, released_at__isnull=False)
    assert set(released.values_list("pupil_id", flat=True)) == {p.pk for p in pupils}
    # Amara's father now reads it on her page.
    parent = cast.client("parent")
    page = parent.get(
        reverse("pupil_report", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk}),
        {"period": PERIOD},
    )
    assert page.status_code == 200 and page.context["data"].period == PERIOD


def test_the_parents_page_lists_released_reports_only(cast: Cast) -> None:
    from urllib.parse import quote

    child = reverse("feedback:child", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    services.report_save(pupil=cast.amara, period=PERIOD, comment="Draft.", home_help="", by=None)
    before = cast.client("parent").get(child).content.decode()
    assert f"period={quote(PERIOD)}" not in before  # a draft is not shown
    services.reports_release(pupils=[cast.amara], period=PERIOD, by=cast.user("primaryhead"))
    after = cast.client("parent").get(child).content.decode()
    pdf = reverse("pupil_report_pdf", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    assert f"{pdf}?period={quote(PERIOD)}" in after
    assert reverse("report_information", kwargs={"urn": cast.primary.urn}) in after


def test_year_reports_are_for_whole_school_leaders_only(cast: Cast) -> None:
    for username in ("teacher", "ta", "hod", "parent", "pupil", "otherteacher"):
        client = cast.client(username)
        assert client.get(_url(cast, "year_reports")).status_code == cast.refused(username), (
            username
        )
        assert client.post(
            _url(cast, "year_reports_release"), {"period": PERIOD}
        ).status_code == cast.refused(username)
        batch = client.post(_url(cast, "year_reports_batch"), {"period": PERIOD})
        assert batch.status_code == cast.refused(username), username
    assert not Report.objects.filter(period=PERIOD).exists()
    assert not ReportBatch.objects.exists()
    other = reverse("year_reports", kwargs={"urn": cast.primary.urn, "year_group": 11})
    assert cast.client("primaryhead").get(other).status_code == 404  # nobody in Year 11


def test_a_batch_from_another_year_or_class_is_not_found(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    class_batch = services.report_batch_start(teaching_class=cast.four_oak, period=PERIOD, by=None)
    client = cast.client("primaryhead")
    assert client.get(_url(cast, "year_batch_progress", batch_id=class_batch.pk)).status_code == 404
    year_batch = services.report_batch_start_year(
        school=cast.primary, year_group=4, period=PERIOD, by=None
    )
    wrong_year = reverse(
        "year_batch_progress",
        kwargs={"urn": cast.primary.urn, "year_group": 3, "batch_id": year_batch.pk},
    )
    assert client.get(wrong_year).status_code == 404


def test_year_page_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    client = cast.client("primaryhead")
    url = _url(cast, "year_reports")
    client.get(url)
    # Budget: session, user and access (about 8), pupils (1), their reports (1), batches (1).
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_year_page_counts_comments_written_and_reports_released(cast: Cast) -> None:
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="Well done.", home_help="", by=None
    )
    page = cast.client("primaryhead").get(_url(cast, "year_reports"), {"period": PERIOD})
    text = " ".join(page.content.decode().split())
    assert f"{len(_year4(cast))} pupils on roll · 1 comment written · 0 released to parents" in text
