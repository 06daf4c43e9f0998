"""The Streamlit app: its pure helpers, the `gma ui` command, and each page driven through AppTest.

The AppTest tests run the real app (ui/app.py, with its st.navigation pages) over a small synthetic index
built with the real embedding model, which the app loads itself once per test session.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from assistant.answer import ABSTAIN_MESSAGE, Answer, AnswerSentence
from core.models import DocumentMeta, Passage, Provenance
from tests.fakes import label_text
from tests.samples import VOICE_PARAGRAPHS, write_sample_corpus
from ui import components

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
# The app loads the embedding model and opens the index in its first run.
RUN_TIMEOUT = 180

NEW_DOCUMENT = """---
title: Example field notes
date: "2094-03-01"
---

# Example field notes

## 1. Findings

The example observatory recorded fourteen lighthouse beacons along the fictional coast of Ruritania.
"""
QUESTIONS = [
    {"id": "q1", "category": "structure", "question": "What are the two dedicated thematic groups?",
     "evidence": ["two dedicated thematic groups"], "answer_any": ["thematic groups"]},
    {"id": "q2", "category": "precedent", "question": "Which resolution says stakeholders have a voice, not a vote?",
     "evidence": ["a voice, not a vote"]},
    {"id": "q3", "category": "unanswerable", "question": "What is the annual budget of the secretariat in euros?",
     "evidence": [], "abstain": True},
]


def _passage(text: str, locator: str = "para. 1", date: str | None = "2091-12-01", ordinal: int = 0) -> Passage:
    doc = DocumentMeta(doc_id="A/RES/99/1", title="Example resolution 1", doc_type="resolution",
                       symbol="A/RES/99/1", date=date, source="/data/r1.md",
                       provenance=Provenance(symbol_confirmed=True))
    return Passage(doc=doc, locator=locator, text=text, ordinal=ordinal)


# --- pure helpers ----------------------------------------------------------------------------------------


def test_escape_text_makes_markdown_and_html_inert() -> None:
    shown = components.escape_text("1. Decides <b>x</b> & *stars* cost $5 [see]\nnext")
    assert "<b>" not in shown and "&lt;b&gt;" in shown
    assert "*" not in shown and "$" not in shown and "[" not in shown
    assert shown.startswith("1&#46;"), "a leading '1.' must not become a Markdown list"
    assert html.unescape(shown.replace("<br>", "\n")) == "1. Decides <b>x</b> & *stars* cost $5 [see]\nnext"


HOSTILE = "![t](http://127.0.0.1:9/beacon.png) [click](http://127.0.0.1:9/x) <img src=x> :red[red] :smile: $x$ www.example.org a@b.org"


def test_escape_text_leaves_no_image_link_html_or_autolink() -> None:
    shown = components.escape_text(HOSTILE)
    assert "<img" not in shown and "](" not in shown and "![" not in shown and ":red[" not in shown
    for trigger in ("http://", "www.", "a@", ":smile:"):
        assert trigger not in shown, f"{trigger!r} would still be autolinked or read as a code"
    assert html.unescape(shown.replace("<wbr>", "")) == HOSTILE, "the reader sees the text exactly"


def test_escape_label_escapes_every_markdown_construct_and_keeps_one_line() -> None:
    shown = components.escape_label(HOSTILE + "\n# next *line*")
    assert "\n" not in shown
    assert not re.search(r"(?<!\\)[!\[\]()<>*$#:]", shown), "every Markdown character is escaped"
    assert "http:/" not in shown and "www." not in shown and "a@" not in shown
    assert label_text(shown) == HOSTILE + " # next *line*"
    assert components.escape_label("A/RES/80/16, para. 1") == "A/RES/80/16, para. 1", "citations read as they are"


def test_highlight_marks_spans_and_merges_overlaps() -> None:
    text = "a voice, not a vote <script>"
    assert components.highlight(text, [(2, 7)]) == "a <mark>voice</mark>, not a vote &lt;script&gt;"
    assert components.highlight(text, [(9, 19), (13, 19), (0, 1)]) == (
        "<mark>a</mark> voice, <mark>not a vote</mark> &lt;script&gt;"
    )
    assert components.highlight(text, [(50, 60), (3, 3)]) == components.escape_text(text)


def test_supporting_spans_find_the_cited_sentences_in_their_passage() -> None:
    passage = _passage("Recalls the past.  Decides that stakeholders have “a voice — not a vote”. Ends.")
    other = _passage("Something else.", ordinal=1)
    sentences = [
        AnswerSentence('Decides that stakeholders have "a voice - not a vote".', (passage,)),
        AnswerSentence("Something else.", (other,)),
    ]
    spans = components.supporting_spans(passage, sentences)
    assert [passage.text[s:e] for s, e in spans] == ["Decides that stakeholders have “a voice — not a vote”."]
    assert components.supporting_spans(passage, sentences[1:]) == []


def test_numbered_answer_marks_each_sentence_with_its_chip_numbers() -> None:
    first, second = _passage("One.", ordinal=0), _passage("Two.", locator="para. 2", ordinal=1)
    answer = Answer("q?", (AnswerSentence("One.", (first,)), AnswerSentence("Two.", (second, first)),
                           AnswerSentence("Again one.", (first,))), retrieved=(first, second))
    shown = html.unescape(components.numbered_answer(answer))
    assert shown == "One. [1] Two. [2][1] Again one. [1]", "a passage cited twice keeps its number"
    assert components.chip_labels(answer.citations) == ["A/RES/99/1, para. 1", "A/RES/99/1, para. 2"]


def test_the_short_answer_leads_in_bold_and_is_marked_where_it_stands_as_a_whole_word() -> None:
    first = _passage("The network has two groups <b>now</b>.")
    second = _passage("It met on 8 December 2091.", locator="para. 2", ordinal=1)
    sentences = (AnswerSentence(first.text, (first,)), AnswerSentence(second.text, (second,)))
    answer = Answer("q?", sentences, retrieved=(first, second), short="two")
    assert components.word_spans(first.text, "two") == [(16, 19)], "not the 'two' inside 'network'"
    assert components.short_answer_line(answer) == "**Answer: two**"
    assert components.numbered_answer(answer).startswith("The network has <mark>two</mark> groups &lt;b&gt;now")
    both = Answer("q?", sentences, retrieved=(first, second), short="two; 8 December 2091")
    assert components.short_answer_marks(both) == {0: [(16, 19)], 1: [(10, 25)]}, "each part where it stands"
    assert components.short_answer_line(Answer("q?", sentences, retrieved=(first,))) == ""
    assert "<mark>" not in components.numbered_answer(Answer("q?", sentences, retrieved=(first,)))
    planted = Answer("q?", (AnswerSentence("Met on *1 May* <img src=x>.", (first,)),), (first,), short="*1 May* <img src=x>")
    assert "<img" not in components.short_answer_line(planted) + components.numbered_answer(planted)


def test_chip_labels_never_repeat() -> None:
    other_doc = DocumentMeta(doc_id="notes-b", title="Notes", doc_type="commentary", date="2090-01-02")
    same_title = DocumentMeta(doc_id="notes-a", title="Notes", doc_type="commentary", date="2090-01-01")
    passages = [
        Passage(doc=same_title, locator="para. 1", text="a"), Passage(doc=other_doc, locator="para. 1", text="b"),
        _passage("part one", ordinal=3), _passage("part two", ordinal=4), _passage("else", locator="para. 9"),
    ]
    labels = components.chip_labels(passages)
    assert labels == ["Notes, para. 1 (2090-01-01)", "Notes, para. 1 (2090-01-02)",
                      "A/RES/99/1, para. 1 (passage 4)", "A/RES/99/1, para. 1 (passage 5)",
                      "A/RES/99/1, para. 9"]


def test_reader_opens_on_the_last_searched_document_else_the_global_mechanism() -> None:
    doc_ids = ["A/RES/79/1", "A/RES/80/16", "A/RES/80/52"]
    assert components.reader_choice(doc_ids, "A/RES/80/52") == 2
    assert components.reader_choice(doc_ids, None) == 1
    assert components.reader_choice(doc_ids, "gone") == 1
    assert components.reader_choice(["x", "y"], None) == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [("notes.md", "notes.md"), ("../../etc/evil.md", "evil.md"), ("C:\\Users\\x\\Report.PDF", "Report.PDF"),
     ("sub/dir/page.htm", "page.htm")],
)
def test_upload_target_keeps_a_bare_name_under_uploads(tmp_path: Path, name: str, expected: str) -> None:
    target = components.upload_target(tmp_path, name, 10)
    assert target == (tmp_path / "uploads" / expected).resolve()


@pytest.mark.parametrize(
    ("name", "size", "reason"),
    [("tool.exe", 10, "unsupported file type .exe"), ("README", 10, "(no extension)"), ("..", 10, "not a usable"),
     ("../", 10, "not a usable"), ("", 10, "not a usable"), (".hidden.md", 10, "not a usable"),
     ("big.pdf", components.MAX_UPLOAD_BYTES + 1, "over the 20 MB limit"), ("empty.txt", 0, "empty")],
)
def test_upload_target_refuses_bad_files(tmp_path: Path, name: str, size: int, reason: str) -> None:
    with pytest.raises(components.UploadRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        components.upload_target(tmp_path, name, size)


def test_every_accepted_upload_type_has_a_reader() -> None:
    from ingest.readers import SUPPORTED_EXTENSIONS

    assert {f".{e}" for e in components.UPLOAD_EXTENSIONS} <= set(SUPPORTED_EXTENSIONS)


def test_documents_frame_counts_passages_per_document() -> None:
    passages = [_passage("a"), _passage("b", ordinal=1), _passage("c", date=None)]
    frame = components.documents_frame(passages)
    assert frame.to_dict("records") == [
        {"doc_id": "A/RES/99/1", "symbol": "A/RES/99/1", "title": "Example resolution 1", "type": "resolution",
         "date": "2091-12-01", "passages": 3, "file": "r1.md",
         "provenance": "Corpus document, symbol confirmed by its masthead"}
    ]


def test_hits_per_year_fills_the_gaps_and_skips_undated() -> None:
    hits = [_passage("a", date="2090-01-01"), _passage("b", date="2092-05-01"), _passage("c", date="2092-06-01"),
            _passage("d", date=None)]
    frame = components.hits_per_year(hits)
    assert frame["hits"].to_dict() == {"2090": 1, "2091": 0, "2092": 2}
    assert components.hits_per_year([]).empty


def test_one_year_of_hits_is_one_bar_on_the_index_years() -> None:
    index = [_passage("a", date="2088-01-01"), _passage("b", date="2093-05-01"), _passage("c", date=None)]
    axis = components.timeline_axis(index)
    assert axis == range(2088, 2094)
    frame = components.hits_per_year([_passage("d", date="2092-05-01")], axis)
    assert frame["hits"].to_dict() == {"2088": 0, "2089": 0, "2090": 0, "2091": 0, "2092": 1, "2093": 0}
    one_year = components.timeline_axis([_passage("e", date="2093-01-01")])
    assert len(one_year) == components.TIMELINE_MIN_YEARS and one_year[-1] == 2093, "never a single-bar chart"
    assert components.hits_per_year([_passage("f", date="2095-01-01")], axis).index[-1] == "2095", "widened to the hits"


def test_hits_csv_has_citations_and_matched_words() -> None:
    passage = _passage("Decides that stakeholders have a voice, not a vote, here.")
    rows = list(pd.read_csv(__import__("io").StringIO(components.hits_csv([(passage, ((31, 50),))]))).itertuples())
    assert len(rows) == 1
    assert (rows[0].rank, rows[0].citation, rows[0].matches) == (1, "A/RES/99/1, para. 1", "a voice, not a vote")
    assert rows[0].text == passage.text and rows[0].date == "2091-12-01"


def test_metrics_frame_has_one_column_per_system() -> None:
    class System:
        def __init__(self, name: str, hit: float) -> None:
            self.name, self.summary = name, {"n": 3, "evidence_hit_at_k": hit}

    frame = components.metrics_frame([System("gma", 1.0), System("BM25 alone", 0.5)])
    assert list(frame.columns) == ["gma", "BM25 alone"]
    assert frame.loc["evidence_hit_at_k"].tolist() == [1.0, 0.5]


def test_gma_ui_runs_streamlit_on_the_app_with_the_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.cli import main

    calls = []
    monkeypatch.setattr("os.execvpe", lambda file, args, env: calls.append((file, args, env)))
    result = CliRunner().invoke(main, ["ui", "--index", str(tmp_path / "idx"), "--port", "8611"])
    assert result.exit_code == 0, result.output
    (file, args, env), = calls
    assert args[1:4] == ["-m", "streamlit", "run"] and args[4] == str(APP)
    assert args[5:] == ["--server.address", "127.0.0.1", "--server.port", "8611", "--server.headless", "true",
                        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    assert env["GMA_HOME"] == str((tmp_path / "idx").resolve())
    assert str(APP.parents[1]) in env["PYTHONPATH"].split(":")


def test_the_app_shows_its_start_up_status_before_the_heavy_imports() -> None:
    """Streamlit draws nothing until app.py's imports are done: they must not load the model or the store,
    which `start` loads under its spinner."""
    heavy = ("torch", "sentence_transformers", "chromadb", "assistant.service", "index.embedder")
    code = f"import sys, ui.app; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=APP.parents[1], capture_output=True, text=True,
                            check=True).stdout
    assert loaded.strip() == "[]"


# --- the app, page by page ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ui_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # noqa: ANN001
    """Three fictional resolutions and a fictional analysis, ingested with the real model."""
    from ingest.pipeline import Ingestor

    paragraphs = {
        **VOICE_PARAGRAPHS,
        2: "Reaffirms that stakeholders have “a voice — not a vote” in its meetings, as not a vote was agreed;",
    }
    root = write_sample_corpus(tmp_path_factory.mktemp("ui-docs"), paragraphs)
    index_dir = tmp_path_factory.mktemp("ui-index")
    report = Ingestor(index_dir, real_embedder).ingest([root])
    assert not report.failed, report.failed
    return index_dir


def open_app(index_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None):  # noqa: ANN201
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GMA_HOME", str(index_dir))
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def shown(elements) -> str:  # noqa: ANN001
    """What the user reads of some markdown elements (entities decoded, the invisible <wbr> dropped)."""
    return "\n".join(html.unescape(e.value.replace("<wbr>", "")) for e in elements)


@pytest.mark.model
@pytest.mark.slow
def test_ask_answers_with_citation_chips_and_keeps_the_history(ui_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(ui_index, monkeypatch)
    assert at.title[0].value == "Ask the documents"
    assert not at.sidebar.selectbox, "no LLM choice without GMA_LLM"
    at.chat_input[0].set_value("What are the two dedicated thematic groups?").run()
    assert not at.exception, at.exception
    reply = [m for m in at.chat_message if m.name == "assistant"][-1]
    assert "two dedicated thematic groups (DTGs), one on threats and one on capacity-building. [1]" in shown(
        reply.markdown), "the sentence carries its chip's number"
    chip = reply.expander[0]
    assert chip.label == "[1] Example analysis, section 1"
    assert "<mark>The mechanism has two dedicated thematic groups" in "".join(m.value for m in chip.markdown)
    assert "Symbol: —" in shown(chip.caption[:1]) and "Locator: section 1" in shown(chip.caption[:1])
    assert chip.code[0].value == "Example analysis, section 1"

    at.chat_input[0].set_value("What is the annual budget of the secretariat in euros?").run()
    assert not at.exception, at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    abstention = at.chat_message[3]
    assert abstention.warning[0].value == ABSTAIN_MESSAGE
    assert 1 <= len(abstention.expander) <= 3, "the closest passages are offered for reading"
    assert at.chat_message[1].expander[0].label == "[1] Example analysis, section 1", "history kept"

    at.chat_input[0].set_value("Quels sont les deux groupes thématiques du mécanisme ?").run()
    assert not at.exception, at.exception
    assert at.chat_message[5].info[0].value.startswith("The question looks French"), "searched as written, and said"


@pytest.mark.model
@pytest.mark.slow
def test_ask_leads_with_the_short_answer_and_shows_the_closest_passage_as_no_answer(
    ui_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.ask_page import CLOSEST_LABEL

    at = open_app(ui_index, monkeypatch)
    at.chat_input[0].set_value("How many dedicated thematic groups does the mechanism have?").run()
    assert not at.exception, at.exception
    reply = at.chat_message[1]
    assert reply.markdown[0].value == "**Answer: two**", "the short answer comes first"
    assert "The mechanism has <mark>two</mark> dedicated thematic groups" in reply.markdown[1].value

    at.chat_input[0].set_value("What is the annual budget of the secretariat in euros?").run()
    assert not at.exception, at.exception
    abstention = at.chat_message[3]
    assert abstention.warning[0].value == ABSTAIN_MESSAGE
    assert abstention.caption[0].value == CLOSEST_LABEL
    sentence = html.unescape(abstention.markdown[0].value.replace("<wbr>", "")).strip("\u201c\u201d")
    chip = abstention.expander[0]
    assert f"<mark>{sentence}</mark>" in shown(chip.markdown), "the sentence highlighted in its passage"
    labels = [e.label for e in abstention.expander]
    assert len(labels) == len(set(labels)) <= 3, "the closest passage is not shown twice"


@pytest.mark.model
@pytest.mark.slow
def test_ask_offers_the_configured_llm_backend(ui_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GMA_LLM", "ollama:example-model@http://127.0.0.1:9")
    at = open_app(ui_index, monkeypatch)
    choice = at.sidebar.selectbox[0]
    assert choice.options == ["extractive (default)", "ollama:example-model@http://127.0.0.1:9"]
    assert choice.value == "extractive (default)"
    # Nothing listens on port 9: the generative answerer falls back to the extractive answer and says so.
    choice.set_value("ollama:example-model@http://127.0.0.1:9").run()
    at.chat_input[0].set_value("What are the two dedicated thematic groups?").run()
    assert not at.exception, at.exception
    assert "the LLM backend could not answer" in at.info[0].value
    assert "capacity-building. [1]" in shown(at.chat_message[1].markdown)
    assert at.chat_message[1].expander[0].label == "[1] Example analysis, section 1"


@pytest.mark.model
@pytest.mark.slow
def test_without_an_index_the_pages_say_so_and_the_library_starts_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "new-index"
    at = open_app(empty, monkeypatch)
    assert "no index at" in at.error[0].value and not at.chat_input
    at.switch_page("library_page.py").run()
    assert "The index is empty" in at.info[0].value
    at.file_uploader(key="library_uploads").set_value(("notes.md", NEW_DOCUMENT.encode(), "text/markdown")).run()
    at.button(key="library_add").click().run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["title"]) == ["Example field notes"]
    at.switch_page("ask_page.py").run()
    assert not at.error and at.chat_input, "the new index is used without a restart"


@pytest.mark.model
@pytest.mark.slow
def test_precedent_search_highlights_orders_by_date_and_exports(ui_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(ui_index, monkeypatch, "search_page.py")
    at.text_input(key="search_query").set_value("not a vote").run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "2 passages"
    page = "\n".join(m.value for m in at.markdown)
    assert page.index("A/RES/99/1, para. 1") < page.index("A/RES/99/2, para. 1"), "oldest first"
    assert "<mark>not a vote</mark>" in page and "<mark>not a vote</mark>”" in page
    assert at.get("download_button")[0].proto.label == "Download hits as CSV"
    assert at.get("vega_lite_chart"), "hits-per-year chart"

    at.text_input(key="search_symbol").set_value("A/RES/99/2").run()
    assert at.subheader[0].value == "1 passage"
    at.text_input(key="search_symbol").set_value("").run()
    at.number_input(key="search_year_from").set_value(2093).run()
    assert at.info[0].value == "No passage matches."

    at.number_input(key="search_year_from").set_value(None).run()
    at.radio(key="search_mode").set_value("Similar wording").run()
    at.text_input(key="search_query").set_value("Stakeholders get a voice but not a vote in the body.").run()
    assert not at.exception, at.exception
    assert "A/RES/99/1, para. 1" in "\n".join(m.value for m in at.markdown)
    found = int(at.subheader[0].value.split()[0])
    assert found < 10
    assert f"Only {found} of the 10 asked for reach the similarity floor of 0.50." in [c.value for c in at.main.caption]


@pytest.fixture
def library_index(ui_index: Path, tmp_path: Path) -> Path:
    """A copy of the UI index this test may change."""
    copy = tmp_path / "library-index"
    shutil.copytree(ui_index, copy)
    return copy


@pytest.mark.model
@pytest.mark.slow
def test_library_lists_refuses_and_ingests_uploads(library_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(library_index, monkeypatch, "library_page.py")
    table = at.dataframe[0].value
    assert sorted(table["doc_id"]) == ["A/RES/99/1", "A/RES/99/2", "A/RES/99/3", "analysis"]
    assert table.set_index("doc_id").loc["A/RES/99/1", "passages"] >= 3

    uploader = at.file_uploader(key="library_uploads")
    uploader.set_value(("tool.exe", b"MZ\x90\x00", "application/octet-stream")).run()
    assert any("Refused: tool.exe: unsupported file type .exe" in label_text(e.value) for e in at.error)
    assert [b.key for b in at.button] == ["library_reingest"], "nothing to add"

    uploader = at.file_uploader(key="library_uploads")
    uploader.set_value([("../../outside/field-notes.md", NEW_DOCUMENT.encode(), "text/markdown"),
                        ("blank.md", b"---\ntitle: Nothing\n---\n", "text/markdown")]).run()
    assert not at.error
    at.button(key="library_add").click().run()
    assert not at.exception, at.exception
    assert "Added 1, updated 0 document(s)" in at.success[0].value
    failures = [label_text(e.value) for e in at.error]
    assert len(failures) == 1 and failures[0].startswith("blank.md was not added: "), failures
    assert (library_index / "uploads" / "field-notes.md").is_file()
    assert not (library_index / "uploads" / "blank.md").exists(), "a failed new upload is not kept"
    assert not (library_index.parent / "outside").exists()
    assert "Example field notes" in set(at.dataframe[0].value["title"]), "the new document is listed at once"

    at.selectbox[0].set_value("field-notes").run()
    reader = "\n".join(html.unescape(m.value) for m in at.markdown)
    assert "**section 1** · The example observatory recorded fourteen lighthouse beacons" in reader

    # A failed new version under the same name: refused, and the stored file and the index keep version 1.
    stored = library_index / "uploads" / "field-notes.md"
    at.file_uploader(key="library_uploads").set_value(
        ("field-notes.md", b"---\ntitle: Example field notes\n---\n", "text/markdown")).run()
    at.button(key="library_add").click().run()
    assert not at.exception, at.exception
    assert label_text(at.error[0].value).startswith("field-notes.md was not added: ")
    assert stored.read_bytes() == NEW_DOCUMENT.encode(), "the stored original is kept"
    versions = at.dataframe[1].value
    assert list(versions["file"]) == ["field-notes.md"] and list(versions["version"]) == ["indexed"]

    # A good new version replaces it, and the Library lists both.
    second = NEW_DOCUMENT.replace("fourteen", "twenty")
    at.file_uploader(key="library_uploads").set_value(("field-notes.md", second.encode(), "text/markdown")).run()
    at.button(key="library_add").click().run()
    assert "Added 0, updated 1 document(s)" in at.success[0].value
    assert stored.read_text(encoding="utf-8") == second
    assert list(at.dataframe[1].value["version"]) == ["indexed", "earlier"]
    at.selectbox[0].set_value("field-notes").run()
    assert "twenty lighthouse beacons" in "\n".join(m.value for m in at.markdown)


@pytest.mark.model
@pytest.mark.slow
def test_library_reingests_its_files_and_reads_the_document_last_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_embedder  # noqa: ANN001
) -> None:
    from ingest.pipeline import Ingestor

    docs = tmp_path / "docs"
    docs.mkdir()
    write_sample_corpus(docs)
    index_dir = tmp_path / "index"
    Ingestor(index_dir, real_embedder).ingest([docs])
    at = open_app(index_dir, monkeypatch, "library_page.py")
    assert at.selectbox[0].value == "A/RES/99/1", "no search yet: the first document"

    at.button(key="library_reingest").click().run()
    assert not at.exception, at.exception
    assert at.info[0].value == "4 file(s) already indexed with the same content; nothing to do."
    (docs / "r2.md").write_text((docs / "r2.md").read_text().replace("in its meetings", "in all its meetings"))
    at.button(key="library_reingest").click().run()
    assert "Added 0, updated 1 document(s)" in at.success[0].value

    at.switch_page("search_page.py").run()
    at.text_input(key="search_query").set_value("review conference in 2099").run()
    at.switch_page("library_page.py").run()
    assert at.selectbox[0].value == "A/RES/99/3", "the reader opens on the document just searched"


@pytest.mark.model
@pytest.mark.slow
def test_evaluate_runs_an_uploaded_question_set(ui_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app(ui_index, monkeypatch, "evaluate_page.py")
    at.selectbox[0].set_value("Upload a JSONL file…").run()
    lines = "\n".join(json.dumps(q) for q in QUESTIONS).encode()
    at.file_uploader(key="evaluate_upload").set_value(("three.jsonl", lines, "application/json")).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert list(table.columns) == ["gma (hybrid + extractive)"]
    assert table.loc["n"].iloc[0] == 3
    assert len(at.get("image")) == 3, "the three report plots"

    at.file_uploader(key="evaluate_upload").set_value(("bad.jsonl", b'{"id": "x"}\n', "application/json")).run()
    at.button[0].click().run()
    assert at.error[0].value == "bad.jsonl, line 1: field 'evidence': missing"
    assert list(at.dataframe[0].value.columns) == ["gma (hybrid + extractive)"], "the last good run stays shown"

    at.file_uploader(key="evaluate_upload").set_value(("three.jsonl", lines, "application/json")).run()
    at.checkbox[0].check().run()
    at.button[0].click().run()
    assert list(at.dataframe[0].value.columns) == ["gma (hybrid + extractive)", "BM25 alone", "dense alone"]
