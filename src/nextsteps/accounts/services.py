"""Writes for accounts: memberships, and the passwords teachers issue to pupils."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.audit.services import audit_write
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School

# Short, concrete words a six-year-old can read and type.
CARD_WORDS = (
    "apple",
    "badger",
    "banana",
    "beach",
    "bird",
    "boat",
    "bread",
    "cake",
    "castle",
    "cloud",
    "comet",
    "dragon",
    "drum",
    "duck",
    "eagle",
    "flower",
    "forest",
    "fox",
    "frog",
    "garden",
    "goat",
    "grape",
    "hill",
    "horse",
    "island",
    "jelly",
    "kite",
    "lemon",
    "lion",
    "moon",
    "mouse",
    "ocean",
    "otter",
    "owl",
    "panda",
    "pear",
    "penguin",
    "pirate",
    "planet",
    "pony",
    "rabbit",
    "river",
    "robot",
    "rocket",
    "seal",
    "shell",
    "snail",
    "star",
    "sun",
    "tiger",
    "train",
    "tree",
    "tulip",
    "turtle",
    "violin",
    "whale",
    "window",
    "wolf",
    "yacht",
    "zebra",
)


@dataclass(frozen=True)
class SignInCard:
    pupil: Pupil
    username: str
    password: str


def card_password() -> str:
    """A password a child can type: two words and two digits (about 18 bits; throttled)."""
    first, second = secrets.choice(CARD_WORDS), secrets.choice(CARD_WORDS)
    return f"{first}-{second}-{secrets.randbelow(90) + 10}"


@transaction.atomic
def membership_grant(
    *, user: User, school: School, role: str, by: Any, department: Department | None = None
) -> Membership:
    """Give a user a role in a school (a head of department names the department)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, school=school, role=role, department=department
    )
    if created:
        audit_write(actor=by, action="membership.grant", target=membership, school=school)
    return membership


def pupil_username(pupil: Pupil) -> str:
    """A username from the pupil's name and the end of their UPN: unique, and easy to type."""
    base = "".join(ch for ch in pupil.forename.lower() if ch.isalnum())
    initial = pupil.surname[:1].lower()
    return f"{base}{initial}{pupil.upn[-4:].lower()}"


@transaction.atomic(durable=True)
def pupil_cards_issue(*, pupils: list[Pupil], school: School, by: Any) -> list[SignInCard]:
    """Give each pupil an account (if needed) and a new password, for printed sign-in cards.

    Passwords are shown once, on the cards; issuing again replaces them.
    """
    cards = []
    for pupil in pupils:
        user = pupil.user
        if user is None:
            user = User.objects.create(
                username=pupil_username(pupil),
                first_name=pupil.forename,
                last_name=pupil.surname,
            )
            pupil.user = user
            pupil.save(update_fields=["user"])
            Membership.objects.get_or_create(user=user, school=school, role=Role.PUPIL)
        password = card_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        cards.append(SignInCard(pupil=pupil, username=user.username, password=password))
    audit_write(
        actor=by,
        action="pupil.cards_issue",
        school=school,
        target_type="people.pupil",
        target_label=f"{len(cards)} sign-in cards",
        after={"pupils": [card.pupil.pk for card in cards]},
    )
    return cards
