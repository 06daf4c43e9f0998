"""From a reader's blocks to logical units: a paragraph cut by a page break or a footnote block is
made whole again, and list items and sub-paragraphs join the sentence that introduces them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.marks import without_marks
from core.models import Block, BlockKind

# A paragraph number of any length ("1203. "): whether it is one is decided by `follows`, not by its digits.
NUMBERED = re.compile(r"^(\d+)\.\s+(?=\S)")
# Text extraction sometimes loses the space after the marker ("(iii)Any other"); a capital or a quote
# after it still opens a sub-paragraph.
SUB_PARAGRAPH = re.compile(r"^\(([a-z]{1,2}|[ivxl]{1,5})\)(?:\s+(?=\S)|(?=[A-Z“\"‘]))")
_ANNEX = re.compile(r"^Annex(?:\s+([IVXLC]+|[A-Z])(?=$|[\s.:—–-]))?", re.IGNORECASE)
_MAX_ANNEX_LINE = 300  # a longer line that opens with "Annex" is a sentence about one, not its heading
# A body paragraph that ends in one of these words, or starts in lower case, was cut mid-sentence.
_DANGLING_WORDS = frozenset(
    "the a an of and or in on at by to for with from its their his her our this that these those as "
    "which who whose whether than between among under within into including such".split()
)
# Numbering may skip a few paragraphs where extraction ran two together; a bigger jump (a year, a count
# at a line start) is not a paragraph number.
MAX_NUMBER_GAP = 5


def follows(number: int, last: int) -> bool:
    """Whether `number` can be the paragraph (or article) after `last`: a restart at 1 or a small step on."""
    return number == 1 or last < number <= last + MAX_NUMBER_GAP


@dataclass
class Unit:
    """A heading, a footnote or a whole body paragraph with the items and sub-paragraphs it introduces."""

    kind: BlockKind
    text: str
    level: int = 0
    number: int | None = None
    markers: list[int] = field(default_factory=list)
    page: int | None = None
    parts: list[str] = field(default_factory=list)

    def add_markers(self, markers: Sequence[int]) -> None:
        self.markers.extend(m for m in markers if m not in self.markers)


@dataclass
class Located:
    """A unit with its locator, before it is cut to size and turned into passages."""

    locator: str
    unit: Unit
    context: str
    subs: list[tuple[str, str]] = field(default_factory=list)  # (locator, text) of lettered sub-paragraphs


def annex_label(text: str) -> str | None:
    """`Annex I` or `Annex` when text is an annex heading (the title may follow on the same line), else None."""
    match = _ANNEX.match(text)
    if not match or len(text) > _MAX_ANNEX_LINE:
        return None
    return f"Annex {match.group(1).upper()}" if match.group(1) else "Annex"


def to_units(blocks: Sequence[Block]) -> list[Unit]:
    """Merge continuations and attach list items; headings and footnotes pass through."""
    units: list[Unit] = []
    body: Unit | None = None  # the last body unit since the last heading: a continuation joins it
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            units.append(Unit(BlockKind.HEADING, block.text, level=block.level, markers=list(block.markers)))
            body = None
        elif block.kind is BlockKind.FOOTNOTE:
            units.append(Unit(BlockKind.FOOTNOTE, block.text, number=block.number, page=block.page))
        elif body is not None and block.kind is BlockKind.ITEM:
            body.parts.append(block.text)
            body.add_markers(block.markers)
        elif body is not None and is_continuation(body, block.text):
            if body.parts:
                body.parts[-1] = f"{body.parts[-1]} {block.text}"
            else:
                body.text = f"{body.text} {block.text}"
            body.add_markers(block.markers)
        else:
            body = Unit(BlockKind.PARAGRAPH, block.text, markers=list(block.markers), page=block.page)
            units.append(body)
    return units


def is_continuation(previous: Unit, text: str) -> bool:
    """Whether text resumes a sentence that `previous` left unfinished (page break, footnote block)."""
    if NUMBERED.match(text) or SUB_PARAGRAPH.match(text):
        return False
    if text[:1].islower():
        return True
    last = without_marks(previous.parts[-1] if previous.parts else previous.text).rstrip()
    last_word = last.rsplit(" ", 1)[-1].lower()
    return last.endswith("-") or last_word in _DANGLING_WORDS
