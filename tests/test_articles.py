"""Article-structured instruments (a convention annexed to a resolution) and paragraph numbers past 999,
on synthetic block streams; the real A/RES/79/243 at the end (skipped without the shared corpus)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from core.models import Block, BlockKind, DocumentMeta, Passage
from ingest.readers import reader_for
from ingest.segment import Segmenter

P, H, F = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.FOOTNOTE
RESOLUTION = DocumentMeta(
    doc_id="A/RES/99/7", symbol="A/RES/99/7", doc_type="resolution", title="Example convention"
)

RESOLUTION_PART = [
    Block(P, "United Nations"),
    Block(P, "Resolution adopted by the General Assembly on 3 December 2099"),
    Block(P, "99/7. Convention on Example Matters The General Assembly,"),
    Block(P, "Recalling its resolution 98/2,"),
    Block(P, "1. Adopts the Convention on Example Matters annexed to the present resolution;"),
    Block(P, "2. Invites all States to sign it;"),
    Block(P, "60th plenary meeting 3 December 2099"),
]
CONVENTION = [
    Block(H, "Annex"),
    Block(P, "Convention on Example Matters"),
    Block(H, "Preamble"),
    Block(P, "The States Parties to the present Convention,"),
    Block(P, "Noting the value of example matters,"),
    Block(P, "Have agreed as follows:"),
    Block(H, "Chapter I"),
    Block(H, "General provisions"),
    Block(H, "Article 1"),  # a reader that recognises headings
    Block(H, "Purpose"),
    Block(P, "The purpose of this Convention is to promote example matters."),
    Block(P, "Article 2"),  # a reader that gives the heading and its title as short paragraphs
    Block(P, "Use of terms"),
    Block(P, "For the purposes of this Convention:"),
    Block(P, "(a) “Example” shall mean any instance of a kind;"),
    Block(P, "(b) “Registry” shall mean a body that:"),
    Block(P, "(i) Keeps records of examples; or"),
    Block(P, "(ii) Publishes such records;"),
    Block(P, "(c) “Period” shall mean one calendar year."),
    Block(P, "Chapter II Cooperation"),  # heading and title glued on one line
    Block(P, "Article 3 Exchange of information"),
    Block(P, "1. States Parties shall exchange information on example matters."),
    Block(P, "2. Each State Party shall designate:"),
    Block(P, "(a) A point of contact; and"),
    Block(P, "(b) An alternate point of contact."),
    Block(
        P,
        "3. (a) A State Party may limit the exchange to information that is already public, if it states the limit in writing;",
    ),
    Block(
        P,
        "(b) A State Party that limits the exchange under subparagraph (a) shall notify the depositary and review the limit.",
    ),
    Block(P, "Article 4 Depositary"),
    Block(P, "1. The Secretary-General is the depositary of this Convention."),
    Block(P, "2. The texts in all six languages are equally authentic."),
    Block(H, "Annex"),
    Block(H, "Interpretative notes on specific articles of the Convention"),
    Block(H, "Article 2"),
    Block(P, "1. The term “registry” includes bodies that keep records electronically."),
    Block(P, "Articles 3 and 4, with regard to the term “information”"),
    Block(P, "2. Information covers data in any form."),
]


def located(passages: list[Passage]) -> list[tuple[str, str]]:
    return [(p.locator, p.text) for p in passages]


def test_resolution_paragraphs_then_convention_articles_then_interpretative_notes() -> None:
    passages = Segmenter().segment(RESOLUTION, RESOLUTION_PART + CONVENTION)
    assert located(passages) == [
        (
            "header",
            "United Nations\nResolution adopted by the General Assembly on 3 December 2099\n"
            "99/7. Convention on Example Matters The General Assembly,\n60th plenary meeting 3 December 2099",
        ),
        ("preamble", "Recalling its resolution 98/2,"),
        ("para. 1", "Adopts the Convention on Example Matters annexed to the present resolution;"),
        ("para. 2", "Invites all States to sign it;"),
        ("annex, preamble", "The States Parties to the present Convention,"),
        ("annex, preamble", "Noting the value of example matters,"),
        ("annex, preamble", "Have agreed as follows:"),
        ("annex, art. 1", "The purpose of this Convention is to promote example matters."),
        (
            "annex, art. 2",
            "For the purposes of this Convention:\n(a) “Example” shall mean any instance of a kind;\n"
            "(b) “Registry” shall mean a body that:\n(i) Keeps records of examples; or\n(ii) Publishes such records;\n"
            "(c) “Period” shall mean one calendar year.",
        ),
        ("annex, art. 3, para. 1", "States Parties shall exchange information on example matters."),
        (
            "annex, art. 3, para. 2",
            "Each State Party shall designate:\n(a) A point of contact; and\n(b) An alternate point of contact.",
        ),
        (
            "annex, art. 3, para. 3",
            "(a) A State Party may limit the exchange to information that is already public, if it states the limit in writing;\n"
            "(b) A State Party that limits the exchange under subparagraph (a) shall notify the depositary and review the limit.",
        ),
        ("annex, art. 4, para. 1", "The Secretary-General is the depositary of this Convention."),
        ("annex, art. 4, para. 2", "The texts in all six languages are equally authentic."),
        (
            "annex, interpretative notes, para. 1",
            "The term “registry” includes bodies that keep records electronically.",
        ),
        ("annex, interpretative notes, para. 2", "Information covers data in any form."),
    ]
    by_locator = {p.locator: p for p in passages}
    assert by_locator["annex, art. 3, para. 2"].citation == "A/RES/99/7, annex, art. 3, para. 2"
    assert by_locator["annex, art. 1"].context == "Chapter I General provisions; Article 1 Purpose"
    assert by_locator["annex, art. 2"].context == "Chapter I General provisions; Article 2 Use of terms"
    assert by_locator["annex, art. 4, para. 1"].context == "Chapter II Cooperation; Article 4 Depositary"
    notes = [p for p in passages if "interpretative notes" in p.locator]
    assert [p.context for p in notes] == [
        "Article 2; Interpretative notes on specific articles of the Convention",
        "Articles 3 and 4, with regard to the term “information”; Interpretative notes on specific articles of the Convention",
    ]


def test_sub_paragraphs_are_cited_alone_when_the_paragraph_is_too_long_to_quote_whole() -> None:
    """A paragraph that fits is quoted whole, chapeau and all; a longer one is cited per sub-paragraph,
    and a roman sub-sub-paragraph stays with the letter it divides."""
    passages = Segmenter(max_chars=200).segment(RESOLUTION, RESOLUTION_PART + CONVENTION)
    article_2 = [(p.locator, p.text) for p in passages if p.locator.startswith("annex, art. 2")]
    assert article_2 == [
        ("annex, art. 2", "For the purposes of this Convention:"),
        ("annex, art. 2(a)", "(a) “Example” shall mean any instance of a kind;"),
        (
            "annex, art. 2(b)",
            "(b) “Registry” shall mean a body that:\n(i) Keeps records of examples; or\n(ii) Publishes such records;",
        ),
        ("annex, art. 2(c)", "(c) “Period” shall mean one calendar year."),
    ]
    paragraph_3 = [p for p in passages if p.locator.startswith("annex, art. 3, para. 3")]
    assert [p.locator for p in paragraph_3] == ["annex, art. 3, para. 3(a)", "annex, art. 3, para. 3(b)"]
    assert paragraph_3[1].citation == "A/RES/99/7, annex, art. 3, para. 3(b)"
    assert "Article 3 Exchange of information" in paragraph_3[1].context


def test_letter_i_after_h_is_a_sub_paragraph_not_a_roman_numeral() -> None:
    letters = "abcdefghij"
    blocks = [
        Block(P, "Article 1 Terms"),
        Block(P, "For the purposes of this example:"),
        *[
            Block(
                P,
                f"({letter}) “Term {letter}” shall mean the {letter} kind of example, as set out in this text;",
            )
            for letter in letters
        ],
        Block(P, "Article 2 Scope"),
        Block(P, "This example applies everywhere."),
    ]
    passages = Segmenter(max_chars=200).segment(RESOLUTION, blocks)
    assert [p.locator for p in passages] == ["art. 1", *[f"art. 1({letter})" for letter in letters], "art. 2"]


def test_a_document_that_only_mentions_articles_keeps_its_paragraph_numbers() -> None:
    blocks = [
        Block(P, "The General Assembly,"),
        Block(P, "1. Recalls article 1 of the Charter;"),
        Block(P, "Article 2 of the Charter"),
        Block(P, "2. Notes the principles of article 2;"),
    ]
    passages = Segmenter().segment(RESOLUTION, blocks)
    assert [p.locator for p in passages] == ["header", "para. 1", "para. 2"]


def test_footnotes_inside_articles_keep_their_numbers() -> None:
    blocks = [
        Block(P, "Article 1 Purpose"),
        Block(P, "The purpose is set out in an earlier instrument.", markers=(1,)),
        Block(F, "Example instrument, done at Example City.", number=1),
        Block(P, "Article 2 Entry into force"),
        Block(P, "1. This example enters into force at once."),
    ]
    passages = Segmenter().segment(RESOLUTION, blocks)
    assert located(passages) == [
        ("art. 1", "The purpose is set out in an earlier instrument."),
        ("footnote 1", "Example instrument, done at Example City."),
        ("art. 2, para. 1", "This example enters into force at once."),
    ]
    assert passages[0].footnotes == (passages[1].passage_id,)


def test_paragraph_numbers_past_999_keep_their_numbers() -> None:
    report = DocumentMeta(
        doc_id="A/99/1000", symbol="A/99/1000", doc_type="report", title="A long example report"
    )
    blocks = [Block(P, f"{n}. The example body considered item {n}.") for n in range(1, 1003)]
    blocks.insert(
        1000, Block(P, "2019. was the year in which the item was first considered.")
    )  # a year, not a paragraph
    passages = Segmenter().segment(report, blocks)
    by_locator = {p.locator: p.text for p in passages}
    assert by_locator["para. 999"] == "The example body considered item 999."
    assert (
        by_locator["para. 1000"]
        == "The example body considered item 1000.\n2019. was the year in which the item was first considered."
    )
    assert by_locator["para. 1002"] == "The example body considered item 1002."
    assert len(passages) == 1002


def test_a_year_at_a_line_start_does_not_make_a_commentary_numbered() -> None:
    commentary = DocumentMeta(doc_id="example-blog", title="An example blog", doc_type="commentary")
    blocks = [Block(P, "The example body met again."), Block(P, "2024. The year the example body first met.")]
    passages = Segmenter().segment(commentary, blocks)
    assert [p.locator for p in passages] == ["para. 1", "para. 2"]


@pytest.mark.corpus
def test_the_cybercrime_convention_is_cited_by_article(shared_corpus: Path) -> None:
    path = shared_corpus / "ict-resolutions" / "A_RES_79_243.pdf"
    meta = DocumentMeta(
        doc_id="A/RES/79/243",
        symbol="A/RES/79/243",
        doc_type="resolution",
        title="United Nations Convention against Cybercrime",
    )
    passages = Segmenter().segment(meta, reader_for(path).read(path).blocks)
    text = {
        locator: " ".join(p.text for p in passages if p.locator == locator)
        for locator in {p.locator for p in passages}
    }
    assert "para. 12" in text and "International Anti-Cybercrime Day" in text["para. 12"]
    assert "purposes of this Convention" in text["annex, art. 1"]
    assert "each State Party shall apply the powers and procedures" in text["annex, art. 23, para. 2"]
    assert "designated depositary" in text["annex, art. 68, para. 1"]
    assert not any(locator.startswith("annex, art. 69") for locator in text)
    assert "article 17" in text["annex, interpretative notes, para. 3"]
    articles_of: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        if ", art. " in passage.locator:
            articles_of[passage.locator].add(passage.context.split("; ")[-1].split("\n")[0])
    assert {locator for locator, articles in articles_of.items() if len(articles) > 1} == set()
    numbers = {int(locator.split("art. ")[1].split(",")[0].split("(")[0]) for locator in articles_of}
    assert numbers == set(range(1, 69))
