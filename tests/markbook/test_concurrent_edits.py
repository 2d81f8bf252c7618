"""Two teachers saving the same cell at the same moment both keep their events (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection

from nextsteps.accounts.models import User
from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import Judgement, Standing
from nextsteps.markbook.services import judgement_record
from nextsteps.people.models import Pupil

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_on_one_cell_keep_both_events_and_a_consistent_standing() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent connections need PostgreSQL")
    from nextsteps.schools.models import School
    from tests.conftest import build_cast

    if not School.objects.filter(urn=990101).exists():  # flushed by an earlier transactional test
        build_cast()
    amara = Pupil.objects.get(user__username="pupil")
    objective = Objective.objects.get(framework__school=amara.school, code="Y4-ST-01")
    levels = list(objective.framework.scale.levels.order_by("position"))
    teacher, assistant = User.objects.get(username="teacher"), User.objects.get(username="ta")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def save(user: Any, level_index: int) -> None:
        try:
            barrier.wait(timeout=10)
            judgement_record(pupil=amara, objective=objective, level=levels[level_index], by=user)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=save, args=(teacher if i % 2 else assistant, i % 4))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Judgement.objects.filter(pupil=amara, objective=objective).count() == 8
    standing = Standing.objects.get(pupil=amara, objective=objective)
    assert standing.evidence_count == 8
    from nextsteps.markbook.services import standings_rebuild

    before = (standing.value, standing.level_id, standing.evidence_count)
    standings_rebuild(school_id=amara.school_id)
    standing.refresh_from_db()
    assert (standing.value, standing.level_id, standing.evidence_count) == before
