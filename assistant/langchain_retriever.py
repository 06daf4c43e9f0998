"""LangChain at the edge: the assistant's search as a `BaseRetriever`, for users who compose LangChain chains.

Nothing else in the project imports LangChain's retriever types; the core passes `Passage`s.

>>> retriever = PassageRetriever(assistant=Assistant(Settings.from_env()), k=3)  # doctest: +SKIP
>>> retriever.invoke("What are the two dedicated thematic groups?")[0].metadata["citation"]  # doctest: +SKIP
'UNIDIR chapter, section 2.4'
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.service import Assistant
from core.models import Passage
from index.reader import Filters


class PassageRetriever(BaseRetriever):
    """Documents whose metadata is the Passage JSON of the interface spec, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    k: int = 5
    filters: Filters = Filters()

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(p) for p in self.assistant.search(query, self.k, self.filters)]


def to_document(passage: Passage) -> Document:
    """A passage as a LangChain Document: its text, its spec JSON as metadata, its id."""
    return Document(page_content=passage.text, metadata=passage.to_dict(), id=passage.passage_id)
