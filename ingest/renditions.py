"""Which of two files holding the same document to index: the better rendition of it.

A UN document often comes twice, as the official PDF and as a text extracted from it. A trusted rendition
(from a corpus folder or a fetched download) always wins over an upload, so an uploaded file bearing an
official symbol never displaces the official text; then the rendition that gives more of the document's
citable structure wins (numbered paragraphs, articles, footnotes), then
the one whose masthead says more, then the one that can also cite pages, then the longer title (a
derived text often cuts the title line short).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.models import Passage

# Locators that carry no structure of their own: every rendition has them.
_UNSTRUCTURED = ("header", "preamble")
_MASTHEAD_FIELDS = ("kind", "adopted", "distributed", "agenda_item", "agenda_title", "committee_report", "meeting")


def rendition_rank(passages: Sequence[Passage]) -> tuple[int, int, int, int, int, int]:
    """A sortable measure of how trustworthy and how complete a rendition `passages` are; higher is better."""
    if not passages:
        return (0, 0, 0, 0, 0, 0)
    doc = passages[0].doc
    structured = {p.locator for p in passages if p.locator not in _UNSTRUCTURED and not p.is_footnote}
    footnotes = {p.locator for p in passages if p.is_footnote}
    masthead = sum(1 for name in _MASTHEAD_FIELDS if getattr(doc, name))
    paged = int(any(p.page is not None for p in passages))
    return (int(doc.provenance.trusted), len(structured), len(footnotes), masthead, paged, len(doc.title))
