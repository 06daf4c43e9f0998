"""Footnote markers kept inline while text moves through the pipeline, so each one stays attached to
its sentence: a private-use sentinel stands where `<sup>32</sup>` stood, and is taken out (with its
offset recorded) only when the passage text is final."""

from __future__ import annotations

import re

_OPEN, _CLOSE = "\ue000", "\ue001"
MARK_PATTERN = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def mark(number: int) -> str:
    """The inline sentinel for footnote `number`."""
    return f"{_OPEN}{number}{_CLOSE}"


def strip_marks(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without sentinels, and (footnote number, offset in the clean text) for each one removed.

    >>> strip_marks("Agreed." + mark(32) + " Next.")
    ('Agreed. Next.', [(32, 7)])
    """
    marks: list[tuple[int, int]] = []
    pieces: list[str] = []
    position = 0
    length = 0
    for match in MARK_PATTERN.finditer(text):
        piece = text[position : match.start()]
        pieces.append(piece)
        length += len(piece)
        marks.append((int(match.group(1)), length))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces), marks


def attach_marks(text: str) -> str:
    """Remove the space a markup-to-text conversion put before a marker: `met. ⁽³²⁾` -> `met.⁽³²⁾`."""
    return re.sub(f"\\s+(?={_OPEN})", "", text)


def without_marks(text: str) -> str:
    return MARK_PATTERN.sub("", text)
