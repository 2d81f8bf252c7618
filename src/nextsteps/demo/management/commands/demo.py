"""`nextsteps demo`: build the demo trust and print the sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nextsteps.demo.builder import DemoBuildFailed, build_demo

ACCOUNTS = (
    ("admin", "data manager (both schools)"),
    ("leader", "senior leader, Kingsmead Academy (secondary)"),
    ("hod", "head of maths, Kingsmead Academy"),
    ("teacher", "Ms Okafor, Year 4 class teacher, Hollins Park Primary"),
    ("ta", "Mrs Lewis, teaching assistant in 4 Oak"),
    ("pupil", "Amara Hughes, Year 4, 4 Oak"),
    ("parent", "Mr Hughes, Amara's father"),
    ("year6", "Year 6 class teacher (6 Oak), Hollins Park Primary: KS2 writing"),
    ("primaryhead", "headteacher, Hollins Park Primary"),
    ("trustleader", "Dr Mensah, trust leader, Riverbend Learning Trust"),
)


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo trust: a primary and a secondary school."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Building the demo trust, step by step:")
        try:
            summary = build_demo(progress=self._step_done)
        except DemoBuildFailed as failed:
            raise CommandError(str(failed)) from failed
        schools = ", ".join(school.name for school in summary.schools)
        self.stdout.write(f"Demo ready: {schools} ({summary.pupils} pupils).")
        self.stdout.write(
            f"Sign in with any of these, password {settings.NEXTSTEPS_DEMO_PASSWORD}:"
        )
        for username, who in ACCOUNTS:
            self.stdout.write(f"  {username:<12} {who}")

    def _step_done(self, line: str) -> None:
        self.stdout.write(f"  {line}")
        self.stdout.flush()
