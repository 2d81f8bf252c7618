from __future__ import annotations

import datetime as dt

import pytest

from nextsteps.interop.ctf_export import ctf_export
from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.kernels.ctf import parse_ctf
from nextsteps.interop.models import CharacteristicPeriod, KeyStageResult
from nextsteps.people.kernels.problems import ImportProblems, ProblemList
from nextsteps.people.models import Pupil
from nextsteps.people.upn import upn_make
from nextsteps.schools.models import School
from tests.conftest import Cast

NEW_UPN = upn_make(la=938, estab=4102, year=19, serial=777)


def ctf_for(upn: str, *, ks2: bool = True, version: str = "25.0") -> bytes:
    results = (
        """
      <StageAssessments>
        <KeyStage>
          <Stage>KS2</Stage>
          <StageAssessment><Locale>ENG</Locale><Year>2026</Year><Subject>REA</Subject><Method>TT</Method><Result>108</Result></StageAssessment>
          <StageAssessment><Locale>ENG</Locale><Year>2026</Year><Subject>MAT</Subject><Method>TT</Method><Result>104</Result></StageAssessment>
          <StageAssessment><Locale>ENG</Locale><Year>2026</Year><Subject>WRI</Subject><Method>TA</Method><Result>EXS</Result></StageAssessment>
        </KeyStage>
      </StageAssessments>"""
        if ks2
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>{version}</CTFversion>
    <SourceSchool>
      <LEA>938</LEA><Estab>2101</Estab><SchoolName>Somewhere Primary</SchoolName>
    </SourceSchool>
    <DestSchool><LEA>938</LEA><Estab>4102</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Achebe</Surname>
      <Forename>Chidi</Forename>
      <DOB>2014-10-02</DOB>
      <Sex>M</Sex>
      <BasicDetails>
        <PreferredForename>Chid</PreferredForename>
        <NCyearActual>7</NCyearActual>
        <FirstLanguage><Language><Type>F</Type><LanguageCode>IGB</LanguageCode></Language></FirstLanguage>
      </BasicDetails>
      <FSMhistory>
        <FSMinstance><FSMstartDate>2021-09-01</FSMstartDate><UKcountry>ENG</UKcountry></FSMinstance>
      </FSMhistory>
      <SENhistory><SEN><StartDate>2022-01-10</StartDate><SENprovision>K</SENprovision></SEN></SENhistory>{results}
    </Pupil>
  </CTFpupilData>
</CTfile>""".encode()


def test_ctf_import_adds_a_pupil_with_history_and_ks2_results(cast: Cast) -> None:
    summary = ctf_import(data=ctf_for(NEW_UPN), filename="in.xml", school=cast.secondary, by=None)
    pupil = Pupil.objects.get(school=cast.secondary, upn=NEW_UPN)
    assert (pupil.legal_forename, pupil.preferred_forename, pupil.year_group) == (
        "Chidi",
        "Chid",
        7,
    )
    assert pupil.fsm and pupil.eal and pupil.sen_status == "K"
    assert CharacteristicPeriod.objects.filter(pupil=pupil).count() == 2
    assert KeyStageResult.objects.filter(pupil=pupil, stage="KS2").count() == 3
    assert summary.counts["pupils created"] == 1
    from nextsteps.progress.models import Ks2Result

    ks2 = Ks2Result.objects.get(pupil=pupil)
    assert (ks2.reading, ks2.maths, ks2.writing, ks2.year) == ("108", "104", "EXS", 2026)


def test_ctf_import_finds_the_destination_school_from_the_header(cast: Cast) -> None:
    cast.secondary.la_code = "938"
    cast.secondary.save()
    ctf_import(data=ctf_for(NEW_UPN), filename="in.xml", school=None, by=None)
    assert Pupil.objects.filter(school=cast.secondary, upn=NEW_UPN).exists()


def test_ctf_export_then_import_gives_the_same_pupil(cast: Cast) -> None:
    ctf_import(data=ctf_for(NEW_UPN), filename="in.xml", school=cast.secondary, by=None)
    data = ctf_export(school=cast.secondary, upns=[NEW_UPN], destination="9384999")
    problems = ProblemList()
    parsed = parse_ctf(data, "out.xml", problems)
    assert parsed is not None and not problems
    back = parsed.pupils[0]
    assert (back.upn, back.forename, back.date_of_birth) == (NEW_UPN, "Chidi", dt.date(2014, 10, 2))
    assert len(back.results) == 3 and back.fsm and back.sen
    other = School.objects.create(
        urn=990399, name="Elsewhere", phase="secondary", la_code="938", estab="4999"
    )
    ctf_import(data=data, filename="out.xml", school=None, by=None)
    moved = Pupil.objects.get(school=other, upn=NEW_UPN)
    original = Pupil.objects.get(school=cast.secondary, upn=NEW_UPN)
    fields = [
        "legal_forename",
        "legal_surname",
        "preferred_forename",
        "date_of_birth",
        "gender",
        "year_group",
        "fsm",
        "eal",
        "sen_status",
    ]
    assert [getattr(moved, f) for f in fields] == [getattr(original, f) for f in fields]
    assert KeyStageResult.objects.filter(pupil=moved).count() == 3


def test_reimporting_a_ctf_changes_nothing(cast: Cast) -> None:
    ctf_import(data=ctf_for(NEW_UPN), filename="in.xml", school=cast.secondary, by=None)
    again = ctf_import(data=ctf_for(NEW_UPN), filename="in.xml", school=cast.secondary, by=None)
    assert dict(again.counts) == {"pupils unchanged": 1, "KS2 prior attainment": 1}


def test_ctf_dry_run_writes_nothing(cast: Cast) -> None:
    ctf_import(
        data=ctf_for(NEW_UPN), filename="in.xml", school=cast.secondary, by=None, dry_run=True
    )
    assert not Pupil.objects.filter(upn=NEW_UPN).exists()


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<CTfile>&x;</CTfile>",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><CTfile>&lol3;</CTfile>',
    ],
    ids=["external-entity", "billion-laughs"],
)
def test_ctf_with_entities_is_refused(cast: Cast, payload: bytes) -> None:
    with pytest.raises(ImportProblems, match="DTD or entities"):
        ctf_import(data=payload, filename="evil.xml", school=cast.secondary, by=None)


def test_ctf_with_a_bad_upn_names_the_pupil_and_writes_nothing(cast: Cast) -> None:
    with pytest.raises(ImportProblems) as caught:
        ctf_import(data=ctf_for("A123"), filename="bad.xml", school=cast.secondary, by=None)
    assert "bad.xml, line 12, column UPN: the UPN 'A123'" in str(caught.value)
    assert not Pupil.objects.filter(legal_surname="Achebe").exists()
