"""The academic sessions of a OneRoster set: school years and terms, read and checked, then
matched to each school's years and terms (by an earlier sourcedId, else by name or dates) and
written through the schools app's roster services, or planned for a dry run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext

from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels.roster import Counts
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_run import RosterRun, count_outcome
from nextsteps.schools.models import AcademicYear, School, Term
from nextsteps.schools.services import academic_year_roster_write, term_roster_write


class SessionStages(RosterRun):
    """The sessions' stages of an import: `read_sessions` with the other files' reading,
    `apply_sessions` before the classes that belong to the years."""

    def read_sessions(self) -> None:
        for row in orr.read_file(self.source, self.manifest, "academicSessions.csv", self.problems):
            self.values.required(row, "title")
            self.values.choice(row, "type", orr.SESSION_TYPES, required=True)
            start = self.values.date(row, "startDate", required=True)
            end = self.values.date(row, "endDate", required=True)
            self.values.year(row, "schoolYear")
            if start and end and end <= start + dt.timedelta(days=1):
                self.problems.add(
                    row.file, row.line, "endDate", gettext("endDate must be after startDate")
                )
            self.session_rows[row.sourced_id] = row
        for row in self.session_rows.values():
            parent = row["parentSourcedId"]
            if (
                row["type"] != "schoolYear"
                and parent
                and parent not in self.session_rows
                and not self.known_anywhere(SourcedId.Kind.SESSION, parent)
            ):
                self.refer(
                    row,
                    "parentSourcedId",
                    "academicSessions.csv",
                    gettext("%(parent)s is not an academic session in this set or imported before")
                    % {"parent": repr(parent)},
                )

    def apply_sessions(self, schools: list[School]) -> None:
        counts = self.summary.counts["academic years"]
        term_counts = self.summary.counts["terms"]
        rows = sorted(self.session_rows.values(), key=lambda r: r["type"] != "schoolYear")
        for school in schools:
            for row in rows:
                if row.deleted:
                    self.summary.notes.append(
                        f"session {row['title']} is marked tobedeleted and was kept"
                    )
                    continue
                if row["type"] == "schoolYear":
                    self._apply_year(school, row, counts)
                else:
                    self._apply_term(school, row, term_counts)

    def _dates(self, row: orr.Row) -> tuple[dt.date, dt.date]:
        start = dt.date.fromisoformat(row["startDate"])
        # OneRoster end dates are exclusive; nextsteps keeps the last day itself.
        return start, dt.date.fromisoformat(row["endDate"]) - dt.timedelta(days=1)

    def _apply_year(self, school: School, row: orr.Row, counts: Counts) -> None:
        known = self.mapping(school, SourcedId.Kind.SESSION).get(row.sourced_id)
        if known and known[2] == row.fingerprint:
            counts.unchanged += 1
            return
        start, end = self._dates(row)
        year = None
        if known and known[0] == "schools.academicyear":
            year = AcademicYear.objects.filter(pk=known[1], school=school).first()
        year = year or AcademicYear.objects.filter(school=school, name=row["title"]).first()
        year = year or self.planned(school, AcademicYear, name=row["title"])
        year = year or AcademicYear.objects.filter(school=school, starts_on=start).first()
        year = year or self.planned(school, AcademicYear, starts_on=start)
        fields: dict[str, Any] = {"name": row["title"][:20], "starts_on": start, "ends_on": end}
        if self.dry_run:
            year, outcome = self.plan_row(school, year, AcademicYear, fields)
        else:
            year, outcome = academic_year_roster_write(school=school, year=year, **fields)
        count_outcome(counts, outcome)
        self.remember(
            school,
            SourcedId.Kind.SESSION,
            row.sourced_id,
            "schools.academicyear",
            year.pk,
            row.fingerprint,
        )

    def year_for_session(self, school: School, sid: str) -> AcademicYear | None:
        """The academic year a session is (a school year) or belongs to (a term)."""
        memo: dict[tuple[int, str], AcademicYear | None] = self.__dict__.setdefault("_years", {})
        if (school.pk, sid) not in memo:
            memo[(school.pk, sid)] = self._year_for_session(school, sid)
        return memo[(school.pk, sid)]

    def _year_for_session(self, school: School, sid: str) -> AcademicYear | None:
        known = self.mapping(school, SourcedId.Kind.SESSION).get(sid)
        planned = self.planned_rows.get((known[0], known[1])) if known else None
        if planned is not None:  # as a dry run would have left it
            return planned if isinstance(planned, AcademicYear) else planned.academic_year
        if known and known[0] == "schools.academicyear":
            return AcademicYear.objects.filter(pk=known[1]).first()
        if known and known[0] == "schools.term":
            term = Term.objects.filter(pk=known[1]).select_related("academic_year").first()
            return term.academic_year if term else None
        row = self.session_rows.get(sid)
        if row is not None and row["schoolYear"].isdigit():
            return self._year_ending(school, int(row["schoolYear"]))
        return None

    def _year_ending(self, school: School, year: int) -> AcademicYear | None:
        found = AcademicYear.objects.filter(school=school, ends_on__year=year).first()
        return found or next(
            (
                planned
                for planned in self.planned_rows.values()
                if isinstance(planned, AcademicYear)
                and planned.school_id == school.pk
                and planned.ends_on.year == year
            ),
            None,
        )

    def _apply_term(self, school: School, row: orr.Row, counts: Counts) -> None:
        known = self.mapping(school, SourcedId.Kind.SESSION).get(row.sourced_id)
        if known and known[2] == row.fingerprint:
            counts.unchanged += 1
            return
        year = (
            self.year_for_session(school, row["parentSourcedId"])
            if row["parentSourcedId"]
            else None
        )
        if year is None and row["schoolYear"].isdigit():
            year = self._year_ending(school, int(row["schoolYear"]))
        if year is None:
            self.problems.add(
                row.file,
                row.line,
                "parentSourcedId",
                gettext("no school year for the term %(title)s in %(school)s")
                % {"title": repr(row["title"]), "school": school.name},
            )
            return
        start, end = self._dates(row)
        term = None
        if known and known[0] == "schools.term":
            term = Term.objects.filter(pk=known[1], school=school).first()
        term = (
            term
            or Term.objects.filter(school=school, academic_year=year, name=row["title"]).first()
            or self.planned(school, Term, academic_year_id=year.pk, name=row["title"])
        )
        if self.dry_run:
            fields = {"academic_year": year, "name": row["title"][:50]}
            term, outcome = self.plan_row(
                school, term, Term, {**fields, "starts_on": start, "ends_on": end}
            )
        else:
            term, outcome = term_roster_write(
                school=school,
                term=term,
                academic_year=year,
                name=row["title"][:50],
                starts_on=start,
                ends_on=end,
            )
        count_outcome(counts, outcome)
        self.remember(
            school, SourcedId.Kind.SESSION, row.sourced_id, "schools.term", term.pk, row.fingerprint
        )
