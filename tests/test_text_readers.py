"""Markdown, plain-text and HTML readers on small synthetic files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ReadError
from core.marks import mark, without_marks
from core.models import BlockKind
from corpus.manifest import Manifest
from ingest.metadata import MetadataResolver
from ingest.readers import reader_for
from ingest.readers.html import HtmlReader
from ingest.readers.text import MarkdownReader, TextReader

RESOLUTION_MD = """---
symbol: A/RES/99/7
title: "Working group on example matters :"
date: "2099-12-05"
---

United Nations

General Assembly Distr.: General 5 December 2099

99/7. Working group on example matters and related

The General Assembly,

Recalling its resolution 98/1 on example matters,

1. Decides to endorse the report of the working group, as set out in its
Working group on example matters and related
annex, and to continue the work;
2. Requests the Secretary-General to support the working group;
"""

ANALYSIS_MD = """**EXAMPLE INSTITUTE**

---

# An Analysis of Example Matters

## 1. Introduction

The working group met twice.<sup>1</sup> Its members agreed on a [report](#) in 2099.<sup>2</sup> The debate that
followed was (in the view of some

---

1 First footnote, naming Ruritania.

2 Second footnote, naming Freedonia.

delegations) inconclusive.

- a. **First approach:** groups organized by theme<sup>3</sup>
- b. **Second approach:** groups organized by pillar

3 A footnote whose marker sits in a list item.

## 2. Findings

FIGURE 1.

Plain finding with a stray number 42 inside.
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_markdown_front_matter_becomes_hints(tmp_path: Path) -> None:
    parsed = MarkdownReader().read(write(tmp_path, "r.md", RESOLUTION_MD))
    assert parsed.hints["symbol"] == "A/RES/99/7"
    assert parsed.hints["date"] == "2099-12-05"
    assert "symbol:" not in " ".join(b.text for b in parsed.blocks)


def test_markdown_drops_running_title_and_splits_numbered_lines(tmp_path: Path) -> None:
    parsed = MarkdownReader().read(write(tmp_path, "r.md", RESOLUTION_MD))
    texts = [b.text for b in parsed.blocks]
    first = next(t for t in texts if t.startswith("1. "))
    assert first == "1. Decides to endorse the report of the working group, as set out in its annex, and to continue the work;"
    assert any(t.startswith("2. Requests") for t in texts)


def test_markdown_footnotes_markers_and_list_items(tmp_path: Path) -> None:
    parsed = MarkdownReader().read(write(tmp_path, "a.md", ANALYSIS_MD))
    footnotes = {b.number: b.text for b in parsed.blocks if b.kind is BlockKind.FOOTNOTE}
    assert footnotes == {
        1: "First footnote, naming Ruritania.",
        2: "Second footnote, naming Freedonia.",
        3: "A footnote whose marker sits in a list item.",
    }
    body = next(b for b in parsed.blocks if b.text.startswith("The working group met"))
    assert body.markers == (1, 2)
    assert body.text.startswith(f"The working group met twice.{mark(1)} Its members agreed on a report in 2099.{mark(2)}")
    assert "<sup>" not in body.text
    items = [b for b in parsed.blocks if b.kind is BlockKind.ITEM]
    assert [without_marks(i.text) for i in items] == [
        "a. First approach: groups organized by theme",
        "b. Second approach: groups organized by pillar",
    ]
    assert items[0].markers == (3,)
    headings = [(b.level, b.text) for b in parsed.blocks if b.kind is BlockKind.HEADING]
    assert headings == [(1, "An Analysis of Example Matters"), (2, "1. Introduction"), (2, "2. Findings")]
    assert not any("FIGURE" in b.text for b in parsed.blocks)
    assert any(b.text == "Plain finding with a stray number 42 inside." for b in parsed.blocks)


def test_text_reader_title_byline_and_debris(tmp_path: Path) -> None:
    article = (
        "Home / Blogs\n\nAn Example Commentary on Example Matters\n\nThe working group met in 2099. It agreed.\n\n"
        "What Comes Next\n\nMore will follow:\n\n  • First point\n  • Second point\n\n"
        "SPECIAL DISCOUNT - Example x NordVPN\nBy Jane Example, Professor\n\nFiled Under\n\nComments\n\n"
        "Comment Title:\n\nSponsored byExampleCorp\n"
    )
    parsed = TextReader().read(write(tmp_path, "c.txt", article))
    assert parsed.hints == {"heading_title": "An Example Commentary on Example Matters", "author": "Jane Example"}
    text = " ".join(b.text for b in parsed.blocks)
    for debris in ("Home", "NordVPN", "Filed Under", "Comment Title", "Comments", "Sponsored"):
        assert debris not in text
    assert [b.text for b in parsed.blocks if b.kind is BlockKind.ITEM] == ["First point", "Second point"]
    assert (BlockKind.HEADING, "What Comes Next") in [(b.kind, b.text) for b in parsed.blocks]


def test_html_reader_keeps_main_text_only(tmp_path: Path) -> None:
    page = """<html><head><title>Example page</title>
    <meta property="article:published_time" content="2099-03-04T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> <a>Subscribe</a></nav>
    <div class="cookie-banner">We use cookies</div>
    <main><h1>Example Matters</h1>
      <p>The working group met.<sup>1</sup> It agreed on a report.</p>
      <ul><li>First point</li><li>Second point</li></ul>
      <div class="share-buttons"><p>Share this</p></div>
      <ol class="notes"><li id="fn1">A footnote naming Ruritania.</li></ol>
    </main>
    <aside><p>Related posts</p></aside><footer><p>Copyright</p></footer>
    <script>var x = 1;</script></body></html>"""
    parsed = HtmlReader().read(write(tmp_path, "p.html", page))
    assert parsed.hints == {"title": "Example page", "date": "2099-03-04"}
    kinds = [(b.kind, without_marks(b.text)) for b in parsed.blocks]
    assert kinds == [
        (BlockKind.HEADING, "Example Matters"),
        (BlockKind.PARAGRAPH, "The working group met. It agreed on a report."),
        (BlockKind.ITEM, "First point"),
        (BlockKind.ITEM, "Second point"),
        (BlockKind.FOOTNOTE, "A footnote naming Ruritania."),
    ]
    assert parsed.blocks[1].markers == (1,)
    assert parsed.blocks[1].text == f"The working group met.{mark(1)} It agreed on a report."
    assert parsed.blocks[-1].number == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary data"),
        ("latin1.txt", "Résolution adoptée".encode("latin-1"), "not UTF-8 text"),
        ("bad-yaml.md", b"---\ntitle: [unclosed\n---\nText.\n", "invalid YAML front matter"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type .docx"),
    ],
)
def test_bad_text_inputs_raise_a_clear_read_error(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(ReadError) as caught:
        reader_for(path).read(path)
    assert str(path) in str(caught.value)
    assert reason in caught.value.reason


def test_a_symbol_the_text_only_cites_does_not_name_it(tmp_path: Path) -> None:
    resolver = MetadataResolver(Manifest.load())
    opening = "Notes on the example body\n\nIt was set up by resolution A/RES/99/4, which the notes discuss.\n"
    plain = tmp_path / "plain.txt"
    plain.write_text(opening, encoding="utf-8")
    meta = resolver.describe(reader_for(plain).read(plain))
    assert (meta.doc_id, meta.symbol) == ("plain", None), "notes citing a resolution are not the resolution"
    declared = tmp_path / "notes.md"
    declared.write_text("---\ntitle: Notes on the example body\n---\n\n" + opening, encoding="utf-8")
    meta = resolver.describe(reader_for(declared).read(declared))
    assert (meta.doc_id, meta.symbol, meta.title) == ("notes", None, "Notes on the example body")
