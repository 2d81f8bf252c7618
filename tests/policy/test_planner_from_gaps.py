"""From gaps to the next lesson: the next-steps planner is reached from the gap analysis and
the markbook (by those who plan for the class), opens on the objective a gap names, and the
focus groups it makes appear in the markbook's group filter and the lesson's learning
conversation."""

from __future__ import annotations

import re

from django.utils import timezone

from nextsteps.curriculum.models import Objective
from nextsteps.policy.models import LessonIntention
from nextsteps.policy.planning_views import next_school_day
from nextsteps.teaching.models import GroupMembership, PupilGroup
from tests.conftest import Cast
from tests.markbook.grid_data import grid_data

URN = 990101


def gaps_url(cast: Cast) -> str:
    framework = cast.maths_framework.pk
    return f"/school/{URN}/markbook/classes/{cast.four_oak.pk}/gaps/?framework={framework}"


def planner_url(cast: Cast) -> str:
    return f"/school/{URN}/policy/planning/classes/{cast.four_oak.pk}/next-steps/"


def markbook_url(cast: Cast) -> str:
    framework = cast.maths_framework.pk
    return f"/school/{URN}/markbook/classes/{cast.four_oak.pk}/?framework={framework}"


def short_multiplication(cast: Cast) -> Objective:
    return Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")


def test_the_gap_analysis_leads_to_the_planner_for_each_objective_with_gaps(cast: Cast) -> None:
    html = cast.client("teacher").get(gaps_url(cast)).content.decode()
    assert f'href="{planner_url(cast)}">Plan next steps</a>' in html
    objective = short_multiplication(cast)
    assert f'href="{planner_url(cast)}?objectives={objective.pk}">Focus groups for this' in html


def test_those_who_do_not_plan_for_the_class_see_no_planner_link(cast: Cast) -> None:
    for page in (gaps_url(cast), markbook_url(cast)):
        response = cast.client("ta").get(page)
        assert response.status_code == 200, page
        assert planner_url(cast) not in response.content.decode(), page


def test_the_markbook_leads_to_the_planner(cast: Cast) -> None:
    html = cast.client("teacher").get(markbook_url(cast)).content.decode()
    assert f'href="{planner_url(cast)}">Plan next steps</a>' in html


def test_the_planner_opens_on_the_objective_a_gap_names(cast: Cast) -> None:
    objective = short_multiplication(cast)
    html = (
        cast.client("teacher").get(planner_url(cast), {"objectives": objective.pk}).content.decode()
    )
    ticked = re.findall(r'name="objectives" value="(\d+)"[^>]*checked', html)
    assert ticked == [str(objective.pk)]
    assert next_school_day(timezone.localdate()).isoformat() in html
    assert "Create" in html and "focus group" in html  # the groups are shown at once


def test_a_focus_group_made_by_the_planner_reaches_the_markbook_and_the_conversation(
    cast: Cast,
) -> None:
    client = cast.client("teacher")
    objective = short_multiplication(cast)
    taught_on = next_school_day(timezone.localdate())
    response = client.post(
        planner_url(cast),
        {"objectives": [objective.pk], "size": 5, "taught_on": taught_on.isoformat(), "unit": ""},
    )
    assert response.status_code == 302
    group = (
        PupilGroup.objects.filter(teaching_class=cast.four_oak, kind=PupilGroup.Kind.FOCUS)
        .order_by("name")
        .first()
    )
    assert group is not None
    members = set(GroupMembership.objects.filter(group=group).values_list("pupil_id", flat=True))

    # The lesson's page offers the group's learning conversation and its markbook.
    unit_page = client.get(response["Location"]).content.decode()
    conversation = (
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/"
        f"?group={group.pk}&amp;objective={objective.pk}"
    )
    assert conversation in unit_page
    assert f"?framework={cast.maths_framework.pk}&amp;group={group.pk}" in unit_page

    # The markbook's group filter lists it as a focus group and shows only its pupils.
    markbook = client.get(markbook_url(cast) + f"&group={group.pk}").content.decode()
    assert re.search(
        rf'<option value="{group.pk}" selected>{re.escape(group.name)} · focus group</option>',
        markbook,
    )
    assert {row[0] for row in grid_data(markbook)["rows"]} == members

    # The learning conversation opens on the group with what its lesson planned for it.
    talk = client.get(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/conversations/new/?group={group.pk}"
    ).content.decode()
    assert re.search(rf'<option value="{group.pk}" selected>[^<]*focus group', talk)
    planned = LessonIntention.objects.filter(group=group).values_list("objective_id", flat=True)
    assert re.search(rf'<option value="{planned[0]}" selected>', talk)
    assert len(re.findall(r'name="note_(\d+)"', talk)) == len(members)
