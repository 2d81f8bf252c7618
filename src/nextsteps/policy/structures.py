"""The structured part of an answer: its choices, validation and plain-words description.

A structured answer is stored as JSON on its version. `clean_structured` checks it and
returns it in a normal form (dates as ISO strings, numbers as plain numbers, choices in the
offered order); every problem names the row and field. `describe` turns it into sentences
for pages and the published policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nextsteps.curriculum.kernels.spec import CALCULATION_METHODS
from nextsteps.markbook.kernels.mastery import PARAMETER_RANGES
from nextsteps.policy.models import MarkingKind, Period, Structure


class EvidenceMethod(models.TextChoices):
    OBSERVATION = "observation", gettext_lazy("Observation")
    CONVERSATION = "conversation", gettext_lazy("Talking and listening")
    QUESTIONING = "questioning", gettext_lazy("Questioning")
    TASK = "task", gettext_lazy("Tasks designed to show understanding")
    BOOK_WORK = "book_work", gettext_lazy("Work in books")
    TEST = "test", gettext_lazy("Tests and quizzes")


class Dimension(models.TextChoices):
    KNOWLEDGE = "knowledge", gettext_lazy("Knowledge")
    UNDERSTANDING = "understanding", gettext_lazy("Understanding: explaining how and why")
    APPLICATION = "application", gettext_lazy("Application to new problems")


class ModerationApproach(models.TextChoices):
    STANDARDISATION = "standardisation", gettext_lazy("Standardisation with exemplars")
    BLIND_SECOND = "blind_second", gettext_lazy("Blind second judgements on a sample")
    COMPARATIVE = "comparative", gettext_lazy("Comparative judgement")
    SHARED_TASKS = "shared_tasks", gettext_lazy("Shared tasks across classes")
    CROSS_SCHOOL = "cross_school", gettext_lazy("Moderation with other schools")


class Audience(models.TextChoices):
    PUPILS = "pupils", gettext_lazy("Pupils")
    PARENTS = "parents", gettext_lazy("Parents and carers")
    LEADERS = "leaders", gettext_lazy("Leaders")
    GOVERNORS = "governors", gettext_lazy("Governors")


METHOD_LABELS = {
    "latest": gettext_lazy("Latest judgement"),
    "highest": gettext_lazy("Highest judgement"),
    "mean": gettext_lazy("Mean of all judgements"),
    "weighted_average": gettext_lazy("Weighted average"),
    "decaying_average": gettext_lazy("Decaying average"),
    "n_mastery": gettext_lazy("Mastery shown a number of times"),
}
MAX_POINTS = 12
MAX_ACTIVITIES = 12


class AnswerProblems(ValueError):
    """The structured answer has problems; each names where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def method_label(method: str, parameter: int | None) -> str:
    label = str(METHOD_LABELS.get(method, method))
    if method == "n_mastery" and parameter:
        return _("%(label)s (%(n)d times)") % {"label": label, "n": parameter}
    if method in PARAMETER_RANGES and parameter:
        return _("%(label)s (%(p)d%%)") % {"label": label, "p": parameter}
    return label


def _choices(
    data: Mapping[str, Any], field: str, offered: type[models.TextChoices], problems: list[str]
) -> list[str]:
    values = data.get(field) or []
    if isinstance(values, str) or not isinstance(values, Sequence):
        problems.append(_("%(field)s must be a list.") % {"field": field})
        return []
    unknown = [v for v in values if v not in offered.values]
    if unknown:
        problems.append(
            _("%(field)s: %(values)s is not one of the choices.")
            % {"field": field, "values": ", ".join(map(str, unknown))}
        )
    return [v for v in offered.values if v in values]


def _whole(value: Any, lowest: int, highest: int, where: str, problems: list[str]) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append(_("%(where)s must be a whole number.") % {"where": where})
        return None
    if not lowest <= number <= highest:
        problems.append(
            _("%(where)s must be from %(low)d to %(high)d, not %(n)d.")
            % {"where": where, "low": lowest, "high": highest, "n": number}
        )
        return None
    return number


def clean_structured(
    structure: str,
    data: Mapping[str, Any],
    *,
    scale_names: Sequence[str] = (),
    year: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """The structured answer in normal form, or `AnswerProblems` naming each problem.

    `scale_names` are the school's teacher scales (for progress); `year` is the academic
    year's first and last day, which assessment points must fall within.
    """
    problems: list[str] = []
    cleaners: dict[Structure, Callable[[], dict[str, Any]]] = {
        Structure.TEXT: lambda: {},
        Structure.PROGRESS: lambda: _progress(data, scale_names, problems),
        Structure.EVIDENCE: lambda: _evidence(data, problems),
        Structure.COLLECTION: lambda: _collection(data, year, problems),
        Structure.MARKING: lambda: _marking(data, problems),
        Structure.MODERATION: lambda: _moderation(data, problems),
        Structure.REPORTING: lambda: _reporting(data, problems),
    }
    cleaner = cleaners.get(Structure(structure))
    if cleaner is None:  # pragma: no cover - Structure() has already refused it
        raise AnswerProblems([_("Unknown kind of answer.")])
    cleaned = cleaner()
    if problems:
        raise AnswerProblems(problems)
    return cleaned


def _progress(
    data: Mapping[str, Any], scale_names: Sequence[str], problems: list[str]
) -> dict[str, Any]:
    scale = str(data.get("scale") or "").strip()
    if not scale:
        problems.append(_("Choose the scale teachers judge against."))
    elif scale_names and scale not in scale_names:
        problems.append(
            _("The scale “%(scale)s” is not one of this school's scales.") % {"scale": scale}
        )
    method = str(data.get("method") or "")
    parameter = None
    if method not in CALCULATION_METHODS:
        problems.append(_("Choose a calculation method."))
    elif method in PARAMETER_RANGES:
        low, high = PARAMETER_RANGES[method]
        label = _("The %(method)s setting") % {"method": str(METHOD_LABELS[method]).lower()}
        parameter = _whole(data.get("parameter"), low, high, label, problems)
    dimensions = _choices(data, "dimensions", Dimension, problems)
    if not dimensions:
        problems.append(_("Tick at least one dimension of progress."))
    return {"scale": scale, "method": method, "parameter": parameter, "dimensions": dimensions}


def _evidence(data: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    methods = _choices(data, "methods", EvidenceMethod, problems)
    if not methods:
        problems.append(_("Tick at least one kind of classroom evidence."))
    return {"methods": methods}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _collection(
    data: Mapping[str, Any], year: tuple[dt.date, dt.date] | None, problems: list[str]
) -> dict[str, Any]:
    rows = data.get("points") or []
    points: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        name = " ".join(str(row.get("name") or "").split())
        date = _date(row.get("date"))
        where = _("Assessment point %(n)d") % {"n": index}
        if not name:
            problems.append(_("%(where)s needs a name.") % {"where": where})
        elif len(name) > 100:
            problems.append(
                _("%(where)s: the name is longer than 100 characters.") % {"where": where}
            )
        elif name.lower() in seen:
            problems.append(
                _("%(where)s: the name “%(name)s” is used twice.") % {"where": where, "name": name}
            )
        if date is None:
            problems.append(
                _("%(where)s needs a date (for example 2026-12-11).") % {"where": where}
            )
        elif year and not year[0] <= date <= year[1]:
            problems.append(
                _("%(where)s: %(date)s is outside the academic year (%(first)s to %(last)s).")
                % {
                    "where": where,
                    "date": date_format(date),
                    "first": date_format(year[0]),
                    "last": date_format(year[1]),
                }
            )
        if name and date:
            seen.add(name.lower())
            points.append({"name": name, "date": date.isoformat()})
    if not rows:
        problems.append(_("Add at least one assessment point."))
    if len(rows) > MAX_POINTS:
        problems.append(_("At most %(n)d assessment points a year.") % {"n": MAX_POINTS})
    return {"points": sorted(points, key=lambda p: (p["date"], p["name"]))}


def _marking(data: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    rows = data.get("activities") or []
    activities = []
    for index, row in enumerate(rows, start=1):
        where = _("Activity %(n)d") % {"n": index}
        kind, period = row.get("kind"), row.get("period")
        if kind not in MarkingKind.values:
            problems.append(_("%(where)s: choose what kind of feedback it is.") % {"where": where})
        if period not in Period.values:
            problems.append(_("%(where)s: choose how often it happens.") % {"where": where})
        times = _whole(row.get("times"), 1, 10, _("%(where)s: times") % {"where": where}, problems)
        classes = _whole(
            row.get("classes"), 1, 20, _("%(where)s: classes") % {"where": where}, problems
        )
        minutes = _minutes(row.get("minutes_per_pupil"), where, problems)
        if None not in (times, classes, minutes) and kind in MarkingKind.values:
            activities.append(
                {
                    "kind": kind,
                    "times": times,
                    "period": period,
                    "minutes_per_pupil": str(minutes),
                    "classes": classes,
                }
            )
    if not rows:
        problems.append(_("Add at least one marking or feedback activity."))
    if len(rows) > MAX_ACTIVITIES:
        problems.append(_("At most %(n)d activities.") % {"n": MAX_ACTIVITIES})
    return {"activities": activities}


def _minutes(value: Any, where: str, problems: list[str]) -> Decimal | None:
    text = str(value).strip()
    try:
        minutes = Decimal(text)
    except (InvalidOperation, ValueError):
        minutes = Decimal("NaN")
    if not minutes.is_finite():  # "NaN" and "Infinity" parse, but are not minutes
        problems.append(_("%(where)s: minutes per pupil must be a number.") % {"where": where})
        return None
    # The range is checked before rounding: rounding a huge figure to tenths would overflow.
    if not Decimal(0) <= minutes <= Decimal(60):
        problems.append(
            _("%(where)s: minutes per pupil must be from 0 to 60, not %(m)s.")
            % {"where": where, "m": text}
        )
        return None
    return minutes.quantize(Decimal("0.1"))


def _moderation(data: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    sessions = _whole(
        data.get("sessions_per_year"), 0, 12, _("Moderation sessions a year"), problems
    )
    approaches = _choices(data, "approaches", ModerationApproach, problems)
    if not approaches:
        problems.append(_("Tick at least one way of checking judgements."))
    return {"sessions_per_year": sessions, "approaches": approaches}


def _reporting(data: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    reports = _whole(data.get("reports_per_year"), 0, 6, _("Reports to parents a year"), problems)
    audiences = _choices(data, "audiences", Audience, problems)
    if not audiences:
        problems.append(_("Tick at least one audience."))
    return {"reports_per_year": reports, "audiences": audiences}


# ---------------------------------------------------------------------------- description


def _labels(values: Sequence[str], choices: type[models.TextChoices]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(v, v)) for v in values)


def describe(structure: str, data: Mapping[str, Any]) -> list[str]:
    """The structured answer as short sentences (empty for a text-only answer)."""
    if not data:
        return []
    if structure == Structure.PROGRESS:
        return [
            _("Scale: %(scale)s") % {"scale": data.get("scale", "")},
            _("Calculation: %(method)s")
            % {"method": method_label(data.get("method", ""), data.get("parameter"))},
            _("Dimensions of progress: %(d)s")
            % {"d": _labels(data.get("dimensions", []), Dimension)},
        ]
    if structure == Structure.EVIDENCE:
        return [_("Evidence: %(m)s") % {"m": _labels(data.get("methods", []), EvidenceMethod)}]
    if structure == Structure.COLLECTION:
        return [
            _("%(name)s: %(date)s")
            % {"name": p["name"], "date": date_format(dt.date.fromisoformat(p["date"]))}
            for p in data.get("points", [])
        ]
    if structure == Structure.MARKING:
        return [activity_sentence(a) for a in data.get("activities", [])]
    if structure == Structure.MODERATION:
        return [
            _("Moderation sessions a year: %(n)s") % {"n": data.get("sessions_per_year")},
            _("Approaches: %(a)s") % {"a": _labels(data.get("approaches", []), ModerationApproach)},
        ]
    if structure == Structure.REPORTING:
        return [
            _("Reports to parents a year: %(n)s") % {"n": data.get("reports_per_year")},
            _("Audiences: %(a)s") % {"a": _labels(data.get("audiences", []), Audience)},
        ]
    return []


def activity_sentence(activity: Mapping[str, Any]) -> str:
    kinds, periods = dict(MarkingKind.choices), dict(Period.choices)
    values = {
        "kind": kinds.get(activity["kind"], activity["kind"]),
        "times": activity["times"],
        "period": periods.get(activity["period"], activity["period"]),
        "minutes": activity["minutes_per_pupil"],
        "classes": activity["classes"],
    }
    if activity["kind"] == MarkingKind.VERBAL:  # given in lessons: no minutes outside them
        return _("%(kind)s: %(times)s× every %(period)s, %(classes)s classes") % values
    return (
        _("%(kind)s: %(times)s× every %(period)s, %(minutes)s min a pupil, %(classes)s classes")
        % values
    )
