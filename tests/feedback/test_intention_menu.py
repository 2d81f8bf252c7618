"""The rules for listing learning intentions when setting work: current and recent first,
a search of every word in any order, and a ticked intention never out of sight."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.feedback.kernels.intention_menu import (
    MenuItem,
    matches,
    menu_order,
    opening_subject,
    search_words,
    shown,
)


def item(pk: int, *, subject: int = 1, strand: int = 10, text: str = "", **flags: bool) -> MenuItem:
    return MenuItem(objective_id=pk, subject_id=subject, strand_id=strand, text=text, **flags)


def test_current_then_recent_then_the_rest_in_curriculum_order() -> None:
    items = [item(1), item(2, recent=True), item(3), item(4, current=True), item(5, recent=True)]
    assert [i.objective_id for i in menu_order(items)] == [4, 2, 5, 1, 3]


def test_an_intention_both_current_and_recent_counts_as_current() -> None:
    items = [item(1, recent=True), item(2, current=True, recent=True)]
    assert [i.objective_id for i in menu_order(items)] == [2, 1]


def test_a_search_needs_every_word_in_any_order_and_any_case() -> None:
    text = "Y4-FR-01 Use diagrams to find families of equivalent fractions"
    assert matches(text, search_words("Equivalent  FRACTIONS"))
    assert matches(text, search_words("fractions equivalent"))
    assert matches(text, search_words("fr-01"))
    assert not matches(text, search_words("fractions decimals"))
    assert matches(text, search_words(""))


def test_subject_strand_and_search_narrow_the_list() -> None:
    science = item(1, subject=2, strand=20, text="Y4-PH-02 Build simple series circuits")
    maths = item(2, subject=1, strand=10, text="Y4-MD-05 Use short multiplication")
    words = search_words("circuit")
    assert shown(science, subject_id=2, strand_id=None, words=words, chosen=())
    assert not shown(science, subject_id=1, strand_id=None, words=words, chosen=())
    assert not shown(science, subject_id=2, strand_id=21, words=words, chosen=())
    assert not shown(maths, subject_id=1, strand_id=None, words=words, chosen=())
    assert shown(maths, subject_id=None, strand_id=None, words=[], chosen=())


def test_a_ticked_intention_stays_listed_whatever_the_search() -> None:
    maths = item(2, subject=1, text="Y4-MD-05 Use short multiplication")
    assert shown(maths, subject_id=3, strand_id=99, words=["circuits"], chosen={2})


def test_the_page_opens_on_the_subject_of_the_first_current_intention() -> None:
    items = [item(1, subject=5), item(2, subject=7, recent=True), item(3, subject=8, current=True)]
    assert opening_subject(items, [5, 7, 8]) == 8
    assert opening_subject([item(1, subject=5), item(2, subject=7, recent=True)], [5, 7]) == 7
    assert opening_subject([item(1, subject=5)], [4, 5]) == 4
    assert opening_subject([], []) is None


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=30))
def test_ordering_keeps_every_intention_once_and_bands_in_order(
    flags: list[tuple[bool, bool]],
) -> None:
    items = [item(pk, current=c, recent=r) for pk, (c, r) in enumerate(flags)]
    ordered = menu_order(items)
    assert sorted(i.objective_id for i in ordered) == list(range(len(items)))
    bands = [0 if i.current else 1 if i.recent else 2 for i in ordered]
    assert bands == sorted(bands)
