"""An establishment as the DfE's register, "Get Information about Schools" (GIAS), states it.

Pure: no Django import. `interop.gias` reads the register from the user's own download from
https://get-information-schools.service.gov.uk/Downloads ("Establishment fields", CSV): one row
per establishment, columns named as GIAS names them — `URN`, `EstablishmentName`,
`PhaseOfEducation (name)`, `TypeOfEstablishment (name)`, `LA (name)`, `LA (code)`,
`EstablishmentNumber`, `EstablishmentStatus (name)` and many more, which are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

# GIAS phases → nextsteps phases; the others (nursery, 16 plus, not applicable) have none.
PHASES = {
    "primary": "primary",
    "middle deemed primary": "primary",
    "secondary": "secondary",
    "middle deemed secondary": "secondary",
    "all-through": "all-through",
    "all through": "all-through",
}


@dataclass(frozen=True)
class Establishment:
    urn: int
    name: str
    phase: str
    establishment_type: str
    local_authority: str
    la_code: str = ""
    estab: str = ""
    status: str = ""


def phase_of(gias_phase: str) -> str | None:
    """The nextsteps phase for a GIAS phase of education (None: no phase nextsteps serves)."""
    return PHASES.get(gias_phase.strip().lower())
