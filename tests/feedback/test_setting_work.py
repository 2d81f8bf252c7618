"""Setting work in a few taps: the subject first, intentions found by strand or search with the
class's current and recent ones first, and only the chosen intentions' steps. Without the
page's script, "Find" narrows the list on the server and keeps everything typed."""

from __future__ import annotations

import re
from typing import Any

from nextsteps.curriculum.models import Objective
from nextsteps.feedback.models import Work
from tests.conftest import Cast
from tests.feedback.conftest import URN


def path(cast: Cast) -> str:
    return f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/work/new/"


def listed(html: str) -> list[str]:
    """The codes of the intentions the page shows (not hidden), in order."""
    items = re.findall(r'<li class="form-check intention-choice"(.*?)</li>', html, re.S)
    return [
        re.search(r'<span class="tag">([^<]+)</span>', body).group(1)  # type: ignore[union-attr]
        for body in items
        if not re.search(r"^[^>]*\bhidden\b", body, re.S)
    ]


def steps_shown(html: str) -> set[str]:
    return {
        pk
        for pk, attrs in re.findall(r'data-criteria-for="(\d+)"([^>]*)>', html)
        if "hidden" not in attrs
    }


def objective(cast: Cast, code: str) -> Objective:
    return Objective.objects.get(school=cast.primary, code=code)


def test_the_page_opens_on_the_current_subject_with_current_and_recent_intentions_first(
    cast: Cast,
) -> None:
    html = cast.client("teacher").get(path(cast)).content.decode()
    shown = listed(html)
    # 4 Oak's current maths intentions lead (MD-05 and MD-01 shared as current, MD-04 planned
    # for this week's lesson), then the recent one (MD-03, the lesson just taught), then the
    # rest of maths in curriculum order.
    assert shown[:4] == ["Y4-MD-01", "Y4-MD-04", "Y4-MD-05", "Y4-MD-03"]
    assert all(
        code.startswith(("Y4-MD", "Y4-NPV", "Y4-AS", "Y4-FR", "Y4-ME", "Y4-GE", "Y4-ST"))
        for code in shown
    )
    assert "Y4-PH-02" not in shown  # science is one tap away
    maths = cast.maths_framework.subject
    assert re.search(rf'value="{maths.pk}"\s+checked', html)
    assert html.count('class="tag tag-current">Current<') == 4  # three in maths, one in writing
    assert 'class="tag tag-dim">Recent<' in html
    assert steps_shown(html) == set()  # no intention ticked, no steps yet


def test_work_set_lately_is_offered_as_recent(cast: Cast) -> None:
    writing = cast.client("teacher").get(
        path(cast) + f"?subject={objective(cast, 'Y4-CO-02').framework.subject_id}"
    )
    html = writing.content.decode()
    assert listed(html)[0] == "Y4-CO-02"  # current for the class, and the demo's story work


def test_find_narrows_by_subject_and_search_and_keeps_what_was_typed(cast: Cast) -> None:
    circuits = objective(cast, "Y4-PH-02")
    response = cast.client("teacher").post(
        path(cast),
        {
            "action": "find",
            "subject": circuits.framework.subject_id,
            "q": "circuit",
            "title": "Circuit challenge",
            "instructions": "Build it, then draw it.",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == ["Y4-PH-02"]
    assert 'value="Circuit challenge"' in html
    assert "Build it, then draw it." in html
    assert "This field is required" not in html  # finding refuses nothing
    assert not Work.objects.filter(title="Circuit challenge").exists()


def test_the_steps_narrow_to_the_ticked_intentions(cast: Cast) -> None:
    md05, md01 = objective(cast, "Y4-MD-05"), objective(cast, "Y4-MD-01")
    response = cast.client("teacher").post(
        path(cast), {"action": "find", "objectives": [md05.pk], "q": "fractions"}
    )
    html = response.content.decode()
    assert steps_shown(html) == {str(md05.pk)}
    assert "Y4-MD-05" in listed(html)  # ticked, so still listed though the search is elsewhere
    assert "Y4-MD-01" not in listed(html)
    assert md01.pk  # its steps are on the page for the script, hidden


def test_a_link_can_open_the_page_on_one_intention(cast: Cast) -> None:
    fractions = objective(cast, "Y4-FR-01")
    html = cast.client("teacher").get(path(cast) + f"?objective={fractions.pk}").content.decode()
    assert re.search(rf'value="{fractions.pk}"\s+id="wn-objective-{fractions.pk}"\s+checked', html)
    assert steps_shown(html) == {str(fractions.pk)}


def test_work_is_set_on_a_searched_intention_with_its_steps(cast: Cast) -> None:
    circuits = objective(cast, "Y4-PH-02")
    first = circuits.success_criteria.order_by("position").first()
    assert first is not None
    response = cast.client("teacher").post(
        path(cast),
        {
            "subject": circuits.framework.subject_id,
            "q": "circuit",
            "title": "Circuit challenge",
            "objectives": [circuits.pk],
            "criteria": [first.pk],
        },
    )
    assert response.status_code == 302
    work = Work.objects.get(title="Circuit challenge")
    assert list(work.objectives.all()) == [circuits]
    assert list(work.criteria.all()) == [first]


def test_a_refused_form_keeps_every_choice_and_says_what_is_missing(cast: Cast) -> None:
    md05 = objective(cast, "Y4-MD-05")
    step = md05.success_criteria.order_by("position").first()
    assert step is not None
    response = cast.client("teacher").post(
        path(cast),
        {
            "title": "",
            "instructions": "Show your working.",
            "q": "short",
            "objectives": [md05.pk],
            "criteria": [step.pk],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required" in html
    assert "Show your working." in html
    assert re.search(rf'value="{step.pk}"\s+id="wn-criterion-{step.pk}"\s+checked', html)
    assert steps_shown(html) == {str(md05.pk)}
    assert 'value="short"' in html
    assert not Work.objects.filter(instructions="Show your working.").exists()


def test_a_step_of_an_intention_not_ticked_is_refused_and_nothing_is_set(cast: Cast) -> None:
    md05, md01 = objective(cast, "Y4-MD-05"), objective(cast, "Y4-MD-01")
    other_step = md01.success_criteria.first()
    response = cast.client("teacher").post(
        path(cast),
        {"title": "Mixed up", "objectives": [md05.pk], "criteria": [other_step.pk]},  # type: ignore[union-attr]
    )
    assert response.status_code == 200
    assert "not a step of the chosen" in response.content.decode()
    assert 'value="Mixed up"' in response.content.decode()
    assert not Work.objects.filter(title="Mixed up").exists()


def test_a_subject_or_strand_from_elsewhere_falls_back_to_the_class_own(cast: Cast) -> None:
    html = cast.client("teacher").get(path(cast) + "?subject=999999&strand=888888").content.decode()
    assert listed(html)[:4] == ["Y4-MD-01", "Y4-MD-04", "Y4-MD-05", "Y4-MD-03"]


def test_a_subject_or_strand_that_is_not_the_classs_never_refuses_the_work(cast: Cast) -> None:
    md05 = objective(cast, "Y4-MD-05")
    response = cast.client("teacher").post(
        path(cast),
        {"title": "Odd filters", "subject": "999999", "strand": "x", "objectives": [md05.pk]},
    )
    assert response.status_code == 302
    assert Work.objects.filter(title="Odd filters").exists()


def test_the_page_reads_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("teacher")
    client.get(path(cast))  # warm the session
    # The session; access (membership, class, school, teaching); the class's subjects, its
    # intentions with strands, their steps; current, planned and recent intentions (four); the
    # bell's unread count; the groups. None of them grows with the intentions or their steps.
    with django_assert_max_num_queries(15):
        assert client.get(path(cast)).status_code == 200
