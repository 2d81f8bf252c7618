"""The whole-school synthesis: every department's answer to one question, side by side,
with what is common and what differs worked out from the structured parts of the answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.policy.drop_selectors import planned_warnings
from nextsteps.policy.kernels import glossary, synthesis, workload
from nextsteps.policy.models import (
    Decision,
    KeyQuestion,
    MarkingKind,
    Response,
    ResponseVersion,
    Status,
    Structure,
)
from nextsteps.policy.selectors import SUBMITTED_STATUSES, settings_for
from nextsteps.policy.structures import (
    Audience,
    Dimension,
    EvidenceMethod,
    ModerationApproach,
    describe,
    method_label,
)
from nextsteps.policy.wording import TeamWords, words_for
from nextsteps.policy.workload_selectors import (
    DEFAULT_PUPILS_PER_CLASS,
    class_sizes,
    to_activity,
)
from nextsteps.schools.models import Department, School

COMMON, PARTLY, DIFFERS, WATCH = "common", "partly", "differs", "watch"


@dataclass
class Finding:
    kind: str  # common, partly, differs or watch
    text: str


def counted_version(response: Response | None) -> ResponseVersion | None:
    """The version of a department's answer the synthesis counts: the submitted one, or while
    the department redrafts an agreed answer, the agreed one; a draft alone counts for nothing."""
    if response is None:
        return None
    if response.status in SUBMITTED_STATUSES:
        return response.latest_version
    return response.agreed_version


@dataclass
class DepartmentAnswer:
    department: Department
    response: Response | None
    lines: list[str] = field(default_factory=list)
    version: ResponseVersion | None = None  # the counted version (see `counted_version`)

    @property
    def draft_only(self) -> bool:
        """Answered, but nothing submitted yet: shown as a draft, not counted."""
        return self.response is not None and self.version is None

    @property
    def status_label(self) -> str:
        return str(Status(self.response.status).label) if self.response else _("Not answered")


@dataclass
class Synthesis:
    question: KeyQuestion
    answers: list[DepartmentAnswer]
    findings: list[Finding]
    decisions: list[Decision]

    @property
    def answered(self) -> list[DepartmentAnswer]:
        """Departments whose submitted answers are counted (drafts are not)."""
        return [a for a in self.answers if a.version is not None]

    @property
    def drafting(self) -> list[DepartmentAnswer]:
        return [a for a in self.answers if a.draft_only]

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def common(self) -> list[Finding]:
        return self.of_kind(COMMON)

    @property
    def partly(self) -> list[Finding]:
        return self.of_kind(PARTLY)

    @property
    def differs(self) -> list[Finding]:
        return self.of_kind(DIFFERS)

    @property
    def watch(self) -> list[Finding]:
        return self.of_kind(WATCH)


def synthesis_for(
    school: School, question: KeyQuestion, departments: list[Department]
) -> Synthesis:
    """Each department's submitted answer to the question and what they share, computed; a
    department with only a draft is listed as drafting and counted nowhere."""
    responses = {
        r.department_id: r
        for r in Response.objects.filter(
            question=question, department__in=departments
        ).select_related("latest_version__author", "agreed_version__author")
    }
    answers = []
    for department in departments:
        response = responses.get(department.pk)
        version = counted_version(response)
        lines = describe(question.structure, version.structured) if version else []
        answers.append(DepartmentAnswer(department, response, lines, version))
    structured = {a.department.name: a.version.structured for a in answers if a.version}
    texts = {a.department.name: a.version.text for a in answers if a.version}
    sizes = class_sizes(school) if question.structure == Structure.MARKING else {}
    by_name = {d.name: sizes.get(d.pk, DEFAULT_PUPILS_PER_CLASS) for d in departments}
    findings = _findings(question.structure, structured, texts, by_name, school)
    decisions = list(
        Decision.objects.filter(question=question)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )
    return Synthesis(question=question, answers=answers, findings=findings, decisions=decisions)


def _names(departments: tuple[str, ...]) -> str:
    return ", ".join(departments)


def _of(departments: tuple[str, ...], total: int) -> str:
    return _("%(names)s (%(n)d of %(total)d)") % {
        "names": _names(departments),
        "n": len(departments),
        "total": total,
    }


def _findings(
    structure: str,
    structured: dict[str, dict[str, Any]],
    texts: dict[str, str],
    pupils: dict[str, int],
    school: School,
) -> list[Finding]:
    if not texts:
        return []
    words = words_for(school)
    builders = {
        Structure.PROGRESS: lambda: _progress(structured, words),
        Structure.EVIDENCE: lambda: _choices(structured, "methods", EvidenceMethod, words),
        Structure.COLLECTION: lambda: _collection(structured, school, words),
        Structure.MARKING: lambda: _marking(structured, pupils, school, words),
        Structure.MODERATION: lambda: _moderation(structured, words),
        Structure.REPORTING: lambda: _reporting(structured, words),
    }
    found = builders[Structure(structure)]() if structure in builders else []
    return found + _vocabulary(texts)


def _choices(
    structured: dict[str, dict[str, Any]],
    key: str,
    offered: Any,
    words: TeamWords,
    label: str = "",
) -> list[Finding]:
    names = dict(offered.choices)
    comparison = synthesis.compare_choices(
        {d: data.get(key, []) for d, data in structured.items()}, list(offered.values)
    )
    total = len(structured)
    prefix = f"{label}: " if label else ""
    found = [
        Finding(
            COMMON,
            prefix
            + _("%(choice)s — every %(one)s that answered")
            % {"choice": names[s.value], "one": words.one},
        )
        for s in comparison.common
    ]
    found += [
        Finding(
            PARTLY,
            prefix
            + _("%(choice)s — %(who)s")
            % {"choice": names.get(s.value, s.value), "who": _of(s.departments, total)},
        )
        for s in comparison.partly
    ]
    found += [
        Finding(
            DIFFERS, prefix + _("%(choice)s — no %(one)s") % {"choice": names[v], "one": words.one}
        )
        for v in comparison.unused
    ]
    return found


def _values(values: dict[str, str], what: str, words: TeamWords) -> list[Finding]:
    shared = synthesis.compare_values(values)
    total = len(values)
    if len(shared) == 1:
        return [
            Finding(
                COMMON,
                _("%(what)s: %(value)s — every %(one)s that answered")
                % {"what": what, "value": shared[0].value, "one": words.one},
            )
        ]
    return [
        Finding(
            PARTLY if len(s.departments) > 1 else DIFFERS,
            _("%(what)s: %(value)s — %(who)s")
            % {"what": what, "value": s.value, "who": _of(s.departments, total)},
        )
        for s in shared
    ]


def _progress(structured: dict[str, dict[str, Any]], words: TeamWords) -> list[Finding]:
    if not structured:
        return []
    found = _values({d: data.get("scale", "") for d, data in structured.items()}, _("Scale"), words)
    found += _values(
        {
            d: method_label(data.get("method", ""), data.get("parameter"))
            for d, data in structured.items()
        },
        _("Calculation"),
        words,
    )
    return found + _choices(structured, "dimensions", Dimension, words, _("Progress includes"))


def _collection(
    structured: dict[str, dict[str, Any]], school: School, words: TeamWords
) -> list[Finding]:
    points = {
        d: [dt.date.fromisoformat(p["date"]) for p in data.get("points", [])]
        for d, data in structured.items()
    }
    total = len(points)
    found = []
    for cluster in synthesis.cluster_points(points):
        when = _when(cluster.starts, cluster.ends)
        if cluster.everyone:
            found.append(
                Finding(
                    COMMON,
                    _("%(when)s — every %(one)s that answered") % {"when": when, "one": words.one},
                )
            )
        elif len(cluster.departments) > 1:
            found.append(
                Finding(
                    PARTLY,
                    _("%(when)s — %(who)s")
                    % {"when": when, "who": _of(cluster.departments, total)},
                )
            )
        else:
            found.append(
                Finding(
                    DIFFERS,
                    _("%(when)s — only %(who)s") % {"when": when, "who": cluster.departments[0]},
                )
            )
    settings = settings_for(school)
    for department, dates in points.items():
        found += [
            Finding(WATCH, _("%(d)s plans: %(warning)s") % {"d": department, "warning": warning})
            for warning in planned_warnings(dates, settings)
        ]
    return found


def _when(starts: dt.date, ends: dt.date) -> str:
    if starts == ends:
        return date_format(starts)
    return _("%(first)s to %(last)s") % {"first": date_format(starts), "last": date_format(ends)}


def _marking(
    structured: dict[str, dict[str, Any]],
    pupils: dict[str, int],
    school: School,
    words: TeamWords,
) -> list[Finding]:
    kinds = {d: [a["kind"] for a in data.get("activities", [])] for d, data in structured.items()}
    found = _choices({d: {"kinds": k} for d, k in kinds.items()}, "kinds", MarkingKind, words)
    found = [f for f in found if f.kind != DIFFERS]  # an unused kind says little here
    limit = settings_for(school).workload_limit_hours
    hours = {
        d: workload.weekly_hours([to_activity(a) for a in data.get("activities", [])], pupils[d])
        for d, data in structured.items()
    }
    if hours:
        low = min(hours, key=hours.__getitem__)
        high = max(hours, key=hours.__getitem__)
        found.append(
            Finding(
                DIFFERS if hours[low] != hours[high] else COMMON,
                _(
                    "Marking and feedback take from %(low)s hours a week (%(ld)s) to %(high)s "
                    "(%(hd)s) per teacher."
                )
                % {"low": hours[low], "ld": low, "high": hours[high], "hd": high},
            )
        )
    for department, value in hours.items():
        if workload.over_limit(value, limit):
            found.append(
                Finding(
                    WATCH,
                    _("%(d)s: %(h)s hours a week per teacher, over the school's limit of %(l)s.")
                    % {"d": department, "h": value, "l": limit},
                )
            )
    return found


def _moderation(structured: dict[str, dict[str, Any]], words: TeamWords) -> list[Finding]:
    found = _choices(structured, "approaches", ModerationApproach, words)
    span = synthesis.number_range(
        {
            d: data["sessions_per_year"]
            for d, data in structured.items()
            if data.get("sessions_per_year") is not None
        }
    )
    if span:
        found.append(_span(span, _("Moderation sessions a year"), words))
    return found


def _reporting(structured: dict[str, dict[str, Any]], words: TeamWords) -> list[Finding]:
    found = _choices(structured, "audiences", Audience, words, _("Reports to"))
    span = synthesis.number_range(
        {
            d: data["reports_per_year"]
            for d, data in structured.items()
            if data.get("reports_per_year") is not None
        }
    )
    if span:
        found.append(_span(span, _("Reports to parents a year"), words))
    return found


def _span(span: tuple[int | float, int | float], what: str, words: TeamWords) -> Finding:
    low, high = span
    if low == high:
        return Finding(
            COMMON,
            _("%(what)s: %(n)s in every %(one)s") % {"what": what, "n": low, "one": words.one},
        )
    return Finding(
        DIFFERS, _("%(what)s: from %(low)s to %(high)s") % {"what": what, "low": low, "high": high}
    )


def _vocabulary(texts: dict[str, str]) -> list[Finding]:
    """The assessment terms departments use: a shared language of assessment, computed."""
    terms = glossary.by_key()
    used = {d: glossary.terms_in(text) for d, text in texts.items()}
    comparison = synthesis.compare_choices(used)
    total = len(texts)
    found = []
    if comparison.common and total > 1:
        found.append(
            Finding(
                COMMON,
                ngettext(
                    "Shared term in every answer: %(terms)s",
                    "Shared terms in every answer: %(terms)s",
                    len(comparison.common),
                )
                % {"terms": ", ".join(terms[s.value].term.lower() for s in comparison.common)},
            )
        )
    for shared in comparison.partly:
        if len(shared.departments) > 1:
            found.append(
                Finding(
                    PARTLY,
                    _("Term “%(term)s” — %(who)s")
                    % {
                        "term": terms[shared.value].term.lower(),
                        "who": _of(shared.departments, total),
                    },
                )
            )
    return found
