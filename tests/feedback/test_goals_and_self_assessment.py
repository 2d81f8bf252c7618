"""Sharing learning goals per class and group; the pupil's "My learning"; self-assessment
on each step, and the teacher's view of it beside their own judgement."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback import selectors, services
from nextsteps.feedback.models import CurrentIntention, SelfAssessment
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.markbook.services import judgement_record
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import GroupMembership, PupilGroup
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast
from tests.feedback.conftest import URN


def objective(cast: Cast, code: str) -> Objective:
    return Objective.objects.get(framework=cast.maths_framework, code=code)


def self_levels(cast: Cast) -> list[ScaleLevel]:
    return list(
        ScaleLevel.objects.filter(scale_id=cast.maths_framework.self_scale_id).order_by("position")
    )


def group_of(pupil: Pupil) -> PupilGroup:
    return GroupMembership.objects.select_related("group").get(pupil=pupil).group


def test_teacher_shares_intentions_and_the_pupil_sees_them_with_steps_and_exemplar(
    cast: Cast,
) -> None:
    response = cast.client("pupil").get(f"/school/{URN}/pupil/")
    text = response.content.decode()
    assert response.status_code == 200
    today = objective(cast, "Y4-MD-05")
    assert today.pupil_wording in text
    for step in today.success_criteria.all():
        assert step.wording in text
    assert "What a good one looks like" in text and "243 × 6" in text
    for level in self_levels(cast):  # a face and words, never colour alone
        assert level.label.replace("'", "&#x27;") in text and level.symbol not in text
    assert text.count('<img class="face" src="/static/feedback/faces/') >= len(self_levels(cast))


def test_group_intentions_show_only_to_the_groups_pupils(cast: Cast) -> None:
    amara_group = group_of(cast.amara)
    other_group = (
        PupilGroup.objects.filter(teaching_class=cast.four_oak).exclude(pk=amara_group.pk).first()
    )
    assert other_group is not None
    mine, theirs = objective(cast, "Y4-NPV-01"), objective(cast, "Y4-NPV-02")
    teacher = cast.user("teacher")
    services.intentions_share(
        teaching_class=cast.four_oak, group=amara_group, objectives=[mine], by=teacher
    )
    services.intentions_share(
        teaching_class=cast.four_oak, group=other_group, objectives=[theirs], by=teacher
    )
    shown = {view.objective.code for view in selectors.pupil_intentions(cast.amara)}
    assert "Y4-NPV-01" in shown and "Y4-NPV-02" not in shown
    assert "Y4-MD-05" in shown  # the whole class's intention too


def test_changing_current_intentions_ends_the_old_ones_and_keeps_them(cast: Cast) -> None:
    client = cast.client("teacher")
    new = objective(cast, "Y4-MD-06")
    response = client.post(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/intentions/",
        {"objective": [new.pk], f"home_help_{new.pk}": "Bake together and scale the recipe."},
    )
    assert response.status_code == 302
    current = CurrentIntention.objects.filter(teaching_class=cast.four_oak, group=None)
    assert list(current.filter(ends_on__isnull=True).values_list("objective__code", flat=True)) == [
        "Y4-MD-06"
    ]
    assert current.filter(objective__code="Y4-MD-05", ends_on__isnull=False).exists()
    assert current.get(objective=new, ends_on__isnull=True).home_help_ideas == [
        "Bake together and scale the recipe."
    ]


def test_intentions_from_another_school_are_refused(cast: Cast) -> None:
    other = Objective.objects.filter(school=cast.secondary).first()
    assert other is not None
    with pytest.raises(FeedbackRefused, match="another school"):
        services.intentions_share(
            teaching_class=cast.four_oak, group=None, objectives=[other], by=None
        )


@pytest.mark.parametrize("username", ["ta", "pupil", "parent", "otherteacher", "hod"])
def test_only_the_classes_teacher_chooses_intentions(cast: Cast, username: str) -> None:
    path = f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/intentions/"
    # Staff who do not teach the class (the TA, another teacher): not found, as for any class
    # outside their teaching; anyone else of the school is told plainly.
    expected = 404 if username in ("ta", "otherteacher", "hod") else cast.refused(username)
    assert cast.client(username).post(path, {"objective": []}).status_code == expected
    assert CurrentIntention.objects.filter(
        teaching_class=cast.four_oak, ends_on__isnull=True
    ).exists()


def self_assess(
    client: Client, objective: Objective, ratings: dict[int, int], help_with: str = ""
) -> Any:
    data: dict[str, Any] = {f"step_{step}": level for step, level in ratings.items()}
    data["help_with"] = help_with
    return client.post(f"/school/{URN}/feedback/me/goals/{objective.pk}/", data)


def test_self_assessment_is_a_self_judgement_that_never_moves_the_standing(cast: Cast) -> None:
    today = objective(cast, "Y4-MD-05")
    teacher_level = ScaleLevel.objects.get(
        scale=cast.maths_framework.scale, label="Working towards"
    )
    judgement_record(
        pupil=cast.amara, objective=today, level=teacher_level, by=cast.user("teacher")
    )
    before = Standing.objects.get(pupil=cast.amara, objective=today)
    steps = list(today.success_criteria.all())
    top = self_levels(cast)[-1]
    response = self_assess(
        cast.client("pupil"), today, {s.pk: top.pk for s in steps}, "I get stuck on carrying"
    )
    assert response.status_code == 302
    judgement = Judgement.objects.filter(
        pupil=cast.amara, objective=today, source=JudgementSource.SELF
    ).last()
    assert (
        judgement is not None
        and judgement.level == top
        and judgement.note == "I get stuck on carrying"
    )
    after = Standing.objects.get(pupil=cast.amara, objective=today)
    assert (after.value, after.level_id, after.evidence_count) == (
        before.value,
        before.level_id,
        before.evidence_count,
    )
    assessment = SelfAssessment.objects.get(judgement=judgement)
    assert assessment.ratings.count() == len(steps)
    page = cast.client("pupil").get(f"/school/{URN}/pupil/").content.decode()
    assert "I get stuck on carrying" in page and "checked" in page


def test_self_assessment_uses_only_the_self_scale(cast: Cast) -> None:
    today = objective(cast, "Y4-MD-05")
    teacher_level = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    step = today.success_criteria.first()
    assert step is not None
    with pytest.raises(FeedbackRefused, match="not on the"):
        services.self_assessment_record(
            pupil=cast.amara, objective=today, ratings={step.pk: teacher_level}, by=None
        )
    response = self_assess(cast.client("pupil"), today, {step.pk: teacher_level.pk})
    assert response.status_code == 302  # ignored as not a choice: nothing rated, nothing saved
    assert not Judgement.objects.filter(
        pupil=cast.amara, objective=today, source=JudgementSource.SELF
    ).exists()


def test_a_pupil_cannot_self_assess_an_objective_that_is_not_their_goal(cast: Cast) -> None:
    elsewhere = objective(cast, "Y4-ST-01")  # a Year 4 objective no one has shared
    step = elsewhere.success_criteria.first()
    assert step is not None
    response = self_assess(cast.client("pupil"), elsewhere, {step.pk: self_levels(cast)[0].pk})
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["teacher", "parent"])
def test_only_a_pupil_self_assesses(cast: Cast, username: str) -> None:
    today = objective(cast, "Y4-MD-05")
    step = today.success_criteria.first()
    assert step is not None
    assert (
        self_assess(cast.client(username), today, {step.pk: self_levels(cast)[0].pk}).status_code
        == 404
    )


def test_teacher_sees_over_and_under_confident_pupils(cast: Cast, classmate: Pupil) -> None:
    today = objective(cast, "Y4-MD-05")
    teacher = cast.user("teacher")
    levels = list(ScaleLevel.objects.filter(scale=cast.maths_framework.scale).order_by("position"))
    selfs = self_levels(cast)
    steps = list(today.success_criteria.all())
    judgement_record(pupil=cast.amara, objective=today, level=levels[0], by=teacher)
    judgement_record(pupil=classmate, objective=today, level=levels[3], by=teacher)
    services.self_assessment_record(
        pupil=cast.amara, objective=today, ratings={s.pk: selfs[3] for s in steps}, by=None
    )
    services.self_assessment_record(
        pupil=classmate, objective=today, ratings={s.pk: selfs[0] for s in steps}, by=None
    )
    [summary] = list(selectors.calibration([cast.amara, classmate], [today]))
    verdicts = {cell.pupil.pk: cell.verdict for cell in summary.cells}
    assert verdicts == {cast.amara.pk: "over", classmate.pk: "under"}
    page = cast.client("teacher").get(
        f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/self-assessment/"
    )
    text = page.content.decode()
    assert "Over-confident" in text and "Under-confident" in text and cast.amara.name in text
    profile = (
        cast.client("teacher")
        .get(f"/school/{URN}/feedback/pupils/{cast.amara.pk}/")
        .content.decode()
    )
    assert "Over-confident" in profile


def test_calibration_page_queries_do_not_grow_with_the_class(
    cast: Cast, count_queries: Any
) -> None:
    path = f"/school/{URN}/feedback/classes/{cast.four_oak.pk}/self-assessment/"
    client = cast.client("teacher")
    few, _ = count_queries(client, path)
    today = objective(cast, "Y4-MD-05")
    steps = list(today.success_criteria.all())
    levels = list(ScaleLevel.objects.filter(scale=cast.maths_framework.scale).order_by("position"))
    for index, pupil in enumerate(class_pupils(cast.four_oak)):
        judgement_record(pupil=pupil, objective=today, level=levels[index % 4], by=None)
        services.self_assessment_record(
            pupil=pupil,
            objective=today,
            ratings={s.pk: self_levels(cast)[(index + 1) % 4] for s in steps},
            by=None,
        )
    many, response = count_queries(client, path)
    assert b"Over-confident" in response.content
    # Sign-in, school, class and scope checks, the intentions, then four reads for the whole
    # table (self judgements, standings, scale values) whatever the class size.
    assert many == few
    assert many <= 17


def test_my_learning_page_has_a_fixed_number_of_queries(cast: Cast, count_queries: Any) -> None:
    count, response = count_queries(cast.client("pupil"), f"/school/{URN}/pupil/")
    assert b"My targets" in response.content
    # Session, memberships, pupil; enrolments, groups, intentions with steps and exemplars,
    # self levels, self-assessments with ratings; targets, achieved count, feedback with
    # codes and steps met, class points, notifications, work and submissions; the nav count.
    assert count <= 25


def test_after_self_assessing_the_pupil_returns_to_the_same_goal_with_a_place_for_the_thanks(
    cast: Cast,
) -> None:
    today = objective(cast, "Y4-MD-05")
    steps = list(today.success_criteria.all())
    client = cast.client("pupil")
    response = self_assess(client, today, {s.pk: self_levels(cast)[0].pk for s in steps})
    assert response["Location"].endswith(f"#goal-{today.pk}")
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Thank you! Your teacher can see how you are getting on." in page
    card = page[page.index(f'id="goal-{today.pk}"') :]
    assert "data-ns-messages-here" in card[: card.index("</article>")]
