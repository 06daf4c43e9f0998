"""The typed records passed between stages: reader -> ParsedFile, segmenter -> Passage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from pathlib import Path, PurePath
from typing import Any

from core.sentences import sentence_spans
from core.vocabulary import expansions

DOC_TYPES = ("resolution", "draft", "report", "decision", "statement", "analysis", "commentary", "other")


class BlockKind(StrEnum):
    """What a block of a parsed file is, as far as its format tells."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a bulleted or lettered list item; belongs to the sentence that introduces it
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Block:
    """One unit of a file's reading order, before any locator is assigned.

    `markers` are the footnote numbers the block cites (from `<sup>32</sup>`, `[^32]` or a
    superscript in a PDF); `number` is a footnote's own number.
    """

    kind: BlockKind
    text: str
    level: int = 0
    number: int | None = None
    markers: tuple[int, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class ParsedFile:
    """What a reader makes of one file: blocks in reading order and the metadata the format declares."""

    path: Path
    blocks: tuple[Block, ...]
    hints: Mapping[str, str] = field(default_factory=dict)


class Source(StrEnum):
    """Where an indexed file came from."""

    CORPUS = "corpus"  # a folder given to `gma ingest` (the shared corpus, a user's own collection)
    FETCHED = "fetched"  # an official PDF `gma fetch` downloaded, its SHA-256 matching the fetcher's record
    UPLOAD = "upload"  # the Library's upload workspace, `<index dir>/uploads/`


@dataclass(frozen=True)
class Provenance:
    """Where a document came from and whether its own text bears the symbol it is filed under.

    `symbol_confirmed` is true when the document's masthead prints its symbol (or its numbered title
    implies it). `claimed_symbol` is a symbol that the front matter or the manifest declares but the text
    does not bear: such a document has no `symbol` and is cited by its file name, marked unconfirmed.
    """

    source: Source = Source.CORPUS
    symbol_confirmed: bool = False
    claimed_symbol: str | None = None
    sha256: str | None = None

    @property
    def trusted(self) -> bool:
        """Whether the document stands as an official one: not an upload, and no symbol claimed falsely."""
        return self.source is not Source.UPLOAD and self.claimed_symbol is None

    @property
    def marker(self) -> str:
        """What a citation says beside the document's name: "", "unconfirmed", "upload", "unconfirmed upload"."""
        words = ["unconfirmed"] if self.claimed_symbol else []
        words += ["upload"] if self.source is Source.UPLOAD else []
        return " ".join(words)

    @property
    def summary(self) -> str:
        """One line for a reader: where the document comes from and whether its symbol is its own."""
        if self.claimed_symbol:
            where = "an uploaded file" if self.source is Source.UPLOAD else "a corpus file"
            return f"Unconfirmed: {where} declaring {self.claimed_symbol}, which no masthead in its text bears"
        if self.source is Source.UPLOAD:
            return "Uploaded file, not part of the official corpus"
        origin = "Official PDF fetched from the manifest" if self.source is Source.FETCHED else "Corpus document"
        return f"{origin}, symbol confirmed by its masthead" if self.symbol_confirmed else origin

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.value,
            "symbol_confirmed": self.symbol_confirmed,
            "claimed_symbol": self.claimed_symbol,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        return cls(
            source=Source(data["source"]),
            symbol_confirmed=bool(data["symbol_confirmed"]),
            claimed_symbol=data.get("claimed_symbol"),
            sha256=data.get("sha256"),
        )


@dataclass(frozen=True)
class DocumentMeta:
    """Facts about a document that every passage of it carries."""

    doc_id: str
    title: str
    doc_type: str = "other"
    symbol: str | None = None
    date: str | None = None
    short_title: str | None = None
    source: str = ""
    url: str | None = None
    state: str | None = None
    session: str | None = None
    meeting: str | None = None
    author: str | None = None
    kind: str | None = None  # as the masthead names it: "resolution", "draft resolution", "report", ...
    adopted: str | None = None  # ISO adoption date ("Resolution adopted by the General Assembly on ...")
    distributed: str | None = None  # ISO distribution date ("Distr.: General 12 December 2022")
    agenda_item: str | None = None  # "94", "99 (ff)"
    agenda_title: str | None = None  # the agenda item's title: the series a resolution belongs to
    committee: str | None = None  # the Main Committee a draft is before, or whose report it was adopted on
    committee_report: str | None = None  # symbol of that committee's report, e.g. "A/77/380"
    sponsors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # every file this document was read from, the rendition indexed first
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def label(self) -> str:
        """How a citation names the document: its symbol, else its short title, else its title; a document
        claiming a symbol its text does not bear by its file name. An unconfirmed document or an upload
        says so in brackets: `planted.md (unconfirmed)`, `A/RES/80/16 (upload)`."""
        if self.provenance.claimed_symbol:
            name = PurePath(self.source).name or self.title
        else:
            name = self.symbol or self.short_title or self.title
        marker = self.provenance.marker
        return f"{name} ({marker})" if marker else name

    @property
    def session_number(self) -> str:
        """The session/number of its symbol, as other documents cite it: "80/16" for A/RES/80/16; "" without one."""
        return "/".join((self.symbol or "").rsplit("/", 2)[-2:])

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


_TUPLE_FIELDS = ("sponsors", "sources")


@dataclass(frozen=True)
class Passage:
    """A citable unit of text: the exact words of one paragraph (or part of one) and where they stand.

    `text` is what a reader would quote; `context` (headings, a sub-paragraph's chapeau) helps
    retrieval but is never shown as the quotation.
    """

    doc: DocumentMeta
    locator: str
    text: str
    ordinal: int = 0
    score: float = 0.0
    context: str = ""
    page: int | None = None
    footnotes: tuple[str, ...] = ()
    footnote_marks: tuple[tuple[str, int], ...] = ()  # (footnote passage id, offset in text of its marker)
    cited_by: tuple[str, ...] = ()

    @property
    def passage_id(self) -> str:
        return f"{self.doc.doc_id}#{self.ordinal}"

    @property
    def citation(self) -> str:
        return f"{self.doc.label}, {self.locator}"

    @property
    def search_text(self) -> str:
        """What BM25 sees: the citation, context and text, with acronyms spelled out (core.vocabulary)."""
        context = f" {self.context}" if self.context else ""
        text = f"{self.citation}.{context}\n{self.text}"
        return " ".join([text, *expansions(text)])

    @cached_property
    def sentences(self) -> list[tuple[str, int, int]]:
        """The passage's sentences (a list stays with its introducing sentence) with their offsets; split
        once per passage, as a search reads them for each of its candidates."""
        return sentence_spans(self.text, keep_lists=self.locator != "header")

    @property
    def sentence_search_texts(self) -> list[str]:
        """What sentence-level BM25 sees: each sentence under the passage's heading, acronyms spelled out."""
        texts = [f"{sentence} {self.context}".strip() for sentence, _, _ in self.sentences]
        return [" ".join([text, *expansions(text)]) for text in texts]

    def sentence_id(self, number: int) -> str:
        return f"{self.passage_id}:{number}"

    @property
    def has_list(self) -> bool:
        """Whether the passage sets out items (on lines of their own) under an introducing sentence."""
        return "\n" in self.text and not self.is_footnote

    @property
    def is_footnote(self) -> bool:
        return self.locator.startswith("footnote ")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the interface spec, with our extra fields after the required ones."""
        return {
            "doc_id": self.doc.doc_id,
            "symbol": self.doc.symbol,
            "title": self.doc.title,
            "doc_type": self.doc.doc_type,
            "date": self.doc.date,
            "locator": self.locator,
            "text": self.text,
            "score": self.score,
            "citation": self.citation,
            "passage_id": self.passage_id,
            "ordinal": self.ordinal,
            "page": self.page,
            "context": self.context,
            "footnotes": list(self.footnotes),
            "footnote_marks": [list(m) for m in self.footnote_marks],
            "cited_by": list(self.cited_by),
            "short_title": self.doc.short_title,
            "source": self.doc.source,
            "url": self.doc.url,
            "state": self.doc.state,
            "session": self.doc.session,
            "meeting": self.doc.meeting,
            "author": self.doc.author,
            "kind": self.doc.kind,
            "adopted": self.doc.adopted,
            "distributed": self.doc.distributed,
            "agenda_item": self.doc.agenda_item,
            "agenda_title": self.doc.agenda_title,
            "committee": self.doc.committee,
            "committee_report": self.doc.committee_report,
            "sponsors": list(self.doc.sponsors),
            "sources": list(self.doc.sources),
            "provenance": self.doc.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Passage:
        meta_names = {f.name for f in fields(DocumentMeta)} - {"provenance"}
        values: dict[str, Any] = {k: data[k] for k in meta_names if data.get(k) is not None}
        values.update({k: tuple(values[k]) for k in _TUPLE_FIELDS if k in values})
        doc = DocumentMeta(**values, provenance=Provenance.from_dict(data["provenance"]))
        return cls(
            doc=doc,
            locator=data["locator"],
            text=data["text"],
            ordinal=int(data.get("ordinal", 0)),
            score=float(data.get("score", 0.0)),
            context=data.get("context", ""),
            page=data.get("page"),
            footnotes=tuple(data.get("footnotes", ())),
            footnote_marks=tuple((str(pid), int(offset)) for pid, offset in data.get("footnote_marks", ())),
            cited_by=tuple(data.get("cited_by", ())),
        )
