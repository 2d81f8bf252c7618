"""The data-drop kernel: the limit a year and the fortnight between drops, and its rules file."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.policy.kernels.drops import (
    DropRule,
    DropRuleSource,
    NoDropRule,
    TooClose,
    check_drops,
    default_rules,
    read_rules,
    rule_for,
)

YEAR = st.dates(min_value=dt.date(2026, 9, 1), max_value=dt.date(2027, 8, 31))
DROPS = st.lists(YEAR, max_size=12)


def check(dates: list[dt.date], limit: int = 3, gap: int = 14):  # type: ignore[no-untyped-def]
    return check_drops(dates, limit=limit, min_days_apart=gap)


@given(DROPS, st.randoms())
def test_the_order_of_the_dates_does_not_matter(dates: list[dt.date], random) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(dates)
    random.shuffle(shuffled)
    assert check(shuffled) == check(dates)


@given(DROPS)
def test_a_date_given_twice_is_one_drop(dates: list[dt.date]) -> None:
    assert check(dates + dates) == check(dates)
    assert len(check(dates).dates) == len(set(dates))


@given(DROPS, st.integers(1, 12))
def test_over_the_limit_exactly_when_there_are_more_drops_than_it(
    dates: list[dt.date], limit: int
) -> None:
    result = check(dates, limit=limit)
    assert (result.over_limit is not None) == (len(set(dates)) > limit)
    if result.over_limit is not None:
        assert result.over_limit.dates == tuple(sorted(set(dates)))
        assert result.over_limit.limit == limit


@given(DROPS, st.integers(1, 60))
def test_each_neighbouring_pair_closer_than_the_gap_is_reported_once(
    dates: list[dt.date], gap: int
) -> None:
    ordered = sorted(set(dates))
    expected = {(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if (b - a).days < gap}
    found = check(dates, gap=gap).too_close
    assert {(p.first, p.second) for p in found} == expected
    assert len(found) == len(expected)
    assert all(p.days < gap and p.first < p.second for p in found)


@given(YEAR, st.integers(0, 40))
def test_the_boundary_is_a_fortnight_exactly(first: dt.date, days: int) -> None:
    second = first + dt.timedelta(days=days)
    found = check([first, second]).too_close
    if days == 0:
        assert found == ()  # the same day is one drop
    elif days < 14:
        assert found == (TooClose(first, second),)
    else:
        assert found == ()


def test_figures_worked_by_hand() -> None:
    oct16, dec1, dec11, mar24 = (
        dt.date(2026, 10, 16),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 11),
        dt.date(2027, 3, 24),
    )
    three = check([oct16, dec1, mar24])
    assert three.ok  # exactly at the limit, all more than a fortnight apart
    four = check([mar24, dec11, oct16, dec1])
    assert four.too_close == (TooClose(dec1, dec11),)
    assert four.too_close[0].days == 10
    assert four.over_limit is not None and len(four.over_limit.dates) == 4
    assert check([dec1, dt.date(2026, 12, 15)]).ok  # 14 days: a fortnight apart is allowed
    assert not check([dec1, dt.date(2026, 12, 14)]).ok  # 13 days


def test_a_limit_or_gap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        check_drops([], limit=0, min_days_apart=14)


def test_the_shipped_rule_is_three_a_year_and_a_fortnight_with_its_source() -> None:
    rule = rule_for(2026)
    assert rule.max_drops_a_year == 3
    assert rule.min_days_apart == 14
    assert rule.limit_source.title.startswith("Making data work")
    assert rule.limit_source.url == (
        "https://www.gov.uk/government/publications/"
        "teacher-workload-advisory-group-report-and-government-response"
    )
    assert rule_for(2018) == rule == default_rules()[-1]


def test_a_year_before_any_rule_is_named_not_guessed() -> None:
    with pytest.raises(NoDropRule, match=r"No data-drop rule for 2017/18.*2018/19"):
        rule_for(2017)


RULE = """
  - effective_from: {year}
    max_drops_a_year: {limit}
    min_days_apart: 14
    limit_source: {{title: A report, url: "https://example.org/report"}}
    gap_source: {{title: A rule, url: "https://example.org/rule"}}
"""


def rules_text(*rules: tuple[int, object]) -> str:
    body = "".join(RULE.format(year=y, limit=limit) for y, limit in rules)
    return f"format: nextsteps-data-drop-rules/1\nrules:{body}"


def test_a_later_rule_takes_effect_from_its_year() -> None:
    rules = read_rules(rules_text((2018, 3), (2027, 2)))
    assert rule_for(2026, rules).max_drops_a_year == 3
    assert rule_for(2027, rules).max_drops_a_year == 2
    assert rule_for(2030, rules) == DropRule(
        2027, 2, 14, DropRuleSource("A report", "https://example.org/report"), rules[1].gap_source
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: something-else/1\nrules: []", "drops.yaml: not a data-drop rules file"),
        ("format: [", "drops.yaml: not valid YAML"),
        (rules_text((2018, 0)), "drops.yaml: rule 1: max_drops_a_year must be a whole number"),
        (rules_text((2018, "three")), "rule 1: max_drops_a_year must be a whole number"),
        (rules_text((2018, 3), (2018, 2)), "rule 2: effective_from must be later"),
        ("format: nextsteps-data-drop-rules/1\nrules: []", "drops.yaml: no rules"),
        (
            rules_text((2018, 3)).replace("https://example.org/rule", "http://example.org"),
            "rule 1: gap_source.url must be an https address",
        ),
        (
            rules_text((2018, 3)).replace("title: A report, ", ""),
            "rule 1: limit_source needs a title and a url",
        ),
    ],
)
def test_a_bad_rules_file_is_refused_naming_file_rule_and_field(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_rules(text, file="drops.yaml")
