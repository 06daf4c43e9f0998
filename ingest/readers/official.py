"""The text layer of an official UN document turned into blocks: one cleaning path for pypdf's
`extract_text()` of the official PDFs and for the raw `.txt` extracts of them.

What the layer holds besides the text is undone here: page furniture (job numbers, barcodes, page
numbers, the running head at the top of every page after the first) is dropped; the first page's
masthead lines are kept as blocks for the masthead parser (ingest.masthead); lines are joined into
paragraphs and paragraphs cut by a page break are joined again; the footnotes under the `____` rule
become FOOTNOTE blocks, and their markers, glued to words in the body ("Working Group,1 and"), become
inline sentinels (core.marks).

>>> blocks = official_blocks(["United Nations  A/RES/99/1\\nDistr.: General\\n99-00001 (E)\\n"
...                           "The General Assembly,\\n 1. Decides to act;"])
>>> [b.text for b in blocks]
['United Nations', 'A/RES/99/1', 'Distr.: General', 'The General Assembly,', '1. Decides to act;']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from core.marks import MARK_PATTERN, mark, without_marks
from core.models import Block, BlockKind
from core.symbols import SYMBOL_PATTERN
from ingest.masthead import CHAPEAU
from ingest.readers.cleanup import join_lines, normalize_space

# A paragraph's number ("12.", "1.5.") or letter ("(a)", "(iv)").
_PARAGRAPH_NUMBER = r"\d+(?:\.\d+)*\.|\((?:[a-z]{1,3}|[ivxlc]+)\)"
# A numbered or lettered paragraph, or a bullet: such a line starts a paragraph of its own.
PARAGRAPH_START = re.compile(rf"^(?:{_PARAGRAPH_NUMBER})(?:\s|$)|^[•▪◦-]\s+\S")
# A paragraph number alone on its line ("1. "): the paragraph's text follows on the next line.
_NUMBER_ALONE = re.compile(_PARAGRAPH_NUMBER)
# The page number line ("2/2") of a `.txt` extract, in the running head printed before each later page.
_PAGE_NUMBER_LINE = re.compile(r"\s*\d+/\d+\s*")
# Page furniture, as whole words of a line: job number "22-28101 (E)    151222" (or "23-26243" alone
# in a running head), barcode "*2228101*", page number "2/2", the recycling note.
_FURNITURE = re.compile(
    r"\d{2}-\d{4,6}(?:\s*\([A-Z]\))?(?:\s+\d{6}){0,2}|\*\d{6,9}\*|(?<![\w/])\d+/\d+(?![\w/])|please recycle",
    re.IGNORECASE,
)
# The first page's job number, printed in the official masthead: a text layer that carries it among its
# masthead lines is an official document's, not another PDF that merely prints a UN-like heading.
_MASTHEAD_JOB_NUMBER = re.compile(r"^\s*\d{2}-\d{4,6}\s*\([A-Z]\)", re.MULTILINE)
_DISTRIBUTION = re.compile(r"\bDistr\.?:?\s*(?:General|Limited|Restricted)\b", re.IGNORECASE)
# Where the masthead ends: the preamble's chapeau, or (documents without one) a first numbered paragraph.
_FIRST_PARAGRAPH = re.compile(r"^\d+\.\s+\S")
# Masthead lines that stand alone: each is a block of its own, whatever the lines around it.
_MASTHEAD_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"united nations",
        r"(?:general assembly|security council|economic and social council)",
        r"distr\.?:?\s*\w+",
        r"\d{1,2}\s+[a-z]+\s+\d{4}",
        r"original:\s*\w+",
        r"[\w-]+ (?:special )?session",
        r"(?:first|second|third|fourth|fifth|sixth) committee",
        r"agenda items?\s+.*",
    )
)
# The numbered title "77/36. Developments ...", and the end of a draft's sponsors' line: its title follows.
_NUMBERED_TITLE = re.compile(r"^\d{2,3}/\d+\.\s+\S")
_DRAFT_LINE_END = re.compile(r":\s+(?:revised )?draft (?:resolution|decision)$", re.IGNORECASE)
_CLOSING = re.compile(r"\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary meeting", re.IGNORECASE)
_DATE_LINE = re.compile(r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}")
_FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_START = re.compile(r"^(\d+)\s+(\S.*)$")
# The running head sits above the furniture line at the top of a page; it is never longer than this.
_MAX_HEAD_LINES = 8
# Without a chapeau or numbered paragraph to end it, a masthead is taken to be at most this long.
_MAX_MASTHEAD_LINES = 40
_SENTENCE_END = tuple(".:;,!?")
_CLOSING_QUOTES = '”"’)]'
_MAX_HEADING_CHARS = 300


@dataclass
class PageParagraph:
    """A paragraph, heading or footnote of one page, before page breaks are undone."""

    kind: BlockKind
    text: str
    page: int
    number: int | None = None
    level: int = 0
    indented: bool = False  # its first line is indented: a paragraph of its own, never a continuation


def is_official_text(text: str) -> bool:
    """Whether `text` opens with an official UN masthead: "United Nations", the document's symbol,
    "Distr.", and page 1's job number among those lines."""
    opening = "\n".join(_masthead_lines(text.split("\n")))
    return (
        "United Nations" in opening
        and bool(SYMBOL_PATTERN.search(opening))
        and bool(_DISTRIBUTION.search(opening))
        and bool(_MASTHEAD_JOB_NUMBER.search(opening))
    )


def split_text_pages(text: str) -> list[str]:
    """The pages of a `.txt` extract: each page after the first starts with its running head, the run of
    lines around its page number ("2/2") that are furniture, the symbol or lines of the masthead."""
    lines = text.split("\n")
    head_like = _head_matcher(lines)
    starts = [0]
    for index, line in enumerate(lines):
        if _PAGE_NUMBER_LINE.fullmatch(line) and index > starts[-1]:
            start = index
            while start > starts[-1] + 1 and index - start < _MAX_HEAD_LINES and head_like(lines[start - 1]):
                start -= 1
            starts.append(start)
    bounds = [*starts, len(lines)]
    return ["\n".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def official_blocks(pages: list[str]) -> list[Block]:
    """The blocks of an official document from its pages' text, each block with its page number."""
    masthead, first_body = _split_masthead(pages[0].split("\n"))
    per_page: list[list[PageParagraph]] = []
    next_footnote = 1
    for number, page in enumerate(pages, 1):
        lines = first_body if number == 1 else _without_head(page.split("\n"))
        lines = [line for line in lines if not _is_furniture(line)]
        body, foot = _split_at_rule(lines)
        paragraphs = _paragraphs(body, number)
        notes = _footnotes(foot, number, next_footnote)
        _link_markers(paragraphs, notes)
        next_footnote = max((n.number or 0 for n in notes), default=next_footnote - 1) + 1
        per_page.append(paragraphs + notes)
    _link_recitations(per_page)
    blocks = [Block(BlockKind.PARAGRAPH, text, page=1) for text in masthead]
    return blocks + [_as_heading(block) for block in join_pages(per_page)]


def join_pages(pages: list[list[PageParagraph]]) -> Iterator[Block]:
    """Blocks in reading order; a paragraph a page break cut is joined again, and that page's footnotes
    follow it."""
    open_paragraph: PageParagraph | None = None
    held_notes: list[PageParagraph] = []
    for paragraphs in pages:
        body = [p for p in paragraphs if p.kind is not BlockKind.FOOTNOTE]
        notes = [p for p in paragraphs if p.kind is BlockKind.FOOTNOTE]
        if open_paragraph is not None and body and _continues(open_paragraph, body[0]):
            open_paragraph.text = join_lines(open_paragraph.text, body.pop(0).text)
        if open_paragraph is not None:
            yield _block(open_paragraph)
            open_paragraph = None
        yield from (_block(note) for note in held_notes)
        held_notes = notes
        if body and body[-1].kind is BlockKind.PARAGRAPH:
            open_paragraph = body.pop()
        yield from (_block(p) for p in body)
    if open_paragraph is not None:
        yield _block(open_paragraph)
    yield from (_block(note) for note in held_notes)


def _continues(before: PageParagraph, following: PageParagraph) -> bool:
    """Whether the first paragraph of a page resumes the last one of the page before: it does not start
    a paragraph of its own, and the sentence before was left unfinished or it goes on in lower case."""
    text = without_marks(following.text)
    if (
        following.kind is not BlockKind.PARAGRAPH
        or not text
        or following.indented
        or PARAGRAPH_START.match(text)
    ):
        return False
    return not _finished(before.text) or text[:1].islower()


def _finished(text: str) -> bool:
    return without_marks(text).rstrip().rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)


def _block(paragraph: PageParagraph) -> Block:
    markers = tuple(dict.fromkeys(int(n) for n in MARK_PATTERN.findall(paragraph.text)))
    text = normalize_space(paragraph.text)
    return Block(
        paragraph.kind,
        text,
        level=paragraph.level,
        number=paragraph.number,
        markers=markers,
        page=paragraph.page,
    )


def _masthead_lines(lines: list[str]) -> list[str]:
    """The lines before the preamble's chapeau (or the first numbered paragraph), if a page holds one."""
    for index, line in enumerate(lines):
        if CHAPEAU.match(line.strip()) or _FIRST_PARAGRAPH.match(line.strip()):
            return lines[:index]
    return lines[:_MAX_MASTHEAD_LINES]


def _split_masthead(lines: list[str]) -> tuple[list[str], list[str]]:
    """The first page's masthead as block texts, and the lines of the body after it."""
    head = _masthead_lines(lines)
    if len(head) == len(lines):
        return [], lines
    texts: list[str] = []
    joinable = False  # whether the next part continues the last block
    title_next = False  # a draft's sponsors' line is done: the title starts with the next part
    title_open = False  # the title has begun: it runs to the chapeau, over blank lines
    for line in head:
        stripped = line.strip()
        if not stripped or _is_furniture(stripped):
            joinable = title_open
            continue
        for part in re.split(r"\s{2,}", stripped):
            alone = any(p.fullmatch(part) for p in _MASTHEAD_LINES)
            if joinable and (title_open or not alone):
                texts[-1] = join_lines(texts[-1], part, breaks_words=False)
            else:
                texts.append(part)
            if _DRAFT_LINE_END.search(part):
                joinable, title_next = False, True
            elif title_next or _NUMBERED_TITLE.match(texts[-1]):
                joinable, title_next, title_open = True, False, True
            else:
                joinable = not alone
    return texts, lines[len(head) :]


def _head_matcher(lines: list[str]) -> Callable[[str], bool]:
    """Whether a line can belong to a running head: blank, furniture, the symbol, or words of the masthead."""
    opening = _masthead_lines(lines)
    masthead = _key(" ".join(opening))
    symbol = next((m.group(0) for line in opening if (m := SYMBOL_PATTERN.search(line))), None)

    def head_like(line: str) -> bool:
        rest = _key(_FURNITURE.sub(" ", line.replace(symbol, " ") if symbol else line))
        return not rest or rest in masthead

    return head_like


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def _without_head(lines: list[str]) -> list[str]:
    """A page's lines below its running head: the head ends with the furniture line (job number, page
    number) near the top of the page."""
    non_blank = [i for i, line in enumerate(lines) if line.strip()][:_MAX_HEAD_LINES]
    furniture = [i for i in non_blank if _is_furniture(lines[i])]
    return lines[furniture[-1] + 1 :] if furniture else lines


def _is_furniture(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not _FURNITURE.sub("", stripped).strip()


def _split_at_rule(lines: list[str]) -> tuple[list[str], list[str]]:
    for index, line in enumerate(lines):
        if _FOOTNOTE_RULE.match(line):
            return lines[:index], lines[index + 1 :]
    return lines, []


def _paragraphs(lines: list[str], page: int) -> list[PageParagraph]:
    """Body lines as paragraphs: a blank line, an indented line (pypdf's paragraph indent), a numbered
    or lettered line and the closing meeting lines start a new one."""
    paragraphs: list[PageParagraph] = []
    joinable = False
    for line in lines:
        text = line.strip()
        if not text:
            joinable = False
            continue
        waiting = bool(paragraphs) and bool(_NUMBER_ALONE.fullmatch(paragraphs[-1].text))
        # The meeting's date completes the closing line, as one line does in the Markdown renditions.
        dated = bool(paragraphs) and bool(_CLOSING.fullmatch(paragraphs[-1].text)) and bool(_DATE_LINE.fullmatch(text))
        closing = bool(_CLOSING.fullmatch(text)) or dated
        starts = not joinable or line[:1].isspace() or bool(PARAGRAPH_START.match(text)) or closing
        if dated:
            paragraphs[-1].text = f"{paragraphs[-1].text} {text}"
        elif waiting or not starts:
            paragraphs[-1].text = join_lines(paragraphs[-1].text, text, breaks_words=False)
        else:
            paragraphs.append(PageParagraph(BlockKind.PARAGRAPH, text, page, indented=line[:1].isspace()))
        joinable = not closing
    return paragraphs


def _footnotes(lines: list[str], page: int, first_number: int) -> list[PageParagraph]:
    """The footnotes under the rule: each opens with the next number, its other lines continue it."""
    notes: list[PageParagraph] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        start = _FOOTNOTE_START.match(text)
        number = int(start.group(1)) if start else None
        expected = number is not None and (
            number == (notes[-1].number or 0) + 1 if notes else number >= first_number
        )
        if start and expected:
            notes.append(PageParagraph(BlockKind.FOOTNOTE, start.group(2), page, number=number))
        elif notes:
            notes[-1].text = join_lines(notes[-1].text, text, breaks_words=False)
        else:  # text under the rule before any numbered footnote: keep it, as body text
            notes.append(PageParagraph(BlockKind.PARAGRAPH, text, page))
    return notes


def _marker_patterns(number: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where footnote `number`'s marker can stand: glued to the text after a letter or closing
    punctuation ("Group,1", "ICTs3"; not after the "1." of "1.5") or after a year ("20124" is 2012 and
    4); else, set apart by a space ("the first 1 and", "Security, 1 and", "2013 3 and")."""
    digits = str(number)
    after_letter = r"(?:(?<=[^\W\d_])|(?<=[^\W\d_]\.))"
    after_year = r"(?<=(?<!\d)(?:19|20)\d\d)"
    after_punctuation = r"(?<=[,;:)\]”’\"])"
    glued = re.compile(rf"(?:{after_letter}|{after_punctuation}|{after_year}){digits}(?![\w/])")
    spaced = re.compile(rf"(?:(?<=[^\W\d_])|{after_punctuation}|{after_year}) {digits}(?=\s|$)(?!\s*[(/])")
    return glued, spaced


def _link_markers(paragraphs: list[PageParagraph], notes: list[PageParagraph]) -> None:
    """Put each footnote's sentinel where its marker stands in the page's body. Footnotes are numbered
    in reading order, so a glued marker is looked for after the one before; a spaced one, which plain
    numbers resemble, only between the markers found glued on either side of it."""
    numbers = [n.number for n in notes if n.kind is BlockKind.FOOTNOTE and n.number is not None]
    found: dict[int, tuple[int, int]] = {}  # footnote number -> (paragraph index, offset after its sentinel)
    position = (0, 0)
    for number in numbers:
        glued = _marker_patterns(number)[0]
        if hit := _find(paragraphs, glued, position):
            position = found[number] = (hit[0], _replace(paragraphs[hit[0]], hit[1], number))
            _link_all(paragraphs[hit[0] :], glued, number, position[1])
    for index, number in enumerate(numbers):
        if number in found:
            continue
        after = max((found[n] for n in numbers[:index] if n in found), default=(0, 0))
        before = min((found[n] for n in numbers[index + 1 :] if n in found), default=None)
        if hit := _find_between(paragraphs, _marker_patterns(number)[1], after, before):
            found[number] = (hit[0], _replace(paragraphs[hit[0]], hit[1], number))


def _find(
    paragraphs: list[PageParagraph], pattern: re.Pattern[str], position: tuple[int, int]
) -> tuple[int, re.Match[str]] | None:
    """The first match of `pattern` from `position` on."""
    return next(_matches(paragraphs, pattern, position), None)


def _find_between(
    paragraphs: list[PageParagraph],
    pattern: re.Pattern[str],
    after: tuple[int, int],
    before: tuple[int, int] | None,
) -> tuple[int, re.Match[str]] | None:
    """The match nearest to `before` (the next marker found), or the first after `after` without one."""
    if before is None:
        return _find(paragraphs, pattern, after)
    hits = [(i, m) for i, m in _matches(paragraphs, pattern, after) if (i, m.start()) < before]
    return hits[-1] if hits else None


def _matches(
    paragraphs: list[PageParagraph], pattern: re.Pattern[str], position: tuple[int, int]
) -> Iterator[tuple[int, re.Match[str]]]:
    """Matches of `pattern` from `position` on, outside document symbols ("A/C.1/80/L.20")."""
    start_index, offset = position
    for index in range(start_index, len(paragraphs)):
        text = paragraphs[index].text
        symbols = [m.span() for m in SYMBOL_PATTERN.finditer(text)]
        for match in pattern.finditer(text, offset if index == start_index else 0):
            if not any(a <= match.start() < b for a, b in symbols):
                yield index, match


def _replace(paragraph: PageParagraph, match: re.Match[str], number: int) -> int:
    """Put the sentinel in place of the marker; return the offset just after it."""
    sentinel = mark(number)
    paragraph.text = paragraph.text[: match.start()] + sentinel + paragraph.text[match.end() :]
    return match.start() + len(sentinel)


def _link_all(paragraphs: list[PageParagraph], pattern: re.Pattern[str], number: int, offset: int) -> None:
    """Later citations of the same footnote ("its 2015 report,2 ... and 20152 reports")."""
    position = (0, offset)
    while found := _find(paragraphs, pattern, position):
        index, match = found
        position = (index, _replace(paragraphs[index], match, number))


def _link_recitations(pages: list[list[PageParagraph]]) -> None:
    """A footnote cited again on a later page keeps its marker there ("the Group of Governmental Experts,1")."""
    defined: list[int] = []
    for paragraphs in pages:
        body = [p for p in paragraphs if p.kind is not BlockKind.FOOTNOTE]
        for number in defined:
            _link_all(body, _marker_patterns(number)[0], number, 0)
        defined += [p.number for p in paragraphs if p.kind is BlockKind.FOOTNOTE and p.number is not None]


def _as_heading(block: Block) -> Block:
    """A short paragraph that ends no sentence ("Article 17", "Chapter I") is a heading; the closing
    meeting lines are not."""
    text = without_marks(block.text)
    is_heading = (
        block.kind is BlockKind.PARAGRAPH
        and len(text) <= _MAX_HEADING_CHARS
        and not _finished(text)
        and not PARAGRAPH_START.match(text)
        and not _CLOSING.match(text)
        and not _DATE_LINE.fullmatch(text)
        and not text[:1].islower()
    )
    return replace(block, kind=BlockKind.HEADING, level=2) if is_heading else block
