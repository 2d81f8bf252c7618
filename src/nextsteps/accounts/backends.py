"""Signing in and loading the signed-in person on each request.

Django's ModelBackend loads the user on every request; the access layer then asks for the
person's roles, their trusts, their staff record and whether they have a second-factor
device, a query each. Every page and every keystroke saved in the markbook pays for them, so
this backend reads them together: one query for the person's roles (each row with the user and
their staff record joined, and whether they lead a trust or have a device), and only for a
person with no role in any school a query for the user alone. What it reads is what
`nextsteps.access` would have read at the start of the same request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Q, QuerySet

from nextsteps.accounts.models import Membership, TrustMembership, User
from nextsteps.ops.prepared import Prepared


def _device_exists(user_ref: Any) -> Q:
    """Whether the person has a confirmed device of any kind django-otp knows."""
    from django_otp import device_classes

    found = Q(pk__in=[])
    for model in device_classes():
        found |= Q(Exists(model.objects.filter(user_id=user_ref, confirmed=True)))
    return found


def _memberships(_shape: object, user_id: int) -> QuerySet[Membership]:
    """The person's roles, each with the person, their staff record, the school and its
    security settings and the department, and whether they lead a trust or have a device."""
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("user", "user__staff", "school", "school__security", "department")
        .annotate(
            leads_trust=Exists(TrustMembership.objects.filter(user_id=OuterRef("user_id"))),
            has_device=_device_exists(OuterRef("user_id")),
        )
    )


def _person(_shape: object, user_id: int) -> QuerySet[User]:
    """A person with no role in any school, with the same flags."""
    return (
        User._default_manager.select_related("staff")
        .annotate(
            leads_trust=Exists(TrustMembership.objects.filter(user_id=OuterRef("pk"))),
            has_device=_device_exists(OuterRef("pk")),
        )
        .filter(pk=user_id)
        .order_by("pk")[:1]
    )


# Every request reads them: built and compiled once (nextsteps.ops.prepared).
MEMBERSHIPS = Prepared(_memberships, values=["user_id"])
PERSON = Prepared(_person, values=["user_id"])


class AccessBackend(ModelBackend):
    """ModelBackend, with the person's roles loaded alongside them in one query."""

    def get_user(self, user_id: Any) -> Any:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        rows: list[Any] = MEMBERSHIPS(user_id=key)
        user: User | None
        flags: Any
        if rows:
            user, flags = rows[0].user, rows[0]
            for membership in rows:
                membership.user = user  # one person, not a copy per row
            user._access_memberships = rows
        else:
            user = flags = PERSON.first(user_id=key)
            if user is None:
                return None
        if not flags.leads_trust:
            user._access_trusts = set()
        user._access_has_device = bool(flags.has_device)
        return user if self.user_can_authenticate(user) else None
