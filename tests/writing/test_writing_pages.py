"""The KS2 writing pages: who sees them, what they show, what they write, how many queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.audit.models import AuditEvent
from nextsteps.progress.models import Ks2Result
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils
from nextsteps.writing import demo, selectors
from nextsteps.writing.models import Judgement, Piece, Statement, Weakness
from tests.conftest import PERSONAS, Cast


def six_oak(cast: Cast) -> Class:
    return (
        Class.objects.filter(school=cast.primary, name="6 Oak")
        .select_related("academic_year")
        .order_by("-academic_year__starts_on")
        .first()
    )


def base(cast: Cast) -> str:
    return f"/school/{cast.primary.urn}/writing"


def pupil_url(cast: Cast, index: int) -> str:
    klass = six_oak(cast)
    pupil = class_pupils(klass)[index]
    return f"{base(cast)}/classes/{klass.pk}/pupils/{pupil.pk}/"


def test_year6_teacher_and_leaders_see_the_class_others_do_not(cast: Cast) -> None:
    url = f"{base(cast)}/classes/{six_oak(cast).pk}/"
    for username in [*PERSONAS, "primaryhead", "year6"]:
        status = cast.client(username).get(url).status_code
        expected = 200 if username in {"year6", "admin", "primaryhead"} else 404
        assert status == expected, f"{username}: {status}"


def test_other_year_groups_have_no_writing_assessment(cast: Cast) -> None:
    url = f"{base(cast)}/classes/{cast.four_oak.pk}/"
    assert cast.client("primaryhead").get(url).status_code == 404
    assert cast.client("teacher").get(url).status_code == 404
    # 4 Oak's class page has no link to it; 6 Oak's has.
    page = cast.client("primaryhead").get(f"/school/{cast.primary.urn}/classes/{cast.four_oak.pk}/")
    assert b"/writing/" not in page.content
    page = cast.client("primaryhead").get(f"/school/{cast.primary.urn}/classes/{six_oak(cast).pk}/")
    assert f"/writing/classes/{six_oak(cast).pk}/".encode() in page.content


def test_home_is_for_leaders_and_year6_teachers_and_says_why_not_a_tracker(cast: Cast) -> None:
    for username in [*PERSONAS, "primaryhead", "year6"]:
        response = cast.client(username).get(f"{base(cast)}/")
        expected = 200 if username in {"year6", "admin", "primaryhead"} else 404
        assert response.status_code == expected, username
    page = cast.client("year6").get(f"{base(cast)}/").content.decode()
    assert "not to be used to track" in page
    assert "teacher-assessment-frameworks-at-the-end-of-key-stage-2" in page
    assert "Import the statements" not in page  # leaders import


def test_class_page_shows_the_rule_outcomes_in_bounded_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("year6")
    url = f"{base(cast)}/classes/{six_oak(cast).pk}/"
    # 15 for 29 pupils, whatever their evidence: session and user, sign-in and membership
    # checks, the school, the class scope, the class, the statements, the pupils, then one
    # query each for evidence links, weaknesses, piece counts and judgements.
    with django_assert_max_num_queries(15):
        response = client.get(url)
    rows = response.context["rows"]
    assert len(rows) == 29
    assert [r.fit.outcome for r in rows[:5]] == ["GDS", "EXS", "EXS", "WTS", None]
    assert rows[2].fit.uses_weakness


def test_pupil_page_grid_counts_evidence_per_statement(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("year6")
    # 21 whatever the number of pieces (checked below with a pupil who has none): sign-in,
    # the school, class and pupil checks, statements, pieces with their statements,
    # weaknesses, judgements, and the messages and menu of the base template.
    with django_assert_max_num_queries(21):
        response = client.get(pupil_url(cast, 2))
    with django_assert_max_num_queries(21):
        assert client.get(pupil_url(cast, 10)).context["sheet"].pieces == []
    sheet = response.context["sheet"]
    exs = next(row for row in sheet.standards if row.standard.code == "EXS")
    spelling = next(c for c in exs.cells if c.statement.number == 8)
    assert spelling.pieces == [] and spelling.weakness is not None
    assert all(c.pieces for c in exs.cells if c.statement.number != 8)
    assert sheet.fit.outcome == "EXS"
    assert "Assessed dyslexia" in response.content.decode()


def test_linking_evidence_changes_the_outcome(cast: Cast) -> None:
    client = cast.client("year6")
    url = pupil_url(cast, 4)  # WTS with statements 6 and 7 missing
    assert client.get(url).context["sheet"].fit.outcome is None
    missing = Statement.objects.filter(school=cast.primary, standard="WTS", number__in=[6, 7])
    response = client.post(
        url + "pieces/",
        {
            "title": "Diary of a Victorian child",
            "written_on": "2026-11-20",
            "statements": [str(s.pk) for s in missing],
        },
    )
    assert response.status_code == 302
    assert client.get(url).context["sheet"].fit.outcome == "WTS"
    assert AuditEvent.objects.filter(action="writing.piece_record").exists()


def test_a_statement_of_another_school_cannot_be_linked(cast: Cast) -> None:
    client = cast.client("year6")
    before = Piece.objects.count()
    response = client.post(
        pupil_url(cast, 4) + "pieces/",
        {"title": "X", "written_on": "2026-11-20", "statements": ["999999"]},
    )
    assert response.status_code == 400
    assert Piece.objects.count() == before


def test_a_weakness_needs_a_reason_and_is_audited(cast: Cast) -> None:
    client = cast.client("year6")
    url = pupil_url(cast, 1)
    statement = Statement.objects.get(school=cast.primary, standard="EXS", number=3)
    client.post(url + "weaknesses/", {"statement": statement.pk, "reason": "short"})
    assert not Weakness.objects.filter(statement=statement).exists()
    client.post(
        url + "weaknesses/",
        {
            "statement": statement.pk,
            "reason": "Speech and language "
            "difficulty affects dialogue; composition otherwise secure",
        },
    )
    weakness = Weakness.objects.get(statement=statement, withdrawn_at=None)
    assert AuditEvent.objects.filter(action="writing.weakness_record").exists()
    client.post(url + f"weaknesses/{weakness.pk}/withdraw/")
    weakness.refresh_from_db()
    assert weakness.withdrawn_at is not None  # kept, not deleted


def test_final_judgement_warns_when_it_differs_and_feeds_ks2_writing(cast: Cast) -> None:
    client = cast.client("year6")
    url = pupil_url(cast, 3)  # WTS by the rule
    pupil = class_pupils(six_oak(cast))[3]
    client.post(url + "judgement/", {"outcome": "EXS", "note": ""})
    assert not Judgement.objects.filter(pupil=pupil).exists()  # differs: a note is needed
    client.post(url + "judgement/", {"outcome": "EXS", "note": "Moderated up after the LA visit"})
    judgement = Judgement.objects.get(pupil=pupil)
    assert (judgement.outcome, judgement.rule_outcome) == ("EXS", "WTS")
    page = client.get(url)
    assert page.context["sheet"].differs
    assert "differs from the rule&#x27;s result" in page.content.decode()
    result = Ks2Result.objects.get(pupil=pupil)
    assert (result.year, result.writing) == (selectors.ks2_year(six_oak(cast)), "EXS")
    client.post(url + "judgement/", {"outcome": "WTS", "note": ""})
    assert Ks2Result.objects.get(pupil=pupil).writing == "WTS"
    assert not client.get(url).context["sheet"].differs


def test_a_code_progress_cannot_read_is_kept_but_not_passed_on(cast: Cast) -> None:
    client = cast.client("year6")
    pupil = class_pupils(six_oak(cast))[6]
    response = client.post(
        pupil_url(cast, 6) + "judgement/",
        {"outcome": "PK4", "note": "Working at PK4"},
        follow=True,
    )
    assert Judgement.objects.filter(pupil=pupil, outcome="PK4").exists()
    assert not Ks2Result.objects.filter(pupil=pupil).exists()
    assert "Not passed to the KS2 results" in response.content.decode()


def test_a_teacher_of_another_class_cannot_record(cast: Cast) -> None:
    url = pupil_url(cast, 1)
    before = Piece.objects.count()
    response = cast.client("teacher").post(
        url + "pieces/", {"title": "x", "written_on": "2026-11-01"}
    )
    assert response.status_code == 404
    assert Piece.objects.count() == before


def test_leaders_import_statements_all_or_nothing(cast: Cast) -> None:
    url = f"{base(cast)}/statements/"
    assert cast.client("year6").get(url).status_code == 403
    client = cast.client("primaryhead")
    statement = Statement.objects.get(school=cast.primary, standard="WTS", number=1)
    links = statement.pieces.count()
    bad = SimpleUploadedFile("ours.csv", b"standard,number,text\nWTS,1,New wording\nWTS,2,\n")
    response = client.post(url, {"file": bad})
    assert "ours.csv, line 3, text" in response.content.decode()
    statement.refresh_from_db()
    assert statement.text != "New wording"
    rows = "\n".join(f"WTS,{n},Our wording {n}" for n in range(1, 8))
    good = SimpleUploadedFile("ours.csv", f"standard,number,text\n{rows}\n".encode())
    assert client.post(url, {"file": good}).status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Our wording 1"
    assert statement.pieces.count() == links  # evidence stays linked


def test_demo_is_idempotent(cast: Cast) -> None:
    from django.utils import timezone

    counts = (Statement.objects.count(), Piece.objects.count(), Weakness.objects.count())
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert (Statement.objects.count(), Piece.objects.count(), Weakness.objects.count()) == counts


@pytest.mark.parametrize("username", ["pupil", "parent"])
def test_pupils_and_parents_see_nothing(cast: Cast, username: str) -> None:
    client = cast.client(username)
    for url in (f"{base(cast)}/", pupil_url(cast, 0), f"{base(cast)}/statements/"):
        assert client.get(url).status_code in {403, 404}, url


def test_the_primary_leaders_home_links_to_it_and_the_secondarys_does_not(cast: Cast) -> None:
    page = cast.client("primaryhead").get(f"/school/{cast.primary.urn}/leader/")
    assert f"/school/{cast.primary.urn}/writing/".encode() in page.content
    page = cast.client("leader").get(f"/school/{cast.secondary.urn}/leader/")
    assert b"/writing/" not in page.content


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_photo_of_the_writing_is_kept_and_served_only_to_those_who_may_see_it(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    client = cast.client("year6")
    url = pupil_url(cast, 5)
    photo = SimpleUploadedFile("page1.png", PNG, content_type="image/png")
    response = client.post(
        url + "pieces/", {"title": "Photographed story", "written_on": "2026-11-02", "file": photo}
    )
    assert response.status_code == 302
    piece = Piece.objects.get(title="Photographed story")
    file_url = url + f"pieces/{piece.pk}/file/"
    served = client.get(file_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert cast.client("teacher").get(file_url).status_code == 404
    assert cast.client("parent").get(file_url).status_code == 404


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_naming_it(cast: Cast) -> None:
    client = cast.client("year6")
    before = Piece.objects.count()
    bad = SimpleUploadedFile("story.exe", b"MZ\x90\x00binary", content_type="image/png")
    response = client.post(
        pupil_url(cast, 5) + "pieces/",
        {"title": "Not a photo", "written_on": "2026-11-02", "file": bad},
    )
    assert response.status_code == 400
    assert "story.exe is not a photo, PDF or document" in response.content.decode()
    assert Piece.objects.count() == before
