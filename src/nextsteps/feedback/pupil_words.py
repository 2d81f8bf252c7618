"""Words and pictures for pupils: one place for what a child reads where an adult reads the
precise term, and the faces a pupil chooses from when they say how they are doing.

Adults (staff and parents) keep the product's precise terms ("Claimed — waiting for the
teacher", "Purple-pen revision", "Misconception"); a pupil reads the same thing in words a
child of seven uses. Pages ask through the `pupil_words` template tags, which choose by who is
reading (`pupil_view` in the page's context), so no template carries its own child wording.

The faces are pictures shipped with the product (SVG files under `feedback/faces/`), not
emoji, so they look the same on every device whatever fonts it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nextsteps.feedback.models import (
    ClassFeedbackPoint,
    Feedback,
    Notification,
    Submission,
    Target,
    TargetEvent,
    Version,
)

# Words a pupil never reads on their own pages: the walk of every page a pupil sees fails on
# any of them (see tests/feedback/test_pupil_words.py). Lower case; matched as whole words.
ADULT_TERMS: tuple[str, ...] = (
    "misconception",
    "purple-pen revision",
    "revision",
    "claimed",
    "waiting for the teacher",
    "response to feedback",
    "verbal feedback given",
    "self-assessment",
    "success criteria",
    "learning intention",
)

# Each vocabulary: the field's choices (the adult words) and what a pupil reads for each value.
VOCABULARIES: dict[str, tuple[type[models.Choices], dict[str, Promise]]] = {
    "target.status": (
        Target.Status,
        {
            Target.Status.OPEN: _("I am working on it"),
            Target.Status.CLAIMED: _("I have done it! My teacher will check"),
            Target.Status.ACHIEVED: _("Done! My teacher says yes"),
        },
    ),
    "target_event.kind": (
        TargetEvent.Kind,
        {
            TargetEvent.Kind.SET: _("My teacher gave me this target"),
            TargetEvent.Kind.CLAIMED: _("I said I had done it"),
            TargetEvent.Kind.CONFIRMED: _("My teacher said yes, I did it"),
            TargetEvent.Kind.RETURNED: _("My teacher said keep going"),
        },
    ),
    "submission.status": (
        Submission.Status,
        {
            Submission.Status.SUBMITTED: _("Handed in"),
            Submission.Status.FEEDBACK: _("Feedback to read"),
            Submission.Status.REVISED: _("I made it better"),
            Submission.Status.FINAL: _("Finished"),
        },
    ),
    "version.kind": (
        Version.Kind,
        {
            Version.Kind.DRAFT: _("My first go"),
            Version.Kind.REVISION: _("Made better with my purple pen"),
        },
    ),
    "feedback.kind": (
        Feedback.Kind,
        {
            Feedback.Kind.WRITTEN: _("Written feedback"),
            Feedback.Kind.VERBAL: _("My teacher talked to me"),
        },
    ),
    "class_point.kind": (
        ClassFeedbackPoint.Kind,
        {
            ClassFeedbackPoint.Kind.STRENGTH: _("What we did well"),
            ClassFeedbackPoint.Kind.MISCONCEPTION: _("Something lots of us mixed up"),
            ClassFeedbackPoint.Kind.NEXT_STEP: _("What to do next"),
        },
    ),
    "notification.kind": (
        Notification.Kind,
        {
            Notification.Kind.FEEDBACK: _("New feedback"),
            Notification.Kind.TARGET_CLAIMED: _("I have done my target"),
            Notification.Kind.TARGET_CONFIRMED: _("Target done"),
            Notification.Kind.TARGET_RETURNED: _("Keep going with my target"),
            Notification.Kind.RESPONSE: _("What I changed"),
            Notification.Kind.WORK_SET: _("New work"),
            Notification.Kind.PARENT_REPLY: _("A message from home"),
        },
    ),
}

# Fixed phrases on pages staff and pupils share: (the adult's words, the pupil's words).
PHRASES: dict[str, tuple[Promise, Promise]] = {
    "response_to_feedback": (_("Response to feedback:"), _("What I changed:")),
}


def word_for(vocabulary: str, value: str, *, pupil: bool) -> str:
    """What a reader sees for one value of a field: the child's words for a pupil, the
    field's own label for anyone else. An unknown value is shown as it is stored."""
    choices, child = VOCABULARIES[vocabulary]
    if pupil and value in child:
        return str(child[value])
    return str(dict(choices.choices).get(value, value))


def phrase(name: str, *, pupil: bool) -> str:
    adult, child = PHRASES[name]
    return str(child if pupil else adult)


# ---------------------------------------------------------------------------- faces


@dataclass(frozen=True)
class Face:
    """One of the faces shipped with the product, from unsure to ready to teach it."""

    name: str
    alt: Promise

    @property
    def path(self) -> str:
        """The face's file among the static files."""
        return f"feedback/faces/{self.name}.svg"


FACES: tuple[Face, ...] = (
    Face("unsure", _("Unsure face")),
    Face("getting-there", _("Thinking face")),
    Face("can-do", _("Smiling face")),
    Face("can-teach", _("Big smile with stars")),
)


def face_for(rank: int, count: int) -> Face:
    """The face for the level at `rank` (0 is the lowest) on a scale of `count` levels.

    A school's self-assessment scale may have any number of levels: the lowest level gets the
    unsure face, the highest the face with stars, and those between are spread in order."""
    if count <= 1:
        return FACES[2]
    rank = min(max(rank, 0), count - 1)
    return FACES[rank * (len(FACES) - 1) // (count - 1)]
