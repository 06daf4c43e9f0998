"""The assistant as one object: index, embedding model, searchers and answerer, loaded once.

The CLI builds one per command, the UI one per process (st.cache_resource), the evals one per run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cached_property

from assistant.answer import Answer, ExtractiveAnswerer
from assistant.docdiff import DocumentDiff, diff_documents
from assistant.history import ParagraphHistory, paragraph_history
from assistant.language import language_notice
from assistant.lineage import resolve_passage
from assistant.phrase import PhraseHit, PhraseSearcher
from assistant.query import clean_question
from assistant.retriever import HybridSearcher
from assistant.search_index import Filters, SearchIndex
from assistant.settings import Settings
from ingest.embedder import Embedder, TextEmbedder
from ingest.models import Passage


class Assistant:
    """Search and answer over the index named by the settings; reopens the index when an ingest replaced it.

    >>> Assistant(Settings.from_env()).ask("What are the two dedicated thematic groups?").text  # doctest: +SKIP
    """

    def __init__(self, settings: Settings, embedder: TextEmbedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embed_model)
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        if self._index is None or self._index.is_stale():
            self._index = SearchIndex.open(self.settings.index_dir, self.settings.chroma_url)
            self.__dict__.pop("searcher", None)
            self.__dict__.pop("phrases", None)
        return self._index

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.index, self.embedder)

    @cached_property
    def phrases(self) -> PhraseSearcher:
        return PhraseSearcher(self.index, self.embedder)

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        query = clean_question(query)
        self.index  # noqa: B018 - reopen first if stale
        return self.searcher.search(query, k, filters)

    def exact_phrase(self, phrase: str, filters: Filters | None = None, limit: int | None = None) -> list[PhraseHit]:
        phrase = clean_question(phrase)
        self.index  # noqa: B018
        return self.phrases.exact(phrase, filters, limit)

    def similar_wording(self, sentence: str, k: int = 10, filters: Filters | None = None) -> list[Passage]:
        sentence = clean_question(sentence)
        self.index  # noqa: B018
        return self.phrases.similar(sentence, k, filters)

    def ask(
        self, question: str, k: int = 8, filters: Filters | None = None, llm: str | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """The extractive answer, or with an LLM backend (argument or GMA_LLM) a checked generative one,
        whose raw reply streams to `on_text` as it arrives.

        Raises QuestionError for an empty or overlong question; control characters are dropped.
        """
        question = clean_question(question)
        self.index  # noqa: B018
        backend = llm or self.settings.llm
        if backend:
            from assistant.llm import GenerativeAnswerer, LlmBackend

            chat_model = LlmBackend.parse(backend).chat_model(self.settings)
            answerer = GenerativeAnswerer(self.searcher, chat_model, self.settings.llm_timeout)
            answer = answerer.answer(question, k, filters, on_text)
        else:
            answer = ExtractiveAnswerer(self.searcher).answer(question, k, filters)
        notice = language_notice(question)
        return replace(answer, notice=notice) if notice else answer

    def history(self, citation: str) -> ParagraphHistory:
        """The cited paragraph's versions across its series, oldest first (assistant/history.py).

        Raises UnknownReference when no passage has that citation (or passage id).
        """
        index = self.index
        return paragraph_history(index, resolve_passage(index, citation))

    def diff(self, first: str, second: str) -> DocumentDiff:
        """Two documents (symbols or doc_ids) compared paragraph by paragraph, in the second's order.

        Raises UnknownReference when either is not in the index.
        """
        return diff_documents(self.index, first, second)
