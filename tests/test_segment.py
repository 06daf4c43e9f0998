"""Locators and exact text from the segmenter, on synthetic block streams."""

from __future__ import annotations

import re

import pytest

from core.models import Block, BlockKind, DocumentMeta
from ingest.segment import Segmenter

P, H, LI, F = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.ITEM, BlockKind.FOOTNOTE


def meta(doc_type: str, symbol: str | None = "A/RES/99/7", short_title: str | None = None) -> DocumentMeta:
    return DocumentMeta(doc_id=symbol or "example", title="Example", doc_type=doc_type, symbol=symbol, short_title=short_title)


def cite(passages: list) -> list[tuple[str, str]]:
    return [(p.locator, p.text) for p in passages]


def test_resolution_header_preamble_paragraphs_and_annex() -> None:
    blocks = [
        Block(P, "United Nations"),
        Block(P, "Resolution adopted by the General Assembly on 1 December 2099"),
        Block(P, "99/7. Working group on example matters The General Assembly,"),
        Block(P, "Recalling its resolution 98/1,"),
        Block(P, "Noting the report of the working group,"),
        Block(P, "1. Decides to endorse the report;"),
        Block(P, "2. Requests the Secretary-General:"),
        Block(P, "(a) To support the working group;"),
        Block(P, "(b) To report back;"),
        Block(P, "40th plenary meeting 1 December 2099"),
        Block(H, "Annex I"),
        Block(P, "1. The group shall meet annually."),
        Block(P, "2. It shall decide by consensus."),
    ]
    passages = Segmenter().segment(meta("resolution"), blocks)
    assert cite(passages) == [
        (
            "header",
            "United Nations\nResolution adopted by the General Assembly on 1 December 2099\n"
            "99/7. Working group on example matters The General Assembly,\n40th plenary meeting 1 December 2099",
        ),
        ("preamble", "Recalling its resolution 98/1,"),
        ("preamble", "Noting the report of the working group,"),
        ("para. 1", "Decides to endorse the report;"),
        ("para. 2", "Requests the Secretary-General:\n(a) To support the working group;\n(b) To report back;"),
        ("Annex I, para. 1", "The group shall meet annually."),
        ("Annex I, para. 2", "It shall decide by consensus."),
    ]
    assert passages[4].citation == "A/RES/99/7, para. 2"
    assert [p.ordinal for p in passages] == list(range(len(passages)))


def test_long_paragraph_with_sub_paragraphs_is_cited_per_sub_paragraph() -> None:
    long_sub = "(a) " + " ".join(f"The mechanism shall consider item {i} in detail." for i in range(12))
    blocks = [
        Block(H, "Annex C Elements of the example mechanism"),
        *[Block(P, f"{n}. Paragraph {n} of the annex.") for n in range(1, 12)],
        Block(P, "12. The structure of the mechanism shall comprise:"),
        Block(P, long_sub),
        Block(P, "(b) Dedicated thematic groups."),
    ]
    passages = Segmenter(max_chars=300).segment(meta("report", "A/99/214"), blocks)
    located = [p for p in passages if p.locator.startswith("Annex C, para. 12")]
    assert [p.locator for p in located][0] == "Annex C, para. 12"
    assert {p.locator for p in located} == {"Annex C, para. 12", "Annex C, para. 12(a)", "Annex C, para. 12(b)"}
    sub_a = [p for p in located if p.locator == "Annex C, para. 12(a)"]
    assert len(sub_a) > 1, "a sub-paragraph longer than max_chars is split"
    assert " ".join(p.text for p in sub_a) == long_sub
    assert all(len(p.text) <= 300 for p in sub_a)
    assert all(re.search(r"[.;:]$", p.text) for p in sub_a), "split only at sentence ends"
    assert "The structure of the mechanism shall comprise:" in sub_a[0].context
    assert passages[0].citation == "A/99/214, Annex C, para. 1"


def test_analysis_sections_footnotes_and_continuation_across_a_footnote_block() -> None:
    blocks = [
        Block(H, "An Analysis", level=1),
        Block(P, "Example Institute"),
        Block(H, "2.4. Final consolidation", level=2),
        Block(P, "States adopted two resolutions by vote. The adoption of both proposals", markers=(31, 32)),
        Block(F, "Resolution 1 was adopted by 150 votes to 7.", number=31),
        Block(F, "For example, Ruritania and Freedonia.", number=32),
        Block(P, "raised concerns about a dual track."),
        Block(P, "Discussions then narrowed, clustered around approaches:"),
        Block(LI, "a. Cross-cutting approaches"),
        Block(LI, "b. Pillar-based approaches"),
        Block(H, "Timeline of events", level=3),
        Block(P, "A figure-free paragraph still in section 2.4."),
        Block(H, "3. Trends", level=2),
        Block(P, "A trend."),
    ]
    passages = Segmenter().segment(meta("analysis", None, "Example chapter"), blocks)
    assert cite(passages) == [
        ("header", "An Analysis\nExample Institute"),
        (
            "section 2.4",
            "States adopted two resolutions by vote. The adoption of both proposals raised concerns about a dual track.",
        ),
        ("footnote 31", "Resolution 1 was adopted by 150 votes to 7."),
        ("footnote 32", "For example, Ruritania and Freedonia."),
        ("section 2.4", "Discussions then narrowed, clustered around approaches:\na. Cross-cutting approaches\nb. Pillar-based approaches"),
        ("section 2.4", "A figure-free paragraph still in section 2.4."),
        ("section 3", "A trend."),
    ]
    body, note31, note32 = passages[1], passages[2], passages[3]
    assert body.footnotes == (note31.passage_id, note32.passage_id)
    assert note32.cited_by == (body.passage_id,)
    assert note32.citation == "Example chapter, footnote 32"
    assert body.context == "2.4. Final consolidation"


def test_commentary_paragraphs_in_reading_order() -> None:
    blocks = [
        Block(H, "An Example Commentary", level=1),
        Block(P, "First paragraph."),
        Block(H, "A Subheading", level=2),
        Block(P, "Second paragraph lists:"),
        Block(LI, "one"),
        Block(LI, "two"),
        Block(P, "Third paragraph."),
    ]
    passages = Segmenter().segment(meta("commentary", None, "Example blog"), blocks)
    assert cite(passages) == [
        ("para. 1", "First paragraph."),
        ("para. 2", "Second paragraph lists:\none\ntwo"),
        ("para. 3", "Third paragraph."),
    ]
    assert passages[1].context == "A Subheading"


def test_long_paragraph_splits_only_at_sentence_boundaries() -> None:
    sentences = [f"Sentence number {i} mentions the example mechanism, e.g. its cycle." for i in range(40)]
    text = " ".join(sentences)
    passages = Segmenter(max_chars=500).segment(meta("commentary", None), [Block(P, text)])
    assert len(passages) > 1
    assert {p.locator for p in passages} == {"para. 1"}
    assert " ".join(p.text for p in passages) == text
    for p in passages:
        assert p.text.endswith("cycle.") and p.text.startswith("Sentence number")


def test_max_chars_is_validated() -> None:
    with pytest.raises(ValueError, match="max_chars must be at least 200, got 10"):
        Segmenter(max_chars=10)


def test_inline_markers_give_each_footnote_its_sentence() -> None:
    from core.marks import mark

    long_first = "States voted twice on example matters. " * 20
    blocks = [
        Block(H, "1. Votes", level=2),
        Block(P, f"{long_first}The first vote passed.{mark(1)} Some opposed{mark(2)} the second.", markers=(1, 2)),
        Block(F, "Adopted by 150 votes to 7.", number=1),
        Block(F, "For example, Ruritania.", number=2),
    ]
    passages = Segmenter(max_chars=400).segment(meta("analysis", None, "Example chapter"), blocks)
    body = [p for p in passages if p.locator == "section 1"]
    assert len(body) > 1
    last = body[-1]
    note1, note2 = (p for p in passages if p.is_footnote)
    assert last.text.endswith("The first vote passed. Some opposed the second.")
    offsets = dict(last.footnote_marks)
    assert last.text[: offsets[note1.passage_id]].endswith("The first vote passed.")
    assert last.text[: offsets[note2.passage_id]].endswith("Some opposed")
    assert all(not p.footnotes for p in body[:-1]), "only the piece holding the markers cites the footnotes"
    assert note1.cited_by == note2.cited_by == (last.passage_id,)


def test_sub_paragraph_marker_glued_to_its_text_still_opens_a_sub_paragraph() -> None:
    """Extraction sometimes loses the space after "(b)"; the sub-paragraph keeps its own locator."""
    chapeau = "Requests the Secretary-General to report on the example matters set out below, namely:"
    blocks = [
        Block(P, f"1. {chapeau}"),
        Block(P, "(a) The progress made by the working group in its first year of work on example matters;"),
        Block(P, "(b)The resources that the working group needs for its second year of work on example matters."),
    ]
    passages = Segmenter(max_chars=200).segment(meta("report", "A/99/9"), blocks)
    assert [p.locator for p in passages] == ["para. 1", "para. 1(a)", "para. 1(b)"]
