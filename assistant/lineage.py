"""The resolution lineage: which documents form one series, and naming their documents and paragraphs.

A series is the run of yearly resolutions (and their drafts) on one agenda item: the General Assembly
adopts a text under the same agenda item title every year, and a resolution whose masthead names no
agenda item is titled with that same wording (A/RES/73/27 is titled "Developments in the field of ...").
Paragraph history (assistant/history.py) and document diff (assistant/docdiff.py) build on this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.phrase import chronological
from core.errors import GmaError
from core.models import DocumentMeta, Passage
from core.text import fold
from index.reader import SearchIndex

# Word similarity (assistant.worddiff.similarity: the share of words two paragraphs have in common, in
# order) from which a paragraph of another document counts as a version of the same paragraph. Measured on
# the ICT-security lineage 2018-2025: a paragraph and its next year's version score 0.55-1.0 (a session's
# name, a report's number, a clause added or dropped); paragraphs that share no more than a body's long name
# ("the Group of Governmental Experts on Developments in the Field of ...") or an opening formula mostly score
# 0.2-0.5. A few unrelated pairs reach 0.5-0.6, so a paragraph with no version in a document may be given
# a loose one there; a higher bar would drop real versions reworded by half (0.53-0.6). A paragraph that
# grew to three times its length scores under 0.5 and reads as deleted and added (A/RES/77/36, para. 6 ->
# A/RES/78/237, para. 7): a share of the shorter one's words would catch it, but also pair every paragraph
# quoting a body's long name with the longer ones around it.
SAME_PARAGRAPH = 0.5
_NOT_WORD = re.compile(r"[\W_]+")
# "A/RES/80/16, para. 2", "a/res/80/16 para 2" and "A/RES/80/16,Para.2" name one paragraph: citations are
# compared without spaces, dots or commas.
_CITATION_NOISE = re.compile(r"[\s.,]+")


class UnknownReference(GmaError):
    """A citation or document name that matches nothing in the index."""


def series_name(text: str | None) -> str:
    """A title as series membership compares it: folded (case, quotes, dashes), punctuation and spaces as one."""
    return _NOT_WORD.sub(" ", fold(text or "")[0]).strip()


def series_names(doc: DocumentMeta) -> set[str]:
    """The names a document's series goes by: its agenda item's title and its own title."""
    return {name for name in (series_name(doc.agenda_title), series_name(doc.title)) if name}


def same_series(first: DocumentMeta, second: DocumentMeta) -> bool:
    """Whether two documents are directly linked: their agenda titles match, or one's title matches the
    other's agenda title or title."""
    return bool(series_names(first) & series_names(second))


def series_of(index: SearchIndex, doc_id: str) -> set[str]:
    """The doc_ids of the document's series: every document linked to it directly or through others.

    The links chain: A/RES/73/266's masthead names no agenda item, but its title is that of A/RES/74/28,
    which is on the agenda item of A/RES/80/16.
    """
    metas = {other: passages[0].doc for other, passages in index.by_document.items()}
    names = series_names(metas[doc_id])
    members = {doc_id}
    grew = True
    while grew:
        joining = {other for other, doc in metas.items() if other not in members and series_names(doc) & names}
        for other in joining:
            names |= series_names(metas[other])
        members |= joining
        grew = bool(joining)
    return members


def is_compared(passage: Passage) -> bool:
    """Whether a passage is a paragraph of the text (preamble or operative), not the masthead or a footnote."""
    return passage.locator != "header" and not passage.is_footnote


def compared_paragraphs(passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if is_compared(p)]


def documents_in_order(index: SearchIndex) -> list[DocumentMeta]:
    """The indexed documents in the order they were adopted (else dated), undated last: what to pick from."""
    firsts = sorted((passages[0] for passages in index.by_document.values()), key=chronological)
    return [passage.doc for passage in firsts]


def resolve_document(index: SearchIndex, name: str) -> str:
    """The doc_id of the document named by its symbol (any case, spaces ignored) or its doc_id."""
    wanted = name.strip()
    if wanted in index.by_document:
        return wanted
    found = index.by_symbol.get(re.sub(r"\s+", "", wanted).upper())
    if found is None:
        raise UnknownReference(f"no document {wanted!r} in the index: name it by symbol (A/RES/80/16) or doc_id")
    return found


def _citation_key(citation: str) -> str:
    return _CITATION_NOISE.sub("", citation.casefold())


def resolve_passage(index: SearchIndex, citation: str) -> Passage:
    """The passage a citation names ("A/RES/80/16, para. 2", leniently spaced and cased), or its passage id
    ("A/RES/80/16#2"). A citation shared by several passages (every "preamble") names the first of them;
    the passage id names each one exactly."""
    wanted = citation.strip()
    if wanted in index.by_id:
        return index.by_id[wanted]
    key = _citation_key(wanted)
    for passage in index.passages:
        names = (passage.citation, f"{passage.doc.doc_id}, {passage.locator}")
        if any(_citation_key(name) == key for name in names):
            return passage
    raise UnknownReference(f"no passage cited as {wanted!r} in the index: cite it as 'A/RES/80/16, para. 2'")
