"""Progress pages by cohort: "not available" where there is no national baseline, attainment
always, and a school's own baseline labelled an internal estimate beside every figure."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from nextsteps.audit.models import AuditEvent
from nextsteps.progress import services
from nextsteps.progress.kernels.baselines import INTERNAL_ESTIMATE, shipped_rules
from nextsteps.progress.models import Ks4Result, ProxyBaseline, ProxyScore, ReferenceTable
from tests.conftest import Cast
from tests.progress.progress_db import (
    NO_KS2_YEAR,
    add_pupils,
    build_cohort_without_ks2,
    csv_bytes,
    own_baseline_file,
)

NOT_AVAILABLE = "Not available — no KS2 baseline for this cohort."


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def p8_url(cast: Cast, year: int) -> str:
    return f"/school/{cast.secondary.urn}/progress/p8/{year}/"


def demo_years(cast: Cast) -> list[int]:
    return sorted(
        set(Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True))
    )


def load_own_baseline(cast: Cast, pupils: list[Any]) -> ProxyBaseline:
    return services.proxy_baseline_load(
        school=cast.secondary,
        year=NO_KS2_YEAR,
        name="CAT4 in Year 7",
        file_name="cat4.csv",
        content=own_baseline_file(pupils),
        by=cast.user("leader"),
    )


# --- a cohort without a KS2 baseline ----------------------------------------------------


def test_2025_leavers_page_says_not_available_and_shows_attainment_not_a_score(
    cast: Cast,
) -> None:
    build_cohort_without_ks2(cast.secondary)

    response = cast.client("leader").get(p8_url(cast, NO_KS2_YEAR))

    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_AVAILABLE in text(html)
    assert "DfE, Secondary accountability measures guide 2025" in html
    assert response.context["attainment8"] == {"n": 7, "average": 47.64}  # 333.5 / 7
    assert 'data-testid="attainment8-average">47.64<' in html
    assert 'data-testid="progress8-score"' not in html
    assert 'class="band ' not in html and "confidence interval" not in html
    assert "report" not in response.context  # nothing was measured


def test_the_demo_has_leavers_without_and_with_a_ks2_baseline(cast: Cast) -> None:
    rules = shipped_rules()
    years = demo_years(cast)

    assert any(not rules.rule("progress8", y).available for y in years)  # 2026 in 2026/27
    assert any(rules.rule("progress8", y).available for y in years)  # 2024
    for year in years:
        html = cast.client("leader").get(p8_url(cast, year)).content.decode()
        if rules.rule("progress8", year).available:
            assert 'data-testid="progress8-score"' in html and NOT_AVAILABLE not in text(html)
        else:  # with the demo school's own baseline: both the statement and the label
            assert NOT_AVAILABLE in text(html)
            assert INTERNAL_ESTIMATE in html


def test_the_cohort_list_says_which_cohorts_have_no_progress_8(cast: Cast) -> None:
    build_cohort_without_ks2(cast.secondary)

    html = cast.client("leader").get(f"/school/{cast.secondary.urn}/progress/").content.decode()

    entry = re.search(rf"Year 11 leavers of {NO_KS2_YEAR}</a>(.*?)</li>", html, flags=re.S)
    assert entry is not None
    assert "Not available — no KS2 baseline for this cohort" in text(entry.group(1))


def test_a_cohort_year_with_no_rule_is_named_never_guessed(cast: Cast) -> None:
    pupils = add_pupils(cast.secondary, 2, year_group=11, serial=970)
    rows = [[p.upn, 2040, 40, 8, 8, 12, 12] for p in pupils]
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    services.results_import(
        school=cast.secondary, name="future.csv", content=csv_bytes(header, rows), by=None
    )

    response = cast.client("leader").get(p8_url(cast, 2040))

    page = text(response.content.decode())
    assert response.status_code == 200
    assert "no baseline rule for Progress 8 for the cohort of 2040" in page
    assert 'data-testid="progress8-score"' not in response.content.decode()
    assert "The school's own baseline" not in page  # nothing to stand in for


# --- KS1 to KS2 ---------------------------------------------------------------------------


def test_ks2_page_for_2025_says_not_available_and_shows_attainment(cast: Cast) -> None:
    pupils = add_pupils(cast.primary, 3, year_group=6, serial=980)
    rows = [
        [p.upn, 2025, score, score, "EXS"] for p, score in zip(pupils, (98, 104, 111), strict=True)
    ]
    header = ["upn", "ks2_year", "ks2_reading", "ks2_maths", "ks2_writing"]
    services.results_import(
        school=cast.primary, name="y6.csv", content=csv_bytes(header, rows), by=None
    )

    response = cast.client("primaryhead").get(f"/school/{cast.primary.urn}/progress/ks2/2025/")

    page = text(response.content.decode())
    assert response.status_code == 200
    assert "Not available — no KS1 baseline for this cohort." in page
    reading = response.context["attainment"][0]
    assert (reading.pupils, reading.expected, reading.higher, reading.average) == (3, 2, 1, 104.3)
    assert "Load the KS1 to KS2 table" not in page and "Measured against" not in page
    assert "report" not in response.context


# --- a school's own baseline --------------------------------------------------------------


def test_every_figure_from_the_schools_own_baseline_is_labelled(cast: Cast) -> None:
    pupils = build_cohort_without_ks2(cast.secondary)
    load_own_baseline(cast, pupils)

    response = cast.client("leader").get(p8_url(cast, NO_KS2_YEAR))

    html = response.content.decode()
    page = text(html)
    assert NOT_AVAILABLE in page  # the DfE measure still is not
    # Worked by hand on the baseline scores: +0.4, −0.2, +0.6, +0.4, +1.05, +0.1 over 6.
    assert response.context["report"]["school"]["progress8"] == 0.39
    headline = re.search(r'data-testid="progress8-score".*?</div>\s*</div>', html, flags=re.S)
    assert headline is not None and INTERNAL_ESTIMATE in headline.group(0)
    for heading in ("elements-heading", "groups-heading", "pupils-heading"):
        block = re.search(rf'id="{heading}">(.*?)</h2>', html, flags=re.S)
        assert block is not None and INTERNAL_ESTIMATE in block.group(1), heading
    for caption in re.findall(r"<caption>(.*?)</caption>", html, flags=re.S):
        if "Progress 8" in caption:
            assert INTERNAL_ESTIMATE in caption, caption
    for svg in re.findall(r"<svg .*?</svg>", html, flags=re.S):
        assert INTERNAL_ESTIMATE in svg  # the chart's title and its headline row
    assert "No score on the school's own baseline" in page  # the pupil who joined in Year 9


def test_loading_an_own_baseline_from_the_page_is_checked_whole_and_audited(cast: Cast) -> None:
    pupils = build_cohort_without_ks2(cast.secondary)
    url = p8_url(cast, NO_KS2_YEAR) + "baseline/"
    client = cast.client("leader")

    bad = csv_bytes(["upn", "score"], [[pupils[0].upn, 104], [pupils[1].upn, 130]])
    response = client.post(
        url,
        {"name": "CAT4", "file": SimpleUploadedFile("cat4.csv", bad, "text/csv")},
        follow=True,
    )
    assert "cat4.csv, line 3, column score: 130 is outside 80–120" in text(
        response.content.decode()
    )
    assert not ProxyBaseline.objects.filter(school=cast.secondary).exclude(year__gt=2025).exists()

    good = own_baseline_file(pupils)
    client.post(url, {"name": "CAT4", "file": SimpleUploadedFile("cat4.csv", good, "text/csv")})
    proxy = ProxyBaseline.objects.get(school=cast.secondary, year=NO_KS2_YEAR)
    assert ProxyScore.objects.filter(baseline=proxy).count() == 6
    event = AuditEvent.objects.filter(action="progress.proxy_baseline_load").latest("at")
    assert (event.after or {})["pupils"] == 6

    client.post(url + "remove/")
    assert not ProxyBaseline.objects.filter(pk=proxy.pk).exists()
    assert AuditEvent.objects.filter(action="progress.proxy_baseline_remove").exists()


def test_an_own_baseline_is_refused_for_a_cohort_with_the_dfe_measure(cast: Cast) -> None:
    year = next(y for y in demo_years(cast) if shipped_rules().rule("progress8", y).available)
    upn = Ks4Result.objects.filter(school=cast.secondary, year=year)[0].pupil.upn
    content = csv_bytes(["upn", "score"], [[upn, 100]])

    response = cast.client("leader").post(
        p8_url(cast, year) + "baseline/",
        {"name": "CAT4", "file": SimpleUploadedFile("cat4.csv", content, "text/csv")},
        follow=True,
    )

    assert "has the DfE's Progress 8 from KS2" in text(response.content.decode())
    assert not ProxyBaseline.objects.filter(school=cast.secondary, year=year).exists()


def test_trust_estimates_are_refused_for_a_cohort_without_a_ks2_baseline(cast: Cast) -> None:
    build_cohort_without_ks2(cast.secondary)

    response = cast.client("leader").post(
        f"/school/{cast.secondary.urn}/progress/tables/trust/",
        {"year": NO_KS2_YEAR, "bands": cast_bands(cast)},
        follow=True,
    )

    assert "no KS2 baseline for this cohort" in response.content.decode()


def cast_bands(cast: Cast) -> int:
    return ReferenceTable.objects.get(source=ReferenceTable.TableSource.DFE, year=2024).pk


def test_the_pages_of_a_cohort_without_a_baseline_keep_their_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    pupils = build_cohort_without_ks2(cast.secondary)
    client = cast.client("leader")
    url = p8_url(cast, NO_KS2_YEAR)
    client.get(url)
    # 4 to sign in, cohorts (1), the school's own baseline (1), the pupils with their results
    # (1), the layout's (1). Measured: 8.
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    load_own_baseline(cast, pupils)
    client.get(url)
    # and with its figures: tables with their groups (2), the scores (1), the pupils once
    # (the attainment comes from the same report). Measured: 11.
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200
