"""Clean-up shared by the text-based readers: markup to plain quotable text, debris to nothing, lines
joined into paragraphs, and the spaces pypdf puts inside words taken out."""

from __future__ import annotations

import re
from collections import Counter

from core.marks import mark

_SUP = re.compile(r"<sup>\s*(\d+)\s*</sup>")
_MD_FOOTREF = re.compile(r"\[\^(\d+)\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
# A word broken at a line end loses its hyphen, unless the hyphen belongs to a compound like these.
_KEPT_HYPHEN_PREFIXES = frozenset(
    "non co self cross anti ex multi well long high low open follow cyber state member ict".split()
)
# A hyphen or an en dash set tight against the word before it ("2021–" + "2025") joins the next line
# without a space; a spaced dash ("peace –") is punctuation between words.
_TIGHT_DASH_END = re.compile(r"\S[\u2010\u2011\u2013]$")
# pypdf leaves a space where a PDF positions the pieces of one word separately: "Secretary -General",
# "the request .", "judici al".
_SPACE_BEFORE_HYPHEN = re.compile(r"(?<=\w) -(?=\w|\s*$)", re.MULTILINE)
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) +(?=[.,;:](?:\s|$))", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+")

# Lines that belong to a web page's chrome, not to the article: navigation, ads, comment forms,
# newsletter prompts. Matched against a whole stripped line, case-insensitively.
DEBRIS_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"home\s*/\s*\w+.*",
        r".*\b(nordvpn|vpn discount)\b.*",
        r"get \w+\s*\[.*\]",
        r".*\bfrom \$\d+(\.\d+)?\s*/\s*month\b.*",
        r"filed under:?",
        r"comments?:?",
        r"comment title:?",
        r"(leave a (reply|comment)|post comment|submit comment).*",
        r"notify me of (follow-up comments|new posts).*",
        r"discover more from .*",
        r"subscribe( now)?( to .*)?",
        r"subscribe to get the latest posts.*",
        r"continue reading",
        r"(share|share this|share on \w+|tweet|print this page)",
        r"(related (posts|articles)|read more|advertisement|sponsored( content)?)",
        r"(accept( all)? cookies|this site uses cookies).*",
        r"(skip to (main )?content|main menu|menu|search)",
        r"sponsored ?by.*",
        r"figure \d+\.?",
        r".*\bcredit: un photo\b.*",
    )
)


# A web article ends where its page's trailer begins: everything from such a line on is dropped.
ARTICLE_END_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"filed under:?",
        r"comments?:?",
        r"comment title:?",
        r"leave a (reply|comment).*",
        r"related( posts| articles| stories)?:?",
        r"you (may|might) also like:?",
        r"discover more from .*",
    )
)


def clean_inline(text: str) -> tuple[str, tuple[int, ...]]:
    """Strip Markdown/HTML markup from one paragraph; return the text and its footnote markers.

    Each marker stays in the text as an inline sentinel (see core.marks) until the passage is final.
    """
    markers: list[int] = [int(n) for n in _SUP.findall(text)]
    markers += [int(n) for n in _MD_FOOTREF.findall(text)]
    text = _SUP.sub(lambda m: mark(int(m.group(1))), text)
    text = _MD_FOOTREF.sub(lambda m: mark(int(m.group(1))), text)
    text = _MD_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    text = _ESCAPE.sub(r"\1", text)
    return normalize_space(text), tuple(dict.fromkeys(markers))


def join_lines(before: str, after: str, breaks_words: bool = True) -> str:
    """Join two lines of a paragraph, undoing the hyphenation of a word broken at the line end.

    `breaks_words=False` is for text set without word-break hyphenation (official UN documents), where
    every hyphen at a line end is a compound's.

    >>> join_lines("two dedi-", "cated groups")
    'two dedicated groups'
    >>> join_lines("non-", "governmental")
    'non-governmental'
    >>> join_lines("capacity-", "building", breaks_words=False)
    'capacity-building'
    """
    before = before.rstrip().rstrip("\u00ad")
    broken = re.search(r"(\w+)-$", before)
    if breaks_words and broken and after[:1].islower() and broken.group(1).lower() not in _KEPT_HYPHEN_PREFIXES:
        return before[:-1] + after
    if broken or _TIGHT_DASH_END.search(before):
        return before + after
    return f"{before} {after}"


def repair_pypdf_spacing(pages: list[str], seams: set[tuple[str, str]]) -> list[str]:
    """A PDF's pages without the spaces pypdf puts inside words: before a hyphen or a full stop, and
    between two pieces of a word the PDF positioned apart ("judici al"). `seams` are the pieces that meet
    where one positioned run of text ends and the next begins on a line; such a pair is one word where
    the whole word occurs elsewhere in the document and one of the pieces nowhere else."""
    pages = [_SPACE_BEFORE_STOP.sub("", _SPACE_BEFORE_HYPHEN.sub("-", page)) for page in pages]
    counts = Counter(word for page in pages for word in _WORD.findall(page))
    split = [(a, b) for a, b in seams if counts[a + b] and min(counts[a], counts[b]) == 1]
    for first, second in split:
        pair = re.compile(rf"(?<![^\W\d_]){re.escape(first)} {re.escape(second)}(?![^\W\d_])")
        pages = [pair.sub(first + second, page) for page in pages]
    return pages


def normalize_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


_RESOLUTION_TITLE = re.compile(r"^\s*\d{2,3}/\d+\.\s+(\S.*?)\s*$")


def drop_running_titles(lines: list[str]) -> list[str]:
    """Drop the running header a PDF extraction left mid-text: a later line repeating the title line
    `80/16. Open-ended working group ...` (without its number)."""
    for index, line in enumerate(lines):
        if match := _RESOLUTION_TITLE.match(line):
            title = match.group(1)
            return lines[: index + 1] + [x for x in lines[index + 1 :] if x.strip() != title]
    return lines


def cut_article_tail(lines: list[str]) -> list[str]:
    """The lines before a web page's trailer (filing tags, comments, related posts, newsletter)."""
    for index, line in enumerate(lines):
        if any(p.fullmatch(line.strip()) for p in ARTICLE_END_PATTERNS):
            return lines[:index]
    return lines


def is_debris(line: str) -> bool:
    """True for navigation, advertising and comment-form lines of web pages."""
    stripped = line.strip()
    return bool(stripped) and any(p.fullmatch(stripped) for p in DEBRIS_PATTERNS)
