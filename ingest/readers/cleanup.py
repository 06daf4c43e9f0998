"""Inline clean-up shared by the text-based readers: markup to plain quotable text, debris to nothing."""

from __future__ import annotations

import re

from ingest.marks import mark

_SUP = re.compile(r"<sup>\s*(\d{1,4})\s*</sup>")
_MD_FOOTREF = re.compile(r"\[\^(\d{1,4})\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")

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

    Each marker stays in the text as an inline sentinel (see ingest.marks) until the passage is final.
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
