"""Questions embedded through the model exported to ONNX at ingest (index/onnx_embedder.py, onnx_export.py)."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.service import Assistant, question_embedder
from core.settings import Settings
from index.embedder import default_model_path
from index.onnx_embedder import (
    MANIFEST,
    MODEL_FILE,
    ExportUnavailable,
    OnnxEmbedder,
    export_folder,
    has_export,
    model_folder,
)
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.samples import write_sample_corpus

ROOT = Path(__file__).resolve().parent.parent
# Modules a command that needs them not must never import: each costs a new process from 0.3 to 5 seconds.
HEAVY = ("torch", "sentence_transformers", "transformers", "chromadb", "langchain_core", "streamlit", "fastapi")
EDGE_CASES = [
    "", " ", "x", "?", "  What are the two dedicated thematic groups?  ", "WHAT ARE THE DTGS", "80/16", "A/RES/80/16, para. 4",
    "Quels sont les deux groupes thématiques (DTGs) du mécanisme ?", "¿Qué Estados apoyaron un proceso único?",
    "ما هي المجموعتان المواضيعيتان؟", "两个专门专题小组是什么？", "Какие государства поддержали?",
    "naïve café déjà vu — “quoted” ‘words’ … ½ ² €", "emoji 🙂 and tabs\tand\nnew lines", "\u200bzero\u200bwidth",
    "word " * 600, "ICT-security; capacity-building/confidence-building measures (CBMs) [sic].",
]


def varied_sentences(corpus: Path) -> list[str]:
    """Every sentence-like piece of the shared corpus's resolutions (a few hundred), and the edge cases."""
    pieces = []
    for path in sorted((corpus / "resolutions").glob("*.md"))[:12]:
        pieces += [piece for piece in re.split(r"(?<=[.;:])\s+|\n+", path.read_text(encoding="utf-8")) if piece.strip()]
    return EDGE_CASES + pieces[::3][:400]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("index")
    Ingestor(index, HashEmbedder()).ingest([write_sample_corpus(tmp_path_factory.mktemp("docs"))])
    return index


def run_and_list_modules(*args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `gma ARGS` in a new process; what it printed, and the top-level modules it imported."""
    code = (
        "import sys\nfrom assistant.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES"))
    return done, set(line.split()[1:])


def test_exact_wording_search_imports_no_model_store_or_app_framework(sample_index: Path) -> None:
    done, modules = run_and_list_modules("search", "--phrase", "a voice, not a vote", "--index", str(sample_index))
    assert "a voice, not a vote" in done.stdout.lower()
    assert modules.isdisjoint({*HEAVY, "onnxruntime", "bm25s", "scipy"}), modules & {*HEAVY, "onnxruntime", "bm25s"}


def test_without_an_export_questions_load_sentence_transformers_after_one_line(
    sample_index: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.service.Embedder", lambda model: HashEmbedder())
    with caplog.at_level(logging.WARNING):
        embedder = question_embedder(Settings(index_dir=sample_index))
    assert isinstance(embedder, HashEmbedder)
    [record] = caplog.records
    assert "the ONNX export of the embedding model" in record.getMessage() and "is missing" in record.getMessage()
    assert "run `gma ingest` to export it" in record.getMessage()


def test_a_damaged_export_falls_back_with_one_line_and_no_traceback(
    sample_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    export = export_folder(index, model_folder(None))
    export.mkdir(parents=True)
    (export / MODEL_FILE).write_bytes(b"not an onnx graph")
    (export / MANIFEST).write_text(json.dumps({"dimension": 384, "model_bytes": 17}), encoding="utf-8")
    assert has_export(index, None)
    with pytest.raises(ExportUnavailable, match="cannot be loaded .* delete it and run `gma ingest`"):
        OnnxEmbedder.exported(index, None)

    monkeypatch.setattr("assistant.service.Embedder", lambda model: HashEmbedder())
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(main, ["ask", "What are the DTGs?", "--index", str(index)])
    assert result.exit_code == 0, result.output
    notes = [r.getMessage() for r in caplog.records if "ONNX export" in r.getMessage()]
    assert len(notes) == 1 and "\n" not in notes[0] and "Traceback" not in result.output
    assert "dedicated thematic groups" in result.stdout


def test_a_model_other_than_a_local_folder_has_no_export(sample_index: Path) -> None:
    assert model_folder("some-hub-name") is None and not has_export(sample_index, "some-hub-name")
    with pytest.raises(ExportUnavailable, match="is not a local sentence-transformers folder"):
        OnnxEmbedder.exported(sample_index, "some-hub-name")


# --- with the real model ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> OnnxEmbedder:  # noqa: ANN001
    from index.onnx_export import export

    index = tmp_path_factory.mktemp("export")
    assert export(real_embedder, index) is not None
    return OnnxEmbedder.exported(index, None)


@pytest.mark.model
@pytest.mark.corpus
def test_exported_vectors_equal_sentence_transformers_within_1e4(
    exported: OnnxEmbedder, real_embedder, shared_corpus: Path  # noqa: ANN001
) -> None:
    texts = varied_sentences(shared_corpus)
    assert len(texts) > 300
    expected = real_embedder.embed_documents(texts)
    assert np.abs(exported.embed_documents(texts) - expected).max() < 1e-4
    for text in EDGE_CASES + texts[-40:]:
        assert np.abs(exported.embed_query(text) - real_embedder.embed_query(text)).max() < 1e-4, text
    assert exported.dimension == real_embedder.dimension == 384


@pytest.mark.model
def test_a_changed_model_folder_makes_the_export_stale(tmp_path: Path, real_embedder) -> None:  # noqa: ANN001
    from index.embedder import Embedder
    from index.onnx_export import export

    folder = tmp_path / "model"
    shutil.copytree(default_model_path(), folder)
    index = tmp_path / "index"
    assert export(Embedder(str(folder)), index) is not None
    OnnxEmbedder.exported(index, str(folder))
    (folder / "README.md").write_text("edited\n", encoding="utf-8")
    with pytest.raises(ExportUnavailable, match="is stale; run `gma ingest` to export it"):
        OnnxEmbedder.exported(index, str(folder))
    export(Embedder(str(folder)), index)
    assert OnnxEmbedder.exported(index, str(folder)).embed_query("a voice, not a vote").shape == (384,)
    assert len(list((index / "onnx").iterdir())) == 1, "the stale export is removed"


@pytest.mark.model
@pytest.mark.corpus
def test_ingest_exports_and_questions_then_answer_as_with_sentence_transformers(
    corpus_index: Path, corpus_assistant  # noqa: ANN001
) -> None:
    assert has_export(corpus_index, None)
    fast = Assistant(Settings(index_dir=corpus_index))
    assert isinstance(fast.embedder, OnnxEmbedder)
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "tune.jsonl").open()][:25]
    for question in questions:
        assert fast.ask(question).text == corpus_assistant.ask(question).text, question


@pytest.mark.model
@pytest.mark.corpus
def test_ask_and_search_import_no_torch_chromadb_or_app_framework(corpus_index: Path) -> None:
    for command in (["ask", "What are the two dedicated thematic groups?"], ["search", "review conference"]):
        done, modules = run_and_list_modules(*command, "--index", str(corpus_index))
        assert done.returncode == 0 and done.stdout.strip(), done.stderr[-500:]
        assert modules.isdisjoint(HEAVY), modules & set(HEAVY)
        assert "ONNX export" not in done.stderr
