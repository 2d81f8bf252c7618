"""The secure-fit rule kernel, with and without the particular-weakness exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.writing.kernels import rules

FRAMEWORK = rules.framework_for(2027)
COUNTS = dict.fromkeys(FRAMEWORK.codes, 5)  # PK standards' counts come from the school
ALL = {s.code: set(range(1, (s.statements or 5) + 1)) for s in FRAMEWORK.standards}


def test_shipped_structure_names_its_sources_and_order() -> None:
    assert FRAMEWORK.codes == ("PK1", "PK2", "PK3", "PK4", "PK5", "PK6", "WTS", "EXS", "GDS")
    assert [FRAMEWORK.standard(c).statements for c in ("WTS", "EXS", "GDS")] == [7, 9, 4]
    assert FRAMEWORK.standard("GDS").requires == ("WTS", "EXS")
    assert all(s.url.startswith("https://www.gov.uk/") for s in FRAMEWORK.sources)
    assert "teacher-assessment-frameworks-at-the-end-of-key-stage-2" in FRAMEWORK.sources[0].url


def test_a_year_with_no_edition_is_named_not_guessed() -> None:
    with pytest.raises(rules.NoRule, match="2018"):
        rules.framework_for(2018)


def test_a_broken_structure_file_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = rules.STANDARDS_FILE.read_text().replace("requires: [WTS, EXS]", "requires: [ZZZ]")
    bad = tmp_path / "standards.yaml"
    bad.write_text(text)
    with pytest.raises(rules.RulesError, match=r"standards\[8\]\.requires.*ZZZ"):
        rules.read_frameworks(bad)


def test_everything_evidenced_is_greater_depth() -> None:
    fit = rules.secure_fit(FRAMEWORK, COUNTS, ALL)
    assert fit.outcome == "GDS" and not fit.uses_weakness


def test_one_missing_expected_statement_drops_to_working_towards() -> None:
    evidenced = {code: set(ALL[code]) for code in ("WTS", "EXS", "GDS")}
    evidenced["EXS"].discard(8)
    fit = rules.secure_fit(FRAMEWORK, COUNTS, evidenced)
    assert fit.outcome == "WTS"
    assert fit.of("EXS").missing == (8,)
    assert fit.of("GDS").covered and not fit.of("GDS").met  # builds on EXS
    assert fit.of("GDS").unmet_below == ("EXS",)


def test_a_particular_weakness_lets_the_standard_be_met() -> None:
    evidenced = {code: set(ALL[code]) for code in ("WTS", "EXS")}
    evidenced["EXS"].discard(8)
    fit = rules.secure_fit(FRAMEWORK, COUNTS, evidenced, {"EXS": {8}})
    assert fit.outcome == "EXS" and fit.uses_weakness
    assert fit.of("EXS").excused == (8,)


def test_the_exception_does_not_apply_where_the_framework_does_not_allow_it() -> None:
    evidenced = {"PK1": set(ALL["PK1"]), "PK2": {1, 2, 3, 4}}
    fit = rules.secure_fit(FRAMEWORK, COUNTS, evidenced, {"PK2": {5}})
    assert fit.outcome == "PK1"


def test_a_standard_with_no_statements_imported_cannot_be_met() -> None:
    fit = rules.secure_fit(FRAMEWORK, {}, {"PK1": {1}})
    assert fit.outcome is None
    assert fit.of("PK1").statements == 0 and not fit.of("PK1").met


statement_sets = st.fixed_dictionaries(
    {code: st.sets(st.integers(1, (FRAMEWORK.standard(code).statements or 5))) for code in ALL}
)


@given(statement_sets)
def test_without_weaknesses_a_met_standard_has_every_statement_evidenced(
    evidenced: dict[str, set[int]],
) -> None:
    fit = rules.secure_fit(FRAMEWORK, COUNTS, evidenced)
    if fit.outcome is not None:
        for code in (fit.outcome, *FRAMEWORK.standard(fit.outcome).requires):
            assert evidenced[code] == ALL[code]
    for standard in FRAMEWORK.standards:
        assert fit.of(standard.code).met == all(
            evidenced[c] == ALL[c] for c in (standard.code, *standard.requires)
        )
    assert not fit.uses_weakness


@given(statement_sets, statement_sets)
def test_more_evidence_never_lowers_the_outcome(
    evidenced: dict[str, set[int]], extra: dict[str, set[int]]
) -> None:
    order = [None, *FRAMEWORK.codes]
    before = rules.secure_fit(FRAMEWORK, COUNTS, evidenced).outcome
    more = {code: evidenced[code] | extra[code] for code in ALL}
    after = rules.secure_fit(FRAMEWORK, COUNTS, more).outcome
    assert order.index(after) >= order.index(before)


@given(statement_sets, statement_sets)
def test_a_weakness_covers_a_statement_exactly_where_the_exception_applies(
    evidenced: dict[str, set[int]], weak: dict[str, set[int]]
) -> None:
    fit = rules.secure_fit(FRAMEWORK, COUNTS, evidenced, weak)
    for standard in FRAMEWORK.standards:
        covering = evidenced[standard.code] | (weak[standard.code] if standard.weakness else set())
        assert fit.of(standard.code).covered == (covering == ALL[standard.code])
        excused = set(fit.of(standard.code).excused)
        assert (
            excused
            == ((weak[standard.code] - evidenced[standard.code]) if standard.weakness else set())
            & ALL[standard.code]
        )
    # The exception can only raise the outcome, never lower it.
    order = [None, *FRAMEWORK.codes]
    plain = rules.secure_fit(FRAMEWORK, COUNTS, evidenced).outcome
    assert order.index(fit.outcome) >= order.index(plain)
