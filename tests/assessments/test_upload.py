"""Uploading marks: a bad file is refused whole, with every bad cell by row and column."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from nextsteps.assessments import demo
from nextsteps.assessments.models import Assessment, Mark
from nextsteps.audit.models import AuditEvent
from nextsteps.people.models import Pupil
from tests.conftest import Cast


def setup(cast: Cast) -> tuple[Assessment, str, list[Pupil]]:
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    pupils = list(Pupil.objects.filter(enrolments__teaching_class=cast.four_oak).order_by("pk")[:3])
    return test, f"/school/{cast.primary.urn}/assessments/{test.pk}/marks/upload/", pupils


def upload(client: object, url: str, name: str, data: bytes) -> object:
    return client.post(url, {"file": SimpleUploadedFile(name, data)})  # type: ignore[attr-defined]


def snapshot(test: Assessment) -> dict[tuple[int, int], int]:
    return {
        (p, q): m
        for p, q, m in Mark.objects.filter(assessment=test).values_list(
            "pupil_id", "question_id", "marks"
        )
    }


def test_a_file_with_bad_cells_is_refused_listing_each_and_nothing_is_saved(cast: Cast) -> None:
    test, url, (a, b, c) = setup(cast)
    isaac = Pupil.objects.get(school=cast.other)  # another trust's pupil
    before = snapshot(test)
    rows = [
        "UPN,Pupil,Q1,Q2,Q10,Q13",
        f"{a.upn},{a.name},0,0,4,",  # Q10 is worth 3
        f"{b.upn},{b.name},-1,1,1,",  # a negative mark
        f"{isaac.upn},Isaac,1,1,1,",  # not a pupil sitting this test
        "XX000,Nobody,1,1,1,",  # unknown UPN
        f"{c.upn},{c.name},1,1,1,",  # fine, but the file is refused whole
    ]
    response = upload(cast.client("teacher"), url, "marks.csv", "\n".join(rows).encode())
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "Nothing from this file has been saved" in html
    for expected in (
        "There is no question &#x27;Q13&#x27; on this test",
        "4 is more than the 3 marks question 10 is worth",
        "-1 is negative; marks start at 0",
        f"No pupil with UPN {isaac.upn} sits this test in your classes",
        "No pupil with UPN XX000 sits this test in your classes",
    ):
        assert expected in html, expected
    assert snapshot(test) == before


def test_a_good_file_saves_every_mark_and_is_audited_once(cast: Cast) -> None:
    test, url, (a, b, _c) = setup(cast)
    q1, q12 = test.questions.get(label="1"), test.questions.get(label="12")
    rows = ["upn,question,mark", f"{a.upn},1,0", f"{a.upn},Q12,2", f"{b.upn},12,0"]
    response = upload(cast.client("teacher"), url, "long.csv", "\n".join(rows).encode())
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Mark.objects.get(pupil=a, question=q1).marks == 0
    assert Mark.objects.get(pupil=a, question=q12).marks == 2
    assert Mark.objects.get(pupil=b, question=q12).marks == 0
    event = AuditEvent.objects.filter(action="marks.upload").latest("at")
    assert event.after is not None and event.after["note"] == "long.csv"


def test_the_excel_template_round_trips(cast: Cast) -> None:
    test, url, (a, _b, _c) = setup(cast)
    client = cast.client("teacher")
    template = client.get(f"/school/{cast.primary.urn}/assessments/{test.pk}/marks/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["UPN", "Pupil", "Class", "Q1"]
    assert len(rows) == 30  # a header and the 29 pupils
    amara_row = next(r for r in rows if r[0] == cast.amara.upn)
    amara_row[3] = 0 if amara_row[3] else 1
    out = Workbook()
    target = out.active
    assert target is not None
    for row in rows:
        target.append(row)
    buffer = io.BytesIO()
    out.save(buffer)
    response = upload(client, url, "marks.xlsx", buffer.getvalue())
    assert response.status_code == 302  # type: ignore[attr-defined]
    q1 = test.questions.get(label="1")
    assert Mark.objects.get(pupil=cast.amara, question=q1).marks == amara_row[3]


def test_a_teaching_assistants_upload_is_limited_to_her_groups(cast: Cast) -> None:
    test, url, _ = setup(cast)
    from nextsteps.teaching.models import GroupMembership

    supported = set(
        GroupMembership.objects.filter(group__supporters__user__username="ta").values_list(
            "pupil_id", flat=True
        )
    )
    outside = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk__in=supported)
        .first()
    )
    assert outside is not None
    response = upload(cast.client("ta"), url, "m.csv", f"UPN,Q1\n{outside.upn},1\n".encode())
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert (
        f"No pupil with UPN {outside.upn} sits this test in your classes"
        in response.content.decode()
    )  # type: ignore[attr-defined]
