"""The teacher's class dashboard, the pupil and parent report (HTML, PDF, batch, release) and
the trust dashboard."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from nextsteps.reports import report_selectors, services
from nextsteps.reports.models import Report, ReportBatch
from nextsteps.reports.report_views import default_period
from tests.conftest import Cast
from tests.reports.dataset import build


def _report_url(cast: Cast, name: str = "pupil_report") -> str:
    return reverse(name, kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})


def test_class_dashboard_shows_gaps_targets_feedback_and_mismatches(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("teacher")
    url = reverse("class_dashboard", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    client.get(url)
    # Budget, measured on the demo's 4 Oak (30 pupils, two frameworks, two challenges): session
    # and access (~10), gaps (3 per framework), targets (2), feedback (2), calibration (4 and
    # the objectives), challenges (1 and 1 each) and the template's lookups = 36. It does not
    # grow with the class (tests/reports/test_class_and_trust_figures.py).
    with django_assert_max_num_queries(36):
        response = client.get(url)
    board = response.context["board"]
    assert response.status_code == 200
    for framework in board.gaps:
        assert all(row.with_evidence and row.secure < row.total for row in framework.rows)
    assert all(cell.verdict in {"over", "under"} for cell in board.mismatches)
    assert all(t.status == "claimed" for t in board.targets.claimed)


def test_class_dashboard_is_for_the_classs_staff_only(cast: Cast) -> None:
    url = reverse("class_dashboard", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    for username in ("teacher", "primaryhead", "admin"):
        assert cast.client(username).get(url).status_code == 200, username
    for username in ("parent", "pupil", "otherteacher", "hod"):
        assert cast.client(username).get(url).status_code == cast.refused(username), username


def test_report_says_where_the_pupil_is_in_words_on_hand_checked_data(cast: Cast) -> None:
    data = build()
    report = report_selectors.pupil_report(pupil=data.pupils["Isaac"], period="Autumn term 2026")
    maths = next(s for s in report.subjects if s.subject == "Mathematics")
    assert [o.code for o in maths.secure] == ["M1", "M2"]
    assert [o.code for o in maths.working] == ["M3"]
    assert maths.not_yet == []
    assert [o.code for o in maths.strengths] == ["M1", "M2"]  # most recent evidence first
    assert [o.code for o in maths.next_steps] == ["M3"]
    assert maths.summary.startswith("Secure in 2 of the 3 core objectives")
    english = next(s for s in report.subjects if s.subject == "English")
    assert ([o.code for o in english.secure], [o.code for o in english.not_yet]) == (["E1"], ["E2"])


def test_teacher_writes_a_comment_with_spell_checking(cast: Cast) -> None:
    client = cast.client("teacher")
    page = client.get(_report_url(cast)).content.decode()
    assert 'spellcheck="true"' in page and 'lang="en-GB"' in page
    response = client.post(
        _report_url(cast),
        {"period": "Test term", "comment": "A lovely term.", "home_help": "Read."},
    )
    assert response.status_code == 302
    report = Report.objects.get(pupil=cast.amara, period="Test term")
    assert (report.comment, report.home_help, report.released_at) == (
        "A lovely term.",
        "Read.",
        None,
    )


def test_a_too_long_comment_is_refused_and_changes_nothing(cast: Cast) -> None:
    response = cast.client("teacher").post(
        _report_url(cast), {"period": "Test term", "comment": "x" * 5000, "home_help": ""}
    )
    assert response.status_code == 400
    assert "keep it under 4000" in response.content.decode()
    assert not Report.objects.filter(pupil=cast.amara, period="Test term").exists()


def test_parents_see_only_released_reports_of_their_own_children(cast: Cast) -> None:
    parent = cast.client("parent")
    current = default_period()
    assert parent.get(_report_url(cast), {"period": current}).status_code == 404  # a draft
    released = Report.objects.filter(pupil=cast.amara, released_at__isnull=False).first()
    assert released is not None  # the demo released last term's report
    assert parent.get(_report_url(cast)).context["data"].period == released.period
    services.reports_release(pupils=[cast.amara], period=current, by=None)
    assert parent.get(_report_url(cast), {"period": current}).context["data"].period == current
    other = reverse("pupil_report", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk + 1})
    assert parent.get(other).status_code == 404
    assert parent.post(_report_url(cast), {"period": current, "comment": "x"}).status_code == 404


def test_parent_with_nothing_released_gets_not_found(cast: Cast) -> None:
    Report.objects.filter(pupil=cast.amara).update(released_at=None)
    assert cast.client("parent").get(_report_url(cast)).status_code == 404


def test_only_leaders_release_reports(cast: Cast) -> None:
    url = reverse(
        "class_reports_release", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}
    )
    assert cast.client("teacher").post(url, {"period": "Test term"}).status_code == 403
    assert not Report.objects.filter(period="Test term").exists()
    assert cast.client("primaryhead").post(url, {"period": "Test term"}).status_code == 302
    assert Report.objects.filter(period="Test term", released_at__isnull=False).count() > 20


def test_report_pdf_is_made_from_the_same_template(cast: Cast) -> None:
    response = cast.client("teacher").get(_report_url(cast, "pupil_report_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_batch_makes_one_pdf_for_the_class_with_progress(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    batch = services.report_batch_start(teaching_class=cast.four_oak, period="Test term", by=None)
    assert batch.status == ReportBatch.Status.QUEUED and batch.total > 20
    done = services.report_batch_run(batch_id=batch.pk)
    assert (done.status, done.done, done.total) == ("done", batch.total, batch.total)
    with done.pdf.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    # Running it again (a restart) does not render it twice.
    again = services.report_batch_run(batch_id=batch.pk)
    assert again.finished_at == done.finished_at
    progress = reverse(
        "report_batch_progress",
        kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk, "batch_id": batch.pk},
    )
    page = cast.client("teacher").get(progress).content.decode()
    assert "Download the PDF" in page and "hx-get" not in page
    assert cast.client("parent").get(progress).status_code == 403


def test_trust_dashboard_shows_the_trusts_schools_side_by_side(cast: Cast) -> None:
    url = reverse("trust_dashboard", kwargs={"trust": "riverbend"})
    response = cast.client("trustleader").get(url)
    assert response.status_code == 200
    names = {
        phase["phase"]: [line.school.name for line, _figures in phase["lines"]]
        for phase in response.context["phases"]
    }
    assert names == {
        "primary": ["Hollins Park Primary School"],
        "secondary": ["Kingsmead Academy"],
        "all-through": [],
    }
    csv = cast.client("trustleader").get(
        reverse("trust_dashboard_csv", kwargs={"trust": "riverbend"})
    )
    assert csv.content.decode("utf-8-sig").startswith("School,Phase,Pupils")
    for username in ("primaryhead", "leader", "teacher", "parent", "otherteacher"):
        assert cast.client(username).get(url).status_code == 404, username
    assert (
        cast.client("trustleader")
        .get(reverse("trust_dashboard", kwargs={"trust": "northfield"}))
        .status_code
        == 404
    )


def test_information_for_parents_names_their_childs_national_assessment(cast: Cast) -> None:
    url = reverse("report_information", kwargs={"urn": cast.primary.urn})
    page = cast.client("parent").get(url).content.decode()
    assert "multiplication tables check" in page
    assert "badge text-bg-primary" in page  # Amara's Year 4 check is marked as her year
    assert cast.client("otherteacher").get(url).status_code == 404


def test_information_for_parents_explains_the_approach_the_checks_and_progress_measures(
    cast: Cast,
) -> None:
    import re

    url = reverse("report_information", kwargs={"urn": cast.primary.urn})
    page = cast.client("parent").get(url).content.decode()
    # The school's approach, in words rather than levels.
    assert "How we assess" in page and "We do not give levels or grades" in page
    # The national assessments, with the years of Mr Hughes's children (Theo in Year 1, Amara
    # in Year 4) marked, and not Year 6.
    for check in ("phonics screening check", "multiplication tables check", "key stage 2 tests"):
        assert check in page, check
    marked = re.findall(r"<h3[^>]*>\s*([^<]+?)\s*<span class=\"badge text-bg-primary\">", page)
    assert [m.split(":")[0] for m in marked] == ["Year 1", "Year 4"]
    # How the published progress measures are calculated.
    assert "Progress 8" in page and "divided by ten" in page
    assert "confidence interval" in page
