"""Who may keep API tokens: a member of staff makes, sees and revokes their own, and nobody
else's (another person's token is not found). Built from the access core."""

from __future__ import annotations

from nextsteps import access
from nextsteps.accounts.models import STAFF_ROLES, Actor, signed_in_user
from nextsteps.api.models import ApiToken
from nextsteps.schools.models import School


def staff_school(user: Actor, urn: int) -> School:
    """A school where this person works (the token pages sit in it), else 403 or 404."""
    return access.access_school(user, urn, roles=list(STAFF_ROLES))


def own_token(user: Actor, token_id: int) -> ApiToken:
    """One of this person's own tokens, else 404."""
    return access.found(ApiToken.objects.filter(user=signed_in_user(user)), "token", pk=token_id)
