"""Attainment 8 from one pupil's qualifications, by the slot rules of a KS4 model.

The slot rules are data (`data/ks4_models.yaml`, read by `ks4_models.py`); this module keeps
the names a results file uses for where a qualification counts (`Kind`) and the four
elements of the model in force. The qualifications are taken after discounting (a subject
counts once): a double-award science is two entries. Slots are filled highest grade first;
an unfilled slot scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from nextsteps.progress.kernels.ks4_models import Entry, Ks4Model, current_model, fill


class Kind(StrEnum):
    """Where a qualification may count in the model in force (a category of the models file)."""

    ENGLISH_LANGUAGE = "english_language"
    ENGLISH_LITERATURE = "english_literature"
    MATHS = "maths"
    EBACC = "ebacc"  # sciences, computer science, geography, history, languages
    OPEN = "open"  # any other approved qualification


@dataclass(frozen=True)
class Qualification:
    """One qualification's kind (or category) and its grade points (9–1 grades are points)."""

    kind: str
    points: float
    name: str = ""


@dataclass(frozen=True)
class Attainment8:
    """A pupil's Attainment 8 and its four element totals in the model in force."""

    attainment8: float
    english: float
    maths: float
    ebacc: float
    open: float


def attainment8(
    qualifications: Iterable[Qualification], model: Ks4Model | None = None
) -> Attainment8:
    """Attainment 8 by the model in force: English and maths doubled, EBacc and open slots."""
    model = model or current_model()
    entries = [Entry(str(q.kind), q.points, q.name) for q in qualifications]
    filling = fill(entries, model)
    elements = filling.elements
    return Attainment8(
        attainment8=filling.attainment8,
        english=elements["english"],
        maths=elements["maths"],
        ebacc=elements["ebacc"],
        open=elements["open"],
    )
