"""Segmentation into citable passages: every passage gets the locator a diplomat would cite.

Four numbering schemes cover the corpus:
- numbered documents (resolutions, reports): `para. 2`, `para. 55(a)`, `Annex I, para. 7`, with the
  unnumbered preambular paragraphs of a resolution as `preamble` and the masthead as `header`;
- conventions and other texts in articles, alone or annexed: `annex, art. 23, para. 2(b)` (ingest.articles);
- analyses with numbered headings: `section 2.4`;
- commentary without numbering: `para. N` in reading order.
Footnotes become `footnote N` passages linked both ways to the paragraphs that cite them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.marks import MARK_PATTERN, strip_marks, without_marks
from core.models import Block, BlockKind, DocumentMeta, Passage
from core.sentences import pack_sentences
from ingest.articles import instrument_start, locate_instrument
from ingest.units import NUMBERED, SUB_PARAGRAPH, Located, Unit, annex_label, follows, to_units

DEFAULT_MAX_CHARS = 1000
_SECTION_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
# "The General Assembly," opens the preamble; extraction may have glued it to the title line before it.
_CHAPEAU = re.compile(r"(?:^|\s)The (?:General Assembly|Security Council|Human Rights Council),?$")
_CLOSING = re.compile(r"^\d+(st|nd|rd|th) (\(resumed\) )?plenary meeting\b", re.IGNORECASE)


class Segmenter:
    """Turns a document's blocks into passages with exact locators and exact text.

    >>> from core.models import Block, BlockKind, DocumentMeta
    >>> meta = DocumentMeta(doc_id="A/RES/99/1", title="Example", doc_type="resolution", symbol="A/RES/99/1")
    >>> blocks = [Block(BlockKind.PARAGRAPH, "The General Assembly,"),
    ...           Block(BlockKind.PARAGRAPH, "Recalling its earlier work,"),
    ...           Block(BlockKind.PARAGRAPH, "1. Decides to act;")]
    >>> [p.citation for p in Segmenter().segment(meta, blocks)]
    ['A/RES/99/1, header', 'A/RES/99/1, preamble', 'A/RES/99/1, para. 1']
    """

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        if max_chars < 200:
            raise ValueError(f"max_chars must be at least 200, got {max_chars}")
        self.max_chars = max_chars

    def segment(self, meta: DocumentMeta, blocks: Sequence[Block]) -> list[Passage]:
        units = to_units(blocks)
        is_resolution = meta.doc_type in ("resolution", "draft")  # a draft is laid out as the resolution it becomes
        start = instrument_start(units)
        if start is None:
            return self._passages(meta, _locate(units, is_resolution))
        # The text before an annexed instrument (a resolution's own paragraphs) keeps its own numbering.
        located = _locate(units[:start], is_resolution) + locate_instrument(units[start:])
        return self._passages(meta, located)

    def _passages(self, meta: DocumentMeta, located: list[Located]) -> list[Passage]:
        drafts: list[tuple[str, str, str, Unit, list[tuple[int, int]]]] = []
        for item in located:
            inline = _has_inline_marks(item)
            for locator, raw, context in self._pieces(item):
                text, marks = strip_marks(raw)
                if not marks and not inline and item.unit.kind is not BlockKind.FOOTNOTE:
                    marks = [(number, len(text)) for number in item.unit.markers]  # a reader gave no positions
                drafts.append((locator, text, without_marks(context), item.unit, marks))
        ids = [f"{meta.doc_id}#{i}" for i in range(len(drafts))]
        footnote_ids = {
            unit.number: pid
            for pid, (_, _, _, unit, _) in reversed(list(zip(ids, drafts, strict=True)))
            if unit.kind is BlockKind.FOOTNOTE and unit.number is not None
        }
        cited_by: dict[int, list[str]] = {}
        for pid, (_, _, _, _, marks) in zip(ids, drafts, strict=True):
            for number, _ in marks:
                if pid not in cited_by.setdefault(number, []):
                    cited_by[number].append(pid)
        passages = []
        for ordinal, (locator, text, context, unit, marks) in enumerate(drafts):
            footnote_marks = tuple((footnote_ids[n], offset) for n, offset in marks if n in footnote_ids)
            is_footnote = unit.kind is BlockKind.FOOTNOTE
            passages.append(
                Passage(
                    doc=meta,
                    locator=locator,
                    text=text,
                    ordinal=ordinal,
                    context=context,
                    page=unit.page,
                    footnotes=tuple(dict.fromkeys(pid for pid, _ in footnote_marks)),
                    footnote_marks=footnote_marks,
                    cited_by=tuple(cited_by.get(unit.number or -1, ())) if is_footnote else (),
                )
            )
        return passages

    def _pieces(self, item: Located) -> list[tuple[str, str, str]]:
        """The passages one located unit becomes: whole when it fits, else cut at sentences and sub-paragraphs."""
        unit = item.unit
        parts = unit.parts
        # A paragraph that opens straight on its first sub-paragraph ("3. (a) ...") has no text of its own.
        whole = "\n".join(text for text in [unit.text, *parts, *(text for _, text in item.subs)] if text)
        if len(whole) <= self.max_chars:
            return [(item.locator, whole, item.context)]
        pieces = [(item.locator, text, item.context) for text in pack_sentences(unit.text, self.max_chars) if text]
        intro = f"{item.context}\n{unit.text}".strip() if parts or item.subs else item.context
        for chunk in _group(parts, self.max_chars):
            pieces += [(item.locator, text, _brief(intro)) for text in pack_sentences(chunk, self.max_chars)]
        for locator, text in item.subs:
            pieces += [(locator, piece, _brief(intro)) for piece in pack_sentences(text, self.max_chars)]
        return pieces


def _locate(units: list[Unit], is_resolution: bool) -> list[Located]:
    """Locators by the numbering scheme the document uses: paragraph numbers, numbered headings, or none."""
    body = [u for u in units if u.kind is BlockKind.PARAGRAPH]
    # Numbering must start low: a year or a count at a line start ("2024. ...") does not make a document numbered.
    if any((number := NUMBERED.match(u.text)) and follows(int(number.group(1)), 0) for u in body):
        return _locate_numbered(units, is_resolution)
    if any(u.kind is BlockKind.HEADING and _SECTION_HEADING.match(u.text) for u in units):
        return _locate_sections(units)
    return _locate_reading_order(units)


def _locate_numbered(units: list[Unit], is_resolution: bool) -> list[Located]:
    located: list[Located] = []
    header: Unit | None = None
    has_chapeau = any(_CHAPEAU.search(u.text) for u in units if u.kind is BlockKind.PARAGRAPH)
    in_header = is_resolution and has_chapeau
    annex = ""
    heading = ""
    last_number = 0
    current: Located | None = None
    for unit in units:
        text = unit.text
        if unit.kind is BlockKind.FOOTNOTE:
            located.append(Located(f"footnote {unit.number}", unit, ""))
            continue
        label = annex_label(text)
        if label and not in_header:
            annex, heading, last_number, current = label, text, 0, None
            continue
        if unit.kind is BlockKind.HEADING:
            heading = text
            continue
        where = f"{annex}, " if annex else ""
        context = heading
        number = NUMBERED.match(text)
        if number and follows(int(number.group(1)), last_number):
            in_header = False
            last_number = int(number.group(1))
            unit.text = text[number.end() :]  # the locator carries the number; the quotation does not
            current = Located(f"{where}para. {last_number}", unit, context)
            located.append(current)
        elif (sub := SUB_PARAGRAPH.match(text)) and current is not None:
            current.subs.append((f"{current.locator}({sub.group(1)})", text))
            current.unit.add_markers(unit.markers)
        elif _CLOSING.match(text) or in_header or (last_number == 0 and not is_resolution):
            header = _append(header, unit)
            in_header = in_header and not _CHAPEAU.search(text)
        elif current is not None:
            current.subs.append((current.locator, text))
            current.unit.add_markers(unit.markers)
        else:
            located.append(Located("preamble", unit, context))
    if header is not None:
        located.insert(0, Located("header", header, ""))
    return located


def _locate_sections(units: list[Unit]) -> list[Located]:
    located: list[Located] = []
    header: Unit | None = None
    section = ""
    title = ""
    for unit in units:
        if unit.kind is BlockKind.FOOTNOTE:
            located.append(Located(f"footnote {unit.number}", unit, ""))
        elif unit.kind is BlockKind.HEADING:
            if numbered := _SECTION_HEADING.match(unit.text):
                section, title = numbered.group(1), unit.text
            elif not section:
                header = _append(header, unit)
        elif section:
            located.append(Located(f"section {section}", unit, title))
        else:
            header = _append(header, unit)
    if header is not None:
        located.insert(0, Located("header", header, ""))
    return located


def _locate_reading_order(units: list[Unit]) -> list[Located]:
    located: list[Located] = []
    heading = ""
    count = 0
    for unit in units:
        if unit.kind is BlockKind.FOOTNOTE:
            located.append(Located(f"footnote {unit.number}", unit, ""))
        elif unit.kind is BlockKind.HEADING:
            heading = unit.text
        else:
            count += 1
            located.append(Located(f"para. {count}", unit, heading))
    return located


def _has_inline_marks(item: Located) -> bool:
    unit = item.unit
    return any(MARK_PATTERN.search(t) for t in [unit.text, *unit.parts, *(text for _, text in item.subs)])


def _append(header: Unit | None, unit: Unit) -> Unit:
    if header is None:
        return Unit(BlockKind.PARAGRAPH, unit.text, markers=list(unit.markers), page=unit.page)
    header.text = f"{header.text}\n{unit.text}"
    header.add_markers(unit.markers)
    return header


def _group(parts: list[str], max_chars: int) -> list[str]:
    """Join consecutive list items into chunks of at most max_chars (an item never split across two)."""
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) + 1 + len(part) <= max_chars:
            chunks[-1] = f"{chunks[-1]}\n{part}"
        else:
            chunks.append(part)
    return chunks


def _brief(text: str, limit: int = 400) -> str:
    """Context kept short: it rides along with every piece of a long paragraph."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
