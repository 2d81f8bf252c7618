"""The markbook page, cells, column fill, changes, quick capture, profile, gaps and points."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.markbook.cells import Cell, render_cell
from nextsteps.markbook.models import AssessmentPoint, Judgement, Standing, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import Class, PupilGroup
from tests.conftest import Cast
from tests.markbook.grid_data import cell_button, grid_data


def markbook_url(cast: Cast, **query: Any) -> str:
    base = reverse("markbook", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cell_url(cast: Cast, pupil: Pupil, objective: Objective) -> str:
    return reverse(
        "markbook_cell",
        kwargs={
            "urn": cast.primary.urn,
            "class_id": cast.four_oak.pk,
            "pupil_id": pupil.pk,
            "objective_id": objective.pk,
        },
    )


@pytest.fixture
def statistics(cast: Cast) -> Objective:
    return Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")


def test_markbook_shows_every_pupil_and_objective_with_label_and_colour(cast: Cast) -> None:
    response = cast.client("teacher").get(markbook_url(cast))
    assert response.status_code == 200
    book = response.context["book"]
    assert len(book.rows) == 29
    assert (
        len(book.objectives)
        == Objective.objects.filter(framework=cast.maths_framework, year_group=4).count()
    )
    data = grid_data(response.content.decode())
    buttons = "".join(before + after for before, after in data["buttons"])
    assert 'class="mb-btn level-' in buttons  # colour
    # Each cell says whose and which, for screen readers: the browser joins each row's name
    # and each column's code into its cells' names (tests/browser/test_markbook_grid.py).
    assert "Amara Hughes" in [row[1] for row in data["rows"]]
    assert all(code.startswith("Y4-") for _, code in data["columns"])
    assert ">WT<" in buttons or ">Sec<" in buttons  # the label, not only the colour


def test_markbook_query_count_does_not_grow_with_pupils_or_objectives(
    cast: Cast, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("teacher")
    client.get(markbook_url(cast))  # warm the session and caches
    strand = cast.maths_framework.strands.get(name="Multiplication and division")
    group = PupilGroup.objects.get(teaching_class=cast.four_oak, name="Circles")
    # 12: the session; the person with their roles (accounts.backends); the class; the
    # frameworks; the teacher's link to the class (who may record); 6 to build the grid
    # (strands with their objectives, groups, pupils, levels, standings, the names of who
    # recorded them: read apart, not joined to every cell); the notifications badge. The count
    # is the same for 29 pupils x 15 objectives as for the 10 pupils x 6 objectives of one
    # group on one strand (plus 1: the group's members).
    with django_assert_max_num_queries(12) as whole:
        client.get(markbook_url(cast))
    with django_assert_num_queries(len(whole.captured_queries) + 1):
        client.get(markbook_url(cast, strand=strand.pk, group=group.pk))


def test_without_javascript_the_page_offers_its_rows_drawn_by_the_server(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """The page sends its rows as data for the browser to join; its <noscript> links to the
    same page with the rows drawn by the server (and the same filters), each cell as the server
    sends a saved cell, with the same statements."""
    client = cast.client("teacher")
    page = client.get(markbook_url(cast, year=4)).content.decode()
    assert '<a href="?year=4&amp;draw=server">see the grid without it</a>' in page
    assert "<tbody></tbody>" in page
    with django_assert_num_queries(12):
        response = client.get(markbook_url(cast, year=4, draw="server"))
    drawn = response.content.decode()
    assert 'id="mb-grid-data"' not in drawn and "see the grid without it" not in drawn
    assert "the server has drawn the grid" in drawn
    book = response.context["book"]
    standings = {
        (s.pupil_id, s.objective_id): s
        for s in Standing.objects.filter(
            pupil__in=[row.pk for row in book.rows], objective__in=[c.pk for c in book.objectives]
        ).select_related("level", "last_recorded_by")
    }
    assert len(standings) > 50
    for row in book.rows:
        for column in book.objectives:
            cell = Cell(
                row.pk, column.pk, standings.get((row.pk, column.pk)), row.name, column.code
            )
            assert str(render_cell(cell)) in drawn, cell.dom_id
    assert drawn.count('class="mb-pupil"') == len(book.rows) == 29


def test_recording_a_cell_returns_the_updated_cell(cast: Cast, statistics: Objective) -> None:
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    response = cast.client("teacher").post(
        cell_url(cast, cast.amara, statistics),
        {"level": secure.pk, "method": "observation"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().startswith(f'<td id="cell-{cast.amara.pk}-{statistics.pk}"')
    assert "Secure" in response.content.decode()
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    assert standing.level == secure


def test_recording_by_position_uses_the_scale_order(cast: Cast, statistics: Objective) -> None:
    cast.client("teacher").post(cell_url(cast, cast.amara, statistics), {"position": 4})
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    assert standing.level is not None and standing.level.label == "Greater depth"


def test_a_level_from_another_scale_is_a_clear_error_and_writes_nothing(
    cast: Cast, statistics: Objective
) -> None:
    foreign = ScaleLevel.objects.filter(school=cast.secondary).first()
    assert foreign is not None
    before = Judgement.objects.count()
    response = cast.client("teacher").post(
        cell_url(cast, cast.amara, statistics), {"level": foreign.pk}
    )
    assert response.status_code == 422
    assert "is not a level on this framework" in response["HX-Trigger"]
    assert Judgement.objects.count() == before


def test_an_objective_from_another_framework_is_not_in_this_markbook(cast: Cast) -> None:
    ks3 = Objective.objects.filter(school=cast.secondary).first()
    assert ks3 is not None
    response = cast.client("teacher").post(cell_url(cast, cast.amara, ks3), {"position": 1})
    assert response.status_code == 404


def test_a_pupil_not_in_the_class_is_not_found(cast: Cast, statistics: Objective) -> None:
    other = Pupil.objects.filter(school=cast.primary, year_group=3).first()
    assert other is not None
    response = cast.client("teacher").post(cell_url(cast, other, statistics), {"position": 1})
    assert response.status_code == 404


def test_a_teaching_assistant_records_only_for_the_groups_they_support(
    cast: Cast, statistics: Objective
) -> None:
    supported = PupilGroup.objects.get(
        teaching_class=cast.four_oak, name="Triangles"
    ).memberships.first()
    unsupported = PupilGroup.objects.get(
        teaching_class=cast.four_oak, name="Circles"
    ).memberships.first()
    assert supported is not None and unsupported is not None
    client = cast.client("ta")
    saved = client.post(
        cell_url(cast, supported.pupil, statistics), {"position": 3}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    refused = client.post(cell_url(cast, unsupported.pupil, statistics), {"position": 3})
    assert refused.status_code == 403
    assert not Judgement.objects.filter(pupil=unsupported.pupil, objective=statistics).exists()


def test_a_teacher_of_another_class_cannot_record_here(cast: Cast, statistics: Objective) -> None:
    client = Client()
    from nextsteps.accounts.models import User

    client.force_login(User.objects.get(username="otherteacher"))
    response = client.post(cell_url(cast, cast.amara, statistics), {"position": 3})
    assert response.status_code == 404


def test_fill_column_records_everyone_in_the_group_in_one_action(
    cast: Cast, statistics: Objective
) -> None:
    group = PupilGroup.objects.get(teaching_class=cast.four_oak, name="Circles")
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    url = reverse(
        "markbook_fill_column",
        kwargs={
            "urn": cast.primary.urn,
            "class_id": cast.four_oak.pk,
            "objective_id": statistics.pk,
        },
    )
    response = cast.client("teacher").post(url, {"level": secure.pk, "group": group.pk, "year": 4})
    assert response.status_code == 302
    members = set(group.memberships.values_list("pupil_id", flat=True))
    secured = set(
        Standing.objects.filter(objective=statistics, level=secure).values_list(
            "pupil_id", flat=True
        )
    )
    assert secured == members


def test_changes_returns_cells_other_people_changed(cast: Cast, statistics: Objective) -> None:
    from django.utils import timezone

    since = timezone.now().isoformat()
    cast.client("ta").post(
        cell_url(
            cast,
            PupilGroup.objects.get(teaching_class=cast.four_oak, name="Triangles")
            .memberships.first()
            .pupil,
            statistics,
        ),  # type: ignore[union-attr]
        {"position": 2},
    )
    url = reverse(
        "markbook_changes", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}
    )
    response = cast.client("teacher").get(url, {"since": since, "objective": statistics.pk})
    content = response.content.decode()
    assert 'hx-swap-oob="outerHTML"' in content
    assert "last by Mrs Lewis" in content


def test_cell_detail_shows_the_history_with_who_and_how(cast: Cast, statistics: Objective) -> None:
    client = cast.client("teacher")
    client.post(
        cell_url(cast, cast.amara, statistics),
        {"position": 2, "method": "conversation", "note": "Needed prompting"},
    )
    response = client.get(cell_url(cast, cast.amara, statistics))
    content = response.content.decode()
    assert "Needed prompting" in content
    assert "Conversation" in content
    assert "Ms Okafor" in content


def test_gap_analysis_orders_by_share_secure_and_lists_who_is_not(cast: Cast) -> None:
    url = reverse("gap_analysis", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    rows = cast.client("teacher").get(url).context["rows"]
    assessed = [r for r in rows if r.with_evidence]
    assert assessed == sorted(assessed, key=lambda r: (r.share_secure, r.objective.position))
    assert all(len(r.not_secure) == r.total - r.secure for r in rows)
    assert not rows[-1].with_evidence or all(r.with_evidence for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_gap_analysis_exports(cast: Cast, fmt: str) -> None:
    url = reverse(
        f"gap_analysis_{fmt}", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}
    )
    response = cast.client("teacher").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").startswith("Objective,Learning intention,Core")
    else:
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet["A1"].value == "Objective"


def test_pupil_profile_shows_core_gaps_and_next_steps(cast: Cast) -> None:
    url = reverse("pupil_profile", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    response = cast.client("teacher").get(url)
    profile = response.context["profile"]
    assert profile.objectives[0].objective.core
    assert all(row.objective.core and not row.secure for row in profile.gaps)
    assert len(profile.next_steps) <= 3
    assert response.status_code == 200


def test_parents_and_pupils_do_not_see_the_teachers_profile(cast: Cast) -> None:
    url = reverse("pupil_profile", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    assert cast.client("parent").get(url).status_code == 403
    assert cast.client("pupil").get(url).status_code == 403


def test_locking_an_assessment_point_keeps_standings_as_they_stood(
    cast: Cast, statistics: Objective
) -> None:
    point = AssessmentPoint.objects.get(school=cast.primary, name="Autumn assessment point")
    url = reverse("assessment_points", kwargs={"urn": cast.primary.urn})
    response = cast.client("primaryhead").post(url, {"lock": point.pk})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.locked_at is not None
    kept = StandingSnapshot.objects.filter(point=point).count()
    assert kept == Standing.objects.filter(school=cast.primary, value__isnull=False).count()
    cast.client("teacher").post(cell_url(cast, cast.amara, statistics), {"position": 4})
    assert StandingSnapshot.objects.filter(point=point).count() == kept
    again = cast.client("primaryhead").post(url, {"lock": point.pk}, follow=True)
    assert b"was locked on" in again.content


def test_teachers_cannot_manage_assessment_points(cast: Cast) -> None:
    url = reverse("assessment_points", kwargs={"urn": cast.primary.urn})
    assert cast.client("teacher").get(url).status_code == 403


def test_quick_capture_lists_the_group_with_big_level_buttons(
    cast: Cast, statistics: Objective
) -> None:
    group = PupilGroup.objects.get(teaching_class=cast.four_oak, name="Triangles")
    url = reverse("quick_capture", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    response = cast.client("teacher").get(url, {"objective": statistics.pk, "group": group.pk})
    assert response.status_code == 200
    assert len(response.context["book"].rows) == group.memberships.count()
    assert response.content.decode().count('name="level"') == group.memberships.count() * 4


# ------------------------------------------------------------------ the cell's page and panel


def test_the_cell_is_a_whole_page_without_htmx_and_the_panel_with_it(
    cast: Cast, statistics: Objective
) -> None:
    client = cast.client("teacher")
    page = client.get(cell_url(cast, cast.amara, statistics)).content.decode()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "markbook.css" in page and "Back to the markbook" in page
    panel = client.get(
        cell_url(cast, cast.amara, statistics) + "?grid=1", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert panel.lstrip().startswith('<div class="mb-panel-inner"')
    assert "<html" not in panel and "data-mb-close" in panel


def test_a_level_recorded_with_a_plain_form_lands_on_the_cells_page(
    cast: Cast, statistics: Objective
) -> None:
    client = cast.client("teacher")
    url = cell_url(cast, cast.amara, statistics)
    response = client.post(url, {"position": 3, "idempotency_key": "form-plain-1"})
    assert response.status_code == 302 and response["Location"] == url
    assert "<!doctype html>" in client.get(url).content.decode().lower()
    capture = reverse(
        "quick_capture", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk}
    )
    back = client.post(url, {"position": 2, "next": capture + "?objective=1"})
    assert back["Location"] == capture + "?objective=1"
    elsewhere = client.post(url, {"position": 2, "next": "https://example.com/"})
    assert elsewhere["Location"] == url


def amend_url(cast: Cast, judgement: Judgement) -> str:
    return reverse(
        "judgement_amend",
        kwargs={
            "urn": cast.primary.urn,
            "class_id": cast.four_oak.pk,
            "judgement_id": judgement.pk,
        },
    )


def test_correcting_in_the_panel_stays_in_the_markbook_with_the_history_and_cell_updated(
    cast: Cast, statistics: Objective
) -> None:
    client = cast.client("teacher")
    levels = list(statistics.framework.scale.levels.order_by("position"))
    client.post(cell_url(cast, cast.amara, statistics), {"position": 2}, HTTP_HX_REQUEST="true")
    judgement = Judgement.objects.filter(pupil=cast.amara, objective=statistics).latest("pk")
    panel = client.get(
        cell_url(cast, cast.amara, statistics) + "?grid=1", HTTP_HX_REQUEST="true"
    ).content.decode()
    # The correction starts at the level being corrected.
    assert f'<option value="{levels[1].pk}" selected>' in panel
    assert f'hx-post="{amend_url(cast, judgement)}"' in panel
    response = client.post(
        amend_url(cast, judgement),
        {"action": "correct", "level": levels[3].pk, "reason": "Misread the graph", "grid": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div class="mb-panel-inner"')  # a fragment, in place
    assert "Misread the graph" in content and "(correction)" in content  # the history
    assert f'id="cell-{cast.amara.pk}-{statistics.pk}"' in content  # the grid's cell, out of band
    assert 'hx-swap-oob="outerHTML"' in content
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    assert standing.level == levels[3]


def test_a_refused_correction_is_shown_in_the_panel(cast: Cast, statistics: Objective) -> None:
    client = cast.client("teacher")
    client.post(cell_url(cast, cast.amara, statistics), {"position": 2}, HTTP_HX_REQUEST="true")
    judgement = Judgement.objects.filter(pupil=cast.amara, objective=statistics).latest("pk")
    response = client.post(
        amend_url(cast, judgement),
        {"action": "withdraw", "reason": " ", "grid": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only a successful answer
    assert "say why the judgement is being withdrawn" in response.content.decode()
    assert "hx-swap-oob" not in response.content.decode()


def test_correcting_with_a_plain_form_lands_on_the_cells_whole_page(
    cast: Cast, statistics: Objective
) -> None:
    client = cast.client("teacher")
    levels = list(statistics.framework.scale.levels.order_by("position"))
    client.post(cell_url(cast, cast.amara, statistics), {"position": 2}, HTTP_HX_REQUEST="true")
    judgement = Judgement.objects.filter(pupil=cast.amara, objective=statistics).latest("pk")
    response = client.post(
        amend_url(cast, judgement),
        {"action": "correct", "level": levels[0].pk, "reason": "Wrong pupil's book"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == cell_url(cast, cast.amara, statistics)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "Wrong pupil&#x27;s book" in page or "Wrong pupil's book" in page


def _statements(captured: Any) -> list[str]:
    """The statements a request ran, without the savepoints of the test's own transaction (in
    production the write's transaction is the outermost: BEGIN and COMMIT, not statements)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_recording_a_level_from_the_markbook_costs_at_most_eight_queries(
    cast: Cast, statistics: Objective, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("teacher")
    url = cell_url(cast, cast.amara, statistics)
    client.post(url, {"position": 2, "idempotency_key": "warm-up"}, HTTP_HX_REQUEST="true")
    # 8: the session; the person with their roles, staff record, trusts and second factor
    # (accounts.backends); the class, the pupil and every access rule (access.recording_
    # enrolment); the objective with its framework, scale and levels; the judgement (its key
    # checked by the insert); the cell's events with its standing's version; the standing;
    # the audit record. The cell is drawn from the standing just computed.
    with django_assert_max_num_queries(10) as captured:  # 8 and the test's 2 savepoints
        response = client.post(
            url, {"position": 3, "idempotency_key": "press-1"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert len(_statements(captured)) <= 8, _statements(captured)
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    assert standing.level is not None
    assert f"level-{standing.level_id}" in response.content.decode()


def test_recording_in_a_cell_with_no_evidence_yet_costs_the_same(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    empty = (
        Objective.objects.filter(framework=cast.maths_framework, year_group=4)
        .exclude(standings__pupil=cast.amara)
        .first()
    )
    assert empty is not None
    client = cast.client("teacher")
    client.get(markbook_url(cast))
    with django_assert_max_num_queries(10) as captured:
        response = client.post(
            cell_url(cast, cast.amara, empty),
            {"position": 2, "idempotency_key": "first-in-cell"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert len(_statements(captured)) <= 8
    standing = Standing.objects.get(pupil=cast.amara, objective=empty)
    assert standing.evidence_count == 1 and standing.level is not None
    assert standing.level.position == 2


def test_the_query_count_of_recording_does_not_grow_with_the_judgements_held(
    cast: Cast, statistics: Objective, django_assert_max_num_queries: Any
) -> None:
    from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk

    client = cast.client("teacher")
    url = cell_url(cast, cast.amara, statistics)
    client.post(url, {"position": 2, "idempotency_key": "warm-up"}, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(10) as few:
        client.post(url, {"position": 3, "idempotency_key": "few"}, HTTP_HX_REQUEST="true")
    # Many more judgements: 30 on this very cell, and a column for every pupil in the class.
    levels = list(cast.maths_framework.scale.levels.order_by("position"))
    pupils = list(Pupil.objects.filter(enrolments__teaching_class=cast.four_oak))
    objectives = list(Objective.objects.filter(framework=cast.maths_framework, year_group=4))
    teacher = cast.user("teacher")
    entries = [
        JudgementEntry(pupil=cast.amara, objective=statistics, level=levels[i % len(levels)])
        for i in range(30)
    ] + [
        JudgementEntry(pupil=pupil, objective=objective, level=levels[1])
        for pupil in pupils
        for objective in objectives
    ]
    judgements_record_bulk(entries=entries, by=teacher, teaching_class=cast.four_oak)
    with django_assert_max_num_queries(10) as many:
        client.post(url, {"position": 4, "idempotency_key": "many"}, HTTP_HX_REQUEST="true")
    assert len(_statements(many)) == len(_statements(few))
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    count = Judgement.objects.filter(pupil=cast.amara, objective=statistics).count()
    assert standing.evidence_count == count


def test_a_replayed_press_answers_with_the_cell_and_writes_nothing(
    cast: Cast, statistics: Objective, django_assert_max_num_queries: Any
) -> None:
    from nextsteps.audit.models import AuditEvent

    client = cast.client("teacher")
    url = cell_url(cast, cast.amara, statistics)
    first = client.post(url, {"position": 3, "idempotency_key": "press-1"}, HTTP_HX_REQUEST="true")
    judgements, audits = Judgement.objects.count(), AuditEvent.objects.count()
    # The insert finds the key taken (nothing written), then the earlier judgement and the
    # standing to draw the cell are read.
    with django_assert_max_num_queries(10):
        again = client.post(
            url, {"position": 3, "idempotency_key": "press-1"}, HTTP_HX_REQUEST="true"
        )
    assert again.status_code == 200
    assert again.content == first.content
    assert (Judgement.objects.count(), AuditEvent.objects.count()) == (judgements, audits)
    refused = client.post(
        url, {"position": 1, "idempotency_key": "press-1"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 409
    assert (Judgement.objects.count(), AuditEvent.objects.count()) == (judgements, audits)


def test_a_standing_changed_by_someone_else_meanwhile_is_counted_again(
    cast: Cast, statistics: Objective, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two saves on one cell at once: the second writer finds the standing is not the one it
    read and counts the cell again, so the standing reflects both judgements."""
    from nextsteps.markbook import services

    levels = list(cast.maths_framework.scale.levels.order_by("position"))
    teacher, assistant = cast.user("teacher"), cast.user("ta")
    services.judgement_record(pupil=cast.amara, objective=statistics, level=levels[0], by=teacher)
    real = services._write_standing_if_unchanged
    meanwhile: list[str] = []

    def someone_else_first(row: Standing, seen: Any) -> bool:
        if not meanwhile:  # another teacher's save lands between our read and our write
            meanwhile.append("saved")
            services.judgement_record(
                pupil=cast.amara, objective=statistics, level=levels[3], by=assistant
            )
        return real(row, seen)

    monkeypatch.setattr(services, "_write_standing_if_unchanged", someone_else_first)
    recorded = services.judgement_record_cell(
        pupil=cast.amara, objective=statistics, level=levels[1], by=teacher
    )
    assert meanwhile, "the other save ran"
    standing = Standing.objects.get(pupil=cast.amara, objective=statistics)
    count = Judgement.objects.filter(pupil=cast.amara, objective=statistics).count()
    assert standing.evidence_count == count
    assert recorded.standing is not None
    assert recorded.standing.evidence_count == count
    assert recorded.standing.value == standing.value
    services.standings_refresh({(cast.amara.pk, statistics.pk)})
    rebuilt = Standing.objects.get(pupil=cast.amara, objective=statistics)
    assert (rebuilt.value, rebuilt.level_id, rebuilt.evidence_count) == (
        standing.value,
        standing.level_id,
        standing.evidence_count,
    )


def test_the_standing_written_by_a_keystroke_equals_a_full_recount(
    cast: Cast, statistics: Objective
) -> None:
    from nextsteps.markbook import services

    client = cast.client("teacher")
    url = cell_url(cast, cast.amara, statistics)
    for index, position in enumerate([1, 3, 2, 4, 3]):
        client.post(
            url, {"position": position, "idempotency_key": f"k{index}"}, HTTP_HX_REQUEST="true"
        )
        written = Standing.objects.get(pupil=cast.amara, objective=statistics)
        services.standings_refresh({(cast.amara.pk, statistics.pk)})
        recounted = Standing.objects.get(pupil=cast.amara, objective=statistics)
        assert (written.value, written.level_id, written.mastered, written.evidence_count) == (
            recounted.value,
            recounted.level_id,
            recounted.mastered,
            recounted.evidence_count,
        )
        assert written.last_evidence_at == recounted.last_evidence_at
        assert written.last_recorded_by_id == recounted.last_recorded_by_id


def test_each_column_header_is_a_button_that_carries_the_objectives_full_wording(
    cast: Cast, statistics: Objective
) -> None:
    content = cast.client("teacher").get(markbook_url(cast)).content.decode()
    assert 'aria-controls="mb-column-wording"' in content
    assert f'data-mb-code="{statistics.code}"' in content
    assert 'data-mb-wording="' in content
    # The wording is one tap away, not a hover title that a tablet cannot show.
    assert f'title="{statistics.wording}"' not in content
    assert 'id="mb-column-wording"' in content


def test_a_skip_link_leads_to_the_grid(cast: Cast) -> None:
    content = cast.client("teacher").get(markbook_url(cast)).content.decode()
    assert 'href="#mb-grid"' in content
    assert 'id="mb-grid"' in content


def test_levels_read_the_same_in_the_key_the_grid_and_the_cell_panel(
    cast: Cast, statistics: Objective
) -> None:
    from nextsteps.markbook.kernels.labels import short_label

    client = cast.client("teacher")
    client.post(cell_url(cast, cast.amara, statistics), {"position": 2}, HTTP_HX_REQUEST="true")
    levels = list(cast.maths_framework.scale.levels.order_by("position"))
    grid = client.get(markbook_url(cast)).content.decode()
    panel = client.get(
        cell_url(cast, cast.amara, statistics) + "?grid=1", HTTP_HX_REQUEST="true"
    ).content.decode()
    for level in levels:
        short = short_label(level.label)
        # The key and the panel's buttons name the short label the cells show.
        assert f'data-mb-short="{short}"><span class="mb-swatch level-{level.pk}">{short}' in grid
        assert f'data-mb-short="{short}"' in panel
    recorded = levels[1]
    short = short_label(recorded.label)
    assert f'<span class="mb-swatch level-{recorded.pk}">{short}</span>' in panel  # history
    cell = cell_button(grid_data(grid), cast.amara.pk, statistics.pk)
    assert f"level-{recorded.pk}" in cell and f">{short}</button>" in cell  # the cell itself


def test_the_pupil_profile_opens_on_the_subject_of_the_class_it_was_opened_from(
    cast: Cast,
) -> None:
    geography = Class.objects.get(school=cast.secondary, name="7G Gg")
    pupil = geography.enrolments.select_related("pupil").first().pupil  # type: ignore[union-attr]
    url = reverse("pupil_profile", kwargs={"urn": cast.secondary.urn, "pupil_id": pupil.pk})
    client = cast.client("leader")
    opened = client.get(url + f"?class={geography.pk}")
    assert opened.status_code == 200
    assert opened.context["profile"].framework.subject.name == "Geography"
    # Without a class, the first of the pupil's subjects; a class not theirs changes nothing.
    plain = client.get(url).context["profile"].framework.subject.name
    assert plain != "Geography"
    other = Class.objects.filter(school=cast.secondary, name__endswith=" Gg").exclude(
        enrolments__pupil=pupil
    )
    stranger = client.get(url + f"?class={other.first().pk}")  # type: ignore[union-attr]
    assert stranger.context["profile"].framework.subject.name == plain
    # An explicit framework still wins.
    chosen = client.get(
        url + f"?class={geography.pk}&framework={opened.context['profile'].framework.pk}"
    )
    assert chosen.context["profile"].framework.subject.name == "Geography"


def test_the_class_page_links_each_pupil_to_their_profile_for_that_class(cast: Cast) -> None:
    url = reverse("class_detail", kwargs={"urn": cast.primary.urn, "class_id": cast.four_oak.pk})
    content = cast.client("teacher").get(url).content.decode()
    profile = reverse("pupil_profile", kwargs={"urn": cast.primary.urn, "pupil_id": cast.amara.pk})
    assert f'href="{profile}?class={cast.four_oak.pk}"' in content
    assert "29 pupils" in content


def test_counts_on_the_markbook_agree_with_their_number(cast: Cast) -> None:
    group = PupilGroup.objects.filter(teaching_class=cast.four_oak).first()
    assert group is not None
    one = group.memberships.first()
    assert one is not None
    group.memberships.exclude(pk=one.pk).delete()
    content = cast.client("teacher").get(markbook_url(cast, group=group.pk)).content.decode()
    assert "· 1 pupil ·" in content
    assert "1 pupils" not in content


def test_filling_a_column_for_one_pupil_says_one_pupil(cast: Cast, statistics: Objective) -> None:
    group = PupilGroup.objects.filter(teaching_class=cast.four_oak).first()
    assert group is not None
    one = group.memberships.first()
    assert one is not None
    group.memberships.exclude(pk=one.pk).delete()
    secure = ScaleLevel.objects.get(scale=cast.maths_framework.scale, label="Secure")
    url = reverse(
        "markbook_fill_column",
        kwargs={
            "urn": cast.primary.urn,
            "class_id": cast.four_oak.pk,
            "objective_id": statistics.pk,
        },
    )
    client = cast.client("teacher")
    client.post(url, {"level": secure.pk, "group": group.pk, "year": 4})
    page = client.get(markbook_url(cast)).content.decode()
    assert f"Secure recorded for 1 pupil on {statistics.code}." in page


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 3, 16, 17, 40])
def test_recorders_are_named_as_people_are_named_in_one_query(
    how_many: int, django_assert_num_queries: Any
) -> None:
    """However many people recorded a grid's cells, their names come in one query: up to
    sixteen through the prepared statement (the list padded), more through the queryset."""
    from nextsteps.accounts.models import User
    from nextsteps.markbook.selectors import recorder_names

    people = [
        User.objects.create(
            username=f"recorder-{i}",
            display_name="Mrs Lewis" if i % 3 == 0 else "",
            first_name="Ada" if i % 3 == 1 else "",
            last_name="Okafor" if i % 3 == 1 else "",
        )
        for i in range(how_many)
    ]
    with django_assert_num_queries(1):
        names = recorder_names({person.pk for person in people})
    assert names == {person.pk: str(person) for person in people}
    assert recorder_names(set()) == {}
