"""OneRoster users, roles, demographics and enrolments → pupils, staff, parents, accounts,
memberships, enrolments and class staff. Part of `oneroster_import`: the users are read into
plain rows (`PersonLine`), what each school already has is loaded once, the kernel
`interop.kernels.people_plan` plans what to create, change and end, and the plan is handed to
the people and accounts services; batch-loaded throughout, so that 50,000 users and 500,000
enrolments import in bounded memory and queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext

from nextsteps.accounts.models import Membership, User
from nextsteps.accounts.services import accounts_roster_write, memberships_roster_grant
from nextsteps.interop.kernels import oneroster as orr
from nextsteps.interop.kernels.people_plan import (
    KINDS,
    STAFF_ROLES,
    Accounts,
    KindPlan,
    PeoplePlan,
    PersonLine,
    Ref,
    SchoolPeople,
    plan_leavers,
    plan_people,
)
from nextsteps.interop.kernels.roster import Counts
from nextsteps.interop.models import SourcedId
from nextsteps.interop.oneroster_run import EnrolmentRow, EnrolmentSet, RosterRun, chunks
from nextsteps.people.kernels.identity import FIELD_ORDER
from nextsteps.people.models import Gender, Guardian, Pupil, Staff
from nextsteps.people.services import (
    guardian_links_roster_add,
    people_roster_write,
    pupils_roster_leave,
)
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import AcademicYear, School

SEXES = {"male": Gender.MALE, "female": Gender.FEMALE, "other": Gender.OTHER}
PUPIL_COLUMNS = tuple(
    dict.fromkeys(("id", *FIELD_ORDER, "admission_date", "user_id", "leaving_date"))
)
STAFF_COLUMNS = ("id", "forename", "surname", "email", "code", "title", "user_id")
GUARDIAN_COLUMNS = ("id", "forename", "surname", "email", "phone", "user_id")


class PeopleImport:
    """The users of one import: read into plain rows, planned (`people_plan`), written."""

    def __init__(self, run: RosterRun) -> None:
        self.run = run
        self.problems = run.problems
        self.values = run.values
        self.people: list[PersonLine] = []
        self.plan = PeoplePlan()
        self.schools_by_id: dict[int, School] = {}
        self.existing: dict[int, SchoolPeople] = {}
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
        self._plan_people()
        run.progress("Reading enrolments", 0, None)
        self._read_enrolments()
        self._plan_leavers()

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
                    school = self.run.school_by_id(self.run.known_org_schools[sid])
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
        if kind == "pupil":
            fields = self._pupil_fields(row, demographic)
        elif kind == "staff":
            fields = {
                "forename": row["givenName"][:100],
                "surname": row["familyName"][:100],
                "email": row["email"][:254],
                "code": row["identifier"][:10],
                "title": row["metadata.uk.title"][:20],
            }
        else:
            fields = {
                "forename": row["givenName"][:100],
                "surname": row["familyName"][:100],
                "email": row["email"][:254],
                "phone": (row["phone"] or row["sms"])[:30],
            }
        self.schools_by_id[school.pk] = school
        self.people.append(
            PersonLine(
                school_id=school.pk,
                sourced_id=row.sourced_id,
                file=row.file,
                line=row.line,
                kind=kind,
                role=role,
                roles=frozenset(roles),
                fingerprint=fp,
                username=row["username"],
                given_name=row["givenName"],
                family_name=row["familyName"],
                email=row["email"],
                enabled=row["enabledUser"].lower() == "true" and not row.deleted,
                deleted=row.deleted,
                agents=tuple(orr.split_list(row["agentSourcedIds"])),
                fields=fields,
                mapped_id=known[1] if known else None,
            )
        )

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

    # ------------------------------------------------------------------ planning

    def _plan_people(self) -> None:
        """Load what the schools and the usernames already have, once, and plan."""
        run = self.run
        for school_id in dict.fromkeys(p.school_id for p in self.people):
            school = self.schools_by_id[school_id]
            self.existing[school_id] = self._school_people(
                school,
                pupils_here=any(p.kind == "pupil" for p in self.people if p.school_id == school_id),
            )
        self.plan = plan_people(
            self.people,
            schools=self.existing,
            accounts=self._accounts(),
            problems=self.problems,
            today=run.today,
            broken=frozenset(run.broken),
            identity=run.summary.identity,
        )
        self.conflicted = self.plan.conflicted

    def _school_people(self, school: School, *, pupils_here: bool) -> SchoolPeople:
        """A school's user mappings, pupils, staff and parents (with their accounts' names and
        state), each in one query."""
        account = ("user__username", "user__first_name", "user__last_name", "user__is_active")
        loaded = SchoolPeople(
            mappings=self.run.mapping(school, SourcedId.Kind.USER),
            year_start=self._first_year_start(school) if pupils_here else None,
        )
        for rows, model, columns in (
            (loaded.pupils, Pupil, PUPIL_COLUMNS),
            (loaded.staff, Staff, STAFF_COLUMNS),
            (loaded.guardians, Guardian, GUARDIAN_COLUMNS),
        ):
            for row in model.objects.filter(school=school).values(*columns, *account):
                row["username"] = row.pop("user__username")
                rows[row["id"]] = row
        return loaded

    def _accounts(self) -> Accounts:
        """The accounts the rows' usernames name, and those the schools' people have; for an
        account no one here has, whether it is someone's elsewhere."""
        accounts = Accounts()
        owned: set[int] = set()
        for school in self.existing.values():
            for kind in KINDS:
                for row in school.rows(kind).values():
                    if row["user_id"] is not None:
                        owned.add(row["user_id"])
                        accounts.current[row["user_id"]] = (
                            row["user__first_name"],
                            row["user__last_name"],
                            row["user__is_active"],
                        )
        for batch in chunks(sorted({p.username for p in self.people})):
            for pk, username, first, last, active in User.objects.filter(
                username__in=batch
            ).values_list("pk", "username", "first_name", "last_name", "is_active"):
                accounts.by_username[username] = pk
                accounts.current[pk] = (first, last, active)
        accounts.linked = set(owned)
        others = sorted(set(accounts.by_username.values()) - owned)
        for ids in chunks(others):
            for model in (Pupil, Staff, Guardian):
                accounts.linked.update(
                    model.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
                )
            for user_id, school_id in Membership.objects.filter(user_id__in=ids).values_list(
                "user_id", "school_id"
            ):
                accounts.member_of.setdefault(user_id, set()).add(school_id)
        return accounts

    def _plan_leavers(self) -> None:
        """Bulk users.csv lists every user: pupils imported before and missing now have left."""
        if self.run.manifest.modes.get("users.csv") != "bulk":
            return
        schools = self.run.scope()
        for school in schools:
            if school.pk not in self.existing:
                self.existing[school.pk] = self._leaving_school(school)
        plan_leavers(
            self.existing,
            [s.pk for s in schools],
            frozenset(self.user_sids),
            self.plan,
        )

    def _leaving_school(self, school: School) -> SchoolPeople:
        """A school none of whose users changed: its mappings, and its pupils only if some
        pupil mapped before is missing from the file."""
        loaded = SchoolPeople(mappings=self.run.mapping(school, SourcedId.Kind.USER))
        missing = [
            object_id
            for sid, (target, object_id, _) in loaded.mappings.items()
            if target == "people.pupil" and sid not in self.user_sids
        ]
        for batch in chunks(missing):
            for pk, leaving in Pupil.objects.filter(pk__in=batch).values_list("pk", "leaving_date"):
                loaded.pupils[pk] = {"id": pk, "leaving_date": leaving}
        return loaded

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
        """Hand the plan to the accounts and people services, kind by kind (a dry run only
        counts it, giving the rows it would create provisional ids)."""
        run, plan, dry = self.run, self.plan, self.run.dry_run
        run.progress("Writing accounts", 0, len(self.people))
        written: dict[str, list[int]] = {
            "account": run.provisional(len(plan.accounts_create))
            if dry
            else accounts_roster_write(new=plan.accounts_create, changes=plan.accounts_change)
        }

        def resolve(ref: Ref) -> int:
            return ref if isinstance(ref, int) else written[ref.kind][ref.index]

        for kind in KINDS:
            run.progress(f"Writing {_plural(kind)}", 0, None)
            here = plan.kinds[kind]
            written[kind] = (
                run.provisional(len(here.create)) if dry else self._write_kind(kind, here, resolve)
            )
            count(run.summary.counts[_plural(kind)], here)
        for school_id, sid, target, ref, fp in plan.mappings:
            school = self.schools_by_id[school_id]
            run.remember(school, SourcedId.Kind.USER, sid, target, resolve(ref), fp)
        if dry:
            run.summary.counts["pupils"].ended += plan.leaving
            return
        memberships_roster_grant(
            wanted={(resolve(user), school_id, role) for user, school_id, role in plan.memberships}
        )
        guardian_links_roster_add(
            links=[(s, resolve(g), resolve(p), kind) for s, g, p, kind in plan.links]
        )
        for pupil_ids in plan.leave.values():
            run.summary.counts["pupils"].ended += pupils_roster_leave(
                pupil_ids=pupil_ids, on=run.today
            )
        run.save_mappings()

    def _write_kind(self, kind: str, here: KindPlan, resolve: Callable[[Ref], int]) -> list[int]:
        changes = {pk: dict(fields) for pk, fields in here.changes.items()}
        for pk, user in here.change_users.items():
            changes[pk]["user_id"] = resolve(user)
        return people_roster_write(
            kind=kind,
            new=[
                {**fields, "user_id": None if user is None else resolve(user)}
                for fields, user in zip(here.create, here.create_users, strict=True)
            ],
            changes=changes,
        )


def count(counts: Counts, here: KindPlan) -> None:
    counts.created += here.created
    counts.updated += here.updated
    counts.unchanged += here.unchanged
    counts.ended += here.ended


def _plural(kind: str) -> str:
    kind = kind.removeprefix("people.")
    return {"pupil": "pupils", "staff": "staff", "guardian": "parents and carers"}.get(kind, kind)
