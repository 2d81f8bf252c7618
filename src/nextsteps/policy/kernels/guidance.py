"""Which subject's guidance a department reads, guessed from its name. No Django.

The values are those of `policy.models.GuidanceSubject`: the six EBacc subjects with their own
guidance, and "general" for every other subject.
"""

from __future__ import annotations

GENERAL = "general"

_GUESSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("english", "literature"), "english"),
    (("math",), "maths"),
    (("science", "biology", "chemistry", "physics"), "science"),
    (("history",), "history"),
    (("geography",), "geography"),
    (("language", "french", "spanish", "german", "mfl", "italian", "mandarin"), "mfl"),
)


def guidance_subject_for(department_name: str, subject_names: list[str]) -> str:
    """The guidance a department reads, guessed from its name and its subjects' names."""
    words = " ".join([department_name, *subject_names]).lower()
    for needles, subject in _GUESSES:
        if any(needle in words for needle in needles):
            return subject
    return GENERAL
