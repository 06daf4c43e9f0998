"""The passage reranker: its model file, its order, its signals on a synthetic index, and its fit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.linear import LinearModel, ModelFileError
from assistant.query import analyse
from assistant.rerank import SIGNALS, Ranking, Reranker
from assistant.retriever import FusionWeights, HybridSearcher
from evals.fit_reranker import refuse_holdout
from evals.fitting import (
    Group,
    choose_logistic_penalty,
    choose_penalty,
    cross_validate,
    figures,
    fit,
    fit_logistic,
    held_out_probabilities,
)
from evals.questions import load_questions
from index.reader import SearchIndex
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.samples import write_sample_corpus


def model_of(**weights: float) -> LinearModel:
    """A model scoring candidates by the given signals' raw values (unit scale, no centring)."""
    values = np.array([weights.get(name, 0.0) for name in SIGNALS])
    return LinearModel(SIGNALS, values, np.zeros(len(SIGNALS)), np.ones(len(SIGNALS)))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = write_sample_corpus(tmp_path_factory.mktemp("corpus"))
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return SearchIndex.open(index_dir)


def column(ranking: Ranking, signal: str) -> dict[str, float]:
    return dict(zip(ranking.ids, ranking.signals[:, SIGNALS.index(signal)], strict=True))


def test_a_model_file_round_trips_and_keeps_what_it_says_about_itself(tmp_path: Path) -> None:
    model = LinearModel(("a", "b"), np.array([1.5, -2.0]), np.array([0.1, 0.2]), np.array([1.0, 3.0]), {"penalty": 3.0})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    loaded = LinearModel.load(path, ("a", "b"))
    assert loaded.about == {"penalty": 3.0}
    rows = np.array([[1.0, 2.0], [0.0, 5.0]])
    assert np.allclose(loaded.scores(rows), model.scores(rows))
    assert np.allclose(loaded.scores(rows), [1.5 * 0.9 - 2.0 * 0.6, -1.5 * 0.1 - 2.0 * 1.6])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot be read"),
        ("{not json", "is not JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"signals": ["b", "a"], "weights": [1, 2], "mean": [0, 0], "scale": [1, 1]}', "is fitted on the signals"),
        ('{"signals": ["a", "b"], "weights": [1], "mean": [0, 0], "scale": [1, 1]}', "weights must be 2 finite"),
        ('{"signals": ["a", "b"], "weights": [1, "x"], "mean": [0, 0], "scale": [1, 1]}', "weights must be a list"),
        ('{"signals": ["a", "b"], "weights": [1, 2], "mean": [0, 0], "scale": [1, 0]}', "scale must be positive"),
    ],
)
def test_a_bad_model_file_is_refused_naming_the_file_and_the_reason(tmp_path: Path, content: str | None, reason: str) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelFileError, match=reason) as raised:
        LinearModel.load(path, ("a", "b"))
    assert str(path) in str(raised.value)


def test_the_packaged_model_is_fitted_on_the_signals_the_code_computes() -> None:
    model = Reranker.packaged().model
    assert model.signals == SIGNALS
    assert model.about["questions"] == "tune.jsonl"


def test_the_order_follows_the_scores_as_shares_of_one_and_keeps_the_fused_order_on_ties() -> None:
    rows = np.zeros((4, len(SIGNALS)))
    rows[:, SIGNALS.index("coverage")] = [0.2, 0.9, 0.2, 0.5]
    ranking = Ranking(analyse("anything"), ["a", "b", "c", "d"], np.array([4.0, 3.0, 2.0, 1.0]), rows)
    ordered = Reranker(model_of(coverage=2.0)).order(ranking)
    assert [pid for pid, _ in ordered] == ["b", "d", "a", "c"]
    shares = [share for _, share in ordered]
    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] / shares[1] == pytest.approx(np.exp(2.0 * 0.4))
    assert shares[2] == shares[3]


def test_the_signals_measure_what_a_passage_holds_of_the_question(index: SearchIndex) -> None:
    searcher = HybridSearcher(index, HashEmbedder(), FusionWeights(rerank=False))
    ranking = searcher.rank(analyse("When is the example review conference held?"))
    conference = next(pid for pid in ranking.ids if "review conference" in index.by_id[pid].text)
    coverage, dense = column(ranking, "coverage"), column(ranking, "dense")
    assert coverage[conference] == max(coverage.values())
    assert dense[conference] == max(dense.values())
    dates = column(ranking, "date")
    assert dates[conference] == 1.0  # "in 2099"
    assert all(dates[pid] == 0.0 for pid in ranking.ids if "report back" in index.by_id[pid].text)
    headers = [pid for pid in ranking.ids if index.by_id[pid].locator == "header" and index.by_id[pid].doc.symbol]
    assert headers and all(dates[pid] == 1.0 for pid in headers)  # "adopted ... on 3 December 2093"
    assert all(column(ranking, "header")[pid] == 1.0 for pid in headers)
    assert list(column(ranking, "fused").values()) == sorted(ranking.fused, reverse=True)


def test_a_named_documents_naming_words_do_not_count_for_its_passages(index: SearchIndex) -> None:
    searcher = HybridSearcher(index, HashEmbedder(), FusionWeights(rerank=False))
    ranking = searcher.rank(analyse("What does resolution 99/3 say about the example review conference?"))
    named = [pid for pid in ranking.ids if index.by_id[pid].doc.symbol == "A/RES/99/3"]
    assert named and all(column(ranking, "named")[pid] == 1.0 for pid in named)
    coverage = column(ranking, "coverage")
    # "example" is in the document's title: inside it, only "review conference" tells paragraph 1 apart.
    paragraph = next(pid for pid in named if index.by_id[pid].locator == "para. 1")
    others = [pid for pid in named if pid != paragraph]
    assert coverage[paragraph] == 1.0
    assert all(coverage[pid] < 0.5 for pid in others)


def test_a_footnote_that_only_cites_a_source_lends_its_terms_to_its_paragraph(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "# Example note\n\nThe body meets in plenary.<sup>1</sup>\n\nThe body reports yearly.\n\n---\n\n"
        "1 A/99/250, annex, para. 7.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    Ingestor(index_dir, HashEmbedder()).ingest([tmp_path / "note.md"])
    index = SearchIndex.open(index_dir)
    try:
        searcher = HybridSearcher(index, HashEmbedder(), FusionWeights(rerank=False))
        ranking = searcher.rank(analyse("Where does the body meet, according to annex paragraph 7?"))
        coverage = column(ranking, "coverage")
        cited = next(pid for pid in ranking.ids if "plenary" in index.by_id[pid].text)
        other = next(pid for pid in ranking.ids if "yearly" in index.by_id[pid].text)
        own_terms = index.terms([index.by_id[cited]])[cited]
        assert "annex" not in own_terms  # the paragraph's own text does not say it ...
        assert coverage[cited] > coverage[other]  # ... but the source it cites does
    finally:
        index.close()


def test_the_searcher_orders_its_candidates_by_the_reranker(index: SearchIndex) -> None:
    question = analyse("example resolution stakeholders voice vote conference")
    fused = HybridSearcher(index, HashEmbedder(), FusionWeights(rerank=False)).search(question, k=5).passages
    longest_first = HybridSearcher(index, HashEmbedder(), reranker=Reranker(model_of(length=5.0)))
    reranked = longest_first.search(question, k=5).passages
    lengths = [len(index.terms([p])[p.passage_id]) for p in reranked]
    assert lengths == sorted(lengths, reverse=True)
    assert [p.passage_id for p in reranked] != [p.passage_id for p in fused]
    assert all(a.score >= b.score for a, b in zip(reranked, reranked[1:], strict=False))
    assert 0.0 < sum(p.score for p in reranked) <= 1.0


def synthetic_groups(count: int, seed: int) -> list[Group]:
    """Questions whose relevant candidate is the one scoring best on 2*a - b plus noise; c is noise."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(count):
        rows = rng.normal(size=(20, 3))
        relevant = np.zeros(20, dtype=bool)
        relevant[np.argmax(rows @ np.array([2.0, -1.0, 0.0]) + rng.gumbel(size=20))] = True
        groups.append(Group(rows, relevant))
    return groups


def test_the_fit_finds_the_signals_that_matter_and_ranks_held_out_questions_better() -> None:
    groups = synthetic_groups(120, seed=1)
    model = fit(groups, ("a", "b", "c"), penalty=0.1)
    a, b, c = model.weights * 1 / model.scale
    assert a > 1.2 and b < -0.6 and abs(c) < 0.4
    held_out = cross_validate(groups, ("a", "b", "c"), penalty=0.1, repeats=2)
    assert held_out.mrr > figures(None, groups).mrr + 0.3
    penalty, tried = choose_penalty(groups, ("a", "b", "c"), penalties=(0.1, 1000.0), repeats=1)
    assert tried[penalty].mrr == max(fold.mrr for fold in tried.values())


def test_the_fit_needs_a_question_with_evidence_among_its_candidates() -> None:
    with pytest.raises(ValueError, match="no group has a relevant candidate"):
        fit([Group(np.ones((3, 2)), np.zeros(3, dtype=bool))], ("a", "b"), penalty=1.0)


def test_the_fit_refuses_held_out_questions(tmp_path: Path) -> None:
    holdout = tmp_path / "holdout.jsonl"
    holdout.write_text('{"id": "h-1", "question": "Q?", "evidence": ["x"]}\n', encoding="utf-8")
    tune = tmp_path / "tune.jsonl"
    tune.write_text('{"id": "t-1", "question": "Q?", "evidence": ["x"]}\n', encoding="utf-8")
    refuse_holdout(load_questions(tune), holdout)
    with pytest.raises(ValueError, match="held out"):
        refuse_holdout(load_questions(holdout), holdout)


def test_a_logistic_fit_recovers_its_signals_and_intercept_and_keeps_them_in_its_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(400, 2))
    labels = rng.random(400) < 1 / (1 + np.exp(-(1.0 + 2.0 * rows[:, 0])))
    model = fit_logistic(rows, labels, ("a", "b"), penalty=0.1)
    a, b = model.weights / model.scale
    assert 1.4 < a < 2.8 and abs(b) < 0.4
    assert model.probability([0.0, 0.0]) == pytest.approx(1 / (1 + np.exp(-1.0)), abs=0.12)
    path = tmp_path / "confidence.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert LinearModel.load(path, ("a", "b")).probability([0.5, 1.0]) == pytest.approx(model.probability([0.5, 1.0]))
    held = held_out_probabilities(rows, labels, ("a", "b"), penalty=0.1, repeats=2)
    assert held.shape == (2, 400) and np.corrcoef(held[0], rows[:, 0])[0, 1] > 0.9
    penalty, losses = choose_logistic_penalty(rows, labels, ("a", "b"), penalties=(0.1, 1000.0))
    assert penalty == 0.1 and losses[0.1] < losses[1000.0]
    with pytest.raises(ValueError, match="both labels"):
        fit_logistic(rows, np.ones(400, dtype=bool), ("a", "b"), penalty=1.0)
