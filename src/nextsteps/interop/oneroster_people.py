"""OneRoster users, roles, demographics and enrolments → pupils, staff, parents, accounts,
memberships, enrolments and class staff. Part of `oneroster_import`; batch-loaded throughout,
so that 50,000 users and 500,000 enrolments import in bounded memory and queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.accounts.services import accounts_roster_write, memberships_roster_grant
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_run import EnrolmentRow, EnrolmentSet, RosterRun, chunks
from nextsteps.people.kernels.identity import Outcome, pupil_match
from nextsteps.people.models import Gender, Guardian, Pupil, SenStatus, Staff
from nextsteps.people.selectors import pupil_records_by_id
from nextsteps.people.services import (
    guardian_links_roster_add,
    people_roster_write,
    pupils_roster_leave,
)
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import AcademicYear, School

T = TypeVar("T")

STAFF_ROLES = {
    "teacher": Role.TEACHER,
    "aide": Role.TA,
    "administrator": Role.ADMIN,
    "siteAdministrator": Role.ADMIN,
    "districtAdministrator": Role.ADMIN,
    "systemAdministrator": Role.ADMIN,
    "principal": Role.LEADER,
    "counselor": None,
    "proctor": None,
}
GUARDIAN_ROLES = frozenset({"guardian", "parent", "relative"})
SEXES = {"male": Gender.MALE, "female": Gender.FEMALE, "other": Gender.OTHER}


@dataclass(slots=True)
class Person:
    """A user row with its demographics and its role in one school."""

    row: orr.Row
    school: School
    role: str  # the OneRoster role that decides what the person is here
    roles: set[str]
    fingerprint: str
    kind: str = ""  # pupil, staff or guardian
    target_id: int | None = None
    user_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class PeopleImport:
    def __init__(self, run: RosterRun) -> None:
        self.run = run
        self.problems = run.problems
        self.values = run.values
        self.people: list[Person] = []
        self.unchanged_users: dict[tuple[int, str], bool] = {}
        self.user_sids: set[str] = set()
        self.users_with_roles: set[str] = set()
        self.enrolments = EnrolmentSet()
        # (school id, user sourcedId) of pupil rows in conflict: left out with their enrolments
        self.conflicted: set[tuple[int, str]] = set()

    # ------------------------------------------------------------------ reading

    def read(self) -> None:
        run = self.run
        roles = self._read_roles() if run.manifest.version == "1.2" else {}
        demographics = self._read_demographics()
        run.progress("Reading users", 0, None)
        rows = list(orr.read_file(run.source, run.manifest, "users.csv", self.problems))
        for row in rows:
            self.user_sids.add(row.sourced_id)
            self._read_user(row, roles.get(row.sourced_id, []), demographics.get(row.sourced_id))
        for sid in set(demographics) - self.user_sids:
            drow = demographics[sid]
            if not self._known_user(sid):
                self.run.refer(
                    drow,
                    "sourcedId",
                    "users.csv",
                    gettext("%(sid)s is not a user in users.csv") % {"sid": repr(sid)},
                )
        self._check_agents(rows)
        self._match_people()
        run.progress("Reading enrolments", 0, None)
        self._read_enrolments()

    def _read_roles(self) -> dict[str, list[tuple[str, School, str]]]:
        roles: dict[str, list[tuple[str, School, str]]] = defaultdict(list)
        for row in orr.read_file(self.run.source, self.run.manifest, "roles.csv", self.problems):
            self.users_with_roles.add(row["userSourcedId"])
            role = self.values.choice(row, "role", orr.USER_ROLES, required=True)
            self.values.choice(row, "roleType", frozenset({"primary", "secondary"}), required=True)
            self.values.date(row, "beginDate")
            end = self.values.date(row, "endDate")
            school = self.run.school_ref(row, "orgSourcedId")
            if not row["userSourcedId"]:
                self.problems.add(
                    row.file, row.line, "userSourcedId", gettext("userSourcedId is required")
                )
            if role and school and not row.deleted and (end is None or end > self.run.today):
                roles[row["userSourcedId"]].append((role, school, row.fingerprint))
        return roles

    def _read_demographics(self) -> dict[str, orr.Row]:
        found: dict[str, orr.Row] = {}
        for row in orr.read_file(
            self.run.source, self.run.manifest, "demographics.csv", self.problems
        ):
            self.values.date(row, "birthDate")
            self.values.choice(row, "sex", orr.SEXES, required=False)
            sen = row["metadata.uk.senStatus"]
            if sen and sen.upper() not in orr.SEN_CODES:
                self.problems.add(
                    row.file,
                    row.line,
                    "metadata.uk.senStatus",
                    gettext("%(sen)s must be N, K or E") % {"sen": repr(sen)},
                )
            for column in ("metadata.uk.fsm", "metadata.uk.pupilPremium", "metadata.uk.eal"):
                self.values.boolean(row, column)
            found[row.sourced_id] = row
        return found

    def _read_user(
        self, row: orr.Row, roles: list[tuple[str, School, str]], demographic: orr.Row | None
    ) -> None:
        for column in ("username", "givenName", "familyName"):
            self.values.required(row, column)
        if row["enabledUser"] == "":
            self.problems.add(row.file, row.line, "enabledUser", gettext("enabledUser is required"))
        self.values.boolean(row, "enabledUser")
        self.values.date(row, "metadata.uk.admissionDate")
        if self.run.manifest.version == "1.1":
            role = self.values.choice(row, "role", orr.USER_ROLES, required=True)
            schools = []
            sids = orr.split_list(row["orgSourcedIds"])
            if not sids:
                self.problems.add(
                    row.file, row.line, "orgSourcedIds", gettext("orgSourcedIds is required")
                )
            for sid in sids:
                if sid in self.run.unusable_orgs or sid in self.run.other_orgs:
                    continue
                school = self.run.schools.get(sid)
                if school is None and sid in self.run.known_org_schools:
                    school = School.objects.filter(pk=self.run.known_org_schools[sid]).first()
                if school is None:
                    self.run.refer(
                        row,
                        "orgSourcedIds",
                        "orgs.csv",
                        gettext("%(sid)s is not a school in orgs.csv or imported before")
                        % {"sid": repr(sid)},
                    )
                else:
                    schools.append(school)
            roles = [(role, school, "") for school in schools] if role else []
        elif (
            row.sourced_id not in self.users_with_roles
            and not row.deleted
            and not self._known_user(row.sourced_id)
        ):
            self.run.refer(
                row, "sourcedId", "roles.csv", gettext("this user has no role in roles.csv")
            )
        fp = orr.fingerprint(
            [row.fingerprint, demographic.fingerprint if demographic else ""]
            + sorted(fp for _, _, fp in roles)
        )
        by_school: dict[int, list[str]] = defaultdict(list)
        schools_by_id = {}
        for role, school, _ in roles:
            by_school[school.pk].append(role)
            schools_by_id[school.pk] = school
        for school_id, school_roles in by_school.items():
            self._person(row, schools_by_id[school_id], set(school_roles), demographic, fp)

    def _person(
        self,
        row: orr.Row,
        school: School,
        roles: set[str],
        demographic: orr.Row | None,
        fp: str,
    ) -> None:
        known = self.run.mapping(school, SourcedId.Kind.USER).get(row.sourced_id)
        if known and known[2] == fp and not row.deleted:
            self.unchanged_users[(school.pk, row.sourced_id)] = True
            self.run.summary.counts[_plural(known[0])].unchanged += 1
            return
        if "student" in roles:
            kind, role = "pupil", "student"
        elif roles & set(STAFF_ROLES):
            kind = "staff"
            role = next(r for r in STAFF_ROLES if r in roles)
        else:
            kind, role = "guardian", next(iter(sorted(roles)))
        person = Person(row, school, role, roles, fp, kind=kind)
        if known:
            person.target_id = known[1]
        if kind == "pupil":
            person.fields = self._pupil_fields(row, demographic)
        elif kind == "staff":
            person.fields = {
                "forename": row["givenName"][:100],
                "surname": row["familyName"][:100],
                "email": row["email"][:254],
                "code": row["identifier"][:10],
                "title": row["metadata.uk.title"][:20],
            }
        else:
            person.fields = {
                "forename": row["givenName"][:100],
                "surname": row["familyName"][:100],
                "email": row["email"][:254],
                "phone": (row["phone"] or row["sms"])[:30],
            }
        self.people.append(person)

    def _pupil_fields(self, row: orr.Row, demographic: orr.Row | None) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "legal_forename": row["givenName"][:100],
            "legal_surname": row["familyName"][:100],
        }
        preferred_given = row["preferredGivenName"]
        preferred_family = row["preferredFamilyName"]
        fields["preferred_forename"] = (
            preferred_given[:100] if preferred_given != row["givenName"] else ""
        )
        fields["preferred_surname"] = (
            preferred_family[:100] if preferred_family != row["familyName"] else ""
        )
        try:
            fields["upn"] = upn_clean(row["identifier"])
        except UpnError as error:
            message = (
                gettext("a pupil's identifier must be their UPN")
                if not row["identifier"]
                else gettext("the UPN %(error)s") % {"error": error}
            )
            self.problems.add(row.file, row.line, "identifier", message)
        grades = [orr.grade_to_year(g) for g in orr.split_list(row["grades"])]
        if any(g is None for g in grades):
            self.problems.add(
                row.file,
                row.line,
                "grades",
                gettext("%(grades)s is not a year group") % {"grades": repr(row["grades"])},
            )
        if grades and grades[0] is not None:
            fields["year_group"] = grades[0]
        admission = row["metadata.uk.admissionDate"]
        if admission and orr._DATE.match(admission):
            fields["admission_date"] = dt.date.fromisoformat(admission)
        if demographic is not None:
            birth = demographic["birthDate"]
            if birth and orr._DATE.match(birth):
                fields["date_of_birth"] = dt.date.fromisoformat(birth)
            if demographic["sex"]:
                fields["gender"] = SEXES.get(demographic["sex"], Gender.OTHER)
            sen = demographic["metadata.uk.senStatus"].upper()
            if sen in orr.SEN_CODES:
                fields["sen_status"] = sen
            for column, name in (
                ("metadata.uk.fsm", "fsm"),
                ("metadata.uk.pupilPremium", "disadvantaged"),
                ("metadata.uk.eal", "eal"),
            ):
                if demographic[column].lower() in {"true", "false"}:
                    fields[name] = demographic[column].lower() == "true"
        return fields

    def _known_user(self, sid: str) -> bool:
        return self.run.known_anywhere(SourcedId.Kind.USER, sid)

    def _check_agents(self, rows: list[orr.Row]) -> None:
        for row in rows:
            for agent in orr.split_list(row["agentSourcedIds"]):
                if agent not in self.user_sids and not self._known_user(agent):
                    self.run.refer(
                        row,
                        "agentSourcedIds",
                        "users.csv",
                        gettext("%(agent)s is not a user in users.csv or imported before")
                        % {"agent": repr(agent)},
                    )

    # ------------------------------------------------------------------ matching

    def _match_people(self) -> None:
        """Find each changed person's nextsteps row and account; check for clashes."""
        by_school: dict[int, list[Person]] = defaultdict(list)
        for person in self.people:
            by_school[person.school.pk].append(person)
        for people in by_school.values():
            self._match_pupils([p for p in people if p.kind == "pupil"])
            self._match_staff_and_guardians([p for p in people if p.kind != "pupil"])
        self.people = [
            p for p in self.people if (p.school.pk, p.row.sourced_id) not in self.conflicted
        ]
        self._match_accounts()

    def _match_pupils(self, pupils: list[Person]) -> None:
        if not pupils:
            return
        school = pupils[0].school
        by_sourced_id = {id(p) for p in pupils if p.target_id is not None}
        by_upn = dict(Pupil.objects.filter(school=school).values_list("upn", "pk"))
        mapped_to = {
            object_id: sid
            for sid, (target, object_id, _) in self.run.mapping(school, SourcedId.Kind.USER).items()
            if target == "people.pupil"
        }
        seen: dict[str, int] = {}
        year_start = self._first_year_start(school)
        for person in pupils:
            row, upn = person.row, person.fields.get("upn")
            if upn:
                if upn in seen:
                    self.problems.add(
                        row.file,
                        row.line,
                        "identifier",
                        gettext("the UPN %(upn)s is also on line %(line)s")
                        % {"upn": upn, "line": seen[upn]},
                    )
                seen[upn] = row.line
                owner = by_upn.get(upn)
                if person.target_id is None and owner is not None:
                    if owner in mapped_to and mapped_to[owner] != row.sourced_id:
                        self.problems.add(
                            row.file,
                            row.line,
                            "identifier",
                            gettext("the UPN %(upn)s belongs to the pupil imported as %(other)s")
                            % {"upn": upn, "other": repr(mapped_to[owner])},
                        )
                    person.target_id = owner
                elif owner is not None and owner != person.target_id:
                    self.problems.add(
                        row.file,
                        row.line,
                        "identifier",
                        gettext("the UPN %(upn)s belongs to another pupil") % {"upn": upn},
                    )
            if person.target_id is None and not row.deleted:
                self._check_new_pupil(person, year_start)
        self._check_identities(school, pupils, by_sourced_id)

    def _check_identities(
        self, school: School, pupils: list[Person], by_sourced_id: set[int]
    ) -> None:
        """Each matched pupil through the shared rule: one who is someone else is a conflict."""
        matched = [p for p in pupils if p.target_id is not None and not p.row.deleted]
        existing = pupil_records_by_id(school, [p.target_id or 0 for p in matched])
        for person in matched:
            current = existing.get(person.target_id or 0)
            if current is None:
                continue
            decision = pupil_match(current, person.fields)
            self.run.summary.identity.record(
                decision,
                file=person.row.file,
                line=person.row.line,
                upn=str(person.fields.get("upn") or current["upn"]),
                existing=current,
                incoming=person.fields,
                sourced_id=person.row.sourced_id if id(person) in by_sourced_id else "",
            )
            if decision.outcome is Outcome.CONFLICT:
                self.conflicted.add((school.pk, person.row.sourced_id))

    def _first_year_start(self, school: School) -> dt.date | None:
        starts = [
            dt.date.fromisoformat(r["startDate"])
            for r in self.run.session_rows.values()
            if r["type"] == "schoolYear" and orr._DATE.match(r["startDate"])
        ]
        if starts:
            return min(starts)
        year = AcademicYear.objects.filter(school=school).order_by("starts_on").first()
        return year.starts_on if year else None

    def _check_new_pupil(self, person: Person, year_start: dt.date | None) -> None:
        row, fields = person.row, person.fields
        if "date_of_birth" not in fields:
            self.run.refer(
                row,
                "sourcedId",
                "demographics.csv",
                gettext("a new pupil needs a birthDate in demographics.csv"),
            )
        if "year_group" not in fields:
            self.problems.add(
                row.file, row.line, "grades", gettext("a new pupil needs a year group (grades)")
            )
        if "admission_date" not in fields:
            if year_start is None:
                self.problems.add(
                    row.file,
                    row.line,
                    "metadata.uk.admissionDate",
                    gettext(
                        "a new pupil needs an admission date "
                        "(or a school year in academicSessions.csv)"
                    ),
                )
            else:
                fields["admission_date"] = year_start
        fields.setdefault("gender", Gender.OTHER)

    def _match_staff_and_guardians(self, people: list[Person]) -> None:
        """Staff by username or staff code, parents by username or email: one query each."""
        if not people:
            return
        school = people[0].school
        staff_keys: dict[str, int] = {}
        for pk, username, code in Staff.objects.filter(school=school).values_list(
            "pk", "user__username", "code"
        ):
            if code:
                staff_keys.setdefault(f"code:{code}", pk)
            if username:
                staff_keys[f"user:{username}"] = pk
        guardian_keys: dict[str, int] = {}
        for pk, username, email in Guardian.objects.filter(school=school).values_list(
            "pk", "user__username", "email"
        ):
            if email:
                guardian_keys.setdefault(f"email:{email.lower()}", pk)
            if username:
                guardian_keys[f"user:{username}"] = pk
        for person in people:
            if person.target_id is not None:
                continue
            username = person.row["username"]
            if person.kind == "staff":
                person.target_id = staff_keys.get(f"user:{username}") or (
                    staff_keys.get(f"code:{person.fields['code']}")
                    if person.fields["code"]
                    else None
                )
            else:
                email = person.fields["email"].lower()
                person.target_id = guardian_keys.get(f"user:{username}") or (
                    guardian_keys.get(f"email:{email}") if email else None
                )

    def _match_accounts(self) -> None:
        """An account is reused only if it already belongs to the same person."""
        seen: dict[str, int] = {}
        for person in self.people:
            username = person.row["username"]
            if username in seen and seen[username] != person.row.line:
                self.problems.add(
                    person.row.file,
                    person.row.line,
                    "username",
                    gettext("the username %(username)s is also on line %(line)s")
                    % {"username": repr(username), "line": seen[username]},
                )
            seen[username] = person.row.line
        models: dict[str, Any] = {"pupil": Pupil, "staff": Staff, "guardian": Guardian}
        owners: dict[tuple[str, int], int | None] = {}
        for kind, model in models.items():
            targets = [p.target_id for p in self.people if p.kind == kind and p.target_id]
            for batch in chunks(targets):
                for pk, user_id in model.objects.filter(pk__in=batch).values_list("pk", "user_id"):
                    owners[(kind, pk)] = user_id
        names = list(seen)
        existing: dict[str, int] = {}
        for chunk in chunks(names):
            existing.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
        for person in self.people:
            own = owners.get((person.kind, person.target_id or 0))
            found = existing.get(person.row["username"])
            person.user_id = own
            if found is not None and found != own:
                if own is None and not self._has_other_life(found, person):
                    person.user_id = found
                    continue
                self.problems.add(
                    person.row.file,
                    person.row.line,
                    "username",
                    gettext("the username %(username)s belongs to another account")
                    % {"username": repr(person.row["username"])},
                )

    def _has_other_life(self, user_id: int, person: Person) -> bool:
        """Whether an unlinked account with this username is someone else's."""
        return (
            Pupil.objects.filter(user_id=user_id).exists()
            or Staff.objects.filter(user_id=user_id).exists()
            or Guardian.objects.filter(user_id=user_id).exists()
            or Membership.objects.filter(user_id=user_id).exclude(school=person.school).exists()
        )

    # ------------------------------------------------------------------ enrolments

    def _read_enrolments(self) -> None:
        run = self.run
        light: dict[int, dict[str, str]] = {}
        users_here: dict[int, set[str]] = {}
        count = conflicted = 0
        for row in orr.read_file(run.source, run.manifest, "enrollments.csv", self.problems):
            count += 1
            if count % 50_000 == 0:
                run.progress("Reading enrolments", count, None)
            role = self.values.choice(row, "role", orr.ENROLMENT_ROLES, required=True)
            begin = self.values.date(row, "beginDate")
            end = self.values.date(row, "endDate")
            self.values.boolean(row, "primary")
            if begin and end and end <= begin:
                self.problems.add(
                    row.file, row.line, "endDate", gettext("endDate must be after beginDate")
                )
            school = run.school_ref(row, "schoolSourcedId")
            if school is None:
                continue
            if school.pk not in light:
                light[school.pk] = dict(
                    SourcedId.objects.filter(
                        school=school, kind=SourcedId.Kind.ENROLMENT
                    ).values_list("sourced_id", "fingerprint")
                )
                users_here[school.pk] = (
                    set(run.mapping(school, SourcedId.Kind.USER)) | self.user_sids
                )
            self.enrolments.in_file[school.pk].add(row.sourced_id)
            self._check_enrolment_refs(row, school, users_here[school.pk])
            if (school.pk, row["userSourcedId"]) in self.conflicted:
                conflicted += 1
                continue
            if light[school.pk].get(row.sourced_id) == row.fingerprint and not row.deleted:
                self.enrolments.unchanged += 1
                continue
            self.enrolments.rows.append(
                EnrolmentRow(
                    row.line,
                    row.sourced_id,
                    school,
                    row["classSourcedId"],
                    row["userSourcedId"],
                    role,
                    begin,
                    end,
                    row.deleted,
                    row.fingerprint,
                )
            )
        self.enrolments.known = {pk: set(d) for pk, d in light.items()}
        if conflicted:
            run.summary.notes.append(
                f"{conflicted} enrolments of pupils in conflict were not applied"
            )

    def _check_enrolment_refs(self, row: orr.Row, school: School, users: set[str]) -> None:
        class_sid = row["classSourcedId"]
        if class_sid not in self.run.class_rows and class_sid not in self.run.mapping(
            school, SourcedId.Kind.CLASS
        ):
            self.run.refer(
                row,
                "classSourcedId",
                "classes.csv",
                gettext("%(class_sid)s is not a class in classes.csv or imported before")
                % {"class_sid": repr(class_sid)},
            )
        if row["userSourcedId"] not in users:
            self.run.refer(
                row,
                "userSourcedId",
                "users.csv",
                gettext("%(user)s is not a user in users.csv or imported before")
                % {"user": repr(row["userSourcedId"])},
            )

    # ------------------------------------------------------------------ writing

    def apply(self) -> None:
        self.run.progress("Writing accounts", 0, len(self.people))
        self._apply_accounts()
        for kind, model in (("pupil", Pupil), ("staff", Staff), ("guardian", Guardian)):
            self.run.progress(f"Writing {_plural(kind)}", 0, None)
            self._apply_people(kind, model)
        self._apply_memberships()
        self._apply_guardian_links()
        self._end_missing_pupils()
        self.run.save_mappings()

    def _apply_accounts(self) -> None:
        new: list[Person] = []
        for person in self.people:
            row = person.row
            enabled = row["enabledUser"].lower() == "true" and not row.deleted
            if person.user_id is None and enabled:
                new.append(person)
        created = accounts_roster_write(
            new=[
                {
                    "username": person.row["username"][:150],
                    "first_name": person.row["givenName"][:150],
                    "last_name": person.row["familyName"][:150],
                    "email": person.row["email"][:254],
                }
                for person in new
            ],
            changes={},
        )
        for person, user_id in zip(new, created, strict=True):
            person.user_id = user_id
        current: dict[int, tuple[str, str, bool]] = {}
        fresh = {id(person) for person in new}
        ids = [p.user_id for p in self.people if p.user_id and id(p) not in fresh]
        for batch in chunks(ids):
            current.update(
                (pk, (first, last, active))
                for pk, first, last, active in User.objects.filter(pk__in=batch).values_list(
                    "pk", "first_name", "last_name", "is_active"
                )
            )
        changes: dict[int, dict[str, Any]] = {}
        for person in self.people:
            account = current.get(person.user_id or 0)
            if account is None:
                continue
            row = person.row
            wanted = (
                row["givenName"][:150],
                row["familyName"][:150],
                row["enabledUser"].lower() == "true" and not row.deleted,
            )
            if account != wanted:
                changes[person.user_id or 0] = dict(
                    zip(("first_name", "last_name", "is_active"), wanted, strict=True)
                )
        accounts_roster_write(new=[], changes=changes)

    def _apply_people(self, kind: str, model: Any) -> None:
        people = [p for p in self.people if p.kind == kind]
        counts = self.run.summary.counts[_plural(kind)]
        new = [p for p in people if p.target_id is None and not p.row.deleted]
        created = people_roster_write(
            kind=kind,
            new=[
                {"school_id": p.school.pk, "user_id": p.user_id, **self._create_fields(kind, p)}
                for p in new
            ],
            changes={},
        )
        for person, pk in zip(new, created, strict=True):
            person.target_id = pk
        counts.created += len(new)
        fresh = {id(person) for person in new}
        existing = [p for p in people if p.target_id is not None and id(p) not in fresh]
        changes: dict[int, dict[str, Any]] = {}
        for batch in chunks(existing):
            rows = model.objects.in_bulk([p.target_id for p in batch])
            for person in batch:
                obj = rows.get(person.target_id)
                if obj is None:
                    continue
                fields = dict(person.fields)
                if person.user_id and obj.user_id != person.user_id:
                    fields["user_id"] = person.user_id
                if kind == "pupil" and person.row.deleted and obj.leaving_date is None:
                    fields["leaving_date"] = self.run.today
                    counts.ended += 1
                diff = {k: v for k, v in fields.items() if getattr(obj, k) != v}
                if diff:
                    for name, value in diff.items():
                        setattr(obj, name, value)  # a later row for the same one sees it
                    changes.setdefault(obj.pk, {}).update(diff)
                    if not person.row.deleted:
                        counts.updated += 1
                else:
                    counts.unchanged += 1
        people_roster_write(kind=kind, new=[], changes=changes)
        target = f"people.{kind}"
        for person in people:
            if person.target_id is not None:
                self.run.remember(
                    person.school,
                    SourcedId.Kind.USER,
                    person.row.sourced_id,
                    target,
                    person.target_id,
                    person.fingerprint,
                )

    def _create_fields(self, kind: str, person: Person) -> dict[str, Any]:
        fields = dict(person.fields)
        if kind == "pupil":
            fields.setdefault("sen_status", SenStatus.NONE)
        return fields

    def _apply_memberships(self) -> None:
        wanted: set[tuple[int, int, str]] = set()
        for person in self.people:
            if person.user_id is None or person.row.deleted:
                continue
            for role in person.roles:
                mapped = (
                    Role.PUPIL
                    if role == "student"
                    else Role.GUARDIAN
                    if role in GUARDIAN_ROLES
                    else STAFF_ROLES.get(role)
                )
                if mapped is not None:
                    wanted.add((person.user_id, person.school.pk, str(mapped)))
        memberships_roster_grant(wanted=wanted)

    def _apply_guardian_links(self) -> None:
        links: set[tuple[int, str, str]] = set()
        for person in self.people:
            for agent in orr.split_list(person.row["agentSourcedIds"]):
                if person.kind == "pupil":
                    links.add((person.school.pk, agent, person.row.sourced_id))
                elif person.kind == "guardian":
                    links.add((person.school.pk, person.row.sourced_id, agent))
        relationship = {p.row.sourced_id: p.role for p in self.people if p.kind == "guardian"}
        schools = {p.school.pk: p.school for p in self.people}
        new: list[tuple[int, int, int, str]] = []
        for school_id, guardian_sid, pupil_sid in sorted(links):
            if (school_id, pupil_sid) in self.conflicted:
                continue
            users = self.run.mapping(schools[school_id], SourcedId.Kind.USER)
            guardian, pupil = users.get(guardian_sid), users.get(pupil_sid)
            if not guardian or not pupil:
                continue
            if guardian[0] != "people.guardian" or pupil[0] != "people.pupil":
                continue
            new.append((school_id, guardian[1], pupil[1], relationship.get(guardian_sid, "parent")))
        guardian_links_roster_add(links=new)

    def _end_missing_pupils(self) -> None:
        """Bulk users.csv lists every user: pupils imported before and missing now have left."""
        if self.run.manifest.modes.get("users.csv") != "bulk":
            return
        for school in self.run.scope():
            missing = [
                object_id
                for sid, (target, object_id, _) in self.run.mapping(
                    school, SourcedId.Kind.USER
                ).items()
                if target == "people.pupil" and sid not in self.user_sids
            ]
            self.run.summary.counts["pupils"].ended += pupils_roster_leave(
                pupil_ids=missing, on=self.run.today
            )


def _plural(kind: str) -> str:
    kind = kind.removeprefix("people.")
    return {"pupil": "pupils", "staff": "staff", "guardian": "parents and carers"}.get(kind, kind)


def iter_unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
