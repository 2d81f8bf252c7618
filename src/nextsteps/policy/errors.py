"""The one error the policy's services raise: a refused change, with the reason in words."""

from __future__ import annotations


class PolicyError(ValueError):
    """A refused change to the policy; the message says why."""
