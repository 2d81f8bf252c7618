"""`nextsteps token create USERNAME [--name NAME] [--read-only] [--expires YYYY-MM-DD]`: make a
personal API token; `list` and `revoke` the user's tokens."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.accounts.models import User
from nextsteps.api.models import ApiToken
from nextsteps.api.services import token_create, token_revoke


def expiry_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date written YYYY-MM-DD (for example 2027-07-31)"
        ) from None


def token_state(token: ApiToken) -> str:
    if token.revoked_at:
        return "revoked"
    return "expired" if token.expired else "active"


class Command(BaseCommand):
    help = "Personal API tokens: create one for a user (shown once), list or revoke them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="make a token for a user and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="Command line", help="what the token is for")
        create.add_argument(
            "--read-only", action="store_true", help="refused on anything that writes"
        )
        create.add_argument(
            "--expires",
            type=expiry_date,
            metavar="YYYY-MM-DD",
            help="the last day the token works (default: until revoked)",
        )
        listing = actions.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token by the start shown in list")
        revoke.add_argument("username")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user called {options['username']!r}")
        if options["action"] == "create":
            try:
                token, secret = token_create(
                    user=user,
                    name=options["name"],
                    by=None,
                    read_only=options["read_only"],
                    expires_on=options["expires"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stderr.write(
                f"Token {token.name!r} for {user.username}; it is shown only now. Send it as "
                "'Authorization: Bearer <token>'."
            )
            self.stdout.write(secret)
        elif options["action"] == "list":
            for token in ApiToken.objects.filter(user=user):
                self.stdout.write(
                    f"{token.prefix}…  {token.name}  {token_state(token)}  "
                    f"{'read-only' if token.read_only else 'read-write'}  "
                    f"made {token.created_at:%Y-%m-%d}  "
                    f"expires {token.expires_on or 'never'}"
                )
        else:
            found = ApiToken.objects.filter(user=user, prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"{user.username} has no token starting {options['prefix']!r}")
            token_revoke(token=found, by=None)
            self.stdout.write(f"Revoked {found.name!r}.")
