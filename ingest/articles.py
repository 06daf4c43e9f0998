"""Locators inside article-structured instruments (conventions, statutes, draft articles), cited as a
lawyer cites a treaty: `annex, art. 23, para. 2(b)`, `annex, art. 1` for an article of unnumbered text,
`annex, preamble` before the first article. Paragraph numbers restart in every article, so without the
article they would not say which paragraph is meant.

An annex of the instrument itself (the interpretative notes annexed to a convention) is cited by its own
continuous paragraph numbers, `annex, interpretative notes, para. 3`: its headings ("Article 17",
"Articles 23 and 35, with regard to ...") group the notes and may name several articles, so they go into
the context, where they help retrieval, and not into the locator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.marks import without_marks
from core.models import BlockKind
from ingest.units import NUMBERED, SUB_PARAGRAPH, Located, Unit, annex_label, follows

# Readers give the heading alone, glue its title to it ("Article 1 Statement of purpose") or lose the
# space ("Article28 Search ..."); a sentence that opens on an article ("Article 5 shall ...") goes on in
# lower case, so a title must open with a capital, a digit or a quote.
_ARTICLE_HEADING = re.compile(r"^Article\s*(\d+)\s*\.?(?:\s*(?=[A-Z0-9“\"‘'])(.+))?$")
# Headings of an instrument's annex of notes, which may name several articles.
_NOTES_HEADING = re.compile(r"^Articles?\s+\d+\b")
_CHAPTER_HEADING = re.compile(r"^(?:Chapter|Part)\s+(?:[IVXLC]+|\d+)\.?(?:\s+([A-Z].*))?$")
_INTERPRETATIVE_NOTES = re.compile(r"^Interpretative notes\b", re.IGNORECASE)
# A heading or title line never ends as a sentence or a clause does (a title may end in ";", as the
# Convention's name does).
_CLAUSE_END = re.compile(r"[.:,]$")
_MAX_HEADING_LINE = 200
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv")


def instrument_start(units: Sequence[Unit]) -> int | None:
    """Where an article-structured instrument begins: the annex heading it stands under, else the start of
    the document (a convention read on its own); None when no "Article 1" is followed by an "Article 2"."""
    numbers = [heading[0] if (heading := _article_heading(u)) else None for u in units]
    if 1 not in numbers or 2 not in numbers[numbers.index(1) :]:
        return None
    first = numbers.index(1)
    annexes = [
        i for i in range(first) if units[i].kind is not BlockKind.FOOTNOTE and annex_label(units[i].text)
    ]
    return annexes[-1] if annexes else 0


def locate_instrument(units: Sequence[Unit]) -> list[Located]:
    """Locators for the units of an instrument, from `instrument_start` to the end of the document."""
    locator = _InstrumentLocator()
    for unit in units:
        locator.add(unit)
    return locator.located


def _article_heading(unit: Unit) -> tuple[int, str] | None:
    """The article's number and the title on its heading line ("" when the title is on the next line)."""
    match = _ARTICLE_HEADING.match(unit.text)
    if not match or unit.kind is BlockKind.FOOTNOTE or len(unit.text) > _MAX_HEADING_LINE:
        return None
    title = match.group(2) or ""
    return (int(match.group(1)), title) if not title or _is_heading_line(title) else None


def _is_heading_line(text: str, max_chars: int = _MAX_HEADING_LINE) -> bool:
    return len(text) <= max_chars and not _CLAUSE_END.search(without_marks(text).rstrip())


def _next_roman(roman: str | None) -> str | None:
    if roman is None:
        return _ROMAN[0]
    index = _ROMAN.index(roman) + 1 if roman in _ROMAN else len(_ROMAN)
    return _ROMAN[index] if index < len(_ROMAN) else None


class _InstrumentLocator:
    """Reads an instrument once, keeping where it stands: annex, chapter, article, paragraph."""

    def __init__(self) -> None:
        self.located: list[Located] = []
        self.annex = ""  # "annex", "annex II"; "" when the instrument is the document itself
        self.notes = ""  # the instrument's own annex, e.g. "interpretative notes"
        self.title = ""  # of the annex or the notes
        self.heading = ""  # the last other heading: "Preamble", a note's "Article 17"
        self.chapter = ""
        self.article: int | None = None
        self.article_heading = ""
        self.awaiting_title = ""  # "annex", "chapter" or "article": a heading whose title line may follow
        self.last_paragraph = 0
        self.current: Located | None = None  # the paragraph (or article text) sub-paragraphs belong to
        self.roman: str | None = None  # the last roman sub-sub-paragraph under the current letter

    def add(self, unit: Unit) -> None:
        text = unit.text
        if unit.kind is BlockKind.FOOTNOTE:
            self.located.append(Located(f"footnote {unit.number}", unit, ""))
        elif self.awaiting_title and self._is_title(unit):
            self._take_title(text)
        elif label := annex_label(text):
            self._open_annex(label, text)
        elif (chapter := _CHAPTER_HEADING.match(text)) and _is_heading_line(text):
            self.chapter, self.awaiting_title = text, "" if chapter.group(1) else "chapter"
        elif self.notes and _NOTES_HEADING.match(text) and _is_heading_line(text):
            self.heading = text
        elif (article := _article_heading(unit)) and follows(article[0], self.article or 0):
            self._open_article(article[0], text, has_title=bool(article[1]))
        elif unit.kind is BlockKind.HEADING:
            self.heading, self.awaiting_title = text, ""
        else:
            self.awaiting_title = ""
            self._body(unit)

    @property
    def scope(self) -> str:
        """The locator up to the paragraph: `annex, art. 23`, `annex, interpretative notes`, `annex`."""
        article = f"art. {self.article}" if self.article is not None and not self.notes else ""
        return ", ".join(part for part in (self.annex, self.notes, article) if part)

    @property
    def context(self) -> str:
        if self.notes:
            return "; ".join(
                part for part in (self.heading, self.title) if part
            )  # the article first: the title is long
        if self.article is not None:
            return "; ".join(part for part in (self.chapter, self.article_heading) if part)
        return self.heading or self.title

    def _is_title(self, unit: Unit) -> bool:
        text = unit.text
        openings = (NUMBERED, SUB_PARAGRAPH, _ARTICLE_HEADING, _CHAPTER_HEADING)
        if annex_label(text) or any(pattern.match(text) for pattern in openings):
            return False
        # An annex's title is the name of a document, which may run to several printed lines.
        max_chars = len(text) if self.awaiting_title == "annex" else _MAX_HEADING_LINE
        return unit.kind is BlockKind.HEADING or _is_heading_line(text, max_chars)

    def _take_title(self, text: str) -> None:
        if self.awaiting_title == "chapter":
            self.chapter = f"{self.chapter} {text}"
        elif self.awaiting_title == "article":
            self.article_heading = f"{self.article_heading} {text}"
        else:
            self._name_annex(text)
        self.awaiting_title = ""

    def _open_annex(self, label: str, text: str) -> None:
        """A bare "Annex" after articles is the instrument's own annex; any other opens a new part."""
        title = text[len(label) :].strip(" .:—–-")
        if label == "Annex" and self.article is not None:
            self.notes = "annex"
        else:
            self.annex, self.notes, self.chapter, self.article = f"annex{label[len('Annex') :]}", "", "", None
        self.title, self.heading, self.last_paragraph, self.current = "", "", 0, None
        if title:
            self._name_annex(title)
        else:
            self.awaiting_title = "annex"

    def _name_annex(self, title: str) -> None:
        self.title = title
        if self.notes and _INTERPRETATIVE_NOTES.match(title):
            self.notes = "interpretative notes"

    def _open_article(self, number: int, text: str, has_title: bool) -> None:
        self.article, self.article_heading = number, text
        self.last_paragraph, self.current = 0, None
        self.awaiting_title = "" if has_title else "article"

    def _body(self, unit: Unit) -> None:
        number = NUMBERED.match(unit.text)
        if number and follows(int(number.group(1)), self.last_paragraph):
            self._open_paragraph(unit, int(number.group(1)), unit.text[number.end() :])
        elif (sub := SUB_PARAGRAPH.match(unit.text)) and self.current is not None:
            self._add_sub(self.current, unit, sub.group(1))
        elif self.current is not None:
            self.current.subs.append((self.current.locator, unit.text))
            self.current.unit.add_markers(unit.markers)
        elif self.article is None and not self.notes:
            self.located.append(
                Located(", ".join(p for p in (self.annex, "preamble") if p), unit, self.context)
            )
        else:
            self.current, self.roman = Located(self.scope, unit, self.context), None
            self.located.append(self.current)

    def _open_paragraph(self, unit: Unit, number: int, rest: str) -> None:
        """A numbered paragraph; one that opens straight on its sub-paragraph ("3. (a) ...") has no chapeau."""
        self.last_paragraph, self.roman = number, None
        sub = SUB_PARAGRAPH.match(rest)
        unit.text = "" if sub else rest  # the locator carries the number; the quotation does not
        where = f"{self.scope}, " if self.scope else ""
        self.current = Located(f"{where}para. {number}", unit, self.context)
        self.located.append(self.current)
        if sub:
            self.current.subs.append((f"{self.current.locator}({sub.group(1)})", rest))

    def _add_sub(self, current: Located, unit: Unit, marker: str) -> None:
        """A lettered sub-paragraph gets its own locator; a roman one stays with the letter it divides."""
        current.unit.add_markers(unit.markers)
        if self._is_roman_under_letter(current, marker):
            locator, text = current.subs[-1]
            current.subs[-1] = (locator, f"{text}\n{unit.text}")
            self.roman = marker
        else:
            current.subs.append((f"{current.locator}({marker})", unit.text))
            self.roman = None

    def _is_roman_under_letter(self, current: Located, marker: str) -> bool:
        """Whether "(i)" divides the last letter: it does when that letter introduces a list (ends in ":") or a roman
        list is already running; otherwise it is the letter after "(h)"."""
        if not current.subs or current.subs[-1][0] == current.locator:
            return False
        if marker != _next_roman(self.roman):
            return False
        return self.roman is not None or without_marks(current.subs[-1][1]).rstrip().endswith(":")
