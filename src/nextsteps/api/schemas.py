"""Typed input and output schemas for the API, kept separate (`…In` / `…Out`).

What the API says about a pupil depends on who asks, as the pages' do: a route that serves
staff and families answers with one schema per audience (`PupilOut` / `PupilFamilyOut`,
`JudgementOut` / `JudgementFamilyOut`, `TargetDetailOut` / `TargetOut`), chosen by
`access.audience` and documented on the route."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import RootModel

# Ids in paths and filters: positive and within a database integer, so that out-of-range
# input is a 422 naming the parameter rather than an overflow.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
MAX_BULK = 1000
# A client's key for a write it may send again (see `nextsteps.idempotency`).
IdempotencyKey = Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]


class MembershipOut(Schema):
    school_urn: int
    school_name: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    name: str
    memberships: list[MembershipOut]


class SchoolOut(Schema):
    urn: int
    name: str
    phase: str
    trust: str | None


class ClassOut(Schema):
    id: int
    name: str
    kind: str
    year_group: int | None
    academic_year: str
    subjects: list[str]


class PupilOut(Schema):
    """A pupil as staff see them on the pages: identity (UPN, legal and preferred names, date of
    birth) and the characteristics schools analyse. Only staff receive it."""

    id: int
    upn: str
    forename: str
    surname: str
    legal_forename: str
    legal_surname: str
    year_group: int
    date_of_birth: dt.date
    gender: str
    disadvantaged: bool
    fsm: bool
    sen_status: str
    eal: bool
    leaving_date: dt.date | None


class PupilBriefOut(Schema):
    """A pupil by the name the school uses, and their year group."""

    id: int
    forename: str
    surname: str
    year_group: int


class PupilFamilyOut(PupilBriefOut):
    """A pupil as they and their parents see them on the pages: the name the school uses and
    their year group. No UPN, legal names, date of birth, gender or characteristics."""


# One route, a schema per audience, chosen by `access.audience` (never by a parameter). The
# staff schema is tried first; the narrower one cannot pass as it, as it lacks its fields.
AUDIENCES = (
    "Staff receive `{staff}`; a pupil and their parents receive `{family}`, chosen by who is "
    "asking (as the pages are)."
)
PupilForAudience = Annotated[
    PupilOut | PupilFamilyOut,
    Field(
        union_mode="left_to_right",
        description=AUDIENCES.format(staff="PupilOut", family="PupilFamilyOut"),
    ),
]


class PupilRowOut(RootModel[PupilForAudience]):
    """A pupil in a list: `PupilOut` for staff, `PupilFamilyOut` for a pupil and parents."""


class LevelOut(Schema):
    id: int
    label: str
    value: Decimal
    position: int


class FrameworkOut(Schema):
    id: int
    name: str
    version: str
    subject: str
    calculation_method: str
    scale: str
    levels: list[LevelOut]
    objective_count: int


class ObjectiveOut(Schema):
    id: int
    code: str
    wording: str
    pupil_wording: str
    strand: str
    year_group: int | None
    core: bool
    dimension: str
    success_criteria: list[str]


class FrameworkDetailOut(FrameworkOut):
    objectives: list[ObjectiveOut]


class JudgementFamilyOut(Schema):
    """A judgement as a pupil and their parents may read it: what was seen, at what level and
    when; never the teacher's note."""

    id: int
    pupil_id: int
    objective_id: int
    level_id: int | None
    level: str | None
    value: Decimal | None
    kind: str
    source: str
    method: str
    class_id: int | None
    shown_at: dt.datetime
    recorded_at: dt.datetime


class JudgementOut(JudgementFamilyOut):
    """A judgement as staff read it, with the teacher's note."""

    note: str


JudgementForAudience = Annotated[
    JudgementOut | JudgementFamilyOut,
    Field(
        union_mode="left_to_right",
        description=AUDIENCES.format(staff="JudgementOut", family="JudgementFamilyOut"),
    ),
]


class JudgementRowOut(RootModel[JudgementForAudience]):
    """A judgement in a list: `JudgementOut` for staff, `JudgementFamilyOut` for a pupil and
    parents."""


class JudgementIn(Schema):
    pupil_id: Id
    objective_id: Id
    level_id: Id
    method: str = Field(
        "",
        pattern=r"^(|observation|conversation|questioning|task|book_work|test)$",
        description="How the learning was seen",
    )
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")
    shown_at: dt.datetime | None = None


class JudgementBatchIn(Schema):
    class_id: Id = Field(..., description="The class the judgements are recorded in")
    idempotency_key: IdempotencyKey | None = Field(
        None, description="Send the same key again to get the first call's judgements, not new ones"
    )
    judgements: list[JudgementIn] = Field(..., min_length=1, max_length=MAX_BULK)


class JudgementBatchOut(Schema):
    created: int
    judgements: list[JudgementOut]


class StandingOut(Schema):
    pupil_id: int
    objective_id: int
    objective_code: str
    value: Decimal | None
    level: str | None
    mastered: bool | None
    evidence_count: int
    last_evidence_at: dt.datetime | None


class SchoolStandingOut(StandingOut):
    """A standing in the school-wide list, with the framework it belongs to."""

    framework_id: int


class MarkbookRowOut(Schema):
    pupil: PupilBriefOut
    standings: list[StandingOut]


class MarkbookOut(Schema):
    class_id: int
    framework_id: int
    objectives: list[ObjectiveOut]
    rows: list[MarkbookRowOut]


class ErrorOut(Schema):
    detail: str


# ---------------------------------------------------------------------------- targets

TargetStatus = Literal["open", "claimed", "achieved"]
Wording = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00]*$")]
Comment = Annotated[str, Field(max_length=2000, pattern=r"^[^\x00]*$")]


class TargetOut(Schema):
    """A target: its words, state and sharing. What a parent receives for one target too."""

    id: int
    pupil_id: int
    class_id: int
    objective_id: int
    objective_code: str
    wording: str
    status: str
    due_on: dt.date | None
    set_with_pupil: bool
    shared_with_guardians: bool
    set_at: dt.datetime
    updated_at: dt.datetime
    judgement_id: int | None


class TargetEventOut(Schema):
    kind: str
    comment: str
    by: str | None
    at: dt.datetime
    has_file: bool


class TargetDetailOut(TargetOut):
    """A target with its history (what the pupil and the teacher wrote): for staff and the
    pupil, who see it on the target's page; a parent's pages show a target without it."""

    history: list[TargetEventOut]


TargetForAudience = Annotated[
    TargetDetailOut | TargetOut,
    Field(
        union_mode="left_to_right",
        description=(
            "Staff and the pupil receive `TargetDetailOut`; a parent receives `TargetOut`, "
            "without the history, chosen by who is asking (as the pages are)."
        ),
    ),
]


class TargetIn(Schema):
    pupil_id: Id
    class_id: Id = Field(..., description="The class the target is set in")
    objective_id: Id = Field(..., description="A learning intention of the class's subjects")
    wording: Wording = Field(..., description="The target, in the pupil's words")
    due_on: dt.date | None = None
    set_with_pupil: bool = True
    shared_with_guardians: bool = True


class TargetUpdateIn(Schema):
    """Only the fields sent change; send `due_on: null` to clear the date."""

    wording: Wording | None = None
    due_on: dt.date | None = None
    set_with_pupil: bool | None = None
    shared_with_guardians: bool | None = None


class TargetConfirmIn(Schema):
    level_id: Id = Field(..., description="The level on the objective's scale now reached")
    note: Comment = ""


class TargetReturnIn(Schema):
    comment: Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


# ---------------------------------------------------------------------------- tests and marks


class ClassBriefOut(Schema):
    id: int
    name: str


class AssessmentOut(Schema):
    id: int
    name: str
    kind: str
    subject: str | None
    year_group: int | None
    taken_on: dt.date
    score_table: str | None
    classes: list[ClassBriefOut]
    question_count: int
    max_marks: int


class QuestionOut(Schema):
    id: int
    position: int
    label: str
    max_marks: int
    objective_ids: list[int]


class AssessmentDetailOut(AssessmentOut):
    questions: list[QuestionOut]


class MarkOut(Schema):
    question_id: int
    label: str
    marks: int


class PupilMarksOut(Schema):
    pupil_id: int
    upn: str
    forename: str
    surname: str
    class_id: int
    marks: list[MarkOut]
    total: int
    marked: int = Field(..., description="How many questions have a mark")
    complete: bool


class MarkIn(Schema):
    pupil_id: Id
    question_id: Id
    marks: int | None = Field(
        ..., ge=0, le=100, description="Marks gained on the question; null clears the cell"
    )


class MarkBatchIn(Schema):
    idempotency_key: IdempotencyKey | None = Field(
        None, description="Send the same key again to get the first call's answer, changing nothing"
    )
    marks: list[MarkIn] = Field(..., min_length=1, max_length=MAX_BULK)


class MarkBatchOut(Schema):
    changed: int
    unchanged: int
    replayed: bool = Field(..., description="True when this answers an earlier call's key")
    pupils: list[PupilMarksOut]


# ---------------------------------------------------------------------------- progress measures


class CohortOut(Schema):
    year: int
    pupils: int
    with_prior: int = Field(..., description="Pupils with the prior attainment the measure needs")
    available: bool | None = Field(
        ...,
        description="Whether the national measure exists for the cohort (the baseline rule "
        "table); null when no rule covers the year",
    )


class ProgressCohortsOut(Schema):
    progress8: list[CohortOut]
    ks1_ks2: list[CohortOut]


class ReferenceTableOut(Schema):
    id: int
    title: str
    kind: str
    source: str
    year: int | None
    national_sd: dict[str, float | None]
    pupils: int | None


class ReferenceGroupOut(Schema):
    pag: int
    above: float | None = Field(..., description="Prior attainment above this (exclusive)")
    upto: float | None = Field(..., description="Prior attainment up to this (inclusive)")
    values: dict[str, float | None] = Field(..., description="The group's national figures")
    floors: dict[str, float | None]
    pupils: int | None


class ReferenceTableDetailOut(ReferenceTableOut):
    groups: list[ReferenceGroupOut]


class MeasureOut(Schema):
    """A school's or a group's score, with its 95% confidence interval and band."""

    n: int
    score: float | None
    ci_low: float | None
    ci_high: float | None
    band: str | None


class SubjectGroupOut(MeasureOut):
    small: bool = Field(..., description="Fewer than 6 pupils with a score: flagged, not hidden")


class GroupMeasureOut(SubjectGroupOut):
    pupils: int = Field(..., description="Pupils with the label, with or without a score")


class AttainmentOut(Schema):
    n: int
    average: float | None


class BasicsThresholdOut(Schema):
    grade: float = Field(..., description="The threshold grade (4: standard pass, 5: strong)")
    count: int = Field(..., description="Pupils at or above it in both English and maths")
    percent: float | None = Field(None, description="Of the pupils with both grades, 1 dp")


class BasicsOut(Schema):
    """Basics: the better of English language and literature, and maths, at each threshold."""

    n: int = Field(..., description="Pupils with an English and a maths grade")
    not_known: int = Field(..., description="Pupils without them, left out")
    standard: BasicsThresholdOut
    strong: BasicsThresholdOut


class Ks4HeadlineOut(Schema):
    n: int = Field(..., description="Pupils with KS4 results")
    attainment8: float | None = Field(..., description="Mean Attainment 8 of every pupil")
    elements: dict[str, float | None] = Field(
        ..., description="Mean of each element: english, maths, ebacc, open (slot points)"
    )
    basics: BasicsOut
    small: bool = Field(..., description="Fewer than 6 pupils: flagged, never hidden")


class SubjectResidualOut(Schema):
    subject: str
    n: int = Field(..., description="Pupils with a grade in it and in another subject")
    grade: float = Field(..., description="Their mean grade in the subject")
    others: float = Field(..., description="The mean of their mean grades in other subjects")
    residual: float = Field(..., description="Mean of (grade − mean of their other subjects)")
    ci_low: float | None = Field(None, description="95% interval, from 2 pupils")
    ci_high: float | None = None
    small: bool
    significant: bool = Field(..., description="The interval lies wholly above or below 0")


class GradeDistributionOut(Schema):
    subject: str
    n: int
    grades: dict[str, int] = Field(..., description="Pupils at each grade, 9 down to U")
    mean: float | None
    at_least_4: int
    at_least_7: int


class Ks4GroupOut(Schema):
    headline: Ks4HeadlineOut
    residuals: list[SubjectResidualOut]


class Ks4ClassOut(Schema):
    class_id: int
    name: str
    subjects: list[str] = Field(..., description="The qualification subjects the class taught")
    headline: Ks4HeadlineOut
    residuals: list[SubjectResidualOut] = Field(..., description="In the class's subjects")


class Ks4AnalysisOut(Schema):
    year: int
    subjects: list[str] = Field(
        ..., description="The subjects analysed: every subject, or a department's"
    )
    headline: Ks4HeadlineOut
    distributions: list[GradeDistributionOut]
    residuals: list[SubjectResidualOut]
    groups: dict[str, dict[str, Ks4GroupOut]] = Field(
        ..., description="disadvantaged, sen, eal, gender, prior_attainment: label → figures"
    )
    classes: list[Ks4ClassOut]


class Progress8SchoolOut(Schema):
    progress8: MeasureOut
    english: MeasureOut
    maths: MeasureOut
    ebacc: MeasureOut
    open: MeasureOut
    attainment8: AttainmentOut
    excluded: int


class Progress8PupilOut(Schema):
    pupil_id: int
    upn: str
    forename: str
    surname: str
    ks2_average: float | None
    pag: int | None
    estimate: float | None = Field(None, description="The Attainment 8 estimate for the PAG")
    progress8: float | None = None
    english: float | None = None
    maths: float | None = None
    ebacc: float | None = None
    open: float | None = None
    excluded: str | None = None
    capped: list[str] = []
    note: str | None = Field(None, description="Why a stored result could not be read")


class InternalEstimateOut(Schema):
    """Progress 8 from a school's own baseline, for a cohort without the DfE measure."""

    label: str = Field(..., description='Always "internal estimate, not the DfE measure"')
    baseline: str = Field(..., description="The school's own baseline, as it named it")
    table: ReferenceTableOut
    school: Progress8SchoolOut
    groups: dict[str, dict[str, GroupMeasureOut]]
    pupils: list[Progress8PupilOut]


class Progress8Out(Schema):
    year: int
    available: bool = Field(
        ..., description="Whether the DfE's Progress 8 exists for this cohort (a KS2 baseline)"
    )
    reason: str | None = Field(None, description="When not available: why, as a sentence")
    source: str = Field(..., description="The DfE guidance the cohort's baseline rule follows")
    attainment8: AttainmentOut = Field(..., description="Every pupil's, available or not")
    basics: BasicsOut = Field(
        ..., description="Grade 4+ and 5+ in English and maths, every pupil, available or not"
    )
    table: ReferenceTableOut | None = Field(None, description="Only when available")
    school: Progress8SchoolOut | None = Field(None, description="Only when available")
    groups: dict[str, dict[str, GroupMeasureOut]] = {}
    pupils: list[Progress8PupilOut] = []
    internal_baseline: str | None = Field(
        None, description="The school's own baseline for a cohort without the DfE measure"
    )
    internal_estimate: InternalEstimateOut | None = Field(
        None, description="Asked for with internal=true: figures from the school's own baseline"
    )


class Ks2SchoolOut(Schema):
    reading: MeasureOut
    writing: MeasureOut
    maths: MeasureOut
    excluded: int


class Ks2GroupOut(Schema):
    pupils: int = Field(..., description="Pupils with the label, with or without a score")
    reading: SubjectGroupOut | None = None
    writing: SubjectGroupOut | None = None
    maths: SubjectGroupOut | None = None


class Ks2PupilOut(Schema):
    pupil_id: int
    upn: str
    forename: str
    surname: str
    ks1_average: float | None
    pag: int | None
    reading: float | None
    writing: float | None
    maths: float | None
    excluded: str | None = None
    note: str | None = None


class SubjectAttainmentOut(Schema):
    subject: str
    pupils: int
    scored: int
    average: float | None
    expected: int = Field(..., description="At the expected standard or above")
    higher: int = Field(..., description="At the higher standard")


class Ks1Ks2Out(Schema):
    year: int
    available: bool = Field(
        ..., description="Whether KS1 to KS2 progress exists for this cohort (a KS1 baseline)"
    )
    reason: str | None = Field(None, description="When not available: why, as a sentence")
    source: str = Field(..., description="The DfE guidance the cohort's baseline rule follows")
    table: ReferenceTableOut | None = Field(
        ..., description="None until a KS1–KS2 table for the year is loaded"
    )
    attainment: list[SubjectAttainmentOut]
    school: Ks2SchoolOut | None
    groups: dict[str, dict[str, Ks2GroupOut]]
    pupils: list[Ks2PupilOut]


class ResultsOut(Schema):
    year: int
    reading: str
    writing: str
    maths: str


class Ks4ResultsOut(Schema):
    year: int
    attainment8: Decimal
    english: Decimal
    maths: Decimal
    ebacc: Decimal
    open: Decimal
    english_grade: Decimal | None = Field(
        None, description="The better of English language and literature (Basics)"
    )
    maths_grade: Decimal | None = None


class PupilProgress8Out(Schema):
    available: bool = True
    reason: str | None = Field(None, description="When not available: why, as a sentence")
    table: ReferenceTableOut | None = None
    ks2_average: float | None = None
    pag: int | None = None
    estimate: float | None = None
    progress8: float | None = None
    english: float | None = None
    maths: float | None = None
    ebacc: float | None = None
    open: float | None = None
    excluded: str | None = None
    capped: list[str] = []
    note: str | None = None


class PupilKs2ProgressOut(Schema):
    available: bool = True
    reason: str | None = Field(None, description="When not available: why, as a sentence")
    table: ReferenceTableOut | None = None
    ks1_average: float | None = None
    pag: int | None = None
    reading: float | None = None
    writing: float | None = None
    maths: float | None = None
    excluded: str | None = None
    note: str | None = None


class PupilProgressOut(Schema):
    pupil_id: int
    ks1: ResultsOut | None
    ks2: ResultsOut | None
    ks4: Ks4ResultsOut | None
    progress8: PupilProgress8Out | None = Field(
        ..., description="Against the table the school's page uses for the KS4 year"
    )
    ks1_ks2: PupilKs2ProgressOut | None


class Ks4ModelOut(Schema):
    id: str
    name: str
    status: str = Field(..., description="in_force or proposed, as the models file ships it")
    in_force_for_cohort: bool = Field(
        ..., description="The model in force for these pupils' cohort (the school's setting too)"
    )
    source_title: str
    source_url: str


class PlannedSubjectOut(Schema):
    subject: str
    category: str
    entries: int


class SlotGroupOut(Schema):
    id: str
    name: str
    slots: int
    filled: int
    weight: int
    subjects: list[str]


class PlanScoreOut(Schema):
    model: str = Field(..., description="The model's id")
    slots: int
    filled: int
    complete: bool
    groups: list[SlotGroupOut]
    notes: list[str] = Field(..., description="What the gaps mean, one sentence each")


class PupilPlanOut(Schema):
    pupil_id: int
    upn: str
    forename: str
    surname: str
    subjects: list[PlannedSubjectOut]
    scores: list[PlanScoreOut]


class OptionsOut(Schema):
    year_group: int
    leaving_year: int = Field(..., description="The summer these pupils sit their GCSEs")
    unknown: str | None = Field(None, description="Why no model is in force for the cohort")
    models: list[Ks4ModelOut]
    pupils: list[PupilPlanOut] = Field(..., description="Pupils with planned options")
    without_plan: int
