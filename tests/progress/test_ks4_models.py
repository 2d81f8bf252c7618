"""KS4 models as data: the models file, the model for a cohort, slot filling in each model."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.progress.kernels.attainment8 import Kind, Qualification, attainment8
from nextsteps.progress.kernels.ks4_models import (
    MODELS_FILE,
    Entry,
    Ks4ModelsError,
    UnknownKs4Cohort,
    fill,
    plan_notes,
    read_models,
    shipped_models,
)
from nextsteps.progress.kernels.measures import P8_DIVISORS, basics
from nextsteps.progress.kernels.tables import A8_MAXIMUM

CURRENT, REFORMED = "dfe-2017", "reformed-2025-proposed"


def shipped_data() -> dict:
    return yaml.safe_load(MODELS_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "ks4_models.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped file ------------------------------------------------------------------


def test_the_shipped_file_has_the_model_in_force_and_the_reformed_model_as_proposed() -> None:
    catalogue = shipped_models()
    current, reformed = catalogue.model(CURRENT), catalogue.model(REFORMED)

    assert (current.status, current.in_force_from) == ("in_force", 2017)
    assert "Secondary accountability measures guide" in current.source.title
    assert (reformed.status, reformed.in_force_from) == ("proposed", None)
    assert "proposed improved model" in reformed.source.title
    assert "5 November 2025" in reformed.source.title
    assert reformed.source.url.startswith("https://www.gov.uk/")


def test_the_reformed_model_is_english_maths_double_two_science_four_breadth() -> None:
    reformed = shipped_models().model(REFORMED)
    groups = {group.id: group for group in reformed.groups}

    assert [(g.id, g.slots, g.weight) for g in reformed.groups] == [
        ("english", 1, 2),
        ("maths", 1, 2),
        ("science", 2, 1),
        ("breadth", 4, 1),
    ]
    assert groups["breadth"].at_least == 2
    assert set(groups["breadth"].category_groups) == {"humanities", "creative", "languages"}
    assert reformed.slot_count == 10


def test_progress8_divisors_and_maxima_come_from_the_model_in_force() -> None:
    assert P8_DIVISORS == {"progress8": 10, "english": 2, "maths": 2, "ebacc": 3, "open": 3}
    assert A8_MAXIMUM == {
        "attainment8": 90.0,
        "english": 18.0,
        "maths": 18.0,
        "ebacc": 27.0,
        "open": 27.0,
    }


# --- the model for a cohort ------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_2025_2026_and_2027_leavers_have_the_model_in_force(year: int) -> None:
    assert shipped_models().model_for_cohort(year).id == CURRENT


@pytest.mark.parametrize("year", [2016, 2032])
def test_a_cohort_with_no_model_is_refused_by_name(year: int) -> None:
    with pytest.raises(UnknownKs4Cohort, match=f"no Attainment 8 model for the cohort of {year}"):
        shipped_models().model_for_cohort(year)


def test_a_later_file_marking_the_reformed_model_in_force_switches_by_data_alone(
    tmp_path: Path,
) -> None:
    data = shipped_data()
    reformed = next(m for m in data["models"] if m["id"] == REFORMED)
    reformed["status"], reformed["in_force_from"] = "in_force", 2027
    catalogue = read_models(write(tmp_path, data))

    assert catalogue.model_for_cohort(2025).id == CURRENT
    assert catalogue.model_for_cohort(2026).id == CURRENT
    assert catalogue.model_for_cohort(2027).id == REFORMED
    assert catalogue.model_for_cohort(2031).id == REFORMED


def test_a_schools_setting_marks_the_proposed_model_in_force_from_a_cohort() -> None:
    catalogue = shipped_models()
    adopted = {REFORMED: 2027}

    assert catalogue.model_for_cohort(2026, adopted).id == CURRENT
    assert catalogue.model_for_cohort(2027, adopted).id == REFORMED
    assert catalogue.model_for_cohort(2035, adopted).id == REFORMED  # the school said so
    with pytest.raises(UnknownKs4Cohort):
        catalogue.model_for_cohort(2016, adopted)
    with pytest.raises(KeyError, match="no KS4 model"):
        catalogue.model_for_cohort(2027, {"made-up": 2027})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda d: d["models"][0]["slot_groups"][0].pop("slots"),
            "models[0].slot_groups[0].slots",
            "whole number",
        ),
        (
            lambda d: d["models"][1]["slot_groups"][3]["accepts"].append("astrology"),
            "models[1].slot_groups[3].accepts",
            "astrology",
        ),
        (
            lambda d: d["models"][0].update(status="maybe"),
            "models[0].status",
            "in_force or proposed",
        ),
        (
            lambda d: d["models"][0].update(in_force_from="soon"),
            "models[0].in_force_from",
            "expected a year",
        ),
        (lambda d: d["models"][1].update(id=CURRENT), "models[1].id", "appears twice"),
        (lambda d: d.update(format="other/2"), "format", "must be"),
        (
            lambda d: d["basics"]["thresholds"].update(strong=12),
            "basics.thresholds.strong",
            "grade",
        ),
    ],
)
def test_a_bad_models_file_is_refused_naming_the_file_and_field(
    tmp_path: Path, change, field: str, message: str
) -> None:
    data = shipped_data()
    change(data)
    path = write(tmp_path, data)

    with pytest.raises(Ks4ModelsError) as raised:
        read_models(path)

    assert raised.value.path == str(path)
    assert raised.value.field == field
    assert message in raised.value.message


# --- slot filling ----------------------------------------------------------------------


def e(category: str, points: float, name: str = "") -> Entry:
    return Entry(category, points, name or category)


def test_reformed_model_worked_by_hand() -> None:
    reformed = shipped_models().model(REFORMED)
    filling = fill(
        [
            e("english_language", 6),
            e("english_literature", 7),
            e("maths", 5),
            e("science", 6, "Combined science"),
            e("science", 6, "Combined science"),
            e("computing", 8),  # third science-slot subject: counts nowhere else
            e("history_geography", 4),
            e("languages", 3),
            e("creative", 5),
            e("other", 9),  # no slot takes other qualifications in the reformed model
        ],
        reformed,
    )

    assert filling.elements == {"english": 14, "maths": 10, "science": 14, "breadth": 12}
    assert filling.attainment8 == 50
    assert [fill.empty for fill in filling.groups] == [0, 0, 0, 1]


def test_breadth_from_one_category_fills_at_most_three_slots() -> None:
    reformed = shipped_models().model(REFORMED)
    humanities = [e("history_geography", 7), e("history_geography", 6), e("religious_studies", 5)]
    filling = fill([*humanities, e("history_geography", 9)], reformed)
    breadth = filling.groups[3]

    assert [entry.points for entry in breadth.counted] == [9, 7, 6]
    assert breadth.empty == 1 and breadth.short_of_categories
    notes = plan_notes(filling, shipped_models().categories)
    assert any("at least 2 of humanities, creative, languages" in n and "has 1" in n for n in notes)

    with_music = fill([*humanities, e("history_geography", 9), e("creative", 2)], reformed)
    assert with_music.groups[3].empty == 0
    assert with_music.elements["breadth"] == 9 + 7 + 6 + 2
    assert not with_music.groups[3].short_of_categories


def test_english_counts_once_in_the_reformed_model_without_both_english_qualifications() -> None:
    reformed = shipped_models().model(REFORMED)
    assert fill([e("english_language", 6)], reformed).elements["english"] == 6
    both = fill([e("english_language", 6), e("english_literature", 4)], reformed)
    assert both.elements["english"] == 12


def test_legacy_ebacc_and_open_kinds_count_only_in_the_model_in_force() -> None:
    grades = [e("ebacc", 7), e("open", 6)]
    assert fill(grades, shipped_models().model(CURRENT)).attainment8 == 13
    assert fill(grades, shipped_models().model(REFORMED)).attainment8 == 0


# The DfE method as it was written in code before the rules became data: the oracle.


def dfe_reference(grades: list[Qualification]) -> tuple[Fraction, ...]:
    by_kind: dict[str, list[Fraction]] = {kind.value: [] for kind in Kind}
    for grade in grades:
        by_kind[grade.kind].append(Fraction(str(grade.points)))

    def best(points: list[Fraction], slots: int) -> tuple[list[Fraction], list[Fraction]]:
        ordered = sorted(points, reverse=True)
        return ordered[:slots], ordered[slots:]

    language, spare_language = best(by_kind["english_language"], 1)
    literature, spare_literature = best(by_kind["english_literature"], 1)
    spare = spare_language + spare_literature
    if language and literature:
        higher, lower = sorted(language + literature, reverse=True)
        english, english_spare = 2 * higher, [lower, *spare]
    else:
        taken = language + literature
        english, english_spare = (taken[0] if taken else Fraction(0)), spare
    maths_best, maths_spare = best(by_kind["maths"], 1)
    maths = 2 * sum(maths_best, Fraction(0))
    ebacc_slots, ebacc_spare = best(by_kind["ebacc"], 3)
    open_slots, _ = best(by_kind["open"] + ebacc_spare + english_spare + maths_spare, 3)
    ebacc, open_total = sum(ebacc_slots, Fraction(0)), sum(open_slots, Fraction(0))
    return (english + maths + ebacc + open_total, english, maths, ebacc, open_total)


points = st.sampled_from([0, 1, 1.5, 2, 3, 4, 4.75, 5, 5.5, 6, 7, 8, 8.5, 9])
legacy = st.lists(st.builds(Qualification, st.sampled_from([k.value for k in Kind]), points))


@given(legacy)
def test_the_model_in_force_gives_the_dfe_attainment8_exactly(grades: list[Qualification]) -> None:
    result = attainment8(grades)

    expected = tuple(float(value) for value in dfe_reference(grades))
    assert (result.attainment8, result.english, result.maths, result.ebacc, result.open) == expected


categories = st.sampled_from(sorted(shipped_models().categories))
entries = st.lists(st.builds(Entry, categories, points), max_size=14)


@given(entries)
def test_reformed_slots_are_bounded_and_breadth_spans_categories(plan: list[Entry]) -> None:
    reformed = shipped_models().model(REFORMED)
    filling = fill(plan, reformed)
    breadth = filling.groups[3]
    per_group: dict[str | None, int] = {}
    for entry in breadth.counted:
        key = breadth.group.group_of(entry.category)
        per_group[key] = per_group.get(key, 0) + 1

    assert 0 <= filling.attainment8 <= 90
    assert abs(filling.attainment8 - sum(filling.elements.values())) < 1e-9
    assert max(per_group.values(), default=0) <= 3
    assert all(len(f.counted) <= f.group.slots for f in filling.groups)
    if len(breadth.counted) == 4:
        assert len(breadth.groups_used) >= 2


@given(entries, st.builds(Entry, categories, points))
def test_another_qualification_never_lowers_reformed_attainment8(
    plan: list[Entry], extra: Entry
) -> None:
    reformed = shipped_models().model(REFORMED)
    assert fill([*plan, extra], reformed).attainment8 >= fill(plan, reformed).attainment8


# --- Basics ----------------------------------------------------------------------------


def test_basics_counts_pupils_at_each_threshold_in_both_english_and_maths() -> None:
    english = np.array([4, 5, 9, 3, np.nan, 5])
    maths = np.array([4, 4, 5, 9, 6, 5])

    result = basics(english, maths, {"standard": 4, "strong": 5})

    assert result["n"] == 5 and result["not_known"] == 1
    assert result["standard"] == {"grade": 4, "count": 4, "percent": 80.0}
    assert result["strong"] == {"grade": 5, "count": 2, "percent": 40.0}


def test_basics_with_no_grades_known_has_no_percentage() -> None:
    result = basics(np.array([np.nan]), np.array([5.0]), {"standard": 4})
    assert result["standard"] == {"grade": 4, "count": 0, "percent": None}
