"""Loading results from CSV: every bad cell named by file, line and column, nothing half-saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.audit.models import AuditEvent
from nextsteps.progress import services
from nextsteps.progress.models import Ks1Result, Ks2Result, Ks4Qualification, Ks4Result
from nextsteps.progress.uploads import UploadErrors
from tests.conftest import Cast
from tests.progress.progress_db import add_pupils, csv_bytes

HEADER = ["upn", "ks1_year", "ks1_reading", "ks1_writing", "ks1_maths", "ks2_year"]
HEADER += ["ks2_reading", "ks2_maths", "ks2_writing", "ks4_year", "attainment8", "english"]
HEADER += ["maths", "ebacc", "open"]


def counts() -> tuple[int, int, int, int]:
    return (
        Ks1Result.objects.count(),
        Ks2Result.objects.count(),
        Ks4Result.objects.count(),
        Ks4Qualification.objects.count(),
    )


def load(
    cast: Cast,
    rows: list[list[object]],
    header: list[str] = HEADER,
    qualifications: bool = False,
) -> services.ImportSummary:
    return services.results_import(
        school=cast.secondary,
        name="results.csv",
        content=csv_bytes(header, rows),
        qualifications=qualifications,
        by=cast.user("admin"),
    )


def test_a_good_file_loads_every_key_stage_and_is_audited(cast: Cast) -> None:
    first, second = add_pupils(cast.secondary, 2, year_group=11)
    rows = [
        [first.upn, 2025, "2b", "2C", "3", 2029, "104", "98", "exs", 2034, 50.5, 11, 10, 15, 14.5],
        [second.upn, "", "", "", "", 2029, "BLW", "A", "", 2034, 30, 6, 6, 9, 9],
    ]

    with pytest.raises(UploadErrors, match="BLW needs the KS2 2029 nominal scores"):
        load(cast, rows)
    rows[1][6] = "110"
    summary = load(cast, rows)

    assert (summary.ks1, summary.ks2, summary.ks4) == (1, 2, 2)
    ks1 = Ks1Result.objects.get(pupil=first)
    assert (ks1.year, ks1.reading, ks1.writing, ks1.maths) == (2025, "2B", "2C", "3")
    assert not Ks1Result.objects.filter(pupil=second).exists()  # its year is empty: no result
    ks2 = Ks2Result.objects.get(pupil=second)
    assert (ks2.reading, ks2.maths, ks2.writing) == ("110", "A", "")
    assert Ks2Result.objects.get(pupil=first).writing == "EXS"
    ks4 = Ks4Result.objects.get(pupil=first)
    assert (ks4.attainment8, ks4.open, ks4.from_grades) == (
        Decimal("50.50"),
        Decimal("14.5"),
        False,
    )
    event = AuditEvent.objects.filter(action="progress.results_import").latest("at")
    assert event.after == {"file": "results.csv", "ks1": 1, "ks2": 2, "ks4": 2}
    assert event.actor == cast.user("admin")


def test_every_bad_cell_is_named_and_nothing_is_written(cast: Cast) -> None:
    pupil, other = add_pupils(cast.secondary, 2, year_group=11)
    before = counts()
    rows = [
        [pupil.upn, 2025, "2D", "2C", "3", 2029, "130", "98", "EXS", 2034, 50, 11, 10, 15, 14.5],
        [other.upn, "", "", "", "", "20x9", "100", "", "", 2034, 30, 6, 6, 9, 19],
        ["A999999999999", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        [pupil.upn, "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]

    with pytest.raises(UploadErrors) as raised:
        load(cast, rows)

    assert all(error.path == "results.csv" for error in raised.value.errors)
    assert [(e.line, e.column, e.message) for e in raised.value.errors] == [
        (2, "ks1_reading", "unknown KS1 outcome code '2D'"),
        (2, "ks2_reading", "KS2 score 130 is outside 80–120 and not a known code"),
        (2, "attainment8", "attainment8 50.00 is not the sum of the elements (50.50)"),
        (3, "ks2_year", "expected a year such as 2024, found '20x9'"),
        (3, "attainment8", "attainment8 30.00 is not the sum of the elements (40.00)"),
        (4, "upn", "no pupil with UPN A999999999999 at Kingsmead Academy"),
        (5, "upn", f"UPN {pupil.upn} appears twice (first on line 2)"),
    ]
    assert str(raised.value.errors[0]).startswith("results.csv, line 2, column ks1_reading: ")
    assert counts() == before


def test_a_pupil_of_another_school_is_not_found(cast: Cast) -> None:
    (primary_pupil,) = add_pupils(cast.primary, 1, year_group=6)

    with pytest.raises(UploadErrors, match=f"no pupil with UPN {primary_pupil.upn} at Kingsmead"):
        load(
            cast,
            [[primary_pupil.upn, "", "", "", "", 2029, "100", "100", "", "", "", "", "", "", ""]],
        )


def test_a_nominal_code_is_accepted_when_its_years_scores_are_loaded(cast: Cast) -> None:
    (pupil,) = add_pupils(cast.secondary, 1, year_group=11)
    header = ["upn", "ks2_year", "ks2_reading", "ks2_maths"]

    load(cast, [[pupil.upn, 2017, "pkg", "101"]], header=header)

    assert Ks2Result.objects.get(pupil=pupil).reading == "PKG"


def test_missing_columns_and_empty_files_are_refused(cast: Cast) -> None:
    with pytest.raises(UploadErrors, match="line 1, column ks2_maths: missing column"):
        load(cast, [["x", 2020, "100"]], header=["upn", "ks2_year", "ks2_reading"])
    with pytest.raises(UploadErrors, match="expected ks1_year, ks2_year or ks4_year columns"):
        load(cast, [["x", "1"]], header=["upn", "score"])
    with pytest.raises(UploadErrors, match="column upn: missing column"):
        load(cast, [["1"]], header=["pupil"])
    with pytest.raises(UploadErrors, match="no pupils in the file"):
        load(cast, [], header=["upn", "ks2_year", "ks2_reading", "ks2_maths"])


def test_a_file_that_is_not_utf8_is_refused(cast: Cast) -> None:
    with pytest.raises(UploadErrors, match="results.csv, line 2: character 1 is not UTF-8 text"):
        services.results_import(
            school=cast.secondary, name="results.csv", content=b"upn\n\xff\xfe", by=None
        )


def test_loading_again_replaces_a_pupils_results(cast: Cast) -> None:
    (pupil,) = add_pupils(cast.secondary, 1, year_group=11)
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    load(cast, [[pupil.upn, 2034, 40, 10, 10, 10, 10]], header=header)

    load(cast, [[pupil.upn, 2034, 44, 10, 10, 12, 12]], header=header)

    assert Ks4Result.objects.filter(pupil=pupil).count() == 1
    assert Ks4Result.objects.get(pupil=pupil).attainment8 == 44


def test_grades_become_attainment8_by_the_dfe_slot_rules(cast: Cast) -> None:
    both, language_only = add_pupils(cast.secondary, 2, year_group=11)
    header = ["upn", "ks4_year", "subject", "kind", "grade"]
    rows = [
        [both.upn, 2034, "English language", "english_language", "5"],
        [both.upn, 2034, "English literature", "English Literature", "6"],
        [both.upn, 2034, "Mathematics", "maths", "4"],
        [both.upn, 2034, "Biology", "ebacc", "7"],
        [both.upn, 2034, "History", "ebacc", "U"],
        [both.upn, 2034, "Art", "open", "8"],
        [language_only.upn, 2034, "English language", "english_language", "6"],
        [language_only.upn, 2034, "Mathematics", "maths", "6"],
    ]

    load(cast, rows, header=header, qualifications=True)

    result = Ks4Result.objects.get(pupil=both)
    # English: both taken, the higher (6) doubled = 12, language's 5 may fill an open slot;
    # maths 8; EBacc 7 + 0; open 8 + 5.
    assert (result.english, result.maths, result.ebacc, result.open) == (12, 8, 7, 13)
    assert result.attainment8 == 40
    assert result.from_grades is True
    assert result.qualifications.count() == 6
    alone = Ks4Result.objects.get(pupil=language_only)
    assert (alone.english, alone.attainment8) == (6, 18)  # one English counts once


def test_bad_qualification_rows_are_each_named(cast: Cast) -> None:
    (pupil,) = add_pupils(cast.secondary, 1, year_group=11)
    header = ["upn", "ks4_year", "subject", "kind", "grade"]
    rows = [
        [pupil.upn, 2034, "Music", "open", "5"],
        [pupil.upn, 2034, "Engineering", "vocational", "5"],
        [pupil.upn, 2034, "", "open", "10"],
        [pupil.upn, 2035, "Drama", "open", "4"],
    ]

    with pytest.raises(UploadErrors) as raised:
        load(cast, rows, header=header, qualifications=True)

    assert [(error.line, error.column) for error in raised.value.errors] == [
        (3, "kind"),
        (4, "subject"),
        (4, "grade"),
        (5, "ks4_year"),
    ]
    assert not Ks4Result.objects.filter(pupil=pupil).exists()


def test_the_upload_page_lists_the_problems_and_saves_nothing(cast: Cast) -> None:
    (pupil,) = add_pupils(cast.secondary, 1, year_group=11)
    client = cast.client("admin")
    url = f"/school/{cast.secondary.urn}/progress/results/"
    bad = csv_bytes(["upn", "ks2_year", "ks2_reading", "ks2_maths"], [[pupil.upn, 2029, "79", "X"]])

    response = client.post(
        url, {"form": "results", "file": SimpleUploadedFile("year11.csv", bad, "text/csv")}
    )

    assert response.status_code == 200
    assert "year11.csv, line 2, column ks2_reading: KS2 score 79 is outside 80–120" in (
        response.content.decode()
    )
    assert not Ks2Result.objects.filter(pupil=pupil).exists()

    good = csv_bytes(
        ["upn", "ks2_year", "ks2_reading", "ks2_maths"], [[pupil.upn, 2029, "99", "X"]]
    )
    response = client.post(
        url, {"form": "results", "file": SimpleUploadedFile("year11.csv", good, "text/csv")}
    )
    assert response.status_code == 302
    assert Ks2Result.objects.get(pupil=pupil).maths == "X"
