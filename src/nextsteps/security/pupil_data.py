"""Everything held about one pupil, found by walking the models' relations.

Starting from the pupil's row (and their sign-in account, if they have one), every model with
a foreign key or one-to-one key pointing at a row already found is searched for rows pointing
at it, and so on until nothing new is found: a judgement points at the pupil, an attachment at
the judgement, and both are found. The walk reads `_meta`, so a model added later is included
without anyone remembering to list it. Secrets (password hashes, token digests, second-factor
keys, sessions) are never included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from nextsteps.audit.models import AuditEvent
from nextsteps.people.models import Pupil

# Models that hold secrets, not information about a person's schooling.
EXCLUDED_APPS = frozenset({"otp_totp", "otp_static", "otp_email", "otp_hotp", "sessions"})
# Field names whose values are never exported, in any model.
SECRET_FIELDS = frozenset({"password", "digest", "key", "bin_key", "secret", "token"})
CHUNK = 500

ModelType = type[models.Model]


@dataclass
class PupilData:
    """The rows found for a pupil: model → primary keys, in the order they were found."""

    pupil: Pupil
    rows: dict[ModelType, set[Any]] = field(default_factory=lambda: defaultdict(set))
    # How each model was reached: model → "app.model.field" names.
    links: dict[ModelType, set[str]] = field(default_factory=lambda: defaultdict(set))

    def count(self) -> int:
        return sum(len(ids) for ids in self.rows.values())

    def models(self) -> list[ModelType]:
        return sorted((m for m, ids in self.rows.items() if ids), key=lambda m: m._meta.label_lower)


def walkable_models() -> list[ModelType]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in EXCLUDED_APPS and model is not AuditEvent
    ]


def foreign_keys(model: ModelType) -> Iterator[models.ForeignKey[Any, Any]]:
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, models.ForeignKey):  # OneToOneField is a ForeignKey
            yield model_field


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def pupil_data(pupil: Pupil) -> PupilData:
    """Walk from the pupil (and their account) to every row that refers to them."""
    data = PupilData(pupil=pupil)
    frontier: dict[ModelType, set[Any]] = {Pupil: {pupil.pk}}
    data.rows[Pupil].add(pupil.pk)
    if pupil.user_id:
        user_model = type(pupil).user.field.related_model
        frontier[user_model] = {pupil.user_id}
        data.rows[user_model].add(pupil.user_id)
    candidates = walkable_models()
    while frontier:
        found: dict[ModelType, set[Any]] = defaultdict(set)
        for model in candidates:
            for key in foreign_keys(model):
                target = key.related_model
                if target not in frontier:
                    continue
                rows = _about_this_pupil(model, pupil)
                for chunk in _chunks(frontier[target]):
                    ids = set(
                        rows.filter(**{f"{key.attname}__in": chunk}).values_list("pk", flat=True)
                    )
                    new = ids - data.rows.get(model, set())
                    if new:
                        data.rows[model] |= new
                        found[model] |= new
                    if new:
                        data.links[model].add(f"{model._meta.label_lower}.{key.name}")
        frontier = dict(found)
    return data


def _about_this_pupil(model: ModelType, pupil: Pupil) -> models.QuerySet[Any]:
    """The model's rows, less those that name another pupil and not this one.

    A peer assessment this pupil wrote about a classmate is the classmate's record: it is
    reached through the pupil's account, but it is not theirs to receive (or to lose).
    """
    rows = model._base_manager.all()
    about = models.Q()
    for key in foreign_keys(model):
        if key.related_model is Pupil:
            about |= models.Q(**{key.attname: pupil.pk})
    return rows.filter(about) if about else rows


def audit_about(data: PupilData) -> list[AuditEvent]:
    """Audit events whose target is one of the pupil's rows: who viewed or changed them."""
    events: list[AuditEvent] = []
    for model, ids in data.rows.items():
        label = model._meta.label_lower
        for chunk in _chunks(ids):
            events.extend(
                AuditEvent.objects.filter(target_type=label, target_id__in=[str(i) for i in chunk])
                .select_related("actor")
                .order_by("at", "pk")
            )
    events.sort(key=lambda event: (event.at, event.pk))
    return events


def exportable_fields(model: ModelType) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]
