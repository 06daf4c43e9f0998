"""Run question sets through systems and turn their responses into outcomes and metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.metrics import Outcome, normalise, summarise
from evals.systems import System
from index.reader import SearchIndex


def run(system: System, questions: Sequence[Any], k: int, index: SearchIndex | None = None) -> list[Outcome]:
    """Ask every question; `index` (when given) counts each question's relevant passages for nDCG."""
    folded = [normalise(p.text) for p in index.passages] if index else []
    outcomes = []
    for q in questions:
        response = system.respond(q.question, k)
        needles = [normalise(e) for e in q.evidence]
        relevant = sum(1 for text in folded if any(n in text for n in needles)) if needles else 0
        outcomes.append(
            Outcome(
                id=q.id,
                category=q.category,
                question=q.question,
                evidence=tuple(q.evidence),
                answer_any=tuple(q.answer_any),
                answer_all=tuple(q.answer_all),
                expect_abstain=q.abstain,
                answer=response.answer,
                abstained=response.abstained,
                retrieved_texts=response.retrieved,
                cited_texts=response.cited,
                latency_ms=response.latency_ms,
                relevant_total=relevant,
                raw=response.raw,
            )
        )
    return outcomes


def by_category(outcomes: Sequence[Outcome], k: int) -> dict[str, dict[str, float | int]]:
    categories = sorted({o.category for o in outcomes})
    return {c: summarise([o for o in outcomes if o.category == c], k) for c in categories}
