"""The official-document reading (ingest.readers.official) on the real UN texts of ../shared: the six
official PDFs against an independent extraction of them (fixtures/un-pdfs/reference), and the nine raw
`.txt` extracts of corpus/ict-resolutions, checked by hand."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from core.marks import MARK_PATTERN, mark, without_marks
from core.models import Block, BlockKind, DocumentMeta
from core.symbols import SYMBOL_PATTERN
from ingest.readers.pdf import PdfReader
from ingest.readers.text import TextReader
from ingest.segment import Segmenter

pytestmark = pytest.mark.corpus

# Reference name -> where its PDF is: ("corpus" | "fixtures", path inside).
REFERENCE_PDFS = {
    "A_RES_78_16": ("corpus", "ict-resolutions/A_RES_78_16.pdf"),
    "A_RES_78_237": ("corpus", "ict-resolutions/A_RES_78_237.pdf"),
    "A_RES_79_237": ("corpus", "ict-resolutions/A_RES_79_237.pdf"),
    "A_RES_79_243": ("corpus", "ict-resolutions/A_RES_79_243.pdf"),
    "A_C.1_80_L.20": ("corpus", "drafts/A_C.1_80_L.20.pdf"),
    "A_RES_80_16": ("fixtures", "un-pdfs/A_RES_80_16.pdf"),
}
# In 79/243 the reference numbers are those of the paragraphs of the annexed Convention's articles, which
# restart in every article: any block with that number may hold the reference's text.
NUMBERED_IN_ARTICLES = {"A_RES_79_243"}
TEXT_EXTRACTS = (
    "A_RES_73_266",
    "A_RES_73_27",
    "A_RES_74_28",
    "A_RES_74_29",
    "A_RES_75_240",
    "A_RES_75_32",
    "A_RES_76_19",
    "A_RES_77_36",
    "A_RES_77_37",
)

# Furniture a block must never be or hold.
JOB_NUMBER = re.compile(r"\b\d{2}-\d{4,6}\b(?:\s*\([A-Z]\))?")
BARCODE = re.compile(r"\*\d{6,9}\*")
PAGE_NUMBER = re.compile(r"\d+\s*/\s*\d+")
PAGE_FOOTER = re.compile(r"\b\d+/\d+\s+\d{2}-\d{5}\b|\b\d{2}-\d{5}\s+\d+/\d+\b")

# Cleaning the REFERENCE side. Its paragraphs were cut from the raw text layer by paragraph number, so
# they carry what the page layout put inside or after them; each rule below takes out one such leak:
# - a paragraph that runs over a page break holds the `____` rule with the footnotes under it, then the
#   next page's running head: the symbol and the running title (in either order), then the job number
#   and page number (in either order). The head always ends in that pair, and starts with the symbol or
#   the first words of the document's title, a few hundred characters before it at most;
# - a paragraph that ends a page holds that page's rule and footnotes up to its end;
# - the last paragraph holds the closing meeting lines ("50th (resumed) plenary meeting 22 December 2023");
# - in 79/243 an article's last paragraph holds the next article's heading ("Article 17", "Article 58
#   Secretariat"): a capitalised "Article(s) N" after which no sentence ends;
# - a compound's hyphen at a line end ("Open-\nended") was kept with a space after it ("Open- ended"):
#   UN documents are set without word-break hyphenation, so such a hyphen is always a compound's.
# What is compared then is exact: the reference text, whitespace normalised, must equal the reader's
# paragraph (its block numbered N and the sub-paragraph blocks that follow it up to the next numbered
# block or heading) word for word, each footnote sentinel standing where the reference has the marker's
# digits (glued or after one space).
# The job number and page number in either order; a resolution number just before the pair ("75/240
# 25-19974 2/2") is not a page number.
FOOTER_PAIR = r"(?:\d{2}-\d{5}\s+\d+/\d+|\d+/\d+\s+\d{2}-\d{5}(?!\s+\d+/\d+))"
RULE_TO_END = re.compile(r"\s*_{5,}.*$")
CLOSING_LINES = re.compile(r"\s*\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary meeting\b.*$")
NEXT_ARTICLE_HEADING = re.compile(r"\s+Articles?\s+\d+\b[^.;:]*$")
SPACED_COMPOUND_HYPHEN = re.compile(r"(?<=\w)- (?=\w)")


def _pdf_path(name: str, shared_corpus: Path, shared_fixtures: Path) -> Path:
    root, inside = REFERENCE_PDFS[name]
    return (shared_corpus if root == "corpus" else shared_fixtures) / inside


@functools.cache
def _blocks(path: Path) -> tuple[Block, ...]:
    reader = PdfReader() if path.suffix == ".pdf" else TextReader()
    return reader.read(path).blocks


def _running_head(symbol: str, title: str) -> re.Pattern[str]:
    symbol_part = re.escape(symbol)
    first_words = r"\s+".join(re.escape(w) for w in re.sub(r"^\d+/\d+\.\s+", "", title).split()[:4])
    return re.compile(
        rf"(?:\s*_{{5,}}.{{0,1500}}?)?\s*(?:{symbol_part}\s+)?(?:{first_words}.{{0,400}}?)?"
        rf"(?:{symbol_part}\s+)?{FOOTER_PAIR}"
    )


def _clean_reference(text: str, symbol: str, title: str) -> str:
    text = " ".join(text.split())
    text = _running_head(symbol, title).sub("", text)
    for leak in (RULE_TO_END, CLOSING_LINES, NEXT_ARTICLE_HEADING):
        text = leak.sub("", text)
    return " ".join(SPACED_COMPOUND_HYPHEN.sub("-", text).split())


def _paragraphs(blocks: tuple[Block, ...]) -> list[tuple[int, str]]:
    """(number, text) of each numbered block with the sub-paragraphs and unnumbered continuations after
    it, up to the next numbered block, heading or closing line; footnotes in between are not its text."""
    numbered = re.compile(r"^(\d+)\.\s+")
    paragraphs: list[tuple[int, list[str]]] = []
    for block in blocks:
        text = without_marks(block.text)
        if block.kind is BlockKind.FOOTNOTE:
            continue
        if block.kind is BlockKind.HEADING or CLOSING_LINES.match(text):
            paragraphs.append((0, []))
        elif match := numbered.match(text):
            paragraphs.append((int(match.group(1)), [block.text[match.end() :]]))
        elif paragraphs and paragraphs[-1][0]:
            paragraphs[-1][1].append(block.text)
    return [(number, " ".join(" ".join(parts).split())) for number, parts in paragraphs if number]


def _as_pattern(text: str) -> re.Pattern[str]:
    """Our text as a pattern over the reference: words exact, spaces any, a sentinel its marker's digits."""
    pieces = MARK_PATTERN.split(text)
    parts = []
    for index, piece in enumerate(pieces):
        if index % 2:
            parts.append(rf"\s?{piece}")
        else:
            parts.append(r"\s+".join(re.escape(word) for word in piece.split(" ")))
    return re.compile("".join(parts))


@pytest.mark.parametrize("name", REFERENCE_PDFS)
def test_every_reference_paragraph_is_a_block_with_its_number_and_words(
    name: str, shared_corpus: Path, shared_fixtures: Path
) -> None:
    reference = json.loads(
        (shared_fixtures / "un-pdfs" / "reference" / f"{name}.json").read_text(encoding="utf-8")
    )
    ours = _paragraphs(_blocks(_pdf_path(name, shared_corpus, shared_fixtures)))
    assert reference["paragraphs"], name
    for number, raw in reference["paragraphs"].items():
        expected = _clean_reference(raw, reference["symbol"], reference["title"])
        candidates = [text for n, text in ours if n == int(number)]
        if name not in NUMBERED_IN_ARTICLES:
            candidates = candidates[:1]  # the resolution's own paragraph N: the first numbered N
        assert any(_as_pattern(text).fullmatch(expected) for text in candidates), (
            f"{name} para. {number}: {expected[:120]!r} not among {[c[:120] for c in candidates]}"
        )


def _all_files(shared_corpus: Path, shared_fixtures: Path) -> list[Path]:
    pdfs = [_pdf_path(name, shared_corpus, shared_fixtures) for name in REFERENCE_PDFS]
    return pdfs + [shared_corpus / "ict-resolutions" / f"{name}.txt" for name in TEXT_EXTRACTS]


def test_no_block_is_page_furniture(shared_corpus: Path, shared_fixtures: Path) -> None:
    for path in _all_files(shared_corpus, shared_fixtures):
        blocks = _blocks(path)
        texts = [without_marks(b.text) for b in blocks]
        symbol = texts[1]  # the masthead: "United Nations", then the document's own symbol
        assert SYMBOL_PATTERN.fullmatch(symbol), (path.name, texts[:3])
        body_start = texts.index("The General Assembly,")
        masthead = " ".join(texts[:body_start])
        for index, text in enumerate(texts):
            where = f"{path.name} block {index}: {text[:80]!r}"
            assert not JOB_NUMBER.search(text) and not BARCODE.search(text), where
            assert not PAGE_NUMBER.fullmatch(text) and not PAGE_FOOTER.search(text), where
            assert "____" not in text and "please recycle" not in text.lower(), where
            if index >= body_start:  # a running head: the symbol, or the title's lines at a page's top
                assert symbol not in text, where
                page_top = blocks[index].page != blocks[index - 1].page
                assert not (page_top and text in masthead), where


# Checked by reading each file: (operative paragraph's opening, footnote number, footnote text, text
# just before that footnote's marker, text just after it).
HAND_CHECKED = {
    "A_RES_73_266": (
        "1. Calls upon Member States:",
        3,
        "A/70/174.",
        "2013" + mark(2) + " and 2015",
        " reports",
    ),
    "A_RES_73_27": (
        "7. Further decides to include",
        4,
        "See Official Records of the General Assembly,",
        "5 July 2012",
        " and 26/13",
    ),
    "A_RES_74_28": (
        "1. Calls upon Member States:",
        2,
        "A/68/98.",
        "the 2010," + mark(1) + " 2013",
        " and 2015",
    ),
    "A_RES_74_29": ("1. Welcomes the launch of the negotiation process", None, "", "", ""),
    "A_RES_75_240": (
        "1. Decides to convene, starting from 2021,",
        1,
        "A/70/174.",
        "in its 2015 report,",
        " identified",
    ),
    "A_RES_75_32": ("1. Calls upon Member States:", 1, "A/65/201.", "Security and the 2010,", " 2013"),
    "A_RES_76_19": (
        "1. Recognizes the adoption of the consensus",
        2,
        "A/75/816.",
        "in the Context of International Security;",
        "",
    ),
    "A_RES_77_36": (
        "2. Welcomes the adoption by consensus",
        1,
        "A/77/275.",
        "of the Open-ended Working Group,",
        " and takes note",
    ),
    "A_RES_77_37": (
        "1. Welcomes the proposal to establish",
        2,
        "See A/77/275.",
        "technologies 2021–2025,",
        " in particular",
    ),
}


@pytest.mark.parametrize("name", TEXT_EXTRACTS)
def test_hand_checked_paragraph_and_footnote(name: str, shared_corpus: Path) -> None:
    opening, number, note_text, before, after = HAND_CHECKED[name]
    blocks = _blocks(shared_corpus / "ict-resolutions" / f"{name}.txt")
    assert any(b.kind is BlockKind.PARAGRAPH and b.text.startswith(opening) for b in blocks), opening
    notes = {b.number: b.text for b in blocks if b.kind is BlockKind.FOOTNOTE}
    if number is None:
        assert not notes  # the file has no footnotes
        return
    assert notes[number].startswith(note_text)
    citing = [b for b in blocks if number in b.markers]
    assert any(before + mark(number) + after in b.text for b in citing), [b.text[:80] for b in citing]


@pytest.mark.parametrize("path", ["ict-resolutions/A_RES_73_27.txt", "ict-resolutions/A_RES_78_237.pdf"])
def test_segmenter_links_footnotes_both_ways(path: str, shared_corpus: Path) -> None:
    blocks = _blocks(shared_corpus / path)
    meta = DocumentMeta(doc_id="doc", title="doc", doc_type="resolution", symbol="doc")
    passages = Segmenter().segment(meta, blocks)
    by_id = {p.passage_id: p for p in passages}
    notes = [p for p in passages if p.is_footnote]
    defined = {b.number for b in blocks if b.kind is BlockKind.FOOTNOTE}
    assert {int(p.locator.split()[1]) for p in notes} == defined
    for note in notes:
        assert note.cited_by, note.locator
        assert all(note.passage_id in by_id[pid].footnotes for pid in note.cited_by)
