"""Building small hand-made cohorts in the database, and the same pupils as a CLI file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.progress import services
from nextsteps.progress.cli import main as progress_main
from nextsteps.progress.kernels.tables import TextFile
from nextsteps.progress.models import ReferenceTable
from nextsteps.schools.models import School
from tests.progress.progress_helpers import HAND_ESTIMATES, HAND_KS1_KS2, HAND_SD

HAND_YEAR = 2031  # a year no shipped table or demo cohort has, with a KS2 baseline (rule table)
# KS1 to KS2 progress exists for KS2 years up to 2027 (from 2028 the baseline is Reception):
# a year with a KS1 baseline that no demo cohort (always a summer from 2026 on) has.
KS2_HAND_YEAR = 2023

# pupil: (disadvantaged, sen, eal, gender, ks2 reading, ks2 maths, english, maths, ebacc, open)
# against the hand table (≤90: 20, 90–100: 40, 100–120: 60 Attainment 8).
P8_COHORT = [
    (True, "N", False, "F", "85", "88", 6, 4, 7, 7),  # PAG 1: (24 − 20) / 10 = +0.4
    (True, "K", True, "M", "95", "97", 8, 7, 11, 12),  # PAG 2: (38 − 40) / 10 = −0.2
    (False, "N", False, "F", "105", "110", 14, 12, 20, 20),  # PAG 3: (66 − 60) / 10 = +0.6
    (False, "E", False, "M", "101", "99", 9, 8, 13, 14),  # avg 100, PAG 2: +0.4
    (False, "N", True, "F", "112", "118", 15, 14, 21, 20.5),  # PAG 3: +1.05
    (False, "N", False, "M", "100", "100", 8, 8, 12, 13),  # PAG 2: +0.1
    (False, "N", False, "F", "", "", 10, 10, 15, 15),  # no KS2: left out of progress
    (False, "N", False, "M", "99", "A", 7, 7, 10, 11),  # maths absent: reading alone, −0.5
]

# pupil: (disadvantaged, sen, eal, gender, KS1 reading, writing, maths, KS2 reading, writing,
# maths) against the hand KS1–KS2 table (≤9, 9–15, 15–27).
KS2_COHORT = [
    (True, "N", False, "F", "2B", "2C", "2B", "101", "EXS", "99"),
    (False, "N", True, "M", "3", "2A", "3", "112", "GDS", "110"),
    (False, "K", False, "F", "1", "W", "1", "92", "WTS", "94"),
    (False, "N", False, "M", "2A", "2B", "2A", "104", "EXS", "105"),
    (True, "N", False, "F", "2B", "2B", "2C", "98", "WTS", "100"),
    (False, "N", False, "M", "A", "2B", "2B", "103", "EXS", "101"),  # KS1 reading absent
    (False, "N", False, "F", "2C", "2C", "2B", "100", "EXS", ""),  # no KS2 maths
]


def add_pupils(school: School, count: int, *, year_group: int, serial: int = 900) -> list[Pupil]:
    """Leavers with valid UPNs, created directly (the rows under test are the results)."""
    pupils = [
        Pupil(
            school=school,
            upn=upn_make(
                la=int(school.la_code), estab=int(school.estab), year=12, serial=serial + i
            ),
            legal_forename=f"Test{i}",
            legal_surname="Pupil",
            date_of_birth=dt.date(2014, 1, 1),
            gender="F",
            year_group=year_group,
            admission_date=dt.date(2020, 9, 1),
            leaving_date=dt.date(2030, 7, 20),
        )
        for i in range(count)
    ]
    return Pupil.objects.bulk_create(pupils)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def set_characteristics(pupils: Sequence[Pupil], cohort: Sequence[Sequence[Any]]) -> None:
    for pupil, row in zip(pupils, cohort, strict=True):
        pupil.disadvantaged, pupil.sen_status, pupil.eal, pupil.gender = row[:4]
        pupil.save()


def build_p8_cohort(school: School, by: Any = None) -> list[Pupil]:
    """The hand cohort with KS2 and KS4 results for HAND_YEAR, and the hand table for it."""
    pupils = add_pupils(school, len(P8_COHORT), year_group=11)
    set_characteristics(pupils, P8_COHORT)
    rows = []
    for pupil, row in zip(pupils, P8_COHORT, strict=True):
        reading, maths, *elements = row[4:]
        ks2_year = "" if reading == "" and maths == "" else HAND_YEAR - 5
        rows.append([pupil.upn, ks2_year, reading, maths, HAND_YEAR, sum(elements), *elements])
    header = ["upn", "ks2_year", "ks2_reading", "ks2_maths", "ks4_year", "attainment8"]
    header += ["english", "maths", "ebacc", "open"]
    services.results_import(school=school, name="hand.csv", content=csv_bytes(header, rows), by=by)
    services.reference_table_load(
        school=school,
        kind=ReferenceTable.Kind.PROGRESS8,
        year=HAND_YEAR,
        files={"estimates": TextFile("e.csv", HAND_ESTIMATES), "sd": TextFile("s.csv", HAND_SD)},
        by=by,
    )
    return pupils


def build_ks2_cohort(school: School) -> list[Pupil]:
    """The hand KS1–KS2 cohort for KS2_HAND_YEAR, and the hand KS1–KS2 table for it."""
    pupils = add_pupils(school, len(KS2_COHORT), year_group=6)
    set_characteristics(pupils, KS2_COHORT)
    rows = [
        [pupil.upn, KS2_HAND_YEAR - 4, *row[4:7], KS2_HAND_YEAR, row[7], row[9], row[8]]
        for pupil, row in zip(pupils, KS2_COHORT, strict=True)
    ]
    header = ["upn", "ks1_year", "ks1_reading", "ks1_writing", "ks1_maths"]
    header += ["ks2_year", "ks2_reading", "ks2_maths", "ks2_writing"]
    services.results_import(school=school, name="ks2.csv", content=csv_bytes(header, rows), by=None)
    services.reference_table_load(
        school=school,
        kind=ReferenceTable.Kind.KS1_KS2,
        year=KS2_HAND_YEAR,
        files={"table": TextFile("ks1_ks2.csv", HAND_KS1_KS2)},
        by=None,
    )
    return pupils


def flag(value: bool) -> str:
    return "Y" if value else "N"


def p8_cli_file(pupils: Sequence[Pupil], folder: Path) -> Path:
    """The same pupils as a `nextsteps progress p8` pupil file, read back from the database."""
    rows = []
    for pupil in sorted_pupils(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]).select_related(
            "ks2_result", "ks4_result"
        )
    ):
        ks2 = getattr(pupil, "ks2_result", None)
        ks4 = pupil.ks4_result
        rows.append(
            [
                pupil.pk,
                ks2.reading if ks2 else "",
                ks2.maths if ks2 else "",
                ks4.attainment8,
                ks4.english,
                ks4.maths,
                ks4.ebacc,
                ks4.open,
                flag(pupil.disadvantaged),
                pupil.sen_status,
                flag(pupil.eal),
                pupil.gender,
            ]
        )
    header = ["pupil_id", "ks2_reading", "ks2_maths", "attainment8", "english", "maths"]
    header += ["ebacc", "open", "disadvantaged", "sen", "eal", "gender"]
    path = folder / "pupils.csv"
    path.write_bytes(csv_bytes(header, rows))
    return path


def ks2_cli_file(pupils: Sequence[Pupil], folder: Path) -> Path:
    """The same pupils as a `nextsteps progress ks2` pupil file."""
    rows = []
    for pupil in sorted_pupils(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]).select_related(
            "ks1_result", "ks2_result"
        )
    ):
        ks1, ks2 = pupil.ks1_result, pupil.ks2_result
        rows.append(
            [pupil.pk, ks1.reading, ks1.writing, ks1.maths, ks2.reading, ks2.writing, ks2.maths]
            + [flag(pupil.disadvantaged), pupil.sen_status, flag(pupil.eal), pupil.gender]
        )
    header = ["pupil_id", "ks1_reading", "ks1_writing", "ks1_maths", "ks2_reading"]
    header += ["ks2_writing", "ks2_maths", "disadvantaged", "sen", "eal", "gender"]
    path = folder / "pupils.csv"
    path.write_bytes(csv_bytes(header, rows))
    return path


def sorted_pupils(pupils: Any) -> list[Pupil]:
    """The order the pages list pupils in: surname, forename, id."""
    return sorted(pupils, key=lambda p: (p.legal_surname, p.legal_forename, p.pk))


def run_cli(args: list[str], folder: Path) -> dict[str, Any]:
    """Run `nextsteps progress` and read its JSON report."""
    output = folder / "report.json"
    assert progress_main([*args, "--output", str(output)]) == 0
    return json.loads(output.read_text(encoding="utf-8"))


# Leavers of 2025 sat no KS2 tests (2020's were cancelled): no Progress 8 (rule table). No demo
# cohort has the year (the demo's are last summer, from 2026 on, and the latest with KS2).
NO_KS2_YEAR = 2025
# pupil: (english, maths, ebacc, open) and a score on the school's own baseline (KS2 scale)
NO_KS2_COHORT = [
    ((6, 4, 7, 7), "85"),  # Attainment 8 24
    ((8, 7, 11, 12), "96"),  # 38
    ((14, 12, 20, 20), "107.5"),  # 66
    ((9, 8, 13, 14), "100"),  # 44
    ((15, 14, 21, 20.5), "115"),  # 70.5
    ((8, 8, 12, 13), "100"),  # 41
    ((10, 10, 15, 15), ""),  # joined in Year 9: no score on the school's baseline
]


def build_cohort_without_ks2(school: School, by: Any = None) -> list[Pupil]:
    """Leavers of NO_KS2_YEAR with KS4 results only, and the school's hand table for the year
    (what an internal estimate is measured against)."""
    pupils = add_pupils(school, len(NO_KS2_COHORT), year_group=11, serial=950)
    rows = [
        [pupil.upn, NO_KS2_YEAR, sum(elements), *elements]
        for pupil, (elements, _) in zip(pupils, NO_KS2_COHORT, strict=True)
    ]
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    services.results_import(school=school, name="gcse.csv", content=csv_bytes(header, rows), by=by)
    services.reference_table_load(
        school=school,
        kind=ReferenceTable.Kind.PROGRESS8,
        year=NO_KS2_YEAR,
        files={"estimates": TextFile("e.csv", HAND_ESTIMATES), "sd": TextFile("s.csv", HAND_SD)},
        by=by,
    )
    return pupils


def own_baseline_file(pupils: Sequence[Pupil]) -> bytes:
    """The school's own baseline scores for the cohort without KS2, as a CSV upload."""
    rows = [
        [pupil.upn, score] for pupil, (_, score) in zip(pupils, NO_KS2_COHORT, strict=True) if score
    ]
    return csv_bytes(["upn", "score"], rows)
