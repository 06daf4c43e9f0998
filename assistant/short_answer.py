"""The short answer: the span of the quoted answer that a "how many", "which States", "which resolution"
or "when" question asks for (a number, the States, a symbol, a date), shown before the cited sentences.

The span is always an exact substring of a quoted sentence, so that it can be highlighted where it
stands; it is "" when the question asks for no such span or the sentences hold none. A "who" question
gets none: a role or a person's name has no shape a pattern can tell from the words around it.

>>> from assistant.query import analyse
>>> from types import SimpleNamespace as Quoted
>>> short_answer(analyse("When was the example resolution adopted?"),
...              [Quoted(text="It was adopted on 8 December 2099 without a vote.", passages=())])
'8 December 2099'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.query import NUMBER, SYMBOL, Query, count_of, symbol_of
from core.models import Passage
from core.text import folded
from core.vocabulary import MEMBER_STATE, MONTHS

Span = tuple[int, int]

_MONTH = "(?:" + "|".join(MONTHS) + ")"
_YEAR = r"(?:1[89]|2[01])\d\d"
_DAY_MONTH = rf"\d{{1,2}}\s+{_MONTH}"
# Two days joined by "to" or a dash are one period, the first sharing the second's month and year.
_TO = r"\s*(?:to|[-–])\s*"
DATE = re.compile(
    # A day or a period of days, day first as UN documents write it: "8 December 2025", "30 April" (a day
    # every year), "12 to 23 July 2027", "30 November to 4 December 2026".
    rf"\b(?:\d{{1,2}}{_TO})?{_DAY_MONTH}(?:,?\s+{_YEAR})?(?:{_TO}{_DAY_MONTH}(?:,?\s+{_YEAR})?)?\b"
    # The month first, as other English texts write it: "December 8, 2025".
    rf"|\b{_MONTH}\s+\d{{1,2}},\s+{_YEAR}\b"
    # A month of a year: "March 2026".
    rf"|\b{_MONTH}\s+{_YEAR}\b"
    # A year alone tells a time only as the object of a preposition of time ("in 2031", "by 2027", "from
    # 2021 to 2025"); before a noun ("the 2025 report", "the 2021–2025 OEWG") it names a thing.
    r"|(?:(?<=\bin )|(?<=\bby )|(?<=\bsince )|(?<=\buntil )|(?<=\bfrom )|(?<=\bbefore )|(?<=\bafter )"
    rf"|(?<=\bduring )){_YEAR}(?:{_TO}{_YEAR})?\b",
    re.IGNORECASE,
)
# The interrogative itself asks for a time: "when", "until when", "on what date", "in which year". The
# query's `asks_date` is wider (a question that mentions an adoption: retrieval then wants the masthead),
# but "At which plenary meeting was it adopted?" asks for a meeting, not for the date beside it.
_ASKS_FOR_TIME = re.compile(r"\bwhen\b|\b(?:what|which)\s+(?:date|day|year|month)\b", re.IGNORECASE)
# What stands between the names of one list of States: commas, semicolons, "and" or "or", and an aside in
# brackets to the name before it ("Chile (session 2); Fiji"). Any other word starts another clause, whose
# States are not those of the first ("Chile proposed it, which Fiji opposed").
_LIST_GAP = re.compile(r"(?:\s*\([^()]{0,80}\))?\s*(?:[,;]\s*)?(?:(?:and|or)\s+)?")


class Quoted(Protocol):
    """A quoted sentence and the passages it comes from (assistant.answer.AnswerSentence)."""

    @property
    def text(self) -> str: ...

    @property
    def passages(self) -> tuple[Passage, ...]: ...


def short_answer(query: Query, sentences: Sequence[Quoted]) -> str:
    """The span of the first answer sentence (or of the footnotes quoted after it) that answers the
    question, "" when none fits.

    The question's kinds are tried in order, and the first that finds its span gives it: "how many" the
    number that counts what it asks about, else the first number; "which States" (a question naming no
    State itself) the list of States named; "which resolution" a symbol the question does not name
    itself; "when" a date.
    """
    texts = [s.text for s in _first_with_footnotes(sentences)]
    kinds: list[Callable[[Query, str], Span | None]] = []
    if query.asks_count:
        kinds.append(_count)
    if query.asks_attribution and not query.states:  # naming the State, it asks what it did, not which
        kinds.append(_states)
    if query.asks_source:
        kinds.append(_symbol)
    if _ASKS_FOR_TIME.search(query.text):
        kinds.append(_date)
    for kind in kinds:
        for text in texts:
            span = kind(query, text)
            if span:
                return text[span[0]:span[1]]
    return ""


def _first_with_footnotes(sentences: Sequence[Quoted]) -> list[Quoted]:
    """The first sentence and the footnotes quoted right after it (those its markers point to)."""
    if not sentences:
        return []
    notes = []
    for sentence in sentences[1:]:
        if not all(p.is_footnote for p in sentence.passages):
            break
        notes.append(sentence)
    return [sentences[0], *notes]


def _count(query: Query, text: str) -> Span | None:
    """The number before what the question counts ("21 members" for "how many members"), else the first
    number; never one of a date ("8 December")."""
    dates = [m.span() for m in DATE.finditer(text)]
    numbers = [m.span() for m in NUMBER.finditer(text) if not _within(m.span(), dates)]
    if query.counted:
        for counted in count_of(query.counted).finditer(text):
            number = NUMBER.match(text, counted.start())
            if number and number.span() in numbers:
                return number.span()
    return numbers[0] if numbers else None


def _states(query: Query, text: str) -> Span | None:
    """The first list of States the text names, from its first name to its last."""
    names = list(MEMBER_STATE.finditer(text))
    if not names:
        return None
    start, end = names[0].span()
    for name in names[1:]:
        if not _LIST_GAP.fullmatch(text, end, name.start()):
            break
        end = name.end()
    return start, end


def _symbol(query: Query, text: str) -> Span | None:
    """The first document symbol of the text that the question does not name itself; none in the sentence
    holding wording the question quotes ("where does ... appear?"): that sentence's own document says it,
    not one it mentions (a footnote after it may still give the source)."""
    if query.phrase and folded(query.phrase) in folded(text):
        return None
    for match in SYMBOL.finditer(text):
        symbol, number = symbol_of(match)
        if symbol not in query.symbols and number not in query.session_numbers:
            return match.span()
    return None


def _date(query: Query, text: str) -> Span | None:
    found = DATE.search(text)
    return found.span() if found else None


def _within(span: Span, spans: list[Span]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)
