"""Practice attempts: handing in marks every answer on the server, from the seed; a retry
stores nothing twice; impossible times and bad answers are refused with nothing written."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.idempotency import IdempotencyConflict
from nextsteps.mtc import selectors, services
from nextsteps.mtc.kernels.check_form import form
from nextsteps.mtc.kernels.fact_map import Standing
from nextsteps.mtc.kernels.scores import Outcome
from nextsteps.mtc.models import PracticeAnswer, PracticeAttempt
from tests.conftest import Cast
from tests.mtc.helpers import answers, started


def test_an_attempt_asks_the_form_its_seed_makes(cast: Cast) -> None:
    attempt = started(cast.amara, seed=4242)
    made = services.attempt_form(attempt)
    assert made == form(4242)
    assert len(made.practice) == 3 and len(made.items) == 25


def test_handing_in_marks_each_answer_and_scores_only_the_items(cast: Cast) -> None:
    attempt = started(cast.amara)
    # position 0 is a practice question: wrong, but practice is never marked.
    done = services.attempt_submit(
        attempt=attempt,
        answers=answers(attempt, wrong={0, 3, 4}, timed_out={10}),
        timed=True,
        idempotency_key="k-1",
        by=cast.user("pupil"),
    )
    assert done.finished and done.score == 25 - 3
    rows = list(PracticeAnswer.objects.filter(attempt=attempt))
    assert len(rows) == 28
    assert [r.position for r in rows if not r.correct] == [0, 3, 4, 10]
    assert all(r.practice == (r.position < 3) for r in rows)
    timed_out = next(r for r in rows if r.position == 10)
    assert timed_out.timed_out and timed_out.time_ms == 6000 and not timed_out.correct
    made = services.attempt_form(attempt)
    assert (rows[5].a, rows[5].b) == made.items[2]
    assert AuditEvent.objects.filter(
        action="mtc.practice.submit", target_id=str(attempt.pk)
    ).exists()


def test_the_same_key_and_answers_again_store_nothing_new(cast: Cast) -> None:
    attempt = started(cast.amara)
    sent = answers(attempt, wrong={5})
    first = services.attempt_submit(
        attempt=attempt, answers=sent, timed=True, idempotency_key="same", by=None
    )
    again = services.attempt_submit(
        attempt=attempt, answers=sent, timed=True, idempotency_key="same", by=None
    )
    assert again.pk == first.pk and again.score == first.score
    assert PracticeAnswer.objects.filter(attempt=attempt).count() == 28


def test_the_same_key_with_other_answers_is_refused(cast: Cast) -> None:
    attempt = started(cast.amara)
    services.attempt_submit(
        attempt=attempt, answers=answers(attempt), timed=True, idempotency_key="k", by=None
    )
    with pytest.raises(IdempotencyConflict):
        services.attempt_submit(
            attempt=attempt,
            answers=answers(attempt, wrong={4}),
            timed=True,
            idempotency_key="k",
            by=None,
        )
    with pytest.raises(services.PracticeRefused, match="already been handed in"):
        services.attempt_submit(
            attempt=attempt, answers=answers(attempt), timed=True, idempotency_key="k2", by=None
        )
    assert PracticeAnswer.objects.filter(attempt=attempt, correct=False).count() == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda a: a[:-1], "exactly one answer"),
        (lambda a: [*a[:-1], dataclasses.replace(a[0], position=0)], "exactly one answer"),
        (lambda a: [dataclasses.replace(a[0], answer="12a"), *a[1:]], "up to 3 digits"),
        (lambda a: [dataclasses.replace(a[0], answer="1234"), *a[1:]], "up to 3 digits"),
        (lambda a: [dataclasses.replace(a[0], time_ms=9000), *a[1:]], "0 to 6750"),
        (lambda a: [dataclasses.replace(a[0], time_ms=-1), *a[1:]], "0 to 6750"),
        (lambda a: [dataclasses.replace(a[0], time_ms=None), *a[1:]], "0 to 6750"),
        (
            lambda a: [dataclasses.replace(a[0], time_ms=800, timed_out=True), *a[1:]],
            "only at the limit",
        ),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    cast: Cast, change: object, problem: str
) -> None:
    attempt = started(cast.amara)
    with pytest.raises(services.PracticeRefused, match=problem):
        services.attempt_submit(
            attempt=attempt,
            answers=change(answers(attempt)),  # type: ignore[operator]
            timed=True,
            idempotency_key="bad",
            by=None,
        )
    attempt.refresh_from_db()
    assert not attempt.finished and not PracticeAnswer.objects.filter(attempt=attempt).exists()


def test_more_answering_time_than_has_passed_is_refused(cast: Cast) -> None:
    """28 answers of 5 seconds are 140 seconds: impossible a minute after the start."""
    attempt = started(cast.amara, minutes_ago=0)
    with pytest.raises(services.PracticeRefused, match="began only"):
        services.attempt_submit(
            attempt=attempt,
            answers=answers(attempt, ms=5000),
            timed=True,
            idempotency_key="fast",
            by=None,
            now=attempt.started_at + dt.timedelta(seconds=60),
        )
    done = services.attempt_submit(
        attempt=attempt,
        answers=answers(attempt, ms=5000),
        timed=True,
        idempotency_key="fast",
        by=None,
        now=attempt.started_at + dt.timedelta(seconds=140 + 28 * 3),
    )
    assert done.score == 25


def test_untimed_answers_score_but_never_count_as_quick(cast: Cast) -> None:
    attempt = started(cast.amara)
    plain = [dataclasses.replace(a, time_ms=None) for a in answers(attempt)]
    done = services.attempt_submit(
        attempt=attempt, answers=plain, timed=False, idempotency_key="", by=None
    )
    assert not done.timed and done.score == 25
    facts = selectors.pupil_fact_map(cast.amara).facts
    made = services.attempt_form(attempt)
    a, b = made.items[0]
    assert facts.standing(a, b) in {Standing.SLOWLY, Standing.NOT_YET}
    assert selectors.attempt_result(done).against_best is None


def test_the_result_sets_the_score_against_the_pupils_own_best_only(cast: Cast) -> None:
    other = cast.four_oak.enrolments.exclude(pupil=cast.amara).first().pupil  # type: ignore[union-attr]
    PracticeAttempt.objects.filter(pupil__in=[cast.amara, other]).delete()
    theirs = started(other, seed=1)
    services.attempt_submit(
        attempt=theirs, answers=answers(theirs), timed=True, idempotency_key="o", by=None
    )
    first = started(cast.amara, seed=2, minutes_ago=30)
    services.attempt_submit(
        attempt=first,
        answers=answers(first, wrong={3, 4, 5}),
        timed=True,
        idempotency_key="a1",
        by=None,
        now=timezone.now() - dt.timedelta(minutes=20),
    )
    second = started(cast.amara, seed=3)
    services.attempt_submit(
        attempt=second,
        answers=answers(second, wrong={3}),
        timed=True,
        idempotency_key="a2",
        by=None,
    )
    first_result = selectors.attempt_result(PracticeAttempt.objects.get(pk=first.pk))
    assert first_result.against_best is not None
    assert first_result.against_best.outcome == Outcome.FIRST  # the other pupil's 25 is not hers
    result = selectors.attempt_result(PracticeAttempt.objects.get(pk=second.pk))
    assert result.against_best is not None
    assert (result.against_best.score, result.against_best.previous_best) == (24, 22)
    assert result.against_best.outcome == Outcome.NEW_BEST


def test_a_wrong_latest_answer_puts_the_fact_in_not_yet_and_first_to_practise(
    cast: Cast,
) -> None:
    PracticeAttempt.objects.filter(pupil=cast.amara).delete()
    attempt = started(cast.amara)
    services.attempt_submit(
        attempt=attempt,
        answers=answers(attempt, wrong={7}),
        timed=True,
        idempotency_key="w",
        by=None,
    )
    made = services.attempt_form(attempt)
    a, b = made.items[7 - 3]
    facts = selectors.pupil_fact_map(cast.amara)
    assert facts.facts.standing(a, b) == Standing.NOT_YET
    assert facts.practise_next[0] == (min(a, b), max(a, b))
    # A form never holds a fact with its reversal, so 24 right items are 24 facts.
    assert facts.counts[Standing.QUICKLY] == 24
    assert len(facts.rows) == 11 and all(len(cells) == 11 for _, cells in facts.rows)


def test_arrangements_are_set_and_refuse_an_unknown_colour(cast: Cast) -> None:
    set_ = services.arrangements_set(
        pupil=cast.amara, next_button=True, large_text=True, colours="dark", by=None
    )
    assert set_.next_button and set_.colours == "dark"
    assert started(cast.amara).next_button
    with pytest.raises(services.PracticeRefused, match="not a colour"):
        services.arrangements_set(
            pupil=cast.amara, next_button=False, large_text=False, colours="pink", by=None
        )
    set_.refresh_from_db()
    assert set_.colours == "dark"
