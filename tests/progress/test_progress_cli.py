"""`nextsteps progress`: the commands on files, with the DfE 2024 tables shipped in data/."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nextsteps.progress.cli import main
from nextsteps.progress.kernels.tables import DATA_DIR
from tests.progress.progress_helpers import HAND_ESTIMATES, HAND_KS1_KS2, PUPIL_HEADER, write

ESTIMATES_2024 = str(DATA_DIR / "progress8_estimates_2024.csv")
SD_2024 = str(DATA_DIR / "progress8_sd_2024.csv")
GROUP_HEADER = PUPIL_HEADER + ",disadvantaged,sen,eal,gender"
PUPILS = [
    GROUP_HEADER,
    "P1,104,105,50.5,11,10,15,14.5,Y,N,N,F",  # PAG 19: estimate 45.12
    "P2,BLW,100,30,6,6,9,9,N,K,Y,M",  # BLW 71 in 2017: average 85.5, PAG 2
    "P3,,,40,8,8,12,12,N,N,N,M",  # no KS2: excluded, but in Attainment 8
    "P4,110,112,70,16,14,20,20,Y,E,N,F",  # PAG 25: estimate 60.22
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def p8_args(pupils: Path, *extra: str) -> list[str]:
    return ["p8", "--pupils", str(pupils), "--estimates", ESTIMATES_2024, "--sd", SD_2024, *extra]


@pytest.fixture
def pupils(tmp_path: Path) -> Path:
    return write(tmp_path, "pupils.csv", "\n".join(PUPILS) + "\n")


def test_p8_json_on_the_dfe_2024_tables(capsys, pupils: Path) -> None:
    status, out, err = run(capsys, *p8_args(pupils, "--ks2-year", "2017"))

    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["pupils"][0] == {
        "pupil_id": "P1",
        "ks2_average": 104.5,
        "pag": 19,
        "estimate": 45.12,
        "progress8": 0.54,  # (50.5 − 45.12) / 10 = 0.538
        "english": 0.58,  # (11 − 9.85) / 2 = 0.575, half up
        "maths": 0.52,  # (10 − 8.97) / 2 = 0.515
        "ebacc": 0.68,  # (15 − 12.95) / 3 = 0.683
        "open": 0.38,  # (14.5 − 13.35) / 3 = 0.383
    }
    assert report["pupils"][1]["pag"] == 2
    assert report["pupils"][2] == {
        "pupil_id": "P3",
        "ks2_average": None,
        "pag": None,
        "excluded": "no usable KS2 reading or maths result",
    }


def test_p8_school_score_interval_and_band(capsys, pupils: Path) -> None:
    _, out, _ = run(capsys, *p8_args(pupils, "--ks2-year", "2017"))
    school = json.loads(out)["school"]

    # Pupils 0.538, (30 − 16.63) / 10 = 1.337, (70 − 60.22) / 10 = 0.978: mean 0.951.
    # Half-width 1.96 × 1.41628 / √3 = 1.603.
    assert {key: school[key] for key in ("n", "progress8", "ci_low", "ci_high", "band")} == {
        "n": 3,
        "progress8": 0.95,
        "ci_low": -0.65,
        "ci_high": 2.55,
        "band": "average",
    }
    assert set(school["english"]) == {"n", "score", "ci_low", "ci_high", "band"}
    assert school["attainment8"] == {"n": 4, "average": 47.63}  # 190.5 / 4, half up
    assert school["excluded"] == 1


def test_p8_groups_flag_small_groups(capsys, pupils: Path) -> None:
    _, out, _ = run(capsys, *p8_args(pupils, "--ks2-year", "2017"))
    groups = json.loads(out)["groups"]

    assert set(groups) == {"disadvantaged", "sen", "eal", "gender", "prior_attainment"}
    disadvantaged = groups["disadvantaged"]["yes"]
    assert disadvantaged["n"] == 2
    assert disadvantaged["small"] is True
    assert disadvantaged["progress8"] == 0.76  # (0.538 + 0.978) / 2 = 0.758
    assert groups["disadvantaged"]["no"]["pupils"] == 2  # P3 is in the group, not counted
    assert groups["prior_attainment"]["not known"]["n"] == 0


def test_p8_csv_has_one_row_per_pupil(capsys, pupils: Path) -> None:
    _, out, _ = run(capsys, *p8_args(pupils, "--ks2-year", "2017", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(out)))

    assert list(rows[0]) == [
        "pupil_id",
        "ks2_average",
        "pag",
        "estimate",
        "progress8",
        "english",
        "maths",
        "ebacc",
        "open",
        "excluded",
        "capped",
    ]
    assert [row["pupil_id"] for row in rows] == ["P1", "P2", "P3", "P4"]
    assert rows[0]["progress8"] == "0.54"
    assert rows[2]["progress8"] == ""
    assert rows[2]["excluded"] == "no usable KS2 reading or maths result"


def test_p8_writes_to_an_output_file(capsys, pupils: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    status, out, _ = run(capsys, *p8_args(pupils, "--ks2-year", "2017", "--output", str(target)))

    assert (status, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["school"]["n"] == 3


@pytest.mark.parametrize("command", [[], ["p8"], ["ks2"], ["estimates"]])
def test_every_command_has_help(capsys, command: list[str]) -> None:
    status, out, _ = run(capsys, *command, "--help")

    assert status == 0
    assert "usage: nextsteps progress" in out


def test_the_nextsteps_command_dispatches_to_progress(capsys) -> None:
    from nextsteps.cli import main as nextsteps_main

    assert nextsteps_main(["progress", "p8", "--help"]) == 0
    assert "--estimates" in capsys.readouterr().out


def test_missing_subcommand_is_a_usage_error(capsys) -> None:
    status, _, err = run(capsys)

    assert status == 2
    assert "usage:" in err


# --- bad input --------------------------------------------------------------------------


def test_ks2_score_out_of_range_stops_with_status_2_and_no_output(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", "\n".join([*PUPILS, "P5,100,125,40,8,8,12,12,N,N,N,F"]))
    target = tmp_path / "out.json"

    status, out, err = run(capsys, *p8_args(path, "--ks2-year", "2017", "--output", str(target)))

    assert status == 2
    assert out == ""
    assert not target.exists()
    assert err == (
        f"nextsteps progress p8: {path}, line 6, column ks2_maths: "
        "KS2 score 125 is outside 80–120 and not a known code\n"
    )


def test_unknown_ks2_code_names_file_line_and_column(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", f"{PUPIL_HEADER}\nP1,XYZ,100,40,8,8,12,12\n")

    status, _, err = run(capsys, *p8_args(path))

    assert status == 2
    assert f"{path}, line 2, column ks2_reading: unknown KS2 outcome code 'XYZ'" in err


def test_nominal_code_without_a_year_is_refused(capsys, pupils: Path) -> None:
    status, _, err = run(capsys, *p8_args(pupils))

    assert status == 2
    assert "line 3, column ks2_reading: BLW needs a nominal score" in err


def test_ks2_year_missing_from_the_nominal_table_is_refused(capsys, pupils: Path) -> None:
    status, _, err = run(capsys, *p8_args(pupils, "--ks2-year", "2019"))

    assert status == 2
    assert "ks2_nominal_scores.csv, column ks2_year: no nominal scores for KS2 year 2019" in err


def test_pag_table_with_a_gap_is_refused(capsys, pupils: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("3,100,120", "3,100.5,120"))
    args = ["p8", "--pupils", str(pupils), "--estimates", str(bad), "--sd", SD_2024]

    status, out, err = run(capsys, *args)

    assert (status, out) == (2, "")
    assert f"{bad}, line 4, column ks2_mean_above:" in err
    assert "(a gap)" in err


def test_missing_column_is_refused(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", "pupil_id,ks2_reading,attainment8\nP1,100,40\n")

    status, _, err = run(capsys, *p8_args(path))

    assert status == 2
    assert f"{path}, line 1, column ks2_maths: missing column" in err


def test_unknown_ks1_outcome_is_refused(capsys, tmp_path: Path) -> None:
    table = write(tmp_path, "pag.csv", HAND_KS1_KS2)
    header = "pupil_id,ks1_reading,ks1_writing,ks1_maths,ks2_reading,ks2_writing,ks2_maths"
    path = write(tmp_path, "ks2.csv", f"{header}\nP1,2B,2Q,2A,100,EXS,100\n")

    status, _, err = run(capsys, "ks2", "--pupils", str(path), "--pag", str(table))

    assert status == 2
    assert f"{path}, line 2, column ks1_writing: unknown KS1 outcome code '2Q'" in err


# --- KS1 to KS2 -------------------------------------------------------------------------


def test_ks2_command_reports_pupils_school_and_groups(capsys, tmp_path: Path) -> None:
    table = write(tmp_path, "pag.csv", HAND_KS1_KS2)
    header = "pupil_id,ks1_reading,ks1_writing,ks1_maths,ks2_reading,ks2_writing,ks2_maths,gender"
    rows = [
        "P1,2B,2C,3,110,EXS,104,F",  # KS1 17.5, PAG 3: +2, −3, −3
        "P2,EXS,WTS,GDS,100,GDS,A,M",  # KS1 8.5, PAG 1: +10, +25, maths absent
        "P3,A,2C,3,100,EXS,100,M",  # KS1 reading absent: excluded
    ]
    path = write(tmp_path, "ks2.csv", "\n".join([header, *rows]) + "\n")

    status, out, err = run(capsys, "ks2", "--pupils", str(path), "--pag", str(table))

    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["pupils"][0] == {
        "pupil_id": "P1",
        "ks1_average": 17.5,
        "pag": 3,
        "reading": 2.0,
        "writing": -3.0,
        "maths": -3.0,
    }
    assert report["pupils"][1]["maths"] is None
    assert report["pupils"][2]["excluded"] == "no usable KS1 result in reading, writing and maths"
    assert report["school"]["reading"]["n"] == 2
    assert report["school"]["reading"]["score"] == 6.0  # (2 + 10) / 2
    assert report["school"]["maths"]["n"] == 1
    assert report["groups"]["gender"]["male"]["pupils"] == 2
    assert report["groups"]["gender"]["male"]["reading"]["small"] is True


def test_ks2_csv_columns(capsys, tmp_path: Path) -> None:
    table = write(tmp_path, "pag.csv", HAND_KS1_KS2)
    header = "pupil_id,ks1_reading,ks1_writing,ks1_maths,ks2_reading,ks2_writing,ks2_maths"
    path = write(tmp_path, "ks2.csv", f"{header}\nP1,2B,2C,3,110,EXS,104\n")

    _, out, _ = run(capsys, "ks2", "--pupils", str(path), "--pag", str(table), "--format", "csv")

    assert out.splitlines() == [
        "pupil_id,ks1_average,pag,reading,writing,maths,excluded",
        "P1,17.5,3,2.00,-3.00,-3.00,",
    ]


# --- estimates --------------------------------------------------------------------------


def synthetic_population(tmp_path: Path, size: int = 500) -> Path:
    """A seeded population on the DfE bands, A8 rising with KS2."""
    rng = np.random.default_rng(3)
    reading = rng.integers(85, 121, size)
    maths = np.clip(reading + rng.integers(-5, 6, size), 80, 120)
    english = np.clip(np.round((reading - 80) / 4 + rng.normal(0, 1.5, size), 0), 0, 9) * 2
    lines = [PUPIL_HEADER]
    for i in range(size):
        a8 = english[i] * 4.5
        lines.append(f"S{i},{reading[i]},{maths[i]},{a8:g},{english[i]:g},{english[i]:g},")
        lines[-1] += f"{english[i] * 1.25:g},{english[i] * 1.25:g}"
    return write(tmp_path, "population.csv", "\n".join(lines) + "\n")


def test_estimates_files_feed_back_into_p8(capsys, tmp_path: Path) -> None:
    population = synthetic_population(tmp_path)
    outs = {name: tmp_path / f"{name}.csv" for name in ("estimates", "sd", "caps")}
    status, out, err = run(
        capsys,
        "estimates",
        "--population",
        str(population),
        "--format",
        "csv",
        *("--estimates-out", str(outs["estimates"]), "--sd-out", str(outs["sd"])),
        *("--caps-out", str(outs["caps"])),
    )
    assert (status, out, err) == (0, "", "")
    header = outs["estimates"].read_text(encoding="utf-8").splitlines()[0]
    assert header == "pag,ks2_mean_above,ks2_mean_upto,attainment8,english,maths,ebacc,open"

    args = ["p8", "--pupils", str(population), "--estimates", str(outs["estimates"])]
    args += ["--sd", str(outs["sd"]), "--caps", str(outs["caps"])]
    status, out, err = run(capsys, *args)

    assert (status, err) == (0, "")
    school = json.loads(out)["school"]
    assert school["n"] == 500
    assert abs(school["progress8"]) <= 0.05  # a population measured against itself
    assert school["band"] == "average"


def test_estimates_json_reports_groups_sds_and_caps(capsys, tmp_path: Path) -> None:
    population = synthetic_population(tmp_path)

    status, out, _ = run(capsys, "estimates", "--population", str(population))

    assert status == 0
    report = json.loads(out)
    assert report["n"] == 500
    assert len(report["groups"]) == 34
    assert set(report["national_sd"]) == {"progress8", "english", "maths", "ebacc", "open"}
    assert report["z_limit"]["progress8"] < 0
    assert report["capped"]["progress8"] >= 1


def test_estimates_csv_needs_output_paths(capsys, tmp_path: Path) -> None:
    population = synthetic_population(tmp_path, size=10)

    status, out, err = run(capsys, "estimates", "--population", str(population), "--format", "csv")

    assert (status, out) == (2, "")
    assert "--estimates-out" in err


def test_the_kernel_does_not_import_django() -> None:
    code = (
        "import sys, nextsteps.progress.cli, nextsteps.progress.kernels.attainment8\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def test_output_through_a_link_writes_the_target_and_keeps_the_link(
    capsys, pupils: Path, tmp_path: Path
) -> None:
    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)

    status, _, _ = run(capsys, *p8_args(pupils, "--ks2-year", "2017", "--output", str(link)))

    assert status == 0
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["school"]["n"] == 3


def test_output_file_is_replaced_whole(capsys, pupils: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old contents that are longer than nothing\n" * 100, encoding="utf-8")

    run(capsys, *p8_args(pupils, "--ks2-year", "2017", "--format", "csv", "--output", str(target)))

    assert target.read_text(encoding="utf-8").startswith("pupil_id,")
    assert "old contents" not in target.read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv", "pupils.csv"]


def test_caps_file_raises_extreme_scores_to_the_floor(capsys, tmp_path: Path) -> None:
    # P1 in PAG 19 (estimate 45.12): (15.12 − 45.12) / 10 = −3.0, below the floor −2.5.
    pupils = write(tmp_path, "p.csv", f"{PUPIL_HEADER}\nP1,104,105,15.12,3,3,4.12,5\n")
    caps = write(tmp_path, "caps.csv", "pag,measure,floor\n19,progress8,-2.5\n")

    _, out, _ = run(capsys, *p8_args(pupils, "--caps", str(caps)))
    _, csv_out, _ = run(capsys, *p8_args(pupils, "--caps", str(caps), "--format", "csv"))

    pupil = json.loads(out)["pupils"][0]
    assert pupil["progress8"] == -2.5
    assert pupil["capped"] == ["progress8"]
    assert json.loads(out)["school"]["progress8"] == -2.5
    assert csv_out.splitlines()[1].endswith(",,progress8")


def test_the_csv_is_the_same_to_standard_output_a_file_a_link_and_a_text_stream(
    capsys, pupils: Path, tmp_path: Path
) -> None:
    args = p8_args(pupils, "--ks2-year", "2017", "--format", "csv")
    _, out, _ = run(capsys, *args)
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    link.symlink_to(target)
    run(capsys, *args, "--output", str(tmp_path / "out.csv"))
    run(capsys, *args, "--output", str(link))
    stream = io.StringIO()  # no binary buffer underneath: the bytes are decoded
    with contextlib.redirect_stdout(stream):
        main(args)

    assert out.startswith("pupil_id,") and out.count("\n") == 5
    assert (tmp_path / "out.csv").read_bytes() == out.encode("utf-8")
    assert link.is_symlink() and target.read_bytes() == out.encode("utf-8")
    assert stream.getvalue() == out


@pytest.mark.parametrize(("asked", "pool"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_file_commands_give_arrow_the_system_allocator_unless_told(
    pupils: Path, tmp_path: Path, asked: str | None, pool: str
) -> None:
    args = [*p8_args(pupils, "--ks2-year", "2017", "--format", "csv")]
    args += ["--output", str(tmp_path / "out.csv")]
    code = (
        "import sys\nfrom nextsteps.cli import main\n"
        f"assert main(['progress', *{args!r}]) == 0\n"
        "import pyarrow\n"
        "print(pyarrow.default_memory_pool().backend_name, file=sys.stderr)\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if asked is not None:
        environment["ARROW_DEFAULT_MEMORY_POOL"] = asked
    done = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    assert done.stderr.splitlines()[-1] == pool
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("pupil_id,")


def test_the_csv_command_imports_no_more_of_arrow_and_numpy_than_it_uses(
    pupils: Path, tmp_path: Path
) -> None:
    args = [*p8_args(pupils, "--ks2-year", "2017", "--format", "csv")]
    args += ["--output", str(tmp_path / "out.csv")]
    heavy = ["pyarrow.compute", "numpy.ma", "dateutil", "pandas", "django", "scipy"]
    code = (
        "import sys\nfrom nextsteps.cli import main\n"
        f"assert main(['progress', *{args!r}]) == 0\n"
        f"loaded = [m for m in {heavy!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("pupil_id,")
