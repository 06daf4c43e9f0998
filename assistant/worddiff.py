"""Word-level comparison of two paragraphs: how alike their wording is, and what changed, word by word.

Shared by paragraph history (assistant/lineage.py) and document diff (assistant/docdiff.py). Words are
compared folded as phrase search folds them (case, quote style, dashes), so a curly quote or a capital
letter is not a change of wording; the diff quotes the documents' own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache

from core.text import fold

_WORD = re.compile(r"\S+")


class DiffOp(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class DiffPiece:
    """A run of words kept, inserted or deleted; `text` is the words joined by single spaces."""

    op: DiffOp
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op.value, "text": self.text}


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=8192)
def _folded_words(text: str) -> tuple[str, ...]:
    """The text's words as compared; cached, since aligning two documents compares each paragraph often."""
    return tuple(fold(word)[0] for word in _words(text))


def _matcher(old: str, new: str) -> SequenceMatcher:
    # autojunk off: in a paragraph of UN prose "the" and "of" are frequent but still words that can change.
    return SequenceMatcher(None, _folded_words(old), _folded_words(new), autojunk=False)


def similarity(old: str, new: str, floor: float = 0.0) -> float:
    """Share of the two paragraphs' words that match in order (2·matched / total words), from 0 to 1.

    Pairs that cannot reach `floor` (by a cheap upper bound) score 0.0 without the full comparison.
    """
    if not _folded_words(old) and not _folded_words(new):
        return 1.0
    matcher = _matcher(old, new)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def same_wording(old: str, new: str) -> bool:
    """Whether the two texts read the same, word for word (folded as phrase search folds them)."""
    return _folded_words(old) == _folded_words(new)


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """The edits turning `old` into `new`, word by word, in reading order; kept words are quoted from `new`."""
    old_words, new_words = _words(old), _words(new)
    pieces: list[DiffPiece] = []
    for tag, old_start, old_end, new_start, new_end in _matcher(old, new).get_opcodes():
        if tag == "equal":
            pieces.append(DiffPiece(DiffOp.EQUAL, " ".join(new_words[new_start:new_end])))
            continue
        if old_end > old_start:
            pieces.append(DiffPiece(DiffOp.DELETE, " ".join(old_words[old_start:old_end])))
        if new_end > new_start:
            pieces.append(DiffPiece(DiffOp.INSERT, " ".join(new_words[new_start:new_end])))
    return pieces


def whole(op: DiffOp, text: str) -> list[DiffPiece]:
    """A paragraph as one piece: kept entire, added entire or deleted entire."""
    return [DiffPiece(op, " ".join(_words(text)))] if text.strip() else []
