"""`nextsteps notify digest [--date YYYY-MM-DD] [--dry-run]`: send the daily e-mail summary
to each parent and member of staff who chose it, through Django's e-mail settings. Run it
once a day (from cron or a scheduler); running it again the same day sends nothing twice."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nextsteps.feedback.services import email_digest_send


def day_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date written YYYY-MM-DD (for example 2026-12-07)"
        ) from None


class Command(BaseCommand):
    help = "Notifications by e-mail: send the daily summary to those who chose it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        digest = actions.add_parser(
            "digest", help="send today's summary (once a day each) to those who chose it"
        )
        digest.add_argument(
            "--date",
            type=day_date,
            metavar="YYYY-MM-DD",
            help="the day the summary is for (default: today)",
        )
        digest.add_argument(
            "--dry-run", action="store_true", help="say who would get a summary; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        sent = email_digest_send(day=day, dry_run=options["dry_run"])
        verb = "would send" if options["dry_run"] else "sent"
        for address, count in sent:
            self.stdout.write(f"{verb} {address}: {count} notification(s)")
        self.stdout.write(f"{len(sent)} summary e-mail(s) {verb} for {day.isoformat()}")
