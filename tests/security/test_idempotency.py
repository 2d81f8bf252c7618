"""No lost or doubled work: a repeated submission is stored once, even when the two copies
arrive at the same moment on two database connections (PostgreSQL), and a key never reaches
another person's or another school's judgements."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection

from nextsteps.audit.models import AuditEvent
from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.idempotency import IdempotencyConflict
from nextsteps.markbook.models import Judgement
from nextsteps.markbook.services import (
    JudgementEntry,
    JudgementRefused,
    judgement_record,
    judgements_record_bulk,
    standings_refresh,
)
from nextsteps.people.models import Pupil
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import OTHER_URN, Cast

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def statistics(cast: Cast) -> Objective:
    return Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")


def top_level(objective: Objective) -> ScaleLevel:
    level = objective.framework.scale.levels.order_by("position").last()
    assert level is not None
    return level


def test_a_repeated_key_records_one_judgement(cast: Cast, statistics: Objective) -> None:
    teacher = cast.user("teacher")
    key = uuid.uuid4().hex
    first = judgement_record(
        pupil=cast.amara,
        objective=statistics,
        level=top_level(statistics),
        by=teacher,
        idempotency_key=key,
    )
    again = judgement_record(
        pupil=cast.amara,
        objective=statistics,
        level=top_level(statistics),
        by=teacher,
        idempotency_key=key,
    )
    assert again.pk == first.pk
    assert Judgement.objects.filter(idempotency_key=key).count() == 1


def test_a_repeated_batch_key_records_the_batch_once(cast: Cast, statistics: Objective) -> None:
    entries = [
        JudgementEntry(pupil=p, objective=statistics, level=top_level(statistics))
        for p in class_pupils(cast.four_oak)[:5]
    ]
    key = uuid.uuid4().hex
    first = judgements_record_bulk(
        entries=entries, by=cast.user("teacher"), teaching_class=cast.four_oak, idempotency_key=key
    )
    again = judgements_record_bulk(
        entries=entries, by=cast.user("teacher"), teaching_class=cast.four_oak, idempotency_key=key
    )
    assert [j.pk for j in again] == [j.pk for j in first]
    assert (
        Judgement.objects.filter(school=cast.primary, idempotency_key__startswith=f"{key}:").count()
        == 5
    )


def test_someone_elses_key_is_refused_not_answered_with_their_judgements(
    cast: Cast, statistics: Objective
) -> None:
    key = uuid.uuid4().hex
    judgement_record(
        pupil=cast.amara,
        objective=statistics,
        level=top_level(statistics),
        by=cast.user("teacher"),
        idempotency_key=key,
    )
    with pytest.raises(JudgementRefused, match="already used by someone else"):
        judgement_record(
            pupil=cast.amara,
            objective=statistics,
            level=top_level(statistics),
            by=cast.user("ta"),
            idempotency_key=key,
        )
    entries = [JudgementEntry(pupil=cast.amara, objective=statistics, level=top_level(statistics))]
    judgements_record_bulk(entries=entries, by=cast.user("teacher"), idempotency_key=key)
    with pytest.raises(JudgementRefused, match="already used by someone else"):
        judgements_record_bulk(entries=entries, by=cast.user("ta"), idempotency_key=key)


def test_a_batch_key_from_another_school_is_a_new_batch_there(
    cast: Cast, statistics: Objective
) -> None:
    from nextsteps.curriculum.kernels.spec import FrameworkSpec, ObjectiveSpec, StrandSpec
    from nextsteps.curriculum.services import DEFAULT_SCALE, framework_import

    key = uuid.uuid4().hex
    ours = judgements_record_bulk(
        entries=[
            JudgementEntry(pupil=cast.amara, objective=statistics, level=top_level(statistics))
        ],
        by=cast.user("teacher"),
        idempotency_key=key,
    )
    isaac = Pupil.objects.get(school__urn=OTHER_URN)
    spec = FrameworkSpec(
        name="Maths",
        subject="Mathematics",
        scale=DEFAULT_SCALE,
        strands=(
            StrandSpec(
                code="N",
                name="Number",
                objectives=(ObjectiveSpec(code="N1", wording="Count", year_group=4),),
            ),
        ),
    )
    framework = framework_import(school=isaac.school, spec=spec, by=None)
    objective = framework.objectives.get()
    theirs = judgements_record_bulk(
        entries=[JudgementEntry(pupil=isaac, objective=objective, level=top_level(objective))],
        by=cast.user("otherteacher"),
        idempotency_key=key,
    )
    assert [j.pupil_id for j in theirs] == [isaac.pk]
    assert {j.pk for j in theirs}.isdisjoint({j.pk for j in ours})


def test_the_markbook_cell_stores_a_repeated_press_once(cast: Cast, statistics: Objective) -> None:
    url = (
        f"/school/{cast.primary.urn}/markbook/classes/{cast.four_oak.pk}"
        f"/cells/{cast.amara.pk}/{statistics.pk}/"
    )
    client = cast.client("teacher")
    body = {"position": "3", "method": "observation", "idempotency_key": f"mb-{uuid.uuid4().hex}"}
    before = Judgement.objects.filter(pupil=cast.amara, objective=statistics).count()
    assert client.post(url, body, HTTP_HX_REQUEST="true").status_code == 200
    assert client.post(url, body, HTTP_HX_REQUEST="true").status_code == 200
    assert Judgement.objects.filter(pupil=cast.amara, objective=statistics).count() == before + 1


def test_the_markbook_script_sends_a_fresh_key_with_each_press_and_keeps_it_for_retries() -> None:
    script = (ROOT / "src/nextsteps/markbook/static/markbook/markbook.js").read_text()
    assert "key: pressKey()" in script  # made when the level is typed, once
    assert 'entry.data.set("idempotency_key", entry.key)' in script  # sent with every try
    assert "getRandomValues" in script  # a random key per press, made in the browser


def test_a_key_sent_again_with_a_different_judgement_is_refused_and_records_nothing(
    cast: Cast, statistics: Objective
) -> None:
    teacher, key = cast.user("teacher"), uuid.uuid4().hex
    levels = list(statistics.framework.scale.levels.order_by("position"))
    judgement_record(
        pupil=cast.amara, objective=statistics, level=levels[2], by=teacher, idempotency_key=key
    )
    before = Judgement.objects.count()
    with pytest.raises(IdempotencyConflict, match=key):
        judgement_record(
            pupil=cast.amara, objective=statistics, level=levels[0], by=teacher, idempotency_key=key
        )
    with pytest.raises(IdempotencyConflict, match=key):
        judgement_record(
            pupil=cast.amara,
            objective=statistics,
            level=levels[2],
            by=teacher,
            note="a different note is a different request",
            idempotency_key=key,
        )
    assert Judgement.objects.count() == before


def test_a_batch_key_sent_again_with_different_entries_is_refused_and_records_nothing(
    cast: Cast, statistics: Objective
) -> None:
    teacher, key = cast.user("teacher"), uuid.uuid4().hex
    levels = list(statistics.framework.scale.levels.order_by("position"))
    pupils = class_pupils(cast.four_oak)[:3]
    first = [JudgementEntry(pupil=p, objective=statistics, level=levels[2]) for p in pupils]
    judgements_record_bulk(entries=first, by=teacher, idempotency_key=key)
    before = Judgement.objects.count()
    changed = [*first[:2], JudgementEntry(pupil=pupils[2], objective=statistics, level=levels[0])]
    fewer, more = (
        first[:2],
        [*first, JudgementEntry(pupil=cast.amara, objective=statistics, level=levels[1])],
    )
    for entries in (changed, fewer, more):
        with pytest.raises(IdempotencyConflict, match=key):
            judgements_record_bulk(entries=entries, by=teacher, idempotency_key=key)
    assert Judgement.objects.count() == before
    assert len(judgements_record_bulk(entries=first, by=teacher, idempotency_key=key)) == 3


# ------------------------------------------------------------------ two connections at once


def run_together(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run each action on its own thread (so its own database connection), all released at once."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def on_own_connection(action: Callable[[], Any]) -> Any:
    return run_together([action])[0]


@pytest.fixture
def committed_cleanup(cast: Cast, statistics: Objective) -> Iterator[list[str]]:
    """Keys whose judgements were committed by other connections; removed after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent connections need PostgreSQL (DATABASE_URL=postgres://...)")
    keys: list[str] = []
    yield keys

    def clean() -> None:
        for key in keys:
            rows = Judgement.objects.filter(idempotency_key__startswith=key)
            cells = set(rows.values_list("pupil_id", "objective_id"))
            ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
            AuditEvent.objects.filter(target_type="markbook.judgement", target_id__in=ids).delete()
            rows.delete()
            standings_refresh(cells)

    assert on_own_connection(clean) is None


@pytest.mark.postgres
def test_the_same_press_from_two_connections_at_once_is_stored_once(
    cast: Cast, statistics: Objective, committed_cleanup: list[str]
) -> None:
    key = f"mb-{uuid.uuid4().hex}"
    committed_cleanup.append(key)
    teacher, level = cast.user("teacher"), top_level(statistics)

    def press() -> int:
        return judgement_record(
            pupil=cast.amara, objective=statistics, level=level, by=teacher, idempotency_key=key
        ).pk

    results = run_together([press] * 4)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert on_own_connection(lambda: Judgement.objects.filter(idempotency_key=key).count()) == 1


@pytest.mark.postgres
def test_the_same_batch_from_two_connections_at_once_is_stored_once(
    cast: Cast, statistics: Objective, committed_cleanup: list[str]
) -> None:
    key = uuid.uuid4().hex
    committed_cleanup.append(key)
    teacher, level = cast.user("teacher"), top_level(statistics)
    pupils = class_pupils(cast.four_oak)

    def submit() -> list[int]:
        entries = [JudgementEntry(pupil=p, objective=statistics, level=level) for p in pupils]
        made = judgements_record_bulk(
            entries=entries, by=teacher, teaching_class=cast.four_oak, idempotency_key=key
        )
        return sorted(j.pk for j in made)

    results = run_together([submit] * 3)
    assert all(isinstance(r, list) for r in results), results
    assert results[0] == results[1] == results[2]
    stored = on_own_connection(
        lambda: Judgement.objects.filter(idempotency_key__startswith=f"{key}:").count()
    )
    assert stored == len(pupils)


@pytest.mark.postgres
def test_two_teachers_saving_one_cell_at_once_both_keep_their_judgements(
    cast: Cast, statistics: Objective, committed_cleanup: list[str]
) -> None:
    keys = [f"mb-{uuid.uuid4().hex}" for _ in range(6)]
    committed_cleanup.extend(keys)
    people = [cast.user("teacher"), cast.user("ta")]
    levels = list(statistics.framework.scale.levels.order_by("position"))

    def save(index: int) -> Callable[[], int]:
        return lambda: (
            judgement_record(
                pupil=cast.amara,
                objective=statistics,
                level=levels[index % len(levels)],
                by=people[index % 2],
                idempotency_key=keys[index],
            ).pk
        )

    results = run_together([save(i) for i in range(6)])
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 6

    def standing_matches_events() -> bool:
        from nextsteps.markbook.models import Standing

        standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
        return (
            standing.evidence_count
            == Judgement.objects.filter(pupil=cast.amara, objective=statistics).count()
        )

    assert on_own_connection(standing_matches_events) is True
