"""The systems an evaluation compares: the assistant itself and the plain baselines, behind one interface."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.service import Assistant
from index.embedder import TextEmbedder
from index.lexical import terms
from index.reader import SearchIndex
from index.vectors import passage_of


@dataclass(frozen=True)
class Response:
    """What a system gave for one question, reduced to what the metrics read."""

    answer: str
    abstained: bool
    retrieved: tuple[str, ...]
    cited: tuple[str, ...]
    latency_ms: float
    raw: dict[str, Any]


class System(Protocol):
    name: str

    def respond(self, question: str, k: int) -> Response: ...


class AssistantSystem:
    """The project's hybrid retriever and grounded extractive answerer, or with `llm` its generative one."""

    def __init__(self, assistant: Assistant, llm: str | None = None) -> None:
        self.assistant = assistant
        self.llm = llm
        self.name = f"gma (hybrid + {llm})" if llm else "gma (hybrid + extractive)"

    def respond(self, question: str, k: int) -> Response:
        started = time.perf_counter()
        answer = self.assistant.ask(question, llm=self.llm)  # reads its own number of passages; hit@k looks at the first k
        latency = (time.perf_counter() - started) * 1000
        return Response(
            answer=answer.text,
            abstained=answer.abstained,
            retrieved=tuple(p.text for p in answer.retrieved[:k]),
            cited=tuple(p.text for p in answer.citations),
            latency_ms=latency,
            raw=answer.to_json(),
        )


class _TopPassageSystem:
    """A retriever without an answerer: its answer is the first passage, as a plain search shows it."""

    name = "top passage"

    def ranked(self, question: str, k: int) -> list[tuple[str, dict[str, Any]]]:
        raise NotImplementedError

    def respond(self, question: str, k: int) -> Response:
        started = time.perf_counter()
        ranked = self.ranked(question, k)
        latency = (time.perf_counter() - started) * 1000
        texts = tuple(text for text, _ in ranked)
        return Response(
            answer=texts[0] if texts else "",
            abstained=not texts,
            retrieved=texts,
            cited=texts[:1],
            latency_ms=latency,
            raw={"retrieved": [meta for _, meta in ranked]},
        )


class Bm25System(_TopPassageSystem):
    """BM25 alone over the project's passages (no acronym expansion, no fusion)."""

    name = "BM25 alone"

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def ranked(self, question: str, k: int) -> list[tuple[str, dict[str, Any]]]:
        hits = self.index.lexical.search(terms(question), k)
        return [(self.index.by_id[pid].text, self.index.by_id[pid].to_dict()) for pid, _ in hits]


class DenseSystem(_TopPassageSystem):
    """Dense similarity alone over the project's passages."""

    name = "dense alone"

    def __init__(self, index: SearchIndex, embedder: TextEmbedder) -> None:
        self.index = index
        self.embedder = embedder

    def ranked(self, question: str, k: int) -> list[tuple[str, dict[str, Any]]]:
        best: dict[str, float] = {}
        for sid, similarity in self.index.vectors.search(self.embedder.embed_query(question), 4 * k):
            best.setdefault(passage_of(sid), similarity)
        top = [pid for pid in best if pid in self.index.by_id][:k]
        return [(self.index.by_id[pid].text, self.index.by_id[pid].to_dict()) for pid in top]


class RecipeSystem(_TopPassageSystem):
    """The plain LangChain recipe: 1,000/200 character chunks, same model, Chroma similarity top-k."""

    name = "LangChain recipe"

    def __init__(self, store: Any) -> None:  # noqa: ANN401 - langchain_chroma.Chroma
        self.store = store

    def ranked(self, question: str, k: int) -> list[tuple[str, dict[str, Any]]]:
        return [(d.page_content, dict(d.metadata)) for d in self.store.similarity_search(question, k=k)]
