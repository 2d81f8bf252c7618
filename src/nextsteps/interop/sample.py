"""A synthetic OneRoster set for one school: for tests, fuzzing and the import benchmark.

Deterministic for a seed. Sizes are free: the benchmark asks for 50,000 users and 500,000
enrolments. Pure: no Django import.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from stdnum.gb import upn as stdnum_upn

from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels.oneroster_columns import COLUMNS

SUBJECTS = ("Mathematics", "English", "Science", "History", "Geography", "French", "Art", "Music")
FORENAMES = ("Amara", "Oliver", "Isla", "Noah", "Ava", "Leo", "Freya", "Arjun", "Mia", "Kofi")
SURNAMES = ("Hughes", "Patel", "Smith", "Okafor", "Jones", "Khan", "Evans", "Nowak", "Brown")


def _sid(kind: str, index: int, seed: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"nextsteps-sample:{seed}:{kind}:{index}"))


def sample_upn(la: int, index: int) -> str:
    body = f"{la:03d}{9000 + index // 100_000:04d}{(index // 1000) % 100:02d}{index % 1000:03d}"
    return str(stdnum_upn.calc_check_digit(body)) + body


def oneroster_sample(
    *,
    urn: int,
    pupils: int = 60,
    teachers: int = 6,
    classes: int = 8,
    classes_per_pupil: int = 3,
    guardians: bool = True,
    version: str = "1.2",
    seed: int = 1,
    start_year: int = 2026,
    la: int = 938,
) -> dict[str, bytes]:
    """A bulk OneRoster set: one school, its year and terms, courses, classes and people."""
    rng = random.Random(seed)  # noqa: S311 - synthetic names, not secrets
    out: dict[str, orr.OutFile] = {
        name: orr.OutFile(name) for name in COLUMNS[version] if name != "manifest.csv"
    }
    out["demographics.csv"].extra_columns = [
        "metadata.uk.senStatus",
        "metadata.uk.fsm",
        "metadata.uk.pupilPremium",
        "metadata.uk.eal",
    ]
    school = _sid("school", 0, seed)
    out["orgs.csv"].rows.append(
        {"sourcedId": school, "name": f"School {urn}", "type": "school", "identifier": str(urn)}
    )
    year = _sid("year", 0, seed)
    out["academicSessions.csv"].rows.append(
        {
            "sourcedId": year,
            "title": f"{start_year}/{(start_year + 1) % 100:02d}",
            "type": "schoolYear",
            "startDate": f"{start_year}-09-01",
            "endDate": f"{start_year + 1}-09-01",
            "schoolYear": str(start_year + 1),
        }
    )
    terms = []
    for index, (name, start, end) in enumerate(
        (
            ("Autumn", dt.date(start_year, 9, 3), dt.date(start_year, 12, 19)),
            ("Spring", dt.date(start_year + 1, 1, 5), dt.date(start_year + 1, 3, 28)),
            ("Summer", dt.date(start_year + 1, 4, 13), dt.date(start_year + 1, 7, 23)),
        )
    ):
        terms.append(_sid("term", index, seed))
        out["academicSessions.csv"].rows.append(
            {
                "sourcedId": terms[-1],
                "title": name,
                "type": "term",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "parentSourcedId": year,
                "schoolYear": str(start_year + 1),
            }
        )
    courses = []
    for index, subject in enumerate(SUBJECTS):
        courses.append(_sid("course", index, seed))
        out["courses.csv"].rows.append(
            {
                "sourcedId": courses[-1],
                "title": subject,
                "courseCode": subject[:3].upper(),
                "orgSourcedId": school,
            }
        )
    class_ids = []
    for index in range(classes):
        class_ids.append(_sid("class", index, seed))
        year_group = 7 + index % 5
        out["classes.csv"].rows.append(
            {
                "sourcedId": class_ids[-1],
                "title": f"{year_group}{SUBJECTS[index % len(SUBJECTS)][:2]}{index}",
                "grades": orr.year_to_grade(year_group),
                "courseSourcedId": courses[index % len(courses)],
                "classType": "scheduled",
                "schoolSourcedId": school,
                "termSourcedIds": ",".join(terms),
            }
        )
    people: list[tuple[str, str]] = []  # (sourcedId, role)

    def user(sid: str, role: str, row: dict[str, str]) -> None:
        row.update({"sourcedId": sid, "enabledUser": "true"})
        if version == "1.1":
            row.update({"orgSourcedIds": school, "role": role})
        else:
            out["roles.csv"].rows.append(
                {
                    "sourcedId": _sid("role", int(uuid.UUID(sid)) % 10**12, seed),
                    "userSourcedId": sid,
                    "roleType": "primary",
                    "role": role,
                    "orgSourcedId": school,
                }
            )
        out["users.csv"].rows.append(row)
        people.append((sid, role))

    teacher_ids = []
    for index in range(teachers):
        teacher_ids.append(_sid("teacher", index, seed))
        user(
            teacher_ids[-1],
            "teacher",
            {
                "username": f"t{urn}-{index}",
                "givenName": rng.choice(FORENAMES),
                "familyName": rng.choice(SURNAMES),
                "identifier": f"T{index:04d}",
                "email": f"t{index}@school{urn}.example",
            },
        )
    for index in range(pupils):
        sid = _sid("pupil", index, seed)
        year_group = 7 + index % 5
        agents = ""
        if guardians:
            agents = _sid("guardian", index, seed)
        user(
            sid,
            "student",
            {
                "username": f"p{urn}-{index}",
                "givenName": rng.choice(FORENAMES),
                "familyName": rng.choice(SURNAMES),
                "identifier": sample_upn(la, index),
                "grades": orr.year_to_grade(year_group),
                "agentSourcedIds": agents,
            },
        )
        out["demographics.csv"].rows.append(
            {
                "sourcedId": sid,
                "birthDate": dt.date(
                    start_year - 5 - year_group, 1 + index % 12, 1 + index % 28
                ).isoformat(),
                "sex": ("female", "male")[index % 2],
                "metadata.uk.senStatus": "NNNNNNK"[index % 7] if index % 31 else "E",
                "metadata.uk.fsm": "true" if index % 5 == 0 else "false",
                "metadata.uk.pupilPremium": "true" if index % 4 == 0 else "false",
                "metadata.uk.eal": "true" if index % 6 == 0 else "false",
            }
        )
        for offset in range(classes_per_pupil):
            class_index = (index + offset * 7) % classes
            out["enrollments.csv"].rows.append(
                {
                    "sourcedId": _sid("enrolment", index * 100 + offset, seed),
                    "classSourcedId": class_ids[class_index],
                    "schoolSourcedId": school,
                    "userSourcedId": sid,
                    "role": "student",
                    "beginDate": f"{start_year}-09-03",
                }
            )
        if guardians:
            user(
                agents,
                "parent",
                {
                    "username": f"g{urn}-{index}",
                    "givenName": rng.choice(FORENAMES),
                    "familyName": rng.choice(SURNAMES),
                    "email": f"g{index}@home{urn}.example",
                    "agentSourcedIds": sid,
                },
            )
    for index, class_sid in enumerate(class_ids):
        out["enrollments.csv"].rows.append(
            {
                "sourcedId": _sid("teaching", index, seed),
                "classSourcedId": class_sid,
                "schoolSourcedId": school,
                "userSourcedId": teacher_ids[index % len(teacher_ids)],
                "role": "teacher",
                "primary": "true",
            }
        )
    files = {name: orr.write_csv(version, f) for name, f in out.items() if f.rows}
    files["manifest.csv"] = orr.write_manifest(
        version, dict.fromkeys(files, "bulk"), "nextsteps sample"
    )
    return files


CTF_JOINERS = (
    ("Adeyemi", "Tobi", "M", dt.date(2014, 10, 3)),
    ("Kowalska", "Zofia", "F", dt.date(2015, 1, 22)),
    ("Rahman", "Ibrahim", "M", dt.date(2015, 4, 9)),
    ("Whitfield", "Grace", "F", dt.date(2015, 7, 30)),
)


def ctf_sample(*, today: dt.date, dest_la: str, dest_estab: str) -> bytes:
    """A CTF of the version nextsteps writes, from an invented primary school, for pupils
    joining Year 7: KS2 tests and teacher assessments (writing too), KS1 outcomes, the
    multiplication tables check (one reason code) and the phonics screening check (one Year 2
    retake). Deterministic for a date; the years follow the pupils' own."""
    from nextsteps.interop.kernels.ctf import CtfFile, CtfPupil, StageResult, write_ctf

    ends = today.year + 1 if today.month >= 9 else today.year  # the academic year's summer
    ks2, mtc, ks1, phonics = ends - 1, ends - 3, ends - 5, ends - 6
    shape = [  # reading, maths, GPS, reading TA, maths TA, writing TA, science TA
        ("108", "104", "111", "EXS", "EXS", "GDS", "EXS"),
        ("97", "101", "99", "WTS", "EXS", "WTS", "EXS"),
        ("112", "115", "117", "GDS", "GDS", "EXS", "EXS"),
        ("101", "95", "103", "EXS", "WTS", "EXS", "HNM"),
    ]
    checks = [("25", ("34",)), ("18", ("26", "33")), ("J", ("39",)), ("21", ("32",))]
    pupils = []
    for index, (surname, forename, sex, born) in enumerate(CTF_JOINERS):
        tests, (score, marks) = shape[index], checks[index]
        results = [
            StageResult("KS2", "ENG", ks2, subject, "TT", "", "", value)
            for subject, value in zip(("REA", "MAT", "GPS"), tests[:3], strict=True)
        ]
        results += [
            StageResult("KS2", "ENG", ks2, subject, "TA", "", "", value)
            for subject, value in zip(("REA", "MAT", "WRI", "SCI"), tests[3:], strict=True)
        ]
        results += [
            StageResult("KS1", "ENG", ks1, subject, "TA", "", "", value)
            for subject, value in zip(("REA", "WRI", "MAT"), ("EXS", "WTS", "EXS"), strict=True)
        ]
        results.append(StageResult("KS2", "ENG", mtc, "MTC", "TT", "", "", score))
        results += [
            StageResult("KS1", "ENG", phonics + offset, "PHO", "TT", "", "", mark)
            for offset, mark in enumerate(marks)
        ]
        pupils.append(
            CtfPupil(
                line=0,
                upn=sample_upn(int(dest_la or 938), 70_000 + index),
                surname=surname,
                forename=forename,
                preferred_surname="",
                preferred_forename="",
                date_of_birth=born.replace(year=ends - 13 if born.month >= 9 else ends - 12),
                sex=sex,
                year_group=7,
                first_language="ENG",
                results=results,
            )
        )
    ctf = CtfFile(
        source_la="938",
        source_estab="2105",
        source_name="Brookfield Primary School",
        dest_la=dest_la,
        dest_estab=dest_estab,
        pupils=pupils,
    )
    now = dt.datetime.combine(today, dt.time(9, 0))
    return write_ctf(ctf, school_name="Brookfield Primary School", academic_year=ends - 1, now=now)
