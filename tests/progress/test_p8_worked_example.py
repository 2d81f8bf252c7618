"""The Progress 8 explanation's worked example adds up, and every figure in it is the kernel's."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nextsteps.people.models import Pupil
from nextsteps.progress.explain import worked_example
from tests.conftest import Cast
from tests.progress.progress_db import HAND_YEAR, build_p8_cohort
from tests.progress.test_progress_pages import demo_year, p8_url

EXAMPLE = re.compile(
    r"had a KS2 average of (?P<ks2>[\d.]+), which puts them in group (?P<pag>\d+), where the "
    r"estimate is (?P<estimate>[\d.]+)\. Their Attainment 8 was (?P<a8>[\d.]+), so their "
    r"Progress 8 is \((?P<a8_again>[\d.]+) − (?P<estimate_again>[\d.]+)\) ÷ 10 = "
    r"(?P<difference>−?[\d.]+) ÷ 10 = (?P<unrounded>−?[\d.]+), published to 2 decimal places "
    r"as (?P<score>[+−]?[\d.]+)\."
)


def number(text: str) -> Decimal:
    return Decimal(text.replace("−", "-").replace("+", ""))


def page_example(cast: Cast, year: int) -> tuple[dict[str, Decimal], Any]:
    response = cast.client("leader").get(p8_url(cast, year))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))
    found = EXAMPLE.search(text)
    assert found, "the worked example is missing or reads differently"
    return {name: number(value) for name, value in found.groupdict().items()}, response.context


def assert_adds_up_and_is_the_kernels(cast: Cast, year: int) -> None:
    figures, context = page_example(cast, year)
    # The sum adds up, exactly.
    assert figures["a8_again"] == figures["a8"]
    assert figures["estimate_again"] == figures["estimate"]
    assert figures["a8"] - figures["estimate"] == figures["difference"]
    assert figures["difference"] / 10 == figures["unrounded"]
    published = figures["unrounded"].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert published == figures["score"]
    # Every figure is the kernel's for one pupil of the cohort.
    entries = [
        e
        for e in context["report"]["pupils"]
        if e.get("progress8") is not None
        and Decimal(str(e["progress8"])) == figures["score"]
        and Decimal(str(e["estimate"])) == figures["estimate"]
        and e["pag"] == figures["pag"]
        and Decimal(str(e["ks2_average"])) == figures["ks2"]
    ]
    assert entries, "no pupil in the kernel's report has these figures"
    a8s = {
        Decimal(str(a8))
        for a8 in Pupil.objects.filter(
            pk__in=[int(e["pupil_id"]) for e in entries], ks4_result__year=year
        ).values_list("ks4_result__attainment8", flat=True)
    }
    assert figures["a8"] in a8s


def test_the_hand_built_cohorts_example_adds_up_to_the_kernels_score(cast: Cast) -> None:
    build_p8_cohort(cast.secondary)
    assert_adds_up_and_is_the_kernels(cast, HAND_YEAR)
    # Worked by hand: the scores in order are −0.5, −0.2, +0.1, +0.4, +0.4, +0.6, +1.05; the
    # middle one is +0.4.
    figures, _ = page_example(cast, HAND_YEAR)
    assert figures["score"] == Decimal("0.40")


def test_the_demo_leavers_example_against_the_dfe_estimates_adds_up(cast: Cast) -> None:
    assert_adds_up_and_is_the_kernels(cast, demo_year())


def entry(pupil_id: str, score: float, estimate: float, **extra: Any) -> dict[str, Any]:
    return {
        "pupil_id": pupil_id,
        "ks2_average": 105.0,
        "pag": 20,
        "estimate": estimate,
        "progress8": score,
        **extra,
    }


def test_a_pupil_raised_to_the_floor_is_never_the_example() -> None:
    entries = [
        entry("1", -0.2, 50.0),
        entry("2", -2.5, 50.0, capped=["progress8"]),  # a8 10: −4.0 before the floor
        entry("3", 0.1, 50.0),
    ]
    example = worked_example(entries, {"1": 48.0, "2": 10.0, "3": 51.0})
    assert example is not None
    assert example.score != -2.5
    assert example.figures()["difference"] in {"−2", "1"}


def test_the_example_is_exact_with_estimates_to_many_places() -> None:
    example = worked_example([entry("1", -0.19, 47.357)], {"1": 45.5})
    assert example is not None
    figures = example.figures()
    assert (figures["a8"], figures["estimate"]) == ("45.5", "47.357")
    assert (figures["difference"], figures["unrounded"], figures["score"]) == (
        "−1.857",
        "−0.1857",
        "−0.19",
    )


def test_a_sum_that_would_not_give_the_published_score_is_not_shown() -> None:
    # The stored score disagrees with the inputs: the example must not pretend they add up.
    assert worked_example([entry("1", 0.5, 50.0)], {"1": 40.0}) is None
