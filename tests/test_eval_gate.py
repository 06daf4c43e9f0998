"""The quality gate CI runs: the held-out questions (beside BM25 alone) against evals/thresholds.toml,
and the fact sheet.

All run on a fresh index of ../shared/corpus with the real model (skipped without the corpus). Only
`holdout` is graded here; no weight, threshold or rule is chosen on it (they are chosen on `tune`). A
change that makes the assistant find less evidence, answer fewer known facts correctly or answer what it
should abstain on fails here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from evals.evaluate import evaluate
from evals.metrics import contains_any
from evals.questions import Fact, load_facts, load_questions

pytestmark = [pytest.mark.corpus, pytest.mark.model, pytest.mark.slow]

EVALS = Path(__file__).resolve().parents[1] / "evals"
THRESHOLDS = tomllib.loads((EVALS / "thresholds.toml").read_text(encoding="utf-8"))["holdout"]
FACTS = load_facts(EVALS / "facts.toml")
# A fact's proof must be among this many passages retrieved for the question that asks it.
FACT_DEPTH = 10


@pytest.fixture(scope="module")
def holdout_run(corpus_assistant):  # noqa: ANN001, ANN201
    return evaluate(corpus_assistant, load_questions(EVALS / "holdout.jsonl"), k=5, baselines=["bm25"])


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_holdout_metric_meets_its_threshold(holdout_run, metric: str) -> None:  # noqa: ANN001
    assert holdout_run.main.summary[metric] >= THRESHOLDS[metric]


@pytest.mark.parametrize("metric", ["evidence_hit_at_k", "answer_accuracy"])
def test_holdout_run_stays_ahead_of_bm25(holdout_run, metric: str) -> None:  # noqa: ANN001
    assistant, bm25 = holdout_run.systems
    assert assistant.summary[metric] > bm25.summary[metric]


# Facts not yet met, each with its reason (docs/evaluation.md, the CI gate). Strict: the day one passes
# again, the test says so.
KNOWN_MISSES = {
    "dtg-count": "the reranker puts UNIDIR 4.3 and 3.4, which also count the DTGs, first and the proof (UNIDIR 2.4) "
    "at rank 11; the answer is still right, quoting UNIDIR 4.3 (\"the two initial DTGs\")",
    "consensus": "the reranker ranks UNIDIR 4.2 and 4.3 on consensus first and the proof (UNIDIR 2.4) at rank 12; "
    "the answer still names consensus, quoting UNIDIR 4.2",
}


@pytest.mark.parametrize(
    "fact",
    [pytest.param(f, marks=pytest.mark.xfail(reason=KNOWN_MISSES[f.id], strict=True)) if f.id in KNOWN_MISSES else f
     for f in FACTS],
    ids=lambda fact: fact.id,
)
def test_fact_is_proved_retrieved_and_stated(corpus_assistant, fact: Fact) -> None:  # noqa: ANN001
    retrieved = corpus_assistant.search(fact.question, FACT_DEPTH)
    assert any(contains_any(p.text, fact.evidence) for p in retrieved), f"no proof of {fact.id} retrieved"
    answer = corpus_assistant.ask(fact.question)
    assert not answer.abstained, answer.message
    assert contains_any(answer.text, fact.answer_any), answer.text
