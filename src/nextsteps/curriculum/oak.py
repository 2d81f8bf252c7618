"""Import a National Curriculum framework from Oak National Academy's curriculum ontology.

Oak publishes the National Curriculum for England as RDF (Turtle) under the Open Government
Licence v3.0. The data is read at import time from a local copy and never ships with nextsteps.

The model, as it stands in the data: a subject has one scheme per key stage; a scheme has
progressions, each covering one year group (or a two-year band, or none at KS3/KS4) and one
sub-strand of the knowledge taxonomy; a progression includes content descriptors, the
statements a pupil should learn. We make each sub-strand a strand and each content descriptor
in a year an objective. No Django import here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS
from rdflib.term import Node

from nextsteps.curriculum.formats import default_scale
from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec

CURRIC = Namespace("https://w3id.org/uk/oak/curriculum/ontology/")
ATTRIBUTION = (
    "Contains Oak National Academy curriculum data (National Curriculum for England). "
    # The statement DATA-LICENSE.md requires, word for word, then where to read the licence.
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
LICENCE = "OGL-3.0"
# Words left out of strand codes, so "Properties of shape" becomes PS.
MINOR_WORDS = frozenset({"and", "of", "the", "in", "including", "to", "for", "with", "a", "an"})
FRACTION = re.compile(r"\[Fraction:\s*([^\]]+?)\s*\]")
NO_DESCRIPTION = "No key stage description."


@dataclass(frozen=True)
class _Entry:
    """One content descriptor as taught in one year band and sub-strand."""

    years: tuple[int, ...]
    substrand: URIRef
    descriptor: URIRef


def oak_framework(path: Path, *, subject: str, key_stage: int) -> FrameworkSpec:
    """A framework for one subject and key stage from a copy of Oak's curriculum data."""
    data = _data_folder(path)
    graph, subject_node = _subject_graph(data, subject)
    scheme = _scheme(graph, subject_node, key_stage)
    entries = _entries(graph, scheme)
    return FrameworkSpec(
        name=f"{_label(graph, scheme)} (Oak National Academy)",
        subject=_label(graph, subject_node),
        version=_version(graph),
        phase=_phase(graph, scheme),
        description=_description(graph, scheme),
        scale=default_scale(),
        attribution=ATTRIBUTION,
        licence=LICENCE,
        strands=_strands(graph, entries, key_stage),
    )


def _data_folder(path: Path) -> Path:
    """The folder holding `temporal-structure.ttl`, given it or the folder above it."""
    for candidate in (path / "data", path):
        if (candidate / "temporal-structure.ttl").is_file():
            return candidate
    raise FileNotFoundError(f"no Oak curriculum data (data/temporal-structure.ttl) in {path}")


def _subject_graph(data: Path, subject: str) -> tuple[Graph, URIRef]:
    """The graph for the subject's folder, parsed only once the subject is found there."""
    wanted = _slug(subject)
    available: set[str] = set()
    for folder in sorted(p for p in (data / "subjects").iterdir() if p.is_dir()):
        structure = Graph()
        for file in sorted(folder.glob("*-programme-structure.ttl")):
            structure.parse(file, format="turtle")
        for node in structure.subjects(RDF.type, CURRIC.Subject):
            name = _local_name(node).removeprefix("subject-")
            available.add(name)
            if wanted in (name, _slug(_label(structure, node))):
                return _full_graph(data, folder, structure), URIRef(str(node))
    listing = ", ".join(sorted(available))
    raise ValueError(f"Oak has no subject {subject!r}; available: {listing}")


def _full_graph(data: Path, folder: Path, structure: Graph) -> Graph:
    """Add the year groups and the subject's knowledge taxonomy to its programme structure."""
    structure.parse(data / "temporal-structure.ttl", format="turtle")
    for file in sorted(folder.glob("*-knowledge-taxonomy.ttl")):
        structure.parse(file, format="turtle")
    return structure


def _scheme(graph: Graph, subject: URIRef, key_stage: int) -> URIRef:
    """The subject's scheme for the key stage; only schemes with content count."""
    schemes: dict[int, URIRef] = {}
    for scheme in graph.subjects(CURRIC.isSchemeOf, subject):
        stage = graph.value(scheme, CURRIC.coversKeyStage)
        has_content = (None, CURRIC.isProgressionOf, scheme) in graph
        if stage is not None and has_content:
            schemes[_numbers(stage)[0]] = URIRef(str(scheme))
    if key_stage not in schemes:
        listing = ", ".join(str(stage) for stage in sorted(schemes))
        name = _label(graph, subject)
        raise ValueError(f"Oak has no key stage {key_stage} for {name}; available: {listing}")
    return schemes[key_stage]


def _entries(graph: Graph, scheme: URIRef) -> list[_Entry]:
    """Content descriptors by year band, in the data's own order within each band."""
    entries: list[_Entry] = []
    for progression in graph.subjects(CURRIC.isProgressionOf, scheme):
        year_group = graph.value(progression, CURRIC.coversYearGroup)
        years = _numbers(year_group) if year_group is not None else ()
        substrand = URIRef(str(graph.value(progression, CURRIC.coversSubStrand)))
        for descriptor in graph.objects(progression, CURRIC.includesContentDescriptor):
            entries.append(_Entry(years, substrand, URIRef(str(descriptor))))
    # A stable sort: the Turtle files list statements in curriculum order, and rdflib's
    # in-memory store keeps that order, so only the year bands need putting in order.
    return sorted(entries, key=lambda entry: entry.years)


def _strands(graph: Graph, entries: list[_Entry], key_stage: int) -> tuple[StrandSpec, ...]:
    """One strand per sub-strand, in order of first appearance, each with its objectives."""
    grouped: dict[URIRef, list[ObjectiveSpec]] = {}
    codes: set[str] = set()
    for entry in entries:
        objective = _objective(graph, entry, key_stage)
        if objective.code not in codes:  # a descriptor listed twice in one year is one objective
            codes.add(objective.code)
            grouped.setdefault(entry.substrand, []).append(objective)
    strand_codes = _strand_codes([_label(graph, node) for node in grouped])
    return tuple(
        StrandSpec(code=code, name=_label(graph, node), objectives=tuple(objectives))
        for code, (node, objectives) in zip(strand_codes, grouped.items(), strict=True)
    )


def _objective(graph: Graph, entry: _Entry, key_stage: int) -> ObjectiveSpec:
    """An objective coded from the year band and the descriptor's own identifier."""
    wording = _clean(_label(graph, entry.descriptor))
    band = "-".join(str(year) for year in entry.years)
    prefix = f"Y{band}" if band else f"KS{key_stage}"
    slug = _local_name(entry.descriptor).removeprefix("contentdescriptor-")
    # A two-year band such as Years 3 and 4 belongs to neither year alone.
    year = entry.years[0] if len(entry.years) == 1 else None
    return ObjectiveSpec(
        code=f"{prefix}-{slug}",
        wording=wording,
        year_group=year,
        key_stage=f"KS{key_stage}",
        success_criteria=_elaborations(graph, entry.descriptor, wording),
    )


def _elaborations(graph: Graph, descriptor: URIRef, wording: str) -> tuple[str, ...]:
    """Sub-content descriptors that add to the descriptor; most merely repeat it."""
    texts = (_clean(_label(graph, node)) for node in graph.objects(descriptor, SKOS.narrower))
    return tuple(dict.fromkeys(text for text in texts if text and text != wording))


def _strand_codes(names: Iterable[str]) -> list[str]:
    """Initials of each name's main words, numbered where two would clash."""
    codes: list[str] = []
    for name in names:
        words = re.findall(r"[A-Za-z0-9]+", name)
        initials = "".join(word[0] for word in words if word.lower() not in MINOR_WORDS)
        base = initials.upper() or "S"
        code, number = base, 2
        while code in codes:
            code, number = f"{base}{number}", number + 1
        codes.append(code)
    return codes


def _phase(graph: Graph, scheme: URIRef) -> str:
    stage = graph.value(scheme, CURRIC.coversKeyStage)
    phase = graph.value(stage, CURRIC.isKeyStageOf) if stage is not None else None
    name = _local_name(phase).removeprefix("phase-") if phase is not None else ""
    return name if name in ("primary", "secondary") else ""


def _description(graph: Graph, scheme: URIRef) -> str:
    """The scheme's description with the Turtle file's line wrapping undone."""
    text = str(graph.value(scheme, DCTERMS.description) or "")
    paragraphs = (_clean(paragraph) for paragraph in re.split(r"\n\s*\n", text))
    description = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return "" if description == NO_DESCRIPTION else description


def _version(graph: Graph) -> str:
    """The knowledge taxonomy's version, which dates the statements themselves."""
    for ontology in graph.subjects(RDF.type, OWL.Ontology):
        if str(ontology).endswith("-knowledge-taxonomy"):
            return str(graph.value(ontology, OWL.versionInfo) or "1")
    return "1"


def _label(graph: Graph, node: Node) -> str:
    label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
    return str(label or _local_name(node))


def _clean(text: str) -> str:
    """One line of plain text: wrapping undone and fraction markup written as a/b."""
    return " ".join(FRACTION.sub(r"\1", text).split())


def _numbers(node: object) -> tuple[int, ...]:
    """The numbers in an identifier such as key-stage-2 or year-group-3-4."""
    return tuple(int(number) for number in re.findall(r"\d+", _local_name(node)))


def _local_name(node: object) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))
