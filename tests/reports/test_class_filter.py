"""The class dashboard's group filter: for each group and several combinations, every figure and
list on the page (the gaps to act on, the self-assessment mismatches, the feedback awaiting a
response, the export) equals the same thing computed here from the raw rows (standings,
enrolments, pupils' characteristics, judgements, feedback), not through the product's
selectors; the filter does not change the page's query count nor who may open it; links from
the school and department views carry it.

The class is 4 Elm from tests/reports/dataset.py: Isaac, Bea, Cal and Dee (Year 4, maths M1–M3
core). Bea is persistently absent; KS1 results give Isaac middle, Bea low and Cal high prior
attainment, and Dee none (unknown).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nextsteps.accounts.models import Role
from nextsteps.curriculum.models import Objective, Strand
from nextsteps.feedback.models import Feedback
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.people.kernels.attendance import is_persistent_absence
from nextsteps.people.models import Attendance, AttendanceSource, Pupil
from nextsteps.progress.models import Ks1Result
from nextsteps.schools.models import Department, Subject
from nextsteps.teaching.models import Enrolment
from tests.conftest import Cast
from tests.reports.dataset import Dataset, build
from tests.reports.test_class_and_trust_figures import _grant, _with_self_assessments
from tests.reports.test_filtered_figures import GROUP_LABELS, GROUP_TEST, KS1, PRIOR, _table

COMBINATIONS: list[tuple[str, ...]] = [
    *((slug,) for slug in GROUP_TEST),
    ("disadvantaged", "sen"),
    ("disadvantaged", "not-sen"),
    ("not-disadvantaged", "female"),
    ("female", "prior-unknown", "not-eal"),
    ("not-female", "not-persistent_absence"),
]


def _setting(data: Dataset) -> None:
    """Attendance, KS1 results, self-assessments and feedback awaiting a response."""
    today = timezone.localdate()
    for name, attended in (("Bea", 85), ("Isaac", 98)):  # Bea misses 15%: persistent
        Attendance.objects.create(
            school=data.school,
            pupil=data.pupils[name],
            year_starting=today.year if today.month >= 9 else today.year - 1,
            possible_sessions=100,
            attended_sessions=attended,
            as_of=today,
            source=AttendanceSource.FILE,
        )
    for name, outcomes in KS1.items():
        Ks1Result.objects.create(
            school=data.school,
            pupil=data.pupils[name],
            year=today.year - 3,
            reading=outcomes[0],
            writing=outcomes[1],
            maths=outcomes[2],
        )
    _with_self_assessments(data)
    for name in ("Isaac", "Bea", "Cal", "Dee"):
        Feedback.objects.create(
            school=data.school,
            pupil=data.pupils[name],
            teaching_class=data.elm,
            next_step=f"Next step for {name}",
            given_at=timezone.now() - dt.timedelta(days=2),
        )


def _admitted(data: Dataset, chosen: tuple[str, ...]) -> set[int]:
    """The class's pupils in every chosen group, from the pupils' own rows."""
    today = timezone.localdate()
    year_start = today.year if today.month >= 9 else today.year - 1
    absent = {
        a.pupil_id: is_persistent_absence(a.attended_sessions, a.possible_sessions, year_start)
        for a in Attendance.objects.filter(school=data.school, year_starting=year_start)
    }
    members = set(
        Enrolment.objects.filter(teaching_class=data.elm, ends_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    found = set()
    for p in Pupil.objects.filter(pk__in=members).values(
        "pk", "legal_forename", "gender", "disadvantaged", "sen_status", "eal"
    ):
        traits = {
            **p,
            "persistent_absence": absent.get(p["pk"]),
            "prior": PRIOR[p["legal_forename"]],
        }
        if all(GROUP_TEST[slug](traits) for slug in chosen):
            found.add(p["pk"])
    return found


def _expected_gaps(data: Dataset, admitted: set[int]) -> list[tuple[str, str, list[str]]]:
    """Core Year 4 maths objectives with evidence for some admitted pupil and not all of them
    secure: (code, "secure/total", not secure), the smallest share first, then position."""
    names = {p.pk: p.legal_forename for p in Pupil.objects.filter(pk__in=admitted)}
    standings = {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(school=data.school, pupil_id__in=admitted)
    }
    rows = []
    for objective in Objective.objects.filter(
        framework=data.objectives["M1"].framework, core=True, year_group=4
    ):
        secure = [pk for pk in admitted if (s := standings.get((pk, objective.pk))) and s.mastered]
        evidenced = [
            pk for pk in admitted if (s := standings.get((pk, objective.pk))) and s.evidence_count
        ]
        if not evidenced or len(secure) == len(admitted):
            continue
        rows.append(
            (
                len(secure) / len(admitted),
                objective.position,
                objective.code,
                f"{len(secure)}/{len(admitted)}",
                sorted(names[pk] for pk in admitted if pk not in secure),
            )
        )
    return [(code, figure, who) for _s, _p, code, figure, who in sorted(rows)]


def _expected_mismatches(data: Dataset, admitted: set[int]) -> list[tuple[str, str, str]]:
    """(pupil, objective, their latest self-assessment's level) where it differs from the
    teacher's standing on a core objective of the class's year."""
    latest: dict[tuple[int, int], Judgement] = {}
    for judgement in Judgement.objects.filter(
        pupil_id__in=admitted, source=JudgementSource.SELF, kind=Judgement.Kind.RECORD
    ).order_by("recorded_at", "pk"):
        latest[(judgement.pupil_id, judgement.objective_id)] = judgement
    found = []
    for (pupil_id, objective_id), judgement in latest.items():
        standing = Standing.objects.filter(pupil_id=pupil_id, objective_id=objective_id).first()
        if standing is None or standing.level is None or judgement.level is None:
            continue
        if judgement.level.position != standing.level.position:
            found.append(
                (
                    Pupil.objects.get(pk=pupil_id).legal_forename,
                    Objective.objects.get(pk=objective_id).code,
                    judgement.level.label,
                )
            )
    return sorted(found)


def _section(html: str, title_id: str) -> str:
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</section>", start)]


def _client(cast: Cast, data: Dataset) -> Any:
    _grant("otherteacher", data, Role.LEADER)
    return cast.client("otherteacher")


def test_every_figure_on_the_class_page_follows_every_group_filter(cast: Cast) -> None:
    data = build()
    _setting(data)
    client = _client(cast, data)
    kwargs = {"urn": data.school.urn, "class_id": data.elm.pk}
    url = reverse("class_dashboard", kwargs=kwargs)
    page = client.get(url).content.decode()
    assert re.findall(r'<select[^>]*name="([^"]+)"', page) == ["group"] * 6
    checked = 0
    for chosen in [(), *COMBINATIONS]:
        admitted = _admitted(data, chosen)
        response = client.get(url, {"group": list(chosen)})
        assert response.status_code == 200, chosen
        html = response.content.decode()
        # Gaps to act on.
        expected = _expected_gaps(data, admitted)
        shown = [
            (row[0].split()[0], row[1].replace(" small group", ""), row[2])
            for row in _table(html, "Gaps in Mathematics framework", optional=True)[1:]
        ]
        assert [(code, figure) for code, figure, _who in shown] == [
            (code, figure) for code, figure, _who in expected
        ], chosen
        for (_code, _figure, names), (_c, _f, who) in zip(shown, expected, strict=True):
            assert sorted(n.split()[0] for n in names.split(", ")) == who, chosen
        # Small groups are flagged on every gap, never hidden.
        for row in _table(html, "Gaps in Mathematics framework", optional=True)[1:]:
            assert row[1].endswith("small group") == bool(chosen), chosen
        # Self-assessment mismatches.
        mismatches = [
            (row[0].split()[0], row[1], re.sub(r" (more|less) confident$", "", row[2]))
            for row in _table(html, "Pupils whose own rating")[1:]
            if len(row) == 4
        ]
        assert sorted(mismatches) == _expected_mismatches(data, admitted), chosen
        # Feedback awaiting a response: only the admitted pupils'.
        feedback = _section(html, "feedback-title")
        names = {p.legal_forename for p in data.pupils.values() if p.pk in admitted}
        for name in ("Isaac", "Bea", "Cal", "Dee"):
            assert (f"Next step for {name}" in feedback) == (name in names), (chosen, name)
        # The title names the filter and counts its pupils; a small group is flagged.
        lead = re.search(r'<p class="page-lead" data-filters>(.*?)</p>', html, re.S)
        assert lead is not None
        title = " ".join(lead.group(1).split())
        if chosen:
            assert title.startswith(f"{len(admitted)} of 4 pupil"), (chosen, title)
            for slug in chosen:
                assert GROUP_LABELS[slug] in title, chosen
            assert ("small group" in title) == (len(admitted) > 0), chosen
            assert ("data-small-group" in html) == (len(admitted) > 0), chosen
        else:
            assert title.startswith("4 pupils"), title
            assert "small group" not in html
        # The export links carry the filter, and the export is of the filtered pupils.
        for slug in chosen:
            assert f"group={slug}" in _section(html, "gaps-title"), chosen
        export = client.get(
            reverse("class_dashboard_csv", kwargs=kwargs), {"group": list(chosen), "table": "gaps"}
        ).content.decode("utf-8-sig")
        exported = list(csv.reader(io.StringIO(export)))[1:]
        assert [(r[1], f"{r[3]}/{r[4]}") for r in exported] == [
            (code, figure) for code, figure, _who in expected
        ], chosen
        checked += 1
    assert checked == 1 + 14 + 5


def test_the_filter_does_not_change_the_query_count(cast: Cast) -> None:
    data = build()
    _setting(data)
    client = _client(cast, data)
    url = reverse("class_dashboard", kwargs={"urn": data.school.urn, "class_id": data.elm.pk})
    client.get(url)
    counts = []
    for query in ({}, {"group": "disadvantaged"}, {"group": ["disadvantaged", "sen"]}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, query).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_the_filter_changes_no_ones_access(cast: Cast) -> None:
    for name in ("class_dashboard", "class_dashboard_csv"):
        url = reverse(name, kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
        for query in ({}, {"group": "disadvantaged"}, {"group": ["sen", "prior-low"]}):
            assert cast.client("teacher").get(url, query).status_code == 200, (name, query)
            for username in ("parent", "pupil", "otherteacher", "hod"):
                # Not staff: told plainly (403); staff outside the class: not found (404).
                expected = cast.refused(username) if username in ("parent", "pupil") else 404
                response = cast.client(username).get(url, query)
                assert response.status_code == expected, (name, username, query)


def test_a_bad_filter_says_what_is_wrong(cast: Cast) -> None:
    data = build()
    client = _client(cast, data)
    url = reverse("class_dashboard", kwargs={"urn": data.school.urn, "class_id": data.elm.pk})
    assert client.get(url, {"group": "nonsense"}).status_code == 404
    response = client.get(url, {"group": ["female", "not-female"]})
    assert response.status_code == 400
    assert "no pupil is in both" in response.content.decode()


def test_school_and_department_views_link_to_the_class_with_their_groups(cast: Cast) -> None:
    data = build()
    client = _client(cast, data)
    class_url = reverse("class_dashboard", kwargs={"urn": data.school.urn, "class_id": data.elm.pk})
    query = {"group": ["disadvantaged", "sen"]}
    leader = client.get(reverse("leader_dashboard", kwargs={"urn": data.school.urn}), query)
    assert f'href="{class_url}?group=disadvantaged&amp;group=sen"' in leader.content.decode()
    department = Department.objects.create(school=data.school, name="Mathematics")
    Subject.objects.filter(pk=data.objectives["M1"].framework.subject_id).update(
        department=department
    )
    html = client.get(
        reverse(
            "department_dashboard",
            kwargs={"urn": data.school.urn, "department_id": department.pk},
        ),
        {**query, "year": 4},
    ).content.decode()
    # The class page has no year or subject filter: only the groups go with the link.
    assert f'href="{class_url}?group=disadvantaged&amp;group=sen"' in html


def test_a_strand_not_yet_taught_says_so_rather_than_none_secure(cast: Cast) -> None:
    data = build()
    client = _client(cast, data)
    department = Department.objects.create(school=data.school, name="Mathematics")
    framework = data.objectives["M1"].framework
    Subject.objects.filter(pk=framework.subject_id).update(department=department)
    # A second Year 4 strand whose one core objective has no evidence yet.
    strand = Strand.objects.create(
        school=data.school, framework=framework, code="G", name="Geometry", position=2
    )
    Objective.objects.create(
        school=data.school,
        framework=framework,
        strand=strand,
        code="G1",
        wording="Learning intention G1",
        pupil_wording="I can do G1",
        year_group=4,
        core=True,
        position=10,
    )
    html = client.get(
        reverse(
            "department_dashboard",
            kwargs={"urn": data.school.urn, "department_id": department.pk},
        )
    ).content.decode()
    rows = {r[1]: r for r in _table(html, "Each strand's core objectives")[1:]}
    geometry = rows["Geometry Mathematics framework"]
    assert geometry[3:] == ["not yet taught", "–", "–", "–"]
    # The taught strand keeps its figure: 5 of 12 cells secure (M1–M3 for four pupils).
    taught = rows["Strand Mathematics framework"]
    assert taught[3] == "42%"
