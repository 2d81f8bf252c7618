"""Hand-made tables and small helpers shared by the progress tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nextsteps.progress.kernels.measures import Bands, GroupTable

# Three prior attainment groups with round-number estimates, easy to work by hand.
HAND_ESTIMATES = """pag,ks2_mean_above,ks2_mean_upto,attainment8,english,maths,ebacc,open
1,,90,20,4,3,6,7
2,90,100,40,8,7,12,13
3,100,120,60,12,11,18,19
"""
HAND_SD = """measure,national_sd
progress8,1.5
english,1.6
maths,1.5
ebacc,1.6
open,1.6
"""
# A KS1–KS2 table made up for the tests: not national figures.
HAND_KS1_KS2 = """\
pag,ks1_aps_above,ks1_aps_upto,reading,writing,maths,reading_sd,writing_sd,maths_sd
1,,9,90,88,91,6,5.5,5
2,9,15,100,99,100.5,6,5.5,5
3,15,27,108,106,107,6,5.5,5
"""
PUPIL_HEADER = "pupil_id,ks2_reading,ks2_maths,attainment8,english,maths,ebacc,open"


def hand_table() -> GroupTable:
    """The hand-made Progress 8 table as arrays."""
    values = {
        "attainment8": [20.0, 40.0, 60.0],
        "english": [4.0, 8.0, 12.0],
        "maths": [3.0, 7.0, 11.0],
        "ebacc": [6.0, 12.0, 18.0],
        "open": [7.0, 13.0, 19.0],
    }
    return GroupTable(
        pags=np.array([1, 2, 3]),
        bands=Bands(np.array([-np.inf, 90.0, 100.0]), np.array([90.0, 100.0, 120.0])),
        values={column: np.array(column_values) for column, column_values in values.items()},
    )


def write(folder: Path, name: str, text: str) -> Path:
    """Write a CSV file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def floats(*values: float) -> np.ndarray:
    """A float64 array."""
    return np.array(values, dtype=np.float64)
