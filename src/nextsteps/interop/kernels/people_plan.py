"""The plan for a roster's people, as plain data: which pupils, staff and parents (and their
accounts, memberships and links) to create, change and end, and which rows conflict with
what exists. No database here: the import reads the whole set into `PersonLine`s, loads what
each school already has (`SchoolPeople`) and the accounts the usernames name (`Accounts`)
once, asks for the plan, and hands it to the owning apps' services to write.

A row conflicts when its UPN is on another line or already held by another pupil, when its
username is on another line or belongs to someone else's account, or when the pupil its
identifier names is someone else (`people.kernels.identity.pupil_match`). Problems go to the
`ProblemList`, with the import's exact words; pupils in conflict are left out of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nextsteps.i18n import translate as _
from nextsteps.people.kernels.identity import FIELD_ORDER, IdentityReport, Outcome, pupil_match
from nextsteps.people.kernels.problems import ProblemList

KINDS = ("pupil", "staff", "guardian")
STAFF_ROLES = {
    "teacher": "teacher",
    "aide": "ta",
    "administrator": "admin",
    "siteAdministrator": "admin",
    "districtAdministrator": "admin",
    "systemAdministrator": "admin",
    "principal": "leader",
    "counselor": None,
    "proctor": None,
}
GUARDIAN_ROLES = frozenset({"guardian", "parent", "relative"})
PUPIL_ROLE, GUARDIAN_ROLE = "pupil", "guardian"
Mapped = tuple[str, int, str]  # (target, object id, fingerprint)


@dataclass(slots=True)
class PersonLine:
    """A changed user of users.csv in one school, read and checked, as the plan needs it."""

    school_id: int
    sourced_id: str
    file: str
    line: int
    kind: str  # pupil, staff or guardian
    role: str  # the OneRoster role that decides the kind
    roles: frozenset[str]
    fingerprint: str
    username: str
    given_name: str
    family_name: str
    email: str
    enabled: bool  # enabledUser true and not tobedeleted
    deleted: bool
    agents: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    mapped_id: int | None = None  # the row an earlier import mapped its sourcedId to


@dataclass
class SchoolPeople:
    """What a school has now: its users' sourcedId mappings, its pupils, staff and parents
    (id → fields, with `user_id` and, for staff and parents, their account's `username`), in
    the order the school lists them, and the first day of its first school year."""

    mappings: dict[str, Mapped] = field(default_factory=dict)
    pupils: dict[int, dict[str, Any]] = field(default_factory=dict)
    staff: dict[int, dict[str, Any]] = field(default_factory=dict)
    guardians: dict[int, dict[str, Any]] = field(default_factory=dict)
    year_start: dt.date | None = None

    def rows(self, kind: str) -> dict[int, dict[str, Any]]:
        return {"pupil": self.pupils, "staff": self.staff, "guardian": self.guardians}[kind]


@dataclass
class Accounts:
    """The accounts the rows' usernames name and those the school's people have: username →
    id, id → (first name, last name, active), the accounts that are a pupil, member of staff
    or parent anywhere, and the schools each is a member of."""

    by_username: dict[str, int] = field(default_factory=dict)
    current: dict[int, tuple[str, str, bool]] = field(default_factory=dict)
    linked: set[int] = field(default_factory=set)
    member_of: dict[int, set[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class New:
    """A row the plan creates: the `index`th of its kind's creates (or of the accounts)."""

    kind: str
    index: int


Ref = int | New  # an existing row's id, or a row to create


@dataclass
class KindPlan:
    """One kind's rows to create (fields, `user` an account Ref) and changes (per id)."""

    create: list[dict[str, Any]] = field(default_factory=list)
    create_users: list[Ref | None] = field(default_factory=list)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    change_users: dict[int, Ref] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0


@dataclass
class PeoplePlan:
    """Everything the users of a set will change, with the counts the summary reports."""

    accounts_create: list[dict[str, Any]] = field(default_factory=list)
    accounts_change: dict[int, dict[str, Any]] = field(default_factory=dict)
    kinds: dict[str, KindPlan] = field(default_factory=lambda: {k: KindPlan() for k in KINDS})
    memberships: set[tuple[Ref, int, str]] = field(default_factory=set)
    links: list[tuple[int, Ref, Ref, str]] = field(default_factory=list)
    mappings: list[tuple[int, str, str, Ref, str]] = field(default_factory=list)
    leave: dict[int, list[int]] = field(default_factory=dict)  # school id → pupil ids
    leaving: int = 0  # how many of them have not left yet
    conflicted: set[tuple[int, str]] = field(default_factory=set)
    identity: IdentityReport = field(default_factory=IdentityReport)


def refer(problems: ProblemList, broken: Iterable[str], into: str, *where: Any) -> None:
    """A problem that points into another file, unless that file could not be read."""
    if into not in broken:
        problems.add(*where)


# ---------------------------------------------------------------------------- matching


def match_people(
    people: list[PersonLine],
    *,
    schools: Mapping[int, SchoolPeople],
    accounts: Accounts,
    problems: ProblemList,
    broken: frozenset[str] = frozenset(),
    identity: IdentityReport | None = None,
) -> tuple[list[PersonLine], dict[int, int | None], set[tuple[int, str]]]:
    """Find each person's row (`mapped_id`, filled in) and account (by `id()` of the line),
    listing every clash; the people left once pupils in conflict are set aside, their
    accounts, and the (school id, sourcedId) of the pupils in conflict."""
    identity = identity if identity is not None else IdentityReport()
    conflicted: set[tuple[int, str]] = set()
    by_school: dict[int, list[PersonLine]] = defaultdict(list)
    for person in people:
        by_school[person.school_id].append(person)
    for school_id, here in by_school.items():
        school = schools[school_id]
        pupils = [p for p in here if p.kind == "pupil"]
        _match_pupils(pupils, school, problems, broken)
        conflicted |= _check_identities(pupils, school, identity)
        _match_staff_and_guardians([p for p in here if p.kind != "pupil"], school)
    kept = [p for p in people if (p.school_id, p.sourced_id) not in conflicted]
    users = _match_accounts(kept, schools, accounts, problems)
    return kept, users, conflicted


def _match_pupils(
    pupils: list[PersonLine], school: SchoolPeople, problems: ProblemList, broken: frozenset[str]
) -> None:
    by_upn = {row["upn"]: pk for pk, row in school.pupils.items()}
    mapped_to = {
        object_id: sid
        for sid, (target, object_id, _) in school.mappings.items()
        if target == "people.pupil"
    }
    seen: dict[str, int] = {}
    for person in pupils:
        upn = person.fields.get("upn")
        if upn:
            if upn in seen:
                problems.add(
                    person.file,
                    person.line,
                    "identifier",
                    _("the UPN %(upn)s is also on line %(line)s") % {"upn": upn, "line": seen[upn]},
                )
            seen[upn] = person.line
            owner = by_upn.get(upn)
            if person.mapped_id is None and owner is not None:
                if owner in mapped_to and mapped_to[owner] != person.sourced_id:
                    problems.add(
                        person.file,
                        person.line,
                        "identifier",
                        _("the UPN %(upn)s belongs to the pupil imported as %(other)s")
                        % {"upn": upn, "other": repr(mapped_to[owner])},
                    )
                person.mapped_id = owner
            elif owner is not None and owner != person.mapped_id:
                problems.add(
                    person.file,
                    person.line,
                    "identifier",
                    _("the UPN %(upn)s belongs to another pupil") % {"upn": upn},
                )
        if person.mapped_id is None and not person.deleted:
            _check_new_pupil(person, school.year_start, problems, broken)


def _check_new_pupil(
    person: PersonLine, year_start: dt.date | None, problems: ProblemList, broken: frozenset[str]
) -> None:
    fields = person.fields
    if "date_of_birth" not in fields:
        refer(
            problems,
            broken,
            "demographics.csv",
            person.file,
            person.line,
            "sourcedId",
            _("a new pupil needs a birthDate in demographics.csv"),
        )
    if "year_group" not in fields:
        problems.add(
            person.file, person.line, "grades", _("a new pupil needs a year group (grades)")
        )
    if "admission_date" not in fields:
        if year_start is None:
            problems.add(
                person.file,
                person.line,
                "metadata.uk.admissionDate",
                _("a new pupil needs an admission date (or a school year in academicSessions.csv)"),
            )
        else:
            fields["admission_date"] = year_start
    fields.setdefault("gender", "X")


def _check_identities(
    pupils: list[PersonLine], school: SchoolPeople, identity: IdentityReport
) -> set[tuple[int, str]]:
    """Each matched pupil through the shared rule: one who is someone else is a conflict."""
    conflicted: set[tuple[int, str]] = set()
    for person in pupils:
        if person.mapped_id is None or person.deleted:
            continue
        row = school.pupils.get(person.mapped_id)
        if row is None:
            continue
        current = {name: row.get(name) for name in ("id", *FIELD_ORDER)}
        decision = pupil_match(current, person.fields)
        identity.record(
            decision,
            file=person.file,
            line=person.line,
            upn=str(person.fields.get("upn") or current["upn"]),
            existing=current,
            incoming=person.fields,
            sourced_id=person.sourced_id if person.sourced_id in school.mappings else "",
        )
        if decision.outcome is Outcome.CONFLICT:
            conflicted.add((person.school_id, person.sourced_id))
    return conflicted


def _match_staff_and_guardians(people: list[PersonLine], school: SchoolPeople) -> None:
    """Staff by username or staff code, parents by username or email."""
    if not people:
        return
    staff_keys: dict[str, int] = {}
    for pk, row in school.staff.items():
        if row["code"]:
            staff_keys.setdefault(f"code:{row['code']}", pk)
        if row["username"]:
            staff_keys[f"user:{row['username']}"] = pk
    guardian_keys: dict[str, int] = {}
    for pk, row in school.guardians.items():
        if row["email"]:
            guardian_keys.setdefault(f"email:{row['email'].lower()}", pk)
        if row["username"]:
            guardian_keys[f"user:{row['username']}"] = pk
    for person in people:
        if person.mapped_id is not None:
            continue
        if person.kind == "staff":
            code = person.fields["code"]
            person.mapped_id = staff_keys.get(f"user:{person.username}") or (
                staff_keys.get(f"code:{code}") if code else None
            )
        else:
            email = person.fields["email"].lower()
            person.mapped_id = guardian_keys.get(f"user:{person.username}") or (
                guardian_keys.get(f"email:{email}") if email else None
            )


def _match_accounts(
    people: list[PersonLine],
    schools: Mapping[int, SchoolPeople],
    accounts: Accounts,
    problems: ProblemList,
) -> dict[int, int | None]:
    """An account is reused only if it already belongs to the same person."""
    seen: dict[str, int] = {}
    for person in people:
        if person.username in seen and seen[person.username] != person.line:
            problems.add(
                person.file,
                person.line,
                "username",
                _("the username %(username)s is also on line %(line)s")
                % {"username": repr(person.username), "line": seen[person.username]},
            )
        seen[person.username] = person.line
    users: dict[int, int | None] = {}
    for person in people:
        row = schools[person.school_id].rows(person.kind).get(person.mapped_id or 0)
        own: int | None = row["user_id"] if row else None
        found = accounts.by_username.get(person.username)
        users[id(person)] = own
        if found is not None and found != own:
            if own is None and not _has_other_life(found, person.school_id, accounts):
                users[id(person)] = found
                continue
            problems.add(
                person.file,
                person.line,
                "username",
                _("the username %(username)s belongs to another account")
                % {"username": repr(person.username)},
            )
    return users


def _has_other_life(user_id: int, school_id: int, accounts: Accounts) -> bool:
    """Whether an unlinked account with this username is someone else's."""
    return user_id in accounts.linked or bool(accounts.member_of.get(user_id, set()) - {school_id})


# ---------------------------------------------------------------------------- planning


def plan_people(
    people: list[PersonLine],
    *,
    schools: Mapping[int, SchoolPeople],
    accounts: Accounts,
    problems: ProblemList,
    today: dt.date,
    broken: frozenset[str] = frozenset(),
    identity: IdentityReport | None = None,
) -> PeoplePlan:
    """Match the people (`match_people`) and plan what to write: accounts, pupils, staff and
    parents, memberships, parents' links and sourcedId mappings. Pupils' identities are noted
    in `identity`; pupils in conflict are left out, and listed in the plan's `conflicted`."""
    plan = PeoplePlan(identity=identity if identity is not None else IdentityReport())
    kept, users, plan.conflicted = match_people(
        people,
        schools=schools,
        accounts=accounts,
        problems=problems,
        broken=broken,
        identity=plan.identity,
    )
    refs = _plan_accounts(kept, users, accounts, plan)
    targets: dict[int, Ref] = {}
    for kind in KINDS:
        _plan_kind(kind, [p for p in kept if p.kind == kind], schools, refs, targets, today, plan)
    for person in kept:
        target = targets.get(id(person))
        if target is not None:
            plan.mappings.append(
                (
                    person.school_id,
                    person.sourced_id,
                    f"people.{person.kind}",
                    target,
                    person.fingerprint,
                )
            )
    _plan_memberships(kept, refs, plan)
    _plan_links(kept, schools, targets, plan)
    return plan


def _plan_accounts(
    people: list[PersonLine], users: dict[int, int | None], accounts: Accounts, plan: PeoplePlan
) -> dict[int, Ref | None]:
    refs: dict[int, Ref | None] = {}
    for person in people:
        user = users.get(id(person))
        if user is None and person.enabled:
            refs[id(person)] = New("account", len(plan.accounts_create))
            plan.accounts_create.append(
                {
                    "username": person.username[:150],
                    "first_name": person.given_name[:150],
                    "last_name": person.family_name[:150],
                    "email": person.email[:254],
                }
            )
        else:
            refs[id(person)] = user
    for person in people:
        account = refs[id(person)]
        if not isinstance(account, int) or account not in accounts.current:
            continue
        wanted = (person.given_name[:150], person.family_name[:150], person.enabled)
        if accounts.current[account] != wanted:
            plan.accounts_change[account] = dict(
                zip(("first_name", "last_name", "is_active"), wanted, strict=True)
            )
    return refs


def _plan_kind(
    kind: str,
    people: list[PersonLine],
    schools: Mapping[int, SchoolPeople],
    refs: dict[int, Ref | None],
    targets: dict[int, Ref],
    today: dt.date,
    plan: PeoplePlan,
) -> None:
    here = plan.kinds[kind]
    for person in people:
        if person.mapped_id is None and not person.deleted:
            targets[id(person)] = New(kind, len(here.create))
            fields = {"school_id": person.school_id, **person.fields}
            if kind == "pupil":
                fields.setdefault("sen_status", "N")
            here.create.append(fields)
            here.create_users.append(refs.get(id(person)))
            here.created += 1
    for person in people:
        if person.mapped_id is None or id(person) in targets:
            continue
        targets[id(person)] = person.mapped_id
        row = schools[person.school_id].rows(kind).get(person.mapped_id)
        if row is None:
            continue
        _plan_change(kind, person.mapped_id, person, row, refs.get(id(person)), today, here)


def _plan_change(
    kind: str,
    pk: int,
    person: PersonLine,
    row: dict[str, Any],
    user: Ref | None,
    today: dt.date,
    here: KindPlan,
) -> None:
    """One existing row against the person's fields; the row in memory is changed too, so a
    later line for the same row sees it."""
    fields = dict(person.fields)
    if kind == "pupil" and person.deleted and row.get("leaving_date") is None:
        fields["leaving_date"] = today
        here.ended += 1
    diff = {k: v for k, v in fields.items() if row.get(k) != v}
    new_user = user is not None and user != row["user_id"]
    if user is not None and new_user:
        here.change_users[pk] = user
        row["user_id"] = user
    if diff or new_user:
        row.update(diff)
        here.changes.setdefault(pk, {}).update(diff)
        if not person.deleted:
            here.updated += 1
    else:
        here.unchanged += 1


def _plan_memberships(
    people: list[PersonLine], refs: dict[int, Ref | None], plan: PeoplePlan
) -> None:
    for person in people:
        user = refs.get(id(person))
        if user is None or person.deleted:
            continue
        for role in person.roles:
            mapped = (
                PUPIL_ROLE
                if role == "student"
                else GUARDIAN_ROLE
                if role in GUARDIAN_ROLES
                else STAFF_ROLES.get(role)
            )
            if mapped is not None:
                plan.memberships.add((user, person.school_id, mapped))


def _plan_links(
    people: list[PersonLine],
    schools: Mapping[int, SchoolPeople],
    targets: dict[int, Ref],
    plan: PeoplePlan,
) -> None:
    """Parents to pupils, from either side's agents: by the mappings as this plan leaves them."""
    links: set[tuple[int, str, str]] = set()
    for person in people:
        for agent in person.agents:
            if person.kind == "pupil":
                links.add((person.school_id, agent, person.sourced_id))
            elif person.kind == "guardian":
                links.add((person.school_id, person.sourced_id, agent))
    relationship = {p.sourced_id: p.role for p in people if p.kind == "guardian"}
    mapped: dict[tuple[int, str], tuple[str, Ref]] = {
        (school_id, sid): (target, object_id)
        for school_id, school in schools.items()
        for sid, (target, object_id, _) in school.mappings.items()
    }
    for person in people:
        target = targets.get(id(person))
        if target is not None:
            mapped[(person.school_id, person.sourced_id)] = (f"people.{person.kind}", target)
    for school_id, guardian_sid, pupil_sid in sorted(links):
        if (school_id, pupil_sid) in plan.conflicted:
            continue
        guardian, pupil = mapped.get((school_id, guardian_sid)), mapped.get((school_id, pupil_sid))
        if not guardian or not pupil:
            continue
        if guardian[0] != "people.guardian" or pupil[0] != "people.pupil":
            continue
        plan.links.append(
            (school_id, guardian[1], pupil[1], relationship.get(guardian_sid, "parent"))
        )


def plan_leavers(
    schools: Mapping[int, SchoolPeople],
    leaving_schools: Iterable[int],
    listed: frozenset[str],
    plan: PeoplePlan,
) -> None:
    """A bulk users.csv lists every user (`listed`, their sourcedIds): in `leaving_schools`,
    pupils imported before and missing now have left; the plan counts those who had not."""
    for school_id in leaving_schools:
        school = schools[school_id]
        missing = [
            object_id
            for sid, (target, object_id, _) in school.mappings.items()
            if target == "people.pupil" and sid not in listed
        ]
        plan.leave[school_id] = missing
        for pupil_id in dict.fromkeys(missing):
            row = school.pupils.get(pupil_id)
            if row is not None and row.get("leaving_date") is None:
                plan.leaving += 1
