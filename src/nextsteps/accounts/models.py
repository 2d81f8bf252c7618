"""User accounts and the roles a person holds in each school."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from nextsteps.schools.models import Department, School, Trust


class Role(models.TextChoices):
    ADMIN = "admin", _("Data manager")
    LEADER = "leader", _("Senior leader")
    HOD = "hod", _("Head of department")
    TEACHER = "teacher", _("Teacher")
    TA = "ta", _("Teaching assistant")
    PUPIL = "pupil", _("Pupil")
    GUARDIAN = "guardian", _("Parent or carer")


STAFF_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.HOD, Role.TEACHER, Role.TA})


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Staff may be required to use a second factor by their school (see School settings).

    # Loaded once per request (by the authentication backend or the access core), never stored.
    _access_memberships: list[Membership]
    _access_trusts: set[int]
    _access_has_device: bool
    # Set on each request's user by django-otp's middleware.
    is_verified: Callable[[], bool]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Membership(models.Model):
    """One role a user holds in one school; a head of department names the department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="heads"
    )

    class Meta:
        ordering = ["school__name", "role"]
        constraints = [
            # Two partial constraints rather than NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["user", "school", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="membership_unique_in_department",
            ),
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                condition=models.Q(department__isnull=True),
                name="membership_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role="hod", department__isnull=False) | ~models.Q(role="hod"),
                name="membership_hod_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.school}"


class TrustMembership(models.Model):
    """A trust leader sees every school in the trust, side by side."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trust_memberships")
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "trust"], name="trust_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.trust}"


# Who asks on a page or an API route (views, permissions, selectors): a signed-in user, or no
# one yet (a page that is open to all, before sign-in). Services take `by: Actor | None`: None
# when the system acts (a command, an import, the demo); a row that records who did something
# stores `acting_user(by)`.
Actor: TypeAlias = "User | AnonymousUser"


def signed_in_user(user: Actor) -> User:
    """The person asking about their own rows. Pages and API routes that ask are behind the
    access guard, which has sent anyone not signed in to sign in (or refused them)."""
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def acting_user(by: Actor | None) -> User | None:
    """The person a row records as having done something: a signed-in user, or None when the
    system acts (a command, an import, the demo) or no one is signed in."""
    if by is not None and by.is_authenticated and by.pk:
        return by
    return None
