"""The plan for a roster's enrolments, as plain data: which places (a pupil in a class, from a
day until a day) and which class staff to create, change and end, and which rows stand for
which existing ones. No database here: the import reads what exists, asks for the plan, and
hands it to the teaching services to write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

PLACE = "teaching.enrolment"


class EnrolmentLine(Protocol):
    """A checked row of enrollments.csv, as far as the plan needs it."""

    @property
    def sourced_id(self) -> str: ...
    @property
    def begin(self) -> dt.date | None: ...
    @property
    def end(self) -> dt.date | None: ...
    @property
    def deleted(self) -> bool: ...


R = TypeVar("R", bound=EnrolmentLine)


@dataclass(slots=True)
class Place:
    """A pupil's enrolment in a class as it stands (as the rows so far leave it)."""

    pk: int
    pupil_id: int
    class_id: int
    starts_on: dt.date
    ends_on: dt.date | None


def end_place(place: Place, today: dt.date) -> bool:
    """End a place yesterday (or on its first day); False if it had already ended."""
    last = max(place.starts_on, today - dt.timedelta(days=1))
    if place.ends_on is not None and place.ends_on <= last:
        return False
    place.ends_on = last
    return True


@dataclass
class PlacesPlan(Generic[R]):
    """Places to create — (row, pupil id, class id, first day, last day) — the new dates of
    existing ones (by id), the rows that stand for existing places, and the counts."""

    create: list[tuple[R, int, int, dt.date, dt.date | None]] = field(default_factory=list)
    dates: dict[int, dict[str, dt.date | None]] = field(default_factory=dict)
    matched: list[tuple[R, int]] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    ended: int = 0


def plan_places(
    rows: Sequence[tuple[R, int, int]],
    *,
    known: Mapping[str, tuple[str, int]],
    places: Sequence[Place],
    year_start: Mapping[int, dt.date],
    today: dt.date,
) -> PlacesPlan[R]:
    """Match each pupil row — (row, pupil id, class id) — to the place it stands for: by its
    sourcedId's earlier mapping, else the pupil's place in the class from the same day, else
    their one open place there (when the row gives no first day); plan what changes."""
    existing = {each.pk: each for each in places}
    natural: dict[tuple[int, int], list[Place]] = defaultdict(list)
    for each in places:
        natural[(each.pupil_id, each.class_id)].append(each)
    plan: PlacesPlan[R] = PlacesPlan()
    for row, pupil_id, class_id in rows:
        starts = row.begin or year_start.get(class_id) or today
        ends = row.end - dt.timedelta(days=1) if row.end else None
        place = _find(row, known, existing, natural.get((pupil_id, class_id), []), starts)
        if row.deleted:
            if place is not None and end_place(place, today):
                plan.dates[place.pk] = {"starts_on": place.starts_on, "ends_on": place.ends_on}
                plan.ended += 1
        elif place is None:
            plan.create.append((row, pupil_id, class_id, starts, ends))
            continue
        elif (place.starts_on, place.ends_on) != (starts, ends):
            place.starts_on, place.ends_on = starts, ends
            plan.dates[place.pk] = {"starts_on": starts, "ends_on": ends}
            plan.updated += 1
        else:
            plan.unchanged += 1
        if place is not None:
            plan.matched.append((row, place.pk))
    return plan


def _find(
    row: EnrolmentLine,
    known: Mapping[str, tuple[str, int]],
    existing: Mapping[int, Place],
    candidates: list[Place],
    starts: dt.date,
) -> Place | None:
    mapped = known.get(row.sourced_id)
    if mapped and mapped[0] == PLACE and mapped[1] in existing:
        return existing[mapped[1]]
    for place in candidates:
        if place.starts_on == starts:
            return place
    open_ones = [place for place in candidates if place.ends_on is None]
    return open_ones[0] if len(open_ones) == 1 and not row.begin else None


@dataclass(slots=True)
class StaffLink:
    """A member of staff on a class as the rows so far leave it (no id until written)."""

    pk: int | None
    role: str
    gone: bool = False


@dataclass
class StaffPlan(Generic[R]):
    """Class staff to create — (class id, staff id, link) — their new roles (by link id), the
    links to remove, each row with the link it stands for, and the counts."""

    create: list[tuple[int, int, StaffLink]] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)
    matched: list[tuple[R, StaffLink]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0


def plan_class_staff(
    rows: Sequence[tuple[R, int, int, str]],
    *,
    links: Mapping[tuple[int, int], tuple[int, str]],
    today: dt.date,
) -> StaffPlan[R]:
    """Each staff row — (row, staff id, class id, role) — against the class's staff now
    (`links`: (class id, staff id) → (link id, role)): a deleted or ended row takes the member
    of staff off the class, any other puts them on it with the role."""
    current = {key: StaffLink(pk, role) for key, (pk, role) in links.items()}
    plan: StaffPlan[R] = StaffPlan()
    for row, staff_id, class_id, role in rows:
        link = current.get((class_id, staff_id))
        if row.deleted or (row.end is not None and row.end <= today):
            if link is not None:
                current.pop((class_id, staff_id))
                link.gone = True
                if link.pk is not None:
                    plan.removed.append(link.pk)
                    plan.roles.pop(link.pk, None)
                plan.ended += 1
            continue
        if link is None:
            link = StaffLink(None, role)
            current[(class_id, staff_id)] = link
            plan.create.append((class_id, staff_id, link))
            plan.created += 1
        elif link.role != role:
            link.role = role
            if link.pk is not None:
                plan.roles[link.pk] = role
            plan.updated += 1
        else:
            plan.unchanged += 1
        plan.matched.append((row, link))
    plan.create = [(c, s, link) for c, s, link in plan.create if not link.gone]
    return plan
