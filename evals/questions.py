"""Question sets (JSONL, see ../shared/specs/interfaces.md, `gma eval`) and the fact sheet (TOML), validated.

>>> q = Question(id="dtg-01", question="How many DTGs?", evidence=("two integrated",), answer_any=("two",))
>>> q.category, q.abstain
('general', False)
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CATEGORY = "general"


@dataclass(frozen=True)
class Question:
    """One evaluation question; `evidence` strings mark the passages that support its answer."""

    id: str
    question: str
    evidence: tuple[str, ...] = ()
    category: str = DEFAULT_CATEGORY
    answer_any: tuple[str, ...] = ()
    answer_all: tuple[str, ...] = ()
    abstain: bool = False
    notes: str = ""


@dataclass(frozen=True)
class Fact:
    """One entry of the fact sheet: a statement, how a user asks it, and the passage (`source`) proving it."""

    id: str
    statement: str
    question: str
    answer_any: tuple[str, ...]
    evidence: tuple[str, ...]
    source: str


def load_questions(path: str | Path) -> list[Question]:
    """Every question of a JSONL file; ValueError naming the file, line and field on the first bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the question file: {exc}") from exc
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise ValueError(f"{where}: expected a JSON object, got {type(record).__name__}")
        question = _question(record, where)
        if question.id in seen:
            raise ValueError(
                f"{where}: field 'id': duplicate id {question.id!r} (first on line {seen[question.id]})"
            )
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise ValueError(f"{path}: no questions in the file")
    return questions


def load_facts(path: str | Path) -> list[Fact]:
    """Every `[[fact]]` of a TOML fact sheet; ValueError naming the file, fact and field on bad input."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the fact sheet: {exc}") from exc
    entries = data.get("fact")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: no [[fact]] entries")
    facts: list[Fact] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        where = f"{path}, fact {number}"
        fact = Fact(
            id=_text(entry, "id", where),
            statement=_text(entry, "statement", where),
            question=_text(entry, "question", where),
            answer_any=_strings(entry, "answer_any", where, required=True, non_empty=True),
            evidence=_strings(entry, "evidence", where, required=True, non_empty=True),
            source=_text(entry, "source", where),
        )
        if fact.id in seen:
            raise ValueError(f"{where}: field 'id': duplicate id {fact.id!r}")
        seen.add(fact.id)
        facts.append(fact)
    return facts


def _question(record: dict[str, Any], where: str) -> Question:
    abstain = record.get("abstain", False)
    if not isinstance(abstain, bool):
        raise ValueError(f"{where}: field 'abstain': expected true or false, got {abstain!r}")
    evidence = _strings(record, "evidence", where, required=not abstain)
    if not abstain and not evidence:
        raise ValueError(
            f"{where}: field 'evidence': an answerable question needs at least one evidence string"
        )
    category = record.get("category", DEFAULT_CATEGORY)
    if not isinstance(category, str) or not category.strip():
        raise ValueError(f"{where}: field 'category': expected a non-empty string, got {category!r}")
    notes = record.get("notes", "")
    if not isinstance(notes, str):
        raise ValueError(f"{where}: field 'notes': expected a string, got {type(notes).__name__}")
    return Question(
        id=_text(record, "id", where),
        question=_text(record, "question", where),
        evidence=evidence,
        category=category.strip(),
        answer_any=_strings(record, "answer_any", where),
        answer_all=_strings(record, "answer_all", where),
        abstain=abstain,
        notes=notes,
    )


def _text(record: dict[str, Any], field: str, where: str) -> str:
    if field not in record:
        raise ValueError(f"{where}: field '{field}': missing")
    value = record[field]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field '{field}': expected a non-empty string, got {value!r}")
    return value.strip()


def _strings(
    record: dict[str, Any], field: str, where: str, required: bool = False, non_empty: bool = False
) -> tuple[str, ...]:
    if field not in record:
        if required:
            raise ValueError(f"{where}: field '{field}': missing")
        return ()
    value = record[field]
    if not isinstance(value, list):
        raise ValueError(f"{where}: field '{field}': expected a list of strings, got {type(value).__name__}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{where}: field '{field}': expected non-empty strings, got {item!r}")
    if non_empty and not value:
        raise ValueError(f"{where}: field '{field}': expected at least one string")
    return tuple(value)
