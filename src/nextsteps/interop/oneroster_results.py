"""Standings as OneRoster gradebook: a category, a line item per class × objective, results.

Tests with marks belong to a later capability; when nextsteps has them they will join here as
a second category. Only standings with evidence and pupils enrolled in the class go out.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Protocol

from django.db.models import Max, Min

from nextsteps.curriculum.models import Objective
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.markbook.models import Standing
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, Enrolment

NAMESPACE = orr.EXPORT_NAMESPACE


class Gradebook(Protocol):
    """What the results are written into: the export of one school, its files so far and
    the sourcedIds it gave the school, its classes, years and pupils."""

    school: School
    version: str
    school_sid: str
    out: dict[str, orr.OutFile]
    user_sid: dict[tuple[str, int], str]
    class_sid: dict[int, str]
    class_year: dict[int, int]
    year_sid: dict[int, str]

    def file(self, name: str, extra: list[str] | None = None) -> orr.OutFile: ...


def standings_as_results(exporter: Gradebook) -> None:

    school = exporter.school
    standings = Standing.objects.filter(
        school=school, evidence_count__gt=0, value__isnull=False
    ).select_related("level")
    if not standings.exists():
        return
    classes_of: dict[int, list[int]] = defaultdict(list)
    for pupil_id, class_id in Enrolment.objects.filter(
        school=school, ends_on__isnull=True
    ).values_list("pupil_id", "teaching_class_id"):
        classes_of[pupil_id].append(class_id)
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(school=school)
        .select_related("framework__scale", "framework__subject")
        .annotate(
            low=Min("framework__scale__levels__value"), high=Max("framework__scale__levels__value")
        )
    }
    subjects_of: dict[int, set[int]] = defaultdict(set)
    for class_id, subject_id in Class.subjects.through.objects.filter(
        class__school=school
    ).values_list("class_id", "subject_id"):
        subjects_of[class_id].add(subject_id)

    category = str(uuid.uuid5(NAMESPACE, f"category:standings:{school.pk}"))
    exporter.file("categories.csv").rows.append({"sourcedId": category, "title": "Standings"})
    line_items = exporter.file("lineItems.csv")
    results = exporter.file("results.csv")
    made: dict[tuple[int, int], str] = {}
    for standing in standings.iterator(chunk_size=5000):
        objective = objectives.get(standing.objective_id)
        if objective is None:
            continue
        for class_id in classes_of.get(standing.pupil_id, []):
            if objective.framework.subject_id not in subjects_of.get(class_id, set()):
                continue
            key = (class_id, objective.pk)
            if key not in made:
                made[key] = _line_item(
                    exporter, line_items, category, class_id, objective, NAMESPACE
                )
            when = standing.last_evidence_at.date().isoformat() if standing.last_evidence_at else ""
            label = standing.level.label if standing.level else ""
            row = {
                "sourcedId": str(uuid.uuid5(NAMESPACE, f"result:{made[key]}:{standing.pupil_id}")),
                "lineItemSourcedId": made[key],
                "studentSourcedId": exporter.user_sid[("pupil", standing.pupil_id)],
                "scoreStatus": "fully graded",
                "score": f"{standing.value:g}",
                "scoreDate": when or standing.updated_at.date().isoformat(),
                "comment": label,
            }
            if exporter.version == "1.2":
                row.update({"textScore": label, "classSourcedId": exporter.class_sid[class_id]})
            results.rows.append(row)


def _line_item(
    exporter: Gradebook,
    out: orr.OutFile,
    category: str,
    class_id: int,
    objective: Objective,
    namespace: uuid.UUID,
) -> str:
    sid = str(uuid.uuid5(namespace, f"lineitem:{class_id}:{objective.pk}"))
    year_id = exporter.class_year[class_id]
    year_sid = exporter.year_sid[year_id]
    session = next(
        r for r in exporter.out["academicSessions.csv"].rows if r["sourcedId"] == year_sid
    )
    last_day = session["endDate"]
    row = {
        "sourcedId": sid,
        "title": f"{objective.code}: {objective.wording}"[:250],
        "description": objective.framework.name,
        "assignDate": session["startDate"],
        "dueDate": last_day,
        "classSourcedId": exporter.class_sid[class_id],
        "categorySourcedId": category,
        "gradingPeriodSourcedId": year_sid,
        "academicSessionSourcedId": year_sid,
        "resultValueMin": f"{getattr(objective, 'low', 0) or 0:g}",
        "resultValueMax": f"{getattr(objective, 'high', 0) or 0:g}",
        "schoolSourcedId": exporter.school_sid,
    }
    out.rows.append(row)
    return sid
