"""Every figure on the leader's dashboard, checked by hand on tests/reports/dataset.py.

Expected cells: 4 Year 4 pupils × (3 maths + 2 English core objectives) = 20, plus Eve's one
Year 5 maths objective = 21. Secure: Isaac M1 M2 E1, Cal M1 M2 M3 E1 E2, Eve M5 = 9.
Working towards: Isaac M3, Bea M1, Bea E1 = 3. Recent evidence (six weeks): all but Isaac M2
and Bea E1 = 10. Per pupil: Isaac 3/5 = 60%, Bea 0%, Cal 100%, Dee 0%, Eve 100%.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from nextsteps.reports import selectors
from tests.conftest import Cast
from tests.reports.dataset import build


def _gap(board: selectors.SchoolDashboard, key: str) -> selectors.GroupGap:
    return next(g for g in board.gaps if g.key == key)


def test_overall_figures_count_expected_cells_of_each_pupils_own_year(cast: Cast) -> None:
    data = build()
    board = selectors.school_dashboard(school=data.school)
    assert (board.overall.expected, board.overall.secure) == (21, 9)
    assert (board.overall.working, board.overall.not_yet, board.overall.recent) == (3, 9, 10)
    assert board.overall.percent_secure == 42.9
    assert board.overall.percent_covered == 47.6


def test_standings_by_subject_and_year(cast: Cast) -> None:
    board = selectors.school_dashboard(school=build().school)
    maths4 = board.cells[("Mathematics", 4)]
    assert (maths4.expected, maths4.secure, maths4.working, maths4.recent) == (12, 5, 2, 6)
    english4 = board.cells[("English", 4)]
    assert (english4.expected, english4.secure, english4.working, english4.recent) == (8, 3, 1, 3)
    maths5 = board.cells[("Mathematics", 5)]
    assert (maths5.expected, maths5.secure) == (1, 1)
    assert ("English", 5) not in board.cells
    assert board.by_subject["Mathematics"].expected == 13
    assert board.by_year[4].secure == 8
    assert board.subjects == ["English", "Mathematics"] and board.years == [4, 5]


def test_each_pupils_share_and_the_distribution(cast: Cast) -> None:
    board = selectors.school_dashboard(school=build().school)
    shares = {p.name.split()[0]: p.figure.percent_secure for p in board.pupils}
    assert shares == {"Isaac": 60.0, "Bea": 0.0, "Cal": 100.0, "Dee": 0.0, "Eve": 100.0}
    assert board.distribution == [2, 0, 0, 1, 2]


def test_gaps_for_disadvantaged_sen_eal_and_gender(cast: Cast) -> None:
    board = selectors.school_dashboard(school=build().school)
    dis = _gap(board, "disadvantaged")
    assert (dis.with_pupils, dis.with_percent, dis.without_percent, dis.gap) == (
        2,
        50.0,
        53.3,
        -3.3,
    )
    sen = _gap(board, "sen")
    assert (sen.with_percent, sen.without_percent, sen.gap) == (0.0, 65.0, -65.0)
    eal = _gap(board, "eal")
    assert (eal.with_percent, eal.without_percent, eal.gap) == (100.0, 40.0, 60.0)
    girls = _gap(board, "female")
    assert (girls.with_pupils, girls.with_percent, girls.without_percent, girls.gap) == (
        3,
        33.3,
        80.0,
        -46.7,
    )


def test_class_figures_use_the_class_subjects(cast: Cast) -> None:
    data = build()
    board = selectors.school_dashboard(school=data.school)
    classes = {c.name: c for c in board.classes}
    elm = classes["4 Elm"]  # Mathematics only
    assert (elm.pupils, elm.figure.expected, elm.figure.secure, elm.figure.working) == (4, 12, 5, 2)
    ash = classes["5 Ash"]  # no subject: every subject
    assert (ash.pupils, ash.figure.expected, ash.figure.secure) == (1, 1, 1)


def test_trend_comes_from_the_snapshots(cast: Cast) -> None:
    board = selectors.school_dashboard(school=build().school)
    (point,) = board.trend
    # Maths: Isaac and Cal snapshotted, 3 + 3 expected, 2 secure; English: Bea, 2 expected, 0.
    assert (point.by_subject["Mathematics"].expected, point.by_subject["Mathematics"].secure) == (
        6,
        2,
    )
    assert (point.by_subject["English"].expected, point.by_subject["English"].secure) == (2, 0)
    assert point.overall.percent_secure == 25.0


def test_filters_drill_down_to_a_subject_and_a_year(cast: Cast) -> None:
    school = build().school
    english = selectors.school_dashboard(school=school, subject="English")
    assert (english.overall.expected, english.overall.secure) == (8, 3)
    year5 = selectors.school_dashboard(school=school, year=5)
    assert [p.name for p in year5.pupils] == ["Eve Test"]
    assert (year5.overall.expected, year5.overall.secure) == (1, 1)


def test_dashboard_reads_standings_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    school = build().school
    # Out of date (here: never counted), the summary is counted first: a savepoint and its
    # release, the state row made and locked, the core objectives, the counting statement,
    # clearing and writing the rows, saving the state (9), on top of the 8 below less the
    # rows, used as counted.
    with django_assert_max_num_queries(16):
        selectors.school_dashboard(school=school)
    # Up to date: the core objectives, the summary's state with the latest write, its rows,
    # pupils, class subjects, enrolments, points, snapshots = 8, whatever the number of
    # pupils or judgements.
    with django_assert_max_num_queries(8):
        selectors.school_dashboard(school=school)


def test_leader_page_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    client = cast.client("primaryhead")
    url = reverse("leader_dashboard", kwargs={"urn": cast.primary.urn})
    client.get(url)
    # Budget: session, user and access (about 8) + filter choices (2) + the dashboard (8).
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200


def test_leader_page_shows_charts_with_tables_and_drill_down_links(cast: Cast) -> None:
    url = reverse("leader_dashboard", kwargs={"urn": cast.primary.urn})
    html = cast.client("primaryhead").get(url).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 2
    assert "<caption>" in html and "?subject=Mathematics&amp;year=4" in html
    assert (
        reverse("class_dashboard", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
        in html
    )
    year4 = cast.client("primaryhead").get(url, {"year": 4}).content.decode()
    amara = reverse("pupil_report", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    assert amara in year4


def test_group_drill_down_lists_only_that_groups_pupils(cast: Cast) -> None:
    response = cast.client("primaryhead").get(
        reverse("leader_dashboard", kwargs={"urn": cast.primary.urn}), {"group": "eal"}
    )
    assert all(p.eal for p in response.context["pupils"])
    assert (
        cast.client("primaryhead")
        .get(reverse("leader_dashboard", kwargs={"urn": cast.primary.urn}), {"group": "nonsense"})
        .status_code
        == 404
    )


@pytest.mark.parametrize("table", ["subjects", "classes", "groups", "trend", "pupils"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_dashboard_table_exports(cast: Cast, table: str, fmt: str) -> None:
    url = reverse(f"leader_dashboard_{fmt}", kwargs={"urn": cast.primary.urn})
    response = cast.client("primaryhead").get(url, {"table": table})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet["A1"].value
    else:
        assert response.content.decode("utf-8-sig").count("\n") >= 1


def test_export_figures_match_the_hand_checked_dataset(cast: Cast) -> None:
    data = build()
    client = cast.client("otherteacher")
    # A teacher does not see the whole school; so grant the figure through a leader's role.
    from nextsteps.accounts.models import Role, User
    from nextsteps.accounts.services import membership_grant

    membership_grant(
        user=User.objects.get(username="otherteacher"),
        school=data.school,
        role=Role.LEADER,
        by=None,
    )
    url = reverse("leader_dashboard_csv", kwargs={"urn": data.school.urn})
    text = client.get(url, {"table": "subjects"}).content.decode("utf-8-sig")
    assert "Mathematics,Year 4,12,5,2,5,41.7,50.0" in text


def test_teachers_and_parents_do_not_see_the_leaders_dashboard(cast: Cast) -> None:
    url = reverse("leader_dashboard", kwargs={"urn": cast.primary.urn})
    for username in ("teacher", "ta", "parent", "pupil", "otherteacher"):
        assert cast.client(username).get(url).status_code == cast.refused(username), username
    for username in ("primaryhead", "admin", "trustleader"):
        assert cast.client(username).get(url).status_code == 200, username
