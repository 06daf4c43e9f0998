"""What a question says about itself: the documents, paragraphs and wording it names, its acronyms spelled
out, and what kind of answer it wants."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from core.acronyms import acronyms_in, uses_of
from core.errors import QuestionError
from core.symbols import SYMBOL_PATTERN
from core.vocabulary import ACRONYMS, expansions, spell_out, states_named
from index.lexical import terms

# Longer than a page of text is a pasted document, not a question; the answerer would cite at random.
MAX_QUESTION_CHARS = 2000
# Whole terminal escape sequences, so that pasted output leaves nothing of them: colours and cursor moves
# (CSI, "\x1b[31m"), operating-system commands such as a window title (OSC, "\x1b]0;title\x07"), and the
# two-character escapes; in their 7-bit and 8-bit forms.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|(?:\x1b\[|\x9b)[0-9;?]*[ -/]*[@-~]|\x1b[ -~]?"
)

# A symbol as questions and passages write it: in full as the documents do ("A/RES/80/16", "A/80/257",
# the committee draft "A/C.1/80/L.20", "A/AC.292/2025/INF/5/Rev.1"; any case), or by session and number
# ("resolution 80/16", "decision 79/512", "80/16").
SYMBOL = re.compile(
    rf"(?P<symbol>{SYMBOL_PATTERN.pattern})(?![\w/])"
    r"|\b(?:resolutions?|res\.?|decision)\s+(?P<session>\d{2,3})/(?P<number>\d{1,4})\b"
    r"|\b(?P<bare_session>\d{2})/(?P<bare_number>\d{1,3})\b",
    re.IGNORECASE,
)
# The session and number of a symbol of the Assembly's resolutions or documents ("A/RES/80/16", "A/80/257").
_NUMBERED = re.compile(r"A/(?:RES/)?(\d{2,3})/(\d+)", re.IGNORECASE)
# The parts of a symbol written with a capital only: "Rev.1", "Add.2", "Corr.1".
_AMENDMENT = re.compile(r"(rev|add|corr)\.", re.IGNORECASE)
# A scope a question states for all it asks: "according to CircleID", "according to resolution 80/28",
# "according to A/C.1/80/L.20" (a symbol as SYMBOL reads it, else a name in capitals).
_SCOPE = re.compile(rf"\baccording to (?:(?i:{SYMBOL.pattern})|[A-Z][\w-]*(?: [A-Z][\w-]*)*)")
# Third-person pronouns, by which a question's second part points back at its first's subject.
_BACK_REFERENCE = re.compile(r"\b(it|its|they|their|them|this|these|those)\b", re.IGNORECASE)
# A part with no more index terms than this says too little to search on its own ("at which meeting").
MIN_PART_TERMS = 3
_PARAGRAPH = re.compile(
    r"\b(?:(annex\s+(?:[IVXLC]+|[A-Z]))[,\s]+)?(?:operative\s+)?(?:paragraph|para\.?)\s+(\d{1,3})(?:\s*\(?([a-z])\)?)?\b",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(r"\bpreamb(?:le|ular)\b", re.IGNORECASE)
# A treaty's article, as its annexed text is cited ("article 41": "annex, art. 41, para. 1").
_ARTICLE = re.compile(r"\barticle\s+(\d{1,3})\b", re.IGNORECASE)
# Who took a position: "which States ...", or "who" with a verb of stance or speech (support, opposition,
# proposal, argument), or a vote or sponsorship; the footnotes listing States answer it. "Who" alone
# ("who chaired") asks for an actor, which the text itself names.
_ATTRIBUTION = re.compile(
    r"\b(which (states?|country|countries|delegations?|member states?|groups?|governments?)|whose|"
    r"who (supported|favou?red|opposed|proposed|backed|called|tabled|sponsored|argued|preferred|advocated|"
    r"objected|emphasi[sz]ed|raised|resisted|expressed|suggested)|"
    r"(supported|favou?red|opposed|proposed|tabled|sponsored) by|vote[sd]?|voting|sponsors?)\b",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\bhow (many|much)\b|\bwhat (number|percentage|share) of\b", re.IGNORECASE)
# "What are the two DTGs?", "How many ...?": the answer is an enumeration, which documents set out as lists.
_ENUMERATION = re.compile(
    r"\bhow many\b|\b(what|which) (are|were) the (\w+ of the )?(two|three|four|five|six|\d+)\b|\b(list|name) the\b",
    re.IGNORECASE,
)
# Who did something: only a sentence naming that act or role ("chaired") says who.
_ACTOR = re.compile(r"\s*(who|whom|whose)\b", re.IGNORECASE)
# Which document says something: the source footnote of the sentence that says it answers.
# The document asked for is the noun "which" determines ("which General Assembly resolution", "which
# Committee's report"), not any later one: in "which States voted against resolution 77/37" the
# resolution is named, and in "to which Committee will it report" "report" is a verb.
_SOURCE = re.compile(
    r"\bwhich\s+(?:[\w'’.-]+\s+){0,2}?(?:resolution|decision|report|document|annex)s?\b|\bsymbol\b"
    r"|\bwhere\b[^?]*\b(found|appears?|come from)\b",
    re.IGNORECASE,
)
# "Where ...?", "in which city ...?" ask for a place; "where does this wording appear?" asks for documents
# (`Query.asks_place` leaves out questions quoting or naming wording).
_ASKS_FOR_PLACE = re.compile(
    r"^\s*where\b|\b(?:and|,)\s+where\b|\b(?:which|what)\s+(?:city|venue|place|capital)\b|\bin which (?:city|country)\b",
    re.IGNORECASE,
)
# Two questions coordinated in one: ", and" then a new interrogative ("..., and at which meeting?",
# "... and how many members ...?"). English coordinates questions this way; a plain "and" inside one
# question ("the OEWG and the GGE") is not followed by an interrogative.
_SECOND_QUESTION = re.compile(
    r",?\s+and\s+(?=(?:(?:at|on|in|to|under|from|for|by|with)\s+)?(?:which|what|when|where|who|whom|whose|how)\b)",
    re.IGNORECASE,
)
# Fewer words than this is a fragment ("by which resolution"), not a question of its own.
MIN_PART_WORDS = 4
_LEADING_INTERROGATIVE = re.compile(
    r"^\s*(?:(?:at|on|in|to|under|from|for|by|with)\s+)?(?:which|what|when|where|who|whom|whose|how(?:\s+(?:many|much|often|long))?)\b\s*",
    re.IGNORECASE,
)
# A count: a number that is not a year (2031) or part of a symbol (73/27), or a number word.
NUMBER = re.compile(
    r"(?<![\d/])(?!(?:19|20)\d\d\b)\d+(?![\d/])|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|dozens?|single|both)\b",
    re.IGNORECASE,
)
# "How many members ...": the words after "how many" name what is counted.
_COUNTED = re.compile(r"\bhow many\s+((?:[\w'’-]+\s*){1,3})", re.IGNORECASE)
# A time asked for ("when", "on what date"), or a document's adoption, which its masthead dates and places
# ("adopted by the General Assembly on ...", "52nd plenary meeting"): retrieval then wants that masthead.
_WHEN = re.compile(r"\b(when|what date|which date|adopted|adoption)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{6,200})[\"“”»]")
# The nouns by which a question names wording as wording ("the phrase ...", "the mandate language ...").
WORDING_NOUNS = ("phrase", "phrases", "wording", "expression", "expressions", "language", "formulation", "words")
_NAMED_WORDING = re.compile(
    rf"\b(?:{'|'.join(WORDING_NOUNS)})\s+(?:of\s+)?['‘]?(.{6,200}?)['’]?\s+"
    r"(?:first\s+)?(?:appear|appears|appeared|used|come|comes|occur|occurs|found|originate)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Query:
    """A question and what was read off it for retrieval."""

    text: str
    expanded: str  # for BM25: the text, then the other spelling of each acronym
    dense: str  # for the embedding model: acronyms spelled out in place, as in the indexed passages
    symbols: tuple[str, ...]
    session_numbers: tuple[str, ...]
    locators: tuple[str, ...]  # paragraphs named, as our locators write them: "para. 2", "Annex I, para. 7"
    phrase: str | None  # exact wording the question quotes or names
    asks_attribution: bool
    asks_date: bool
    asks_count: bool = False
    asks_enumeration: bool = False
    asks_actor: bool = False  # "who ...?"
    asks_source: bool = False  # "which resolution ...?", "where is this wording found?"
    asks_place: bool = False  # "where ...?", "in which city ...?" (not where wording appears)
    states: frozenset[str] = frozenset()  # Member States the question names
    counted: tuple[str, ...] = ()  # stems of the words a "how many" question counts
    long_forms: tuple[tuple[str, str], ...] = ()  # (acronym, the corpus's name for it) beyond core/vocabulary

    @property
    def asks_where_wording_appears(self) -> bool:
        """"Where does ... appear?", "which resolution says ...?" with wording quoted or named: the
        documents holding it answer."""
        return bool(self.phrase) and self.asks_source

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The expanded text's index terms, tokenised once for every lexical search of the question."""
        return tuple(terms(self.expanded))

    def with_long_forms(self, long_form: Callable[[str], str | None]) -> Query:
        """The query with each acronym our vocabulary does not know followed by the name the corpus
        abbreviates to it (`long_form`, e.g. SearchIndex.long_form), on both the lexical and dense side."""
        found = [(a, name) for a in acronyms_in(self.text) if a not in ACRONYMS for name in [long_form(a)] if name]
        if not found:
            return self
        dense = self.dense
        for acronym, name in found:
            dense = uses_of(acronym).sub(lambda m, name=name: f"{m.group(0)} ({name})", dense, count=1)
        expanded = " ".join([self.expanded, *(name for _, name in found)])
        return replace(self, expanded=expanded, dense=dense, long_forms=tuple(found))

    def names_locator(self, locator: str) -> bool:
        """Whether the question names this locator, or the paragraph this sub-paragraph belongs to, or
        (for an article) the article this paragraph is of."""
        return any(
            locator == named or locator.startswith(f"{named}(") or (named.startswith("art.") and _part_of(named, locator))
            for named in self.locators
        )

    def gives_count(self, text: str) -> bool:
        """Whether the text puts a number before what the question counts ("21 members", "two groups")."""
        return bool(self.counted) and bool(count_of(self.counted).search(text))


def clean_question(text: str) -> str:
    """The question as searched: NFKC-normalised (full-width and compatibility forms as plain letters),
    terminal escape sequences and control characters become spaces, invisible format characters (bidi
    overrides, zero-width spaces and joiners, Unicode category Cf) are dropped, blanks collapse; empty and
    overlong questions are refused with the reason.

    >>> clean_question("  What is\\x00 a DTG?\\n")
    'What is a DTG?'
    """
    text = _ESCAPE_SEQUENCE.sub(" ", unicodedata.normalize("NFKC", text))
    visible = (" " if unicodedata.category(c) == "Cc" else c for c in text if unicodedata.category(c) != "Cf")
    cleaned = " ".join("".join(visible).split())
    if not cleaned:
        raise QuestionError("the question is empty: ask about the documents, e.g. What are the two DTGs?")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}: "
            "ask about one thing at a time"
        )
    return cleaned


def terminal_safe(text: str) -> str:
    """Document text fit to print on a terminal: every control character but newline and tab, and every
    invisible format character (bidi overrides), becomes U+FFFD, so that an escape sequence planted in a
    document shows as text instead of clearing the screen or retitling the window. One character for one,
    so offsets into the text (highlighted matches) still hold.

    >>> terminal_safe("Agreed.\\x1b]0;PWNED\\x07")
    'Agreed.\ufffd]0;PWNED\ufffd'
    """
    return "".join(
        "\ufffd" if (category == "Cc" and c not in "\n\t") or category == "Cf" else c
        for c in text
        for category in (unicodedata.category(c),)
    )


def analyse(text: str) -> Query:
    """Read the symbols, paragraphs, wording, acronyms and kind of question off a query.

    >>> q = analyse("When was resolution 80/16 adopted and what do DTGs do?")
    >>> q.symbols, q.session_numbers, q.asks_date
    (('A/RES/80/16',), ('80/16',), True)
    >>> "dedicated thematic groups" in q.expanded
    True
    >>> analyse("What does annex C, paragraph 12(a) of A/79/214 say?").locators
    ('Annex C, para. 12(a)',)
    >>> analyse('Where does "a voice, not a vote" appear first?').phrase
    'a voice, not a vote'
    """
    symbols: list[str] = []
    numbers: list[str] = []
    for match in SYMBOL.finditer(text):
        symbol, number = symbol_of(match)
        symbols.append(symbol)
        if number:
            numbers.append(number)
    phrase = _phrase(text)
    return Query(
        text=text,
        expanded=expand_acronyms(text),
        dense=spell_out(text),
        symbols=tuple(dict.fromkeys(symbols)),
        session_numbers=tuple(dict.fromkeys(numbers)),
        locators=locators_in(text),
        phrase=phrase,
        asks_attribution=bool(_ATTRIBUTION.search(text)),
        asks_date=bool(_WHEN.search(text)),
        asks_count=bool(_COUNT.search(text)),
        asks_enumeration=bool(_ENUMERATION.search(text)),
        asks_actor=bool(_ACTOR.match(text)),
        asks_source=bool(_SOURCE.search(text)),
        asks_place=bool(_ASKS_FOR_PLACE.search(text)) and not phrase,
        states=frozenset(states_named(text)),
        counted=_counted(text),
    )


def symbol_of(match: re.Match[str]) -> tuple[str, str]:
    """The symbol a SYMBOL match names, with its session/number: ("A/RES/80/16", "80/16") for
    "resolution 80/16" or "80/16"; a symbol written out keeps its prefix ("A/80/257", "80/257"), and one
    that is not numbered by session has no number ("A/C.1/80/L.20", "")."""
    if written := match.group("symbol"):
        symbol = _AMENDMENT.sub(lambda m: f"{m.group(1).title()}.", written.upper())
        numbered = _NUMBERED.match(symbol)
        return symbol, f"{numbered.group(1)}/{numbered.group(2)}" if numbered else ""
    session = match.group("session") or match.group("bare_session")
    number = match.group("number") or match.group("bare_number")
    return f"A/RES/{session}/{number}", f"{session}/{number}"


def expand_acronyms(text: str) -> str:
    """The text followed by the spelled-out form of each acronym in it, and the acronym of each spelled form."""
    return " ".join([text, *expansions(text)])


def locators_in(text: str) -> tuple[str, ...]:
    """The paragraphs, articles and preamble a question (or any text) names, as our locators write them. A
    paragraph named with the one article it is of is that article's ("paragraph 2 of article 41": "art. 41,
    para. 2")."""
    found = []
    for match in _PARAGRAPH.finditer(text):
        annex, number, letter = match.groups()
        where = f"{annex.title().replace('Annex ', 'Annex ').rstrip()}, " if annex else ""
        where = re.sub(r"Annex (\w+)", lambda m: f"Annex {m.group(1).upper()}", where)
        found.append(f"{where}para. {number}{f'({letter.lower()})' if letter else ''}")
    articles = [f"art. {number}" for number in dict.fromkeys(_ARTICLE.findall(text))]
    if len(articles) == 1 and found:
        found = [f"{articles[0]}, {paragraph}" for paragraph in found]
    else:
        found += articles
    if _PREAMBLE.search(text):
        found.append("preamble")
    return tuple(dict.fromkeys(found))


def _part_of(named: str, locator: str) -> bool:
    """Whether a named article (and paragraph) is a part of a locator: "art. 41" of "annex, art. 41, para. 1"."""
    return bool(re.search(rf"(?:^|, ){re.escape(named)}(?:$|[,(])", locator))


@lru_cache(maxsize=64)
def count_of(stems: tuple[str, ...]) -> re.Pattern[str]:
    """A number, then up to two words, then one of the stems: compiled once per question, not per passage."""
    counted = "|".join(re.escape(stem) for stem in stems)
    return re.compile(rf"(?:{NUMBER.pattern})\s+(?:[\w-]+\s+){{0,2}}?(?:{counted})", re.IGNORECASE)


def _counted(text: str) -> tuple[str, ...]:
    """The stems of what "how many" counts, with those of its acronym or spelled-out form: a question about
    "dedicated thematic groups" is answered by "two initial DTGs" too."""
    match = _COUNTED.search(text)
    return tuple(dict.fromkeys(terms(expand_acronyms(match.group(1))))) if match else ()


def _phrase(text: str) -> str | None:
    quoted = _QUOTED.search(text)
    if quoted:
        return quoted.group(1).strip(" ,.")
    named = _NAMED_WORDING.search(text)
    return named.group(1).strip(" ,.\"“”") if named else None


def question_parts(text: str) -> list[str]:
    """The questions a question coordinates ("When was X adopted, and at which meeting?"), each searchable
    on its own. A later part that leans on the first carries what it leans on (`_antecedent`): the
    documents the first part names when it refers back with a pronoun, else the first part's words after
    its interrogative (it says too little to search: "at which plenary meeting"). A scope stated once
    ("according to resolution 80/28") applies to every part.

    >>> question_parts("When was resolution 73/27 adopted, and at which plenary meeting?")
    ['When was resolution 73/27 adopted?', 'at which plenary meeting? was resolution 73/27 adopted']
    >>> question_parts("What do the OEWG and the GGE recommend?")
    ['What do the OEWG and the GGE recommend?']
    """
    pieces = [p.strip(" ,") for p in _SECOND_QUESTION.split(text)]
    if len(pieces) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in pieces):
        return [text]
    pieces = [p if p.endswith("?") else f"{p}?" for p in pieces]
    first = _LEADING_INTERROGATIVE.sub("", pieces[0]).rstrip("?")
    named = " ".join(m.group(0) for m in SYMBOL.finditer(pieces[0]))
    parts = [pieces[0]] + [f"{p} {_antecedent(p, first, named)}" if _leans_on_another(p) else p for p in pieces[1:]]
    scopes = {part: {m.group(0) for m in _SCOPE.finditer(part)} for part in parts}
    every = set().union(*scopes.values())
    return [part + "".join(f" {s}" for s in sorted(every - scopes[part])) for part in parts]


def _antecedent(part: str, first: str, named: str) -> str:
    """What a leaning part takes from the first: a pronoun in a part that can be searched points back at a
    thing, most plainly the documents the first part names ("When was 73/27 adopted, and what did it
    establish?": it is 73/27, not its adoption); a part too short to search shares the first's predicate
    as well ("..., and at which plenary meeting?")."""
    if named and len(terms(part)) > MIN_PART_TERMS:
        return named
    return first


def _leans_on_another(part: str) -> bool:
    """Whether a coordinated question refers back (a third-person pronoun: "what body did it establish")
    or names too little to be searched alone (at most MIN_PART_TERMS index terms)."""
    return bool(_BACK_REFERENCE.search(part)) or len(terms(part)) <= MIN_PART_TERMS
