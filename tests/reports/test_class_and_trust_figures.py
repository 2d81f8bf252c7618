"""The teacher's class dashboard and the trust dashboard, checked by hand on
tests/reports/dataset.py, with their exports and query budgets.

4 Elm (Mathematics; Isaac, Bea, Cal, Dee) on the Year 4 core objectives M1, M2, M3:
M1 secure for Isaac and Cal (2 of 4), M2 secure for Isaac and Cal (2 of 4), M3 secure for Cal
only (1 of 4). Fewest secure first, then by position: M3, M1, M2.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.curriculum.models import ScaleLevel
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.reports import class_selectors, selectors
from tests.conftest import Cast
from tests.reports.dataset import Dataset, build


def _with_self_assessments(data: Dataset) -> None:
    """A four-level scale used for both the teacher and the pupils; Bea rates herself top on
    M1 where the teacher has her at the bottom (more confident), Cal rates himself bottom
    where he is at the top (less confident), Isaac agrees with the teacher."""
    framework = data.objectives["M1"].framework
    scale = framework.scale
    levels = {
        n: ScaleLevel.objects.create(
            scale=scale, position=n, label=label, value=Decimal(n), school=scale.school
        )
        for n, label in ((1, "Beginning"), (2, "Developing"), (3, "Secure"), (4, "Deep"))
    }
    framework.self_scale = scale
    framework.save(update_fields=["self_scale"])
    m1 = data.objectives["M1"]
    for name, teacher, self_level in (("Bea", 1, 4), ("Cal", 4, 1), ("Isaac", 3, 3)):
        pupil = data.pupils[name]
        Standing.objects.filter(pupil=pupil, objective=m1).update(level=levels[teacher])
        Judgement.objects.create(
            school=data.school,
            pupil=pupil,
            objective=m1,
            level=levels[self_level],
            value=levels[self_level].value,
            source=JudgementSource.SELF,
        )


def _grant(username: str, data: Dataset, role: str) -> Any:
    user = User.objects.get(username=username)
    membership_grant(user=user, school=data.school, role=role, by=None)
    return user


def test_class_gaps_are_the_taught_core_objectives_fewest_secure_first(cast: Cast) -> None:
    data = build()
    board = class_selectors.class_dashboard(teaching_class=data.elm)
    (maths,) = board.gaps
    assert [(r.objective.code, r.secure, r.total) for r in maths.rows] == [
        ("M3", 1, 4),
        ("M1", 2, 4),
        ("M2", 2, 4),
    ]
    names = {r.objective.code: [p.legal_forename for p in r.not_secure] for r in maths.rows}
    assert sorted(names["M3"]) == ["Bea", "Dee", "Isaac"]
    assert sorted(names["M1"]) == ["Bea", "Dee"]


def test_class_mismatches_are_pupils_a_level_or_more_away_from_the_teacher(cast: Cast) -> None:
    data = build()
    _with_self_assessments(data)
    board = class_selectors.class_dashboard(teaching_class=data.elm)
    found = sorted((c.pupil.legal_forename, c.objective.code, c.verdict) for c in board.mismatches)
    assert found == [("Bea", "M1", "over"), ("Cal", "M1", "under")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_class_dashboard_tables_export_with_the_hand_checked_figures(cast: Cast, fmt: str) -> None:
    data = build()
    _with_self_assessments(data)
    _grant("otherteacher", data, Role.LEADER)
    client = cast.client("otherteacher")
    kwargs = {"urn": data.school.urn, "class_id": data.elm.pk}
    url = reverse(f"class_dashboard_{fmt}", kwargs=kwargs)

    def table(name: str) -> list[list[str]]:
        response = client.get(url, {"table": name})
        assert response.status_code == 200
        if fmt == "csv":
            return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]

    gaps = table("gaps")
    assert gaps[0][:5] == ["Framework", "Objective", "Wording", "Secure", "Pupils"]
    assert [(row[1], row[3], row[4]) for row in gaps[1:]] == [
        ("M3", "1", "4"),
        ("M1", "2", "4"),
        ("M2", "2", "4"),
    ]
    mismatches = table("mismatches")
    assert sorted((row[0].split()[0], row[1], row[2], row[3]) for row in mismatches[1:]) == [
        ("Bea", "M1", "Deep", "Beginning"),
        ("Cal", "M1", "Beginning", "Deep"),
    ]
    assert client.get(url, {"table": "nonsense"}).status_code == 404


def test_class_dashboard_exports_are_for_the_classs_staff_only(cast: Cast) -> None:
    url = reverse(
        "class_dashboard_csv", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}
    )
    assert cast.client("teacher").get(url).status_code == 200
    for username in ("parent", "pupil", "otherteacher", "hod"):
        assert cast.client(username).get(url).status_code == cast.refused(username), username


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_leader_distribution_table_exports(cast: Cast, fmt: str) -> None:
    data = build()
    _grant("otherteacher", data, Role.LEADER)
    url = reverse(f"leader_dashboard_{fmt}", kwargs={"urn": data.school.urn})
    response = cast.client("otherteacher").get(url, {"table": "distribution"})
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    # Isaac 60%, Bea 0%, Cal 100%, Dee 0%, Eve 100%.
    assert rows == [
        ["Share secure", "Pupils"],
        ["0–19%", "2"],
        ["20–39%", "0"],
        ["40–59%", "0"],
        ["60–79%", "1"],
        ["80–100%", "2"],
    ]


def test_trust_figures_are_each_schools_own_dashboard_figures(cast: Cast) -> None:
    data = build()
    (line,) = selectors.trust_dashboard(schools=[data.school])
    assert line.pupils == 5
    assert (line.overall.expected, line.overall.secure, line.overall.recent) == (21, 9, 10)
    assert line.overall.percent_secure == 42.9
    maths, english = line.by_subject["Mathematics"], line.by_subject["English"]
    assert (maths.expected, maths.secure, english.expected, english.secure) == (13, 6, 8, 3)
    gaps = {g.key: g.gap for g in line.gaps}
    assert gaps == {
        "disadvantaged": -3.3,
        "sen": -65.0,
        "eal": 60.0,
        "female": -46.7,
        "persistent_absence": None,  # no attendance recorded in this trust
    }


def test_trust_export_has_the_hand_checked_figures(cast: Cast) -> None:
    data = build()
    trust = data.school.trust
    assert trust is not None
    from nextsteps.accounts.models import TrustMembership

    TrustMembership.objects.create(user=User.objects.get(username="otherteacher"), trust=trust)
    url = reverse("trust_dashboard_csv", kwargs={"trust": trust.slug})
    rows = list(
        csv.DictReader(
            io.StringIO(cast.client("otherteacher").get(url).content.decode("utf-8-sig"))
        )
    )
    mine = next(row for row in rows if row["School"] == data.school.name)
    assert (mine["Pupils"], mine["% secure"], mine["% with recent evidence"]) == (
        "5",
        "42.9",
        "47.6",
    )
    assert (mine["English"], mine["Mathematics"]) == ("37.5", "46.2")
    assert mine["Gap: Disadvantaged (pupil premium)"] == "-3.3"


def test_trust_dashboard_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    client = cast.client("trustleader")
    url = reverse("trust_dashboard", kwargs={"trust": "riverbend"})
    client.get(url)
    # Budget: session, user and access (7) + each school's dashboard figures (8 for each of
    # the trust's 2 schools, and one more where pupils have key stage results, for the prior
    # attainment bands) + results: the secondary's KS4 cohorts, pupils, tables with their
    # groups and nominal scores (5); the primary's KS2 years, pupils and table (3). It grows
    # with the number of schools, never with pupils.
    with django_assert_max_num_queries(7 + 9 * 2 + 5 + 3):
        assert client.get(url).status_code == 200


def test_class_dashboard_query_count_does_not_grow_with_the_class(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    data = build()
    _with_self_assessments(data)
    _grant("otherteacher", data, Role.LEADER)
    client = cast.client("otherteacher")
    url = reverse("class_dashboard", kwargs={"urn": data.school.urn, "class_id": data.elm.pk})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # Ten more pupils in the class, each with evidence and a self-assessment.
    from nextsteps.people.models import Pupil
    from nextsteps.people.upn import upn_make
    from nextsteps.teaching.models import Enrolment

    m1 = data.objectives["M1"]
    for n in range(10):
        pupil = Pupil.objects.create(
            school=data.school,
            upn=upn_make(la=851, estab=2001, year=22, serial=100 + n),
            legal_forename=f"Extra{n}",
            legal_surname="Test",
            date_of_birth="2017-02-01",
            gender="F",
            year_group=4,
            admission_date="2022-09-05",
        )
        Enrolment.objects.create(
            school=data.school, pupil=pupil, teaching_class=data.elm, starts_on="2026-09-03"
        )
        Standing.objects.create(
            school=data.school, pupil=pupil, objective=m1, mastered=False, evidence_count=1
        )
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_negative_gaps_export_as_numbers_not_as_quoted_text(cast: Cast) -> None:
    data = build()
    _grant("otherteacher", data, Role.LEADER)
    client = cast.client("otherteacher")
    text = client.get(
        reverse("leader_dashboard_csv", kwargs={"urn": data.school.urn}), {"table": "groups"}
    ).content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert rows["Disadvantaged (pupil premium)"][-1] == "-3.3"
    xlsx = client.get(
        reverse("leader_dashboard_xlsx", kwargs={"urn": data.school.urn}), {"table": "groups"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["H2"].value == -3.3  # a number the spreadsheet can work with


def test_trust_gaps_table_exports_each_groups_means_and_gap(cast: Cast) -> None:
    data = build()
    trust = data.school.trust
    assert trust is not None
    from nextsteps.accounts.models import TrustMembership

    TrustMembership.objects.create(user=User.objects.get(username="otherteacher"), trust=trust)
    url = reverse("trust_dashboard_csv", kwargs={"trust": trust.slug})
    text = cast.client("otherteacher").get(url, {"table": "gaps"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = next(row for row in rows if row["School"] == data.school.name)
    # Disadvantaged: Bea 0% and Cal 100% (mean 50.0) against Isaac 60%, Dee 0%, Eve 100% (53.3).
    assert (
        mine["Disadvantaged: mean % secure"],
        mine["Others: mean % secure"],
        mine["Gap: Disadvantaged"],
    ) == ("50.0", "53.3", "-3.3")
    assert (mine["Girls: mean % secure"], mine["Boys: mean % secure"]) == ("33.3", "80.0")
