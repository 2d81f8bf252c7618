"""Comparative judgement: scripts, judging pairs, the fit, reports, anchors and results."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import numpy as np
import pytest
from django.core import signing
from django.test import Client

from nextsteps.curriculum.models import Exemplar, Objective
from nextsteps.judging import pairs
from nextsteps.judging.kernels import bradley_terry
from nextsteps.judging.kernels.files import read_comparisons
from nextsteps.judging.models import CJSession, Comparison, Judge, Script
from nextsteps.judging.selectors.comparative import cj_report, grade_scale, target_total
from nextsteps.judging.services.comparative import (
    CJRefused,
    cj_comparison_record,
    cj_results_apply,
    cj_session_create,
    cj_session_fit,
)
from nextsteps.judging.services.scripts import (
    cj_anchors_import,
    cj_script_add_text,
    cj_scripts_from_evidence,
    cj_scripts_from_exemplars,
    cj_scripts_upload,
)
from nextsteps.judging.views.comparative import PAIR_SALT
from nextsteps.markbook.models import Attachment, Judgement, JudgementSource
from nextsteps.markbook.services import judgement_record
from nextsteps.people.models import Pupil, Staff
from tests.conftest import Cast
from tests.judging.judging_helpers import (
    PDF,
    PNG,
    english_teacher,
    file_bytes,
    kingsmead,
    levels_of,
    science_session,
    text_file,
    upload,
)


def judge_client(judge: Judge) -> Client:
    client = Client()
    client.force_login(judge.staff.user)
    return client


def small_session(cast: Cast, *, judges: list[Staff] | None = None, **kwargs: Any) -> CJSession:
    school = kingsmead()
    options: dict[str, Any] = {"title": "Persuasive openings", "task": "Write the opening."}
    options.update(kwargs)
    return cj_session_create(
        school=school,
        judges=judges or [Staff.objects.get(user__username="hod")],
        by=cast.user("leader"),
        seed=1,
        **options,
    )


def shown_earlier(token: str, *, seconds: float) -> str:
    """The same signed pair, as if shown `seconds` ago (the server's clock for the pair)."""
    data = signing.loads(token, salt=PAIR_SALT)
    data["t"] -= seconds
    return signing.dumps(data, salt=PAIR_SALT)


def add_texts(session: CJSession, count: int, by: Any) -> list[Script]:
    return [
        cj_script_add_text(session=session, text=f"Answer number {n}.", by=by) for n in range(count)
    ]


# --------------------------------------------------------------------------- the demo


def test_the_demo_session_has_a_stable_scale_and_flags_the_careless_judge(cast: Cast) -> None:
    session = science_session()
    assert session.script_count == 63
    assert Judge.objects.filter(session=session).count() == 6
    assert session.reliability is not None and session.reliability >= 0.8
    flagged = list(Judge.objects.filter(session=session, misfit=True))
    assert len(flagged) == 1
    report = cj_report(session)
    assert [row.judge for row in report.misfitting_judges] == flagged
    assert [level.label for level, _ in report.grades.boundaries] == [
        "Developing",
        "Secure",
        "Extending",
    ]


# --------------------------------------------------------------------------- scripts


def test_uploads_take_photos_pdfs_and_text_and_link_pupils_by_upn(cast: Cast) -> None:
    session = small_session(cast)
    pupil = Pupil.objects.filter(school=kingsmead(), year_group=9).first()
    scripts = cj_scripts_upload(
        session=session,
        files=[
            upload(f"{pupil.upn}-page1.png", PNG),
            upload("scan.pdf", PDF),
            text_file("typed.txt", "\ufeffA typed answer about rates."),
        ],
        by=cast.user("leader"),
    )
    assert [s.kind for s in scripts] == ["image", "pdf", "text"]
    assert [s.code for s in scripts] == ["S001", "S002", "S003"]
    assert scripts[0].pupil == pupil and scripts[1].pupil is None
    assert scripts[2].text == "A typed answer about rates."
    session.refresh_from_db()
    assert session.script_count == 3


def test_a_file_judges_cannot_see_refuses_the_whole_upload(cast: Cast) -> None:
    session = small_session(cast)
    with pytest.raises(CJRefused, match="report.docx is a document judges cannot see"):
        cj_scripts_upload(
            session=session,
            files=[upload("ok.png", PNG), upload("report.docx", b"PK\x03\x04rest")],
            by=cast.user("leader"),
        )
    with pytest.raises(CJRefused, match="notes.txt, line 1: the file is UTF-16 or UTF-32 text"):
        cj_scripts_upload(
            session=session, files=[upload("notes.txt", b"\xff\xfe\x00bad")], by=cast.user("leader")
        )
    assert Script.objects.filter(session=session).count() == 0


def test_scripts_come_from_pupils_evidence_and_from_exemplars(cast: Cast) -> None:
    school = kingsmead()
    objective = Objective.objects.get(school=school, code="Y9-WS-01")
    pupil = Pupil.objects.filter(school=school, year_group=9).first()
    level = levels_of(objective)[2]
    judgement_record(
        pupil=pupil,
        objective=objective,
        level=level,
        by=cast.user("leader"),
        files=[upload("work.png", PNG)],
    )
    session = small_session(cast, objective=objective)
    evidence = cj_scripts_from_evidence(session=session, by=cast.user("leader"))
    assert [(s.pupil, s.kind, s.origin) for s in evidence] == [(pupil, "image", "evidence")]
    assert evidence[0].attachment == Attachment.objects.get(judgement__pupil=pupil)
    exemplars = cj_scripts_from_exemplars(session=session, by=cast.user("leader"))
    assert (
        len(exemplars) == Exemplar.objects.filter(objective=objective, level__isnull=False).count()
    )
    with pytest.raises(CJRefused, match="no exemplars at an agreed standard left"):
        cj_scripts_from_exemplars(session=session, by=cast.user("leader"))


# --------------------------------------------------------------------------- judging


def test_a_judge_sees_two_scripts_and_their_choice_is_recorded_with_the_time(cast: Cast) -> None:
    session = small_session(cast)
    add_texts(session, 6, cast.user("leader"))
    judge = Judge.objects.get(session=session)
    client = judge_client(judge)
    url = f"/school/{kingsmead().urn}/judging/cj/{session.pk}/judge/"
    page = client.get(url)
    assert page.status_code == 200
    shown = page.context["view"]
    assert shown.left.pk != shown.right.pk
    html = page.content.decode()
    assert shown.left.text in html and shown.right.text in html
    token = shown_earlier(page.context["token"], seconds=10)  # the judge read for 10 s
    response = client.post(url, {"token": token, "choice": "right", "active_ms": "4200"})
    assert response.status_code == 302
    comparison = Comparison.objects.get(session=session)
    assert (comparison.left, comparison.right, comparison.winner) == (
        shown.left,
        shown.right,
        shown.right,
    )
    assert comparison.seconds == pytest.approx(4.2, abs=0.5)
    # The same pair posted twice (a double press) is recorded once.
    client.post(url, {"token": token, "choice": "left", "active_ms": "100"})
    assert Comparison.objects.filter(session=session).count() == 1


def test_a_time_the_page_cannot_have_measured_falls_back_to_the_servers_clock(cast: Cast) -> None:
    session = small_session(cast)
    add_texts(session, 3, cast.user("leader"))
    client = judge_client(Judge.objects.get(session=session))
    url = f"/school/{kingsmead().urn}/judging/cj/{session.pk}/judge/"
    page = client.get(url)
    token = shown_earlier(page.context["token"], seconds=30)
    client.post(url, {"token": token, "choice": "left", "active_ms": "9e9"})
    assert Comparison.objects.get(session=session).seconds == pytest.approx(30, abs=2)


def test_a_tampered_pair_is_not_recorded(cast: Cast) -> None:
    session = small_session(cast)
    add_texts(session, 3, cast.user("leader"))
    client = judge_client(Judge.objects.get(session=session))
    url = f"/school/{kingsmead().urn}/judging/cj/{session.pk}/judge/"
    token = client.get(url).context["token"]
    client.post(url, {"token": token[:-2] + "xx", "choice": "left"})
    client.post(url, {"token": token, "choice": "middle"})
    assert not Comparison.objects.filter(session=session).exists()


def test_pairs_are_balanced_connected_and_never_repeated_for_a_judge(cast: Cast) -> None:
    session = small_session(cast, target_per_script=4)
    add_texts(session, 10, cast.user("leader"))
    judge = Judge.objects.get(session=session)
    client = judge_client(judge)
    url = f"/school/{kingsmead().urn}/judging/cj/{session.pk}/judge/"
    for _ in range(target_total(session)):
        page = client.get(url)
        client.post(url, {"token": page.context["token"], "choice": "left"})
    done = client.get(url)
    assert "all the judgements it needs" in done.content.decode()
    rows = list(Comparison.objects.filter(session=session).values_list("left_id", "right_id"))
    assert len({frozenset(r) for r in rows}) == len(rows) == 20
    counts = np.bincount([s for r in rows for s in r])[min(s for r in rows for s in r) :]
    counts = counts[counts > 0]
    assert len(counts) == 10 and counts.max() - counts.min() <= 2
    ids = sorted({s for r in rows for s in r})
    index = {pk: i for i, pk in enumerate(ids)}
    a = np.array([index[r[0]] for r in rows])
    b = np.array([index[r[1]] for r in rows])
    assert len(bradley_terry.groups(10, a, b, np.array([], dtype=np.int64))) == 1


def test_the_pair_chooser_catches_up_with_other_judges_without_rebuilding(cast: Cast) -> None:
    hod = Staff.objects.get(user__username="hod")
    session = small_session(cast, judges=[hod, english_teacher(kingsmead())])
    scripts = add_texts(session, 4, cast.user("leader"))
    first, second = Judge.objects.filter(session=session).order_by("pk")
    session.refresh_from_db()
    assert pairs.next_pair(session, first) is not None
    state = pairs._states[session.pk]
    cj_comparison_record(
        session=session,
        judge=second,
        left=scripts[0],
        right=scripts[1],
        winner=scripts[0],
        shown_at=session.created_at,
        seconds=3.0,
        token="t1",
        by=cast.user("leader"),
    )
    session.refresh_from_db()
    pairs.next_pair(session, first)
    assert pairs._states[session.pk] is state and state.count == 1
    assert state.scheduler.counts.sum() == 2


def test_people_who_are_not_judges_cannot_judge_or_see_scripts(cast: Cast) -> None:
    session = science_session()
    script = Script.objects.filter(session=session).first()
    urn = kingsmead().urn
    outsider = english_teacher(kingsmead())
    Judge.objects.filter(session=session, staff=outsider).delete()
    client = Client()
    client.force_login(outsider.user)
    assert client.get(f"/school/{urn}/judging/cj/{session.pk}/judge/").status_code == 404
    assert client.get(f"/school/{urn}/judging/cj/{session.pk}/").status_code == 404
    for who in ("pupil", "parent", "teacher", "otherteacher", "admin"):
        assert cast.client(who).get(f"/school/{urn}/judging/cj/{session.pk}/").status_code == 404
    # A judge does not see the report (pupils' names); the organiser does.
    hod = cast.client("hod")
    assert hod.get(f"/school/{urn}/judging/cj/{session.pk}/report/").status_code == 404
    assert hod.get(f"/school/{urn}/judging/cj/{session.pk}/scripts/{script.pk}/").status_code == 404
    assert (
        cast.client("leader").get(f"/school/{urn}/judging/cj/{session.pk}/report/").status_code
        == 200
    )


def test_script_files_are_served_only_to_the_sessions_people(cast: Cast) -> None:
    session = small_session(cast)
    script = cj_scripts_upload(
        session=session, files=[upload("page.png", PNG)], by=cast.user("leader")
    )[0]
    url = f"/school/{kingsmead().urn}/judging/files/script/{script.pk}/"
    response = cast.client("hod").get(url)  # the judge
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert file_bytes(response) == PNG
    organiser = cast.client("leader").get(url)
    assert organiser.status_code == 200  # the organiser
    assert file_bytes(organiser) == PNG
    outsider = Client()
    outsider.force_login(english_teacher(kingsmead()).user)
    assert outsider.get(url).status_code == 404
    assert cast.client("pupil").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert (
        "/media/"
        not in cast.client("hod")
        .get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/judge/")
        .content.decode()
    )


# --------------------------------------------------------------------------- the fit


def test_the_stored_fit_matches_the_kernel_on_the_same_comparisons(cast: Cast) -> None:
    session = science_session()
    rows = Comparison.objects.filter(session=session).values_list(
        "judge_id", "winner_id", "left_id", "right_id"
    )
    labelled = [(str(j), str(w), str(r if w == left else left)) for j, w, left, r in rows]
    expected = bradley_terry.fit(bradley_terry.Comparisons.from_labels(labelled), estimator="nmm")
    theta = {e.script: e.theta for e in expected.scripts}
    for script in Script.objects.filter(session=session):
        assert script.theta == pytest.approx(theta[str(script.pk)], abs=1e-9)
    assert session.reliability == pytest.approx(expected.ssr, abs=1e-12)


def test_a_disconnected_design_is_reported_not_fitted(cast: Cast) -> None:
    session = small_session(cast, judges=[Staff.objects.get(user__username="hod")])
    s = add_texts(session, 4, cast.user("leader"))
    judge = Judge.objects.get(session=session)
    for n, (left, right) in enumerate([(s[0], s[1]), (s[2], s[3])]):
        cj_comparison_record(
            session=session,
            judge=judge,
            left=left,
            right=right,
            winner=left,
            shown_at=session.created_at,
            seconds=5,
            token=f"t{n}",
            by=cast.user("hod"),
        )
    fitted = cj_session_fit(session=session)
    assert "2 groups never compared" in fitted.fit_problem
    assert not Script.objects.filter(session=session, theta__isnull=False).exists()
    page = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
    assert "cannot be fitted yet" in page.content.decode()


def test_the_report_shows_the_scale_reliability_judges_time_and_scripts_to_look_again(
    cast: Cast,
) -> None:
    session = science_session()
    page = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
    html = page.content.decode()
    assert '<svg class="scale-chart"' in html and 'role="img"' in html
    assert html.count('<g class="point') == 63
    assert "reliability (SSR)" in html and "Inconsistent" in html
    assert "Scripts to look at again" in html and "Every script" in html
    assert "inflates reliability" not in html


def test_an_adaptive_session_says_that_it_inflates_reliability(cast: Cast) -> None:
    session = small_session(cast, adaptive=True)
    add_texts(session, 4, cast.user("leader"))
    page = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
    assert "Adaptive pairing inflates reliability" in page.content.decode()


def test_the_comparisons_export_is_what_nextsteps_cj_fit_reads(cast: Cast, tmp_path: Any) -> None:
    session = science_session()
    response = cast.client("leader").get(
        f"/school/{kingsmead().urn}/judging/cj/{session.pk}/comparisons.csv"
    )
    path = tmp_path / "comparisons.csv"
    path.write_bytes(response.content)
    read = read_comparisons(str(path))
    assert len(read.rows) == session.comparison_count and read.skipped == []
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == ["judge", "winner", "loser", "seconds"]


# --------------------------------------------------------------------------- anchors, results


def test_anchors_carry_an_earlier_scale_into_a_new_session(cast: Cast) -> None:
    earlier = science_session()
    session = small_session(cast)
    anchors = cj_anchors_import(session=session, source=earlier, count=5, by=cast.user("leader"))
    values = [a.anchor_theta for a in anchors]
    assert values == sorted(values) and len(set(values)) == 5
    fresh = add_texts(session, 4, cast.user("leader"))
    judge = Judge.objects.get(session=session)
    everything = anchors + fresh
    n = 0
    for i, left in enumerate(everything):
        for right in everything[i + 1 :]:
            winner = left if (left.anchor_theta or 0) >= (right.anchor_theta or 0) else right
            cj_comparison_record(
                session=session,
                judge=judge,
                left=left,
                right=right,
                winner=winner,
                shown_at=session.created_at,
                seconds=5,
                token=f"a{n}",
                by=cast.user("hod"),
            )
            n += 1
    cj_session_fit(session=session)
    for anchor in Script.objects.filter(session=session, anchor_theta__isnull=False):
        assert anchor.theta == pytest.approx(anchor.anchor_theta)


def test_results_become_comparative_judgements_once(cast: Cast) -> None:
    session = science_session()
    grades = grade_scale(session)
    pupils = Script.objects.filter(session=session, pupil__isnull=False).count()
    judgements = cj_results_apply(session=session, by=cast.user("leader"))
    assert len(judgements) == pupils == 60
    assert {j.source for j in judgements} == {JudgementSource.COMPARATIVE_JUDGEMENT}
    for judgement in judgements[:10]:
        script = Script.objects.get(session=session, pupil=judgement.pupil)
        assert judgement.level == grades.level_for(script.theta)
        assert f"script {script.code}" in judgement.note
    with pytest.raises(CJRefused, match="already|were applied"):
        cj_results_apply(session=session, by=cast.user("leader"))
    assert Judgement.objects.filter(source=JudgementSource.COMPARATIVE_JUDGEMENT).count() == 60


def test_grade_boundaries_sit_at_the_exemplars_and_the_lowest_level_takes_the_rest(
    cast: Cast,
) -> None:
    grades = grade_scale(science_session())
    (developing, low), (_, mid), (extending, high) = grades.boundaries
    assert low < mid < high
    assert grades.level_for(high + 0.01) == extending
    assert grades.level_for(low) == developing
    assert grades.level_for(low - 5).label == "Emerging"


# --------------------------------------------------------------------------- budgets, speed


def test_the_report_has_a_fixed_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    session = science_session()
    client = cast.client("leader")
    client.get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")  # fitted now
    # session, user, second factor, memberships (4), the session (1), scripts, levels,
    # exemplar scripts, judges, times (5), the layout (2): 63 scripts and 567 judgements
    with django_assert_max_num_queries(12):
        response = client.get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
    assert response.status_code == 200


def test_the_organisers_session_page_has_a_fixed_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    session = science_session()
    client = cast.client("leader")
    # session, user, second factor, memberships (4), the session, participant (2), scripts,
    # judges, times (3), earlier sessions and staff (2), the layout (2): not per script
    with django_assert_max_num_queries(14):
        response = client.get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/")
    assert response.status_code == 200


def test_choosing_the_next_pair_costs_no_query_once_the_state_is_warm(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    session = science_session()
    judge = Judge.objects.filter(session=session).first()
    pairs.next_pair(session, judge)
    with django_assert_num_queries(0):
        started = time.perf_counter()
        chosen = pairs.next_pair(session, judge)
        elapsed = time.perf_counter() - started
    assert chosen is not None and elapsed < 0.05


def test_every_judging_page_sends_signed_out_people_to_sign_in(cast: Cast) -> None:
    from nextsteps.judging import urls

    values = {
        "session_id": science_session().pk,
        "item_id": 1,
        "script_id": 1,
        "objective_id": 1,
        "kind": "script",
        "file_id": 1,
    }
    client = Client()
    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        for name, value in values.items():
            for converter in ("int", "str"):
                route = route.replace(f"<{converter}:{name}>", str(value))
        path = f"/school/{kingsmead().urn}/judging/{route}"
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_a_leader_sets_up_a_session_with_its_own_scaled_scores_through_the_form(
    cast: Cast,
) -> None:
    from nextsteps.judging.selectors.comparative import scaled_score

    school = kingsmead()
    objective = Objective.objects.get(school=school, code="Y9-WS-01")
    judges = [Staff.objects.get(user__username="hod"), english_teacher(school)]
    response = cast.client("leader").post(
        f"/school/{school.urn}/judging/cj/new/",
        {
            "title": "Year 9 writing, spring",
            "task": "Write to persuade.",
            "department": objective.framework.subject.department_id,
            "objective": objective.pk,
            "judges": [j.pk for j in judges],
            "target_per_script": 20,
            "estimator": "mle",
            "scaled_centre": "50",
            "scaled_per_logit": "5",
        },
    )
    session = CJSession.objects.get(title="Year 9 writing, spring")
    assert response.status_code == 302
    assert session.judges.count() == 2 and session.estimator == "mle"
    assert scaled_score(session, 1.2) == 56
    refused = cast.client("hod").post(f"/school/{school.urn}/judging/cj/new/", {"title": "x"})
    assert refused.status_code == 200  # the form, with what is missing
    assert "Nothing was saved" in refused.content.decode()


# --------------------------------------------------------------------------- what the fit can claim


def consistent_session(cast: Cast) -> tuple[CJSession, list[Script]]:
    """One judge, every pair of six scripts, the better one (lower number) always chosen."""
    session = small_session(cast, judges=[Staff.objects.get(user__username="hod")])
    scripts = add_texts(session, 6, cast.user("leader"))
    judge = Judge.objects.get(session=session)
    pairs_in_order = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    for n, (i, j) in enumerate(pairs_in_order):
        cj_comparison_record(
            session=session,
            judge=judge,
            left=scripts[j],
            right=scripts[i],
            winner=scripts[i],
            shown_at=session.created_at,
            seconds=20,
            token=f"c{n}",
            by=cast.user("hod"),
        )
    return cj_session_fit(session=session), scripts


def test_one_consistent_judges_report_warns_and_flags_only_true_extremes(cast: Cast) -> None:
    session, scripts = consistent_session(cast)
    extreme = set(Script.objects.filter(session=session, extreme=True).values_list("pk", flat=True))
    assert extreme == {scripts[0].pk, scripts[-1].pk}  # won every time, lost every time
    page = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
    html = " ".join(page.content.decode().split())
    assert html.count("won or lost every time") == 2
    assert "What these judgements cannot show" in html
    assert "The judgements give no finite maximum-likelihood scale" in html
    assert "One judge, Mrs Shah, made 15 of the 15 judgements (100%)" in html
    assert "Not to be taken at face value" in html  # beside the reliability figure
    session_page = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/")
    text = " ".join(session_page.content.decode().split())
    assert "with warnings" in text and "One judge, Mrs Shah, made 15" in text
    assert session.reliability_warnings == ["no_finite_scale", "one_judge"]
    home = cast.client("leader").get(f"/school/{kingsmead().urn}/judging/").content.decode()
    assert home.count("with warnings") == 1  # this session's, not the demo's


def test_the_demo_report_makes_no_claim_it_must_qualify(cast: Cast) -> None:
    session = science_session()
    report = cj_report(session)
    assert report.warnings == [] and not report.reliability_qualified
    assert session.reliability_warnings == []
    html = (
        cast.client("leader")
        .get(f"/school/{kingsmead().urn}/judging/cj/{session.pk}/report/")
        .content.decode()
    )
    assert "What these judgements cannot show" not in html
    for row in report.rows:
        script = row.script
        assert script.extreme == (script.wins in (0, script.comparisons))


def test_the_api_report_carries_the_pages_figures_and_warnings(cast: Cast) -> None:
    from nextsteps.api.services import token_create

    session, scripts = consistent_session(cast)
    _, secret = token_create(user=cast.user("leader"), name="tests", by=None)
    url = f"/api/v1/schools/{kingsmead().urn}/cj-sessions/{session.pk}/report"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    body = response.json()
    report = cj_report(Script.objects.get(pk=scripts[0].pk).session)
    assert body["warnings"] == report.warning_sentences and len(body["warnings"]) >= 2
    assert body["reliability"]["ssr"] == pytest.approx(session.reliability)
    assert body["reliability"]["warnings"] == body["warnings"]  # every one qualifies it here
    assert {s["code"] for s in body["scripts"] if s["extreme"]} == {
        scripts[0].code,
        scripts[-1].code,
    }
    for who in ("teacher", "pupil", "parent"):
        _, other = token_create(user=cast.user(who), name="tests", by=None)
        assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
