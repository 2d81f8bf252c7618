"""`nextsteps import …`: bring data into a school. Each kind is a subcommand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.curriculum import formats
from nextsteps.curriculum.kernels.spec import FrameworkSpec
from nextsteps.curriculum.oak import oak_framework
from nextsteps.curriculum.services import FrameworkExists, framework_import
from nextsteps.schools.models import School


class Command(BaseCommand):
    help = (
        "Import data into a school: curriculum frameworks (YAML, CSV, Oak National Academy), "
        "OneRoster CSV sets, Common Transfer Files, spreadsheets, attendance and the DfE register "
        "of schools."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        framework = kinds.add_parser(
            "framework",
            help="a framework from a nextsteps YAML or CSV file",
            description="Import a framework from a nextsteps YAML or CSV file.",
        )
        framework.add_argument("path", type=Path)
        framework.add_argument("--school", type=int, required=True, help="the school's URN")
        framework.add_argument("--name", help="framework name (CSV only)")
        framework.add_argument("--subject", help="subject (CSV only)")
        framework.add_argument(
            "--version", dest="framework_version", default="1", help="version (CSV only)"
        )
        framework.add_argument(
            "--replace", action="store_true", help="update this version if present"
        )
        oak = kinds.add_parser(
            "curriculum-oak",
            help="a framework from Oak National Academy's curriculum ontology (Turtle files)",
            description=(
                "Build a framework from Oak National Academy's curriculum ontology (RDF/Turtle, "
                "Open Government Licence v3.0), keeping its attribution."
            ),
        )
        oak.add_argument("path", type=Path, help="the folder holding ontology/ and data/")
        oak.add_argument("--subject", required=True, help="for example mathematics")
        oak.add_argument("--key-stage", type=int, required=True, choices=[1, 2, 3, 4])
        oak.add_argument("--school", type=int, help="the school's URN (default: the only school)")
        oak.add_argument("--replace", action="store_true", help="update the framework if present")

        from nextsteps.interop import cli as interop_cli

        interop_cli.add_import_parsers(kinds)
        from nextsteps.interop import cli_mis

        cli_mis.add_mis_import_parsers(kinds)

    def handle(self, *args: Any, **options: Any) -> None:
        from nextsteps.interop import cli as interop_cli

        if options["kind"] in interop_cli.IMPORT_KINDS:
            interop_cli.run_import(self, options)
            return
        from nextsteps.interop import cli_mis

        if options["kind"] in cli_mis.MIS_IMPORT_KINDS:
            cli_mis.run_mis_import(self, options)
            return
        school = _school(options.get("school"))
        try:
            if options["kind"] == "framework":
                spec = _read_framework(options)
            else:
                spec = oak_framework(
                    options["path"], subject=options["subject"], key_stage=options["key_stage"]
                )
            framework = framework_import(
                school=school, spec=spec, by=None, replace=options["replace"]
            )
        except formats.FormatErrors as errors:
            raise CommandError(str(errors)) from errors
        except (formats.FormatError, FrameworkExists, ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        count = framework.objectives.count()
        self.stdout.write(f"Imported {framework} into {school.name}: {count} objectives.")


def _school(urn: int | None) -> School:
    if urn is None:
        schools = list(School.objects.all()[:2])
        if len(schools) != 1:
            raise CommandError("name the school with --school URN")
        return schools[0]
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise CommandError(f"no school with URN {urn}")
    return school


def _read_framework(options: dict[str, Any]) -> FrameworkSpec:
    path: Path = options["path"]
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in {".yaml", ".yml"}:
        return formats.read_yaml(text, file=path.name)
    if not options.get("name") or not options.get("subject"):
        raise CommandError("a CSV framework needs --name and --subject")
    return formats.read_csv(
        text,
        file=path.name,
        name=options["name"],
        subject=options["subject"],
        version=options["framework_version"],
    )
