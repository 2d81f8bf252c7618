"""CTF 25 (2025 to 2026): statutory results in and out, version 24 read, other versions refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.interop.ctf_export import ctf_export
from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.kernels.ctf import parse_ctf
from nextsteps.interop.kernels.ctf_rules import CtfRulesError, ctf_rules, load_rules
from nextsteps.interop.models import ImportRun, KeyStageResult
from nextsteps.people.kernels.problems import ImportProblems, ProblemList
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import School
from nextsteps.statutory.kernels.rules import shipped_reasons
from nextsteps.statutory.models import MtcResult, PhonicsResult
from nextsteps.statutory.services import mtc_result_record
from tests.conftest import Cast

UPN = upn_make(la=938, estab=2101, year=19, serial=451)

KS2 = [
    ("KS2", "2026", "REA", "TT", "", "108"),
    ("KS2", "2026", "MAT", "TT", "", "104"),
    ("KS2", "2026", "GPS", "TT", "", "111"),
    ("KS2", "2026", "REA", "TA", "", "EXS"),
    ("KS2", "2026", "MAT", "TA", "", "EXS"),
    ("KS2", "2026", "WRI", "TA", "", "GDS"),
    ("KS2", "2026", "SCI", "TA", "", "HNM"),
]
KS1 = [
    ("KS1", "2022", "REA", "TA", "", "EXS"),
    ("KS1", "2022", "WRI", "TA", "", "WTS"),
    ("KS1", "2022", "MAT", "TA", "", "GDS"),
    ("KS1", "2022", "SCI", "TA", "", "HNM"),
]
MTC = [("KS2", "2024", "MTC", "TT", "", "23")]
PHONICS = [("KS1", "2021", "PHO", "TT", "", "36")]


def stage_xml(results: list[tuple[str, str, str, str, str, str]]) -> str:
    by_stage: dict[str, list[str]] = {}
    for stage, year, subject, method, component, result in results:
        component_xml = f"<Component>{component}</Component>" if component else ""
        by_stage.setdefault(stage, []).append(
            f"<StageAssessment><Locale>ENG</Locale><Year>{year}</Year><Subject>{subject}</Subject>"
            f"<Method>{method}</Method>{component_xml}<Result>{result}</Result></StageAssessment>"
        )
    return "".join(
        "\n        <KeyStage>\n          <Stage>"
        + stage
        + "</Stage>\n          "
        + "\n          ".join(items)
        + "\n        </KeyStage>"
        for stage, items in by_stage.items()
    )


def ctf(
    results: list[tuple[str, str, str, str, str, str]],
    *,
    version: str = "25.0",
    upn: str = UPN,
    dest: tuple[str, str] = ("938", "2102"),
) -> bytes:
    version_xml = f"<CTFversion>{version}</CTFversion>" if version else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    {version_xml}
    <SourceSchool>
      <LEA>938</LEA><Estab>2101</Estab><SchoolName>Brook Primary</SchoolName>
    </SourceSchool>
    <DestSchool><LEA>{dest[0]}</LEA><Estab>{dest[1]}</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Mensah</Surname>
      <Forename>Efua</Forename>
      <DOB>2014-11-20</DOB>
      <Sex>F</Sex>
      <BasicDetails><NCyearActual>7</NCyearActual></BasicDetails>
      <StageAssessments>{stage_xml(results)}
      </StageAssessments>
    </Pupil>
  </CTFpupilData>
</CTfile>""".encode()


def kept(school: School, upn: str = UPN) -> set[tuple[str, str, str, str, str, str]]:
    return {
        (r.stage, str(r.year), r.subject, r.method, r.component, r.result)
        for r in KeyStageResult.objects.filter(school=school, pupil__upn=upn)
    }


def other_school() -> School:
    return School.objects.create(
        urn=990399, name="Elm Academy", phase="secondary", la_code="938", estab="4999"
    )


@pytest.mark.parametrize(
    "results",
    [KS2, KS1, MTC, PHONICS, KS2 + KS1 + MTC + PHONICS],
    ids=["ks2", "ks1", "mtc", "phonics", "all"],
)
def test_ctf25_round_trip_keeps_every_statutory_result(
    cast: Cast, results: list[tuple[str, str, str, str, str, str]]
) -> None:
    ctf_import(data=ctf(results), filename="in.xml", school=cast.secondary, by=None)
    assert kept(cast.secondary) == set(results)
    out = ctf_export(school=cast.secondary, upns=[UPN], destination="9384999")
    assert b"<CTFversion>25.0</CTFversion>" in out
    problems = ProblemList()
    parsed = parse_ctf(out, "out.xml", problems)
    assert parsed is not None and not problems and parsed.version == "25.0"
    back = {
        (r.stage, str(r.year), r.subject, r.method, r.component, r.result)
        for r in parsed.pupils[0].results
    }
    assert back == set(results)
    destination = other_school()
    ctf_import(data=out, filename="out.xml", school=None, by=None)
    assert kept(destination) == set(results)
    moved = Pupil.objects.get(school=destination, upn=UPN)
    original = Pupil.objects.get(school=cast.secondary, upn=UPN)
    for model, value in ((PhonicsResult, "mark"), (MtcResult, "score")):
        fields = ("academic_year", value, "not_taken")
        assert list(model.objects.filter(pupil=moved).values_list(*fields)) == list(
            model.objects.filter(pupil=original).values_list(*fields)
        )


def test_ctf_check_results_are_recorded_as_statutory_results_from_the_ctf(cast: Cast) -> None:
    ctf_import(data=ctf(KS2 + MTC + PHONICS), filename="in.xml", school=cast.secondary, by=None)
    pupil = Pupil.objects.get(school=cast.secondary, upn=UPN)
    phonics = PhonicsResult.objects.get(pupil=pupil)
    assert (phonics.academic_year, phonics.year_group, phonics.mark, phonics.source) == (
        "2020/21",
        1,
        36,
        "ctf",
    )
    mtc = MtcResult.objects.get(pupil=pupil)
    assert (mtc.academic_year, mtc.score, mtc.not_taken, mtc.source) == ("2023/24", 23, "", "ctf")


def test_a_phonics_retake_and_an_mtc_reason_code_arrive_as_such(cast: Cast) -> None:
    results = [
        ("KS1", "2021", "PHO", "TT", "", "28"),
        ("KS1", "2022", "PHO", "TT", "", "35"),
        ("KS2", "2024", "MTC", "TT", "", "J"),
    ]
    ctf_import(data=ctf(results), filename="in.xml", school=cast.secondary, by=None)
    pupil = Pupil.objects.get(school=cast.secondary, upn=UPN)
    assert sorted(PhonicsResult.objects.filter(pupil=pupil).values_list("year_group", "mark")) == [
        (1, 28),
        (2, 35),
    ]
    mtc = MtcResult.objects.get(pupil=pupil)
    assert (mtc.score, mtc.not_taken) == (None, "J")


def test_check_results_entered_in_nextsteps_are_exported_under_the_ctf_codes(cast: Cast) -> None:
    ctf_import(data=ctf(KS2 + MTC), filename="in.xml", school=cast.secondary, by=None)
    pupil = Pupil.objects.get(school=cast.secondary, upn=UPN)
    mtc_result_record(pupil=pupil, academic_year="2023/24", score=25)
    problems = ProblemList()
    parsed = parse_ctf(ctf_export(school=cast.secondary, upns=[UPN]), "out.xml", problems)
    assert parsed is not None and not problems
    sent = {(r.stage, r.year, r.subject, r.method, r.result) for r in parsed.pupils[0].results}
    assert ("KS2", 2024, "MTC", "TT", "25") in sent
    assert ("KS2", 2024, "MTC", "TT", "23") not in sent


def test_the_ctf_codes_for_no_mark_are_the_statutory_reason_codes() -> None:
    reasons = shipped_reasons()
    assert ctf_rules().rule("phonics").codes == set(reasons["phonics"])
    assert ctf_rules().rule("mtc").codes == set(reasons["mtc"])


def test_ctf_export_writes_the_version_the_versions_file_names(cast: Cast) -> None:
    ctf_import(data=ctf(MTC), filename="in.xml", school=cast.secondary, by=None)
    out = ctf_export(school=cast.secondary, upns=[UPN])
    assert f"<CTFversion>{ctf_rules().export_version}</CTFversion>".encode() in out
    assert ctf_rules().export_version == "25.0"


def test_a_version_24_file_is_imported(cast: Cast) -> None:
    ctf_import(
        data=ctf(KS2 + PHONICS, version="24.0"), filename="v24.xml", school=cast.secondary, by=None
    )
    assert kept(cast.secondary) == set(KS2 + PHONICS)


@pytest.mark.parametrize("version", ["22.0", "26.0", "23", "abc", ""])
def test_another_version_is_refused_naming_it_and_nothing_is_written(
    cast: Cast, version: str
) -> None:
    with pytest.raises(ImportProblems) as caught:
        ctf_import(
            data=ctf(KS2, version=version), filename="old.xml", school=cast.secondary, by=None
        )
    text = str(caught.value)
    assert "old.xml" in text and "column Header/CTFversion" in text
    assert (repr(version) if version else "(none)") in text
    assert "versions 25, 24" in text and "ctf_versions.yaml" in text
    if version:
        assert "old.xml, line 5," in text
    assert not Pupil.objects.filter(upn=UPN).exists()
    assert not KeyStageResult.objects.filter(pupil__upn=UPN).exists()


@pytest.mark.parametrize(
    ("result", "label"),
    [
        (("KS1", "2021", "PHO", "TT", "", "41"), "41 is outside 0–40 for a phonics"),
        (("KS1", "2021", "PHO", "TT", "", "-1"), "-1 is outside 0–40 for a phonics"),
        (("KS1", "2021", "PHO", "TT", "", "ten"), "'ten' is neither a phonics"),
        (("KS2", "2024", "MTC", "TT", "", "26"), "26 is outside 0–25 for a multiplication"),
        (("KS2", "2024", "MTC", "TT", "", "99"), "99 is outside 0–25 for a multiplication"),
    ],
)
def test_an_out_of_range_check_result_is_refused_at_its_line_and_nothing_is_written(
    cast: Cast, result: tuple[str, str, str, str, str, str], label: str
) -> None:
    data = ctf([*KS2, result])
    line = (
        data.decode()
        .splitlines()
        .index(next(x for x in data.decode().splitlines() if f"<Result>{result[5]}</Result>" in x))
        + 1
    )
    with pytest.raises(ImportProblems) as caught:
        ctf_import(data=data, filename="checks.xml", school=cast.secondary, by=None)
    text = str(caught.value)
    assert f"checks.xml, line {line}, column UPN {UPN}: {result[0]}/{result[2]}/TT/Result" in text
    assert label in text
    assert not Pupil.objects.filter(upn=UPN).exists()
    assert (
        not KeyStageResult.objects.exists()
        or not KeyStageResult.objects.filter(pupil__upn=UPN).exists()
    )


def test_a_check_code_instead_of_a_mark_is_kept(cast: Cast) -> None:
    absent = [("KS1", "2021", "PHO", "TT", "", "A"), ("KS2", "2024", "MTC", "TT", "", "L")]
    ctf_import(data=ctf(absent), filename="codes.xml", school=cast.secondary, by=None)
    assert kept(cast.secondary) == set(absent)


def test_the_upload_page_shows_the_wrong_version(cast: Cast) -> None:
    client = cast.client("admin")
    upload = SimpleUploadedFile("old.xml", ctf(KS2, version="22.0"), content_type="text/xml")
    response = client.post(f"/school/{cast.primary.urn}/data/ctf/import/", {"file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert "old.xml" in body and "Header/CTFversion" in body and "25, 24" in body
    assert not Pupil.objects.filter(upn=UPN).exists()


def test_the_upload_page_shows_an_out_of_range_phonics_mark(cast: Cast) -> None:
    client = cast.client("admin")
    data = ctf([("KS1", "2021", "PHO", "TT", "", "44")])
    upload = SimpleUploadedFile("phonics.xml", data, content_type="text/xml")
    response = client.post(f"/school/{cast.primary.urn}/data/ctf/import/", {"file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert "phonics.xml" in body and f"UPN {UPN}" in body and "44 is outside 0–40" in body
    assert not Pupil.objects.filter(upn=UPN).exists()


def test_the_command_line_names_the_wrong_version_and_the_bad_score(
    cast: Cast, tmp_path: Path
) -> None:
    old = tmp_path / "old.xml"
    old.write_bytes(ctf(KS2, version="23.0"))
    with pytest.raises(CommandError, match=r"old.xml, line 5, column Header/CTFversion"):
        call_command("import_data", "ctf", str(old), "--school", str(cast.secondary.urn))
    bad = tmp_path / "mtc.xml"
    bad.write_bytes(ctf([("KS2", "2024", "MTC", "TT", "", "30")]))
    with pytest.raises(CommandError, match=r"30 is outside 0–25"):
        call_command("import_data", "ctf", str(bad), "--school", str(cast.secondary.urn))
    assert not Pupil.objects.filter(upn=UPN).exists()


def test_a_versions_file_without_a_source_or_with_an_unaccepted_export_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "versions.yaml"
    path.write_text(
        "format: nextsteps-ctf-versions/1\nsource: x\nexport: '26.0'\n"
        "versions:\n  '25': {source: y}\nresults: {}\n"
    )
    with pytest.raises(CtfRulesError, match="export: 26.0 is not among"):
        load_rules(path)
    path.write_text(
        "format: nextsteps-ctf-versions/1\nsource: x\nexport: '25.0'\n"
        "versions:\n  '25': {academic_year: 2025/26}\nresults: {}\n"
    )
    with pytest.raises(CtfRulesError, match=r"versions.25.source"):
        load_rules(path)


def test_the_shipped_versions_file_names_its_source() -> None:
    rules = ctf_rules()
    assert rules.accepted == ("25", "24")
    assert "Common transfer file 25: specification" in rules.source
    assert "https://www.gov.uk/government/collections/common-transfer-file" in rules.source


@given(st.integers(min_value=-1000, max_value=1000))
def test_a_phonics_mark_is_valid_exactly_when_it_is_0_to_40(mark: int) -> None:
    rule = ctf_rules().rule("phonics")
    assert (rule.problem(str(mark)) is None) == (0 <= mark <= 40)


@given(st.integers(min_value=-1000, max_value=1000))
def test_an_mtc_score_is_valid_exactly_when_it_is_0_to_25(score: int) -> None:
    rule = ctf_rules().rule("mtc")
    assert (rule.problem(str(score)) is None) == (0 <= score <= 25)


def test_the_demo_ctf_is_version_25_with_check_results_and_builds_once(cast: Cast) -> None:
    from nextsteps.interop.demo import DEMO_CTF, build_demo_data
    from nextsteps.interop.sample import CTF_JOINERS, ctf_sample

    today = dt.date(2026, 12, 7)
    data = ctf_sample(today=today, dest_la="850", dest_estab="4001")
    problems = ProblemList()
    parsed = parse_ctf(data, DEMO_CTF, problems)
    assert parsed is not None and not problems and parsed.version == "25.0"
    kinds = {(r.stage, r.subject, r.method) for p in parsed.pupils for r in p.results}
    assert {("KS2", "MTC", "TT"), ("KS1", "PHO", "TT"), ("KS2", "WRI", "TA")} <= kinds
    assert all(p.year_group == 7 for p in parsed.pupils)
    build_demo_data(primary=cast.primary, secondary=cast.secondary, today=today)
    joined = Pupil.objects.filter(
        school=cast.secondary, legal_surname__in=[s for s, *_ in CTF_JOINERS]
    )
    assert joined.count() == len(CTF_JOINERS)
    assert all(p.year_group == 7 for p in joined)
    assert MtcResult.objects.filter(pupil__in=joined, source="ctf").count() == 4
    assert PhonicsResult.objects.filter(pupil__in=joined, year_group=2).count() == 1
    counts = (Pupil.objects.count(), KeyStageResult.objects.count(), MtcResult.objects.count())
    runs = ImportRun.objects.count()
    build_demo_data(primary=cast.primary, secondary=cast.secondary, today=today)
    assert (
        Pupil.objects.count(),
        KeyStageResult.objects.count(),
        MtcResult.objects.count(),
    ) == counts
    assert ImportRun.objects.count() == runs
