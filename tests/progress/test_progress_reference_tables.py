"""Reference tables in the database: the shipped DfE files, a school's own, a trust's estimates."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.people.models import Pupil
from nextsteps.progress import selectors, services
from nextsteps.progress.kernels.measures import A8_COLUMNS
from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    InputError,
    TextFile,
    read_national_sd,
    read_nominal,
    read_p8_estimates,
)
from nextsteps.progress.models import NominalScore, ReferenceGroup, ReferenceTable
from tests.conftest import Cast
from tests.progress.progress_db import HAND_YEAR, build_p8_cohort, p8_cli_file, run_cli
from tests.progress.progress_helpers import HAND_ESTIMATES, HAND_SD

Kind = ReferenceTable.Kind
TableSource = ReferenceTable.TableSource


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_shipped_dfe_tables_are_in_the_database_exactly(cast: Cast, year: int) -> None:
    table = ReferenceTable.objects.get(kind=Kind.PROGRESS8, source=TableSource.DFE, year=year)
    stored, floors = selectors.group_table(list(table.groups.all()), A8_COLUMNS)
    shipped = read_p8_estimates(DATA_DIR / f"progress8_estimates_{year}.csv")

    assert floors is None
    assert np.array_equal(stored.pags, shipped.pags)
    assert np.array_equal(stored.bands.lower, shipped.bands.lower)
    assert np.array_equal(stored.bands.upper, shipped.bands.upper)
    for column in A8_COLUMNS:
        assert np.array_equal(stored.values[column], shipped.values[column])
    assert table.national_sd == read_national_sd(DATA_DIR / f"progress8_sd_{year}.csv")


def test_shipped_nominal_scores_are_in_the_database(cast: Cast) -> None:
    assert selectors.nominal_scores(cast.secondary) == read_nominal(
        DATA_DIR / "ks2_nominal_scores.csv"
    )


def test_installing_the_shipped_tables_again_changes_nothing(cast: Cast) -> None:
    before = (ReferenceTable.objects.count(), ReferenceGroup.objects.count())

    assert services.shipped_tables_install() == []
    assert (ReferenceTable.objects.count(), ReferenceGroup.objects.count()) == before


def test_a_table_with_a_gap_is_refused_naming_line_and_column(cast: Cast) -> None:
    gap = HAND_ESTIMATES.replace("3,100,120", "3,101,120")
    before = ReferenceTable.objects.count()

    with pytest.raises(InputError) as raised:
        services.reference_table_load(
            school=cast.secondary,
            kind=Kind.PROGRESS8,
            year=2030,
            files={"estimates": TextFile("e.csv", gap), "sd": TextFile("s.csv", HAND_SD)},
            by=None,
        )

    assert str(raised.value) == (
        "e.csv, line 4, column ks2_mean_above: band starts at 101 but the band before ends "
        "at 100 (a gap)"
    )
    assert ReferenceTable.objects.count() == before


def test_the_tables_page_shows_a_bad_files_problem(cast: Cast) -> None:
    client = cast.client("leader")
    overlap = HAND_ESTIMATES.replace("3,100,120", "3,95,120").encode()

    response = client.post(
        f"/school/{cast.secondary.urn}/progress/tables/",
        {
            "kind": Kind.PROGRESS8,
            "year": 2030,
            "table": SimpleUploadedFile("estimates.csv", overlap, "text/csv"),
            "sd": SimpleUploadedFile("sd.csv", HAND_SD.encode(), "text/csv"),
        },
    )

    assert response.status_code == 200
    assert "estimates.csv, line 4, column ks2_mean_above" in response.content.decode()
    assert "(an overlap)" in response.content.decode()
    assert not ReferenceTable.objects.filter(source=TableSource.UPLOAD).exists()


def test_a_schools_own_table_replaces_its_earlier_one_and_is_its_alone(cast: Cast) -> None:
    for estimates in (HAND_ESTIMATES, HAND_ESTIMATES.replace("60,12,11,18,19", "61,12,11,18,20")):
        table = services.reference_table_load(
            school=cast.secondary,
            kind=Kind.PROGRESS8,
            year=2024,
            files={"estimates": TextFile("e.csv", estimates), "sd": TextFile("s.csv", HAND_SD)},
            by=cast.user("leader"),
        )

    assert ReferenceTable.objects.filter(source=TableSource.UPLOAD).count() == 1
    assert table.groups.get(pag=3).values["attainment8"] == 61
    own = list(selectors.visible_tables(cast.secondary, Kind.PROGRESS8))
    assert table in own
    assert table not in selectors.visible_tables(cast.primary, Kind.PROGRESS8)
    # For a 2024 cohort the school's own copy comes before the shipped DfE table.
    assert selectors.choose_table(own, 2024, None) == table


def test_choosing_a_table_for_a_cohort() -> None:
    dfe_2023 = ReferenceTable(pk=1, kind=Kind.PROGRESS8, source=TableSource.DFE, year=2023)
    dfe_2024 = ReferenceTable(pk=2, kind=Kind.PROGRESS8, source=TableSource.DFE, year=2024)
    trust_2026 = ReferenceTable(pk=3, kind=Kind.PROGRESS8, source=TableSource.TRUST, year=2026)
    tables = [trust_2026, dfe_2024, dfe_2023]

    assert selectors.choose_table(tables, 2023, None) == dfe_2023
    assert selectors.choose_table(tables, 2026, None) == dfe_2024  # latest national before
    assert selectors.choose_table(tables, 2026, 3) == trust_2026  # asked for
    assert selectors.choose_table(tables, 2026, 99) == dfe_2024  # not one of these: ignored
    assert selectors.choose_table([trust_2026], 2026, None) == trust_2026
    assert selectors.choose_table([], 2026, None) is None


def test_a_schools_nominal_scores_add_a_year_to_the_shipped_ones(cast: Cast) -> None:
    text = "ks2_year,outcome,nominal_score\n2019,BLW,71\n2019,PKF,73\n"

    services.reference_table_load(
        school=cast.secondary,
        kind=Kind.NOMINAL,
        year=None,
        files={"table": TextFile("nominal-2019.csv", text)},
        by=None,
    )

    nominal = selectors.nominal_scores(cast.secondary)
    assert nominal[2019] == {"BLW": 71, "PKF": 73}
    assert nominal[2016]["BLW"] == 70  # the shipped years stay
    assert 2019 not in selectors.nominal_scores(cast.primary)
    assert NominalScore.objects.filter(table__source=TableSource.UPLOAD).count() == 2


def test_trust_estimates_are_the_kernels_on_the_trusts_pupils(cast: Cast, tmp_path: Path) -> None:
    year = HAND_YEAR
    pupils = build_p8_cohort(cast.secondary)
    bands = ReferenceTable.objects.get(source=TableSource.UPLOAD, year=year)

    table = services.trust_estimates_compute(
        school=cast.secondary, year=year, bands=bands, by=cast.user("leader")
    )

    written = tmp_path / "estimates.csv"
    sd_written = tmp_path / "sd.csv"
    bands_file = tmp_path / "bands.csv"
    bands_file.write_text(HAND_ESTIMATES, encoding="utf-8")
    report = run_cli(
        ["estimates", "--population", str(p8_cli_file(pupils, tmp_path))]
        + [
            "--bands",
            str(bands_file),
            "--estimates-out",
            str(written),
            "--sd-out",
            str(sd_written),
        ],
        tmp_path,
    )
    assert (table.source, table.trust, table.year) == (
        TableSource.TRUST,
        cast.secondary.trust,
        year,
    )
    assert table.pupils == report["n"] == 7
    assert table.national_sd == pytest.approx(report["national_sd"])
    stored = {group.pag: group for group in table.groups.all()}
    for row in csv.DictReader(written.read_text(encoding="utf-8").splitlines()):
        group = stored[int(row["pag"])]
        for column in A8_COLUMNS:
            expected = float(row[column]) if row[column] else None
            assert group.values[column] == expected
    assert [g.pupils for g in table.groups.order_by("position")] == [1, 4, 2]


def test_trust_estimates_need_enough_pupils(cast: Cast) -> None:
    bands = ReferenceTable.objects.get(source=TableSource.DFE, year=2024)

    # 2019: a cohort with a KS2 baseline (the rule table) and no pupils in the trust
    with pytest.raises(services.EstimatesError, match="too few pupils"):
        services.trust_estimates_compute(school=cast.secondary, year=2019, bands=bands, by=None)


def test_trust_estimates_are_refused_for_a_year_with_no_baseline_rule(cast: Cast) -> None:
    bands = ReferenceTable.objects.get(source=TableSource.DFE, year=2024)

    with pytest.raises(services.EstimatesError, match="for the cohort of 1999"):
        services.trust_estimates_compute(school=cast.secondary, year=1999, bands=bands, by=None)


def test_the_demo_trusts_provisional_estimates_cap_extreme_scores(cast: Cast) -> None:
    table = ReferenceTable.objects.get(source=TableSource.TRUST)
    floors = [g.floors["progress8"] for g in table.groups.all() if g.pupils and g.pupils > 1]

    assert table.pupils == Pupil.objects.filter(ks4_result__year=table.year).count() - 3
    assert table.z_limit["progress8"] < 0  # 117 pupils: the 1st lowest sets the limit
    assert all(floor is None or (floor < 0 and math.isfinite(floor)) for floor in floors)


def test_leader_computes_trust_estimates_from_the_page(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)
    bands = ReferenceTable.objects.get(source=TableSource.UPLOAD, year=HAND_YEAR)

    response = cast.client("leader").post(
        f"/school/{cast.secondary.urn}/progress/tables/trust/",
        {"year": HAND_YEAR, "bands": bands.pk},
    )

    table = ReferenceTable.objects.get(source=TableSource.TRUST, year=HAND_YEAR)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/progress/p8/{HAND_YEAR}/?table={table.pk}")
    page = cast.client("leader").get(response["Location"])
    assert "Provisional." in page.content.decode()
