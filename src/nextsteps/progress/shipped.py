"""Loading the DfE tables shipped in `data/` into the database, and storing any group table.

Used by the data migration (with its historical models) and by the services and the demo
(with the current ones), so it takes the model classes from an app registry. Each shipped
file is read with the kernel's own readers, so a table in the database is exactly the one
the command line reads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from nextsteps.progress.kernels.measures import A8_COLUMNS, GroupTable
from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    read_national_sd,
    read_nominal,
    read_p8_estimates,
)

P8_FILE = re.compile(r"progress8_estimates_(\d{4})\.csv")
NOMINAL_FILE = "ks2_nominal_scores.csv"


def finite(value: float) -> float | None:
    """A stored figure: None for NaN or an infinite (open) band bound."""
    return float(value) if math.isfinite(value) else None


def store_groups(
    group_model: Any,
    table: Any,
    groups: GroupTable,
    columns: Sequence[str],
    *,
    floors: Mapping[str, Any] | None = None,
    counts: Sequence[int] | None = None,
) -> None:
    """Replace a reference table's groups with those of a kernel `GroupTable`."""
    group_model.objects.filter(table=table).delete()
    rows = []
    for i, pag in enumerate(groups.pags):
        rows.append(
            group_model(
                table=table,
                position=i,
                pag=int(pag),
                above=finite(groups.bands.lower[i]),
                upto=finite(groups.bands.upper[i]),
                values={column: finite(groups.values[column][i]) for column in columns},
                floors={m: finite(f[i]) for m, f in floors.items()} if floors else {},
                pupils=int(counts[i]) if counts is not None else None,
            )
        )
    group_model.objects.bulk_create(rows)


def store_nominal(score_model: Any, table: Any, nominal: Mapping[int, Mapping[str, float]]) -> None:
    """Replace a nominal table's scores."""
    score_model.objects.filter(table=table).delete()
    score_model.objects.bulk_create(
        score_model(table=table, ks2_year=year, outcome=outcome, score=score)
        for year, scores in sorted(nominal.items())
        for outcome, score in sorted(scores.items())
    )


def install_shipped_tables(apps: Any) -> list[str]:
    """Load every shipped DfE table that is not in the database yet; return what was added."""
    table_model = apps.get_model("progress", "ReferenceTable")
    group_model = apps.get_model("progress", "ReferenceGroup")
    score_model = apps.get_model("progress", "NominalScore")
    added = []
    for path in sorted(DATA_DIR.glob("progress8_estimates_*.csv")):
        match = P8_FILE.fullmatch(path.name)
        if match is None:
            continue
        year = int(match.group(1))
        if table_model.objects.filter(kind="p8", source="dfe", year=year).exists():
            continue
        estimates = read_p8_estimates(path)
        national_sd = read_national_sd(DATA_DIR / f"progress8_sd_{year}.csv")
        table = table_model.objects.create(
            kind="p8", source="dfe", year=year, file_name=path.name, national_sd=national_sd
        )
        store_groups(group_model, table, estimates, A8_COLUMNS)
        added.append(path.name)
    if not table_model.objects.filter(kind="nominal", source="dfe").exists():
        table = table_model.objects.create(kind="nominal", source="dfe", file_name=NOMINAL_FILE)
        store_nominal(score_model, table, read_nominal(DATA_DIR / NOMINAL_FILE))
        added.append(NOMINAL_FILE)
    return added
