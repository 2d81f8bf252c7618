"""The trust view compares only what is comparable: each phase in its own section, results on
one cohort with their confidence intervals, the trust's own estimates where there are no
national ones, and a group filter that every figure and every link to a school keeps."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from nextsteps.people.models import Pupil
from nextsteps.progress import selectors, services
from nextsteps.progress.kernels.chart import signed
from nextsteps.progress.models import Ks4Result, ReferenceTable
from nextsteps.progress.trust import trust_table
from tests.conftest import Cast
from tests.progress.progress_db import HAND_YEAR, build_p8_cohort

URL = reverse("trust_dashboard", kwargs={"trust": "riverbend"})


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def section(html: str, phase: str) -> str:
    start = html.index(f'data-phase="{phase}"')
    end = html.find("data-phase=", start + 20)
    return html[start : end if end != -1 else len(html)]


def test_each_phase_has_its_own_section_and_no_figure_sits_beside_another_phases(
    cast: Cast,
) -> None:
    html = cast.client("trustleader").get(URL).content.decode()
    primary, secondary = section(html, "primary"), section(html, "secondary")
    assert cast.primary.name in primary and cast.primary.name not in secondary
    assert cast.secondary.name in secondary and cast.secondary.name not in primary
    assert "KS2 results: Year 6 of" in text(primary) and "KS4 results" not in text(primary)
    assert "KS4 results: Year 11 leavers of" in text(secondary)
    assert "KS2 results" not in text(secondary)


def test_progress8_shows_with_its_interval_as_the_schools_own_page_computes_it(
    cast: Cast,
) -> None:
    years = [c.year for c in selectors.progress8_cohorts(cast.secondary) if c.available]
    year = max(years)
    tables = list(selectors.visible_tables(cast.secondary, ReferenceTable.Kind.PROGRESS8))
    table = trust_table(tables, year)
    assert (
        table is not None and table.source == ReferenceTable.TableSource.DFE and table.year == year
    )
    report = selectors.progress8_report(cast.secondary, year, table)
    school = report.computed.report["school"]
    html = cast.client("trustleader").get(URL).content.decode()
    row = text(section(html, "secondary").split('data-testid="p8-score"', 1)[1])
    low, high = signed(school["ci_low"]), signed(school["ci_high"])
    shown = f"{signed(school['progress8'])} {low} to {high}"
    assert row.lstrip("> ").startswith(shown), row[:80]
    assert f"national estimates for {year}" in row


def test_the_trusts_own_estimates_are_used_where_there_are_no_national_ones(
    cast: Cast,
) -> None:
    build_p8_cohort(cast.secondary)  # HAND_YEAR: later than any demo cohort
    ReferenceTable.objects.filter(year=HAND_YEAR).delete()  # no national (or school) table
    bands = ReferenceTable.objects.filter(source="dfe", kind="p8").order_by("-year").first()
    assert bands is not None
    services.trust_estimates_compute(school=cast.secondary, year=HAND_YEAR, bands=bands, by=None)
    html = cast.client("trustleader").get(URL).content.decode()
    secondary = text(section(html, "secondary"))
    assert f"KS4 results: Year 11 leavers of {HAND_YEAR}" in secondary
    assert f"the trust's own provisional estimates for {HAND_YEAR}" in secondary


def test_a_group_filter_counts_only_its_pupils_and_the_links_keep_it(cast: Cast) -> None:
    html = cast.client("trustleader").get(URL + "?group=disadvantaged").content.decode()
    year = max(c.year for c in selectors.progress8_cohorts(cast.secondary) if c.available)
    disadvantaged = Pupil.objects.filter(
        school=cast.secondary, ks4_result__year=year, disadvantaged=True
    ).count()
    everyone = Ks4Result.objects.filter(school=cast.secondary, year=year).count()
    assert 0 < disadvantaged < everyone
    secondary = section(html, "secondary")
    ks4 = text(secondary.split('data-testid="trust-ks4"', 1)[1])
    assert f"Year 11 leavers of {year} · Disadvantaged" in ks4
    assert f"{cast.secondary.name} {disadvantaged} " in ks4
    dashboard = reverse("leader_dashboard", kwargs={"urn": cast.secondary.urn})
    links = re.findall(rf'href="{dashboard}([^"]*)"', secondary)
    assert links and all(link.startswith("?group=disadvantaged") for link in links), links
    assert "trust_dashboard_csv" not in html and "export.csv?group=disadvantaged" in html


def test_results_are_not_filtered_by_this_years_attendance(cast: Cast) -> None:
    html = cast.client("trustleader").get(URL + "?group=persistent_absence").content.decode()
    assert "this year's attendance says nothing about pupils who have left" in text(html)


def test_an_unknown_group_is_not_found_and_only_trust_leaders_see_the_page(cast: Cast) -> None:
    assert cast.client("trustleader").get(URL + "?group=tall").status_code == 404
    for persona in ("leader", "primaryhead", "hod", "teacher", "admin"):
        assert cast.client(persona).get(URL).status_code == 404, persona


def ks4_row(html: str, school_name: str) -> str:
    """The KS4 results row of a school, as text."""
    ks4 = text(section(html, "secondary").split('data-testid="trust-ks4"', 1)[1])
    return ks4.split(school_name, 1)[1]


def test_a_combination_of_groups_counts_only_pupils_in_every_one_and_links_keep_it(
    cast: Cast,
) -> None:
    year = max(c.year for c in selectors.progress8_cohorts(cast.secondary) if c.available)
    leavers = Pupil.objects.filter(school=cast.secondary, ks4_result__year=year)
    both = leavers.filter(disadvantaged=True, sen_status__in=["K", "E"]).count()
    disadvantaged = leavers.filter(disadvantaged=True).count()
    assert 0 < both < disadvantaged
    query = "?group=disadvantaged&group=sen"
    html = cast.client("trustleader").get(URL + query).content.decode()
    assert "Disadvantaged and SEN support or EHCP" in text(html)
    assert ks4_row(html, cast.secondary.name).split()[0] == str(both)
    dashboard = reverse("leader_dashboard", kwargs={"urn": cast.secondary.urn})
    links = re.findall(rf'href="{dashboard}([^"]*)"', section(html, "secondary"))
    assert links and all(link.startswith("?group=disadvantaged&amp;group=sen") for link in links)
    # The in-year figure is the one the school's own page shows through the same link.
    own = cast.client("trustleader").get(dashboard + query)
    core = text(section(html, "secondary").split(cast.secondary.name, 1)[1]).split()[0]
    assert own.context["filtered_pupils"] == int(core) > 0


def test_prior_attainment_of_ks4_leavers_is_their_ks2_band(cast: Cast) -> None:
    """Counted here independently: high prior attainment is a mean KS2 reading and maths
    scaled score of 110 or more (the Progress 8 bands)."""
    year = max(c.year for c in selectors.progress8_cohorts(cast.secondary) if c.available)
    leavers = Pupil.objects.filter(school=cast.secondary, ks4_result__year=year)
    high = 0
    for reading, maths in leavers.values_list("ks2_result__reading", "ks2_result__maths"):
        if (reading or "").isdigit() and (maths or "").isdigit():
            high += (int(reading) + int(maths)) / 2 >= 110
    assert 0 < high < leavers.count()
    html = cast.client("trustleader").get(URL + "?group=prior-high").content.decode()
    assert ks4_row(html, cast.secondary.name).split()[0] == str(high)


def test_two_values_of_one_characteristic_are_refused_with_what_to_choose(cast: Cast) -> None:
    response = cast.client("trustleader").get(URL + "?group=disadvantaged&group=not-disadvantaged")
    assert response.status_code == 400
    assert "no pupil is in both" in text(response.content.decode())


def test_results_are_not_filtered_when_any_chosen_group_is_this_years_attendance(
    cast: Cast,
) -> None:
    html = (
        cast.client("trustleader")
        .get(URL + "?group=disadvantaged&group=persistent_absence")
        .content.decode()
    )
    assert "this year's attendance says nothing about pupils who have left" in text(html)
