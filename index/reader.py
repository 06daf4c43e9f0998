"""The read side of an index: the live generation's passages, BM25 and vectors, reopened when it changes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from core.acronyms import long_form, name_runs
from core.models import Passage
from core.text import folded as folded_text
from core.text import same_words
from core.vocabulary import DOMAIN
from index.generation import BM25, BM25_SENTENCES, read_lexical
from index.lexical import LexicalIndex, terms, tokenize
from index.store import GenerationHold, IndexStore, vector_space
from index.vectors import VectorReader


@dataclass(frozen=True)
class Filters:
    """Restrictions on what a search may return; None means no restriction."""

    doc_type: str | None = None
    symbol: str | None = None
    state: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.doc_type, self.symbol, self.state, self.year_from, self.year_to))

    def chroma_where(self) -> dict[str, Any] | None:
        """The same restriction as a Chroma `where` clause over the vector metadata."""
        clauses: list[dict[str, Any]] = []
        if self.doc_type:
            clauses.append({"doc_type": self.doc_type})
        if self.symbol:
            clauses.append({"symbol": self.symbol.upper()})
        if self.state:
            clauses.append({"state": self.state})
        if self.year_from is not None:
            clauses.append({"year": {"$gte": self.year_from}})
        if self.year_to is not None:
            clauses.append({"year": {"$lte": self.year_to}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, passage: Passage) -> bool:
        doc = passage.doc
        if self.doc_type and doc.doc_type != self.doc_type:
            return False
        if self.symbol and (doc.symbol or "").upper() != self.symbol.upper() and doc.doc_id != self.symbol:
            return False
        if self.state and (doc.state or "").lower() != self.state.lower():
            return False
        year = doc.year
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        return not (self.year_to is not None and (year is None or year > self.year_to))


_MENTION = re.compile(r"(?<![\d/])(\d{2,3}/\d{1,4})(?![\d/])")


class SearchIndex:
    """Everything a query needs from one generation, loaded once and kept in memory.

    >>> index = SearchIndex.open(Path(".gma"))  # doctest: +SKIP
    >>> index.passages[0].citation  # doctest: +SKIP
    'A/RES/80/1, header'
    """

    def __init__(self, store: IndexStore, generation: Path, hold: GenerationHold | None = None) -> None:
        self.store = store
        self.generation = generation
        self._hold = hold
        self.passages = store.passages(generation)
        self.by_id = {p.passage_id: p for p in self.passages}
        self.info = store.info(generation)
        self._long_forms: dict[str, str | None] = {}
        self._terms: dict[str, frozenset[str]] = {}

    # The searches' tables load on first use, so a command that needs only the passages (exact-wording
    # search, lineage, diff) never imports bm25s or chromadb: a new process answers it in a fraction of a second.
    @cached_property
    def lexical(self) -> LexicalIndex:
        """BM25 over whole passages."""
        return read_lexical(self.generation, BM25)

    @cached_property
    def sentence_lexical(self) -> LexicalIndex:
        """BM25 over single sentences."""
        return read_lexical(self.generation, BM25_SENTENCES)

    @cached_property
    def vectors(self) -> VectorReader:
        """One vector per passage sentence, for dense search."""
        return self.store.vector_reader(self.generation)

    @cached_property
    def topicality(self) -> dict[str, float]:
        """Per document, the share of its passages on the corpus's subject (see `_topicality`)."""
        return _topicality(self.passages)

    @classmethod
    def open(cls, index_dir: Path, chroma_url: str | None = None) -> SearchIndex:
        """The live generation of `index_dir`, its vectors on the Chroma server at `chroma_url` if given;
        held against deletion by any writer until `close()`."""
        store = IndexStore(index_dir, vector_space(chroma_url))
        generation, hold = store.hold_current()
        try:
            return cls(store, generation, hold)
        except BaseException:
            hold.release()
            store.close()
            raise

    def close(self) -> None:
        """Release the vectors' Chroma client and the hold on the generation, which a writer may then delete.
        The passages stay readable; searching a closed index is an error."""
        if "vectors" in self.__dict__:  # opened on first use (the cached property): nothing to close before
            self.vectors.close()
        self.store.close()
        if self._hold is not None:
            self._hold.release()

    @cached_property
    def folded(self) -> dict[str, str]:
        """Each passage's text folded for exact-wording search (core.text.folded)."""
        return {p.passage_id: folded_text(p.text) for p in self.passages}

    @cached_property
    def copies(self) -> dict[str, tuple[str, ...]]:
        """For each paragraph that more than one document says in the same words (a draft and the
        resolution adopted from it), the ids of every passage saying it, in index order. Footnotes are left
        out: one note cites for a different paragraph in each document."""
        saying: dict[str, list[Passage]] = {}
        for passage in self.passages:
            if not passage.is_footnote:
                saying.setdefault(same_words(passage.text), []).append(passage)
        return {
            p.passage_id: tuple(q.passage_id for q in group)
            for group in saying.values() if len({q.doc.doc_id for q in group}) > 1 for p in group
        }

    @cached_property
    def mentions(self) -> dict[str, list[str]]:
        """Passage ids by the resolution or report numbers their text mentions (`77/37` -> [...])."""
        found: dict[str, list[str]] = {}
        for passage in self.passages:
            for number in dict.fromkeys(_MENTION.findall(passage.text)):
                found.setdefault(number, []).append(passage.passage_id)
        return found

    @cached_property
    def title_terms(self) -> dict[str, frozenset[str]]:
        """Each document's title as index terms, for questions that name a document by its subject."""
        titles = {p.doc.doc_id: p.doc.title for p in self.passages}
        tokenized = tokenize(list(titles.values()))  # one call: each sets up its stemmer and stop words
        return {doc: frozenset(tokens) for doc, tokens in zip(titles, tokenized, strict=True)}

    @cached_property
    def naming_terms(self) -> dict[str, frozenset[str]]:
        """The words that name each document (its title, its symbol as "resolution 80/16"): inside the
        document they are everywhere, and tell none of its passages from another."""
        naming = {}
        for doc_id, title in self.title_terms.items():
            symbol = self.by_document[doc_id][0].doc.symbol
            naming[doc_id] = title | frozenset(terms(f"{symbol} resolution") if symbol else ())
        return naming

    @cached_property
    def short_names(self) -> dict[str, str]:
        """Documents by the first word of their short title, as users name them: `unidir`, `circleid`."""
        names: dict[str, str] = {}
        for passage in self.passages:
            if passage.doc.short_title:
                names.setdefault(passage.doc.short_title.split()[0].lower(), passage.doc.doc_id)
        return names

    @cached_property
    def by_document(self) -> dict[str, list[Passage]]:
        """Each document's passages in reading order."""
        found: dict[str, list[Passage]] = {}
        for passage in self.passages:
            found.setdefault(passage.doc.doc_id, []).append(passage)
        return found

    @cached_property
    def by_symbol(self) -> dict[str, str]:
        """Document ids by upper-cased symbol."""
        return {p.doc.symbol.upper(): p.doc.doc_id for p in self.passages if p.doc.symbol}

    def named_documents(self, symbols: Iterable[str], text: str) -> set[str]:
        """The documents a question names, by symbol or by short title ("according to CircleID")."""
        docs = {self.by_symbol[s.upper()] for s in symbols if s.upper() in self.by_symbol}
        words = set(re.findall(r"\w+", text.lower()))
        return docs | {doc for name, doc in self.short_names.items() if name in words}

    def titled_documents(self, question_terms: Iterable[str], min_share: float) -> dict[str, float]:
        """The documents a question names by subject ("the resolution on the role of science and
        technology"): those of which `question_terms` repeat at least `min_share` of the idf-weighted
        title words, with that share."""
        asked = set(question_terms)
        shares = {}
        for doc_id, idf in self.title_idf.items():
            total = sum(idf.values())
            share = sum(w for t, w in idf.items() if t in asked) / total if total else 0.0
            if share >= min_share:
                shares[doc_id] = share
        return shares

    @cached_property
    def title_idf(self) -> dict[str, dict[str, float]]:
        """Each document's title terms with their idf, computed once rather than for every question."""
        return {doc_id: self.lexical.idf(sorted(title)) for doc_id, title in self.title_terms.items()}

    @cached_property
    def name_runs(self) -> list[tuple[str, ...]]:
        """The title-case runs of every passage, where the long forms of acronyms are looked up."""
        return [run for p in self.passages for run in name_runs(p.text)]

    def long_form(self, acronym: str) -> str | None:
        """The name the corpus abbreviates to `acronym` ("CTBT"), if one dominates its uses."""
        if acronym not in self._long_forms:
            self._long_forms[acronym] = long_form(acronym, self.name_runs)
        return self._long_forms[acronym]

    def terms(self, passages: Iterable[Passage]) -> dict[str, frozenset[str]]:
        """The index terms of each passage and of each of its sentences (as BM25 reads them), by passage and
        sentence id. Tokenised on first use and kept: a question reads those of its few dozen candidates,
        and tokenising the whole corpus up front would slow every process's first question."""
        wanted: dict[str, str] = {}
        for passage in passages:
            if passage.passage_id not in self._terms:
                wanted[passage.passage_id] = passage.search_text
                for number, text in enumerate(passage.sentence_search_texts):
                    wanted[passage.sentence_id(number)] = text
        if wanted:
            tokenized = tokenize(list(wanted.values()))
            self._terms.update((key, frozenset(tokens)) for key, tokens in zip(wanted, tokenized, strict=True))
        return self._terms

    def is_stale(self) -> bool:
        """True once another ingest has published a newer generation."""
        return self.store.current() != self.generation

    def get(self, ids: Iterable[str]) -> list[Passage]:
        return [self.by_id[i] for i in ids if i in self.by_id]

    def allowed_ids(self, filters: Filters) -> list[str] | None:
        """The passage ids a filter admits, or None when nothing is filtered."""
        if not filters:
            return None
        return [p.passage_id for p in self.passages if filters.admits(p)]

    def allowed_sentence_ids(self, filters: Filters) -> list[str] | None:
        """The sentence ids of the passages a filter admits, or None when nothing is filtered."""
        if not filters:
            return None
        return [p.sentence_id(n) for p in self.passages if filters.admits(p) for n in range(len(p.sentences))]


def _topicality(passages: list[Passage]) -> dict[str, float]:
    """Per document, the share of its passages on the corpus's subject (ICT security, the OEWG, the
    Global Mechanism): near 1 for the core documents, near 0 for the distractors of the same session."""
    on_topic: dict[str, list[bool]] = {}
    for passage in passages:
        if not passage.is_footnote:
            on_topic.setdefault(passage.doc.doc_id, []).append(bool(DOMAIN.search(passage.text)))
    return {doc: sum(flags) / len(flags) for doc, flags in on_topic.items()}
