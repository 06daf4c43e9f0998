"""A UN document's masthead, read from its own text: the same reading for PDFs, raw text extracts and
Markdown, since all of them carry the masthead lines the official PDF prints.

The masthead names the document itself ("United Nations  A/RES/77/36", "77/36. Developments in ...",
"Resolution adopted by the General Assembly on 7 December 2022"); the symbols it cites (the committee
report "[on the report of the First Committee (A/77/380, para. 11)]") are kept apart from its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date

from core.marks import without_marks
from core.models import Block, BlockKind
from core.symbols import SYMBOL_PATTERN
from core.vocabulary import MONTHS

_MONTHS = [month.lower() for month in MONTHS]
DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# Text layers of PDFs split a symbol at its slashes ("A /RES/78/16"); the symbol is the same.
_SPACED_SLASH = re.compile(r"(?<=\b[A-Z])\s+/\s*(?=[A-Z0-9])|(?<=/[A-Z]{3})\s+/\s*(?=\d)")
# What may stand beside a document's own symbol on its masthead line.
_MASTHEAD_LINE = re.compile(
    r"(?:\s|United Nations|General Assembly|Security Council|Economic and Social Council"
    r"|Distr\.?:?\s*\w+|Original:\s*\w+|\d{1,2}\s+[A-Za-z]+\s+\d{4})*",
    re.IGNORECASE,
)
# The landmarks of a masthead, in the order UN documents print them.
_DISTRIBUTION = re.compile(r"Distr\.?:?\s*(General|Limited|Restricted)\b\s*(?:(\d{1,2}\s+[A-Za-z]+\s+\d{4}))?", re.I)
_ADOPTED = re.compile(
    r"\b(Resolution|Decision) adopted by the (General Assembly|Security Council)\s+on\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4})",
    re.I,
)
_SESSION = re.compile(r"\b([A-Z][a-z]+(?:-[a-z]+)?) (?:special |emergency special )?session\b")
_AGENDA = re.compile(r"\bAgenda items?\s+(\d+(?:\s*\([a-z]{1,3}\))?)\s*(.*)$", re.I | re.S)
_COMMITTEE_REPORT = re.compile(r"\[on the report of the ([A-Z][a-z]+(?: [A-Z][a-z]+)*) Committee \(([^,)\]]+)")
_DRAFT = re.compile(r"^(.+?):\s+(?:revised )?draft (resolution|decision)\b", re.I | re.S)
_COMMITTEE = re.compile(r"\b(First|Second|Third|Fourth|Fifth|Sixth) Committee\b")
_NUMBERED_TITLE = re.compile(r"^(\d{2,3})/(\d+)\.\s+(\S.*)$", re.S)
# "The General Assembly," opens the preamble: the masthead ends there.
CHAPEAU = re.compile(
    r"^The (?:General Assembly|Security Council|Economic and Social Council|Human Rights Council),?$"
)
_PLENARY = re.compile(r"\b(\d+)(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary meeting\b", re.I)
# Where the opening stops: the preamble's chapeau, or a first numbered paragraph for documents without one.
_BODY_START = re.compile(r"^\d+\.\s+\S")
# Mastheads are short; a document whose first blocks hold no landmark within this many has none.
_MAX_MASTHEAD_BLOCKS = 40
# The plenary meeting closes a resolution; footnotes and annexes may follow it.
_CLOSING_BLOCKS = 200

_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEENS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_TENS_ORDINAL = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


@dataclass(frozen=True)
class Masthead:
    """What a document's masthead says of it; None where the masthead does not say."""

    symbol: str | None = None
    kind: str | None = None  # "resolution", "decision", "draft resolution", "draft decision", "report"
    title: str | None = None
    adopted: str | None = None
    distributed: str | None = None
    distribution: str | None = None  # General, Limited, Restricted
    session: str | None = None
    agenda_item: str | None = None
    agenda_title: str | None = None
    committee: str | None = None
    committee_report: str | None = None
    meeting: str | None = None
    sponsors: tuple[str, ...] = ()

    @property
    def doc_type(self) -> str | None:
        """The interface's document type for the masthead's kind."""
        if not self.kind:
            return None
        return "draft" if self.kind.startswith("draft") else self.kind

    @property
    def date(self) -> str | None:
        """A document's date: its adoption date, else (a draft, a report) its distribution date."""
        return self.adopted or self.distributed



def read_masthead(blocks: Sequence[Block]) -> Masthead:
    """Read the masthead from a document's blocks (the opening ones, and the closing meeting line)."""
    opening = _opening(blocks)
    texts = [_unspaced_symbols(text) for text in opening]
    joined = " ".join(texts)
    distribution = _DISTRIBUTION.search(joined)
    adopted = _ADOPTED.search(joined)
    draft = _draft_line(texts)
    numbered = _numbered_title(texts)
    report = _COMMITTEE_REPORT.search(joined)
    kind = _kind(adopted, draft, numbered)
    symbol = _own_symbol(texts, joined, numbered, kind)
    if kind is None and symbol and re.fullmatch(r"A/\d{2,3}/\d+.*", symbol):
        kind = "report"
    agenda_item, agenda_title = _agenda(texts)
    committee = (report.group(1) + " Committee") if report else None
    if draft is not None and (named := _COMMITTEE.search(joined)):
        committee = named.group(0)
    return Masthead(
        symbol=symbol,
        kind=kind,
        title=_title(texts, numbered, draft),
        adopted=iso_date(adopted.group(3)) if adopted else None,
        distributed=iso_date(distribution.group(2)) if distribution and distribution.group(2) else None,
        distribution=distribution.group(1).capitalize() if distribution else None,
        session=_session(joined),
        agenda_item=agenda_item,
        agenda_title=agenda_title,
        committee=committee,
        committee_report=report.group(2).strip() if report else None,
        meeting=_meeting(blocks),
        sponsors=_sponsors(texts[draft]) if draft is not None else (),
    )


def iso_date(value: str | None) -> str | None:
    """An ISO date (or year, year-month) from ISO text or from `5 December 2025`; None when there is none."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    if re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return value[:10]
    match = DATE_TEXT.search(value)
    if not match:
        return None
    day, month, year = int(match.group(1)), _MONTHS.index(match.group(2).lower()) + 1, int(match.group(3))
    try:
        return Date(year, month, day).isoformat()
    except ValueError:
        return None


def ordinal_number(words: str) -> int | None:
    """The number an English ordinal spells: "Seventy-seventh" -> 77, "Eightieth" -> 80."""
    parts = words.lower().replace(" ", "-").split("-")
    if len(parts) == 1:
        word = parts[0]
        for table, base in ((_UNITS, 1), (_TEENS, 10), (_TENS_ORDINAL, 20)):
            if word in table:
                return base + table.index(word) * (10 if table is _TENS_ORDINAL else 1)
        return None
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return 20 + _TENS.index(parts[0]) * 10 + _UNITS.index(parts[1]) + 1
    return None


def _opening(blocks: Sequence[Block]) -> list[str]:
    """The texts of the blocks before the preamble's chapeau (or the first numbered paragraph)."""
    texts: list[str] = []
    for block in blocks[:_MAX_MASTHEAD_BLOCKS]:
        if block.kind is BlockKind.FOOTNOTE:
            continue
        text = without_marks(block.text).strip()
        if CHAPEAU.match(text) or _BODY_START.match(text):
            break
        texts.append(text)
    return texts


def _unspaced_symbols(text: str) -> str:
    return _SPACED_SLASH.sub("/", text)


def _own_symbol(texts: list[str], joined: str, numbered: int | None, kind: str | None) -> str | None:
    """The symbol on a masthead line of its own ("United Nations  A/RES/78/16"); a symbol in running text
    or in brackets is one the document cites. Else the one a resolution's number implies ("80/16." ->
    A/RES/80/16)."""
    for text in texts:
        found = SYMBOL_PATTERN.search(text)
        if found and _MASTHEAD_LINE.fullmatch(text[: found.start()] + text[found.end() :]):
            return found.group(0)
    return None if numbered is None or kind != "resolution" else _implied_symbol(joined)


def _implied_symbol(joined: str) -> str | None:
    match = re.search(r"(?:^|\s)(\d{2,3})/(\d+)\.\s", joined)
    return f"A/RES/{match.group(1)}/{match.group(2)}" if match else None


def _draft_line(texts: list[str]) -> int | None:
    return next((i for i, text in enumerate(texts) if _DRAFT.match(text) and len(text) < 600), None)


def _numbered_title(texts: list[str]) -> int | None:
    return next((i for i, text in enumerate(texts) if _NUMBERED_TITLE.match(text)), None)


def _kind(adopted: re.Match[str] | None, draft: int | None, numbered: int | None) -> str | None:
    if adopted:
        return adopted.group(1).lower()
    if draft is not None:
        return "draft resolution"
    return "resolution" if numbered is not None else None


def _title(texts: list[str], numbered: int | None, draft: int | None) -> str | None:
    """The "77/36. Developments in ..." line with the lines that continue it; for a draft, what follows the
    sponsors' line."""
    if numbered is not None:
        first = _NUMBERED_TITLE.match(texts[numbered])
        assert first is not None
        lines = [first.group(3), *texts[numbered + 1 :]]
    elif draft is not None:
        after = _DRAFT.match(texts[draft])
        assert after is not None
        rest = texts[draft][after.end() :].strip()
        lines = [rest, *texts[draft + 1 :]] if rest else texts[draft + 1 :]
    else:
        return None
    title = re.sub(r"\s+", " ", " ".join(line for line in lines if line)).strip()
    return re.sub(r"\s*[:;,]\s*$", "", title) or None


def _agenda(texts: list[str]) -> tuple[str | None, str | None]:
    """The agenda item's number and title: the title runs from the number to the next landmark."""
    for index, text in enumerate(texts):
        match = _AGENDA.search(text)
        if not match:
            continue
        item = re.sub(r"\s+", " ", match.group(1))
        parts = [match.group(2).strip()]
        for following in texts[index + 1 :]:
            if _is_landmark(following):
                break
            parts.append(following)
        title = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
        title = _ADOPTED_TAIL.split(title)[0].strip()
        return item, title or None
    return None, None


_ADOPTED_TAIL = re.compile(r"\s*\b(?:Resolution|Decision) adopted by\b|\s*\[on the report|\s*\[without reference")


def _is_landmark(text: str) -> bool:
    return bool(
        _ADOPTED.search(text) or text.startswith("[") or _DRAFT.match(text) or _NUMBERED_TITLE.match(text)
        or _DISTRIBUTION.search(text) or text.lower() in {"united nations", "general assembly"}
    )


def _session(joined: str) -> str | None:
    for match in _SESSION.finditer(joined):
        if (number := ordinal_number(match.group(1))) is not None:
            return str(number)
    return None


def _meeting(blocks: Sequence[Block]) -> str | None:
    for block in blocks[:_CLOSING_BLOCKS]:
        text = without_marks(block.text)
        if block.kind is not BlockKind.FOOTNOTE and (match := _PLENARY.search(text)) and len(text) < 120:
            return match.group(0)
    return None


def _sponsors(line: str) -> tuple[str, ...]:
    """"Albania, Australia and Canada: draft resolution" -> the three States."""
    match = _DRAFT.match(line)
    assert match is not None
    names = re.split(r",\s*|\s+and\s+", match.group(1).strip())
    return tuple(name.strip() for name in names if name.strip())
