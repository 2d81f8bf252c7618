"""The leaders' progress pages: the figures are the kernel's, by group, for the right people."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from nextsteps.accounts.models import TrustMembership, User
from nextsteps.people.models import Pupil
from nextsteps.progress.kernels.baselines import shipped_rules
from nextsteps.progress.kernels.tables import DATA_DIR
from nextsteps.progress.models import Ks2Result, Ks4Result, ReferenceTable
from nextsteps.schools.models import Trust
from tests.conftest import PERSONAS, Cast
from tests.progress.progress_db import (
    HAND_YEAR,
    KS2_HAND_YEAR,
    build_ks2_cohort,
    build_p8_cohort,
    ks2_cli_file,
    p8_cli_file,
    run_cli,
)
from tests.progress.progress_helpers import HAND_ESTIMATES, HAND_KS1_KS2, HAND_SD, write


def demo_year() -> int:
    """The demo's latest Year 11 leavers with a KS2 baseline (2024 while last summer's, 2026,
    have none: the rule table)."""
    years = Ks4Result.objects.values_list("year", flat=True).order_by("-year").distinct()
    return next(y for y in years if shipped_rules().rule("progress8", y).available)


def primary_demo_year() -> int:
    return Ks2Result.objects.values_list("year", flat=True).order_by("-year")[0]


def p8_url(cast: Cast, year: int) -> str:
    return f"/school/{cast.secondary.urn}/progress/p8/{year}/"


# --- the figures are the kernel's -------------------------------------------------------


def test_leaders_page_shows_the_kernels_progress8_for_a_hand_built_cohort(
    cast: Cast, tmp_path: Path
) -> None:
    pupils = build_p8_cohort(cast.secondary)
    estimates = write(tmp_path, "estimates.csv", HAND_ESTIMATES)
    sd = write(tmp_path, "sd.csv", HAND_SD)
    expected = run_cli(
        ["p8", "--pupils", str(p8_cli_file(pupils, tmp_path)), "--estimates", str(estimates)]
        + ["--sd", str(sd)],
        tmp_path,
    )

    response = cast.client("leader").get(p8_url(cast, HAND_YEAR))

    assert response.status_code == 200
    assert response.context["table"].source == ReferenceTable.TableSource.UPLOAD
    assert response.context["report"] == expected
    # Worked by hand: +0.4, −0.2, +0.6, +0.4, +1.05, +0.1, −0.5 over 7 pupils = +0.2643.
    school = response.context["report"]["school"]
    assert (school["n"], school["progress8"], school["excluded"]) == (7, 0.26, 1)
    # 1.96 × 1.5 / √7 = 1.111: the interval holds 0.
    assert (school["ci_low"], school["ci_high"], school["band"]) == (-0.85, 1.38, "average")
    html = response.content.decode()
    assert 'data-testid="progress8-score">+0.26<' in html
    assert "No usable KS2 reading or maths result" in html


def test_group_breakdowns_have_n_score_interval_and_flag_small_groups(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)

    response = cast.client("leader").get(p8_url(cast, HAND_YEAR))

    groups = response.context["report"]["groups"]
    assert set(groups) == {"disadvantaged", "sen", "eal", "gender", "prior_attainment"}
    disadvantaged = groups["disadvantaged"]["yes"]
    # (+0.4 − 0.2) / 2 = +0.1; 1.96 × 1.5 / √2 = 2.08
    assert disadvantaged == {
        "n": 2,
        "progress8": 0.1,
        "ci_low": -1.98,
        "ci_high": 2.18,
        "band": "average",
        "pupils": 2,
        "small": True,
    }
    assert groups["disadvantaged"]["no"]["n"] == 5
    assert groups["disadvantaged"]["no"]["pupils"] == 6  # the pupil with no KS2 is counted here
    assert groups["prior_attainment"]["not known"]["n"] == 0
    # Seven pupils with a score: every group has fewer than 6, and each is shown and flagged.
    rows = [row for section in response.context["sections"] for row in section.rows]
    assert len(rows) == 13
    assert all(row.small for row in rows)
    assert response.content.decode().count('class="small-flag"') == 13


def test_ks1_to_ks2_page_shows_the_kernels_figures(cast: Cast, tmp_path: Path) -> None:
    pupils = build_ks2_cohort(cast.primary)
    table = write(tmp_path, "ks1_ks2.csv", HAND_KS1_KS2)
    expected = run_cli(
        ["ks2", "--pupils", str(ks2_cli_file(pupils, tmp_path)), "--pag", str(table)], tmp_path
    )

    response = cast.client("primaryhead").get(
        f"/school/{cast.primary.urn}/progress/ks2/{KS2_HAND_YEAR}/"
    )

    assert response.status_code == 200
    assert response.context["report"] == expected
    reading = response.context["report"]["school"]["reading"]
    # KS1 averages 14.5 (PAG 2, national 100), 20 (PAG 3, 108), 7.5 (PAG 1, 90), 16.5, 14, 14;
    # the pupil absent at KS1 is out: (+1 + 4 + 2 − 4 − 2 + 0) / 6 = +0.17.
    assert (reading["n"], reading["score"]) == (6, 0.17)
    reasons = {line.pupil.pk: line.reason for line in response.context["excluded"]}
    assert reasons == {
        pupils[5].pk: "No usable KS1 result in reading, writing and maths",
        pupils[6].pk: "No usable KS2 result in mathematics",
    }


def test_ks1_to_ks2_page_asks_for_a_table_rather_than_inventing_one(cast: Cast) -> None:
    response = cast.client("primaryhead").get(
        f"/school/{cast.primary.urn}/progress/ks2/{primary_demo_year()}/"
    )

    assert response.status_code == 200
    assert response.context["table"] is None
    assert "No KS1 to KS2 table" in response.content.decode()
    reading = response.context["attainment"][0]
    assert reading.subject == "reading"
    assert reading.pupils == 58


def test_demo_leavers_show_progress8_against_the_dfe_2024_estimates(
    cast: Cast, tmp_path: Path
) -> None:
    year = demo_year()
    pupils = list(Pupil.objects.filter(school=cast.secondary, ks4_result__year=year))
    expected = run_cli(
        ["p8", "--pupils", str(p8_cli_file(pupils, tmp_path))]
        + ["--estimates", str(DATA_DIR / "progress8_estimates_2024.csv")]
        + ["--sd", str(DATA_DIR / "progress8_sd_2024.csv")],
        tmp_path,
    )

    response = cast.client("leader").get(p8_url(cast, year))

    table = response.context["table"]
    assert (table.source, table.year) == (ReferenceTable.TableSource.DFE, 2024)
    assert response.context["report"] == expected
    assert expected["school"]["attainment8"]["n"] == 120
    others = expected["groups"]["disadvantaged"]["no"]
    assert others["n"] >= 6 and others["small"] is False
    html = response.content.decode()
    if year == 2024:  # the DfE's own estimates for the cohort: nothing provisional
        assert "Provisional." not in html
    else:  # a later cohort against the latest shipped estimates: the table year said plainly
        assert f"estimates for {year} are not loaded" in html


def test_explanation_quotes_the_numbers_behind_the_headline(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)

    html = cast.client("leader").get(p8_url(cast, HAND_YEAR)).content.decode()

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "1.96 × 1.5 ÷ √7 = 1.11" in text
    assert "The interval includes 0, so the score cannot be told apart" in text
    assert "average of the 7 pupils' scores: +0.26" in text


def test_chart_is_an_accessible_svg_with_no_script_or_inline_style(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)

    html = cast.client("leader").get(p8_url(cast, HAND_YEAR)).content.decode()

    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # two charts, each drawn wide and compact
    for svg in svgs:
        assert 'role="img"' in svg and "<title " in svg and "<desc " in svg
        assert "style=" not in svg
    assert "<script>" not in html and " style=" not in html
    assert "<caption>Progress 8 and element scores</caption>" in html  # the data table


def test_choosing_the_trusts_provisional_estimates(cast: Cast) -> None:
    year = demo_year()
    provisional = ReferenceTable.objects.get(source=ReferenceTable.TableSource.TRUST, year=year)

    response = cast.client("leader").get(p8_url(cast, year) + f"?table={provisional.pk}")

    assert response.context["table"] == provisional
    assert "Provisional." in response.content.decode()
    # Against estimates from the trust's own pupils, a one-secondary trust scores 0.
    assert response.context["report"]["school"]["progress8"] == 0.0


# --- who may see the pages --------------------------------------------------------------


@pytest.mark.parametrize("username", PERSONAS)
def test_only_the_schools_leaders_and_data_manager_see_progress8(cast: Cast, username: str) -> None:
    status = cast.client(username).get(p8_url(cast, demo_year())).status_code

    assert status == (
        200 if username in {"leader", "admin"} else cast.refused(username, cast.secondary)
    )


def test_another_schools_leader_cannot_see_the_page(cast: Cast) -> None:
    assert cast.client("primaryhead").get(p8_url(cast, demo_year())).status_code == 404


def test_trust_leader_sees_the_trusts_schools_but_not_another_trusts(cast: Cast) -> None:
    riverbend = User.objects.create_user("trustlead")
    TrustMembership.objects.create(user=riverbend, trust=cast.secondary.trust)
    elsewhere = User.objects.create_user("otherlead")
    TrustMembership.objects.create(user=elsewhere, trust=Trust.objects.get(slug="northfield"))
    inside, outside = Client(), Client()
    inside.force_login(riverbend)
    outside.force_login(elsewhere)

    assert inside.get(p8_url(cast, demo_year())).status_code == 200
    assert outside.get(p8_url(cast, demo_year())).status_code == 404
    assert outside.get(f"/school/{cast.other.urn}/progress/").status_code == 200


def test_a_year_without_results_is_not_found(cast: Cast) -> None:
    assert cast.client("leader").get(p8_url(cast, 1999)).status_code == 404


def test_another_schools_uploaded_table_cannot_be_opened(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)
    table = ReferenceTable.objects.get(source=ReferenceTable.TableSource.UPLOAD, year=HAND_YEAR)
    urn = cast.primary.urn

    assert (
        cast.client("primaryhead").get(f"/school/{urn}/progress/tables/{table.pk}/").status_code
        == 404
    )
    response = cast.client("leader").get(
        f"/school/{cast.secondary.urn}/progress/tables/{table.pk}/"
    )
    assert response.status_code == 200


def test_leader_home_links_to_progress_measures(cast: Cast) -> None:
    html = cast.client("leader").get(f"/school/{cast.secondary.urn}/leader/").content.decode()

    assert f'href="/school/{cast.secondary.urn}/progress/"' in html


# --- query budgets ----------------------------------------------------------------------


def test_progress8_page_query_count_does_not_grow_with_the_cohort(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("leader")
    url = p8_url(cast, demo_year())
    client.get(url)  # warm the session and the shipped-table caches
    # Session, user, second factor, memberships (4); cohorts (1); tables with their groups
    # (2); the 120 pupils with their results (1); nominal scores (1); the layout's
    # notification count (1). Measured: 10 with 120 pupils, as with 8.
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_ks1_ks2_page_query_count_is_bounded(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    build_ks2_cohort(cast.primary)
    client = cast.client("primaryhead")
    url = f"/school/{cast.primary.urn}/progress/ks2/{KS2_HAND_YEAR}/"
    client.get(url)
    # As for Progress 8: 4 to sign in, cohorts, tables and groups, pupils, nominal scores,
    # and the layout's 1. Measured: 10.
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_progress_home_lists_cohorts_in_few_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("leader")
    url = f"/school/{cast.secondary.urn}/progress/"
    client.get(url)
    # 4 to sign in, cohorts (1), two kinds of table (2), the layout's (1). Measured: 8.
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert f"/progress/p8/{demo_year()}/" in response.content.decode()
