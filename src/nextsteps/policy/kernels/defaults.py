"""The default key questions as plain data, read from `data/key_questions.yaml`. No Django.

`policy.services.key_questions_ensure` copies them into a school the first time the school
opens the policy area; from then on the school's own copy is what it edits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

QUESTIONS_FILE = Path(__file__).parent.parent / "data" / "key_questions.yaml"
STRUCTURES = ("text", "progress", "evidence", "collection", "marking", "moderation", "reporting")
SUBJECTS = ("english", "geography", "history", "maths", "mfl", "science")


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    structure: str
    guidance: str
    prompts: tuple[str, ...]
    subjects: dict[str, str]


@dataclass(frozen=True)
class StageSpec:
    title: str
    summary: str
    questions: tuple[QuestionSpec, ...]


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def read_questions(text: str, *, file: str = "key_questions.yaml") -> tuple[StageSpec, ...]:
    """Stages with their questions; a problem names the file, the stage and the question."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"{file}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or data.get("format") != "nextsteps-key-questions/1":
        raise ValueError(f"{file}: not a key questions file (format: nextsteps-key-questions/1)")
    stages, keys = [], set()
    for s_index, stage in enumerate(data.get("stages") or [], start=1):
        questions = []
        for q_index, question in enumerate(stage.get("questions") or [], start=1):
            where = f"{file}: stage {s_index}, question {q_index}"
            key, structure = question.get("key"), question.get("structure", "text")
            if not key or not question.get("text"):
                raise ValueError(f"{where}: needs a key and a text")
            if key in keys:
                raise ValueError(f"{where}: the key {key!r} is used twice")
            if structure not in STRUCTURES:
                raise ValueError(f"{where}: unknown structure {structure!r}")
            subjects = question.get("subjects") or {}
            unknown = set(subjects) - set(SUBJECTS)
            if unknown:
                raise ValueError(f"{where}: unknown subjects {sorted(unknown)}")
            keys.add(key)
            questions.append(
                QuestionSpec(
                    key=str(key),
                    text=_clean(question["text"]),
                    structure=structure,
                    guidance=_clean(question.get("guidance")),
                    prompts=tuple(_clean(p) for p in question.get("prompts") or ()),
                    subjects={s: _clean(t) for s, t in subjects.items()},
                )
            )
        stages.append(
            StageSpec(
                title=_clean(stage.get("title")),
                summary=_clean(stage.get("summary")),
                questions=tuple(questions),
            )
        )
    return tuple(stages)


@functools.cache
def default_questions() -> tuple[StageSpec, ...]:
    return read_questions(QUESTIONS_FILE.read_text(encoding="utf-8"))
