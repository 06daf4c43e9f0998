"""Hybrid retrieval: BM25 and dense results fused, symbol-aware, footnotes brought in with their paragraphs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.query import Query
from assistant.rerank import DEPTH, Ranking, Reranker, signals
from core.models import Passage
from core.settings import require_valid_knobs
from core.text import fold, same_words
from core.vocabulary import is_source_reference
from index.embedder import TextEmbedder
from index.reader import Filters, SearchIndex
from index.vectors import passage_of


@dataclass(frozen=True)
class FusionWeights:
    """How the rankings are combined (reciprocal rank fusion); tuned on the eval suite, see docs/evaluation.md.

    Three rankings are fused: BM25 over passages (`lexical`), BM25 over single sentences, a passage
    ranked by its best sentence (`sentence_lexical`), and dense similarity of the best sentence (`dense`).

    A document the question names, by symbol ("80/16") or by subject (at least `title_share` of its title's
    idf-weighted words), has its passages ranked by the same fusion run inside it alone, without the words
    that name it, unless their score over the whole corpus is higher. `symbol` is then added to every passage
    of a document named by symbol, `title` times the share to those of a document named by subject (as much as
    a first rank in one list); `mention` to passages of other documents whose text names it; `header` to a
    named document's header when the question asks when or how it was adopted. A footnote lends the paragraph
    citing it `footnote_share` of its score, and a footnote that only cites a source gives it its whole score
    and its place (for "who said or voted what" a paragraph's footnotes follow it in the ranking). `topic`
    times a document's topicality (the share of its passages on ICT security) favours the corpus's own subject
    over same-session distractors. `enumeration` goes to passages that set out a list when the question asks
    for one ("what are the two ...", "how many ..."), `count` to those giving a number of what a "how many"
    question counts. `locator` goes to the paragraph a question names ("paragraph 2 of 80/16"), `phrase` to
    passages holding the exact wording a question quotes. With `rerank` the first candidates are then
    reordered by the fitted reranker (assistant/rerank.py).
    """

    rrf_k: float = 60.0
    lexical: float = 2.0
    sentence_lexical: float = 0.75
    dense: float = 0.3
    symbol: float = 1.0 / 61
    mention: float = 0.5 / 61
    header: float = 2.0 / 61
    footnote_share: float = 0.9
    topic: float = 0.5 / 61
    locator: float = 2.0 / 61
    phrase: float = 3.0 / 61
    title: float = 1.0 / 61
    enumeration: float = 1.0 / 61
    count: float = 1.0 / 61
    title_share: float = 0.6
    followers: int = 3
    depth: int = 50
    rerank: bool = True

    def __post_init__(self) -> None:
        require_valid_knobs(self)


DEFAULT_WEIGHTS = FusionWeights()
# Sentence vectors fetched per passage wanted from the dense side (passages have a few sentences each).
SENTENCES_PER_PASSAGE = 3


@dataclass(frozen=True)
class SearchResult:
    """Ranked passages, the query as analysed, and each dense candidate's cosine similarity."""

    query: Query
    passages: list[Passage]
    named: frozenset[str]  # the documents the question names, by symbol or short title
    similarity: dict[str, float]  # passage id -> its best sentence's cosine similarity to the question
    sentence_similarity: dict[str, float]  # sentence id -> cosine similarity, for every sentence of `passages`
    query_vector: np.ndarray
    # passage id -> the other passages the filters admit that say it in the same words, oldest first
    copies: dict[str, tuple[Passage, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fused:
    """One question's fusion: every candidate's fused score, and what was read on the way."""

    query: Query
    query_vector: np.ndarray
    filters: Filters
    scores: dict[str, float]
    sentence_similarity: dict[str, float]
    named: frozenset[str]  # by symbol or short title (SearchResult.named)
    titled: frozenset[str]  # by subject: the reranker treats them as named


class HybridSearcher:
    """Searches one index: `search(query, k, filters)` returns the passages best first, with fused scores.

    >>> searcher = HybridSearcher(SearchIndex.open(Path(".gma")), Embedder())  # doctest: +SKIP
    >>> searcher.search(analyse("What are the two dedicated thematic groups?"), k=3).passages[0].citation  # doctest: +SKIP
    'UNIDIR chapter, section 2.4'
    """

    def __init__(
        self,
        index: SearchIndex,
        embedder: TextEmbedder,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.weights = weights
        # The model reordering the fused candidates: the given one, else the packaged one unless switched off.
        self.reranker = reranker or (Reranker.packaged() if weights.rerank else None)

    def search(self, query: Query, k: int = 5, filters: Filters | None = None) -> SearchResult:
        """The `k` best passages and the evidence behind their ranking (dense similarities), for the answerer."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        fused = self._fuse(query, filters or Filters(), depth=max(self.weights.depth, 4 * k))
        results: list[Passage] = []
        seen_texts: set[str] = set()
        ranked, known = self._ordered(fused)
        scores = dict(ranked)
        for pid, score in ranked:
            for member in (pid, *self._followers(fused.query, pid)):
                passage = self.index.by_id.get(member)
                if passage is None or not fused.filters.admits(passage):
                    continue
                key = same_words(passage.text)
                if key in seen_texts:
                    continue
                seen_texts.add(key)
                results.append(replace(passage, score=round(min(score, scores.get(member, score)), 6)))
                if len(results) == k:
                    break
            if len(results) == k:
                break
        wanted = [p.sentence_id(n) for p in results for n in range(len(p.sentences))]
        sentence_similarity = self._with_similarities(known, fused.query_vector, wanted)
        similarity: dict[str, float] = {}
        for sid in wanted:
            pid = passage_of(sid)
            similarity[pid] = max(similarity.get(pid, -1.0), sentence_similarity.get(sid, -1.0))
        return SearchResult(
            fused.query, results, fused.named, similarity, sentence_similarity, fused.query_vector,
            self._copies(results, fused.filters, fused.named),
        )

    def _copies(
        self, results: list[Passage], filters: Filters, named: frozenset[str]
    ) -> dict[str, tuple[Passage, ...]]:
        """The passages of other documents saying each result's words, oldest first: an answer quoting it
        cites them all, except those of documents a question naming documents does not name (it asks
        about those)."""
        found = {}
        for passage in results:
            same = [self.index.by_id[pid] for pid in self.index.copies.get(passage.passage_id, ())
                    if pid != passage.passage_id and filters.admits(self.index.by_id[pid])]
            same = [p for p in same if not named or p.doc.doc_id in named]
            if same:
                found[passage.passage_id] = tuple(sorted(same, key=lambda p: (p.doc.date or "", p.passage_id)))
        return found

    def rank(self, query: Query, filters: Filters | None = None) -> Ranking:
        """The candidates the reranker reorders, best first by fused score, with their signals: what
        `search` orders by the fitted model, and what evals/fit_reranker.py fits it on."""
        return self._ranking(self._fuse(query, filters or Filters(), depth=self.weights.depth))[0]

    def _fuse(self, query: Query, filters: Filters, depth: int) -> _Fused:
        """Every candidate's fused score: the three rankings, then the bonuses for what the question names."""
        query = query.with_long_forms(self.index.long_form)
        query_vector = self.embedder.embed_query(query.dense)
        scores, sentence_similarity = self._fused(query, query_vector, filters, depth)
        named = frozenset(self.index.named_documents(query.symbols, query.text))
        self._boost_named_documents(query, named, query_vector, scores)
        titled: frozenset[str] = frozenset()
        if not query.symbols:  # a question naming symbols names its documents by them, not by subject
            titled = self._boost_titled_documents(query, query_vector, scores)
        self._boost_passages(query, scores)
        self._share_with_footnotes(scores)
        return _Fused(query, query_vector, filters, scores, sentence_similarity, named, titled)

    def _ordered(self, fused: _Fused) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """(passage id, score) best first: the reranker's order and shares for its candidates, then the
        rest in fused order with no share; without a reranker the fused order and scores. With them the
        sentence similarities read on the way, so that none is fetched twice."""
        by_fusion = self._by_fusion(fused)
        if self.reranker is None:
            return by_fusion, fused.sentence_similarity
        ranking, similarity = self._ranking(fused, by_fusion)
        reranked = set(ranking.ids)
        return self.reranker.order(ranking) + [(pid, 0.0) for pid, _ in by_fusion if pid not in reranked], similarity

    def _by_fusion(self, fused: _Fused) -> list[tuple[str, float]]:
        """(passage id, fused score) best first; on equal scores official text first, then by id."""
        return sorted(fused.scores.items(), key=lambda item: (-item[1], not self._trusted(item[0]), item[0]))

    def _ranking(
        self, fused: _Fused, by_fusion: list[tuple[str, float]] | None = None
    ) -> tuple[Ranking, dict[str, float]]:
        """The first candidates the filters admit (the reranker's depth of them), and after them any other
        paragraph the question names of a document it names ("paragraph 2 of article 6 of A/RES/79/243",
        whose words tell it from none of the document's other paragraphs), with their signals, and the
        sentence similarities those were computed from."""
        depth = self.reranker.depth if self.reranker is not None else DEPTH
        allowed = [(pid, score) for pid, score in by_fusion or self._by_fusion(fused)
                   if pid in self.index.by_id and fused.filters.admits(self.index.by_id[pid])]
        named = fused.named | fused.titled
        admitted = allowed[:depth] + [
            (pid, score) for pid, score in allowed[depth:]
            if (passage := self.index.by_id[pid]).doc.doc_id in named and fused.query.names_locator(passage.locator)
        ]
        passages = [self.index.by_id[pid] for pid, _ in admitted]
        sentence_ids = [p.sentence_id(n) for p in passages for n in range(len(p.sentences))]
        similarity = self._with_similarities(fused.sentence_similarity, fused.query_vector, sentence_ids)
        rows = signals(self.index, fused.query, named, admitted, similarity)
        ranking = Ranking(fused.query, [pid for pid, _ in admitted], np.array([s for _, s in admitted]), rows)
        return ranking, similarity

    def _with_similarities(
        self, known: dict[str, float], query_vector: np.ndarray, sentence_ids: list[str]
    ) -> dict[str, float]:
        """The `known` sentence similarities, with those of `sentence_ids` it lacks (sentences only BM25
        brought in) added: a new dict, the fusion's own stays as the dense search found it."""
        found = self.index.vectors.vectors([sid for sid in sentence_ids if sid not in known])
        return known | {sid: float(vector @ query_vector) for sid, vector in found.items()}

    def _trusted(self, pid: str) -> bool:
        """On equal scores an official document's passage goes first, before an unconfirmed or uploaded one's."""
        passage = self.index.by_id.get(pid)
        return passage is not None and passage.doc.provenance.trusted

    def _official_first(
        self, hits: list[tuple[str, float]], passage_id: Callable[[str], str]
    ) -> list[tuple[str, float]]:
        """A ranking (best first) with its ties settled for official documents: two passages that match
        equally well get their ranks, and so their fused scores, official one first (a stable sort: the
        order is otherwise the ranking's own)."""
        return sorted(hits, key=lambda hit: (-hit[1], not self._trusted(passage_id(hit[0]))))

    def _followers(self, query: Query, pid: str) -> list[str]:
        """For "who said or voted what", the footnotes naming States or votes follow their paragraph."""
        passage = self.index.by_id.get(pid)
        if not query.asks_attribution or passage is None:
            return []
        notes = [n for n in passage.footnotes if n in self.index.by_id]
        return [n for n in notes if not is_source_reference(self.index.by_id[n].text)][: self.weights.followers]

    def _fused(
        self, query: Query, query_vector: np.ndarray, filters: Filters, depth: int
    ) -> tuple[dict[str, float], dict[str, float]]:
        lexical = self.index.lexical.search(query.terms, depth, self.index.allowed_ids(filters))
        allowed = self.index.allowed_sentence_ids(filters)
        sentence_hits = self.index.sentence_lexical.search(query.terms, depth * SENTENCES_PER_PASSAGE, allowed)
        sentences = self.index.vectors.search(query_vector, depth * SENTENCES_PER_PASSAGE, filters.chroma_where())
        return self._reciprocal_rank(lexical, sentence_hits, sentences, depth), dict(sentences)

    def _reciprocal_rank(
        self,
        lexical: list[tuple[str, float]],
        sentence_hits: list[tuple[str, float]],
        sentences: list[tuple[str, float]],
        depth: int,
    ) -> dict[str, float]:
        """Passage scores from the three rankings: BM25 over passages, and over sentences and sentence
        vectors, where a passage ranks by its best sentence."""
        weights = self.weights
        lexical = self._official_first(lexical, lambda pid: pid)
        sentence_hits, sentences = (self._official_first(hits, passage_of) for hits in (sentence_hits, sentences))
        scores: dict[str, float] = defaultdict(float)
        for rank, (pid, _) in enumerate(lexical):
            scores[pid] += weights.lexical / (weights.rrf_k + rank + 1)
        for rank, pid in enumerate(_best_first(sentence_hits)):
            scores[pid] += weights.sentence_lexical / (weights.rrf_k + rank + 1)
        for rank, pid in enumerate(_best_first(sentences)[:depth]):
            scores[pid] += weights.dense / (weights.rrf_k + rank + 1)
        return scores

    def _rank_within(self, doc_id: str, query: Query, query_vector: np.ndarray, scores: dict[str, float]) -> None:
        """A document the question names has its passages scored by a search of it alone, without the words
        that name it (its symbol, its title): inside it they do not tell one paragraph from another ("the
        resolution on nuclear disarmament verification" says nothing of which of its paragraphs gives the
        number of experts). A passage keeps its score over the whole corpus when that is higher: the
        paragraph that restates the title ("Decides to proclaim ... the International Day of ...") is told
        apart by the very words that name the document."""
        own = self.index.by_document[doc_id]
        naming = self.index.naming_terms[doc_id]
        depth = self.weights.depth
        lexical = self.index.lexical.search(query.terms, depth, [p.passage_id for p in own], without=naming)
        sentence_ids = [p.sentence_id(n) for p in own for n in range(len(p.sentences))]
        sentence_hits = self.index.sentence_lexical.search(
            query.terms, depth * SENTENCES_PER_PASSAGE, sentence_ids, without=naming
        )
        sentences = self.index.vectors.search(query_vector, depth * SENTENCES_PER_PASSAGE, {"doc_id": doc_id})
        within = self._reciprocal_rank(lexical, sentence_hits, sentences, depth)
        for passage in own:
            pid = passage.passage_id
            scores[pid] = max(within.get(pid, 0.0), scores.get(pid, 0.0))

    def _boost_passages(self, query: Query, scores: dict[str, float]) -> None:
        """Bonuses for what a passage is rather than what it says: on the corpus's subject, a list when the
        question asks for one, a number of what a "how many" question counts."""
        weights = self.weights
        for pid in scores:
            passage = self.index.by_id.get(pid)
            if passage is None:
                continue
            scores[pid] += weights.topic * self.index.topicality.get(passage.doc.doc_id, 0.0)
            if query.asks_enumeration and passage.has_list:
                scores[pid] += weights.enumeration
            if query.gives_count(passage.text):
                scores[pid] += weights.count

    def _boost_named_documents(
        self, query: Query, named: frozenset[str], query_vector: np.ndarray, scores: dict[str, float]
    ) -> None:
        """Documents, paragraphs and wording the question names join the candidates, with a bonus."""
        weights = self.weights
        for doc_id in named:
            self._rank_within(doc_id, query, query_vector, scores)
            for passage in self.index.by_document[doc_id]:
                pid = passage.passage_id
                scores[pid] += weights.symbol
                if query.asks_date and passage.locator == "header":
                    scores[pid] += weights.header
                if query.names_locator(passage.locator):
                    scores[pid] += weights.locator
        mentioned = {pid for n in query.session_numbers for pid in self.index.mentions.get(n, ())}
        for pid in mentioned:
            if pid in self.index.by_id and self.index.by_id[pid].doc.doc_id not in named:
                scores[pid] += weights.mention
        if query.locators and not named:
            for pid in list(scores):
                passage = self.index.by_id.get(pid)
                if passage is not None and query.names_locator(passage.locator):
                    scores[pid] += weights.locator
        if query.phrase:
            needle = fold(query.phrase)[0]
            for pid, text in self.index.folded.items():
                if needle in text:
                    scores[pid] += weights.phrase

    def _boost_titled_documents(
        self, query: Query, query_vector: np.ndarray, scores: dict[str, float]
    ) -> frozenset[str]:
        """A document the question names by its subject is searched on its own: its passages join the
        candidates, with a bonus growing with the share of its title the question repeats. Returns those
        documents."""
        titled = self.index.titled_documents(query.terms, self.weights.title_share)
        for doc_id, share in titled.items():
            self._rank_within(doc_id, query, query_vector, scores)
            for passage in self.index.by_document[doc_id]:
                scores[passage.passage_id] += self.weights.title * share
        return frozenset(titled)

    def _share_with_footnotes(self, scores: dict[str, float]) -> None:
        """A footnote that matches lends its citing paragraph part of its score: the paragraph says what
        the footnote's States or votes are about. A footnote that only cites a source says nothing of
        its own: its paragraph takes its place in the ranking (and carries it, as it carries every footnote)."""
        share = self.weights.footnote_share
        for pid, score in list(scores.items()):
            passage = self.index.by_id.get(pid)
            if passage is None or not passage.is_footnote:
                continue
            only_a_source = bool(passage.cited_by) and is_source_reference(passage.text)
            for parent in passage.cited_by:
                scores[parent] = max(scores.get(parent, 0.0), score if only_a_source else share * score)
            if only_a_source:
                del scores[pid]


def _best_first(sentences: list[tuple[str, float]]) -> list[str]:
    """Passages in the order of their best sentence in a ranking of sentences."""
    return list(dict.fromkeys(passage_of(sid) for sid, _ in sentences))

