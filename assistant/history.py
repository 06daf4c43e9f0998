"""Paragraph history: a paragraph's versions in the other documents of its series, oldest first.

Each version is the paragraph of one document of the series (assistant/lineage.py) whose wording is
closest to the cited paragraph's, if close enough; each carries its word diff from the version before, so a
delegate reads how the wording grew year by year and when it first appeared.

>>> history = paragraph_history(index, resolve_passage(index, "A/RES/80/16, para. 4"))  # doctest: +SKIP
>>> history.first_seen  # doctest: +SKIP
'2018'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.lineage import SAME_PARAGRAPH, compared_paragraphs, series_of
from assistant.phrase import chronological, document_day
from assistant.worddiff import DiffOp, DiffPiece, same_wording, similarity, whole, word_diff
from core.models import Passage
from index.reader import SearchIndex


@dataclass(frozen=True)
class ParagraphVersion:
    """One document's version of the paragraph: its similarity to the cited paragraph (1.0 for the cited
    one itself) and its word diff from the version before (the oldest version's diff keeps all its words)."""

    passage: Passage
    similarity: float
    diff: tuple[DiffPiece, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passage": self.passage.to_dict(),
            "similarity": round(self.similarity, 4),
            "diff": [piece.to_dict() for piece in self.diff],
        }


@dataclass(frozen=True)
class ParagraphHistory:
    """The cited paragraph and its versions across its series, oldest first."""

    cited: Passage
    versions: tuple[ParagraphVersion, ...]

    @property
    def first_seen(self) -> str:
        """The year of the oldest version: when this paragraph's wording first appeared ("" if undated)."""
        return _year(self.versions[0].passage)

    @property
    def unchanged_since(self) -> str:
        """The year since which the cited paragraph reads word for word as it does now."""
        position = next(n for n, v in enumerate(self.versions) if v.passage.passage_id == self.cited.passage_id)
        while position > 0 and same_wording(self.versions[position - 1].passage.text, self.cited.text):
            position -= 1
        return _year(self.versions[position].passage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "citation": self.cited.citation,
            "versions": [version.to_dict() for version in self.versions],
            "first_seen": self.first_seen,
            "unchanged_since": self.unchanged_since,
        }


def _year(passage: Passage) -> str:
    return (document_day(passage.doc) or "")[:4]


def best_counterpart(cited: Passage, candidates: list[Passage]) -> tuple[Passage, float] | None:
    """The candidate worded most like `cited` (the first in reading order on a tie), if it counts as a
    version of it."""
    best: tuple[Passage, float] | None = None
    for candidate in candidates:
        score = similarity(cited.text, candidate.text, floor=SAME_PARAGRAPH)
        if score >= SAME_PARAGRAPH and (best is None or score > best[1]):
            best = (candidate, score)
    return best


def paragraph_history(index: SearchIndex, cited: Passage) -> ParagraphHistory:
    """The cited paragraph with its best counterpart in every other document of its series, oldest first."""
    found = [(cited, 1.0)]
    for doc_id in sorted(series_of(index, cited.doc.doc_id) - {cited.doc.doc_id}):
        counterpart = best_counterpart(cited, compared_paragraphs(index.by_document[doc_id]))
        if counterpart is not None:
            found.append(counterpart)
    found.sort(key=lambda pair: chronological(pair[0]))
    versions = []
    for position, (passage, score) in enumerate(found):
        before = found[position - 1][0].text if position else None
        diff = word_diff(before, passage.text) if before is not None else whole(DiffOp.EQUAL, passage.text)
        versions.append(ParagraphVersion(passage, score, tuple(diff)))
    return ParagraphHistory(cited, tuple(versions))
