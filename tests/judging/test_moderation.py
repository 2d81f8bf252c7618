"""Moderation: samples, blind ratings, agreement, outcomes applied as judgements, feedback."""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import krippendorff
import numpy as np
import pytest
from django.test import Client
from sklearn.metrics import cohen_kappa_score

from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum.models import Objective
from nextsteps.judging.models import ModerationItem, ModerationRating, ModerationSession, Moderator
from nextsteps.judging.selectors.moderation import (
    moderation_session_page,
    moderator_page,
    my_moderation_feedback,
    standardisation_exemplars,
)
from nextsteps.judging.services.moderation import (
    ModerationRefused,
    moderation_outcome_record,
    moderation_rating_record,
    moderation_session_close,
    moderation_session_create,
    standardisation_record,
)
from nextsteps.markbook.models import Judgement, JudgementSource, Standing
from nextsteps.people.models import Staff
from nextsteps.teaching.models import ClassStaff
from tests.conftest import Cast
from tests.judging.judging_helpers import (
    algebra_session,
    english_teacher,
    kingsmead,
    levels_of,
    make_hod,
)


def own_class_items(session: ModerationSession, staff: Staff) -> set[int]:
    """Items whose class the member of staff teaches or supports, or whose judgement they made."""
    classes = set(ClassStaff.objects.filter(staff=staff).values_list("teaching_class", flat=True))
    return {
        item.pk
        for item in session.items.all()
        if item.teacher_id == staff.pk or item.teaching_class_id in classes
    }


def client_for(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def new_session(cast: Cast, *, moderators: list[Staff], code: str = "Y8-AL-02", **kwargs: Any):
    school = kingsmead()
    objective = Objective.objects.get(school=school, code=code)
    options = {
        "title": "Spring check",
        "sampling": ModerationSession.Sampling.STRATIFIED,
        "sample_size": 8,
        "seed": 4,
        "standardise_first": False,
    }
    options.update(kwargs)
    return moderation_session_create(
        school=school,
        objective=objective,
        department=objective.framework.subject.department,
        moderators=moderators,
        by=cast.user("hod"),
        **options,
    )


# --------------------------------------------------------------------------- the sample


def test_the_demo_sample_reaches_every_maths_teacher_and_set_in_year_8(cast: Cast) -> None:
    session = algebra_session()
    items = list(session.items.select_related("teacher", "teaching_class"))
    assert len(items) == 12
    assert {i.teaching_class.name for i in items} == {"8 Ma1", "8 Ma2", "8 Ma3", "8 Ma4"}
    assert len({i.teacher_id for i in items}) == 3
    assert session.moderators.count() == 3  # the three teachers, each judging the others' work


def test_the_sample_is_drawn_from_pupils_with_a_standing_and_keeps_their_level(cast: Cast) -> None:
    colleagues = list(algebra_session().moderators.values_list("staff", flat=True))
    session = new_session(cast, moderators=list(Staff.objects.filter(pk__in=colleagues)))
    for item in session.items.select_related("original_level"):
        standing = Standing.objects.get(pupil=item.pupil, objective=session.objective)
        assert standing.level == item.original_level
    assert AuditEvent.objects.filter(action="moderation_session.create").exists()


def test_a_sample_at_one_standard_takes_only_work_at_that_level(cast: Cast) -> None:
    objective = Objective.objects.get(school=kingsmead(), code="Y8-AL-02")
    secure = next(level for level in levels_of(objective) if level.label == "Secure")
    session = new_session(cast, moderators=[english_teacher(kingsmead())], standard=secure)
    assert set(session.items.values_list("original_level__label", flat=True)) == {"Secure"}


def test_an_objective_with_no_judgements_has_nothing_to_sample_and_nothing_is_saved(
    cast: Cast,
) -> None:
    objective = Objective.objects.get(school=kingsmead(), code="Y8-AL-02")
    Standing.objects.filter(objective=objective).delete()
    before = ModerationSession.objects.count()
    with pytest.raises(ModerationRefused, match="no pupil has a judgement on Y8-AL-02"):
        new_session(cast, moderators=[english_teacher(kingsmead())])
    assert ModerationSession.objects.count() == before


def test_a_department_session_must_be_on_the_departments_own_objectives(cast: Cast) -> None:
    school = kingsmead()
    science = Objective.objects.get(school=school, code="Y9-WS-01")
    maths = algebra_session().department
    with pytest.raises(ModerationRefused, match="not taught by Mathematics"):
        moderation_session_create(
            school=school,
            title="Wrong",
            objective=science,
            department=maths,
            sampling="random",
            sample_size=4,
            moderators=[english_teacher(school)],
            by=cast.user("hod"),
        )


def test_a_standard_from_another_scale_is_refused(cast: Cast) -> None:
    other = levels_of(cast.maths_framework.objectives.first())[0]  # the primary school's scale
    with pytest.raises(ModerationRefused, match="not a level on the scale"):
        new_session(cast, moderators=[english_teacher(kingsmead())], standard=other)


# --------------------------------------------------------------------------- ratings


def test_a_moderator_standardises_before_rating_when_the_session_asks(cast: Cast) -> None:
    teacher = english_teacher(kingsmead())
    session = new_session(cast, moderators=[teacher], standardise_first=True)
    moderator = Moderator.objects.get(session=session)
    item = session.items.first()
    levels = levels_of(session.objective)
    with pytest.raises(ModerationRefused, match="judge the exemplars first"):
        moderation_rating_record(item=item, moderator=moderator, level=levels[2], by=teacher.user)
    exemplars = standardisation_exemplars(session.objective)
    assert len(exemplars) == 3
    standardisation_record(
        session=session, staff=teacher, levels=dict.fromkeys(exemplars, levels[1]), by=teacher.user
    )
    rating = moderation_rating_record(
        item=item, moderator=moderator, level=levels[2], by=teacher.user
    )
    again = moderation_rating_record(
        item=item, moderator=moderator, level=levels[3], by=teacher.user, note="on reflection"
    )
    assert again.pk == rating.pk and again.level == levels[3]


def test_ratings_stop_when_the_session_is_closed(cast: Cast) -> None:
    teacher = english_teacher(kingsmead())
    session = new_session(cast, moderators=[teacher])
    moderation_session_close(session=session, by=cast.user("hod"))
    with pytest.raises(ModerationRefused, match="is closed"):
        moderation_rating_record(
            item=session.items.first(),
            moderator=Moderator.objects.get(session=session),
            level=levels_of(session.objective)[1],
            by=teacher.user,
        )


# --------------------------------------------------------------------------- outcomes


def test_an_agreed_outcome_is_applied_as_a_moderation_judgement(cast: Cast) -> None:
    session = algebra_session()
    item = session.items.filter(outcome__isnull=True).select_related("pupil").first()
    assert item is not None
    extending = levels_of(session.objective)[3]
    before = Standing.objects.get(pupil=item.pupil, objective=session.objective)
    outcome = moderation_outcome_record(
        item=item,
        level=extending,
        reason="Checks every solution; goes beyond.",
        by=cast.user("hod"),
    )
    judgement = outcome.judgement
    assert judgement.source == JudgementSource.MODERATION
    assert judgement.level == extending
    assert judgement.recorded_by == cast.user("hod")
    assert "Checks every solution" in judgement.note
    after = Standing.objects.get(pupil=item.pupil, objective=session.objective)
    assert after.evidence_count == before.evidence_count + 1


def test_an_outcome_needs_a_reason_and_is_agreed_once(cast: Cast) -> None:
    session = algebra_session()
    item = session.items.filter(outcome__isnull=True).first()
    level = levels_of(session.objective)[2]
    count = Judgement.objects.count()
    with pytest.raises(ModerationRefused, match="say why"):
        moderation_outcome_record(item=item, level=level, reason="  ", by=cast.user("hod"))
    assert Judgement.objects.count() == count
    moderation_outcome_record(item=item, level=level, reason="Secure work.", by=cast.user("hod"))
    with pytest.raises(ModerationRefused, match="already agreed"):
        moderation_outcome_record(item=item, level=level, reason="Again.", by=cast.user("hod"))
    assert Judgement.objects.count() == count + 1


# --------------------------------------------------------------------------- agreement


def test_session_agreement_matches_scikit_learn_and_krippendorff(cast: Cast) -> None:
    session = algebra_session()
    page = moderation_session_page(session)
    first, second = page.moderators[:2]
    both = [r for r in page.rows if first.pk in r.independent and second.pk in r.independent]
    a = [row.independent[first.pk].position for row in both]
    b = [row.independent[second.pk].position for row in both]
    positions = [level.position for level in page.levels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kappa = cohen_kappa_score(a, b, labels=positions, weights="quadratic")
    pair = page.agreement.between_moderators[0]
    assert pair.items == len(both) > 0
    assert pair.kappa == pytest.approx(kappa, abs=1e-12)
    assert pair.exact == pytest.approx(np.mean(np.array(a) == np.array(b)))
    assert pair.within_one == pytest.approx(np.mean(np.abs(np.array(a) - np.array(b)) <= 1))
    columns = [
        [row.independent[m.pk].position if m.pk in row.independent else np.nan for row in page.rows]
        for m in page.moderators
    ]
    teacher = [row.item.original_level.position for row in page.rows]
    alpha = krippendorff.alpha(
        reliability_data=np.array(columns, dtype=float),
        level_of_measurement="ordinal",
        value_domain=positions,
    )
    assert page.agreement.alpha_moderators == pytest.approx(alpha, abs=1e-12)
    alpha_all = krippendorff.alpha(
        reliability_data=np.array([*columns, teacher], dtype=float),
        level_of_measurement="ordinal",
        value_domain=positions,
    )
    assert page.agreement.alpha_with_teacher == pytest.approx(alpha_all, abs=1e-12)
    assert not math.isnan(page.agreement.alpha_with_teacher)


def test_the_generous_teacher_sees_it_privately(cast: Cast) -> None:
    items = ModerationItem.objects.filter(session=algebra_session(), outcome__isnull=False)
    differences: dict[int, list[int]] = {}
    for item in items.select_related("original_level", "outcome__level"):
        differences.setdefault(item.teacher_id, []).append(
            item.original_level.position - item.outcome.level.position
        )
    generous_id = max(differences, key=lambda t: np.mean(differences[t]))
    generous = Staff.objects.get(pk=generous_id)
    feedback = my_moderation_feedback(generous)
    assert feedback.as_teacher is not None
    assert feedback.as_teacher.mean_difference == pytest.approx(np.mean(differences[generous_id]))
    assert feedback.as_teacher.word == "generous"
    page = client_for(generous).get(f"/school/{kingsmead().urn}/judging/feedback/")
    assert "You tend to be generous" in page.content.decode()


# --------------------------------------------------------------------------- pages


def main_text(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index('<main id="main"') :]
    without_choices = re.sub(r'<fieldset class="level-options".*?</fieldset>', "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", without_choices)


def test_the_moderators_pages_never_show_the_teachers_judgement(cast: Cast) -> None:
    teacher = english_teacher(kingsmead())
    session = new_session(cast, moderators=[teacher])
    client = client_for(teacher)
    urn = kingsmead().urn
    listing = client.get(f"/school/{urn}/judging/moderation/{session.pk}/")
    assert listing.status_code == 200
    assert "You are moderating blind" in listing.content.decode()
    for item in session.items.select_related("original_level", "teacher", "teaching_class"):
        page = client.get(f"/school/{urn}/judging/moderation/{session.pk}/items/{item.pk}/")
        assert page.status_code == 200
        text = main_text(page)
        assert item.original_level.label not in text
        assert item.teaching_class.name not in text
        assert item.teacher.surname not in text
        assert "Teacher’s level" not in text and "Class teacher" not in text
        assert "checked" not in page.content.decode()
        assert "row" not in page.context and "ratings" not in page.context


def test_an_organiser_who_also_moderates_judges_blind_until_done(cast: Cast) -> None:
    shah = Staff.objects.get(user__username="hod")
    session = new_session(cast, moderators=[shah], sample_size=3)
    client = cast.client("hod")
    url = f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/"
    assert "You are moderating blind" in client.get(url).content.decode()
    own = own_class_items(session, shah)
    for item in session.items.all():
        response = client.post(
            f"{url}items/{item.pk}/", {"level": levels_of(session.objective)[1].pk}
        )
        assert response.status_code == (404 if item.pk in own else 302)
    full = client.get(url).content.decode()
    assert "Teacher’s level" in full and "Agreement" in full


def test_the_organiser_sees_the_teachers_levels_agreement_and_can_agree(cast: Cast) -> None:
    session = algebra_session()
    client = cast.client("hod")
    url = f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/"
    page = client.get(url)
    html = page.content.decode()
    assert "Teacher’s level" in html and "Weighted kappa" in html and "Krippendorff" in html
    item = session.items.filter(outcome__isnull=True).first()
    level = levels_of(session.objective)[2]
    missing = client.post(f"{url}items/{item.pk}/outcome/", {"level": level.pk, "reason": ""})
    assert missing.status_code == 302
    assert (
        not ModerationItem.objects.get(pk=item.pk)
        .__class__.objects.filter(pk=item.pk, outcome__isnull=False)
        .exists()
    )
    client.post(f"{url}items/{item.pk}/outcome/", {"level": level.pk, "reason": "Clear method."})
    assert Judgement.objects.filter(
        pupil=item.pupil,
        objective=session.objective,
        source=JudgementSource.MODERATION,
        level=level,
    ).exists()


@pytest.mark.parametrize("who", ["pupil", "parent", "teacher", "ta", "otherteacher", "admin"])
def test_people_outside_the_session_cannot_open_it(cast: Cast, who: str) -> None:
    session = algebra_session()
    response = cast.client(who).get(f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/")
    assert response.status_code == 404


def test_an_uninvited_teacher_and_another_departments_head_cannot_open_it(cast: Cast) -> None:
    session = algebra_session()
    url = f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/"
    teacher = english_teacher(kingsmead())
    assert client_for(teacher).get(url).status_code == 404
    make_hod(teacher.user, kingsmead(), "English")
    assert client_for(teacher).get(url).status_code == 404
    assert cast.client("leader").get(url).status_code == 200


def test_a_moderator_cannot_agree_outcomes(cast: Cast) -> None:
    session = algebra_session()
    moderator = session.moderators.select_related("staff__user").first()
    item = session.items.filter(outcome__isnull=True).first()
    response = client_for(moderator.staff).post(
        f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/items/{item.pk}/outcome/",
        {"level": levels_of(session.objective)[2].pk, "reason": "I say so."},
    )
    assert response.status_code == 404


def test_the_head_of_department_sets_up_a_session_through_the_form(cast: Cast) -> None:
    school = kingsmead()
    objective = Objective.objects.get(school=school, code="Y8-AL-01")
    teacher = english_teacher(school)
    client = cast.client("hod")
    page = client.get(f"/school/{school.urn}/judging/moderation/new/")
    assert "Y8-AL-01" in page.content.decode() and "Y9-WS-01" not in page.content.decode()
    response = client.post(
        f"/school/{school.urn}/judging/moderation/new/",
        {
            "title": "Brackets",
            "objective": objective.pk,
            "sampling": "random",
            "sample_size": 6,
            "moderators": [teacher.pk],
            "standardise_first": "on",
        },
    )
    session = ModerationSession.objects.get(title="Brackets")
    assert response.status_code == 302
    assert session.items.count() == 6 and session.department.name == "Mathematics"


def test_the_form_says_what_is_wrong_and_saves_nothing(cast: Cast) -> None:
    school = kingsmead()
    response = cast.client("hod").post(
        f"/school/{school.urn}/judging/moderation/new/",
        {"title": "", "objective": "", "sampling": "random", "sample_size": 1},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and "Moderators" in html
    assert not ModerationSession.objects.filter(title="").exists()


# --------------------------------------------------------------------------- query budgets


def test_the_judging_home_page_has_a_fixed_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("hod")
    for n in range(3):  # more sessions must not mean more queries
        new_session(cast, moderators=[english_teacher(kingsmead())], title=f"Extra {n}")
    # session, user, memberships (1 each), staff (1), moderation list + ids (2),
    # comparative list + ids (2), moderating and judging ids (2), nav (1)
    with django_assert_max_num_queries(12):
        response = client.get(f"/school/{kingsmead().urn}/judging/")
    assert response.status_code == 200


def test_the_organisers_session_page_has_a_fixed_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("hod")
    session = new_session(cast, moderators=[english_teacher(kingsmead())], sample_size=30)
    # session, user, memberships, school session (1), staff and participant (2), items,
    # their classes' staff and the rating count (3), levels, moderators, items, classes'
    # staff, ratings (5), nav (1): not per item
    with django_assert_max_num_queries(15):
        response = client.get(f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("not yet") == 30


# --------------------------------------------------------------------------- independence


def maths_teacher(surname: str) -> Staff:
    return Staff.objects.get(school=kingsmead(), surname=surname)


def independence_session(cast: Cast) -> ModerationSession:
    """Ms Boyle (who teaches two of the Year 8 sets) and an English teacher moderate."""
    return new_session(
        cast,
        moderators=[maths_teacher("Boyle"), english_teacher(kingsmead())],
        sample_size=12,
        title="Independence check",
    )


def test_a_moderator_is_never_given_work_from_their_own_classes(cast: Cast) -> None:
    session = independence_session(cast)
    boyle = maths_teacher("Boyle")
    own = own_class_items(session, boyle)
    assert own and len(own) < session.items.count()
    moderator = Moderator.objects.get(session=session, staff=boyle)
    page = moderator_page(session, moderator)
    assert {item.pk for item in page.items} == set(session.items.values_list("pk", flat=True)) - own
    assert page.withheld == len(own)
    client = client_for(boyle)
    url = f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/"
    listing = client.get(url).content.decode()
    assert f"{len(own)} pieces from your own classes are moderated by colleagues" in listing
    item = session.items.get(pk=min(own))
    assert client.get(f"{url}items/{item.pk}/").status_code == 404
    before = ModerationRating.objects.count()
    assert (
        client.post(
            f"{url}items/{item.pk}/", {"level": levels_of(session.objective)[1].pk}
        ).status_code
        == 404
    )
    with pytest.raises(ModerationRefused, match="from your own class"):
        moderation_rating_record(
            item=item, moderator=moderator, level=levels_of(session.objective)[1], by=boyle.user
        )
    assert ModerationRating.objects.count() == before


def test_agreement_counts_only_levels_from_independent_moderators(cast: Cast) -> None:
    # A level Ms Boyle gave her own class's work (recorded before this rule, or before she
    # took the class) is shown but never agrees with anyone, least of all with herself.
    session = independence_session(cast)
    boyle, other = maths_teacher("Boyle"), english_teacher(kingsmead())
    moderators = {m.staff_id: m for m in session.moderators.all()}
    levels = levels_of(session.objective)
    for item in session.items.select_related("original_level"):
        for staff in (boyle, other):
            ModerationRating.objects.create(
                school=item.school,
                item=item,
                moderator=moderators[staff.pk],
                level=item.original_level,  # everyone gives the teacher's own level
            )
    page = moderation_session_page(session)
    own = own_class_items(session, boyle)
    independent_items = session.items.count() - len(own)
    between = page.agreement.between_moderators[0]
    assert between.items == independent_items
    with_teacher = {pair.first: pair for pair in page.agreement.with_teacher}
    assert with_teacher[boyle.name].items == independent_items
    assert with_teacher[other.name].items == session.items.count()
    assert page.rated == 2 * session.items.count() - len(own)
    assert page.judged_twice == independent_items
    assert {row.item.pk for row, m in page.not_independent if m.staff_id == boyle.pk} == own
    assert levels  # the scale is there; the rows above used its levels


def test_an_outcome_needs_two_independent_judgements_or_a_leaders_reason(cast: Cast) -> None:
    session = independence_session(cast)
    boyle, other = maths_teacher("Boyle"), english_teacher(kingsmead())
    moderators = {m.staff_id: m for m in session.moderators.all()}
    level = levels_of(session.objective)[2]
    own = own_class_items(session, boyle)
    item = session.items.exclude(pk__in=own).first()
    hod = cast.user("hod")
    with pytest.raises(ModerationRefused, match="0 independent judgement"):
        moderation_outcome_record(item=item, level=level, reason="Clear method.", by=hod)
    moderation_rating_record(item=item, moderator=moderators[other.pk], level=level, by=other.user)
    with pytest.raises(ModerationRefused, match="1 independent judgement"):
        moderation_outcome_record(item=item, level=level, reason="Clear method.", by=hod)
    moderation_rating_record(item=item, moderator=moderators[boyle.pk], level=level, by=boyle.user)
    outcome = moderation_outcome_record(item=item, level=level, reason="Clear method.", by=hod)
    assert outcome.override_reason == ""
    assert not AuditEvent.objects.filter(action="moderation_outcome.override").exists()
    # Ms Boyle's own class: only one moderator can be independent, so a leader decides.
    mine = session.items.get(pk=min(own))
    moderation_rating_record(item=mine, moderator=moderators[other.pk], level=level, by=other.user)
    with pytest.raises(ModerationRefused, match="1 independent judgement"):
        moderation_outcome_record(item=mine, level=level, reason="Secure.", by=hod)
    outcome = moderation_outcome_record(
        item=mine,
        level=level,
        reason="Secure.",
        override_reason="Only one colleague outside the class; I read it with them.",
        by=hod,
    )
    assert outcome.override_reason.startswith("Only one colleague")
    event = AuditEvent.objects.get(action="moderation_outcome.override")
    assert event.actor_id == hod.pk and event.target_id == str(outcome.pk)


def test_the_organiser_agrees_without_two_judgements_only_with_a_reason(cast: Cast) -> None:
    session = independence_session(cast)
    item = session.items.first()
    url = f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/items/{item.pk}/"
    client = cast.client("hod")
    page = client.get(url).content.decode()
    assert "Independent judgements: 0 of the 2 an outcome needs." in page
    assert 'name="override_reason"' in page
    level = levels_of(session.objective)[2]
    client.post(f"{url}outcome/", {"level": level.pk, "reason": "Secure."})
    assert not ModerationItem.objects.filter(pk=item.pk, outcome__isnull=False).exists()
    client.post(
        f"{url}outcome/",
        {"level": level.pk, "reason": "Secure.", "override_reason": "Moderators are away."},
    )
    assert ModerationItem.objects.get(pk=item.pk).outcome.override_reason == "Moderators are away."
    assert "Agreed without two independent judgements:" in client.get(url).content.decode()


def test_the_session_page_counts_what_is_really_there(cast: Cast) -> None:
    demo_page = cast.client("hod").get(
        f"/school/{kingsmead().urn}/judging/moderation/{algebra_session().pk}/"
    )
    text = re.sub(r"\s+", " ", demo_page.content.decode())
    assert "pieces of work in the sample, 12 judged twice independently" in text
    session = independence_session(cast)
    page = cast.client("hod").get(f"/school/{kingsmead().urn}/judging/moderation/{session.pk}/")
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "pieces of work in the sample, 0 judged twice independently" in text
    assert "own class: not given" in text and "Kept independent" in text
    own = own_class_items(session, maths_teacher("Boyle"))
    assert f"{len(own)} pieces can have fewer than two independent judgements" in text


def test_a_moderators_own_tendency_leaves_out_levels_for_their_own_classes(cast: Cast) -> None:
    session = independence_session(cast)
    boyle = maths_teacher("Boyle")
    moderator = Moderator.objects.get(session=session, staff=boyle)
    levels = levels_of(session.objective)
    own = own_class_items(session, boyle)
    before = my_moderation_feedback(boyle).as_moderator  # from the demo's session
    for item in session.items.filter(pk__in=own).select_related("original_level"):
        # a level for her own class (as the old rule allowed), far above the agreed outcome
        ModerationRating.objects.create(
            school=item.school, item=item, moderator=moderator, level=levels[-1]
        )
        moderation_outcome_record(
            item=item,
            level=levels[0],
            reason="Agreed.",
            override_reason="Test.",
            by=cast.user("hod"),
        )
    assert my_moderation_feedback(boyle).as_moderator == before
