"""Retrieval and answer metrics, computed from raw per-question outcomes so anyone can recompute them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.phrase import fold


def normalise(text: str) -> str:
    """Case, quotes, dashes and whitespace folded, as the eval format prescribes for evidence strings."""
    return fold(text)[0]


def contains_any(text: str, needles: Iterable[str]) -> bool:
    folded = normalise(text)
    return any(normalise(n) in folded for n in needles if n.strip())


@dataclass(frozen=True)
class Outcome:
    """One question's raw result: what was retrieved and cited (texts), the answer, and how long it took."""

    id: str
    category: str
    question: str
    evidence: tuple[str, ...]
    answer_any: tuple[str, ...]
    answer_all: tuple[str, ...]
    expect_abstain: bool
    answer: str
    abstained: bool
    retrieved_texts: tuple[str, ...]
    cited_texts: tuple[str, ...]
    latency_ms: float
    relevant_total: int = 0  # passages of the whole index holding evidence (for nDCG's ideal ranking)
    raw: dict = field(default_factory=dict, compare=False, repr=False)  # the system's own JSON of its response

    def evidence_rank(self) -> int | None:
        """1-based rank of the first retrieved passage holding an evidence string; None if none does."""
        for rank, text in enumerate(self.retrieved_texts, 1):
            if contains_any(text, self.evidence):
                return rank
        return None

    def hit_at(self, k: int) -> bool:
        rank = self.evidence_rank()
        return rank is not None and rank <= k

    def ndcg_at(self, k: int) -> float:
        gains = [1.0 if contains_any(t, self.evidence) else 0.0 for t in self.retrieved_texts[:k]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = max(self.relevant_total, int(sum(gains)), 1)
        idcg = sum(1 / math.log2(i + 2) for i in range(min(ideal, k)))
        return dcg / idcg

    def answer_correct(self) -> bool:
        """Right when it should abstain and does; else not abstained, with the expected strings (or,
        when none are given, a cited passage holding the evidence)."""
        if self.expect_abstain:
            return self.abstained
        if self.abstained:
            return False
        answer = normalise(self.answer)
        if self.answer_any and not any(normalise(a) in answer for a in self.answer_any):
            return False
        if self.answer_all and not all(normalise(a) in answer for a in self.answer_all):
            return False
        if not self.answer_any and not self.answer_all:
            return any(contains_any(t, self.evidence) for t in self.cited_texts)
        return True


def summarise(outcomes: Sequence[Outcome], k: int) -> dict[str, float | int]:
    """The headline metrics of a run (evidence metrics over answerable questions only)."""
    answerable = [o for o in outcomes if not o.expect_abstain and o.evidence]
    unanswerable = [o for o in outcomes if o.expect_abstain]
    answered = [o for o in outcomes if not o.expect_abstain]
    cited = [(o, t) for o in answerable for t in o.cited_texts]
    latencies = sorted(o.latency_ms for o in outcomes)
    ranks = [o.evidence_rank() for o in answerable]
    return {
        "n": len(outcomes),
        "evidence_hit_at_k": _mean(o.hit_at(k) for o in answerable),
        "evidence_hit_at_1": _mean(o.hit_at(1) for o in answerable),
        "mrr": _mean((1 / r if r else 0.0) for r in ranks),
        "ndcg_at_k": _mean(o.ndcg_at(k) for o in answerable),
        "answer_accuracy": _mean(o.answer_correct() for o in outcomes),
        "answer_accuracy_answerable": _mean(o.answer_correct() for o in answered),
        "abstention_accuracy": _mean(o.abstained for o in unanswerable),
        "false_abstention_rate": _mean(o.abstained for o in answered),
        "citation_precision": _mean(contains_any(t, o.evidence) for o, t in cited),
        "latency_ms_p50": percentile(latencies, 50),
        "latency_ms_p95": percentile(latencies, 95),
        "k": k,
    }


def _mean(values: Iterable[float | bool]) -> float:
    items = [float(v) for v in values]
    return round(statistics.fmean(items), 4) if items else 0.0


def percentile(sorted_values: Sequence[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * percent / 100
    low, high = math.floor(position), math.ceil(position)
    value = sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
    return round(value, 2)
