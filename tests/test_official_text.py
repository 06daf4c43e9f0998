"""The official-document cleaning path (ingest.readers.official) on small synthetic UN text layers: the
`.txt` shape (lines holding a single space between paragraphs, the running head printed before each
later page) and the shape of pypdf's `extract_text()` (a paragraph's first line indented, few blank lines).
The symbol, the wording and the numbers are invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.marks import mark, without_marks
from core.models import Block, BlockKind, DocumentMeta
from ingest.readers.cleanup import repair_pypdf_spacing
from ingest.readers.official import is_official_text, official_blocks, split_text_pages
from ingest.readers.text import TextReader
from ingest.segment import Segmenter

TXT_LAYER = """United Nations \nA/RES/99/12
 \n \nGeneral Assembly \nDistr.: General \n14 December 2099 \n \n99-12345 (E)    151299     \n*9912345* \n \n
Ninety-ninth session \nAgenda item 42 \nWidgets in the context of \ninternational harmony \n \n \n
 Resolution adopted by the General Assembly \non 10 December 2099 \n \n
[on the report of the First Committee (A/99/400, para. 9)] \n \n
99/12. Widgets in the context of international \nharmony \n \n \nThe General Assembly, \n \n
Recalling its resolution 98/7 and the report of the Open-\nended Working Group on Widgets,1 \n \n
Noting the widget tables of 5 May 20982 and the seventy-\neighth meeting of the widget panel, \n \n
1. \nDecides to convene a widget forum in order to consider the \n__________________ \n \n1  A/98/123. \n \n
2  See A/98/456, chap. II, \nsect. B. \n
A/RES/99/12 \nWidgets in the context of international harmony\n \n99-12345\n2/2 \n \n \n
arrangements for its work; \n \n2. \nRequests the Secretary-General to report on WGTs3 \nto the forum: \n \n
(a) \nOn its first meeting; \n \n50th plenary meeting \n10 December 2099 \n__________________ \n \n
3  A/99/789. \n"""

PYPDF_PAGES = [
    " United Nations  A/RES/99/12 \n  \nGeneral Assembly \n \nDistr.: General \n14 December 2099 \n \n"
    "99-12345 (E)    151299     \n*9912345*   \nNinety-ninth session \nAgenda item 42 \nWidgets in the context of \n"
    "international harmony \n \n  Resolution adopted by the General Assembly \non 10 December 2099 \n \n"
    "  [on the report of the First Committee (A/99/400, para. 9)] \n \n"
    " 99/12. Widgets in the context of international \nharmony \n \n The General Assembly, \n"
    " Recalling its resolution 98/7 and the report of the Open-\nended Working Group on Widgets,1 \n"
    " Noting the widget tables of 5 May 20982 and the seventy-\neighth meeting of the widget panel, \n"
    " 1. Decides to convene a widget forum in order to consider the \n__________________ \n"
    " 1  A/98/123. \n 2  See A/98/456, chap. II, \nsect. B. ",
    "A/RES/99/12 \nWidgets in the context of international harmony \n \n99-12345 2/3 \n \narrangements for its work; \n"
    " 2. Requests the Secretary -General to report on WGTs3 \nto the forum: \n (a) On its first meeting; \n"
    "__________________ \n 3  A/99/789. ",
    "Widgets in the context of international harmony A/RES/99/12 \n \n3/3 99-12345 \n \n"
    " 3. Decides that judicial widgets are judici al matters, as follow ups on the request . \n \n"
    "50th plenary meeting \n10 December 2099 ",
]

MASTHEAD = [
    "United Nations",
    "A/RES/99/12",
    "General Assembly",
    "Distr.: General",
    "14 December 2099",
    "Ninety-ninth session",
    "Agenda item 42",
    "Widgets in the context of international harmony",
    "Resolution adopted by the General Assembly on 10 December 2099",
    "[on the report of the First Committee (A/99/400, para. 9)]",
    "99/12. Widgets in the context of international harmony",
]


# Where two runs of text meet on a line of PYPDF_PAGES (PdfReader finds them in the PDF).
SEAMS = {("judici", "al"), ("ups", "on")}


@pytest.fixture(params=["txt", "pypdf"])
def blocks(request: pytest.FixtureRequest) -> list[Block]:
    """The same synthetic resolution, read from either shape of its text layer."""
    if request.param == "txt":
        return official_blocks(split_text_pages(TXT_LAYER))
    return official_blocks(repair_pypdf_spacing(PYPDF_PAGES, SEAMS))


def _texts(blocks: list[Block]) -> list[str]:
    return [without_marks(b.text) for b in blocks]


def _block_starting(blocks: list[Block], start: str) -> Block:
    return next(b for b in blocks if without_marks(b.text).startswith(start))


def test_both_shapes_are_official_text_layers() -> None:
    assert is_official_text(TXT_LAYER)
    assert is_official_text(PYPDF_PAGES[0])
    assert not is_official_text("United Nations\nA/RES/99/12\nDistr.: General\nThe General Assembly,\n")


def test_txt_pages_split_at_the_running_head() -> None:
    pages = split_text_pages(TXT_LAYER)
    assert len(pages) == 2
    assert pages[0].rstrip().endswith("sect. B.")
    assert pages[1].split()[0] == "A/RES/99/12"


def test_page_furniture_is_dropped(blocks: list[Block]) -> None:
    texts = _texts(blocks)
    for furniture in ("99-12345", "*9912345*", "151299", "2/2", "2/3", "3/3", "____"):
        assert not any(furniture in text for text in texts), furniture
    assert texts.count("A/RES/99/12") == 1  # the masthead's; the running heads' are gone
    assert not any(text.startswith("Widgets in the context") for text in texts[len(MASTHEAD) :])


def test_masthead_lines_are_kept_as_blocks(blocks: list[Block]) -> None:
    assert _texts(blocks)[: len(MASTHEAD) + 1] == [*MASTHEAD, "The General Assembly,"]
    assert all(b.kind is BlockKind.PARAGRAPH and b.page == 1 for b in blocks[: len(MASTHEAD)])


def test_lines_hyphenation_and_page_breaks_are_undone(blocks: list[Block]) -> None:
    texts = _texts(blocks)
    assert "Recalling its resolution 98/7 and the report of the Open-ended Working Group on Widgets," in texts
    assert (
        "Noting the widget tables of 5 May 2098 and the seventy-eighth meeting of the widget panel," in texts
    )
    # "1." alone on its line, then the paragraph cut by the footnotes and the next page's running head.
    paragraph = _block_starting(blocks, "1. ")
    assert without_marks(paragraph.text) == (
        "1. Decides to convene a widget forum in order to consider the arrangements for its work;"
    )
    assert paragraph.page == 1
    assert (
        _block_starting(blocks, "2. ").text
        == "2. Requests the Secretary-General to report on WGTs" + mark(3) + " to the forum:"
    )
    assert _block_starting(blocks, "(a)").text == "(a) On its first meeting;"


def test_closing_meeting_and_its_date_are_one_block(blocks: list[Block]) -> None:
    body = [without_marks(b.text) for b in blocks if b.kind is BlockKind.PARAGRAPH]
    assert body[-1] == "50th plenary meeting 10 December 2099"


def test_footnotes_are_numbered_and_their_glued_markers_linked(blocks: list[Block]) -> None:
    notes = [(b.number, b.text, b.page) for b in blocks if b.kind is BlockKind.FOOTNOTE]
    assert notes == [(1, "A/98/123.", 1), (2, "See A/98/456, chap. II, sect. B.", 1), (3, "A/99/789.", 2)]
    recalling = _block_starting(blocks, "Recalling")
    assert recalling.text.endswith("on Widgets," + mark(1)) and recalling.markers == (1,)
    noting = _block_starting(blocks, "Noting")  # the marker follows the year: 2098 and 2
    assert "5 May 2098" + mark(2) + " and" in noting.text and noting.markers == (2,)
    assert _block_starting(blocks, "2. ").markers == (3,)


def test_segmenter_links_footnotes_both_ways(blocks: list[Block]) -> None:
    meta = DocumentMeta(doc_id="A/RES/99/12", title="Widgets", doc_type="resolution", symbol="A/RES/99/12")
    passages = Segmenter().segment(meta, blocks)
    assert [p.locator for p in passages if p.locator.startswith("para.")][:2] == ["para. 1", "para. 2"]
    for number, start in ((1, "Recalling"), (2, "Noting"), (3, "Requests")):
        note = next(p for p in passages if p.locator == f"footnote {number}")
        citing = [p for p in passages if note.passage_id in p.footnotes]
        assert [p.text.split()[0] for p in citing] == [start]
        assert note.cited_by == (citing[0].passage_id,)


def test_pypdf_spaces_inside_words_are_taken_out() -> None:
    pages = repair_pypdf_spacing(PYPDF_PAGES, SEAMS)
    assert "Secretary-General" in pages[1]
    # "ups" and "on" meet at a seam too, but "upson" occurs nowhere: they are two words.
    assert "3. Decides that judicial widgets are judicial matters, as follow ups on the request." in pages[2]


def test_numbers_of_any_length() -> None:
    page = (
        "United Nations  A/99/1234 \nDistr.: General \n99-12345 (E) \nThe General Assembly, \n"
        " 1234. Notes the thousandth report,1001 with thanks; \n__________________ \n 1001  A/99/1. "
    )
    blocks = official_blocks([page])
    assert blocks[-2].text == "1234. Notes the thousandth report," + mark(1001) + " with thanks;"
    assert (blocks[-1].kind, blocks[-1].number, blocks[-1].text) == (BlockKind.FOOTNOTE, 1001, "A/99/1.")


def test_text_reader_uses_the_official_path_for_un_text_layers(tmp_path: Path) -> None:
    path = tmp_path / "A_RES_99_12.txt"
    path.write_text(TXT_LAYER, encoding="utf-8")
    parsed = TextReader().read(path)
    assert parsed.hints == {}  # the masthead parser reads the masthead blocks
    assert _texts(list(parsed.blocks)) == _texts(official_blocks(split_text_pages(TXT_LAYER)))


def test_other_text_files_keep_the_prose_path(tmp_path: Path) -> None:
    path = tmp_path / "post.txt"
    path.write_text(
        "Widgets at the United Nations\n\nThe forum met in 2099.\n1. A numbered point.\n", encoding="utf-8"
    )
    parsed = TextReader().read(path)
    assert parsed.hints["heading_title"] == "Widgets at the United Nations"
