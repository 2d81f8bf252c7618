"""The department view: every figure computed here from the raw rows (standings, enrolments,
characteristics) for a hand-built cohort, under each filter; who may open it; and its query
count, which does not grow with the number of classes.

Northfield's maths department (outside the demo trust): Year 4 core objectives N1, N2 (strand
Number) and F1 (Fractions), N3 not core; Year 5 core N5. English's E1 must never count here.
4 Elm (Mr Vance): Isaac, Bea. 4 Birch (Ms Lane): Cal, Dee. 5 Ash (Ms Lane): Eve, Finn.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nextsteps.accounts.models import Membership, Role
from nextsteps.accounts.services import membership_grant
from nextsteps.curriculum.models import Framework, Objective, Scale, Strand
from nextsteps.markbook.models import Standing
from nextsteps.people.models import Pupil, Staff
from nextsteps.people.upn import upn_make
from nextsteps.policy.models import DepartmentSettings
from nextsteps.progress.models import Ks1Result
from nextsteps.schools.models import Department, School, Subject
from nextsteps.teaching.models import Class, ClassStaff, Enrolment
from tests.conftest import OTHER_URN, Cast
from tests.reports.test_filtered_figures import _table

# name: (year, gender, disadvantaged, sen, eal, KS1 outcomes or None, class)
PUPILS = {
    "Isaac": (4, "M", False, "N", False, ("EXS", "EXS", "EXS"), "4 Elm"),
    "Bea": (4, "F", True, "K", False, ("WTS", "WTS", "WTS"), "4 Elm"),
    "Cal": (4, "M", True, "N", True, ("GDS", "GDS", "GDS"), "4 Birch"),
    "Dee": (4, "F", False, "N", False, None, "4 Birch"),
    "Eve": (5, "F", True, "E", False, ("WTS", "EXS", "WTS"), "5 Ash"),
    "Finn": (5, "M", False, "N", False, None, "5 Ash"),
}
# Hand-assigned bands (KS1 frameworks: WTS 6, EXS 8, GDS 10; low below 8, high from 10).
PRIOR = {"Isaac": "middle", "Bea": "low", "Cal": "high", "Dee": "unknown", "Eve": "low"}
# pupil: {objective: "secure" | "working"} (no entry: nothing recorded)
STANDINGS = {
    "Isaac": {"N1": "secure", "N2": "secure", "F1": "working", "N3": "secure"},
    "Bea": {"N1": "secure", "N2": "working", "E1": "secure"},
    "Cal": {"N1": "working", "F1": "working"},
    "Dee": {"N1": "secure", "N2": "secure", "F1": "secure"},
    "Eve": {"N5": "working"},
    "Finn": {"N5": "secure"},
}
TEACHERS = {"4 Elm": "Mr Vance", "4 Birch": "Ms Lane", "5 Ash": "Ms Lane"}


def build() -> dict[str, Any]:
    school = School.objects.get(urn=OTHER_URN)
    elm = Class.objects.get(school=school, name="4 Elm")
    year = elm.academic_year
    maths = Department.objects.create(school=school, name="Mathematics")
    english = Department.objects.create(school=school, name="English")
    subjects = {
        "Maths": Subject.objects.create(school=school, name="Maths", department=maths),
        "English": Subject.objects.create(school=school, name="English", department=english),
    }
    scale = Scale.objects.create(school=school, name="Secure", mastery_threshold=Decimal("3"))
    objectives: dict[str, Objective] = {}
    for subject_name, rows in (
        (
            "Maths",
            [
                ("N1", "Number", 4, True),
                ("N2", "Number", 4, True),
                ("F1", "Fractions", 4, True),
                ("N3", "Number", 4, False),
                ("N5", "Number", 5, True),
            ],
        ),
        ("English", [("E1", "Reading", 4, True)]),
    ):
        framework = Framework.objects.create(
            school=school,
            name=f"{subject_name} framework",
            subject=subjects[subject_name],
            scale=scale,
        )
        strands: dict[str, Strand] = {}
        for position, (code, strand_name, year_group, core) in enumerate(rows):
            strand = strands.get(strand_name) or Strand.objects.create(
                school=school,
                framework=framework,
                code=strand_name,
                name=strand_name,
                position=len(strands),
            )
            strands[strand_name] = strand
            objectives[code] = Objective.objects.create(
                school=school,
                framework=framework,
                strand=strand,
                code=code,
                wording=f"Learning intention {code}",
                year_group=year_group,
                core=core,
                position=position,
            )
    lane = Staff.objects.create(school=school, title="Ms", forename="Ada", surname="Lane")
    vance = Staff.objects.get(school=school, surname="Vance")
    classes = {"4 Elm": elm}
    for name, year_group in (("4 Birch", 4), ("5 Ash", 5), ("4 English", 4)):
        classes[name] = Class.objects.create(
            school=school, academic_year=year, name=name, year_group=year_group
        )
    for name, subject in (("4 Elm", "Maths"), ("4 Birch", "Maths"), ("5 Ash", "Maths")):
        classes[name].subjects.add(subjects[subject])
    classes["4 English"].subjects.add(subjects["English"])
    ClassStaff.objects.create(school=school, teaching_class=classes["4 Birch"], staff=lane)
    ClassStaff.objects.create(school=school, teaching_class=classes["5 Ash"], staff=lane)
    ClassStaff.objects.create(school=school, teaching_class=classes["4 English"], staff=vance)
    start = timezone.localdate() - dt.timedelta(days=30)
    pupils = {"Isaac": Pupil.objects.get(school=school, legal_forename="Isaac")}
    Pupil.objects.filter(pk=pupils["Isaac"].pk).update(year_group=4, gender="M")
    for n, (name, (yg, gender, dis, sen, eal, _ks1, _class)) in enumerate(PUPILS.items()):
        if name == "Isaac":
            continue
        pupils[name] = Pupil.objects.create(
            school=school,
            upn=upn_make(la=851, estab=2001, year=22, serial=n + 10),
            legal_forename=name,
            legal_surname="Test",
            date_of_birth=dt.date(2017, 1, 1),
            gender=gender,
            year_group=yg,
            disadvantaged=dis,
            sen_status=sen,
            eal=eal,
            admission_date=dt.date(2022, 9, 1),
        )
    for name, (_yg, _g, _d, _s, _e, ks1, class_name) in PUPILS.items():
        if class_name != "4 Elm" or name != "Isaac":
            Enrolment.objects.create(
                school=school,
                pupil=pupils[name],
                teaching_class=classes[class_name],
                starts_on=start,
            )
        if ks1:
            Ks1Result.objects.create(
                school=school,
                pupil=pupils[name],
                year=2022,
                reading=ks1[0],
                writing=ks1[1],
                maths=ks1[2],
            )
    for name in ("Bea", "Cal"):
        Enrolment.objects.create(
            school=school, pupil=pupils[name], teaching_class=classes["4 English"], starts_on=start
        )
    now = timezone.now()
    for name, cells in STANDINGS.items():
        for code, state in cells.items():
            Standing.objects.create(
                school=school,
                pupil=pupils[name],
                objective=objectives[code],
                mastered=state == "secure",
                evidence_count=1,
                last_evidence_at=now,
            )
    return {
        "school": school,
        "maths": maths,
        "english": english,
        "classes": classes,
        "pupils": pupils,
        "objectives": objectives,
        "lane": lane,
    }


# ------------------------------------------------------------------ the figures, from raw rows


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return f"{(Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP)}%"


def _flag(n: int) -> str:
    return " small group" if 0 < n < 6 else ""  # the DfE's threshold: fewer than six pupils


def _traits(school: School) -> dict[int, dict[str, Any]]:
    rows = {}
    for p in Pupil.objects.filter(school=school):
        if p.legal_forename not in PUPILS:
            continue
        rows[p.pk] = {
            "name": p.legal_forename,
            "year": p.year_group,
            "disadvantaged": p.disadvantaged,
            "sen": p.sen_status != "N",
            "eal": p.eal,
            "female": p.gender == "F",
            "prior": PRIOR.get(p.legal_forename, "unknown"),
        }
    return rows


TESTS = {
    "disadvantaged": lambda t: t["disadvantaged"],
    "not-disadvantaged": lambda t: not t["disadvantaged"],
    "sen": lambda t: t["sen"],
    "not-sen": lambda t: not t["sen"],
    "eal": lambda t: t["eal"],
    "female": lambda t: t["female"],
    "not-female": lambda t: not t["female"],
    "prior-low": lambda t: t["prior"] == "low",
    "prior-middle": lambda t: t["prior"] == "middle",
    "prior-high": lambda t: t["prior"] == "high",
    "prior-unknown": lambda t: t["prior"] == "unknown",
}


def _expected(data: dict[str, Any], groups: list[str], year: int | None) -> dict[str, Any]:
    """Cells: each pupil in a maths class × the core maths objectives of their year."""
    school = data["school"]
    traits = _traits(school)
    admitted = {
        pk
        for pk, t in traits.items()
        if all(TESTS[g](t) for g in groups) and (year is None or t["year"] == year)
    }
    maths_classes = {
        e.pupil_id: e.teaching_class.name
        for e in Enrolment.objects.filter(
            school=school, teaching_class__subjects__department=data["maths"]
        ).select_related("teaching_class")
    }
    core = list(
        Objective.objects.filter(
            school=school, core=True, framework__subject__department=data["maths"]
        )
    )
    state = {
        (s.pupil_id, s.objective_id): s.mastered for s in Standing.objects.filter(school=school)
    }
    cells = [
        (pk, o, state.get((pk, o.pk)))
        for pk in admitted
        if pk in maths_classes
        for o in core
        if o.year_group == traits[pk]["year"]
    ]
    secure = sum(1 for _p, _o, m in cells if m)
    by_class: dict[str, list[Any]] = {}
    for pk, _o, m in cells:
        by_class.setdefault(maths_classes[pk], []).append((pk, m))
    classes = [
        [
            name,
            TEACHERS[name],
            f"{len({p for p, _m in rows})}{_flag(len({p for p, _m in rows}))}",
            _pct(sum(1 for _p, m in rows if m), len(rows)),
        ]
        for name, rows in sorted(by_class.items(), key=lambda kv: (kv[0][0], kv[0]))
    ]
    return {
        "secure": _pct(secure, len(cells)),
        "pupils": str(len({p for p, _o, _m in cells})),
        "classes": classes,
        "cells": cells,
        "traits": traits,
    }


def _page(client: Any, data: dict[str, Any], **query: Any) -> str:
    url = reverse(
        "department_dashboard",
        kwargs={"urn": data["school"].urn, "department_id": data["maths"].pk},
    )
    response = client.get(url, query)
    assert response.status_code == 200, query
    return response.content.decode()


def _hod(cast: Cast, data: dict[str, Any], username: str = "otherteacher") -> Any:
    user = get_user_model().objects.get(username=username)
    Membership.objects.create(
        user=user, school=data["school"], role=Role.HOD, department=data["maths"]
    )
    return cast.client(username)


# ------------------------------------------------------------------ the tests


def test_every_figure_follows_the_filters_computed_from_the_raw_rows(cast: Cast) -> None:
    data = build()
    client = _hod(cast, data)
    filters: list[tuple[list[str], int | None]] = [
        ([], None),
        (["disadvantaged"], None),
        (["disadvantaged", "sen"], None),
        (["prior-low"], None),
        (["not-female", "prior-high"], None),
        ([], 4),
        (["disadvantaged"], 5),
        (["eal", "prior-middle"], None),
    ]
    for groups, year in filters:
        query: dict[str, Any] = {"group": groups}
        if year is not None:
            query["year"] = year
        html = _page(client, data, **query)
        expected = _expected(data, groups, year)
        headline = dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)</p>', html))
        assert headline["secure"] == expected["secure"], query
        assert headline["pupils"] == expected["pupils"], query
        shown = [r[:4] for r in _table(html, "Each class's pupils on the core")[1:] if len(r) > 1]
        assert shown == expected["classes"], query
        # Each group row: the group's pupils and share secure, against the other pupils.
        cells, traits = expected["cells"], expected["traits"]
        groups_table = {r[0]: r for r in _table(html, "Each group, and combinations")[1:]}
        for slug, label in (
            ("disadvantaged", "Disadvantaged"),
            ("prior-low", "Low prior attainment"),
            ("sen", "SEN support or EHCP"),
        ):
            inside = [(p, m) for p, _o, m in cells if TESTS[slug](traits[p])]
            others = [(p, m) for p, _o, m in cells if not TESTS[slug](traits[p])]
            n_in, n_out = len({p for p, _m in inside}), len({p for p, _m in others})
            assert groups_table[label][1:5] == [
                f"{n_in}{_flag(n_in)}",
                _pct(sum(1 for _p, m in inside if m), len(inside)),
                f"{n_out}{_flag(n_out)}",
                _pct(sum(1 for _p, m in others if m), len(others)),
            ], (query, label)
        both = [(p, m) for p, _o, m in cells if traits[p]["disadvantaged"] and traits[p]["sen"]]
        row = groups_table["Disadvantaged and SEN support or EHCP"]
        assert row[2] == _pct(sum(1 for _p, m in both if m), len(both)), query
        # The title names every filter.
        lead = re.search(r"data-filters>(.*?)</p>", html, re.S)
        assert lead is not None
        for slug in groups:
            label = {
                "disadvantaged": "Disadvantaged",
                "sen": "SEN support or EHCP",
                "prior-low": "Low prior attainment",
                "not-female": "Boys",
                "prior-high": "High prior attainment",
                "eal": "EAL",
                "prior-middle": "Middle prior attainment",
            }[slug]
            assert label in lead.group(1), query


def test_gaps_to_reteach_are_the_taught_objectives_fewer_than_half_have_secured(cast: Cast) -> None:
    data = build()
    html = _page(_hod(cast, data), data)
    reteach = [r for r in _table(html, "Objectives already taught") if len(r) > 1][1:]
    # F1: Isaac and Cal working, Dee secure, Bea nothing: 1 of 4 (25%), taught. N5: 1 of 2
    # (50%) is not below half. N1 3 of 4, N2 2 of 4: not below half.
    assert [(r[0], r[3], r[4]) for r in reteach] == [
        ("F1 Learning intention F1", "1/4", "25% small group")
    ]
    assert "4 Birch (1)" in reteach[0][5] and "4 Elm (2)" in reteach[0][5]
    urn, elm, birch = data["school"].urn, data["classes"]["4 Elm"].pk, data["classes"]["4 Birch"].pk
    assert f'href="/school/{urn}/markbook/classes/{elm}/gaps/' in html
    assert f'href="/school/{urn}/markbook/classes/{birch}/"' in html


def test_figures_by_teacher_only_where_the_school_allows_and_only_for_head_and_leaders(
    cast: Cast,
) -> None:
    data = build()
    client = _hod(cast, data)
    html = _page(client, data)
    assert "Figures by teacher are off for this department" in html
    assert "Each teacher's classes" not in html
    DepartmentSettings.objects.create(
        school=data["school"],
        department=data["maths"],
        guidance_subject="maths",
        compare_teachers=True,
    )
    rows = _table(_page(client, data), "Each teacher's classes")[1:]
    # Ms Lane: 4 Birch (Cal, Dee: 6 cells, 3 secure... Cal 0, Dee 3) and 5 Ash (1 of 2).
    assert [r[:4] for r in rows] == [
        ["Mr Vance", "4 Elm", "2 small group", "50%"],
        ["Ms Lane", "4 Birch, 5 Ash", "4 small group", "50%"],
    ]
    # The data manager (whole-school, not a leader) sees the department but not the teachers.
    admin = get_user_model().objects.create_user("northfield-admin")
    membership_grant(user=admin, school=data["school"], role=Role.ADMIN, by=None)
    html = (
        cast.client("northfield-admin")
        .get(
            reverse(
                "department_dashboard",
                kwargs={"urn": data["school"].urn, "department_id": data["maths"].pk},
            )
        )
        .content.decode()
    )
    assert "Each teacher's classes" not in html
    assert "for the head of department and senior leaders" in html


def test_only_its_head_and_whole_school_staff_open_a_department(cast: Cast) -> None:
    data = build()
    url = reverse(
        "department_dashboard",
        kwargs={"urn": data["school"].urn, "department_id": data["maths"].pk},
    )
    users = get_user_model().objects
    # A teacher of the department's classes who is not its head: refused.
    assert cast.client("otherteacher").get(url).status_code == 404
    english_head = users.create_user("englishhead")
    Membership.objects.create(
        user=english_head, school=data["school"], role=Role.HOD, department=data["english"]
    )
    assert cast.client("englishhead").get(url).status_code == 404
    leader = users.create_user("northfield-head")
    membership_grant(user=leader, school=data["school"], role=Role.LEADER, by=None)
    assert cast.client("northfield-head").get(url).status_code == 200
    # The demo's people from another school: teacher, pupil, parent, head of maths, leader.
    for username in ("teacher", "pupil", "parent", "hod", "leader"):
        assert cast.client(username).get(url).status_code == 404, username
    # Two values of one characteristic: a clear refusal, not an empty page.
    _hod(cast, data)
    response = cast.client("otherteacher").get(url, {"group": ["sen", "not-sen"]})
    assert response.status_code == 400
    assert "no pupil is in both" in response.content.decode()
    assert cast.client("otherteacher").get(url, {"group": "nonsense"}).status_code == 404


def test_query_count_is_bounded_and_does_not_grow_with_classes(cast: Cast) -> None:
    data = build()
    client = _hod(cast, data)
    client.get(reverse("home"))  # sign-in bookkeeping outside the count

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _page(client, data, group=["disadvantaged"])
        return len(queries)

    before = count()
    school, year = data["school"], data["classes"]["4 Elm"].academic_year
    maths = Subject.objects.get(school=school, name="Maths")
    for n in range(8):  # eight more classes, each with a teacher and a pupil
        extra = Class.objects.create(
            school=school, academic_year=year, name=f"4 X{n}", year_group=4
        )
        extra.subjects.add(maths)
        ClassStaff.objects.create(school=school, teaching_class=extra, staff=data["lane"])
        Enrolment.objects.create(
            school=school,
            pupil=data["pupils"]["Dee"],
            teaching_class=extra,
            starts_on=timezone.localdate() - dt.timedelta(days=3),
        )
    after = count()
    assert after == before
    # Sign-in, memberships, the school, the department; then the page's own reads (nine,
    # and one for the nominal scores when pupils have KS results; see department_selectors).
    assert before <= 18, before
