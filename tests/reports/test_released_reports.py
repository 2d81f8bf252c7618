"""A released report is frozen: what it said when it was released (figures, strengths, next
steps, targets, words, year group and period) is what the parent's page, the staff's page and
the PDF show forever after. A change reaches parents only as a new version, released
explicitly, and every version is kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Standing
from nextsteps.markbook.services import judgement_record
from nextsteps.people.services import pupil_update
from nextsteps.reports import report_selectors, services
from nextsteps.reports.demo import build_demo_data
from nextsteps.reports.kernels.documents import ReportDocument
from nextsteps.reports.models import Report, ReportVersion
from nextsteps.reports.pdf import batch_documents, render_documents_pdf, report_html
from nextsteps.reports.report_views import default_period
from tests.conftest import Cast

PERIOD = "Autumn term 2026"


def _url(cast: Cast, name: str = "pupil_report") -> str:
    return reverse(name, kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})


def _article(client: Client, url: str, **query: str | int) -> str:
    """The report itself, as the page shows it (the <article>, without the page around it)."""
    response = client.get(url, {"period": PERIOD, **query})
    assert response.status_code == 200
    found = re.search(
        r'<article class="pupil-report".*?</article>', response.content.decode(), re.S
    )
    assert found is not None
    return found.group(0)


def _pdf(client: Client, url: str, **query: str | int) -> bytes:
    response = client.get(url, {"period": PERIOD, **query})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def _change_everything(cast: Cast) -> None:
    """December: new judgements secure every core objective of Amara's year that was not yet
    secure, she moves up a year group, and her teacher rewrites the comment."""
    teacher = cast.user("teacher")
    pending = Objective.objects.filter(
        school=cast.primary, core=True, year_group=cast.amara.year_group
    ).exclude(pk__in=Standing.objects.filter(pupil=cast.amara, mastered=True).values("objective"))
    for objective in pending.select_related("framework__scale")[:4]:
        top = objective.framework.scale.levels.order_by("-position").first()
        assert top is not None
        judgement_record(pupil=cast.amara, objective=objective, level=top, by=teacher)
    pupil_update(pupil=cast.amara, by=teacher, year_group=cast.amara.year_group + 1)
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="Rewritten in December.", home_help="", by=teacher
    )


def test_a_released_report_reads_the_same_after_judgements_a_new_year_and_new_words(
    cast: Cast,
) -> None:
    services.report_save(
        pupil=cast.amara,
        period=PERIOD,
        comment="Written in October.",
        home_help="Read together.",
        by=cast.user("teacher"),
    )
    version = services.report_release(pupil=cast.amara, period=PERIOD, by=cast.user("primaryhead"))
    assert version.number == 1
    parent, head = cast.client("parent"), cast.client("primaryhead")
    released = _article(parent, _url(cast))
    assert "Written in October." in released and "Year 4" in released
    assert _article(head, _url(cast)) == released  # staff see the released version too
    html = report_html(report_selectors.version_document(version), version)
    pdf = _pdf(parent, _url(cast, "pupil_report_pdf"))

    _change_everything(cast)

    draft = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    frozen = report_selectors.version_document(version)
    # The live report has moved on (so the checks below are not vacuous)...
    assert draft.year_label == "Year 5" and draft.comment == "Rewritten in December."
    assert draft.subjects != frozen.subjects
    # ...and the released one has not, on either page or in the PDF.
    assert _article(parent, _url(cast)) == released
    assert _article(head, _url(cast)) == released
    assert _article(head, _url(cast), version=1) == released
    again = ReportVersion.objects.get(pk=version.pk)
    assert report_html(report_selectors.version_document(again), again) == html
    assert _pdf(parent, _url(cast, "pupil_report_pdf")) == pdf
    assert _pdf(head, _url(cast, "pupil_report_pdf"), version=1) == pdf
    # The staff's draft is today's report, marked as not released.
    preview = _article(head, _url(cast), version="draft")
    assert "Rewritten in December." in preview and "Year 5" in preview
    assert "Draft: not released to parents" in preview


def test_a_new_version_is_released_explicitly_and_the_old_one_is_kept(cast: Cast) -> None:
    head = cast.user("primaryhead")
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="Version one.", home_help="", by=head
    )
    first = services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    parent, staff = cast.client("parent"), cast.client("primaryhead")
    first_page = _article(parent, _url(cast))
    _change_everything(cast)
    assert _article(parent, _url(cast)) == first_page  # editing alone releases nothing

    response = staff.post(_url(cast, "pupil_report_release"), {"period": PERIOD})
    assert response.status_code == 302
    second = ReportVersion.objects.get(report__pupil=cast.amara, report__period=PERIOD, number=2)
    assert [v.number for v in report_selectors.report_versions(cast.amara, PERIOD)] == [1, 2]
    # Parents see the latest version; staff can still open the first, unchanged.
    latest = _article(parent, _url(cast))
    assert "Rewritten in December." in latest and "Version 2, released" in latest
    assert _article(staff, _url(cast), version=1) == first_page
    assert parent.get(_url(cast), {"period": PERIOD, "version": "1"}).status_code == 404
    page = staff.get(_url(cast), {"period": PERIOD}).content.decode()
    assert "?period=Autumn+term+2026&amp;version=1" in page.replace("%20", "+")
    assert "Release the draft as version 3" in page
    assert ReportVersion.objects.get(pk=first.pk).content == first.content
    assert Report.objects.get(pupil=cast.amara, period=PERIOD).released_at == second.released_at


def test_releasing_what_the_latest_version_already_says_is_refused(cast: Cast) -> None:
    head = cast.user("primaryhead")
    services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    with pytest.raises(ValidationError, match="Version 1 already says exactly this"):
        services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    assert (
        ReportVersion.objects.filter(report__pupil=cast.amara, report__period=PERIOD).count() == 1
    )


def test_releasing_a_class_again_keeps_each_released_version(cast: Cast) -> None:
    head = cast.user("primaryhead")
    pupils = report_selectors.year_group_pupils(school=cast.primary, year_group=4)[:3]
    written = {
        p.pk: report.comment if report else ""
        for p in pupils
        for report in [Report.objects.filter(pupil=p, period=PERIOD).first()]
    }
    assert services.reports_release(pupils=pupils, period=PERIOD, by=head) == 3
    services.report_save(pupil=pupils[0], period=PERIOD, comment="Later.", home_help="", by=head)
    assert services.reports_release(pupils=pupils, period=PERIOD, by=head) == 0
    versions = ReportVersion.objects.filter(
        report__pupil__in=pupils, report__period=PERIOD
    ).select_related("report")
    assert sorted(versions.values_list("number", flat=True)) == [1, 1, 1]
    # Each version says what was written when it was released, not "Later.".
    assert {v.report.pupil_id: v.content["comment"] for v in versions} == written


def test_only_whole_school_leaders_release_a_version(cast: Cast) -> None:
    url = _url(cast, "pupil_report_release")
    for username in ("teacher", "ta", "parent", "pupil", "otherteacher"):
        assert cast.client(username).post(url, {"period": PERIOD}).status_code == cast.refused(
            username
        ), username
    assert not ReportVersion.objects.filter(report__period=PERIOD).exists()
    assert cast.client("primaryhead").post(url, {"period": PERIOD}).status_code == 302
    assert ReportVersion.objects.filter(report__period=PERIOD).count() == 1


def test_a_batch_pdf_prints_each_released_report_as_released(cast: Cast) -> None:
    head = cast.user("primaryhead")
    services.report_save(pupil=cast.amara, period=PERIOD, comment="October.", home_help="", by=head)
    version = services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    _change_everything(cast)
    others = [
        p
        for p in report_selectors.year_group_pupils(school=cast.primary, year_group=4)
        if p.pk != cast.amara.pk
    ][:1]
    documents = list(batch_documents([cast.amara, *others], PERIOD))
    assert documents[0] == (report_selectors.version_document(version), version)
    assert documents[0][0].comment == "October." and documents[0][0].year_label == "Year 4"
    assert documents[1][1] is None  # not released: the draft as it stands
    assert render_documents_pdf(documents, period=PERIOD).startswith(b"%PDF")


def test_the_stored_document_round_trips_through_json(cast: Cast) -> None:
    document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert document.subjects and document.targets is not None
    assert ReportDocument.from_json(document.to_json()) == document
    with pytest.raises(ValueError, match="Unknown report format"):
        ReportDocument.from_json({**document.to_json(), "format": 99})


def test_the_demo_releases_amaras_last_report_in_two_versions(cast: Cast) -> None:
    earlier = Report.objects.filter(pupil=cast.amara, released_at__isnull=False).get()
    versions = report_selectors.report_versions(cast.amara, earlier.period)
    assert [v.number for v in versions] == [1, 2]
    assert "to the class" in versions[1].content["comment"]
    assert "to the class" not in versions[0].content["comment"]
    current = Report.objects.get(pupil=cast.amara, period=default_period())
    assert current.released_at is None
    # Building the demo again changes nothing that was released.
    build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert [v.pk for v in report_selectors.report_versions(cast.amara, earlier.period)] == [
        v.pk for v in versions
    ]


def test_an_upgrade_freezes_reports_released_before_versions_existed(cast: Cast) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("nextsteps.reports.migrations.0002_report_versions")
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="Released long ago.", home_help="", by=None
    )
    when = timezone.now() - dt.timedelta(days=90)
    Report.objects.filter(pupil=cast.amara, period=PERIOD).update(released_at=when)
    ReportVersion.objects.all().delete()  # as before the upgrade: no versions at all
    migration.freeze_released_reports(apps, None)
    (version,) = report_selectors.report_versions(cast.amara, PERIOD)
    assert (version.number, version.released_at) == (1, when)
    assert version.content["comment"] == "Released long ago."


def test_a_report_gives_attendance_as_it_stood_when_it_was_released(cast: Cast) -> None:
    """Attendance is context on the report; a released report keeps the figure it gave."""
    from nextsteps.people.models import Attendance
    from nextsteps.people.selectors import attendance_this_year

    figure = attendance_this_year(cast.amara)
    assert figure is not None, "the demo gives every pupil this year's attendance"
    version = services.report_release(pupil=cast.amara, period=PERIOD, by=cast.user("primaryhead"))
    released = _article(cast.client("parent"), _url(cast))
    assert f"Attendance this year: {figure.text} of sessions" in released

    Attendance.objects.filter(pupil=cast.amara).update(attended_sessions=figure.possible // 2)
    later = attendance_this_year(cast.amara)
    assert later is not None and later.text != figure.text
    draft = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert draft.attendance is not None and draft.attendance.text == later.text
    assert _article(cast.client("parent"), _url(cast)) == released
    frozen = report_selectors.version_document(version)
    assert frozen.attendance is not None and frozen.attendance.text == figure.text


def test_a_report_released_before_attendance_was_kept_still_reads(cast: Cast) -> None:
    document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    old = {k: v for k, v in document.to_json().items() if k != "attendance"}
    read = ReportDocument.from_json({**old, "format": 1})
    assert read.attendance is None
    assert read.subjects == document.subjects and read.comment == document.comment


def test_a_version_released_before_the_attendance_count_does_not_give_it(cast: Cast) -> None:
    from nextsteps.people.selectors import attendance_this_year

    figure = attendance_this_year(cast.amara)
    assert figure is not None
    before = timezone.make_aware(
        dt.datetime.combine(figure.as_of - dt.timedelta(days=30), dt.time(16))
    )
    version = services.report_release(
        pupil=cast.amara, period="Earlier term", by=cast.user("primaryhead"), at=before
    )
    assert report_selectors.version_document(version).attendance is None
