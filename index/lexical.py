"""The BM25 side of the hybrid index (bm25s), persisted beside the vectors of each generation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.models import Passage

if TYPE_CHECKING:
    import bm25s

# bm25s (and the scipy it imports) load on first use, not with this module: exact-wording search and the
# other commands that need no BM25 start without them.

_IDS_FILE = "ids.json"
# BM25's term-frequency saturation and length normalisation. Passages run from one line to a whole
# analysis section, and bm25s's defaults (k1=1.5, b=0.75) bury a long section one sentence of which
# answers the question; these were tuned on the eval suite (docs/evaluation.md). Sentences keep the defaults.
PASSAGE_K1 = 1.2
PASSAGE_B = 0.5


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, English-stemmed tokens without stop words; the same for passages and queries."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(
        list(texts), stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False
    )


def terms(text: str) -> list[str]:
    """One text's tokens (`tokenize`): what a query is searched by."""
    return tokenize([text])[0]


class LexicalIndex:
    """BM25 scores over passage ids, for a query's terms (`terms`): a question tokenised once is searched
    in the passage index and the sentence index, and inside each named document, with the same terms.

    >>> index = LexicalIndex.build(["a#0", "a#1"], ["two dedicated thematic groups", "a review conference"])
    >>> index.search(terms("thematic groups"), k=1)[0][0]
    'a#0'
    """

    def __init__(self, retriever: bm25s.BM25, ids: list[str]) -> None:
        self._retriever = retriever
        self.ids = ids
        self._position = {pid: i for i, pid in enumerate(ids)}
        self._vocab = set(retriever.vocab_dict) if ids else set()
        self._document_frequency: np.ndarray | None = None

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        import bm25s

        retriever = bm25s.BM25(k1=k1, b=b)
        if ids:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, list(ids))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self._retriever.save(str(directory))
        (directory / _IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        ids = json.loads((directory / _IDS_FILE).read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(directory)) if ids else bm25s.BM25()
        return cls(retriever, ids)

    def idf(self, tokens: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each token over the indexed passages (0 for unknown tokens)."""
        if not self.ids:
            return dict.fromkeys(tokens, 0.0)
        if self._document_frequency is None:
            # bm25s keeps one sparse column per vocabulary token: its length is the token's document frequency.
            self._document_frequency = np.diff(self._retriever.scores["indptr"])
        vocab = self._retriever.vocab_dict
        n = len(self.ids)
        result = {}
        for token in tokens:
            column = vocab.get(token, len(self._document_frequency))
            df = int(self._document_frequency[column]) if column < len(self._document_frequency) else 0
            result[token] = float(np.log((n - df + 0.5) / (df + 0.5) + 1.0)) if df else 0.0
        return result

    def scores(self, query: Sequence[str], without: frozenset[str] = frozenset()) -> np.ndarray:
        """BM25 score of every passage for the query's terms (less the terms `without`), aligned with `ids`."""
        tokens = [t for t in query if t in self._vocab and t not in without]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def scores_of(
        self, query: Sequence[str], ids: Sequence[str], without: frozenset[str] = frozenset()
    ) -> np.ndarray:
        """BM25 score of each of `ids` for the query (0 for an id not indexed), in their order."""
        scores = self.scores(query, without)
        return np.array([scores[self._position[i]] if i in self._position else 0.0 for i in ids], dtype=np.float64)

    def search(
        self, query: Sequence[str], k: int, allowed: Sequence[str] | None = None, without: frozenset[str] = frozenset()
    ) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, optionally among `allowed` ids only."""
        scores = self.scores(query, without)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._position[p] for p in allowed if p in self._position]] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def passage_lexical_index(passages: Sequence[Passage]) -> LexicalIndex:
    """BM25 over whole passages (their search text: citation, heading and text)."""
    return LexicalIndex.build([p.passage_id for p in passages], [p.search_text for p in passages], PASSAGE_K1, PASSAGE_B)


def sentence_lexical_index(passages: Sequence[Passage]) -> LexicalIndex:
    """BM25 over single sentences: a question that matches one sentence of a long passage well is not
    drowned by the rest of the passage, as it is at passage level."""
    ids = [p.sentence_id(n) for p in passages for n in range(len(p.sentences))]
    return LexicalIndex.build(ids, [text for p in passages for text in p.sentence_search_texts])
