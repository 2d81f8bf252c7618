"""How long a sign-in attempt must wait, from the recent failed attempts (pure: no Django).

A school signs in from behind one address, so the rules never let one person's wrong
passwords keep another person out:

- Failures count per user name *and* address together. After `pair_limit` of them the pair
  waits before its next try, `first_wait` doubling with each further failure up to
  `longest_wait`: an attacker is slowed to a few guesses an hour; nobody else is touched.
- A browser that has signed in to the account before holds a device cookie for it. Its
  attempts count on their own (user name and device), so the real person's own laptop or
  phone still signs in while a pupil at the next desk has the name paused at the school's
  address.
- An address whose failures name `address_names` or more different user names in the window
  is spraying passwords across accounts: every attempt from it without a device cookie
  waits, `first_wait` doubling with each further name, up to `address_longest_wait` (shorter,
  because a busy school's pupils mistype too: slowed, not shut out).

Nothing is "locked": every rule is a wait measured from the latest failure it counts, and
failures older than `window` are forgotten. An attempt that is made to wait is refused without
its password being checked, and is not itself a failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    username: str
    address: str
    device: str  # the device cookie's id, when the browser held one for this user name
    at: dt.datetime


@dataclass(frozen=True)
class Attempt:
    username: str
    address: str
    device: str
    at: dt.datetime


@dataclass(frozen=True)
class Rules:
    pair_limit: int = 5
    address_names: int = 20
    window: dt.timedelta = dt.timedelta(hours=1)
    first_wait: dt.timedelta = dt.timedelta(seconds=30)
    longest_wait: dt.timedelta = dt.timedelta(minutes=15)
    address_longest_wait: dt.timedelta = dt.timedelta(minutes=5)


def wait_before(attempt: Attempt, failures: Iterable[Failure], rules: Rules) -> dt.timedelta:
    """How long `attempt` must wait before it is tried (zero: it may go ahead now)."""
    recent = [f for f in failures if attempt.at - rules.window < f.at <= attempt.at]
    if attempt.device:
        own = [f for f in recent if f.username == attempt.username and f.device == attempt.device]
        return _wait(attempt.at, own, len(own) - rules.pair_limit, rules, rules.longest_wait)
    untrusted = [f for f in recent if not f.device and f.address == attempt.address]
    pair = [f for f in untrusted if f.username == attempt.username]
    names = {f.username for f in untrusted}
    return max(
        _wait(attempt.at, pair, len(pair) - rules.pair_limit, rules, rules.longest_wait),
        _wait(
            attempt.at,
            untrusted,
            len(names) - rules.address_names,
            rules,
            rules.address_longest_wait,
        ),
    )


def _wait(
    now: dt.datetime, counted: list[Failure], over: int, rules: Rules, longest: dt.timedelta
) -> dt.timedelta:
    """The wait once `over` is zero or more: from the latest counted failure, doubling."""
    if over < 0 or not counted:
        return dt.timedelta(0)
    pause = min(longest, rules.first_wait * 2 ** min(over, 30))
    latest = max(f.at for f in counted)
    wait: dt.timedelta = max(dt.timedelta(0), latest + pause - now)
    return wait
