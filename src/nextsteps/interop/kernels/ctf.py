"""The DfE Common Transfer File (CTF): parse safely, and write, the parts nextsteps keeps.

Pure: no Django import. Parsing uses defusedxml with DTDs forbidden, so an external entity or
an entity expansion ("billion laughs") is refused before anything is read. Kept: the header's
source and destination schools; each pupil's UPN, names, date of birth, sex, year group, first
language, FSM history, SEN history and key stage results (StageAssessments), among them the
statutory checks' results (phonics screening check marks, multiplication tables check scores).

The versions read and written, and the statutory results' codes and ranges, are data:
`data/ctf_versions.yaml` (`ctf_rules`), from the DfE's *Common transfer file 25: specification*
(2025 to 2026) and *Common transfer file 24: specification*,
https://www.gov.uk/government/collections/common-transfer-file. A file of another version is
refused naming the version found and the versions accepted.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET  # noqa: S405 - used only to build XML, never to parse
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from nextsteps.i18n import translate as _
from nextsteps.interop.kernels.ctf_rules import CtfRules, ctf_rules
from nextsteps.people.kernels.problems import ProblemList

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Period:
    starts_on: dt.date
    ends_on: dt.date | None
    value: str = ""


@dataclass
class StageResult:
    stage: str
    locale: str
    year: int
    subject: str
    method: str
    component: str
    qualifier: str
    result: str
    line: int = 0


@dataclass
class CtfPupil:
    line: int
    upn: str
    surname: str
    forename: str
    preferred_surname: str
    preferred_forename: str
    date_of_birth: dt.date | None
    sex: str
    year_group: int | None
    first_language: str
    fsm: list[Period] = field(default_factory=list)
    sen: list[Period] = field(default_factory=list)
    results: list[StageResult] = field(default_factory=list)


@dataclass
class CtfFile:
    source_la: str
    source_estab: str
    source_name: str
    dest_la: str
    dest_estab: str
    pupils: list[CtfPupil]
    version: str = ""


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str, where: tuple[str, int, str], problems: ProblemList) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.add(
            where[0],
            where[1],
            where[2],
            _("%(value)s is not a date (YYYY-MM-DD)") % {"value": repr(value)},
        )
        return None


def _year_group(value: str) -> int | None:
    text = value.strip().upper()
    if text in {"R", "RECEPTION"}:
        return 0
    if text in {"N1", "N2", "N"}:
        return -1
    return int(text) if text.isdigit() and 1 <= int(text) <= 14 else None


def _line_of(data: bytes, pattern: bytes) -> list[int]:
    """The line of each match of `pattern`, in document order (ElementTree keeps no lines)."""
    return [data.count(b"\n", 0, m.start()) + 1 for m in re.finditer(pattern, data)]


def _check_version(
    root: ET.Element, data: bytes, filename: str, problems: ProblemList, rules: CtfRules
) -> str | None:
    """The file's CTFversion when nextsteps accepts it; otherwise None, with the reason."""
    found = _text(root, "Header/CTFversion")
    if rules.accepts(found):
        return found
    lines = _line_of(data, rb"<CTFversion[\s>]")
    accepted = ", ".join(rules.accepted)
    problems.add(
        filename,
        lines[0] if lines else 0,
        "Header/CTFversion",
        _(
            "this is a CTF of version %(found)s; nextsteps imports versions %(accepted)s "
            "(the versions are listed in %(rules)s)"
        )
        % {
            "found": repr(found) if found else _("(none)"),
            "accepted": accepted,
            "rules": rules.path,
        },
    )
    return None


def parse_ctf(
    data: bytes, filename: str, problems: ProblemList, rules: CtfRules | None = None
) -> CtfFile | None:
    """The file's contents, or None with the reason among the problems.

    A file of a version not accepted (`rules`, from `data/ctf_versions.yaml`) is refused; a
    statutory result out of its range (a phonics mark outside 0–40, an MTC score outside 0–25)
    is a problem at its StageAssessment's line, naming the pupil's UPN and the field.
    """
    rules = rules or ctf_rules()
    if len(data) > MAX_BYTES:
        problems.add(filename, 0, "", _("the file is larger than 50 MB"))
        return None
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        problems.add(
            filename,
            0,
            "",
            _("the file declares a DTD or entities, which transfer files never need; refused"),
        )
        return None
    except ET.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 0
        problems.add(filename, line, "", _("not well-formed XML: %(error)s") % {"error": error})
        return None
    if root.tag != "CTfile":
        problems.add(
            filename, 1, root.tag, _("this is not a Common Transfer File (no CTfile root)")
        )
        return None
    version = _check_version(root, data, filename, problems, rules)
    if version is None:
        return None
    header = root.find("Header")
    source, dest = (
        header.find(p) if header is not None else None for p in ("SourceSchool", "DestSchool")
    )
    # ElementTree keeps no line numbers: find where each <Pupil> starts in the text instead.
    lines = _line_of(data, rb"<Pupil[\s>]")
    pupils = [
        _pupil(element, lines[index - 1] if index <= len(lines) else 0, index, filename, problems)
        for index, element in enumerate(root.findall("CTFpupilData/Pupil"), start=1)
    ]
    _place_results(root, data, pupils)
    _check_results(pupils, filename, problems, rules)
    return CtfFile(
        source_la=_text(source, "LEA"),
        source_estab=_text(source, "Estab"),
        source_name=_text(source, "SchoolName"),
        dest_la=_text(dest, "LEA"),
        dest_estab=_text(dest, "Estab"),
        pupils=pupils,
        version=version,
    )


def _place_results(root: ET.Element, data: bytes, pupils: list[CtfPupil]) -> None:
    """Each result's line: its <StageAssessment> tag's, when every one of them was read."""
    lines = _line_of(data, rb"<StageAssessment[\s>]")
    results = [result for pupil in pupils for result in pupil.results]
    if len(lines) != sum(1 for _ in root.iter("StageAssessment")) or len(lines) != len(results):
        for pupil in pupils:
            for result in pupil.results:
                result.line = pupil.line
        return
    for result, line in zip(results, lines, strict=True):
        result.line = line


def _check_results(
    pupils: list[CtfPupil], filename: str, problems: ProblemList, rules: CtfRules
) -> None:
    """Statutory results outside their range or codes (`results` in the versions file)."""
    for pupil in pupils:
        for result in pupil.results:
            rule = rules.rule_for(result.stage, result.subject, result.method)
            problem = rule.problem(result.result) if rule is not None else None
            if problem is not None:
                problems.add(
                    filename,
                    result.line or pupil.line,
                    f"UPN {pupil.upn}: {result.stage}/{result.subject}/{result.method}/Result",
                    problem,
                )


def _pupil(
    element: ET.Element, line: int, index: int, filename: str, problems: ProblemList
) -> CtfPupil:
    """One pupil; problems are placed at the line of its <Pupil> tag and name the element."""
    where = f"Pupil {index}/"
    basic = element.find("BasicDetails")
    dob = _date(_text(element, "DOB"), (filename, line, f"{where}DOB"), problems)
    pupil = CtfPupil(
        line=line,
        upn=_text(element, "UPN"),
        surname=_text(element, "Surname"),
        forename=_text(element, "Forename"),
        preferred_surname=_text(basic, "PreferredSurname"),
        preferred_forename=_text(basic, "PreferredForename"),
        date_of_birth=dob,
        sex=_text(element, "Sex").upper()[:1],
        year_group=_year_group(_text(basic, "NCyearActual")),
        first_language=_text(basic, "FirstLanguage/Language/LanguageCode"),
    )
    for instance in element.findall("FSMhistory/FSMinstance"):
        start = _date(
            _text(instance, "FSMstartDate"), (filename, line, f"{where}FSMstartDate"), problems
        )
        end = _date(_text(instance, "FSMendDate"), (filename, line, f"{where}FSMendDate"), problems)
        if start is not None:
            pupil.fsm.append(Period(start, end))
    for sen in element.findall("SENhistory/SEN"):
        start = _date(_text(sen, "StartDate"), (filename, line, f"{where}SEN/StartDate"), problems)
        if start is not None:
            pupil.sen.append(Period(start, None, _text(sen, "SENprovision").upper()))
    for stage in element.findall("StageAssessments/KeyStage"):
        stage_name = _text(stage, "Stage")
        for item in stage.findall("StageAssessment"):
            year_text = _text(item, "Year")
            if not year_text.isdigit():
                problems.add(
                    filename,
                    line,
                    f"{where}{stage_name}/Year",
                    _("%(year)s is not a year") % {"year": repr(year_text)},
                )
                continue
            pupil.results.append(
                StageResult(
                    stage=stage_name[:10],
                    locale=_text(item, "Locale")[:10],
                    year=int(year_text),
                    subject=_text(item, "Subject")[:20],
                    method=_text(item, "Method")[:20],
                    component=_text(item, "Component")[:20],
                    qualifier=_text(item, "ResultQualifier")[:10],
                    result=_text(item, "Result")[:20],
                )
            )
    return pupil


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def write_ctf(
    ctf: CtfFile,
    *,
    school_name: str,
    academic_year: int,
    now: dt.datetime,
    rules: CtfRules | None = None,
) -> bytes:
    """A CTF document for the pupils given, in the CTF's element order, of the version the
    versions file names for export (CTF 25 for 2025 to 2026)."""
    rules = rules or ctf_rules()
    root = ET.Element("CTfile")
    header = _sub(root, "Header")
    _sub(header, "DocumentName", "Common Transfer File")
    _sub(header, "CTFversion", rules.export_version)
    _sub(header, "DateTime", now.strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "DocumentQualifier", "partial")
    _sub(header, "SupplierID", "nextsteps")
    source = _sub(header, "SourceSchool")
    _sub(source, "LEA", ctf.source_la)
    _sub(source, "Estab", ctf.source_estab)
    _sub(source, "SchoolName", school_name)
    _sub(source, "AcademicYear", str(academic_year))
    dest = _sub(header, "DestSchool")
    _sub(dest, "LEA", ctf.dest_la or "MMM")
    _sub(dest, "Estab", ctf.dest_estab or "MMMM")
    data = _sub(root, "CTFpupilData")
    for pupil in ctf.pupils:
        element = _sub(data, "Pupil")
        _sub(element, "UPN", pupil.upn)
        _sub(element, "Surname", pupil.surname)
        _sub(element, "Forename", pupil.forename)
        _sub(element, "DOB", pupil.date_of_birth.isoformat() if pupil.date_of_birth else "")
        _sub(element, "Sex", pupil.sex or "U")
        basic = _sub(element, "BasicDetails")
        _sub(basic, "PreferredSurname", pupil.preferred_surname)
        _sub(basic, "PreferredForename", pupil.preferred_forename)
        year = pupil.year_group
        _sub(basic, "NCyearActual", "R" if year == 0 else "N2" if year == -1 else str(year or ""))
        if pupil.first_language:
            language = _sub(_sub(basic, "FirstLanguage"), "Language")
            _sub(language, "Type", "F")
            _sub(language, "LanguageCode", pupil.first_language)
        if pupil.fsm:
            history = _sub(element, "FSMhistory")
            for period in pupil.fsm:
                instance = _sub(history, "FSMinstance")
                _sub(instance, "FSMstartDate", period.starts_on.isoformat())
                if period.ends_on:
                    _sub(instance, "FSMendDate", period.ends_on.isoformat())
                _sub(instance, "UKcountry", "ENG")
        if pupil.sen:
            history = _sub(element, "SENhistory")
            for period in pupil.sen:
                sen = _sub(history, "SEN")
                _sub(sen, "StartDate", period.starts_on.isoformat())
                _sub(sen, "SENprovision", period.value)
        if pupil.results:
            assessments = _sub(element, "StageAssessments")
            by_stage: dict[str, ET.Element] = {}
            for result in pupil.results:
                if result.stage not in by_stage:
                    by_stage[result.stage] = _sub(assessments, "KeyStage")
                    _sub(by_stage[result.stage], "Stage", result.stage)
                item = _sub(by_stage[result.stage], "StageAssessment")
                for tag, value in (
                    ("Locale", result.locale),
                    ("Year", str(result.year)),
                    ("Subject", result.subject),
                    ("Method", result.method),
                    ("Component", result.component),
                    ("ResultQualifier", result.qualifier),
                    ("Result", result.result),
                ):
                    if value:
                        _sub(item, tag, value)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
