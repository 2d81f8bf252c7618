"""Typed input and output schemas for the API, kept separate (`…In` / `…Out`)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

# Ids in paths and filters: positive and within a database integer, so that out-of-range
# input is a 422 naming the parameter rather than an overflow.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
MAX_BULK = 1000


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
    """A pupil as a parent or the pupil sees them: no characteristics."""

    id: int
    forename: str
    surname: str
    year_group: int


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


class JudgementOut(Schema):
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
    note: str


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
    idempotency_key: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Send the same key again to get the first call's judgements, not new ones",
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
