"""Every web upload refuses a malformed file clearly: never a server error, never a change.

The upload routes are found from the URLconf: a view that reads `request.FILES` (itself, or
through a helper in its own module) is an upload route and needs an entry in `ROUTES` saying
who may use it and what it asks for, so a new upload page fails here until it is covered.
Each route is sent targeted bad files (NUL bytes, text that is not UTF-8, UTF-16, byte-order
marks alone, binary garbage, truncated and bomb-sized zips and workbooks, XML with entities,
empty files, the wrong kind of file under the right name) and files hypothesis makes with a
defect placed anywhere in them, through the Django test client as the person allowed to use
the page. Each must be answered below 500 with a message naming the file, and must leave every
table's row count (and the media folder) as it was. A refused import's own record (an
`ImportRun` with the outcome "refused") is the one row a refusal may add.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nextsteps import api as ninja_api
from nextsteps.markbook.uploads import sniff, sniff_audio
from tests.conftest import Cast

KINGSMEAD = 990102
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    """How a person allowed to use an upload page sends it a file."""

    username: str
    url: Callable[[Cast], dict[str, Any]]  # the URL's parameters
    fields: Callable[[Cast], dict[str, Any]]  # the form's other fields
    file_field: str
    extensions: tuple[str, ...]  # the kinds of file the page asks for


def _primary(cast: Cast, **more: Any) -> dict[str, Any]:
    return {"urn": cast.primary.urn, **more}


def _kingsmead(**more: Any) -> dict[str, Any]:
    return {"urn": KINGSMEAD, **more}


def _algebra_session() -> Any:
    from nextsteps.judging.models import ModerationSession

    return ModerationSession.objects.get(school__urn=KINGSMEAD, title__startswith="Year 8 algebra")


def _cj_session(cast: Cast) -> Any:
    """An open comparative-judgement session the senior leader organises."""
    from nextsteps.judging.models import CJSession
    from nextsteps.judging.services.comparative import cj_session_create
    from nextsteps.people.models import Staff
    from nextsteps.schools.models import School

    existing = CJSession.objects.filter(school__urn=KINGSMEAD, title="Upload fuzz").first()
    return existing or cj_session_create(
        school=School.objects.get(urn=KINGSMEAD),
        judges=[Staff.objects.get(user__username="hod")],
        by=cast.user("leader"),
        seed=1,
        title="Upload fuzz",
        task="Write the opening.",
    )


def _moderation_item(cast: Cast) -> dict[str, Any]:
    session = _algebra_session()
    item = session.items.order_by("position").first()
    return _kingsmead(session_id=session.pk, item_id=item.pk)


def _story(cast: Cast) -> dict[str, Any]:
    from nextsteps.feedback.models import Work

    story = Work.objects.get(teaching_class=cast.four_oak, title__startswith="The Lost Key")
    return _primary(cast, work_id=story.pk, pupil_id=cast.amara.pk)


def _open_target(cast: Cast) -> dict[str, Any]:
    from nextsteps.feedback.models import Target

    target = Target.objects.filter(pupil=cast.amara, status="open").first()
    assert target is not None
    return _primary(cast, target_id=target.pk)


def _amaras_self_assessment(cast: Cast) -> dict[str, Any]:
    """A drawing for Amara's self-assessment on today's maths (made here if the demo has none)."""
    from nextsteps.curriculum.models import Objective, ScaleLevel
    from nextsteps.feedback.models import SelfAssessment
    from nextsteps.feedback.services import self_assessment_record

    today = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    assessment = SelfAssessment.objects.filter(pupil=cast.amara, objective=today).last()
    if assessment is None:
        level = ScaleLevel.objects.filter(scale_id=cast.maths_framework.self_scale_id).first()
        assessment = self_assessment_record(
            pupil=cast.amara,
            objective=today,
            ratings={step.pk: level for step in today.success_criteria.all()},
            by=cast.user("pupil"),
        )
    return {"kind": "drawing", "assessment": assessment.pk}


def _cohort_without_ks2(cast: Cast) -> dict[str, Any]:
    """Kingsmead's leavers with no KS2 baseline, for whom a school may load its own."""
    from nextsteps.progress import selectors

    years = [
        cohort.year
        for cohort in selectors.progress8_cohorts(cast.secondary)
        if selectors.cohort_baseline("progress8", cohort.year).available is False
    ]
    assert years, "the demo needs a Progress 8 cohort without a KS2 baseline"
    return _kingsmead(year=years[0])


def _exemplar_fields(cast: Cast) -> dict[str, Any]:
    from nextsteps.curriculum.models import ScaleLevel

    objective = _algebra_session().objective
    level = ScaleLevel.objects.filter(scale_id=objective.framework.scale_id).first()
    assert level is not None
    return {"title": "Fuzzed exemplar", "level": level.pk, "text": ""}


def _multiplication_test(cast: Cast) -> dict[str, Any]:
    from nextsteps.assessments import demo
    from nextsteps.assessments.models import Assessment

    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    return _primary(cast, assessment_id=test.pk)


def _six_oak_pupil(cast: Cast) -> dict[str, Any]:
    from nextsteps.teaching.models import Class

    six_oak = (
        Class.objects.filter(school=cast.primary, name="6 Oak")
        .order_by("-academic_year__starts_on")
        .first()
    )
    assert six_oak is not None
    pupil_id = six_oak.enrolments.values_list("pupil_id", flat=True).first()
    return _primary(cast, class_id=six_oak.pk, pupil_id=pupil_id)


def _markbook_cell(cast: Cast) -> dict[str, Any]:
    from nextsteps.curriculum.models import Objective

    objective = Objective.objects.get(framework=cast.maths_framework, code="Y4-ST-01")
    return _primary(
        cast, class_id=cast.four_oak.pk, pupil_id=cast.amara.pk, objective_id=objective.pk
    )


CSV, XLSX, ZIP, XML, YAML, TXT, PNG, PDF, WEBM = (
    ".csv",
    ".xlsx",
    ".zip",
    ".xml",
    ".yaml",
    ".txt",
    ".png",
    ".pdf",
    ".webm",
)


def NOTHING(cast: Cast) -> dict[str, Any]:  # noqa: N802 - reads as a constant in ROUTES
    return {}


ROUTES: dict[str, Route] = {
    "interop_oneroster_import": Route("admin", _primary, NOTHING, "file", (ZIP,)),
    "interop_ctf_import": Route("admin", _primary, NOTHING, "file", (XML,)),
    "interop_attendance_import": Route("admin", _primary, NOTHING, "file", (CSV,)),
    "interop_sheet": Route("admin", _primary, lambda c: {"kind": "pupils"}, "file", (CSV, XLSX)),
    "framework_upload": Route(
        "admin",
        _primary,
        lambda c: {"name": "Fuzzed", "subject": "Mathematics", "version": "1"},
        "file",
        (YAML, CSV),
    ),
    "writing_statements": Route("primaryhead", _primary, NOTHING, "file", (CSV,)),
    "writing_piece_add": Route(
        "year6",
        _six_oak_pupil,
        lambda c: {"title": "Fuzzed piece", "written_on": "2026-11-02"},
        "file",
        (PNG, PDF),
    ),
    "progress_results": Route(
        "primaryhead", _primary, lambda c: {"form": "results"}, "file", (CSV,)
    ),
    "progress8_proxy": Route(
        "leader", _cohort_without_ks2, lambda c: {"name": "CAT4 in Year 7"}, "file", (CSV,)
    ),
    "progress_tables": Route(
        "primaryhead", _primary, lambda c: {"kind": "nominal"}, "table", (CSV,)
    ),
    "progress_options_upload": Route("leader", lambda c: _kingsmead(), NOTHING, "file", (CSV,)),
    "assessments:table_create": Route(
        "primaryhead",
        _primary,
        lambda c: {"name": "Fuzzed test", "year": 2026, "kind": "scaled"},
        "file",
        (CSV,),
    ),
    "assessments:mark_upload": Route("teacher", _multiplication_test, NOTHING, "file", (CSV, XLSX)),
    "markbook_cell": Route(
        "teacher", _markbook_cell, lambda c: {"position": "3"}, "photo", (PNG, PDF)
    ),
    "feedback:submission": Route(
        "pupil",
        _story,
        lambda c: {"action": "version", "v-text": "", "v-response": ""},
        "v-file",
        (PNG, PDF),
    ),
    "feedback:target_detail": Route(
        "pupil", _open_target, lambda c: {"action": "claim", "c-comment": ""}, "c-file", (PNG,)
    ),
    "feedback:submission_note_add": Route(
        "pupil", _story, lambda c: {"kind": "voice"}, "file", (WEBM, PNG)
    ),
    "feedback:self_assessment_note_add": Route(
        "pupil",
        lambda c: _primary(c, pupil_id=c.amara.pk),
        _amaras_self_assessment,
        "file",
        (PNG, WEBM),
    ),
    "judging_exemplars": Route(
        "hod",
        lambda c: _kingsmead(objective_id=_algebra_session().objective_id),
        _exemplar_fields,
        "file",
        (PNG, PDF),
    ),
    "cj_scripts": Route(
        "leader",
        lambda c: _kingsmead(session_id=_cj_session(c).pk),
        lambda c: {"source": "upload"},
        "files",
        (TXT, PNG, PDF),
    ),
    "moderation_attach": Route(
        "leader", _moderation_item, lambda c: {"work_text": ""}, "file", (PNG, PDF)
    ),
    "report_logo": Route("primaryhead", _primary, NOTHING, "logo", (PNG,)),
}


# --------------------------------------------------------------------------- finding them


def _module_functions(module: ModuleType) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in vars(module).items()
        if inspect.isfunction(member) and member.__module__ == module.__name__
    }


def _file_readers(module: ModuleType) -> set[str]:
    """The module's functions that read `request.FILES`, themselves or through another."""
    sources = {
        name: inspect.getsource(inspect.unwrap(function))
        for name, function in _module_functions(module).items()
    }
    readers = {name for name, source in sources.items() if "request.FILES" in source}
    while True:
        callers = {
            name
            for name, source in sources.items()
            if any(re.search(rf"(?<![\w.]){reader}\(", source) for reader in readers)
        }
        if callers <= readers:
            return readers
        readers |= callers


def reads_uploads(pattern: URLPattern) -> bool:
    view = inspect.unwrap(pattern.callback)
    view = getattr(view, "func", view)  # a functools.partial
    module = inspect.getmodule(view)
    if module is None or not module.__name__.startswith("nextsteps."):
        # Django's sign-in views and django-ninja's API operations, which take no files
        # (`test_the_api_takes_no_files`).
        return False
    return view.__name__ in _file_readers(module)


def named_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern with its full name (`namespace:name`); the admin site left out."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin's own forms; no upload field is registered there
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        else:
            yield f"{namespace}{entry.name}", entry


def upload_route_names() -> set[str]:
    return {name for name, pattern in named_patterns() if reads_uploads(pattern)}


def test_every_view_that_reads_uploaded_files_is_fuzzed_here() -> None:
    assert upload_route_names() == set(ROUTES), (
        "add the new upload route to ROUTES (who may use it, what it asks for)"
    )


def test_the_api_takes_no_files() -> None:
    """The API reads JSON only; an upload route there would need adding to ROUTES."""
    api = Path(inspect.getfile(ninja_api)).parent
    for module in api.glob("*.py"):
        text = module.read_text()
        assert "UploadedFile" not in text and "File(" not in text and ".FILES" not in text


# --------------------------------------------------------------------------- bad files


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declared_huge(archive: bytes) -> bytes:
    """The zip with each member claiming to unpack to 4 GiB - 1 (a zip bomb's signature)."""
    out = bytearray(archive)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (found := out.find(signature, start)) >= 0:
            out[found + offset : found + offset + 4] = struct.pack("<I", 0xFFFFFFFF)
            start = found + 4
    return bytes(out)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


PUPILS_CSV = _csv(
    [
        ["UPN", "Legal Surname", "Legal Forename", "Date of Birth", "Year Group"],
        ["A850210100001", "Okafor", "Ada", "04/03/2017", "4"],
        ["A850210100002", "Lewis", "Ben", "05/06/2017", "4"],
    ]
)
NUL_CSV = PUPILS_CSV.replace(b"Ben", b"B\x00en")
LATIN1_CSV = PUPILS_CSV.replace(b"Lewis", "Zoë".encode("latin-1"))
UTF16_CSV = PUPILS_CSV.decode().encode("utf-16")
GARBAGE = bytes(range(256)) * 4
ELF = b"\x7fELF\x02\x01\x01" + bytes(200)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10))
    + b"]>\n<CTfile><Header><DocumentName>&lol9;</DocumentName></Header></CTfile>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b"<CTfile><Header><DocumentName>&x;</DocumentName></Header></CTfile>"
)
HTML_AS_IMAGE = b"<!DOCTYPE html><script>alert(1)</script>"


def _workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(archive: bytes, replace: Callable[[str, bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    return _zip(
        {info.filename: replace(info.filename, source.read(info)) for info in source.infolist()}
    )


def _oneroster(replace: dict[str, bytes] | None = None) -> bytes:
    from nextsteps.interop.sample import oneroster_sample

    files = oneroster_sample(urn=990101, pupils=3, teachers=1, classes=1, version="1.2")
    return _zip({**files, **(replace or {})})


def targeted_files(extension: str) -> Iterator[tuple[str, bytes]]:
    """Bad files for a page that asks for this kind of file: (name, content)."""
    stem = f"bad-{extension.lstrip('.')}"
    yield f"{stem}-empty{extension}", b""
    yield f"{stem}-garbage{extension}", GARBAGE
    yield f"{stem}-program{extension}", ELF
    if extension in {CSV, TXT, YAML}:
        yield f"{stem}-nul{extension}", NUL_CSV
        yield f"{stem}-latin1{extension}", LATIN1_CSV
        yield f"{stem}-utf16{extension}", UTF16_CSV
        yield f"{stem}-bom-only{extension}", b"\xef\xbb\xbf"
        yield f"{stem}-is-a-zip{extension}", _zip({"a.csv": PUPILS_CSV})
        yield f"{stem}-nul-in-header{extension}", b"UPN,Sur\x00name\r\n1,2\r\n"
    if extension == YAML:
        yield f"{stem}-aliases{extension}", b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
        yield f"{stem}-python{extension}", b"!!python/object/apply:os.system ['true']\n"
    if extension == XLSX:
        workbook = _workbook([["UPN", "Legal Surname"], ["A850210100001", "Okafor"]])
        yield f"{stem}-truncated{extension}", workbook[: len(workbook) // 2]
        yield f"{stem}-bomb{extension}", _declared_huge(workbook)
        yield f"{stem}-csv-inside{extension}", PUPILS_CSV
    if extension == ZIP:
        roster = _oneroster()
        yield f"{stem}-truncated{extension}", roster[: len(roster) // 2]
        yield (
            f"{stem}-nul-csv{extension}",
            _oneroster({"users.csv": _oneroster_file("users.csv").replace(b",", b",\x00", 3)}),
        )
        yield (
            f"{stem}-latin1-csv{extension}",
            _oneroster(
                {"users.csv": _oneroster_file("users.csv") + "Zoë".encode("latin-1") + b"\r\n"}
            ),
        )
        yield (
            f"{stem}-nul-manifest{extension}",
            _oneroster(
                {"manifest.csv": _oneroster_file("manifest.csv").replace(b"bulk", b"bu\x00lk", 1)}
            ),
        )
        yield f"{stem}-bomb{extension}", _declared_huge(roster)
        yield f"{stem}-huge-member{extension}", _oneroster({"users.csv": bytes(8 * 1024 * 1024)})
        yield f"{stem}-no-members{extension}", _zip({})
        yield f"{stem}-is-a-csv{extension}", PUPILS_CSV
    if extension == XML:
        yield f"{stem}-billion-laughs{extension}", BILLION_LAUGHS
        yield f"{stem}-external-entity{extension}", EXTERNAL_ENTITY
        yield f"{stem}-nul{extension}", b"<CTfile><Header>\x00</Header></CTfile>"
        yield f"{stem}-nul-reference{extension}", b"<CTfile><Header>&#0;</Header></CTfile>"
        yield f"{stem}-latin1{extension}", "<CTfile><Header>Zoë</Header></CTfile>".encode("latin-1")
        yield f"{stem}-truncated{extension}", b"<CTfile><Header><SourceSchool><LEA>85"
    if extension in {PNG, PDF}:
        yield f"{stem}-html{extension}", HTML_AS_IMAGE
        yield f"{stem}-is-a-csv{extension}", NUL_CSV
    if extension == WEBM:
        yield f"{stem}-html{extension}", HTML_AS_IMAGE
        yield f"{stem}-a-gif{extension}", b"GIF89a" + bytes(40)  # a picture, not a drawing
        yield f"{stem}-cut-short{extension}", b"\x1aE"
        yield f"{stem}-is-a-csv{extension}", NUL_CSV


def _oneroster_file(name: str) -> bytes:
    from nextsteps.interop.sample import oneroster_sample

    return oneroster_sample(urn=990101, pupils=3, teachers=1, classes=1, version="1.2")[name]


# --------------------------------------------------------------------------- the checks


def row_counts() -> dict[str, int]:
    """Every table's row count in one query (refused-import records left out)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        - {"django_session"}
    )
    quote = connection.ops.quote_name
    selects = [
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}"  # noqa: S608 - our own table names
        + (" WHERE outcome <> 'refused'" if table == "interop_importrun" else "")
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        return dict(cursor.fetchall())


def media_files(media: Path) -> list[Path]:
    return sorted(media.rglob("*")) if media.exists() else []


def shown(response: Any) -> str:
    """What the person is told: the page, an htmx error trigger and any queued messages."""
    parts = [] if response.streaming else [response.content.decode(errors="replace")]
    parts.append(response.headers.get("HX-Trigger", ""))
    parts.extend(str(message) for message in get_messages(response.wsgi_request))
    return "\n".join(parts)


# A table of problems by row and column (the marks page's), where the file is the one just sent.
ROW = re.compile(r"<th[^>]*>\s*Row\s*</th>")


def names_of(filename: str, content: bytes) -> set[str]:
    """The file's name, and those of its members when it is a zip (a OneRoster set names the
    CSV file and line at fault)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        members = []
    return {filename} | {member.rsplit("/", 1)[-1] for member in members}


class Sender:
    """Sends files to one route as its person and checks each answer."""

    def __init__(self, cast: Cast, name: str, media: Path) -> None:
        self.route = ROUTES[name]
        self.client: Client = cast.client(self.route.username)
        self.path = reverse(name, kwargs=self.route.url(cast))
        self.fields = self.route.fields(cast)
        self.media = media
        self.counts = row_counts()
        self.files = media_files(media)

    def send(self, filename: str, content: bytes) -> str:
        upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")
        response = self.client.post(self.path, {**self.fields, self.route.file_field: upload})
        self.client.cookies.pop("messages", None)
        where = f"{filename} to {self.path}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        told = shown(response)
        if content.removeprefix(b"\xef\xbb\xbf").strip():  # an empty file is refused as such
            assert any(name in told for name in names_of(filename, content)) or ROW.search(told), (
                f"{where}: the answer names neither the file nor a row:\n{told[:800]}"
            )
        assert row_counts() == self.counts, f"{where}: a table changed"
        assert media_files(self.media) == self.files, f"{where}: a file was stored"
        return told


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
        },
    }
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_targeted_bad_files_are_refused_clearly_and_change_nothing(
    cast: Cast, media: Path, name: str
) -> None:
    sender = Sender(cast, name, media)
    for extension in ROUTES[name].extensions:
        for filename, content in targeted_files(extension):
            sender.send(filename, content)


def test_a_nul_byte_is_named_by_file_and_line(cast: Cast, media: Path) -> None:
    """The PostgreSQL server error of issue 16: a OneRoster CSV holding a NUL byte."""
    users = _oneroster_file("users.csv").split(b"\r\n")
    users[1] += b"\x00"
    told = Sender(cast, "interop_oneroster_import", media).send(
        "roster.zip", _oneroster({"users.csv": b"\r\n".join(users)})
    )
    # The problems page lists file, line, column and problem, a row each.
    assert re.search(
        r"<td>users\.csv</td>\s*<td>2</td>\s*<td></td>\s*<td>character \d+ is a NUL", told
    )
    told = Sender(cast, "interop_sheet", media).send("pupils.csv", NUL_CSV)
    assert re.search(r"pupils\.csv, line 3: character 22 is a NUL", told), told
    told = Sender(cast, "assessments:mark_upload", media).send("marks.csv", NUL_CSV)
    assert re.search(
        r"(?s)<td>3</td>.*The file marks\.csv cannot be read: character 22 is a NUL", told
    )


def test_a_refusal_no_page_catches_is_a_400_naming_the_file() -> None:
    """The guard behind every upload page: a reader's `Unreadable` that escapes a view."""
    from django.test import RequestFactory

    from nextsteps.filereading import Unreadable, lines
    from nextsteps.security.middleware import UnreadableUploadMiddleware

    def view(request: Any) -> Any:
        return list(lines(request.FILES["file"].read(), request.FILES["file"].name))

    request = RequestFactory().post(
        "/", {"file": SimpleUploadedFile("scores.csv", b"upn,score\r\nA1,9\x00\r\n")}
    )
    guard = UnreadableUploadMiddleware(view)
    with pytest.raises(Unreadable) as refused:
        view(request)
    response = guard.process_exception(request, refused.value)
    assert response is not None and response.status_code == 400
    assert "scores.csv, line 2: character 5 is a NUL" in response.content.decode()
    assert guard.process_exception(request, ValueError("a bug")) is None  # still a 500


# --------------------------------------------------------------------------- hypothesis

DEFECTS = [b"\x00", b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xfe\xff\x00", b"\xff\xfe"]


def _insert(body: bytes, defect: bytes, at: float) -> bytes:
    cut = int(len(body) * at)
    return body[:cut] + defect + body[cut:]


@st.composite
def defective_text(draw: Any, extension: str) -> tuple[str, bytes]:
    """Text of the kind the page asks for (or any bytes), with bytes that are not text in it."""
    rows = st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), min_size=1, max_size=5)
    body = draw(st.one_of(rows.map(_csv), st.binary(max_size=300)))
    if extension == XML:
        body = b"<CTfile><Header>" + body + b"</Header></CTfile>"
    elif extension == YAML:
        body = b"name: " + body
    return f"fuzz{extension}", _insert(body, draw(st.sampled_from(DEFECTS)), draw(st.floats(0, 1)))


@st.composite
def defective_archive(draw: Any, extension: str) -> tuple[str, bytes]:
    """A zip (a OneRoster set or a workbook) with a defect in a member, and perhaps cut short;
    or bytes that are no zip at all."""
    if draw(st.booleans()):
        return f"fuzz{extension}", draw(st.binary(min_size=1, max_size=300))
    archive = _oneroster() if extension == ZIP else _workbook([["UPN", "Name"], ["1", "Ada"]])
    target = draw(st.sampled_from(zipfile.ZipFile(io.BytesIO(archive)).namelist()))
    defect, at = draw(st.sampled_from(DEFECTS)), draw(st.floats(0, 1))
    spoiled = _rezip(
        archive, lambda name, data: _insert(data, defect, at) if name == target else data
    )
    if draw(st.booleans()):
        spoiled = spoiled[: draw(st.integers(0, len(spoiled) - 1))]
    return f"fuzz{extension}", spoiled


@st.composite
def not_an_attachment(draw: Any, extension: str) -> tuple[str, bytes]:
    """Bytes that are no photo, PDF or document, under such a name."""
    data = draw(st.binary(min_size=1, max_size=400))
    assume(sniff(data[:16]) is None)
    return f"fuzz{extension}", data


@st.composite
def not_a_recording(draw: Any, extension: str) -> tuple[str, bytes]:
    """Bytes that are no sound recording, under a recording's name."""
    data = draw(st.binary(min_size=1, max_size=400))
    assume(sniff_audio(data[:16]) is None)
    return f"fuzz{extension}", data


def bad_files(extensions: tuple[str, ...]) -> st.SearchStrategy[tuple[str, bytes]]:
    strategies = []
    for extension in extensions:
        if extension == WEBM:
            strategies.append(not_a_recording(extension))
        elif extension in {ZIP, XLSX}:
            strategies.append(defective_archive(extension))
        elif extension in {PNG, PDF}:
            strategies.append(not_an_attachment(extension))
        else:
            strategies.append(defective_text(extension))
    return st.one_of(strategies)


@pytest.fixture
def sender(cast: Cast, media: Path, request: Any) -> Sender:
    return Sender(cast, request.param, media)


@pytest.mark.parametrize("sender", sorted(ROUTES), indirect=True)
@FUZZ
@given(data=st.data())
def test_malformed_files_never_break_an_upload_page(sender: Sender, data: Any) -> None:
    filename, content = data.draw(bad_files(sender.route.extensions))
    assume(
        filename.endswith(TXT)
        or (sniff(content[:16]) is None and sniff_audio(content[:16]) is None)
    )
    sender.send(filename, content)
