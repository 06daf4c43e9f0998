"""The Lineage page through AppTest, over the invented lineage of tests/test_lineage.py, and its helpers."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from assistant.worddiff import DiffOp, DiffPiece
from core.models import DocumentMeta, Passage
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.test_lineage import DOCUMENTS, write_lineage
from tests.test_ui import open_app
from ui import components

# What the readers leave of Markdown and HTML in a paragraph (they drop tags and emphasis themselves).
HOSTILE = "Calls upon keepers to light the beacons every evening at dusk, when 3 < 5 & 7 > 2 at $5 and $6 [see];"
HOSTILE_SHOWN = "when 3 &lt; 5 &amp; 7 &gt; 2 at &#36;5 and &#36;6 &#91;see&#93;;"


def test_diff_html_colours_changes_and_escapes_every_piece() -> None:
    shown = components.diff_html([
        DiffPiece(DiffOp.EQUAL, "1. Welcomes the"), DiffPiece(DiffOp.DELETE, "<b>first</b>"),
        DiffPiece(DiffOp.INSERT, "*second* $5"),
    ])
    assert shown.startswith("1&#46; Welcomes the "), "a leading '1.' stays a paragraph number"
    assert f'<span class="gma-delete" style="{components.DELETED_STYLE}">&lt;b&gt;first&lt;/b&gt;</span>' in shown
    assert f'<span class="gma-insert" style="{components.INSERTED_STYLE}">&#42;second&#42; &#36;5</span>' in shown
    assert "line-through" in components.DELETED_STYLE


def test_timeline_spans_every_year_and_has_a_fixed_width_per_year() -> None:
    def hit(day: str | None, adopted: str | None = None) -> Passage:
        doc = DocumentMeta(doc_id=f"doc-{day}", title="Example", date=day, adopted=adopted)
        return Passage(doc=doc, locator="para. 1", text="a")

    timeline = components.hits_per_year([hit("2018-12-05"), hit("2021-01-04", adopted="2020-12-31"),
                                         hit("2025-12-01"), hit(None)])
    assert timeline["hits"].to_dict() == {
        "2018": 1, "2019": 0, "2020": 1, "2021": 0, "2022": 0, "2023": 0, "2024": 0, "2025": 1}
    one_year = components.hits_per_year([hit("2025-12-01")])
    assert components.timeline_width(one_year) < components.timeline_width(timeline) < 800


@pytest.fixture(scope="module")
def lineage_ui_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_lineage(tmp_path_factory.mktemp("lineage-ui-docs"))
    # A paragraph that would be HTML and Markdown if it were not escaped, in a later year of the series.
    later = (root / "r98.md").read_text(encoding="utf-8").replace("98/11", "98/90").replace(
        DOCUMENTS["r98.md"]["operative"][2], HOSTILE)
    (root / "r98-90.md").write_text(later, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("lineage-ui-index")
    report = Ingestor(index_dir, HashEmbedder()).ingest([root])
    assert not report.failed, report.failed
    return index_dir


def page_html(at) -> str:  # noqa: ANN001
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.model
@pytest.mark.slow
def test_lineage_page_shows_history_and_diff_coloured_and_escaped(
    lineage_ui_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app(lineage_ui_index, monkeypatch, "lineage_page.py")
    assert at.title[0].value == "Lineage"

    at.text_input(key="lineage_citation").set_value("A/RES/98/11, para. 1").run()
    assert not at.exception, at.exception
    shown = page_html(at)
    order = [shown.index(f"**{citation}**") for citation in
             ("A/RES/97/10, para. 1", "A/RES/98/11, para. 1", "A/C.1/99/L.5, para. 2", "A/RES/99/12, para. 2")]
    assert order == sorted(order), "oldest first"
    assert "First seen 2097" in at.caption[1].value
    assert f'style="{components.DELETED_STYLE}">first</span>' in shown
    assert f'style="{components.INSERTED_STYLE}">second</span>' in shown
    assert "A/RES/99/40" not in shown, "another agenda item's resolution is not in the history"

    at.text_input(key="lineage_citation").set_value("A/RES/98/11, para. 42").run()
    assert any("no passage cited as" in e.value for e in at.error)

    at.text_input(key="lineage_citation").set_value("").run()
    choose(at, "lineage_doc", "A/RES/98/90")
    choose(at, "lineage_paragraph", "para. 3")
    assert not at.exception, at.exception
    shown = page_html(at)
    assert "#### A/RES/98/90, para. 3" in shown
    assert f"dusk, {HOSTILE_SHOWN}" in shown and HOSTILE not in shown

    choose(at, "lineage_a", "A/RES/98/11")
    choose(at, "lineage_b", "A/RES/98/90")
    assert not at.exception, at.exception
    shown = page_html(at)
    assert "**changed** · para. 3 → para. 3" in shown
    assert f'<span class="gma-delete" style="{components.DELETED_STYLE}">dusk;</span>' in shown
    assert f'<span class="gma-insert" style="{components.INSERTED_STYLE}">dusk, {HOSTILE_SHOWN}</span>' in shown
    assert HOSTILE not in shown
    assert "5 unchanged · 1 changed · 0 added · 0 deleted · 0 moved" in html.unescape(
        "\n".join(c.value for c in at.caption))


def choose(at, key: str, starting: str) -> None:  # noqa: ANN001
    """Pick the option of a selectbox whose label starts with `starting` (labels are what AppTest sees)."""
    box = at.selectbox(key=key)
    box.select_index(next(n for n, label in enumerate(box.options) if label.startswith(starting))).run()
