"""Read the DfE's "Get Information about Schools" (GIAS) establishments file.

Pure: no Django import. The file is the user's own download from
https://get-information-schools.service.gov.uk/Downloads ("Establishment fields", CSV); nothing
of it is shipped. Columns are named as GIAS names them — `URN`, `EstablishmentName`,
`PhaseOfEducation (name)`, `TypeOfEstablishment (name)`, `LA (name)`, and optionally
`LA (code)`, `EstablishmentNumber`, `EstablishmentStatus (name)`; the many others are ignored.
GIAS writes the file in Windows-1252, so that is how it is read when it is not UTF-8. Every
problem is named by file, line and column; a file with any is refused whole.
"""

from __future__ import annotations

import csv
import io

from nextsteps.i18n import translate as _
from nextsteps.people.kernels.problems import ImportProblems, Problem
from nextsteps.schools.kernels.register import Establishment

REQUIRED = (
    "URN",
    "EstablishmentName",
    "PhaseOfEducation (name)",
    "TypeOfEstablishment (name)",
    "LA (name)",
)


def decode(data: bytes, file: str) -> str:
    if b"\x00" in data:
        raise ImportProblems(
            [Problem(file, 0, "", _("this is not a text file (it holds NUL characters)"))]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_establishments(data: bytes, file: str) -> list[Establishment]:
    """Every establishment in the file; ImportProblems naming each bad line and column."""
    reader = csv.DictReader(io.StringIO(decode(data, file), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportProblems(
            [
                Problem(
                    file,
                    1,
                    name,
                    _("the column %(name)s is missing: is this the GIAS establishments file?")
                    % {"name": name},
                )
                for name in missing
            ]
        )
    reader.fieldnames = header
    problems: list[Problem] = []
    found: list[Establishment] = []
    seen: dict[int, int] = {}
    for row in reader:
        line = reader.line_num
        urn_text = (row.get("URN") or "").strip()
        name = (row.get("EstablishmentName") or "").strip()
        if not urn_text.isdigit() or not 100000 <= int(urn_text) <= 999999:
            problems.append(
                Problem(
                    file,
                    line,
                    "URN",
                    _("%(value)r is not a URN (six digits)") % {"value": urn_text},
                )
            )
            continue
        urn = int(urn_text)
        if urn in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    "URN",
                    _("URN %(urn)s is also on line %(line)s") % {"urn": urn, "line": seen[urn]},
                )
            )
            continue
        seen[urn] = line
        if not name:
            problems.append(Problem(file, line, "EstablishmentName", _("the name is empty")))
            continue
        found.append(
            Establishment(
                urn=urn,
                name=name[:200],
                phase=(row.get("PhaseOfEducation (name)") or "").strip()[:60],
                establishment_type=(row.get("TypeOfEstablishment (name)") or "").strip()[:100],
                local_authority=(row.get("LA (name)") or "").strip()[:100],
                la_code=(row.get("LA (code)") or "").strip()[:3],
                estab=(row.get("EstablishmentNumber") or "").strip()[:4],
                status=(row.get("EstablishmentStatus (name)") or "").strip()[:60],
            )
        )
    if problems:
        raise ImportProblems(problems)
    return found
