"""One evaluation run: the assistant and, side by side, the baselines, on any question file."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from evals.metrics import Outcome, summarise
from evals.runner import by_category, run
from evals.systems import AssistantSystem, Bm25System, DenseSystem, RecipeSystem, System

BASELINES = ("bm25", "dense", "recipe")


@dataclass
class SystemRun:
    name: str
    outcomes: list[Outcome]
    summary: dict[str, Any]
    categories: dict[str, dict[str, Any]]


@dataclass
class EvalRun:
    """Every system's outcomes and metrics; the first is the assistant."""

    k: int
    questions: str
    systems: list[SystemRun] = field(default_factory=list)
    llm: str | None = None  # the generative answerer's backend, measured second when given

    @property
    def main(self) -> SystemRun:
        return self.systems[0]

    @property
    def generative(self) -> SystemRun | None:
        return self.systems[1] if self.llm else None

    def to_json(self) -> dict[str, Any]:
        main, generative = self.main, self.generative
        result = {
            **main.summary,
            "questions": self.questions,
            "per_category": main.categories,
            "per_question": [_per_question(o) for o in main.outcomes],
            "baselines": {s.name: s.summary for s in self.systems[2 if generative else 1:]},
        }
        if generative is not None:
            result["generative"] = {**generative.summary, "backend": self.llm, "per_category": generative.categories,
                                    "per_question": [_per_question(o) for o in generative.outcomes]}
        return result


def evaluate(
    assistant: Assistant, questions: Sequence[Any], k: int = 5, baselines: Sequence[str] = (), label: str = "",
    llm: str | None = None,
) -> EvalRun:
    """Run the assistant, then with `llm` its generative answerer over that backend, then each named
    baseline (bm25, dense, recipe), on the same questions."""
    result = EvalRun(k=k, questions=label, llm=llm)
    systems: list[System] = [AssistantSystem(assistant)]
    if llm:
        systems.append(AssistantSystem(assistant, llm))
    index = assistant.current_index()
    for name in baselines:
        if name == "bm25":
            systems.append(Bm25System(index))
        elif name == "dense":
            systems.append(DenseSystem(index, assistant.embedder))
        elif name == "recipe":
            systems.append(_recipe(index))
        else:
            raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")
    for system in systems:
        outcomes = run(system, questions, k, index)
        result.systems.append(SystemRun(system.name, outcomes, summarise(outcomes, k), by_category(outcomes, k)))
    return result


def _recipe(index: Any) -> RecipeSystem:  # noqa: ANN401 - SearchIndex
    from evals.baselines import build_recipe_store

    sources = sorted({Path(p.doc.source) for p in index.passages if p.doc.source})
    store_dir = Path(tempfile.mkdtemp(prefix="gma-recipe-"))
    return RecipeSystem(build_recipe_store(sources, store_dir))


def _per_question(outcome: Outcome) -> dict[str, Any]:
    raw = outcome.raw
    return {
        "id": outcome.id,
        "category": outcome.category,
        "question": outcome.question,
        "answer": outcome.answer,
        "abstained": outcome.abstained,
        "citations": raw.get("citations", []),
        "retrieved": raw.get("retrieved", []),
        "latency_ms": round(outcome.latency_ms, 2),
        "evidence_rank": outcome.evidence_rank(),
        "answer_correct": outcome.answer_correct(),
        "expect_abstain": outcome.expect_abstain,
    }
