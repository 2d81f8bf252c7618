"""The pupil's own voice in a browser: Amara records a voice note on her story with the
tablet's microphone (Chromium's fake device), plays it back and saves it, draws the lost key;
Ms Okafor answers with spoken feedback; Mr Hughes plays both on his page. A refused or
missing microphone is said plainly, and a browser that cannot record gets a file input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import AXE_RUN, AXE_SOURCE, FAILING_IMPACTS, WCAG_TAGS

URN = 990101


def story_path(page: Any) -> str:
    from nextsteps.feedback.models import Work
    from nextsteps.people.models import Pupil

    work = Work.objects.get(teaching_class__school__urn=URN, title__startswith="The Lost Key")
    amara = Pupil.objects.get(user__username="pupil")
    return f"{page.base_url}/school/{URN}/feedback/work/{work.pk}/pupils/{amara.pk}/"


def child_path(page: Any) -> str:
    from nextsteps.people.models import Pupil

    amara = Pupil.objects.get(user__username="pupil")
    return f"{page.base_url}/school/{URN}/feedback/children/{amara.pk}/"


def plays(page: Any, audio: Any) -> None:
    """The audio element starts playing and its time moves on."""
    audio.evaluate("element => { element.currentTime = 0; return element.play(); }")
    page.wait_for_function(
        "element => !element.paused && element.currentTime > 0.05", arg=audio.element_handle()
    )
    audio.evaluate("element => element.pause()")


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def served_type(page: Any, url: str) -> str:
    return str(
        page.evaluate("url => fetch(url).then((answer) => answer.headers.get('content-type'))", url)
    )


def record_a_voice_note(page: Any, card: Any) -> None:
    card.get_by_role("button", name="Record", exact=True).click()
    expect(card.locator("[data-ns-status]")).to_contain_text("Recording")
    expect(card.get_by_role("button", name="Stop", exact=True)).to_be_enabled()
    expect(card.locator("[data-ns-time]")).to_have_text(re.compile(r"0:0[1-9]"), timeout=10_000)
    card.get_by_role("button", name="Stop", exact=True).click()
    expect(card.locator("[data-ns-status]")).to_contain_text("Recorded 0:0")
    preview = card.locator("audio[data-ns-preview]")
    expect(preview).to_be_visible()
    card.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "element => element.currentTime > 0.05 || element.ended", arg=preview.element_handle()
    )


@pytest.mark.parametrize("viewport", ["phone", "tablet", "laptop"])
def test_a_pupil_records_plays_back_and_saves_a_voice_note(page_for: Any, viewport: str) -> None:
    pupil = page_for(viewport, ["microphone"])
    sign_in(pupil, "pupil")
    pupil.goto(story_path(pupil))
    card = pupil.locator("#voice")
    expect(card.get_by_role("heading", name="Voice notes and drawings")).to_be_visible()
    before = card.locator("audio.media-note-audio").count()
    assert before >= 2  # the demo's: Amara's explanation and Ms Okafor's spoken feedback
    record_a_voice_note(pupil, card)
    screenshot(pupil, f"voice-1-recorded-{viewport}")
    card.get_by_role("button", name="Save the voice note").click()
    expect(pupil.locator("main")).to_contain_text("Voice note saved")
    saved = pupil.locator("#voice audio.media-note-audio")
    expect(saved).to_have_count(before + 1)
    newest = saved.last
    assert served_type(pupil, newest.get_attribute("src")).startswith(("audio/webm", "audio/ogg"))
    plays(pupil, newest)
    screenshot(pupil, f"voice-2-saved-{viewport}")
    no_sideways_scroll(pupil)
    assert pupil.js_errors == []


def test_a_pupil_draws_with_colours_undo_and_saves_a_png(page_for: Any) -> None:
    pupil = page_for("tablet")
    sign_in(pupil, "pupil")
    pupil.goto(story_path(pupil))
    form = pupil.locator("[data-ns-drawing-form]")
    canvas = form.locator("canvas")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None

    def stroke(x: float, y: float) -> None:
        pupil.mouse.move(box["x"] + x, box["y"] + y)
        pupil.mouse.down()
        for step in range(1, 8):
            pupil.mouse.move(box["x"] + x + step * 20, box["y"] + y + step * 8)
        pupil.mouse.up()

    def inked() -> int:
        return int(
            canvas.evaluate(
                """canvas => {
                  const context = canvas.getContext("2d");
                  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
                  let inked = 0;
                  for (let i = 0; i < data.length; i += 4) if (data[i] < 200) inked++;
                  return inked;
                }"""
            )
        )

    form.get_by_role("button", name="Red").click()
    expect(form.get_by_role("button", name="Red")).to_have_attribute("aria-pressed", "true")
    stroke(40, 40)
    one = inked()
    assert one > 0
    form.get_by_role("button", name="Purple").click()
    stroke(60, 140)
    assert inked() > one
    form.get_by_role("button", name="Undo").click()
    assert inked() == one
    screenshot(pupil, "voice-3-drawing-tablet")
    drawings = pupil.locator("#voice img.media-note-drawing")
    before = drawings.count()
    form.get_by_role("button", name="Save the drawing").click()
    expect(pupil.locator("main")).to_contain_text("Drawing saved.")
    expect(drawings).to_have_count(before + 1)
    assert served_type(pupil, drawings.last.get_attribute("src")) == "image/png"
    assert pupil.js_errors == []


def test_the_teacher_records_spoken_feedback_and_the_parent_plays_it(page_for: Any) -> None:
    teacher = page_for("tablet", ["microphone"])
    sign_in(teacher, "teacher")
    teacher.goto(story_path(teacher))
    card = teacher.locator("#voice")
    record_a_voice_note(teacher, card)
    expect(card.get_by_label("My feedback to the pupil").first).to_be_checked()
    card.get_by_role("button", name="Save the voice note").click()
    expect(teacher.locator("main")).to_contain_text("Voice note saved")
    expect(card.get_by_text("Spoken feedback from the teacher").last).to_be_visible()

    for viewport in ("phone", "tablet", "laptop"):
        parent = page_for(viewport)
        sign_in(parent, "parent")
        parent.goto(child_path(parent))
        section = parent.locator("#voice")
        expect(section.get_by_role("heading", name="In Amara's own voice")).to_be_visible()
        expect(section.get_by_text("Spoken feedback from the teacher").first).to_be_visible()
        newest = section.locator("audio.media-note-audio").first  # newest first
        plays(parent, newest)
        expect(section.locator("img.media-note-drawing").first).to_be_visible()
        section.scroll_into_view_if_needed()
        screenshot(parent, f"voice-4-parent-plays-{viewport}")
        no_sideways_scroll(parent)
        assert parent.js_errors == []


def test_a_pupil_tells_how_they_are_doing_in_a_voice_note_on_their_goal(page_for: Any) -> None:
    pupil = page_for("tablet", ["microphone"])
    sign_in(pupil, "pupil")
    goal = pupil.locator(".goal-card", has_text="short multiplication")
    goal.locator("label", has_text="I'm getting there").first.click()
    goal.get_by_role("button", name="Save how I am doing").click()
    expect(pupil.locator("main")).to_contain_text("Your teacher can see how you are getting on")
    goal.get_by_text("Tell or show how I am doing").click()
    voice = goal.locator("[data-ns-voice-form]")
    record_a_voice_note(pupil, voice)
    voice.get_by_role("button", name="Save the voice note").click()
    expect(pupil.locator("main")).to_contain_text("Voice note saved")
    assert pupil.url.endswith("#goal-" + goal.get_attribute("id").removeprefix("goal-"))
    saved = goal.locator("audio.media-note-audio")
    expect(saved).to_have_count(1)
    plays(pupil, saved.first)
    goal.scroll_into_view_if_needed()
    screenshot(pupil, "voice-6-goal-voice-note-tablet")
    no_sideways_scroll(pupil)
    assert pupil.js_errors == []


def test_a_refused_microphone_is_said_plainly_and_the_file_input_still_works(
    page_for: Any,
) -> None:
    pupil = page_for("tablet")
    pupil.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => "
        "Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));"
    )
    sign_in(pupil, "pupil")
    pupil.goto(story_path(pupil))
    card = pupil.locator("#voice")
    card.get_by_role("button", name="Record", exact=True).click()
    status = card.locator("[data-ns-status]")
    expect(status).to_contain_text("The microphone is not allowed for this page")
    expect(card.get_by_role("button", name="Record", exact=True)).to_be_enabled()
    screenshot(pupil, "voice-5-microphone-refused-tablet")
    card.get_by_role("button", name="Save the voice note").click()
    expect(status).to_contain_text("Record a voice note, or choose a recording, before saving.")


def test_without_a_recorder_the_pupil_chooses_a_recording(page_for: Any) -> None:
    from nextsteps.feedback.demo_voice import voice_wav

    pupil = page_for("phone")
    pupil.add_init_script("delete window.MediaRecorder;")
    sign_in(pupil, "pupil")
    pupil.goto(story_path(pupil))
    card = pupil.locator("#voice")
    expect(card.get_by_role("button", name="Record", exact=True)).to_be_hidden()
    expect(card.locator("[data-ns-status]")).to_contain_text("choose a recording below")
    before = card.locator("audio.media-note-audio").count()
    card.get_by_label("Or choose a recording").set_input_files(
        {"name": "memo.wav", "mimeType": "audio/wav", "buffer": voice_wav(seconds=0.5)}
    )
    card.get_by_role("button", name="Save the voice note").click()
    expect(pupil.locator("main")).to_contain_text("Voice note saved")
    expect(card.locator("audio.media-note-audio")).to_have_count(before + 1)
    plays(pupil, card.locator("audio.media-note-audio").last)


def test_the_voice_and_drawing_controls_pass_axe(page_for: Any) -> None:
    """The pages with the new controls, as each person sees them, with the recorder and the
    drawing shown (the whole-site walk sees them too, as each page loads)."""
    from nextsteps.curriculum.models import Objective, ScaleLevel
    from nextsteps.feedback.services import self_assessment_record
    from nextsteps.people.models import Pupil

    amara = Pupil.objects.get(user__username="pupil")
    today = Objective.objects.get(school=amara.school, code="Y4-MD-05")
    level = ScaleLevel.objects.filter(scale_id=today.framework.self_scale_id).first()
    self_assessment_record(  # so her goal and her profile offer a note on it
        pupil=amara,
        objective=today,
        ratings={step.pk: level for step in today.success_criteria.all()},
        by=amara.user,
    )
    pages = {
        "pupil": [story_path, lambda page: f"{page.base_url}/school/{URN}/pupil/"],
        "teacher": [
            story_path,
            lambda page: f"{page.base_url}/school/{URN}/feedback/pupils/{amara.pk}/",
        ],
        "parent": [child_path],
    }
    problems = []
    for person, paths in pages.items():
        page = page_for("tablet", ["microphone"])
        page.context.add_init_script(path=str(AXE_SOURCE))
        sign_in(page, person)
        for path in paths:
            page.goto(path(page))
            for details in page.locator("details.voice-goal").all():
                details.evaluate("element => { element.open = true; }")
            expect(page.locator("#voice, .voice-goal").first).to_be_attached()
            found = page.evaluate(AXE_RUN, [WCAG_TAGS, FAILING_IMPACTS])
            problems += [(person, page.url, item) for item in found]
    assert problems == []
