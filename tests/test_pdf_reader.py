"""The PDF reader on real PDFs drawn with fpdf2 in the layout of UN documents (synthetic text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ReadError
from core.marks import without_marks
from core.models import BlockKind, ParsedFile, Passage
from corpus.manifest import Manifest
from ingest.metadata import MetadataResolver
from ingest.pipeline import Ingestor
from ingest.readers import reader_for
from ingest.readers.pdf import PdfReader
from ingest.segment import Segmenter
from tests.fakes import HashEmbedder
from tests.pdf_factory import (
    Heading,
    Page,
    Para,
    UnDocument,
    write_drawing_only_pdf,
    write_encrypted_pdf,
    write_un_pdf,
)

RESOLUTION = UnDocument(
    symbol="A/RES/99/12",
    date="5 December 2099",
    title="Example measures on widget security",
    job_number="99-12345 (E)",
    pages=[
        Page(
            [
                Para(["The General Assembly,"]),
                Para(["Recalling its resolution 98/4 on widget security,^1"]),
                Para(
                    [
                        "1.  Decides to establish a permanent widget mechanism with two dedi-",
                        "cated thematic groups and non-",
                        "governmental participation;^2",
                    ]
                ),
                Para(["2.  Requests the Secretary-General to report on the mechanism at its", "next session, taking into account"]),
            ],
            footnotes=[(1, "Resolution 98/4 of the ninety-eighth session."), (2, "Adopted by a recorded vote of 150 to 3.")],
        ),
        Page(
            [
                Para(["the views of Member States;"]),
                Para(["3.  Decides to remain seized of the matter."]),
                Heading("Annex I"),
                Para(["1.  The mechanism shall meet annually in a plenary session."]),
                Para(["2.  Its groups shall report to the plenary:"]),
                Para(["(a)  On their work over the year;"]),
                Para(["(b)  On proposals for the next cycle."]),
            ]
        ),
    ],
)

REPORT = UnDocument(
    symbol="A/99/300",
    date="28 July 2099",
    title="Report of the example working group",
    job_number="99-54321 (E)",
    running_title="Example working group",
    pages=[
        Page([Para(["1.  The working group met in four sessions during the year."])]),
        Page(
            [
                Para(["2.  At its third session the group discussed confidence-building measures, and", "the"]),
            ]
        ),
        Page(
            [
                Para(["Member States agreed to a directory of points of contact.^3"]),
                Para(["3.  The group recommends a standing agenda item."]),
            ],
            footnotes=[(3, "Supported by Exampleland and Otherland.")],
        ),
        Page(
            [
                Para(["4.  The group adopted this report by consensus."]),
            ]
        ),
    ],
)

ANALYSIS = UnDocument(
    symbol="",
    date="",
    title="An example analysis of widget negotiations",
    pages=[
        Page(
            [
                Heading("2 The negotiations"),
                Para(["The negotiations lasted four years and produced two reports."]),
                Heading("2.4 Dedicated groups"),
                Para(["Delegations debated how many groups to create.^7"]),
                Para(["Most preferred two groups with distinct mandates."]),
            ],
            footnotes=[(7, "Exampleland and Otherland argued for three groups.")],
        )
    ],
)


def _read(document: UnDocument, tmp_path: Path, name: str = "doc.pdf") -> ParsedFile:
    return PdfReader().read(write_un_pdf(document, tmp_path / name))


def _passages(parsed: ParsedFile) -> dict[str, Passage]:
    meta = MetadataResolver(Manifest.load()).describe(parsed)
    return {p.locator: p for p in Segmenter().segment(meta, parsed.blocks)}


def _all_text(parsed: ParsedFile) -> str:
    return "\n".join(without_marks(b.text) for b in parsed.blocks)


def test_masthead_gives_symbol_and_date_and_is_not_body_text(tmp_path: Path) -> None:
    parsed = _read(RESOLUTION, tmp_path)
    assert parsed.hints["printed_symbol"] == "A/RES/99/12"
    assert parsed.hints["date"] == "5 December 2099"
    meta = MetadataResolver(Manifest.load()).describe(parsed)
    assert (meta.doc_id, meta.doc_type, meta.date) == ("A/RES/99/12", "resolution", "2099-12-05")
    text = _all_text(parsed)
    for furniture in ("United Nations", "Distr.", "99-12345", "*9912345*", "1/2", "2/2"):
        assert furniture not in text
    assert "A/RES/99/12" not in text  # the page 2 running header is gone too


def test_resolution_locators_hyphenation_and_page_breaks(tmp_path: Path) -> None:
    passages = _passages(_read(RESOLUTION, tmp_path))
    assert passages["preamble"].text == "Recalling its resolution 98/4 on widget security,"
    assert passages["para. 1"].text == (
        "Decides to establish a permanent widget mechanism with two dedicated thematic groups "
        "and non-governmental participation;"
    )
    # Paragraph 2 runs over the page break, past the first page's footnotes.
    assert passages["para. 2"].text.endswith("taking into account the views of Member States;")
    assert passages["para. 3"].text == "Decides to remain seized of the matter."
    # The annex restarts the numbering.
    assert passages["Annex I, para. 1"].text == "The mechanism shall meet annually in a plenary session."
    assert "(a) On their work over the year;" in passages["Annex I, para. 2"].text


def test_footnotes_from_superscript_markers_are_linked_both_ways(tmp_path: Path) -> None:
    passages = _passages(_read(RESOLUTION, tmp_path))
    vote = passages["footnote 2"]
    assert vote.text == "Adopted by a recorded vote of 150 to 3."
    assert vote.cited_by == (passages["para. 1"].passage_id,)
    assert passages["para. 1"].footnotes == (vote.passage_id,)
    assert passages["preamble"].footnotes == (passages["footnote 1"].passage_id,)
    assert "150 to 3" not in passages["para. 1"].text


def test_running_titles_repeated_on_most_pages_are_dropped(tmp_path: Path) -> None:
    parsed = _read(REPORT, tmp_path)
    assert "Example working group" not in _all_text(parsed)
    assert parsed.hints["heading_title"] == "Report of the example working group"
    passages = _passages(parsed)
    # Cut after "and the" at a page end, the sentence resumes on the next page after the running title.
    assert passages["para. 2"].text == (
        "At its third session the group discussed confidence-building measures, and the "
        "Member States agreed to a directory of points of contact."
    )
    assert passages["footnote 3"].cited_by == (passages["para. 2"].passage_id,)
    assert [loc for loc in passages if loc.startswith("para.")] == ["para. 1", "para. 2", "para. 3", "para. 4"]


def test_analysis_headings_give_section_locators(tmp_path: Path) -> None:
    parsed = _read(ANALYSIS, tmp_path, "analysis.pdf")
    headings = [b.text for b in parsed.blocks if b.kind is BlockKind.HEADING]
    assert headings == ["An example analysis of widget negotiations", "2 The negotiations", "2.4 Dedicated groups"]
    passages = _passages(parsed)
    section = [p for loc, p in passages.items() if loc.startswith("section 2.4")]
    assert section and "how many groups" in section[0].text
    assert passages["footnote 7"].cited_by == (section[0].passage_id,)


def test_encrypted_pdf_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = write_encrypted_pdf(RESOLUTION, tmp_path / "locked.pdf")
    with pytest.raises(ReadError, match=r"locked\.pdf: encrypted PDF \(needs a password\)"):
        PdfReader().read(path)


def test_image_only_pdf_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = write_drawing_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReadError, match=r"no extractable text \(scanned or image-only PDF\?\)"):
        PdfReader().read(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"this is plain text, not a PDF", "not a valid PDF"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "not a valid PDF"),
    ],
)
def test_broken_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason) as caught:
        reader_for(path).read(path)
    assert "broken.pdf" in str(caught.value)


def test_ingest_of_pdfs_among_other_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_un_pdf(RESOLUTION, corpus / "resolution.pdf")
    write_encrypted_pdf(RESOLUTION, corpus / "locked.pdf")
    (corpus / "note.md").write_text("# A synthetic note\n\nWidgets are discussed here.\n", encoding="utf-8")
    report = Ingestor(tmp_path / "index", HashEmbedder()).ingest([corpus])
    summary = report.to_json()
    assert summary["failed"] == [{"path": str(corpus / "locked.pdf"), "error": "encrypted PDF (needs a password)"}]
    assert summary["added"] == 2


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_un_pdf(RESOLUTION, tmp_path_factory.mktemp("fuzz") / "seed.pdf").read_bytes()


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6))
def test_mutated_pdfs_end_in_blocks_or_one_clear_error(
    edits: list[tuple[float, bytes]], seed_pdf: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = bytearray(seed_pdf)
    for where, replacement in edits:
        start = int(where * (len(data) - 1))
        data[start : start + len(replacement)] = replacement
    path = tmp_path_factory.getbasetemp() / "mutant.pdf"
    path.write_bytes(bytes(data))
    try:
        parsed = PdfReader().read(path)
    except ReadError as error:
        assert str(error).startswith(str(path))
    else:
        assert parsed.blocks and all(b.text for b in parsed.blocks)
