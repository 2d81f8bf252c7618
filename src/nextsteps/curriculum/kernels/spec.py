"""A curriculum framework as plain data, independent of the database.

The YAML and CSV formats, the Oak importer and the demo all produce a `FrameworkSpec`;
`curriculum.services.framework_import` turns one into rows. No Django import here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

DIMENSIONS = ("knowledge", "understanding", "application")
CALCULATION_METHODS = (
    "latest",
    "highest",
    "mean",
    "weighted_average",
    "decaying_average",
    "n_mastery",
)
# Years run from Reception (0) to Year 13; key stages follow from them.
KEY_STAGES = ("EYFS", "KS1", "KS2", "KS3", "KS4", "KS5")


@dataclass(frozen=True)
class LevelSpec:
    label: str
    value: Decimal
    colour: str = "#6c757d"  # a CSS hex colour
    description: str = ""
    symbol: str = ""  # a short sign shown beside the label, e.g. an emoji on the self scale


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    levels: tuple[LevelSpec, ...]
    mastery_threshold: Decimal  # the value at and above which a standing is secure


@dataclass(frozen=True)
class ExemplarSpec:
    title: str
    text: str
    level: str = ""  # a level label on the framework's scale, or "" when not graded


@dataclass(frozen=True)
class ObjectiveSpec:
    code: str
    wording: str
    year_group: int | None = None
    key_stage: str = ""
    core: bool = False
    dimension: str = "knowledge"
    success_criteria: tuple[str, ...] = ()
    exemplars: tuple[ExemplarSpec, ...] = ()
    pupil_wording: str = ""  # the intention in words a child can read; "" = use wording


@dataclass(frozen=True)
class StrandSpec:
    code: str
    name: str
    objectives: tuple[ObjectiveSpec, ...] = ()


@dataclass(frozen=True)
class FrameworkSpec:
    name: str
    subject: str
    version: str = "1"
    phase: str = ""  # primary, secondary or "" for any
    description: str = ""
    calculation_method: str = "decaying_average"
    calculation_parameter: int | None = 65
    scale: ScaleSpec | None = None
    self_scale: ScaleSpec | None = None
    attribution: str = ""
    licence: str = ""
    strands: tuple[StrandSpec, ...] = field(default_factory=tuple)

    def objectives(self) -> list[ObjectiveSpec]:
        return [objective for strand in self.strands for objective in strand.objectives]


def key_stage_for_year(year_group: int | None) -> str:
    """The key stage a year group belongs to in England (Reception is 0)."""
    if year_group is None:
        return ""
    if year_group <= 0:
        return "EYFS"
    if year_group <= 2:
        return "KS1"
    if year_group <= 6:
        return "KS2"
    if year_group <= 9:
        return "KS3"
    if year_group <= 11:
        return "KS4"
    return "KS5"
