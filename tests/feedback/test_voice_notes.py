"""The pupil's own voice: voice notes and drawings on work and self-assessments, spoken
feedback from the teacher, and who may play them back (the pupil, their teachers and, when
shared, their parents; everyone else is answered "not found")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.feedback import services
from nextsteps.feedback.demo_voice import key_drawing_png, voice_wav
from nextsteps.feedback.models import MediaNote, Notification, SelfAssessment, Submission, Work
from nextsteps.markbook.uploads import sniff_audio, sniff_drawing
from nextsteps.people.models import Pupil
from tests.conftest import Cast
from tests.feedback.conftest import URN

WEBM = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01" + bytes(64)  # an EBML (WebM) header
OGG = b"OggS\x00\x02" + bytes(64)
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(64)
MP4 = b"\x00\x00\x00\x1cftypiso5\x00\x00\x02\x00" + bytes(64)


def test_recordings_are_known_by_their_content() -> None:
    assert sniff_audio(WEBM[:16]) == "audio/webm"
    assert sniff_audio(OGG[:16]) == "audio/ogg"
    assert sniff_audio(M4A[:16]) == "audio/mp4"
    assert sniff_audio(MP4[:16]) == "audio/mp4"  # Safari's MediaRecorder
    assert sniff_audio(voice_wav(seconds=0.1)[:16]) == "audio/wav"
    assert sniff_audio(b"ID3\x04\x00" + bytes(11)) == "audio/mpeg"
    for not_sound in (
        b"<html><script>",
        b"\x89PNG\r\n\x1a\n" + bytes(8),
        b"\x00\x00\x00\x18ftypheic" + bytes(4),  # a photo from an iPad, not a recording
        b"",
    ):
        assert sniff_audio(not_sound[:16]) is None


def test_drawings_are_png_or_jpeg_only() -> None:
    assert sniff_drawing(key_drawing_png()[:16]) == "image/png"
    assert sniff_drawing(b"\xff\xd8\xff\xe0" + bytes(12)) == "image/jpeg"
    assert sniff_drawing(b"%PDF-1.7" + bytes(8)) is None
    assert sniff_drawing(b"GIF89a" + bytes(10)) is None


def work_path(work: Work, pupil: Pupil) -> str:
    return f"/school/{URN}/feedback/work/{work.pk}/pupils/{pupil.pk}/"


def add_note(client: Client, work: Work, pupil: Pupil, **fields: Any) -> Any:
    data = {"kind": "voice", "file": SimpleUploadedFile("voice-note.webm", WEBM), **fields}
    return client.post(work_path(work, pupil) + "notes/", data)


def file_path(note: MediaNote) -> str:
    return f"/school/{URN}/feedback/notes/{note.pk}/file/"


def played(client: Client, path: str) -> Any:
    """The answer to playing a note, its file read to the end (which closes it)."""
    response = client.get(path)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    return response


def status(client: Client, path: str) -> int:
    return int(played(client, path).status_code)


def test_a_pupil_records_a_voice_note_on_their_work_and_plays_it_back(
    cast: Cast, story: Work
) -> None:
    client = cast.client("pupil")
    response = add_note(client, story, cast.amara)
    assert response.status_code == 302
    assert response["Location"].endswith(work_path(story, cast.amara) + "#voice")
    note = MediaNote.objects.filter(pupil=cast.amara).latest("pk")
    assert (note.kind, note.content_type, note.is_feedback) == ("voice", "audio/webm", False)
    assert note.submission == Submission.objects.get(work=story, pupil=cast.amara)
    answer = played(client, file_path(note))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "audio/webm"
    assert answer["Content-Disposition"] == 'inline; filename="voice-note.webm"'
    assert answer.body == WEBM
    page = client.get(work_path(story, cast.amara)).content.decode()
    assert f'src="{file_path(note)}"' in page
    assert "data-ns-voice-form" in page and 'accept="audio/*"' in page


def test_a_file_that_is_not_a_recording_is_refused_by_name_and_nothing_is_stored(
    cast: Cast, story: Work
) -> None:
    before = MediaNote.objects.count()
    client = cast.client("pupil")
    response = add_note(
        client, story, cast.amara, file=SimpleUploadedFile("homework.webm", b"<html>hi</html>")
    )
    page = client.get(response["Location"]).content.decode()
    assert "homework.webm is not a sound recording" in page
    response = add_note(
        client, story, cast.amara, kind="drawing", file=SimpleUploadedFile("me.png", WEBM)
    )
    assert (
        "me.png is not a PNG or JPEG picture" in client.get(response["Location"]).content.decode()
    )
    response = client.post(work_path(story, cast.amara) + "notes/", {"kind": "voice"})
    assert (
        "Record a voice note, or choose a recording"
        in client.get(response["Location"]).content.decode()
    )
    assert MediaNote.objects.count() == before


def test_the_teachers_spoken_feedback_reaches_the_pupil_and_the_parents_page(
    cast: Cast, story: Work
) -> None:
    wav = voice_wav(seconds=0.3)
    response = add_note(
        cast.client("teacher"),
        story,
        cast.amara,
        file=SimpleUploadedFile("feedback.wav", wav),
        is_feedback="yes",
        shared="on",
    )
    assert response.status_code == 302
    note = MediaNote.objects.filter(pupil=cast.amara, is_feedback=True).latest("pk")
    assert note.content_type == "audio/wav" and note.created_by == cast.user("teacher")
    assert Notification.objects.filter(
        recipient=cast.user("pupil"), message__startswith="Your teacher left a voice note"
    ).exists()
    parent = cast.client("parent")
    page = parent.get(f"/school/{URN}/feedback/children/{cast.amara.pk}/").content.decode()
    assert "Spoken feedback from the teacher" in page
    assert (
        f'<audio class="media-note-audio" controls preload="metadata" src="{file_path(note)}"'
        in (page)
    )
    answer = played(parent, file_path(note))
    assert answer.status_code == 200 and answer["Content-Type"] == "audio/wav"


def test_a_teacher_can_add_the_pupils_own_note_and_keep_it_from_parents(
    cast: Cast, story: Work
) -> None:
    add_note(cast.client("teacher"), story, cast.amara, is_feedback="no")
    note = MediaNote.objects.filter(pupil=cast.amara).latest("pk")
    assert note.is_feedback is False and note.shared_with_guardians is False
    assert status(cast.client("parent"), file_path(note)) == 404
    assert status(cast.client("pupil"), file_path(note)) == 200


@pytest.fixture
def amaras_note(cast: Cast, story: Work) -> MediaNote:
    add_note(cast.client("pupil"), story, cast.amara)
    return MediaNote.objects.filter(pupil=cast.amara).latest("pk")


def test_only_the_pupil_their_teachers_and_their_parents_play_a_note(
    cast: Cast, amaras_note: MediaNote, classmate_client: Client, other_parent: Client
) -> None:
    for username in ("pupil", "parent", "teacher", "primaryhead"):
        assert status(cast.client(username), file_path(amaras_note)) == 200, username
    assert status(classmate_client, file_path(amaras_note)) == 404
    assert status(other_parent, file_path(amaras_note)) == 404
    assert status(cast.client("otherteacher"), file_path(amaras_note)) == 404
    assert status(Client(), file_path(amaras_note)) == 302  # to sign in
    other_school = f"/school/990201/feedback/notes/{amaras_note.pk}/file/"
    assert status(cast.client("otherteacher"), other_school) == 404


def test_nobody_else_adds_a_note_to_a_pupils_work(
    cast: Cast, story: Work, classmate_client: Client, other_parent: Client
) -> None:
    before = MediaNote.objects.count()
    assert add_note(classmate_client, story, cast.amara).status_code == 404
    assert add_note(other_parent, story, cast.amara).status_code == 404
    assert add_note(cast.client("parent"), story, cast.amara).status_code == 404
    assert add_note(cast.client("otherteacher"), story, cast.amara).status_code == 404
    assert MediaNote.objects.count() == before


def test_a_note_waits_for_the_work_to_be_handed_in_and_stops_when_it_is_finished(
    cast: Cast, story: Work, classmate: Pupil, classmate_client: Client
) -> None:
    Submission.objects.filter(work=story, pupil=classmate).delete()
    response = add_note(classmate_client, story, classmate)
    assert "Hand in the work first" in classmate_client.get(response["Location"]).content.decode()
    submission = Submission.objects.get(work=story, pupil=cast.amara)
    services.submission_mark_final(submission=submission, by=None)
    before = MediaNote.objects.count()
    pupil = cast.client("pupil")
    response = add_note(pupil, story, cast.amara)
    assert "This work is finished" in pupil.get(response["Location"]).content.decode()
    assert MediaNote.objects.count() == before
    # The teacher may still answer finished work aloud.
    add_note(cast.client("teacher"), story, cast.amara, is_feedback="yes", shared="on")
    assert MediaNote.objects.count() == before + 1


def amaras_self_assessment(cast: Cast) -> SelfAssessment:
    today = Objective.objects.get(framework=cast.maths_framework, code="Y4-MD-05")
    level = ScaleLevel.objects.filter(scale_id=cast.maths_framework.self_scale_id).first()
    return services.self_assessment_record(
        pupil=cast.amara,
        objective=today,
        ratings={step.pk: level for step in today.success_criteria.all()},
        by=cast.user("pupil"),
    )


def test_a_pupil_adds_a_drawing_to_their_self_assessment_from_their_goal(cast: Cast) -> None:
    assessment = amaras_self_assessment(cast)
    client = cast.client("pupil")
    home = client.get(f"/school/{URN}/pupil/").content.decode()
    assert f'name="assessment" value="{assessment.pk}"' in home
    response = client.post(
        f"/school/{URN}/feedback/pupils/{cast.amara.pk}/self-assessment-notes/",
        {
            "kind": "drawing",
            "assessment": assessment.pk,
            "file": SimpleUploadedFile("drawing.png", key_drawing_png()),
        },
    )
    assert response["Location"].endswith(f"#goal-{assessment.objective_id}")
    note = MediaNote.objects.get(self_assessment=assessment)
    assert note.content_type == "image/png"
    home = client.get(f"/school/{URN}/pupil/").content.decode()
    assert f'<img class="media-note-drawing" src="{file_path(note)}"' in home
    parent_page = cast.client("parent").get(f"/school/{URN}/feedback/children/{cast.amara.pk}/")
    assert file_path(note) in parent_page.content.decode()


def test_a_teacher_adds_a_voice_note_to_the_pupils_self_assessment_for_them(
    cast: Cast, classmate_client: Client
) -> None:
    assessment = amaras_self_assessment(cast)
    path = f"/school/{URN}/feedback/pupils/{cast.amara.pk}/self-assessment-notes/"
    data = {"kind": "voice", "assessment": assessment.pk}
    profile = cast.client("teacher").get(f"/school/{URN}/feedback/pupils/{cast.amara.pk}/")
    assert f'<option value="{assessment.pk}">' in profile.content.decode()
    response = cast.client("teacher").post(path, {**data, "file": SimpleUploadedFile("v.ogg", OGG)})
    assert response["Location"].endswith(f"/feedback/pupils/{cast.amara.pk}/#voice")
    assert MediaNote.objects.get(self_assessment=assessment).content_type == "audio/ogg"
    # Another pupil, a parent and a teacher of another school cannot; nor can a pupil name
    # someone else's self-assessment as their own.
    for client in (classmate_client, cast.client("parent"), cast.client("otherteacher")):
        refused = client.post(path, {**data, "file": SimpleUploadedFile("v.ogg", OGG)})
        assert refused.status_code == 404
    assert MediaNote.objects.filter(self_assessment=assessment).count() == 1


def test_the_parents_page_does_not_grow_with_notes(
    cast: Cast, story: Work, count_queries: Any
) -> None:
    path = f"/school/{URN}/feedback/children/{cast.amara.pk}/"
    parent = cast.client("parent")
    few, _ = count_queries(parent, path)
    for _index in range(5):
        add_note(cast.client("pupil"), story, cast.amara)
    many, response = count_queries(parent, path)
    assert response.content.decode().count('class="media-note-audio"') >= 5
    assert many == few


def test_the_work_page_does_not_grow_with_notes(
    cast: Cast, story: Work, count_queries: Any
) -> None:
    path = work_path(story, cast.amara)
    few, _ = count_queries(cast.client("teacher"), path)
    for _index in range(5):
        add_note(cast.client("pupil"), story, cast.amara)
    many, _ = count_queries(cast.client("teacher"), path)
    assert many == few


def test_a_note_whose_file_is_missing_is_not_found_rather_than_an_error(
    cast: Cast, amaras_note: MediaNote
) -> None:
    amaras_note.file.storage.delete(amaras_note.file.name)
    assert status(cast.client("pupil"), file_path(amaras_note)) == 404
