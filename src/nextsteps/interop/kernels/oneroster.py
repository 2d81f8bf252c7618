"""OneRoster CSV 1.1 and 1.2: reading a file set (folder, zip or uploaded files) and writing one.

Pure: no Django import. Reading checks the format rules — UTF-8 with or without a byte-order
mark, the manifest, each file's header (every column, in the specified order, optionally
followed by `metadata.*` extension columns), bulk versus delta (`status` and
`dateLastModified` empty in bulk, required in delta), value formats (dates, timestamps,
booleans, enumerations) and duplicate `sourcedId`s — and turns rows into typed records.
Every problem is collected with its file, line and column; nothing is raised until the end.

nextsteps conventions, beyond the specification (documented in docs/interop.md):
* a school org's `identifier` is its URN;
* a student's `identifier` is their UPN (unique pupil number, with its check letter);
  a teacher's or aide's `identifier` is their staff code;
* `grades` are English year groups: `PK` Nursery, `KG` Reception, `01`–`14` Years 1–14
  (imports also accept `N`, `R`, `Y4`, `Year 4` and `4`);
* characteristics that OneRoster has no column for travel in extension columns on
  demographics.csv: `metadata.uk.senStatus` (N, K or E), `metadata.uk.fsm`,
  `metadata.uk.pupilPremium`, `metadata.uk.eal` (true or false), and on users.csv
  `metadata.uk.admissionDate` and `metadata.uk.title`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from nextsteps import filereading
from nextsteps.i18n import translate as gettext
from nextsteps.i18n import translate_plural as ngettext
from nextsteps.interop.kernels.oneroster_columns import COLUMNS
from nextsteps.people.kernels.problems import ProblemList

# The namespace of the stable sourcedIds an export derives for rows nextsteps made.
EXPORT_NAMESPACE = uuid.UUID("5b1e4a8e-3f51-4bd4-9a53-6c1f0a9b7e21")

VERSIONS = ("1.1", "1.2")
MODES = ("bulk", "delta", "absent")
MAX_ZIP_BYTES = 4 * 1024**3  # uncompressed; refuses zip bombs before reading
MAX_FIELD = 1024 * 1024

# Files nextsteps reads; the others are checked for their header and otherwise left alone.
IMPORTED = (
    "orgs.csv",
    "academicSessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "roles.csv",
    "demographics.csv",
    "enrollments.csv",
)

SESSION_TYPES = frozenset({"gradingPeriod", "semester", "schoolYear", "term"})
ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
CLASS_TYPES = frozenset({"homeroom", "scheduled"})
SEXES = frozenset({"male", "female", "unspecified", "other"})
USER_ROLES = frozenset(
    {
        "administrator",
        "aide",
        "counselor",
        "districtAdministrator",
        "guardian",
        "parent",
        "principal",
        "proctor",
        "relative",
        "siteAdministrator",
        "student",
        "systemAdministrator",
        "teacher",
    }
)
ENROLMENT_ROLES = frozenset({"administrator", "proctor", "student", "teacher", "aide"})
SEN_CODES = frozenset({"N", "K", "E"})

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_YEAR = re.compile(r"^\d{4}$")


def columns(version: str, file: str) -> list[str]:
    return [name for name, _, _ in COLUMNS[version][file]]


# ---------------------------------------------------------------------------- grades


def grade_to_year(value: str) -> int | None:
    """An English year group from a OneRoster grade, or None if it is not one we know."""
    text = value.strip().upper().replace("YEAR", "").replace(" ", "")
    if text in {"PK", "N", "NURSERY", "N1", "N2"}:
        return -1
    if text in {"KG", "R", "RECEPTION", "RE"}:
        return 0
    text = text.removeprefix("Y")
    if text.isdigit() and 1 <= int(text) <= 14:
        return int(text)
    return None


def year_to_grade(year_group: int | None) -> str:
    if year_group is None:
        return ""
    if year_group < 0:
        return "PK"
    if year_group == 0:
        return "KG"
    return f"{year_group:02d}"


# ---------------------------------------------------------------------------- reading


class OneRosterSet:
    """The files of a OneRoster set, by name, from a folder, a zip or uploaded bytes."""

    def __init__(self, openers: Mapping[str, Callable[[], IO[bytes]]], label: str) -> None:
        self.openers = dict(openers)
        self.label = label

    def has(self, name: str) -> bool:
        return name in self.openers

    def open(self, name: str) -> IO[bytes]:
        return self.openers[name]()

    @classmethod
    def from_path(cls, path: Path) -> OneRosterSet:
        """A folder of CSV files or a .zip holding them (at its root or in one folder)."""
        if path.is_dir():
            openers = {
                child.name: _file_opener(child)
                for child in sorted(path.iterdir())
                if child.is_file() and child.suffix.lower() == ".csv"
            }
            return cls(openers, path.name)
        if zipfile.is_zipfile(path):
            return cls.from_zip(path.read_bytes(), path.name)
        raise OSError(gettext("%(name)s is neither a folder nor a zip file") % {"name": path.name})

    @classmethod
    def from_zip(cls, data: bytes, label: str) -> OneRosterSet:
        """The CSV files of a zip; `filereading.Unreadable` if it is not one or is a bomb."""
        archive = filereading.open_zip(data, label, max_unpacked=MAX_ZIP_BYTES)
        members = [info for info in archive.infolist() if not info.is_dir()]
        openers: dict[str, Callable[[], IO[bytes]]] = {}
        for info in members:
            name = info.filename.rsplit("/", 1)[-1]
            if name.lower().endswith(".csv") and not name.startswith("."):
                openers.setdefault(name, _zip_opener(archive, info))
        if not openers:
            raise filereading.Unreadable(
                label, 0, "", gettext("the zip holds no CSV files, so it is not a OneRoster set")
            )
        return cls(openers, label)

    @classmethod
    def from_files(cls, files: Mapping[str, bytes], label: str = "upload") -> OneRosterSet:
        return cls({name: _bytes_opener(data) for name, data in files.items()}, label)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: filereading.open_member(archive, info)


def _bytes_opener(data: bytes) -> Callable[[], IO[bytes]]:
    return lambda: io.BytesIO(data)


@dataclass
class Manifest:
    version: str
    modes: dict[str, str]
    system_name: str = ""


def read_manifest(source: OneRosterSet, problems: ProblemList) -> Manifest:
    """The manifest (propertyName,value rows); without one, the version is inferred."""
    if not source.has("manifest.csv"):
        version = "1.2" if source.has("roles.csv") else "1.1"
        inferred = {name: "bulk" if source.has(name) else "absent" for name in COLUMNS[version]}
        inferred.pop("manifest.csv", None)
        return Manifest(version, inferred)
    properties: dict[str, tuple[int, str]] = {}
    for line, row in _csv_rows(source, "manifest.csv", problems):
        if line == 1:
            if [cell.strip() for cell in row] != ["propertyName", "value"]:
                problems.add(
                    "manifest.csv", 1, "", gettext("the header must be propertyName,value")
                )
                return Manifest("1.1", {})
            continue
        fitted = fit_row(row, 2, "manifest.csv", line, problems)
        if fitted is None:
            continue
        row = fitted
        properties[row[0].strip()] = (line, row[1].strip())
    line, version = properties.get("oneroster.version", (0, ""))
    if version not in VERSIONS:
        problems.add(
            "manifest.csv",
            line,
            "value",
            gettext("oneroster.version must be 1.1 or 1.2, not %(version)s")
            % {"version": repr(version)},
        )
        version = "1.2" if source.has("roles.csv") else "1.1"
    modes: dict[str, str] = {}
    for name, _, _ in COLUMNS[version]["manifest.csv"]:
        if not name.startswith("file."):
            continue
        file = name.removeprefix("file.") + ".csv"
        line, mode = properties.get(name, (0, "absent"))
        if mode not in MODES:
            problems.add(
                "manifest.csv",
                line,
                "value",
                gettext("%(name)s must be absent, bulk or delta, not %(mode)s")
                % {"name": name, "mode": repr(mode)},
            )
            mode = "absent"
        if mode != "absent" and not source.has(file):
            problems.add(
                file,
                0,
                "",
                gettext("the manifest lists %(file)s (%(mode)s) but it is missing")
                % {"file": file, "mode": mode},
            )
        modes[file] = mode
    return Manifest(version, modes, properties.get("source.systemName", (0, ""))[1])


def _csv_rows(
    source: OneRosterSet, file: str, problems: ProblemList
) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file with their line numbers; decoding and quoting faults are problems."""
    # The limit is process-wide: raise it for this file only, so other readers keep theirs.
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        with source.open(file) as raw:
            reader = csv.reader(filereading.lines(raw, file), strict=True)
            line = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    problems.add(
                        file,
                        reader.line_num,
                        "",
                        gettext("malformed CSV: %(error)s") % {"error": error},
                    )
                    return
                line += 1
                if not row:
                    continue
                yield reader.line_num if reader.line_num else line, row
    except filereading.Unreadable as error:  # not UTF-8, a NUL, a damaged zip member
        problems.add(file, error.line, error.column, error.message)
    finally:
        csv.field_size_limit(previous)


def check_header(
    header: list[str], version: str, file: str, problems: ProblemList
) -> list[str] | None:
    """The header as read, if it conforms; otherwise None, with each fault a problem."""
    expected = columns(version, file)
    header = [name.strip() for name in header]
    standard = [name for name in header if not name.startswith("metadata.")]
    ok = True
    for name in expected:
        if name not in standard:
            problems.add(file, 1, name, gettext("the column %(name)s is missing") % {"name": name})
            ok = False
    for name in standard:
        if name not in expected:
            problems.add(
                file,
                1,
                name,
                gettext("%(name)s is not a OneRoster %(version)s column of %(file)s")
                % {"name": name, "version": version, "file": file},
            )
            ok = False
    if len(set(header)) != len(header):
        problems.add(file, 1, "", gettext("a column name appears twice"))
        ok = False
    if ok and header[: len(expected)] != expected:
        problems.add(
            file,
            1,
            "",
            gettext(
                "the columns must be in the specified order (extension columns last): %(order)s"
            )
            % {"order": ",".join(expected)},
        )
        ok = False
    return header if ok else None


def check_headers(source: OneRosterSet, manifest: Manifest, problems: ProblemList) -> set[str]:
    """Check every listed file's header first; the files that cannot be read.

    The importer still reads the other files, but does not report references into these
    (each would repeat the header problem once per row)."""
    broken = set()
    for file, mode in manifest.modes.items():
        if mode == "absent" or not source.has(file) or file not in COLUMNS[manifest.version]:
            continue
        before = problems.count
        for _, cells in _csv_rows(source, file, problems):
            check_header(cells, manifest.version, file, problems)
            break
        if problems.count > before:
            broken.add(file)
    return broken


def fingerprint(values: Iterable[str]) -> str:
    """A short digest of a row's values, so an unchanged row can be skipped on re-import."""
    digest = hashlib.blake2b(digest_size=10)
    for value in values:
        digest.update(value.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


@dataclass(slots=True)
class Row:
    """A data row of one file: its line, values by column, and the mode it arrived in."""

    file: str
    line: int
    values: dict[str, str]
    fingerprint: str

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def sourced_id(self) -> str:
        return self.values.get("sourcedId", "")

    @property
    def deleted(self) -> bool:
        return self.values.get("status", "") == "tobedeleted"


class Values:
    """Typed views of a row's values that note each bad value as a problem."""

    def __init__(self, problems: ProblemList) -> None:
        self.problems = problems

    def _bad(self, row: Row, column: str, message: str) -> None:
        self.problems.add(row.file, row.line, column, message)

    def required(self, row: Row, column: str) -> str:
        value = row[column]
        if not value:
            self._bad(row, column, gettext("%(column)s is required") % {"column": column})
        return value

    def date(self, row: Row, column: str, *, required: bool = False) -> dt.date | None:
        value = row[column]
        if not value:
            if required:
                self._bad(
                    row, column, gettext("%(column)s is required (YYYY-MM-DD)") % {"column": column}
                )
            return None
        if _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self._bad(
            row,
            column,
            gettext("%(value)s is not a date in the form YYYY-MM-DD") % {"value": repr(value)},
        )
        return None

    def boolean(self, row: Row, column: str, *, default: bool | None = None) -> bool | None:
        value = row[column].lower()
        if not value:
            return default
        if value in {"true", "false"}:
            return value == "true"
        self._bad(
            row, column, gettext("%(value)s must be true or false") % {"value": repr(row[column])}
        )
        return default

    def choice(self, row: Row, column: str, allowed: frozenset[str], *, required: bool) -> str:
        value = row[column]
        if not value:
            if required:
                self._bad(row, column, gettext("%(column)s is required") % {"column": column})
            return ""
        if value not in allowed:
            self._bad(
                row,
                column,
                gettext("%(value)s is not one of %(allowed)s")
                % {"value": repr(value), "allowed": ", ".join(sorted(allowed))},
            )
            return ""
        return value

    def year(self, row: Row, column: str) -> int | None:
        value = row[column]
        if _YEAR.match(value):
            return int(value)
        self._bad(
            row, column, gettext("%(value)s is not a four-digit year") % {"value": repr(value)}
        )
        return None

    def number(self, row: Row, column: str) -> float | None:
        value = row[column]
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            self._bad(row, column, gettext("%(value)s is not a number") % {"value": repr(value)})
            return None


def fit_row(
    cells: list[str], width: int, file: str, line: int, problems: ProblemList
) -> list[str] | None:
    """The row's values, one per column; None (with the problem) when they do not fit.

    Files written by some systems end rows with a separator, giving one or more extra, empty
    values: those are read with a warning naming the file and line. An extra value that is not
    empty, or a missing value, is an error.
    """
    if len(cells) == width:
        return cells
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        extra = len(cells) - width
        problems.warn(
            file,
            line,
            "",
            ngettext(
                "%(extra)s empty value after the last column was ignored",
                "%(extra)s empty values after the last column were ignored",
                extra,
            )
            % {"extra": extra},
        )
        return cells[:width]
    if len(cells) > width:
        filled = [cell for cell in cells[width:] if cell.strip()]
        problems.add(
            file,
            line,
            "",
            gettext(
                "expected %(expected)s values, found %(found)s; the values after the last "
                "column are not empty (%(extra)s)"
            )
            % {"expected": width, "found": len(cells), "extra": ", ".join(map(repr, filled[:3]))},
        )
        return None
    problems.add(
        file,
        line,
        "",
        gettext("expected %(expected)s values, found %(found)s")
        % {"expected": width, "found": len(cells)},
    )
    return None


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def read_file(
    source: OneRosterSet, manifest: Manifest, file: str, problems: ProblemList
) -> Iterator[Row]:
    """Check a file's header, mode columns and sourcedIds; yield its rows."""
    mode = manifest.modes.get(file, "absent")
    if mode == "absent" or not source.has(file):
        return
    header: list[str] | None = None
    seen: set[str] = set()
    for line, cells in _csv_rows(source, file, problems):
        if header is None:
            header = check_header(cells, manifest.version, file, problems)
            if header is None:
                return
            continue
        fitted = fit_row(cells, len(header), file, line, problems)
        if fitted is None:
            continue
        values = dict(zip(header, (cell.strip() for cell in fitted), strict=True))
        row = Row(
            file,
            line,
            values,
            fingerprint(v for k, v in values.items() if k not in ("status", "dateLastModified")),
        )
        _check_mode(row, mode, problems)
        sourced_id = row.sourced_id
        if not sourced_id:
            problems.add(file, line, "sourcedId", gettext("sourcedId is required"))
            continue
        if sourced_id in seen:
            problems.add(
                file,
                line,
                "sourcedId",
                gettext("the sourcedId %(sourced_id)s appears twice")
                % {"sourced_id": repr(sourced_id)},
            )
            continue
        seen.add(sourced_id)
        yield row
    if header is None:
        problems.add(file, 0, "", gettext("the file is empty: it needs at least a header row"))


def _check_mode(row: Row, mode: str, problems: ProblemList) -> None:
    status, modified = row["status"], row["dateLastModified"]
    if mode == "delta":
        if status not in {"active", "tobedeleted"}:
            problems.add(
                row.file,
                row.line,
                "status",
                gettext("in delta mode status must be active or tobedeleted"),
            )
        if not modified:
            problems.add(
                row.file,
                row.line,
                "dateLastModified",
                gettext("in delta mode dateLastModified is required"),
            )
    elif status == "tobedeleted":
        problems.add(
            row.file,
            row.line,
            "status",
            gettext("tobedeleted is only allowed in delta mode (bulk files list what exists)"),
        )
    elif status not in {"", "active"}:
        problems.add(
            row.file,
            row.line,
            "status",
            gettext("%(status)s is not a status") % {"status": repr(status)},
        )
    if modified and not _DATETIME.match(modified):
        problems.add(
            row.file,
            row.line,
            "dateLastModified",
            gettext("%(modified)s is not an ISO 8601 date and time (2026-09-01T08:00:00Z)")
            % {"modified": repr(modified)},
        )


# ---------------------------------------------------------------------------- writing


@dataclass
class OutFile:
    """A file to write: its rows as dicts by column (missing columns are left empty)."""

    name: str
    rows: list[dict[str, str]] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)


def write_csv(version: str, out: OutFile) -> bytes:
    """One file in the specified column order, UTF-8 without a byte-order mark, CRLF lines."""
    header = columns(version, out.name) + out.extra_columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in out.rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8")


def write_manifest(version: str, modes: Mapping[str, str], system_name: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["propertyName", "value"])
    writer.writerow(["manifest.version", "1.0"])
    writer.writerow(["oneroster.version", version])
    for name, _, _ in COLUMNS[version]["manifest.csv"]:
        if name.startswith("file."):
            file = name.removeprefix("file.") + ".csv"
            writer.writerow([name, modes.get(file, "absent")])
    writer.writerow(["source.systemName", system_name])
    writer.writerow(["source.systemCode", ""])
    return buffer.getvalue().encode("utf-8")


def timestamp(moment: dt.datetime) -> str:
    """dateLastModified as OneRoster writes it: UTC, milliseconds, Z."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
