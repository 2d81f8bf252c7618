"""Writing statutory check results: ranges refused by field (and file and line), all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nextsteps.audit.models import AuditEvent
from nextsteps.people.models import Pupil
from nextsteps.statutory import services
from nextsteps.statutory.kernels.rules import ItemMark
from nextsteps.statutory.models import (
    BaselineRecord,
    MtcResult,
    PhonicsItemMark,
    PhonicsResult,
    PhonicsWord,
)
from nextsteps.statutory.services import (
    BaselineEntry,
    MtcEntry,
    PhonicsEntry,
    StatutoryProblems,
)

YEAR = "2030/31"  # a year the demo never fills, so counts start at nothing


def _pupils(cast, year_group: int, n: int = 3) -> list[Pupil]:
    return list(Pupil.objects.filter(school=cast.primary, year_group=year_group).order_by("pk")[:n])


def _items(mark: int) -> list[ItemMark]:
    return [
        ItemMark(position=p, kind="pseudo" if p <= 20 else "real", correct=p <= mark)
        for p in range(1, 41)
    ]


def test_phonics_marks_recorded_with_items(cast) -> None:
    a, b, c = _pupils(cast, 1)
    results = services.phonics_results_record(
        school=cast.primary,
        entries=[
            PhonicsEntry(a, YEAR, 1, 35, items=_items(35)),
            PhonicsEntry(b, YEAR, "1", "28"),
            PhonicsEntry(c, YEAR, 1, None, not_taken="A"),
        ],
        source="entry",
        by=cast.user("admin"),
    )
    assert [r.mark for r in results] == [35, 28, None]
    assert PhonicsItemMark.objects.filter(result=results[0], correct=True).count() == 35
    assert AuditEvent.objects.filter(action="statutory.phonics_record").exists()


@pytest.mark.parametrize("mark", [41, -1, "41", "thirty", 2.5])
def test_phonics_mark_outside_0_to_40_refused_and_nothing_written(cast, mark) -> None:
    a, b, _c = _pupils(cast, 1)
    with pytest.raises(StatutoryProblems) as raised:
        services.phonics_results_record(
            school=cast.primary,
            entries=[PhonicsEntry(a, YEAR, 1, 30, line=2), PhonicsEntry(b, YEAR, 1, mark, line=3)],
            source="ctf",
            file="pupils.xml",
        )
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("pupils.xml", 3, "mark")
    assert "pupils.xml, line 3, column mark" in str(raised.value)
    assert not PhonicsResult.objects.filter(academic_year=YEAR).exists()


def test_phonics_typed_mark_error_names_the_pupil_and_field(cast) -> None:
    (a,) = _pupils(cast, 1, 1)
    with pytest.raises(StatutoryProblems) as raised:
        services.phonics_result_record(pupil=a, academic_year=YEAR, year_group=1, mark=44)
    assert str(raised.value).startswith(f"{a.name}, column mark: mark must be from 0 to 40")


def test_phonics_items_must_agree_with_the_mark(cast) -> None:
    (a,) = _pupils(cast, 1, 1)
    with pytest.raises(StatutoryProblems, match="35 words are marked correct but the mark is 30"):
        services.phonics_result_record(
            pupil=a, academic_year=YEAR, year_group=1, mark=30, items=_items(35)
        )
    with pytest.raises(StatutoryProblems, match="all 40 words"):
        services.phonics_result_record(
            pupil=a, academic_year=YEAR, year_group=1, mark=3, items=_items(3)[:39]
        )
    assert not PhonicsResult.objects.filter(academic_year=YEAR).exists()


def test_phonics_year_group_reason_and_school_checked(cast) -> None:
    (a,) = _pupils(cast, 1, 1)
    other = Pupil.objects.get(school=cast.other)
    with pytest.raises(StatutoryProblems) as raised:
        services.phonics_results_record(
            school=cast.primary,
            entries=[
                PhonicsEntry(a, YEAR, 3, 20, line=2),
                PhonicsEntry(other, YEAR, 1, 20, line=3),
                PhonicsEntry(a, "2030/32", 1, None, not_taken="Z", line=4),
                PhonicsEntry(a, YEAR, 1, 20, not_taken="A", line=5),
            ],
            source="ctf",
            file="f.xml",
        )
    columns = {(p.line, p.column) for p in raised.value.problems}
    assert {(2, "year_group"), (3, "UPN"), (4, "academic_year"), (4, "not_taken")} <= columns
    assert (5, "mark") in columns  # a mark and a reason, not both
    assert not PhonicsResult.objects.filter(pupil__in=[a, other], academic_year=YEAR).exists()


def test_phonics_result_replaced_not_duplicated(cast) -> None:
    (a,) = _pupils(cast, 1, 1)
    services.phonics_result_record(
        pupil=a, academic_year=YEAR, year_group=1, mark=30, items=_items(30)
    )
    services.phonics_result_record(pupil=a, academic_year=YEAR, year_group=1, mark=33, source="ctf")
    result = PhonicsResult.objects.get(pupil=a, academic_year=YEAR)
    assert (result.mark, result.source) == (33, "ctf")
    assert not result.items.exists()  # the old words no longer agree with the mark


@pytest.mark.parametrize("score", [26, -3, "x"])
def test_mtc_score_outside_0_to_25_refused_and_nothing_written(cast, score) -> None:
    a, b, _c = _pupils(cast, 4)
    with pytest.raises(StatutoryProblems) as raised:
        services.mtc_results_record(
            school=cast.primary,
            entries=[MtcEntry(a, YEAR, 25, line=7), MtcEntry(b, YEAR, score, line=8)],
            source="ctf",
            file="ctf.xml",
        )
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("ctf.xml", 8, "score")
    assert not MtcResult.objects.filter(academic_year=YEAR).exists()


def test_mtc_scores_and_reasons_recorded(cast) -> None:
    a, b, _c = _pupils(cast, 4)
    services.mtc_results_record(
        school=cast.primary,
        entries=[MtcEntry(a, YEAR, 0), MtcEntry(b, YEAR, None, "B")],
        source="entry",
    )
    assert dict(MtcResult.objects.filter(academic_year=YEAR).values_list("pupil_id", "score")) == {
        a.pk: 0,
        b.pk: None,
    }
    with pytest.raises(StatutoryProblems, match="not a reason code"):
        services.mtc_result_record(pupil=a, academic_year=YEAR, not_taken="ZZ")


def test_baseline_has_a_date_never_a_score(cast) -> None:
    a, b, c = _pupils(cast, 0)
    today = dt.date(2030, 10, 1)
    services.baseline_records_record(
        school=cast.primary,
        entries=[
            BaselineEntry(a, YEAR, dt.date(2030, 9, 20)),
            BaselineEntry(b, YEAR, None, "A"),
        ],
        source="entry",
        today=today,
    )
    assert {f.name for f in BaselineRecord._meta.get_fields()}.isdisjoint({"score", "mark"})
    with pytest.raises(StatutoryProblems) as raised:
        services.baseline_records_record(
            school=cast.primary,
            entries=[
                BaselineEntry(c, YEAR, dt.date(2030, 10, 2), line=2),  # after today
                BaselineEntry(a, YEAR, dt.date(2029, 9, 20), line=3),  # another year
                BaselineEntry(b, YEAR, None, "", line=4),  # neither
            ],
            source="ctf",
            file="b.csv",
            today=today,
        )
    assert [p.column for p in raised.value.problems] == ["administered_on"] * 3
    assert BaselineRecord.objects.get(pupil=a, academic_year=YEAR).administered_on == dt.date(
        2030, 9, 20
    )
    assert not BaselineRecord.objects.filter(pupil=c, academic_year=YEAR).exists()


def test_threshold_entered_by_the_school_checked(cast) -> None:
    row = services.phonics_threshold_enter(school=cast.primary, academic_year=YEAR, threshold=31)
    assert row.threshold == 31
    with pytest.raises(StatutoryProblems, match="threshold must be from 0 to 40"):
        services.phonics_threshold_enter(school=cast.primary, academic_year=YEAR, threshold=45)


def test_unknown_source_refused(cast) -> None:
    (a,) = _pupils(cast, 4, 1)
    with pytest.raises(ValueError, match="source"):
        services.mtc_result_record(pupil=a, academic_year=YEAR, score=3, source="guess")


def test_word_list_refuses_a_word_that_is_neither_real_nor_pseudo(cast) -> None:
    words = [services.WordEntry(p, "pseudo" if p <= 20 else "real", line=p) for p in range(1, 41)]
    words[4] = services.WordEntry(5, "nonsense", line=5)
    with pytest.raises(StatutoryProblems, match="word list, line 5, column kind"):
        services.phonics_words_set(school=cast.primary, academic_year=YEAR, words=words)
    assert not PhonicsWord.objects.filter(school=cast.primary, academic_year=YEAR).exists()


def test_school_summary_sets_each_year_beside_its_national_figure(cast) -> None:
    from nextsteps.statutory import selectors

    a, b = _pupils(cast, 4)[:2]
    services.mtc_results_record(
        school=cast.primary,
        entries=[MtcEntry(a, "2024/25", 25), MtcEntry(b, YEAR, 20)],
        source="ctf",
    )
    by_year = {y.academic_year: y for y in selectors.school_summary(cast.primary).mtc}
    assert by_year["2024/25"].national.value == Decimal("21.0")
    assert by_year["2024/25"].national.extra == 37
    assert by_year[YEAR].national.value is None
    assert YEAR in by_year[YEAR].national.missing
