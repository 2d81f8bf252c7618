"""A local Wonde API for the tests and the benchmark: a real HTTP server in a thread.

Its answers follow Wonde's documented response shapes; the documentation page for each is
named beside it (https://docs.wonde.com/docs/api/sync). Never the internet: the sync under test
is pointed at this server's address.

- Every list answers `{"data": [...], "meta": {"pagination": {"next", "previous", "more",
  "per_page", "current_page"}}}` and pages by `page` and `per_page`
  (docs.wonde.com/docs/api/sync#pagination).
- `include=` adds related objects wrapped as `{"data": …}` (docs.wonde.com/docs/api/sync#includes).
- `updated_after=YYYY-MM-DD HH:MM:SS` keeps records updated after it
  (docs.wonde.com/docs/api/sync#filtering).
- A wrong token answers 401 (docs.wonde.com/docs/api/sync#authentication); `throttle` makes the
  next requests answer 429 with `Retry-After` (docs.wonde.com/docs/api/sync#rate-limiting).
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


def wonde_time(when: dt.datetime) -> dict[str, Any]:
    """A Wonde date object (docs.wonde.com/docs/api/sync#dates)."""
    return {
        "date": when.strftime("%Y-%m-%d %H:%M:%S.000000"),
        "timezone_type": 3,
        "timezone": "Europe/London",
    }


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
        """A school as GET /schools lists it (docs.wonde.com/docs/api/sync#schools)."""
        return {
            "id": self.school_id,
            "name": self.name,
            "establishment_number": "4999",
            "urn": self.urn,
            "la_code": "850",
            "phase_of_education": self.phase,
            "mis": "Arbor",
            "timezone": "Europe/London",
            "region": {
                "code": "GBR",
                "domain": "api.wonde.com",
                "school_url": "",
                "identifiers": {},
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
    """A student (docs.wonde.com/docs/api/sync#students) with its `education_details`
    (docs.wonde.com/docs/api/sync#student-education-details) and `extended_details`
    (docs.wonde.com/docs/api/sync#student-extended-details)."""
    midnight = dt.time(0, 0)
    return {
        "id": wonde_id,
        "upi": f"upi{wonde_id}",
        "mis_id": wonde_id[-5:],
        "initials": forename[:1] + surname[:1],
        "title": None,
        "surname": surname,
        "forename": forename,
        "middle_names": None,
        "legal_surname": surname,
        "legal_forename": forename,
        "gender": gender,
        "date_of_birth": wonde_time(dt.datetime.combine(born, midnight)),
        "education_details": {
            "data": {
                "upn": upn,
                "former_upn": None,
                "admission_number": wonde_id[-5:],
                "admission_date": wonde_time(dt.datetime.combine(admitted, midnight)),
                "leaving_date": wonde_time(dt.datetime.combine(leaving, midnight))
                if leaving
                else None,
                "current_nc_year": year,
                "mis_id": wonde_id[-5:],
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
    """An employee (docs.wonde.com/docs/api/sync#employees) with `contact_details` and
    `employment_details`."""
    return {
        "id": wonde_id,
        "upi": f"upi{wonde_id}",
        "mis_id": code,
        "title": title,
        "forename": forename,
        "surname": surname,
        "contact_details": {
            "data": {
                "emails": {"email": f"{forename}.{surname}@ashby.example".lower()},
                "telephones": {"phone": None},
            }
        },
        "employment_details": {"data": {"staff_code": code, "teaching_staff": True}},
    }


def contact(
    wonde_id: str,
    *,
    title: str,
    forename: str,
    surname: str,
    students: list[tuple[str, str, bool]],
) -> dict[str, Any]:
    """A contact (docs.wonde.com/docs/api/sync#contacts) with `contact_details` and its
    `students`, each with the `relationship` Wonde gives (relationship, parental
    responsibility)."""
    return {
        "id": wonde_id,
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
    """A class (docs.wonde.com/docs/api/sync#classes) with its `students`, `employees` and
    `subject`."""
    return {
        "id": wonde_id,
        "mis_id": wonde_id[-5:],
        "name": name,
        "code": name,
        "description": f"{subject} {name}",
        "subject": {"data": {"id": f"S{subject[:3].upper()}", "name": subject}},
        "students": {"data": [{"id": s} for s in students]},
        "employees": {"data": [{"id": e} for e in employees]},
    }


def group(wonde_id: str, *, name: str, students: list[str]) -> dict[str, Any]:
    """A registration group (docs.wonde.com/docs/api/sync#groups), `type` REGISTRATION."""
    return {
        "id": wonde_id,
        "mis_id": wonde_id[-5:],
        "name": name,
        "code": name,
        "type": "REGISTRATION",
        "students": {"data": [{"id": s} for s in students]},
        "employees": {"data": []},
    }


def attendance_summary(student_id: str, *, possible: int, present: int) -> dict[str, Any]:
    """A student's attendance summary for the year so far
    (docs.wonde.com/docs/api/sync#attendance-summaries): marks are sessions."""
    return {
        "id": f"AS{student_id}",
        "student": student_id,
        "possible_marks": possible,
        "present": present,
        "approved_educational_activity": 0,
        "authorised_absence": (possible - present) // 2,
        "unauthorised_absence": possible - present - (possible - present) // 2,
    }


def deletion(student_id: str, when: dt.datetime) -> dict[str, Any]:
    """A deleted record (docs.wonde.com/docs/api/sync#deletions)."""
    return {
        "id": student_id,
        "type": "student",
        "restored_at": None,
        "deleted_at": wonde_time(when),
        "updated_at": wonde_time(when),
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
                upn=upn_make(la=la, estab=estab, year=20 + int(year), serial=n),
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
            return 200, self.page([self.data.school()], query, parts.path), {}
        if len(route) == 3 and route[0] == "schools" and route[2] in INCLUDES:
            if route[1] != self.data.school_id:
                return 404, {"error": "Not found"}, {}
            return 200, self.records(route[2], query, parts.path), {}
        return 404, {"error": "Not found"}, {}

    def records(self, name: str, query: dict[str, str], path: str) -> dict[str, Any]:
        rows = self.data.lists[name]
        if query.get("updated_after"):
            after = dt.datetime.strptime(query["updated_after"], WONDE_TIME).replace(tzinfo=dt.UTC)
            rows = [
                r
                for r in rows
                if dt.datetime.strptime(r["updated_at"]["date"][:19], WONDE_TIME).replace(
                    tzinfo=dt.UTC
                )
                > after
            ]
        if name == "deletions" and query.get("type"):
            rows = [r for r in rows if r["type"] == query["type"]]
        if name == "groups" and query.get("type"):
            rows = [r for r in rows if r["type"] == query["type"]]
        wanted = set(filter(None, query.get("include", "").split(",")))
        shaped = []
        for row in rows:
            item = copy.deepcopy(row)
            for key in INCLUDES[name] - wanted:
                item.pop(key, None)
            shaped.append(item)
        return self.page(shaped, query, path)

    def page(self, rows: list[dict[str, Any]], query: dict[str, str], path: str) -> dict[str, Any]:
        per_page = min(int(query.get("per_page", "50")), self.per_page_cap)
        number = int(query.get("page", "1"))
        chunk = rows[(number - 1) * per_page : number * per_page]
        more = number * per_page < len(rows)

        def link(n: int) -> str:
            return f"{self.url.removesuffix('/v1.0')}{path}?" + urllib.parse.urlencode(
                {**query, "page": str(n)}
            )

        return {
            "data": chunk,
            "meta": {
                "pagination": {
                    "next": link(number + 1) if more else None,
                    "previous": link(number - 1) if number > 1 else None,
                    "more": more,
                    "per_page": per_page,
                    "current_page": number,
                }
            },
        }
