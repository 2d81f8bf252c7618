"""The subject access export: one zip archive of everything held about a pupil.

`data.json` is machine-readable (every row found by `pupil_data`, field by field, with the
audit trail of who viewed and changed the pupil's records); `summary.html` says the same in
words and tables for the family; `files/` holds the pupil's uploaded files. The archive is
made by a data manager, who checks free-text notes for other people's information before
sending it (UK GDPR Art. 15(4)).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from nextsteps.accounts.models import Actor
from nextsteps.audit.services import json_safe
from nextsteps.people.models import Pupil, Staff
from nextsteps.security.pupil_data import (
    ModelType,
    PupilData,
    audit_about,
    exportable_fields,
    foreign_keys,
    pupil_data,
    walkable_models,
)

FORMAT = "nextsteps-subject-access/1"
REDACTED = "another person (not shown)"


@dataclass(frozen=True)
class ExportSummary:
    rows: int
    files: int
    models: int


def personal_models() -> set[ModelType]:
    """Models whose rows are about a particular pupil: a key to Pupil, directly or in a chain."""
    personal: set[ModelType] = {Pupil}
    candidates = walkable_models()
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model not in personal and any(
                key.related_model in personal for key in foreign_keys(model)
            ):
                personal.add(model)
                grew = True
    return personal


class _Labels:
    """Words for the rows a record points at, without naming anyone else."""

    def __init__(self, data: PupilData) -> None:
        self.data = data
        self.personal = personal_models()
        self.user_model = get_user_model()
        self.cache: dict[tuple[ModelType, Any], str] = {}

    def prime(self, model: ModelType, ids: set[Any]) -> None:
        wanted = {i for i in ids if (model, i) not in self.cache}
        if not wanted:
            return
        if model is self.user_model:
            staff = set(Staff.objects.filter(user_id__in=wanted).values_list("user_id", flat=True))
            own = self.data.pupil.user_id
            for user in self.user_model._base_manager.filter(pk__in=wanted):
                shown = user.pk in staff or user.pk == own
                self.cache[(model, user.pk)] = str(user) if shown else REDACTED
            return
        mine = self.data.rows.get(model, set())
        for pk, row in model._base_manager.in_bulk(wanted).items():
            shown = model not in self.personal or pk in mine
            self.cache[(model, pk)] = str(row) if shown else REDACTED

    def label(self, model: ModelType, pk: Any) -> str:
        return self.cache.get((model, pk), "")


def _records(data: PupilData, labels: _Labels) -> dict[str, Any]:
    records: dict[str, Any] = {}
    for model in data.models():
        fields = exportable_fields(model)
        rows = list(model._base_manager.filter(pk__in=data.rows[model]).order_by("pk"))
        targets: dict[ModelType, set[Any]] = defaultdict(set)
        for key in (f for f in fields if isinstance(f, models.ForeignKey)):
            for row in rows:
                value = getattr(row, key.attname)
                if value is not None:
                    targets[key.related_model].add(value)
        for target, ids in targets.items():
            labels.prime(target, ids)
        records[model._meta.label_lower] = {
            "name": str(model._meta.verbose_name_plural),
            "found_through": sorted(data.links.get(model, {"(the pupil)"})),
            "fields": {f.attname: str(f.verbose_name) for f in fields},
            "rows": [_row(row, fields, labels) for row in rows],
        }
    return records


def _row(
    row: models.Model, fields: list[models.Field[Any, Any]], labels: _Labels
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model_field in fields:
        value = getattr(row, model_field.attname)
        out[model_field.attname] = json_safe(value)
        if isinstance(model_field, models.ForeignKey) and value is not None:
            out[f"{model_field.name}__label"] = labels.label(model_field.related_model, value)
    return out


def _audit(data: PupilData) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at.isoformat(),
            "who": str(event.actor) if event.actor else "system",
            "action": event.action,
            "what": event.target_type,
            "record": event.target_label,
        }
        for event in audit_about(data)
    ]


def _files(data: PupilData) -> list[tuple[str, models.fields.files.FieldFile, dict[str, Any]]]:
    found = []
    for model in data.models():
        file_fields = [f for f in exportable_fields(model) if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        for row in model._base_manager.filter(pk__in=data.rows[model]).order_by("pk"):
            for file_field in file_fields:
                stored = getattr(row, file_field.attname)
                if not stored:
                    continue
                name = posixpath.basename(stored.name)
                path = f"files/{model._meta.label_lower}/{row.pk}/{name}"
                found.append((path, stored, {"record": model._meta.label_lower, "id": row.pk}))
    return found


def subject_access_export(
    *, pupil: Pupil, out: IO[bytes], by: Actor | None = None
) -> ExportSummary:
    """Write the pupil's subject access archive (a zip) to `out`."""
    data = pupil_data(pupil)
    labels = _Labels(data)
    records = _records(data, labels)
    generated = timezone.now()
    files_index: list[dict[str, Any]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, stored, about in _files(data):
            try:
                with stored.open("rb") as handle:
                    archive.writestr(path, handle.read())
                files_index.append({"path": path, **about, "missing": False})
            except FileNotFoundError:
                files_index.append({"path": path, **about, "missing": True})
        document = {
            "format": FORMAT,
            "generated_at": generated.isoformat(),
            "generated_by": str(by) if by is not None else "command line",
            "school": {"urn": pupil.school.urn, "name": pupil.school.name},
            "pupil": {"id": pupil.pk, "upn": pupil.upn, "name": pupil.name},
            "records": records,
            "audit": _audit(data),
            "files": files_index,
        }
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
        archive.writestr(
            "summary.html", render_to_string("security/sar_summary.html", _summary(document))
        )
    return ExportSummary(
        rows=data.count(),
        files=sum(1 for f in files_index if not f["missing"]),
        models=len(records),
    )


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    sections = []
    for label, record in document["records"].items():
        columns = [
            (name, verbose)
            for name, verbose in record["fields"].items()
            if name not in {"school_id"}
        ]
        rows = [
            [row.get(name.removesuffix("_id") + "__label") or row.get(name) for name, _ in columns]
            for row in record["rows"]
        ]
        sections.append({"label": label, "name": record["name"], "columns": columns, "rows": rows})
    generated = dt.datetime.fromisoformat(document["generated_at"])
    return {**document, "sections": sections, "generated": generated}


def archive_name(pupil: Pupil) -> str:
    return f"subject-access-{pupil.school.urn}-{pupil.upn}-{timezone.localdate():%Y%m%d}.zip"
