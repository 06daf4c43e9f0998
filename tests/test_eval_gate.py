"""The quality gate CI runs: the smoke questions (beside BM25 alone) and the whole question set against
evals/thresholds.toml, and the fact sheet.

All run on a fresh index of ../shared/corpus with the real model (skipped without the corpus). A change
that makes the assistant find less evidence, answer fewer known facts correctly or answer what it should
abstain on fails here.
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
GATES = tomllib.loads((EVALS / "thresholds.toml").read_text(encoding="utf-8"))
THRESHOLDS = GATES["smoke"]
FACTS = load_facts(EVALS / "facts.toml")
# A fact's proof must be among this many passages retrieved for the question that asks it.
FACT_DEPTH = 10


@pytest.fixture(scope="module")
def smoke_run(corpus_assistant):  # noqa: ANN001, ANN201
    return evaluate(corpus_assistant, load_questions(EVALS / "smoke.jsonl"), k=5, baselines=["bm25"])


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_smoke_metric_meets_its_threshold(smoke_run, metric: str) -> None:  # noqa: ANN001
    assert smoke_run.main.summary[metric] >= THRESHOLDS[metric]


@pytest.mark.parametrize("metric", ["evidence_hit_at_k", "answer_accuracy"])
def test_smoke_run_stays_ahead_of_bm25(smoke_run, metric: str) -> None:  # noqa: ANN001
    assistant, bm25 = smoke_run.systems
    assert assistant.summary[metric] > bm25.summary[metric]


@pytest.fixture(scope="module")
def full_run(corpus_assistant):  # noqa: ANN001, ANN201
    return evaluate(corpus_assistant, load_questions(EVALS / "questions.jsonl"), k=5)


@pytest.mark.parametrize("metric", sorted(GATES["full"]))
def test_whole_question_set_meets_the_answering_targets(full_run, metric: str) -> None:  # noqa: ANN001
    assert full_run.main.summary[metric] >= GATES["full"][metric]


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: fact.id)
def test_fact_is_proved_retrieved_and_stated(corpus_assistant, fact: Fact) -> None:  # noqa: ANN001
    retrieved = corpus_assistant.search(fact.question, FACT_DEPTH)
    assert any(contains_any(p.text, fact.evidence) for p in retrieved), f"no proof of {fact.id} retrieved"
    answer = corpus_assistant.ask(fact.question)
    assert not answer.abstained, answer.message
    assert contains_any(answer.text, fact.answer_any), answer.text
