"""Parsing and indexing the real shared corpus (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.models import Passage
from corpus.manifest import Manifest
from ingest.metadata import MetadataResolver
from ingest.readers import reader_for
from ingest.readers.cleanup import ARTICLE_END_PATTERNS, DEBRIS_PATTERNS
from ingest.segment import Segmenter

pytestmark = pytest.mark.corpus


def passages_of(path: Path) -> list[Passage]:
    parsed = reader_for(path).read(path)
    return Segmenter().segment(MetadataResolver(Manifest.load()).describe(parsed), parsed.blocks)


@pytest.fixture(scope="module")
def everything(shared_corpus: Path) -> dict[str, list[Passage]]:
    return {path.name: passages_of(path) for path in sorted(shared_corpus.rglob("*")) if path.is_file()}


def test_resolution_80_16_preamble_and_paragraphs(shared_corpus: Path) -> None:
    passages = passages_of(shared_corpus / "resolutions" / "A_RES_80_16.md")
    by_locator: dict[str, list[str]] = {}
    for p in passages:
        by_locator.setdefault(p.locator, []).append(p.text)
    assert list(by_locator) == ["header", "preamble", "para. 1", "para. 2", "para. 3", "para. 4"]
    assert len(by_locator["preamble"]) == 3
    assert by_locator["preamble"][0].startswith("Recalling its resolutions 75/240 of 31 December 2020")
    assert by_locator["para. 1"] == ["Decides to endorse the final report of the open-ended working group as contained in document A/80/257;"]
    para2 = by_locator["para. 2"][0]
    assert para2.startswith("Requests the Secretary-General to provide the necessary support to operationalize")
    assert "as endorsed by the General Assembly in its resolution 79/237, and the additional elements" in para2
    assert "smooth and seamless transition" in para2
    assert by_locator["para. 3"][0].startswith("Also requests the Secretary-General to provide the necessary support to establish")
    assert by_locator["para. 4"][0].endswith("in the context of international security”.")
    header = by_locator["header"][0]
    assert "Resolution adopted by the General Assembly on 1 December 2025" in header
    assert "52nd plenary meeting" in header
    assert passages[1].doc.symbol == "A/RES/80/16" and passages[1].doc.doc_type == "resolution"
    assert passages[4].citation == "A/RES/80/16, para. 1"


def test_unidir_sections_and_footnote_32(shared_corpus: Path) -> None:
    passages = passages_of(shared_corpus / "seeds" / "unidir-regular-institutional-dialogue.md")
    by_id = {p.passage_id: p for p in passages}
    assert {p.doc.doc_type for p in passages} == {"analysis"}
    section_24 = [p for p in passages if p.locator == "section 2.4"]
    assert any("two integrated, policy-oriented and cross-cutting DTGs" in p.text for p in section_24)
    assert any("Accelerate ICT security capacity-building (DTG2)" in p.text for p in section_24), "list items stay"
    note = next(p for p in passages if p.locator == "footnote 32")
    assert note.citation == "UNIDIR chapter, footnote 32"
    assert "Resolution 77/37 was adopted on 12 December 2022 by 156 votes in favour, 7 against and 14 abstentions" in note.text
    assert "Resolution 77/36 was adopted on 12 December 2022 by 112 votes in favour, 52 against and 8 abstentions" in note.text
    citing = [by_id[pid] for pid in note.cited_by]
    assert citing and all(p.locator == "section 2.2" for p in citing)
    assert any("The adoption by the General Assembly of both of the proposals" in p.text for p in citing)
    assert all(note.passage_id in p.footnotes for p in citing)
    footnotes = sorted(int(p.locator.split()[1]) for p in passages if p.is_footnote)
    assert footnotes == list(range(1, 162)), "every footnote 1..161 is its own passage"


def test_unidir_body_text_resumes_after_footnote_blocks(shared_corpus: Path) -> None:
    passages = passages_of(shared_corpus / "seeds" / "unidir-regular-institutional-dialogue.md")
    body = " ".join(p.text for p in passages if not p.is_footnote)
    assert "The establishment, by vote, of a second time-bound OEWG (which was opposed by some delegations)" in body
    for p in passages:
        if not p.is_footnote and p.locator != "header":
            assert not p.text[:1].islower(), f"{p.citation} starts mid-sentence: {p.text[:60]!r}"


def test_no_passage_contains_navigation_or_ads(everything: dict[str, list[Passage]]) -> None:
    patterns = DEBRIS_PATTERNS + ARTICLE_END_PATTERNS
    for name, passages in everything.items():
        for p in passages:
            for line in p.text.split("\n"):
                assert not any(pat.fullmatch(line.strip()) for pat in patterns), f"{name}: {line!r}"
            assert not re.search(r"NordVPN|\bSubscribe\b|Notify me|Sponsored by|Comment Title", p.text), f"{name}: {p.text[:80]!r}"


def test_commentary_is_cited_by_paragraph_in_reading_order(everything: dict[str, list[Passage]]) -> None:
    passages = everything["circleid-global-mechanism-launch.txt"]
    assert [p.locator for p in passages] == [f"para. {i}" for i in range(1, len(passages) + 1)]
    assert passages[0].doc.author == "Joanna Kulesza" and passages[0].doc.doc_type == "commentary"
    pillars = next(p for p in passages if "five foundational pillars" in p.text)
    assert "Confidence-building measures (CBMs)" in pillars.text, "bullets belong to the sentence introducing them"


def test_every_file_yields_passages_with_locators(everything: dict[str, list[Passage]]) -> None:
    assert len(everything) == 72
    for name, passages in everything.items():
        assert passages, name
        assert all(p.locator and p.text.strip() for p in passages), name
        assert len({p.passage_id for p in passages}) == len(passages), name
