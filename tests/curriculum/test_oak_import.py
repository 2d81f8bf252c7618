"""The Oak National Academy importer, run against a local copy of Oak's curriculum data.

The data is licensed separately and must not be copied into this repository, so these tests
find it through NEXTSTEPS_OAK_DATA or beside the repository, and skip when it is absent.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from nextsteps.curriculum.formats import read_yaml, write_yaml
from nextsteps.curriculum.kernels.spec import FrameworkSpec
from nextsteps.curriculum.oak import LICENCE, oak_framework

REPOSITORY = Path(__file__).resolve().parents[2]


def _oak_path() -> Path:
    configured = os.environ.get("NEXTSTEPS_OAK_DATA")
    return Path(configured) if configured else REPOSITORY.parent / "shared/data/curriculum/oak"


@pytest.fixture(scope="module")
def oak_path() -> Path:
    path = _oak_path()
    if not (path / "data" / "temporal-structure.ttl").is_file():
        pytest.skip(
            f"Oak curriculum data not found at {path}; set NEXTSTEPS_OAK_DATA to its folder"
        )
    return path


@pytest.fixture(scope="module")
def maths_ks2(oak_path: Path) -> FrameworkSpec:
    return oak_framework(oak_path, subject="mathematics", key_stage=2)


def test_mathematics_key_stage_2_has_strands_of_objectives_with_year_groups(
    maths_ks2: FrameworkSpec,
) -> None:
    objectives = maths_ks2.objectives()

    assert maths_ks2.subject == "Mathematics" and maths_ks2.phase == "primary"
    assert len(maths_ks2.strands) >= 8
    assert 120 <= len(objectives) <= 250
    assert {objective.year_group for objective in objectives} == {3, 4, 5, 6}
    assert {objective.key_stage for objective in objectives} == {"KS2"}
    assert all(strand.objectives for strand in maths_ks2.strands)
    names = [strand.name for strand in maths_ks2.strands]
    assert "Multiplication and division" in names and "Fractions" in names


def test_objective_codes_are_unique_and_name_their_year(maths_ks2: FrameworkSpec) -> None:
    codes = [objective.code for objective in maths_ks2.objectives()]

    assert len(codes) == len(set(codes))
    for objective in maths_ks2.objectives():
        assert objective.code.startswith(f"Y{objective.year_group}-")


def test_import_keeps_the_attribution_the_licence_requires(
    oak_path: Path, maths_ks2: FrameworkSpec
) -> None:
    licence_text = (oak_path / "DATA-LICENSE.md").read_text(encoding="utf-8")
    required = re.search(r"^\s*>\s*(.+)$", licence_text, re.MULTILINE)

    assert required is not None
    assert required.group(1).strip() in maths_ks2.attribution
    assert "Oak National Academy" in maths_ks2.attribution
    assert maths_ks2.licence == LICENCE == "OGL-3.0"


def test_two_imports_give_the_same_framework_and_codes(
    oak_path: Path, maths_ks2: FrameworkSpec
) -> None:
    again = oak_framework(oak_path, subject="Mathematics", key_stage=2)

    assert [o.code for o in again.objectives()] == [o.code for o in maths_ks2.objectives()]
    assert again == maths_ks2


def test_objectives_match_oak_primary_content_descriptor_listing(
    oak_path: Path, maths_ks2: FrameworkSpec
) -> None:
    listing = oak_path / "primary_y1_y6_content_descriptors.csv"
    if not listing.is_file():
        pytest.skip("Oak's primary content descriptor CSV is not in this copy")
    with listing.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["subject"] == "mathematics"]
    expected = {
        f"Y{row['year_group']}-{row['content_descriptor_id'].removeprefix('contentdescriptor-')}"
        for row in rows
        if row["key_stage"] == "KS2"
    }

    assert {objective.code for objective in maths_ks2.objectives()} == expected


def test_wording_is_plain_text_without_line_wrapping_or_markup(maths_ks2: FrameworkSpec) -> None:
    wordings = [objective.wording for objective in maths_ks2.objectives()]

    assert all(wording and "\n" not in wording and "  " not in wording for wording in wordings)
    assert not any("[Fraction:" in wording for wording in wordings)
    assert any("3/4" in wording for wording in wordings)


def test_imported_framework_is_valid_in_the_yaml_format(maths_ks2: FrameworkSpec) -> None:
    assert read_yaml(write_yaml(maths_ks2), file="oak.yaml") == maths_ks2


def test_two_year_bands_leave_the_year_group_empty_but_keep_the_key_stage(
    oak_path: Path,
) -> None:
    english = oak_framework(oak_path, subject="english", key_stage=2)

    lower = [o for o in english.objectives() if o.code.startswith("Y3-4-")]
    assert lower
    assert all(o.year_group is None and o.key_stage == "KS2" for o in lower)


def test_unknown_subject_is_refused_with_the_available_subjects(oak_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no subject 'astrology'; available: .*mathematics"):
        oak_framework(oak_path, subject="astrology", key_stage=2)


def test_unknown_key_stage_is_refused_with_the_available_key_stages(oak_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no key stage 5 for Mathematics; available: 1, 2, 3, 4"):
        oak_framework(oak_path, subject="mathematics", key_stage=5)


def test_folder_without_oak_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no Oak curriculum data"):
        oak_framework(tmp_path, subject="mathematics", key_stage=2)
