"""Demo goals, feedback and targets for 4 Oak at Hollins Park, and marking codes for both
schools.

Ms Okafor's class is learning short multiplication today (the Squares group is still on
times tables). Amara's story has feedback with two marking codes and a next step, and her
purple-pen revision is waiting for Ms Okafor to acknowledge; Amara claimed a target last
night. Yesterday's focus group on splitting numbers turned into judgements.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nextsteps.curriculum.models import Objective, ScaleLevel, SuccessCriterion
from nextsteps.feedback import services
from nextsteps.feedback.demo_voice import key_drawing_png, voice_wav
from nextsteps.feedback.models import (
    ClassFeedback,
    ConversationNote,
    CurrentIntention,
    Feedback,
    LearningConversation,
    MarkingCode,
    MediaNote,
    Notification,
    ParentReply,
    PupilQuestion,
    Review,
    SelfAssessment,
    Submission,
    Target,
    TargetEvent,
    Version,
    Work,
)
from nextsteps.feedback.services import NoteEntry, PointEntry
from nextsteps.people.models import Guardian
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup
from nextsteps.teaching.selectors import class_pupils

MARKING_CODES = (
    ("✓", "A good point", "Well done — keep doing this."),
    (
        "Sp",
        "Spelling",
        "Find the word, check it in a word bank or dictionary, and write it correctly.",
    ),
    ("//", "New paragraph", "Start a new paragraph here: a new time, place, person or idea."),
    ("^", "Missing word", "Read the sentence aloud and add the word that is missing."),
    ("P", "Punctuation", "Check your full stops, capital letters, commas or speech marks."),
    ("?", "Does this make sense?", "Read it aloud and change it so it makes sense."),
)

STORY = (
    "The Lost Key\n\n"
    'Sam looked under the bed but the key was gone. "Where is it?" she whisperd. Her brother '
    "Leo shrugged and went back to his comic. Sam checked the kitchen, the garden and the shed. "
    'Then she saw something shiny in the the dogs bowl. "Found it!" she shouted.'
)
STORY_REVISED = (
    "The Lost Key\n\n"
    'Sam looked under the bed but the key was gone. "Where is it?" she whispered. Her brother '
    'Leo shrugged. "Not my problem," he muttered, turning a page of his comic.\n\n'
    "Sam checked the kitchen, the garden and the shed. Then she saw something shiny in the "
    'dog\'s bowl. "Found it!" she shouted.'
)
HOME_HELP = (
    "Practise one times table a night: say it forwards, backwards and mixed up.\n"
    "Ask your child to show you how to multiply 243 × 6 in columns, and to explain the carrying.\n"
    "At the shops, estimate: 4 packs of 28 biscuits is about 4 × 30 = 120 — then work it out."
)
STORY_WORK = "The Lost Key: a story opening with dialogue"


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    for school in (primary, secondary):
        for position, (symbol, meaning, action) in enumerate(MARKING_CODES):
            MarkingCode.objects.get_or_create(
                school=school,
                symbol=symbol,
                defaults={"meaning": meaning, "pupil_action": action, "position": position},
            )
    four_oak = Class.objects.filter(school=primary, name="4 Oak").first()
    if four_oak is None or Work.objects.filter(teaching_class=four_oak, title=STORY_WORK).exists():
        return
    FourOak(primary, four_oak, today).build()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class FourOak:
    def __init__(self, school: School, teaching_class: Class, today: dt.date) -> None:
        self.school = school
        self.teaching_class = teaching_class
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        link = ClassStaff.objects.select_related("staff__user").get(
            teaching_class=teaching_class, role=ClassStaff.Role.TEACHER
        )
        self.teacher = link.staff.user
        self.pupils = class_pupils(teaching_class)
        self.amara = next(p for p in self.pupils if p.user and p.user.username == "pupil")
        self.rng = random.Random(f"feedback-{school.urn}")  # noqa: S311 - seeded demo data

    def objective(self, framework: str, code: str) -> Objective:
        return Objective.objects.select_related("framework").get(
            school=self.school, framework__name=framework, code=code
        )

    def build(self) -> None:
        maths_today = self.objective("Primary mathematics", "Y4-MD-05")
        maths_yesterday = self.objective("Primary mathematics", "Y4-MD-04")
        tables = self.objective("Primary mathematics", "Y4-MD-01")
        dialogue = self.objective("Primary writing", "Y4-CO-02")
        self.intentions(maths_today, tables, dialogue)
        self.conversation(maths_yesterday)
        self.self_assessments(maths_yesterday)
        work = self.story(dialogue)
        self.class_feedback(work)
        self.targets(maths_today, dialogue, maths_yesterday)
        self.questions(maths_today)
        self.reviews()
        self.from_home(maths_today)

    def intentions(self, maths: Objective, tables: Objective, dialogue: Objective) -> None:
        start = self.today - dt.timedelta(days=2)
        services.intentions_share(
            teaching_class=self.teaching_class,
            group=None,
            objectives=[maths, dialogue],
            home_help={maths.pk: HOME_HELP},
            by=self.teacher,
            on=start,
        )
        squares = PupilGroup.objects.get(teaching_class=self.teaching_class, name="Squares")
        services.intentions_share(
            teaching_class=self.teaching_class,
            group=squares,
            objectives=[tables],
            home_help={tables.pk: "Play times-table snap with a pack of cards."},
            by=self.teacher,
            on=start,
        )

    def conversation(self, objective: Objective) -> None:
        triangles = PupilGroup.objects.get(teaching_class=self.teaching_class, name="Triangles")
        members = sorted(
            (m.pupil for m in triangles.memberships.select_related("pupil")),
            key=lambda p: (p.legal_surname, p.legal_forename),
        )[:6]
        levels = list(
            ScaleLevel.objects.filter(scale_id=objective.framework.scale_id).order_by("position")
        )
        lines = [
            (
                "Split 34 × 6 into 30 × 6 and 4 × 6 without prompting.",
                "Try a 3-digit number next.",
                2,
            ),
            (
                "Drew the area model but added the parts wrongly.",
                "Label each part before adding.",
                1,
            ),
            ("Explained why 39 × 4 = 40 × 4 − 4.", "Teach the method to a partner.", 3),
            ("Needed the 7 times table on a card.", "Learn the 7s this week.", 1),
            ("Secure with tens and ones; slow but accurate.", "Use it on a word problem.", 2),
            ("Confused 6 × 30 with 6 × 3.", "Say the place value out loud.", 0),
        ]
        notes = [
            NoteEntry(pupil=pupil, note=note, next_step=step, level=levels[index])
            for pupil, (note, step, index) in zip(members, lines, strict=False)
        ]
        conversation = services.conversation_record(
            teaching_class=self.teaching_class,
            group=triangles,
            objective=objective,
            notes=notes,
            summary="Area models for splitting: most can split; adding the parts is the gap.",
            held_on=self.yesterday,
            by=self.teacher,
        )
        LearningConversation.objects.filter(pk=conversation.pk).update(
            recorded_at=_at(self.yesterday, 10, 45)
        )

    def self_assessments(self, objective: Objective) -> None:
        """The Triangles rated themselves on yesterday's steps at the end of the lesson."""
        levels = list(
            ScaleLevel.objects.filter(scale__self_frameworks=objective.framework).order_by(
                "position"
            )
        )
        steps = list(SuccessCriterion.objects.filter(objective=objective).order_by("position"))
        pupils = [
            note.pupil
            for note in ConversationNote.objects.filter(
                conversation__teaching_class=self.teaching_class, conversation__objective=objective
            ).select_related("pupil")
        ]
        helps = ["", "I get mixed up adding the parts.", "", "My 7 times table.", "", ""]
        for index, pupil in enumerate(pupils):
            confident = self.rng.choice([1, 2, 3, 3])
            ratings = {
                step.pk: levels[min(3, max(0, confident + self.rng.choice([-1, 0, 0])))]
                for step in steps
            }
            assessment = services.self_assessment_record(
                pupil=pupil,
                objective=objective,
                ratings=ratings,
                help_with=helps[index % len(helps)],
                by=pupil.user,
            )
            SelfAssessment.objects.filter(pk=assessment.pk).update(
                created_at=_at(self.yesterday, 11, 5 + index)
            )

    def story(self, dialogue: Objective) -> Work:
        steps = list(dialogue.success_criteria.order_by("position"))
        work = services.work_set(
            teaching_class=self.teaching_class,
            title=STORY_WORK,
            objectives=[dialogue],
            criteria=steps,
            by=self.teacher,
            instructions="Write the opening of a story where something goes missing. "
            "Use dialogue to show what your characters are like.",
            due_on=self.today - dt.timedelta(days=3),
        )
        Work.objects.filter(pk=work.pk).update(set_at=_at(self.today - dt.timedelta(days=7), 9))
        codes = {c.symbol: c for c in MarkingCode.objects.filter(school=self.school)}
        draft = services.version_add(work=work, pupil=self.amara, text=STORY, by=self.amara.user)
        Version.objects.filter(pk=draft.pk).update(
            created_at=_at(self.today - dt.timedelta(days=4), 14, 20)
        )
        feedback = services.feedback_give(
            version=draft,
            by=self.teacher,
            criteria_met=[steps[0]],
            codes=[
                (codes["Sp"], "whisperd"),
                (codes["//"], "when Sam starts searching"),
                (codes["✓"], '"Where is it?" shows Sam is worried'),
            ],
            comment="Your dialogue shows how worried Sam is. Lovely opening!",
            next_step="Give Leo a line of dialogue that shows how he feels about the lost key.",
        )
        Feedback.objects.filter(pk=feedback.pk).update(
            given_at=_at(self.today - dt.timedelta(days=2), 16, 10)
        )
        revision = services.version_add(
            work=work,
            pupil=self.amara,
            text=STORY_REVISED,
            by=self.amara.user,
            response="I fixed my spelling, started a new paragraph and gave Leo a grumpy line.",
        )
        Version.objects.filter(pk=revision.pk).update(created_at=_at(self.yesterday, 9, 30))
        self.classmates_work(work, steps, codes)
        self.voice_notes(work, revision)
        return work

    def voice_notes(self, work: Work, revision: Version) -> None:
        """Amara explains her revision aloud and draws the key; Ms Okafor answers with spoken
        feedback. All are shared with Mr Hughes, who plays them on his page."""
        submission = revision.submission
        notes = [
            (MediaNote.Kind.VOICE, "amara-explains.wav", voice_wav(pitch=260.0), False),
            (MediaNote.Kind.DRAWING, "the-lost-key.png", key_drawing_png(), False),
            (MediaNote.Kind.VOICE, "spoken-feedback.wav", voice_wav(pitch=180.0, seed=2), True),
        ]
        for minute, (kind, name, content, is_feedback) in enumerate(notes):
            note = services.media_note_add(
                pupil=self.amara,
                kind=kind,
                file=SimpleUploadedFile(name, content),
                submission=submission,
                is_feedback=is_feedback,
                by=self.teacher if is_feedback else self.amara.user,
            )
            MediaNote.objects.filter(pk=note.pk).update(
                created_at=_at(self.yesterday, 9 if not is_feedback else 15, 35 + minute)
            )

    def classmates_work(
        self, work: Work, steps: list[SuccessCriterion], codes: dict[str, MarkingCode]
    ) -> None:
        others = [p for p in self.pupils if p.pk != self.amara.pk][:12]
        for index, pupil in enumerate(others):
            version = services.version_add(
                work=work,
                pupil=pupil,
                by=pupil.user,
                text=f'Story opening by {pupil.forename}: "Has anyone seen my hat?" asked Gran.',
            )
            Version.objects.filter(pk=version.pk).update(
                created_at=_at(self.today - dt.timedelta(days=4), 13, index)
            )
            if index < 8:
                given = services.feedback_give(
                    version=version,
                    by=self.teacher,
                    criteria_met=steps[: 1 + index % 2],
                    codes=[(codes["P"], "speech marks")] if index % 2 else [(codes["✓"], "")],
                    next_step="Add a description between two lines of dialogue.",
                )
                Feedback.objects.filter(pk=given.pk).update(
                    given_at=_at(self.today - dt.timedelta(days=2), 15, index)
                )
        Submission.objects.filter(work=work).update(updated_at=_at(self.yesterday, 9, 30))

    def class_feedback(self, work: Work) -> None:
        pupils = self.pupils
        services.class_feedback_give(
            teaching_class=self.teaching_class,
            work=work,
            objective=work.objectives.first(),
            title="Story openings: what I noticed",
            by=self.teacher,
            points=[
                PointEntry(
                    "strength",
                    "Lots of you used dialogue to show how a character feels.",
                    pupils[::2],
                ),
                PointEntry(
                    "misconception",
                    "Speech marks go around the words spoken, and the "
                    "punctuation goes inside them.",
                    [self.amara, *pupils[1:6:2]],
                ),
                PointEntry(
                    "next_step",
                    "Balance dialogue with description: add what the character "
                    "does between two lines of speech.",
                    pupils,
                ),
            ],
        )
        ClassFeedback.objects.filter(teaching_class=self.teaching_class).update(
            given_at=_at(self.today - dt.timedelta(days=2), 16, 30)
        )

    def targets(self, maths: Objective, dialogue: Objective, splitting: Objective) -> None:
        carry = services.target_set(
            pupil=self.amara,
            teaching_class=self.teaching_class,
            objective=maths,
            wording="I can carry when I multiply in columns.",
            by=self.teacher,
            due_on=self.today + dt.timedelta(days=5),
        )
        services.target_set(
            pupil=self.amara,
            teaching_class=self.teaching_class,
            objective=dialogue,
            wording="I can put speech marks around the words people say.",
            by=self.teacher,
            due_on=self.today + dt.timedelta(days=12),
        )
        TargetEvent.objects.filter(target__pupil=self.amara).update(
            at=_at(self.today - dt.timedelta(days=10), 9)
        )
        Target.objects.filter(pupil=self.amara).update(
            set_at=_at(self.today - dt.timedelta(days=10), 9)
        )
        services.target_claim(
            target=carry,
            by=self.amara.user,
            comment="I did 243 × 6 and 318 × 4 at home and carried the right numbers.",
        )
        TargetEvent.objects.filter(target=carry, kind=TargetEvent.Kind.CLAIMED).update(
            at=_at(self.yesterday, 19, 40)
        )
        Target.objects.filter(pk=carry.pk).update(updated_at=_at(self.yesterday, 19, 40))
        Notification.objects.filter(
            kind=Notification.Kind.TARGET_CLAIMED, recipient=self.teacher
        ).update(created_at=_at(self.yesterday, 19, 40))
        secure = ScaleLevel.objects.get(scale_id=splitting.framework.scale_id, label="Secure")
        for index, pupil in enumerate(p for p in self.pupils if p.pk != self.amara.pk):
            if index >= 9:
                break
            target = services.target_set(
                pupil=pupil,
                teaching_class=self.teaching_class,
                objective=[maths, dialogue, splitting][index % 3],
                wording=[
                    "I can line up my digits in columns.",
                    "I can start a new line when a new person speaks.",
                    "I can split a number into tens and ones to multiply.",
                ][index % 3],
                by=self.teacher,
                due_on=self.today + dt.timedelta(days=3 + index * 3),
            )
            if index == 2:
                services.target_confirm(target=target, level=secure, by=self.teacher)

    def questions(self, maths: Objective) -> None:
        asked = [
            (70, 1, "What is 7 × 8 again?"),
            (45, 2, "Why do we write the tens under the line when we carry?"),
            (20, 2, "Is 4 × 26 the same as 26 × 4?"),
            (6, 3, "Could I use short multiplication to work out the cost of 6 tickets at £2.35?"),
            (2, 4, "Which is quicker for 99 × 4: columns or 100 × 4 − 4?"),
        ]
        for days, depth, text in asked:
            services.question_record(
                pupil=self.amara,
                teaching_class=self.teaching_class,
                objective=maths,
                text=text,
                depth=depth,
                asked_on=self.today - dt.timedelta(days=days),
                by=self.teacher,
            )
        PupilQuestion.objects.filter(pupil=self.amara).update(teaching_class=self.teaching_class)

    def reviews(self) -> None:
        services.review_write(
            pupil=self.amara,
            author=Review.Author.PUPIL,
            by=self.amara.user,
            proud_of="I know my 6, 7 and 8 times tables now and my stories have more speech.",
            next_focus="Carrying in short multiplication, and speech marks.",
        )
        services.review_write(
            pupil=self.amara,
            author=Review.Author.TEACHER,
            by=self.teacher,
            proud_of="Amara uses dialogue confidently and is quick to act on feedback.",
            next_focus="Accurate carrying in short multiplication; punctuating speech.",
        )

    def from_home(self, maths: Objective) -> None:
        """Mr Hughes answers: a reply to the story's feedback, what he and Amara did at home
        about a maths next step, and a "how to help" tip tried. Ms Okafor reads them in her
        notifications."""
        guardian = Guardian.objects.filter(
            school=self.school, user__username="parent", links__pupil=self.amara
        ).first()
        if guardian is None:
            return
        parent = guardian.user
        if parent is not None and not parent.email:  # so the daily e-mail can be chosen
            parent.email = guardian.email
            parent.save(update_fields=["email"])
        story = Feedback.objects.filter(pupil=self.amara, submission__isnull=False).first()
        (verbal,) = services.verbal_feedback_record(
            teaching_class=self.teaching_class,
            pupils=[self.amara],
            objective=maths,
            comment="You set out 243 × 6 neatly in columns.",
            next_step="Check each carry: add it back on at the end and see if the answer changes.",
            by=self.teacher,
        )
        # Given before the story's feedback, so the story stays among the pupil's latest three.
        Feedback.objects.filter(pk=verbal.pk).update(
            given_at=_at(self.today - dt.timedelta(days=3), 11, 40)
        )
        replies = []
        if story is not None:
            replies.append(
                services.parent_reply(
                    feedback=story,
                    guardian=guardian,
                    kind=ParentReply.Kind.REPLY,
                    text="Amara read her story to us at tea. Leo's grumpy line made us all "
                    "laugh. Thank you for the lovely feedback!",
                    by=parent,
                )
            )
        replies.append(
            services.parent_reply(
                feedback=verbal,
                guardian=guardian,
                kind=ParentReply.Kind.AT_HOME,
                text="We did three column multiplications after tea. She found the carry in "
                "the second one tricky, then checked it by adding it back on.",
                by=parent,
            )
        )
        intention = CurrentIntention.objects.filter(
            teaching_class=self.teaching_class, objective=maths, ends_on__isnull=True
        ).first()
        if intention is not None and intention.home_help_ideas:
            replies.append(
                services.tip_tried(
                    intention=intention,
                    tip=intention.home_help_ideas[0],
                    pupil=self.amara,
                    guardian=guardian,
                    text="The 7s in the car on the way to school. Backwards is hard!",
                    by=parent,
                )
            )
        for minutes, reply in enumerate(replies):
            at = _at(self.yesterday, 19, 5 + minutes * 20)
            ParentReply.objects.filter(pk=reply.pk).update(written_at=at)
            Notification.objects.filter(
                school=self.school, kind=Notification.Kind.PARENT_REPLY, read_at__isnull=True
            ).filter(message__contains=reply.text[:40] or reply.tip[:40]).update(created_at=at)
