"""`nextsteps sync wonde --school URN [--dry-run] [--full]`: bring a school in step with its MIS.

`--all` syncs every school already connected to Wonde, queuing one background task each; run
it daily from cron (docs/deploy.md). Exit status 0 when the sync ran, with or without
conflicts; non-zero with the reason when Wonde refuses the token or the school is not found.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Keep schools in step with their management information system through Wonde."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        wonde = sources.add_parser(
            "wonde",
            help="pupils, staff, contacts, classes and attendance from Wonde",
            description=(
                "Sync a school from Wonde (WONDE_API_URL, WONDE_TOKEN). The school is found "
                "among those that approved the token by its URN, and set up here if new. After "
                "the first sync only what changed is asked for. Conflicts (a UPN naming a "
                "different child) are listed and not applied; everything else is."
            ),
        )
        target = wonde.add_mutually_exclusive_group(required=True)
        target.add_argument("--school", type=int, metavar="URN", help="the school's URN")
        target.add_argument(
            "--all",
            action="store_true",
            help="every school already synced from Wonde, one background task each (daily)",
        )
        wonde.add_argument("--dry-run", action="store_true", help="show what would change")
        wonde.add_argument(
            "--full", action="store_true", help="ask Wonde for everything, not only changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from nextsteps.interop.wonde_client import WondeError
        from nextsteps.interop.wonde_sync import wonde_sync
        from nextsteps.schools.services import NoPhase

        if options["all"]:
            self._queue_all(full=options["full"])
            return
        try:
            summary = wonde_sync(
                urn=options["school"], by=None, dry_run=options["dry_run"], full=options["full"]
            )
        except (WondeError, NoPhase) as error:
            raise CommandError(str(error)) from error
        for line in summary.lines() + summary.identity.lines():
            self.stdout.write(line)

    def _queue_all(self, *, full: bool) -> None:
        from nextsteps.interop.models import WondeSchool
        from nextsteps.interop.tasks import wonde_sync_task

        urns = list(
            WondeSchool.objects.select_related("school").values_list("school__urn", flat=True)
        )
        for urn in urns:
            wonde_sync_task.enqueue(urn=urn, full=full)
        self.stdout.write(f"Queued a Wonde sync for {len(urns)} schools.")
