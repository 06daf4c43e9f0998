"""The PDF reader: pypdf's text turned back into the paragraphs, headings and footnotes of a UN document,
without the running headers and footers its pages repeat.

An official UN document (page 1's text layer opens with its masthead) is read from pypdf's
`extract_text()`, whose word spacing is right where positioned fragments glue italic words, through the
cleaning path it shares with the `.txt` extracts (ingest.readers.official).

Other PDFs are read from their positioned text. pypdf hands over text fragments with their position and
font size. From them the reader rebuilds lines (a raised, smaller number inside a line is a footnote
marker), sorts the lines into body text, footnotes (smaller type below the body) and page furniture (the
symbol line, "25-12345 (E)" job numbers, `*2512345*` barcodes, page numbers, lines repeated on most
pages), then joins lines into paragraphs and paragraphs cut by a page break back together.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ReadError
from core.marks import MARK_PATTERN, mark, without_marks
from core.models import Block, BlockKind, ParsedFile
from core.symbols import SYMBOL_PATTERN
from ingest.readers.base import check_size
from ingest.readers.cleanup import join_lines, normalize_space, repair_pypdf_spacing
from ingest.readers.official import (
    PARAGRAPH_START,
    PageParagraph,
    is_official_text,
    join_pages,
    official_blocks,
)

# Page furniture: matched against a whole line in the top or bottom band of a page.
_FURNITURE = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\d{2}-\d{4,6}\s*\([A-Z]\)(\s+\d{6})?(\s+\d{6})?",  # job number: 25-12345 (E) 051225 051225
        r"\*\d{6,8}\*",  # barcode text
        r"(page\s+)?\d{1,4}(\s*(/|of)\s*\d{1,4})?",  # 3, 3/12, page 3 of 12
        r"please recycle",
    )
)
# Masthead lines of a UN document's first page: what they say goes into the metadata, not the text.
_MASTHEAD = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"united nations",
        r"(general assembly|security council|economic and social council)",
        r"distr\.?:?\s*(general|limited|restricted)",
        r"original:\s*\w+",
        r"\d{1,2}\s+\w+\s+\d{4}",
    )
)
_DISTRIBUTION = re.compile(r"distr\.?:?\s*(general|limited|restricted)", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b")
_FOOTNOTE_START = re.compile(r"^(\d+)\s+(?=\S)")
_SENTENCE_END = tuple(".:;!?”\"’)")
# The word a run of text ends with (no space after it) and the word the next run starts with.
_RUN_END_WORD = re.compile(r"([^\W\d_]+)$")
_RUN_START_WORD = re.compile(r" ?([^\W\d_]+)")
# The longest UN reports run to a few hundred pages; a PDF far beyond is not one document to cite.
MAX_PAGES = 2000
_BAND = 0.1  # the top and bottom tenth of a page hold its headers and footers
_SMALL = 0.9  # type this much smaller than the body's is a footnote or a marker
_MAX_HEADING_CHARS = 150


@dataclass
class _Fragment:
    x: float
    y: float
    size: float
    text: str
    bold: bool


@dataclass
class _Line:
    page: int
    y: float
    size: float
    text: str
    bold: bool
    top: float  # share of the page height above the line: 0 at the top edge, 1 at the bottom


class PdfReader:
    """PDF files, including the official UN ones: body paragraphs, headings and footnotes in reading order.

    An official document's masthead stays in its blocks, for the masthead parser; for other PDFs the
    first page's masthead gives the symbol it prints and the date (as hints for the metadata resolver).
    """

    extensions = (".pdf",)

    def read(self, path: Path) -> ParsedFile:
        with _opened(path) as document:
            first = document.pages[0].extract_text()
            if is_official_text(first):
                return _parsed(path, official_blocks(_official_text(document.pages)), {})
            pages = [_lines(_fragments(page), number, _height(page)) for number, page in enumerate(document.pages, 1)]
        body_size = _body_size(pages)
        if body_size is None:
            raise ReadError(path, "no extractable text (scanned or image-only PDF?)")
        hints = _masthead_hints(pages[0])
        repeated = _repeated_lines(pages)
        per_page = [_page_paragraphs(lines, body_size, repeated, first=index == 0) for index, lines in enumerate(pages)]
        blocks = list(join_pages(per_page))
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
        if title:
            hints.setdefault("heading_title", without_marks(title))
        return _parsed(path, blocks, hints)


def _parsed(path: Path, blocks: list[Block], hints: dict[str, str]) -> ParsedFile:
    if not blocks:
        raise ReadError(path, "no extractable text (scanned or image-only PDF?)")
    return ParsedFile(path=path, blocks=tuple(blocks), hints=hints)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes to a damaged file; the user gets one clear line instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    """The file as a pypdf document with at least one page; ReadError for files pypdf cannot open,
    decrypt or read (raised inside the `with` block too)."""
    import pypdf

    check_size(path)
    if path.stat().st_size == 0:
        raise ReadError(path, "empty file")
    with _quiet_pypdf():
        try:
            document = pypdf.PdfReader(path)
            if document.is_encrypted and not _decrypts(document):
                raise ReadError(path, "encrypted PDF (needs a password)")
            if not document.pages:
                raise ReadError(path, "not a valid PDF (it has no pages)")
            if len(document.pages) > MAX_PAGES:
                raise ReadError(path, f"{len(document.pages):,} pages is over the {MAX_PAGES:,}-page limit for one document")
            yield document
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on damaged files
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise ReadError(path, f"not a valid PDF ({reason})") from exc


def _official_text(pages: list[Any]) -> list[str]:
    """The pages' text as pypdf extracts it, with the spaces it put inside words taken out."""
    texts: list[str] = []
    seams: set[tuple[str, str]] = set()
    for page in pages:
        text, page_seams = _text_and_seams(page)
        texts.append(text)
        seams |= page_seams
    return repair_pypdf_spacing(texts, seams)


def _text_and_seams(page: Any) -> tuple[str, set[tuple[str, str]]]:
    """pypdf's text of a page, and the word pieces that meet where one positioned run of text ends and
    the next begins on the same line: where pypdf may have split a word ("judici" + "al")."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, font_size: float) -> None:
        if text.strip():
            runs.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

    text = page.extract_text(visitor_text=visit)
    seams = set()
    for (y, left), (next_y, right) in zip(runs, runs[1:], strict=False):
        end, start = _RUN_END_WORD.search(left), _RUN_START_WORD.match(right)
        if end and start and abs(y - next_y) < 1:
            seams.add((end.group(1), start.group(1)))
    return text, seams


def _height(page: Any) -> float:
    return float(page.mediabox.height) or 842.0


def _decrypts(document: object) -> bool:
    """Whether the file opens with an empty password, as PDFs that only restrict printing do."""
    try:
        return bool(document.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unsupported cipher is as good as a password here
        return False


def _fragments(page: object) -> list[_Fragment]:
    """Positioned text of one page, in the order pypdf reports it."""
    fragments: list[_Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, font_size: float) -> None:
        if not text or not text.strip():
            return
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
        size = float(font_size) * scale
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str(font.get("/BaseFont", "")) if font else ""
        bold = "bold" in name.lower() or "black" in name.lower()
        for offset, piece in enumerate(text.split("\n")):
            if piece.strip():
                fragments.append(_Fragment(x, y - offset * size * 1.2, size, piece, bold))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return fragments


def _lines(fragments: list[_Fragment], page: int, height: float) -> list[_Line]:
    """Group fragments sharing a baseline into lines; a raised, smaller number becomes a marker."""
    clusters: list[list[_Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: -f.y):
        if clusters:
            cluster = clusters[-1]
            anchor = max(cluster, key=lambda f: f.size)
            if abs(anchor.y - fragment.y) <= 0.45 * max(anchor.size, fragment.size):
                cluster.append(fragment)
                continue
        clusters.append([fragment])
    lines = []
    for cluster in clusters:
        cluster = [f for cell in _cells(cluster) if not _is_furniture_cell(cell, page, height) for f in cell]
        if not cluster:
            continue
        anchor = max(cluster, key=lambda f: (f.size, -f.y))
        text = _line_text(sorted(cluster, key=lambda f: f.x), anchor)
        if text:
            top = min(max(1 - anchor.y / height, 0.0), 1.0)
            bold = all(f.bold for f in cluster if f.size >= anchor.size * _SMALL)
            lines.append(_Line(page, anchor.y, round(anchor.size, 1), text, bold, top))
    return lines


def _cells(line: list[_Fragment]) -> Iterator[list[_Fragment]]:
    """Runs of a line's fragments with no wide gap between them: a footer's job number and its page
    number share a baseline but not a cell."""
    cell: list[_Fragment] = []
    for fragment in sorted(line, key=lambda f: f.x):
        if cell and fragment.x - _estimated_end(cell[-1]) > 3 * fragment.size:
            yield cell
            cell = []
        cell.append(fragment)
    if cell:
        yield cell


def _estimated_end(fragment: _Fragment) -> float:
    """Where a fragment's text ends, from an average glyph width (pypdf gives no widths)."""
    return fragment.x + 0.5 * fragment.size * len(fragment.text)


def _is_furniture_cell(cell: list[_Fragment], page: int, height: float) -> bool:
    """A job number, barcode, page number or (after the first page) symbol in a top or bottom band."""
    top = 1 - max(f.y for f in cell) / height
    if _BAND <= top <= 1 - _BAND:
        return False
    text = "".join(f.text for f in cell).strip()
    return (page > 1 and bool(SYMBOL_PATTERN.fullmatch(text))) or any(p.fullmatch(text) for p in _FURNITURE)


def _line_text(fragments: list[_Fragment], anchor: _Fragment) -> str:
    parts: list[str] = []
    previous: _Fragment | None = None
    for fragment in fragments:
        raised = fragment.y > anchor.y + 0.15 * anchor.size
        if fragment.size < anchor.size * _SMALL and raised and fragment.text.strip().isdigit():
            parts.append(mark(int(fragment.text.strip())))
        else:
            text = fragment.text
            if previous is not None and parts and _needs_space(previous, fragment, parts[-1], text):
                text = " " + text
            parts.append(text)
        previous = fragment
    return normalize_space("".join(parts))


def _needs_space(previous: _Fragment, current: _Fragment, before: str, text: str) -> bool:
    """Whether two fragments of a line are separate words (pypdf does not always keep the space)."""
    if before[-1:].isspace() or text[:1].isspace():
        return False
    return current.x - _estimated_end(previous) > 0.25 * previous.size


def _body_size(pages: list[list[_Line]]) -> float | None:
    """The size of the type most characters are set in: the body text's."""
    weights: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else None


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", without_marks(text).lower()).strip()


def _repeated_lines(pages: list[list[_Line]]) -> set[str]:
    """Lines in the header and footer bands of most pages: running titles, symbols, page numbers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_furniture_key(line.text) for line in lines if _in_band(line)})
    return {key for key, count in counts.items() if count >= max(2, len(pages) // 2)}


def _in_band(line: _Line) -> bool:
    return line.top < _BAND or line.top > 1 - _BAND


def _is_furniture(line: _Line, repeated: set[str], first: bool) -> bool:
    text = without_marks(line.text).strip()
    if not _in_band(line) and not first:
        return False
    if _in_band(line) and _furniture_key(text) in repeated:
        return True
    if text == line.text and SYMBOL_PATTERN.fullmatch(text):
        return True
    if any(p.fullmatch(text) for p in _FURNITURE):
        return _in_band(line)
    # The masthead: "United Nations  A/RES/80/16", "General Assembly  Distr.: General", its date.
    if first and line.top < 0.3:
        rest = SYMBOL_PATTERN.sub("", text).strip()
        rest = _DISTRIBUTION.sub("", rest).strip()
        return not rest or any(p.fullmatch(rest) for p in _MASTHEAD)
    return False


def _masthead_hints(lines: list[_Line]) -> dict[str, str]:
    """Symbol and date from the first page's masthead, where UN documents print them; the symbol as
    `printed_symbol`, since the document's own text bears it (a declared `symbol` is only a claim)."""
    hints: dict[str, str] = {}
    masthead = [without_marks(line.text) for line in lines if line.top < 0.3]
    for text in masthead:
        if "printed_symbol" not in hints and (symbol := SYMBOL_PATTERN.search(text)):
            hints["printed_symbol"] = symbol.group(0)
    for index, text in enumerate(masthead):
        if _DISTRIBUTION.search(text):
            nearby = " ".join(masthead[index : index + 3])
            if date := _DATE.search(nearby):
                hints["date"] = date.group(0)
            break
    return hints


def _page_paragraphs(lines: list[_Line], body_size: float, repeated: set[str], first: bool) -> list[PageParagraph]:
    """One page's lines as paragraphs, headings and footnotes, furniture left out."""
    kept = [line for line in lines if not _is_furniture(line, repeated, first)]
    last_body = max((i for i, line in enumerate(kept) if line.size >= body_size * _SMALL), default=-1)
    body, notes = kept[: last_body + 1], kept[last_body + 1 :]
    step = _line_step(body, body_size)
    paragraphs: list[PageParagraph] = []
    previous: _Line | None = None
    for line in body:
        is_heading = _looks_like_heading(line, body_size)
        starts = (
            previous is None
            or is_heading
            or paragraphs[-1].kind is BlockKind.HEADING
            or previous.y - line.y > 1.3 * step
            or PARAGRAPH_START.match(without_marks(line.text))
            or line.size < body_size * _SMALL <= previous.size
        )
        if starts:
            kind = BlockKind.HEADING if is_heading else BlockKind.PARAGRAPH
            level = 1 if line.size >= body_size * 1.2 else 2
            paragraphs.append(PageParagraph(kind, line.text, line.page, level=level if is_heading else 0))
        else:
            paragraphs[-1].text = join_lines(paragraphs[-1].text, line.text)
        previous = line
    return paragraphs + _footnotes(notes)


def _line_step(lines: list[_Line], body_size: float) -> float:
    """The usual distance between consecutive body lines of a paragraph."""
    gaps = sorted(a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.y - b.y > body_size * 0.8)
    return gaps[len(gaps) // 5] if gaps else body_size * 1.2


def _looks_like_heading(line: _Line, body_size: float) -> bool:
    text = without_marks(line.text).strip()
    if len(text) > _MAX_HEADING_CHARS or text.endswith(_SENTENCE_END) or PARAGRAPH_START.match(text):
        return False
    return line.bold or line.size >= body_size * 1.1


def _footnotes(lines: list[_Line]) -> list[PageParagraph]:
    """Small type under the body: each footnote starts with its number (raised or not)."""
    notes: list[PageParagraph] = []
    for line in lines:
        text = line.text.strip()
        raised = MARK_PATTERN.match(text)
        opening = raised or _FOOTNOTE_START.match(without_marks(text))
        if opening:
            rest = text[raised.end() :] if raised else without_marks(text)[opening.end() :]
            notes.append(PageParagraph(BlockKind.FOOTNOTE, rest.strip(), line.page, number=int(opening.group(1))))
        elif notes:
            notes[-1].text = join_lines(notes[-1].text, text)
        else:  # small type with no number: a note or caption in the body's flow
            notes.append(PageParagraph(BlockKind.PARAGRAPH, text, line.page))
    return notes
