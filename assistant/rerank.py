"""The fused candidates reordered by a fitted model of which passage answers the question.

Reciprocal rank fusion adds up places in rankings: it cannot weigh how much of the question a passage
holds against where it stood, nor learn that a masthead answers "when" and a footnote seldom answers
anything. The first `depth` fused candidates are scored by a conditional logit (a softmax over one
question's candidates, assistant/linear.py) over the signals below, fitted on the questions of
evals/tune.jsonl only, by `python -m evals.fit_reranker` (docs/evaluation.md, "Reranker"):

- `fused`: the fused score (reciprocal rank fusion's, comparable across questions);
- `passage_bm25`, `sentence_bm25`: BM25 of the passage and of its best sentence, relative to the best;
- `dense`: the cosine similarity of its best sentence to the question;
- `coverage`, `sentence_coverage`: the idf-weighted share of the question's terms that the passage, and
  its best sentence, hold;
- `named`, `mentioned`: it belongs to a document the question names, or its text names another document
  the question names ("resolution 75/240" in a paragraph of 80/16); `located`: it is the paragraph the
  question names ("the preamble of 80/16", "paragraph 2");
- `date`: the question asks when and the passage states a date; `count`: it puts a number before what
  a "how many" question counts;
- `length`: the log of its number of terms;
- `header`, `footnote`, `preamble`: what kind of passage it is.

Two rules shape the signals, each for a reason of language rather than of any one question:
- In a document the question names (by symbol, short title or subject), the words that name it (its title, "resolution 80/16") are in every
  passage and tell none from another: its passages' BM25 and coverage leave them out, and their BM25 is
  relative to the best of that document's own search.
- A footnote that only cites a source ("A/80/257, para. 7") says nothing of its own: its terms count for
  the paragraph that carries it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.linear import LinearModel, softmax
from assistant.query import Query
from assistant.short_answer import DATE
from core.models import Passage
from core.vocabulary import is_source_reference
from index.reader import SearchIndex

SIGNALS = (
    "fused", "passage_bm25", "sentence_bm25", "dense", "coverage", "sentence_coverage",
    "named", "mentioned", "located", "date", "count", "length", "header", "footnote", "preamble",
)
MODEL_FILE = Path(__file__).with_name("rerank.json")
# How many fused candidates are reordered, chosen by cross-validation on tune (docs/evaluation.md): 25 to 35
# give the same hit@5 (0.907), 20 and 50 less (0.899, 0.898); deeper candidates seldom hold the evidence and
# give a false one more chances to rise.
DEPTH = 30


@dataclass(frozen=True)
class Ranking:
    """A question's fused candidates best first, with their fused scores and one row of signals each."""

    query: Query
    ids: list[str]
    fused: np.ndarray
    signals: np.ndarray  # len(ids) x len(SIGNALS)


class Reranker:
    """Orders a `Ranking` by the model's scores, as shares of one (softmax over the candidates).

    >>> Reranker.packaged().order(ranking)[0]  # doctest: +SKIP
    ('A/RES/80/16#7', 0.41)
    """

    def __init__(self, model: LinearModel, depth: int = DEPTH) -> None:
        if depth < 1:
            raise ValueError(f"the reranker's depth must be at least 1, got {depth}")
        self.model = model
        self.depth = depth

    @classmethod
    def packaged(cls) -> Reranker:
        """The model fitted for this release (assistant/rerank.json), read once per process."""
        return _packaged()

    def order(self, ranking: Ranking) -> list[tuple[str, float]]:
        """(passage id, share) best first; on equal scores the fused order stands (a stable sort)."""
        if not ranking.ids:
            return []
        scores = self.model.scores(ranking.signals)
        shares = softmax(scores)
        order = np.argsort(-scores, kind="stable")
        return [(ranking.ids[i], float(shares[i])) for i in order]


@lru_cache(maxsize=1)
def _packaged() -> Reranker:
    return Reranker(LinearModel.load(MODEL_FILE, SIGNALS))


def signals(
    index: SearchIndex,
    query: Query,
    named: frozenset[str],
    candidates: Sequence[tuple[str, float]],
    similarity: Mapping[str, float],
) -> np.ndarray:
    """One row of SIGNALS per candidate (passage id, fused score); `similarity` holds the cosine of every
    sentence of the candidates to the question, by sentence id."""
    passages = [index.by_id[pid] for pid, _ in candidates]
    lent = {p.passage_id: _sources_of(index, p) for p in passages}
    terms = index.terms([*passages, *(note for notes in lent.values() for note in notes)])
    idf = index.lexical.idf(sorted(set(query.terms)))  # acronyms' other spellings included
    passage_bm25, sentence_bm25 = _bm25(index, query, named, passages)
    fused = np.array([score for _, score in candidates], dtype=np.float64)
    rows = []
    for position, passage in enumerate(passages):
        leave_out = index.naming_terms.get(passage.doc.doc_id, frozenset()) if passage.doc.doc_id in named else frozenset()
        weights = {t: w for t, w in idf.items() if t not in leave_out}
        held = terms[passage.passage_id].union(*(terms[note.passage_id] for note in lent[passage.passage_id]))
        sentence_ids = [passage.sentence_id(n) for n in range(len(passage.sentences))]
        rows.append([
            fused[position],
            passage_bm25[position],
            sentence_bm25[position],
            max((similarity.get(sid, 0.0) for sid in sentence_ids), default=0.0),
            _coverage(weights, held),
            max((_coverage(weights, terms[sid]) for sid in sentence_ids), default=0.0),
            float(passage.doc.doc_id in named),
            float(_mentions_another(index, query, passage)),
            float(query.names_locator(passage.locator)),
            float(query.asks_date and bool(DATE.search(passage.text))),
            float(query.gives_count(passage.text)),
            math.log1p(len(terms[passage.passage_id])),
            float(passage.locator == "header"),
            float(passage.is_footnote),
            float(passage.locator.startswith("preamble")),
        ])
    return np.asarray(rows, dtype=np.float64).reshape(len(passages), len(SIGNALS))


def _coverage(idf: Mapping[str, float], held: frozenset[str]) -> float:
    total = sum(idf.values())
    return sum(w for t, w in idf.items() if t in held) / total if total else 0.0


def _sources_of(index: SearchIndex, passage: Passage) -> list[Passage]:
    """The footnotes of a paragraph that only cite a source, whose terms are the paragraph's own."""
    notes = (index.by_id[n] for n in passage.footnotes if n in index.by_id)
    return [note for note in notes if is_source_reference(note.text)]


def _mentions_another(index: SearchIndex, query: Query, passage: Passage) -> bool:
    """Whether the passage names one of the question's documents ("75/240") other than its own."""
    own = passage.doc.session_number
    return any(
        number != own and passage.passage_id in index.mentions.get(number, ()) for number in query.session_numbers
    )


def _bm25(
    index: SearchIndex, query: Query, named: frozenset[str], passages: Sequence[Passage]
) -> tuple[np.ndarray, np.ndarray]:
    """BM25 of each passage and of its best sentence, relative to the best of the same search: the whole
    index's, or for a named document's passages that of the document without the words naming it."""
    passage_scores = np.zeros(len(passages))
    sentence_scores = np.zeros(len(passages))
    groups: dict[str | None, list[int]] = {}
    for position, passage in enumerate(passages):
        groups.setdefault(passage.doc.doc_id if passage.doc.doc_id in named else None, []).append(position)
    for doc_id, positions in groups.items():
        without = index.naming_terms.get(doc_id, frozenset()) if doc_id else frozenset()
        members = [passages[p] for p in positions]
        own = index.lexical.scores_of(query.terms, [p.passage_id for p in members], without)
        sentence_ids = [[p.sentence_id(n) for n in range(len(p.sentences))] for p in members]
        flat = index.sentence_lexical.scores_of(query.terms, [s for ids in sentence_ids for s in ids], without)
        best, start = [], 0
        for ids in sentence_ids:
            best.append(float(flat[start:start + len(ids)].max()) if ids else 0.0)
            start += len(ids)
        passage_scores[positions] = _relative(own)
        sentence_scores[positions] = _relative(np.asarray(best))
    return passage_scores, sentence_scores


def _relative(scores: np.ndarray) -> np.ndarray:
    top = scores.max() if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)
