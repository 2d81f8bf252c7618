"""`nextsteps serve`: the development server, or gunicorn with --production."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve nextsteps on http://HOST:PORT (default 127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--production",
            action="store_true",
            help="serve with gunicorn (workers from WEB_CONCURRENCY, default 2 x cores + 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        if options["production"]:
            workers = os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1))
            os.execvp(  # noqa: S606 - replaces this process with gunicorn, by design
                sys.executable,
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "nextsteps.wsgi",
                    "--bind",
                    address,
                    "--workers",
                    workers,
                    "--access-logfile",
                    "-",
                ],
            )
        call_command("runserver", address, use_reloader=False)
