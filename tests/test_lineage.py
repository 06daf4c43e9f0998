"""Paragraph history and document diff on an invented lineage: three yearly resolutions on one agenda
item (A/RES/97/10, 98/11, 99/12), the draft of the last (A/C.1/99/L.5) and one resolution of another series
that reuses a paragraph's wording (A/RES/99/40). Everything here is fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.docdiff import ChangeStatus
from assistant.lineage import UnknownReference, same_series
from assistant.service import Assistant
from assistant.worddiff import DiffOp, DiffPiece, same_wording, similarity, word_diff
from core.models import DocumentMeta
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder

SERIES = "Lighthouse keeping in the context of maritime example security"
PANEL = "Open-ended example panel on lighthouse beacons"
MASTHEAD = """---
symbol: {symbol}
title: "{title}"
---

United Nations {symbol}

General Assembly Distr.: {distribution}

{session} session {agenda}

{adoption}

{title_line}

The General Assembly,

"""
RECALLING = "Recalling the ancient charter of the example lighthouse keepers,"
NOTING = "Noting with appreciation the work of the fictional harbour guild,"
WELCOMES = {
    97: "Welcomes the first report of the example panel on lighthouse beacons;",
    98: "Welcomes the second report of the example panel on lighthouse beacons;",
    99: "Welcomes the final report of the example panel on lighthouse beacons and its recommendations;",
}
STRESSES = "Stresses that every beacon shall be maintained by trained keepers;"
CALLS = "Calls upon keepers to light the beacons every evening at dusk;"
ENCOURAGES = "Encourages keepers to record each passing ship in a shared logbook;"
INCLUDES = ("Decides to include in the provisional agenda of its {next} session the item entitled "
            f"“{SERIES}”.")
REQUESTS = "Requests the panel to chart the fog banks of the fictional coast by {year};"
INVITES = "Invites the fictional harbour guild to share its tide tables with all keepers;"

DOCUMENTS = {
    # The oldest names no agenda item: its title is the item's title (as A/RES/73/27's is).
    "r97.md": dict(
        symbol="A/RES/97/10", title=SERIES, distribution="General 9 December 2097", session="Ninety-seventh",
        agenda="", adoption="Resolution adopted by the General Assembly on 5 December 2097",
        title_line=f"97/10. {SERIES}", preamble=[RECALLING],
        operative=[WELCOMES[97], STRESSES, CALLS, INCLUDES.format(next="ninety-eighth")],
    ),
    "r98.md": dict(
        symbol="A/RES/98/11", title=SERIES, distribution="General 8 December 2098", session="Ninety-eighth",
        agenda=f"Agenda item 41 {SERIES}", adoption="Resolution adopted by the General Assembly on 4 December 2098",
        title_line=f"98/11. {SERIES}", preamble=[RECALLING],
        operative=[WELCOMES[98], STRESSES, CALLS, ENCOURAGES, INCLUDES.format(next="ninety-ninth")],
    ),
    "l5.md": dict(
        symbol="A/C.1/99/L.5", title=PANEL, distribution="Limited 20 October 2099", session="Ninety-ninth",
        agenda=f"First Committee Agenda item 42 {SERIES}", adoption="Ruritania and Freedonia: draft resolution",
        title_line=PANEL, preamble=[RECALLING, NOTING],
        operative=[ENCOURAGES, WELCOMES[99], STRESSES, INCLUDES.format(next="hundredth"),
                   REQUESTS.format(year=2101)],
    ),
    "r99.md": dict(
        symbol="A/RES/99/12", title=PANEL, distribution="General 7 December 2099", session="Ninety-ninth",
        agenda=f"Agenda item 42 {SERIES}", adoption="Resolution adopted by the General Assembly on 3 December 2099",
        title_line=f"99/12. {PANEL}", preamble=[RECALLING, NOTING],
        operative=[ENCOURAGES, WELCOMES[99], STRESSES, INCLUDES.format(next="hundredth"),
                   REQUESTS.format(year=2100), INVITES],
    ),
    # Another agenda item, whose first paragraph is worded like the lineage's "Welcomes" paragraph.
    "r99-40.md": dict(
        symbol="A/RES/99/40", title="Tidal archives of the example coast", distribution="General 9 December 2099",
        session="Ninety-ninth", agenda="Agenda item 77 Tidal archives of the example coast",
        adoption="Resolution adopted by the General Assembly on 5 December 2099",
        title_line="99/40. Tidal archives of the example coast", preamble=[RECALLING],
        operative=["Welcomes the third report of the example panel on lighthouse beacons;"],
    ),
}


def write_lineage(root: Path) -> Path:
    for name, fields in DOCUMENTS.items():
        head = MASTHEAD.format(**{k: v for k, v in fields.items() if isinstance(v, str)})
        preamble = "".join(f"{text}\n\n" for text in fields["preamble"])
        operative = "".join(f"{n}. {text}\n\n" for n, text in enumerate(fields["operative"], 1))
        (root / name).write_text(head + preamble + operative, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def lineage_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_lineage(tmp_path_factory.mktemp("lineage-docs"))
    index_dir = tmp_path_factory.mktemp("lineage-index")
    report = Ingestor(index_dir, HashEmbedder()).ingest([root])
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture
def assistant(lineage_index: Path) -> Assistant:
    return Assistant(Settings(index_dir=lineage_index), embedder=HashEmbedder())


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args))


# --- word diff ---------------------------------------------------------------------------------------------


def test_word_diff_quotes_kept_deleted_and_inserted_words_in_order() -> None:
    assert word_diff(WELCOMES[97], WELCOMES[98]) == [
        DiffPiece(DiffOp.EQUAL, "Welcomes the"), DiffPiece(DiffOp.DELETE, "first"), DiffPiece(DiffOp.INSERT, "second"),
        DiffPiece(DiffOp.EQUAL, "report of the example panel on lighthouse beacons;"),
    ]
    assert word_diff(CALLS, CALLS) == [DiffPiece(DiffOp.EQUAL, CALLS)]


def test_case_quotes_dashes_and_spacing_are_not_changes_of_wording() -> None:
    assert same_wording("Decides  that the “example” body", "decides that the \"example\"\nbody")
    assert similarity(WELCOMES[97], WELCOMES[98]) == pytest.approx(2 * 10 / 22)
    assert similarity(CALLS, ENCOURAGES) < 0.5


def test_series_are_agenda_titles_or_titles_folded() -> None:
    def doc(title: str, agenda: str | None = None) -> DocumentMeta:
        return DocumentMeta(doc_id=title, title=title, agenda_title=agenda)

    assert same_series(doc(PANEL, SERIES), doc("Other title", SERIES.upper() + "."))
    assert same_series(doc(PANEL, SERIES), doc(SERIES.replace(" ", "  ")))
    assert same_series(doc(PANEL), doc(PANEL.lower(), "Something else"))
    assert not same_series(doc(PANEL, SERIES), doc("Tidal archives", "Tidal archives"))


# --- history -------------------------------------------------------------------------------------------------


def test_history_lists_the_versions_oldest_first_with_diffs(assistant: Assistant) -> None:
    history = assistant.history("a/res/99/12   Para 2")
    assert history.cited.citation == "A/RES/99/12, para. 2"
    assert [v.passage.citation for v in history.versions] == [
        "A/RES/97/10, para. 1", "A/RES/98/11, para. 1", "A/C.1/99/L.5, para. 2", "A/RES/99/12, para. 2",
    ]
    first, second, draft, adopted = history.versions
    assert first.diff == (DiffPiece(DiffOp.EQUAL, WELCOMES[97]),)
    assert [(p.op, p.text) for p in second.diff if p.op != DiffOp.EQUAL] == [
        (DiffOp.DELETE, "first"), (DiffOp.INSERT, "second")]
    assert (DiffOp.INSERT, "final") in [(p.op, p.text) for p in draft.diff]
    assert adopted.diff == (DiffPiece(DiffOp.EQUAL, WELCOMES[99]),) and adopted.similarity == 1.0
    assert 0.5 <= first.similarity == second.similarity < draft.similarity == 1.0, "similarity to the cited one"
    assert (history.first_seen, history.unchanged_since) == ("2097", "2099")


def test_history_never_lists_a_document_outside_the_series(assistant: Assistant) -> None:
    history = assistant.history("A/RES/98/11, para. 1")
    assert "A/RES/99/40" not in {v.passage.doc.symbol for v in history.versions}
    assert len(history.versions) == 4
    outside = assistant.history("A/RES/99/40, para. 1")
    assert [v.passage.citation for v in outside.versions] == ["A/RES/99/40, para. 1"]


def test_new_wording_has_only_itself(assistant: Assistant) -> None:
    history = assistant.history("A/RES/99/12, para. 6")
    assert [v.passage.citation for v in history.versions] == ["A/RES/99/12, para. 6"]
    assert history.first_seen == history.unchanged_since == "2099"


def test_the_agenda_paragraph_goes_back_to_the_document_that_names_no_agenda_item(assistant: Assistant) -> None:
    history = assistant.history("A/RES/99/12, para. 4")
    assert [v.passage.doc.symbol for v in history.versions] == ["A/RES/97/10", "A/RES/98/11", "A/C.1/99/L.5",
                                                               "A/RES/99/12"]
    changes = [(p.op, p.text) for p in history.versions[1].diff if p.op != DiffOp.EQUAL]
    assert changes == [(DiffOp.DELETE, "ninety-eighth"), (DiffOp.INSERT, "ninety-ninth")]


def test_history_json_has_the_interface_shape(lineage_index: Path) -> None:
    result = run("history", "A/RES/98/11, para. 1", "--index", str(lineage_index), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"citation", "versions", "first_seen", "unchanged_since"}
    assert data["citation"] == "A/RES/98/11, para. 1" and data["first_seen"] == "2097"
    for version in data["versions"]:
        assert set(version) == {"passage", "similarity", "diff"}
        assert isinstance(version["similarity"], float)
        assert {"doc_id", "symbol", "title", "doc_type", "date", "locator", "text", "score"} <= set(version["passage"])
        assert all(set(piece) == {"op", "text"} and piece["op"] in ("equal", "insert", "delete")
                   for piece in version["diff"])
    assert [v["passage"]["symbol"] for v in data["versions"]] == ["A/RES/97/10", "A/RES/98/11", "A/C.1/99/L.5",
                                                                 "A/RES/99/12"]


def test_history_plain_output_marks_the_changed_words(lineage_index: Path) -> None:
    result = run("history", "A/RES/98/11, para. 1", "--index", str(lineage_index))
    assert result.exit_code == 0, result.output
    assert "first seen 2097" in result.output
    assert "[2] A/RES/98/11, para. 1" in result.output
    assert "Welcomes the [-first-] {+second+} report" in result.output


@pytest.mark.parametrize("command", [["history", "A/RES/98/11, para. 99"], ["history", "no such thing"],
                                     ["diff", "A/RES/98/11", "A/RES/1/1"], ["diff", "nothing", "A/RES/98/11"]])
def test_unknown_citation_or_document_exits_2_with_one_line(lineage_index: Path, command: list[str]) -> None:
    result = run(*command, "--index", str(lineage_index))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "in the index" in result.output


def test_unknown_reference_is_a_domain_error(assistant: Assistant) -> None:
    with pytest.raises(UnknownReference, match="no passage cited as"):
        assistant.history("A/RES/97/10, para. 9")


# --- diff ----------------------------------------------------------------------------------------------------


def statuses(diff) -> list[tuple[str, str | None, str | None]]:  # noqa: ANN001
    return [(c.status.value, c.a and c.a.locator, c.b and c.b.locator) for c in diff.paragraphs]


def test_diff_between_years_shows_every_status_in_the_later_order(assistant: Assistant) -> None:
    diff = assistant.diff("A/RES/98/11", "A/RES/99/12")
    assert (diff.a, diff.b) == ("A/RES/98/11", "A/RES/99/12")
    assert statuses(diff) == [
        ("unchanged", "preamble", "preamble"),
        ("added", None, "preamble"),
        ("moved", "para. 4", "para. 1"),
        ("changed", "para. 1", "para. 2"),
        ("unchanged", "para. 2", "para. 3"),
        ("deleted", "para. 3", None),
        ("changed", "para. 5", "para. 4"),
        ("added", None, "para. 5"),
        ("added", None, "para. 6"),
    ]
    changed = diff.paragraphs[3]
    assert [(p.op, p.text) for p in changed.diff if p.op != DiffOp.EQUAL] == [
        (DiffOp.DELETE, "second"), (DiffOp.INSERT, "final"), (DiffOp.DELETE, "beacons;"),
        (DiffOp.INSERT, "beacons and its recommendations;"),
    ]
    assert diff.count(ChangeStatus.ADDED) == 3
    assert diff.paragraphs[5].diff == (DiffPiece(DiffOp.DELETE, CALLS),)
    assert diff.paragraphs[7].diff == (DiffPiece(DiffOp.INSERT, REQUESTS.format(year=2100)),)


def test_diff_of_draft_and_adopted_text_skips_masthead_and_footnotes(assistant: Assistant) -> None:
    diff = assistant.diff("A/C.1/99/L.5", "A/RES/99/12")
    # Operative paragraphs only: whether a draft's preamble is told from its masthead is the segmenter's part.
    operative = [c for c in diff.paragraphs if c.b is not None and c.b.locator.startswith("para.")]
    assert [c.status.value for c in operative] == ["unchanged"] * 4 + ["changed", "added"]
    requests = operative[4]
    assert [(p.op, p.text) for p in requests.diff if p.op != DiffOp.EQUAL] == [
        (DiffOp.DELETE, "2101;"), (DiffOp.INSERT, "2100;")]
    assert all(c.b is not None and c.b.locator != "header" for c in diff.paragraphs)


def test_diff_json_has_the_interface_shape(lineage_index: Path) -> None:
    result = run("diff", "A/RES/98/11", "A/RES/99/12", "--index", str(lineage_index), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"a", "b", "paragraphs"} and (data["a"], data["b"]) == ("A/RES/98/11", "A/RES/99/12")
    for change in data["paragraphs"]:
        assert set(change) == {"status", "a", "b", "diff"}
        assert change["status"] in ("unchanged", "changed", "added", "deleted", "moved")
        assert (change["a"] is None) == (change["status"] == "added")
        assert (change["b"] is None) == (change["status"] == "deleted")
        assert all(set(piece) == {"op", "text"} for piece in change["diff"])
    assert {c["status"] for c in data["paragraphs"]} == {"unchanged", "changed", "added", "deleted", "moved"}


def test_diff_plain_output_marks_changes(lineage_index: Path) -> None:
    result = run("diff", "A/C.1/99/L.5", "A/RES/99/12", "--index", str(lineage_index))
    assert result.exit_code == 0, result.output
    first_line = result.output.splitlines()[0]
    assert first_line.startswith("A/C.1/99/L.5 -> A/RES/99/12: ") and "1 changed" in first_line
    assert first_line.endswith("0 deleted, 0 moved")
    assert "coast by [-2101;-] {+2100;+}" in result.output
    assert "{+Invites the fictional harbour guild" in result.output
