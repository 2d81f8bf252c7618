"""Template tags that word a page for who is reading it, and draw the self-assessment faces.

`{% words "target.status" target.status %}` shows a pupil the child's words and anyone else the
precise term; `{% phrase "response_to_feedback" %}` does the same for a fixed phrase;
`{% face level levels %}` draws the face for a level of a self-assessment scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from nextsteps.feedback import pupil_words

register = template.Library()


def _for_pupil(context: template.Context) -> bool:
    return bool(context.get("pupil_view"))


@register.simple_tag(takes_context=True)
def words(context: template.Context, vocabulary: str, value: str) -> str:
    return pupil_words.word_for(vocabulary, value, pupil=_for_pupil(context))


@register.simple_tag(takes_context=True)
def phrase(context: template.Context, name: str) -> str:
    return pupil_words.phrase(name, pupil=_for_pupil(context))


@register.inclusion_tag("feedback/includes/face.html")
def face(level: Any, levels: Sequence[Any]) -> dict[str, Any]:
    """The face for `level`, placed by its order among the scale's `levels`."""
    ranked = list(levels)
    rank = next((i for i, other in enumerate(ranked) if other.pk == level.pk), 0)
    return {"face": pupil_words.face_for(rank, len(ranked))}
