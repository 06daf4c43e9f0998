"""The masthead reader and one document per symbol, on synthetic UN-style documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from core.models import Block, BlockKind
from corpus.manifest import Manifest
from index.store import IndexStore
from ingest.masthead import ordinal_number, read_masthead
from ingest.metadata import MetadataResolver
from ingest.readers import reader_for
from tests.fakes import HashEmbedder

# The masthead lines as a raw text layer prints them, one block a line (an invented resolution).
ADOPTED = [
    "United Nations",
    "A /RES/97/12",
    "General Assembly",
    "Distr.: General 14 December 2097",
    "Ninety-seventh session Agenda item 41 Widgets in the context of international security",
    "Resolution adopted by the General Assembly on 9 December 2097",
    "[on the report of the First Committee (A/97/405, para. 8)]",
    "97/12. Widgets in the context of international security",
    "The General Assembly,",
    "Recalling its resolution A/RES/96/3,",
    "1. Decides to act;",
    "31st plenary meeting 9 December 2097",
]
DRAFT = [
    "United Nations A/C.1/97/L.7",
    "General Assembly Distr.: Limited 20 October 2097 Original: English",
    "Ninety-seventh session First Committee Agenda item 41",
    "Widgets in the context of international security",
    "Ruritania, Freedonia and Grand Fenwick: draft resolution",
    "Widgets in the context of",
    "international security",
    "The General Assembly,",
    "1. Decides to act;",
]

MARKDOWN = """---
symbol: A/RES/97/12
title: "Gadgets and their uses :"
date: "2097-12-14"
---

United Nations

General Assembly Distr.: General 14 December 2097

Ninety-seventh session Agenda item 41 Widgets in the context of international security

Resolution adopted by the General Assembly on 9 December 2097

[on the report of the First Committee (A/97/405, para. 8)]

97/12. Widgets in the context of international security

The General Assembly,

Recalling its earlier work,

1. Decides to act on widgets;

2. Requests a report;

31st plenary meeting 9 December 2097
"""
# The same resolution as a raw text layer with one more paragraph the Markdown lost: the better rendition.
TEXT_LAYER = MARKDOWN.split("---\n\n", 1)[1].replace("United Nations\n", "United Nations\nA/RES/97/12\n").replace(
    "2. Requests a report;", "2. Requests a report;\n\n3. Decides to remain seized of the matter;"
)


def blocks(lines: list[str]) -> list[Block]:
    return [Block(BlockKind.PARAGRAPH, line) for line in lines]


def test_masthead_of_an_adopted_resolution() -> None:
    masthead = read_masthead(blocks(ADOPTED))
    assert masthead.symbol == "A/RES/97/12", "its own symbol, not the report it was adopted on nor one it recalls"
    assert (masthead.kind, masthead.doc_type) == ("resolution", "resolution")
    assert masthead.title == "Widgets in the context of international security"
    assert (masthead.adopted, masthead.distributed, masthead.date) == ("2097-12-09", "2097-12-14", "2097-12-09")
    assert (masthead.session, masthead.agenda_item) == ("97", "41")
    assert masthead.agenda_title == "Widgets in the context of international security"
    assert (masthead.committee, masthead.committee_report) == ("First Committee", "A/97/405")
    assert masthead.meeting == "31st plenary meeting"


def test_masthead_of_a_draft_names_its_committee_and_sponsors() -> None:
    masthead = read_masthead(blocks(DRAFT))
    assert (masthead.symbol, masthead.kind, masthead.doc_type) == ("A/C.1/97/L.7", "draft resolution", "draft")
    assert masthead.sponsors == ("Ruritania", "Freedonia", "Grand Fenwick")
    assert masthead.committee == "First Committee"
    assert masthead.title == "Widgets in the context of international security"
    assert (masthead.adopted, masthead.distributed, masthead.distribution) == (None, "2097-10-20", "Limited")


def test_a_symbol_the_masthead_only_cites_is_not_the_documents() -> None:
    cited_only = ["Notes on widgets", "[on the report of the First Committee (A/97/405)]", "The General Assembly,"]
    assert read_masthead(blocks(cited_only)).symbol is None
    # Without the symbol line, the numbered title line of an adopted resolution implies it.
    without_line = [line for line in ADOPTED if "RES/97/12" not in line]
    assert read_masthead(blocks(without_line)).symbol == "A/RES/97/12"


def test_prose_has_no_masthead() -> None:
    masthead = read_masthead(blocks(["An essay on widgets.", "It cites A/RES/97/12 and 9 December 2097."]))
    assert (masthead.symbol, masthead.kind, masthead.date, masthead.title) == (None, None, None, None)


def test_ordinal_sessions() -> None:
    assert [ordinal_number(w) for w in ("Eightieth", "Seventy-seventh", "tenth", "Twenty-first", "widget")] == [
        80, 77, 10, 21, None,
    ]


def test_front_matter_that_contradicts_the_masthead_loses_and_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "r12.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    resolved = MetadataResolver(Manifest.load()).resolve(reader_for(path).read(path))
    assert resolved.meta.title == "Widgets in the context of international security"
    assert resolved.meta.date == "2097-12-09" and resolved.meta.distributed == "2097-12-14"
    assert len(resolved.conflicts) == 1, "the front matter's date is the distribution date: no conflict"
    assert "front matter title 'Gadgets and their uses :'" in resolved.conflicts[0]


def test_a_masthead_title_cut_short_is_completed_from_the_declared_title(tmp_path: Path) -> None:
    path = tmp_path / "r12.md"
    text = MARKDOWN.replace("Gadgets and their uses :", "Widgets in the Context of International Security and Beyond :")
    path.write_text(text.replace("97/12. Widgets in the context of international security", "97/12. Widgets in the"))
    meta = MetadataResolver(Manifest.load()).describe(reader_for(path).read(path))
    assert meta.title == "Widgets in the Context of International Security and Beyond"


def _ingest(index: Path, *paths: Path) -> dict:
    result = CliRunner().invoke(main, ["ingest", *map(str, paths), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def renditions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The Markdown and the fuller text layer of one resolution, and an index folder for the CLI."""
    monkeypatch.setattr("index.embedder.Embedder", lambda *a, **k: HashEmbedder())
    markdown, text = tmp_path / "r12.md", tmp_path / "A_RES_97_12.txt"
    markdown.write_text(MARKDOWN, encoding="utf-8")
    text.write_text(TEXT_LAYER, encoding="utf-8")
    return markdown, text, tmp_path / "index"


def test_one_document_from_two_files_is_indexed_once_from_the_better_one(renditions: tuple[Path, Path, Path]) -> None:
    markdown, text, index = renditions
    first = _ingest(index, markdown)
    assert first["added"] == 1 and not first["merged"]
    second = _ingest(index, markdown, text)
    assert second["merged"] == [{"doc_id": "A/RES/97/12", "indexed_from": str(text), "also_from": str(markdown)}]
    passages = IndexStore(index).passages()
    assert {p.doc.doc_id for p in passages} == {"A/RES/97/12"}
    assert "para. 3" in {p.locator for p in passages}, "the fuller rendition is the one indexed"
    assert all(p.doc.sources == (str(text), str(markdown)) for p in passages), "both sources recorded"
    assert _ingest(index, markdown, text)["unchanged"] == 2, "nothing to do the second time"
    # Removing the document removes both renditions; ingesting again brings it back once.
    removed = CliRunner().invoke(main, ["remove", "A/RES/97/12", "--index", str(index), "--json"])
    assert json.loads(removed.stdout)["removed"] == 2
    assert _ingest(index, text, markdown)["added"] == 2
    assert len({p.passage_id for p in IndexStore(index).passages()}) == len(IndexStore(index).passages())


def test_a_poorer_second_rendition_only_adds_its_source(renditions: tuple[Path, Path, Path]) -> None:
    markdown, text, index = renditions
    _ingest(index, text)
    before = {p.passage_id: p.text for p in IndexStore(index).passages()}
    report = _ingest(index, markdown)
    assert report["merged"][0]["indexed_from"] == str(text) and report["passages"] == 0
    passages = IndexStore(index).passages()
    assert {p.passage_id: p.text for p in passages} == before
    assert passages[0].doc.sources == (str(text), str(markdown))
