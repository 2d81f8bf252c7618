"""`nextsteps export …`: take data out of a school. Each kind is a subcommand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.curriculum import formats
from nextsteps.curriculum.models import Framework
from nextsteps.curriculum.services import framework_spec


class Command(BaseCommand):
    help = (
        "Export data from a school: curriculum frameworks as YAML or CSV, OneRoster CSV sets "
        "and Common Transfer Files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        framework = kinds.add_parser(
            "framework",
            help="a framework as YAML or CSV on standard output",
            description="Write a framework as YAML (everything) or CSV (objectives and steps).",
        )
        framework.add_argument("--school", type=int, required=True, help="the school's URN")
        framework.add_argument("--name", required=True, help="the framework's name")
        framework.add_argument("--version", dest="framework_version", help="default: the newest")
        framework.add_argument("--format", choices=["yaml", "csv"], default="yaml")

        from nextsteps.interop import cli as interop_cli

        interop_cli.add_export_parsers(kinds)

    def handle(self, *args: Any, **options: Any) -> None:
        from nextsteps.interop import cli as interop_cli

        if options["kind"] in interop_cli.EXPORT_KINDS:
            interop_cli.run_export(self, options)
            return
        frameworks = Framework.objects.filter(school__urn=options["school"], name=options["name"])
        if options.get("framework_version"):
            frameworks = frameworks.filter(version=options["framework_version"])
        framework = frameworks.order_by("-pk").first()
        if framework is None:
            raise CommandError(
                f"no framework called {options['name']!r} in school {options['school']}"
            )
        spec = framework_spec(framework)
        writer = formats.write_yaml if options["format"] == "yaml" else formats.write_csv
        self.stdout.write(writer(spec), ending="")
