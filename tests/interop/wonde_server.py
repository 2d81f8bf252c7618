"""A local Wonde API for the tests and the benchmark: a real HTTP server in a thread.

Its answers follow Wonde's documented response shapes. Never the internet: the sync under test
is pointed at this server's address. The documentation behind each answer is named beside it;
where no documentation of a field could be found, the comment says so.

Sources read (Wonde's API documentation lives at https://docs.wonde.com/docs/api/sync):

- https://docs.wonde.com/ : the introduction (the UK domain api.wonde.com, the base URL
  https://{domain}/v1.0/, and authentication by `Authorization: Bearer TOKEN`).
- The object and parameter pages of docs.wonde.com/docs/api/sync (#pagination,
  #student-object, #get-classes, #subject-object, the schools, employees and deletions
  lists), read as transcribed with their anchors in a public OpenAPI description of
  Wonde's API: https://github.com/Edrolo/pywonde/blob/master/meta/wonde.openapi.yaml
- Wonde's own PHP client, https://github.com/wondeltd/php-client (readme: `include` lists,
  `updated_after` as "YYYY-MM-DD HH:MM:SS", the endpoints attendance-summaries, deletions,
  students-leaver; src/ResultIterator.php: following `meta.pagination.next`).

What those say, and this server does:

- Every list answers `{"data": [...], "meta": {"pagination": {"next", "previous", "more",
  "per_page", "current_page"}, "includes": [...]}}`. By default 50 records a page, and no
  pagination object when 50 or fewer; asking `per_page=` forces pagination; each endpoint
  has its own maximum (docs.wonde.com/docs/api/sync#pagination). `next` is a full URL
  carrying the request's own parameters.
- `include=` adds related objects wrapped as `{"data": …}` (an object for a one, a list for a
  many); a class's `subject` is the subject's id unless included
  (docs.wonde.com/docs/api/sync#get-classes).
- `updated_after` keeps records whose `updated_at` is after it; dates and times are objects
  `{"date": "2015-10-29 14:53:59.000000", "timezone_type": 3, "timezone": "UTC"}`.
- GET /schools lists the schools that approved the token and takes a `urn` filter.
- A wrong token answers 401 and too many requests 429 with `Retry-After`: the status codes
  are HTTP's; the documentation read gives no body for either, so the bodies here are
  placeholders the client only quotes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from nextsteps.people.upn import upn_make

TOKEN = "test-token-0123456789"
WONDE_SCHOOL_ID = "A1930499544"
WONDE_TIME = "%Y-%m-%d %H:%M:%S"
DEFAULT_PER_PAGE = 50  # docs.wonde.com/docs/api/sync#pagination
# The includes each list understands, and the keys they add to each record.
INCLUDES = {
    "students": {"education_details", "extended_details"},
    "employees": {"contact_details", "employment_details"},
    "contacts": {"contact_details", "students"},
    "classes": {"students", "employees", "subject"},
    "groups": {"students", "employees"},
    "attendance-summaries": set(),
    "deletions": set(),
}


def wonde_time(when: dt.datetime, timezone: str = "UTC") -> dict[str, Any]:
    """A Wonde date and time object (the DateTimeObject of docs.wonde.com/docs/api/sync; the
    student example there gives a date of birth as one, in Europe/London)."""
    return {
        "date": when.strftime("%Y-%m-%d %H:%M:%S.000000"),
        "timezone_type": 3,
        "timezone": timezone,
    }


def _stamped(record: dict[str, Any]) -> dict[str, Any]:
    """Every top-level record carries restored_at, created_at and updated_at."""
    record.setdefault("restored_at", None)
    record.setdefault("created_at", wonde_time(dt.datetime(2000, 1, 1)))
    return record


@dataclass
class WondeData:
    """One school's records as Wonde holds them, and its place in the schools list."""

    urn: int = 990777
    name: str = "Ashby Vale Academy"
    phase: str = "SECONDARY"
    school_id: str = WONDE_SCHOOL_ID
    lists: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in INCLUDES}
    )
    clock: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def touch(self, record: dict[str, Any]) -> None:
        """Mark a record changed now (each change a moment after the last)."""
        self.clock = max(self.clock + dt.timedelta(seconds=1), dt.datetime.now(dt.UTC))
        record["updated_at"] = wonde_time(self.clock)

    def school(self) -> dict[str, Any]:
        """A school as GET /schools lists it (docs.wonde.com/docs/api/sync#schools: id, name,
        establishment_number, urn as a number, phase_of_education, la_code, timezone, mis,
        address, extended, region with its domain, school_url and identifiers)."""
        return {
            "id": self.school_id,
            "name": self.name,
            "establishment_number": "4999",
            "urn": self.urn,
            "phase_of_education": self.phase,
            "la_code": "850",
            "timezone": "Europe/London",
            "mis": "Arbor",
            "address": {
                "address_line_1": "1 Vale Road",
                "address_line_2": "",
                "address_town": "Ashby",
                "address_postcode": "LE65 1AA",
                "address_country": {"code": "GBR", "name": "United Kingdom"},
            },
            "extended": {
                "allows_writeback": False,
                "has_timetables": True,
                "has_lesson_attendance": True,
            },
            "region": {
                "code": "GBR",
                "domain": "api.wonde.com",
                "school_url": f"https://api.wonde.com/v1.0/schools/{self.school_id}",
                "identifiers": {
                    "la_code": "850",
                    "establishment_number": "4999",
                    "urn": self.urn,
                },
            },
        }


def student(
    wonde_id: str,
    *,
    upn: str,
    forename: str,
    surname: str,
    born: dt.date,
    year: str,
    gender: str = "F",
    fsm: bool = False,
    pupil_premium: bool = False,
    sen: str = "N",
    eal: bool = False,
    admitted: dt.date = dt.date(2022, 9, 1),
    leaving: dt.date | None = None,
) -> dict[str, Any]:
    """A student (docs.wonde.com/docs/api/sync#student-object: id, upi, mis_id, initials,
    surname, forename, middle_names, legal_surname, legal_forename, gender "MALE" or "FEMALE",
    date_of_birth as a date object, restored_at, created_at, updated_at) with its includes
    `education_details` and `extended_details`.

    `education_details`: the documentation read names `current_nc_year` (and `local_upn`);
    no documentation was found for `upn`, `former_upn`, `admission_number`,
    `admission_date` or `leaving_date`, which follow the names the sync has always read.
    `extended_details`: no documentation of its fields was found (the student object lists
    the include); `free_school_meals`, `premium_pupil_indicator`, `sen_status` and
    `english_as_additional_language_status` are the names the sync reads."""
    midnight = dt.time(0, 0)
    return {
        "id": wonde_id,
        "upi": f"upi{wonde_id}",
        "mis_id": wonde_id[-5:],
        "initials": forename[:1] + surname[:1],
        "surname": surname,
        "forename": forename,
        "middle_names": None,
        "legal_surname": surname,
        "legal_forename": forename,
        "gender": {"F": "FEMALE", "M": "MALE"}.get(gender, gender),
        "date_of_birth": wonde_time(dt.datetime.combine(born, midnight), "Europe/London"),
        "restored_at": None,
        "created_at": wonde_time(dt.datetime(2000, 1, 1)),
        "education_details": {
            "data": {
                "upn": upn,
                "former_upn": None,
                "local_upn": None,
                "admission_number": wonde_id[-5:],
                "admission_date": wonde_time(dt.datetime.combine(admitted, midnight)),
                "leaving_date": wonde_time(dt.datetime.combine(leaving, midnight))
                if leaving
                else None,
                "current_nc_year": year,
            }
        },
        "extended_details": {
            "data": {
                "free_school_meals": fsm,
                "free_school_meals_6": fsm,
                "premium_pupil_indicator": pupil_premium,
                "sen_status": sen,
                "english_as_additional_language_status": eal,
                "first_language": "French" if eal else "English",
            }
        },
    }


def employee(
    wonde_id: str, *, title: str, forename: str, surname: str, code: str
) -> dict[str, Any]:
    """An employee (docs.wonde.com/docs/api/sync, the employee object: id, upi, mis_id,
    title, initials, surname, forename, middle_names, legal_surname, legal_forename, gender
    "female"/"male", date_of_birth as a plain date, restored_at, created_at, updated_at) with
    `contact_details` (`emails`: email, primary, home, work) and `employment_details`
    (current, teaching_staff, employment_start_date, employment_end_date, role_text).
    No documentation was found for `staff_code` in `employment_details` (the sync reads the
    teacher's code there) nor for `telephones` in `contact_details`."""
    email = f"{forename}.{surname}@ashby.example".lower()
    return {
        "id": wonde_id,
        "upi": f"upi{wonde_id}",
        "mis_id": code,
        "title": title,
        "initials": forename[:1] + surname[:1],
        "surname": surname,
        "forename": forename,
        "middle_names": None,
        "legal_surname": surname,
        "legal_forename": forename,
        "gender": "female" if title == "Ms" else "male",
        "date_of_birth": "1980-02-11",
        "restored_at": None,
        "created_at": wonde_time(dt.datetime(2000, 1, 1)),
        "contact_details": {
            "data": {
                "emails": {"email": email, "primary": email, "home": None, "work": email},
                "telephones": {"phone": None},
            }
        },
        "employment_details": {
            "data": {
                "current": True,
                "teaching_staff": True,
                "employment_start_date": wonde_time(dt.datetime(2015, 9, 1)),
                "employment_end_date": None,
                "role_text": "Teacher",
                "staff_code": code,
            }
        },
    }


def contact(
    wonde_id: str,
    *,
    title: str,
    forename: str,
    surname: str,
    students: list[tuple[str, str, bool]],
) -> dict[str, Any]:
    """A contact with `contact_details` and its `students`, each with the `relationship`
    Wonde gives (relationship, parental responsibility, priority). No documentation of the
    contact object or of the contacts list was found (the student object lists `contacts`
    and `contacts.contact_details` as includes, docs.wonde.com/docs/api/sync#student-object);
    the field names are the ones the sync reads, `contact_details` shaped as an employee's."""
    return {
        "id": wonde_id,
        "upi": f"upi{wonde_id}",
        "mis_id": wonde_id[-6:],
        "title": title,
        "forename": forename,
        "surname": surname,
        "contact_details": {
            "data": {
                "emails": {"email": f"{forename}.{surname}@home.example".lower()},
                "telephones": {"mobile": "07700 900123", "phone": None},
            }
        },
        "students": {
            "data": [
                {
                    "id": student_id,
                    "relationship": {
                        "data": {
                            "relationship": relation,
                            "parental_responsibility": responsible,
                            "priority": 1,
                        }
                    },
                }
                for student_id, relation, responsible in students
            ]
        },
    }


def teaching_class(
    wonde_id: str, *, name: str, subject: str, students: list[str], employees: list[str]
) -> dict[str, Any]:
    """A class (docs.wonde.com/docs/api/sync#get-classes: id, mis_id, name, code,
    description, subject, alternative, restored_at, created_at, updated_at). `subject` is the
    subject's id unless `include=subject` makes it `{"data": subject}`
    (docs.wonde.com/docs/api/sync#subject-object: id, mis_id, code, name, active); the
    included `students` and `employees` are whole student and employee objects, filled in by
    the server from its lists when asked for."""
    return {
        "id": wonde_id,
        "mis_id": wonde_id[-5:],
        "name": name,
        "code": name,
        "description": f"{subject} {name}",
        "subject": {
            "data": {
                "id": f"S{subject[:3].upper()}",
                "mis_id": subject[:3].upper(),
                "code": subject[:2],
                "name": subject,
                "active": True,
            }
        },
        "alternative": False,
        "restored_at": None,
        "created_at": wonde_time(dt.datetime(2000, 1, 1)),
        "students": {"data": [{"id": s} for s in students]},
        "employees": {"data": [{"id": e} for e in employees]},
    }


def group(wonde_id: str, *, name: str, students: list[str]) -> dict[str, Any]:
    """A registration group, `type` REGISTRATION, with its students and employees. No
    documentation of the group object or its `type` values was found (the student object
    lists `groups` and `registration` as includes, docs.wonde.com/docs/api/sync#student-object);
    it is shaped as a class."""
    return {
        "id": wonde_id,
        "restored_at": None,
        "created_at": wonde_time(dt.datetime(2000, 1, 1)),
        "mis_id": wonde_id[-5:],
        "name": name,
        "code": name,
        "type": "REGISTRATION",
        "students": {"data": [{"id": s} for s in students]},
        "employees": {"data": []},
    }


def attendance_summary(student_id: str, *, possible: int, present: int) -> dict[str, Any]:
    """A student's attendance summary for the year so far, from the attendance-summaries
    list (named in https://github.com/wondeltd/php-client, which reads `possible_marks`).
    No documentation of the other fields was found; marks are sessions."""
    return {
        "id": f"AS{student_id}",
        "student": student_id,
        "possible_marks": possible,
        "present": present,
        "approved_educational_activity": 0,
        "authorised_absence": (possible - present) // 2,
        "unauthorised_absence": possible - present - (possible - present) // 2,
    }


def deletion(record_id: str, when: dt.datetime, *, kind: str = "student") -> dict[str, Any]:
    """A deleted record (docs.wonde.com/docs/api/sync, the deletions list: type, id, mis_id,
    deleted_at, restored_at; a `type` filter; one entry for every top-level record deleted:
    student, contact, employee, group…). `updated_after` reads `deleted_at` here."""
    return {
        "type": kind,
        "id": record_id,
        "mis_id": record_id[-5:],
        "deleted_at": wonde_time(when),
        "restored_at": None,
    }


def build_school(
    data: WondeData,
    *,
    pupils: int,
    per_class: int = 30,
    staff: int | None = None,
    la: int = 850,
    estab: int = 4999,
) -> WondeData:
    """A school of `pupils` students in years 7-11: forms of 30, classes of `per_class` in
    five subjects per year, two contacts per student, attendance for each."""
    forenames = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hari", "Isla", "Jack")
    surnames = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes")
    years = ("7", "8", "9", "10", "11")
    staff_count = staff if staff is not None else max(5, pupils // 16)
    employees = [
        employee(
            f"E{n:06d}",
            title="Ms" if n % 2 else "Mr",
            forename=forenames[n % len(forenames)],
            surname=f"{surnames[n % len(surnames)]}{n}",
            code=f"T{n:03d}",
        )
        for n in range(staff_count)
    ]
    students = []
    for n in range(pupils):
        year = years[n % len(years)]
        students.append(
            student(
                f"A{n:07d}",
                # A UPN has a three-digit serial: each thousand pupils takes the next estab.
                upn=upn_make(la=la, estab=estab + n // 1000, year=20 + int(year), serial=n % 1000),
                forename=forenames[n % len(forenames)],
                surname=f"{surnames[(n // 3) % len(surnames)]}",
                born=dt.date(2019 - int(year), 1 + n % 12, 1 + n % 28),
                year=year,
                gender="F" if n % 2 else "M",
                fsm=n % 5 == 0,
                pupil_premium=n % 4 == 0,
                sen="K" if n % 9 == 0 else "N",
                eal=n % 7 == 0,
            )
        )
    by_year: dict[str, list[str]] = {y: [] for y in years}
    for item in students:
        by_year[item["education_details"]["data"]["current_nc_year"]].append(item["id"])
    classes, groups = [], []
    for year, ids in by_year.items():
        for start in range(0, len(ids), 30):
            groups.append(
                group(
                    f"G{year}{start:05d}",
                    name=f"{year}F{start // 30 + 1}",
                    students=ids[start : start + 30],
                )
            )
        for subject in ("English", "Mathematics", "Science", "History", "French"):
            for start in range(0, len(ids), per_class):
                number = len(classes)
                classes.append(
                    teaching_class(
                        f"C{number:06d}",
                        name=f"{year}{subject[:2]}{start // per_class + 1}",
                        subject=subject,
                        students=ids[start : start + per_class],
                        employees=[employees[number % len(employees)]["id"]],
                    )
                )
    contacts = []
    for n, item in enumerate(students):
        for k, (title, relation) in enumerate((("Mrs", "Mother"), ("Mr", "Father"))):
            contacts.append(
                contact(
                    f"P{n:07d}{k}",
                    title=title,
                    forename=("Sara", "Tom")[k],
                    surname=item["surname"],
                    students=[(item["id"], relation, True)],
                )
            )
    attendance = [
        attendance_summary(item["id"], possible=120, present=120 - (n * 7) % 25)
        for n, item in enumerate(students)
    ]
    data.lists.update(
        students=students,
        employees=employees,
        contacts=contacts,
        classes=classes,
        groups=groups,
        **{"attendance-summaries": attendance},
    )
    for records in data.lists.values():
        for record in records:
            data.touch(record)
    return data


class WondeServer:
    """Serves `WondeData` at http://127.0.0.1:PORT/v1.0/ until stopped."""

    def __init__(self, data: WondeData, *, per_page_cap: int = 200) -> None:
        self.data = data
        self.per_page_cap = per_page_cap
        self.requests: list[str] = []
        self.throttle = 0  # the next n requests answer 429
        self.retry_after = "0"
        self._index: dict[str, dict[str, dict[str, Any]]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                server.requests.append(self.path)
                status, body, headers = server.answer(self.path, self.headers.get("Authorization"))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1.0"

    def __enter__(self) -> WondeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, path: str, authorization: str | None) -> tuple[int, Any, dict[str, str]]:
        if authorization != f"Bearer {TOKEN}":
            # docs.wonde.com/docs/api/sync#authentication
            return 401, {"error": "invalid_token", "error_description": "Unauthenticated."}, {}
        if self.throttle > 0:
            self.throttle -= 1
            # docs.wonde.com/docs/api/sync#rate-limiting
            return 429, {"error": "Too Many Attempts."}, {"Retry-After": self.retry_after}
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        route = parts.path.removeprefix("/v1.0/").strip("/").split("/")
        if route == ["schools"]:
            schools = [self.data.school()]
            if query.get("urn"):  # the documented `urn` filter
                schools = [x for x in schools if str(x["urn"]) == query["urn"]]
            return 200, self.page(schools, query, parts.path, set()), {}
        if len(route) == 3 and route[0] == "schools" and route[2] in INCLUDES:
            if route[1] != self.data.school_id:
                return 404, {"error": "Not found"}, {}
            return 200, self.records(route[2], query, parts.path), {}
        return 404, {"error": "Not found"}, {}

    def records(self, name: str, query: dict[str, str], path: str) -> dict[str, Any]:
        rows = self.data.lists[name]
        if query.get("updated_after"):
            after = dt.datetime.strptime(query["updated_after"], WONDE_TIME).replace(tzinfo=dt.UTC)
            # A deletion is dated by when it happened (or was undone); the rest by updated_at.
            stamp = "deleted_at" if name == "deletions" else "updated_at"
            rows = [r for r in rows if _when(r.get("restored_at") or r[stamp]) > after]
        if name in {"deletions", "groups"} and query.get("type"):
            rows = [r for r in rows if r["type"] == query["type"]]
        wanted = set(filter(None, query.get("include", "").split(",")))
        self._index = {}  # this request's look-up of whole records
        shaped = []
        for row in rows:
            item = copy.deepcopy(row)
            for key in INCLUDES[name] - wanted:
                item.pop(key, None)
            if "subject" in INCLUDES[name] and "subject" not in wanted:
                item["subject"] = row["subject"]["data"]["id"]  # the id unless included
            for key, source in (("students", "students"), ("employees", "employees")):
                if name in {"classes", "groups"} and key in wanted:
                    item[key] = {"data": [self.whole(source, m["id"]) for m in row[key]["data"]]}
            shaped.append(item)
        return self.page(shaped, query, path, wanted)

    def whole(self, name: str, record_id: str) -> dict[str, Any]:
        """A student or employee as a class includes it: the object without its includes."""
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = {r["id"]: r for r in self.data.lists[name]}
        record = index.get(record_id, {"id": record_id})
        return {k: v for k, v in record.items() if k not in INCLUDES[name]}

    def page(
        self, rows: list[dict[str, Any]], query: dict[str, str], path: str, includes: set[str]
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {"includes": sorted(includes)}
        if "per_page" not in query and len(rows) <= DEFAULT_PER_PAGE:
            return {"data": rows, "meta": meta}  # no pagination object: everything is here
        per_page = min(int(query.get("per_page", DEFAULT_PER_PAGE)), self.per_page_cap)
        number = int(query.get("page", "1"))
        chunk = rows[(number - 1) * per_page : number * per_page]
        more = number * per_page < len(rows)

        def link(n: int) -> str:
            return f"{self.url.removesuffix('/v1.0')}{path}?" + urllib.parse.urlencode(
                {**query, "page": str(n)}
            )

        meta["pagination"] = {
            "next": link(number + 1) if more else None,
            "previous": link(number - 1) if number > 1 else None,
            "more": more,
            "per_page": per_page,
            "current_page": number,
        }
        return {"data": chunk, "meta": meta}


def _when(stamp: dict[str, Any]) -> dt.datetime:
    return dt.datetime.strptime(stamp["date"][:19], WONDE_TIME).replace(tzinfo=dt.UTC)
