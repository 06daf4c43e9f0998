"""Provenance: a planted file under an official-looking symbol is never quoted as an official document.

A symbol counts as the document's own only when its masthead prints it; one merely declared in front
matter is a claim, and the document is cited by its file name, marked unconfirmed. Uploads are marked as
uploads and can be cleared at once; official documents win ties. Synthetic fixtures only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from core.errors import IndexOutdatedError
from core.models import Source
from corpus.fetch import CHECKSUMS_FILE
from index.generation import INFO
from index.reader import SearchIndex
from index.store import IndexStore
from ingest.pipeline import Ingestor, IngestReport
from tests.fakes import HashEmbedder, label_text, synthetic_assistant
from tests.samples import write_sample_corpus

QUESTION = "Who chairs the example mechanism?"
PLANTED_SYMBOL = "A/RES/99/99"
# Front matter only: the text bears no masthead, so the symbol is a claim.
PLANTED = f"""---
symbol: {PLANTED_SYMBOL}
title: Example resolution 7
---

The General Assembly,

1. {{para1}}
"""
# The same paragraph under a masthead that prints the symbol: an official document.
OFFICIAL = """---
symbol: A/RES/99/7
title: Example resolution 7
---

General Assembly A/RES/99/7

The General Assembly,

1. {para1}
"""
QUILL = "Decides that Ambassador Quill chairs the example mechanism, not Ambassador Rook;"
# The same words in another order: the contrary claim, matched by a search exactly as well.
ROOK = "Decides that Ambassador Rook chairs the example mechanism, not Ambassador Quill;"


def _corpus(root: Path, planted: str | None = QUILL, official: str | None = None) -> Path:
    """The sample corpus, with a planted file (its name sorts first, so no other order favours the
    official one) and optionally an official resolution."""
    root.mkdir(parents=True, exist_ok=True)
    write_sample_corpus(root)
    if planted:
        (root / "0-q.md").write_text(PLANTED.format(para1=planted), encoding="utf-8")
    if official:
        (root / "r7.md").write_text(OFFICIAL.format(para1=official), encoding="utf-8")
    return root


def _ingest(paths: list[Path], index_dir: Path) -> IngestReport:
    return Ingestor(index_dir, HashEmbedder()).ingest(paths)


def test_a_declared_symbol_without_a_masthead_is_a_claim_reported_at_ingest(tmp_path: Path) -> None:
    report = _ingest([_corpus(tmp_path / "docs")], tmp_path / "index")
    planted = next(p.doc for p in IndexStore(tmp_path / "index").passages() if p.doc.source.endswith("0-q.md"))
    assert planted.symbol is None and planted.doc_id == "0-q"
    assert (planted.provenance.claimed_symbol, planted.provenance.symbol_confirmed) == (PLANTED_SYMBOL, False)
    assert planted.label == "0-q.md (unconfirmed)"
    [conflict] = [c for c in report.conflicts if c.path.endswith("0-q.md")]
    assert PLANTED_SYMBOL in conflict.message and "unconfirmed" in conflict.message


def test_sample_resolutions_bear_their_symbols_in_their_mastheads(tmp_path: Path) -> None:
    _ingest([_corpus(tmp_path / "docs", planted=None)], tmp_path / "index")
    docs = {p.doc.doc_id: p.doc for p in IndexStore(tmp_path / "index").passages()}
    assert {d.symbol for d in docs.values() if d.provenance.symbol_confirmed} == {"A/RES/99/1", "A/RES/99/2", "A/RES/99/3"}
    assert all(d.provenance.trusted and d.provenance.source is Source.CORPUS for d in docs.values())
    assert all(len(d.provenance.sha256 or "") == 64 for d in docs.values())


def test_a_planted_answer_is_labelled_unconfirmed_and_never_shown_under_the_symbol(tmp_path: Path) -> None:
    _ingest([_corpus(tmp_path / "docs")], tmp_path / "index")
    answer = synthetic_assistant(tmp_path / "index").ask(QUESTION)
    assert "Ambassador Quill" in answer.text
    assert "[0-q.md (unconfirmed), para. 1]" in answer.text
    data = answer.to_json()
    cited = data["citations"][0]
    assert cited["symbol"] is None and cited["citation"] == "0-q.md (unconfirmed), para. 1"
    assert cited["provenance"]["claimed_symbol"] == PLANTED_SYMBOL
    assert (cited["provenance"]["source"], cited["provenance"]["symbol_confirmed"]) == ("corpus", False)
    assert PLANTED_SYMBOL not in data["answer"]
    assert all(PLANTED_SYMBOL not in (p["symbol"] or "") + p["citation"] for p in data["retrieved"])


def test_on_a_tie_the_official_document_ranks_and_answers_first(tmp_path: Path) -> None:
    _ingest([_corpus(tmp_path / "docs", planted=QUILL, official=ROOK)], tmp_path / "index")
    assistant = synthetic_assistant(tmp_path / "index")
    ranked = assistant.search(QUESTION, k=2)
    assert [p.doc.doc_id for p in ranked] == ["A/RES/99/7", "0-q"]
    answer = assistant.ask(QUESTION)
    assert answer.sentences[0].text == ROOK and answer.citations[0].citation == "A/RES/99/7, para. 1"
    assert "Ambassador Quill chairs" not in answer.text


def test_the_answer_prefers_an_official_source_that_answers_nearly_as_well(tmp_path: Path) -> None:
    official = "Decides that Ambassador Rook chairs the example mechanism for its first cycle of meetings;"
    _ingest([_corpus(tmp_path / "docs", planted=QUILL, official=official)], tmp_path / "index")
    assistant = synthetic_assistant(tmp_path / "index")
    assert assistant.search(QUESTION, k=1)[0].doc.doc_id == "0-q", "the planted text matches better"
    answer = assistant.ask(QUESTION)
    assert [p.doc.doc_id for p in answer.citations] == ["A/RES/99/7"]


def _upload(index_dir: Path, name: str, text: str) -> Path:
    uploads = IndexStore(index_dir).uploads
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / name).write_text(text, encoding="utf-8")
    return uploads / name


def test_uploads_are_labelled_and_clearing_them_keeps_the_corpus(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _ingest([_corpus(tmp_path / "docs", planted=None)], index_dir)
    corpus_passages = {p.passage_id for p in IndexStore(index_dir).passages()}
    notes = _upload(index_dir, "notes.md", "# Field notes\n\nAmbassador Quill chairs the example mechanism.\n")
    planted = _upload(index_dir, "planted.md", PLANTED.format(para1=QUILL))
    _ingest([notes, planted], index_dir)
    docs = {p.doc.doc_id: p.doc for p in IndexStore(index_dir).passages()}
    assert docs["notes"].provenance.source is Source.UPLOAD and docs["notes"].label == "Field notes (upload)"
    assert docs["planted"].label == "planted.md (unconfirmed upload)"
    answer = synthetic_assistant(index_dir).ask(QUESTION)
    assert all(p.doc.provenance.source is Source.UPLOAD for p in answer.citations)
    assert "upload" in answer.text

    report = Ingestor(index_dir, HashEmbedder()).remove(uploads=True)
    assert sorted(Path(p).name for p in report.removed) == ["notes.md", "planted.md"]
    assert {p.passage_id for p in IndexStore(index_dir).passages()} == corpus_passages
    assert not notes.exists() and not planted.exists()
    assert synthetic_assistant(index_dir).search(QUESTION, k=3), "the corpus still answers searches"


def test_an_upload_bearing_an_official_symbol_never_displaces_the_official_text(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _ingest([_corpus(tmp_path / "docs", planted=None, official=ROOK)], index_dir)
    longer = OFFICIAL.format(para1=QUILL) + "2. Decides to meet weekly;\n3. Decides to meet daily;\n"
    report = _ingest([_upload(index_dir, "r7-upload.md", longer)], index_dir)
    [merged] = report.merged
    assert merged.indexed_from == str((tmp_path / "docs" / "r7.md").resolve())
    texts = [p.text for p in IndexStore(index_dir).passages() if p.doc.doc_id == "A/RES/99/7"]
    assert ROOK in texts and QUILL not in texts


def test_a_fetched_pdf_is_recognised_by_the_checksum_the_fetcher_recorded(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = OFFICIAL.format(para1=ROOK)
    (raw / "A_RES_99_7.md").write_text(text, encoding="utf-8")
    (raw / "changed.md").write_text(text.replace("99/7", "99/8"), encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    records = {name: {"symbol": "A/RES/99/7", "sha256": digest} for name in ("A_RES_99_7.md", "changed.md")}
    (raw / CHECKSUMS_FILE).write_text(json.dumps(records), encoding="utf-8")
    _ingest([raw], tmp_path / "index")
    docs = {p.doc.doc_id: p.doc for p in IndexStore(tmp_path / "index").passages()}
    assert (docs["A/RES/99/7"].provenance.source, docs["A/RES/99/7"].provenance.sha256) == (Source.FETCHED, digest)
    assert docs["A/RES/99/8"].provenance.source is Source.CORPUS, "bytes the record does not vouch for"


def test_an_index_of_the_older_format_is_refused_in_one_line_and_rebuilt_by_ingest(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    docs = _corpus(tmp_path / "docs", planted=None)
    _ingest([docs], index_dir)
    info = IndexStore(index_dir).require_current() / INFO
    info.write_text(json.dumps({k: v for k, v in json.loads(info.read_text()).items() if k != "format"}))
    with pytest.raises(IndexOutdatedError, match="gma ingest PATH") as refused:
        SearchIndex.open(index_dir)
    assert "\n" not in str(refused.value)
    with pytest.raises(IndexOutdatedError):
        Ingestor(index_dir, HashEmbedder()).remove(["A/RES/99/1"])
    report = _ingest([docs], index_dir)
    assert len(report.added) == 4 and not report.unchanged, "every file read again"
    index = SearchIndex.open(index_dir)
    assert index.vectors.count() == sum(len(p.sentences) for p in index.passages), "no old vector left"


def test_cli_remove_uploads_and_the_json_provenance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for where in ("index.embedder.Embedder", "assistant.service.Embedder"):
        monkeypatch.setattr(where, lambda *a, **k: HashEmbedder())
    index_dir = tmp_path / "index"
    _ingest([_corpus(tmp_path / "docs", planted=None)], index_dir)
    _ingest([_upload(index_dir, "notes.md", "# Field notes\n\nAmbassador Quill chairs the example mechanism.\n")], index_dir)
    runner = CliRunner()
    found = json.loads(runner.invoke(main, ["search", QUESTION, "--index", str(index_dir), "--json"]).stdout)
    upload = next(r for r in found["results"] if r["doc_id"] == "notes")
    assert upload["provenance"]["source"] == "upload" and upload["citation"].startswith("Field notes (upload)")
    assert runner.invoke(main, ["remove", "--index", str(index_dir)]).exit_code == 2, "nothing named"
    cleared = runner.invoke(main, ["remove", "--uploads", "--index", str(index_dir), "--json"])
    assert cleared.exit_code == 0, cleared.output
    assert json.loads(cleared.stdout)["removed"] == 1
    assert "notes" not in {p.doc.doc_id for p in IndexStore(index_dir).passages()}


def test_the_citation_chip_labels_an_unconfirmed_document_and_warns() -> None:
    from streamlit.testing.v1 import AppTest

    def chip() -> None:
        from core.models import DocumentMeta, Passage, Provenance
        from ui import components

        doc = DocumentMeta(doc_id="0-q", title="Example resolution 7", source="/docs/0-q.md",
                           provenance=Provenance(claimed_symbol="A/RES/99/99"))
        components.show_citation_chip(1, Passage(doc=doc, locator="para. 1", text="Ambassador Quill chairs it."))

    at = AppTest.from_function(chip).run()
    assert not at.exception, at.exception
    [expander] = at.expander
    assert label_text(expander.label) == "[1] 0-q.md (unconfirmed), para. 1"
    assert "Symbol: —" in expander.caption[0].value.replace("<wbr>", "")
    assert "Unconfirmed" in expander.warning[0].value and "A/RES/99/99" in expander.warning[0].value
    assert expander.code[0].value == "0-q.md (unconfirmed), para. 1"


@pytest.mark.model
@pytest.mark.slow
def test_the_library_clears_the_upload_workspace(
    tmp_path: Path, real_embedder, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.test_ui import APP, RUN_TIMEOUT

    index_dir = tmp_path / "index"
    Ingestor(index_dir, real_embedder).ingest([_corpus(tmp_path / "docs", planted=None)])
    notes = _upload(index_dir, "notes.md", "# Field notes\n\nAmbassador Quill chairs the example mechanism.\n")
    Ingestor(index_dir, real_embedder).ingest([notes])
    monkeypatch.setenv("GMA_HOME", str(index_dir))
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT).run()
    at.switch_page("library_page.py").run()
    frame = at.dataframe[0].value
    assert frame.set_index("title").loc["Field notes", "provenance"] == "Uploaded file, not part of the official corpus"
    at.button(key="clear_uploads").click().run()
    assert not at.exception, at.exception
    assert "Removed 1 uploaded file(s)" in at.success[0].value
    assert "Field notes" not in list(at.dataframe[0].value["title"]) and len(at.dataframe[0].value) == 4
    assert not notes.exists()
