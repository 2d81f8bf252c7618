"""Writes for accounts: memberships, and the passwords teachers issue to pupils."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from nextsteps.accounts.models import Actor, Membership, Role, User
from nextsteps.audit.actions import AuditAction
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


@transaction.atomic(durable=True)
def membership_grant(
    *, user: User, school: School, role: str, by: Actor | None, department: Department | None = None
) -> Membership:
    """Give a user a role in a school (a head of department names the department)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, school=school, role=role, department=department
    )
    if created:
        audit_write(actor=by, action=AuditAction.MEMBERSHIP_GRANT, target=membership, school=school)
    return membership


def pupil_username(pupil: Pupil) -> str:
    """A username from the pupil's name and the end of their UPN: unique, and easy to type."""
    base = "".join(ch for ch in pupil.forename.lower() if ch.isalnum())
    initial = pupil.surname[:1].lower()
    return f"{base}{initial}{pupil.upn[-4:].lower()}"


@transaction.atomic(durable=True)
def pupil_cards_issue(*, pupils: list[Pupil], school: School, by: Actor | None) -> list[SignInCard]:
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
        action=AuditAction.PUPIL_CARDS_ISSUE,
        school=school,
        target_type="people.pupil",
        target_label=f"{len(cards)} sign-in cards",
        after={"pupils": [card.pupil.pk for card in cards]},
    )
    return cards


# ---------------------------------------------------------------------------- roster imports
# Bulk writes for a roster import (OneRoster, Wonde), called inside the import's own
# transaction with rows it has already matched and checked.

ROSTER_BATCH = 2000
ACCOUNT_FIELDS = frozenset({"username", "first_name", "last_name", "email", "is_active"})


def accounts_roster_write(
    *, new: Sequence[Mapping[str, Any]], changes: Mapping[int, Mapping[str, Any]]
) -> list[int]:
    """Create accounts (no usable password: a roster gives none) and change others (per id,
    only the fields that change), in bulk; the new accounts' ids, in order."""
    for fields in [*new, *changes.values()]:
        unknown = set(fields) - ACCOUNT_FIELDS
        if unknown:
            raise TypeError(f"unknown account fields: {sorted(unknown)}")
    unusable = make_password(None)
    created = User.objects.bulk_create(
        [User(password=unusable, **fields) for fields in new], batch_size=ROSTER_BATCH
    )
    ids = sorted(changes)
    names = sorted({name for fields in changes.values() for name in fields})
    for start in range(0, len(ids), ROSTER_BATCH):
        users = User.objects.in_bulk(ids[start : start + ROSTER_BATCH])
        for user_id, user in users.items():
            for name, value in changes[user_id].items():
                setattr(user, name, value)
        User.objects.bulk_update(list(users.values()), names, batch_size=ROSTER_BATCH)
    return [user.pk for user in created]


def memberships_roster_grant(*, wanted: Iterable[tuple[int, int, str]]) -> int:
    """Give each (account, school, role) its school-wide membership unless it has it already;
    how many were given."""
    wanted = set(wanted)
    have: set[tuple[int, int, str]] = set()
    user_ids = sorted({user_id for user_id, _, _ in wanted})
    for start in range(0, len(user_ids), ROSTER_BATCH):
        have.update(
            Membership.objects.filter(
                user_id__in=user_ids[start : start + ROSTER_BATCH], department__isnull=True
            ).values_list("user_id", "school_id", "role")
        )
    missing = sorted(wanted - have)
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, school_id=school_id, role=role)
            for user_id, school_id, role in missing
        ],
        batch_size=ROSTER_BATCH,
    )
    return len(missing)
