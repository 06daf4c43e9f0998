"""HTML pages: the article's main text only, without navigation, ads, comment forms or scripts."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from core.errors import ReadError
from core.marks import attach_marks, mark
from core.models import Block, BlockKind, ParsedFile
from ingest.readers.base import decode_text
from ingest.readers.cleanup import is_debris, normalize_space

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
# class or id words of page chrome rather than content
_CHROME = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?|footer|sidebar|comments?|subscribe|newsletter|share|social|cookie|"
    r"advert|ads?|promo|related|sponsor(ed)?|banner|popup|modal)($|[-_ ])",
    re.IGNORECASE,
)
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "dd", "dt")
_FOOTNOTE_ID = re.compile(r"(fn|footnote|note)[-_:]?(\d+)", re.IGNORECASE)


class HtmlReader:
    """The main content of a web page (`<main>`, `<article>` or the body less its chrome) as blocks."""

    extensions = (".html", ".htm")

    def read(self, path: Path) -> ParsedFile:
        soup = BeautifulSoup(decode_text(path), "html.parser")
        hints = _hints(soup)
        for tag in soup.find_all(_DROP_TAGS):
            tag.decompose()
        for tag in soup.find_all(_is_chrome):
            tag.decompose()
        root = soup.find("main") or soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body or soup
        blocks = [block for element in root.find_all(_BLOCK_TAGS) if (block := _block(element))]
        if not blocks:
            raise ReadError(path, "no text found in the page")
        return ParsedFile(path=path, blocks=tuple(blocks), hints=hints)


def _is_chrome(tag: Tag) -> bool:
    if not isinstance(tag, Tag) or tag.attrs is None or tag.name in ("html", "body", "main", "article"):
        return False
    words = " ".join([*tag.get("class", []), tag.get("id") or "", tag.get("role") or ""])
    return bool(words.strip()) and bool(_CHROME.search(words))


def _block(element: Tag) -> Block | None:
    if element.find(_BLOCK_TAGS):  # a container of other blocks: its children speak for it
        return None
    markers = []
    for sup in element.find_all("sup"):
        digits = sup.get_text(strip=True).strip("[]")
        if digits.isdigit():
            markers.append(int(digits))
            sup.replace_with(mark(int(digits)))
    text = attach_marks(normalize_space(element.get_text(" ")))
    if not text or is_debris(text):
        return None
    name = element.name
    if name[0] == "h" and name[1:].isdigit():
        return Block(BlockKind.HEADING, text, level=int(name[1:]))
    if name == "li":
        note = _FOOTNOTE_ID.search(element.get("id") or "")
        if note:
            return Block(BlockKind.FOOTNOTE, text, number=int(note.group(2)))
        return Block(BlockKind.ITEM, text, markers=tuple(markers))
    return Block(BlockKind.PARAGRAPH, text, markers=tuple(markers))


def _hints(soup: BeautifulSoup) -> dict[str, str]:
    hints: dict[str, str] = {}
    title = soup.find("meta", attrs={"property": "og:title"}) or soup.find("title")
    if title:
        hints["title"] = normalize_space(title.get("content") if title.name == "meta" else title.get_text())
    published = soup.find("meta", attrs={"property": "article:published_time"}) or soup.find("time", datetime=True)
    if published:
        hints["date"] = (published.get("content") or published.get("datetime") or "")[:10]
    author = soup.find("meta", attrs={"name": "author"})
    if author and author.get("content"):
        hints["author"] = normalize_space(author["content"])
    return {k: v for k, v in hints.items() if v}
