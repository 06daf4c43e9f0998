"""Document diff: the paragraphs of two documents aligned, in the second one's order, each with its status.

What a delegate asks of a draft and the adopted text, or of two years' resolutions: which paragraphs were
kept word for word, which changed and how, which were added, deleted or moved. Preamble and operative
paragraphs are compared; the masthead (`header`) and footnotes are not (assistant.lineage.is_compared).

>>> diff = diff_documents(index, "A/C.1/80/L.20", "A/RES/80/16")  # doctest: +SKIP
>>> [change.status for change in diff.paragraphs][:2]  # doctest: +SKIP
[<ChangeStatus.UNCHANGED: 'unchanged'>, <ChangeStatus.UNCHANGED: 'unchanged'>]
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.lineage import SAME_PARAGRAPH, compared_paragraphs, resolve_document
from assistant.worddiff import DiffOp, DiffPiece, same_wording, similarity, whole, word_diff
from core.models import Passage
from index.reader import SearchIndex


class ChangeStatus(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    DELETED = "deleted"
    MOVED = "moved"


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the comparison: its version in A and in B (None where it has none) and the word
    diff from A's to B's."""

    status: ChangeStatus
    a: Passage | None
    b: Passage | None
    diff: tuple[DiffPiece, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "a": self.a.to_dict() if self.a else None,
            "b": self.b.to_dict() if self.b else None,
            "diff": [piece.to_dict() for piece in self.diff],
        }


@dataclass(frozen=True)
class DocumentDiff:
    """Two documents' paragraphs aligned, in B's order; a deleted paragraph stands where it stood in A."""

    a: str
    b: str
    paragraphs: tuple[ParagraphChange, ...]

    def count(self, status: ChangeStatus) -> int:
        return sum(change.status == status for change in self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "paragraphs": [change.to_dict() for change in self.paragraphs]}


def pair_paragraphs(old: list[Passage], new: list[Passage]) -> dict[int, int]:
    """Each new paragraph's counterpart among the old ones (new position -> old position), one to one:
    the most similar pairs first, a nearer position breaking ties (a repeated formula pairs in order)."""
    scored = []
    for i, before in enumerate(old):
        for j, after in enumerate(new):
            score = similarity(before.text, after.text, floor=SAME_PARAGRAPH)
            if score >= SAME_PARAGRAPH:
                scored.append((-score, abs(i - j), j, i))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, j, i in sorted(scored):
        if j not in pairs and i not in taken:
            pairs[j] = i
            taken.add(i)
    return pairs


def kept_in_order(pairs: dict[int, int]) -> set[int]:
    """The new positions of the largest set of pairs whose old order is the new order; the rest moved."""
    ordered = sorted(pairs)
    tails: list[int] = []  # tails[k]: the smallest old position ending a run of k + 1 pairs in order
    tail_at: list[int] = []  # the pair (by index into `ordered`) holding tails[k]
    before: list[int | None] = []
    for n, j in enumerate(ordered):
        k = bisect_left(tails, pairs[j])
        if k == len(tails):
            tails.append(pairs[j])
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = pairs[j], n
        before.append(tail_at[k - 1] if k else None)
    kept: set[int] = set()
    n = tail_at[-1] if tail_at else None
    while n is not None:
        kept.add(ordered[n])
        n = before[n]
    return kept


def _paired_change(old: Passage, new: Passage, in_order: bool) -> ParagraphChange:
    if not in_order:
        status = ChangeStatus.MOVED
    else:
        status = ChangeStatus.UNCHANGED if same_wording(old.text, new.text) else ChangeStatus.CHANGED
    return ParagraphChange(status, old, new, tuple(word_diff(old.text, new.text)))


def _deleted(old: Passage) -> ParagraphChange:
    return ParagraphChange(ChangeStatus.DELETED, old, None, tuple(whole(DiffOp.DELETE, old.text)))


def align(old: list[Passage], new: list[Passage]) -> list[ParagraphChange]:
    """The changes from `old` to `new` in `new`'s order, each deleted paragraph just before the first
    paragraph that follows it in both documents."""
    pairs = pair_paragraphs(old, new)
    in_order = kept_in_order(pairs)
    paired_old = set(pairs.values())
    changes: list[ParagraphChange] = []
    next_old = 0
    for j, after in enumerate(new):
        i = pairs.get(j)
        if i is None:
            changes.append(ParagraphChange(ChangeStatus.ADDED, None, after, tuple(whole(DiffOp.INSERT, after.text))))
            continue
        if j in in_order:
            changes += [_deleted(old[k]) for k in range(next_old, i) if k not in paired_old]
            next_old = i + 1
        changes.append(_paired_change(old[i], after, j in in_order))
    changes += [_deleted(old[k]) for k in range(next_old, len(old)) if k not in paired_old]
    return changes


def diff_documents(index: SearchIndex, first: str, second: str) -> DocumentDiff:
    """Documents `first` (A) and `second` (B), named by symbol or doc_id, compared paragraph by paragraph.

    Raises UnknownReference when either is not in the index.
    """
    a, b = resolve_document(index, first), resolve_document(index, second)
    old, new = compared_paragraphs(index.by_document[a]), compared_paragraphs(index.by_document[b])
    return DocumentDiff(_name(index, a), _name(index, b), tuple(align(old, new)))


def _name(index: SearchIndex, doc_id: str) -> str:
    return index.by_document[doc_id][0].doc.symbol or doc_id
