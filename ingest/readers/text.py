"""Readers for Markdown and plain text: paragraphs by blank lines, headings, lists and footnotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
import yaml.composer

from core.errors import ReadError
from core.marks import without_marks
from core.models import Block, BlockKind, ParsedFile
from ingest.readers.base import decode_text
from ingest.readers.cleanup import (
    clean_inline,
    cut_article_tail,
    drop_running_titles,
    is_debris,
    normalize_space,
)
from ingest.readers.official import is_official_text, official_blocks, split_text_pages

# Front matter names a document in a few fields; anything longer is not front matter.
MAX_FRONT_MATTER_CHARS = 16_384


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases: `*name` repeated through a few anchors turns a 500-byte header
    into gigabytes when its values are read ("billion laughs"); front matter never needs them."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


_FRONT_MATTER = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+](?=\s|$)|[•▪◦▶])\s*(?:▶\s*)?(.*)$")
_MD_FOOTDEF = re.compile(r"^\s*\[\^(\d+)\]:\s*(.*)$")
_FOOTNOTE_START = re.compile(r"^\s*(\d+)\s+(\S.*)$", re.DOTALL)
# Inside a run of lines, these start a new paragraph even without a blank line before them.
_PARAGRAPH_START = re.compile(r"^\s*(\d+\.\s+\S|\([a-z]{1,3}\)\s+\S)")
_BYLINE = re.compile(r"^\s*By\s+([^,]{3,80}?)(?:,.*)?$")
_NAME_LINE = re.compile(r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}$")
# A plain-text heading: one short line that does not end a sentence.
_MAX_HEADING_CHARS = 120
_SENTENCE_END = tuple(".:;,!?…”\"’)")


@dataclass
class _Chunk:
    """A raw run of lines and what the line syntax said it is."""

    kind: BlockKind
    text: str
    level: int = 0
    after_rule: bool = False


class MarkdownReader:
    """Markdown with optional YAML front matter (symbol, title, date, doc_type, state, session, meeting).

    >>> MarkdownReader().read(Path("A_RES_80_16.md")).hints["symbol"]  # doctest: +SKIP
    'A/RES/80/16'
    """

    extensions = (".md", ".markdown")

    def read(self, path: Path) -> ParsedFile:
        text = decode_text(path)
        hints, body = _front_matter(path, text)
        blocks = _to_blocks(_markdown_chunks(body.split("\n")))
        first_title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
        if first_title:
            hints.setdefault("heading_title", without_marks(first_title))
        return _parsed(path, blocks, hints)


class TextReader:
    """Plain text: a first short line is the title, short unpunctuated lines are headings, `•` lists items.

    The raw text layer of an official UN document (its masthead opens the file) is read as one, with
    its page furniture and footnotes undone (ingest.readers.official).
    """

    extensions = (".txt", ".text")

    def read(self, path: Path) -> ParsedFile:
        text = decode_text(path)
        if is_official_text(text):
            return _parsed(path, official_blocks(split_text_pages(text)), {})
        hints: dict[str, str] = {}
        chunks = list(_text_chunks(text.split("\n"), hints))
        return _parsed(path, _to_blocks(chunks), hints)


def _parsed(path: Path, blocks: list[Block], hints: dict[str, str]) -> ParsedFile:
    if not blocks:
        raise ReadError(path, "no text found")
    return ParsedFile(path=path, blocks=tuple(blocks), hints=hints)


def _front_matter(path: Path, text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    if len(match.group(1)) > MAX_FRONT_MATTER_CHARS:
        raise ReadError(path, f"YAML front matter over the {MAX_FRONT_MATTER_CHARS:,}-character limit")
    try:
        data = yaml.load(match.group(1), Loader=_NoAliasLoader) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ReadError(path, f"invalid YAML front matter ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise ReadError(path, "YAML front matter is not a mapping of fields")
    hints = {
        str(k): normalize_space(str(v))
        for k, v in data.items()
        if isinstance(v, str | int | float | date) and str(v).strip()
    }
    return hints, text[match.end() :]


def _runs(lines: list[str]) -> Iterator[list[str]]:
    """Group lines separated by blank lines; a numbered or lettered paragraph also starts a new run."""
    run: list[str] = []
    for line in lines:
        if not line.strip():
            if run:
                yield run
            run = []
        elif run and _PARAGRAPH_START.match(line):
            yield run
            run = [line]
        else:
            run.append(line)
    if run:
        yield run


def _markdown_chunks(lines: list[str]) -> Iterator[_Chunk]:
    after_rule = False
    for run in _runs([line for line in drop_running_titles(lines) if not is_debris(line)]):
        pending: list[str] = []
        for line in run:
            heading = _MD_HEADING.match(line)
            bullet = _BULLET.match(line)
            special = heading or _RULE.match(line) or bullet or _MD_FOOTDEF.match(line)
            if special and pending:
                yield _Chunk(BlockKind.PARAGRAPH, " ".join(pending), after_rule=after_rule)
                pending = []
            if heading:
                yield _Chunk(BlockKind.HEADING, heading.group(2), level=len(heading.group(1)))
                after_rule = False
            elif _RULE.match(line):
                after_rule = True
            elif footdef := _MD_FOOTDEF.match(line):
                yield _Chunk(BlockKind.FOOTNOTE, f"{footdef.group(1)} {footdef.group(2)}")
            elif bullet:
                if bullet.group(1).strip():
                    yield _Chunk(BlockKind.ITEM, bullet.group(1), after_rule=after_rule)
            else:
                pending.append(line)
        if pending:
            yield _Chunk(BlockKind.PARAGRAPH, " ".join(pending), after_rule=after_rule)


def _text_chunks(lines: list[str], hints: dict[str, str]) -> Iterator[_Chunk]:
    kept = drop_running_titles(cut_article_tail(lines))
    runs = list(_runs([line for line in kept if not is_debris(line)]))
    for index, run in enumerate(runs):
        first = normalize_space(run[0])
        if len(run) == 1 and (byline := _BYLINE.match(first)):
            # The byline names the author (a hint) and is also quoted: "who wrote this?" cites it.
            hints.setdefault("author", byline.group(1).strip())
            yield _Chunk(BlockKind.PARAGRAPH, first)
            continue
        if index == 1 and "heading_title" in hints and len(run) == 1 and _NAME_LINE.match(first):
            hints.setdefault("author", first)
            continue
        if _BULLET.match(run[0]) and not _PARAGRAPH_START.match(run[0]):
            for line in run:
                item = _BULLET.match(line)
                yield _Chunk(BlockKind.ITEM, item.group(1) if item else line)
            continue
        looks_like_heading = (
            len(run) == 1 and len(first) <= _MAX_HEADING_CHARS and not first.endswith(_SENTENCE_END)
        )
        if looks_like_heading and index + 1 < len(runs):
            if "heading_title" not in hints:
                hints["heading_title"] = first
                yield _Chunk(BlockKind.HEADING, first, level=1)
            else:
                yield _Chunk(BlockKind.HEADING, first, level=2)
            continue
        yield _Chunk(BlockKind.PARAGRAPH, " ".join(run))


def _to_blocks(chunks: Iterator[_Chunk] | list[_Chunk]) -> list[Block]:
    """Clean markup and recognise footnote text: a paragraph opening with the number of a cited,
    not yet defined footnote is that footnote, and so is the next number after a `---` rule or
    another footnote (a marker lost in extraction must not turn its footnote into body text)."""
    blocks: list[Block] = []
    cited: set[int] = set()
    defined: set[int] = set()
    for chunk in chunks:
        text, markers = clean_inline(chunk.text)
        if not text:
            continue
        if chunk.kind is not BlockKind.HEADING and (start := _FOOTNOTE_START.match(text)):
            number = int(start.group(1))
            in_footnote_run = chunk.after_rule or (blocks and blocks[-1].kind is BlockKind.FOOTNOTE)
            expected_next = in_footnote_run and number == max(defined, default=0) + 1
            if number not in defined and (number in cited or expected_next):
                defined.add(number)
                blocks.append(Block(BlockKind.FOOTNOTE, start.group(2), number=number))
                continue
        cited.update(markers)
        kind = BlockKind.PARAGRAPH if chunk.kind is BlockKind.FOOTNOTE else chunk.kind
        blocks.append(Block(kind, text, level=chunk.level, markers=markers))
    return blocks
