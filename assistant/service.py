"""The assistant as one object: index, embedding model, searchers and answerer, loaded once.

The CLI builds one per command, the UI one per process (st.cache_resource), the evals one per run.
A question comes in as text and is cleaned and analysed here, once; everything below takes the `Query`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from assistant.answer import (
    ABSTAIN_MESSAGE,
    DEFAULT_POLICY,
    Answer,
    AnswerPolicy,
    AnswerSentence,
    ExtractiveAnswerer,
    TextVectors,
)
from assistant.docdiff import DocumentDiff, diff_documents
from assistant.history import ParagraphHistory, paragraph_history
from assistant.language import language_notice
from assistant.lineage import resolve_passage
from assistant.linear import LinearModel
from assistant.phrase import PhraseHit, PhraseSearcher
from assistant.query import Query, analyse, clean_question, question_parts
from assistant.retriever import DEFAULT_WEIGHTS, FusionWeights, HybridSearcher
from core.models import Passage
from core.settings import ANSWER_PASSAGES, Settings
from index.embedder import Embedder, TextEmbedder
from index.leases import Leases
from index.onnx_embedder import ExportUnavailable, OnnxEmbedder
from index.reader import Filters, SearchIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Opened:
    """One generation of the index with the searchers over it, replaced together when an ingest publishes.

    The searchers are made on first use: exact-wording search needs no embedding model, and never loads one."""

    index: SearchIndex
    embedder: Callable[[], TextEmbedder]
    weights: FusionWeights

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.index, self.embedder(), self.weights)

    @cached_property
    def text_vectors(self) -> TextVectors:
        return TextVectors(self.embedder())

    @cached_property
    def phrases(self) -> PhraseSearcher:
        return PhraseSearcher(self.index, self.embedder())

    def is_stale(self) -> bool:
        return self.index.is_stale()

    def close(self) -> None:
        self.index.close()


class Assistant:
    """Search and answer over the index named by the settings; reopens the index when an ingest replaced it.

    Safe to share between threads: each call holds the index version it started on until it returns, and a
    replaced version is closed once its last call is done (index/leases.py).

    >>> Assistant(Settings.from_env()).ask("What are the two dedicated thematic groups?").text  # doctest: +SKIP
    """

    def __init__(
        self,
        settings: Settings,
        embedder: TextEmbedder | None = None,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        policy: AnswerPolicy = DEFAULT_POLICY,
        confidence: LinearModel | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self.weights = weights
        self.policy = policy
        self.confidence = confidence  # the answerer's, else the packaged one
        self._versions = Leases(self._open)

    @property
    def embedder(self) -> TextEmbedder:
        """The given embedder, else the one `question_embedder` picks, chosen once the index has opened."""
        if self._embedder is None:
            self._embedder = question_embedder(self.settings)
        return self._embedder

    def current_index(self) -> SearchIndex:
        """The live generation, reopened (with its searchers) when another ingest has published a newer one.

        Not held: read its passages; questions go through the methods below, which hold their version.
        """
        return self._versions.peek().index

    def close(self) -> None:
        """Release the index (its Chroma client and files) once the calls in progress are done."""
        self._versions.close()

    def _open(self) -> _Opened:
        index = SearchIndex.open(self.settings.index_dir, self.settings.chroma_url)
        return _Opened(index, lambda: self.embedder, self.weights)

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        with self._versions.hold() as opened:
            return opened.searcher.search(analyse(clean_question(query)), k, filters).passages

    def exact_phrase(self, phrase: str, filters: Filters | None = None, limit: int | None = None) -> list[PhraseHit]:
        with self._versions.hold() as opened:  # exact wording needs no embedding model: none is loaded
            return PhraseSearcher(opened.index).exact(clean_question(phrase), filters, limit)

    def similar_wording(self, sentence: str, k: int = 10, filters: Filters | None = None) -> list[Passage]:
        with self._versions.hold() as opened:
            return opened.phrases.similar(clean_question(sentence), k, filters)

    def ask(
        self, question: str, k: int = ANSWER_PASSAGES, filters: Filters | None = None, llm: str | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """The extractive answer from the `k` best passages, or with an LLM backend (argument or GMA_LLM) a
        checked generative one, whose raw reply streams to `on_text` as it arrives.

        Raises QuestionError for an empty or overlong question; control characters are dropped.
        """
        query = analyse(clean_question(question))
        with self._versions.hold() as opened:
            return self._ask(query, opened, k, filters, llm, on_text)

    def _ask(
        self, query: Query, opened: _Opened, k: int, filters: Filters | None, llm: str | None,
        on_text: Callable[[str], None] | None,
    ) -> Answer:
        answerer = ExtractiveAnswerer(opened.index, self.embedder, self.policy, opened.text_vectors, self.confidence)
        backend = llm or self.settings.llm
        parts = question_parts(query.text)
        if len(parts) > 1 and not backend:
            answer = self._answer_in_parts(query.text, parts, k, filters, opened.searcher, answerer)
            notice = language_notice(query.text)
            return replace(answer, notice=notice) if notice else answer
        started = time.perf_counter()
        result = opened.searcher.search(query, k, filters)
        retrieve_ms = (time.perf_counter() - started) * 1000
        if backend:
            from assistant.llm import GenerativeAnswerer, LlmBackend
            from assistant.support import SupportChecker

            chat_model = LlmBackend.parse(backend).chat_model(self.settings)
            generative = GenerativeAnswerer(chat_model, answerer, SupportChecker(self.embedder), self.settings.llm_timeout)
            answer = generative.answer(result, on_text)
        else:
            answer = answerer.answer(result)
        answer = replace(answer, timings_ms={"retrieve": retrieve_ms, **answer.timings_ms})
        notice = language_notice(query.text)
        return replace(answer, notice=notice) if notice else answer

    @staticmethod
    def _answer_in_parts(
        question: str,
        parts: list[str],
        k: int,
        filters: Filters | None,
        searcher: HybridSearcher,
        answerer: ExtractiveAnswerer,
    ) -> Answer:
        """A question asking two things answered part by part, each with its own cited sentences; the
        message names each part the documents do not support."""
        sentences: list[AnswerSentence] = []
        retrieved: dict[str, Passage] = {}
        unsupported: list[str] = []
        signals: dict[str, float] = {}
        closest: AnswerSentence | None = None
        shorts: list[str] = []
        timings: dict[str, float] = {"retrieve": 0.0, "answer": 0.0}
        for part in parts:
            started = time.perf_counter()
            result = searcher.search(analyse(part), k, filters)
            timings["retrieve"] += (time.perf_counter() - started) * 1000
            answer = answerer.answer(result)
            shorts.append(answer.short)
            timings["answer"] += answer.timings_ms.get("answer", 0.0)
            sentences += [s for s in answer.sentences if all(s.text != kept.text for kept in sentences)]
            retrieved.update({p.passage_id: p for p in answer.retrieved if p.passage_id not in retrieved})
            if answer.abstained:
                unsupported.append(part.split("?", 1)[0] + "?")
                closest = closest or answer.closest
            # the answer is as well supported as its weakest part
            signals = {name: min(value, signals.get(name, value)) for name, value in answer.signals.items()}
        message = ABSTAIN_MESSAGE if not sentences else ""
        if sentences and unsupported:
            message = "The documents do not support an answer to: " + "; ".join(f"\u201c{u}\u201d" for u in unsupported)
        short = "; ".join(shorts) if all(shorts) else ""  # one part's span alone would pass for the whole answer
        return Answer(question, tuple(sentences), tuple(list(retrieved.values())[:k]), timings, message,
                      short=short, closest=None if sentences else closest, signals=signals)

    def history(self, citation: str) -> ParagraphHistory:
        """The cited paragraph's versions across its series, oldest first (assistant/history.py).

        Raises UnknownReference when no passage has that citation (or passage id).
        """
        with self._versions.hold() as opened:
            return paragraph_history(opened.index, resolve_passage(opened.index, citation))

    def diff(self, first: str, second: str) -> DocumentDiff:
        """Two documents (symbols or doc_ids) compared paragraph by paragraph, in the second's order.

        Raises UnknownReference when either is not in the index.
        """
        with self._versions.hold() as opened:
            return diff_documents(opened.index, first, second)


def question_embedder(settings: Settings) -> TextEmbedder:
    """The model that ingest exported into the index, run by onnxruntime, so a new process embeds its question
    without importing torch; without a usable export, sentence-transformers, after one line saying why."""
    try:
        return OnnxEmbedder.exported(settings.index_dir, settings.embed_model)
    except ExportUnavailable as exc:
        log.warning("note: %s; loading sentence-transformers instead, which is slower to start", exc)
        return Embedder(settings.embed_model)
