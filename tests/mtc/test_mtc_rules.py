"""The MTC rules are data: read from YAML, refused by file and field when unusable."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nextsteps.mtc.kernels.check_form import NoFormError, form, form_problems
from nextsteps.mtc.kernels.rules import (
    CHECK_RULES_FILE,
    RulesError,
    read_check_rules,
    read_fact_map_settings,
)


def rules_file(tmp_path: Path, old: str, new: str) -> Path:
    text = CHECK_RULES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_changed_rules_file_changes_the_forms(tmp_path: Path) -> None:
    # The next change to the check is a file: here the 7 table must have exactly 4 items.
    rules = read_check_rules(rules_file(tmp_path, "  7: [2, 4]", "  7: [4, 4]"))
    for seed in range(50):
        made = form(seed, rules)
        assert Counter(a for a, _ in made.items)[7] == 4
        assert form_problems(made, rules) == []


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("format: nextsteps-mtc-rules/1", "format: other/1", "format"),
        ("items: 25", "items: twenty-five", "items"),
        ("  7: [2, 4]", "  7: [4, 2]", "tables.7"),
        ("  2: [0, 2]", "  2: [0, 20]", "tables.2"),
        ("items: 25", "items: 60", "tables"),
        ("    tables: [2, 5, 10]", "    tables: [2, 5, 13]", "groups.KS1 tables (2, 5 and 10)"),
        ("seconds_per_item: 6", "seconds_per_item: 0", "seconds_per_item"),
        ("multipliers: [2, 12]\n# Table 1", "multipliers: [12, 2]\n# Table 1", "multipliers"),
        ("practice_questions: 3", "practice_questions: 30", "practice"),
    ],
)
def test_an_unusable_rules_file_is_refused_naming_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    path = rules_file(tmp_path, old, new)
    with pytest.raises(RulesError) as raised:
        read_check_rules(path)
    assert raised.value.field == field
    assert str(path) in str(raised.value)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("tables: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        read_check_rules(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot be read"):
        read_check_rules(tmp_path / "absent.yaml")


def test_rules_that_no_form_can_meet_say_so(tmp_path: Path) -> None:
    # Every table's sum fits 25, but KS1 must then have 7 items and its tables allow only 3.
    path = rules_file(tmp_path, "    items: [3, 7]", "    items: [7, 7]")
    text = path.read_text(encoding="utf-8")
    for table in ("2: [0, 2]", "5: [1, 3]", "10: [0, 2]"):
        text = text.replace(f"  {table}", f"  {table.split(':')[0]}: [0, 1]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NoFormError):
        form(1, read_check_rules(path))


def test_the_fact_map_settings_are_data_with_a_source() -> None:
    settings = read_fact_map_settings()
    assert (settings.smallest, settings.largest) == (2, 12)
    assert settings.quickly_seconds == 3
    assert settings.recent_answers >= 1
    assert "nextsteps" in settings.source
