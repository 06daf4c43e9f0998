"""Paragraph history, document diff and precedent order on the real ICT-security lineage (../shared/corpus).

Expected changes were read off the official texts: A/RES/77/36 and 78/237 (78/237 swaps the "Calls upon" and
"Welcomes" paragraphs, welcomes the second annual progress report instead of the first, adds the points of
contact directory paragraph and the "Recommends" paragraph), and A/C.1/80/L.20 and A/RES/80/16 (the adopted
operative paragraphs are the draft's, word for word).
"""

from __future__ import annotations

import pytest

from assistant.docdiff import ChangeStatus
from assistant.phrase import chronological
from assistant.worddiff import DiffOp

pytestmark = [pytest.mark.corpus, pytest.mark.model, pytest.mark.slow]

SERIES_TITLE = "Developments in the field of information and telecommunications in the context of international security"


def edits(diff) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(piece.op.value, piece.text) for piece in diff if piece.op != DiffOp.EQUAL]


def test_the_agenda_paragraph_of_80_16_goes_back_to_2018(corpus_assistant) -> None:  # noqa: ANN001
    history = corpus_assistant.history("A/RES/80/16, para. 4")
    symbols = [version.passage.doc.symbol for version in history.versions]
    assert symbols[-1] == "A/RES/80/16" and symbols[-2] == "A/C.1/80/L.20", "the draft precedes the adopted text"
    assert {"A/RES/73/27", "A/RES/77/36", "A/RES/78/237", "A/RES/79/237"} <= set(symbols)
    assert "A/RES/79/243" not in symbols, "the Cybercrime Convention is on another agenda item"
    assert len(symbols) == len(set(symbols)), "one version per document"
    passages = [version.passage for version in history.versions]
    assert passages == sorted(passages, key=chronological), "oldest first"
    assert history.first_seen == "2018"
    assert all("provisional agenda" in version.passage.text for version in history.versions)
    first_of_2023 = next(v for v in history.versions if (v.passage.doc.adopted or v.passage.doc.date) >= "2023")
    assert ("insert", "seventy-ninth") in edits(first_of_2023.diff)
    assert edits(history.versions[-1].diff) == [], "adopted as drafted"


def test_the_endorsement_paragraph_follows_the_progress_reports(corpus_assistant) -> None:  # noqa: ANN001
    history = corpus_assistant.history("a/res/80/16 para 1")
    by_symbol = {version.passage.doc.symbol: version for version in history.versions}
    assert by_symbol["A/RES/79/237"].passage.locator == "para. 1"
    assert ("insert", "final") in edits(by_symbol["A/C.1/80/L.20"].diff)


def test_draft_l20_and_resolution_80_16_have_the_same_operative_paragraphs(corpus_assistant) -> None:  # noqa: ANN001
    diff = corpus_assistant.diff("A/C.1/80/L.20", "A/RES/80/16")
    operative = [c for c in diff.paragraphs if (c.b or c.a).locator.startswith("para.")]
    assert [(c.status, c.a.locator, c.b.locator) for c in operative] == [
        (ChangeStatus.UNCHANGED, f"para. {n}", f"para. {n}") for n in range(1, 5)
    ]


def test_77_36_to_78_237_adds_changes_and_reorders(corpus_assistant) -> None:  # noqa: ANN001
    diff = corpus_assistant.diff("A/RES/77/36", "A/RES/78/237")
    by_new = {c.b.locator: c for c in diff.paragraphs if c.b is not None and c.b.locator.startswith("para.")}
    assert by_new["para. 1"].status == ChangeStatus.UNCHANGED and by_new["para. 1"].a.locator == "para. 1"
    assert by_new["para. 4"].status == ChangeStatus.ADDED and "points of contact directory" in by_new["para. 4"].b.text
    assert by_new["para. 5"].status == ChangeStatus.ADDED and by_new["para. 5"].b.text.startswith("Recommends")
    welcomes = by_new["para. 3"]
    assert welcomes.a.locator == "para. 2" and welcomes.status in (ChangeStatus.CHANGED, ChangeStatus.MOVED)
    assert ("delete", "first") in edits(welcomes.diff) and ("insert", "second") in edits(welcomes.diff)
    assert by_new["para. 2"].a.locator == "para. 3", "'Calls upon States' moved up"
    assert ChangeStatus.MOVED in (by_new["para. 2"].status, welcomes.status)
    agenda = by_new["para. 9"]
    assert agenda.status == ChangeStatus.CHANGED and agenda.a.locator == "para. 7"
    assert {("delete", "seventy-eighth"), ("insert", "seventy-ninth")} <= set(edits(agenda.diff))
    added_preamble = [c.b.text for c in diff.paragraphs if c.status == ChangeStatus.ADDED and c.b.locator == "preamble"]
    assert any(text.startswith("Commemorating the twenty-fifth anniversary") for text in added_preamble)


def test_precedent_search_puts_the_first_use_in_the_lineage_first(corpus_assistant) -> None:  # noqa: ANN001
    hits = corpus_assistant.exact_phrase(SERIES_TITLE)
    assert hits[0].passage.doc.symbol == "A/RES/73/27", "adopted 5 December 2018, before 73/266"
    days = [hit.passage.doc.adopted or hit.passage.doc.date for hit in hits]
    dated = [day for day in days if day]
    assert dated == sorted(dated) and days[: len(dated)] == dated, "oldest first, undated last"
