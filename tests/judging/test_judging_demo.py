"""The judging demo: built once with the cast, and building it again changes nothing."""

from __future__ import annotations

from django.utils import timezone

from nextsteps.curriculum.models import Exemplar
from nextsteps.judging import demo
from nextsteps.judging.models import (
    CJSession,
    Comparison,
    ModerationItem,
    ModerationOutcome,
    ModerationRating,
    ModerationSession,
    Script,
    StandardisationRating,
)
from nextsteps.judging.selectors.moderation import moderation_session_page
from nextsteps.markbook.models import Judgement
from tests.conftest import Cast

MODELS = (
    ModerationSession,
    ModerationItem,
    ModerationRating,
    ModerationOutcome,
    StandardisationRating,
    CJSession,
    Script,
    Comparison,
    Exemplar,
    Judgement,
)


def test_building_the_judging_demo_again_changes_nothing(cast: Cast) -> None:
    before = {model.__name__: model.objects.count() for model in MODELS}
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_the_moderation_demo_has_blind_ratings_agreement_and_three_outcomes_to_agree(
    cast: Cast,
) -> None:
    session = ModerationSession.objects.get(school=cast.secondary, title=demo.MODERATION_TITLE)
    # Three moderators, each given the eight pieces not from their own classes: every piece
    # judged twice independently, and nobody's level of their own class's work.
    assert ModerationRating.objects.filter(item__session=session).count() == 24
    page = moderation_session_page(session)
    assert page.judged_twice == 12 and page.rated == 24 and page.overridden == 0
    assert all(
        not (set(row.ratings) & row.not_independent) and len(row.not_independent) == 1
        for row in page.rows
    )
    assert ModerationOutcome.objects.filter(item__session=session).count() == 9
    assert StandardisationRating.objects.filter(session=session).count() == 9
    assert all(item.work_text for item in session.items.all())
