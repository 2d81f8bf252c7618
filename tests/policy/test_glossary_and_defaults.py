"""The glossary file and its linking, and the default key questions file."""

from __future__ import annotations

import pytest

from nextsteps.curriculum.kernels.spec import CALCULATION_METHODS, DIMENSIONS
from nextsteps.policy.kernels import defaults, glossary
from nextsteps.policy.structures import METHOD_LABELS, Dimension


def href(key: str) -> str:
    return f"/g#{key}"


def test_the_glossary_has_the_terms_the_issue_names() -> None:
    keys = {t.key for t in glossary.glossary()}
    assert {
        "formative-assessment",
        "summative-assessment",
        "moderation",
        "standardisation",
        "validity",
        "reliability",
    } <= keys
    assert all(t.definition and t.term for t in glossary.glossary())


def test_first_use_of_each_term_is_linked_longest_phrase_first() -> None:
    html = glossary.linked_html(
        "Whole-class feedback replaces some feedback; moderation, then moderation again.", href
    )
    assert html.count('href="/g#whole-class-feedback"') == 1
    assert html.count('href="/g#moderation"') == 1
    assert "then moderation again" in html
    # "feedback" alone is a common word and is not linked in running text.
    assert 'href="/g#feedback"' not in html


def test_linking_escapes_the_text() -> None:
    html = glossary.linked_html("<script>alert(1)</script> & formative", href)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<a class="glossary-term" href="/g#formative-assessment">formative</a>' in html


def test_paragraphs_keep_blank_lines_and_line_breaks() -> None:
    html = glossary.paragraphs_html("One\nline two\n\nSecond paragraph", href)
    assert html == "<p>One<br>line two</p><p>Second paragraph</p>"


def test_terms_in_lists_terms_in_order_of_first_use() -> None:
    assert glossary.terms_in("Reliable and valid. Validity matters; reliability too.") == [
        "reliability",
        "validity",
    ]


def test_a_bad_glossary_file_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="format: nextsteps-glossary/1"):
        glossary.read_glossary("terms: []")
    with pytest.raises(ValueError, match="glossary term 1: missing"):
        glossary.read_glossary("format: nextsteps-glossary/1\nterms:\n  - key: x\n")


def test_default_questions_cover_the_framework_with_guidance_for_six_subjects() -> None:
    stages = defaults.default_questions()
    keys = [q.key for s in stages for q in s.questions]
    assert keys == [
        "purpose",
        "core-learning",
        "progress",
        "evidence",
        "data-collection",
        "marking-feedback",
        "moderation",
        "reporting",
        "planning",
    ]
    for stage in stages:
        assert stage.title and stage.summary
        for question in stage.questions:
            assert question.guidance, question.key
            assert len(question.prompts) >= 3, question.key
            assert set(question.subjects) == set(defaults.SUBJECTS), question.key
            assert all(len(text) > 100 for text in question.subjects.values()), question.key


def test_structured_questions_are_the_ones_that_configure_the_product() -> None:
    structures = {q.key: q.structure for s in defaults.default_questions() for q in s.questions}
    assert structures["progress"] == "progress"
    assert structures["data-collection"] == "collection"
    assert structures["marking-feedback"] == "marking"


def test_a_bad_questions_file_names_the_stage_and_question() -> None:
    text = "format: nextsteps-key-questions/1\nstages:\n  - title: S\n    questions:\n"
    with pytest.raises(ValueError, match="stage 1, question 1: unknown structure 'table'"):
        defaults.read_questions(text + "      - {key: a, text: A, structure: table}\n")
    with pytest.raises(ValueError, match="stage 1, question 2: the key 'a' is used twice"):
        defaults.read_questions(text + "      - {key: a, text: A}\n      - {key: a, text: B}\n")
    with pytest.raises(ValueError, match=r"(?s)key_questions.yaml: not valid YAML.*line 1"):
        defaults.read_questions("format: [unclosed")
    with pytest.raises(ValueError, match="unknown subjects"):
        defaults.read_questions(text + "      - {key: a, text: A, subjects: {art: x}}\n")


def test_every_calculation_method_and_dimension_has_words() -> None:
    assert set(METHOD_LABELS) == set(CALCULATION_METHODS)
    assert {d.value for d in Dimension} == set(DIMENSIONS)
