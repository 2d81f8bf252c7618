"""What parents expect on a report: the school's name and logo, the sections the school
chooses, achievements in the child's name, the teacher's comment (written on the class's
reports page by the class's teachers), and the pupil's name in the PDF's title."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nextsteps.audit.models import AuditEvent
from nextsteps.reports import report_selectors, services
from nextsteps.reports.demo import demo_logo_png
from nextsteps.reports.kernels.documents import SECTIONS
from nextsteps.reports.models import Report, ReportSettings
from nextsteps.reports.pdf import report_html
from nextsteps.teaching.models import ClassStaff
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast

PERIOD = "Autumn term 2026"


def _url(cast: Cast, name: str = "pupil_report", pupil_id: int | None = None) -> str:
    return reverse(name, kwargs={"urn": cast.primary.urn, "pupil_id": pupil_id or cast.amara.pk})


def _comment_url(cast: Cast, pupil_id: int, class_id: int | None = None) -> str:
    return reverse(
        "class_report_comment",
        kwargs={
            "urn": cast.primary.urn,
            "class_id": class_id or cast.four_oak.pk,
            "pupil_id": pupil_id,
        },
    )


def _article(html: str) -> str:
    found = re.search(r'<article class="pupil-report".*?</article>', html, re.S)
    assert found is not None
    return found.group(0)


def _sections_in(html: str) -> set[str]:
    return set(re.findall(r'data-section="(\w+)"', html))


def test_each_section_is_given_or_left_out_as_the_school_chooses(cast: Cast) -> None:
    head = cast.user("primaryhead")
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="A fine term.", home_help="Read.", by=head
    )
    everything = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert _sections_in(report_html(everything, None)) == set(SECTIONS)
    for left_out in SECTIONS:
        services.report_sections_update(
            school=cast.primary, shown=[s for s in SECTIONS if s != left_out], by=head
        )
        document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
        assert left_out not in document.sections
        pdf_html = report_html(document, None)
        assert _sections_in(pdf_html) == set(SECTIONS) - {left_out}, left_out
        page = cast.client("primaryhead").get(_url(cast), {"period": PERIOD}).content.decode()
        assert _sections_in(_article(page)) == set(SECTIONS) - {left_out}, left_out
    # What a section left out would have said is not in the document at all.
    services.report_sections_update(school=cast.primary, shown=["overview", "targets"], by=head)
    document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert (document.comment, document.home_help, document.attendance) == ("", "", None)
    assert all(not s.strengths and not s.next_steps for s in document.subjects)
    assert "A fine term." not in report_html(document, None)


def test_the_pdf_gives_only_the_chosen_sections(cast: Cast) -> None:
    head = cast.user("primaryhead")
    services.report_save(
        pupil=cast.amara, period=PERIOD, comment="Kind to everyone.", home_help="", by=head
    )
    services.report_sections_update(
        school=cast.primary, shown=[s for s in SECTIONS if s != "personal_bests"], by=head
    )
    response = cast.client("primaryhead").get(
        _url(cast, "pupil_report_pdf"), {"period": PERIOD, "version": "draft"}
    )
    text = _pdf_text(response.content)
    assert "Kind to everyone." in text and "Teacher's comment" in text
    assert "Personal bests" not in text


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 - poppler-utils
        input=pdf,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def _pdf_title(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdfinfo", "-"],  # noqa: S607 - poppler-utils
        input=pdf,
        capture_output=True,
        check=True,
    )
    found = re.search(r"^Title:\s+(.*)$", done.stdout.decode(), re.M)
    assert found is not None, done.stdout
    return found.group(1).strip()


def test_the_pdfs_title_and_file_name_name_the_pupil(cast: Cast) -> None:
    services.report_release(pupil=cast.amara, period=PERIOD, by=cast.user("primaryhead"))
    response = cast.client("parent").get(_url(cast, "pupil_report_pdf"), {"period": PERIOD})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="amara-hughes-report-autumn-term-2026-v1.pdf"'
    )
    assert _pdf_title(response.content) == (
        "Amara Hughes · report · Autumn term 2026 · Hollins Park Primary School"
    )


def test_strengths_are_achievements_in_the_childs_name(cast: Cast) -> None:
    document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    strengths = [words for s in document.subjects for words in s.strengths]
    next_steps = [words for s in document.subjects for words in s.next_steps]
    assert strengths and next_steps
    assert all(words.startswith("Amara ") for words in strengths + next_steps)
    assert not any("I am learning" in words or "I can" in words for words in strengths)
    assert all(words.startswith("Amara is ") for words in next_steps)
    page = cast.client("primaryhead").get(_url(cast), {"period": PERIOD}).content.decode()
    assert "What Amara can do" in page and strengths[0] in page.replace("&#x27;", "'")


def test_the_report_shows_the_schools_name_and_logo_and_a_released_one_keeps_its_logo(
    cast: Cast,
) -> None:
    head = cast.user("primaryhead")
    logo = ReportSettings.objects.get(school=cast.primary).logo.name
    assert logo, "the demo gives Hollins Park a logo"
    version = services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    released = _article(cast.client("parent").get(_url(cast), {"period": PERIOD}).content.decode())
    assert "Hollins Park Primary School" in released
    assert 'class="report-logo"' in released and "data:image/png;base64," in released

    services.report_logo_remove(school=cast.primary, by=head)
    draft = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert draft.logo == "" and 'class="report-logo"' not in report_html(draft, None)
    again = _article(cast.client("parent").get(_url(cast), {"period": PERIOD}).content.decode())
    assert again == released
    assert report_selectors.version_document(version).logo == logo


def test_a_released_report_keeps_its_words_and_sections_when_they_change(cast: Cast) -> None:
    head, teacher = cast.user("primaryhead"), cast.client("teacher")
    teacher.post(_comment_url(cast, cast.amara.pk), {"period": PERIOD, "comment": "October."})
    services.report_release(pupil=cast.amara, period=PERIOD, by=head)
    parent = cast.client("parent")
    released = _article(parent.get(_url(cast), {"period": PERIOD}).content.decode())
    assert "October." in released and 'data-section="comment"' in released

    teacher.post(_comment_url(cast, cast.amara.pk), {"period": PERIOD, "comment": "December."})
    services.report_sections_update(
        school=cast.primary, shown=[s for s in SECTIONS if s != "comment"], by=head
    )
    assert _article(parent.get(_url(cast), {"period": PERIOD}).content.decode()) == released
    page = teacher.get(
        reverse("class_reports", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}),
        {"period": PERIOD},
    ).content.decode()
    assert "Changed since: parents see the released words" in page


def test_a_teacher_writes_the_comment_on_the_class_page_as_written_and_audited(
    cast: Cast,
) -> None:
    written = "Amara has worked hard.\r\n\r\nShe  explains her thinking clearly."
    response = cast.client("teacher").post(
        _comment_url(cast, cast.amara.pk), {"period": PERIOD, "comment": written}
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"#comment-{cast.amara.pk}"
    )
    report = Report.objects.get(pupil=cast.amara, period=PERIOD)
    assert report.comment == "Amara has worked hard.\n\nShe  explains her thinking clearly."
    event = AuditEvent.objects.filter(
        target_id=str(report.pk), action__startswith="report."
    ).latest("pk")
    assert event.actor.username == "teacher"
    assert event.after["comment"] == report.comment
    # htmx gets the pupil's form back, saying it is saved.
    fragment = cast.client("teacher").post(
        _comment_url(cast, cast.amara.pk),
        {"period": PERIOD, "comment": "Shorter."},
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    assert "Saved Amara's comment." in fragment.content.decode()
    assert Report.objects.get(pk=report.pk).comment == "Shorter."


def test_a_too_long_comment_on_the_class_page_keeps_what_was_typed(cast: Cast) -> None:
    long = "x" * (services.MAX_COMMENT + 1)
    response = cast.client("teacher").post(
        _comment_url(cast, cast.amara.pk), {"period": PERIOD, "comment": long}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "keep it under 4000" in page and long in page


def test_a_teacher_edits_comments_only_for_their_classes(cast: Cast) -> None:
    url = _comment_url(cast, cast.amara.pk)
    for username in ("ta", "parent", "pupil", "otherteacher"):
        response = cast.client(username).post(url, {"period": PERIOD, "comment": "No."})
        expected = cast.refused(username) if username in ("parent", "pupil") else 404
        assert response.status_code == expected, username
    # A teacher of another class in the same school cannot write for 4 Oak.
    other = (
        ClassStaff.objects.filter(
            teaching_class__school=cast.primary,
            role=ClassStaff.Role.TEACHER,
            staff__user__isnull=False,
        )
        .exclude(teaching_class=cast.four_oak)
        .exclude(staff__user__username="teacher")
        .select_related("staff__user", "teaching_class")
        .first()
    )
    assert other is not None
    colleague = cast.client(other.staff.user.username)
    assert colleague.post(url, {"period": PERIOD, "comment": "No."}).status_code == 404
    # Nor through one of their own classes, for a pupil who is not in it.
    own = _comment_url(cast, cast.amara.pk, class_id=other.teaching_class_id)
    assert colleague.post(own, {"period": PERIOD, "comment": "No."}).status_code == 404
    # A teaching assistant may read the draft but not write it.
    ta = cast.client("ta")
    assert ta.get(_url(cast), {"period": PERIOD}).status_code == 200
    assert ta.post(_url(cast), {"period": PERIOD, "comment": "No."}).status_code == 403
    assert not Report.objects.filter(period=PERIOD, comment="No.").exists()


def test_a_parent_sees_only_their_own_childs_report(cast: Cast) -> None:
    head = cast.user("primaryhead")
    classmate = next(p for p in class_pupils(cast.four_oak) if p.pk != cast.amara.pk)
    for pupil in (cast.amara, classmate):
        services.report_release(pupil=pupil, period=PERIOD, by=head)
    parent = cast.client("parent")
    assert parent.get(_url(cast), {"period": PERIOD}).status_code == 200
    for name in ("pupil_report", "pupil_report_pdf"):
        other = _url(cast, name, pupil_id=classmate.pk)
        assert parent.get(other, {"period": PERIOD}).status_code == 404, name


def test_the_class_reports_page_reads_a_class_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("teacher")
    url = reverse("class_reports", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    client.get(url)
    assert len(class_pupils(cast.four_oak)) >= 25
    # Measured on the demo's 4 Oak (30 pupils): session and access (~10), the class's pupils
    # (1), their reports with version counts (1), the batches (1), whether the teacher
    # teaches the class (2) and the page's own lookups. It does not grow with the class.
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="comment"') == len(class_pupils(cast.four_oak))


def test_the_report_settings_are_for_leaders_and_audited(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    url = reverse("report_settings", kwargs={"urn": cast.primary.urn})
    for username in ("teacher", "ta", "parent", "pupil", "otherteacher"):
        refused = cast.refused(username)
        assert cast.client(username).get(url).status_code == refused, username
        assert cast.client(username).post(url, {"sections": ["targets"]}).status_code == refused
    head = cast.client("primaryhead")
    with django_assert_max_num_queries(12):
        assert head.get(url).status_code == 200
    response = head.post(url, {"sections": ["overview", "comment"]})
    assert response.status_code == 302
    saved = ReportSettings.objects.get(school=cast.primary)
    assert set(saved.hidden_sections) == set(SECTIONS) - {"overview", "comment"}
    event = AuditEvent.objects.filter(action="report_settings.sections").latest("pk")
    assert event.actor.username == "primaryhead" and event.after == {
        "hidden_sections": saved.hidden_sections
    }
    refused = head.post(url, {})
    assert refused.status_code == 400
    assert "Choose at least one section" in refused.content.decode()
    assert head.post(url, {"sections": ["gossip"]}).status_code == 400


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.png", b"<html>not a picture</html>", "logo.png is not a photo"),
        ("logo.pdf", b"%PDF-1.7 a document", "logo.pdf is not a PNG or JPEG picture"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "could not be read as a picture"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1), "big.png is 1.0 MB"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_by_name(
    cast: Cast, filename: str, content: bytes, message: str
) -> None:
    before = ReportSettings.objects.get(school=cast.primary).logo.name
    url = reverse("report_logo", kwargs={"urn": cast.primary.urn})
    response = cast.client("primaryhead").post(url, {"logo": SimpleUploadedFile(filename, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportSettings.objects.get(school=cast.primary).logo.name == before


def test_a_logo_upload_is_kept_by_its_content_and_audited(cast: Cast) -> None:
    from PIL import Image

    picture = Image.open(__import__("io").BytesIO(demo_logo_png())).convert("RGB")
    picture.putpixel((0, 0), (255, 0, 0))
    out = __import__("io").BytesIO()
    picture.save(out, format="JPEG")
    url = reverse("report_logo", kwargs={"urn": cast.primary.urn})
    assert cast.client("teacher").post(
        url, {"logo": SimpleUploadedFile("crest.jpg", out.getvalue())}
    ).status_code == cast.refused("teacher")
    response = cast.client("primaryhead").post(
        url, {"logo": SimpleUploadedFile("crest.jpg", out.getvalue())}
    )
    assert response.status_code == 302
    name = ReportSettings.objects.get(school=cast.primary).logo.name
    assert re.fullmatch(rf"school-logos/{cast.primary.pk}/[0-9a-f]{{32}}\.jpg", name)
    event = AuditEvent.objects.filter(action="report_settings.logo").latest("pk")
    assert event.after["logo"] == name and event.actor.username == "primaryhead"
    document = report_selectors.draft_document(pupil=cast.amara, period=PERIOD)
    assert document.logo == name
    assert "data:image/jpeg;base64," in report_html(document, None)
