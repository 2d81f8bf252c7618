"""Malformed input never crashes an importer: it is imported, or refused with clear problems."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.kernels.sheets import read_table
from nextsteps.interop.oneroster_import import oneroster_import
from nextsteps.interop.sample import oneroster_sample
from nextsteps.interop.sheets_import import sheet_import
from nextsteps.people.kernels.problems import ImportProblems
from nextsteps.schools.models import School

BASE = oneroster_sample(urn=990101, pupils=4, teachers=2, classes=2, version="1.2")
NAMES = sorted(BASE)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def mutated_sets(draw: Any) -> dict[str, bytes]:
    files = dict(BASE)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(NAMES))
        if name not in files:
            continue
        data = files[name]
        how = draw(st.sampled_from(["cut", "insert", "replace", "drop", "line", "quote"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "cut":
            data = data[:at]
        elif how == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=12)) + data[at:]
        elif how == "replace":
            data = (
                data[:at]
                + draw(st.sampled_from([b",", b"\r\n", b'"', b"\x00", b"\xff"]))
                + data[at + 1 :]
            )
        elif how == "drop":
            files.pop(name)
            continue
        elif how == "line":
            data = data + draw(st.text(max_size=60)).encode("utf-8") + b"\r\n"
        else:
            data = data.replace(b",", b',"', 1)
        files[name] = data
    return files


def _settle(run: Any) -> None:
    try:
        run()
    except ImportProblems as problems:
        assert problems.problems
        assert all(problem.message for problem in problems.problems)


@FUZZ
@given(files=mutated_sets())
def test_oneroster_importer_refuses_malformed_sets_clearly(
    files: dict[str, bytes], cast: Any
) -> None:
    primary = School.objects.get(urn=990101)
    _settle(
        lambda: oneroster_import(
            source=OneRosterSet.from_files(files), by=None, dry_run=True, schools=[primary]
        )
    )


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: f"<CTfile>{t}</CTfile>".encode()),
    )
)
def test_ctf_importer_refuses_malformed_files_clearly(data: bytes, cast: Any) -> None:
    primary = School.objects.get(urn=990101)
    _settle(
        lambda: ctf_import(data=data, filename="fuzz.xml", school=primary, by=None, dry_run=True)
    )


@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=15), min_size=0, max_size=8
        ),
        max_size=6,
    )
)
def test_spreadsheet_importer_refuses_malformed_sheets_clearly(
    rows: list[list[str]], cast: Any
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["UPN", "Legal Surname", "Legal Forename", "Date of Birth", "Year Group", "SEN Status"],
            *rows,
        ]
    )
    primary = School.objects.get(urn=990101)

    def run() -> None:
        try:
            table = read_table(buffer.getvalue().encode("utf-8"), "fuzz.csv")
        except ValueError as error:
            assert str(error)
            return
        sheet_import(
            school=primary, kind="pupils", table=table, mapping=None, by=None, dry_run=True
        )

    _settle(run)


CELLS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
    st.integers(-5, 50).map(str),
    st.sampled_from(["1e999999", "NaN", "-0", "2.0", "0x3", "Infinity", " 1 "]),
)


@FUZZ
@given(
    headers=st.lists(
        st.sampled_from(["UPN", "Q1", "Question 2", "3", "Q13", "Total", "Pupil", ""]),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=5),
    upn_rows=st.lists(st.integers(0, 40), max_size=5),
)
def test_marks_importer_refuses_malformed_sheets_clearly(
    headers: list[str], rows: list[list[str]], upn_rows: list[int], cast: Any
) -> None:
    import csv
    import io

    from nextsteps.assessments import demo, selectors
    from nextsteps.assessments.models import Assessment
    from nextsteps.interop.sheets_marks import marks_sheet_import

    test = Assessment.objects.get(school__urn=990101, name=demo.MULTIPLICATION_TEST)
    pupils = selectors.cohort(test, selectors.assessment_classes(test))
    for row, index in zip(rows, upn_rows, strict=False):  # some rows name a real pupil
        if row and "UPN" in headers and index < len(pupils):
            row[min(headers.index("UPN"), len(row) - 1)] = pupils[index].upn
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])

    def run() -> None:
        try:
            table = read_table(buffer.getvalue().encode("utf-8"), "fuzz.csv")
        except ValueError as error:
            assert str(error)
            return
        marks_sheet_import(assessment=test, table=table, mapping=None, by=None, dry_run=True)

    _settle(run)
