"""The YAML and CSV framework formats: round trips, and every problem located by line and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.curriculum.formats import (
    CSV_COLUMNS,
    PHASES,
    FormatError,
    FormatErrors,
    default_scale,
    read_csv,
    read_yaml,
    write_csv,
    write_yaml,
)
from nextsteps.curriculum.kernels.spec import (
    CALCULATION_METHODS,
    DIMENSIONS,
    KEY_STAGES,
    ExemplarSpec,
    FrameworkSpec,
    LevelSpec,
    ObjectiveSpec,
    ScaleSpec,
    StrandSpec,
    key_stage_for_year,
)

FILE = "frameworks/maths.yaml"
CSV_FILE = "frameworks/maths.csv"

EXAMPLE = """\
format: nextsteps-framework/1
name: Primary mathematics
subject: Mathematics
version: "2026.1"
phase: primary
description: Our school's mathematics objectives.
calculation: {method: decaying_average, parameter: 65}
scale:
  name: Four-point scale
  mastery_threshold: 3
  levels:
    - {label: Beginning, value: 1, colour: "#d9534f"}
    - {label: Developing, value: 2, colour: "#f0ad4e"}
    - {label: Secure, value: 3, colour: "#5cb85c", description: Independent}
    - {label: Greater depth, value: 4, colour: "#0275d8"}
self_scale:
  name: How I feel
  mastery_threshold: 2
  levels:
    - {label: Not yet, value: 1, symbol: "🌱"}
    - {label: Got it, value: 2, symbol: "🌳"}
attribution: Written by our maths team
licence: CC-BY-4.0
strands:
  - code: MD
    name: Multiplication and division
    objectives:
      - code: Y4-MD-01
        wording: Recall multiplication and division facts for tables up to 12 × 12.
        pupil_wording: I know my times tables up to 12 × 12.
        year_group: 4
        core: true
        dimension: knowledge
        success_criteria: ["I can recall the 7 times table", "I can use facts to divide"]
        exemplars:
          - {title: Times table quiz, text: "Answered 48 of 50 within five minutes.", level: Secure}
      - code: Y4-MD-02
        wording: Multiply two-digit and three-digit numbers by a one-digit number.
        year_group: 4
        key_stage: KS2
        dimension: application
  - code: EY
    name: Early number
    objectives:
      - code: R-EN-01
        wording: Count objects to 10.
        year_group: 0
"""


def errors_of(read: Callable[[], object]) -> list[FormatError]:
    """The problems a reader raised, in file order."""
    with pytest.raises(FormatErrors) as caught:
        read()
    return list(caught.value.errors)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which `fragment` first appears."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def yaml_problem(text: str) -> FormatError:
    """The single problem reading `text` as YAML raises."""
    (error,) = errors_of(lambda: read_yaml(text, file=FILE))
    return error


def swap(old: str, new: str, text: str = EXAMPLE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ---------------------------------------------------------------------------
# YAML reading and writing
# ---------------------------------------------------------------------------


def test_example_yaml_reads_into_a_framework_spec() -> None:
    spec = read_yaml(EXAMPLE, file=FILE)

    assert (spec.name, spec.subject, spec.version, spec.phase) == (
        "Primary mathematics",
        "Mathematics",
        "2026.1",
        "primary",
    )
    assert spec.scale is not None and spec.scale.mastery_threshold == Decimal(3)
    assert [level.label for level in spec.scale.levels][-1] == "Greater depth"
    assert spec.self_scale is not None and spec.self_scale.levels[0].symbol == "🌱"
    first = spec.strands[0].objectives[0]
    assert first.core and first.key_stage == "KS2" and first.year_group == 4
    assert first.success_criteria == ("I can recall the 7 times table", "I can use facts to divide")
    assert first.exemplars == (
        ExemplarSpec("Times table quiz", "Answered 48 of 50 within five minutes.", "Secure"),
    )
    assert spec.strands[1].objectives[0].key_stage == "EYFS"


def test_yaml_round_trip_keeps_every_field() -> None:
    spec = read_yaml(EXAMPLE, file=FILE)

    assert read_yaml(write_yaml(spec), file=FILE) == spec


def test_written_yaml_keeps_reception_year_and_leaves_defaults_out() -> None:
    text = write_yaml(read_yaml(EXAMPLE, file=FILE))

    assert "year_group: 0" in text
    assert "core: false" not in text
    assert "dimension: knowledge" not in text
    assert text.startswith("format: nextsteps-framework/1\nname: Primary mathematics\n")


def test_written_yaml_repeats_shared_values_rather_than_aliasing_them() -> None:
    scale = default_scale()
    spec = FrameworkSpec(name="Maths", subject="Mathematics", scale=scale, self_scale=scale)

    text = write_yaml(spec)

    assert "&" not in text and "*" not in text
    assert read_yaml(text, file=FILE) == spec


def test_yaml_text_keys_keep_words_yaml_would_read_as_booleans() -> None:
    text = swap("code: Y4-MD-02", "code: NO")

    spec = read_yaml(text, file=FILE)

    assert spec.strands[0].objectives[1].code == "NO"
    assert "code: 'NO'" in write_yaml(spec)


def test_unquoted_version_number_keeps_its_digits() -> None:
    spec = read_yaml(swap('version: "2026.1"', "version: 2026.10"), file=FILE)

    assert spec.version == "2026.10"


def test_missing_calculation_uses_the_framework_default() -> None:
    spec = read_yaml(
        swap("calculation: {method: decaying_average, parameter: 65}\n", ""), file=FILE
    )

    assert (spec.calculation_method, spec.calculation_parameter) == ("decaying_average", 65)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("weighted_average", 65), ("decaying_average", 65), ("n_mastery", 3), ("latest", None)],
)
def test_omitted_parameter_takes_the_methods_default(method: str, expected: int | None) -> None:
    text = swap("{method: decaying_average, parameter: 65}", f"{{method: {method}}}")

    assert read_yaml(text, file=FILE).calculation_parameter == expected


def test_framework_without_scales_has_none() -> None:
    text = EXAMPLE.split("scale:")[0] + "strands: []\n"

    spec = read_yaml(text, file=FILE)

    assert spec.scale is None and spec.self_scale is None and spec.strands == ()


# ---------------------------------------------------------------------------
# YAML problems, each with file, line and column
# ---------------------------------------------------------------------------


def test_format_error_reads_as_file_line_and_column() -> None:
    error = FormatError(
        "must be a whole number from 0 to 13", file=FILE, line=12, column="year_group"
    )

    assert str(error) == (
        'frameworks/maths.yaml, line 12, column "year_group": must be a whole number from 0 to 13'
    )
    assert (
        str(FormatError("bad", file=FILE, line=3, column=7))
        == "frameworks/maths.yaml, line 3, column 7: bad"
    )
    assert str(FormatError("bad", file=FILE)) == "frameworks/maths.yaml: bad"


def test_invalid_yaml_syntax_is_reported_with_line_and_character() -> None:
    error = yaml_problem(swap("name: Primary mathematics", "name: [Primary"))

    assert error.file == FILE
    assert error.line is not None and error.line >= 2
    assert isinstance(error.column, int)
    assert "not valid YAML" in error.message


def test_empty_yaml_file_is_reported() -> None:
    error = yaml_problem("")

    assert (error.line, error.column, error.message) == (1, None, "the file is empty")


def test_yaml_aliases_are_refused_where_they_appear() -> None:
    text = swap("description: Our school's mathematics objectives.", "description: &d Ours")
    text = swap("attribution: Written by our maths team", "attribution: *d", text)

    error = yaml_problem(text)

    assert (error.line, error.message) == (
        line_of(text, "attribution: *d"),
        "aliases such as *name are not allowed",
    )


def test_yaml_that_is_not_a_mapping_is_reported() -> None:
    error = yaml_problem("- just\n- a list\n")

    assert (error.line, error.column) == (1, None)
    assert "mapping" in error.message


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        ("licence: CC-BY-4.0", "licence: CC-BY-4.0\nlicense: x", "license", "unknown key"),
        (
            "        core: true",
            "        core: true\n        cor: true",
            "strands[0].objectives[0].cor",
            "unknown key",
        ),
        (
            'version: "2026.1"',
            'version: "2026.1"\nversion: "2"',
            "version",
            "appears more than once",
        ),
        ("format: nextsteps-framework/1", "format: nextsteps-framework/2", "format", "must be"),
        ("phase: primary", "phase: tertiary", "phase", '"primary", "secondary" or empty'),
        ("name: Primary mathematics", 'name: ""', "name", "must not be empty"),
        ("method: decaying_average", "method: median", "calculation.method", "must be one of"),
        ("parameter: 65}", "parameter: 6.5}", "calculation.parameter", "whole number"),
        ('colour: "#d9534f"', "colour: red", "scale.levels[0].colour", '"#rrggbb"'),
        ("value: 2, colour", "value: two, colour", "scale.levels[1].value", "must be a number"),
        (
            "value: 2, colour",
            "value: 1, colour",
            "scale.levels[1].value",
            "greater than the level above",
        ),
        (
            "label: Developing",
            "label: Beginning",
            "scale.levels[1].label",
            'repeats the label "Beginning"',
        ),
        ("  mastery_threshold: 3", "  mastery_threshold: 9", "scale.mastery_threshold", "between"),
        (
            "year_group: 4",
            "year_group: 14",
            "strands[0].objectives[0].year_group",
            "from 0 to 13",
        ),
        (
            "year_group: 4",
            "year_group: four",
            "strands[0].objectives[0].year_group",
            "from 0 to 13",
        ),
        (
            "key_stage: KS2",
            "key_stage: KS9",
            "strands[0].objectives[1].key_stage",
            "must be one of EYFS",
        ),
        (
            "key_stage: KS2",
            "key_stage: KS3",
            "strands[0].objectives[1].key_stage",
            "does not match year 4",
        ),
        ("core: true", "core: sometimes", "strands[0].objectives[0].core", "true or false"),
        (
            "dimension: application",
            "dimension: vibes",
            "strands[0].objectives[1].dimension",
            "must be one of",
        ),
        (
            "level: Secure}",
            "level: Wonderful}",
            "strands[0].objectives[0].exemplars[0].level",
            "level label",
        ),
        ("code: Y4-MD-02", "code: Y4-MD-01", "strands[0].objectives[1].code", "first used on line"),
        ("code: EY", "code: MD", "strands[1].code", 'repeats the strand code "MD"'),
        (
            '"I can use facts to divide"',
            '""',
            "strands[0].objectives[0].success_criteria[1]",
            "empty",
        ),
    ],
)
def test_each_yaml_problem_names_its_line_and_key_path(
    old: str, new: str, column: str, message: str
) -> None:
    text = swap(old, new)

    error = yaml_problem(text)

    # The problem sits on the last line of the replacement, wherever that landed.
    line = EXAMPLE[: EXAMPLE.index(old)].count("\n") + new.count("\n") + 1
    assert (error.file, error.line, error.column) == (FILE, line, column)
    assert message in error.message


def test_missing_required_key_is_reported_at_its_mapping() -> None:
    text = swap("        wording: Count objects to 10.\n", "")

    error = yaml_problem(text)

    assert (error.line, error.column) == (
        line_of(text, "code: R-EN-01"),
        "strands[1].objectives[0].wording",
    )
    assert error.message == "is required"


def test_repeated_objective_code_names_the_first_line() -> None:
    text = swap("code: Y4-MD-02", "code: Y4-MD-01")

    error = yaml_problem(text)

    assert f"first used on line {line_of(text, 'code: Y4-MD-01')}" in error.message


@pytest.mark.parametrize(
    ("calculation", "message"),
    [
        ("{method: weighted_average, parameter: 0}", "from 1 to 99 for weighted_average"),
        ("{method: weighted_average, parameter: 100}", "from 1 to 99 for weighted_average"),
        ("{method: decaying_average, parameter: 49}", "from 50 to 99 for decaying_average"),
        ("{method: n_mastery, parameter: 11}", "from 1 to 10 for n_mastery"),
        ("{method: latest, parameter: 3}", "latest takes no parameter"),
        ("{method: mean, parameter: 3}", "mean takes no parameter"),
    ],
)
def test_calculation_parameter_outside_its_methods_range_is_reported(
    calculation: str, message: str
) -> None:
    text = swap("{method: decaying_average, parameter: 65}", calculation)

    error = yaml_problem(text)

    assert (error.line, error.column, error.message) == (
        line_of(text, "calculation:"),
        "calculation.parameter",
        f"must be a whole number {message}" if "from" in message else message,
    )


def test_exemplar_level_without_a_scale_is_reported() -> None:
    text = EXAMPLE.split("scale:")[0] + EXAMPLE[EXAMPLE.index("attribution:") :]

    error = yaml_problem(text)

    assert error.column == "strands[0].objectives[0].exemplars[0].level"


def test_every_yaml_problem_is_listed_at_once_in_file_order() -> None:
    text = swap("phase: primary", "phase: tertiary")
    text = swap("year_group: 4", "year_group: 14", text)
    text = swap("dimension: application", "dimension: vibes", text)

    errors = errors_of(lambda: read_yaml(text, file=FILE))

    assert [error.column for error in errors] == [
        "phase",
        "strands[0].objectives[0].year_group",
        "strands[0].objectives[1].dimension",
    ]
    with pytest.raises(
        FormatErrors, match=r"^3 problems found:\nframeworks/maths.yaml, line 5, column \"phase\""
    ):
        read_yaml(text, file=FILE)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

HEADER = ",".join(CSV_COLUMNS)
CSV_TEXT = "\n".join(
    [
        HEADER,
        "MD,Multiplication and division,Y4-MD-01,Recall tables to 12 × 12.,I know my tables.,"
        "4,KS2,yes,knowledge,I can recall 7s | I can recall 8s",
        'MD,Multiplication and division,Y4-MD-02,"Multiply, mentally",,4,,no,application,',
        "EY,Early number,R-EN-01,Count to 10.,,0,,,,",
        "",
    ]
)


def csv_problems(text: str) -> list[FormatError]:
    return errors_of(lambda: read_csv(text, file=CSV_FILE, name="Maths", subject="Mathematics"))


def read_example_csv(text: str = CSV_TEXT) -> FrameworkSpec:
    return read_csv(text, file=CSV_FILE, name="Maths", subject="Mathematics")


def test_csv_rows_group_into_strands_with_defaults_filled_in() -> None:
    spec = read_example_csv()

    assert [strand.code for strand in spec.strands] == ["MD", "EY"]
    first, second = spec.strands[0].objectives
    assert first.success_criteria == ("I can recall 7s", "I can recall 8s")
    assert first.core and not second.core
    assert second.key_stage == "KS2" and second.wording == "Multiply, mentally"
    reception = spec.strands[1].objectives[0]
    assert (reception.year_group, reception.key_stage, reception.dimension) == (
        0,
        "EYFS",
        "knowledge",
    )
    assert spec.scale == default_scale()


def test_csv_round_trip_keeps_everything_but_exemplars() -> None:
    spec = read_yaml(EXAMPLE, file=FILE)

    text = write_csv(spec)
    back = read_csv(text, file=CSV_FILE, **_metadata(spec))

    assert back == _without_exemplars(spec)


def test_csv_with_byte_order_mark_reads_the_same() -> None:
    assert read_example_csv("\ufeff" + CSV_TEXT) == read_example_csv()


def test_csv_header_may_differ_in_case_order_and_spacing() -> None:
    header = " Objective_Code ," + HEADER.replace("objective_code,", "").upper()
    text = f"{header}\nY1,AS,Addition,Add.,,1,,,,\n"

    spec = read_example_csv(text)

    assert spec.strands[0].objectives[0].code == "Y1"


def test_csv_rows_may_leave_off_trailing_empty_cells_and_repeat_strand_names_blank() -> None:
    text = f"{HEADER}\nAS,Addition,Y1-1,Add.\nAS,,Y1-2,Subtract.,,1\n\n"

    spec = read_example_csv(text)

    assert [objective.code for objective in spec.strands[0].objectives] == ["Y1-1", "Y1-2"]
    assert spec.strands[0].objectives[1].year_group == 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("yes", True),
        ("YES", True),
        ("True", True),
        ("y", True),
        ("1", True),
        ("no", False),
        ("False", False),
        ("N", False),
        ("0", False),
        ("", False),
    ],
)
def test_csv_core_accepts_common_yes_and_no_words(cell: str, expected: bool) -> None:
    text = f"{HEADER}\nAS,Addition,Y1-1,Add.,,1,,{cell},,\n"

    assert read_example_csv(text).strands[0].objectives[0].core is expected


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("strand_code", "", "must not be empty"),
        ("objective_code", "", "must not be empty"),
        ("wording", "", "must not be empty"),
        ("year_group", "four", "must be a whole number from 0 to 13"),
        ("year_group", "14", "must be a whole number from 0 to 13"),
        ("year_group", "-1", "must be a whole number from 0 to 13"),
        ("key_stage", "KS7", "must be one of EYFS"),
        ("key_stage", "KS1", "does not match year 4"),
        ("core", "maybe", "must be yes or no"),
        ("dimension", "feelings", "must be one of knowledge"),
    ],
)
def test_each_bad_csv_cell_names_its_line_and_column(column: str, value: str, message: str) -> None:
    cells = dict.fromkeys(CSV_COLUMNS, "")
    cells.update(strand_code="AS", strand_name="Addition", objective_code="Y4-1", wording="Add.")
    cells["year_group"] = "4"
    cells[column] = value
    text = f"{HEADER}\nAS,Addition,Y4-0,Fine.,,,,,,\n" + ",".join(cells.values()) + "\n"

    (error,) = csv_problems(text)

    assert (error.file, error.line, error.column) == (CSV_FILE, 3, column)
    assert message in error.message


def test_csv_problems_after_a_multi_line_cell_count_physical_lines() -> None:
    first = 'AS,Addition,Y1-1,"Add\nand\nsubtract",,1,,,,'
    text = f"{HEADER}\n{first}\nAS,Addition,Y1-2,Take away.,,one,,,,\n"

    (error,) = csv_problems(text)

    assert (error.line, error.column) == (5, "year_group")


def test_every_bad_csv_cell_is_listed_at_once() -> None:
    text = f"{HEADER}\nAS,Addition,Y1-1,Add.,,one,,maybe,,\nAS,Sums,Y1-1,,,1,,,,\n"

    errors = csv_problems(text)

    assert [(error.line, error.column) for error in errors] == [
        (2, "year_group"),
        (2, "core"),
        (3, "strand_name"),
        (3, "objective_code"),
        (3, "wording"),
    ]
    assert "first used on line 2" in errors[3].message
    assert 'differs from "Addition"' in errors[2].message


def test_csv_strand_without_a_name_on_its_first_row_is_reported() -> None:
    (error,) = csv_problems(f"{HEADER}\nAS,,Y1-1,Add.,,,,,,\n")

    assert (error.line, error.column) == (2, "strand_name")


def test_csv_row_with_extra_cells_is_reported() -> None:
    (error,) = csv_problems(f"{HEADER}\nAS,Addition,Y1-1,Add.,,,,,,,surprise\n")

    assert (error.line, error.column) == (2, None)
    assert "11 cells" in error.message


def test_csv_header_with_unknown_and_missing_columns_is_reported() -> None:
    header = HEADER.replace("dimension", "dimensions")

    errors = csv_problems(f"{header}\nAS,Addition,Y1-1,Add.,,,,,,\n")

    assert {(error.line, error.column) for error in errors} == {(1, "dimensions"), (1, "dimension")}


def test_csv_header_naming_a_column_twice_is_reported() -> None:
    (error,) = csv_problems(f"{HEADER},wording\nAS,Addition,Y1-1,Add.,,,,,,,\n")

    assert (error.line, error.column) == (1, "wording")
    assert "more than once" in error.message


def test_csv_the_csv_module_cannot_read_is_reported_at_its_record() -> None:
    huge = "x" * 200_000  # beyond the csv module's field size limit
    text = f"{HEADER}\nAS,Addition,Y1-1,Add.,,,,,,\nAS,Addition,Y1-2,{huge},,,,,,\n"

    (error,) = csv_problems(text)

    assert (error.line, error.column) == (3, None)
    assert error.message.startswith("not valid CSV: field larger than field limit")


def test_empty_csv_is_reported() -> None:
    (error,) = csv_problems("")

    assert (error.file, error.line) == (CSV_FILE, 1)


def test_csv_metadata_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="from 50 to 99"):
        read_csv(CSV_TEXT, file=CSV_FILE, name="M", subject="M", calculation_parameter=10)
    with pytest.raises(ValueError, match="must be one of"):
        read_csv(CSV_TEXT, file=CSV_FILE, name="M", subject="M", calculation_method="median")


def test_written_csv_has_the_documented_columns_and_joins_criteria() -> None:
    lines = write_csv(read_yaml(EXAMPLE, file=FILE)).splitlines()

    assert lines[0] == HEADER
    assert lines[1].endswith(
        ",4,KS2,yes,knowledge,I can recall the 7 times table | I can use facts to divide"
    )


# ---------------------------------------------------------------------------
# Round trips for generated frameworks
# ---------------------------------------------------------------------------

# Text as teachers type it: no surrounding spaces, no "|" (it separates success criteria).
WORDS = (
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            categories=("L", "N", "P", "S", "Zs"),
            exclude_characters="|",
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
OPTIONAL_WORDS = st.just("") | WORDS
PARAGRAPHS = st.lists(WORDS, min_size=1, max_size=3).map("\n".join)
COLOURS = st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True)


@st.composite
def scales(draw: st.DrawFn) -> ScaleSpec:
    count = draw(st.integers(min_value=1, max_value=4))
    labels = draw(st.lists(WORDS, min_size=count, max_size=count, unique=True))
    values = sorted(
        draw(
            st.lists(
                st.decimals(min_value=-100, max_value=100, places=2),
                min_size=count,
                max_size=count,
                unique=True,
            )
        )
    )
    levels = tuple(
        LevelSpec(label, value, draw(COLOURS), draw(OPTIONAL_WORDS), draw(OPTIONAL_WORDS))
        for label, value in zip(labels, values, strict=True)
    )
    return ScaleSpec(draw(WORDS), levels, draw(st.sampled_from(values)))


@st.composite
def objectives(draw: st.DrawFn, code: str, labels: tuple[str, ...]) -> ObjectiveSpec:
    year = draw(st.none() | st.integers(min_value=0, max_value=13))
    key_stage = (
        key_stage_for_year(year) if year is not None else draw(st.sampled_from(("", *KEY_STAGES)))
    )
    exemplars = st.builds(ExemplarSpec, WORDS, PARAGRAPHS, st.sampled_from(("", *labels)))
    return ObjectiveSpec(
        code=code,
        wording=draw(PARAGRAPHS),
        year_group=year,
        key_stage=key_stage,
        core=draw(st.booleans()),
        dimension=draw(st.sampled_from(DIMENSIONS)),
        success_criteria=tuple(draw(st.lists(WORDS, max_size=3))),
        exemplars=tuple(draw(st.lists(exemplars, max_size=2))),
        pupil_wording=draw(OPTIONAL_WORDS),
    )


@st.composite
def frameworks(draw: st.DrawFn, *, for_csv: bool = False) -> FrameworkSpec:
    scale = draw(scales()) if for_csv else draw(st.none() | scales())
    labels = tuple(level.label for level in scale.levels) if scale else ()
    sizes = draw(st.lists(st.integers(min_value=1 if for_csv else 0, max_value=3), max_size=3))
    strand_codes = draw(st.lists(WORDS, min_size=len(sizes), max_size=len(sizes), unique=True))
    codes = iter(draw(st.lists(WORDS, min_size=sum(sizes), max_size=sum(sizes), unique=True)))
    strands = tuple(
        StrandSpec(
            strand_code,
            draw(WORDS),
            tuple(draw(objectives(next(codes), labels)) for _ in range(size)),
        )
        for strand_code, size in zip(strand_codes, sizes, strict=True)
    )
    method = draw(st.sampled_from(CALCULATION_METHODS))
    spec = FrameworkSpec(
        name=draw(WORDS),
        subject=draw(WORDS),
        version=draw(WORDS),
        phase=draw(st.sampled_from(PHASES)),
        description=draw(st.just("") | PARAGRAPHS),
        calculation_method=method,
        calculation_parameter=draw(_parameters(method)),
        scale=scale,
        self_scale=draw(st.none() | scales()),
        attribution=draw(OPTIONAL_WORDS),
        licence=draw(OPTIONAL_WORDS),
        strands=strands,
    )
    return _without_exemplars(spec) if for_csv else spec


def _parameters(method: str) -> st.SearchStrategy[int | None]:
    bounds = {"weighted_average": (1, 99), "decaying_average": (50, 99), "n_mastery": (1, 10)}
    if method not in bounds:
        return st.none()
    low, high = bounds[method]
    return st.integers(min_value=low, max_value=high)


def _without_exemplars(spec: FrameworkSpec) -> FrameworkSpec:
    """The framework as CSV can carry it: exemplars travel only in YAML."""
    strands = tuple(
        replace(strand, objectives=tuple(replace(o, exemplars=()) for o in strand.objectives))
        for strand in spec.strands
    )
    return replace(spec, strands=strands)


def _metadata(spec: FrameworkSpec) -> dict[str, Any]:
    """Everything `read_csv` needs from the caller to rebuild `spec`."""
    return {key: value for key, value in spec.__dict__.items() if key != "strands"}


@settings(max_examples=60, deadline=None)
@given(frameworks())
def test_any_framework_survives_a_yaml_round_trip(spec: FrameworkSpec) -> None:
    assert read_yaml(write_yaml(spec), file=FILE) == spec


@settings(max_examples=60, deadline=None)
@given(frameworks(for_csv=True))
def test_any_framework_without_exemplars_survives_a_csv_round_trip(spec: FrameworkSpec) -> None:
    assert read_csv(write_csv(spec), file=CSV_FILE, **_metadata(spec)) == spec
