"""The PDF reader: pypdf's positioned text turned back into the paragraphs, headings and footnotes of a
UN document, without the running headers and footers its pages repeat.

pypdf hands over text fragments with their position and font size. From them the reader rebuilds lines
(a raised, smaller number inside a line is a footnote marker), sorts the lines into body text, footnotes
(smaller type below the body) and page furniture (the symbol line, "25-12345 (E)" job numbers,
`*2512345*` barcodes, page numbers, lines repeated on most pages), then joins lines into paragraphs and
paragraphs cut by a page break back together.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ReadError
from ingest.marks import MARK_PATTERN, mark, without_marks
from ingest.metadata import SYMBOL_PATTERN
from ingest.models import Block, BlockKind, ParsedFile
from ingest.readers.cleanup import normalize_space

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
_PARAGRAPH_START = re.compile(r"^(\d{1,3}\.\s+\S|\([a-z]{1,3}\)\s+\S|[•▪◦-]\s+\S)")
_FOOTNOTE_START = re.compile(r"^(\d{1,3})\s+(?=\S)")
_SENTENCE_END = tuple(".:;!?”\"’)")
# A word broken at a line end loses its hyphen, unless the hyphen belongs to a compound like these.
_KEPT_HYPHEN_PREFIXES = frozenset(
    "non co self cross anti ex multi well long high low open follow cyber state member ict".split()
)
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


@dataclass
class _Paragraph:
    kind: BlockKind
    text: str
    page: int
    number: int | None = None
    level: int = 0
    lines: list[_Line] = field(default_factory=list)


class PdfReader:
    """PDF files, including the official UN ones: body paragraphs, headings and footnotes in reading order.

    The first page's masthead gives the symbol and the date (as hints for the metadata resolver).
    """

    extensions = (".pdf",)

    def read(self, path: Path) -> ParsedFile:
        pages = _extract_lines(path)
        body_size = _body_size(pages)
        if body_size is None:
            raise ReadError(path, "no extractable text (scanned or image-only PDF?)")
        hints = _masthead_hints(pages[0])
        repeated = _repeated_lines(pages)
        per_page = [_page_paragraphs(lines, body_size, repeated, first=index == 0) for index, lines in enumerate(pages)]
        blocks = list(_join_pages(per_page))
        if not blocks:
            raise ReadError(path, "no extractable text (scanned or image-only PDF?)")
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
        if title:
            hints.setdefault("heading_title", without_marks(title))
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


def _extract_lines(path: Path) -> list[list[_Line]]:
    """Each page's lines, top to bottom; ReadError for files pypdf cannot open or decrypt."""
    import pypdf

    try:
        if path.stat().st_size == 0:
            raise ReadError(path, "empty file")
    except OSError as exc:
        raise ReadError(path, f"cannot open the file ({exc.strerror or exc})") from exc
    with _quiet_pypdf():
        try:
            document = pypdf.PdfReader(path)
            if document.is_encrypted and not _decrypts(document):
                raise ReadError(path, "encrypted PDF (needs a password)")
            pages = []
            for number, page in enumerate(document.pages, 1):
                fragments = _fragments(page)
                height = float(page.mediabox.height) or 842.0
                pages.append(_lines(fragments, number, height))
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on damaged files
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise ReadError(path, f"not a valid PDF ({reason})") from exc
    if not pages:
        raise ReadError(path, "not a valid PDF (it has no pages)")
    return pages


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
    """Symbol and date from the first page's masthead, where UN documents print them."""
    hints: dict[str, str] = {}
    masthead = [without_marks(line.text) for line in lines if line.top < 0.3]
    for text in masthead:
        if "symbol" not in hints and (symbol := SYMBOL_PATTERN.search(text)):
            hints["symbol"] = symbol.group(0)
    for index, text in enumerate(masthead):
        if _DISTRIBUTION.search(text):
            nearby = " ".join(masthead[index : index + 3])
            if date := _DATE.search(nearby):
                hints["date"] = date.group(0)
            break
    return hints


def _page_paragraphs(lines: list[_Line], body_size: float, repeated: set[str], first: bool) -> list[_Paragraph]:
    """One page's lines as paragraphs, headings and footnotes, furniture left out."""
    kept = [line for line in lines if not _is_furniture(line, repeated, first)]
    last_body = max((i for i, line in enumerate(kept) if line.size >= body_size * _SMALL), default=-1)
    body, notes = kept[: last_body + 1], kept[last_body + 1 :]
    step = _line_step(body, body_size)
    paragraphs: list[_Paragraph] = []
    previous: _Line | None = None
    for line in body:
        is_heading = _looks_like_heading(line, body_size)
        starts = (
            previous is None
            or is_heading
            or paragraphs[-1].kind is BlockKind.HEADING
            or previous.y - line.y > 1.3 * step
            or _PARAGRAPH_START.match(without_marks(line.text))
            or line.size < body_size * _SMALL <= previous.size
        )
        if starts:
            kind = BlockKind.HEADING if is_heading else BlockKind.PARAGRAPH
            level = 1 if line.size >= body_size * 1.2 else 2
            paragraphs.append(_Paragraph(kind, line.text, line.page, level=level if is_heading else 0))
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
    if len(text) > _MAX_HEADING_CHARS or text.endswith(_SENTENCE_END) or _PARAGRAPH_START.match(text):
        return False
    return line.bold or line.size >= body_size * 1.1


def _footnotes(lines: list[_Line]) -> list[_Paragraph]:
    """Small type under the body: each footnote starts with its number (raised or not)."""
    notes: list[_Paragraph] = []
    for line in lines:
        text = line.text.strip()
        raised = MARK_PATTERN.match(text)
        opening = raised or _FOOTNOTE_START.match(without_marks(text))
        if opening:
            rest = text[raised.end() :] if raised else without_marks(text)[opening.end() :]
            notes.append(_Paragraph(BlockKind.FOOTNOTE, rest.strip(), line.page, number=int(opening.group(1))))
        elif notes:
            notes[-1].text = join_lines(notes[-1].text, text)
        else:  # small type with no number: a note or caption in the body's flow
            notes.append(_Paragraph(BlockKind.PARAGRAPH, text, line.page))
    return notes


def join_lines(before: str, after: str) -> str:
    """Join two lines of a paragraph, undoing the hyphenation of a word broken at the line end.

    >>> join_lines("two dedi-", "cated groups")
    'two dedicated groups'
    >>> join_lines("non-", "governmental")
    'non-governmental'
    """
    before = before.rstrip().rstrip("\u00ad")
    broken = re.search(r"(\w+)-$", before)
    if broken and after[:1].islower() and broken.group(1).lower() not in _KEPT_HYPHEN_PREFIXES:
        return before[:-1] + after
    if broken or before.endswith(("\u2010", "\u2011")):
        return before + after
    return f"{before} {after}"


def _join_pages(pages: list[list[_Paragraph]]) -> Iterator[Block]:
    """Blocks in reading order; a paragraph a page break cut is joined again, and that page's footnotes
    follow it."""
    open_paragraph: _Paragraph | None = None
    held_notes: list[_Paragraph] = []
    for paragraphs in pages:
        body = [p for p in paragraphs if p.kind is not BlockKind.FOOTNOTE]
        notes = [p for p in paragraphs if p.kind is BlockKind.FOOTNOTE]
        if open_paragraph is not None and body and _continues(body[0]):
            open_paragraph.text = join_lines(open_paragraph.text, body.pop(0).text)
        if open_paragraph is not None:
            yield _block(open_paragraph)
            open_paragraph = None
        yield from (_block(note) for note in held_notes)
        held_notes = notes
        if body and body[-1].kind is BlockKind.PARAGRAPH and not _finished(body[-1].text):
            open_paragraph = body.pop()
        yield from (_block(p) for p in body)
    if open_paragraph is not None:
        yield _block(open_paragraph)
    yield from (_block(note) for note in held_notes)


def _finished(text: str) -> bool:
    return without_marks(text).rstrip().endswith(_SENTENCE_END)


def _continues(following: _Paragraph) -> bool:
    text = without_marks(following.text)
    return following.kind is BlockKind.PARAGRAPH and not _PARAGRAPH_START.match(text) and bool(text)


def _block(paragraph: _Paragraph) -> Block:
    markers = tuple(dict.fromkeys(int(n) for n in MARK_PATTERN.findall(paragraph.text)))
    text = normalize_space(paragraph.text)
    return Block(paragraph.kind, text, level=paragraph.level, number=paragraph.number, markers=markers, page=paragraph.page)
