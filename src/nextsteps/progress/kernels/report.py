"""Turning computed measures into the JSON and CSV that the command line prints."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from nextsteps.progress.kernels import arrow
from nextsteps.progress.kernels.baselines import INTERNAL_ESTIMATE, BaselineRule
from nextsteps.progress.kernels.estimates import PopulationEstimates
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.measures import (
    A8_COLUMNS,
    KS2_EXCLUSIONS,
    KS2_SUBJECTS,
    P8_EXCLUSIONS,
    P8_MEASURES,
    SMALL_GROUP,
    BoolArray,
    FloatArray,
    Grouping,
    GroupTable,
    IntArray,
    Ks2Result,
    P8Result,
    Scores,
    basics,
    mean_points,
    summarise,
    summarise_groups,
)
from nextsteps.progress.kernels.tables import BASICS_COLUMNS, PupilFile

P8_CSV_COLUMNS = ("pupil_id", "ks2_average", "pag", "estimate", *P8_MEASURES, "excluded", "capped")
KS2_CSV_COLUMNS = ("pupil_id", "ks1_average", "pag", *KS2_SUBJECTS, "excluded")
# Labels in the order a reader expects; any others follow alphabetically.
LABEL_ORDER = (
    *("yes", "no", "SEN support", "EHC plan", "male", "female"),
    *("low", "middle", "high", "not known", "not recorded"),
)


def number(value: float) -> float | None:
    """A float for JSON: None for NaN."""
    return None if math.isnan(value) else float(value)


def trimmed(value: float, places: int) -> str:
    """A number to `places` dp without trailing zeros, as the DfE files write them."""
    if not math.isfinite(value):
        return ""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- groups -----------------------------------------------------------------------------


def ordered(labels: Iterable[str]) -> list[str]:
    """Known labels in reading order, then the rest alphabetically."""
    known = [label for label in LABEL_ORDER if label in labels]
    return known + sorted(label for label in labels if label not in LABEL_ORDER)


def group_entries(
    scores: Scores, mask: BoolArray, national_sd: float, grouping: Grouping, score_key: str
) -> dict[str, dict[str, Any]]:
    """Each label's summary with its pupil count and the small-group flag (n < 6)."""
    summaries = summarise_groups(scores, mask, national_sd, grouping)
    entries: dict[str, dict[str, Any]] = {}
    for label in ordered(summaries):
        code = grouping.labels.index(label)
        entry = summaries[label].as_dict(score_key)
        entry["pupils"] = int(np.count_nonzero(grouping.codes == code))
        entry["small"] = summaries[label].n < SMALL_GROUP
        entries[label] = entry
    return entries


# --- Progress 8 -------------------------------------------------------------------------


def p8_school(
    result: P8Result, attainment8: FloatArray, national_sd: Mapping[str, float]
) -> dict[str, Any]:
    """The school's Progress 8 and elements with intervals and bands, and its Attainment 8."""
    headline = summarise(result.scores["progress8"], result.included, national_sd["progress8"])
    school = headline.as_dict("progress8")
    for measure in P8_MEASURES[1:]:
        summary = summarise(result.scores[measure], result.included, national_sd[measure])
        school[measure] = summary.as_dict()
    # Attainment counts every pupil, with or without a KS2 result.
    school["attainment8"] = {"n": len(attainment8), "average": mean_points(attainment8)}
    school["excluded"] = int(np.count_nonzero(~result.included))
    return school


def p8_report(
    pupils: PupilFile,
    result: P8Result,
    table: GroupTable,
    national_sd: Mapping[str, float],
    groupings: Sequence[Grouping],
) -> dict[str, Any]:
    """The whole Progress 8 report: pupils, school and groups."""
    # Round each measure once for all pupils rather than once per pupil.
    rounded = {measure: result.scores[measure].rounded() for measure in P8_MEASURES}
    entries = [
        p8_pupil(i, pupil_id, result, table, rounded) for i, pupil_id in enumerate(pupils.pupil_ids)
    ]
    groups = {
        grouping.name: group_entries(
            result.scores["progress8"],
            result.included,
            national_sd["progress8"],
            grouping,
            "progress8",
        )
        for grouping in groupings
    }
    built = {
        "pupils": entries,
        "school": p8_school(result, pupils.columns["attainment8"], national_sd),
        "groups": groups,
    }
    return with_basics(built, pupils)


def with_basics(built: dict[str, Any], pupils: PupilFile) -> dict[str, Any]:
    """Basics beside Attainment 8 when the file has the English and maths grades: each
    pupil's grades and the school's figures (grade 4+ and 5+ in both)."""
    columns = pupils.columns
    if not all(column in columns for column in BASICS_COLUMNS):
        return built
    for i, entry in enumerate(built["pupils"]):
        for column in BASICS_COLUMNS:
            entry[column] = number(columns[column][i])
    thresholds = shipped_models().basics.thresholds
    built["school"]["basics"] = basics(columns["english_grade"], columns["maths_grade"], thresholds)
    return built


def p8_pupil(
    i: int,
    pupil_id: str,
    result: P8Result,
    table: GroupTable,
    rounded: Mapping[str, FloatArray],
) -> dict[str, Any]:
    """One pupil's Progress 8 as published (2 dp), or the reason they are left out."""
    entry: dict[str, Any] = {"pupil_id": pupil_id, "ks2_average": number(result.ks2_average[i])}
    pag = int(result.pag_index[i])
    entry["pag"] = int(table.pags[pag]) if pag >= 0 else None
    if not result.included[i]:
        entry["excluded"] = P8_EXCLUSIONS[int(result.exclusion[i])]
        return entry
    entry["estimate"] = number(table.values["attainment8"][pag])
    for measure in P8_MEASURES:
        entry[measure] = float(rounded[measure][i])
    capped = [measure for measure, flags in result.capped.items() if flags[i]]
    if capped:
        entry["capped"] = capped
    return entry


def p8_csv(report: Mapping[str, Any]) -> str:
    """One row per pupil: the published columns, with the reason for any exclusion."""
    columns = basics_columns(report, P8_CSV_COLUMNS)
    rows = []
    for pupil in report["pupils"]:
        row = {column: pupil.get(column) for column in columns}
        row["capped"] = " ".join(pupil.get("capped", []))
        rows.append(row)
    return csv_text(columns, rows, two_places=(*P8_MEASURES, "estimate"))


@dataclass(frozen=True)
class Coded:
    """A column of text as its distinct cells and, for each row, which of them it holds."""

    texts: list[str]
    indices: IntArray

    def cells(self) -> list[str]:
        column: list[str] = np.array(self.texts, dtype=object)[self.indices].tolist()
        return column


def p8_csv_columns(pupils: PupilFile, result: P8Result, table: GroupTable) -> str:
    """`p8_csv` of the report `p8_report` would build, written straight from the arrays."""
    return b"".join(p8_csv_bytes(pupils, result, table)).decode("utf-8")


def p8_csv_bytes(
    pupils: PupilFile, result: P8Result, table: GroupTable
) -> Iterator[bytes | memoryview]:
    """`p8_csv_columns` as the UTF-8 bytes of the file, a block at a time, never text.

    The same text, byte for byte, with no dictionary per pupil: each distinct number of a
    column (a few thousand among hundreds of thousands of pupils) is formatted once, exactly
    as `csv_cell` formats it, and each column is those texts and a code a pupil, which
    Apache Arrow expands and joins into rows in C (`columns_csv_bytes`).
    """
    included = result.included
    excluded = ~included
    pag = result.pag_index
    measures = {measure: result.scores[measure].rounded() for measure in P8_MEASURES}
    cells: dict[str, Coded | list[str] | Any] = {
        "pupil_id": pupils.pupil_ids if pupils.pupil_id_texts is None else pupils.pupil_id_texts,
        "ks2_average": _formatted(result.ks2_average, "g", None),
        "pag": Coded(
            [str(int(value)) for value in table.pags] + [""],
            np.where(pag >= 0, pag, len(table.pags)),
        ),
    }
    estimate = np.asarray(table.values["attainment8"], dtype=np.float64)[np.maximum(pag, 0)]
    cells["estimate"] = _formatted(estimate, ".2f", excluded)
    for measure, values in measures.items():
        cells[measure] = _formatted(values, ".2f", excluded)
    cells["excluded"] = Coded(list(P8_EXCLUSIONS), np.where(included, 0, result.exclusion))
    flags = np.zeros(pupils.count, dtype=np.int64)
    capped_measures = list(result.capped)
    for bit, measure in enumerate(capped_measures):
        flags |= result.capped[measure].astype(np.int64) << bit
    flags[excluded] = 0
    combinations = [
        " ".join(m for bit, m in enumerate(capped_measures) if code >> bit & 1)
        for code in range(1 << len(capped_measures))
    ]
    cells["capped"] = Coded(combinations, flags)
    columns = list(P8_CSV_COLUMNS)
    if all(column in pupils.columns for column in BASICS_COLUMNS):
        columns += BASICS_COLUMNS
        for column in BASICS_COLUMNS:
            cells[column] = _formatted(pupils.columns[column], "g", None)
    return columns_csv_bytes(columns, [cells[column] for column in columns])


def columns_csv(header: Sequence[str], columns: Sequence[Coded | list[str] | Any]) -> str:
    """CSV text of whole columns, as the csv module writes it (quoting only where needed)."""
    return b"".join(columns_csv_bytes(header, columns)).decode("utf-8")


# A cell with one of these is written by the csv module, which quotes it (or not) as always.
NEEDS_QUOTES = (",", '"', "\n", "\r")
ROWS_A_BLOCK = 1 << 16  # rows joined at a time: their arrays stay in the processor's cache
JOINING_THREADS = 2


def columns_csv_bytes(
    header: Sequence[str], columns: Sequence[Coded | list[str] | Any]
) -> Iterator[bytes | memoryview]:
    """`columns_csv` as UTF-8 bytes, a block of rows at a time, to be written in turn.

    Each column is an Arrow string array (a `Coded` one its texts, taken at its codes, with
    the row's line break added to the texts of the last column), and for each block of rows
    one element-wise join puts the columns of each row together, separated by commas: the
    joined array's data is that block of the file, written as it is. When any cell would
    need quotes, or there is a single column, the csv module writes the whole file instead.
    Whether it must is known before the first block is made.
    """
    import pyarrow as pa  # only the commands that write whole files need Arrow

    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(header)
    heading = head.getvalue().encode("utf-8")
    parts: list[tuple[Any, Any]] = []  # (texts, codes) or (texts, None)
    for position, column in enumerate(columns):
        if isinstance(column, Coded):
            if any(mark in text for text in column.texts for mark in NEEDS_QUOTES):
                return iter([_csv_module_bytes(heading, columns)])
            last = position == len(columns) - 1
            texts = [f"{text}\n" for text in column.texts] if last else column.texts
            parts.append((pa.array(texts, pa.string()), _arrow_integers(column.indices)))
        else:
            array = column if isinstance(column, pa.Array) else pa.array(column, pa.string())
            if array.type != pa.string() or array.null_count or _has_any(array, NEEDS_QUOTES):
                return iter([_csv_module_bytes(heading, columns)])
            parts.append((array, None))
    if (
        len(parts) < 2
        or len({len(codes if codes is not None else texts) for texts, codes in parts}) > 1
    ):
        return iter([_csv_module_bytes(heading, columns)])
    return _blocks(heading, parts)


def _blocks(heading: bytes, parts: list[tuple[Any, Any]]) -> Iterator[bytes | memoryview]:
    """The header, then each block of rows joined by Arrow (see `columns_csv_bytes`).

    Arrow works without Python's lock, so two threads join the next blocks while this one
    hands the last to be written."""
    yield heading
    texts, codes = parts[-1]
    if codes is None:  # the last column is not coded: its line breaks are added by Arrow
        parts[-1] = (arrow.joined([texts, "\n"], ""), None)
    count = len(parts[0][1] if parts[0][1] is not None else parts[0][0])

    def joined(start: int) -> memoryview:
        cells = [
            texts.slice(start, ROWS_A_BLOCK)
            if codes is None
            else arrow.take(texts, codes.slice(start, ROWS_A_BLOCK))
            for texts, codes in parts
        ]
        rows = arrow.joined(cells, ",")
        offsets = np.frombuffer(rows.buffers()[1], np.int32, len(rows) + 1, rows.offset * 4)
        return memoryview(rows.buffers()[2])[int(offsets[0]) : int(offsets[-1])]

    with ThreadPoolExecutor(max_workers=JOINING_THREADS) as pool:
        pending: deque[Future[memoryview]] = deque()
        for start in range(0, count, ROWS_A_BLOCK):
            pending.append(pool.submit(joined, start))
            if len(pending) > JOINING_THREADS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _has_any(texts: Any, marks: Sequence[str]) -> bool:
    """Whether any text of an Arrow string array holds any of the marks."""
    offsets = np.frombuffer(texts.buffers()[1], np.int32)
    first, end = int(offsets[texts.offset]), int(offsets[texts.offset + len(texts)])
    data = texts.buffers()[2]
    held = b"" if data is None else bytes(memoryview(data)[first:end])
    return any(mark.encode("utf-8") in held for mark in marks)


def _csv_module_bytes(heading: bytes, columns: Sequence[Coded | list[str] | Any]) -> bytes:
    """The file as the csv module writes it, row by row."""
    import pyarrow as pa

    buffer = io.StringIO()
    buffer.write(heading.decode("utf-8"))
    texts = [
        column.cells()
        if isinstance(column, Coded)
        else column.to_pylist()
        if isinstance(column, pa.Array)
        else column
        for column in columns
    ]
    csv.writer(buffer, lineterminator="\n").writerows(zip(*texts, strict=True))
    return buffer.getvalue().encode("utf-8")


def _arrow_integers(values: IntArray) -> Any:
    """A NumPy array of integers as an Arrow array over the same memory."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kinds = {np.dtype(np.int64): pa.int64(), np.dtype(np.int32): pa.int32()}
    if values.dtype not in kinds:
        values = values.astype(np.int64)
    return pa.Array.from_buffers(kinds[values.dtype], len(values), [None, pa.py_buffer(values)])


def _formatted(values: FloatArray, spec: str, blank: BoolArray | None) -> Coded:
    """Numbers as `csv_cell` writes them (NaN and `blank` as empty cells), each distinct
    value formatted once: values are told apart by their bits, so -0.0 stays "-0.00"."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    codes = arrow.dictionary_encode(_arrow_integers(values.view(np.int64)))
    distinct = codes.dictionary.to_numpy().view(np.float64).tolist()
    texts = ["" if math.isnan(v) else format(v, spec) for v in distinct]
    indices = codes.indices.to_numpy()
    if blank is not None:
        indices = np.where(blank, np.int32(len(texts)), indices)
        texts.append("")
    return Coded(texts, indices)


def basics_columns(report: Mapping[str, Any], columns: Sequence[str]) -> tuple[str, ...]:
    """The CSV's columns, with the Basics grades when the report has them."""
    if "basics" not in report["school"]:
        return tuple(columns)
    return (*columns, *BASICS_COLUMNS)


# --- cohorts without a national baseline ------------------------------------------------


def p8_unavailable_report(pupils: PupilFile, year: int, rule: BaselineRule) -> dict[str, Any]:
    """A KS4 cohort with no KS2 baseline: why, and Attainment 8; no score or band."""
    attainment8 = pupils.columns["attainment8"]
    built = {
        **cohort_fields(year, rule),
        "pupils": [
            {"pupil_id": pupil_id, "attainment8": number(attainment8[i])}
            for i, pupil_id in enumerate(pupils.pupil_ids)
        ],
        "school": {"attainment8": {"n": len(attainment8), "average": mean_points(attainment8)}},
    }
    return with_basics(built, pupils)


def p8_unavailable_csv(report: Mapping[str, Any]) -> str:
    """One row per pupil: Attainment 8, and why there is no Progress 8."""
    rows = [{"excluded": report["reason"], **p} for p in report["pupils"]]
    columns = basics_columns(report, ("pupil_id", "attainment8", "progress8", "excluded"))
    return csv_text(columns, rows)


def cohort_fields(year: int, rule: BaselineRule) -> dict[str, Any]:
    """The cohort and what the rule table says about it, first in a report."""
    fields: dict[str, Any] = {"cohort": year, "available": rule.available}
    if not rule.available:
        fields["reason"] = rule.sentence
    fields["source"] = rule.source
    return fields


def ks2_unavailable_report(
    pupil_ids: Sequence[str], year: int, rule: BaselineRule
) -> dict[str, Any]:
    """A KS2 cohort with no KS1 baseline: why, and its pupils; no score or band."""
    return {**cohort_fields(year, rule), "pupils": [{"pupil_id": p} for p in pupil_ids]}


def ks2_unavailable_csv(report: Mapping[str, Any]) -> str:
    """One row per pupil with why there is no progress score."""
    rows = [{"pupil_id": p["pupil_id"], "excluded": report["reason"]} for p in report["pupils"]]
    return csv_text(KS2_CSV_COLUMNS, rows)


def p8_internal_csv(report: Mapping[str, Any], name: str) -> str:
    """The pupil rows of a report from a school's own baseline, each carrying the label."""
    rows = []
    for pupil in report["pupils"]:
        row = {column: pupil.get(column) for column in P8_CSV_COLUMNS}
        row["capped"] = " ".join(pupil.get("capped", []))
        row |= {"internal_estimate": INTERNAL_ESTIMATE, "internal_baseline": name}
        rows.append(row)
    columns = (*P8_CSV_COLUMNS, "internal_estimate", "internal_baseline")
    return csv_text(columns, rows, two_places=(*P8_MEASURES, "estimate"))


def internal_estimate_fields(name: str) -> dict[str, Any]:
    """The label a report from a school's own baseline carries, with the baseline's name."""
    return {"internal_estimate": INTERNAL_ESTIMATE, "internal_baseline": name}


# --- KS1 to KS2 -------------------------------------------------------------------------


def ks2_pupil(
    i: int, pupil_id: str, result: Ks2Result, table: GroupTable, rounded: Mapping[str, FloatArray]
) -> dict[str, Any]:
    """One pupil's KS1–KS2 progress per subject (None where a subject is not counted)."""
    entry: dict[str, Any] = {"pupil_id": pupil_id, "ks1_average": number(result.ks1_average[i])}
    pag = int(result.pag_index[i])
    entry["pag"] = int(table.pags[pag]) if pag >= 0 else None
    for subject in KS2_SUBJECTS:
        counted = result.counted[subject][i]
        entry[subject] = float(rounded[subject][i]) if counted else None
    if result.exclusion[i]:
        entry["excluded"] = KS2_EXCLUSIONS[int(result.exclusion[i])]
    return entry


def ks2_report(
    pupils: PupilFile,
    result: Ks2Result,
    table: GroupTable,
    national_sd: Mapping[str, float],
    groupings: Sequence[Grouping],
) -> dict[str, Any]:
    """The whole KS1–KS2 report: pupils, school per subject and groups per subject."""
    rounded = {subject: result.scores[subject].rounded() for subject in KS2_SUBJECTS}
    entries = [
        ks2_pupil(i, pupil_id, result, table, rounded)
        for i, pupil_id in enumerate(pupils.pupil_ids)
    ]
    school: dict[str, Any] = {
        subject: summarise(
            result.scores[subject], result.counted[subject], national_sd[subject]
        ).as_dict()
        for subject in KS2_SUBJECTS
    }
    school["excluded"] = int(np.count_nonzero(result.exclusion))
    groups = {grouping.name: ks2_groups(result, national_sd, grouping) for grouping in groupings}
    return {"pupils": entries, "school": school, "groups": groups}


def ks2_groups(
    result: Ks2Result, national_sd: Mapping[str, float], grouping: Grouping
) -> dict[str, dict[str, Any]]:
    """A grouping's labels, each with a summary per subject."""
    by_label: dict[str, dict[str, Any]] = {}
    for subject in KS2_SUBJECTS:
        entries = group_entries(
            result.scores[subject],
            result.counted[subject],
            national_sd[subject],
            grouping,
            "score",
        )
        for label, entry in entries.items():
            by_label.setdefault(label, {"pupils": entry.pop("pupils")})[subject] = entry
    return by_label


def ks2_csv(report: Mapping[str, Any]) -> str:
    """One row per pupil with each subject's progress score."""
    rows = [{column: pupil.get(column) for column in KS2_CSV_COLUMNS} for pupil in report["pupils"]]
    return csv_text(KS2_CSV_COLUMNS, rows, two_places=KS2_SUBJECTS)


# --- estimates --------------------------------------------------------------------------


def estimates_csv(population: PopulationEstimates) -> str:
    """Estimates in the form of the DfE's `progress8_estimates_YYYY.csv`."""
    table = population.table
    rows = []
    for i, pag in enumerate(table.pags):
        row = {
            "pag": str(pag),
            "ks2_mean_above": trimmed(table.bands.lower[i], 6),
            "ks2_mean_upto": trimmed(table.bands.upper[i], 6),
        }
        row |= {column: trimmed(table.values[column][i], 2) for column in A8_COLUMNS}
        rows.append(row)
    return csv_text(("pag", "ks2_mean_above", "ks2_mean_upto", *A8_COLUMNS), rows)


def sd_csv(population: PopulationEstimates) -> str:
    """National SDs in the form of the DfE's `progress8_sd_YYYY.csv`."""
    rows = [
        {"measure": measure, "national_sd": trimmed(population.national_sd[measure], 6)}
        for measure in P8_MEASURES
    ]
    return csv_text(("measure", "national_sd"), rows)


def caps_csv(population: PopulationEstimates) -> str:
    """The floor on extremely negative scores for each group and measure."""
    rows = []
    for measure in P8_MEASURES:
        limit = population.z_limit[measure]
        for i, pag in enumerate(population.table.pags):
            rows.append(
                {
                    "pag": str(pag),
                    "measure": measure,
                    "pag_sd": trimmed(population.pag_sd[measure][i], 6),
                    "z_limit": trimmed(limit, 10) if limit is not None else "",
                    "floor": trimmed(population.floors[measure][i], 6),
                }
            )
    return csv_text(("pag", "measure", "pag_sd", "z_limit", "floor"), rows)


def estimates_report(population: PopulationEstimates, excluded: int) -> dict[str, Any]:
    """Everything the estimates command computes, as JSON."""
    table = population.table
    groups = []
    for i, pag in enumerate(table.pags):
        group: dict[str, Any] = {
            "pag": int(pag),
            "ks2_mean_above": number(table.bands.lower[i]) if i else None,
            "ks2_mean_upto": number(table.bands.upper[i]),
            "n": int(population.counts[i]),
        }
        group |= {column: number(table.values[column][i]) for column in A8_COLUMNS}
        group["sd"] = {m: number(population.pag_sd[m][i]) for m in P8_MEASURES}
        group["floor"] = {m: number(round(population.floors[m][i], 6)) for m in P8_MEASURES}
        groups.append(group)
    return {
        "n": population.n,
        "excluded": excluded,
        "groups": groups,
        "national_sd": {m: number(population.national_sd[m]) for m in P8_MEASURES},
        "z_limit": population.z_limit,
        "capped": population.capped,
    }


# --- CSV --------------------------------------------------------------------------------


def csv_text(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], two_places: Sequence[str] = ()
) -> str:
    """CSV text; None is an empty cell and `two_places` columns show 2 dp."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c), c in two_places) for c in columns])
    return buffer.getvalue()


def csv_cell(value: Any, two_places: bool) -> str:
    """One CSV cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if two_places else f"{value:g}"
    return str(value)


def json_text(report: Mapping[str, Any]) -> str:
    """JSON indented for reading, with one line per pupil.

    Python's fast C encoder is only used without `indent`, so long lists are written one
    compact item per line: 600,000 pupils then take seconds rather than a minute.
    """
    parts = []
    for key, value in report.items():
        if isinstance(value, list):
            items = ",\n".join(f"    {compact(item)}" for item in value)
            text = f"[\n{items}\n  ]" if value else "[]"
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def compact(value: Any) -> str:
    """One value as JSON on one line."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
