"""Spreadsheets from a management system: read CSV or XLSX, map columns, normalise values.

Pure: no Django import. `suggest_mapping` recognises the headers management systems export
(UPN, Legal Surname, Preferred Forename, Date of Birth, Year Group, Reg Group, SEN Status,
Pupil Premium, FSM, EAL…); values are normalised (Y/N/Yes/No/True/False; SEN codes or words;
UK dates; "Year 4", "R", "N1"), each bad value a problem with its line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nextsteps import filereading
from nextsteps.i18n import translate as _
from nextsteps.interop.kernels.oneroster import grade_to_year
from nextsteps.people.kernels.problems import ProblemList

MAX_ROWS = 100_000


@dataclass
class Table:
    filename: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line, cells)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool
    aliases: tuple[str, ...]
    kind: str = "text"  # text, date, bool, year, sen, gender, mark
    maximum: int | None = None  # marks: the most the column may hold


FIELDS: dict[str, tuple[Field, ...]] = {
    "pupils": (
        Field("upn", "UPN", True, ("upn", "unique pupil number", "pupil upn")),
        Field(
            "legal_surname",
            "Legal surname",
            True,
            ("legal surname", "surname", "last name", "family name"),
        ),
        Field(
            "legal_forename",
            "Legal forename",
            True,
            ("legal forename", "forename", "first name", "given name"),
        ),
        Field(
            "preferred_forename",
            "Preferred forename",
            False,
            ("preferred forename", "known as", "preferred first name"),
        ),
        Field("preferred_surname", "Preferred surname", False, ("preferred surname",)),
        Field(
            "date_of_birth", "Date of birth", True, ("date of birth", "dob", "birth date"), "date"
        ),
        Field("gender", "Gender", False, ("gender", "sex"), "gender"),
        Field(
            "year_group",
            "Year group",
            True,
            ("year group", "year", "ncyear", "nc year", "curriculum year"),
            "year",
        ),
        Field(
            "reg_group",
            "Registration group",
            False,
            ("reg group", "registration group", "form", "tutor group", "reg"),
        ),
        Field(
            "sen_status", "SEN status", False, ("sen status", "sen", "sen provision", "send"), "sen"
        ),
        Field(
            "disadvantaged",
            "Pupil premium",
            False,
            ("pupil premium", "pp", "disadvantaged", "pupil premium indicator"),
            "bool",
        ),
        Field(
            "fsm",
            "Free school meals",
            False,
            ("fsm", "free school meals", "fsm eligible", "fsm6", "ever fsm"),
            "bool",
        ),
        Field(
            "eal",
            "EAL",
            False,
            (
                "eal",
                "english additional language",
                "english as an additional language",
                "first language not english",
            ),
            "bool",
        ),
        Field(
            "admission_date",
            "Admission date",
            False,
            ("admission date", "date of admission", "entry date", "doa"),
            "date",
        ),
    ),
    "classes": (
        Field(
            "name",
            "Class",
            True,
            ("class", "class name", "group", "teaching group", "name", "reg group"),
        ),
        Field("year_group", "Year group", False, ("year group", "year", "nc year"), "year"),
        Field("subject", "Subject", False, ("subject", "subject name", "course")),
        Field("kind", "Kind", False, ("kind", "type", "group type")),
        Field(
            "teacher",
            "Teacher (staff code or email)",
            False,
            ("teacher", "staff code", "teacher code", "main teacher"),
        ),
    ),
    "enrolments": (
        Field("upn", "UPN", True, ("upn", "unique pupil number")),
        Field(
            "class_name",
            "Class",
            True,
            ("class", "class name", "group", "teaching group", "reg group"),
        ),
        Field("starts_on", "From", False, ("start date", "from", "starts", "date from"), "date"),
        Field("ends_on", "Until", False, ("end date", "until", "ends", "date to"), "date"),
    ),
}

TRUE = frozenset({"y", "yes", "true", "t", "1", "x"})
FALSE = frozenset({"n", "no", "false", "f", "0", ""})
SEN = {
    "n": "N",
    "no": "N",
    "none": "N",
    "": "N",
    "k": "K",
    "sen support": "K",
    "support": "K",
    "e": "E",
    "ehcp": "E",
    "ehc plan": "E",
    "education, health and care plan": "E",
    "s": "E",  # statement, before EHC plans
    "statement": "E",
}
GENDERS = {"f": "F", "female": "F", "girl": "F", "m": "M", "male": "M", "boy": "M"}
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def normalise_header(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_table(data: bytes, filename: str) -> Table:
    """Rows of a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX.

    Raises ValueError naming the file (and the line, where there is one); a file that is not
    text or a workbook is `filereading.Unreadable`, a kind of ValueError.
    """
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data, filename)
    try:
        raw = list(csv.reader(filereading.lines(data, filename), strict=True))
    except csv.Error as error:
        raise ValueError(
            _("%(filename)s: malformed CSV (%(error)s)") % {"filename": filename, "error": error}
        ) from error
    return _table(filename, raw)


def _read_xlsx(data: bytes, filename: str) -> Table:
    raw = []
    for cells in filereading.workbook_rows(data, filename, _cell_text):
        raw.append(cells)
        if len(raw) > MAX_ROWS + 1:
            break
    return _table(filename, raw)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(filename: str, raw: list[list[str]]) -> Table:
    if not raw or not any(cell.strip() for cell in raw[0]):
        raise ValueError(_("%(filename)s has no header row") % {"filename": filename})
    if len(raw) > MAX_ROWS + 1:
        raise ValueError(
            _("%(filename)s has more than %(max_rows)s rows; split it")
            % {"filename": filename, "max_rows": MAX_ROWS}
        )
    headers = [cell.strip() for cell in raw[0]]
    rows = [
        (line, [cell.strip() for cell in cells])
        for line, cells in enumerate(raw[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(filename, headers, rows)


def suggest_mapping(
    kind: str, headers: list[str], fields: tuple[Field, ...] | None = None
) -> dict[str, str]:
    """Field name → header, for the headers that match a field's known names.

    `fields` replaces the kind's fixed fields when they depend on the data (a test's questions).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    normalised = {normalise_header(h): h for h in headers}
    for field in fields or FIELDS[kind]:
        for alias in (field.name.replace("_", " "), *field.aliases):
            header = normalised.get(alias)
            if header is not None and header not in taken:
                mapping[field.name] = header
                taken.add(header)
                break
    return mapping


def normalise(field: Field, value: str) -> object:
    """The value as nextsteps stores it; ValueError with a reason if it cannot be read."""
    text = value.strip()
    if field.kind == "bool":
        low = text.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise ValueError(_("%(text)s is not Y/N, Yes/No or True/False") % {"text": repr(text)})
    if field.kind == "sen":
        code = SEN.get(text.lower())
        if code is None:
            raise ValueError(
                _("%(text)s is not an SEN status (N, K, E or words such as SEN support)")
                % {"text": repr(text)}
            )
        return code
    if field.kind == "gender":
        return GENDERS.get(text.lower(), "X")
    if field.kind == "year":
        year = grade_to_year(text)
        if year is None:
            raise ValueError(_("%(text)s is not a year group") % {"text": repr(text)})
        return year
    if field.kind == "date":
        return parse_date(text)
    if field.kind == "mark":
        return parse_mark(text, field.maximum or 0)
    return text


def parse_mark(text: str, maximum: int) -> int:
    """A whole number of marks from 0 up to the maximum."""
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(_("%(text)s is not a number of marks") % {"text": repr(text)}) from error
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ValueError(_("%(text)s is not a whole number of marks") % {"text": text})
    if amount < 0:
        raise ValueError(_("%(text)s is negative; marks start at 0") % {"text": text})
    if amount > maximum:
        raise ValueError(
            _("%(text)s is more than the %(maximum)s marks available")
            % {"text": text, "maximum": maximum}
        )
    return int(amount)


def parse_date(text: str) -> dt.date:
    """ISO (2016-03-04) or UK (04/03/2016) dates."""
    match = _UK_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError as error:
        raise ValueError(
            _("%(text)s is not a date (DD/MM/YYYY or YYYY-MM-DD)") % {"text": repr(text)}
        ) from error


def mapped_rows(
    table: Table,
    kind: str,
    mapping: dict[str, str],
    problems: ProblemList,
    fields: tuple[Field, ...] | None = None,
) -> list[tuple[int, dict[str, object]]]:
    """Each row as field → normalised value, noting every problem by line and column."""
    fields = fields or FIELDS[kind]
    index = {h: i for i, h in enumerate(table.headers)}
    for field in fields:
        if field.required and mapping.get(field.name) not in index:
            problems.add(
                table.filename,
                1,
                field.label,
                _("no column is chosen for %(field)s") % {"field": field.label},
            )
    if problems:
        return []
    out = []
    for line, cells in table.rows:
        record: dict[str, object] = {}
        for field in fields:
            header = mapping.get(field.name)
            if header not in index:
                continue
            position = index[header]
            value = cells[position] if position < len(cells) else ""
            if not value and field.kind not in {"bool", "sen"}:
                if field.required:
                    problems.add(
                        table.filename,
                        line,
                        header,
                        _("%(field)s is required") % {"field": field.label},
                    )
                continue
            try:
                record[field.name] = normalise(field, value)
            except ValueError as error:
                problems.add(table.filename, line, header, str(error))
        out.append((line, record))
    return out
