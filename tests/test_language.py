"""Questions not in English: detected by script or stop words, searched as written, and said so in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.language import language_notice, question_language
from assistant.service import Assistant
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.samples import write_sample_corpus


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quels sont les deux groupes thématiques du mécanisme ?", "French"),
        ("¿Cuáles son los dos grupos temáticos del mecanismo?", "Spanish"),
        ("Quais são os dois grupos temáticos do mecanismo?", "Portuguese"),
        ("Каковы две тематические группы механизма?", "Russian"),
        ("ما هي المجموعتان المواضيعيتان للآلية؟", "Arabic"),
        ("该机制的两个专题小组是什么？", "Chinese"),
        ("What are the two dedicated thematic groups?", "English"),
        ("Did the UN say States shouldn't attack a CERT?", "English"),  # "UN", "t": no French here
        ("What is the raison d'être of the mechanism?", "English"),  # one borrowed phrase
        ("DTG1?", "English"),
    ],
)
def test_question_language(question: str, language: str) -> None:
    assert question_language(question) == language
    assert bool(language_notice(question)) == (language != "English")


@pytest.fixture
def sample_index(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    Ingestor(index, HashEmbedder()).ingest([write_sample_corpus(tmp_path)])
    return index


def test_a_french_question_is_searched_as_written_and_said_to_be_so(sample_index: Path, monkeypatch) -> None:
    french = "Quels sont les deux groupes thématiques (DTGs) du mécanisme ?"
    answer = Assistant(Settings(index_dir=sample_index), embedder=HashEmbedder()).ask(french)
    assert answer.notice.startswith("The question looks French; the documents and the search model are English")
    assert answer.retrieved, "the search still ran"
    english = Assistant(Settings(index_dir=sample_index), embedder=HashEmbedder()).ask("What are the DTGs?")
    assert english.notice == ""

    monkeypatch.setattr("assistant.service.Embedder", lambda *a, **k: HashEmbedder())
    result = CliRunner().invoke(main, ["ask", french, "--index", str(sample_index), "--json"])
    assert json.loads(result.stdout)["notice"] == answer.notice
    plain = CliRunner().invoke(main, ["ask", french, "--index", str(sample_index)])
    assert f"note: {answer.notice}" in plain.stderr
