"""The state one OneRoster import shares between its stages (`oneroster_import` reads the
orgs, sessions, courses and classes; `oneroster_people` the users; `oneroster_enrolments`
writes the enrolments): the set and its manifest, the problems, the schools, the mappings from
sourcedIds to nextsteps rows, and the plain rows the stages hand on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext

from nextsteps.accounts.models import Actor
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels.roster import Counts, ImportSummary, Progress
from nextsteps.interop.models import SourcedId
from nextsteps.ops.bulk import insert_rows
from nextsteps.people.kernels.problems import ProblemList
from nextsteps.schools.models import AcademicYear, School, Subject, Term

T = TypeVar("T")
R = TypeVar("R", AcademicYear, Term, Subject)
CHUNK = 2000
Mapping = dict[str, tuple[str, int, str]]  # sourcedId -> (target, object id, fingerprint)


def chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class EnrolmentRow:
    """A changed row of enrollments.csv, checked, with the school it belongs to."""

    line: int
    sourced_id: str
    school: School
    class_sid: str
    user_sid: str
    role: str
    begin: dt.date | None
    end: dt.date | None
    deleted: bool
    fingerprint: str


@dataclass
class EnrolmentSet:
    """What reading enrollments.csv found: the changed rows, every sourcedId in the file and
    every one imported before (by school), and how many rows were unchanged."""

    rows: list[EnrolmentRow] = field(default_factory=list)
    in_file: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    known: dict[int, set[str]] = field(default_factory=dict)
    unchanged: int = 0


class RosterRun:
    """One OneRoster import's state, shared by its stages: the set, the problems found, the
    schools it names, the rows read so far, the summary, and every sourcedId mapping (loaded
    once per school and kind, written back in bulk with the other changes)."""

    def __init__(
        self,
        source: orr.OneRosterSet,
        *,
        by: Actor | None,
        allowed_schools: Iterable[School] | None,
        progress: Progress,
        today: dt.date,
        urns: dict[str, int] | None = None,
        urn_hint: str = "",
        dry_run: bool = False,
    ) -> None:
        self.source = source
        # A dry run writes nothing: rows it would create get provisional (negative) ids, so
        # that the later stages match against them as they would against the rows written.
        self.dry_run = dry_run
        self._last_provisional = 0
        # The years, terms and subjects a dry run would create or change, by model and id.
        self.planned_rows: dict[tuple[str, int], Any] = {}
        self.class_year_starts: dict[int, dt.date] = {}
        self.urns = dict(urns or {})
        self.urn_hint = urn_hint or "--urn SOURCEDID=URN"
        self.created_schools: list[School] = []
        self.by = by
        self.allowed = {s.pk for s in allowed_schools} if allowed_schools is not None else None
        self.progress = progress
        self.today = today
        self.problems = ProblemList()
        self.broken: set[str] = set()
        self.values = orr.Values(self.problems)
        self.summary = ImportSummary()
        self.manifest = orr.read_manifest(source, self.problems)
        self.summary.version = self.manifest.version
        self.summary.modes = dict(self.manifest.modes)
        self.new_mappings: list[SourcedId] = []
        self.changed_mappings: list[SourcedId] = []
        # Filled as the set is read (orgs, then sessions, courses and classes).
        self.schools: dict[str, School] = {}
        self.known_org_schools: dict[str, int] = {}
        self.org_rows: list[orr.Row] = []
        self.unusable_orgs: set[str] = set()
        self.other_orgs: set[str] = set()
        self.session_rows: dict[str, orr.Row] = {}
        self.course_rows: dict[str, tuple[orr.Row, School]] = {}
        self.class_rows: dict[str, tuple[orr.Row, School]] = {}
        self.form_courses: set[str] = set()
        self._mappings: dict[tuple[int, str], Mapping] = {}
        self._anywhere: dict[str, set[str]] = {}
        self._schools_by_id: dict[int, School] = {}

    def provisional(self, count: int = 1) -> list[int]:
        """Ids for rows a dry run would create: negative, so that no query finds them."""
        first = self._last_provisional - 1
        self._last_provisional -= count
        return list(range(first, first - count, -1))

    def planned(self, school: School, model: type[R], **fields: Any) -> R | None:
        """A row of this school a dry run would have created earlier, with these fields."""
        for planned in self.planned_rows.values():
            if (
                isinstance(planned, model)
                and getattr(planned, "school_id", None) == school.pk
                and all(getattr(planned, k) == v for k, v in fields.items())
            ):
                return planned
        return None

    def plan_row(
        self, school: School, row: R | None, model: type[R], fields: dict[str, Any]
    ) -> tuple[R, str]:
        """What the roster service would do to a row, done in memory only (a dry run): a new
        row gets a provisional id; `code`, left blank, keeps the one a subject has."""
        if row is None:
            row = model(school=school, **fields)
            row.pk = self.provisional()[0]
            self.planned_rows[(row._meta.label_lower, row.pk)] = row
            return row, "created"
        if isinstance(row, Subject):
            fields = {**fields, "code": fields["code"] or row.code}
        if all(getattr(row, k) == v for k, v in fields.items()):
            return row, "unchanged"
        for name, value in fields.items():
            setattr(row, name, value)
        self.planned_rows[(row._meta.label_lower, row.pk)] = row
        return row, "updated"

    # ------------------------------------------------------------------ mappings

    def mapping(self, school: School, kind: str) -> Mapping:
        cache = self._mappings
        key = (school.pk, kind)
        if key not in cache:
            cache[key] = {
                sid: (target, object_id, fp)
                for sid, target, object_id, fp in SourcedId.objects.filter(
                    school=school, kind=kind
                ).values_list("sourced_id", "target", "object_id", "fingerprint")
            }
        return cache[key]

    def remember(
        self, school: School, kind: str, sid: str, target: str, object_id: int, fp: str
    ) -> None:
        """Record (or refresh) a sourcedId's mapping, written with the other changes."""
        known = self.mapping(school, kind).get(sid)
        if known is None:
            self.new_mappings.append(
                SourcedId(
                    school=school,
                    kind=kind,
                    sourced_id=sid,
                    target=target,
                    object_id=object_id,
                    fingerprint=fp,
                )
            )
        elif known != (target, object_id, fp):
            self.changed_mappings.append(
                SourcedId(
                    school=school,
                    kind=kind,
                    sourced_id=sid,
                    target=target,
                    object_id=object_id,
                    fingerprint=fp,
                )
            )
        self.mapping(school, kind)[sid] = (target, object_id, fp)

    def save_mappings(self) -> None:
        if self.dry_run:
            self.new_mappings, self.changed_mappings = [], []
            return
        insert_rows(
            SourcedId,
            ["school_id", "kind", "sourced_id", "target", "object_id", "fingerprint"],
            (
                (m.school_id, m.kind, m.sourced_id, m.target, m.object_id, m.fingerprint)
                for m in self.new_mappings
            ),
        )
        for entry in self.changed_mappings:
            SourcedId.objects.filter(
                school=entry.school, kind=entry.kind, sourced_id=entry.sourced_id
            ).update(target=entry.target, object_id=entry.object_id, fingerprint=entry.fingerprint)
        self.new_mappings, self.changed_mappings = [], []

    def known_anywhere(self, kind: str, sid: str) -> bool:
        """Whether an earlier import, into any school, recorded this sourcedId (of this kind):
        every one of the kind loaded once, the first time it is asked."""
        if kind not in self._anywhere:
            self._anywhere[kind] = set(
                SourcedId.objects.filter(kind=kind).values_list("sourced_id", flat=True)
            )
        return sid in self._anywhere[kind]

    def school_by_id(self, pk: int) -> School:
        if pk not in self._schools_by_id:
            self._schools_by_id[pk] = School.objects.get(pk=pk)
        return self._schools_by_id[pk]

    # ------------------------------------------------------------------ references

    def refer(self, row: orr.Row, column: str, into: str, message: str) -> None:
        """A reference that does not resolve, unless the file it points into could not be read
        (its header problem is listed, and would otherwise be repeated for every row)."""
        if into not in self.broken:
            self.problems.add(row.file, row.line, column, message)

    def school_ref(self, row: orr.Row, column: str) -> School | None:
        """The school a row points at, from this set or an earlier import."""
        sid = row[column]
        if not sid:
            self.problems.add(
                row.file, row.line, column, gettext("%(column)s is required") % {"column": column}
            )
            return None
        if sid in self.unusable_orgs:
            return None  # its own problem is already listed at orgs.csv
        school = self.schools.get(sid)
        if school is None and sid in self.known_org_schools:
            school = self.school_by_id(self.known_org_schools[sid])
            if self.allowed is not None and school.pk not in self.allowed:
                school = None
            else:
                self.schools[sid] = school
        if school is None:
            self.refer(
                row,
                column,
                "orgs.csv",
                gettext("%(sid)s is not a school in orgs.csv or imported before")
                % {"sid": repr(sid)},
            )
        return school

    def scope(self) -> list[School]:
        return sorted({s.pk: s for s in self.schools.values()}.values(), key=lambda s: s.name)


def count_outcome(counts: Counts, outcome: str) -> None:
    """Add a row's outcome (created, updated or unchanged) to its kind's counts."""
    setattr(counts, outcome, getattr(counts, outcome) + 1)
